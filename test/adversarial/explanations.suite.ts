// Adversarial review: the Explanation a denied (or allowed) call carries must name the real cause:
// reason, deniedBy, crossAccount, the deciding statement, and a summary that does not mislead.
// Oracle: reference §4.2 (evaluation logic), §2.2 (decision matrix), §4.8 (policy types).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, Sim, allow, roleArn, rootArn, stmts, trust, userArn } from './helpers.js';

describe('AssumeRole explanations', () => {
  test('cross-account, trust names the user, identity side missing → deniedBy identity, crossAccount, summary says so', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('x', trust({ AWS: userArn('alice') }), { acct: B });
    const e = s.assumeDenied(alice, r).explanation!;
    assert.equal(e.decision, 'Deny');
    assert.equal(e.reason, 'implicit-deny');
    assert.deepEqual(e.deniedBy, ['identity']);
    assert.equal(e.crossAccount, true);
    assert.match(e.summary, /identity-based policy/);
    assert.match(e.summary, new RegExp(A));
    assert.doesNotMatch(e.summary, /^Allowed/);
  });

  test('cross-account, identity allows, trust does not name the caller → deniedBy trust', () => {
    const s = new Sim();
    const bob = s.user('bob', { policy: allow('sts:AssumeRole') });
    const r = s.role('y', trust({ AWS: rootArn(B) }), { acct: B });
    const e = s.assumeDenied(bob, r).explanation!;
    assert.deepEqual(e.deniedBy, ['trust']);
    assert.equal(e.crossAccount, true);
  });

  test('same account, trust names the account root, no identity policy → deniedBy identity (not trust)', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: rootArn() }));
    const e = s.assumeDenied(alice, r).explanation!;
    assert.deepEqual(e.deniedBy, ['identity']);
    assert.equal(e.crossAccount, false);
    assert.match(e.summary, /no identity-based policy/);
  });

  test('explicit Deny in the trust policy: reason explicit-deny, deciding names that trust statement by Sid and index', () => {
    const s = new Sim();
    const bob = s.user('bob', { policy: allow('sts:AssumeRole') });
    const r = s.role(
      'r2',
      stmts(
        { Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: rootArn() }, Action: 'sts:AssumeRole' },
        { Sid: 'NoBob', Effect: 'Deny', Principal: { AWS: userArn('bob') }, Action: 'sts:AssumeRole' },
      ),
    );
    const e = s.assumeDenied(bob, r).explanation!;
    assert.equal(e.reason, 'explicit-deny');
    assert.deepEqual(e.deniedBy, ['trust']);
    assert.deepEqual(
      e.deciding.map((d) => [d.kind, d.index, d.sid, d.effect]),
      [['trust', 1, 'NoBob', 'Deny']],
    );
    assert.match(e.summary, /NoBob/);
  });

  test('explicit Deny in an attached managed policy: deciding names that policy and statement', () => {
    const s = new Sim();
    const root = s.root();
    const bob = s.user('bob', { policy: allow('sts:AssumeRole') });
    const pol = s.ok('iam', 'CreatePolicy', { PolicyName: 'deny-assume', PolicyDocument: JSON.stringify(stmts({ Sid: 'NoAssume', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' })) }, root)['Policy'] as Record<string, string>;
    s.ok('iam', 'AttachUserPolicy', { UserName: 'bob', PolicyArn: pol['Arn']! }, root);
    const r = s.role('r', trust({ AWS: userArn('bob') }));
    const e = s.assumeDenied(bob, r).explanation!;
    assert.equal(e.reason, 'explicit-deny');
    assert.deepEqual(e.deniedBy, ['identity']);
    assert.deepEqual(e.deciding.map((d) => [d.policy, d.kind, d.sid]), [['deny-assume', 'identity', 'NoAssume']]);
  });

  test('boundary without sts:AssumeRole, trust names the user → deniedBy boundary', () => {
    const s = new Sim();
    const root = s.root();
    const carol = s.user('carol');
    const b = s.ok('iam', 'CreatePolicy', { PolicyName: 'only-s3', PolicyDocument: JSON.stringify(allow('s3:*')) }, root)['Policy'] as Record<string, string>;
    s.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'carol', PermissionsBoundary: b['Arn']! }, root);
    const r = s.role('r', trust({ AWS: userArn('carol') }));
    const e = s.assumeDenied(carol, r).explanation!;
    assert.deepEqual(e.deniedBy, ['boundary']);
    assert.match(e.summary, /only-s3/);
  });

  test('an allowed AssumeRole via a trust naming the user directly: deciding is the trust statement only', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }));
    const res = s.call('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'lab' }, alice);
    assert.ok(res.ok);
    const e = res.explanation!;
    assert.equal(e.decision, 'Allow');
    assert.deepEqual(e.deciding.map((d) => d.kind), ['trust']);
  });

  test('canAssume agrees with AssumeRole on the decision and the deciding side (wrong-case role, missing role)', () => {
    const s = new Sim();
    const alice = s.user('alice', { policy: allow('sts:AssumeRole') });
    s.role('temp-user', trust({ AWS: rootArn() }));
    for (const arn of [roleArn('Temp-User'), roleArn('missing'), roleArn('temp-user')]) {
      const q = s.w.canAssume({ principal: userArn('alice'), roleArn: arn });
      const call = s.call('sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'lab' }, alice);
      assert.equal(q.decision, call.ok ? 'Allow' : 'Deny', arn);
    }
  });
});

describe('session and resource explanations', () => {
  test('a session policy that does not allow → deniedBy session', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow('*') });
    const sess = s.assume(alice, r, { Policy: JSON.stringify(allow('ec2:*')) });
    const e = s.fail('s3', 'ListBuckets', {}, sess).explanation!;
    assert.deepEqual(e.deniedBy, ['session']);
    assert.equal(e.reason, 'implicit-deny');
  });

  test(
    'GetFederationToken without a session policy: the summary must say no session policy was passed (not that "the session policy" denies)',
    () => {
      // Reference §3.3 / §4.2 step 6: "if you do not pass a policy, then the resulting federated user session has no permissions".
      const s = new Sim();
      const admin = s.user('admin', { policy: allow('*') });
      const fed = s.tempCreds(s.ok('sts', 'GetFederationToken', { Name: 'fed' }, admin));
      const e = s.fail('s3', 'ListBuckets', {}, fed).explanation!;
      assert.deepEqual(e.deniedBy, ['session']);
      assert.doesNotMatch(e.summary, /the session policy of/);
      assert.match(e.summary, /without a session policy/);
    },
  );

  test(
    'cross-account S3 with no bucket policy at all: the summary must not speak of a bucket policy that "does not allow"',
    () => {
      const s = new Sim();
      s.ok('s3', 'CreateBucket', { Bucket: 'bb-bucket' }, s.root(B));
      const dave = s.user('dave', { policy: allow('s3:*') });
      const e = s.fail('s3', 'ListObjectsV2', { Bucket: 'bb-bucket' }, dave).explanation!;
      assert.deepEqual(e.deniedBy, ['resource']);
      assert.equal(e.crossAccount, true);
      assert.equal(e.policies.filter((p) => p.kind === 'resource').length, 0, 'no resource policy was evaluated');
      assert.doesNotMatch(e.summary, /the resource-based policy \(account/);
      assert.match(e.summary, /no (bucket|resource-based) policy/i);
    },
  );

  test('revoked session: explicit deny from AWSRevokeOlderSessions is the deciding statement', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow('*') });
    const old = s.assume(alice, r);
    s.w.clock.advance(5_000);
    s.ok(
      'iam',
      'PutRolePolicy',
      {
        RoleName: 'r',
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: JSON.stringify(stmts({ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': s.w.clock.now().toISOString() } } })),
      },
      s.root(),
    );
    const e = s.fail('ec2', 'DescribeInstances', {}, old).explanation!;
    assert.equal(e.reason, 'explicit-deny');
    assert.deepEqual(e.deciding.map((d) => d.policy), ['AWSRevokeOlderSessions']);
  });
});
