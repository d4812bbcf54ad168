// The workshop wire protocol: what a learner's iamlab sends to the instructor's.
//
// POST /v1/events, Content-Type: application/json, body = EventBatch (below).
// When the room has a workshop key, the header
//   X-Iamlab-Signature: sha256=<hex HMAC-SHA256(key, raw body bytes)>
// authenticates the batch; without a key the server takes unsigned batches.
// Events carry progress only: who (a display name), which lab, which step, what kind
// (started / passed / hint / skip / ...), and when. Never credentials, commands, outputs or
// answers: the schema is closed (unknown fields are refused) and the client copies only
// these fields out of whatever it is given.
// Every event has a per-client sequence number; the server applies each (client, seq) once,
// so a batch resent after a lost answer is harmless.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
export const EVENTS_PATH = '/v1/events';
export const HEALTH_PATH = '/v1/health';
export const SIGNATURE_HEADER = 'x-iamlab-signature';
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_BATCH = 200;

export const EVENT_KINDS = ['joined', 'started', 'passed', 'hint', 'skip', 'solution', 'attempt', 'finished', 'left'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
/** Kinds that move a learner forward (reset the "stuck" clock). */
export const PROGRESS_KINDS: ReadonlySet<EventKind> = new Set(['started', 'passed', 'skip', 'finished']);

/**
 * Characters a display name may not hold: C0 and C1 controls (U+009B starts an escape
 * sequence on some terminals), zero-width and direction marks, line/paragraph separators and
 * the bidirectional embeddings, overrides and isolates (they would reorder the instructor's
 * screen), and the byte-order mark.
 */
export const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** Why `name` cannot be a display name, or undefined when it can. */
export function displayNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 64) return 'give a display name of 1 to 64 characters';
  if (name.trim() !== name) return 'a display name has no leading or trailing spaces';
  if (UNSAFE_NAME_CHARS.test(name)) return 'a display name has no control, zero-width or text-direction characters';
  return undefined;
}

const Name = z.string().superRefine((s, ctx) => {
  const why = displayNameProblem(s);
  if (why) ctx.addIssue({ code: 'custom', message: `not a display name (${why})` });
});
const Ident = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'not an id (letters, digits, . _ : -)');
const Iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'not a UTC time').refine((s) => !Number.isNaN(Date.parse(s)), 'not a time');

export const WireEventSchema = z
  .strictObject({
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    kind: z.enum(EVENT_KINDS),
    at: Iso,
    lab: Ident.optional(),
    step: Ident.optional(),
    hint: Ident.optional(),
    /** 0-based position of `step` in the lab, and the lab's number of steps (so the room needs no lab files). */
    step_index: z.number().int().min(0).max(10_000).optional(),
    steps_total: z.number().int().min(0).max(10_000).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.kind !== 'joined' && e.kind !== 'left' && !e.lab) ctx.addIssue({ code: 'custom', message: `a ${e.kind} event needs a lab`, path: ['lab'] });
    if (['passed', 'hint', 'skip', 'solution', 'attempt'].includes(e.kind) && !e.step) {
      ctx.addIssue({ code: 'custom', message: `a ${e.kind} event needs a step`, path: ['step'] });
    }
  });

export const EventBatchSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  learner: Name,
  /** Random id of one running app (several apps may share a display name). */
  client: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'not a client id'),
  /** The client's clock when it sent the batch: the server corrects event times by the difference. */
  sent_at: Iso,
  events: z.array(WireEventSchema).min(1).max(MAX_BATCH),
});

export type WireEvent = z.infer<typeof WireEventSchema>;
export type EventBatch = z.infer<typeof EventBatchSchema>;

/** What the app hands the client: a progress fact, nothing else. */
export interface WorkshopEvent {
  kind: EventKind;
  lab?: string;
  step?: string;
  hint?: string;
  step_index?: number;
  steps_total?: number;
  /** Defaults to the client's clock. */
  at?: Date | string;
}

export function bodySignature(key: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', Buffer.from(key, 'utf8')).update(body).digest('hex')}`;
}

export function signatureMatches(key: string, body: Uint8Array, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(bodySignature(key, body), 'utf8');
  const got = Buffer.from(header.trim(), 'utf8');
  return want.length === got.length && timingSafeEqual(want, got);
}

export function issueText(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || 'body'}: ${i.message}`)
    .join('; ');
}
