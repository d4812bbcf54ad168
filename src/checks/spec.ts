// The declarative check vocabulary (lab-format §5.4) as a zod schema. Lab files use it under
// `check:` and `diagnose[].when:`; scripts/gen-lab-schema.ts turns it into JSON Schema.
//
// A check is an object with exactly one *kind* key (a leaf such as `role:` or `can_assume:`,
// or a combinator `all` / `any` / `not` / `count`) plus optional `id`, `label`, `fail`.
//
// Principal references, used throughout:
//   user/James, role/temp-user, root (the account), assumed-role/R/S, assumed-role/R/*  — in the
//   lab's default account; prefix `<account-key>:` for another (prod:user/admin); or a full ARN.
//   Account ids may be written as {account.<key>} anywhere in a string.
import { z } from 'zod';

const str = z.string().min(1);
const AccountRef = str.describe('Account key from world.accounts (main, prod …) or a 12-digit id; default: the first account');
const PrincipalRef = str.describe('user/NAME, role/NAME, root, assumed-role/ROLE/SESSION (SESSION may be *), with optional ACCOUNT-KEY: prefix, or a full ARN');
const StrOrList = z.union([str, z.array(str).min(1)]);

export const NumberMatcher = z.union([
  z.number(),
  z.strictObject({ eq: z.number().optional(), lt: z.number().optional(), lte: z.number().optional(), gt: z.number().optional(), gte: z.number().optional() }),
]);

const Expect = z.enum(['allowed', 'denied']).describe('expected decision (default allowed)');
const Reason = z.enum(['explicit', 'implicit']).describe('for a denial: explicit Deny, or no Allow (implicit)');
const PolicyKindName = z.enum(['identity', 'resource', 'trust', 'boundary', 'session']);
const Context = z.record(z.string(), z.union([z.string(), z.array(z.string())])).describe('request context keys (aws:SourceIp, sts:ExternalId …)');

const UserLeaf = z.strictObject({
  name: str,
  account: AccountRef.optional(),
  exists: z.boolean().optional().describe('false = the user must not exist'),
  login_profile: z.boolean().optional().describe('console access (a login profile)'),
  active_access_keys: NumberMatcher.optional(),
  no_permissions: z.boolean().optional().describe('no attached, inline or group policies'),
  attached_policies: NumberMatcher.optional().describe('how many managed policies are attached'),
  groups: NumberMatcher.optional().describe('how many groups the user is in'),
});

const RoleLeaf = z.strictObject({
  name: str,
  account: AccountRef.optional(),
  exists: z.boolean().optional(),
  description: z.union([z.literal(true), str]).optional().describe('true = any non-empty description'),
  max_session: NumberMatcher.optional().describe('MaxSessionDuration, seconds'),
});

const PolicyLeaf = z.strictObject({
  name: str.optional(),
  arn: str.optional(),
  account: AccountRef.optional(),
  exists: z.boolean().optional(),
});

const BucketLeaf = z.strictObject({
  name: str,
  account: AccountRef.optional(),
  exists: z.boolean().optional(),
  objects: NumberMatcher.optional(),
});

const InstanceLeaf = z.strictObject({
  name: str.optional(),
  id: str.optional(),
  account: AccountRef.optional(),
  exists: z.boolean().optional(),
  state: str.optional(),
});

const AttachedLeaf = z.strictObject({
  policy: str.describe('managed policy name (AWS managed or customer) or ARN'),
  user: str.optional(),
  role: str.optional(),
  group: str.optional(),
  account: AccountRef.optional(),
  attached: z.boolean().optional().describe('false = must NOT be attached'),
});

const StatementMatcher = z.strictObject({
  action: str,
  resource: str.optional().describe('default *'),
});

const InlineLeaf = z.strictObject({
  user: str.optional(),
  role: str.optional(),
  group: str.optional(),
  name: str.optional().describe('inline policy name; default any'),
  account: AccountRef.optional(),
  exists: z.boolean().optional(),
  allows: StatementMatcher.optional().describe('an inline policy allows this action on this resource (evaluated by the engine)'),
  denies: StatementMatcher.optional(),
});

const TrustLeaf = z.strictObject({
  role: str,
  account: AccountRef.optional(),
  principal: z.union([PrincipalRef, z.array(PrincipalRef).min(1)]).optional().describe('principal(s) the trust names (semantic: root ARN ≡ account id, role path ignored)'),
  principal_account: AccountRef.optional().describe('the trust names some principal of this account'),
  effect: z.enum(['Allow', 'Deny']).optional().describe('default Allow'),
  only: z.boolean().optional().describe('no other principal is allowed'),
  names: z.boolean().optional().describe('false = the trust must NOT name the principal'),
});

const DecisionLeaf = z.strictObject({
  principal: PrincipalRef,
  action: str,
  resource: str.optional().describe('resource ARN; default *'),
  context: Context.optional(),
  expect: Expect.optional(),
  reason: Reason.optional(),
  denied_by: PolicyKindName.optional().describe('for explicit: the kind of policy holding the Deny; for implicit: a kind whose missing Allow decided'),
});

const AssumeLeaf = z.strictObject({
  principal: PrincipalRef,
  role: str.describe('role name (in account) or role ARN'),
  account: AccountRef.optional().describe("the role's account"),
  context: Context.optional(),
  reason: Reason.optional(),
  denied_by: PolicyKindName.optional(),
});

const PolicyGrantsLeaf = z.strictObject({
  policy: str.describe('managed policy name or ARN'),
  account: AccountRef.optional(),
  allows: z.array(str).optional().describe('each of these actions must be allowed (on *)'),
  none_match: StrOrList.optional().describe('no catalogue action matching these patterns may be allowed'),
  no_access: z.array(z.enum(['List', 'Read', 'Write', 'Permissions management', 'Tagging'])).optional().describe('no allowed catalogue action may have these access levels (e.g. [Write, Permissions management, Tagging] for view-only)'),
});

const ConsoleMatcher = z.strictObject({
  signed_in: PrincipalRef.optional().describe('the IAM user signed in to the console'),
  active: PrincipalRef.optional().describe('the identity the console acts as now (a user, or assumed-role/R/S while switched)'),
  display: z.union([z.literal(true), str]).optional().describe('display name shown while switched (true = any)'),
  colour: str.optional(),
  switched: z.boolean().optional().describe('false = not switched to any role'),
  history: z
    .strictObject({ role: str, account: AccountRef.optional(), display: z.union([z.literal(true), str]).optional(), colour: str.optional() })
    .optional()
    .describe("the console's role history lists this role (a switch happened), with this display name and colour"),
});

const IdentityLeaf = z.strictObject({
  shell: PrincipalRef.optional().describe('the identity the next aws command runs as'),
  console: ConsoleMatcher.optional(),
});

const EnvLeaf = z.strictObject({
  credentials_of: PrincipalRef.describe('the exported AWS_* credentials (or, with profile, that profile\'s keys) belong to this identity'),
  profile: str.optional().describe('check the keys stored in this shell profile (default, admin …) instead of the exported variables'),
});

const EventLeaf = z.strictObject({
  since: z.enum(['step_start', 'lab_start']).optional().describe('default step_start'),
  principal: PrincipalRef.optional().describe('who made the call; * allowed in the session part'),
  action: str.describe('IAM action, e.g. s3:ListAllMyBuckets'),
  resource: str.optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  reason: Reason.optional().describe('for a failure: explicit or implicit deny'),
  via: z.enum(['shell', 'console', 'serve']).optional(),
  account: AccountRef.optional().describe('the account that received the call'),
  params: z.record(z.string(), z.string()).optional().describe('request parameters that must match (RoleSessionName …)'),
  poll: z.strictObject({ every: str, for: str }).optional().describe('real mode: how long to wait for the event (CloudTrail delivery), e.g. {every: 5s, for: 5m}'),
});

const SessionLeaf = z.strictObject({
  credentials: z.literal('shell').optional().describe("the shell's exported credentials (default)"),
  action: str,
  resource: str.optional(),
  expect: Expect.optional(),
  reason: Reason.optional(),
});

const Normalize = z.enum(['trim', 'lowercase', 'set', 'collapse-space']);

export const AnswerLeaf = z.strictObject({
  question: str.optional().describe('quiz question id; default: the step answer'),
  equals: StrOrList.optional().describe('accepted answers (after normalize)'),
  set: z.array(str).optional().describe('comma-separated answer must be exactly this set'),
  arn: PrincipalRef.optional().describe('answer must be the ARN of this principal'),
  from: z
    .strictObject({ who_can_assume: z.strictObject({ role: str, account: AccountRef.optional(), among: z.array(str).optional() }) })
    .optional()
    .describe('answer computed from the live world'),
  normalize: z.array(Normalize).optional(),
});

const UrlLeaf = z.strictObject({
  question: str.optional(),
  equals: str.describe('scheme://host/path the link must have'),
  query: z.record(z.string(), z.string()).optional().describe('parameters that must be present (order and extra parameters ignored)'),
});

const common = {
  id: str.optional().describe('stable id of this leaf (listed with ✓/✗)'),
  label: str.optional().describe('what is checked, for the learner'),
  fail: str.optional().describe('message template on failure: {found} {expected} {closest} {attached} {why} {diff} {account.KEY}'),
};

export interface CheckSpec {
  id?: string;
  label?: string;
  fail?: string;
  user?: z.infer<typeof UserLeaf>;
  role?: z.infer<typeof RoleLeaf>;
  policy?: z.infer<typeof PolicyLeaf>;
  bucket?: z.infer<typeof BucketLeaf>;
  instance?: z.infer<typeof InstanceLeaf>;
  attached?: z.infer<typeof AttachedLeaf>;
  inline?: z.infer<typeof InlineLeaf>;
  trust?: z.infer<typeof TrustLeaf>;
  decision?: z.infer<typeof DecisionLeaf>;
  can_assume?: z.infer<typeof AssumeLeaf>;
  cannot_assume?: z.infer<typeof AssumeLeaf>;
  policy_grants?: z.infer<typeof PolicyGrantsLeaf>;
  identity?: z.infer<typeof IdentityLeaf>;
  env?: z.infer<typeof EnvLeaf>;
  event?: z.infer<typeof EventLeaf>;
  session?: z.infer<typeof SessionLeaf>;
  answer?: z.infer<typeof AnswerLeaf>;
  url?: z.infer<typeof UrlLeaf>;
  all?: CheckSpec[];
  any?: CheckSpec[];
  not?: CheckSpec;
  count?: { min: number; of: CheckSpec[] };
}

export { LEAF_KINDS, COMBINATOR_KINDS, CHECK_KINDS, checkKind, type CheckKind } from './kinds.js';
import { CHECK_KINDS } from './kinds.js';

const CheckObject = z
  .strictObject({
    ...common,
    user: UserLeaf.optional().describe('an IAM user exists (or not), with properties'),
    role: RoleLeaf.optional().describe('an IAM role exists (or not), with properties'),
    policy: PolicyLeaf.optional().describe('a customer managed policy exists (or not)'),
    bucket: BucketLeaf.optional(),
    instance: InstanceLeaf.optional(),
    attached: AttachedLeaf.optional().describe('a managed policy is attached to a user, role or group'),
    inline: InlineLeaf.optional().describe('an inline policy exists, optionally allowing an action'),
    trust: TrustLeaf.optional().describe("a role's trust policy names a principal (semantically)"),
    decision: DecisionLeaf.optional().describe("the engine's decision for principal, action, resource"),
    can_assume: AssumeLeaf.optional().describe('the principal can assume the role (full AssumeRole decision)'),
    cannot_assume: AssumeLeaf.optional().describe('the principal cannot assume the role'),
    policy_grants: PolicyGrantsLeaf.optional().describe('what a managed policy allows, quantified over the action catalogue'),
    identity: IdentityLeaf.optional().describe('the active identity in the shell and/or console'),
    env: EnvLeaf.optional().describe("the shell's exported credentials belong to an identity"),
    event: EventLeaf.optional().describe('an audit-log event since the step (or lab) began'),
    session: SessionLeaf.optional().describe("a call with the shell's current credentials would be allowed/denied"),
    answer: AnswerLeaf.optional().describe('a typed answer'),
    url: UrlLeaf.optional().describe('a typed link, parsed (parameter order ignored)'),
    get all() {
      return z.array(CheckSchema).min(1).optional().describe('every check holds');
    },
    get any() {
      return z.array(CheckSchema).min(1).optional().describe('at least one check holds');
    },
    get not() {
      return CheckSchema.optional().describe('the check does not hold');
    },
    get count() {
      return z.strictObject({ min: z.number().int().min(1), of: z.array(CheckSchema).min(1) }).optional().describe('at least min of the checks hold');
    },
  })
  .superRefine((v, ctx) => {
    const kinds = CHECK_KINDS.filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    if (kinds.length === 0) {
      ctx.addIssue({ code: 'custom', message: `a check needs one of: ${CHECK_KINDS.join(', ')}` });
    } else if (kinds.length > 1) {
      ctx.addIssue({ code: 'custom', message: `a check has exactly one kind, found ${kinds.join(' and ')} (wrap several in all: [...])` });
    }
  })
  .describe('A check: one leaf (user, role, attached, trust, decision, can_assume, event …) or a combinator (all, any, not, count)');

export const CheckSchema: z.ZodType<CheckSpec> = CheckObject.meta({ id: 'Check' }) as unknown as z.ZodType<CheckSpec>;
