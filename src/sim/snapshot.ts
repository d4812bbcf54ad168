// Checks a world snapshot before it is loaded: the right format, a version this iamlab reads,
// and a structure that will not crash the simulated account later. Errors say what and where.
//
// Start-up speed: every `iamlab shell` and `iamlab check` loads a world, so the structure is
// checked by a small hand-written test (well under a millisecond). Only when that test refuses
// the snapshot is zod loaded (synchronously, outside the bundle) to say exactly what and where;
// zod remains the judge — the quick test is never more permissive than the zod schema, and
// when zod accepts what the quick test refused, the snapshot is loaded.
import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import type { WorldState } from './model.js';
import type { AuditEventJSON } from './audit.js';

export const SNAPSHOT_FORMAT = 'iamlab-world';
export const SNAPSHOT_VERSION = 1;

/** A world snapshot that cannot be loaded: not a world, corrupt, or from a newer iamlab. */
export class WorldSnapshotError extends Error {
  override name = 'WorldSnapshotError';
}

// ------------------------------------------------------------------ the schema (zod), built on demand

type ZodNamespace = typeof Zod;

function buildSchema(z: ZodNamespace) {
  const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO date');
  const tag = z.object({ Key: z.string(), Value: z.string() });
  const inline = z.object({ name: z.string(), document: z.string() });
  const key = z.object({ id: z.string(), secret: z.string(), status: z.enum(['Active', 'Inactive']), createDate: iso });
  const u32 = z.number().int();

  const user = z.object({
    name: z.string().min(1),
    path: z.string(),
    id: z.string(),
    createDate: iso,
    passwordLastUsed: iso.optional(),
    tags: z.array(tag),
    loginProfile: z.object({ createDate: iso, passwordHash: z.string(), salt: z.string(), passwordResetRequired: z.boolean() }).optional(),
    accessKeys: z.array(key),
    inline: z.array(inline),
    attached: z.array(z.string()),
    groups: z.array(z.string()),
    boundary: z.string().optional(),
    mfa: z.array(z.object({ serial: z.string(), enableDate: iso })),
  });
  const group = z.object({ name: z.string().min(1), path: z.string(), id: z.string(), createDate: iso, inline: z.array(inline), attached: z.array(z.string()) });
  const role = z.object({
    name: z.string().min(1),
    path: z.string(),
    id: z.string(),
    createDate: iso,
    trust: z.string(),
    description: z.string().optional(),
    maxSessionDuration: z.number().int(),
    tags: z.array(tag),
    inline: z.array(inline),
    attached: z.array(z.string()),
    boundary: z.string().optional(),
    lastUsed: z.object({ date: iso, region: z.string() }).optional(),
  });
  const policy = z.object({
    name: z.string().min(1),
    path: z.string(),
    id: z.string(),
    createDate: iso,
    updateDate: iso,
    description: z.string().optional(),
    defaultVersionId: z.string(),
    versions: z.array(z.object({ versionId: z.string(), document: z.string(), createDate: iso })).min(1),
    nextVersion: z.number().int(),
    tags: z.array(tag),
  });
  const mfa = z.object({ serial: z.string(), path: z.string(), name: z.string(), seed: z.string().regex(/^[A-Z2-7]+$/), createDate: iso, user: z.string().optional(), enableDate: iso.optional(), tags: z.array(tag) });
  const instance = z.object({
    instanceId: z.string(),
    reservationId: z.string(),
    imageId: z.string(),
    instanceType: z.string(),
    state: z.string(),
    region: z.string(),
    availabilityZone: z.string(),
    launchTime: iso,
    privateIp: z.string(),
    tags: z.array(tag),
  });
  const account = z.object({
    id: z.string().regex(/^\d{12}$/),
    alias: z.string().optional(),
    name: z.string(),
    email: z.string(),
    createdDate: iso,
    rootKeys: z.array(key),
    users: z.record(z.string(), user),
    groups: z.record(z.string(), group),
    roles: z.record(z.string(), role),
    policies: z.record(z.string(), policy),
    mfaDevices: z.record(z.string(), mfa),
    instances: z.array(instance),
  });
  const bucket = z.object({
    name: z.string(),
    owner: z.string(),
    region: z.string(),
    creationDate: iso,
    policy: z.string().optional(),
    objects: z.record(z.string(), z.object({ key: z.string(), body: z.string(), contentType: z.string(), lastModified: iso, etag: z.string(), size: z.number() })),
  });
  const session = z.object({
    accessKeyId: z.string(),
    secret: z.string(),
    token: z.string(),
    kind: z.enum(['role', 'user-session', 'federated', 'console']),
    accountId: z.string(),
    issuedAt: iso,
    expiration: iso,
    mfa: z.boolean(),
  });
  return z.object({
    format: z.literal(SNAPSHOT_FORMAT),
    version: z.literal(SNAPSHOT_VERSION),
    seed: z.string(),
    now: iso,
    rng: z.tuple([u32, u32, u32, u32]),
    reqRng: z.tuple([u32, u32, u32, u32]),
    accounts: z.record(z.string(), account),
    buckets: z.record(z.string(), bucket),
    sessions: z.record(z.string(), session),
    expiredSessions: z.record(z.string(), iso).optional(),
    audit: z.array(z.object({ eventId: z.string(), eventTime: iso, eventName: z.string() })).optional(),
  });
}

let schema: ReturnType<typeof buildSchema> | undefined;

/**
 * @internal The zod verdict on a snapshot: undefined when it is well-formed, else the learner's
 * message ("at <path>: <problem> (and N more problems)"). Loads zod on first use.
 */
export function zodProblem(data: unknown): string | undefined {
  if (!schema) {
    // Synchronous on purpose (World.fromJSON is synchronous); in the bundle this loads zod from
    // node_modules instead of the bundled copy, which only this rare path ever needs.
    let z: ZodNamespace;
    try {
      z = (createRequire(import.meta.url)('zod') as { z: ZodNamespace }).z;
    } catch (e) {
      return `its structure does not match snapshot version ${SNAPSHOT_VERSION} (the zod package that names the place could not be loaded: ${(e as Error).message})`;
    }
    schema = buildSchema(z);
  }
  const r = schema.safeParse(data);
  if (r.success) return undefined;
  const first = r.error.issues[0]!;
  const where = first.path.length ? first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? 's' : ''})` : '';
  return `at ${where}: ${first.message}${more}`;
}

// ------------------------------------------------------------------ the quick structural test

type Check = (v: unknown) => boolean;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Plain objects only (z.record is at least this strict about its input). */
const isRecordObj = (v: unknown): v is Record<string, unknown> => {
  if (!isObj(v)) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
};
const str: Check = (v) => typeof v === 'string';
const str1: Check = (v) => typeof v === 'string' && v.length >= 1;
const int: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v);
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const bool: Check = (v) => typeof v === 'boolean';
const iso: Check = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const opt =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const matches =
  (re: RegExp): Check =>
  (v) =>
    typeof v === 'string' && re.test(v);
const arr =
  (c: Check, min = 0): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length < min) return false;
    for (const x of v) if (!c(x)) return false;
    return true;
  };
const rec =
  (c: Check): Check =>
  (v) => {
    if (!isRecordObj(v) || Object.getOwnPropertySymbols(v).length > 0) return false;
    for (const k of Object.keys(v)) if (!c(v[k])) return false;
    return true;
  };
const obj = (shape: Record<string, Check>): Check => {
  const entries = Object.entries(shape);
  return (v) => {
    if (!isRecordObj(v)) return false;
    for (const [k, c] of entries) if (!c(v[k])) return false;
    return true;
  };
};
const tuple4: Check = (v) => Array.isArray(v) && v.length === 4 && v.every(int);

const qTag = obj({ Key: str, Value: str });
const qInline = obj({ name: str, document: str });
const qKey = obj({ id: str, secret: str, status: oneOf('Active', 'Inactive'), createDate: iso });
const qUser = obj({
  name: str1,
  path: str,
  id: str,
  createDate: iso,
  passwordLastUsed: opt(iso),
  tags: arr(qTag),
  loginProfile: opt(obj({ createDate: iso, passwordHash: str, salt: str, passwordResetRequired: bool })),
  accessKeys: arr(qKey),
  inline: arr(qInline),
  attached: arr(str),
  groups: arr(str),
  boundary: opt(str),
  mfa: arr(obj({ serial: str, enableDate: iso })),
});
const qGroup = obj({ name: str1, path: str, id: str, createDate: iso, inline: arr(qInline), attached: arr(str) });
const qRole = obj({
  name: str1,
  path: str,
  id: str,
  createDate: iso,
  trust: str,
  description: opt(str),
  maxSessionDuration: int,
  tags: arr(qTag),
  inline: arr(qInline),
  attached: arr(str),
  boundary: opt(str),
  lastUsed: opt(obj({ date: iso, region: str })),
});
const qPolicy = obj({
  name: str1,
  path: str,
  id: str,
  createDate: iso,
  updateDate: iso,
  description: opt(str),
  defaultVersionId: str,
  versions: arr(obj({ versionId: str, document: str, createDate: iso }), 1),
  nextVersion: int,
  tags: arr(qTag),
});
const qMfa = obj({ serial: str, path: str, name: str, seed: matches(/^[A-Z2-7]+$/), createDate: iso, user: opt(str), enableDate: opt(iso), tags: arr(qTag) });
const qInstance = obj({
  instanceId: str,
  reservationId: str,
  imageId: str,
  instanceType: str,
  state: str,
  region: str,
  availabilityZone: str,
  launchTime: iso,
  privateIp: str,
  tags: arr(qTag),
});
const qAccount = obj({
  id: matches(/^\d{12}$/),
  alias: opt(str),
  name: str,
  email: str,
  createdDate: iso,
  rootKeys: arr(qKey),
  users: rec(qUser),
  groups: rec(qGroup),
  roles: rec(qRole),
  policies: rec(qPolicy),
  mfaDevices: rec(qMfa),
  instances: arr(qInstance),
});
const qBucket = obj({
  name: str,
  owner: str,
  region: str,
  creationDate: iso,
  policy: opt(str),
  objects: rec(obj({ key: str, body: str, contentType: str, lastModified: iso, etag: str, size: num })),
});
const qSession = obj({
  accessKeyId: str,
  secret: str,
  token: str,
  kind: oneOf('role', 'user-session', 'federated', 'console'),
  accountId: str,
  issuedAt: iso,
  expiration: iso,
  mfa: bool,
});
const qWorld = obj({
  format: (v) => v === SNAPSHOT_FORMAT,
  version: (v) => v === SNAPSHOT_VERSION,
  seed: str,
  now: iso,
  rng: tuple4,
  reqRng: tuple4,
  accounts: rec(qAccount),
  buckets: rec(qBucket),
  sessions: rec(qSession),
  expiredSessions: opt(rec(iso)),
  audit: opt(arr(obj({ eventId: str, eventTime: iso, eventName: str }))),
});

/** @internal The quick structural test: true only for snapshots the zod schema accepts too. */
export function quickCheck(data: unknown): boolean {
  return qWorld(data);
}

// ------------------------------------------------------------------ loading

/**
 * Validates a snapshot and returns the state and audit events to load. `owned` says the caller
 * hands over `data` (freshly parsed, referenced nowhere else), so it is used without a copy.
 */
export function checkSnapshot(data: unknown, owned = false): { state: WorldState; audit: AuditEventJSON[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new WorldSnapshotError(`This is not an iamlab world snapshot: expected a JSON object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}.`);
  }
  const o = data as Record<string, unknown>;
  if (o['format'] !== SNAPSHOT_FORMAT) {
    throw new WorldSnapshotError(`This is not an iamlab world snapshot: its "format" is ${JSON.stringify(o['format'])}, expected "${SNAPSHOT_FORMAT}".`);
  }
  const v = o['version'];
  if (typeof v === 'number' && Number.isInteger(v) && v > SNAPSHOT_VERSION) {
    throw new WorldSnapshotError(`This world was saved by a newer iamlab (snapshot version ${v}; this iamlab reads version ${SNAPSHOT_VERSION}). Update iamlab to open it.`);
  }
  if (v !== SNAPSHOT_VERSION) throw new WorldSnapshotError(`This world snapshot has an unknown version ${JSON.stringify(v)} (expected ${SNAPSHOT_VERSION}).`);
  if (!quickCheck(data)) {
    const problem = zodProblem(data);
    if (problem !== undefined) throw new WorldSnapshotError(`The world snapshot is corrupt: ${problem}.`);
  }
  const copy = (owned ? data : structuredClone(data)) as WorldState & { audit?: AuditEventJSON[] };
  const audit = copy.audit ?? [];
  delete copy.audit;
  // Cross-references that would break calls later.
  for (const [k, a] of Object.entries(copy.accounts)) {
    if (a.id !== k) throw new WorldSnapshotError(`The world snapshot is corrupt: accounts.${k} holds account ${a.id}.`);
    for (const [uk, u] of Object.entries(a.users)) if (uk !== u.name.toLowerCase()) throw new WorldSnapshotError(`The world snapshot is corrupt: accounts.${k}.users.${uk} holds user ${u.name}.`);
    for (const [rk, r2] of Object.entries(a.roles)) if (rk !== r2.name.toLowerCase()) throw new WorldSnapshotError(`The world snapshot is corrupt: accounts.${k}.roles.${rk} holds role ${r2.name}.`);
  }
  for (const [k, b] of Object.entries(copy.buckets)) {
    if (!copy.accounts[b.owner]) throw new WorldSnapshotError(`The world snapshot is corrupt: bucket ${k} belongs to unknown account ${b.owner}.`);
  }
  return { state: copy, audit };
}
