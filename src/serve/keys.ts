// Where the endpoint finds the secret of an access key id (SigV4 needs it to re-sign).
// The sim's public API answers "who owns these credentials" but not "what is the secret of
// this key id", so until World offers such a method (asked for in the serve report), this
// adapter reads the world's public snapshot (toJSON) — never its internals — and caches
// what it found. A key id never changes its secret, so a cached entry stays right; keys that
// were deleted, deactivated or expired are still refused by the simulated account itself
// (signatureVerified only says the caller proved possession of the secret).
import type { KeyRecord } from './server.js';

/** The part of World this adapter uses. */
export interface WorldKeysSource {
  toJSON(): unknown;
  /** Preferred when the sim offers it: the secret (and session token) of an access key id. */
  secretFor?(accessKeyId: string): { secretAccessKey: string; sessionToken?: string } | undefined;
}

const MAX_DEPTH = 8;

function collect(node: unknown, out: Map<string, KeyRecord>, depth: number): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) collect(x, out, depth + 1);
    return;
  }
  const o = node as Record<string, unknown>;
  const id = o.accessKeyId ?? o.AccessKeyId ?? o.id;
  const secret = o.secretAccessKey ?? o.SecretAccessKey ?? o.secret;
  if (typeof id === 'string' && typeof secret === 'string' && /^(AKIA|ASIA|[A-Z0-9]{4})[A-Z0-9]{12,124}$/.test(id)) {
    const token = o.sessionToken ?? o.SessionToken ?? o.token;
    out.set(id, typeof token === 'string' ? { secretAccessKey: secret, sessionToken: token } : { secretAccessKey: secret });
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === 'audit' || k === 'rng' || k === 'reqRng') continue;
    if (v !== null && typeof v === 'object') collect(v, out, depth + 1);
  }
}

/** Every access key in a world snapshot (root keys, users' keys, live sessions). */
export function keysFromSnapshot(snapshot: unknown): Map<string, KeyRecord> {
  const out = new Map<string, KeyRecord>();
  collect(snapshot, out, 0);
  return out;
}

export class KeyLookup {
  private cache = new Map<string, KeyRecord>();
  /** Ids looked up and not found since the world last changed. */
  private misses = new Set<string>();

  constructor(private world: WorldKeysSource) {}

  /** The world behind the endpoint was replaced (reloaded from disk). */
  setWorld(world: WorldKeysSource): void {
    this.world = world;
    this.cache.clear();
    this.misses.clear();
  }

  /** The world changed (any call may have created keys or sessions). */
  invalidateMisses(): void {
    this.misses.clear();
  }

  /** Keys seen in responses (AssumeRole, GetSessionToken, CreateAccessKey …) are learned directly. */
  learn(accessKeyId: string, rec: KeyRecord): void {
    this.cache.set(accessKeyId, rec);
    this.misses.delete(accessKeyId);
  }

  lookup(accessKeyId: string): KeyRecord | undefined {
    const hit = this.cache.get(accessKeyId);
    if (hit) return hit;
    if (this.world.secretFor) {
      const r = this.world.secretFor(accessKeyId);
      if (r) this.cache.set(accessKeyId, r);
      return r;
    }
    if (this.misses.has(accessKeyId)) return undefined;
    for (const [id, rec] of keysFromSnapshot(this.world.toJSON())) this.cache.set(id, rec);
    const found = this.cache.get(accessKeyId);
    if (!found) {
      if (this.misses.size > 10_000) this.misses.clear();
      this.misses.add(accessKeyId);
    }
    return found;
  }
}

/** Credentials carried in a successful output (so the next request with them needs no snapshot scan). */
export function credentialsInOutput(output: Record<string, unknown>): Array<[string, KeyRecord]> {
  const found: Array<[string, KeyRecord]> = [];
  const c = output.Credentials as Record<string, unknown> | undefined;
  if (c && typeof c.AccessKeyId === 'string' && typeof c.SecretAccessKey === 'string') {
    found.push([c.AccessKeyId, typeof c.SessionToken === 'string' ? { secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } : { secretAccessKey: c.SecretAccessKey }]);
  }
  const k = output.AccessKey as Record<string, unknown> | undefined;
  if (k && typeof k.AccessKeyId === 'string' && typeof k.SecretAccessKey === 'string') {
    found.push([k.AccessKeyId, { secretAccessKey: k.SecretAccessKey }]);
  }
  return found;
}
