// Adversarial review: output member names and order (the API models' member order, reference §1.9,
// §3.1–3.3, §5.7), which the shell prints as the AWS CLI would.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, Sim, allow, rootArn, sessArn, trust, userArn } from './helpers.js';

describe('IAM role shapes (§5.7)', () => {
  test('CreateRole: model order, no MaxSessionDuration, no RoleLastUsed; Tags/PermissionsBoundary only when set', () => {
    const s = new Sim();
    const out = s.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: rootArn() })), Description: 'd', MaxSessionDuration: 7200 }, s.root());
    const role = out['Role'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['Role']);
    assert.deepEqual(Object.keys(role), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'Description']);
    assert.ok(role['CreateDate'] instanceof Date);
    assert.match(String(role['RoleId']), /^AROA[A-Z2-7]{17}$/);
  });

  test('GetRole: model order incl. MaxSessionDuration, PermissionsBoundary, Tags, RoleLastUsed (empty before first use)', () => {
    const s = new Sim();
    const root = s.root();
    s.ok(
      'iam',
      'CreateRole',
      {
        RoleName: 'r',
        AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: rootArn() })),
        Description: 'd',
        PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        Tags: [{ Key: 'team', Value: 'x' }],
      },
      root,
    );
    const role = s.ok('iam', 'GetRole', { RoleName: 'r' }, root)['Role'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(role), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'Description', 'MaxSessionDuration', 'PermissionsBoundary', 'Tags', 'RoleLastUsed']);
    assert.equal(role['MaxSessionDuration'], 3600);
    assert.deepEqual(role['PermissionsBoundary'], { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    assert.deepEqual(role['RoleLastUsed'], {});
    // documents come back decoded (the wire layer URL-encodes them), exactly as saved
    assert.equal(role['AssumeRolePolicyDocument'], JSON.stringify(trust({ AWS: rootArn() })));
  });

  test('ListRoles: no PermissionsBoundary, RoleLastUsed or Tags, even when set', () => {
    const s = new Sim();
    const root = s.root();
    s.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: rootArn() })), PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess', Tags: [{ Key: 'k', Value: 'v' }] }, root);
    const out = s.ok('iam', 'ListRoles', {}, root);
    assert.deepEqual(Object.keys(out), ['Roles', 'IsTruncated']);
    const role = (out['Roles'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(role), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'MaxSessionDuration']);
  });
});

describe('STS shapes (§1.9, §3.1–3.3)', () => {
  test('AssumeRole: Credentials then AssumedRoleUser; no PackedPolicySize without policies/tags; ASIA key; whole-second Expiration', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }));
    const out = s.ok('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'lab' }, alice);
    assert.deepEqual(Object.keys(out), ['Credentials', 'AssumedRoleUser']);
    const c = out['Credentials'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(c), ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    assert.match(String(c['AccessKeyId']), /^ASIA[A-Z2-7]{16}$/);
    assert.equal(String(c['SecretAccessKey']).length, 40);
    assert.ok(c['Expiration'] instanceof Date);
    assert.equal((c['Expiration'] as Date).getTime() % 1000, 0);
    const u = out['AssumedRoleUser'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(u), ['AssumedRoleId', 'Arn']);
    assert.match(String(u['AssumedRoleId']), /^AROA[A-Z2-7]{17}:lab$/);
    assert.equal(u['Arn'], sessArn('r'));
  });

  test('AssumeRole: PackedPolicySize present (after AssumedRoleUser) when a Policy, PolicyArns or Tags are passed', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', stmts2(userArn('alice')), { policy: allow('*') });
    for (const extra of [
      { Policy: JSON.stringify(allow('s3:*')) },
      { PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] },
      { Tags: [{ Key: 'project', Value: 'x' }] },
    ]) {
      const out = s.ok('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'lab', ...extra }, alice);
      assert.deepEqual(Object.keys(out), ['Credentials', 'AssumedRoleUser', 'PackedPolicySize'], JSON.stringify(extra));
      assert.equal(typeof out['PackedPolicySize'], 'number');
    }
  });

  test('GetCallerIdentity: UserId, Account, Arn for user, root, role session, federated user, GetSessionToken creds', () => {
    const s = new Sim();
    const root = s.root();
    const alice = s.user('alice', { policy: allow('sts:GetFederationToken') });
    const aliceId = (s.ok('iam', 'GetUser', { UserName: 'alice' }, root)['User'] as Record<string, string>)['UserId']!;
    const gci = (c: Parameters<Sim['ok']>[3]) => s.ok('sts', 'GetCallerIdentity', {}, c);
    const u = gci(alice);
    assert.deepEqual(Object.keys(u), ['UserId', 'Account', 'Arn']);
    assert.deepEqual(u, { UserId: aliceId, Account: A, Arn: userArn('alice') });
    assert.deepEqual(gci(root), { UserId: A, Account: A, Arn: rootArn() });
    const r = s.role('r', trust({ AWS: userArn('alice') }));
    const roleId = (s.ok('iam', 'GetRole', { RoleName: 'r' }, root)['Role'] as Record<string, string>)['RoleId']!;
    assert.deepEqual(gci(s.assume(alice, r)), { UserId: `${roleId}:lab`, Account: A, Arn: sessArn('r') });
    const fed = s.tempCreds(s.ok('sts', 'GetFederationToken', { Name: 'Bob' }, alice));
    assert.deepEqual(gci(fed), { UserId: `${A}:Bob`, Account: A, Arn: `arn:aws:sts::${A}:federated-user/Bob` });
    const gst = s.tempCreds(s.ok('sts', 'GetSessionToken', {}, alice));
    assert.deepEqual(gci(gst), { UserId: aliceId, Account: A, Arn: userArn('alice') });
  });

  test('GetSessionToken: only Credentials (ASIA, default 12 h); GetFederationToken: Credentials, FederatedUser, PackedPolicySize', () => {
    const s = new Sim();
    const alice = s.user('alice', { policy: allow('sts:GetFederationToken') });
    const now = s.w.clock.now().getTime();
    const gst = s.ok('sts', 'GetSessionToken', {}, alice);
    assert.deepEqual(Object.keys(gst), ['Credentials']);
    const c = gst['Credentials'] as Record<string, unknown>;
    assert.match(String(c['AccessKeyId']), /^ASIA/);
    assert.equal((c['Expiration'] as Date).getTime() - Math.floor(now / 1000) * 1000, 43200 * 1000);
    const fed = s.ok('sts', 'GetFederationToken', { Name: 'Bob', Policy: JSON.stringify(allow('s3:*')) }, alice);
    assert.deepEqual(Object.keys(fed), ['Credentials', 'FederatedUser', 'PackedPolicySize']);
    assert.deepEqual(fed['FederatedUser'], { FederatedUserId: `${A}:Bob`, Arn: `arn:aws:sts::${A}:federated-user/Bob` });
  });
});

function stmts2(user: string) {
  // trust that also allows session tags, so the Tags case above is authorized
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: user }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
}
