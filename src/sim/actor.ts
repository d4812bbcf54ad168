// Who is calling: authentication of credentials, principals named by ARN, the policies that
// apply to them, and the request context the engine evaluates conditions against.
import type { Credentials, ServiceName } from '../backend/types.js';
import type { ContextValues, EvaluationInput, Explanation, PolicyInput, PrincipalInfo } from '../policy/types.js';
import type { AccountState, GroupState, RoleState, SessionState, UserState, Tag, InlinePolicy } from './model.js';
import type { World, CallerInfo } from './world.js';
import { iamArn, rootArn, sessionArn, federatedArn, parseIamArn, parseStsArn, accountPrincipal, bucketArn } from './arn.js';
import { evaluate, parsed } from './engine.js';
import type { AuthFailure } from './errors.js';

export type ActorKind = 'root' | 'user' | 'role' | 'user-session' | 'federated' | 'console';

export interface Actor {
  kind: ActorKind;
  account: AccountState;
  /** The caller's ARN as AWS prints it in messages. */
  arn: string;
  principal: PrincipalInfo;
  user?: UserState;
  role?: RoleState;
  /** Role ARN for role sessions (also when the role has since been deleted). */
  roleArn?: string;
  session?: SessionState;
  accessKeyId?: string;
  /** Temporary credentials (sessions and console): aws:MultiFactorAuthPresent and aws:TokenIssueTime are present. */
  temporary: boolean;
  /** The session was created by GetSessionToken from root's keys. */
  root?: boolean;
}

// ------------------------------------------------------------------ authentication

export type AuthResult = { ok: true; actor: Actor } | { ok: false; failure: AuthFailure; accessKeyId?: string };

/**
 * Resolves credentials to an actor. Order: unknown key → signature (secret) → inactive key →
 * session token missing/mismatched → expired.
 */
export function authenticate(w: World, _service: ServiceName | 'cloudtrail', creds: Credentials | undefined, signatureVerified: boolean): AuthResult {
  if (!creds || !creds.accessKeyId) return { ok: false, failure: 'missing' };
  const id = creds.accessKeyId;
  const ref = w.keys.get(id);
  if (ref) {
    const acct = w.st.accounts[ref.accountId];
    if (!acct) return { ok: false, failure: 'unknown-key', accessKeyId: id };
    if ('root' in ref) {
      const k = acct.rootKeys.find((x) => x.id === id);
      if (!k) return { ok: false, failure: 'unknown-key', accessKeyId: id };
      if (!signatureVerified && creds.secretAccessKey !== k.secret) return { ok: false, failure: 'signature', accessKeyId: id };
      if (k.status !== 'Active' || creds.sessionToken) return { ok: false, failure: 'unknown-key', accessKeyId: id };
      return { ok: true, actor: rootActor(acct, id) };
    }
    const u = acct.users[ref.user];
    const k = u?.accessKeys.find((x) => x.id === id);
    if (!u || !k) return { ok: false, failure: 'unknown-key', accessKeyId: id };
    if (!signatureVerified && creds.secretAccessKey !== k.secret) return { ok: false, failure: 'signature', accessKeyId: id };
    if (k.status !== 'Active' || creds.sessionToken) return { ok: false, failure: 'unknown-key', accessKeyId: id };
    return { ok: true, actor: userActor(acct, u, id) };
  }
  const s = w.sessions.get(id);
  if (!s) {
    const gone = w.st.expiredSessions?.[id];
    if (gone !== undefined && Date.parse(gone) <= w.nowMillis()) return { ok: false, failure: 'expired', accessKeyId: id };
    return { ok: false, failure: 'unknown-key', accessKeyId: id };
  }
  if (!signatureVerified && creds.secretAccessKey !== s.secret) return { ok: false, failure: 'signature', accessKeyId: id };
  if (creds.sessionToken !== s.token) return { ok: false, failure: 'bad-token', accessKeyId: id };
  if (Date.parse(s.expiration) <= w.nowMillis()) return { ok: false, failure: 'expired', accessKeyId: id };
  const a = sessionActor(w, s);
  return a ? { ok: true, actor: a } : { ok: false, failure: 'unknown-key', accessKeyId: id };
}

export function rootActor(acct: AccountState, accessKeyId?: string): Actor {
  const arn = rootArn(acct.id);
  return {
    kind: 'root',
    account: acct,
    arn,
    principal: { type: 'Account', accountId: acct.id, arn, principalArn: arn, userId: acct.id },
    ...(accessKeyId ? { accessKeyId } : {}),
    temporary: false,
  };
}

export function userActor(acct: AccountState, u: UserState, accessKeyId?: string): Actor {
  const arn = iamArn(acct.id, 'user', u.path, u.name);
  return {
    kind: 'user',
    account: acct,
    arn,
    principal: { type: 'User', accountId: acct.id, arn, principalArn: arn, userId: u.id, username: u.name, uniqueId: u.id, tags: tagMap(u.tags) },
    user: u,
    ...(accessKeyId ? { accessKeyId } : {}),
    temporary: false,
  };
}

/** The actor behind a live session (undefined when its user no longer exists). */
export function sessionActor(w: World, s: SessionState): Actor | undefined {
  const acct = w.st.accounts[s.accountId];
  if (!acct) return undefined;
  if (s.kind === 'role') {
    const cur = acct.roles[s.roleName!.toLowerCase()];
    const role = cur && cur.id === s.roleId ? cur : undefined;
    const arn = sessionArn(acct.id, s.roleName!, s.sessionName!);
    const roleArn = iamArn(acct.id, 'role', s.rolePath ?? '/', s.roleName!);
    // "New session tags override existing assumed role … tags with the same tag key, regardless
    // of case" (IAM User Guide, id_session-tags): a role tag is dropped when a session tag has its key.
    const sessionKeys = new Set((s.tags ?? []).map((t) => t.Key.toLowerCase()));
    const tags = { ...tagMap((role?.tags ?? []).filter((t) => !sessionKeys.has(t.Key.toLowerCase()))), ...tagMap(s.tags ?? []) };
    return {
      kind: 'role',
      account: acct,
      arn,
      principal: {
        type: 'AssumedRole',
        accountId: acct.id,
        arn,
        principalArn: roleArn,
        userId: `${s.roleId}:${s.sessionName}`,
        uniqueId: s.roleId!,
        tags,
        ...(role ? {} : { roleDeleted: true }),
      },
      ...(role ? { role } : {}),
      roleArn,
      session: s,
      accessKeyId: s.accessKeyId,
      temporary: true,
    };
  }
  if (s.kind === 'federated') {
    const arn = federatedArn(acct.id, s.federatedName!);
    const user = s.root ? undefined : Object.values(acct.users).find((u) => u.id === s.userId);
    if (!s.root && !user) return undefined;
    return {
      kind: 'federated',
      account: acct,
      arn,
      principal: {
        type: 'FederatedUser',
        accountId: acct.id,
        arn,
        principalArn: arn,
        userId: `${acct.id}:${s.federatedName}`,
        tags: tagMap(s.tags ?? []),
        ...(user ? { federatedBy: iamArn(acct.id, 'user', user.path, user.name) } : {}),
      },
      ...(user ? { user } : {}),
      session: s,
      accessKeyId: s.accessKeyId,
      temporary: true,
      ...(s.root ? { root: true } : {}),
    };
  }
  // user-session (GetSessionToken) and console: the user (or root) with temporary credentials
  if (s.root) {
    return { ...rootActor(acct, s.accessKeyId), kind: s.kind === 'console' ? 'console' : 'user-session', session: s, temporary: true, root: true };
  }
  const user = Object.values(acct.users).find((u) => u.id === s.userId);
  if (!user) return undefined;
  const base = userActor(acct, user, s.accessKeyId);
  return { ...base, kind: s.kind === 'console' ? 'console' : 'user-session', session: s, temporary: true };
}

export function callerInfo(a: Actor): CallerInfo {
  const s = a.session;
  const type: CallerInfo['type'] =
    a.principal.type === 'Account' ? 'Root' : a.principal.type === 'AssumedRole' ? 'AssumedRole' : a.principal.type === 'FederatedUser' ? 'FederatedUser' : 'IAMUser';
  const info: CallerInfo = {
    accountId: a.account.id,
    arn: a.arn,
    userId: a.principal.userId,
    type,
    credentialKind: a.kind === 'console' ? 'console' : a.temporary ? 'session' : 'long-term',
  };
  if (s) {
    info.issuedAt = new Date(s.issuedAt);
    info.expiration = new Date(s.expiration);
    if (a.kind === 'role') info.sessionIssuer = a.roleArn!;
    else if (a.user) info.sessionIssuer = iamArn(a.account.id, 'user', a.user.path, a.user.name);
    else info.sessionIssuer = rootArn(a.account.id);
  }
  return info;
}

// ------------------------------------------------------------------ principals named by ARN (checks)

export function actorFromArn(w: World, arn: string): Actor | undefined {
  const acctId = accountPrincipal(arn);
  if (acctId) {
    const a = w.st.accounts[acctId];
    return a ? rootActor(a) : undefined;
  }
  if (/^A(IDA|ROA)[A-Z2-7]{17}$/.test(arn)) {
    for (const a of Object.values(w.st.accounts)) {
      const u = Object.values(a.users).find((x) => x.id === arn);
      if (u) return userActor(a, u);
      const r = Object.values(a.roles).find((x) => x.id === arn);
      if (r) return roleActor(a, r, 'session');
    }
    return undefined;
  }
  const p = parseIamArn(arn);
  if (p) {
    const a = w.st.accounts[p.account];
    if (!a) return undefined;
    if (p.type === 'user') {
      const u = a.users[p.name.toLowerCase()];
      return u && u.path === p.path ? userActor(a, u) : undefined;
    }
    if (p.type === 'role') {
      const r = a.roles[p.name.toLowerCase()];
      return r && r.path === p.path ? roleActor(a, r, 'session') : undefined;
    }
    return undefined;
  }
  const s = parseStsArn(arn);
  if (s) {
    const a = w.st.accounts[s.account];
    if (!a) return undefined;
    const now = w.nowMillis();
    const live = [...w.sessions.values()]
      .filter((x) => x.accountId === s.account && Date.parse(x.expiration) > now && w.sessionArnOf(x) === arn)
      .sort((x, y) => Date.parse(y.issuedAt) - Date.parse(x.issuedAt));
    for (const x of live) {
      const act = sessionActor(w, x);
      if (act) return act;
    }
    if (s.kind === 'assumed-role') {
      const r = a.roles[s.roleName!.toLowerCase()];
      return r && r.name === s.roleName ? roleActor(a, r, s.session) : undefined;
    }
  }
  return undefined;
}

/** A session of role r with no session policy (what a check means by "the role"). */
export function roleActor(a: AccountState, r: RoleState, sessionName: string): Actor {
  const arn = sessionArn(a.id, r.name, sessionName);
  const roleArn = iamArn(a.id, 'role', r.path, r.name);
  return {
    kind: 'role',
    account: a,
    arn,
    principal: { type: 'AssumedRole', accountId: a.id, arn, principalArn: roleArn, userId: `${r.id}:${sessionName}`, uniqueId: r.id, tags: tagMap(r.tags) },
    role: r,
    roleArn,
    temporary: true,
  };
}

// ------------------------------------------------------------------ policies that apply to an actor

export interface Gathered {
  identity: PolicyInput[];
  boundary?: PolicyInput;
  session?: PolicyInput[];
  sessionRequired?: boolean;
}

function inlineInputs(list: InlinePolicy[], attachedTo: string, out: PolicyInput[]): void {
  for (const p of list) out.push({ kind: 'identity', name: p.name, attachedTo, source: 'inline', document: parsed(p.document, 'identity') });
}

function managedInputs(w: World, arns: string[], attachedTo: string, out: PolicyInput[]): void {
  for (const arn of arns) {
    const m = w.managedPolicy(arn);
    if (m) out.push({ kind: 'identity', name: m.name, arn, attachedTo, source: m.awsManaged ? 'aws-managed' : 'managed', document: parsed(m.document, 'identity') });
  }
}

function boundaryInput(w: World, arn: string | undefined, attachedTo: string): PolicyInput | undefined {
  if (!arn) return undefined;
  const m = w.managedPolicy(arn);
  // A boundary whose policy vanished cannot happen in IAM (DeletePolicy refuses); treat as allowing nothing.
  const document = m ? parsed(m.document, 'boundary') : { Version: '2012-10-17' as const, Statement: [] };
  return { kind: 'boundary', name: m?.name ?? arn, arn, attachedTo, source: m?.awsManaged ? 'aws-managed' : 'managed', document };
}

export function userPolicies(w: World, a: AccountState, u: UserState): PolicyInput[] {
  const out: PolicyInput[] = [];
  const to = `user ${u.name}`;
  inlineInputs(u.inline, to, out);
  managedInputs(w, u.attached, to, out);
  for (const gname of u.groups) {
    const g: GroupState | undefined = a.groups[gname.toLowerCase()];
    if (!g) continue;
    inlineInputs(g.inline, `group ${g.name}`, out);
    managedInputs(w, g.attached, `group ${g.name}`, out);
  }
  return out;
}

export function rolePolicies(w: World, r: RoleState): PolicyInput[] {
  const out: PolicyInput[] = [];
  const to = `role ${r.name}`;
  inlineInputs(r.inline, to, out);
  managedInputs(w, r.attached, to, out);
  return out;
}

const ROOT_ALL: PolicyInput = {
  kind: 'identity',
  name: 'root user (all permissions)',
  attachedTo: 'root user',
  source: 'root',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['*'], Resource: ['*'] }] },
};

export function sessionInputs(s: SessionState | undefined): PolicyInput[] | undefined {
  if (!s || (s.sessionPolicy === undefined && !s.sessionPolicyDocs?.length)) return undefined;
  const out: PolicyInput[] = [];
  if (s.sessionPolicy !== undefined) out.push({ kind: 'session', name: 'session policy', source: 'session', document: parsed(s.sessionPolicy, 'session') });
  for (const p of s.sessionPolicyDocs ?? []) out.push({ kind: 'session', name: p.name, arn: p.arn, source: 'session', document: parsed(p.document, 'session') });
  return out;
}

export function gather(w: World, a: Actor): Gathered {
  switch (a.kind) {
    case 'root':
      return { identity: [] };
    case 'user':
    case 'console':
    case 'user-session':
      if (a.root) return { identity: [] };
      return {
        identity: userPolicies(w, a.account, a.user!),
        ...(a.user!.boundary ? { boundary: boundaryInput(w, a.user!.boundary, `user ${a.user!.name}`)! } : {}),
      };
    case 'role': {
      const g: Gathered = { identity: a.role ? rolePolicies(w, a.role) : [] };
      if (a.role?.boundary) g.boundary = boundaryInput(w, a.role.boundary, `role ${a.role.name}`)!;
      const s = sessionInputs(a.session);
      if (s) g.session = s;
      return g;
    }
    case 'federated': {
      const g: Gathered = { identity: a.root ? [ROOT_ALL] : userPolicies(w, a.account, a.user!), sessionRequired: true };
      if (a.user?.boundary) g.boundary = boundaryInput(w, a.user.boundary, `user ${a.user.name}`)!;
      // No session policy passed: none is evaluated, and the engine's sessionRequired rule denies.
      const sp = sessionInputs(a.session);
      if (sp) g.session = sp;
      return g;
    }
  }
}

// ------------------------------------------------------------------ request context

export interface RequestEnv {
  region: string;
  sourceIp: string;
  secureTransport: boolean;
  userAgent?: string;
}

export const DEFAULT_ENV: RequestEnv = { region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true };

/** ISO and epoch strings of the last time asked for (the clock often stands still between calls). */
let timeMemo = { ms: NaN, iso: '', epoch: '' };
export function timeStrings(ms: number): { iso: string; epoch: string } {
  if (timeMemo.ms !== ms) timeMemo = { ms, iso: new Date(ms).toISOString(), epoch: String(Math.floor(ms / 1000)) };
  return timeMemo;
}

export function baseContext(w: World, a: Actor, env: RequestEnv): ContextValues {
  const now = w.nowMillis();
  const t = timeStrings(now);
  const c: ContextValues = {
    'aws:CurrentTime': t.iso,
    'aws:EpochTime': t.epoch,
    'aws:SourceIp': env.sourceIp,
    'aws:SecureTransport': env.secureTransport ? 'true' : 'false',
    'aws:RequestedRegion': env.region,
    'aws:PrincipalArn': a.principal.principalArn,
    'aws:PrincipalAccount': a.principal.accountId,
    'aws:PrincipalType': a.principal.type,
    'aws:userid': a.principal.userId,
  };
  if (env.userAgent !== undefined) c['aws:UserAgent'] = env.userAgent;
  if (a.principal.username !== undefined) c['aws:username'] = a.principal.username;
  for (const [k, v] of Object.entries(a.principal.tags ?? {})) c[`aws:PrincipalTag/${k}`] = v;
  if (a.temporary) {
    const s = a.session;
    const mfa = s?.mfa ?? false;
    c['aws:MultiFactorAuthPresent'] = mfa ? 'true' : 'false';
    if (s) c['aws:TokenIssueTime'] = s.issuedAt;
    if (mfa && s?.mfaAuthTime) c['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((now - Date.parse(s.mfaAuthTime)) / 1000)));
    if (s?.sourceIdentity) c['aws:SourceIdentity'] = s.sourceIdentity;
  }
  return c;
}

export function tagMap(tags: Tag[]): Record<string, string> {
  const m: Record<string, string> = {};
  for (const t of tags) m[t.Key] = t.Value;
  return m;
}

// ------------------------------------------------------------------ decisions for checks

/** Resource policy that applies to (action, resource) in this world: a role's trust or a bucket policy. */
export function resourcePolicyFor(w: World, action: string, resource: string): { policy?: PolicyInput; account?: string } {
  const lower = action.toLowerCase();
  if (lower.startsWith('sts:')) {
    const m = /^arn:aws:iam::(\d{12}):role(\/(?:.*\/)?)([^/]+)$/.exec(resource);
    if (m) {
      const r = w.st.accounts[m[1]!]?.roles[m[3]!.toLowerCase()];
      if (r && r.name === m[3] && r.path === m[2]) return { policy: trustInput(r), account: m[1]! };
      return { account: m[1]! };
    }
  }
  if (lower.startsWith('s3:')) {
    const m = /^arn:aws:s3:::([^/]+)(\/.*)?$/.exec(resource);
    if (m) {
      const b = w.st.buckets[m[1]!];
      if (b) return { ...(b.policy ? { policy: bucketPolicyInput(b.name, b.policy) } : {}), account: b.owner };
    }
  }
  const iam = /^arn:aws:(?:iam|sts|ec2|account):[^:]*:(\d{12}):/.exec(resource);
  return iam ? { account: iam[1]! } : {};
}

/** aws:ResourceTag/k and iam:ResourceTag/k of a tagged IAM role or user, added to ctx (which is changed). */
export function addResourceTags(ctx: ContextValues, tags: Tag[]): ContextValues {
  for (const t of tags) {
    ctx[`aws:ResourceTag/${t.Key}`] = t.Value;
    ctx[`iam:ResourceTag/${t.Key}`] = t.Value;
  }
  return ctx;
}

/** Tags of the IAM user or role an ARN names (exact path and name), if any. */
export function iamResourceTags(w: World, arn: string): Tag[] {
  const p = parseIamArn(arn);
  if (!p || (p.type !== 'user' && p.type !== 'role')) return [];
  const a = w.st.accounts[p.account];
  const e = p.type === 'user' ? a?.users[p.name.toLowerCase()] : a?.roles[p.name.toLowerCase()];
  return e && e.name === p.name && e.path === p.path ? e.tags : [];
}

export function trustInput(r: RoleState): PolicyInput {
  return { kind: 'trust', name: `trust policy of ${r.name}`, attachedTo: `role ${r.name}`, source: 'trust', document: parsed(r.trust, 'trust') };
}

export function bucketPolicyInput(bucket: string, text: string): PolicyInput {
  return { kind: 'resource', name: `bucket policy of ${bucket}`, arn: bucketArn(bucket), attachedTo: `bucket ${bucket}`, source: 'bucket', document: parsed(text, 'resource') };
}

export function evaluationInput(
  w: World,
  a: Actor,
  action: string,
  resource: string,
  context: ContextValues,
  resourcePolicy: PolicyInput | undefined,
  resourceAccount: string | undefined,
): EvaluationInput {
  const g = gather(w, a);
  const input: EvaluationInput = {
    request: { principal: a.principal, action, resource, ...(resourceAccount ? { resourceAccount } : {}), context },
    identity: g.identity,
  };
  if (resourcePolicy) input.resource = resourcePolicy;
  if (g.boundary) input.boundary = g.boundary;
  if (g.session) input.session = g.session;
  if (g.sessionRequired) input.sessionRequired = true;
  return input;
}

export function syntheticDeny(base: Explanation | undefined, principal: string, action: string, resource: string, summary: string, deniedBy: Explanation['deniedBy']): Explanation {
  return {
    decision: 'Deny',
    reason: 'implicit-deny',
    request: { principal, action, resource },
    deniedBy,
    crossAccount: base?.crossAccount ?? false,
    policies: base?.policies ?? [],
    deciding: [],
    summary,
  };
}

export function decideFor(w: World, q: { principal: string; action: string; resource: string; context?: Record<string, string | string[]> }): Explanation {
  const a = actorFromArn(w, q.principal);
  if (!a) return syntheticDeny(undefined, q.principal, q.action, q.resource, `Denied: ${q.principal} is not a principal that exists in this world.`, []);
  if (/^sts:AssumeRole$/i.test(q.action)) return canAssumeFor(w, { principal: q.principal, roleArn: q.resource, ...(q.context ? { context: q.context } : {}) });
  return decideForActor(w, a, q);
}

function decideForActor(w: World, a: Actor, q: { action: string; resource: string; context?: Record<string, string | string[]> }): Explanation {
  const rp = resourcePolicyFor(w, q.action, q.resource);
  const ctx = addResourceTags(baseContext(w, a, DEFAULT_ENV), iamResourceTags(w, q.resource));
  Object.assign(ctx, q.context ?? {});
  return evaluate(evaluationInput(w, a, q.action, q.resource, ctx, rp.policy, rp.account));
}

export function canAssumeFor(w: World, q: { principal: string; roleArn: string; context?: Record<string, string | string[]> }): Explanation {
  const a = actorFromArn(w, q.principal);
  if (!a) return syntheticDeny(undefined, q.principal, 'sts:AssumeRole', q.roleArn, `Denied: ${q.principal} is not a principal that exists in this world.`, []);
  return canActorAssume(w, a, q.roleArn, q.context);
}

function canActorAssume(w: World, a: Actor, roleArn: string, context: Record<string, string | string[]> | undefined): Explanation {
  const extra: ContextValues = { ...(context ?? {}) };
  if (!Object.keys(extra).some((k) => k.toLowerCase() === 'sts:rolesessionname')) {
    extra['sts:RoleSessionName'] = a.kind === 'role' ? a.session?.sessionName ?? 'session' : a.user?.name ?? 'session';
  }
  return assumeRoleDecision(w, a, roleArn, { ...baseContext(w, a, DEFAULT_ENV), ...extra }, 'sts:AssumeRole');
}

const AUTH_FAILURE_SUMMARY: Record<AuthFailure, string> = {
  missing: 'Denied: no credentials were given (AWS answers MissingAuthenticationToken).',
  'unknown-key': 'Denied: AWS does not accept these credentials: the access key ID does not exist or is inactive, or a long-term key came with a session token (InvalidClientTokenId).',
  signature: 'Denied: the secret access key does not belong to this access key ID, so AWS cannot verify the signature (SignatureDoesNotMatch).',
  'bad-token': 'Denied: the session token is missing or does not belong to this temporary access key ID (InvalidClientTokenId).',
  expired: 'Denied: these temporary credentials have expired (ExpiredToken).',
};

function syntheticAllow(principal: string, action: string, resource: string, summary: string): Explanation {
  return { decision: 'Allow', reason: 'allowed', request: { principal, action, resource }, deniedBy: [], crossAccount: false, policies: [], deciding: [], summary };
}

/** STS operations GetSessionToken and GetFederationToken credentials may call (lower case). */
const STS_FOR_TEMPORARY = ['assumerole', 'getcalleridentity', 'getsessiontoken', 'getfederationtoken'];

/**
 * What temporary credentials may not call, whatever the policies say (STS API reference):
 * GetSessionToken credentials no IAM unless MFA was used, GetFederationToken credentials no
 * IAM at all ('no-iam', answered InvalidClientTokenId); both no STS operation but those of
 * STS_FOR_TEMPORARY ('sts-op', answered AccessDenied). `op` is the operation or action name.
 */
export function temporaryLimit(a: Actor, service: string, op: string): 'no-iam' | 'sts-op' | undefined {
  const s = a.session;
  if (!s || (s.kind !== 'user-session' && s.kind !== 'federated')) return undefined;
  if (service === 'iam' && (s.kind === 'federated' || !s.mfa)) return 'no-iam';
  if (service === 'sts' && !STS_FOR_TEMPORARY.includes(op.toLowerCase())) return 'sts-op';
  return undefined;
}

/**
 * What the simulated account refuses to temporary credentials before any policy is read, and
 * the STS calls it answers without a policy decision (as backend.ts and ops-sts.ts do).
 */
function credentialRules(a: Actor, action: string, resource: string): Explanation | undefined {
  const colon = action.indexOf(':');
  const service = action.slice(0, colon).toLowerCase();
  const op = action.slice(colon + 1).toLowerCase();
  const s = a.session;
  // sts:TagSession and sts:SetSourceIdentity are authorized within AssumeRole, not called.
  const limit = op === 'tagsession' || op === 'setsourceidentity' ? undefined : temporaryLimit(a, service, op);
  if (limit === 'no-iam') {
    const what = s?.kind === 'federated' ? 'Credentials from GetFederationToken' : 'Credentials from GetSessionToken without MFA';
    return syntheticDeny(undefined, a.arn, action, resource, `Denied: ${what} cannot call IAM at all (AWS answers InvalidClientTokenId), whatever the policies say.`, []);
  }
  if (limit === 'sts-op') {
    return syntheticDeny(undefined, a.arn, action, resource, `Denied: credentials from ${s?.kind === 'federated' ? 'GetFederationToken' : 'GetSessionToken'} can call no STS operation but AssumeRole and GetCallerIdentity.`, []);
  }
  if (service !== 'sts') return undefined;
  if (op === 'getcalleridentity') {
    return syntheticAllow(a.arn, action, resource, 'Allowed: sts:GetCallerIdentity needs no permission; AWS answers it for any valid credentials, even when a policy denies it.');
  }
  if (op === 'getsessiontoken' || op === 'getfederationtoken') {
    const name = op === 'getsessiontoken' ? 'GetSessionToken' : 'GetFederationToken';
    if (a.temporary) return syntheticDeny(undefined, a.arn, action, resource, `Denied: ${name} cannot be called with temporary credentials ("Cannot call ${name} with session credentials").`, []);
    if (op === 'getsessiontoken') return syntheticAllow(a.arn, action, resource, 'Allowed: sts:GetSessionToken needs no permission; any IAM user or the root user may call it with long-term keys.');
  }
  if (op === 'assumerole' && a.kind === 'federated') {
    return syntheticDeny(undefined, a.arn, action, resource, 'Denied: a federated user (GetFederationToken credentials) cannot assume a role.', []);
  }
  return undefined;
}

/**
 * The decision for these exact credentials: the session's own session policies, issue time, MFA
 * flag, source identity and tags, and the rules for temporary credentials — what a call with them
 * would meet. Credentials the account does not accept are denied, the summary says why.
 */
export function decideAsFor(w: World, creds: Credentials, q: { action: string; resource: string; context?: Record<string, string | string[]> }): Explanation {
  const auth = authenticate(w, 'sts', creds, false);
  if (!auth.ok) return syntheticDeny(undefined, creds?.accessKeyId || '(no credentials)', q.action, q.resource, AUTH_FAILURE_SUMMARY[auth.failure], []);
  const a = auth.actor;
  const rule = credentialRules(a, q.action, q.resource);
  if (rule) return rule;
  if (/^sts:AssumeRole$/i.test(q.action)) return canActorAssume(w, a, q.resource, q.context);
  return decideForActor(w, a, q);
}

/**
 * The AssumeRole authorization: root may not assume roles; a missing/mistyped role is denied
 * like any other denial; otherwise the engine evaluates trust (resource policy, role ARN as
 * resource) together with the caller's identity policies, boundary and session policies.
 */
export function assumeRoleDecision(w: World, a: Actor, roleArnText: string, ctx: ContextValues, action: string): Explanation {
  if (a.principal.type === 'Account') {
    return syntheticDeny(undefined, a.arn, action, roleArnText, 'Denied: the root user cannot assume roles ("Roles may not be assumed by root accounts.").', []);
  }
  const ref = w.roleRef(roleArnText);
  if (!ref) {
    const m = /^arn:aws:iam::(\d{12}):role\//.exec(roleArnText);
    const identityOnly = evaluate(evaluationInput(w, a, action, roleArnText, ctx, undefined, m?.[1]));
    return syntheticDeny(
      identityOnly,
      a.arn,
      action,
      roleArnText,
      `Denied: there is no role ${roleArnText} (names and paths are case-sensitive here). AWS answers a missing or mistyped role with the same AccessDenied as any other denial.`,
      ['trust'],
    );
  }
  const withTags = ref.role.tags.length ? addResourceTags({ ...ctx }, ref.role.tags) : ctx;
  return evaluate(evaluationInput(w, a, action, roleArnText, withTags, trustInput(ref.role), ref.account.id));
}
