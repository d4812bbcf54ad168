// Questions asked about one exact set of credentials: World.secretFor (what `iamlab serve`
// needs to check a signature) and World.decideAs (what a call with these credentials would
// meet: the session's own session policies, issue time, MFA flag, the limits of temporary
// credentials). Both are side-effect free and not audited; decideAs must agree with the calls.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Credentials } from '../../src/backend/types.js';
import { World, revokeSessionsPolicy, REVOKE_SESSIONS_POLICY_NAME } from '../../src/sim/index.js';
import { Lab, A, B, trust, allow, deny, userArn, roleArn, POLICY } from './helpers.js';

const BUCKET = 'credentials-test-bucket';
const OBJECT = `arn:aws:s3:::${BUCKET}/report.txt`;

/** alice (may assume reader), role reader (S3 read-only), a bucket with one object. */
function setup(): { l: Lab; alice: Credentials; reader: string } {
  const l = new Lab();
  const alice = l.user('alice', A, { inline: allow('sts:AssumeRole', roleArn('reader')) });
  const reader = l.role('reader', trust({ AWS: userArn('alice') }), { attach: [POLICY.s3ro] });
  l.w.addBucket(A, BUCKET, { objects: { 'report.txt': 'numbers' } });
  return { l, alice, reader };
}

/** The world's observable state: snapshot (ids, clock, generators) and audit size. */
function stateOf(w: World): string {
  return JSON.stringify(w.toJSON()) + `|${w.audit.size}`;
}

describe('World.secretFor', () => {
  test('root keys, IAM user keys (active or not) and sessions; undefined for unknown ids', () => {
    const { l, alice, reader } = setup();
    const root = l.w.rootCredentials(A);
    assert.deepEqual(l.w.secretFor(root.accessKeyId), { secretAccessKey: root.secretAccessKey });
    assert.deepEqual(l.w.secretFor(alice.accessKeyId), { secretAccessKey: alice.secretAccessKey });
    l.ok('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Inactive' });
    assert.deepEqual(l.w.secretFor(alice.accessKeyId), { secretAccessKey: alice.secretAccessKey }, 'an inactive key is known (the account itself refuses it)');
    l.ok('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Active' });
    const s = l.assume(alice, reader);
    assert.deepEqual(l.w.secretFor(s.accessKeyId), { secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken });
    const gst = l.ok('sts', 'GetSessionToken', {}, alice)['Credentials'] as Record<string, string>;
    assert.deepEqual(l.w.secretFor(gst['AccessKeyId']!), { secretAccessKey: gst['SecretAccessKey'], sessionToken: gst['SessionToken'] });
    l.ok('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'Passw0rd-Alice' });
    const console = l.w.consoleSignIn(A, 'alice', 'Passw0rd-Alice');
    assert.ok(console.ok);
    assert.deepEqual(l.w.secretFor(console.credentials.accessKeyId), { secretAccessKey: console.credentials.secretAccessKey, sessionToken: console.credentials.sessionToken });
    assert.equal(l.w.secretFor('AKIAIOSFODNN7EXAMPLE'), undefined);
    assert.equal(l.w.secretFor(''), undefined);
    // a deleted key is gone
    l.ok('iam', 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId });
    assert.equal(l.w.secretFor(alice.accessKeyId), undefined);
  });

  test('agrees with every key in the snapshot, also after a save and load; renamed users keep their keys', () => {
    const { l, alice, reader } = setup();
    l.assume(alice, reader);
    l.ok('iam', 'UpdateUser', { UserName: 'alice', NewUserName: 'alicia' });
    assert.deepEqual(l.w.secretFor(alice.accessKeyId), { secretAccessKey: alice.secretAccessKey });
    const snap = l.w.toJSON();
    const loaded = World.fromJSON(JSON.parse(JSON.stringify(snap)));
    let n = 0;
    for (const w of [l.w, loaded]) {
      for (const a of Object.values(snap.accounts)) {
        for (const k of a.rootKeys) assert.deepEqual(w.secretFor(k.id), { secretAccessKey: k.secret }), n++;
        for (const u of Object.values(a.users)) for (const k of u.accessKeys) assert.deepEqual(w.secretFor(k.id), { secretAccessKey: k.secret }), n++;
      }
      for (const s of Object.values(snap.sessions)) assert.deepEqual(w.secretFor(s.accessKeyId), { secretAccessKey: s.secret, sessionToken: s.token }), n++;
    }
    assert.equal(n, 6);
  });

  test('expired sessions keep answering (the account then says ExpiredToken); tombstoned ones do not', () => {
    const { l, alice, reader } = setup();
    const s = l.assume(alice, reader, 'lab', { DurationSeconds: 900 });
    l.w.clock.advance(3600_000);
    assert.deepEqual(l.w.secretFor(s.accessKeyId), { secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken });
    assert.equal(l.err('sts', 'GetCallerIdentity', {}, s).code, 'ExpiredToken');
    l.w.clock.advance(2 * 86_400_000);
    const loaded = World.fromJSON(l.w.toJSON());
    assert.equal(loaded.secretFor(s.accessKeyId), undefined, 'saved without its secret');
  });

  test('asks nothing of the world: no audit event, no state change', () => {
    const { l, alice } = setup();
    const before = stateOf(l.w);
    l.w.secretFor(alice.accessKeyId);
    l.w.secretFor('ASIAXXXXXXXXXXXXXXXX');
    assert.equal(stateOf(l.w), before);
  });
});

describe('World.decideAs', () => {
  test('a session created with a restrictive session policy is denied where decide() on its principal allows', () => {
    const { l, alice, reader } = setup();
    const narrow = l.assume(alice, reader, 'narrow', { Policy: JSON.stringify(allow('s3:ListAllMyBuckets')) });
    const q = { action: 's3:GetObject', resource: OBJECT };
    // the role itself (no session policy) may read the object
    assert.equal(l.w.decide({ principal: reader, ...q }).decision, 'Allow');
    // a newer session with the same name and no session policy: the session ARN now names it
    l.w.clock.advance(1000);
    const wide = l.assume(alice, reader, 'narrow');
    const sessionArn = `arn:aws:sts::${A}:assumed-role/reader/narrow`;
    assert.equal(l.whoami(narrow), sessionArn);
    assert.equal(l.w.decide({ principal: sessionArn, ...q }).decision, 'Allow');
    const e = l.w.decideAs(narrow, q);
    assert.equal(e.decision, 'Deny');
    assert.equal(e.reason, 'implicit-deny');
    assert.deepEqual(e.deniedBy, ['session']);
    assert.equal(e.request.principal, sessionArn);
    assert.ok(e.policies.some((p) => p.kind === 'session'), 'the session policy is in the explanation');
    assert.equal(l.w.decideAs(wide, q).decision, 'Allow');
    assert.equal(l.w.decideAs(narrow, { action: 's3:ListAllMyBuckets', resource: '*' }).decision, 'Allow');
    // and the calls agree
    assert.equal(l.err('s3', 'GetObject', { Bucket: BUCKET, Key: 'report.txt' }, narrow).code, 'AccessDenied');
    assert.ok(l.call('s3', 'GetObject', { Bucket: BUCKET, Key: 'report.txt' }, wide).ok);
  });

  test('the session\'s own issue time: a revoked older session is denied, a newer one allowed', () => {
    const { l, alice, reader } = setup();
    const old = l.assume(alice, reader, 'same');
    l.w.clock.advance(60_000);
    l.ok('iam', 'PutRolePolicy', { RoleName: 'reader', PolicyName: REVOKE_SESSIONS_POLICY_NAME, PolicyDocument: revokeSessionsPolicy(l.w.clock.now()) });
    l.w.clock.advance(1000);
    const fresh = l.assume(alice, reader, 'same');
    const q = { action: 's3:GetObject', resource: OBJECT };
    const e = l.w.decideAs(old, q);
    assert.equal(e.decision, 'Deny');
    assert.equal(e.reason, 'explicit-deny');
    assert.equal(l.w.decideAs(fresh, q).decision, 'Allow');
    assert.equal(l.err('s3', 'GetObject', { Bucket: BUCKET, Key: 'report.txt' }, old).code, 'AccessDenied');
    assert.ok(l.call('s3', 'GetObject', { Bucket: BUCKET, Key: 'report.txt' }, fresh).ok);
  });

  test('the MFA flag: long-term keys lack it, a GetSessionToken session with MFA has it', () => {
    const l = new Lab();
    const bob = l.user('bob', A, { inline: allow('s3:ListAllMyBuckets', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) });
    const dev = l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'bob' })['VirtualMFADevice'] as Record<string, string>;
    const serial = dev['SerialNumber']!;
    l.ok('iam', 'EnableMFADevice', { UserName: 'bob', SerialNumber: serial, AuthenticationCode1: l.w.mfaCode(serial), AuthenticationCode2: l.w.mfaCode(serial, 1) });
    const c = l.ok('sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: l.w.mfaCode(serial) }, bob)['Credentials'] as Record<string, string>;
    const withMfa = { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
    const q = { action: 's3:ListAllMyBuckets', resource: '*' };
    assert.equal(l.w.decideAs(bob, q).decision, 'Deny');
    assert.equal(l.w.decideAs(withMfa, q).decision, 'Allow');
    assert.equal(l.err('s3', 'ListBuckets', {}, bob).code, 'AccessDenied');
    assert.ok(l.call('s3', 'ListBuckets', {}, withMfa).ok);
  });

  test('limits of temporary credentials that come before any policy', () => {
    const l = new Lab();
    const carol = l.user('carol', A);
    l.ok('iam', 'AttachUserPolicy', { UserName: 'carol', PolicyArn: POLICY.admin });
    const c = l.ok('sts', 'GetSessionToken', {}, carol)['Credentials'] as Record<string, string>;
    const noMfa = { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
    const f = l.ok('sts', 'GetFederationToken', { Name: 'fed', Policy: JSON.stringify(allow('*')) }, carol)['Credentials'] as Record<string, string>;
    const fed = { accessKeyId: f['AccessKeyId']!, secretAccessKey: f['SecretAccessKey']!, sessionToken: f['SessionToken']! };
    const listUsers = { action: 'iam:ListUsers', resource: '*' };
    assert.equal(l.w.decideAs(carol, listUsers).decision, 'Allow');
    for (const creds of [noMfa, fed]) {
      const e = l.w.decideAs(creds, listUsers);
      assert.equal(e.decision, 'Deny');
      assert.match(e.summary, /cannot call IAM/);
      assert.equal(l.err('iam', 'ListUsers', {}, creds).code, 'InvalidClientTokenId');
    }
    // the engine alone would allow it: decide() on the user says Allow
    assert.equal(l.w.decide({ principal: userArn('carol'), ...listUsers }).decision, 'Allow');
    // STS calls answered without a policy decision
    const none = l.user('nobody', A, { inline: deny('sts:GetCallerIdentity') });
    assert.equal(l.w.decideAs(none, { action: 'sts:GetCallerIdentity', resource: '*' }).decision, 'Allow');
    assert.ok(l.call('sts', 'GetCallerIdentity', {}, none).ok);
    assert.equal(l.w.decideAs(none, { action: 'sts:GetSessionToken', resource: '*' }).decision, 'Allow');
    assert.equal(l.w.decideAs(noMfa, { action: 'sts:GetSessionToken', resource: '*' }).decision, 'Deny');
    assert.equal(l.err('sts', 'GetSessionToken', {}, noMfa).code, 'AccessDenied');
    assert.equal(l.w.decideAs(noMfa, { action: 'sts:DecodeAuthorizationMessage', resource: '*' }).decision, 'Deny');
    assert.equal(l.err('sts', 'DecodeAuthorizationMessage', { EncodedMessage: 'x' }, noMfa).code, 'AccessDenied');
    // a federated user cannot assume roles
    const r = l.role('any', trust({ AWS: `arn:aws:iam::${A}:root` }));
    assert.equal(l.w.decideAs(fed, { action: 'sts:AssumeRole', resource: r }).decision, 'Deny');
    assert.equal(l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'xy' }, fed).code, 'AccessDenied');
    assert.equal(l.w.decideAs(carol, { action: 'sts:AssumeRole', resource: r }).decision, 'Allow');
  });

  test('sts:AssumeRole is the full AssumeRole decision, with the caller\'s own session', () => {
    const l = new Lab({ accounts: [A, B] });
    const alice = l.user('alice', A, { inline: allow('sts:AssumeRole') });
    const hop = l.role('hop', trust({ AWS: userArn('alice') }), { inline: allow('sts:AssumeRole') });
    const target = l.role('target', trust({ AWS: `arn:aws:iam::${A}:root` }), { acct: B });
    const open = l.assume(alice, hop, 'open');
    const closed = l.assume(alice, hop, 'closed', { Policy: JSON.stringify(allow('s3:*')) });
    assert.equal(l.w.decideAs(open, { action: 'sts:AssumeRole', resource: target }).decision, 'Allow');
    const e = l.w.decideAs(closed, { action: 'sts:AssumeRole', resource: target });
    assert.equal(e.decision, 'Deny');
    assert.deepEqual(e.deniedBy, ['session']);
    assert.equal(l.err('sts', 'AssumeRole', { RoleArn: target, RoleSessionName: 'xy' }, closed).code, 'AccessDenied');
    assert.ok(l.call('sts', 'AssumeRole', { RoleArn: target, RoleSessionName: 'xy' }, open).ok);
    // a role that does not exist
    assert.equal(l.w.decideAs(open, { action: 'sts:AssumeRole', resource: roleArn('nope', B) }).decision, 'Deny');
    // the context may name the session
    const named = l.role('named', trust({ AWS: userArn('alice') }, { Condition: { StringEquals: { 'sts:RoleSessionName': 'alice' } } }));
    assert.equal(l.w.decideAs(alice, { action: 'sts:AssumeRole', resource: named }).decision, 'Allow', 'defaults to the user name');
    assert.equal(l.w.decideAs(alice, { action: 'sts:AssumeRole', resource: named, context: { 'sts:RoleSessionName': 'other' } }).decision, 'Deny');
  });

  test('credentials the account does not accept are denied with the reason', () => {
    const { l, alice, reader } = setup();
    const s = l.assume(alice, reader, 'lab', { DurationSeconds: 900 });
    const q = { action: 's3:GetObject', resource: OBJECT };
    const cases: Array<[Credentials, RegExp]> = [
      [{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }, /does not exist or is inactive/],
      [{ ...alice, secretAccessKey: 'wrong' }, /SignatureDoesNotMatch/],
      [{ ...alice, sessionToken: s.sessionToken! }, /InvalidClientTokenId/],
      [{ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, /session token is missing/],
      [{ accessKeyId: '', secretAccessKey: '' }, /no credentials/],
    ];
    for (const [creds, re] of cases) {
      const e = l.w.decideAs(creds, q);
      assert.equal(e.decision, 'Deny');
      assert.match(e.summary, re);
    }
    l.w.clock.advance(901_000);
    const e = l.w.decideAs(s, q);
    assert.equal(e.decision, 'Deny');
    assert.match(e.summary, /expired \(ExpiredToken\)/);
  });

  test('side-effect free and not audited', () => {
    const { l, alice, reader } = setup();
    const s = l.assume(alice, reader);
    const before = stateOf(l.w);
    const lastUsed = l.w.iam.role(A, 'reader')!.lastUsed;
    for (const creds of [s, alice, l.root, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }]) {
      l.w.decideAs(creds, { action: 's3:GetObject', resource: OBJECT });
      l.w.decideAs(creds, { action: 'sts:AssumeRole', resource: reader });
      l.w.decideAs(creds, { action: 'iam:ListUsers', resource: '*' });
    }
    assert.equal(stateOf(l.w), before);
    assert.deepEqual(l.w.iam.role(A, 'reader')!.lastUsed, lastUsed);
  });

  test('agrees with the calls for every identity and a set of actions', () => {
    const { l, alice, reader } = setup();
    l.ok('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'ec2', PolicyDocument: JSON.stringify(allow(['ec2:DescribeInstances', 'iam:ListRoles'])) });
    const session = l.assume(alice, reader);
    const narrow = l.assume(alice, reader, 'narrow', { Policy: JSON.stringify(allow('s3:ListBucket')) });
    const cases: Array<{ service: 's3' | 'iam' | 'ec2'; op: string; input: Record<string, unknown>; action: string; resource: string }> = [
      { service: 's3', op: 'GetObject', input: { Bucket: BUCKET, Key: 'report.txt' }, action: 's3:GetObject', resource: OBJECT },
      { service: 's3', op: 'ListObjectsV2', input: { Bucket: BUCKET }, action: 's3:ListBucket', resource: `arn:aws:s3:::${BUCKET}` },
      { service: 's3', op: 'ListBuckets', input: {}, action: 's3:ListAllMyBuckets', resource: '*' },
      { service: 'iam', op: 'ListRoles', input: {}, action: 'iam:ListRoles', resource: '*' },
      { service: 'ec2', op: 'DescribeInstances', input: {}, action: 'ec2:DescribeInstances', resource: '*' },
    ];
    for (const [name, creds] of [['root', l.root], ['alice', alice], ['session', session], ['narrow', narrow]] as const) {
      for (const c of cases) {
        const decided = l.w.decideAs(creds, { action: c.action, resource: c.resource }).decision;
        const r = l.call(c.service, c.op, c.input, creds);
        assert.equal(decided === 'Allow', r.ok, `${name} ${c.action}: decideAs says ${decided}, the call ${r.ok ? 'succeeded' : `failed: ${r.error.code}`}`);
      }
    }
  });
});
