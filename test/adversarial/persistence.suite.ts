// Adversarial review: World.toJSON / World.fromJSON keep everything that decides a request.
// A snapshot must be a pure read (saving must not change what the live world answers).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../../src/sim/index.js';
import { Sim, allow, stmts, trust, userArn } from './helpers.js';

const reload = (s: Sim): Sim => new Sim({ world: World.fromJSON(JSON.parse(JSON.stringify(s.w.toJSON()))) });

describe('round trip', () => {
  test('sessions stay valid with their session policy, expiry and identity; audit log equal', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow('*') });
    const sess = s.assume(alice, r, { Policy: JSON.stringify(allow('ec2:*')), DurationSeconds: 1800 });
    const t = reload(s);
    assert.equal(t.w.whoIs(sess)?.arn, s.w.whoIs(sess)?.arn);
    t.ok('ec2', 'DescribeInstances', {}, sess);
    assert.equal(t.fail('s3', 'ListBuckets', {}, sess).code, 'AccessDenied', 'session policy still limits');
    assert.deepEqual(t.w.audit.events().slice(0, s.w.audit.events().length), s.w.audit.events());
    t.w.clock.advance(1800_000);
    assert.equal(t.fail('sts', 'GetCallerIdentity', {}, sess).code, 'ExpiredToken');
  });

  test('a deleted user stays rewritten to its unique id; the re-created user is still not trusted after reload', () => {
    const s = new Sim();
    const root = s.root();
    s.ok('iam', 'CreateUser', { UserName: 'bob' }, root);
    const r = s.role('r', trust({ AWS: userArn('bob') }));
    s.ok('iam', 'DeleteUser', { UserName: 'bob' }, root);
    const t = reload(s);
    const doc = (t.ok('iam', 'GetRole', { RoleName: 'r' }, root)['Role'] as Record<string, string>)['AssumeRolePolicyDocument']!;
    assert.match(doc, /AIDA[A-Z2-7]{17}/);
    const bob2 = t.user('bob');
    assert.equal(t.assumeDenied(bob2, r).code, 'AccessDenied');
  });

  test('revocation (AWSRevokeOlderSessions) still denies old sessions after reload, and new ones still work', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow('*') });
    const old = s.assume(alice, r, {}, 'old');
    s.w.clock.advance(10_000);
    s.ok(
      'iam',
      'PutRolePolicy',
      { RoleName: 'r', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: JSON.stringify(stmts({ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': s.w.clock.now().toISOString() } } })) },
      s.root(),
    );
    s.w.clock.advance(1_000);
    const t = reload(s);
    assert.equal(t.fail('s3', 'ListBuckets', {}, old).code, 'AccessDenied');
    t.ok('s3', 'ListBuckets', {}, t.assume(alice, r, {}, 'new'));
  });

  test(
    'toJSON is a pure read: an expired session answers ExpiredToken before and after saving (and after reload)',
    () => {
      // Reference §1.11: a session token past its Expiration answers ExpiredToken ("The security token included in the
      // request is expired"); STS tokens are self-describing, AWS keeps saying "expired", not "invalid", days later.
      const s = new Sim();
      const alice = s.user('alice');
      const r = s.role('r', trust({ AWS: userArn('alice') }));
      const sess = s.assume(alice, r, { DurationSeconds: 900 });
      s.w.clock.advance(2 * 86_400_000);
      assert.equal(s.fail('sts', 'GetCallerIdentity', {}, sess).code, 'ExpiredToken');
      s.w.toJSON();
      assert.equal(s.fail('sts', 'GetCallerIdentity', {}, sess).code, 'ExpiredToken', 'saving changed the live world');
      assert.equal(reload(s).fail('sts', 'GetCallerIdentity', {}, sess).code, 'ExpiredToken');
    },
  );
});

describe('the audit log never holds secrets (common notes: "Secrets never written to logs")', () => {
  test('no secret key, session token, password, TOTP code or object body in audit events, live or saved', () => {
    const s = new Sim();
    const root = s.root();
    const alice = s.user('alice', { policy: allow('*') });
    s.ok('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'S3cret!Passw0rd' }, root);
    const dev = s.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice' }, root)['VirtualMFADevice'] as Record<string, unknown>;
    const serial = String(dev['SerialNumber']);
    const c1 = s.w.mfaCode(serial, -1);
    const c2 = s.w.mfaCode(serial, 0);
    s.ok('iam', 'EnableMFADevice', { UserName: 'alice', SerialNumber: serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }, root);
    s.w.clock.advance(60_000);
    const code = s.w.mfaCode(serial);
    const gst = s.tempCreds(s.ok('sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: code }, alice));
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow('*') });
    const sess = s.assume(gst, r);
    s.ok('s3', 'CreateBucket', { Bucket: 'audit-bucket' }, sess);
    s.ok('s3', 'PutObject', { Bucket: 'audit-bucket', Key: 'k', Body: new TextEncoder().encode('TOP-SECRET-BODY') }, sess);
    s.fail('sts', 'GetCallerIdentity', {}, { ...alice, secretAccessKey: 'z'.repeat(40) });
    const newKey = s.ok('iam', 'CreateAccessKey', { UserName: 'alice' }, root)['AccessKey'] as Record<string, string>;
    const secrets = [alice.secretAccessKey, gst.secretAccessKey, gst.sessionToken!, sess.secretAccessKey, sess.sessionToken!, newKey['SecretAccessKey']!, 'S3cret!Passw0rd', 'TOP-SECRET-BODY', `"${c1}"`, `"${c2}"`, `"${code}"`, 'z'.repeat(40)]; // TOTP codes as JSON string values
    const live = JSON.stringify(s.w.audit.events());
    const saved = JSON.stringify((s.w.toJSON() as unknown as { audit: unknown }).audit);
    for (const secret of secrets) {
      assert.ok(!live.includes(secret), `live audit holds a secret (${secret.slice(0, 6)}…)`);
      assert.ok(!saved.includes(secret), `saved audit holds a secret (${secret.slice(0, 6)}…)`);
    }
  });
});
