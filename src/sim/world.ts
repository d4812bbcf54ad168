// The simulated AWS world: accounts with IAM, STS sessions, S3 and EC2 state, a clock, a
// seeded generator and an audit log. AWS calls go through SimBackend (backend.ts); the
// methods here are setup helpers and side-effect-free questions for checks and the app.
import { createHash } from 'node:crypto';
import type { AwsError, Credentials } from '../backend/types.js';
import type { Explanation, PolicyDocument } from '../policy/types.js';
import { AuditLog } from './audit.js';
import type { AuditEventJSON } from './audit.js';
import { Rng } from './rng.js';
import { totp } from './totp.js';
import { iamArn, rootArn, sessionArn, federatedArn, isoSeconds } from './arn.js';
import type {
  AccountState,
  BucketState,
  GroupState,
  InstanceState,
  ManagedPolicyState,
  RoleState,
  SessionState,
  UserState,
  WorldState,
  Tag,
} from './model.js';
import { AWS_MANAGED } from './managed.js';
import type { AwsManagedPolicy } from './managed.js';
import { parsed } from './engine.js';
import { actorFromArn, authenticate, callerInfo, decideFor, decideAsFor, canAssumeFor } from './actor.js';
import { checkSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, WorldSnapshotError } from './snapshot.js';

export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, WorldSnapshotError };

export interface WorldSnapshot extends WorldState {
  audit: AuditEventJSON[];
}

export interface CallerInfo {
  accountId: string;
  arn: string;
  userId: string;
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser';
  /** For sessions: the role ARN (AssumedRole) or the user ARN (GetSessionToken/console/federation). */
  sessionIssuer?: string;
  expiration?: Date;
  issuedAt?: Date;
  credentialKind: 'long-term' | 'session' | 'console';
}

export interface WorldClock {
  now(): Date;
  set(d: Date | string): void;
  advance(ms: number): void;
}

/** @internal Where an access key id points. */
export type KeyRef = { accountId: string; user: string } | { accountId: string; root: true };

type View<T> = Readonly<T> & { readonly arn: string; readonly accountId: string };
export type UserView = View<UserState>;
export type RoleView = View<RoleState>;
export type GroupView = View<GroupState>;
export type CustomerPolicyView = View<ManagedPolicyState> & { readonly document: string; readonly attachmentCount: number };
export type BucketView = Readonly<BucketState> & { readonly arn: string };
export type InstanceView = Readonly<InstanceState> & { readonly accountId: string };
export interface AccountView {
  readonly id: string;
  readonly alias?: string;
  readonly name: string;
  readonly email: string;
  readonly createdDate: string;
}

/** Read-only views of IAM/S3/EC2 state for checks and the map view (do not mutate what they return). */
export interface IamReadView {
  accounts(): AccountView[];
  users(accountId?: string): UserView[];
  user(accountId: string, name: string): UserView | undefined;
  roles(accountId?: string): RoleView[];
  role(accountId: string, name: string): RoleView | undefined;
  /** A role by its ARN (exact, case-sensitive, path included), as sts:AssumeRole resolves it. */
  roleByArn(arn: string): RoleView | undefined;
  groups(accountId?: string): GroupView[];
  group(accountId: string, name: string): GroupView | undefined;
  /** Customer managed policies. */
  policies(accountId?: string): CustomerPolicyView[];
  /** Any managed policy by ARN (customer or AWS managed): its default document and metadata. */
  policy(arn: string): { arn: string; name: string; path: string; awsManaged: boolean; document: string; defaultVersionId: string } | undefined;
  awsManagedPolicies(): AwsManagedPolicy[];
  /** The trust policy of a role, parsed and normalised by the engine. */
  trustDocument(accountId: string, roleName: string): PolicyDocument | undefined;
  buckets(accountId?: string): BucketView[];
  bucket(name: string): BucketView | undefined;
  instances(accountId?: string): InstanceView[];
  /** Live (unexpired) temporary sessions, e.g. to find the sessions of a role. */
  sessions(accountId?: string): Array<{ accessKeyId: string; arn: string; kind: SessionState['kind']; issuedAt: Date; expiration: Date; roleArn?: string }>;
}

export interface WorldCreateOptions {
  seed?: string;
  now?: Date | string;
  /** When true the clock moves with the wall clock (from `now`); default false (time moves only via set/advance). */
  realTime?: boolean;
  /** How many audit events are kept in memory (default 10,000). */
  auditLimit?: number;
}

const DEFAULT_NOW = '2025-01-15T09:00:00Z';

export class World {
  /** @internal */ st: WorldState;
  /** @internal */ rng: Rng;
  /** @internal */ reqRng: Rng;
  /** @internal */ keys = new Map<string, KeyRef>();
  /** @internal Live and recently expired temporary credentials by access key id (st.sessions is only the saved form). */
  sessions = new Map<string, SessionState>();
  readonly audit: AuditLog;
  readonly clock: WorldClock;
  readonly iam: IamReadView;
  private nowMs: number;
  private anchor: number | undefined;

  private constructor(st: WorldState, realTime: boolean, auditLimit: number) {
    this.st = st;
    for (const [k, v] of Object.entries(st.sessions)) this.sessions.set(k, v);
    st.sessions = {};
    this.rng = new Rng(st.rng);
    this.reqRng = new Rng(st.reqRng);
    this.nowMs = Date.parse(st.now);
    this.anchor = realTime ? Date.now() : undefined;
    this.audit = new AuditLog(auditLimit);
    const self = this;
    this.clock = {
      now: () => new Date(self.nowMillis()),
      set(d: Date | string) {
        const t = typeof d === 'string' ? Date.parse(d) : d.getTime();
        if (Number.isNaN(t)) throw new Error(`clock.set: not a date: ${String(d)}`);
        self.nowMs = t;
        if (self.anchor !== undefined) self.anchor = Date.now();
      },
      advance(ms: number) {
        self.nowMs += ms;
      },
    };
    this.iam = makeView(this);
    this.reindex();
  }

  /** A new empty world. seed makes every generated id/secret deterministic; now sets the clock. */
  static create(opts: WorldCreateOptions = {}): World {
    const seed = opts.seed ?? 'iamlab';
    const now = opts.now === undefined ? DEFAULT_NOW : typeof opts.now === 'string' ? opts.now : opts.now.toISOString();
    if (Number.isNaN(Date.parse(now))) throw new Error(`World.create: not a date: ${now}`);
    const st: WorldState = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      seed,
      now: new Date(now).toISOString(),
      rng: Rng.fromSeed(seed).state(),
      reqRng: Rng.fromSeed(seed + '\u0000requests').state(),
      accounts: {},
      buckets: {},
      sessions: {},
    };
    return new World(st, opts.realTime ?? false, opts.auditLimit ?? 10_000);
  }

  /**
   * Load a snapshot (the object toJSON gave). Throws WorldSnapshotError saying what is wrong
   * (not a world, corrupt, or written by a newer iamlab).
   */
  static fromJSON(data: unknown, opts: { realTime?: boolean; auditLimit?: number; /** @internal data was just parsed and is handed over: used without a copy */ adopt?: boolean } = {}): World {
    const { state, audit } = checkSnapshot(data, opts.adopt ?? false);
    const w = new World(state, opts.realTime ?? false, opts.auditLimit ?? 10_000);
    w.audit.load(audit);
    return w;
  }

  /** A versioned plain-JSON snapshot ({ format: 'iamlab-world', version: 1, … }). */
  toJSON(): WorldSnapshot {
    this.st.now = new Date(this.nowMillis()).toISOString();
    this.st.rng = this.rng.state();
    this.st.reqRng = this.reqRng.state();
    const copy = structuredClone({ ...this.st, sessions: Object.fromEntries(this.sessions) }) as WorldState;
    // Sessions expired more than a day ago are saved as tombstones (key id → expiration): they
    // still answer ExpiredToken, without their secrets. The live world is not changed.
    const cutoff = this.nowMillis() - 86_400_000;
    const expired: Record<string, string> = { ...(copy.expiredSessions ?? {}) };
    for (const [k, s] of Object.entries(copy.sessions)) {
      if (Date.parse(s.expiration) < cutoff) {
        expired[k] = s.expiration;
        delete copy.sessions[k];
      }
    }
    if (Object.keys(expired).length) copy.expiredSessions = expired;
    else delete copy.expiredSessions;
    return { ...copy, audit: this.audit.toJSON(2000) };
  }

  /** @internal */
  nowMillis(): number {
    return this.anchor === undefined ? this.nowMs : this.nowMs + (Date.now() - this.anchor);
  }

  // ---------------------------------------------------------------- setup

  /** Creates an account (12-digit id). Its root user gets one long-term access key. */
  createAccount(id: string, opts: { alias?: string; name?: string; email?: string } = {}): void {
    if (!/^\d{12}$/.test(id)) throw new Error(`createAccount: account id must be 12 digits, got ${JSON.stringify(id)}`);
    if (this.st.accounts[id]) throw new Error(`createAccount: account ${id} already exists`);
    if (opts.alias !== undefined) {
      if (!/^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/.test(opts.alias) || /^\d{12}$/.test(opts.alias))
        throw new Error(`createAccount: invalid account alias ${JSON.stringify(opts.alias)}`);
      for (const a of Object.values(this.st.accounts))
        if (a.alias === opts.alias) throw new Error(`createAccount: alias ${opts.alias} is used by account ${a.id}`);
    }
    const now = this.nowIso();
    const acct: AccountState = {
      id,
      ...(opts.alias !== undefined ? { alias: opts.alias } : {}),
      name: opts.name ?? `account-${id}`,
      email: opts.email ?? `aws+${id}@example.com`,
      createdDate: now,
      rootKeys: [{ id: 'AKIA' + this.rng.base32(16), secret: this.rng.secret(40), status: 'Active', createDate: now }],
      users: {},
      groups: {},
      roles: {},
      policies: {},
      mfaDevices: {},
      instances: [],
    };
    this.st.accounts[id] = acct;
    for (const k of acct.rootKeys) this.keys.set(k.id, { accountId: id, root: true });
  }

  accountIds(): string[] {
    return Object.keys(this.st.accounts);
  }

  /** Long-term access keys of the account's root user (root can do everything except assume roles). */
  rootCredentials(accountId: string): Credentials {
    const k = this.mustAccount(accountId).rootKeys.find((x) => x.status === 'Active');
    if (!k) throw new Error(`rootCredentials: account ${accountId} has no active root key`);
    return { accessKeyId: k.id, secretAccessKey: k.secret };
  }

  /** Adds an EC2 instance (there is no RunInstances in the labs). Returns its id. */
  addInstance(
    accountId: string,
    opts: { instanceId?: string; name?: string; instanceType?: string; state?: string; region?: string; imageId?: string; tags?: Tag[] } = {},
  ): string {
    const acct = this.mustAccount(accountId);
    const id = opts.instanceId ?? 'i-0' + this.rng.hex(16);
    if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw new Error(`addInstance: bad instance id ${id}`);
    for (const a of Object.values(this.st.accounts))
      if (a.instances.some((i) => i.instanceId === id)) throw new Error(`addInstance: instance ${id} already exists`);
    const region = opts.region ?? 'us-east-1';
    const tags: Tag[] = [...(opts.tags ?? [])];
    if (opts.name !== undefined && !tags.some((t) => t.Key === 'Name')) tags.unshift({ Key: 'Name', Value: opts.name });
    acct.instances.push({
      instanceId: id,
      reservationId: 'r-0' + this.rng.hex(16),
      imageId: opts.imageId ?? 'ami-0' + this.rng.hex(16),
      instanceType: opts.instanceType ?? 't3.micro',
      state: opts.state ?? 'running',
      region,
      availabilityZone: region + 'a',
      launchTime: this.nowIso(),
      privateIp: `172.31.${this.rng.int(255)}.${1 + this.rng.int(254)}`,
      tags,
    });
    return id;
  }

  /** Adds an S3 bucket owned by the account (setup helper; learners use CreateBucket). */
  addBucket(accountId: string, name: string, opts: { region?: string; objects?: Record<string, string> } = {}): void {
    this.mustAccount(accountId);
    if (this.st.buckets[name]) throw new Error(`addBucket: bucket ${name} already exists`);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) throw new Error(`addBucket: invalid bucket name ${name}`);
    const b: BucketState = { name, owner: accountId, region: opts.region ?? 'us-east-1', creationDate: this.nowIso(), objects: {} };
    for (const [key, body] of Object.entries(opts.objects ?? {})) {
      const buf = Buffer.from(body, 'utf8');
      b.objects[key] = {
        key,
        body: buf.toString('base64'),
        contentType: 'text/plain',
        lastModified: this.nowIso(),
        etag: '"' + createHash('md5').update(buf).digest('hex') + '"',
        size: buf.length,
      };
    }
    this.st.buckets[name] = b;
  }

  /**
   * The current 6-digit TOTP code of a virtual MFA device (by serial ARN), on the world's clock.
   * stepOffset gives the next (1) or previous (-1) 30-second code (EnableMFADevice needs two in a row).
   */
  mfaCode(serialNumber: string, stepOffset = 0): string {
    for (const a of Object.values(this.st.accounts)) {
      const d = a.mfaDevices[serialNumber];
      if (d) return totp(d.seed, this.clock.now(), stepOffset);
    }
    throw new Error(`mfaCode: no virtual MFA device ${serialNumber}`);
  }

  /**
   * Console sign-in as an IAM user: needs a login profile (password checked only when given).
   * Users with an MFA device must give its current code. Returns credentials whose calls are
   * attributed to the user (CloudTrail: IAMUser) and marked as a console session. Audited as ConsoleLogin.
   */
  consoleSignIn(
    accountId: string,
    userName: string,
    password?: string,
    opts: { mfaCode?: string } = {},
  ): { ok: true; credentials: Credentials } | { ok: false; error: AwsError } {
    const fail = (message = 'Your authentication information is incorrect. Please try again.'): { ok: false; error: AwsError } => {
      const error: AwsError = { code: 'AuthenticationFailed', status: 401, type: 'Sender', message };
      this.recordSignIn(accountId, userName, undefined, error);
      return { ok: false, error };
    };
    const acct = this.accountByIdOrAlias(accountId);
    if (!acct) return fail();
    const user = acct.users[userName.toLowerCase()];
    if (!user || !user.loginProfile) return fail();
    if (password !== undefined && hashPassword(password, user.loginProfile.salt) !== user.loginProfile.passwordHash) return fail();
    let mfa = false;
    if (user.mfa.length > 0) {
      if (opts.mfaCode === undefined) return fail('Multi-factor authentication is enabled for this user: enter the code from your MFA device.');
      const ok = user.mfa.some((m) => {
        const d = acct.mfaDevices[m.serial];
        return d !== undefined && [-1, 0, 1].some((o) => totp(d.seed, this.clock.now(), o) === opts.mfaCode);
      });
      if (!ok) return fail();
      mfa = true;
    }
    const now = this.clock.now();
    user.passwordLastUsed = now.toISOString();
    const s = this.consoleSession(acct.id, now, { mfa, ...(mfa ? { mfaAuthTime: now.toISOString() } : {}), userName: user.name, userId: user.id });
    this.sessions.set(s.accessKeyId, s);
    this.recordSignIn(acct.id, user.name, user, undefined);
    return { ok: true, credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secret, sessionToken: s.token } };
  }

  /** A console session's credentials: 12 hours, like an IAM user's console session. */
  private consoleSession(accountId: string, now: Date, who: Partial<SessionState> & { mfa: boolean }): SessionState {
    return {
      accessKeyId: 'ASIA' + this.rng.base32(16),
      secret: this.rng.secret(40),
      token: this.newSessionToken(),
      kind: 'console',
      accountId,
      issuedAt: now.toISOString(),
      expiration: new Date(now.getTime() + 12 * 3600_000).toISOString(),
      ...who,
    };
  }

  /**
   * Console sign-in as the account's root user (email + password in the real console; not
   * checked here). Calls made with the returned credentials are the root user's (CloudTrail: Root).
   */
  consoleSignInRoot(accountId: string): { ok: true; credentials: Credentials } | { ok: false; error: AwsError } {
    const acct = this.accountByIdOrAlias(accountId);
    if (!acct) {
      const error: AwsError = { code: 'AuthenticationFailed', status: 401, type: 'Sender', message: 'Your authentication information is incorrect. Please try again.' };
      this.recordSignIn(accountId, 'root', undefined, error);
      return { ok: false, error };
    }
    const now = this.clock.now();
    const s = this.consoleSession(acct.id, now, { mfa: false, root: true });
    this.sessions.set(s.accessKeyId, s);
    this.audit.record({
      eventId: this.reqRng.uuid(),
      eventTime: now,
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      action: '',
      awsRegion: 'us-east-1',
      recipientAccountId: acct.id,
      userIdentity: { type: 'Root', arn: rootArn(acct.id), accountId: acct.id, principalId: acct.id },
      via: 'console',
      requestParameters: {},
      resources: [],
      outcome: 'success',
    });
    return { ok: true, credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secret, sessionToken: s.token } };
  }

  private recordSignIn(accountId: string, userName: string, user: UserState | undefined, error: AwsError | undefined): void {
    const acct = this.st.accounts[accountId];
    this.audit.record({
      eventId: this.reqRng.uuid(),
      eventTime: this.clock.now(),
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      action: '',
      awsRegion: 'us-east-1',
      recipientAccountId: acct?.id ?? accountId,
      userIdentity: user
        ? { type: 'IAMUser', arn: iamArn(accountId, 'user', user.path, user.name), accountId, principalId: user.id, userName: user.name }
        : { type: 'Unknown', userName },
      via: 'console',
      requestParameters: {},
      resources: [],
      outcome: error ? 'failure' : 'success',
      ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
    });
  }

  // ---------------------------------------------------------------- questions (no side effects)

  /** Who do these credentials belong to? undefined if unknown, inactive, mismatched or expired. */
  whoIs(credentials: Credentials): CallerInfo | undefined {
    const r = authenticate(this, 'sts', credentials, false);
    return r.ok ? callerInfo(r.actor) : undefined;
  }

  /** The engine's decision for a principal (ARN of a user, role, root, or session) doing action on resource. */
  decide(q: { principal: string; action: string; resource: string; context?: Record<string, string | string[]> }): Explanation {
    return decideFor(this, q);
  }

  /**
   * The decision for one exact set of credentials: a session's own session policies, issue time
   * (aws:TokenIssueTime, so revoked sessions are told apart), MFA flag, tags and source identity,
   * and the limits of temporary credentials (no IAM for GetSessionToken credentials without MFA
   * or for federated users…). Side-effect free and not audited. Credentials the account does not
   * accept (unknown, wrong secret or token, expired) are denied; the summary says why.
   * sts:AssumeRole is decided as canAssume decides it (resource = the role ARN).
   */
  decideAs(credentials: Credentials, q: { action: string; resource: string; context?: Record<string, string | string[]> }): Explanation {
    return decideAsFor(this, credentials, q);
  }

  /**
   * The secret (and session token) of an access key id this world issued: root and IAM user keys
   * (active or not) and the temporary credentials it still holds — expired ones too, so a signed
   * request with them is answered ExpiredToken rather than as an unknown key. undefined for unknown
   * ids and for sessions that expired more than a day before the world was saved (kept without
   * their secrets). Not audited.
   */
  secretFor(accessKeyId: string): { secretAccessKey: string; sessionToken?: string } | undefined {
    const ref = this.keys.get(accessKeyId);
    if (ref) {
      const acct = this.st.accounts[ref.accountId];
      const k = 'root' in ref ? acct?.rootKeys.find((x) => x.id === accessKeyId) : acct?.users[ref.user]?.accessKeys.find((x) => x.id === accessKeyId);
      return k ? { secretAccessKey: k.secret } : undefined;
    }
    const s = this.sessions.get(accessKeyId);
    return s ? { secretAccessKey: s.secret, sessionToken: s.token } : undefined;
  }

  /** The complete AssumeRole decision (trust side, identity side, boundary, cross-account) for a principal ARN. */
  canAssume(q: { principal: string; roleArn: string; context?: Record<string, string | string[]> }): Explanation {
    return canAssumeFor(this, q);
  }

  /** Does this principal ARN name something that exists (user, role, root, live session)? */
  principalExists(arn: string): boolean {
    return actorFromArn(this, arn) !== undefined;
  }

  // ---------------------------------------------------------------- internals used by the operations

  /** @internal */
  nowIso(): string {
    return new Date(this.nowMillis()).toISOString();
  }

  /** @internal */
  mustAccount(id: string): AccountState {
    const a = this.st.accounts[id];
    if (!a) throw new Error(`no account ${id} in this world`);
    return a;
  }

  /** @internal */
  accountByIdOrAlias(x: string): AccountState | undefined {
    return this.st.accounts[x] ?? Object.values(this.st.accounts).find((a) => a.alias === x);
  }

  /** @internal AIDA/AROA/AGPA/ANPA/ANVA + 17 base32 characters. */
  uniqueId(prefix: string): string {
    return prefix + this.rng.base32(17);
  }

  /** @internal */
  newAccessKeyId(temporary: boolean): string {
    return (temporary ? 'ASIA' : 'AKIA') + this.rng.base32(16);
  }

  /** @internal */
  newSessionToken(): string {
    return 'IQoJb3JpZ2luX2VjE' + this.rng.encoded(120, 'base64');
  }

  /** @internal */
  reindex(): void {
    this.keys.clear();
    for (const a of Object.values(this.st.accounts)) {
      for (const k of a.rootKeys) this.keys.set(k.id, { accountId: a.id, root: true });
      for (const [uk, u] of Object.entries(a.users)) for (const k of u.accessKeys) this.keys.set(k.id, { accountId: a.id, user: uk });
    }
  }

  /** @internal A role by exact ARN (name case-sensitive, path included), without copying. */
  roleRef(arn: string): { account: AccountState; role: RoleState; arn: string } | undefined {
    let parts = roleArnParts.get(arn);
    if (parts === undefined) {
      const m = /^arn:aws:iam::(\d{12}):role(\/(?:.*\/)?)([^/]+)$/.exec(arn);
      parts = m ? [m[1]!, m[2]!, m[3]!, m[3]!.toLowerCase()] : null;
      if (roleArnParts.size > 1000) roleArnParts.clear();
      roleArnParts.set(arn, parts);
    }
    if (!parts) return undefined;
    const account = this.st.accounts[parts[0]];
    const role = account?.roles[parts[3]];
    return account && role && role.name === parts[2] && role.path === parts[1] ? { account, role, arn } : undefined;
  }

  /** @internal Document text of a managed policy ARN (customer or AWS managed), default version. */
  managedPolicy(arn: string): { name: string; arn: string; document: string; awsManaged: boolean } | undefined {
    const aws = awsManagedRef(arn);
    if (aws) return aws;
    const m = /^arn:aws:iam::(\d{12}):policy(\/(?:.*\/)?)?([^/]+)$/.exec(arn);
    if (!m) return undefined;
    const p = this.st.accounts[m[1]!]?.policies[m[3]!.toLowerCase()];
    if (!p || p.path !== (m[2] ?? '/') || p.name !== m[3]) return undefined;
    const v = p.versions.find((x) => x.versionId === p.defaultVersionId);
    return v ? { name: p.name, arn, document: v.document, awsManaged: false } : undefined;
  }

  /** @internal */
  sessionArnOf(s: SessionState): string {
    if (s.kind === 'role') return sessionArn(s.accountId, s.roleName!, s.sessionName!);
    if (s.kind === 'federated') return federatedArn(s.accountId, s.federatedName!);
    if (s.root) return rootArn(s.accountId);
    const u = Object.values(this.st.accounts[s.accountId]?.users ?? {}).find((x) => x.id === s.userId);
    return u ? iamArn(s.accountId, 'user', u.path, u.name) : iamArn(s.accountId, 'user', '/', s.userName ?? 'unknown');
  }
}

/** Parsed role ARNs (account, path, name, lower-cased name); null = not a role ARN. */
const roleArnParts = new Map<string, [string, string, string, string] | null>();

/** AWS managed policies as managedPolicy() returns them, made on first use. */
const AWS_MANAGED_REFS = new Map<string, Readonly<{ name: string; arn: string; document: string; awsManaged: boolean }>>();
function awsManagedRef(arn: string): Readonly<{ name: string; arn: string; document: string; awsManaged: boolean }> | undefined {
  let ref = AWS_MANAGED_REFS.get(arn);
  if (ref === undefined) {
    const p = AWS_MANAGED.get(arn);
    if (!p) return undefined;
    ref = Object.freeze({ name: p.name, arn: p.arn, document: p.document, awsManaged: true });
    AWS_MANAGED_REFS.set(arn, ref);
  }
  return ref;
}

export function hashPassword(password: string, salt: string): string {
  return createHash('sha256').update(salt + '\u0000' + password).digest('hex');
}

function makeView(w: World): IamReadView {
  const accts = (id?: string) => (id === undefined ? Object.values(w.st.accounts) : w.st.accounts[id] ? [w.st.accounts[id]!] : []);
  const userV = (a: AccountState, u: UserState): UserView => ({ ...u, arn: iamArn(a.id, 'user', u.path, u.name), accountId: a.id });
  const roleV = (a: AccountState, r: RoleState): RoleView => ({ ...r, arn: iamArn(a.id, 'role', r.path, r.name), accountId: a.id });
  const groupV = (a: AccountState, g: GroupState): GroupView => ({ ...g, arn: iamArn(a.id, 'group', g.path, g.name), accountId: a.id });
  const policyV = (a: AccountState, p: ManagedPolicyState): CustomerPolicyView => {
    const arn = iamArn(a.id, 'policy', p.path, p.name);
    return {
      ...p,
      arn,
      accountId: a.id,
      document: p.versions.find((v) => v.versionId === p.defaultVersionId)?.document ?? '',
      attachmentCount: attachmentCount(a, arn),
    };
  };
  return {
    accounts: () => Object.values(w.st.accounts).map((a) => ({ id: a.id, ...(a.alias !== undefined ? { alias: a.alias } : {}), name: a.name, email: a.email, createdDate: a.createdDate })),
    users: (id) => accts(id).flatMap((a) => Object.values(a.users).map((u) => userV(a, u))),
    user: (id, name) => {
      const a = w.st.accounts[id];
      const u = a?.users[name.toLowerCase()];
      return a && u ? userV(a, u) : undefined;
    },
    roles: (id) => accts(id).flatMap((a) => Object.values(a.roles).map((r) => roleV(a, r))),
    role: (id, name) => {
      const a = w.st.accounts[id];
      const r = a?.roles[name.toLowerCase()];
      return a && r ? roleV(a, r) : undefined;
    },
    roleByArn: (arn) => {
      const ref = w.roleRef(arn);
      return ref ? roleV(ref.account, ref.role) : undefined;
    },
    groups: (id) => accts(id).flatMap((a) => Object.values(a.groups).map((g) => groupV(a, g))),
    group: (id, name) => {
      const a = w.st.accounts[id];
      const g = a?.groups[name.toLowerCase()];
      return a && g ? groupV(a, g) : undefined;
    },
    policies: (id) => accts(id).flatMap((a) => Object.values(a.policies).map((p) => policyV(a, p))),
    policy: (arn) => {
      const aws = AWS_MANAGED.get(arn);
      if (aws) return { arn, name: aws.name, path: aws.path, awsManaged: true, document: aws.document, defaultVersionId: aws.defaultVersionId };
      const m = /^arn:aws:iam::(\d{12}):policy(\/(?:.*\/)?)?([^/]+)$/.exec(arn);
      const p = m ? w.st.accounts[m[1]!]?.policies[m[3]!.toLowerCase()] : undefined;
      if (!m || !p || p.name !== m[3] || p.path !== (m[2] ?? '/')) return undefined;
      return { arn, name: p.name, path: p.path, awsManaged: false, document: p.versions.find((v) => v.versionId === p.defaultVersionId)?.document ?? '', defaultVersionId: p.defaultVersionId };
    },
    awsManagedPolicies: () => [...AWS_MANAGED.values()],
    trustDocument: (id, name) => {
      const r = w.st.accounts[id]?.roles[name.toLowerCase()];
      return r ? parsed(r.trust, 'trust') : undefined;
    },
    buckets: (id) => Object.values(w.st.buckets).filter((b) => id === undefined || b.owner === id).map((b) => ({ ...b, arn: `arn:aws:s3:::${b.name}` })),
    bucket: (name) => {
      const b = w.st.buckets[name];
      return b ? { ...b, arn: `arn:aws:s3:::${b.name}` } : undefined;
    },
    instances: (id) => accts(id).flatMap((a) => a.instances.map((i) => ({ ...i, accountId: a.id }))),
    sessions: (id) => {
      const now = w.nowMillis();
      return [...w.sessions.values()]
        .filter((s) => (id === undefined || s.accountId === id) && Date.parse(s.expiration) > now)
        .map((s) => ({
          accessKeyId: s.accessKeyId,
          arn: w.sessionArnOf(s),
          kind: s.kind,
          issuedAt: new Date(s.issuedAt),
          expiration: new Date(s.expiration),
          ...(s.kind === 'role' ? { roleArn: iamArn(s.accountId, 'role', s.rolePath ?? '/', s.roleName!) } : {}),
        }));
    },
  };
}

/** @internal Number of users, groups and roles of `a` a managed policy ARN is attached to. */
export function attachmentCount(a: AccountState, arn: string): number {
  let n = 0;
  for (const u of Object.values(a.users)) if (u.attached.includes(arn)) n++;
  for (const g of Object.values(a.groups)) if (g.attached.includes(arn)) n++;
  for (const r of Object.values(a.roles)) if (r.attached.includes(arn)) n++;
  return n;
}

/** @internal */
export function boundaryUsageCount(a: AccountState, arn: string): number {
  let n = 0;
  for (const u of Object.values(a.users)) if (u.boundary === arn) n++;
  for (const r of Object.values(a.roles)) if (r.boundary === arn) n++;
  return n;
}

/**
 * The console's "Revoke active sessions" policy: put it on the role as the inline policy
 * AWSRevokeOlderSessions (PutRolePolicy). Sessions issued before `now` are denied everything.
 */
export function revokeSessionsPolicy(now: Date): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': now.toISOString() } },
        },
      ],
    },
    null,
    4,
  );
}
export const REVOKE_SESSIONS_POLICY_NAME = 'AWSRevokeOlderSessions';

export { isoSeconds };
