// Reading a real account's IAM state once (GetAccountAuthorizationDetails and friends) and
// mirroring it into a simulated World, so that "can X do Y" is decided by exactly the code the
// simulated account uses (World.decide / World.canAssume → the policy engine), from the real
// documents. The mirror holds no secrets: access keys carry no secret and no root keys exist, so
// nothing can authenticate against it; it is only asked questions.
import type { Credentials } from '../backend/types.js';
import { AWS_MANAGED, World, type WorldSnapshot } from '../sim/index.js';
import type { RealBackend } from './backend.js';
import type { RealAwsError } from './errors.js';
import { THROTTLING_CODES } from './errors.js';

type Obj = Record<string, unknown>;

export interface RealAccountData {
  accountId: string;
  /** Who read it. */
  callerArn: string;
  alias?: string;
  users: Obj[];
  groups: Obj[];
  roles: Obj[];
  /** Customer managed policies (LocalManagedPolicy), every version, documents decoded. */
  policies: Obj[];
  /** Per role name: Description and MaxSessionDuration (not in GAAD; from ListRoles). */
  roleExtras: Record<string, { description?: string; maxSessionDuration: number }>;
  loginProfiles: Record<string, { createDate: string; passwordResetRequired: boolean } | null>;
  accessKeys: Record<string, Array<{ id: string; status: 'Active' | 'Inactive'; createDate: string }>>;
  mfa: Record<string, Array<{ serial: string; enableDate: string }>>;
  buckets: Array<{ name: string; creationDate: string; policy?: string }>;
  /** When it was read (wall clock). */
  readAt: string;
}

/** The checker could not read what it needs. The message names the action and the identity. */
export class CheckerReadError extends Error {
  override name = 'CheckerReadError';
  constructor(
    message: string,
    readonly error?: RealAwsError,
  ) {
    super(message);
  }
}

function iso(v: unknown, fallback: string): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return fallback;
}

/** Why a read failed, in words that tell the instructor what to grant or do. */
export function readFailure(op: string, action: string, e: RealAwsError, callerArn: string | undefined): CheckerReadError {
  const who = callerArn ? ` as ${callerArn}` : '';
  if (/^(AccessDenied|AccessDeniedException|UnauthorizedOperation|AuthorizationError)$/.test(e.code)) {
    return new CheckerReadError(`The checker may not read this account: ${action} was denied${who}. Give the checking identity the read-only policy in the README (it needs ${action}).`, e);
  }
  if (THROTTLING_CODES.has(e.code)) return new CheckerReadError(`AWS is throttling the checker (${op}: ${e.code}) even after retrying; nothing was marked passed or failed. Try again in a minute.`, e);
  if (e.status === 0) return new CheckerReadError(`${e.message}${e.hint ? ` ${e.hint}` : ''}`, e);
  return new CheckerReadError(`Reading the account failed (${op}${who}): ${e.code}: ${e.message}`, e);
}

/** Reads one account (the one `credentials`, or the backend's chain, belong to). */
export async function readRealAccount(b: RealBackend, credentials?: Credentials): Promise<RealAccountData> {
  const who = await b.identity(credentials);
  if ('code' in who) throw readFailure('GetCallerIdentity', 'sts:GetCallerIdentity', who, undefined);
  const call = async (service: 'iam' | 's3', op: string, input: Obj, action = `${service}:${op}`): Promise<Obj> => {
    const r = await b.send({ service, operation: op, input, ...(credentials ? { credentials } : {}), via: 'check' });
    if (!r.ok) throw readFailure(op, action, r.error as RealAwsError, who.arn);
    return r.output;
  };
  const optional = async (service: 'iam' | 's3', op: string, input: Obj, missing: RegExp, action?: string): Promise<Obj | undefined> => {
    const r = await b.send({ service, operation: op, input, ...(credentials ? { credentials } : {}), via: 'check' });
    if (r.ok) return r.output;
    if (missing.test(r.error.code)) return undefined;
    throw readFailure(op, action ?? `${service}:${op}`, r.error as RealAwsError, who.arn);
  };
  const pages = async (op: string, input: Obj, keys: string[]): Promise<Record<string, Obj[]>> => {
    const out: Record<string, Obj[]> = Object.fromEntries(keys.map((k) => [k, []]));
    let marker: string | undefined;
    for (let i = 0; i < 10_000; i++) {
      const o = await call('iam', op, { ...input, ...(marker ? { Marker: marker } : {}) });
      for (const k of keys) out[k]!.push(...((o[k] as Obj[] | undefined) ?? []));
      if (!o.IsTruncated || !o.Marker) break;
      marker = String(o.Marker);
    }
    return out;
  };
  const limit = async <T>(items: T[], fn: (x: T) => Promise<void>, n = 8) => {
    let i = 0;
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => { while (i < items.length) await fn(items[i++]!); }));
  };

  const [gaad, listed, aliases, bucketList] = await Promise.all([
    pages('GetAccountAuthorizationDetails', { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] }, ['UserDetailList', 'RoleDetailList', 'GroupDetailList', 'Policies']),
    pages('ListRoles', {}, ['Roles']),
    call('iam', 'ListAccountAliases', {}),
    call('s3', 'ListBuckets', {}, 's3:ListAllMyBuckets'),
  ]);
  const data: RealAccountData = {
    accountId: who.accountId,
    callerArn: who.arn,
    users: gaad.UserDetailList!,
    groups: gaad.GroupDetailList!,
    roles: gaad.RoleDetailList!,
    policies: gaad.Policies!,
    roleExtras: {},
    loginProfiles: {},
    accessKeys: {},
    mfa: {},
    buckets: [],
    readAt: new Date().toISOString(),
  };
  const alias = (aliases.AccountAliases as string[] | undefined)?.[0];
  if (alias) data.alias = alias;
  for (const r of listed.Roles!) {
    data.roleExtras[String(r.RoleName)] = { ...(typeof r.Description === 'string' ? { description: r.Description } : {}), maxSessionDuration: typeof r.MaxSessionDuration === 'number' ? r.MaxSessionDuration : 3600 };
  }
  await limit(data.users, async (u) => {
    const name = String(u.UserName);
    const [lp, keys, mfa] = await Promise.all([
      optional('iam', 'GetLoginProfile', { UserName: name }, /^NoSuchEntity$/),
      call('iam', 'ListAccessKeys', { UserName: name }),
      call('iam', 'ListMFADevices', { UserName: name }),
    ]);
    const p = lp?.LoginProfile as Obj | undefined;
    data.loginProfiles[name] = p ? { createDate: iso(p.CreateDate, data.readAt), passwordResetRequired: Boolean(p.PasswordResetRequired) } : null;
    data.accessKeys[name] = ((keys.AccessKeyMetadata as Obj[] | undefined) ?? []).map((k) => ({ id: String(k.AccessKeyId), status: k.Status === 'Inactive' ? 'Inactive' : 'Active', createDate: iso(k.CreateDate, data.readAt) }));
    data.mfa[name] = ((mfa.MFADevices as Obj[] | undefined) ?? []).map((m) => ({ serial: String(m.SerialNumber), enableDate: iso(m.EnableDate, data.readAt) }));
  });
  const buckets = ((bucketList.Buckets as Obj[] | undefined) ?? []).map((x) => ({ name: String(x.Name), creationDate: iso(x.CreationDate, data.readAt) }));
  await limit(buckets, async (bk) => {
    const pol = await optional('s3', 'GetBucketPolicy', { Bucket: bk.name }, /^(NoSuchBucketPolicy|NoSuchBucket)$/);
    data.buckets.push({ ...bk, ...(typeof pol?.Policy === 'string' ? { policy: pol.Policy } : {}) });
  });
  data.buckets.sort((a, c) => a.name.localeCompare(c.name));
  return data;
}

const inline = (list: unknown) => ((list as Obj[] | undefined) ?? []).map((p) => ({ name: String(p.PolicyName), document: String(p.PolicyDocument ?? '{}') }));
const attached = (list: unknown) => ((list as Obj[] | undefined) ?? []).map((p) => String(p.PolicyArn));
const tags = (list: unknown) => ((list as Obj[] | undefined) ?? []).map((t) => ({ Key: String(t.Key), Value: String(t.Value ?? '') }));
const boundary = (b: unknown) => ((b as Obj | undefined)?.PermissionsBoundaryArn ? String((b as Obj).PermissionsBoundaryArn) : undefined);

/** AWS managed policies attached somewhere that iamlab's catalogue does not know (decisions would miss them). */
export function unknownAwsManaged(d: RealAccountData): Array<{ arn: string; attachedTo: string }> {
  const out: Array<{ arn: string; attachedTo: string }> = [];
  const scan = (list: unknown, to: string) => {
    for (const arn of attached(list)) if (/^arn:aws[\w-]*:iam::aws:policy\//.test(arn) && !AWS_MANAGED.has(arn)) out.push({ arn, attachedTo: to });
  };
  for (const u of d.users) scan(u.AttachedManagedPolicies, `user ${String(u.UserName)}`);
  for (const g of d.groups) scan(g.AttachedManagedPolicies, `group ${String(g.GroupName)}`);
  for (const r of d.roles) scan(r.AttachedManagedPolicies, `role ${String(r.RoleName)}`);
  for (const x of [...d.users, ...d.roles]) {
    const bArn = boundary(x.PermissionsBoundary);
    if (bArn && /^arn:aws[\w-]*:iam::aws:policy\//.test(bArn) && !AWS_MANAGED.has(bArn)) out.push({ arn: bArn, attachedTo: `${x.UserName ? 'user' : 'role'} ${String(x.UserName ?? x.RoleName)} (boundary)` });
  }
  return out;
}

/** A world snapshot holding the accounts' IAM state and buckets, ready for World.fromJSON. */
export function mirrorSnapshot(accounts: RealAccountData[], now: Date = new Date()): WorldSnapshot {
  const base = World.create({ seed: 'iamlab-real-mirror', now }).toJSON();
  const nowIso = now.toISOString();
  for (const d of accounts) {
    const users: WorldSnapshot['accounts'][string]['users'] = {};
    for (const u of d.users) {
      const name = String(u.UserName);
      const lp = d.loginProfiles[name];
      users[name.toLowerCase()] = {
        name,
        path: String(u.Path ?? '/'),
        id: String(u.UserId ?? ''),
        createDate: iso(u.CreateDate, nowIso),
        tags: tags(u.Tags),
        ...(lp ? { loginProfile: { createDate: lp.createDate, passwordHash: '', salt: '', passwordResetRequired: lp.passwordResetRequired } } : {}),
        accessKeys: (d.accessKeys[name] ?? []).map((k) => ({ id: k.id, secret: '', status: k.status, createDate: k.createDate })),
        inline: inline(u.UserPolicyList),
        attached: attached(u.AttachedManagedPolicies),
        groups: ((u.GroupList as string[] | undefined) ?? []).map(String),
        ...(boundary(u.PermissionsBoundary) ? { boundary: boundary(u.PermissionsBoundary)! } : {}),
        mfa: d.mfa[name] ?? [],
      };
    }
    const groups: WorldSnapshot['accounts'][string]['groups'] = {};
    for (const g of d.groups) {
      const name = String(g.GroupName);
      groups[name.toLowerCase()] = { name, path: String(g.Path ?? '/'), id: String(g.GroupId ?? ''), createDate: iso(g.CreateDate, nowIso), inline: inline(g.GroupPolicyList), attached: attached(g.AttachedManagedPolicies) };
    }
    const roles: WorldSnapshot['accounts'][string]['roles'] = {};
    for (const r of d.roles) {
      const name = String(r.RoleName);
      const extra = d.roleExtras[name];
      const last = r.RoleLastUsed as Obj | undefined;
      roles[name.toLowerCase()] = {
        name,
        path: String(r.Path ?? '/'),
        id: String(r.RoleId ?? ''),
        createDate: iso(r.CreateDate, nowIso),
        trust: String(r.AssumeRolePolicyDocument ?? '{"Version":"2012-10-17","Statement":[]}'),
        ...(extra?.description !== undefined ? { description: extra.description } : {}),
        maxSessionDuration: extra?.maxSessionDuration ?? 3600,
        tags: tags(r.Tags),
        inline: inline(r.RolePolicyList),
        attached: attached(r.AttachedManagedPolicies),
        ...(boundary(r.PermissionsBoundary) ? { boundary: boundary(r.PermissionsBoundary)! } : {}),
        ...(last?.LastUsedDate ? { lastUsed: { date: iso(last.LastUsedDate, nowIso), region: String(last.Region ?? '') } } : {}),
      };
    }
    const policies: WorldSnapshot['accounts'][string]['policies'] = {};
    for (const p of d.policies) {
      const name = String(p.PolicyName);
      const versions = ((p.PolicyVersionList as Obj[] | undefined) ?? []).map((v) => ({ versionId: String(v.VersionId), document: String(v.Document ?? '{}'), createDate: iso(v.CreateDate, nowIso) }));
      if (versions.length === 0) continue;
      const nums = versions.map((v) => Number(/^v(\d+)$/.exec(v.versionId)?.[1] ?? 0));
      policies[name.toLowerCase()] = {
        name,
        path: String(p.Path ?? '/'),
        id: String(p.PolicyId ?? ''),
        createDate: iso(p.CreateDate, nowIso),
        updateDate: iso(p.UpdateDate, nowIso),
        ...(typeof p.Description === 'string' ? { description: p.Description } : {}),
        defaultVersionId: String(p.DefaultVersionId ?? versions[0]!.versionId),
        versions,
        nextVersion: Math.max(0, ...nums) + 1,
        tags: [],
      };
    }
    base.accounts[d.accountId] = {
      id: d.accountId,
      ...(d.alias ? { alias: d.alias } : {}),
      name: d.alias ?? d.accountId,
      email: '',
      createdDate: nowIso,
      rootKeys: [],
      users,
      groups,
      roles,
      policies,
      mfaDevices: {},
      instances: [],
    };
    for (const bk of d.buckets) {
      base.buckets[bk.name] = { name: bk.name, owner: d.accountId, region: 'us-east-1', creationDate: bk.creationDate, ...(bk.policy ? { policy: bk.policy } : {}), objects: {} };
    }
  }
  return base;
}

/** The simulated World mirroring the real accounts (decisions only; never called as a Backend). */
export function mirrorWorld(accounts: RealAccountData[], now: Date = new Date()): World {
  return World.fromJSON(mirrorSnapshot(accounts, now), { realTime: true });
}
