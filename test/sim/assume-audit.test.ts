// Audit of AssumeRole (and the calls made with what it returns) through SimBackend, against AWS:
// one table row per case. Each row builds a fresh world with real IAM calls, makes one call and
// asserts what AWS would answer — success, or the error code, status and exact message — and,
// where the call is decided by policies, the explanation: decision, reason, which kind of policy
// decided, the deciding statement and the learner summary.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Credentials, ServiceName } from '../../src/backend/types.js';
import type { PolicyKind } from '../../src/policy/types.js';
import { Lab, A, B, trust, allow, deny, userArn, roleArn, rootArn, POLICY } from './helpers.js';

interface Call {
  creds: Credentials;
  service: ServiceName;
  operation: string;
  input: Record<string, unknown>;
}

interface Expect {
  code?: string;
  status?: number;
  message?: string | RegExp;
  decision?: 'Allow' | 'Deny';
  reason?: 'allowed' | 'explicit-deny' | 'implicit-deny';
  deniedBy?: PolicyKind[];
  /** "kind:policy#Sid-or-index" of each deciding statement. */
  deciding?: string[];
  summary?: RegExp;
}

interface Row {
  name: string;
  source: string;
  accounts?: string[];
  setup: (l: Lab) => Call;
  /** undefined code = the call must succeed. */
  expect: Expect;
  after?: (l: Lab, output: Record<string, unknown>) => void;
}

const assume = (creds: Credentials, roleArnText: string, more: Record<string, unknown> = {}): Call => ({
  creds,
  service: 'sts',
  operation: 'AssumeRole',
  input: { RoleArn: roleArnText, RoleSessionName: 'audit', ...more },
});
const bare = (caller: string, role: string) => `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`;
const trustDoc = (statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const sessionArn = (role: string, s = 'audit', acct = A) => `arn:aws:sts::${acct}:assumed-role/${role}/${s}`;

function creds(o: Record<string, unknown>): Credentials {
  const c = o['Credentials'] as Record<string, string>;
  return { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
}

function run(r: Row): void {
  const l = new Lab(r.accounts ? { accounts: r.accounts } : {});
  const c = r.setup(l);
  const res = l.call(c.service, c.operation, c.input, c.creds);
  const x = r.expect;
  const where = `${r.name} [${r.source}]`;
  if (x.code === undefined) {
    if (!res.ok) assert.fail(`${where}: expected success, got ${res.error.code}: ${res.error.message} — ${res.explanation?.summary ?? ''}`);
  } else {
    if (res.ok) assert.fail(`${where}: expected ${x.code}, got success — ${res.explanation?.summary ?? ''}`);
    assert.equal(res.error.code, x.code, where);
    if (x.status !== undefined) assert.equal(res.error.status, x.status, where);
    if (typeof x.message === 'string') assert.equal(res.error.message, x.message, where);
    else if (x.message) assert.match(res.error.message, x.message, where);
  }
  const e = res.explanation;
  if (x.decision || x.reason || x.deniedBy || x.deciding || x.summary) {
    assert.ok(e, `${where}: the call has an explanation`);
    if (x.decision) assert.equal(e.decision, x.decision, `${where}: ${e.summary}`);
    if (x.reason) assert.equal(e.reason, x.reason, `${where}: ${e.summary}`);
    if (x.deniedBy) assert.deepEqual(e.deniedBy, x.deniedBy, `${where}: ${e.summary}`);
    if (x.deciding) assert.deepEqual(e.deciding.map((d) => `${d.kind}:${d.policy}#${d.sid ?? d.index}`), x.deciding, `${where}: ${e.summary}`);
    if (x.summary) assert.match(e.summary, x.summary, where);
  }
  if (res.ok && r.after) r.after(l, res.output);
}

// ---------------------------------------------------------------------------------------------

const MATRIX: Row[] = [
  {
    name: 'row 1: same account, trust names alice, no identity policy → AssumeRole succeeds; the trust statement decides',
    source: 'STS API AssumeRole',
    setup: (l) => assume(l.user('alice'), l.role('r', trustDoc([{ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 'sts:AssumeRole' }]))),
    expect: { decision: 'Allow', deciding: ['trust:trust policy of r#Alice'], summary: /names user alice directly, which is enough in the same account/ },
    after: (l, o) => assert.equal((o['AssumedRoleUser'] as Record<string, string>)['Arn'], sessionArn('r')),
  },
  {
    name: 'row 2: trust names the account root ARN, no identity policy → AccessDenied (bare), identity side',
    source: 'UG reference_policies_elements_principal (account principal delegates)',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: rootArn() }))),
    expect: { code: 'AccessDenied', status: 403, message: bare(userArn('alice'), roleArn('r')), reason: 'implicit-deny', deniedBy: ['identity'], summary: /To let user alice in without one, name user alice's ARN in the trust policy\./ },
  },
  {
    name: 'row 3: trust names the bare account id, no identity policy → AccessDenied',
    source: 'UG reference_policies_elements_principal',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: A }))),
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('r')), deniedBy: ['identity'] },
  },
  {
    name: 'row 4: trust names the account, identity allows the role ARN → succeeds; both the identity and the trust statement decide',
    source: 'STS API AssumeRole',
    setup: (l) => {
      const r = l.role('r', trust({ AWS: rootArn() }));
      return assume(l.user('alice', A, { inline: allow('sts:AssumeRole', r) }), r);
    },
    expect: { decision: 'Allow', deciding: ['identity:inline#0', 'trust:trust policy of r#0'], summary: /trusts account 123456789012, and Statement\[0\] of inline policy inline of user alice allows sts:AssumeRole on role r/ },
  },
  {
    name: 'row 5: trust names bob only, alice has an identity Allow → AccessDenied, trust side',
    source: 'UG reference_policies_evaluation-logic (trust policies must allow explicitly)',
    setup: (l) => {
      l.user('bob');
      return assume(l.user('alice', A, { inline: allow('sts:AssumeRole') }), l.role('r', trust({ AWS: userArn('bob') })));
    },
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('r')), deniedBy: ['trust'], summary: /It trusts user bob\./ },
  },
  {
    name: 'row 6: trust allows the account and denies alice → AccessDenied, explicit deny in the trust statement',
    source: 'UG reference_policies_evaluation-logic',
    setup: (l) =>
      assume(
        l.user('alice', A, { inline: allow('sts:AssumeRole') }),
        l.role('r', trustDoc([{ Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' }, { Sid: 'NotAlice', Effect: 'Deny', Principal: { AWS: userArn('alice') }, Action: 'sts:AssumeRole' }])),
      ),
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('r')), reason: 'explicit-deny', deniedBy: ['trust'], deciding: ['trust:trust policy of r#NotAlice'] },
  },
  {
    name: 'row 7: trust names alice, her identity policy denies → AccessDenied, explicit deny in her inline policy',
    source: 'UG reference_policies_evaluation-logic',
    setup: (l) => assume(l.user('alice', A, { inline: deny('sts:AssumeRole') }), l.role('r', trust({ AWS: userArn('alice') }))),
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('r')), reason: 'explicit-deny', deniedBy: ['identity'], deciding: ['identity:inline#0'] },
  },
  {
    name: 'row 8: trust names alice, her boundary lacks sts:AssumeRole → AccessDenied, boundary',
    source: 'UG roles-managingrole-editing-cli',
    setup: (l) => {
      const alice = l.user('alice');
      const p = (l.ok('iam', 'CreatePolicy', { PolicyName: 'S3Only', PolicyDocument: JSON.stringify(allow('s3:*')) })['Policy'] as Record<string, string>)['Arn'];
      l.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: p });
      return assume(alice, l.role('r', trust({ AWS: userArn('alice') })));
    },
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('r')), deniedBy: ['boundary'], summary: /the permissions boundary S3Only, which does not allow sts:AssumeRole/ },
  },
  {
    name: 'row 9: "Principal": "*" → succeeds without an identity policy',
    source: 'UG reference_policies_elements_principal#principal-anonymous',
    setup: (l) => assume(l.user('alice'), l.role('r', trust('*'))),
    expect: { decision: 'Allow', summary: /allows every principal/ },
  },
  {
    name: 'row 9b: {"AWS": "*"} → succeeds like "*"',
    source: 'UG reference_policies_elements_principal',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: '*' }))),
    expect: { decision: 'Allow', summary: /allows every principal/ },
  },
  {
    name: 'row 10: a role name in the wrong case → the same bare AccessDenied as any denial',
    source: 'UG troubleshoot_roles; reference §1.10',
    setup: (l) => {
      const alice = l.user('alice', A, { inline: allow('sts:AssumeRole') });
      l.role('S3Reader', trust({ AWS: userArn('alice') }));
      return assume(alice, roleArn('s3reader'));
    },
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('s3reader')), deniedBy: ['trust'], summary: /there is no role/ },
  },
  {
    name: 'row 11: cross-account, trust names account A, alice allowed on the role → succeeds (both sides decide)',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    accounts: [A, B],
    setup: (l) => {
      const x = l.role('x', trust({ AWS: A }), { acct: B });
      return assume(l.user('alice', A, { inline: allow('sts:AssumeRole', x) }), x);
    },
    expect: { decision: 'Allow', deciding: ['trust:trust policy of x#0', 'identity:inline#0'], summary: /across accounts both are needed/ },
    after: (l, o) => assert.equal((o['AssumedRoleUser'] as Record<string, string>)['Arn'], sessionArn('x', 'audit', B)),
  },
  {
    name: 'row 11b: cross-account, trust names account A, no identity policy → AccessDenied, identity side',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    accounts: [A, B],
    setup: (l) => assume(l.user('alice'), l.role('x', trust({ AWS: A }), { acct: B })),
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('x', B)), deniedBy: ['identity'] },
  },
  {
    name: 'row 12: cross-account trust names alice explicitly, no identity policy → AccessDenied (identity still required)',
    source: 'STS API AssumeRole ("must also have permissions that are delegated from the account administrator")',
    accounts: [A, B],
    setup: (l) => {
      const alice = l.user('alice');
      return assume(alice, l.role('x', trust({ AWS: userArn('alice') }), { acct: B }));
    },
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('x', B)), reason: 'implicit-deny', deniedBy: ['identity'], summary: /names user alice directly, but across accounts that is not enough/ },
  },
  {
    name: 'row 13: a session of role A assumes B whose trust names role A → succeeds without identity policy',
    source: 'UG reference_policies_evaluation-logic (role ARN in a resource policy)',
    setup: (l) => {
      const alice = l.user('alice');
      const a = l.role('A', trust({ AWS: userArn('alice') }));
      const s = l.assume(alice, a, 'first');
      return assume(s, l.role('B', trust({ AWS: roleArn('A') })));
    },
    expect: { decision: 'Allow', summary: /names role A \(the role of this session\) directly/ },
  },
  {
    name: 'row 13b: … with a session policy that does not allow sts:AssumeRole → AccessDenied, session policy',
    source: 'UG reference_policies_evaluation-logic (role ARN grants are limited by the session policy)',
    setup: (l) => {
      const alice = l.user('alice');
      const a = l.role('A', trust({ AWS: userArn('alice') }));
      const s = l.assume(alice, a, 'first', { Policy: JSON.stringify(allow('s3:*')) });
      return assume(s, l.role('B', trust({ AWS: roleArn('A') })));
    },
    expect: { code: 'AccessDenied', message: bare(sessionArn('A', 'first'), roleArn('B')), deniedBy: ['session'] },
  },
  {
    name: 'row 14: role A assuming itself without a statement naming it → AccessDenied',
    source: 'UG id_roles_update-role-trust-policy (no implicit self-trust)',
    setup: (l) => {
      const alice = l.user('alice');
      const a = l.role('A', trust({ AWS: userArn('alice') }), { attach: [POLICY.admin] });
      return assume(l.assume(alice, a, 'first'), a);
    },
    expect: { code: 'AccessDenied', message: bare(sessionArn('A', 'first'), roleArn('A')), deniedBy: ['trust'] },
  },
  {
    name: 'row 15: trust condition sts:RoleSessionName must equal the user name',
    source: 'UG reference_policies_iam-condition-keys#ck_rolesessionname',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }, { Condition: { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } } })), { RoleSessionName: 'bob' }),
    expect: { code: 'AccessDenied', deniedBy: ['trust'], summary: /condition StringEquals sts:RoleSessionName is not met \(sts:RoleSessionName is "bob"\)/ },
  },
];

// ---------------------------------------------------------------------------------------------

const tagTrust = (actions: string[], principal: unknown = { AWS: userArn('alice') }) => trustDoc([{ Effect: 'Allow', Principal: principal, Action: actions }]);

const CASES: Row[] = [
  // gotcha 1: same account, naming the user needs no identity policy; naming the account does.
  {
    name: 'gotcha 1: alice with no policy at all assumes a role whose trust names her',
    source: 'STS API AssumeRole',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }))),
    expect: { decision: 'Allow' },
  },
  // gotcha 2: cross-account needs both sides.
  {
    name: 'gotcha 2: cross-account with the identity Allow but a trust naming only another account → AccessDenied, trust side',
    source: 'UG reference_policies_evaluation-logic-cross-account',
    accounts: [A, B],
    setup: (l) => {
      const x = l.role('x', trust({ AWS: B }), { acct: B });
      return assume(l.user('alice', A, { inline: allow('sts:AssumeRole') }), x);
    },
    expect: { code: 'AccessDenied', deniedBy: ['trust'] },
  },
  // gotcha 3: root.
  {
    name: 'gotcha 3: the root user → "Roles may not be assumed by root accounts."',
    source: 'reference §1.10 (real STS text)',
    setup: (l) => assume(l.root, l.role('r', trust({ AWS: A }))),
    expect: { code: 'AccessDenied', status: 403, message: 'Roles may not be assumed by root accounts.' },
  },
  {
    name: 'gotcha 3: a role that does not exist → the same bare text as a trust denial',
    source: 'reference §1.10',
    setup: (l) => assume(l.user('alice', A, { inline: allow('sts:AssumeRole') }), roleArn('nope')),
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('nope')) },
  },
  // gotcha 4: session ARN drops the path.
  {
    name: 'gotcha 4: the session ARN drops the role path; AssumedRoleId is AROA…:session; the key is ASIA…',
    source: 'UG reference_identifiers; STS API AssumeRole',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }), { path: '/team/' })),
    expect: {},
    after: (l, o) => {
      const u = o['AssumedRoleUser'] as Record<string, string>;
      assert.equal(u['Arn'], sessionArn('r'));
      assert.match(u['AssumedRoleId']!, /^AROA[A-Z2-7]{17}:audit$/);
      assert.match(creds(o).accessKeyId, /^ASIA/);
    },
  },
  // gotcha 5: durations.
  {
    name: 'gotcha 5: DurationSeconds above the role MaxSessionDuration (3600) → ValidationError text',
    source: 'reference §1.3 (real STS text)',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') })), { DurationSeconds: 3601 }),
    expect: { code: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' },
  },
  {
    name: 'gotcha 5: DurationSeconds equal to MaxSessionDuration (7200) → succeeds with that lifetime',
    source: 'STS API AssumeRole DurationSeconds',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }), { max: 7200 }), { DurationSeconds: 7200 }),
    expect: {},
    after: (l, o) => assert.equal((o['Credentials'] as Record<string, Date>)['Expiration']!.getTime() - l.w.nowMillis(), 7200_000),
  },
  {
    name: 'gotcha 5: role chaining with DurationSeconds 3601 (role max 12 h) → the 1-hour chaining ValidationError',
    source: 'KC iam-role-chaining-limit (real STS text)',
    setup: (l) => {
      const alice = l.user('alice');
      const a = l.role('A', trust({ AWS: userArn('alice') }), { max: 43200 });
      const s = l.assume(alice, a, 'first', { DurationSeconds: 43200 });
      return assume(s, l.role('B', trust({ AWS: roleArn('A') }), { max: 43200 }), { DurationSeconds: 3601 });
    },
    expect: { code: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' },
  },
  {
    name: 'gotcha 5: role chaining with DurationSeconds 3600 → succeeds',
    source: 'KC iam-role-chaining-limit',
    setup: (l) => {
      const alice = l.user('alice');
      const a = l.role('A', trust({ AWS: userArn('alice') }), { max: 43200 });
      return assume(l.assume(alice, a, 'first'), l.role('B', trust({ AWS: roleArn('A') }), { max: 43200 }), { DurationSeconds: 3600 });
    },
    expect: {},
  },
  {
    name: 'gotcha 5: a denied caller asking for too long a session sees AccessDenied, not the duration error',
    source: 'reference §1.3 recommended order (authorization before duration)',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: A })), { DurationSeconds: 7200 }),
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('r')) },
  },
  {
    name: 'gotcha 5: the session has the role permissions only, not the user\'s (not cumulative)',
    source: 'UG id_roles_use_switch-role-console: "not cumulative"',
    setup: (l) => {
      const alice = l.user('alice', A, { inline: allow('ec2:DescribeInstances') });
      const s = l.assume(alice, l.role('r', trust({ AWS: userArn('alice') }), { attach: [POLICY.s3ro] }), 'first');
      return { creds: s, service: 'ec2', operation: 'DescribeInstances', input: {} };
    },
    expect: { code: 'UnauthorizedOperation', deniedBy: ['identity'], summary: /no identity-based policy of role r allows ec2:DescribeInstances/ },
  },
  // gotcha 6: validation.
  {
    name: 'gotcha 6: a RoleSessionName with a space → ValidationError in AWS\'s template',
    source: 'reference §1.2',
    setup: (l) => assume(l.user('alice'), roleArn('r'), { RoleSessionName: 'my session' }),
    expect: { code: 'ValidationError', message: "1 validation error detected: Value 'my session' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*" },
  },
  // gotcha 7 and 8: credentials rules.
  {
    name: 'gotcha 7: GetCallerIdentity succeeds even under an explicit Deny of sts:*',
    source: 'STS API GetCallerIdentity',
    setup: (l) => ({ creds: l.user('alice', A, { inline: deny('sts:*') }), service: 'sts', operation: 'GetCallerIdentity', input: {} }),
    expect: {},
    after: (l, o) => assert.equal(o['Arn'], userArn('alice')),
  },
  {
    name: 'gotcha 8: GetSessionToken with role session credentials → "Cannot call GetSessionToken with session credentials"',
    source: 'reference §3.2 (real STS text)',
    setup: (l) => {
      const alice = l.user('alice');
      return { creds: l.assume(alice, l.role('r', trust({ AWS: userArn('alice') }))), service: 'sts', operation: 'GetSessionToken', input: {} };
    },
    expect: { code: 'AccessDenied', message: 'Cannot call GetSessionToken with session credentials' },
  },
  {
    name: 'gotcha 5/8: GetSessionToken credentials asking AssumeRole for 2 hours → the 1-hour limit',
    source: 'KC iam-role-chaining-limit (GetSessionToken → AssumeRole limited to 1 hour)',
    setup: (l) => {
      const alice = l.user('alice');
      const t = l.ok('sts', 'GetSessionToken', {}, alice);
      return assume(creds(t), l.role('r', trust({ AWS: userArn('alice') }), { max: 43200 }), { DurationSeconds: 7200 });
    },
    expect: { code: 'ValidationError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' },
  },
  // gotcha 9: explicit deny anywhere.
  {
    name: 'gotcha 9: an explicit Deny in the user\'s boundary denies an S3 call; the message names the boundary ARN',
    source: 'UG troubleshoot_access-denied; AWS security blog (policy ARN in access denied messages)',
    setup: (l) => {
      const alice = l.user('alice', A, { inline: allow('*') });
      const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' }] };
      const p = (l.ok('iam', 'CreatePolicy', { PolicyName: 'Guard', PolicyDocument: JSON.stringify(doc) })['Policy'] as Record<string, string>)['Arn'];
      l.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: p });
      return { creds: alice, service: 's3', operation: 'ListBuckets', input: {} };
    },
    expect: {
      code: 'AccessDenied',
      message: `User: ${userArn('alice')} is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in a permissions boundary: arn:aws:iam::${A}:policy/Guard`,
      reason: 'explicit-deny',
      deniedBy: ['boundary'],
      deciding: ['boundary:Guard#NoS3'],
    },
  },
  {
    name: 'gotcha 9: an explicit Deny in the role\'s boundary wins over the trust naming the role\'s caller (AssumeRole from a session)',
    source: 'UG reference_policies_evaluation-logic',
    setup: (l) => {
      const alice = l.user('alice');
      const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoRoles', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] };
      const p = (l.ok('iam', 'CreatePolicy', { PolicyName: 'Guard', PolicyDocument: JSON.stringify(doc) })['Policy'] as Record<string, string>)['Arn'];
      const a = l.role('A', trust({ AWS: userArn('alice') }));
      l.ok('iam', 'PutRolePermissionsBoundary', { RoleName: 'A', PermissionsBoundary: p });
      return assume(l.assume(alice, a, 'first'), l.role('B', trust({ AWS: roleArn('A') })));
    },
    expect: { code: 'AccessDenied', message: bare(sessionArn('A', 'first'), roleArn('B')), reason: 'explicit-deny', deniedBy: ['boundary'], deciding: ['boundary:Guard#NoRoles'] },
  },
  // Session policy intersection and boundary + session policy on a role.
  {
    name: 'a session policy cannot grant more than the role: PutObject with a session policy of s3:* on a read-only role → denied by the role',
    source: 'STS API AssumeRole (session policies)',
    setup: (l) => {
      l.ok('s3', 'CreateBucket', { Bucket: 'lab-bucket' });
      const alice = l.user('alice');
      const s = l.assume(alice, l.role('r', trust({ AWS: userArn('alice') }), { attach: [POLICY.s3ro] }), 'first', { Policy: JSON.stringify(allow('s3:*')) });
      return { creds: s, service: 's3', operation: 'PutObject', input: { Bucket: 'lab-bucket', Key: 'k', Body: 'x' } };
    },
    expect: { code: 'AccessDenied', deniedBy: ['identity'], summary: /no identity-based policy of role r allows s3:PutObject/ },
  },
  {
    name: 'role boundary + session policy: the role allows S3, the session policy allows S3, the boundary only EC2 → denied by the boundary',
    source: 'UG access_policies_boundaries; UG access_policies#policies_session',
    setup: (l) => {
      l.ok('s3', 'CreateBucket', { Bucket: 'lab-bucket' });
      const alice = l.user('alice');
      const p = (l.ok('iam', 'CreatePolicy', { PolicyName: 'Ec2Only', PolicyDocument: JSON.stringify(allow('ec2:*')) })['Policy'] as Record<string, string>)['Arn'];
      l.role('r', trust({ AWS: userArn('alice') }), { attach: [POLICY.s3full] });
      l.ok('iam', 'PutRolePermissionsBoundary', { RoleName: 'r', PermissionsBoundary: p });
      const s = l.assume(alice, roleArn('r'), 'first', { Policy: JSON.stringify(allow('s3:*')) });
      return { creds: s, service: 's3', operation: 'ListObjectsV2', input: { Bucket: 'lab-bucket' } };
    },
    expect: { code: 'AccessDenied', message: `User: ${sessionArn('r', 'first')} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::lab-bucket" because no permissions boundary allows the s3:ListBucket action`, deniedBy: ['boundary'] },
  },
  // ExternalId.
  {
    name: 'ExternalId: StringEquals in the trust and no ExternalId passed → AccessDenied; the summary says the key is absent',
    source: 'UG id_roles_create_for-user_externalid; condition operators (missing key)',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }, { Condition: { StringEquals: { 'sts:ExternalId': 'Unique-1234' } } }))),
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('r')), deniedBy: ['trust'], summary: /sts:ExternalId is absent from the request/ },
  },
  {
    name: 'ExternalId: the right value → succeeds',
    source: 'UG id_roles_create_for-user_externalid',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }, { Condition: { StringEquals: { 'sts:ExternalId': 'Unique-1234' } } })), { ExternalId: 'Unique-1234' }),
    expect: { decision: 'Allow' },
  },
  {
    name: 'ExternalId: StringEqualsIfExists and none passed → succeeds',
    source: 'condition operators (…IfExists)',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }, { Condition: { StringEqualsIfExists: { 'sts:ExternalId': 'Unique-1234' } } }))),
    expect: { decision: 'Allow' },
  },
  // MFA with long-term keys.
  {
    name: 'MFA: trust Bool aws:MultiFactorAuthPresent true, long-term keys without MFA → AccessDenied (key absent)',
    source: 'UG condition-keys-multifactorauthpresent',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))),
    expect: { code: 'AccessDenied', deniedBy: ['trust'], summary: /aws:MultiFactorAuthPresent is absent from the request/ },
  },
  {
    name: 'MFA: trust BoolIfExists true, long-term keys without MFA → succeeds (key absent)',
    source: 'UG condition-keys-multifactorauthpresent',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') }, { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } }))),
    expect: { decision: 'Allow' },
  },
  {
    name: 'MFA: identity Deny + Bool false does not stop long-term keys; Deny + BoolIfExists false does',
    source: 'UG condition-keys-multifactorauthpresent',
    setup: (l) => {
      const d = (op: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoMfa', Effect: 'Deny', Action: '*', Resource: '*', Condition: { [op]: { 'aws:MultiFactorAuthPresent': 'false' } } }] });
      l.ok('s3', 'ListBuckets', {}, l.user('carol', A, { inline: d('Bool') }));
      return { creds: l.user('bob', A, { inline: d('BoolIfExists') }), service: 's3', operation: 'ListBuckets', input: {} };
    },
    expect: { code: 'AccessDenied', reason: 'explicit-deny', deciding: ['identity:inline#NoMfa'] },
  },
  // Session tags and source identity.
  {
    name: 'Tags without sts:TagSession in the trust → AccessDenied naming sts:TagSession',
    source: 'UG id_session-tags ("For roles without this permission in the trust policy, the AssumeRole operation fails")',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') })), { Tags: [{ Key: 'team', Value: 'blue' }] }),
    expect: { code: 'AccessDenied', message: `User: ${userArn('alice')} is not authorized to perform: sts:TagSession on resource: ${roleArn('r')}`, deniedBy: ['trust'] },
  },
  {
    name: 'TransitiveTagKeys alone also need sts:TagSession',
    source: 'UG id_session-tags (sts:TransitiveTagKeys is a condition key of sts:TagSession)',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') })), { TransitiveTagKeys: ['team'] }),
    expect: { code: 'AccessDenied', message: `User: ${userArn('alice')} is not authorized to perform: sts:TagSession on resource: ${roleArn('r')}` },
  },
  {
    name: 'Tags with a trust naming the account: sts:TagSession is needed in alice\'s identity policy too',
    source: 'UG id_session-tags; reference §1.5',
    setup: (l) => assume(l.user('alice', A, { inline: allow('sts:AssumeRole') }), l.role('r', tagTrust(['sts:AssumeRole', 'sts:TagSession'], { AWS: A })), { Tags: [{ Key: 'team', Value: 'blue' }] }),
    expect: { code: 'AccessDenied', message: `User: ${userArn('alice')} is not authorized to perform: sts:TagSession on resource: ${roleArn('r')}`, deniedBy: ['identity'] },
  },
  {
    name: 'Tags with sts:TagSession in the trust (naming alice) → succeeds; a session tag overrides a role tag of the same key in any case',
    source: 'UG id_session-tags ("New session tags override existing assumed role … tags with the same tag key, regardless of case")',
    setup: (l) => {
      const alice = l.user('alice');
      l.role('r', tagTrust(['sts:AssumeRole', 'sts:TagSession']), { inline: allow('s3:ListAllMyBuckets', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }) });
      l.ok('iam', 'TagRole', { RoleName: 'r', Tags: [{ Key: 'Team', Value: 'red' }] });
      const s = l.assume(alice, roleArn('r'), 'first', { Tags: [{ Key: 'team', Value: 'blue' }] });
      return { creds: s, service: 's3', operation: 'ListBuckets', input: {} };
    },
    expect: { decision: 'Allow' },
  },
  {
    name: 'SourceIdentity without sts:SetSourceIdentity in the trust → AccessDenied naming sts:SetSourceIdentity',
    source: 'UG id_credentials_temp_control-access_monitor',
    setup: (l) => assume(l.user('alice'), l.role('r', trust({ AWS: userArn('alice') })), { SourceIdentity: 'alice' }),
    expect: { code: 'AccessDenied', message: `User: ${userArn('alice')} is not authorized to perform: sts:SetSourceIdentity on resource: ${roleArn('r')}` },
  },
  {
    name: 'a source identity carried into role chaining needs sts:SetSourceIdentity in the next trust',
    source: 'UG id_credentials_temp_control-access_monitor: with role chaining "permissions for sts:SetSourceIdentity are required … in the role trust policy of the target role"',
    setup: (l) => {
      const alice = l.user('alice');
      const a = l.role('A', tagTrust(['sts:AssumeRole', 'sts:SetSourceIdentity']));
      const s = l.assume(alice, a, 'first', { SourceIdentity: 'alice' });
      return assume(s, l.role('B', trust({ AWS: roleArn('A') })));
    },
    expect: { code: 'AccessDenied', message: `User: ${sessionArn('A', 'first')} is not authorized to perform: sts:SetSourceIdentity on resource: ${roleArn('B')}` },
  },
  // gotcha 13: deleted principals.
  {
    name: 'gotcha 13: a trust that named a deleted user does not trust the re-created user of the same name',
    source: 'UG reference_policies_elements_principal ("The policy no longer applies, even if you recreate the user")',
    setup: (l) => {
      l.user('alice');
      const r = l.role('r', trust({ AWS: userArn('alice') }));
      l.ok('iam', 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: (l.ok('iam', 'ListAccessKeys', { UserName: 'alice' })['AccessKeyMetadata'] as Array<Record<string, string>>)[0]!['AccessKeyId'] });
      l.ok('iam', 'DeleteUser', { UserName: 'alice' });
      return assume(l.user('alice'), r);
    },
    expect: { code: 'AccessDenied', message: bare(userArn('alice'), roleArn('r')), deniedBy: ['trust'], summary: /It trusts the deleted user with id AIDA/ },
  },
  {
    name: 'gotcha 13: a trust naming role A turns into A\'s unique id when A is deleted; sessions of a re-created A are not trusted',
    source: 'UG reference_policies_elements_principal ("Same for roles": the ARN becomes AROA… and re-creating does not restore trust)',
    setup: (l) => {
      const alice = l.user('alice');
      l.role('A', trust({ AWS: userArn('alice') }));
      const b = l.role('B', trust({ AWS: roleArn('A') }));
      l.ok('iam', 'DeleteRole', { RoleName: 'A' });
      const fresh = l.assume(alice, l.role('A', trust({ AWS: userArn('alice') })), 'first');
      return assume(fresh, b);
    },
    expect: { code: 'AccessDenied', message: bare(sessionArn('A', 'first'), roleArn('B')), deniedBy: ['trust'], summary: /It trusts the deleted role with id AROA[A-Z2-7]{17}\./ },
  },
  {
    name: 'gotcha 13: a live session of a deleted role cannot assume a role whose trust names the re-created role of the same name',
    source: 'UG reference_policies_elements_principal (role ARNs in a Principal are stored as the role\'s unique id)',
    setup: (l) => {
      const alice = l.user('alice');
      const old = l.assume(alice, l.role('A', trust({ AWS: userArn('alice') })), 'first');
      l.ok('iam', 'DeleteRole', { RoleName: 'A' });
      l.role('A', trust({ AWS: userArn('alice') }));
      return assume(old, l.role('B', trust({ AWS: roleArn('A') })));
    },
    expect: { code: 'AccessDenied', message: bare(sessionArn('A', 'first'), roleArn('B')), deniedBy: ['trust'], summary: /This session belongs to a role A that has since been deleted/ },
  },
  {
    name: 'gotcha 13: … while a session of the re-created role can',
    source: 'same',
    setup: (l) => {
      const alice = l.user('alice');
      l.role('A', trust({ AWS: userArn('alice') }));
      l.ok('iam', 'DeleteRole', { RoleName: 'A' });
      const fresh = l.assume(alice, l.role('A', trust({ AWS: userArn('alice') })), 'first');
      return assume(fresh, l.role('B', trust({ AWS: roleArn('A') })));
    },
    expect: { decision: 'Allow' },
  },
  {
    name: 'gotcha 13: a live session of a deleted role is not let into a bucket whose policy names the re-created role',
    source: 'same',
    setup: (l) => {
      l.ok('s3', 'CreateBucket', { Bucket: 'lab-bucket' });
      const alice = l.user('alice');
      const old = l.assume(alice, l.role('A', trust({ AWS: userArn('alice') })), 'first');
      l.ok('iam', 'DeleteRole', { RoleName: 'A' });
      l.role('A', trust({ AWS: userArn('alice') }));
      l.ok('s3', 'PutBucketPolicy', { Bucket: 'lab-bucket', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: roleArn('A') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::lab-bucket' }] }) });
      return { creds: old, service: 's3', operation: 'ListObjectsV2', input: { Bucket: 'lab-bucket' } };
    },
    expect: { code: 'AccessDenied', decision: 'Deny', summary: /has since been deleted/ },
  },
  // Users with a path.
  {
    name: 'a user with a path: the trust names her full ARN (path included) → succeeds',
    source: 'UG reference_identifiers (user ARN includes the path)',
    setup: (l) => assume(l.user('alice', A, { path: '/dev/' }), l.role('r', trust({ AWS: `arn:aws:iam::${A}:user/dev/alice` }))),
    expect: { decision: 'Allow', summary: /names user alice directly/ },
  },
  {
    name: 'a user with a path: a trust naming the ARN without the path is refused at save ("Invalid principal in policy")',
    source: 'reference §2.4 (principals must exist)',
    setup: (l) => {
      l.user('alice', A, { path: '/dev/' });
      return { creds: l.root, service: 'iam', operation: 'CreateRole', input: { RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: userArn('alice') })) } };
    },
    expect: { code: 'MalformedPolicyDocument', status: 400, message: `Invalid principal in policy: "AWS":"${userArn('alice')}"` },
  },
  // Principal "*" and session principals.
  {
    name: 'trust "*" limited by aws:PrincipalArn: a session of role A whose session policy lacks sts:AssumeRole still assumes B',
    source: 'UG reference_policies_evaluation-logic ("IAM role"): boundaries and session policies do not limit grants made with "*" + aws:PrincipalArn',
    setup: (l) => {
      const alice = l.user('alice');
      const s = l.assume(alice, l.role('A', trust({ AWS: userArn('alice') })), 'first', { Policy: JSON.stringify(allow('s3:*')) });
      return assume(s, l.role('B', trust('*', { Condition: { ArnEquals: { 'aws:PrincipalArn': roleArn('A') } } })));
    },
    expect: { decision: 'Allow', summary: /A grant to "\*" reaches this session directly, so its session policy does not limit it/ },
  },
  {
    name: 'GetFederationToken session: a bucket policy naming the IAM user who federated lets it in, within its session policy',
    source: 'UG reference_policies_evaluation-logic ("AWS STS federated user principal")',
    setup: (l) => {
      l.ok('s3', 'CreateBucket', { Bucket: 'lab-bucket' });
      const alice = l.user('alice', A, { inline: allow('sts:GetFederationToken') });
      l.ok('s3', 'PutBucketPolicy', { Bucket: 'lab-bucket', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::lab-bucket' }] }) });
      const fed = creds(l.ok('sts', 'GetFederationToken', { Name: 'fed', Policy: JSON.stringify(allow('s3:ListBucket')) }, alice));
      return { creds: fed, service: 's3', operation: 'ListObjectsV2', input: { Bucket: 'lab-bucket' } };
    },
    expect: { decision: 'Allow', deciding: ['resource:bucket policy of lab-bucket#Alice', 'session:session policy#0'], summary: /names user alice, who created this federated session/ },
  },
  {
    name: '… and is denied when its session policy does not allow the action',
    source: 'same ("limited by an implicit deny in a permission boundary or session policy")',
    setup: (l) => {
      l.ok('s3', 'CreateBucket', { Bucket: 'lab-bucket' });
      const alice = l.user('alice', A, { inline: allow('sts:GetFederationToken') });
      l.ok('s3', 'PutBucketPolicy', { Bucket: 'lab-bucket', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::lab-bucket' }] }) });
      const fed = creds(l.ok('sts', 'GetFederationToken', { Name: 'fed', Policy: JSON.stringify(allow('ec2:*')) }, alice));
      return { creds: fed, service: 's3', operation: 'ListObjectsV2', input: { Bucket: 'lab-bucket' } };
    },
    expect: { code: 'AccessDenied', deniedBy: ['session'] },
  },
  {
    name: 'a session tag overrides a role tag whose key differs only in case (aws:PrincipalTag/Team sees the session value)',
    source: 'UG id_session-tags ("regardless of case")',
    setup: (l) => {
      const alice = l.user('alice');
      l.role('r', tagTrust(['sts:AssumeRole', 'sts:TagSession']), { inline: allow('s3:ListAllMyBuckets', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'red' } } }) });
      l.ok('iam', 'TagRole', { RoleName: 'r', Tags: [{ Key: 'Team', Value: 'red' }] });
      const s = l.assume(alice, roleArn('r'), 'first', { Tags: [{ Key: 'team', Value: 'blue' }] });
      return { creds: s, service: 's3', operation: 'ListBuckets', input: {} };
    },
    expect: { code: 'AccessDenied', deniedBy: ['identity'], summary: /aws:PrincipalTag\/Team is "blue"|no identity-based policy/ },
  },
  // gotcha 12: trust grammar through CreateRole.
  {
    name: 'gotcha 12: CreateRole with a Resource in the trust policy → "Has prohibited field Resource"',
    source: 'reference §2.4 (real IAM text)',
    setup: (l) => ({ creds: l.root, service: 'iam', operation: 'CreateRole', input: { RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: A }, { Resource: '*' })) } }),
    expect: { code: 'MalformedPolicyDocument', status: 400, message: 'Has prohibited field Resource' },
  },
  {
    name: 'gotcha 12: CreateRole naming a group as principal → Invalid principal',
    source: 'UG reference_policies_elements_principal (groups cannot be principals); reference §2.4',
    setup: (l) => {
      l.ok('iam', 'CreateGroup', { GroupName: 'devs' });
      return { creds: l.root, service: 'iam', operation: 'CreateRole', input: { RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: `arn:aws:iam::${A}:group/devs` })) } };
    },
    expect: { code: 'MalformedPolicyDocument', message: `Invalid principal in policy: "AWS":"arn:aws:iam::${A}:group/devs"` },
  },
  // gotcha 14: size limits.
  {
    name: 'gotcha 14: a trust policy over 2,048 characters (without whitespace) → LimitExceeded ACLSizePerRole',
    source: 'reference §5.4 (real IAM text)',
    setup: (l) => {
      const users = Array.from({ length: 40 }, (_, i) => `user-number-${String(i).padStart(3, '0')}`);
      for (const u of users) l.ok('iam', 'CreateUser', { UserName: u });
      return { creds: l.root, service: 'iam', operation: 'CreateRole', input: { RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: users.map((u) => userArn(u)) })) } };
    },
    expect: { code: 'LimitExceeded', status: 409, message: 'Cannot exceed quota for ACLSizePerRole: 2048' },
  },
  // gotcha 15: per-service error shapes for an unknown key.
  {
    name: 'gotcha 15: an unknown access key on STS → InvalidClientTokenId 403',
    source: 'reference §9.3',
    setup: () => assume({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) }, roleArn('r')),
    expect: { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid' },
  },
  {
    name: 'gotcha 15: an unknown access key on S3 → InvalidAccessKeyId 403',
    source: 'reference §9.3',
    setup: () => ({ creds: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) }, service: 's3', operation: 'ListBuckets', input: {} }),
    expect: { code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
  },
  {
    name: 'gotcha 15: an unknown access key on EC2 → AuthFailure 401',
    source: 'reference §9.3',
    setup: () => ({ creds: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) }, service: 'ec2', operation: 'DescribeInstances', input: {} }),
    expect: { code: 'AuthFailure', status: 401, message: 'AWS was not able to validate the provided access credentials' },
  },
  {
    name: 'gotcha 15: EC2 denial of a Describe call → UnauthorizedOperation with the plain text',
    source: 'reference §9.2',
    setup: (l) => ({ creds: l.user('alice'), service: 'ec2', operation: 'DescribeInstances', input: {} }),
    expect: { code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.', deniedBy: ['identity'] },
  },
  {
    name: 'identity condition on sts:RoleSessionName with ${aws:username}: another name is denied, and the reason is the identity side',
    source: 'UG reference_policies_iam-condition-keys#ck_rolesessionname; policy variables',
    setup: (l) => assume(l.user('bob', A, { inline: allow('sts:AssumeRole', '*', { Condition: { StringLike: { 'sts:RoleSessionName': '${aws:username}-*' } } }) }), l.role('r', trust({ AWS: A })), { RoleSessionName: 'eve-1' }),
    expect: {
      code: 'AccessDenied',
      message: bare(userArn('bob'), roleArn('r')),
      deniedBy: ['identity'],
      summary: /Statement\[0\] of inline policy inline of user bob covers sts:AssumeRole, but its condition StringLike sts:RoleSessionName is not met \(sts:RoleSessionName is "eve-1"\)\. To let user bob in/,
    },
  },
  // S3 resource policies.
  {
    name: 'S3: same-account bucket policy names alice, no identity policy → allowed by the bucket policy',
    source: 'UG reference_policies_evaluation-logic (resource policy naming an IAM user, same account)',
    setup: (l) => {
      l.ok('s3', 'CreateBucket', { Bucket: 'lab-bucket' });
      const alice = l.user('alice');
      l.ok('s3', 'PutBucketPolicy', { Bucket: 'lab-bucket', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::lab-bucket' }] }) });
      return { creds: alice, service: 's3', operation: 'ListObjectsV2', input: { Bucket: 'lab-bucket' } };
    },
    expect: { decision: 'Allow', deciding: ['resource:bucket policy of lab-bucket#Alice'] },
  },
  {
    name: 'S3: cross-account bucket policy names alice, no identity policy → AccessDenied "Access Denied", identity side',
    source: 'UG reference_policies_evaluation-logic-cross-account; S3 user guide (no context across accounts)',
    accounts: [A, B],
    setup: (l) => {
      l.w.addBucket(B, 'other-bucket');
      const alice = l.user('alice');
      l.ok('s3', 'PutBucketPolicy', { Bucket: 'other-bucket', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::other-bucket' }] }) }, l.rootOf(B));
      return { creds: alice, service: 's3', operation: 'ListObjectsV2', input: { Bucket: 'other-bucket' } };
    },
    expect: { code: 'AccessDenied', message: 'Access Denied', deniedBy: ['identity'], summary: /across accounts that is not enough/ },
  },
];

describe('decision matrix (reference §2.2) through AssumeRole', () => {
  for (const r of MATRIX) test(r.name, () => run(r));
});

describe('gotchas (reference §11) and adversarial cases through SimBackend', () => {
  for (const r of CASES) test(r.name, () => run(r));
});

describe('World.canAssume and decideAs give the decision AssumeRole gives', () => {
  test('for the deleted-and-re-created role case', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const old = l.assume(alice, l.role('A', trust({ AWS: userArn('alice') })), 'first');
    l.ok('iam', 'DeleteRole', { RoleName: 'A' });
    l.role('A', trust({ AWS: userArn('alice') }));
    const b = l.role('B', trust({ AWS: roleArn('A') }));
    assert.equal(l.w.decideAs(old, { action: 'sts:AssumeRole', resource: b }).decision, 'Deny');
    const fresh = l.assume(alice, roleArn('A'), 'second');
    assert.equal(l.w.decideAs(fresh, { action: 'sts:AssumeRole', resource: b }).decision, 'Allow');
    assert.equal(l.w.canAssume({ principal: roleArn('A'), roleArn: b }).decision, 'Allow');
  });
});
