// The learner side of a workshop: queues progress events and delivers them to the
// instructor's room in the background. It never blocks and never throws after creation:
// when the instructor's machine goes away, events wait in a bounded queue and are
// resent with exponential backoff (with jitter) until the room answers again.
import { randomUUID } from 'node:crypto';
import {
  EVENTS_PATH,
  MAX_BATCH,
  PROTOCOL_VERSION,
  SIGNATURE_HEADER,
  EVENT_KINDS,
  bodySignature,
  displayNameProblem,
  type EventKind,
  type WireEvent,
  type WorkshopEvent,
} from './protocol.js';

export interface WorkshopClientOptions {
  /** The room's address, e.g. http://192.168.1.20:7357 (what `iamlab workshop serve` prints). */
  url: string;
  /** The learner's display name (1–64 characters). */
  name: string;
  /** The workshop key, when the room has one. */
  key?: string;
  /** Events kept while the room is unreachable; the oldest non-pass events go first. Default 1000. */
  maxQueue?: number;
  /** Events per request. Default 100. */
  batchSize?: number;
  /** First retry delay; doubles per failure up to maxBackoffMs. Defaults 500 ms and 30 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout. Default 5 s. */
  requestTimeoutMs?: number;
  /** Send a `joined` event at once. Default true. */
  join?: boolean;
  now?: () => Date;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface WorkshopClientStatus {
  /** undefined until the first request finished. */
  connected: boolean | undefined;
  queued: number;
  delivered: number;
  /** Events dropped because the queue was full. */
  dropped: number;
  /** Events the room refused as malformed (never retried). */
  refused: number;
  lastError?: string;
  /** When the next retry is due, while the room is unreachable. */
  retryAt?: Date;
}

export interface WorkshopClient {
  readonly clientId: string;
  readonly url: string;
  /** Queues one progress event; returns at once. */
  send(event: WorkshopEvent): void;
  /** Tries to deliver everything queued now (ignoring the backoff wait). Resolves true when the queue is empty. Never rejects. */
  flush(): Promise<boolean>;
  /** Sends `left`, tries for up to timeoutMs (default 1000) to deliver, then stops. Never rejects. */
  close(timeoutMs?: number): Promise<void>;
  status(): WorkshopClientStatus;
  /** Called whenever the status changes (connected/disconnected, queue drained). */
  onStatus(listener: (s: WorkshopClientStatus) => void): () => void;
}

export class WorkshopClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkshopClientError';
  }
}

const KEEP_FIRST: ReadonlySet<EventKind> = new Set(['passed', 'skip', 'finished', 'joined']);
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Throws WorkshopClientError for a bad URL or name (at creation only). */
export function createWorkshopClient(opts: WorkshopClientOptions): WorkshopClient {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch {
    throw new WorkshopClientError(`--workshop ${opts.url}: not a URL (expected e.g. http://192.168.1.20:7357)`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new WorkshopClientError(`--workshop ${opts.url}: use an http:// or https:// address`);
  }
  const name = opts.name.trim();
  const nameProblem = displayNameProblem(name);
  if (nameProblem) throw new WorkshopClientError(`--name: ${nameProblem}`);
  const endpoint = new URL(EVENTS_PATH, base).toString();
  const now = opts.now ?? (() => new Date());
  const random = opts.random ?? Math.random;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const maxQueue = Math.max(1, opts.maxQueue ?? 1000);
  const batchSize = Math.min(MAX_BATCH, Math.max(1, opts.batchSize ?? 100));
  const initialBackoff = opts.initialBackoffMs ?? 500;
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const timeoutMs = opts.requestTimeoutMs ?? 5000;
  const clientId = randomUUID();

  const queue: WireEvent[] = [];
  let seq = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let scheduled = false;
  let inFlight: Promise<void> | undefined;
  let closed = false;
  let stopped = false;
  const st: WorkshopClientStatus = { connected: undefined, queued: 0, delivered: 0, dropped: 0, refused: 0 };
  const listeners = new Set<(s: WorkshopClientStatus) => void>();
  const emit = () => {
    st.queued = queue.length;
    const snap = status();
    for (const l of listeners) {
      try {
        l(snap);
      } catch {
        /* a listener's bug must not stop delivery */
      }
    }
  };
  const status = (): WorkshopClientStatus => ({ ...st, queued: queue.length });

  const toWire = (e: WorkshopEvent): WireEvent | undefined => {
    if (!e || !(EVENT_KINDS as readonly string[]).includes(e.kind)) return undefined;
    let at: string;
    try {
      at = (e.at === undefined ? now() : new Date(e.at)).toISOString();
    } catch {
      at = now().toISOString();
    }
    // Copy only the progress fields, whatever else the caller's object holds.
    const w: WireEvent = { seq: ++seq, kind: e.kind, at };
    if (typeof e.lab === 'string' && ID_RE.test(e.lab)) w.lab = e.lab;
    if (typeof e.step === 'string' && ID_RE.test(e.step)) w.step = e.step;
    if (typeof e.hint === 'string' && ID_RE.test(e.hint)) w.hint = e.hint;
    if (Number.isInteger(e.step_index) && (e.step_index as number) >= 0 && (e.step_index as number) <= 10_000) w.step_index = e.step_index;
    if (Number.isInteger(e.steps_total) && (e.steps_total as number) >= 0 && (e.steps_total as number) <= 10_000) w.steps_total = e.steps_total;
    return w;
  };

  const enforceBound = (sending: ReadonlySet<number>) => {
    while (queue.length > maxQueue) {
      let i = queue.findIndex((e) => !KEEP_FIRST.has(e.kind) && !sending.has(e.seq));
      if (i < 0) i = queue.findIndex((e) => !sending.has(e.seq));
      if (i < 0) break;
      queue.splice(i, 1);
      st.dropped++;
    }
  };

  let sendingSeqs: ReadonlySet<number> = new Set();

  const schedule = (delayMs: number) => {
    if (stopped || (closed && queue.length === 0)) return;
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void pump();
    }, delayMs);
    timer.unref();
  };

  const backoffDelay = () => {
    const d = Math.min(maxBackoff, initialBackoff * 2 ** Math.max(0, failures - 1));
    return Math.round(d / 2 + (random() * d) / 2);
  };

  const attempt = async (): Promise<void> => {
    const batch = queue.slice(0, batchSize);
    if (batch.length === 0) return;
    sendingSeqs = new Set(batch.map((e) => e.seq));
    const body = JSON.stringify({ v: PROTOCOL_VERSION, learner: name, client: clientId, sent_at: now().toISOString(), events: batch });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.key) headers[SIGNATURE_HEADER] = bodySignature(opts.key, body);
    let outcome: 'ok' | 'refused' | 'retry' = 'retry';
    try {
      const res = await doFetch(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      let msg = '';
      try {
        const j = (await res.json()) as { error?: unknown };
        if (typeof j.error === 'string') msg = j.error;
      } catch {
        /* not JSON: keep the status text */
      }
      if (res.ok) outcome = 'ok';
      else if (res.status === 400 || res.status === 413 || res.status === 415) {
        outcome = 'refused';
        st.lastError = `the room refused ${batch.length} event(s): ${msg || res.statusText}`;
      } else {
        st.lastError = `the room answered ${res.status}${msg ? `: ${msg}` : ''}`;
      }
      st.connected = true; // the room answered, whatever it said
    } catch (e) {
      st.connected = false;
      const err = e as Error & { cause?: { code?: string } };
      st.lastError = err.name === 'TimeoutError' ? `no answer from ${base.host} within ${timeoutMs} ms` : `cannot reach ${base.host}${err.cause?.code ? ` (${err.cause.code})` : ''}`;
    }
    const sent = sendingSeqs;
    sendingSeqs = new Set();
    if (outcome === 'retry') {
      failures++;
      const d = backoffDelay();
      st.retryAt = new Date(now().getTime() + d);
      emit();
      schedule(d);
      return;
    }
    for (let i = queue.length - 1; i >= 0; i--) if (sent.has(queue[i]!.seq)) queue.splice(i, 1);
    if (outcome === 'ok') {
      st.delivered += sent.size;
      st.connected = true;
      failures = 0;
      delete st.retryAt;
      if (st.lastError && !st.lastError.startsWith('the room refused')) delete st.lastError;
    } else st.refused += sent.size;
    emit();
  };

  /** Sends batches until the queue is empty or a request fails (which schedules the retry). */
  const pump = (): Promise<void> => {
    if (inFlight) return inFlight;
    if (queue.length === 0) return Promise.resolve();
    const run = (async () => {
      await Promise.resolve(); // always finish after `inFlight` is set below
      while (queue.length > 0) {
        const before = failures;
        await attempt();
        if (failures > before) break;
      }
    })()
      .catch(() => {
        /* never let delivery throw into the app */
      })
      .finally(() => {
        if (inFlight === run) inFlight = undefined;
      });
    inFlight = run;
    return run;
  };

  const client: WorkshopClient = {
    clientId,
    url: base.toString(),
    send(event) {
      try {
        if (closed) return;
        const w = toWire(event);
        if (!w) return;
        queue.push(w);
        enforceBound(sendingSeqs);
        st.queued = queue.length;
        if (timer || scheduled) return; // a retry (or a pump) is already due
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void pump();
        }).unref();
      } catch {
        /* never throw into the app */
      }
    },
    async flush() {
      try {
        if (timer) {
          clearTimeout(timer);
          timer = undefined;
        }
        if (inFlight) await inFlight;
        await pump();
        return queue.length === 0;
      } catch {
        return false;
      }
    },
    async close(ms = 1000) {
      if (closed) return;
      client.send({ kind: 'left' });
      closed = true;
      try {
        let t: NodeJS.Timeout | undefined;
        await Promise.race([client.flush(), new Promise<void>((r) => (t = setTimeout(r, ms)))]);
        if (t) clearTimeout(t);
      } catch {
        /* ignore */
      }
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      listeners.clear();
    },
    status,
    onStatus(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  if (opts.join !== false) client.send({ kind: 'joined' });
  return client;
}
