// Adversarial review: requests the simulated account must DENY (a wrong "allowed" is the worst
// bug a security lab can have), plus the matching allows that prove the deny is for the right
// reason. Oracle: shared/spec/iam-sts-reference.md (cited per test), AWS docs where it says ⚠.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, Sim, allow, assertBareAssumeDenied, roleArn, rootArn, sessArn, stmts, trust, userArn } from './helpers.js';

describe('AssumeRole: who may assume (reference §2.2, §4.2)', () => {
  test('cross-account: trust in B names alice (A) directly, alice has no identity policy → denied (§2.2 row 12)', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('x', trust({ AWS: userArn('alice') }), { acct: B });
    assertBareAssumeDenied(s.assumeDenied(alice, r), userArn('alice'), r);
    // and once the identity side allows it, the same request succeeds (both sides needed, §2.2 row 11)
    s.ok('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('sts:AssumeRole', r)) }, s.root());
    s.assume(alice, r);
  });

  test('cross-account: identity allows, trust in B names only account A\'s root — but caller is in a third account → denied', () => {
    const C = '777788889999';
    const s = new Sim({ accounts: [A, B, C] });
    const carol = s.user('carol', { acct: C, policy: allow('sts:AssumeRole') });
    const r = s.role('x', trust({ AWS: rootArn(A) }), { acct: B });
    assertBareAssumeDenied(s.assumeDenied(carol, r), userArn('carol', C), r);
  });

  test('same account: trust names the account root (or bare id), no identity policy → denied (§2.2 rows 2–3)', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r1 = s.role('r1', trust({ AWS: rootArn() }));
    const r2 = s.role('r2', trust({ AWS: A }));
    assertBareAssumeDenied(s.assumeDenied(alice, r1), userArn('alice'), r1);
    assertBareAssumeDenied(s.assumeDenied(alice, r2), userArn('alice'), r2);
  });

  test('same account: identity allows sts:AssumeRole on a *different* role only → denied for this one', () => {
    const s = new Sim();
    const r = s.role('target', trust({ AWS: rootArn() }));
    const other = s.role('other', trust({ AWS: rootArn() }));
    const alice = s.user('alice', { policy: allow('sts:AssumeRole', other) });
    assertBareAssumeDenied(s.assumeDenied(alice, r), userArn('alice'), r);
    s.assume(alice, other);
  });

  test('explicit Deny in the trust policy beats an Allow naming the user directly (§2.2 row 6, gotcha 9)', () => {
    const s = new Sim();
    const alice = s.user('alice', { policy: allow('sts:AssumeRole') });
    const r = s.role(
      'r',
      stmts(
        { Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 'sts:AssumeRole' },
        { Sid: 'NoAlice', Effect: 'Deny', Principal: { AWS: userArn('alice') }, Action: 'sts:AssumeRole' },
      ),
    );
    const e = s.assumeDenied(alice, r);
    assertBareAssumeDenied(e, userArn('alice'), r);
  });

  test('a trust Deny for Principal "*" denies everyone, including a user named in an Allow', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role(
      'r',
      stmts(
        { Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: '*', Action: 'sts:*' },
      ),
    );
    assertBareAssumeDenied(s.assumeDenied(alice, r), userArn('alice'), r);
  });

  test('a trust Deny naming another user does not deny alice', () => {
    const s = new Sim();
    const alice = s.user('alice');
    s.user('bob');
    const r = s.role(
      'r',
      stmts(
        { Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { AWS: userArn('bob') }, Action: 'sts:AssumeRole' },
      ),
    );
    s.assume(alice, r);
  });

  test('boundary without sts:AssumeRole + trust naming the user directly → denied (§2.2 row 8)', () => {
    const s = new Sim();
    const root = s.root();
    const alice = s.user('alice');
    const pol = s.ok('iam', 'CreatePolicy', { PolicyName: 'only-s3', PolicyDocument: JSON.stringify(allow('s3:*')) }, root)['Policy'] as Record<string, string>;
    s.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: pol['Arn']! }, root);
    const r = s.role('r', trust({ AWS: userArn('alice') }));
    assertBareAssumeDenied(s.assumeDenied(alice, r), userArn('alice'), r);
  });

  test('boundary allows sts:AssumeRole but identity has nothing, trust names the account → still denied (identity ∩ boundary)', () => {
    const s = new Sim();
    const root = s.root();
    const alice = s.user('alice');
    const pol = s.ok('iam', 'CreatePolicy', { PolicyName: 'b', PolicyDocument: JSON.stringify(allow('sts:AssumeRole')) }, root)['Policy'] as Record<string, string>;
    s.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: pol['Arn']! }, root);
    const r = s.role('r', trust({ AWS: rootArn() }));
    assertBareAssumeDenied(s.assumeDenied(alice, r), userArn('alice'), r);
  });

  test('a role trusting only a service principal cannot be assumed by a user, even with sts:* on *', () => {
    const s = new Sim();
    const alice = s.user('alice', { policy: allow('sts:*') });
    const r = s.role('ec2-role', trust({ Service: 'ec2.amazonaws.com' }));
    assertBareAssumeDenied(s.assumeDenied(alice, r), userArn('alice'), r);
  });

  test('root cannot assume a role, even one trusting the root ARN explicitly (§1.10)', () => {
    const s = new Sim();
    const r = s.role('r', trust({ AWS: rootArn() }));
    const e = s.assumeDenied(s.root(), r);
    assert.equal(e.code, 'AccessDenied');
    assert.equal(e.status, 403);
    assert.equal(e.message, 'Roles may not be assumed by root accounts.');
  });

  test('root cannot assume roles with root session credentials either (GetSessionToken, console)', () => {
    const s = new Sim();
    const r = s.role('r', trust({ AWS: rootArn() }));
    const gst = s.tempCreds(s.ok('sts', 'GetSessionToken', {}, s.root()));
    assert.equal(s.assumeDenied(gst, r).message, 'Roles may not be assumed by root accounts.');
    const con = s.w.consoleSignInRoot(A);
    assert.ok(con.ok);
    if (con.ok) assert.equal(s.assumeDenied(con.credentials, r).message, 'Roles may not be assumed by root accounts.');
  });
});

describe('role names, paths and case in ARNs (§1.1, §4.4, §5.5)', () => {
  test('AssumeRole with arn:…:role/Temp-User for role temp-user is denied (role names case-sensitive when assuming)', () => {
    const s = new Sim();
    const alice = s.user('alice', { policy: allow('sts:AssumeRole') });
    s.role('temp-user', trust({ AWS: rootArn() }));
    const wrong = roleArn('Temp-User');
    assertBareAssumeDenied(s.assumeDenied(alice, wrong), userArn('alice'), wrong);
    s.assume(alice, roleArn('temp-user'));
  });

  test('identity Resource with the wrong case does not grant AssumeRole on the real role', () => {
    const s = new Sim();
    const alice = s.user('alice', { policy: allow('sts:AssumeRole', roleArn('Temp-User')) });
    const r = s.role('temp-user', trust({ AWS: rootArn() }));
    assertBareAssumeDenied(s.assumeDenied(alice, r), userArn('alice'), r);
  });

  test('a role with a path must be assumed with the path in its ARN; the session ARN drops the path', () => {
    const s = new Sim();
    const alice = s.user('alice', { policy: allow('sts:AssumeRole') });
    const r = s.role('deploy', trust({ AWS: rootArn() }), { path: '/team/ci/' });
    assert.equal(r, roleArn('deploy', A, '/team/ci/'));
    assertBareAssumeDenied(s.assumeDenied(alice, roleArn('deploy')), userArn('alice'), roleArn('deploy'));
    const out = s.ok('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'lab' }, alice);
    assert.equal((out['AssumedRoleUser'] as Record<string, string>)['Arn'], sessArn('deploy'));
  });

  test('identity Resource without the path does not match a role that has one; role/*deploy does', () => {
    const s = new Sim();
    const r = s.role('deploy', trust({ AWS: rootArn() }), { path: '/team/' });
    const noPath = s.user('nopath', { policy: allow('sts:AssumeRole', roleArn('deploy')) });
    assertBareAssumeDenied(s.assumeDenied(noPath, r), userArn('nopath'), r);
    const wild = s.user('wild', { policy: allow('sts:AssumeRole', `arn:aws:iam::${A}:role/*deploy`) });
    s.assume(wild, r);
  });

  test('trust naming the caller role session ARN for a role with a path: trust must name the role ARN with its path', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const first = s.role('first', trust({ AWS: userArn('alice') }), { path: '/p/' });
    const sess = s.assume(alice, first);
    // trust names role/first without the path: that principal does not exist → IAM rejects it on save
    const e = s.fail('iam', 'CreateRole', { RoleName: 'second', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: roleArn('first') })) }, s.root());
    assert.equal(e.code, 'MalformedPolicyDocument');
    const second = s.role('second', trust({ AWS: roleArn('first', A, '/p/') }));
    s.assume(sess, second, {}, 'chain');
  });
});

describe('deleted and re-created principals (reference §2.5, gotcha 13)', () => {
  test('a user deleted and re-created under the same name is not trusted again (cross-account trust too)', () => {
    const s = new Sim();
    const rootA = s.root(A);
    s.user('bob', { policy: allow('sts:AssumeRole') });
    const r = s.role('x', trust({ AWS: userArn('bob') }), { acct: B });
    // delete bob (keys and policy first, as IAM demands)
    const keys = s.ok('iam', 'ListAccessKeys', { UserName: 'bob' }, rootA)['AccessKeyMetadata'] as Array<Record<string, string>>;
    for (const k of keys) s.ok('iam', 'DeleteAccessKey', { UserName: 'bob', AccessKeyId: k['AccessKeyId']! }, rootA);
    s.ok('iam', 'DeleteUserPolicy', { UserName: 'bob', PolicyName: 'p' }, rootA);
    s.ok('iam', 'DeleteUser', { UserName: 'bob' }, rootA);
    const doc = JSON.parse(s.ok('iam', 'GetRole', { RoleName: 'x' }, s.root(B))['Role'] ? String((s.ok('iam', 'GetRole', { RoleName: 'x' }, s.root(B))['Role'] as Record<string, string>)['AssumeRolePolicyDocument']) : '{}');
    const principal = JSON.stringify(doc.Statement);
    assert.match(principal, /"AIDA[A-Z2-7]{17}"/, 'trust shows the old unique id');
    const bob2 = s.user('bob', { policy: allow('sts:AssumeRole') });
    assertBareAssumeDenied(s.assumeDenied(bob2, r), userArn('bob'), r);
    // the check API agrees
    assert.equal(s.w.canAssume({ principal: userArn('bob'), roleArn: r }).decision, 'Deny');
  });

  test('re-submitting the stale unique id of a deleted user is rejected as an invalid principal (§2.4)', () => {
    const s = new Sim();
    const root = s.root();
    s.ok('iam', 'CreateUser', { UserName: 'gone' }, root);
    s.role('r', trust({ AWS: userArn('gone') }));
    s.ok('iam', 'DeleteUser', { UserName: 'gone' }, root);
    const stale = (s.ok('iam', 'GetRole', { RoleName: 'r' }, root)['Role'] as Record<string, string>)['AssumeRolePolicyDocument']!;
    const e = s.fail('iam', 'UpdateAssumeRolePolicy', { RoleName: 'r', PolicyDocument: stale }, root);
    assert.equal(e.code, 'MalformedPolicyDocument');
    assert.match(e.message, /^Invalid principal in policy/);
  });

  test('a role deleted and re-created: old sessions lose the old role permissions and are not trusted by name', () => {
    const s = new Sim();
    const root = s.root();
    const alice = s.user('alice');
    const r = s.role('worker', trust({ AWS: userArn('alice') }), { policy: allow('s3:ListAllMyBuckets') });
    const old = s.assume(alice, r);
    s.ok('s3', 'ListBuckets', {}, old);
    s.ok('iam', 'DeleteRolePolicy', { RoleName: 'worker', PolicyName: 'p' }, root);
    s.ok('iam', 'DeleteRole', { RoleName: 'worker' }, root);
    s.role('worker', trust({ AWS: userArn('alice') }), { policy: allow('s3:ListAllMyBuckets') });
    const e = s.fail('s3', 'ListBuckets', {}, old);
    assert.equal(e.code, 'AccessDenied');
  });
});

describe('session policies and role chaining (§1.3, §1.4, §4.3)', () => {
  test('an inline session policy limits the session: not cumulative with the role, cannot add permissions', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow(['s3:ListAllMyBuckets', 'ec2:DescribeInstances']) });
    const limited = s.assume(alice, r, { Policy: JSON.stringify(allow(['ec2:DescribeInstances', 'iam:ListRoles'])) });
    assert.equal(s.fail('s3', 'ListBuckets', {}, limited).code, 'AccessDenied');
    s.ok('ec2', 'DescribeInstances', {}, limited);
    assert.equal(s.fail('iam', 'ListRoles', {}, limited).code, 'AccessDenied', 'the session policy cannot grant what the role lacks');
  });

  test('a managed session policy (PolicyArns) limits the session', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { attach: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
    const limited = s.assume(alice, r, { PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }] });
    s.ok('s3', 'ListBuckets', {}, limited);
    assert.equal(s.fail('iam', 'ListRoles', {}, limited).code, 'AccessDenied');
    assert.equal(s.fail('s3', 'CreateBucket', { Bucket: 'new-bucket-x' }, limited).code, 'AccessDenied');
  });

  test('the session policy also limits AssumeRole from that session (chaining), even when the next trust names the role', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const first = s.role('first', trust({ AWS: userArn('alice') }), { policy: allow('sts:AssumeRole') });
    const second = s.role('second', trust({ AWS: roleArn('first') }));
    const limited = s.assume(alice, first, { Policy: JSON.stringify(allow('s3:ListAllMyBuckets')) });
    assertBareAssumeDenied(s.assumeDenied(limited, second), sessArn('first'), second);
    const full = s.assume(alice, first, {}, 'full');
    s.assume(full, second, {}, 'chain');
  });

  test('role chaining: the chained session has the second role permissions only, and is capped at one hour', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const first = s.role('first', trust({ AWS: userArn('alice') }), { policy: allow(['sts:AssumeRole', 's3:ListAllMyBuckets']), max: 43200 });
    const second = s.role('second', trust({ AWS: roleArn('first') }), { policy: allow('ec2:DescribeInstances'), max: 43200 });
    const one = s.assume(alice, first, { DurationSeconds: 7200 });
    const e = s.fail('sts', 'AssumeRole', { RoleArn: second, RoleSessionName: 'chain', DurationSeconds: 3601 }, one);
    assert.equal(e.code, 'ValidationError');
    assert.equal(e.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const two = s.assume(one, second, {}, 'chain');
    s.ok('ec2', 'DescribeInstances', {}, two);
    assert.equal(s.fail('s3', 'ListBuckets', {}, two).code, 'AccessDenied', 'not cumulative with the first role');
  });
});

describe('NotAction, NotResource and wildcards (§4.4)', () => {
  test('Allow + NotAction iam:* allows other services but no IAM action', () => {
    const s = new Sim();
    const u = s.user('u', { policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] } });
    s.ok('s3', 'ListBuckets', {}, u);
    s.ok('ec2', 'DescribeInstances', {}, u);
    assert.equal(s.fail('iam', 'ListRoles', {}, u).code, 'AccessDenied');
    assert.equal(s.fail('iam', 'CreateUser', { UserName: 'evil' }, u).code, 'AccessDenied');
  });

  test('Allow + NotAction with a wildcard in the middle (iam:*User*) still allows other IAM actions only', () => {
    const s = new Sim();
    const u = s.user('u', { policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: ['iam:*User*', 'sts:*'], Resource: '*' }] } });
    s.ok('iam', 'ListRoles', {}, u);
    assert.equal(s.fail('iam', 'CreateUser', { UserName: 'x' }, u).code, 'AccessDenied');
    assert.equal(s.fail('iam', 'ListUsers', {}, u).code, 'AccessDenied');
  });

  test('Allow s3:* + NotResource on a secret bucket: the secret bucket and its objects stay denied', () => {
    const s = new Sim();
    const root = s.root();
    s.ok('s3', 'CreateBucket', { Bucket: 'public-stuff' }, root);
    s.ok('s3', 'CreateBucket', { Bucket: 'secret-stuff' }, root);
    s.ok('s3', 'PutObject', { Bucket: 'secret-stuff', Key: 'k', Body: new TextEncoder().encode('x') }, root);
    const u = s.user('u', {
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', NotResource: ['arn:aws:s3:::secret-stuff', 'arn:aws:s3:::secret-stuff/*'] }] },
    });
    s.ok('s3', 'ListObjectsV2', { Bucket: 'public-stuff' }, u);
    assert.equal(s.fail('s3', 'ListObjectsV2', { Bucket: 'secret-stuff' }, u).code, 'AccessDenied');
    assert.equal(s.fail('s3', 'GetObject', { Bucket: 'secret-stuff', Key: 'k' }, u).code, 'AccessDenied');
  });

  test('wildcards in the middle of actions: iam:Get*Policy covers GetRolePolicy, not GetRole; s3:*Object covers GetObject only among reads', () => {
    const s = new Sim();
    const root = s.root();
    s.role('r', trust({ AWS: rootArn() }), { policy: allow('s3:ListAllMyBuckets') });
    s.ok('s3', 'CreateBucket', { Bucket: 'bkt-mid' }, root);
    s.ok('s3', 'PutObject', { Bucket: 'bkt-mid', Key: 'k', Body: new TextEncoder().encode('x') }, root);
    const u = s.user('u', { policy: allow(['iam:Get*Policy', 's3:*Object']) });
    s.ok('iam', 'GetRolePolicy', { RoleName: 'r', PolicyName: 'p' }, u);
    assert.equal(s.fail('iam', 'GetRole', { RoleName: 'r' }, u).code, 'AccessDenied');
    s.ok('s3', 'GetObject', { Bucket: 'bkt-mid', Key: 'k' }, u);
    assert.equal(s.fail('s3', 'ListObjectsV2', { Bucket: 'bkt-mid' }, u).code, 'AccessDenied');
  });

  test('? matches exactly one character in actions and resources', () => {
    const s = new Sim();
    s.role('ab1', trust({ AWS: rootArn() }));
    s.role('ab12', trust({ AWS: rootArn() }));
    const u = s.user('u', { policy: allow('sts:AssumeRol?', `arn:aws:iam::${A}:role/ab?`) });
    s.assume(u, roleArn('ab1'));
    assertBareAssumeDenied(s.assumeDenied(u, roleArn('ab12')), userArn('u'), roleArn('ab12'));
  });

  test('wildcards in the middle of ARNs: role/app-*-prod matches app-x-prod, not app-x-dev; account wildcard stays in its segment', () => {
    const s = new Sim();
    s.role('app-x-prod', trust({ AWS: rootArn() }));
    s.role('app-x-dev', trust({ AWS: rootArn() }));
    const u = s.user('u', { policy: allow('sts:AssumeRole', 'arn:aws:iam::*:role/app-*-prod') });
    s.assume(u, roleArn('app-x-prod'));
    assertBareAssumeDenied(s.assumeDenied(u, roleArn('app-x-dev')), userArn('u'), roleArn('app-x-dev'));
  });

  test('a Resource wildcard cannot cross the account segment: arn:aws:iam::1111*:role/* is not arn:aws:iam::*', () => {
    const s = new Sim();
    const r = s.role('x', trust({ AWS: rootArn(A) }), { acct: B });
    const u = s.user('u', { policy: allow('sts:AssumeRole', `arn:aws:iam::${A}:role/*`) });
    assertBareAssumeDenied(s.assumeDenied(u, r), userArn('u'), r);
  });

  test('resources are case-sensitive: Resource arn:aws:s3:::Bucket does not grant bucket', () => {
    const s = new Sim();
    s.ok('s3', 'CreateBucket', { Bucket: 'bucket-case' }, s.root());
    const u = s.user('u', { policy: allow('s3:ListBucket', 'arn:aws:s3:::Bucket-Case') });
    assert.equal(s.fail('s3', 'ListObjectsV2', { Bucket: 'bucket-case' }, u).code, 'AccessDenied');
  });
});

describe('S3: wildcard-only ListAllMyBuckets and bucket policies (§4.4, §9.1, §4.2)', () => {
  test('ListAllMyBuckets: a bucket-specific ARN or bucket/* does not grant it; * and arn:aws:s3:::* do', () => {
    const s = new Sim();
    s.ok('s3', 'CreateBucket', { Bucket: 'only-this' }, s.root());
    const specific = s.user('specific', { policy: allow('s3:ListAllMyBuckets', ['arn:aws:s3:::only-this', 'arn:aws:s3:::only-this/*']) });
    assert.equal(s.fail('s3', 'ListBuckets', {}, specific).code, 'AccessDenied');
    const star = s.user('star', { policy: allow('s3:ListAllMyBuckets', '*') });
    s.ok('s3', 'ListBuckets', {}, star);
    const s3star = s.user('s3star', { policy: allow('s3:ListAllMyBuckets', 'arn:aws:s3:::*') });
    s.ok('s3', 'ListBuckets', {}, s3star);
  });

  test('bucket policy in the same account naming only the account root does not grant a user without identity policy', () => {
    const s = new Sim();
    const root = s.root();
    s.ok('s3', 'CreateBucket', { Bucket: 'acct-bucket' }, root);
    s.ok('s3', 'PutBucketPolicy', { Bucket: 'acct-bucket', Policy: JSON.stringify(stmts({ Effect: 'Allow', Principal: { AWS: rootArn() }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acct-bucket' })) }, root);
    const u = s.user('u');
    assert.equal(s.fail('s3', 'ListObjectsV2', { Bucket: 'acct-bucket' }, u).code, 'AccessDenied');
  });

  test('cross-account bucket policy naming the user: denied without identity allow, allowed with it', () => {
    const s = new Sim();
    s.ok('s3', 'CreateBucket', { Bucket: 'b-bucket' }, s.root(B));
    const alice = s.user('alice');
    s.ok('s3', 'PutBucketPolicy', { Bucket: 'b-bucket', Policy: JSON.stringify(stmts({ Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b-bucket' })) }, s.root(B));
    const e = s.fail('s3', 'ListObjectsV2', { Bucket: 'b-bucket' }, alice);
    assert.equal(e.code, 'AccessDenied');
    assert.equal(e.message, 'Access Denied', 'cross-account S3 denials carry no context (§9.2)');
    s.ok('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:ListBucket', 'arn:aws:s3:::b-bucket')) }, s.root());
    s.ok('s3', 'ListObjectsV2', { Bucket: 'b-bucket' }, alice);
  });

  test('cross-account: identity allows, bucket has no policy → denied (the owner must allow too)', () => {
    const s = new Sim();
    s.ok('s3', 'CreateBucket', { Bucket: 'b-nopolicy' }, s.root(B));
    const alice = s.user('alice', { policy: allow('s3:*') });
    assert.equal(s.fail('s3', 'ListObjectsV2', { Bucket: 'b-nopolicy' }, alice).code, 'AccessDenied');
  });

  test('bucket policy naming the role ARN is limited by the session policy; naming the session ARN is not (§1.4, §4.2)', () => {
    const s = new Sim();
    const root = s.root();
    const alice = s.user('alice');
    const r = s.role('reader', trust({ AWS: userArn('alice') }));
    s.ok('s3', 'CreateBucket', { Bucket: 'role-bucket' }, root);
    s.ok('s3', 'PutBucketPolicy', { Bucket: 'role-bucket', Policy: JSON.stringify(stmts({ Effect: 'Allow', Principal: { AWS: r }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::role-bucket' })) }, root);
    const plain = s.assume(alice, r, {}, 'plain');
    s.ok('s3', 'ListObjectsV2', { Bucket: 'role-bucket' }, plain);
    const limited = s.assume(alice, r, { Policy: JSON.stringify(allow('ec2:DescribeInstances')) }, 'limited');
    assert.equal(s.fail('s3', 'ListObjectsV2', { Bucket: 'role-bucket' }, limited).code, 'AccessDenied');
    s.ok('s3', 'PutBucketPolicy', { Bucket: 'role-bucket', Policy: JSON.stringify(stmts({ Effect: 'Allow', Principal: { AWS: sessArn('reader', 'limited') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::role-bucket' })) }, root);
    s.ok('s3', 'ListObjectsV2', { Bucket: 'role-bucket' }, limited);
  });
});

describe('MFA conditions for long-term keys (§4.6 MFA patterns, gotcha 11)', () => {
  const base = (deny: Record<string, unknown>) =>
    stmts({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*', Condition: deny });

  test('Deny + Bool aws:MultiFactorAuthPresent false does NOT deny access-key requests (key absent)', () => {
    const s = new Sim();
    const u = s.user('u', { policy: base({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }) });
    s.ok('s3', 'ListBuckets', {}, u);
  });

  test('Deny + BoolIfExists aws:MultiFactorAuthPresent false DOES deny access-key requests', () => {
    const s = new Sim();
    const u = s.user('u', { policy: base({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }) });
    const e = s.fail('s3', 'ListBuckets', {}, u);
    assert.equal(e.code, 'AccessDenied');
    assert.equal(e.explanation?.reason, 'explicit-deny');
  });

  test('Deny + Bool false DOES deny a role session without MFA (key present, false); condition key names ignore case', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: base({ Bool: { 'AWS:multifactorauthpresent': false } }) });
    const sess = s.assume(alice, r);
    assert.equal(s.fail('s3', 'ListBuckets', {}, sess).code, 'AccessDenied');
  });

  test('Allow + Bool MultiFactorAuthPresent true in a trust policy denies long-term keys without MFA', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }));
    assertBareAssumeDenied(s.assumeDenied(alice, r), userArn('alice'), r);
  });

  test('GetSessionToken without MFA gives MultiFactorAuthPresent=false: Deny + Bool false now denies', () => {
    const s = new Sim();
    const u = s.user('u', { policy: base({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }) });
    const gst = s.tempCreds(s.ok('sts', 'GetSessionToken', {}, u));
    assert.equal(s.fail('s3', 'ListBuckets', {}, gst).code, 'AccessDenied');
  });
});

describe('credentials: expiry, revocation, keys (§1.11, §3.2, §3.3)', () => {
  test('expired session credentials: ExpiredToken on STS/IAM (403) and S3 (400) once the clock passes Expiration', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow('*') });
    const sess = s.assume(alice, r, { DurationSeconds: 900 });
    s.w.clock.advance(899_000);
    s.ok('sts', 'GetCallerIdentity', {}, sess);
    s.w.clock.advance(1_000);
    const e = s.fail('sts', 'GetCallerIdentity', {}, sess);
    assert.deepEqual([e.code, e.status, e.message], ['ExpiredToken', 403, 'The security token included in the request is expired']);
    const e3 = s.fail('s3', 'ListBuckets', {}, sess);
    assert.deepEqual([e3.code, e3.status, e3.message], ['ExpiredToken', 400, 'The provided token has expired.']);
    assert.equal(s.w.whoIs(sess), undefined);
  });

  test('AWSRevokeOlderSessions denies sessions issued before revocation (also their AssumeRole), not later ones', () => {
    const s = new Sim();
    const root = s.root();
    const alice = s.user('alice');
    const target = s.role('target', trust({ AWS: sessArn('r', 'old') }));
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow('*') });
    const old = s.assume(alice, r, {}, 'old');
    s.w.clock.advance(60_000);
    // what the console writes (reference: "Revoke active sessions")
    const now = s.w.clock.now().toISOString();
    s.ok(
      'iam',
      'PutRolePolicy',
      {
        RoleName: 'r',
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: JSON.stringify(stmts({ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': now } } })),
      },
      root,
    );
    assert.equal(s.fail('s3', 'ListBuckets', {}, old).explanation?.reason, 'explicit-deny');
    // an explicit deny in the session's own policies wins even over a trust naming the session directly
    assertBareAssumeDenied(s.assumeDenied(old, target), sessArn('r', 'old'), target);
    s.w.clock.advance(1_000);
    const fresh = s.assume(alice, r, {}, 'fresh');
    s.ok('s3', 'ListBuckets', {}, fresh);
  });

  test('inactive access key: InvalidClientTokenId on every STS/IAM call, even GetCallerIdentity', () => {
    const s = new Sim();
    const root = s.root();
    const u = s.user('u', { policy: allow('*') });
    s.ok('iam', 'UpdateAccessKey', { UserName: 'u', AccessKeyId: u.accessKeyId, Status: 'Inactive' }, root);
    for (const [svc, op] of [['sts', 'GetCallerIdentity'], ['iam', 'ListUsers']] as const) {
      const e = s.fail(svc, op, {}, u);
      assert.deepEqual([e.code, e.status, e.message], ['InvalidClientTokenId', 403, 'The security token included in the request is invalid']);
    }
    assert.equal(s.fail('s3', 'ListBuckets', {}, u).code, 'InvalidAccessKeyId');
  });

  test('wrong secret: SignatureDoesNotMatch, never an allow', () => {
    const s = new Sim();
    const u = s.user('u', { policy: allow('*') });
    const bad = { ...u, secretAccessKey: u.secretAccessKey.slice(0, -1) + (u.secretAccessKey.endsWith('A') ? 'B' : 'A') };
    const e = s.fail('sts', 'GetCallerIdentity', {}, bad);
    assert.equal(e.code, 'SignatureDoesNotMatch');
    assert.equal(e.status, 403);
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }));
    const sess = s.assume(alice, r);
    assert.equal(s.fail('sts', 'GetCallerIdentity', {}, { ...sess, secretAccessKey: 'x'.repeat(40) }).code, 'SignatureDoesNotMatch');
  });

  test('GetSessionToken credentials: no IAM without MFA (InvalidClientTokenId), no GetFederationToken, but AssumeRole works', () => {
    const s = new Sim();
    const alice = s.user('alice', { policy: allow('*') });
    const gst = s.tempCreds(s.ok('sts', 'GetSessionToken', {}, alice));
    const e = s.fail('iam', 'ListUsers', {}, gst);
    assert.deepEqual([e.code, e.status], ['InvalidClientTokenId', 403]);
    const f = s.fail('sts', 'GetFederationToken', { Name: 'bob' }, gst);
    assert.deepEqual([f.code, f.message], ['AccessDenied', 'Cannot call GetFederationToken with session credentials']);
    const g = s.fail('sts', 'GetSessionToken', {}, gst);
    assert.deepEqual([g.code, g.message], ['AccessDenied', 'Cannot call GetSessionToken with session credentials']);
    const r = s.role('r', trust({ AWS: userArn('alice') }));
    s.assume(gst, r);
  });

  test('GetFederationToken: without a session policy the federated user can do nothing, even as an admin user', () => {
    const s = new Sim();
    const admin = s.user('admin', { policy: allow('*') });
    const fed = s.tempCreds(s.ok('sts', 'GetFederationToken', { Name: 'bob' }, admin));
    assert.equal(s.fail('s3', 'ListBuckets', {}, fed).code, 'AccessDenied');
    assert.equal(s.fail('ec2', 'DescribeInstances', {}, fed).code, 'UnauthorizedOperation');
    assert.equal(s.fail('iam', 'ListUsers', {}, fed).code, 'InvalidClientTokenId');
    const r = s.role('r', trust({ AWS: rootArn() }));
    assert.equal(s.assumeDenied(fed, r).code, 'AccessDenied');
    // GetCallerIdentity still works
    assert.equal(s.ok('sts', 'GetCallerIdentity', {}, fed)['Arn'], `arn:aws:sts::${A}:federated-user/bob`);
  });

  test('GetFederationToken session policy ∩ user policy: neither side alone grants', () => {
    const s = new Sim();
    const u = s.user('u', { policy: allow(['s3:ListAllMyBuckets', 'sts:GetFederationToken']) });
    const fed = s.tempCreds(s.ok('sts', 'GetFederationToken', { Name: 'bob', Policy: JSON.stringify(allow(['s3:*', 'ec2:*'])) }, u));
    s.ok('s3', 'ListBuckets', {}, fed);
    assert.equal(s.fail('ec2', 'DescribeInstances', {}, fed).code, 'UnauthorizedOperation');
  });

  test('GetCallerIdentity cannot be denied by policy (§3.1), for users and role sessions', () => {
    const s = new Sim();
    const deny = stmts({ Effect: 'Deny', Action: '*', Resource: '*' });
    const u = s.user('u', { policy: deny });
    s.ok('sts', 'GetCallerIdentity', {}, u);
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: deny });
    s.ok('sts', 'GetCallerIdentity', {}, s.assume(alice, r));
  });
});

describe('the AWS "force MFA" policy pattern (IAM User Guide: reference_policies_examples_iam_mfa-selfmanage)', () => {
  test('long-term keys: everything but the listed self-service actions is denied; GetSessionToken with MFA lifts it', () => {
    const s = new Sim();
    const root = s.root();
    const policy = stmts(
      { Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 'iam:ListMFADevices'], Resource: '*' },
      {
        Sid: 'DenyAllExceptListedIfNoMFA',
        Effect: 'Deny',
        NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:GetUser', 'iam:ListMFADevices', 'iam:ListVirtualMFADevices', 'iam:ResyncMFADevice', 'sts:GetSessionToken'],
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    );
    const u = s.user('u', { policy });
    const dev = s.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'u' }, root)['VirtualMFADevice'] as Record<string, string>;
    const serial = dev['SerialNumber']!;
    s.ok('iam', 'EnableMFADevice', { UserName: 'u', SerialNumber: serial, AuthenticationCode1: s.w.mfaCode(serial, -1), AuthenticationCode2: s.w.mfaCode(serial, 0) }, root);
    const e = s.fail('s3', 'ListBuckets', {}, u);
    assert.equal(e.explanation?.reason, 'explicit-deny');
    assert.equal(e.explanation?.deciding[0]?.sid, 'DenyAllExceptListedIfNoMFA');
    s.ok('iam', 'ListMFADevices', { UserName: 'u' }, u);
    s.w.clock.advance(30_000);
    const noMfa = s.tempCreds(s.ok('sts', 'GetSessionToken', {}, u));
    assert.equal(s.fail('s3', 'ListBuckets', {}, noMfa).code, 'AccessDenied', 'GetSessionToken without MFA: MultiFactorAuthPresent=false');
    const mfa = s.tempCreds(s.ok('sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: s.w.mfaCode(serial) }, u));
    s.ok('s3', 'ListBuckets', {}, mfa);
  });
});

describe('the check APIs agree with the calls (World.decide / World.canAssume)', () => {
  test('decide and canAssume give the same decision as the real call for a matrix of callers and targets', () => {
    const s = new Sim();
    const root = s.root();
    const alice = s.user('alice', { policy: allow(['sts:AssumeRole', 's3:ListBucket'], ['arn:aws:iam::*:role/acct-*', 'arn:aws:s3:::own-*']) });
    const bob = s.user('bob');
    const pb = s.ok('iam', 'CreatePolicy', { PolicyName: 'pb', PolicyDocument: JSON.stringify(allow('s3:*')) }, root)['Policy'] as Record<string, string>;
    s.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'bob', PermissionsBoundary: pb['Arn']! }, root);
    const roles = [
      s.role('acct-r', trust({ AWS: rootArn() })),
      s.role('direct-r', trust({ AWS: [userArn('alice'), userArn('bob')] })),
      s.role('acct-x', trust({ AWS: rootArn(A) }), { acct: B }),
      s.role('direct-x', trust({ AWS: userArn('bob') }), { acct: B }),
      roleArn('acct-missing'),
    ];
    s.ok('s3', 'CreateBucket', { Bucket: 'own-bucket' }, root);
    s.ok('s3', 'CreateBucket', { Bucket: 'other-bucket' }, root);
    s.ok('s3', 'PutBucketPolicy', { Bucket: 'other-bucket', Policy: JSON.stringify(stmts({ Effect: 'Allow', Principal: { AWS: userArn('bob') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::other-bucket' })) }, root);
    for (const [name, creds] of [['alice', alice], ['bob', bob]] as const) {
      for (const r of roles) {
        const q = s.w.canAssume({ principal: userArn(name), roleArn: r });
        const call = s.call('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: name }, creds);
        assert.equal(q.decision, call.ok ? 'Allow' : 'Deny', `${name} → ${r}`);
      }
      for (const bucket of ['own-bucket', 'other-bucket']) {
        const q = s.w.decide({ principal: userArn(name), action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` });
        const call = s.call('s3', 'ListObjectsV2', { Bucket: bucket }, creds);
        assert.equal(q.decision, call.ok ? 'Allow' : 'Deny', `${name} → ${bucket}`);
      }
    }
  });
});
