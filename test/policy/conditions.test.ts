// Condition operators (reference §4.5): every operator, missing keys, IfExists, set operators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, parseCidr, parseDate } from '../../src/policy/index.js';
import type { ContextValues } from '../../src/policy/types.js';
import { allow, denyDoc, identity, user } from './helpers.js';

const alice = user('alice');

/** Does an Allow with this single condition grant s3:ListAllMyBuckets for this context? */
function holds(op: string, key: string, values: unknown, context: ContextValues = {}): boolean {
  const d = allow('s3:ListAllMyBuckets', '*', { Condition: { [op]: { [key]: values } } });
  return authorize({ request: { principal: alice, action: 's3:ListAllMyBuckets', resource: '*', context }, identity: [identity('p', d)] }).decision === 'Allow';
}

test('StringEquals / StringNotEquals: exact and case-sensitive; several policy values are OR (negated: none may match)', () => {
  assert.equal(holds('StringEquals', 'aws:RequestedRegion', 'us-east-1', { 'aws:RequestedRegion': 'us-east-1' }), true);
  assert.equal(holds('StringEquals', 'aws:RequestedRegion', 'us-east-1', { 'aws:RequestedRegion': 'US-EAST-1' }), false);
  assert.equal(holds('StringEquals', 'aws:RequestedRegion', ['eu-west-1', 'us-east-1'], { 'aws:RequestedRegion': 'us-east-1' }), true);
  assert.equal(holds('StringEquals', 'aws:RequestedRegion', 'us-*', { 'aws:RequestedRegion': 'us-east-1' }), false, 'no wildcards in StringEquals');
  assert.equal(holds('StringNotEquals', 'aws:RequestedRegion', ['eu-west-1', 'us-east-1'], { 'aws:RequestedRegion': 'us-east-1' }), false);
  assert.equal(holds('StringNotEquals', 'aws:RequestedRegion', ['eu-west-1', 'eu-west-2'], { 'aws:RequestedRegion': 'us-east-1' }), true);
});

test('StringEqualsIgnoreCase / StringNotEqualsIgnoreCase', () => {
  assert.equal(holds('StringEqualsIgnoreCase', 'aws:username', 'ALICE', {}), true, 'aws:username filled from the principal');
  assert.equal(holds('StringEqualsIgnoreCase', 'aws:username', 'bob'), false);
  assert.equal(holds('StringNotEqualsIgnoreCase', 'aws:username', 'Alice'), false);
  assert.equal(holds('StringNotEqualsIgnoreCase', 'aws:username', 'bob'), true);
});

test('StringLike / StringNotLike: * and ? anywhere, case-sensitive', () => {
  assert.equal(holds('StringLike', 'aws:PrincipalArn', 'arn:aws:iam::*:user/al*'), true);
  assert.equal(holds('StringLike', 'aws:PrincipalArn', 'arn:aws:iam::*:user/al?ce'), true);
  assert.equal(holds('StringLike', 'aws:PrincipalArn', 'arn:aws:iam::*:user/AL*'), false);
  assert.equal(holds('StringLike', 'aws:PrincipalArn', '*:user/alice'), true, 'StringLike * crosses colons');
  assert.equal(holds('StringNotLike', 'aws:PrincipalArn', ['*:user/bob', '*:role/*']), true);
  assert.equal(holds('StringNotLike', 'aws:PrincipalArn', ['*:user/bob', '*:user/a*']), false);
});

test('Numeric operators compare numbers (integers and decimals)', () => {
  const ctx = { 'aws:MultiFactorAuthAge': '3600' };
  assert.equal(holds('NumericEquals', 'aws:MultiFactorAuthAge', '3600', ctx), true);
  assert.equal(holds('NumericEquals', 'aws:MultiFactorAuthAge', '3600.0', ctx), true);
  assert.equal(holds('NumericNotEquals', 'aws:MultiFactorAuthAge', '3600', ctx), false);
  assert.equal(holds('NumericLessThan', 'aws:MultiFactorAuthAge', '3600', ctx), false);
  assert.equal(holds('NumericLessThanEquals', 'aws:MultiFactorAuthAge', 3600, ctx), true, 'JSON numbers accepted');
  assert.equal(holds('NumericGreaterThan', 'aws:MultiFactorAuthAge', '600', ctx), true);
  assert.equal(holds('NumericGreaterThanEquals', 'aws:MultiFactorAuthAge', '3601', ctx), false);
  assert.equal(holds('NumericLessThan', 'aws:MultiFactorAuthAge', '99999', { 'aws:MultiFactorAuthAge': 'abc' }), false, 'not a number never matches');
  assert.equal(holds('NumericLessThan', 'aws:MultiFactorAuthAge', '10', { 'aws:MultiFactorAuthAge': '9' }), true, 'numeric, not string, order');
});

test('Date operators accept ISO 8601 and epoch seconds on either side', () => {
  const ctx = { 'aws:CurrentTime': '2026-03-01T12:00:00Z' };
  assert.equal(holds('DateGreaterThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z', ctx), true);
  assert.equal(holds('DateLessThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z', ctx), false);
  assert.equal(holds('DateLessThan', 'aws:CurrentTime', '2026-12-31', ctx), true);
  assert.equal(holds('DateEquals', 'aws:CurrentTime', String(Date.parse('2026-03-01T12:00:00Z') / 1000), ctx), true, 'epoch policy value');
  assert.equal(holds('DateNotEquals', 'aws:CurrentTime', '2026-03-01T12:00:00Z', ctx), false);
  assert.equal(holds('DateLessThanEquals', 'aws:CurrentTime', '2026-03-01T12:00:00Z', ctx), true);
  assert.equal(holds('DateGreaterThanEquals', 'aws:EpochTime', '2026-03-01T13:00:00+01:00', { 'aws:EpochTime': String(Date.parse('2026-03-01T12:00:00Z') / 1000) }), true, 'zone offsets and epoch request values');
  assert.equal(parseDate('2026-03-01T12:00:00'), Date.parse('2026-03-01T12:00:00Z'), 'no zone means UTC');
  assert.ok(Number.isNaN(parseDate('yesterday')));
});

test('Bool: "true"/"false" and JSON booleans; aws:MultiFactorAuthPresent is absent for long-term keys', () => {
  assert.equal(holds('Bool', 'aws:MultiFactorAuthPresent', true, { 'aws:MultiFactorAuthPresent': 'true' }), true);
  assert.equal(holds('Bool', 'aws:MultiFactorAuthPresent', 'true', { 'aws:MultiFactorAuthPresent': 'false' }), false);
  assert.equal(holds('Bool', 'aws:SecureTransport', false, { 'aws:SecureTransport': 'false' }), true);
  assert.equal(holds('Bool', 'aws:MultiFactorAuthPresent', 'true', {}), false, 'absent key: positive operator fails');
  assert.equal(holds('BoolIfExists', 'aws:MultiFactorAuthPresent', 'true', {}), true, 'IfExists: absent key passes (access keys)');
  assert.equal(holds('BoolIfExists', 'aws:MultiFactorAuthPresent', 'true', { 'aws:MultiFactorAuthPresent': 'false' }), false);
});

test('BinaryEquals compares base64 values', () => {
  assert.equal(holds('BinaryEquals', 'aws:RequestTag/blob', 'QmluYXJ5VmFsdWU=', { 'aws:RequestTag/blob': 'QmluYXJ5VmFsdWU=' }), true);
  assert.equal(holds('BinaryEquals', 'aws:RequestTag/blob', 'QmluYXJ5VmFsdWU=', { 'aws:RequestTag/blob': 'b3RoZXI=' }), false);
});

test('IpAddress / NotIpAddress with IPv4 and IPv6 CIDR blocks', () => {
  const v4 = { 'aws:SourceIp': '127.0.0.1' };
  assert.equal(holds('IpAddress', 'aws:SourceIp', '127.0.0.0/8', v4), true);
  assert.equal(holds('IpAddress', 'aws:SourceIp', ['203.0.113.0/24', '198.51.100.7'], v4), false, 'public CIDRs deny the local emulator');
  assert.equal(holds('IpAddress', 'aws:SourceIp', '198.51.100.7', { 'aws:SourceIp': '198.51.100.7' }), true, 'single address = /32');
  assert.equal(holds('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', v4), true);
  assert.equal(holds('NotIpAddress', 'aws:SourceIp', '127.0.0.1/32', v4), false);
  assert.equal(holds('IpAddress', 'aws:SourceIp', '0.0.0.0/0', v4), true);
  const v6 = { 'aws:SourceIp': '2001:db8:85a3::8a2e:370:7334' };
  assert.equal(holds('IpAddress', 'aws:SourceIp', '2001:DB8:85A3::/48', v6), true);
  assert.equal(holds('IpAddress', 'aws:SourceIp', '2001:db8:85a4::/48', v6), false);
  assert.equal(holds('IpAddress', 'aws:SourceIp', '::1', { 'aws:SourceIp': '::1' }), true);
  assert.equal(holds('IpAddress', 'aws:SourceIp', '127.0.0.0/8', v6), false, 'families never mix');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('300.1.1.1'), undefined);
  assert.equal(parseCidr('1:2:3:4:5:6:7:8:9'), undefined);
  assert.deepEqual(parseCidr('::ffff:10.1.2.3')?.bytes.slice(10), new Uint8Array([0xff, 0xff, 10, 1, 2, 3]));
});

test('ArnEquals / ArnLike / ArnNotEquals / ArnNotLike match per ARN segment, case-sensitively', () => {
  const ctx = { 'aws:SourceArn': 'arn:aws:s3:::my-bucket/key:with:colons' };
  assert.equal(holds('ArnLike', 'aws:SourceArn', 'arn:aws:s3:::my-bucket/*', ctx), true, 'the resource part may contain colons');
  assert.equal(holds('ArnEquals', 'aws:SourceArn', 'arn:aws:s3:::my-bucket/*', ctx), true, 'ArnEquals behaves like ArnLike');
  assert.equal(holds('ArnLike', 'aws:SourceArn', 'arn:aws:s3:::My-Bucket/*', ctx), false);
  assert.equal(holds('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:user/*'), true);
  assert.equal(holds('ArnLike', 'aws:PrincipalArn', 'arn:aws:*'), false, 'a * stays inside its segment (StringLike would match)');
  assert.equal(holds('StringLike', 'aws:PrincipalArn', 'arn:aws:*'), true);
  assert.equal(holds('ArnNotLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*'), true);
  assert.equal(holds('ArnNotEquals', 'aws:PrincipalArn', 'arn:aws:iam::123456789012:user/alice'), false);
  assert.equal(holds('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::123456789012:user/alic?'), true);
});

test('Null: "true" means absent, "false" means present', () => {
  assert.equal(holds('Null', 'aws:MultiFactorAuthAge', 'true', {}), true);
  assert.equal(holds('Null', 'aws:MultiFactorAuthAge', 'false', {}), false);
  assert.equal(holds('Null', 'aws:MultiFactorAuthAge', true, { 'aws:MultiFactorAuthAge': '10' }), false);
  assert.equal(holds('Null', 'aws:username', 'false'), true, 'aws:username is present for IAM users');
});

test('missing keys: positive operators are false, negated ones true, …IfExists true (gotcha 11)', () => {
  for (const op of ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase', 'NumericEquals', 'NumericLessThan', 'DateLessThan', 'Bool', 'BinaryEquals', 'IpAddress', 'ArnLike', 'ArnEquals']) {
    assert.equal(holds(op, 'aws:SomethingAbsent', '1'), false, op);
    assert.equal(holds(`${op}IfExists`, 'aws:SomethingAbsent', '1'), true, `${op}IfExists`);
  }
  for (const op of ['StringNotEquals', 'StringNotLike', 'StringNotEqualsIgnoreCase', 'NumericNotEquals', 'DateNotEquals', 'NotIpAddress', 'ArnNotLike', 'ArnNotEquals']) {
    assert.equal(holds(op, 'aws:SomethingAbsent', '1'), true, op);
  }
  // aws:username is absent for a role session.
  const d = allow('s3:ListAllMyBuckets', '*', { Condition: { StringEquals: { 'aws:username': 'alice' } } });
  const roleSession = { type: 'AssumedRole' as const, accountId: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/r/alice', principalArn: 'arn:aws:iam::123456789012:role/r', userId: 'AROAEXAMPLEEXAMPLE12:alice' };
  assert.equal(authorize({ request: { principal: roleSession, action: 's3:ListAllMyBuckets', resource: '*', context: {} }, identity: [identity('p', d)] }).decision, 'Deny');
});

test('IfExists with a present key behaves like the plain operator', () => {
  assert.equal(holds('StringEqualsIfExists', 'aws:RequestedRegion', 'us-east-1', { 'aws:RequestedRegion': 'eu-west-1' }), false);
  assert.equal(holds('StringNotEqualsIfExists', 'aws:RequestedRegion', 'us-east-1', { 'aws:RequestedRegion': 'eu-west-1' }), true);
});

test('ForAnyValue: any request value matches; false for a missing or empty key', () => {
  const tags = { 'aws:TagKeys': ['env', 'team'] };
  assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['team', 'cost'], tags), true);
  assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['cost'], tags), false);
  assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['cost'], {}), false);
  assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['cost'], { 'aws:TagKeys': [] }), false);
  assert.equal(holds('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['env'], tags), true, 'team is not env');
  assert.equal(holds('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['env', 'team'], tags), false);
  assert.equal(holds('ForAnyValue:StringLike', 'aws:TagKeys', ['te*'], tags), true);
  assert.equal(holds('ForAnyValue:StringEqualsIfExists', 'aws:TagKeys', ['cost'], {}), true);
});

test('ForAllValues: every request value matches; true for a missing or empty key', () => {
  const tags = { 'aws:TagKeys': ['env', 'team'] };
  assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team', 'cost'], tags), true);
  assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['env'], tags), false);
  assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['env'], {}), true, 'missing key: vacuously true');
  assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': [] }), true, 'empty set: vacuously true');
  assert.equal(holds('ForAllValues:StringNotEquals', 'aws:TagKeys', ['secret'], tags), true);
  assert.equal(holds('ForAllValues:StringNotEquals', 'aws:TagKeys', ['team'], tags), false);
  assert.equal(holds('ForAllValues:StringLike', 'aws:TagKeys', ['*e*'], tags), true);
});

test('condition key names are case-insensitive; several keys and operators are AND', () => {
  assert.equal(holds('StringEquals', 'AWS:REQUESTEDREGION', 'us-east-1', { 'aws:RequestedRegion': 'us-east-1' }), true);
  assert.equal(holds('StringEquals', 'aws:requestedregion', 'us-east-1', { 'AWS:RequestedRegion': 'us-east-1' }), true);
  const d = allow('s3:ListAllMyBuckets', '*', {
    Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1', 'aws:username': 'alice' }, Bool: { 'aws:SecureTransport': 'true' } },
  });
  const run = (ctx: ContextValues) => authorize({ request: { principal: alice, action: 's3:ListAllMyBuckets', resource: '*', context: ctx }, identity: [identity('p', d)] });
  assert.equal(run({ 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'true' }).decision, 'Allow');
  const e = run({ 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'false' });
  assert.equal(e.decision, 'Deny');
  const conds = e.policies[0]!.statements[0]!.conditions;
  assert.deepEqual(
    conds.map((c) => [c.operator, c.key, c.result, c.requestValues]),
    [
      ['StringEquals', 'aws:RequestedRegion', true, ['us-east-1']],
      ['StringEquals', 'aws:username', true, ['alice']],
      ['Bool', 'aws:SecureTransport', false, ['false']],
    ],
  );
  assert.match(e.policies[0]!.statements[0]!.note, /condition Bool aws:SecureTransport not met \(aws:SecureTransport is "false"\)/);
});

test('aws:Principal* keys are filled from the principal unless the caller provides them', () => {
  assert.equal(holds('StringEquals', 'aws:PrincipalType', 'User'), true);
  assert.equal(holds('StringEquals', 'aws:PrincipalAccount', '123456789012'), true);
  assert.equal(holds('StringEquals', 'aws:userid', alice.userId), true);
  assert.equal(holds('StringEquals', 'aws:PrincipalType', 'User', { 'aws:PrincipalType': 'AssumedRole' }), false, 'caller value wins');
  const tagged = user('tina', '123456789012', { tags: { Team: 'blue' } });
  const d = allow('s3:ListAllMyBuckets', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } });
  assert.equal(authorize({ request: { principal: tagged, action: 's3:ListAllMyBuckets', resource: '*', context: {} }, identity: [identity('p', d)] }).decision, 'Allow');
});

test('a Deny with a condition applies only when the condition holds (MFA patterns of §4.6)', () => {
  const admin = identity('admin', allow('*'));
  const denyNoMfa = (op: string) => identity('deny-no-mfa', denyDoc('*', '*', { Condition: { [op]: { 'aws:MultiFactorAuthPresent': false } } }));
  const run = (op: string, ctx: ContextValues) =>
    authorize({ request: { principal: alice, action: 'iam:ListRoles', resource: '*', context: ctx }, identity: [admin, denyNoMfa(op)] }).decision;
  assert.equal(run('Bool', {}), 'Allow', 'Deny + Bool false does not deny access-key requests (key absent)');
  assert.equal(run('BoolIfExists', {}), 'Deny', 'Deny + BoolIfExists false denies everything without MFA, incl. access keys');
  assert.equal(run('BoolIfExists', { 'aws:MultiFactorAuthPresent': 'true' }), 'Allow');
  assert.equal(run('Bool', { 'aws:MultiFactorAuthPresent': 'false' }), 'Deny');
});
