// `iamlab workshop serve`: the instructor's room, with the Ink dashboard on a TTY and one
// line per event otherwise (--plain, a pipe, TERM=dumb).
import { networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import { isLoopbackHost, iamlabHome } from './home.js';
import { eventLine, learnerRows, duration, shown, type RoomEvent } from './room.js';
import { DEFAULT_PORT, startWorkshopServer, WorkshopServerError, type WorkshopServer } from './server.js';
import { roomPath } from './store.js';
import { exportRoom, summaryRows, summaryText } from './summary.js';
import { joinCommand, type JoinInfo } from './view.js';

/** A room is for learners on other machines: it listens on every IPv4 address unless --host says otherwise. */
export const DEFAULT_HOST = '0.0.0.0';

export interface WorkshopServeOptions {
  port?: string | number;
  host?: string;
  workshopKey?: string;
  plain?: boolean;
  /** Minutes without progress before a learner shows as stuck (default 5; env IAMLAB_STUCK_MINUTES). */
  stuckMinutes?: number;
  /** For tests: the machine's addresses (default os.networkInterfaces()). */
  interfaces?: ReturnType<typeof networkInterfaces>;
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
  if (o.stuckMinutes !== undefined && !(Number.isFinite(o.stuckMinutes) && o.stuckMinutes > 0)) {
    err.write(`iamlab: --stuck-minutes ${String(o.stuckMinutes)}: give a number of minutes above 0 (e.g. 5, or 0.5 for 30 seconds)\n`);
    return 2;
  }
  const host = o.host ?? DEFAULT_HOST;
  const key = o.workshopKey || process.env.IAMLAB_WORKSHOP_KEY || undefined;
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
  const join = joinInfo(server, host, key, o.interfaces ?? networkInterfaces());
  const notes: string[] = [];
  if (join.localOnly) notes.push(`the room listens on ${server.url} only: learners on other machines cannot join; serve with --host 0.0.0.0 (the default) or this machine's LAN address`);
  else if (!key) notes.push(`anyone who can reach this machine on port ${server.port} can send progress events, and without a workshop key nothing checks who sent them`);
  if (!join.localOnly && join.urls.length === 0) notes.push(`found no network address of this machine to print; learners use http://<its address>:${server.port}`);
  if (!key) notes.push('no workshop key (--workshop-key or IAMLAB_WORKSHOP_KEY): events are not authenticated and reports will be unsigned');

  const plain = o.plain || !(out as NodeJS.WriteStream).isTTY || process.env.TERM === 'dumb';
  const exportDir = dirname(statePath);
  const exportNow = (): string => {
    try {
      const { md, csv } = exportRoom(server.room, exportDir, new Date(), stuckAfterMs);
      return `the room's summary: ${md} and ${csv}`;
    } catch (e) {
      return `could not write the room's summary to ${exportDir}: ${(e as Error).message}`;
    }
  };
  try {
    if (plain) {
      for (const n of notes) err.write(`note: ${n}.\n`);
      for (const w of server.warnings) err.write(`warning: ${w}\n`);
      await runPlain(server, out, join, stuckAfterMs, o.signal);
    } else {
      // the dashboard has its own line for a room without a key, and says "this machine only" in the join line
      const shownAbove = join.urls.length === 0 ? notes.filter((n) => n.startsWith('found no network address')) : [];
      await runInk(server, stuckAfterMs, join, shownAbove, exportNow, o.signal);
    }
  } finally {
    await server.close();
  }
  if (plain && Object.keys(server.room.learners).length > 0) out.write(`\nThe room when it closed:\n${summaryText(summaryRows(server.room, new Date(), stuckAfterMs))}`);
  if (Object.keys(server.room.learners).length > 0) err.write(`${exportNow()}\n`);
  err.write(`the room is saved in ${statePath} (serve again to continue it)\n`);
  return 0;
}

/** Where learners join: this machine's LAN addresses when the room listens on all of them. */
export function joinInfo(server: Pick<WorkshopServer, 'url' | 'port'>, host: string, key: string | undefined, interfaces: ReturnType<typeof networkInterfaces>): JoinInfo {
  const k = key ? { key } : {};
  if (host === '0.0.0.0' || host === '::') return { urls: lanUrls(server.port, interfaces), localOnly: false, ...k };
  if (isLoopbackHost(host)) return { urls: [server.url], localOnly: true, ...k };
  return { urls: [server.url], localOnly: false, ...k };
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

async function runPlain(server: WorkshopServer, out: NodeJS.WritableStream, join: JoinInfo, stuckAfterMs: number, signal?: AbortSignal): Promise<void> {
  const [first, ...others] = join.urls.length ? join.urls : [`http://<this machine's address>:${server.port}`];
  out.write(`iamlab workshop room on ${server.url} (${server.signed ? 'signed events' : 'unsigned events'}); learners join with: ${joinCommand(first!, join.key, false)}\n`);
  for (const u of others) out.write(`  or, on another network: ${joinCommand(u, join.key, false)}\n`);
  if (join.key) out.write('(the workshop key is masked here: give learners the key you chose)\n');
  const rows = learnerRows(server.room, new Date(), stuckAfterMs);
  if (rows.length) out.write(`${rows.length} learner${rows.length === 1 ? '' : 's'} from the saved room:\n${summaryText(summaryRows(server.room, new Date(), stuckAfterMs))}`);
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
        out.write(`${new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')} ${shown(r.name)} is STUCK on ${r.step ? `step ${r.step}` : 'the next step'} of ${r.lab ?? '?'}: no progress for ${duration(r.sinceProgressMs)} (hints ${r.hints}, failed checks ${r.attempts})\n`);
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

async function runInk(server: WorkshopServer, stuckAfterMs: number, join: JoinInfo, warnings: string[], onExport: () => string, signal?: AbortSignal): Promise<void> {
  if (process.env.NO_COLOR && !process.env.FORCE_COLOR) process.env.FORCE_COLOR = '0';
  const { mountDashboard } = await import('./dashboard.js');
  const app = mountDashboard({ server, stuckAfterMs, join, warnings, onExport });
  const stop = waitForStop(signal);
  await Promise.race([app.waitUntilExit(), stop.promise]);
  stop.dispose();
  app.unmount();
}

/** Interfaces of containers and virtual machines: learners on the LAN do not reach them. */
const VIRTUAL_IF = /^(docker|br-|veth|virbr|vboxnet|vmnet|cni|flannel|cali|tun|tap|utun|zt|tailscale|wg)/i;

/** http://<address>:port for each non-internal IPv4 address of this machine, physical interfaces first. */
export function lanUrls(port: number, interfaces: ReturnType<typeof networkInterfaces>): string[] {
  const found: Array<{ url: string; virtual: boolean }> = [];
  for (const [name, list] of Object.entries(interfaces)) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) found.push({ url: `http://${a.address}:${port}`, virtual: VIRTUAL_IF.test(name) });
  }
  return [...found.filter((f) => !f.virtual), ...found.filter((f) => f.virtual)].map((f) => f.url).slice(0, 3);
}
