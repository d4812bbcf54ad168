// Authentication of every call (reference §1.11, §9.3): unknown, inactive, mismatched and
// expired credentials, per-service codes/statuses/texts, and what temporary credentials may call.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceName } from '../../src/backend/types.js';
import { Lab, A, trust, allow, userArn } from './helpers.js';

const PROBE: Array<[ServiceName, string]> = [
  ['sts', 'GetCallerIdentity'],
  ['iam', 'ListRoles'],
  ['s3', 'ListBuckets'],
  ['ec2', 'DescribeInstances'],
];

describe('unknown, inactive and mismatched credentials', () => {
  test('unknown access key: InvalidClientTokenId (STS/IAM 403), InvalidAccessKeyId (S3 403), AuthFailure (EC2 401)', () => {
    const l = new Lab();
    const bogus = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const expect: Record<string, [string, number, string]> = {
      sts: ['InvalidClientTokenId', 403, 'The security token included in the request is invalid'],
      iam: ['InvalidClientTokenId', 403, 'The security token included in the request is invalid'],
      s3: ['InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.'],
      ec2: ['AuthFailure', 401, 'AWS was not able to validate the provided access credentials'],
    };
    for (const [svc, op] of PROBE) {
      const e = l.err(svc, op, {}, bogus);
      assert.deepEqual([e.code, e.status, e.message], expect[svc], svc);
    }
  });

  test('wrong secret: SignatureDoesNotMatch with the STS text, and S3 its own text; signatureVerified skips the comparison', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const wrong = { ...alice, secretAccessKey: 'x'.repeat(40) };
    const sts = l.err('sts', 'GetCallerIdentity', {}, wrong);
    assert.deepEqual([sts.code, sts.status, sts.message], [
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ]);
    const s3 = l.err('s3', 'ListBuckets', {}, wrong);
    assert.deepEqual([s3.code, s3.status, s3.message], ['SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.']);
    const verified = l.call('sts', 'GetCallerIdentity', {}, { accessKeyId: alice.accessKeyId, secretAccessKey: '' }, { signatureVerified: true });
    assert.equal(verified.ok, true);
  });

  test('inactive key fails like an unknown one; reactivating works', () => {
    const l = new Lab();
    const alice = l.user('alice');
    l.ok('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Inactive' });
    assert.equal(l.err('sts', 'GetCallerIdentity', {}, alice).code, 'InvalidClientTokenId');
    assert.equal(l.err('s3', 'ListBuckets', {}, alice).code, 'InvalidAccessKeyId');
    l.ok('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Active' });
    assert.equal(l.whoami(alice), userArn('alice'));
  });

  test('deleted key and deleted user: InvalidClientTokenId', () => {
    const l = new Lab();
    const alice = l.user('alice');
    l.ok('iam', 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId });
    assert.equal(l.err('sts', 'GetCallerIdentity', {}, alice).code, 'InvalidClientTokenId');
  });

  test('ASIA key without its session token, or with a wrong one: InvalidClientTokenId (S3: InvalidToken for a wrong token)', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const s = l.assume(alice, l.role('r', trust({ AWS: userArn('alice') })));
    const { sessionToken: _t, ...noToken } = s;
    assert.equal(l.err('sts', 'GetCallerIdentity', {}, noToken).code, 'InvalidClientTokenId');
    assert.equal(l.err('sts', 'GetCallerIdentity', {}, { ...s, sessionToken: 'IQoJbogus' }).code, 'InvalidClientTokenId');
    assert.equal(l.err('s3', 'ListBuckets', {}, { ...s, sessionToken: 'IQoJbogus' }).code, 'InvalidToken');
    // a long-term key sent with a session token is not valid either
    assert.equal(l.err('sts', 'GetCallerIdentity', {}, { ...alice, sessionToken: s.sessionToken! }).code, 'InvalidClientTokenId');
  });

  test('unsigned requests: MissingAuthenticationToken (STS/IAM)', () => {
    const l = new Lab();
    const e = l.err('sts', 'GetCallerIdentity', {}, null);
    assert.deepEqual([e.code, e.status], ['MissingAuthenticationToken', 403]);
  });
});

describe('expiry on the world clock', () => {
  test('session credentials expire exactly at Expiration: ExpiredToken (STS/IAM 403, S3 400)', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: userArn('alice') }), { attach: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
    const s = l.assume(alice, r, 'lab', { DurationSeconds: 900 });
    l.w.clock.advance(899_000);
    assert.equal(l.whoami(s), `arn:aws:sts::${A}:assumed-role/r/lab`);
    l.w.clock.advance(1_000);
    const e = l.err('sts', 'GetCallerIdentity', {}, s);
    assert.deepEqual([e.code, e.status, e.message], ['ExpiredToken', 403, 'The security token included in the request is expired']);
    const i = l.err('iam', 'ListRoles', {}, s);
    assert.deepEqual([i.code, i.status], ['ExpiredToken', 403]);
    const s3 = l.err('s3', 'ListBuckets', {}, s);
    assert.deepEqual([s3.code, s3.status, s3.message], ['ExpiredToken', 400, 'The provided token has expired.']);
    assert.equal(l.w.whoIs(s), undefined);
    // new credentials work again (expired ones cannot be renewed in place)
    const s2 = l.assume(alice, r);
    assert.equal(l.whoami(s2), `arn:aws:sts::${A}:assumed-role/r/lab`);
  });
});

describe('what temporary credentials may call (reference §3.2, §3.3)', () => {
  test('GetSessionToken: long-term only; its creds cannot call IAM without MFA, can AssumeRole (1 h cap) and GetCallerIdentity', () => {
    const l = new Lab();
    const alice = l.user('alice', A, { inline: allow('*') });
    const o = l.ok('sts', 'GetSessionToken', {}, alice);
    assert.deepEqual(Object.keys(o), ['Credentials']);
    const c = o['Credentials'] as Record<string, unknown>;
    assert.match(String(c['AccessKeyId']), /^ASIA/);
    assert.deepEqual(c['Expiration'], new Date(Date.parse('2025-03-01T12:00:00Z') + 43200_000));
    const s = { accessKeyId: String(c['AccessKeyId']), secretAccessKey: String(c['SecretAccessKey']), sessionToken: String(c['SessionToken']) };
    assert.equal(l.whoami(s), userArn('alice'));
    const iam = l.err('iam', 'ListRoles', {}, s);
    assert.deepEqual([iam.code, iam.status, iam.message], ['InvalidClientTokenId', 403, 'The security token included in the request is invalid']);
    l.ok('s3', 'ListBuckets', {}, s);
    const again = l.err('sts', 'GetSessionToken', {}, s);
    assert.deepEqual([again.code, again.status, again.message], ['AccessDenied', 403, 'Cannot call GetSessionToken with session credentials']);
    const r = l.role('r', trust({ AWS: userArn('alice') }), { max: 43200 });
    assert.equal(l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'lab', DurationSeconds: 7200 }, s).code, 'ValidationError');
    l.assume(s, r);
    const fromRole = l.err('sts', 'GetSessionToken', {}, l.assume(alice, r));
    assert.equal(fromRole.message, 'Cannot call GetSessionToken with session credentials');
  });

  test('GetSessionToken with MFA: IAM allowed, aws:MultiFactorAuthPresent true; bad code text', () => {
    const l = new Lab();
    const alice = l.user('alice', A, { inline: allow('iam:*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) });
    const serial = String((l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice' })['VirtualMFADevice'] as Record<string, unknown>)['SerialNumber']);
    l.ok('iam', 'EnableMFADevice', { UserName: 'alice', SerialNumber: serial, AuthenticationCode1: l.w.mfaCode(serial, -1), AuthenticationCode2: l.w.mfaCode(serial) });
    assert.equal(l.err('iam', 'ListRoles', {}, alice).code, 'AccessDenied'); // long-term keys: the key is absent
    const bad = l.err('sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: l.w.mfaCode(serial) === '123456' ? '654321' : '123456' }, alice);
    assert.equal(bad.message, 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
    const c = l.ok('sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: l.w.mfaCode(serial), DurationSeconds: 900 }, alice)['Credentials'] as Record<string, string>;
    const s = { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
    l.ok('iam', 'ListRoles', {}, s);
  });

  test('root GetSessionToken is capped at one hour', () => {
    const l = new Lab();
    const c = l.ok('sts', 'GetSessionToken', { DurationSeconds: 7200 })['Credentials'] as Record<string, unknown>;
    assert.deepEqual(c['Expiration'], new Date(Date.parse('2025-03-01T12:00:00Z') + 3600_000));
  });

  test('GetFederationToken: needs sts:GetFederationToken; no policy → no permissions; intersection; no IAM; only GetCallerIdentity in STS', () => {
    const l = new Lab();
    const bob = l.user('bob', A, { inline: allow(['s3:*', 'sts:GetFederationToken']) });
    const carol = l.user('carol');
    const denied = l.err('sts', 'GetFederationToken', { Name: 'Bob' }, carol);
    assert.equal(denied.message, `User: ${userArn('carol')} is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::${A}:federated-user/Bob because no identity-based policy allows the sts:GetFederationToken action`);
    const o = l.ok('sts', 'GetFederationToken', { Name: 'Bob' }, bob);
    assert.deepEqual(o['FederatedUser'], { FederatedUserId: `${A}:Bob`, Arn: `arn:aws:sts::${A}:federated-user/Bob` });
    assert.equal(typeof o['PackedPolicySize'], 'number');
    const c = o['Credentials'] as Record<string, string>;
    const fed = { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
    assert.deepEqual(l.ok('sts', 'GetCallerIdentity', {}, fed), { UserId: `${A}:Bob`, Account: A, Arn: `arn:aws:sts::${A}:federated-user/Bob` });
    const none = l.call('s3', 'ListBuckets', {}, fed);
    assert.equal(none.ok, false);
    assert.deepEqual(none.explanation?.deniedBy, ['session']);
    const withPolicy = l.ok('sts', 'GetFederationToken', { Name: 'Bob', Policy: JSON.stringify(allow(['s3:ListAllMyBuckets', 'ec2:*'])) }, bob)['Credentials'] as Record<string, string>;
    const fed2 = { accessKeyId: withPolicy['AccessKeyId']!, secretAccessKey: withPolicy['SecretAccessKey']!, sessionToken: withPolicy['SessionToken']! };
    l.ok('s3', 'ListBuckets', {}, fed2);
    assert.equal(l.err('ec2', 'DescribeInstances', {}, fed2).code, 'UnauthorizedOperation'); // bob's policies do not allow ec2
    assert.equal(l.err('iam', 'ListRoles', {}, fed2).code, 'InvalidClientTokenId');
    assert.equal(l.err('sts', 'GetFederationToken', { Name: 'Bob' }, fed2).message, 'Cannot call GetFederationToken with session credentials');
    assert.equal(l.err('sts', 'AssumeRole', { RoleArn: l.role('r', trust('*')), RoleSessionName: 'lab' }, fed2).code, 'AccessDenied');
  });

  test('GetCallerIdentity is never denied by policy (explicit Deny on it) and returns each caller kind', () => {
    const l = new Lab();
    const alice = l.user('alice', A, { inline: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] } });
    const me = l.ok('sts', 'GetCallerIdentity', {}, alice);
    assert.match(String(me['UserId']), /^AIDA[A-Z2-7]{17}$/);
    assert.deepEqual(Object.keys(me), ['UserId', 'Account', 'Arn']);
    assert.deepEqual(l.ok('sts', 'GetCallerIdentity', {}), { UserId: A, Account: A, Arn: `arn:aws:iam::${A}:root` });
  });
});

describe('whoIs and console sign-in', () => {
  test('whoIs describes long-term, session and console credentials; consoleSignIn checks the login profile and password', () => {
    const l = new Lab();
    const alice = l.user('alice');
    assert.deepEqual(l.w.whoIs(alice), { accountId: A, arn: userArn('alice'), userId: l.w.iam.user(A, 'alice')!.id, type: 'IAMUser', credentialKind: 'long-term' });
    const no = l.w.consoleSignIn(A, 'alice');
    assert.equal(no.ok, false);
    l.ok('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'Correct-Horse-9' });
    assert.equal(l.w.consoleSignIn(A, 'alice', 'wrong-Password-1').ok, false);
    const c = l.w.consoleSignIn(A, 'alice', 'Correct-Horse-9');
    assert.ok(c.ok);
    const who = l.w.whoIs(c.credentials)!;
    assert.equal(who.type, 'IAMUser');
    assert.equal(who.credentialKind, 'console');
    assert.equal(who.arn, userArn('alice'));
    assert.equal(l.call('sts', 'GetCallerIdentity', {}, c.credentials, { via: 'console' }).ok, true);
    const ev = l.w.audit.query({ eventName: 'ConsoleLogin' });
    assert.deepEqual(ev.map((e) => e.outcome), ['failure', 'failure', 'success']);
    assert.ok(!JSON.stringify(l.w.audit.events()).includes('Correct-Horse-9'));
    const s = l.assume(c.credentials, l.role('r', trust({ AWS: userArn('alice') })));
    assert.equal(l.w.whoIs(s)!.type, 'AssumedRole');
    assert.equal(l.w.whoIs(s)!.sessionIssuer, `arn:aws:iam::${A}:role/r`);
  });

  test('consoleSignInRoot: root console credentials act as root and cannot switch roles', () => {
    const l = new Lab();
    const c = l.w.consoleSignInRoot(A);
    assert.ok(c.ok);
    const who = l.w.whoIs(c.credentials)!;
    assert.deepEqual([who.type, who.arn, who.credentialKind], ['Root', `arn:aws:iam::${A}:root`, 'console']);
    l.ok('iam', 'CreateUser', { UserName: 'made-in-console' }, c.credentials);
    const r = l.role('r', trust({ AWS: `arn:aws:iam::${A}:root` }));
    assert.equal(l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'root' }, c.credentials).message, 'Roles may not be assumed by root accounts.');
    assert.equal(l.w.consoleSignInRoot('000000000000').ok, false);
  });
});
