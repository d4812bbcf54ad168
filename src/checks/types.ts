// The check vocabulary's runtime contract: what a check reads (CheckBackend), and what it
// answers (CheckResult). Pure types; no world, no SDK. The simulated account implements
// CheckBackend over its World (src/checks/sim-backend.ts); the real-account mode implements
// it over the SDK by reading IAM once per check run (GetAccountAuthorizationDetails, see
// viewsFromAuthorizationDetails in src/checks/gaad.ts) and deciding with the same engine.

import type { Explanation, PolicyDocument } from '../policy/types.js';
import type { Credentials } from '../backend/types.js';

export type Awaitable<T> = T | Promise<T>;

/** Result status of a check (lab-format §5.4). Only `fail` counts as an attempt. */
export type CheckStatus = 'pass' | 'fail' | 'pending' | 'error';

/** One thing the checker read or evaluated, shown under "show what I checked". */
export interface Evidence {
  /** 'read' a resource, 'decision' an engine decision, 'event' audit log, 'identity', 'answer', 'evaluated-locally' (real mode). */
  kind: 'read' | 'decision' | 'event' | 'identity' | 'answer' | 'evaluated-locally' | 'note';
  /** One learner-facing line, e.g. "role temp-user: trust policy allows arn:aws:iam::089665204192:root". */
  text: string;
}

/** The result of one check (a leaf or a combinator). */
export interface CheckResult {
  status: CheckStatus;
  /** In the learner's words: what is missing or wrong (or what holds, on pass). Never just "failed". */
  message: string;
  evidence: Evidence[];
  /** Id of the leaf in the lab file, when it has one; label is its display text. */
  id?: string;
  label?: string;
  /** A recognised mistake (a lab `diagnose` entry or a built-in diagnosis such as 'arn-typo'). */
  diagnosis?: string;
  /** The hint id the diagnosis points at. */
  hint?: string;
  /** For combinators: the children's results, in declaration order. */
  children?: CheckResult[];
}

/** Where a step began, so `event` checks can ask "since the step began". */
export interface EventMark {
  /** ISO time on the backend's clock (sim: world clock; real: wall clock). */
  at: string;
  /** Sim only: number of audit events at that moment. */
  seq?: number;
  /** Sim only: id of the last audit event at that moment (exact, independent of clock resolution). */
  id?: string;
}

export interface AccountView {
  id: string;
  /** The lab's key for it (main, prod …), when the lab names it. */
  key?: string;
  alias?: string;
  name?: string;
}

export interface AttachedPolicyView {
  name: string;
  arn: string;
}

export interface InlinePolicyView {
  name: string;
  /** Normalised document (Statement an array, strings made arrays). */
  document: PolicyDocument;
}

export interface UserView {
  accountId: string;
  name: string;
  arn: string;
  path: string;
  userId: string;
  hasLoginProfile: boolean;
  accessKeys: Array<{ accessKeyId: string; status: 'Active' | 'Inactive' }>;
  attached: AttachedPolicyView[];
  inline: InlinePolicyView[];
  groups: string[];
  tags: Record<string, string>;
}

export interface GroupView {
  accountId: string;
  name: string;
  arn: string;
  attached: AttachedPolicyView[];
  inline: InlinePolicyView[];
}

export interface RoleView {
  accountId: string;
  name: string;
  arn: string;
  path: string;
  roleId: string;
  description?: string;
  maxSessionDuration: number;
  trust: PolicyDocument;
  attached: AttachedPolicyView[];
  inline: InlinePolicyView[];
  tags: Record<string, string>;
}

export interface ManagedPolicyView {
  arn: string;
  name: string;
  /** 'aws' for AWS managed policies, else the owning account id. */
  owner: string;
  description?: string;
  document: PolicyDocument;
}

export interface BucketView {
  accountId: string;
  name: string;
  region?: string;
  objectCount: number;
}

export interface InstanceView {
  accountId: string;
  instanceId: string;
  name?: string;
  state?: string;
  region?: string;
}

/** Who a set of credentials is (GetCallerIdentity-like), plus session facts. */
export interface CallerView {
  accountId: string;
  arn: string;
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser';
  /** For role sessions: the role ARN. */
  sessionIssuer?: string;
  issuedAt?: Date;
  expiration?: Date;
  credentialKind: 'long-term' | 'session' | 'console';
}

/** The identity the shell's next `aws` command runs as, and where its credentials come from. */
export interface ShellIdentityView {
  /** undefined when the shell has no usable credentials (see problem). */
  caller?: CallerView;
  /** 'env' (AWS_ACCESS_KEY_ID …), 'profile:<name>', 'none'. */
  source: string;
  /** Exported AWS_* variables (secrets are never included, only presence). */
  env: { accessKeyId?: string; hasSecret: boolean; hasSessionToken: boolean; profile?: string };
  /** Why there is no caller, in the learner's words ("AWS_SESSION_TOKEN is not set, and an ASIA… key needs it"). */
  problem?: string;
}

export interface ShellEnvView {
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  AWS_SESSION_TOKEN?: string;
  AWS_PROFILE?: string;
}

export interface ConsoleView {
  signedIn?: { accountId: string; userName: string; arn: string };
  active?: { accountId: string; roleName: string; arn: string; displayName: string; color?: string };
  roleHistory: Array<{ accountId: string; roleName: string; displayName: string; color?: string }>;
}

/** An audit-log event (CloudTrail-shaped, reduced to what checks read). */
export interface EventView {
  time: Date;
  seq?: number;
  eventName: string;
  /** IAM action evaluated, e.g. s3:ListAllMyBuckets. */
  action: string;
  /** Caller ARN (user ARN, assumed-role session ARN, root ARN). */
  principalArn?: string;
  principalType?: string;
  recipientAccountId: string;
  via?: string;
  outcome: 'success' | 'failure';
  errorCode?: string;
  errorMessage?: string;
  resources: string[];
  requestParameters: Record<string, unknown>;
  explanation?: Explanation;
}

/** What an `event` leaf looks for, for a backend with a slower source of events (real mode: CloudTrail). */
export interface EventWant {
  /** IAM action, as the leaf names it (s3:ListAllMyBuckets, sts:AssumeRole …). */
  action: string;
  via?: string;
  /** The leaf's polling window (lab-format §5.4), e.g. {every: 5s, for: 5m}. */
  poll?: { every: string; for: string };
}

/** Events from a slower source, and whether a miss may still be only a delay. */
export interface LateEvents {
  events: EventView[];
  /** What was read (one line per lookup). */
  evidence: Evidence[];
  /** Set while the source may not have delivered the event yet: why a miss is `pending`, not `fail`. */
  pending?: string;
  /** Set when the source could not be read: why (a console-only leaf is then an error, not a fail). */
  unavailable?: string;
}

/**
 * Everything a check may read or ask. Data and decisions only: the evaluator never calls
 * AWS operations itself. Methods may return promises (real mode); the sim answers synchronously.
 */
export interface CheckBackend {
  readonly kind: 'sim' | 'real';
  /** Called once before a check run (real mode: GetAccountAuthorizationDetails per account). */
  begin?(): Promise<void>;
  /** The accounts of the world (sim) or the one real account. */
  accounts(): AccountView[];
  /** The backend's clock (sim: the world clock). */
  now(): Date;
  /** A mark of "now" for event checks (stored when a step begins). */
  mark(): EventMark;

  getUser(accountId: string, name: string): Awaitable<UserView | undefined>;
  getRole(accountId: string, name: string): Awaitable<RoleView | undefined>;
  getGroup(accountId: string, name: string): Awaitable<GroupView | undefined>;
  /** Customer managed (arn:aws:iam::ACCT:policy/…) or AWS managed (arn:aws:iam::aws:policy/…). */
  getManagedPolicy(arn: string): Awaitable<ManagedPolicyView | undefined>;
  listUsers(accountId: string): Awaitable<UserView[]>;
  listRoles(accountId: string): Awaitable<RoleView[]>;
  /** Customer managed policies of the account. */
  listPolicies(accountId: string): Awaitable<ManagedPolicyView[]>;
  listBuckets(accountId: string): Awaitable<BucketView[]>;
  listInstances(accountId: string): Awaitable<InstanceView[]>;

  /** The engine's decision for a principal ARN (user, role, root, assumed-role session) doing action on resource. */
  decide(q: { principal: string; action: string; resource: string; context?: Record<string, string | string[]> }): Awaitable<Explanation>;
  /** The complete AssumeRole decision (trust side + identity side, cross-account aware). */
  canAssume(q: { principal: string; roleArn: string; context?: Record<string, string | string[]> }): Awaitable<Explanation>;
  /** Who these credentials are; undefined when unknown/expired. */
  whoIs(credentials: Credentials): Awaitable<CallerView | undefined>;
  /** The decision for a call made with these exact credentials (session context included: aws:TokenIssueTime …). */
  decideWithCredentials(credentials: Credentials, q: { action: string; resource: string; context?: Record<string, string | string[]> }): Awaitable<{ caller?: CallerView; explanation?: Explanation; problem?: string }>;

  /** The shell's identity (env > AWS_PROFILE > default profile), resolved. */
  shellIdentity(): Awaitable<ShellIdentityView>;
  /** The AWS_* variables exported in the shell (env checks need the values to ask whoIs). */
  shellEnv(): Awaitable<ShellEnvView>;
  /** The static keys a named shell profile holds (optional: backends without profiles leave it out). */
  profileCredentials?(profile: string): Awaitable<Credentials | undefined>;
  /** The static credentials the next `aws` command would sign with (env, else the profile's keys). */
  shellCredentials(): Awaitable<{ credentials?: Credentials; source: string }>;
  /** The console (sim: the shell's console state; real mode: none → undefined). */
  console(): Awaitable<ConsoleView | undefined>;

  /** Audit events after the mark, oldest first. */
  events(since: EventMark): Awaitable<EventView[]>;
  /**
   * Optional (real mode): when `events` holds no match, more events from a slower source
   * (CloudTrail), matched by the same `event` leaf logic, and whether a miss is still pending.
   */
  lateEvents?(since: EventMark, want: EventWant): Awaitable<LateEvents>;
}
