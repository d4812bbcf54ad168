// sts:AssumeRole end to end through SimBackend: the decision matrix of the reference (§2.2),
// the gotchas it lists (§11), parameters, validation texts, durations, MFA, ExternalId,
// session policies, tags, source identity and the response shape (§1.9).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, A, B, trust, allow, deny, userArn, roleArn, rootArn, POLICY, assumeDenied } from './helpers.js';

const ASSUME_ANY = allow('sts:AssumeRole');

describe('decision matrix (reference §2.2), caller alice, end to end', () => {
  test('row 1: trust names alice, no identity policy → allowed', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: userArn('alice') }));
    const s = l.assume(alice, r);
    assert.equal(l.whoami(s), `arn:aws:sts::${A}:assumed-role/r/lab`);
  });

  test('row 2: trust names the account root ARN, no identity policy → denied (implicit), same bare text', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: rootArn() }));
    assumeDenied(l, alice, r, userArn('alice'));
    const res = l.call('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'lab' }, alice);
    assert.equal(res.explanation?.decision, 'Deny');
    assert.equal(res.explanation?.reason, 'implicit-deny');
    assert.deepEqual(res.explanation?.deniedBy, ['identity']);
  });

  test('row 3: trust names the bare account id, no identity policy → denied', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: A }));
    assumeDenied(l, alice, r, userArn('alice'));
  });

  test('row 4: account in trust + identity Allow (role ARN or *) → allowed', () => {
    const l = new Lab();
    const r = l.role('r', trust({ AWS: rootArn() }));
    const r2 = l.role('r2', trust({ AWS: A }));
    const alice = l.user('alice', A, { inline: allow('sts:AssumeRole', r) });
    const bob = l.user('bob', A, { inline: ASSUME_ANY });
    l.assume(alice, r);
    l.assume(bob, r2);
    assumeDenied(l, alice, r2, userArn('alice')); // alice's Allow names r only
  });

  test('row 5: trust names bob only, alice has identity Allow → denied (trust must allow)', () => {
    const l = new Lab();
    l.user('bob');
    const alice = l.user('alice', A, { inline: ASSUME_ANY });
    const r = l.role('r', trust({ AWS: userArn('bob') }));
    assumeDenied(l, alice, r, userArn('alice'));
    const e = l.call('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1' }, alice).explanation!;
    assert.deepEqual(e.deniedBy, ['trust']);
  });

  test('row 6: account Allow + trust Deny for alice → explicit deny even with identity Allow', () => {
    const l = new Lab();
    const alice = l.user('alice', A, { inline: ASSUME_ANY });
    const bob = l.user('bob', A, { inline: ASSUME_ANY });
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: rootArn() }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { AWS: userArn('alice') }, Action: 'sts:AssumeRole' },
      ],
    };
    const r = l.role('r', doc);
    assumeDenied(l, alice, r, userArn('alice'));
    const e = l.call('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1' }, alice).explanation!;
    assert.equal(e.reason, 'explicit-deny');
    assert.deepEqual(e.deniedBy, ['trust']);
    l.assume(bob, r);
  });

  test('row 7: trust names alice, identity explicitly denies sts:AssumeRole → explicit deny', () => {
    const l = new Lab();
    const alice = l.user('alice', A, { inline: deny('sts:AssumeRole') });
    const r = l.role('r', trust({ AWS: userArn('alice') }));
    assumeDenied(l, alice, r, userArn('alice'));
    const e = l.call('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1' }, alice).explanation!;
    assert.equal(e.reason, 'explicit-deny');
    assert.deepEqual(e.deniedBy, ['identity']);
  });

  test('row 8: trust names alice, her permissions boundary does not allow sts:AssumeRole → denied', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const p = l.ok('iam', 'CreatePolicy', { PolicyName: 'only-s3', PolicyDocument: JSON.stringify(allow('s3:*')) })['Policy'] as Record<string, string>;
    l.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: p['Arn'] });
    const r = l.role('r', trust({ AWS: userArn('alice') }));
    assumeDenied(l, alice, r, userArn('alice'));
    const e = l.call('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1' }, alice).explanation!;
    assert.deepEqual(e.deniedBy, ['boundary']);
    // a boundary that allows sts:AssumeRole lets it through
    l.ok('iam', 'CreatePolicyVersion', { PolicyArn: p['Arn'], PolicyDocument: JSON.stringify(allow(['s3:*', 'sts:AssumeRole'])), SetAsDefault: true });
    l.assume(alice, r);
  });

  test('row 9: Principal "*" (or AWS "*") with no identity policy → allowed', () => {
    const l = new Lab();
    const alice = l.user('alice');
    l.assume(alice, l.role('r1', trust('*')));
    l.assume(alice, l.role('r2', trust({ AWS: '*' })));
  });

  test('row 10: missing role, ARN typo, wrong case → the same AccessDenied text as any denial', () => {
    const l = new Lab();
    const alice = l.user('alice', A, { inline: ASSUME_ANY });
    l.role('S3Reader', trust({ AWS: userArn('alice') }));
    for (const arn of [roleArn('nope'), roleArn('s3reader'), `arn:aws:iam:${A}:role/S3Reader`, `arn:aws:iam::${A}:role/dev/S3Reader`]) {
      assumeDenied(l, alice, arn, userArn('alice'));
    }
    const e = l.call('sts', 'AssumeRole', { RoleArn: roleArn('nope'), RoleSessionName: 's1' }, alice).explanation!;
    assert.equal(e.decision, 'Deny');
    assert.deepEqual(e.deniedBy, ['trust']);
    assert.match(e.summary, /no role/);
  });

  test('row 11: cross-account — trust names the caller account + identity Allow on the role ARN → allowed; without identity Allow → denied', () => {
    const l = new Lab({ accounts: [A, B] });
    const r = l.role('x', trust({ AWS: rootArn(A) }), { acct: B, attach: [POLICY.s3full] });
    const alice = l.user('alice', A, { inline: allow('sts:AssumeRole', r) });
    const bob = l.user('bob');
    const s = l.assume(alice, r);
    assert.equal(l.whoami(s), `arn:aws:sts::${B}:assumed-role/x/lab`);
    assumeDenied(l, bob, r, userArn('bob'));
    const e = l.call('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1' }, bob).explanation!;
    assert.equal(e.crossAccount, true);
  });

  test('row 12: cross-account trust names alice directly, alice has no identity policy → denied', () => {
    const l = new Lab({ accounts: [A, B] });
    const creds = l.user('alice');
    const r = l.role('x', trust({ AWS: userArn('alice', A) }), { acct: B });
    assumeDenied(l, creds, r, userArn('alice'));
    l.ok('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('sts:AssumeRole', r)) });
    l.assume(creds, r);
  });

  test('row 13: a session of role A assumes role B whose trust names role A: allowed, but limited by A session policy and A boundary', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const ra = l.role('A', trust({ AWS: userArn('alice') }));
    const rb = l.role('B', trust({ AWS: ra }));
    const sa = l.assume(alice, ra);
    const sb = l.assume(sa, rb, 'chain');
    assert.equal(l.whoami(sb), `arn:aws:sts::${A}:assumed-role/B/chain`);
    // A session of A created with a session policy that does not allow sts:AssumeRole → denied
    const limited = l.assume(alice, ra, 'limited', { Policy: JSON.stringify(allow('s3:*')) });
    assumeDenied(l, limited, rb, `arn:aws:sts::${A}:assumed-role/A/limited`);
    // A boundary on role A without sts:AssumeRole → denied
    const p = l.ok('iam', 'CreatePolicy', { PolicyName: 'b', PolicyDocument: JSON.stringify(allow('s3:*')) })['Policy'] as Record<string, string>;
    l.ok('iam', 'PutRolePermissionsBoundary', { RoleName: 'A', PermissionsBoundary: p['Arn'] });
    assumeDenied(l, sa, rb, `arn:aws:sts::${A}:assumed-role/A/lab`);
  });

  test('row 14: a role does not trust itself implicitly; an explicit statement naming it is needed', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const ra = l.role('A', trust({ AWS: userArn('alice') }), { inline: ASSUME_ANY });
    const sa = l.assume(alice, ra);
    assumeDenied(l, sa, ra, `arn:aws:sts::${A}:assumed-role/A/lab`);
    l.ok('iam', 'UpdateAssumeRolePolicy', {
      RoleName: 'A',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: [userArn('alice'), ra] }, Action: 'sts:AssumeRole' }],
      }),
    });
    l.assume(sa, ra, 'again');
  });

  test('row 15: trust conditions are evaluated against the AssumeRole request (SourceIp, CurrentTime, PrincipalTag, RoleSessionName)', () => {
    const l = new Lab();
    const alice = l.user('alice');
    l.ok('iam', 'TagUser', { UserName: 'alice', Tags: [{ Key: 'team', Value: 'blue' }] });
    const ip = l.role('ip', trust({ AWS: userArn('alice') }, { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }));
    assumeDenied(l, alice, ip, userArn('alice')); // the simulated caller is at 127.0.0.1
    const r = l.call('sts', 'AssumeRole', { RoleArn: ip, RoleSessionName: 's1' }, alice, { sourceIp: '203.0.113.7' });
    assert.equal(r.ok, true);
    const time = l.role('t', trust({ AWS: userArn('alice') }, { Condition: { DateLessThan: { 'aws:CurrentTime': '2025-03-01T13:00:00Z' } } }));
    l.assume(alice, time);
    l.w.clock.advance(2 * 3600_000);
    assumeDenied(l, alice, time, userArn('alice'));
    const tag = l.role('tag', trust({ AWS: userArn('alice') }, { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }));
    l.assume(alice, tag);
    const sn = l.role('sn', trust({ AWS: userArn('alice') }, { Condition: { StringLike: { 'sts:RoleSessionName': '${aws:username}' } } }));
    assumeDenied(l, alice, sn, userArn('alice'));
    l.assume(alice, sn, 'alice');
  });
});

describe('gotchas (reference §11) through AssumeRole', () => {
  test('1: naming the user is enough in the same account; naming the account root needs an identity policy', () => {
    const l = new Lab();
    const u = l.user('sts_user');
    const named = l.role('named', trust({ AWS: userArn('sts_user') }));
    const acct = l.role('acct', trust({ AWS: rootArn() }));
    l.assume(u, named);
    assumeDenied(l, u, acct, userArn('sts_user'));
  });

  test('3: root cannot assume roles, even with a trust naming the account', () => {
    const l = new Lab();
    const r = l.role('r', trust({ AWS: rootArn() }));
    const e = l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1' });
    assert.deepEqual([e.code, e.status, e.message], ['AccessDenied', 403, 'Roles may not be assumed by root accounts.']);
  });

  test('4: session ARN drops the role path and lives in sts; AssumedRoleId is AROA…:session; keys are ASIA; aws:PrincipalArn is the role ARN', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('reader', trust({ AWS: userArn('alice') }), { path: '/team/', inline: allow('s3:ListAllMyBuckets', '*', { Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/team/reader` } } }) });
    assert.equal(r, `arn:aws:iam::${A}:role/team/reader`);
    const o = l.ok('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'lab' }, alice);
    const c = o['Credentials'] as Record<string, unknown>;
    const u = o['AssumedRoleUser'] as Record<string, string>;
    assert.match(String(c['AccessKeyId']), /^ASIA[A-Z2-7]{16}$/);
    assert.match(String(c['SecretAccessKey']), /^[A-Za-z0-9+/]{40}$/);
    assert.equal(u['Arn'], `arn:aws:sts::${A}:assumed-role/reader/lab`);
    const roleId = (l.ok('iam', 'GetRole', { RoleName: 'reader' })['Role'] as Record<string, string>)['RoleId']!;
    assert.match(roleId, /^AROA[A-Z2-7]{17}$/);
    assert.equal(u['AssumedRoleId'], `${roleId}:lab`);
    assert.deepEqual(Object.keys(o), ['Credentials', 'AssumedRoleUser']); // no PackedPolicySize without policies/tags
    const s = { accessKeyId: String(c['AccessKeyId']), secretAccessKey: String(c['SecretAccessKey']), sessionToken: String(c['SessionToken']) };
    l.ok('s3', 'ListBuckets', {}, s); // the condition on aws:PrincipalArn = role ARN (with path) matched
    assert.deepEqual(l.ok('sts', 'GetCallerIdentity', {}, s), { UserId: `${roleId}:lab`, Account: A, Arn: `arn:aws:sts::${A}:assumed-role/reader/lab` });
  });

  test('5: sessions lose the user permissions; chaining caps DurationSeconds at 1 hour; MaxSessionDuration', () => {
    const l = new Lab();
    const alice = l.user('alice', A, { inline: allow(['s3:*', 'sts:AssumeRole']) });
    l.ok('s3', 'ListBuckets', {}, alice);
    const ra = l.role('A', trust({ AWS: userArn('alice') }), { max: 43200 });
    const rb = l.role('B', trust({ AWS: ra }), { max: 43200 });
    const sa = l.assume(alice, ra, 'lab', { DurationSeconds: 7200 });
    const e = l.err('s3', 'ListBuckets', {}, sa);
    assert.equal(e.code, 'AccessDenied');
    const chain = l.err('sts', 'AssumeRole', { RoleArn: rb, RoleSessionName: 'c1', DurationSeconds: 3601 }, sa);
    assert.deepEqual([chain.code, chain.status, chain.message], ['ValidationError', 400, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.']);
    l.assume(sa, rb, 'c1', { DurationSeconds: 3600 });
    const short = l.role('short', trust({ AWS: userArn('alice') }));
    const max = l.err('sts', 'AssumeRole', { RoleArn: short, RoleSessionName: 'c1', DurationSeconds: 3601 }, alice);
    assert.deepEqual([max.code, max.status, max.message], ['ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.']);
  });

  test('5b: duration is checked after authorization (a denied caller sees AccessDenied, not the duration error)', () => {
    const l = new Lab();
    const bob = l.user('bob');
    const r = l.role('r', trust({ AWS: rootArn() }));
    const e = l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', DurationSeconds: 40000 }, bob);
    assert.equal(e.code, 'AccessDenied');
  });

  test('6: validation is server-side with AWS template texts (including minimums), joined with "; "', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: userArn('alice') }));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ RoleArn: r, RoleSessionName: 'PowerUser/hjacobs' }, "1 validation error detected: Value 'PowerUser/hjacobs' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
      [{ RoleArn: r, RoleSessionName: 's'.repeat(65) }, `1 validation error detected: Value '${'s'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`],
      [{ RoleArn: r, RoleSessionName: 'a' }, "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"],
      [{ RoleArn: r, RoleSessionName: 'ok', DurationSeconds: 600 }, "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"],
      [{ RoleArn: r, RoleSessionName: 'ok', DurationSeconds: 50000 }, "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"],
      [
        { RoleArn: '', RoleSessionName: 'ok' },
        "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+; Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
      ],
      [{ RoleArn: r }, "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"],
      [{ RoleArn: r, RoleSessionName: 'ok', ExternalId: 'a b' }, "1 validation error detected: Value 'a b' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*"],
      [{ RoleArn: r, RoleSessionName: 'ok', TokenCode: '12345a' }, "1 validation error detected: Value '12345a' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*"],
      [{ RoleArn: r, RoleSessionName: 'ok', SourceIdentity: 'aws:me' }, "1 validation error detected: Value 'aws:me' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
    ];
    for (const [input, message] of cases) {
      const e = l.err('sts', 'AssumeRole', input, alice);
      assert.deepEqual([e.code, e.status, e.message], ['ValidationError', 400, message], JSON.stringify(input));
    }
  });

  test('6b: validation comes before authentication (bad session name with an unknown key → ValidationError)', () => {
    const l = new Lab();
    const e = l.err('sts', 'AssumeRole', { RoleArn: roleArn('r'), RoleSessionName: 'bad name' }, { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x' });
    assert.equal(e.code, 'ValidationError');
  });

  test('9: an explicit Deny anywhere wins; a missing Allow in a session policy is implicit', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: userArn('alice') }), { attach: [POLICY.s3full] });
    const s = l.assume(alice, r, 'lab', { Policy: JSON.stringify(allow('s3:ListBucket', 'arn:aws:s3:::b')) });
    const e = l.call('s3', 'ListBuckets', {}, s);
    assert.equal(e.ok, false);
    assert.equal(e.explanation?.reason, 'implicit-deny');
    assert.deepEqual(e.explanation?.deniedBy, ['session']);
    assert.equal(e.ok ? '' : e.error.message, `User: arn:aws:sts::${A}:assumed-role/r/lab is not authorized to perform: s3:ListAllMyBuckets because no session policy allows the s3:ListAllMyBuckets action`);
  });
});

describe('AssumeRole parameters', () => {
  test('ExternalId: StringEquals in trust needs it; absent key fails StringEquals but passes StringEqualsIfExists', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('third', trust({ AWS: userArn('alice') }, { Condition: { StringEquals: { 'sts:ExternalId': 'Unique-1234' } } }));
    assumeDenied(l, alice, r, userArn('alice'));
    assert.equal(l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', ExternalId: 'wrong-1' }, alice).code, 'AccessDenied');
    l.assume(alice, r, 's1', { ExternalId: 'Unique-1234' });
    const ife = l.role('ife', trust({ AWS: userArn('alice') }, { Condition: { StringEqualsIfExists: { 'sts:ExternalId': 'Unique-1234' } } }));
    l.assume(alice, ife);
  });

  test('MFA: Bool aws:MultiFactorAuthPresent needs SerialNumber+TokenCode; exact failure texts; session carries MFA', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const dev = l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice' })['VirtualMFADevice'] as Record<string, unknown>;
    const serial = String(dev['SerialNumber']);
    assert.equal(serial, `arn:aws:iam::${A}:mfa/alice`);
    assert.ok(dev['Base32StringSeed'] instanceof Uint8Array);
    l.ok('iam', 'EnableMFADevice', { UserName: 'alice', SerialNumber: serial, AuthenticationCode1: l.w.mfaCode(serial, -1), AuthenticationCode2: l.w.mfaCode(serial) });
    const r = l.role('mfa', trust({ AWS: userArn('alice') }, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }), {
      inline: allow('s3:ListAllMyBuckets', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
    });
    assumeDenied(l, alice, r, userArn('alice'));
    const one = l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', SerialNumber: serial }, alice);
    assert.deepEqual([one.code, one.message], ['AccessDenied', 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.']);
    const wrongCode = l.w.mfaCode(serial) === '000000' ? '111111' : '000000';
    const bad = l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', SerialNumber: serial, TokenCode: wrongCode }, alice);
    assert.deepEqual([bad.code, bad.status, bad.message], ['AccessDenied', 403, 'MultiFactorAuthentication failed with invalid MFA one time pass code.']);
    const s = l.assume(alice, r, 's1', { SerialNumber: serial, TokenCode: l.w.mfaCode(serial) });
    l.ok('s3', 'ListBuckets', {}, s); // the session keeps aws:MultiFactorAuthPresent = true
  });

  test('session policies: intersection with the role policies; cannot grant more; MalformedPolicyDocument with position; PackedPolicySize only when passed', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: userArn('alice') }), { attach: [POLICY.s3ro] });
    l.ok('s3', 'CreateBucket', { Bucket: 'lab-bucket' });
    const o = l.ok('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', Policy: JSON.stringify(allow(['s3:ListAllMyBuckets', 'ec2:DescribeInstances'])) }, alice);
    assert.equal(typeof o['PackedPolicySize'], 'number');
    const c = o['Credentials'] as Record<string, string>;
    const s = { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
    l.ok('s3', 'ListBuckets', {}, s);
    assert.equal(l.err('s3', 'ListObjectsV2', { Bucket: 'lab-bucket' }, s).code, 'AccessDenied'); // role allows, session policy does not
    assert.equal(l.err('ec2', 'DescribeInstances', {}, s).code, 'UnauthorizedOperation'); // session allows, role does not
    const bad = l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', Policy: '{\n  "Version": "2012-10-17",\n  "Statement": [\n' }, alice);
    assert.equal(bad.code, 'MalformedPolicyDocument');
    assert.equal(bad.status, 400);
    assert.ok(bad.position && bad.position.line >= 3);
    const big = allow(Array.from({ length: 120 }, (_, i) => `s3:GetObjectVersionTagging${i}`));
    const long = JSON.stringify(big);
    const tooLong = l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', Policy: long }, alice);
    assert.deepEqual([tooLong.code, tooLong.message], ['ValidationError', `1 validation error detected: Value '${long}' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048`]);
    const withArn = l.ok('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', PolicyArns: [{ arn: POLICY.s3ro }] }, alice);
    assert.equal(typeof withArn['PackedPolicySize'], 'number');
  });

  test('session tags need sts:TagSession in the trust; tags become aws:PrincipalTag', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const plain = l.role('plain', trust({ AWS: userArn('alice') }));
    const e = l.err('sts', 'AssumeRole', { RoleArn: plain, RoleSessionName: 's1', Tags: [{ Key: 'project', Value: 'blue' }] }, alice);
    assert.deepEqual([e.code, e.message], ['AccessDenied', `User: ${userArn('alice')} is not authorized to perform: sts:TagSession on resource: ${plain}`]);
    const tagged = l.role('tagged', trust({ AWS: userArn('alice') }, {}, ['sts:AssumeRole', 'sts:TagSession']), {
      inline: allow('s3:ListAllMyBuckets', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/project': 'blue' } } }),
    });
    const o = l.ok('sts', 'AssumeRole', { RoleArn: tagged, RoleSessionName: 's1', Tags: [{ Key: 'project', Value: 'blue' }] }, alice);
    assert.equal(typeof o['PackedPolicySize'], 'number');
    const c = o['Credentials'] as Record<string, string>;
    l.ok('s3', 'ListBuckets', {}, { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! });
    const red = l.assume(alice, tagged, 's2', { Tags: [{ Key: 'project', Value: 'red' }] });
    assert.equal(l.err('s3', 'ListBuckets', {}, red).code, 'AccessDenied');
  });

  test('too many session tag bytes: PackedPolicyTooLarge "Packed size of session tags consumes N% of allotted space."', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('tagged', trust({ AWS: userArn('alice') }, {}, ['sts:AssumeRole', 'sts:TagSession']));
    let x = 12345;
    const rnd = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[(x = (x * 1103515245 + 12345) % 2147483648) % 62]).join('');
    const tags = Array.from({ length: 50 }, () => ({ Key: rnd(100), Value: rnd(200) }));
    const e = l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', Tags: tags }, alice);
    assert.equal(e.code, 'PackedPolicyTooLarge');
    assert.match(e.message, /^Packed size of session tags consumes \d+% of allotted space\.$/);
  });

  test('SourceIdentity needs sts:SetSourceIdentity in the trust and is echoed', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const plain = l.role('plain', trust({ AWS: userArn('alice') }));
    const e = l.err('sts', 'AssumeRole', { RoleArn: plain, RoleSessionName: 's1', SourceIdentity: 'alice' }, alice);
    assert.equal(e.message, `User: ${userArn('alice')} is not authorized to perform: sts:SetSourceIdentity on resource: ${plain}`);
    const si = l.role('si', trust({ AWS: userArn('alice') }, {}, ['sts:AssumeRole', 'sts:SetSourceIdentity']));
    const o = l.ok('sts', 'AssumeRole', { RoleArn: si, RoleSessionName: 's1', SourceIdentity: 'alice' }, alice);
    assert.equal(o['SourceIdentity'], 'alice');
  });

  test('Expiration is issue time + DurationSeconds on the world clock (default 3600)', () => {
    const l = new Lab({ now: '2025-03-01T12:00:00Z' });
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: userArn('alice') }), { max: 7200 });
    const o = l.ok('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1' }, alice);
    assert.deepEqual((o['Credentials'] as Record<string, unknown>)['Expiration'], new Date('2025-03-01T13:00:00Z'));
    const o2 = l.ok('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 's1', DurationSeconds: 7200 }, alice);
    assert.deepEqual((o2['Credentials'] as Record<string, unknown>)['Expiration'], new Date('2025-03-01T14:00:00Z'));
  });

  test('GetRole shows RoleLastUsed after the role is used', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const r = l.role('r', trust({ AWS: userArn('alice') }));
    assert.deepEqual((l.ok('iam', 'GetRole', { RoleName: 'r' })['Role'] as Record<string, unknown>)['RoleLastUsed'], {});
    l.assume(alice, r);
    assert.deepEqual((l.ok('iam', 'GetRole', { RoleName: 'r' })['Role'] as Record<string, unknown>)['RoleLastUsed'], { LastUsedDate: new Date('2025-03-01T12:00:00Z'), Region: 'us-east-1' });
  });
});

describe('resource tags (ABAC)', () => {
  test('the role tags are aws:ResourceTag/* and iam:ResourceTag/* when assuming it and in IAM calls on it', () => {
    const l = new Lab();
    const alice = l.user('alice');
    l.ok('iam', 'TagUser', { UserName: 'alice', Tags: [{ Key: 'project', Value: 'peg' }] });
    const peg = l.ok('iam', 'CreateRole', { RoleName: 'access-peg', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: rootArn() })), Tags: [{ Key: 'project', Value: 'peg' }] });
    l.ok('iam', 'CreateRole', { RoleName: 'access-uni', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: rootArn() })), Tags: [{ Key: 'project', Value: 'uni' }] });
    void peg;
    const cond = { Condition: { StringEquals: { 'iam:ResourceTag/project': '${aws:PrincipalTag/project}' } } };
    l.ok('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'abac', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'iam:GetRole'], Resource: `arn:aws:iam::${A}:role/access-*`, ...cond }] }) });
    l.assume(alice, roleArn('access-peg'));
    assumeDenied(l, alice, roleArn('access-uni'), userArn('alice'));
    l.ok('iam', 'GetRole', { RoleName: 'access-peg' }, alice);
    assert.equal(l.err('iam', 'GetRole', { RoleName: 'access-uni' }, alice).code, 'AccessDenied');
    assert.equal(l.w.canAssume({ principal: userArn('alice'), roleArn: roleArn('access-peg') }).decision, 'Allow');
    assert.equal(l.w.decide({ principal: userArn('alice'), action: 'iam:GetRole', resource: roleArn('access-uni') }).decision, 'Deny');
  });
});

describe('decide / canAssume (questions for checks) agree with the calls', () => {
  test('canAssume matches AssumeRole for users, roles and cross-account', () => {
    const l = new Lab({ accounts: [A, B] });
    l.user('user1');
    l.user('User3', A, { inline: ASSUME_ANY });
    const r = l.role('r', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: rootArn() }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { AWS: userArn('User3') }, Action: 'sts:AssumeRole' },
      ],
    });
    assert.equal(l.w.canAssume({ principal: userArn('user1'), roleArn: r }).decision, 'Deny');
    const u3 = l.w.canAssume({ principal: userArn('User3'), roleArn: r });
    assert.equal(u3.reason, 'explicit-deny');
    assert.deepEqual(u3.deniedBy, ['trust']);
    assert.equal(l.w.canAssume({ principal: rootArn(), roleArn: r }).decision, 'Deny');
    assert.equal(l.w.canAssume({ principal: userArn('nobody'), roleArn: r }).decision, 'Deny');
    assert.equal(l.w.decide({ principal: userArn('User3'), action: 'sts:AssumeRole', resource: r }).reason, 'explicit-deny');
    assert.equal(l.w.decide({ principal: rootArn(), action: 's3:ListAllMyBuckets', resource: '*' }).decision, 'Allow');
    assert.equal(l.w.decide({ principal: userArn('user1'), action: 's3:ListAllMyBuckets', resource: '*' }).decision, 'Deny');
  });
});
