// Gotcha 11 end to end: which condition keys the simulated account puts in the request context
// (reference §4.5–§4.7) and how missing keys behave, through real calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, A, trust, allow, userArn } from './helpers.js';

const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

test('MFA patterns: aws:MultiFactorAuthPresent is absent for long-term keys, false/true for temporary credentials', () => {
  const l = new Lab();
  const everything = { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' };
  // Deny + BoolIfExists false: denies long-term keys (absent key → IfExists true) and non-MFA sessions
  const strict = l.user('strict', A, { inline: doc(everything, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }) });
  const d = l.call('s3', 'ListBuckets', {}, strict);
  assert.equal(d.ok, false);
  assert.equal(d.explanation?.reason, 'explicit-deny');
  // Deny + Bool false: does NOT deny long-term keys (absent key → condition false)
  const lax = l.user('lax', A, { inline: doc(everything, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }) });
  l.ok('s3', 'ListBuckets', {}, lax);
  // ...but it does deny a GetSessionToken session without MFA (key present, "false")
  const c = l.ok('sts', 'GetSessionToken', {}, lax)['Credentials'] as Record<string, string>;
  const laxSession = { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
  assert.equal(l.err('s3', 'ListBuckets', {}, laxSession).code, 'AccessDenied');
  // Allow + Bool true: only MFA-authenticated temporary credentials
  const onlyMfa = l.user('onlymfa', A, { inline: allow('s3:ListAllMyBuckets', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) });
  assert.equal(l.err('s3', 'ListBuckets', {}, onlyMfa).code, 'AccessDenied');
  // Allow + BoolIfExists true: long-term keys pass (the console's "MFA required" pattern)
  const ife = l.user('ife', A, { inline: allow('s3:ListAllMyBuckets', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } }) });
  l.ok('s3', 'ListBuckets', {}, ife);
});

test('aws:username exists for IAM users only; ${aws:username} in a role session matches nothing', () => {
  const l = new Lab();
  l.ok('s3', 'CreateBucket', { Bucket: 'home' });
  l.ok('s3', 'PutObject', { Bucket: 'home', Key: 'alice/notes.txt', Body: 'hi' });
  const own = allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*');
  const alice = l.user('alice', A, { inline: own });
  l.ok('s3', 'GetObject', { Bucket: 'home', Key: 'alice/notes.txt' }, alice);
  const r = l.role('r', trust({ AWS: userArn('alice') }), { inline: own });
  const s = l.assume(alice, r, 'alice');
  assert.equal(l.err('s3', 'GetObject', { Bucket: 'home', Key: 'alice/notes.txt' }, s).code, 'AccessDenied');
  // aws:userid for a session is AROA…:session
  const byId = l.role('byid', trust({ AWS: userArn('alice') }), { inline: allow('s3:ListAllMyBuckets', '*', { Condition: { StringLike: { 'aws:userid': 'AROA*:alice' } } }) });
  l.ok('s3', 'ListBuckets', {}, l.assume(alice, byId, 'alice'));
  assert.equal(l.err('s3', 'ListBuckets', {}, l.assume(alice, byId, 'bob')).code, 'AccessDenied');
});

test('aws:SourceIp is 127.0.0.1 unless the request says otherwise; aws:SecureTransport follows the request (default true)', () => {
  const l = new Lab();
  const u = l.user('u', A, {
    inline: doc(
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ),
  });
  l.ok('s3', 'ListBuckets', {}, u);
  assert.equal(l.call('s3', 'ListBuckets', {}, u, { sourceIp: '198.51.100.4' }).ok, false);
  const insecure = l.call('s3', 'ListBuckets', {}, u, { secureTransport: false });
  assert.equal(insecure.ok, false);
  assert.equal(insecure.explanation?.reason, 'explicit-deny');
});

test('aws:RequestedRegion and ec2:Region follow the call region', () => {
  const l = new Lab();
  const u = l.user('u', A, { inline: allow('ec2:DescribeInstances', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }) });
  assert.equal(l.err('ec2', 'DescribeInstances', {}, u).code, 'UnauthorizedOperation');
  assert.equal(l.call('ec2', 'DescribeInstances', {}, u, { region: 'eu-west-1' }).ok, true);
});

test('aws:TokenIssueTime exists for sessions only: the revoke policy spares long-term keys and new sessions', () => {
  const l = new Lab();
  const alice = l.user('alice');
  const revoke = doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': '2025-03-01T12:00:10Z' } } });
  const r = l.role('r', trust({ AWS: userArn('alice') }), { attach: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'], inline: revoke });
  const old = l.assume(alice, r);
  assert.equal(l.err('s3', 'ListBuckets', {}, old).code, 'AccessDenied');
  l.w.clock.advance(11_000);
  l.ok('s3', 'ListBuckets', {}, l.assume(alice, r));
});

test('ForAllValues passes on a missing key; ForAnyValue fails on it (aws:TagKeys at CreateRole)', () => {
  const l = new Lab();
  const u = l.user('u', A, {
    inline: allow(['iam:CreateRole', 'iam:TagRole'], '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } }),
  });
  const t = JSON.stringify(trust({ AWS: `arn:aws:iam::${A}:root` }));
  l.ok('iam', 'CreateRole', { RoleName: 'untagged', AssumeRolePolicyDocument: t }, u);
  l.ok('iam', 'CreateRole', { RoleName: 'team-tagged', AssumeRolePolicyDocument: t, Tags: [{ Key: 'team', Value: 'x' }] }, u);
  assert.equal(l.err('iam', 'CreateRole', { RoleName: 'other-tagged', AssumeRolePolicyDocument: t, Tags: [{ Key: 'cost', Value: 'x' }] }, u).code, 'AccessDenied');
  const any = l.user('any', A, { inline: allow('iam:CreateRole', '*', { Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } } }) });
  assert.equal(l.err('iam', 'CreateRole', { RoleName: 'x1', AssumeRolePolicyDocument: t }, any).code, 'AccessDenied');
});
