// Checks on a real account: the labs' CheckBackend (src/checks/types.ts) over the AWS SDK.
//
// - IAM state is read once per check run (begin(): GetAccountAuthorizationDetails, ListRoles,
//   login profiles, access keys, MFA devices, buckets and their policies) and mirrored into a
//   simulated World, so decisions come from the same code and engine as on the simulated account
//   (World.decide / World.canAssume), from the real documents — "evaluated locally".
// - Who the shell runs as: sts:GetCallerIdentity with the shell's own credentials.
// - "Did you call it": the shell's own log of the calls it made (src/real/events.ts), instantly;
//   when it holds no match, CloudTrail's Event history (src/real/cloudtrail.ts: LookupEvents),
//   which also shows work done in the console or in another terminal — `pending` while CloudTrail
//   may not have delivered it yet, `fail` after the leaf's poll window.
// - "Are these credentials allowed X now": a live read-only call with those credentials where one
//   exists (AWS's own answer), else evaluated locally.
// - The console runs in the learner's browser: what it leaves in CloudTrail (sign-in, switch role,
//   the pages' API calls) is checked there; what it does not (display name, colour, which identity
//   the browser shows) is an error that says so and offers the CLI way — never a pass, never a
//   failed attempt.
// Nothing here writes to the account.
import type { Credentials } from '../backend/types.js';
import type {
  AccountView,
  BucketView,
  CallerView,
  CheckBackend,
  ConsoleView,
  EventMark,
  EventView,
  EventWant,
  Evidence,
  GroupView,
  LateEvents,
  InstanceView,
  ManagedPolicyView,
  RoleView,
  ShellEnvView,
  ShellIdentityView,
  UserView,
} from '../checks/types.js';
import type { CheckSpec } from '../checks/spec.js';
import { parseDoc } from '../checks/policy-util.js';
import type { Explanation } from '../policy/types.js';
import { AWS_MANAGED, type World } from '../sim/index.js';
import { RealBackend, type CallerIdentity, type RealBackendOptions } from './backend.js';
import { loadLab } from '../labs/loader.js';
import { checkStepSpec, stepCheckSpec, type StepCheck, type StepLike } from '../checks/step.js';
import type { RealAwsError } from './errors.js';
import { RealEventLog, explanationFromMessage } from './events.js';
import { CHECKER_USER_AGENT, DEFAULT_POLL_MS, consoleVisibleInCloudTrail, durationMs, eventNamesFor, eventViewFromCloudTrail } from './cloudtrail.js';
import { CheckerReadError, mirrorWorld, readFailure, readRealAccount, unknownAwsManaged, type RealAccountData } from './mirror.js';

type Obj = Record<string, unknown>;

/** What the real-mode checks need from the learner's shell. */
export interface RealShellLink {
  /** The shell's exported variables. */
  env(): Record<string, string>;
  /** The credentials the next `aws` command would sign with, and where they come from ('env', 'profile:dev'). */
  credentials(): Promise<{ credentials?: Credentials; source: string; problem?: string }>;
  /** The static keys a named profile of the shell holds (undefined: none). */
  profileCredentials?(profile: string): Promise<Credentials | undefined>;
}

export interface RealCheckBackendOptions {
  /** The checker's backend: its chain/profile reads the account. */
  backend: RealBackend;
  /** More accounts, each read with its own backend (a lab's second account: --profile2). */
  more?: Array<{ backend: RealBackend; key?: string }>;
  /** The lab's account keys for the accounts, in order (main first). */
  keys?: string[];
  /** The learner's shell (in-process). Without it shell checks are errors saying where to run them. */
  shell?: RealShellLink;
  /** The shell's call log. Without it event checks are errors. */
  events?: RealEventLog;
  /** Region for EC2 instance listings (default: the backend's). */
  region?: string;
  /**
   * CloudTrail for `event` leaves the shell's log cannot answer (default on): work done in the
   * console or in another terminal. Off: such leaves answer from the shell's log alone.
   */
  cloudTrail?: boolean;
  /**
   * Where a leaf's CloudTrail window starts: 'first-miss' (default; a lab session that checks again
   * and again: the window starts when a check first found no event, never before the step began)
   * or 'step-start' (a one-off `iamlab check --real`: the step's start).
   */
  pendingFrom?: 'first-miss' | 'step-start';
  /** Wall clock (tests inject one; it must be the clock CloudTrail's event times are on). */
  now?: () => Date;
}

export const CONSOLE_IN_REAL_MODE =
  'this step happens in the AWS console in your browser, which iamlab cannot see on a real account. Do it with the CLI in the iamlab shell instead (sign-in → your profile or exported keys; switch role → aws sts assume-role … and export the three credentials; open a page → the matching aws command), or do this lab on the simulated account';

const NO_SHELL =
  "your shell's credentials are not available to this check: iamlab never keeps secret keys or session tokens on disk, so a separate `iamlab check --real` cannot use what you exported. Run `lab check` inside `iamlab shell --lab <lab> --real`";

const NO_EVENTS = 'the calls your shell made are not recorded here (real mode keeps its own log of the shell\'s calls). Run `lab check` inside `iamlab shell --lab <lab> --real` after making the call';

const AUTH_CODES = /^(InvalidClientTokenId|ExpiredToken|ExpiredTokenException|SignatureDoesNotMatch|AuthFailure|InvalidAccessKeyId|UnrecognizedClientException|IncompleteSignature|RequestExpired|InvalidToken|TokenRefreshRequired)$/;
const DENIED_CODES = /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|AllAccessDisabled)$/;

/** The CallerView of a caller ARN as GetCallerIdentity returned it. */
export function callerView(who: CallerIdentity, sessionToken: boolean, roles?: Obj[]): CallerView {
  const arn = who.arn;
  const v: CallerView = { accountId: who.accountId, arn, type: 'IAMUser', credentialKind: sessionToken ? 'session' : 'long-term' };
  if (/:root$/.test(arn)) v.type = 'Root';
  else if (/:assumed-role\//.test(arn)) {
    v.type = 'AssumedRole';
    v.credentialKind = 'session';
    const roleName = /:assumed-role\/([^/]+)\//.exec(arn)?.[1];
    const real = roles?.find((r) => r.RoleName === roleName);
    v.sessionIssuer = real ? String(real.Arn) : `arn:aws:iam::${who.accountId}:role/${roleName}`;
  } else if (/:federated-user\//.test(arn)) {
    v.type = 'FederatedUser';
    v.credentialKind = 'session';
  }
  if (who.issuedAt) v.issuedAt = who.issuedAt;
  if (who.expiration) v.expiration = who.expiration;
  return v;
}

/** Read-only calls that let AWS itself answer "may these credentials do <action> on <resource>". */
function probeFor(action: string, resource: string): { service: 'iam' | 's3' | 'ec2' | 'sts'; operation: string; input: Obj } | undefined {
  const a = action.toLowerCase();
  const bucket = /^arn:aws:s3:::([^/*]+)$/.exec(resource)?.[1];
  const iamName = (kind: string) => new RegExp(`^arn:aws:iam::\\d{12}:${kind}/(?:.*/)?([^/*]+)$`).exec(resource)?.[1];
  switch (a) {
    case 's3:listallmybuckets':
      return { service: 's3', operation: 'ListBuckets', input: {} };
    case 's3:listbucket':
      return bucket ? { service: 's3', operation: 'ListObjectsV2', input: { Bucket: bucket, MaxKeys: 1 } } : undefined;
    case 'ec2:describeinstances':
      return { service: 'ec2', operation: 'DescribeInstances', input: { DryRun: true } };
    case 'iam:listroles':
      return resource === '*' || /:role\/\*$/.test(resource) ? { service: 'iam', operation: 'ListRoles', input: { MaxItems: 1 } } : undefined;
    case 'iam:listusers':
      return resource === '*' || /:user\/\*$/.test(resource) ? { service: 'iam', operation: 'ListUsers', input: { MaxItems: 1 } } : undefined;
    case 'iam:getrole':
      return iamName('role') ? { service: 'iam', operation: 'GetRole', input: { RoleName: iamName('role') } } : undefined;
    case 'iam:getuser':
      return iamName('user') ? { service: 'iam', operation: 'GetUser', input: { UserName: iamName('user') } } : undefined;
    case 'sts:getcalleridentity':
      return { service: 'sts', operation: 'GetCallerIdentity', input: {} };
  }
  return undefined;
}

function allowExplanation(principal: string, action: string, resource: string, summary: string): Explanation {
  return { decision: 'Allow', reason: 'allowed', request: { principal, action, resource }, deniedBy: [], crossAccount: false, policies: [], deciding: [], summary };
}

/**
 * Rewrites a step's check for real mode: `event` leaves that must come `via: console` and whose
 * action CloudTrail does not show (consoleVisibleInCloudTrail) become console questions, which the
 * real backend answers with an error that says so. Without this, such a leaf would *fail* (and
 * count as a wrong attempt) for something the learner may well have done in their browser. Console
 * leaves CloudTrail does show stay: the real backend reads them there (lateEvents).
 */
export function realModeSpec(spec: CheckSpec): CheckSpec {
  const s = spec as CheckSpec & Obj;
  if (s.all) return { ...s, all: (s.all as CheckSpec[]).map(realModeSpec) } as CheckSpec;
  if (s.any) return { ...s, any: (s.any as CheckSpec[]).map(realModeSpec) } as CheckSpec;
  if (s.not) return { ...s, not: realModeSpec(s.not as CheckSpec) } as CheckSpec;
  if (s.count) {
    const c = s.count as { min: number; of: CheckSpec[] };
    return { ...s, count: { ...c, of: c.of.map(realModeSpec) } } as CheckSpec;
  }
  const ev = s.event as { via?: string; action?: string } | undefined;
  if (ev?.via === 'console' && !consoleVisibleInCloudTrail(ev.action ?? '')) {
    const out: Obj = { identity: { console: { switched: true } } };
    for (const k of ['id', 'label'] as const) if (s[k] !== undefined) out[k] = s[k];
    return out as unknown as CheckSpec;
  }
  return spec;
}

export class RealCheckBackend implements CheckBackend {
  readonly kind = 'real' as const;
  private readonly o: RealCheckBackendOptions;
  private loading: Promise<void> | undefined;
  private data: RealAccountData[] = [];
  private world: World | undefined;
  private failure: Error | undefined;
  private unknownManaged: Array<{ arn: string; attachedTo: string }> = [];
  private readonly awsManaged = new Map<string, Promise<ManagedPolicyView | undefined>>();
  private readonly objectCounts = new Map<string, Promise<number>>();
  private instances: Promise<InstanceView[]> | undefined;

  constructor(opts: RealCheckBackendOptions) {
    this.o = opts;
  }

  /** Reads every account afresh (one check run). Never throws: a failure makes every read an error. */
  async begin(): Promise<void> {
    this.loading = this.load();
    await this.loading;
  }

  private async load(): Promise<void> {
    this.failure = undefined;
    this.trail.clear();
    this.awsManaged.clear();
    this.objectCounts.clear();
    this.instances = undefined;
    try {
      const all = [this.o.backend, ...(this.o.more ?? []).map((m) => m.backend)];
      this.data = await Promise.all(all.map((b) => readRealAccount(b)));
      const seen = new Set<string>();
      for (const d of this.data) {
        if (seen.has(d.accountId)) throw new CheckerReadError(`Two of the profiles given belong to the same account ${d.accountId}; this lab needs two different accounts.`);
        seen.add(d.accountId);
      }
      this.world = mirrorWorld(this.data);
      this.unknownManaged = this.data.flatMap(unknownAwsManaged);
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      this.world = undefined;
    }
  }

  /** Why the last begin() could not read the account(s), if it could not. */
  failureReason(): string | undefined {
    return this.failure?.message;
  }

  private async ready(): Promise<{ data: RealAccountData[]; world: World }> {
    if (!this.loading) this.loading = this.load();
    await this.loading;
    if (this.failure || !this.world) throw this.failure ?? new Error('the account could not be read');
    return { data: this.data, world: this.world };
  }

  private account(id: string): RealAccountData | undefined {
    return this.data.find((d) => d.accountId === id);
  }

  /** The accounts read (call begin() first). */
  accounts(): AccountView[] {
    return this.data.map((d, i) => ({ id: d.accountId, ...(this.o.keys?.[i] ? { key: this.o.keys[i] } : {}), ...(d.alias ? { alias: d.alias, name: d.alias } : {}) }));
  }

  now(): Date {
    return this.o.now?.() ?? new Date();
  }

  mark(): EventMark {
    return this.o.events ? this.o.events.mark(this.now()) : { at: this.now().toISOString() };
  }

  // ------------------------------------------------------------------ IAM views

  private userView(d: RealAccountData, u: Obj): UserView {
    const name = String(u.UserName);
    return {
      accountId: d.accountId,
      name,
      arn: String(u.Arn),
      path: String(u.Path ?? '/'),
      userId: String(u.UserId ?? ''),
      hasLoginProfile: Boolean(d.loginProfiles[name]),
      accessKeys: (d.accessKeys[name] ?? []).map((k) => ({ accessKeyId: k.id, status: k.status })),
      attached: ((u.AttachedManagedPolicies as Obj[] | undefined) ?? []).map((p) => ({ name: String(p.PolicyName), arn: String(p.PolicyArn) })),
      inline: ((u.UserPolicyList as Obj[] | undefined) ?? []).map((p) => ({ name: String(p.PolicyName), document: parseDoc(String(p.PolicyDocument ?? '{}')) })),
      groups: ((u.GroupList as string[] | undefined) ?? []).map(String),
      tags: Object.fromEntries(((u.Tags as Obj[] | undefined) ?? []).map((t) => [String(t.Key), String(t.Value ?? '')])),
    };
  }

  private roleView(d: RealAccountData, r: Obj): RoleView {
    const name = String(r.RoleName);
    const extra = d.roleExtras[name];
    return {
      accountId: d.accountId,
      name,
      arn: String(r.Arn),
      path: String(r.Path ?? '/'),
      roleId: String(r.RoleId ?? ''),
      ...(extra?.description !== undefined ? { description: extra.description } : {}),
      maxSessionDuration: extra?.maxSessionDuration ?? 3600,
      trust: parseDoc(String(r.AssumeRolePolicyDocument ?? '{}'), 'trust'),
      attached: ((r.AttachedManagedPolicies as Obj[] | undefined) ?? []).map((p) => ({ name: String(p.PolicyName), arn: String(p.PolicyArn) })),
      inline: ((r.RolePolicyList as Obj[] | undefined) ?? []).map((p) => ({ name: String(p.PolicyName), document: parseDoc(String(p.PolicyDocument ?? '{}')) })),
      tags: Object.fromEntries(((r.Tags as Obj[] | undefined) ?? []).map((t) => [String(t.Key), String(t.Value ?? '')])),
    };
  }

  private policyView(d: RealAccountData, p: Obj): ManagedPolicyView {
    const versions = (p.PolicyVersionList as Obj[] | undefined) ?? [];
    const def = versions.find((v) => v.IsDefaultVersion) ?? versions.find((v) => v.VersionId === p.DefaultVersionId) ?? versions[0];
    return {
      arn: String(p.Arn),
      name: String(p.PolicyName),
      owner: d.accountId,
      ...(typeof p.Description === 'string' ? { description: p.Description } : {}),
      document: parseDoc(String(def?.Document ?? '{}')),
    };
  }

  async getUser(accountId: string, name: string): Promise<UserView | undefined> {
    await this.ready();
    const d = this.account(accountId);
    const u = d?.users.find((x) => x.UserName === name);
    return d && u ? this.userView(d, u) : undefined;
  }

  async getRole(accountId: string, name: string): Promise<RoleView | undefined> {
    await this.ready();
    const d = this.account(accountId);
    const r = d?.roles.find((x) => x.RoleName === name);
    return d && r ? this.roleView(d, r) : undefined;
  }

  async getGroup(accountId: string, name: string): Promise<GroupView | undefined> {
    await this.ready();
    const d = this.account(accountId);
    const g = d?.groups.find((x) => x.GroupName === name);
    if (!d || !g) return undefined;
    return {
      accountId,
      name: String(g.GroupName),
      arn: String(g.Arn),
      attached: ((g.AttachedManagedPolicies as Obj[] | undefined) ?? []).map((p) => ({ name: String(p.PolicyName), arn: String(p.PolicyArn) })),
      inline: ((g.GroupPolicyList as Obj[] | undefined) ?? []).map((p) => ({ name: String(p.PolicyName), document: parseDoc(String(p.PolicyDocument ?? '{}')) })),
    };
  }

  async getManagedPolicy(arn: string): Promise<ManagedPolicyView | undefined> {
    await this.ready();
    const m = /^arn:aws[\w-]*:iam::(\d{12}|aws):policy\//.exec(arn);
    if (!m) return undefined;
    if (m[1] !== 'aws') {
      const d = this.account(m[1]!);
      const p = d?.policies.find((x) => x.Arn === arn);
      return d && p ? this.policyView(d, p) : undefined;
    }
    let hit = this.awsManaged.get(arn);
    if (!hit) {
      hit = this.readAwsManaged(arn);
      this.awsManaged.set(arn, hit);
    }
    return hit;
  }

  /** An AWS managed policy as the account sees it (GetPolicy + GetPolicyVersion), else iamlab's catalogue copy. */
  private async readAwsManaged(arn: string): Promise<ManagedPolicyView | undefined> {
    const b = this.o.backend;
    const caller = this.data[0]?.callerArn;
    const p = await b.send({ service: 'iam', operation: 'GetPolicy', input: { PolicyArn: arn }, via: 'check' });
    if (p.ok) {
      const pol = p.output.Policy as Obj;
      const v = await b.send({ service: 'iam', operation: 'GetPolicyVersion', input: { PolicyArn: arn, VersionId: pol.DefaultVersionId }, via: 'check' });
      if (v.ok) {
        const doc = String((v.output.PolicyVersion as Obj | undefined)?.Document ?? '{}');
        return { arn, name: String(pol.PolicyName), owner: 'aws', ...(typeof pol.Description === 'string' ? { description: pol.Description } : {}), document: parseDoc(doc) };
      }
      if (!DENIED_CODES.test(v.error.code)) throw readFailure('GetPolicyVersion', 'iam:GetPolicyVersion', v.error as RealAwsError, caller);
    } else if (p.error.code === 'NoSuchEntity') {
      return undefined;
    } else if (!DENIED_CODES.test(p.error.code) && p.error.status !== 0) {
      throw readFailure('GetPolicy', 'iam:GetPolicy', p.error as RealAwsError, caller);
    } else if (p.error.status === 0) {
      throw readFailure('GetPolicy', 'iam:GetPolicy', p.error as RealAwsError, caller);
    }
    // The checker may not read AWS managed policies: iamlab's catalogue has the same documents.
    const c = AWS_MANAGED.get(arn);
    return c ? { arn, name: c.name, owner: 'aws', description: c.description, document: parseDoc(c.document) } : undefined;
  }

  async listUsers(accountId: string): Promise<UserView[]> {
    await this.ready();
    const d = this.account(accountId);
    return d ? d.users.map((u) => this.userView(d, u)) : [];
  }

  async listRoles(accountId: string): Promise<RoleView[]> {
    await this.ready();
    const d = this.account(accountId);
    return d ? d.roles.map((r) => this.roleView(d, r)) : [];
  }

  async listPolicies(accountId: string): Promise<ManagedPolicyView[]> {
    await this.ready();
    const d = this.account(accountId);
    return d ? d.policies.map((p) => this.policyView(d, p)) : [];
  }

  async listBuckets(accountId: string): Promise<BucketView[]> {
    await this.ready();
    const d = this.account(accountId);
    if (!d) return [];
    const backend = this.backendFor(accountId);
    return Promise.all(
      d.buckets.map(async (bk) => {
        let n = this.objectCounts.get(bk.name);
        if (!n) {
          n = this.countObjects(backend, bk.name, d.callerArn);
          this.objectCounts.set(bk.name, n);
        }
        return { accountId, name: bk.name, objectCount: await n };
      }),
    );
  }

  private backendFor(accountId: string): RealBackend {
    const i = this.data.findIndex((d) => d.accountId === accountId);
    return i <= 0 ? this.o.backend : this.o.more?.[i - 1]?.backend ?? this.o.backend;
  }

  private async countObjects(b: RealBackend, bucket: string, caller: string): Promise<number> {
    let n = 0;
    let token: string | undefined;
    for (let i = 0; i < 100; i++) {
      const r = await b.send({ service: 's3', operation: 'ListObjectsV2', input: { Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }, via: 'check' });
      if (!r.ok) throw readFailure('ListObjectsV2', 's3:ListBucket', r.error as RealAwsError, caller);
      n += Number(r.output.KeyCount ?? ((r.output.Contents as unknown[] | undefined) ?? []).length);
      if (!r.output.IsTruncated || !r.output.NextContinuationToken) break;
      token = String(r.output.NextContinuationToken);
    }
    return n;
  }

  async listInstances(accountId: string): Promise<InstanceView[]> {
    await this.ready();
    if (!this.account(accountId)) return [];
    if (accountId !== this.data[0]!.accountId) return this.readInstances(this.backendFor(accountId), accountId);
    this.instances ??= this.readInstances(this.o.backend, accountId);
    return this.instances;
  }

  private async readInstances(b: RealBackend, accountId: string): Promise<InstanceView[]> {
    const region = this.o.region ?? b.defaultRegion();
    const out: InstanceView[] = [];
    let token: string | undefined;
    for (let i = 0; i < 100; i++) {
      const r = await b.send({ service: 'ec2', operation: 'DescribeInstances', input: { ...(token ? { NextToken: token } : {}) }, region, via: 'check' });
      if (!r.ok) throw readFailure('DescribeInstances', 'ec2:DescribeInstances', r.error as RealAwsError, this.account(accountId)?.callerArn);
      for (const res of (r.output.Reservations as Obj[] | undefined) ?? []) {
        for (const inst of (res.Instances as Obj[] | undefined) ?? []) {
          const name = ((inst.Tags as Obj[] | undefined) ?? []).find((t) => t.Key === 'Name')?.Value;
          out.push({ accountId, instanceId: String(inst.InstanceId), ...(name ? { name: String(name) } : {}), ...((inst.State as Obj | undefined)?.Name ? { state: String((inst.State as Obj).Name) } : {}), region });
        }
      }
      if (!r.output.NextToken) break;
      token = String(r.output.NextToken);
    }
    return out;
  }

  // ------------------------------------------------------------------ decisions

  /** Refuses to decide when a policy of this principal is an AWS managed policy iamlab does not know. */
  private guardUnknown(principal: string): void {
    if (!this.unknownManaged.length) return;
    const m = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):(user|role|assumed-role)\/(?:.*\/)?([^/]+?)(?:\/[^/]+)?$/.exec(principal);
    const d = m ? this.account(m[1]!) : undefined;
    if (!m || !d) return;
    const kind = m[2] === 'user' ? 'user' : 'role';
    let name = m[3]!;
    if (m[2] === 'assumed-role') name = /:assumed-role\/([^/]+)\//.exec(principal)?.[1] ?? name;
    const targets = new Set([`${kind} ${name}`, `${kind} ${name} (boundary)`]);
    if (kind === 'user') for (const g of (d.users.find((u) => u.UserName === name)?.GroupList as string[] | undefined) ?? []) targets.add(`group ${g}`);
    const bad = this.unknownManaged.filter((x) => targets.has(x.attachedTo));
    if (bad.length) {
      throw new Error(`${bad.map((b) => `${b.arn} (on ${b.attachedTo})`).join(', ')} ${bad.length === 1 ? 'is an AWS managed policy' : 'are AWS managed policies'} that iamlab does not know yet, so it cannot evaluate this decision locally`);
    }
  }

  async decide(q: { principal: string; action: string; resource: string; context?: Record<string, string | string[]> }): Promise<Explanation> {
    const { world } = await this.ready();
    this.guardUnknown(q.principal);
    return world.decide(q);
  }

  async canAssume(q: { principal: string; roleArn: string; context?: Record<string, string | string[]> }): Promise<Explanation> {
    const { world } = await this.ready();
    this.guardUnknown(q.principal);
    return world.canAssume(q);
  }

  /** Who these credentials are (GetCallerIdentity). undefined when AWS rejects them; throws when AWS cannot be asked. */
  async whoIs(credentials: Credentials): Promise<CallerView | undefined> {
    const who = await this.o.backend.identity(credentials);
    if ('code' in who) {
      if (AUTH_CODES.test(who.code)) return undefined;
      throw new Error(`could not ask AWS who these credentials belong to: ${who.message}${who.hint ? ` ${who.hint}` : ''}`);
    }
    return callerView(who, Boolean(credentials.sessionToken), this.data.find((d) => d.accountId === who.accountId)?.roles);
  }

  async decideWithCredentials(
    credentials: Credentials,
    q: { action: string; resource: string; context?: Record<string, string | string[]> },
  ): Promise<{ caller?: CallerView; explanation?: Explanation; problem?: string }> {
    const who = await this.o.backend.identity(credentials);
    if ('code' in who) {
      if (AUTH_CODES.test(who.code)) return { problem: `AWS rejects them (${who.code}: ${who.message})` };
      throw new Error(`could not ask AWS about these credentials: ${who.message}${who.hint ? ` ${who.hint}` : ''}`);
    }
    const caller = callerView(who, Boolean(credentials.sessionToken), this.data.find((d) => d.accountId === who.accountId)?.roles);
    const probe = q.context && Object.keys(q.context).length ? undefined : probeFor(q.action, q.resource);
    if (probe) {
      const r = await this.o.backend.send({ ...probe, credentials, via: 'check' });
      if (r.ok) return { caller, explanation: allowExplanation(caller.arn, q.action, q.resource, `Allowed: AWS answered a read-only ${probe.operation} call made with these credentials.`) };
      if (probe.service === 'ec2' && r.error.code === 'DryRunOperation') {
        return { caller, explanation: allowExplanation(caller.arn, q.action, q.resource, 'Allowed: AWS accepted a dry-run DescribeInstances made with these credentials.') };
      }
      if (AUTH_CODES.test(r.error.code)) return { caller, problem: `AWS rejects them (${r.error.code}: ${r.error.message})` };
      if (DENIED_CODES.test(r.error.code)) {
        const fromAws = explanationFromMessage(r.error.message, caller.arn, q.action, q.resource);
        if (fromAws) return { caller, explanation: fromAws };
        const local = await this.localDecision(caller, q).catch(() => undefined);
        const base: Explanation = local && local.decision === 'Deny' ? local : { decision: 'Deny', reason: 'implicit-deny', request: { principal: caller.arn, action: q.action, resource: q.resource }, deniedBy: [], crossAccount: false, policies: [], deciding: [], summary: '' };
        return { caller, explanation: { ...base, decision: 'Deny', summary: `Denied by AWS (${r.error.code}: ${r.error.message})${local && local.decision === 'Deny' ? ` — ${local.summary}` : local ? ' — the account\'s IAM policies alone would allow it, so something outside them (an organization SCP, for one) denies it' : ''}` } };
      }
      if (r.error.status === 0 || r.error.status >= 500 || /Throttl/i.test(r.error.code)) throw new Error(`could not ask AWS: ${r.error.message}${(r.error as RealAwsError).hint ? ` ${(r.error as RealAwsError).hint}` : ''}`);
      // A not-found or validation answer means the call was authorized (AWS checks permissions first).
      return { caller, explanation: allowExplanation(caller.arn, q.action, q.resource, `Allowed: AWS authorized a read-only ${probe.operation} call made with these credentials (it answered ${r.error.code}).`) };
    }
    return { caller, explanation: await this.localDecision(caller, q) };
  }

  private async localDecision(caller: CallerView, q: { action: string; resource: string; context?: Record<string, string | string[]> }): Promise<Explanation> {
    const ctx: Record<string, string | string[]> = { ...(q.context ?? {}) };
    if (caller.issuedAt && !Object.keys(ctx).some((k) => k.toLowerCase() === 'aws:tokenissuetime')) ctx['aws:TokenIssueTime'] = caller.issuedAt.toISOString();
    const e = await this.decide({ principal: caller.arn, action: q.action, resource: q.resource, context: ctx });
    return { ...e, summary: `${e.summary} (evaluated locally from the account's policies)` };
  }

  // ------------------------------------------------------------------ the shell, the console, events

  private shellLink(): RealShellLink {
    if (!this.o.shell) throw new Error(NO_SHELL);
    return this.o.shell;
  }

  async shellEnv(): Promise<ShellEnvView> {
    const env = this.shellLink().env();
    const v: ShellEnvView = {};
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const) if (env[k]) v[k] = env[k];
    return v;
  }

  async profileCredentials(profile: string): Promise<Credentials | undefined> {
    const link = this.shellLink();
    if (!link.profileCredentials) throw new Error(NO_SHELL);
    return link.profileCredentials(profile);
  }

  async shellCredentials(): Promise<{ credentials?: Credentials; source: string }> {
    const r = await this.shellLink().credentials();
    return r.credentials ? { credentials: r.credentials, source: r.source } : { source: r.source };
  }

  async shellIdentity(): Promise<ShellIdentityView> {
    const link = this.shellLink();
    const env = link.env();
    const envView: ShellIdentityView['env'] = {
      ...(env.AWS_ACCESS_KEY_ID ? { accessKeyId: env.AWS_ACCESS_KEY_ID } : {}),
      hasSecret: Boolean(env.AWS_SECRET_ACCESS_KEY),
      hasSessionToken: Boolean(env.AWS_SESSION_TOKEN),
      ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}),
    };
    const r = await link.credentials();
    if (!r.credentials) return { source: r.source, env: envView, problem: r.problem ?? 'the shell has no credentials (nothing exported, no usable profile)' };
    const who = await this.o.backend.identity(r.credentials);
    if ('code' in who) {
      if (AUTH_CODES.test(who.code)) return { source: r.source, env: envView, problem: `AWS rejects the shell's credentials (${who.code}: ${who.message})` };
      throw new Error(`could not ask AWS who the shell runs as: ${who.message}${who.hint ? ` ${who.hint}` : ''}`);
    }
    return { caller: callerView(who, Boolean(r.credentials.sessionToken), this.data.find((d) => d.accountId === who.accountId)?.roles), source: r.source, env: envView };
  }

  console(): ConsoleView | undefined {
    throw new Error(CONSOLE_IN_REAL_MODE);
  }

  events(since: EventMark): EventView[] {
    if (!this.o.events) {
      if (this.o.cloudTrail !== false) return []; // CloudTrail answers instead (lateEvents)
      throw new Error(NO_EVENTS);
    }
    return this.o.events.events(since);
  }

  /**
   * CloudTrail lookups of this check run, by region, event name and start: leaves asking the same
   * question share one answer (LookupEvents allows about two calls a second per account and region).
   */
  private readonly trail = new Map<string, Promise<{ events: Obj[] } | { error: { code: string; message: string } }>>();

  private lookup(region: string, name: string, start: Date): Promise<{ events: Obj[] } | { error: { code: string; message: string } }> {
    const key = `${region}|${name}|${start.toISOString()}`;
    let p = this.trail.get(key);
    if (!p) {
      p = (async () => {
        const events: Obj[] = [];
        let token: string | undefined;
        for (let page = 0; page < 10; page++) {
          const r = await this.o.backend.send({
            service: 'cloudtrail',
            operation: 'LookupEvents',
            input: { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }], StartTime: start, MaxResults: 50, ...(token ? { NextToken: token } : {}) },
            region,
            via: 'check',
          });
          if (!r.ok) return { error: { code: r.error.code, message: r.error.message } };
          events.push(...((r.output.Events as Obj[] | undefined) ?? []));
          token = typeof r.output.NextToken === 'string' ? r.output.NextToken : undefined;
          if (!token) break;
        }
        return { events };
      })();
      this.trail.set(key, p);
    }
    return p;
  }

  /** When each leaf first found no event (lab sessions: the start of its CloudTrail window). */
  private readonly firstMiss = new Map<string, number>();

  /**
   * CloudTrail's Event history since the mark, for the leaf's action (LookupEvents narrowed by
   * EventName and StartTime, in the checker's region and in us-east-1, where global services and
   * console sign-in record), and whether a miss is still `pending` (the leaf's poll window, or
   * DEFAULT_POLL_MS, has not passed).
   */
  async lateEvents(since: EventMark, want: EventWant): Promise<LateEvents> {
    const names = eventNamesFor(want.action);
    // a call that must come through iamlab's shell (or endpoint) is in the shell's log or nowhere
    if (want.via === 'shell' || want.via === 'serve') return { events: [], evidence: [] };
    if (this.o.cloudTrail === false || !names.length) {
      return { events: [], evidence: [], ...(want.via === 'console' ? { unavailable: CONSOLE_IN_REAL_MODE } : {}) };
    }
    const b = this.o.backend;
    const start = new Date(since.at);
    const regions = [...new Set([this.o.region ?? b.defaultRegion(), 'us-east-1'])];
    const events: EventView[] = [];
    const evidence: Evidence[] = [];
    const seen = new Set<string>();
    for (const region of regions) {
      for (const name of names) {
        let n = 0;
        const r = await this.lookup(region, name, start);
        if ('error' in r) {
          const why = DENIED_CODES.test(r.error.code)
            ? `the checker may not read CloudTrail (cloudtrail:LookupEvents: ${r.error.code}), so work done outside iamlab's shell cannot be seen`
            : `CloudTrail could not be read (${r.error.code}: ${r.error.message})`;
          evidence.push({ kind: 'note', text: why });
          const unavailable = want.via === 'console' ? `${CONSOLE_IN_REAL_MODE} (${why})` : why;
          return { events, evidence, unavailable };
        }
        for (const raw of r.events) {
          const id = String(raw.EventId ?? '');
          if (id && seen.has(id)) continue;
          seen.add(id);
          const v = eventViewFromCloudTrail(raw);
          if (!v || v.time.getTime() < start.getTime()) continue;
          if (v.outcome === 'failure' && !v.explanation && v.principalArn && DENIED_CODES.test(v.errorCode ?? '')) {
            // CloudTrail keeps AWS's denial text, which may not say why: the engine says it, from the account's policies
            const local = await this.decide({ principal: v.principalArn, action: v.action, resource: v.resources[0] ?? '*' }).catch(() => undefined);
            if (local && local.decision === 'Deny') v.explanation = { ...local, summary: `${local.summary} (evaluated locally from the account's policies)` };
          }
          events.push(v);
          n++;
        }
        evidence.push({ kind: 'read', text: `CloudTrail ${region}: LookupEvents EventName=${name} since ${since.at} → ${n} event${n === 1 ? '' : 's'}` });
      }
    }
    const windowMs = durationMs(want.poll?.for) ?? DEFAULT_POLL_MS;
    const now = this.now().getTime();
    let from = start.getTime();
    if ((this.o.pendingFrom ?? 'first-miss') === 'first-miss') {
      const key = `${since.at}|${want.action.toLowerCase()}|${want.via ?? ''}`;
      const first = this.firstMiss.get(key) ?? now;
      this.firstMiss.set(key, first);
      from = Math.max(from, first);
    }
    const until = from + windowMs;
    const pending =
      now < until
        ? `CloudTrail can take a few minutes to show ${want.action}${want.via === 'console' ? ' done in the console' : ''}: iamlab keeps looking until ${new Date(until).toISOString().replace(/\.\d{3}Z$/, 'Z')}.`
        : undefined;
    if (pending) evidence.push({ kind: 'note', text: pending });
    return { events, evidence, ...(pending ? { pending } : {}) };
  }
}

// ------------------------------------------------------------------ iamlab check <lab> --real

export interface CheckRealOptions {
  /** The checker's profile (default: the standard chain). */
  profile?: string;
  region?: string;
  /** The second account's profile, for labs with two accounts (cross-account-cli). */
  profile2?: string;
  labsDir?: string;
  /** Extra backend options (tests: endpoint, retry; the app: confirmWrite is irrelevant here). */
  backendOptions?: RealBackendOptions;
  /** Options for the second account's backend (defaults to backendOptions). */
  backendOptions2?: RealBackendOptions;
  /** The shell's call log, or the path of its JSON-lines file. */
  events?: RealEventLog | string;
  /** The learner's shell, when checking from inside it. */
  shell?: RealShellLink;
  /** Typed answers and quiz answers, by step id (from the learner's progress). */
  answers?: Record<string, { answer?: string; questions?: Record<string, string> }>;
  /** Where the lab and each step began (from the learner's progress), for event checks. */
  marks?: { lab?: EventMark; steps?: Record<string, EventMark> };
}

export interface RealCheckReport {
  lab: string;
  title: string;
  /** Lab account key → the real account id it stands for. */
  accounts: Record<string, string>;
  /** Who read the account. */
  callerArn?: string;
  steps: StepCheck[];
  /** Every step passed. */
  passed: boolean;
  /** Why nothing could be checked (no credentials, a second account missing …), when so. */
  problem?: string;
}

function errorStep(step: { id: string; title: string }, message: string): StepCheck {
  return { stepId: step.id, title: step.title, status: 'error', passed: false, message, leaves: [], evidence: [] };
}

/**
 * Checks every step of a lab against the real account(s), read-only. Never throws for account,
 * credential or network problems: those are steps with status 'error' and a `problem`.
 * Throws LabNotFoundError / LabLoadError (src/labs) for an unknown or broken lab.
 */
export async function checkReal(labId: string, opts: CheckRealOptions = {}): Promise<RealCheckReport> {
  const lab = loadLab(labId, opts.labsDir);
  const keys = Object.keys(lab.world.accounts);
  const report: RealCheckReport = { lab: lab.id, title: lab.title, accounts: {}, steps: [], passed: false };
  const fail = (problem: string): RealCheckReport => {
    report.problem = problem;
    report.steps = lab.steps.map((s) => errorStep(s, problem));
    return report;
  };
  if (keys.length > 2) return fail(`This lab uses ${keys.length} accounts; iamlab checks real labs with at most two (--profile and --profile2). Do it on the simulated account.`);
  if (keys.length === 2 && !opts.profile2) {
    return fail(`This lab needs two AWS accounts (${keys.join(' and ')}): run it again with --profile2 <a profile of the second account>, or do it on the simulated account.`);
  }
  const backend = new RealBackend({ ...(opts.backendOptions ?? {}), ...(opts.profile ? { profile: opts.profile } : {}), ...(opts.region ? { region: opts.region } : {}), userAgent: CHECKER_USER_AGENT });
  const more = keys.length === 2 ? [{ backend: new RealBackend({ ...(opts.backendOptions2 ?? opts.backendOptions ?? {}), profile: opts.profile2!, ...(opts.region ? { region: opts.region } : {}), userAgent: CHECKER_USER_AGENT }), key: keys[1]! }] : [];
  try {
    const events = typeof opts.events === 'string' ? new RealEventLog(opts.events) : opts.events;
    // a one-off check: CloudTrail windows start at each step's start (no earlier miss to count from)
    const checks = new RealCheckBackend({ backend, more, keys, pendingFrom: 'step-start', ...(opts.shell ? { shell: opts.shell } : {}), ...(events ? { events } : {}), ...(opts.region ? { region: opts.region } : {}) });
    await checks.begin();
    const failure = checks.failureReason();
    if (failure) return fail(failure);
    const accounts = checks.accounts();
    keys.forEach((k, i) => {
      if (accounts[i]) report.accounts[k] = accounts[i]!.id;
    });
    report.callerArn = (await backend.identity().then((w) => ('code' in w ? undefined : w.arn))) ?? undefined;
    const ctxBase = { accounts: report.accounts, defaultAccount: accounts[0]!.id, ...(opts.marks?.lab ? { labMark: opts.marks.lab } : {}) };
    for (const step of lab.steps) {
      const spec = stepCheckSpec(step as StepLike);
      const realStep: StepLike = {
        ...(step as StepLike),
        ...(spec ? { check: realModeSpec(spec) } : {}),
        ...(step.diagnose ? { diagnose: step.diagnose.map((d) => ({ ...d, when: realModeSpec(d.when as CheckSpec) })) } : {}),
      };
      const stepMark = opts.marks?.steps?.[step.id];
      const answers = opts.answers?.[step.id];
      report.steps.push(await checkStepSpec(realStep, checks, { ...ctxBase, ...(stepMark ? { stepMark } : {}), ...(answers ? { answers } : {}) }));
    }
    report.passed = report.steps.every((s) => s.passed);
    return report;
  } finally {
    backend.close();
    for (const m of more) m.backend.close();
  }
}
