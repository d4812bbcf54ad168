// Evaluation logic (reference §4.2–4.4): deny precedence, resource policies, boundaries, session
// policies, root, matching rules, wildcard-only actions, explanations and AWS's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionMatches, authorize, awsDeniedMessage, renderExplanation, resourceMatches } from '../../src/policy/index.js';
import type { EvaluationInput, PolicyInput } from '../../src/policy/types.js';
import { ACCT, OTHER, allow, denyDoc, doc, federated, identity, root, session, user } from './helpers.js';

const balu = user('balu');
const bucketArn = 'arn:aws:s3:::lab-bucket';

function req(principal = balu, action = 's3:ListAllMyBuckets', resource = '*', extra: Partial<EvaluationInput> = {}, resourceAccount?: string): EvaluationInput {
  return { request: { principal, action, resource, context: {}, ...(resourceAccount ? { resourceAccount } : {}) }, identity: [], ...extra };
}

function bucketPolicy(statements: Record<string, unknown>[]): PolicyInput {
  return { kind: 'resource', name: 'bucket policy of lab-bucket', source: 'bucket', document: doc({ Version: '2012-10-17', Statement: statements }, 'resource') };
}

test('no policy at all → implicit deny, with the learner summary of the brief', () => {
  const e = authorize(req(balu, 'account:GetAccountInformation'));
  assert.equal(e.decision, 'Deny');
  assert.equal(e.reason, 'implicit-deny');
  assert.deepEqual(e.deniedBy, ['identity']);
  assert.equal(e.summary, 'Denied (implicit): no identity-based policy of user balu allows account:GetAccountInformation.');
  assert.equal(
    awsDeniedMessage(e, balu.arn, 'account:GetAccountInformation', '*'),
    'User: arn:aws:iam::123456789012:user/balu is not authorized to perform: account:GetAccountInformation on resource: * because no identity-based policy allows the account:GetAccountInformation action',
  );
  assert.equal(
    awsDeniedMessage(e, balu.arn, 's3:ListAllMyBuckets', ''),
    'User: arn:aws:iam::123456789012:user/balu is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action',
  );
});

test('identity Allow grants; statements and policies combine with OR; the summary names the statement', () => {
  const e = authorize(req(balu, 'sts:GetCallerIdentity', '*', { identity: [identity('s3-only', allow('s3:*'), 'user balu'), identity('sts-all', allow('sts:*'), 'user balu')] }));
  assert.equal(e.decision, 'Allow');
  assert.equal(e.summary, 'Allowed: Statement[0] of policy sts-all (attached to user balu) allows sts:GetCallerIdentity.');
  assert.deepEqual(e.deciding, [{ policy: 'sts-all', kind: 'identity', index: 0, effect: 'Allow' }]);
  assert.deepEqual(
    e.policies.map((p) => [p.name, p.outcome]),
    [
      ['s3-only', 'none'],
      ['sts-all', 'allow'],
    ],
  );
});

test('explicit deny anywhere wins: identity, resource, boundary and session policies (gotcha 9)', () => {
  const admin = identity('AdministratorAccess', allow('*'));
  const s = session('ops', 'lab');
  const cases: Array<[string, EvaluationInput, string]> = [
    ['identity', req(balu, 's3:GetObject', `${bucketArn}/k`, { identity: [admin, identity('deny', denyDoc('s3:GetObject'))] }), 'with an explicit deny in an identity-based policy'],
    [
      'resource',
      req(balu, 's3:GetObject', `${bucketArn}/k`, { identity: [admin], resource: bucketPolicy([{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${bucketArn}/*` }]) }),
      'with an explicit deny in a resource-based policy',
    ],
    [
      'boundary',
      req(balu, 's3:GetObject', `${bucketArn}/k`, { identity: [admin], boundary: { kind: 'boundary', name: 'B', arn: `arn:aws:iam::${ACCT}:policy/B`, document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }] }) } }),
      // A managed boundary: AWS appends the denying policy's ARN (same-account request), as for
      // managed identity-based and session policies (see "explicit-deny messages append …" below).
      `with an explicit deny in a permissions boundary: arn:aws:iam::${ACCT}:policy/B`,
    ],
    [
      'session',
      req(s, 's3:GetObject', `${bucketArn}/k`, { identity: [admin], session: [{ kind: 'session', name: 'session policy', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoGet', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }] }) }] }),
      'with an explicit deny in a session policy',
    ],
  ];
  for (const [kind, input, suffix] of cases) {
    const e = authorize(input);
    assert.equal(e.decision, 'Deny', kind);
    assert.equal(e.reason, 'explicit-deny', kind);
    assert.deepEqual(e.deniedBy, [kind]);
    assert.ok(awsDeniedMessage(e, input.request.principal.arn, 's3:GetObject', `${bucketArn}/k`).endsWith(suffix), kind);
    assert.match(e.summary, /^Denied \(explicit\): /);
    assert.ok(e.deciding.every((d) => d.effect === 'Deny' && d.kind === kind));
  }
});

test('a bucket policy naming the user directly allows without an identity policy (same account); naming the account does not', () => {
  const direct = bucketPolicy([{ Sid: 'Balu', Effect: 'Allow', Principal: { AWS: balu.arn }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  const e = authorize(req(balu, 's3:GetObject', `${bucketArn}/notes.txt`, { resource: direct }));
  assert.equal(e.decision, 'Allow');
  assert.equal(e.summary, 'Allowed: the bucket policy of lab-bucket names user balu directly, which is enough in the same account.');
  // Not limited by the user's boundary (only trust policies are, §2.2 row 8).
  const boundary: PolicyInput = { kind: 'boundary', name: 'iam-only', document: allow('iam:*') };
  assert.equal(authorize(req(balu, 's3:GetObject', `${bucketArn}/notes.txt`, { resource: direct, boundary })).decision, 'Allow');
  const account = bucketPolicy([{ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  const a = authorize(req(balu, 's3:GetObject', `${bucketArn}/notes.txt`, { resource: account }));
  assert.equal(a.decision, 'Deny');
  assert.deepEqual(a.deniedBy, ['identity']);
  // Either side is enough in the same account.
  assert.equal(authorize(req(balu, 's3:GetObject', `${bucketArn}/notes.txt`, { resource: account, identity: [identity('get', allow('s3:GetObject'))] })).decision, 'Allow');
  assert.equal(authorize(req(balu, 's3:GetObject', `${bucketArn}/notes.txt`, { resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:user/other` }, Action: 's3:*', Resource: '*' }]), identity: [identity('get', allow('s3:GetObject'))] })).decision, 'Allow');
});

test('cross-account bucket access needs both the bucket policy and the identity policy', () => {
  const visitor = user('visitor', OTHER);
  const bp = bucketPolicy([{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  const ids = [identity('get', allow('s3:GetObject'))];
  assert.equal(authorize(req(visitor, 's3:GetObject', `${bucketArn}/k`, { resource: bp, identity: ids }, ACCT)).decision, 'Allow');
  const noId = authorize(req(visitor, 's3:GetObject', `${bucketArn}/k`, { resource: bp }, ACCT));
  assert.equal(noId.decision, 'Deny');
  assert.deepEqual(noId.deniedBy, ['identity']);
  assert.match(noId.summary, /^Denied: the bucket policy of lab-bucket allows account 999999999999, but no identity-based policy in account 999999999999 allows user visitor to call s3:GetObject on it\.$/);
  const noRes = authorize(req(visitor, 's3:GetObject', `${bucketArn}/k`, { identity: ids }, ACCT));
  assert.deepEqual(noRes.deniedBy, ['resource']);
  assert.equal(noRes.crossAccount, true);
});

test('the root user is allowed everything in its own account without policies, but not past a resource-policy Deny', () => {
  const r = root();
  const e = authorize(req(r, 'iam:DeleteRole', `arn:aws:iam::${ACCT}:role/x`));
  assert.equal(e.decision, 'Allow');
  assert.equal(e.reason, 'root-user');
  assert.match(renderExplanation(e), /ALLOWED \(root user\)/);
  const d = authorize(req(r, 's3:GetObject', `${bucketArn}/k`, { resource: bucketPolicy([{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${bucketArn}/*` }]) }));
  assert.equal(d.decision, 'Deny');
  assert.equal(d.reason, 'explicit-deny');
  // Another account's root has no access there without the resource policy.
  assert.equal(authorize(req(root(OTHER), 's3:GetObject', `${bucketArn}/k`, {}, ACCT)).decision, 'Deny');
});

test('permissions boundary ∩ identity: both must allow', () => {
  const boundary: PolicyInput = { kind: 'boundary', name: 'S3Boundary', document: allow(['s3:*', 'iam:List*']) };
  const ids = [identity('admin', allow('*'))];
  assert.equal(authorize(req(balu, 's3:ListAllMyBuckets', '*', { identity: ids, boundary })).decision, 'Allow');
  const e = authorize(req(balu, 'ec2:DescribeInstances', '*', { identity: ids, boundary }));
  assert.equal(e.decision, 'Deny');
  assert.deepEqual(e.deniedBy, ['boundary']);
  assert.equal(e.summary, 'Denied (implicit): the permissions boundary S3Boundary of user balu does not allow ec2:DescribeInstances. A boundary only limits: both it and a policy that grants must allow the action.');
  const noId = authorize(req(balu, 'iam:ListRoles', '*', { boundary }));
  assert.deepEqual(noId.deniedBy, ['identity'], 'a boundary never grants by itself');
});

test('session policies intersect with the role policies; a role session without one is governed by the role alone; a federated user needs one', () => {
  const s = session('ops', 'lab');
  const ids = [identity('ops-admin', allow('*'), 'role ops')];
  assert.equal(authorize(req(s, 'ec2:DescribeInstances', '*', { identity: ids })).decision, 'Allow');
  const sess: PolicyInput[] = [{ kind: 'session', name: 'session policy', document: allow('s3:*') }];
  const e = authorize(req(s, 'ec2:DescribeInstances', '*', { identity: ids, session: sess }));
  assert.equal(e.decision, 'Deny');
  assert.deepEqual(e.deniedBy, ['session']);
  assert.match(e.summary, /the session policy of session lab of role ops does not allow ec2:DescribeInstances/);
  assert.equal(authorize(req(s, 's3:ListAllMyBuckets', '*', { identity: ids, session: sess })).decision, 'Allow');
  assert.equal(authorize(req(s, 's3:ListAllMyBuckets', '*', { session: sess })).decision, 'Deny', 'the session policy never grants by itself');
  const f = federated('Bob');
  const fe = authorize(req(f, 's3:ListAllMyBuckets', '*', { identity: [identity('alice-admin', allow('*'))], sessionRequired: true }));
  assert.equal(fe.decision, 'Deny');
  assert.deepEqual(fe.deniedBy, ['session']);
  assert.equal(authorize(req(f, 's3:ListAllMyBuckets', '*', { identity: [identity('alice-admin', allow('*'))], session: sess, sessionRequired: true })).decision, 'Allow');
});

test('Action matching is case-insensitive with * and ?; NotAction allows everything else, limited by Resource (gotcha 10)', () => {
  assert.equal(actionMatches('iam:ListAccessKeys', 'IAM:listaccesskeys'), true);
  assert.equal(actionMatches('IAM:*AccessKey*', 'iam:UpdateAccessKey'), true);
  assert.equal(actionMatches('s3:Get*', 's3:ListBucket'), false);
  assert.equal(actionMatches('ec2:Describe?nstances', 'ec2:DescribeInstances'), true);
  assert.equal(actionMatches('ec2:Describe?nstances', 'ec2:DescribeXXInstances'), false);
  assert.equal(actionMatches('*', 'anything:AtAll'), true);
  assert.equal(actionMatches('s3:*', 's3-object-lambda:GetObject'), false);
  assert.equal(actionMatches('sts:AssumeRole', 'sts:AssumeRoleWithSAML'), false, 'no implicit prefix match');
  const notIam = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }] });
  assert.equal(authorize(req(balu, 'ec2:RunInstances', '*', { identity: [identity('not-iam', notIam)] })).decision, 'Allow');
  assert.equal(authorize(req(balu, 'IAM:CreateUser', '*', { identity: [identity('not-iam', notIam)] })).decision, 'Deny');
  const notIamS3 = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::lab-bucket/*' }] });
  assert.equal(authorize(req(balu, 'ec2:RunInstances', '*', { identity: [identity('n', notIamS3)] })).decision, 'Deny', 'NotAction is still limited by Resource');
});

test('Resource matching is case-sensitive; wildcards stay within ARN segments; the resource part may span / and :', () => {
  assert.equal(resourceMatches('arn:aws:s3:::lab-bucket/*', 'arn:aws:s3:::lab-bucket/a/b/c.txt'), true);
  assert.equal(resourceMatches('arn:aws:s3:::lab-bucket/*', 'arn:aws:s3:::Lab-Bucket/a'), false);
  assert.equal(resourceMatches('arn:aws:iam::123456789012:role/MyRole', 'arn:aws:iam::123456789012:role/myrole'), false);
  assert.equal(resourceMatches('arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/path/x'), true);
  assert.equal(resourceMatches('arn:aws:iam::12345678901?:role/x', 'arn:aws:iam::123456789012:role/x'), true);
  assert.equal(resourceMatches('arn:aws:logs:*:*:log-group:*', 'arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s'), true);
  assert.equal(resourceMatches('arn:aws:*', 'arn:aws:s3:::b'), false, 'a pattern with fewer segments does not match');
  assert.equal(resourceMatches('arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:us-east-1:123456789012:volume/v-1'), false);
  assert.equal(resourceMatches('*', 'arn:aws:s3:::b'), true);
  const notSecret = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::lab-bucket/secret/*' }] });
  assert.equal(authorize(req(balu, 's3:GetObject', 'arn:aws:s3:::lab-bucket/public/a', { identity: [identity('n', notSecret)] })).decision, 'Allow');
  assert.equal(authorize(req(balu, 's3:GetObject', 'arn:aws:s3:::lab-bucket/secret/a', { identity: [identity('n', notSecret)] })).decision, 'Deny');
});

test('wildcard-only actions: ListAllMyBuckets is granted by "*" and "arn:aws:s3:::*", not by a bucket ARN (§4.4)', () => {
  const grant = (resource: string) => authorize(req(balu, 's3:ListAllMyBuckets', '*', { identity: [identity('p', allow('s3:ListAllMyBuckets', resource))] })).decision;
  assert.equal(grant('*'), 'Allow');
  assert.equal(grant('arn:aws:s3:::*'), 'Allow');
  assert.equal(grant('arn:aws:s3:::lab-bucket'), 'Deny');
  assert.equal(grant('arn:aws:s3:::lab-*'), 'Deny');
  const ec2 = (resource: string) => authorize(req(balu, 'ec2:DescribeInstances', '*', { identity: [identity('p', allow('ec2:DescribeInstances', resource))] })).decision;
  assert.equal(ec2('*'), 'Allow');
  assert.equal(ec2('arn:aws:ec2:us-east-1:123456789012:instance/*'), 'Deny');
  assert.equal(authorize(req(balu, 'iam:ListRoles', '*', { identity: [identity('p', allow('iam:ListRoles', `arn:aws:iam::${ACCT}:role/*`))] })).decision, 'Deny');
});

test('principal forms in resource policies: Service, Federated, "*", NotPrincipal, unique ids', () => {
  const svcCaller = { ...session('lambda-role', 'i-123'), service: 'lambda.amazonaws.com' };
  const bp = bucketPolicy([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  assert.equal(authorize(req(svcCaller, 's3:GetObject', `${bucketArn}/k`, { resource: bp })).decision, 'Allow');
  assert.equal(authorize(req(balu, 's3:GetObject', `${bucketArn}/k`, { resource: bp })).decision, 'Deny', 'an IAM user never matches a Service principal');
  // NotPrincipal + Deny: everyone except balu (listed with his account, as AWS requires) is denied.
  const np = bucketPolicy([
    { Effect: 'Deny', NotPrincipal: { AWS: [balu.arn, `arn:aws:iam::${ACCT}:root`] }, Action: 's3:*', Resource: `${bucketArn}/*` },
    { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucketArn}/*` },
  ]);
  assert.equal(authorize(req(balu, 's3:GetObject', `${bucketArn}/k`, { resource: np })).decision, 'Allow');
  const other = authorize(req(user('eve'), 's3:GetObject', `${bucketArn}/k`, { resource: np }));
  assert.equal(other.decision, 'Deny');
  assert.equal(other.reason, 'explicit-deny');
  // A stale unique id (the user was deleted and re-created) no longer matches (§2.5).
  const stale = bucketPolicy([{ Effect: 'Allow', Principal: { AWS: 'AIDAOLDOLDOLDOLDOLD12' }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  assert.equal(authorize(req(balu, 's3:GetObject', `${bucketArn}/k`, { resource: stale })).decision, 'Deny');
  const current = bucketPolicy([{ Effect: 'Allow', Principal: { AWS: balu.uniqueId }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  assert.equal(authorize(req(balu, 's3:GetObject', `${bucketArn}/k`, { resource: current })).decision, 'Allow');
});

test('the explanation traces every policy and statement and marks the deciding one; rendering reads without colour', () => {
  const e = authorize(
    req(balu, 's3:ListAllMyBuckets', '*', {
      identity: [identity('ec2', allow('ec2:*'), 'user balu'), identity('view', doc({ Version: '2012-10-17', Statement: [{ Sid: 'ListAll', Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:ListBucket'], Resource: '*' }] }), 'group viewers')],
      boundary: { kind: 'boundary', name: 'Everything', document: allow('*') },
    }),
  );
  assert.equal(e.decision, 'Allow');
  assert.deepEqual(
    e.policies.map((p) => [p.kind, p.name, p.outcome]),
    [
      ['identity', 'ec2', 'none'],
      ['identity', 'view', 'allow'],
      ['boundary', 'Everything', 'allow'],
    ],
  );
  const st = e.policies[1]!.statements[0]!;
  assert.deepEqual([st.sid, st.applies, st.actionMatched, st.resourceMatched], ['ListAll', true, true, true]);
  assert.equal(e.policies[0]!.statements[0]!.note, 'Allow ec2:* on * — does not cover s3:ListAllMyBuckets');
  assert.deepEqual(
    e.deciding.map((d) => [d.policy, d.sid ?? d.index]),
    [
      ['view', 'ListAll'],
      ['Everything', 0],
    ],
  );
  assert.equal(e.summary, 'Allowed: statement ListAll of policy view (attached to group viewers) allows s3:ListAllMyBuckets. The permissions boundary Everything allows it too.');
  const text = renderExplanation(e);
  assert.match(text, /^ALLOWED {2}arn:aws:iam::123456789012:user\/balu → s3:ListAllMyBuckets on \*/);
  assert.match(text, /✓ ListAll \[0\]: Allow s3:ListAllMyBuckets, s3:ListBucket on \* — applies .*← grants/);
  assert.match(text, /✗ Statement\[0\]: Allow ec2:\* on \* — does not cover s3:ListAllMyBuckets \(action does not match; resource matches\)/);
  assert.doesNotMatch(text, /\u001b\[/);
  assert.match(renderExplanation(e, { color: true }), /\u001b\[32m✓\u001b\[0m/);
});

test('rendering shows each condition with policy and request values', () => {
  const d = allow('s3:ListAllMyBuckets', '*', { Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } } });
  const e = authorize({ request: { principal: balu, action: 's3:ListAllMyBuckets', resource: '*', context: { 'aws:SourceIp': '127.0.0.1' } }, identity: [identity('office-only', d)] });
  const text = renderExplanation(e);
  assert.match(text, /✗ IpAddress aws:SourceIp ∈ \["203\.0\.113\.0\/24"\]; request: "127\.0\.0\.1" — not met/);
  assert.match(text, /DENIED \(implicit deny\)/);
});

test('trace:false gives the same decision, reason, deniedBy and summary without traces', () => {
  const inputs: EvaluationInput[] = [
    req(balu, 'account:GetAccountInformation'),
    req(balu, 's3:GetObject', `${bucketArn}/k`, { identity: [identity('a', allow('*')), identity('d', denyDoc('s3:GetObject'))] }),
    req(session('ops', 'x'), 'ec2:DescribeInstances', '*', { identity: [identity('a', allow('*'))], session: [{ kind: 'session', name: 'session policy', document: allow('s3:*') }] }),
  ];
  for (const i of inputs) {
    const full = authorize(i);
    const fast = authorize(i, { trace: false });
    assert.deepEqual([fast.decision, fast.reason, fast.deniedBy, fast.summary, fast.crossAccount], [full.decision, full.reason, full.deniedBy, full.summary, full.crossAccount]);
    assert.deepEqual(fast.policies, []);
    assert.equal(full.policies.length, i.identity.length + (i.session?.length ?? 0));
  }
});

test('awsDeniedMessage: bare STS form, all implicit kinds, and empty for an allowed request', () => {
  const base = authorize(req(balu, 'iam:GetRole', `arn:aws:iam::${ACCT}:role/x`));
  assert.equal(awsDeniedMessage(base, balu.arn, 'iam:GetRole', 'role x'), `User: ${balu.arn} is not authorized to perform: iam:GetRole on resource: role x because no identity-based policy allows the iam:GetRole action`);
  assert.equal(awsDeniedMessage(base, balu.arn, 'iam:GetRole', 'role x', { bare: true }), `User: ${balu.arn} is not authorized to perform: iam:GetRole on resource: role x`);
  const crossRes = authorize(req(user('v', OTHER), 's3:GetObject', `${bucketArn}/k`, { identity: [identity('g', allow('s3:*'))] }, ACCT));
  assert.match(awsDeniedMessage(crossRes, 'arn', 's3:GetObject', `"${bucketArn}/k"`), /because no resource-based policy allows the s3:GetObject action$/);
  assert.equal(awsDeniedMessage(authorize(req(root(), 's3:ListAllMyBuckets')), 'x', 'y', 'z'), '');
});

test('an anonymous caller gets in only through a resource policy that allows "*"', () => {
  const anon = { type: 'Anonymous' as const, accountId: '', arn: 'anonymous', principalArn: 'anonymous', userId: 'anonymous' };
  const pub = bucketPolicy([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  assert.equal(authorize(req(anon, 's3:GetObject', `${bucketArn}/k`, { resource: pub }, ACCT)).decision, 'Allow');
  const e = authorize(req(anon, 's3:PutObject', `${bucketArn}/k`, { resource: pub }, ACCT));
  assert.equal(e.decision, 'Deny');
  assert.deepEqual(e.deniedBy, ['resource']);
  assert.match(e.summary, /an anonymous caller has no identity-based policies/);
  const named = bucketPolicy([{ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  assert.equal(authorize(req(anon, 's3:GetObject', `${bucketArn}/k`, { resource: named }, ACCT)).decision, 'Deny');
});

test('the rendered tree of a trust-policy denial names policies, statements and principals in words', () => {
  const trust: PolicyInput = {
    kind: 'trust',
    name: 'trust policy of role MyRole',
    document: doc({ Version: '2012-10-17', Statement: [{ Sid: 'AllowAccount', Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole' }, { Sid: 'DenyUser3', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCT}:user/User3` }, Action: 'sts:AssumeRole' }] }, 'trust'),
  };
  const u3 = user('User3');
  const e = authorize({ request: { principal: u3, action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/MyRole`, context: {} }, identity: [identity('assume', allow('sts:AssumeRole'), 'user User3')], resource: trust });
  const text = renderExplanation(e);
  const lines = text.split('\n');
  assert.equal(lines[0], `DENIED (explicit deny)  ${u3.arn} → sts:AssumeRole on arn:aws:iam::${ACCT}:role/MyRole`);
  assert.equal(lines[1], 'Denied (explicit): statement DenyUser3 of the trust policy of role MyRole denies sts:AssumeRole. An explicit Deny overrides every Allow.');
  assert.ok(lines.includes('├─ identity-based policy assume (user User3) — an Allow applies'), text);
  assert.ok(lines.includes('└─ trust policy of role MyRole — a Deny applies'), text);
  assert.ok(lines.some((l) => l.includes('✓ DenyUser3 [1]: Deny sts:AssumeRole — applies (action matches; principal matches)  ← denies')), text);
});

// ---------------------------------------------------------------------------------------------
// Deny + NotPrincipal (IAM User Guide, reference_policies_elements_notprincipal)

const rootArnOf = (acct = ACCT) => `arn:aws:iam::${acct}:root`;
const s3All = identity('s3-all', allow('s3:*'), 'user balu');
const everythingBoundary = (name = 'Everything'): PolicyInput => ({ kind: 'boundary', name, arn: `arn:aws:iam::${ACCT}:policy/${name}`, document: allow('*') });
function denyAllBut(aws: string | string[], extra: Record<string, unknown>[] = []): PolicyInput {
  return bucketPolicy([{ Sid: 'OnlyListed', Effect: 'Deny', NotPrincipal: { AWS: aws }, Action: 's3:*', Resource: [bucketArn, `${bucketArn}/*`] }, ...extra]);
}
/** Authorizes with and without traces and checks that both agree; returns the traced one. */
function both(input: EvaluationInput) {
  const full = authorize(input);
  const fast = authorize(input, { trace: false });
  assert.deepEqual([fast.decision, fast.reason, fast.deniedBy, fast.summary], [full.decision, full.reason, full.deniedBy, full.summary]);
  return full;
}
function npNote(e: ReturnType<typeof authorize>): string {
  return e.policies.find((p) => p.kind === 'resource')!.statements[0]!.note;
}

test('Deny + NotPrincipal: a user is excluded only when both the user and its account are listed', () => {
  const get = (np: PolicyInput, who = balu) => both(req(who, 's3:GetObject', `${bucketArn}/k`, { identity: [s3All], resource: np }));
  assert.equal(get(denyAllBut([balu.arn, rootArnOf()])).decision, 'Allow');
  assert.equal(get(denyAllBut([balu.uniqueId!, ACCT])).decision, 'Allow', 'unique id and bare account id work as well');
  // "you must also specify the account ARN of the not-denied principal. Otherwise, the policy might deny access to the entire account"
  const userOnly = get(denyAllBut(balu.arn));
  assert.deepEqual([userOnly.decision, userOnly.reason, userOnly.deniedBy], ['Deny', 'explicit-deny', ['resource']]);
  assert.equal(
    userOnly.summary,
    `Denied (explicit): statement OnlyListed of the bucket policy of lab-bucket denies s3:GetObject on ${bucketArn}/k. Its NotPrincipal does not exclude user balu: account ${ACCT} is not listed (to exclude this caller, NotPrincipal must list the account and the user). An explicit Deny overrides every Allow.`,
  );
  assert.match(npNote(userOnly), /— applies \(NotPrincipal does not exclude the caller: account 123456789012 is not listed/);
  // The account alone excludes the root user, not the IAM users of the account.
  const accountOnly = get(denyAllBut(rootArnOf()));
  assert.equal(accountOnly.decision, 'Deny');
  assert.match(accountOnly.summary, /the user \(arn:aws:iam::123456789012:user\/balu\) is not listed/);
  assert.equal(get(denyAllBut(rootArnOf()), root()).decision, 'Allow');
  // Another user of the same account is denied; excluded principals show "excluded by NotPrincipal".
  assert.equal(get(denyAllBut([balu.arn, rootArnOf()]), user('eve')).decision, 'Deny');
  assert.match(npNote(get(denyAllBut([balu.arn, rootArnOf()]))), /— the caller is excluded by NotPrincipal$/);
});

test('Deny + NotPrincipal always denies a principal with a permissions boundary, whatever NotPrincipal lists (finding 7)', () => {
  // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
  // permissions boundary policy attached, regardless of the values specified in the NotPrincipal element."
  for (const listed of [[balu.arn, rootArnOf()], [balu.uniqueId!, ACCT], '*']) {
    const input = req(balu, 's3:GetObject', `${bucketArn}/k`, { identity: [s3All], resource: denyAllBut(listed), boundary: everythingBoundary() });
    const e = both(input);
    assert.deepEqual([e.decision, e.reason, e.deniedBy], ['Deny', 'explicit-deny', ['resource']], JSON.stringify(listed));
    assert.deepEqual(e.deciding.map((d) => [d.kind, d.sid]), [['resource', 'OnlyListed']]);
    assert.match(e.summary, /Its NotPrincipal does not exclude user balu: the caller has a permissions boundary, and a Deny with NotPrincipal always applies/);
    assert.equal(awsDeniedMessage(e, balu.arn, 's3:GetObject', `"${bucketArn}/k"`), `User: ${balu.arn} is not authorized to perform: s3:GetObject on resource: "${bucketArn}/k" with an explicit deny in a resource-based policy`);
  }
  // The same policy without the boundary: excluded, so the identity policy allows.
  assert.equal(both(req(balu, 's3:GetObject', `${bucketArn}/k`, { identity: [s3All], resource: denyAllBut('*') })).decision, 'Allow');
  // Even a bucket policy that also names balu directly in an Allow cannot lift the Deny.
  const direct = denyAllBut([balu.arn, rootArnOf()], [{ Effect: 'Allow', Principal: { AWS: balu.arn }, Action: 's3:*', Resource: `${bucketArn}/*` }]);
  assert.equal(both(req(balu, 's3:GetObject', `${bucketArn}/k`, { resource: direct, boundary: everythingBoundary() })).reason, 'explicit-deny');
  assert.equal(both(req(balu, 's3:GetObject', `${bucketArn}/k`, { resource: direct })).decision, 'Allow');
  // A Deny with Principal (not NotPrincipal) naming someone else is untouched by the boundary.
  const other = bucketPolicy([{ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCT}:user/eve` }, Action: 's3:*', Resource: `${bucketArn}/*` }]);
  assert.equal(both(req(balu, 's3:GetObject', `${bucketArn}/k`, { identity: [s3All], resource: other, boundary: everythingBoundary() })).decision, 'Allow');
});

test('Deny + NotPrincipal and role sessions: the session ARN, the role ARN and the account must all be listed; a role boundary always denies; session policies do not matter', () => {
  const sess = session('auditor', 'audit-app');
  const roleA = `arn:aws:iam::${ACCT}:role/auditor`;
  const roleIds = [identity('s3-all', allow('s3:*'), 'role auditor')];
  const get = (np: PolicyInput, extra: Partial<EvaluationInput> = {}) => both(req(sess, 's3:GetObject', `${bucketArn}/k`, { identity: roleIds, resource: np, ...extra }));
  assert.equal(get(denyAllBut([sess.arn, roleA, rootArnOf()])).decision, 'Allow');
  assert.equal(get(denyAllBut([sess.arn, sess.uniqueId!, ACCT])).decision, 'Allow', 'the role by unique id');
  const missing: Array<[string[], RegExp]> = [
    [[roleA, rootArnOf()], /the session \(arn:aws:sts::123456789012:assumed-role\/auditor\/audit-app\) is not listed/],
    [[sess.arn, rootArnOf()], /the role \(arn:aws:iam::123456789012:role\/auditor\) is not listed/],
    [[sess.arn, roleA], /account 123456789012 is not listed/],
    [[rootArnOf()], /the role \(arn:aws:iam::123456789012:role\/auditor\) and the session \(.*\) are not listed \(to exclude this caller, NotPrincipal must list the account, the role and the session\)/],
  ];
  for (const [listed, why] of missing) {
    const e = get(denyAllBut(listed));
    assert.deepEqual([e.decision, e.reason], ['Deny', 'explicit-deny'], listed.join(' '));
    assert.match(e.summary, why, listed.join(' '));
    assert.match(e.summary, /Its NotPrincipal does not exclude session audit-app of role auditor: /);
  }
  // Another session of the same role is not the listed one.
  assert.equal(both(req(session('auditor', 'other'), 's3:GetObject', `${bucketArn}/k`, { identity: roleIds, resource: denyAllBut([sess.arn, roleA, rootArnOf()]) })).decision, 'Deny');
  // The role has a permissions boundary: its sessions are always denied.
  const withBoundary = get(denyAllBut([sess.arn, roleA, rootArnOf()]), { boundary: everythingBoundary() });
  assert.deepEqual([withBoundary.decision, withBoundary.reason], ['Deny', 'explicit-deny']);
  assert.match(withBoundary.summary, /the caller has a permissions boundary/);
  // Session policies are no permissions boundary: a fully listed session with one is excluded…
  const sp = [{ kind: 'session' as const, name: 'session policy', document: allow('s3:GetObject') }];
  assert.equal(get(denyAllBut([sess.arn, roleA, rootArnOf()]), { session: sp }).decision, 'Allow');
  // …and with a boundary it is denied all the same.
  assert.equal(get(denyAllBut([sess.arn, roleA, rootArnOf()]), { session: sp, boundary: everythingBoundary() }).reason, 'explicit-deny');
});

test('Deny + NotPrincipal: federated users, the root user, anonymous callers, services, other accounts, and Allow + NotPrincipal', () => {
  const fed = federated('fed');
  const sp = [{ kind: 'session' as const, name: 'session policy', document: allow('s3:*') }];
  const fedReq = (np: PolicyInput) => both(req(fed, 's3:GetObject', `${bucketArn}/k`, { identity: [s3All], resource: np, session: sp }));
  assert.equal(fedReq(denyAllBut([fed.arn, rootArnOf()])).decision, 'Allow');
  assert.match(fedReq(denyAllBut(fed.arn)).summary, /account 123456789012 is not listed \(to exclude this caller, NotPrincipal must list the account and the federated user\)/);
  // The root user of the account is excluded by the account alone; a root user is no IAM principal with a boundary.
  assert.equal(both(req(root(), 's3:GetObject', `${bucketArn}/k`, { resource: denyAllBut(ACCT) })).decision, 'Allow');
  assert.equal(both(req(root(), 's3:GetObject', `${bucketArn}/k`, { resource: denyAllBut(balu.arn) })).reason, 'explicit-deny');
  // Anonymous callers are excluded only by "*".
  const anon = { type: 'Anonymous' as const, accountId: '', arn: 'anonymous', principalArn: 'anonymous', userId: 'anonymous' };
  const pub = (np: string | string[]) => denyAllBut(np, [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  assert.equal(both(req(anon, 's3:GetObject', `${bucketArn}/k`, { resource: pub(rootArnOf()) })).reason, 'explicit-deny');
  assert.equal(both(req(anon, 's3:GetObject', `${bucketArn}/k`, { resource: pub('*') })).decision, 'Allow');
  // A service principal listed by name is excluded.
  const svc = { ...session('lambda-role', 'i-123'), service: 'lambda.amazonaws.com' };
  const svcNp = bucketPolicy([
    { Effect: 'Deny', NotPrincipal: { Service: 'lambda.amazonaws.com' }, Action: 's3:*', Resource: `${bucketArn}/*` },
    { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 's3:GetObject', Resource: `${bucketArn}/*` },
  ]);
  assert.equal(both(req(svc, 's3:GetObject', `${bucketArn}/k`, { resource: svcNp })).decision, 'Allow');
  // Across accounts: the visitor and its account listed → excluded (the Allow for its account and its identity policy grant).
  const visitor = user('visitor', OTHER);
  const cross = (extra: Partial<EvaluationInput> = {}) =>
    both(
      req(visitor, 's3:GetObject', `${bucketArn}/k`, {
        identity: [identity('get', allow('s3:GetObject'))],
        resource: denyAllBut([visitor.arn, rootArnOf(OTHER)], [{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]),
        ...extra,
      }, ACCT),
    );
  assert.equal(cross().decision, 'Allow');
  const crossB = cross({ boundary: { kind: 'boundary', name: 'vb', arn: `arn:aws:iam::${OTHER}:policy/vb`, document: allow('*') } });
  assert.deepEqual([crossB.decision, crossB.reason, crossB.crossAccount], ['Deny', 'explicit-deny', true]);
  // Allow + NotPrincipal ("not supported" by AWS) keeps its old meaning — everyone not named — and no boundary rule.
  const allowNp = bucketPolicy([{ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:user/eve` }, Action: 's3:GetObject', Resource: `${bucketArn}/*` }]);
  assert.equal(both(req(balu, 's3:GetObject', `${bucketArn}/k`, { resource: allowNp })).decision, 'Allow');
  assert.equal(both(req(user('eve'), 's3:GetObject', `${bucketArn}/k`, { resource: allowNp })).decision, 'Deny');
});

// ---------------------------------------------------------------------------------------------
// Policy ARNs in explicit-deny messages (finding 10)

test('explicit-deny messages append the denying managed policy ARN for identity, boundary and session policies in the same account; never for inline, resource or cross-account', () => {
  // AWS Security Blog, "Enhanced access denied error messages with policy ARNs": identity-based,
  // permissions boundary and session policies (and SCPs/RCPs), same account/organization only.
  const managed = (name: string, d = denyDoc('iam:ListRoles')): PolicyInput => ({ kind: 'identity', name, arn: `arn:aws:iam::${ACCT}:policy/${name}`, attachedTo: 'user balu', source: 'managed', document: d });
  const inline = (name: string, d = denyDoc('iam:ListRoles')): PolicyInput => ({ kind: 'identity', name, attachedTo: 'user balu', source: 'inline', document: d });
  const admin = identity('admin', allow('*'));
  const msg = (input: EvaluationInput, opts?: { trace?: boolean }) => awsDeniedMessage(authorize(input, opts), input.request.principal.arn, 'iam:ListRoles', `arn:aws:iam::${ACCT}:role/`);
  const head = `User: ${balu.arn} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${ACCT}:role/`;
  const list = (extra: Partial<EvaluationInput>) => req(balu, 'iam:ListRoles', '*', { identity: [admin], ...extra });

  for (const trace of [true, false]) {
    assert.equal(msg(list({ identity: [admin, managed('NoList')] }), { trace }), `${head} with an explicit deny in an identity-based policy: arn:aws:iam::${ACCT}:policy/NoList`);
    assert.equal(msg(list({ identity: [admin, { ...managed('AWSDenyAll'), arn: 'arn:aws:iam::aws:policy/AWSDenyAll', source: 'aws-managed' }] }), { trace }), `${head} with an explicit deny in an identity-based policy: arn:aws:iam::aws:policy/AWSDenyAll`);
    assert.equal(msg(list({ identity: [admin, inline('no-list')] }), { trace }), `${head} with an explicit deny in an identity-based policy`);
    // Two denying policies of one type: the first in evaluation order is reported.
    assert.equal(msg(list({ identity: [admin, inline('no-list'), managed('NoList')] }), { trace }), `${head} with an explicit deny in an identity-based policy`);
    assert.equal(msg(list({ identity: [admin, managed('NoList'), inline('no-list')] }), { trace }), `${head} with an explicit deny in an identity-based policy: arn:aws:iam::${ACCT}:policy/NoList`);
    const boundary: PolicyInput = { kind: 'boundary', name: 'B', arn: `arn:aws:iam::${ACCT}:policy/B`, document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*' }] }) };
    assert.equal(msg(list({ boundary }), { trace }), `${head} with an explicit deny in a permissions boundary: arn:aws:iam::${ACCT}:policy/B`);
    // When an identity policy and the boundary both deny, AWS names one type (the identity-based one here).
    assert.equal(msg(list({ identity: [admin, managed('NoList')], boundary }), { trace }), `${head} with an explicit deny in an identity-based policy: arn:aws:iam::${ACCT}:policy/NoList`);
    const s = session('ops', 'lab');
    const sessHead = `User: ${s.arn} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${ACCT}:role/`;
    const sessInline: PolicyInput = { kind: 'session', name: 'session policy', source: 'session', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*' }] }) };
    const sessManaged: PolicyInput = { kind: 'session', name: 'NoListSession', arn: `arn:aws:iam::${ACCT}:policy/NoListSession`, source: 'session', document: denyDoc('iam:ListRoles') };
    assert.equal(msg(req(s, 'iam:ListRoles', '*', { identity: [admin], session: [sessInline] }), { trace }), `${sessHead} with an explicit deny in a session policy`);
    assert.equal(msg(req(s, 'iam:ListRoles', '*', { identity: [admin], session: [sessInline, sessManaged] }), { trace }), `${sessHead} with an explicit deny in a session policy`);
    assert.equal(msg(req(s, 'iam:ListRoles', '*', { identity: [admin], session: [sessManaged] }), { trace }), `${sessHead} with an explicit deny in a session policy: arn:aws:iam::${ACCT}:policy/NoListSession`);
  }
  // A bucket policy (resource-based) never gets an ARN, even though its input carries the bucket's ARN.
  const bp: PolicyInput = { ...bucketPolicy([{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${bucketArn}/*` }]), arn: bucketArn };
  const rd = authorize(req(balu, 's3:GetObject', `${bucketArn}/k`, { identity: [admin], resource: bp }));
  assert.match(awsDeniedMessage(rd, balu.arn, 's3:GetObject', `"${bucketArn}/k"`), /with an explicit deny in a resource-based policy$/);
  // Across accounts no ARN is disclosed.
  const visitor = user('visitor', OTHER);
  const xd = authorize(
    req(visitor, 's3:GetObject', `${bucketArn}/k`, { identity: [{ kind: 'identity', name: 'NoGet', arn: `arn:aws:iam::${OTHER}:policy/NoGet`, document: denyDoc('s3:GetObject') }], resource: bucketPolicy([{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:*', Resource: `${bucketArn}/*` }]) }, ACCT),
  );
  assert.equal(xd.crossAccount, true);
  assert.match(awsDeniedMessage(xd, visitor.arn, 's3:GetObject', `"${bucketArn}/k"`), /with an explicit deny in an identity-based policy$/);
  // STS AssumeRole keeps its bare form.
  assert.equal(awsDeniedMessage(authorize(list({ identity: [admin, managed('NoList')] })), balu.arn, 'sts:AssumeRole', 'r', { bare: true }), `User: ${balu.arn} is not authorized to perform: sts:AssumeRole on resource: r`);
});

// ---------------------------------------------------------------------------------------------
// Cross-account requests to a resource without any resource-based policy (finding 3)

test('cross-account request to a bucket with no bucket policy: the summary says there is none', () => {
  const visitor = user('visitor', OTHER);
  const withId = both(req(visitor, 's3:GetObject', `${bucketArn}/k`, { identity: [identity('get', allow('s3:GetObject'))] }, ACCT));
  assert.deepEqual([withId.decision, withId.deniedBy, withId.crossAccount], ['Deny', ['resource'], true]);
  assert.equal(
    withId.summary,
    `Denied: bucket lab-bucket (account ${ACCT}) has no bucket policy, so nothing in account ${ACCT} allows user visitor or account ${OTHER}; across accounts the resource's own policy must allow the call too (the identity-based policies of account ${OTHER} are not enough).`,
  );
  const none = both(req(visitor, 's3:ListBucket', bucketArn, {}, ACCT));
  assert.deepEqual(none.deniedBy, ['identity', 'resource']);
  assert.equal(
    none.summary,
    `Denied: across accounts both sides must allow, and neither does: bucket lab-bucket (account ${ACCT}) has no bucket policy, so nothing in account ${ACCT} allows user visitor or account ${OTHER}, and no identity-based policy in account ${OTHER} allows user visitor to call s3:ListBucket on it.`,
  );
  // With a bucket policy that does not allow, the summary speaks of that policy.
  const bp = bucketPolicy([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:user/balu` }, Action: 's3:*', Resource: `${bucketArn}/*` }]);
  const withPolicy = both(req(visitor, 's3:GetObject', `${bucketArn}/k`, { identity: [identity('get', allow('s3:GetObject'))], resource: bp }, ACCT));
  assert.match(withPolicy.summary, /^Denied: the bucket policy of lab-bucket \(account 123456789012\) does not allow user visitor or account 999999999999;/);
  // A non-S3 resource without a resource-based policy.
  const other = both(req(visitor, 'sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCT}:q`, { identity: [identity('sqs', allow('sqs:*'))] }, ACCT));
  assert.match(other.summary, /^Denied: arn:aws:sqs:us-east-1:123456789012:q \(account 123456789012\) has no resource-based policy, so nothing in account 123456789012 allows user visitor/);
});
