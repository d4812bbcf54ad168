// Types of the one policy engine (src/policy). The engine is pure: no world, no I/O.
// The simulated account gathers the policies that apply to a request and asks the engine;
// checks and the real-account mode do the same with documents they read.

/** Where a policy sits in AWS's evaluation logic. */
export type PolicyKind =
  | 'identity' // user/group/role inline or attached managed policy
  | 'resource' // a resource-based policy other than a trust policy (S3 bucket policy)
  | 'trust' // a role's trust policy (resource policy of sts:AssumeRole*)
  | 'boundary' // permissions boundary of the user or role
  | 'session'; // session policy passed to AssumeRole/GetFederationToken

/** A principal block as written in a policy, normalised: every value is an array. */
export type PrincipalBlock = '*' | Partial<Record<'AWS' | 'Service' | 'Federated' | 'CanonicalUser', string[]>>;

/** Condition block normalised: operator -> key -> values (strings; JSON booleans/numbers stringified). */
export type ConditionBlock = Record<string, Record<string, string[]>>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: PrincipalBlock;
  NotPrincipal?: PrincipalBlock;
  Condition?: ConditionBlock;
}

/** A validated, normalised document (Statement always an array, single strings made arrays). */
export interface PolicyDocument {
  Version: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: Statement[];
}

/** A policy as it takes part in one evaluation. */
export interface PolicyInput {
  kind: PolicyKind;
  /** Learner-facing name: "AdministratorAccess", "sts-all", "trust policy of temp-user". */
  name: string;
  /** Managed policy ARN, when it is one. */
  arn?: string;
  /** What it is attached to, learner-facing: "user balu", "group admins", "role temp-user". */
  attachedTo?: string;
  /** 'inline' | 'managed' | 'aws-managed' | 'trust' | 'bucket' | 'session' */
  source?: string;
  document: PolicyDocument;
}

export type PrincipalType = 'User' | 'AssumedRole' | 'Account' | 'FederatedUser' | 'Anonymous';

/** Who is asking, as the engine needs it to match Principal elements and fill aws:* keys. */
export interface PrincipalInfo {
  type: PrincipalType;
  accountId: string;
  /** The caller's ARN: user ARN, arn:aws:sts::A:assumed-role/R/S, arn:aws:iam::A:root, federated-user ARN. */
  arn: string;
  /** aws:PrincipalArn: the user ARN, the *role* ARN for a role session, the root ARN. */
  principalArn: string;
  /** aws:userid: AIDA…, AROA…:session, account id, account:name. */
  userId: string;
  /** aws:username (IAM users only). */
  username?: string;
  /** Unique id of the user or role (AIDA…/AROA…), matched by unique-id principals in trust policies. */
  uniqueId?: string;
  /**
   * Role sessions only: the session's role has been deleted (perhaps re-created since under the
   * same name). IAM stores a role ARN in a Principal element as the role's unique id, so a policy
   * naming the role's ARN names whatever role holds that name now, never this session's role.
   */
  roleDeleted?: boolean;
  /** Federated users only: the ARN of the IAM user who called GetFederationToken. */
  federatedBy?: string;
  /** Principal tags (user/role tags plus session tags). */
  tags?: Record<string, string>;
  /** For a service calling (e.g. "ec2.amazonaws.com"): matched by "Service" principals. */
  service?: string;
  /** For AssumeRoleWithWebIdentity/SAML: the identity provider (ARN or e.g. "cognito-identity.amazonaws.com"), matched by "Federated" principals. */
  federated?: string;
}

/** Request context: condition keys -> values. Keys compared case-insensitively by the engine. */
export type ContextValues = Record<string, string | string[] | undefined>;

export interface EvaluationRequest {
  principal: PrincipalInfo;
  /** e.g. "sts:AssumeRole", "s3:ListAllMyBuckets". */
  action: string;
  /** Resource ARN, or "*" for actions without a resource type. */
  resource: string;
  /** Account that owns the resource; undefined for "*" resources (treated as the principal's). */
  resourceAccount?: string;
  /** Condition context: aws:SourceIp, aws:CurrentTime, sts:ExternalId, … (the engine adds aws:Principal* keys). */
  context: ContextValues;
}

export interface EvaluationInput {
  request: EvaluationRequest;
  /** Identity-based policies of the principal (for a role session: the role's policies). */
  identity: PolicyInput[];
  /** Resource-based policy of the target: a trust policy (kind 'trust') or a bucket policy. */
  resource?: PolicyInput;
  /** Permissions boundary of the user or role, if one is set. */
  boundary?: PolicyInput;
  /** Session policies, if the session was created with any; undefined = none passed. */
  session?: PolicyInput[];
  /** Federated-user sessions without session policies have no permissions (GetFederationToken). */
  sessionRequired?: boolean;
}

export interface ConditionTrace {
  /** Operator as written, e.g. "StringEquals", "ForAnyValue:StringLike", "BoolIfExists". */
  operator: string;
  key: string;
  /** Values in the policy. */
  values: string[];
  /** Values in the request; undefined when the key was absent. */
  requestValues: string[] | undefined;
  result: boolean;
}

export interface StatementTrace {
  /** 0-based position in the Statement array. */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Did the statement apply to this request (action, resource, principal and conditions all matched)? */
  applies: boolean;
  actionMatched: boolean;
  resourceMatched: boolean;
  /** Only for resource/trust policies. */
  principalMatched?: boolean;
  conditions: ConditionTrace[];
  /** Learner-facing one-liner: 'Allow sts:* on * — applies', 'Deny … — condition aws:MultiFactorAuthPresent absent'. */
  note: string;
}

export interface PolicyTrace {
  kind: PolicyKind;
  name: string;
  arn?: string;
  attachedTo?: string;
  source?: string;
  /** 'allow' if an Allow statement applied (and no Deny), 'deny' if a Deny applied, else 'none'. */
  outcome: 'allow' | 'deny' | 'none';
  statements: StatementTrace[];
}

export type DecisionReason =
  | 'allowed'
  | 'explicit-deny'
  | 'implicit-deny'
  | 'root-user'; // the account root user: allowed without policies (except where AWS forbids root)

export interface Explanation {
  decision: 'Allow' | 'Deny';
  reason: DecisionReason;
  request: { principal: string; action: string; resource: string };
  /**
   * For a Deny: which kinds of policy are responsible. explicit-deny: the kinds that held the
   * applying Deny. implicit-deny: the kinds whose missing Allow decided (e.g. ['identity'] for
   * "no identity-based policy allows", ['trust'] for "no role trust policy allows",
   * ['boundary'], ['session'], or ['identity','trust'] cross-account when both sides are missing).
   */
  deniedBy: PolicyKind[];
  /** Whether the request crossed accounts (principal account ≠ resource account). */
  crossAccount: boolean;
  /** Every policy considered, in evaluation order, with per-statement traces. */
  policies: PolicyTrace[];
  /** The statements that decided: applying Denies for an explicit deny, applying Allows for an allow. */
  deciding: Array<{
    policy: string;
    kind: PolicyKind;
    index: number;
    sid?: string;
    effect: 'Allow' | 'Deny';
    /** The policy's ARN when it is a managed policy (or a bucket's ARN for a bucket policy). */
    arn?: string;
  }>;
  /** One or two plain sentences for a learner, e.g. "Denied: no identity-based policy of user balu allows account:GetAccountInformation (implicit deny)." */
  summary: string;
}

/** A JSON or grammar problem in a policy document, with its place when known. */
export interface PolicyProblem {
  /** AWS's error code for it: MalformedPolicyDocument (400) or LimitExceeded (409). */
  code: 'MalformedPolicyDocument' | 'LimitExceeded';
  /** AWS's message text (e.g. "Syntax errors in policy.", "Has prohibited field Resource"). */
  message: string;
  /** Learner-facing detail: what exactly is wrong ("Statement[0].Effect must be Allow or Deny, got allow"). */
  detail?: string;
  /** 1-based line and column in the text, when the text was given. */
  line?: number;
  column?: number;
}
