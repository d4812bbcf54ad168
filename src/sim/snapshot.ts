// Checks a world snapshot before it is loaded: the right format, a version this iamlab reads,
// and a structure that will not crash the simulated account later. Errors say what and where.
import { z } from 'zod';
import type { WorldState } from './model.js';
import type { AuditEventJSON } from './audit.js';

export const SNAPSHOT_FORMAT = 'iamlab-world';
export const SNAPSHOT_VERSION = 1;

/** A world snapshot that cannot be loaded: not a world, corrupt, or from a newer iamlab. */
export class WorldSnapshotError extends Error {
  override name = 'WorldSnapshotError';
}

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
const world = z.object({
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

export function checkSnapshot(data: unknown): { state: WorldState; audit: AuditEventJSON[] } {
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
  const r = world.safeParse(data);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const where = first.path.length ? first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? 's' : ''})` : '';
    throw new WorldSnapshotError(`The world snapshot is corrupt: at ${where}: ${first.message}${more}.`);
  }
  const copy = structuredClone(data) as WorldState & { audit?: AuditEventJSON[] };
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
