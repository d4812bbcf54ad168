// `iamlab workshop serve`: the instructor's room, with the Ink dashboard on a TTY and one
// line per event otherwise (--plain, a pipe, TERM=dumb).
import { networkInterfaces } from 'node:os';
import { isLoopbackHost, iamlabHome } from './home.js';
import { eventLine, learnerRows, duration, type RoomEvent } from './room.js';
import { DEFAULT_PORT, startWorkshopServer, WorkshopServerError, type WorkshopServer } from './server.js';
import { roomPath } from './store.js';

export interface WorkshopServeOptions {
  port?: string | number;
  host?: string;
  workshopKey?: string;
  plain?: boolean;
  /** Minutes without progress before a learner shows as stuck (default 5; env IAMLAB_STUCK_MINUTES). */
  stuckMinutes?: number;
  /** For tests: where to write (default process.stdout / stderr). */
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** For tests: resolves the command's wait instead of a signal. */
  signal?: AbortSignal;
  /** For tests: called once the room listens. */
  onListening?: (server: WorkshopServer) => void;
}

export async function workshopServeCommand(o: WorkshopServeOptions): Promise<number> {
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  const port = o.port === undefined ? DEFAULT_PORT : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    err.write(`iamlab: --port ${String(o.port)}: not a port number (0–65535)\n`);
    return 2;
  }
  const host = o.host ?? '127.0.0.1';
  const key = o.workshopKey ?? process.env.IAMLAB_WORKSHOP_KEY ?? undefined;
  const stuckMinutes = o.stuckMinutes ?? (Number(process.env.IAMLAB_STUCK_MINUTES) > 0 ? Number(process.env.IAMLAB_STUCK_MINUTES) : 5);
  const stuckAfterMs = stuckMinutes * 60_000;
  const statePath = roomPath(iamlabHome());

  let server: WorkshopServer;
  try {
    server = await startWorkshopServer({ port, host, key: key || undefined, statePath });
  } catch (e) {
    if (e instanceof WorkshopServerError) {
      err.write(`iamlab: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  o.onListening?.(server);
  if (!isLoopbackHost(host)) {
    err.write(`warning: the room listens on ${host}: anyone who can reach this machine on port ${server.port} can send progress events${key ? ' (they need the workshop key to be accepted)' : ', and without a workshop key nothing checks who sent them'}.\n`);
  } else {
    err.write(`note: the room listens on ${server.url} only; to let learners on the LAN join, serve with --host 0.0.0.0 (or this machine's LAN address).\n`);
  }
  if (!key) err.write('note: no workshop key (--workshop-key or IAMLAB_WORKSHOP_KEY): events are not authenticated and reports will be unsigned.\n');
  for (const w of server.warnings) err.write(`warning: ${w}\n`);

  const plain = o.plain || !(out as NodeJS.WriteStream).isTTY || process.env.TERM === 'dumb';
  const joinUrl = ['0.0.0.0', '::'].includes(host) ? lanUrls(server.port).join(' or ') || `http://<this machine's address>:${server.port}` : server.url;
  try {
    if (plain) await runPlain(server, out, joinUrl, stuckAfterMs, o.signal);
    else await runInk(server, stuckAfterMs, o.signal);
  } finally {
    await server.close();
  }
  err.write(`the room is saved in ${statePath}\n`);
  return 0;
}

function waitForStop(signal?: AbortSignal): { promise: Promise<void>; dispose: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  const onSig = () => resolve();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  signal?.addEventListener('abort', onSig, { once: true });
  if (signal?.aborted) resolve();
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
      signal?.removeEventListener('abort', onSig);
    },
  };
}

async function runPlain(server: WorkshopServer, out: NodeJS.WritableStream, joinUrl: string, stuckAfterMs: number, signal?: AbortSignal): Promise<void> {
  out.write(`iamlab workshop room on ${server.url} (${server.signed ? 'signed events' : 'unsigned events'}); learners join with: iamlab --workshop ${joinUrl} --name NAME\n`);
  const rows = learnerRows(server.room, new Date(), stuckAfterMs);
  if (rows.length) out.write(`${rows.length} learner(s) from the saved room: ${rows.map((r) => `${r.name} ${r.done}/${r.total ?? '?'}`).join(', ')}\n`);
  const stuckNow = new Set(rows.filter((r) => r.status === 'stuck').map((r) => r.name));
  const unsubscribe = server.subscribe((ev: RoomEvent) => {
    out.write(`${eventLine(ev, server.room)}\n`);
    if (ev.kind !== 'hint' && ev.kind !== 'attempt') stuckNow.delete(ev.learner);
  });
  // One line when someone becomes stuck (not one per tick).
  const tick = setInterval(() => {
    for (const r of learnerRows(server.room, new Date(), stuckAfterMs)) {
      if (r.status === 'stuck' && !stuckNow.has(r.name)) {
        stuckNow.add(r.name);
        out.write(`${new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')} ${r.name} is STUCK on ${r.step ? `step ${r.step}` : 'the next step'} of ${r.lab ?? '?'}: no progress for ${duration(r.sinceProgressMs)} (hints ${r.hints}, failed checks ${r.attempts})\n`);
      }
    }
  }, 15_000);
  tick.unref();
  const stop = waitForStop(signal);
  await stop.promise;
  stop.dispose();
  clearInterval(tick);
  unsubscribe();
}

async function runInk(server: WorkshopServer, stuckAfterMs: number, signal?: AbortSignal): Promise<void> {
  if (process.env.NO_COLOR && !process.env.FORCE_COLOR) process.env.FORCE_COLOR = '0';
  const [{ render }, React, { LiveDashboard }] = await Promise.all([import('ink'), import('react'), import('./dashboard.js')]);
  const app = render(React.createElement(LiveDashboard, { server, stuckAfterMs }), { exitOnCtrlC: false });
  const stop = waitForStop(signal);
  await Promise.race([app.waitUntilExit(), stop.promise]);
  stop.dispose();
  app.unmount();
}

/** http://<address>:port for each non-internal IPv4 address of this machine. */
function lanUrls(port: number): string[] {
  const urls: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) urls.push(`http://${a.address}:${port}`);
  }
  return urls.slice(0, 3);
}
