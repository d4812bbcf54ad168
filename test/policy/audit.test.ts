// Audit of the policy engine against AWS: one table row per case of the decision matrix
// (reference §2.2), per gotcha of §11 that the engine decides, and per adversarial corner the
// audit looked at. Every row asserts the decision, the reason, which kind of policy decided,
// the deciding statement(s), the learner summary and AWS's AccessDenied text.
//
// Where the reference and AWS's documentation disagree, AWS's documentation wins; the source of
// each expectation is named in the row (UG = IAM User Guide page).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, awsDeniedMessage, actionMatches, resourceMatches, validatePolicy } from '../../src/policy/index.js';
import type { EvaluationInput, PolicyInput, PolicyKind, PrincipalInfo } from '../../src/policy/types.js';
import { ACCT, OTHER, allow, assumeInput, denyDoc, doc, federated, identity, roleArn, root, session, trustOf, trusting, user } from './helpers.js';

const alice = user('alice');
const aliceArn = alice.arn;
const rootArnOf = (a: string) => `arn:aws:iam::${a}:root`;
const bucket = 'arn:aws:s3:::lab-bucket';

function boundary(name: string, d = allow('s3:*'), arn = `arn:aws:iam::${ACCT}:policy/${name}`): PolicyInput {
  return { kind: 'boundary', name, arn, document: d };
}
function sessionPolicy(d: ReturnType<typeof allow>, name = 'session policy', arn?: string): PolicyInput {
  return arn ? { kind: 'session', name, arn, document: d } : { kind: 'session', name, document: d };
}
function bucketPolicy(statements: Record<string, unknown>[], name = 'bucket policy of lab-bucket'): PolicyInput {
  return { kind: 'resource', name, arn: bucket, source: 'bucket', document: doc({ Version: '2012-10-17', Statement: statements }, 'resource') };
}
function request(principal: PrincipalInfo, action: string, resource: string, extra: Partial<EvaluationInput> = {}, context: Record<string, string | string[]> = {}, resourceAccount?: string): EvaluationInput {
  return { request: { principal, action, resource, context, ...(resourceAccount ? { resourceAccount } : {}) }, identity: [], ...extra };
}
function withContext(input: EvaluationInput, context: Record<string, string | string[]>): EvaluationInput {
  return { ...input, request: { ...input.request, context: { ...input.request.context, ...context } } };
}

interface Row {
  name: string;
  /** Where AWS says so. */
  source: string;
  input: EvaluationInput;
  decision: 'Allow' | 'Deny';
  reason?: 'allowed' | 'explicit-deny' | 'implicit-deny';
  deniedBy?: PolicyKind[];
  /** Deciding statements as "kind:policy#index" (or "kind:policy#Sid"), in order. */
  deciding?: string[];
  summary?: RegExp;
  /** AWS's message for a denial (IAM style, with "because …"/"with an explicit deny …"). */
  message?: string;
  /** STS AssumeRole's bare form (sts:AssumeRole never says why, gotcha 3). */
  bare?: string;
}

function check(r: Row): void {
  const e = authorize(r.input);
  const where = `${r.name} [${r.source}]: ${e.summary}`;
  assert.equal(e.decision, r.decision, where);
  if (r.reason) assert.equal(e.reason, r.reason, where);
  if (r.deniedBy) assert.deepEqual(e.deniedBy, r.deniedBy, where);
  if (r.deciding) assert.deepEqual(e.deciding.map((d) => `${d.kind}:${d.policy}#${d.sid ?? d.index}`), r.deciding, where);
  if (r.summary) assert.match(e.summary, r.summary, where);
  const req = r.input.request;
  if (r.message !== undefined) assert.equal(awsDeniedMessage(e, req.principal.arn, req.action, req.resource === '*' ? '' : req.resource), r.message, where);
  if (r.bare !== undefined) assert.equal(awsDeniedMessage(e, req.principal.arn, req.action, req.resource, { bare: true }), r.bare, where);
  if (r.decision === 'Allow') {
    assert.equal(awsDeniedMessage(e, req.principal.arn, req.action, req.resource), '', where);
    assert.ok(e.deciding.length > 0 || e.reason === 'root-user', `${where}: an Allow must name what granted it`);
    assert.ok(e.deciding.every((d) => d.effect === 'Allow'), where);
  } else if (e.reason === 'explicit-deny') {
    assert.ok(e.deciding.length > 0 && e.deciding.every((d) => d.effect === 'Deny'), `${where}: an explicit deny names its Deny statements`);
  } else {
    assert.deepEqual(e.deciding, [], `${where}: an implicit deny has no deciding statement`);
  }
  // The fast path agrees with the traced one.
  const fast = authorize(r.input, { trace: false });
  assert.equal(fast.decision, e.decision, where);
  assert.equal(fast.summary, e.summary, where);
  assert.deepEqual(fast.deniedBy, e.deniedBy, where);
}

const bareFor = (caller: string, role: string) => `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`;
const R = roleArn('r');
const X = roleArn('x', OTHER);
const assumeAny = identity('assume', allow('sts:AssumeRole'), 'user alice');
const assumeX = identity('assume-x', allow('sts:AssumeRole', X), 'user alice');

// ---------------------------------------------------------------------------------------------
// §2.2: who may assume a role

const MATRIX: Row[] = [
  {
    name: 'row 1: same account, trust names the user ARN, no identity policy → Allow',
    source: 'STS API AssumeRole: "Add the user as a principal directly in the role\'s trust policy"',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn }, 'sts:AssumeRole', { Sid: 'Alice' })])),
    decision: 'Allow',
    reason: 'allowed',
    deciding: ['trust:trust policy of role r#Alice'],
    summary: /^Allowed: the trust policy of role r names user alice directly, which is enough in the same account\.$/,
  },
  {
    name: 'row 2: trust names the account root ARN, no identity policy → implicit Deny (identity side)',
    source: 'UG reference_policies_elements_principal: the account ARN "does not limit permissions to only the root user"; delegates to identity policies',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: rootArnOf(ACCT) })])),
    decision: 'Deny',
    reason: 'implicit-deny',
    deniedBy: ['identity'],
    summary: /trusts account 123456789012, which leaves the decision to that account's identity-based policies, but no identity-based policy of user alice allows sts:AssumeRole on role r/,
    message: `User: ${aliceArn} is not authorized to perform: sts:AssumeRole on resource: ${R} because no identity-based policy allows the sts:AssumeRole action`,
    bare: bareFor(aliceArn, R),
  },
  {
    name: 'row 3: trust names the bare account id, no identity policy → implicit Deny like the root ARN',
    source: 'UG reference_policies_elements_principal: "The account ARN and the shortened account ID behave the same way"',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: ACCT })])),
    decision: 'Deny',
    reason: 'implicit-deny',
    deniedBy: ['identity'],
    bare: bareFor(aliceArn, R),
  },
  {
    name: 'row 4a: trust names the account, identity allows sts:AssumeRole on the role ARN → Allow (both decide)',
    source: 'STS API AssumeRole: "Attach a policy to the user that allows the user to call AssumeRole (as long as the role\'s trust policy trusts the account)"',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: rootArnOf(ACCT) }, 'sts:AssumeRole', { Sid: 'Acct' })]), [identity('assume-r', allow('sts:AssumeRole', R), 'user alice')]),
    decision: 'Allow',
    deciding: ['identity:assume-r#0', 'trust:trust policy of role r#Acct'],
    summary: /^Allowed: the trust policy of role r trusts account 123456789012, and Statement\[0\] of policy assume-r \(attached to user alice\) allows sts:AssumeRole on role r\.$/,
  },
  {
    name: 'row 4b: trust names the bare account id, identity allows sts:* on * → Allow',
    source: 'same as row 4a',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: ACCT })]), [identity('sts-all', allow('sts:*'), 'user alice')]),
    decision: 'Allow',
    deciding: ['identity:sts-all#0', 'trust:trust policy of role r#0'],
  },
  {
    name: 'row 5: trust names bob only, alice has an identity Allow → implicit Deny by the trust policy',
    source: 'UG reference_policies_evaluation-logic: role trust policies "must explicitly allow access for principals"',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: `arn:aws:iam::${ACCT}:user/bob` })]), [assumeAny]),
    decision: 'Deny',
    reason: 'implicit-deny',
    deniedBy: ['trust'],
    summary: /does not allow user alice to call sts:AssumeRole; .* It trusts user bob\.$/,
    message: `User: ${aliceArn} is not authorized to perform: sts:AssumeRole on resource: ${R} because no role trust policy allows the sts:AssumeRole action`,
    bare: bareFor(aliceArn, R),
  },
  {
    name: 'row 6: trust allows the account and denies alice by ARN → explicit Deny in the trust policy',
    source: 'UG reference_policies_evaluation-logic: an explicit deny in any policy overrides an allow',
    input: assumeInput(
      alice,
      'r',
      trustOf('r', [trusting({ AWS: rootArnOf(ACCT) }), { Sid: 'NotAlice', Effect: 'Deny', Principal: { AWS: aliceArn }, Action: 'sts:AssumeRole' }]),
      [assumeAny],
    ),
    decision: 'Deny',
    reason: 'explicit-deny',
    deniedBy: ['trust'],
    deciding: ['trust:trust policy of role r#NotAlice'],
    summary: /^Denied \(explicit\): statement NotAlice of the trust policy of role r denies sts:AssumeRole\. An explicit Deny overrides every Allow\.$/,
    message: `User: ${aliceArn} is not authorized to perform: sts:AssumeRole on resource: ${R} with an explicit deny in the role trust policy`,
    bare: bareFor(aliceArn, R),
  },
  {
    name: 'row 7: trust names alice, her identity policy denies sts:AssumeRole → explicit Deny (identity)',
    source: 'UG reference_policies_evaluation-logic',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn })]), [identity('no-roles', denyDoc('sts:AssumeRole'), 'user alice')]),
    decision: 'Deny',
    reason: 'explicit-deny',
    deniedBy: ['identity'],
    deciding: ['identity:no-roles#0'],
    message: `User: ${aliceArn} is not authorized to perform: sts:AssumeRole on resource: ${R} with an explicit deny in an identity-based policy`,
  },
  {
    name: 'row 8: trust names alice, her boundary does not allow sts:AssumeRole → implicit Deny (boundary)',
    source: 'UG roles-managingrole-editing-cli: "If a permissions boundary is set for the user, then it must allow the sts:AssumeRole action"',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn })]), [], { boundary: boundary('S3Only') }),
    decision: 'Deny',
    reason: 'implicit-deny',
    deniedBy: ['boundary'],
    summary: /names user alice directly, but user alice has the permissions boundary S3Only, which does not allow sts:AssumeRole/,
    message: `User: ${aliceArn} is not authorized to perform: sts:AssumeRole on resource: ${R} because no permissions boundary allows the sts:AssumeRole action`,
  },
  {
    name: 'row 8b: boundary allowing sts:AssumeRole lets the direct trust grant through (boundary is named as a limit, trust grants)',
    source: 'same as row 8',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn })]), [], { boundary: boundary('S3AndSts', allow(['s3:*', 'sts:AssumeRole'])) }),
    decision: 'Allow',
    deciding: ['trust:trust policy of role r#0', 'boundary:S3AndSts#0'],
    summary: /names user alice directly, which is enough in the same account\. The permissions boundary S3AndSts allows it too\.$/,
  },
  {
    name: 'row 9a: "Principal": "*" → same-account user allowed without identity policy',
    source: 'UG reference_policies_elements_principal#principal-anonymous',
    input: assumeInput(alice, 'r', trustOf('r', [trusting('*')])),
    decision: 'Allow',
    summary: /allows every principal \("\*"\)/,
  },
  {
    name: 'row 9b: {"AWS": "*"} behaves exactly like "*"',
    source: 'UG reference_policies_elements_principal: "Principal": "*" and {"AWS": "*"} are equivalent',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: '*' })])),
    decision: 'Allow',
    summary: /allows every principal \("\*"\)/,
  },
  {
    name: 'row 9c: "*" in a cross-account trust still needs the caller\'s identity Allow',
    source: 'UG reference_policies_evaluation-logic-cross-account: "allowed only if both evaluations return a decision of Allow"',
    input: assumeInput(alice, 'x', trustOf('x', [trusting('*')]), [], {}, OTHER),
    decision: 'Deny',
    deniedBy: ['identity'],
    summary: /allows every principal \("\*"\), but across accounts that is not enough/,
  },
  {
    name: 'row 10: wrong case in the identity policy\'s role ARN (ARNs are case-sensitive) → Deny, same bare text',
    source: 'UG troubleshoot_roles: role names are case-sensitive when assuming; §1.10 same AccessDenied',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: ACCT })]), [identity('assume-R', allow('sts:AssumeRole', roleArn('R')), 'user alice')]),
    decision: 'Deny',
    deniedBy: ['identity'],
    bare: bareFor(aliceArn, R),
  },
  {
    name: 'row 11a: cross-account, trust names the caller account, identity allows the role → Allow (both sides decide)',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    input: assumeInput(alice, 'x', trustOf('x', [trusting({ AWS: ACCT })]), [assumeX], {}, OTHER),
    decision: 'Allow',
    deciding: ['trust:trust policy of role x#0', 'identity:assume-x#0'],
    summary: /across accounts both are needed/,
  },
  {
    name: 'row 11b: cross-account, trust names the caller account, no identity Allow → Deny (identity)',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    input: assumeInput(alice, 'x', trustOf('x', [trusting({ AWS: ACCT })]), [], {}, OTHER),
    decision: 'Deny',
    deniedBy: ['identity'],
    summary: /^Denied: the role trusts account 123456789012, but no identity-based policy in account 123456789012 allows user alice to call sts:AssumeRole on it\.$/,
    bare: bareFor(aliceArn, X),
  },
  {
    name: 'row 11c: cross-account, identity allows but the role does not trust the caller account → Deny (trust)',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    input: assumeInput(alice, 'x', trustOf('x', [trusting({ AWS: '111111111111' })]), [assumeX], {}, OTHER),
    decision: 'Deny',
    deniedBy: ['trust'],
  },
  {
    name: 'row 12: cross-account trust names alice directly, no identity policy → Deny (identity still required)',
    source: 'STS API AssumeRole: "A user who wants to access a role in a different account must also have permissions that are delegated from the account administrator"',
    input: assumeInput(alice, 'x', trustOf('x', [trusting({ AWS: aliceArn })]), [], {}, OTHER),
    decision: 'Deny',
    reason: 'implicit-deny',
    deniedBy: ['identity'],
    summary: /names user alice directly, but across accounts that is not enough: no identity-based policy in account 123456789012 allows user alice/,
    bare: bareFor(aliceArn, X),
  },
  {
    name: 'row 12b: cross-account trust names alice directly and her identity allows it → Allow',
    source: 'same as row 12',
    input: assumeInput(alice, 'x', trustOf('x', [trusting({ AWS: aliceArn })]), [assumeX], {}, OTHER),
    decision: 'Allow',
    deciding: ['trust:trust policy of role x#0', 'identity:assume-x#0'],
  },
  {
    name: 'row 13a: session of role A, trust of B names role A → Allow without identity policy',
    source: 'UG reference_policies_evaluation-logic: role ARN grants are "limited by an implicit deny in a permissions boundary or session policy"',
    input: assumeInput(session('A', 'lab'), 'B', trustOf('B', [trusting({ AWS: roleArn('A') })])),
    decision: 'Allow',
    summary: /names role A \(the role of this session\) directly/,
  },
  {
    name: 'row 13b: … but an implicit deny in the session policy of A\'s session denies',
    source: 'same as row 13a',
    input: assumeInput(session('A', 'lab'), 'B', trustOf('B', [trusting({ AWS: roleArn('A') })]), [], { session: [sessionPolicy(allow('s3:*'))] }),
    decision: 'Deny',
    deniedBy: ['session'],
    message: `User: arn:aws:sts::${ACCT}:assumed-role/A/lab is not authorized to perform: sts:AssumeRole on resource: ${roleArn('B')} because no session policy allows the sts:AssumeRole action`,
  },
  {
    name: 'row 13c: … and so does an implicit deny in A\'s permissions boundary',
    source: 'same as row 13a',
    input: assumeInput(session('A', 'lab'), 'B', trustOf('B', [trusting({ AWS: roleArn('A') })]), [], { boundary: boundary('NoSts') }),
    decision: 'Deny',
    deniedBy: ['boundary'],
  },
  {
    name: 'row 13d: trust naming the session ARN itself is not limited by the session policy or boundary',
    source: 'UG reference_policies_evaluation-logic: "Permissions granted directly to a session are not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy"',
    input: assumeInput(session('A', 'lab'), 'B', trustOf('B', [trusting({ AWS: `arn:aws:sts::${ACCT}:assumed-role/A/lab` })]), [], {
      session: [sessionPolicy(allow('s3:*'))],
      boundary: boundary('NoSts'),
    }),
    decision: 'Allow',
    summary: /names this session/,
  },
  {
    name: 'row 14a: a role session assuming its own role without a statement naming it → Deny (no implicit self-trust)',
    source: 'UG id_roles_update-role-trust-policy: "specify the role ARN or AWS account ARN as a principal" to assume the current role again',
    input: assumeInput(session('A', 'again'), 'A', trustOf('A', [trusting({ AWS: aliceArn })]), [identity('admin', allow('*'), 'role A')]),
    decision: 'Deny',
    deniedBy: ['trust'],
  },
  {
    name: 'row 14b: … with a statement naming role A → Allow',
    source: 'same as row 14a',
    input: assumeInput(session('A', 'again'), 'A', trustOf('A', [trusting({ AWS: roleArn('A') })])),
    decision: 'Allow',
  },
  {
    name: 'row 15: a trust condition on aws:PrincipalTag decides (caller tag team=blue required)',
    source: 'UG troubleshoot_roles: trust conditions are evaluated against the AssumeRole request',
    input: assumeInput(user('alice', ACCT, { tags: { team: 'red' } }), 'r', trustOf('r', [trusting({ AWS: aliceArn }, 'sts:AssumeRole', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } })])),
    decision: 'Deny',
    deniedBy: ['trust'],
    summary: /condition StringEquals aws:PrincipalTag\/team is not met \(aws:PrincipalTag\/team is "red"\)/,
  },
];

describe('decision matrix (reference §2.2) — engine', () => {
  for (const r of MATRIX) test(r.name, () => check(r));
});

// ---------------------------------------------------------------------------------------------
// §11 gotchas the engine decides, and adversarial corners

const extTrust = (op: string) => trustOf('r', [trusting({ AWS: aliceArn }, 'sts:AssumeRole', { Sid: 'Ext', Condition: { [op]: { 'sts:ExternalId': 'abc-123' } } })]);
const mfaTrust = (op: string) => trustOf('r', [trusting({ AWS: aliceArn }, 'sts:AssumeRole', { Sid: 'Mfa', Condition: { [op]: { 'aws:MultiFactorAuthPresent': 'true' } } })]);
const admin = identity('AdministratorAccess', allow('*'), 'user alice');
const denyNoMfa = (op: string) =>
  identity('deny-without-mfa', doc({ Version: '2012-10-17', Statement: [{ Sid: 'NoMfa', Effect: 'Deny', Action: '*', Resource: '*', Condition: { [op]: { 'aws:MultiFactorAuthPresent': 'false' } } }] }), 'user alice');
const roleSession = session('reader', 'lab');
const readerPolicies = [identity('s3-read', allow(['s3:ListBucket', 's3:GetObject']), 'role reader')];

const GOTCHAS: Row[] = [
  // gotcha 1 (same account): naming the user vs naming the account — rows 1–4 above; the identity policy of a *group* counts too.
  {
    name: 'gotcha 1: the identity Allow may come from a group policy',
    source: 'UG reference_policies_evaluation-logic: identity policies include the groups the user belongs to',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: ACCT })]), [identity('assume', allow('sts:AssumeRole'), 'group devs')]),
    decision: 'Allow',
    deciding: ['identity:assume#0', 'trust:trust policy of role r#0'],
    summary: /policy assume \(attached to group devs\)/,
  },
  // gotcha 9: explicit Deny anywhere wins; a missing Allow in a boundary/session is implicit only.
  {
    name: 'gotcha 9: explicit Deny in a permissions boundary → explicit deny, with the boundary ARN in the message',
    source: 'UG troubleshoot_access-denied ("with an explicit deny in a permissions boundary"); AWS security blog on policy ARNs in access denied messages',
    input: request(alice, 's3:ListAllMyBuckets', '*', {
      identity: [admin],
      boundary: boundary('Guard', doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' }] })),
    }),
    decision: 'Deny',
    reason: 'explicit-deny',
    deniedBy: ['boundary'],
    deciding: ['boundary:Guard#NoS3'],
    summary: /^Denied \(explicit\): statement NoS3 of the permissions boundary Guard denies s3:ListAllMyBuckets\./,
    message: `User: ${aliceArn} is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in a permissions boundary: arn:aws:iam::${ACCT}:policy/Guard`,
  },
  {
    name: 'gotcha 9: explicit Deny in a session policy → explicit deny (session)',
    source: 'UG reference_policies_evaluation-logic',
    input: request(roleSession, 's3:GetObject', `${bucket}/k`, { identity: readerPolicies, session: [sessionPolicy(doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoGet', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }] }))] }),
    decision: 'Deny',
    reason: 'explicit-deny',
    deniedBy: ['session'],
    deciding: ['session:session policy#NoGet'],
    message: `User: arn:aws:sts::${ACCT}:assumed-role/reader/lab is not authorized to perform: s3:GetObject on resource: ${bucket}/k with an explicit deny in a session policy`,
  },
  {
    name: 'gotcha 9: a bucket policy naming the session ARN overrides an implicit deny in the session policy',
    source: 'UG access_policies#policies_session: a resource policy naming the session ARN is not limited by the session policy',
    input: request(roleSession, 's3:GetObject', `${bucket}/k`, {
      identity: [],
      session: [sessionPolicy(allow('ec2:*'))],
      resource: bucketPolicy([{ Sid: 'ToSession', Effect: 'Allow', Principal: { AWS: roleSession.arn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]),
    }),
    decision: 'Allow',
    deciding: ['resource:bucket policy of lab-bucket#ToSession'],
    summary: /names this session/,
  },
  {
    name: 'gotcha 9: a bucket policy naming the role ARN does not override the session policy\'s implicit deny',
    source: 'UG access_policies#policies_session: a resource policy naming the role ARN is limited by the session policy',
    input: request(roleSession, 's3:GetObject', `${bucket}/k`, {
      identity: [],
      session: [sessionPolicy(allow('ec2:*'))],
      resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: roleSession.principalArn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]),
    }),
    decision: 'Deny',
    deniedBy: ['session'],
    message: `User: ${roleSession.arn} is not authorized to perform: s3:GetObject on resource: ${bucket}/k because no session policy allows the s3:GetObject action`,
  },
  // Session policy intersection: a session policy cannot grant more than the role.
  {
    name: 'session policy allows s3:* but the role only allows reads → PutObject denied by the role\'s identity policies',
    source: 'STS API AssumeRole: "You cannot use session policies to grant more permissions than those allowed by the identity-based policy of the role"',
    input: request(roleSession, 's3:PutObject', `${bucket}/k`, { identity: readerPolicies, session: [sessionPolicy(allow('s3:*'))] }),
    decision: 'Deny',
    deniedBy: ['identity'],
    summary: /^Denied \(implicit\): no identity-based policy of role reader allows s3:PutObject on arn:aws:s3:::lab-bucket\/k\.$/,
  },
  {
    name: 'session policy narrower than the role → the role\'s other rights are gone for this session',
    source: 'same',
    input: request(roleSession, 's3:ListBucket', bucket, { identity: readerPolicies, session: [sessionPolicy(allow('s3:GetObject'))] }),
    decision: 'Deny',
    deniedBy: ['session'],
  },
  {
    name: 'role identity ∩ role boundary ∩ session policy: all three allow → Allow, and all three are named',
    source: 'UG access_policies_boundaries; UG access_policies#policies_session',
    input: request(roleSession, 's3:GetObject', `${bucket}/k`, { identity: readerPolicies, boundary: boundary('S3Only'), session: [sessionPolicy(allow('s3:GetObject'), 'ReadObjects', `arn:aws:iam::${ACCT}:policy/ReadObjects`)] }),
    decision: 'Allow',
    deciding: ['identity:s3-read#0', 'boundary:S3Only#0', 'session:ReadObjects#0'],
    summary: /The permissions boundary S3Only allows it too\. The session policy allows it too\.$/,
  },
  {
    name: 'role boundary without the action, session policy with it → boundary denies',
    source: 'UG access_policies_boundaries',
    input: request(roleSession, 's3:GetObject', `${bucket}/k`, { identity: readerPolicies, boundary: boundary('Ec2Only', allow('ec2:*')), session: [sessionPolicy(allow('s3:*'))] }),
    decision: 'Deny',
    deniedBy: ['boundary'],
    message: `User: ${roleSession.arn} is not authorized to perform: s3:GetObject on resource: ${bucket}/k because no permissions boundary allows the s3:GetObject action`,
  },
  // gotcha 10: actions case-insensitive, resources case-sensitive, wildcard-only actions.
  {
    name: 'gotcha 10: action case never matters ("STS:assumerole" in the identity policy)',
    source: 'UG reference_policies_elements_action: action names are case-insensitive',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: ACCT }, 'STS:ASSUMEROLE')]), [identity('lower', allow('sts:assumerole', R), 'user alice')]),
    decision: 'Allow',
  },
  {
    name: 'gotcha 10: the trust policy naming "user/Alice" does not name user alice (ARNs are case-sensitive)',
    source: 'UG reference_policies_elements_principal: user names in principal ARNs are case-sensitive',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: `arn:aws:iam::${ACCT}:user/Alice` })])),
    decision: 'Deny',
    deniedBy: ['trust'],
  },
  {
    name: 'gotcha 10: a bucket ARN does not grant the wildcard-only s3:ListAllMyBuckets',
    source: 'Service Authorization Reference: ListAllMyBuckets has no resource type; UG reference_policies_elements_notaction',
    input: request(alice, 's3:ListAllMyBuckets', '*', { identity: [identity('bucket-only', allow('s3:*', bucket), 'user alice')] }),
    decision: 'Deny',
    deniedBy: ['identity'],
    message: `User: ${aliceArn} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
  },
  // gotcha 11: missing condition keys.
  {
    name: 'gotcha 11 / ExternalId: StringEquals with the right value → Allow',
    source: 'UG id_roles_create_for-user_externalid',
    input: withContext(assumeInput(alice, 'r', extTrust('StringEquals')), { 'sts:ExternalId': 'abc-123' }),
    decision: 'Allow',
    deciding: ['trust:trust policy of role r#Ext'],
  },
  {
    name: 'gotcha 11 / ExternalId: StringEquals with the key missing → Deny, the summary says the key is absent',
    source: 'UG reference_policies_elements_condition_operators: a missing key makes a positive operator false',
    input: assumeInput(alice, 'r', extTrust('StringEquals')),
    decision: 'Deny',
    deniedBy: ['trust'],
    summary: /statement Ext names the caller, but its condition StringEquals sts:ExternalId is not met \(sts:ExternalId is absent from the request\)/i,
    bare: bareFor(aliceArn, R),
  },
  {
    name: 'gotcha 11 / ExternalId: the value is case-sensitive under StringEquals',
    source: 'UG reference_policies_elements_condition_operators: StringEquals is case-sensitive',
    input: withContext(assumeInput(alice, 'r', extTrust('StringEquals')), { 'sts:ExternalId': 'ABC-123' }),
    decision: 'Deny',
    deniedBy: ['trust'],
  },
  {
    name: 'gotcha 11 / ExternalId: StringEqualsIfExists with the key missing → Allow',
    source: 'UG reference_policies_elements_condition_operators: …IfExists is true when the key is absent',
    input: assumeInput(alice, 'r', extTrust('StringEqualsIfExists')),
    decision: 'Allow',
  },
  {
    name: 'gotcha 11: condition key names are case-insensitive (sts:externalid in the request)',
    source: 'UG reference_policies_elements_condition: "Condition key names are not case-sensitive"',
    input: withContext(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn }, 'sts:AssumeRole', { Condition: { StringEquals: { 'STS:EXTERNALID': 'abc-123' } } })])), { 'sts:externalid': 'abc-123' }),
    decision: 'Allow',
  },
  {
    name: 'gotcha 11 / MFA: trust Bool aws:MultiFactorAuthPresent true, long-term keys (key absent) → Deny',
    source: 'UG reference_policies_condition-keys#condition-keys-multifactorauthpresent: absent for long-term access keys',
    input: assumeInput(alice, 'r', mfaTrust('Bool')),
    decision: 'Deny',
    deniedBy: ['trust'],
    summary: /aws:MultiFactorAuthPresent is absent from the request/,
  },
  {
    name: 'gotcha 11 / MFA: trust BoolIfExists true, long-term keys (key absent) → Allow',
    source: 'UG condition-keys-multifactorauthpresent: "Allow + BoolIfExists true" also lets long-term keys through',
    input: assumeInput(alice, 'r', mfaTrust('BoolIfExists')),
    decision: 'Allow',
  },
  {
    name: 'gotcha 11 / MFA: trust Bool true with MFA in the request → Allow',
    source: 'STS API AssumeRole SerialNumber/TokenCode',
    input: withContext(assumeInput(alice, 'r', mfaTrust('Bool')), { 'aws:MultiFactorAuthPresent': 'true' }),
    decision: 'Allow',
  },
  {
    name: 'gotcha 11 / MFA: Deny + BoolIfExists false denies long-term keys',
    source: 'UG condition-keys-multifactorauthpresent',
    input: request(alice, 's3:ListAllMyBuckets', '*', { identity: [admin, denyNoMfa('BoolIfExists')] }),
    decision: 'Deny',
    reason: 'explicit-deny',
    deciding: ['identity:deny-without-mfa#NoMfa'],
  },
  {
    name: 'gotcha 11 / MFA: Deny + Bool false does NOT deny long-term keys (key absent)',
    source: 'UG condition-keys-multifactorauthpresent',
    input: request(alice, 's3:ListAllMyBuckets', '*', { identity: [admin, denyNoMfa('Bool')] }),
    decision: 'Allow',
    deciding: ['identity:AdministratorAccess#0'],
  },
  {
    name: 'gotcha 11 / MFA: Deny + Bool false denies a session without MFA (key present, "false")',
    source: 'UG condition-keys-multifactorauthpresent',
    input: request(alice, 's3:ListAllMyBuckets', '*', { identity: [admin, denyNoMfa('Bool')] }, { 'aws:MultiFactorAuthPresent': 'false' }),
    decision: 'Deny',
    reason: 'explicit-deny',
  },
  {
    name: 'gotcha 11: ${aws:username} matches nothing for a role session (aws:username absent)',
    source: 'UG reference_policies_variables: aws:username is present for IAM users only',
    input: request(roleSession, 's3:GetObject', `${bucket}/home/lab/x`, { identity: [identity('home', allow('s3:GetObject', `${bucket}/home/\${aws:username}/*`), 'role reader')] }),
    decision: 'Deny',
    deniedBy: ['identity'],
  },
  {
    name: 'gotcha 11: ForAllValues passes on a missing multivalued key (aws:TagKeys absent)',
    source: 'UG reference_policies_multi-value-conditions',
    input: request(alice, 'iam:CreateRole', roleArn('new'), { identity: [identity('tags', allow('iam:CreateRole', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } }), 'user alice')] }),
    decision: 'Allow',
  },
  {
    name: 'gotcha 11: ForAnyValue fails on a missing multivalued key',
    source: 'UG reference_policies_multi-value-conditions',
    input: request(alice, 'iam:CreateRole', roleArn('new'), { identity: [identity('tags', allow('iam:CreateRole', '*', { Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } } }), 'user alice')] }),
    decision: 'Deny',
  },
  {
    name: 'an identity Allow stopped by its condition: the summary names the statement and the unmet condition',
    source: 'explanation truthfulness (the decision itself: UG reference_policies_elements_condition_operators, missing key)',
    input: request(alice, 's3:ListAllMyBuckets', '*', { identity: [identity('mfa-only', allow('s3:ListAllMyBuckets', '*', { Sid: 'WithMfa', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }), 'user alice')] }),
    decision: 'Deny',
    deniedBy: ['identity'],
    summary: /^Denied \(implicit\): no identity-based policy of user alice allows s3:ListAllMyBuckets\. Statement WithMfa of policy mfa-only \(attached to user alice\) covers s3:ListAllMyBuckets, but its condition Bool aws:MultiFactorAuthPresent is not met \(aws:MultiFactorAuthPresent is absent from the request\)\.$/,
    message: `User: ${aliceArn} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
  },
  // NotAction / NotResource with Deny.
  {
    name: 'Deny + NotAction iam:* denies every non-IAM action (even with AdministratorAccess)',
    source: 'UG reference_policies_elements_notaction',
    input: request(alice, 's3:ListAllMyBuckets', '*', { identity: [admin, identity('only-iam', doc({ Version: '2012-10-17', Statement: [{ Sid: 'OnlyIam', Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }] }), 'user alice')] }),
    decision: 'Deny',
    reason: 'explicit-deny',
    deciding: ['identity:only-iam#OnlyIam'],
    summary: /statement OnlyIam of policy only-iam \(attached to user alice\) denies s3:ListAllMyBuckets/,
  },
  {
    name: 'Deny + NotAction iam:* leaves IAM actions (any case) to the Allow',
    source: 'UG reference_policies_elements_notaction',
    input: request(alice, 'IAM:ListUsers', `arn:aws:iam::${ACCT}:user/`, { identity: [admin, identity('only-iam', doc({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }] }), 'user alice')] }),
    decision: 'Allow',
    deciding: ['identity:AdministratorAccess#0'],
  },
  {
    name: 'Deny + NotResource denies every other bucket',
    source: 'UG reference_policies_elements_notresource',
    input: request(alice, 's3:ListBucket', 'arn:aws:s3:::other', { identity: [admin, identity('one-bucket', doc({ Version: '2012-10-17', Statement: [{ Sid: 'OnlyLab', Effect: 'Deny', Action: 's3:*', NotResource: [bucket, `${bucket}/*`] }] }), 'user alice')] }),
    decision: 'Deny',
    reason: 'explicit-deny',
    deciding: ['identity:one-bucket#OnlyLab'],
  },
  {
    name: 'Deny + NotResource leaves the listed bucket alone',
    source: 'UG reference_policies_elements_notresource',
    input: request(alice, 's3:ListBucket', bucket, { identity: [admin, identity('one-bucket', doc({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', NotResource: [bucket, `${bucket}/*`] }] }), 'user alice')] }),
    decision: 'Allow',
  },
  {
    name: 'Deny + NotResource also denies a wildcard-only action (its resource "*" is not listed)',
    source: 'UG reference_policies_elements_notresource',
    input: request(alice, 's3:ListAllMyBuckets', '*', { identity: [admin, identity('one-bucket', doc({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', NotResource: [bucket, `${bucket}/*`] }] }), 'user alice')] }),
    decision: 'Deny',
    reason: 'explicit-deny',
  },
  // Users with a path.
  {
    name: 'a user with a path is named by its full ARN (path included)',
    source: 'UG reference_identifiers: arn:aws:iam::ACCT:user/<path>name',
    input: assumeInput(user('alice', ACCT, { arn: `arn:aws:iam::${ACCT}:user/dev/alice`, principalArn: `arn:aws:iam::${ACCT}:user/dev/alice` }), 'r', trustOf('r', [trusting({ AWS: `arn:aws:iam::${ACCT}:user/dev/alice` })])),
    decision: 'Allow',
    summary: /names user alice directly/,
  },
  {
    name: 'the same name without the path does not name the user with a path',
    source: 'UG reference_identifiers',
    input: assumeInput(user('alice', ACCT, { arn: `arn:aws:iam::${ACCT}:user/dev/alice`, principalArn: `arn:aws:iam::${ACCT}:user/dev/alice` }), 'r', trustOf('r', [trusting({ AWS: aliceArn })])),
    decision: 'Deny',
    deniedBy: ['trust'],
  },
  // gotcha 13: unique ids.
  {
    name: 'gotcha 13: a trust naming a deleted user\'s unique id does not trust the re-created user (new id)',
    source: 'UG reference_policies_elements_principal: "The policy no longer applies, even if you recreate the user"',
    input: assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: 'AIDAOLDALICEOLDALICE2' })])),
    decision: 'Deny',
    deniedBy: ['trust'],
    summary: /It trusts the deleted user with id AIDAOLDALICEOLDALICE2\./,
  },
  {
    name: 'gotcha 13: a session whose role was deleted (and re-created under the same name) is not named by the role ARN',
    source: 'UG reference_policies_elements_principal (IAM role principals): a role ARN is stored as the role\'s unique id',
    input: assumeInput(session('A', 'lab', ACCT, { roleDeleted: true }), 'B', trustOf('B', [trusting({ AWS: roleArn('A') })])),
    decision: 'Deny',
    deniedBy: ['trust'],
    summary: /This session belongs to a role A that has since been deleted/,
    bare: bareFor(`arn:aws:sts::${ACCT}:assumed-role/A/lab`, roleArn('B')),
  },
  {
    name: 'gotcha 13: … nor by a bucket policy naming the role ARN',
    source: 'same',
    input: request(session('A', 'lab', ACCT, { roleDeleted: true }), 's3:GetObject', `${bucket}/k`, { resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: roleArn('A') }, Action: 's3:GetObject', Resource: `${bucket}/*` }]) }),
    decision: 'Deny',
    deniedBy: ['identity'],
  },
  {
    name: 'gotcha 13: … but a policy naming the session ARN still names it',
    source: 'UG reference_policies_elements_principal#principal-role-session',
    input: request(session('A', 'lab', ACCT, { roleDeleted: true }), 's3:GetObject', `${bucket}/k`, { resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${ACCT}:assumed-role/A/lab` }, Action: 's3:GetObject', Resource: `${bucket}/*` }]) }),
    decision: 'Allow',
  },
  // Resource-based policy on S3, same account vs cross-account.
  {
    name: 'S3: same-account bucket policy naming the user, no identity policy → Allow',
    source: 'UG reference_policies_evaluation-logic: a resource policy naming an IAM user ARN is not limited by an implicit deny in identity policies or boundary',
    input: request(alice, 's3:GetObject', `${bucket}/k`, { resource: bucketPolicy([{ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]) }),
    decision: 'Allow',
    deciding: ['resource:bucket policy of lab-bucket#Alice'],
    summary: /^Allowed: the bucket policy of lab-bucket names user alice directly, which is enough in the same account\.$/,
  },
  {
    name: 'S3: same-account bucket policy naming the user is not limited by the user\'s boundary',
    source: 'same',
    input: request(alice, 's3:GetObject', `${bucket}/k`, { boundary: boundary('Ec2Only', allow('ec2:*')), resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]) }),
    decision: 'Allow',
  },
  {
    name: 'S3: same-account bucket policy naming only the account, no identity policy → Deny (identity)',
    source: 'UG reference_policies_elements_principal: the account principal delegates to identity policies',
    input: request(alice, 's3:GetObject', `${bucket}/k`, { resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: rootArnOf(ACCT) }, Action: 's3:GetObject', Resource: `${bucket}/*` }]) }),
    decision: 'Deny',
    deniedBy: ['identity'],
  },
  {
    name: 'S3: cross-account bucket policy naming the user, no identity policy → Deny (identity)',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    input: request(alice, 's3:GetObject', `${bucket}/k`, { resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]) }, {}, OTHER),
    decision: 'Deny',
    deniedBy: ['identity'],
    summary: /names user alice directly, but across accounts that is not enough/,
  },
  {
    name: 'S3: cross-account bucket policy naming the user plus the identity Allow → Allow',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    input: request(alice, 's3:GetObject', `${bucket}/k`, { identity: [identity('read-lab', allow('s3:GetObject', `${bucket}/*`), 'user alice')], resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]) }, {}, OTHER),
    decision: 'Allow',
    deciding: ['resource:bucket policy of lab-bucket#0', 'identity:read-lab#0'],
  },
  {
    name: 'S3: cross-account identity Allow without a bucket policy → Deny (resource side missing)',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    input: request(alice, 's3:GetObject', `${bucket}/k`, { identity: [identity('read-lab', allow('s3:GetObject', `${bucket}/*`), 'user alice')] }, {}, OTHER),
    decision: 'Deny',
    deniedBy: ['resource'],
    summary: /bucket lab-bucket \(account 999999999999\) has no bucket policy/,
  },
  // Principal "*" and session principals.
  {
    name: 'trust "*" and a role session whose session policy lacks sts:AssumeRole → Allow ("*" names the session itself)',
    source: 'UG reference_policies_evaluation-logic ("IAM role"): "Permissions boundaries and session policies do not limit permissions granted using the aws:PrincipalArn condition key with a wildcard(*) in the Principal element"',
    input: assumeInput(session('A', 'lab'), 'B', trustOf('B', [trusting('*', 'sts:AssumeRole', { Sid: 'Anyone', Condition: { ArnEquals: { 'aws:PrincipalArn': roleArn('A') } } })]), [], {
      session: [sessionPolicy(allow('s3:*'))],
      boundary: boundary('S3Only'),
    }),
    decision: 'Allow',
    deciding: ['trust:trust policy of role B#Anyone'],
    summary: /^Allowed: the trust policy of role B allows every principal \("\*"\), which is enough in the same account\. A grant to "\*" reaches this session directly, so neither its session policy nor the permissions boundary S3Only limits it \(only an explicit Deny could\)\.$/,
  },
  {
    name: 'bucket policy "*" + aws:PrincipalArn of the role, session policy without S3 → Allow',
    source: 'same',
    input: request(roleSession, 's3:GetObject', `${bucket}/k`, {
      session: [sessionPolicy(allow('ec2:*'))],
      resource: bucketPolicy([{ Sid: 'ReaderRole', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucket}/*`, Condition: { ArnEquals: { 'aws:PrincipalArn': roleSession.principalArn } } }]),
    }),
    decision: 'Allow',
    deciding: ['resource:bucket policy of lab-bucket#ReaderRole'],
  },
  {
    name: '… but an explicit Deny in the role\'s identity policy still wins over the "*" grant',
    source: 'same ("unless the identity-based policies contain an explicit deny")',
    input: request(roleSession, 's3:GetObject', `${bucket}/k`, {
      identity: [identity('no-s3', denyDoc('s3:*'), 'role reader')],
      resource: bucketPolicy([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucket}/*`, Condition: { ArnEquals: { 'aws:PrincipalArn': roleSession.principalArn } } }]),
    }),
    decision: 'Deny',
    reason: 'explicit-deny',
    deniedBy: ['identity'],
  },
  {
    name: 'bucket policy naming both the role ARN and "*": the stronger "*" grant decides for a session',
    source: 'same',
    input: request(roleSession, 's3:GetObject', `${bucket}/k`, {
      session: [sessionPolicy(allow('ec2:*'))],
      resource: bucketPolicy([
        { Effect: 'Allow', Principal: { AWS: roleSession.principalArn }, Action: 's3:GetObject', Resource: `${bucket}/*` },
        { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `${bucket}/*` },
      ]),
    }),
    decision: 'Allow',
  },
  {
    name: 'a federated user named through the IAM user who federated: the grant is limited by the session policy',
    source: 'UG reference_policies_evaluation-logic: "if a resource-based policy grants permission to the ARN of the IAM user who federated, then requests made by the federated user during the session are limited by an implicit deny in a permission boundary or session policy"',
    input: request({ ...federated('fed'), federatedBy: aliceArn }, 's3:GetObject', `${bucket}/k`, {
      sessionRequired: true,
      session: [sessionPolicy(allow('s3:GetObject'))],
      resource: bucketPolicy([{ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]),
    }),
    decision: 'Allow',
    deciding: ['resource:bucket policy of lab-bucket#Alice', 'session:session policy#0'],
    summary: /names user alice, who created this federated session, which is enough in the same account\. The session policy allows it too\.$/,
  },
  {
    name: '… and denied when the session policy does not allow it',
    source: 'same',
    input: request({ ...federated('fed'), federatedBy: aliceArn }, 's3:GetObject', `${bucket}/k`, {
      sessionRequired: true,
      session: [sessionPolicy(allow('ec2:*'))],
      resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]),
    }),
    decision: 'Deny',
    deniedBy: ['session'],
  },
  {
    name: 'a federated user named by its own federated-user ARN is not limited by the session policy',
    source: 'UG reference_policies_evaluation-logic ("AWS STS federated user principal")',
    input: request({ ...federated('fed'), federatedBy: aliceArn }, 's3:GetObject', `${bucket}/k`, {
      sessionRequired: true,
      session: [sessionPolicy(allow('ec2:*'))],
      resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: federated('fed').arn }, Action: 's3:GetObject', Resource: `${bucket}/*` }]),
    }),
    decision: 'Allow',
    summary: /names this session/,
  },
  // The root user and federated users.
  {
    name: 'gotcha 3: the root user cannot assume a role even if the trust names its account',
    source: 'STS: "Roles may not be assumed by root accounts."',
    input: assumeInput(root(), 'r', trustOf('r', [trusting({ AWS: ACCT })])),
    decision: 'Deny',
    deniedBy: ['trust'],
    summary: /Roles may not be assumed by root accounts\./,
  },
  {
    name: 'a federated user without a session policy has no permissions',
    source: 'STS API GetFederationToken: "if you do not pass a policy, then the resulting federated user session has no permissions"',
    input: request(federated('fed'), 's3:ListAllMyBuckets', '*', { identity: [admin], sessionRequired: true }),
    decision: 'Deny',
    deniedBy: ['session'],
  },
];

describe('gotchas (reference §11) and adversarial cases — engine', () => {
  for (const r of GOTCHAS) test(r.name, () => check(r));
});

// ---------------------------------------------------------------------------------------------
// Matching rules, checked directly (IAM User Guide, reference_policies_elements_action / _resource)

describe('matching rules', () => {
  const actionRows: Array<[string, string, boolean]> = [
    ['sts:AssumeRole', 'STS:ASSUMEROLE', true],
    ['sts:assume*', 'sts:AssumeRole', true],
    ['sts:Assume?ole', 'sts:AssumeRole', true],
    ['sts:Assume?ole', 'sts:AssumeRRole', false],
    ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', false],
    ['s3:*Object', 's3:GetObject', true],
    ['s3:*Object', 's3:GetObjectAcl', false],
    ['*:Get*', 'iam:GetRole', true],
  ];
  for (const [pattern, action, want] of actionRows) {
    test(`action ${pattern} ${want ? 'matches' : 'does not match'} ${action} (case-insensitive, * and ?)`, () => assert.equal(actionMatches(pattern, action), want));
  }
  const resourceRows: Array<[string, string, boolean, string]> = [
    ['arn:aws:iam::123456789012:role/MyRole', 'arn:aws:iam::123456789012:role/myrole', false, 'ARNs are case-sensitive'],
    ['arn:aws:iam::123456789012:role/*', 'arn:aws:iam::123456789012:role/team/MyRole', true, '* spans / in the resource part'],
    ['arn:aws:iam::123456789012:role/team/*', 'arn:aws:iam::123456789012:role/MyRole', false, 'a path prefix must match'],
    ['arn:aws:iam::123456789012:role/My?ole', 'arn:aws:iam::123456789012:role/MyRole', true, '? is one character'],
    ['arn:aws:iam::123456789012:role/My?ole', 'arn:aws:iam::123456789012:role/MyRRole', false, '? is exactly one character'],
    ['arn:aws:iam::*:role/MyRole', 'arn:aws:iam::999999999999:role/MyRole', true, '* for a whole segment'],
    ['arn:aws:iam::12345678901?:role/MyRole', 'arn:aws:iam::123456789012:role/MyRole', true, '? inside the account segment'],
    ['arn:aws:iam::1234*:role/MyRole', 'arn:aws:iam::123456789012:role/MyRole', true, '* inside the account segment'],
    ['arn:aws:iam::123456789012:role/*Role', 'arn:aws:iam::123456789012:role/a/b/MyRole', true, '* in the middle of the resource part spans /'],
    ['arn:aws:s3:::lab-bucket*', 'arn:aws:s3:::lab-bucket/key', true, 'a trailing * of the bucket name covers objects too'],
    ['arn:aws:s3:::lab-bucket', 'arn:aws:s3:::lab-bucket/key', false, 'a bucket ARN is not its objects'],
    ['arn:aws:s3:::lab-bucket/*', 'arn:aws:s3:::lab-bucket', false, 'objects are not the bucket'],
    ['arn:aws:iam::123456789012:*', 'arn:aws:iam::123456789012:user/x', true, 'a trailing * expands over the rest'],
    ['arn:aws:iam::123456789012:*', 'arn:aws:iam::999999999999:user/x', false, 'the account segment must match'],
  ];
  for (const [pattern, arn, want, why] of resourceRows) {
    test(`resource ${pattern} ${want ? 'matches' : 'does not match'} ${arn} (${why})`, () => assert.equal(resourceMatches(pattern, arn), want));
  }
});

// ---------------------------------------------------------------------------------------------
// gotcha 12: trust policy grammar differs from identity policy grammar (AWS texts)

describe('gotcha 12: trust vs identity grammar', () => {
  const rows: Array<[string, 'trust' | 'identity', Record<string, unknown>, string]> = [
    ['trust policy with Resource', 'trust', { Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole', Resource: '*' }, 'Has prohibited field Resource'],
    ['trust policy without Principal', 'trust', { Effect: 'Allow', Action: 'sts:AssumeRole' }, 'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!'],
    ['identity policy with Principal', 'identity', { Effect: 'Allow', Principal: { AWS: ACCT }, Action: 's3:*', Resource: '*' }, 'Policy document should not specify a principal.'],
    ['identity policy without Resource', 'identity', { Effect: 'Allow', Action: 's3:*' }, 'Policy statement must contain resources.'],
  ];
  for (const [name, kind, st, message] of rows) {
    test(`${name} → MalformedPolicyDocument "${message}"`, () => {
      const r = validatePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [st] }), kind);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.problem.code, 'MalformedPolicyDocument');
        assert.equal(r.problem.message, message);
      }
    });
  }
});
