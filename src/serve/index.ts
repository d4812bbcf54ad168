// `iamlab serve`'s public API: the simulated account as an AWS endpoint on 127.0.0.1.
//
//   const s = await startServer({ world, port: 0 });   // s.url = http://127.0.0.1:PORT
//   … point AWS_ENDPOINT_URL / an SDK client's endpoint at s.url …
//   await s.close();
import type { CallRequest, CallResult } from '../backend/types.js';
import { SimBackend, type SimCallRequest, type World } from '../sim/index.js';
import { listen, type ServerHandle, type ListenOptions, type KeyRecord } from './server.js';
import { KeyLookup, credentialsInOutput } from './keys.js';

export { DEFAULT_MAX_BODY_BYTES, type KeyRecord, type ServeTarget } from './server.js';
export { pasteBlock, learnerCredentials, regionOf } from './paste.js';

export interface StartServerOptions {
  world: World;
  /** 0 or absent = an ephemeral port. */
  port?: number;
  /** Only 127.0.0.1 is accepted: the endpoint is never exposed beyond this machine. */
  host?: '127.0.0.1';
  /** Called after every call that reached the simulated account (the world, at least its audit log, changed), with the call and its answer. */
  onChange?: (req: CallRequest, result: CallResult) => void;
  /** Called before each request is answered (the command reloads the world here when another process saved it). */
  beforeRequest?: () => void;
  /** Advanced: request limits and timeouts (tests use short ones), real-clock injection, timing hook. */
  limits?: Pick<ListenOptions, 'maxBodyBytes' | 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'now' | 'onTiming'>;
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
  /** Serve another world from now on (e.g. reloaded from disk). */
  setWorld(world: World): void;
  /** The world currently served. */
  readonly world: World;
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  let world = opts.world;
  let backend = new SimBackend(world);
  const keys = new KeyLookup(world);
  const target = {
    call: (req: SimCallRequest): Promise<CallResult> => Promise.resolve(backend.callSync(req)),
    lookupKey: (id: string): KeyRecord | undefined => keys.lookup(id),
  };
  const getTarget = () => {
    if (opts.beforeRequest) {
      try {
        opts.beforeRequest();
      } catch {
        // keep serving the current world
      }
    }
    return target;
  };
  const handle: ServerHandle = await listen(getTarget, {
    ...(opts.limits ?? {}),
    port: opts.port,
    host: opts.host,
    onCall: (req, result) => {
      keys.invalidateMisses();
      if (result.ok) for (const [id, rec] of credentialsInOutput(result.output)) keys.learn(id, rec);
      // A CloudTrail LookupEvents reaches observers too (it is audited); its service is
      // 'cloudtrail', which the shared ServiceName does not list yet — observers print it as text.
      opts.onChange?.(req as CallRequest, result);
    },
  });
  return {
    port: handle.port,
    url: handle.url,
    close: () => handle.close(),
    setWorld(w: World) {
      world = w;
      backend = new SimBackend(w);
      keys.setWorld(w);
    },
    get world() {
      return world;
    },
  };
}
