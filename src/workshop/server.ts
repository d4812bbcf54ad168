// The instructor's room server: node's http on 127.0.0.1 (by default), taking progress
// events from learners' apps and keeping the room (persisted, so a restart loses nothing).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VERSION } from '../version.js';
import {
  EVENTS_PATH,
  EventBatchSchema,
  HEALTH_PATH,
  MAX_BODY_BYTES,
  PROTOCOL_VERSION,
  SIGNATURE_HEADER,
  issueText,
  signatureMatches,
  type EventBatch,
} from './protocol.js';
import { applyEvent, emptyRoom, type RoomEvent, type RoomState } from './room.js';
import { loadRoom, saveRoom } from './store.js';

export const DEFAULT_PORT = 7357;
export const MAX_LEARNERS = 2000;

export interface WorkshopServerOptions {
  /** 0 = any free port. Default 7357. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, every batch must carry the HMAC of this key. */
  key?: string;
  /** room.json; the room is loaded from it and saved to it. Undefined: memory only. */
  statePath?: string;
  now?: () => Date;
  /** Coalesces saves (ms). Default 200. */
  saveDelayMs?: number;
}

export interface WorkshopServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly signed: boolean;
  readonly room: RoomState;
  /** Problems met while loading the saved room (e.g. a corrupt room.json moved aside). */
  readonly warnings: string[];
  /** Called for every applied event (after the room changed). Returns an unsubscribe function. */
  subscribe(listener: (ev: RoomEvent) => void): () => void;
  /** Counters for tests and the status line. */
  readonly stats: { batches: number; applied: number; duplicates: number; rejected: number };
  saveNow(): void;
  close(): Promise<void>;
}

export class WorkshopServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkshopServerError';
  }
}

export async function startWorkshopServer(opts: WorkshopServerOptions = {}): Promise<WorkshopServer> {
  const now = opts.now ?? (() => new Date());
  const host = opts.host ?? '127.0.0.1';
  const key = opts.key || undefined;
  const loaded = opts.statePath ? loadRoom(opts.statePath, now()) : { room: emptyRoom(now()), warnings: [] as string[] };
  const state: RoomState = loaded.room;
  const warnings: string[] = loaded.warnings;
  const listeners = new Set<(ev: RoomEvent) => void>();
  const stats = { batches: 0, applied: 0, duplicates: 0, rejected: 0 };
  let saveTimer: NodeJS.Timeout | undefined;
  let saveError: string | undefined;

  const saveNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    if (!opts.statePath) return;
    try {
      saveRoom(opts.statePath, state);
      saveError = undefined;
    } catch (e) {
      const msg = `could not save the room to ${opts.statePath}: ${(e as Error).message}`;
      if (msg !== saveError) warnings.push(msg);
      saveError = msg;
    }
  };
  const scheduleSave = () => {
    if (!opts.statePath || saveTimer) return;
    saveTimer = setTimeout(saveNow, opts.saveDelayMs ?? 200);
    saveTimer.unref();
  };

  const reply = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(text);
  };

  const ingest = (batch: EventBatch): { accepted: number; duplicates: number } => {
    const serverNow = now().getTime();
    // Correct the learner's clock by the difference between its send time and ours.
    const offset = serverNow - Date.parse(batch.sent_at);
    const c = (state.clients[batch.client] ??= { learner: batch.learner, last_seq: 0, last_seen_at: new Date(serverNow).toISOString() });
    c.learner = batch.learner;
    c.last_seen_at = new Date(serverNow).toISOString();
    let accepted = 0;
    let duplicates = 0;
    const events = [...batch.events].sort((a, b) => a.seq - b.seq);
    for (const e of events) {
      if (e.seq <= c.last_seq) {
        duplicates++;
        continue;
      }
      c.last_seq = e.seq;
      const at = new Date(Math.min(serverNow, Date.parse(e.at) + offset)).toISOString();
      const ev: RoomEvent = { at, learner: batch.learner, kind: e.kind };
      if (e.lab !== undefined) ev.lab = e.lab;
      if (e.step !== undefined) ev.step = e.step;
      if (e.hint !== undefined) ev.hint = e.hint;
      if (e.step_index !== undefined) ev.step_index = e.step_index;
      if (e.steps_total !== undefined) ev.steps_total = e.steps_total;
      applyEvent(state, ev, batch.client);
      const recorded = state.recent[state.recent.length - 1] ?? ev;
      accepted++;
      for (const l of listeners) {
        try {
          l(recorded);
        } catch {
          /* a broken view must not break the room */
        }
      }
    }
    stats.applied += accepted;
    stats.duplicates += duplicates;
    if (accepted) scheduleSave();
    return { accepted, duplicates };
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      reply(res, 200, { ok: true, service: 'iamlab-workshop', protocol: PROTOCOL_VERSION, iamlab: VERSION, signed: Boolean(key) });
      return;
    }
    if (path !== EVENTS_PATH) {
      reply(res, 404, { error: `no such path ${path}; learners send to ${EVENTS_PATH}` });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      reply(res, 405, { error: 'use POST' });
      return;
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      stats.rejected++;
      reply(res, 415, { error: 'Content-Type must be application/json' });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      stats.rejected++;
      reply(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        tooBig = true;
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => {
      /* client went away mid-body */
    });
    req.on('end', () => {
      stats.batches++;
      if (tooBig) {
        stats.rejected++;
        reply(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
        return;
      }
      const body = Buffer.concat(chunks);
      if (key && !signatureMatches(key, body, header(req, SIGNATURE_HEADER))) {
        stats.rejected++;
        reply(res, 401, { error: 'missing or wrong signature: this room needs the workshop key the instructor handed out (--workshop-key or IAMLAB_WORKSHOP_KEY)' });
        return;
      }
      let data: unknown;
      try {
        data = JSON.parse(body.toString('utf8'));
      } catch {
        stats.rejected++;
        reply(res, 400, { error: 'body is not JSON' });
        return;
      }
      const parsed = EventBatchSchema.safeParse(data);
      if (!parsed.success) {
        stats.rejected++;
        reply(res, 400, { error: `not a progress batch: ${issueText(parsed.error.issues)}` });
        return;
      }
      if (!state.learners[parsed.data.learner] && Object.keys(state.learners).length >= MAX_LEARNERS) {
        stats.rejected++;
        reply(res, 429, { error: `the room is full (${MAX_LEARNERS} learners)` });
        return;
      }
      reply(res, 200, { ok: true, ...ingest(parsed.data) });
    });
  };

  const server: Server = createServer(handle);
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const where = `${host}:${opts.port ?? DEFAULT_PORT}`;
      if (e.code === 'EADDRINUSE') reject(new WorkshopServerError(`port ${opts.port ?? DEFAULT_PORT} is in use on ${host}; pick another with --port`));
      else if (e.code === 'EACCES') reject(new WorkshopServerError(`not allowed to listen on ${where}; pick a port above 1024 with --port`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new WorkshopServerError(`${host} is not an address of this machine (--host)`));
      else reject(new WorkshopServerError(`could not listen on ${where}: ${e.message}`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port ?? DEFAULT_PORT, host);
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${urlHost}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    signed: Boolean(key),
    room: state,
    warnings,
    stats,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    saveNow,
    close: () =>
      new Promise<void>((resolve) => {
        saveNow();
        listeners.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
