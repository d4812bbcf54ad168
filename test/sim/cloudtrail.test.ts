// CloudTrail LookupEvents on the simulated account: the audit log as Event history shows it
// (shapes, console sign-in and switch role, console calls), the lookup attributes, the time range,
// paging, validation errors, and cloudtrail:LookupEvents authorized by the policy engine.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { CallResult, Credentials } from '../../src/backend/types.js';
import { Lab, A, B, trust, allow, deny } from './helpers.js';

function lookup(l: Lab, input: Record<string, unknown> = {}, creds: Credentials = l.root, region = 'us-east-1'): CallResult {
  return l.b.callSync({ service: 'cloudtrail', operation: 'LookupEvents', input, credentials: creds, region, via: 'api' });
}
function events(l: Lab, input: Record<string, unknown> = {}, creds: Credentials = l.root, region = 'us-east-1'): Array<Record<string, unknown>> {
  const r = lookup(l, input, creds, region);
  if (!r.ok) assert.fail(`LookupEvents failed: ${r.error.code}: ${r.error.message}`);
  return r.output['Events'] as Array<Record<string, unknown>>;
}
const record = (e: Record<string, unknown>) => JSON.parse(String(e['CloudTrailEvent'])) as Record<string, any>;
const byName = (l: Lab, name: string, creds?: Credentials) => events(l, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }, creds);

/** A lab with alice (console password, may switch to role reader) and an admin. */
function consoleLab(): { l: Lab; alice: Credentials; roleArn: string } {
  const l = new Lab();
  const alice = l.user('alice', A, { inline: allow('sts:AssumeRole') });
  l.ok('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'Correct-Horse-9' });
  const roleArn = l.role('reader', trust({ AWS: `arn:aws:iam::${A}:user/alice` }), { attach: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] });
  return { l, alice, roleArn };
}

describe('CloudTrail LookupEvents', () => {
  test('an API call comes back with the Event members and a CloudTrail record', () => {
    const { l, alice, roleArn } = consoleLab();
    l.w.clock.advance(60_000);
    l.assume(alice, roleArn, 'work');
    const [e] = byName(l, 'AssumeRole');
    assert.ok(e);
    assert.deepEqual(Object.keys(e), ['EventId', 'EventName', 'ReadOnly', 'AccessKeyId', 'EventTime', 'EventSource', 'Username', 'Resources', 'CloudTrailEvent']);
    assert.equal(e['EventName'], 'AssumeRole');
    assert.equal(e['EventSource'], 'sts.amazonaws.com');
    assert.equal(e['Username'], 'alice');
    assert.equal(e['AccessKeyId'], alice.accessKeyId);
    assert.equal(e['ReadOnly'], 'true');
    assert.deepEqual(e['EventTime'], new Date('2025-03-01T12:01:00Z'));
    assert.deepEqual(e['Resources'], [{ ResourceType: 'AWS::IAM::Role', ResourceName: roleArn }]);
    const r = record(e);
    assert.deepEqual(r.userIdentity, { type: 'IAMUser', principalId: r.userIdentity.principalId, arn: `arn:aws:iam::${A}:user/alice`, accountId: A, accessKeyId: alice.accessKeyId, userName: 'alice' });
    assert.match(r.userIdentity.principalId, /^AIDA/);
    assert.equal(r.eventTime, '2025-03-01T12:01:00Z');
    assert.equal(r.eventSource, 'sts.amazonaws.com');
    assert.equal(r.eventName, 'AssumeRole');
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.eventType, 'AwsApiCall');
    assert.equal(r.readOnly, true);
    assert.equal(r.recipientAccountId, A);
    assert.equal(r.eventID, e['EventId']);
    assert.deepEqual(r.requestParameters, { RoleArn: roleArn, RoleSessionName: 'work' });
    assert.equal(r.errorCode, undefined);
  });

  test('a role session has sessionContext; a denied call has errorCode and errorMessage', () => {
    const { l, alice, roleArn } = consoleLab();
    const s = l.assume(alice, roleArn, 'work');
    const denied = l.b.callSync({ service: 'iam', operation: 'ListUsers', input: {}, credentials: s, via: 'api' });
    assert.equal(denied.ok, false);
    const [e] = byName(l, 'ListUsers');
    assert.equal(e!['Username'], 'work');
    const r = record(e!);
    assert.equal(r.userIdentity.type, 'AssumedRole');
    assert.equal(r.userIdentity.arn, `arn:aws:sts::${A}:assumed-role/reader/work`);
    assert.match(r.userIdentity.principalId, /^AROA[A-Z0-9]+:work$/);
    assert.deepEqual(r.userIdentity.sessionContext.sessionIssuer, { type: 'Role', principalId: r.userIdentity.principalId.split(':')[0], arn: roleArn, accountId: A, userName: 'reader' });
    assert.deepEqual(r.userIdentity.sessionContext.attributes, { creationDate: '2025-03-01T12:00:00Z', mfaAuthenticated: 'false' });
    assert.equal(r.errorCode, 'AccessDenied');
    assert.match(r.errorMessage, /is not authorized to perform: iam:ListUsers/);
  });

  test('console sign-in, Switch Role and a console call look as the console leaves them', () => {
    const { l, roleArn } = consoleLab();
    const signed = l.w.consoleSignIn(A, 'alice', 'Correct-Horse-9');
    assert.ok(signed.ok);
    const sw = l.b.callSync({ service: 'sts', operation: 'AssumeRole', input: { RoleArn: roleArn, RoleSessionName: 'alice' }, credentials: signed.credentials, via: 'console' });
    assert.ok(sw.ok);
    const c = sw.output['Credentials'] as Record<string, string>;
    const session = { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
    assert.ok(l.b.callSync({ service: 's3', operation: 'ListBuckets', input: {}, credentials: session, via: 'console' }).ok);

    const [login] = byName(l, 'ConsoleLogin');
    const lr = record(login!);
    assert.equal(login!['EventSource'], 'signin.amazonaws.com');
    assert.equal(login!['Username'], 'alice');
    assert.equal(lr.eventType, 'AwsConsoleSignIn');
    assert.deepEqual(lr.responseElements, { ConsoleLogin: 'Success' });
    assert.equal(lr.userIdentity.type, 'IAMUser');

    assert.deepEqual(byName(l, 'AssumeRole'), [], 'the console switch is a SwitchRole sign-in event, not AssumeRole');
    const [switched] = byName(l, 'SwitchRole');
    const sr = record(switched!);
    assert.equal(switched!['EventSource'], 'signin.amazonaws.com');
    assert.equal(switched!['Username'], 'alice');
    assert.equal(sr.eventType, 'AwsConsoleSignIn');
    assert.equal(sr.userIdentity.type, 'AssumedRole');
    assert.equal(sr.userIdentity.arn, `arn:aws:sts::${A}:assumed-role/reader/alice`);
    assert.equal(sr.userIdentity.sessionContext.sessionIssuer.arn, roleArn);
    assert.deepEqual(sr.responseElements, { SwitchRole: 'Success' });
    assert.equal(sr.additionalEventData.SwitchFrom, `arn:aws:iam::${A}:user/alice`);

    const [list] = byName(l, 'ListBuckets');
    const lb = record(list!);
    assert.equal(lb.sessionCredentialFromConsole, 'true');
    assert.equal(lb.userIdentity.arn, `arn:aws:sts::${A}:assumed-role/reader/alice`);
  });

  test('one lookup attribute at a time: EventName, Username, ReadOnly, EventSource, AccessKeyId, ResourceName, EventId', () => {
    const { l, alice, roleArn } = consoleLab();
    l.assume(alice, roleArn, 'work');
    l.ok('iam', 'CreateUser', { UserName: 'bob' });
    const attr = (k: string, v: string) => events(l, { LookupAttributes: [{ AttributeKey: k, AttributeValue: v }] });
    assert.deepEqual(attr('Username', 'alice').map((e) => e['EventName']), ['AssumeRole']);
    assert.ok(attr('ReadOnly', 'false').every((e) => e['ReadOnly'] === 'false'));
    assert.ok(attr('ReadOnly', 'false').some((e) => e['EventName'] === 'CreateUser'));
    assert.ok(attr('EventSource', 'iam.amazonaws.com').every((e) => e['EventSource'] === 'iam.amazonaws.com'));
    assert.deepEqual(attr('AccessKeyId', alice.accessKeyId).map((e) => e['EventName']), ['AssumeRole']);
    assert.deepEqual(attr('ResourceName', roleArn).map((e) => e['EventName']).sort(), ['AssumeRole', 'AttachRolePolicy', 'CreateRole']);
    const one = attr('EventName', 'CreateUser');
    assert.deepEqual(attr('EventId', String(one[0]!['EventId'])).length, 1);
    assert.deepEqual(attr('EventName', 'createuser'), [], 'values are compared exactly');

    const two = lookup(l, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }, { AttributeKey: 'Username', AttributeValue: 'root' }] });
    assert.ok(!two.ok && two.error.code === 'InvalidLookupAttributesException' && two.error.status === 400);
    const bad = lookup(l, { LookupAttributes: [{ AttributeKey: 'Colour', AttributeValue: 'x' }] });
    assert.ok(!bad.ok && bad.error.code === 'InvalidLookupAttributesException');
  });

  test('newest first; StartTime/EndTime inclusive; S3 object calls (data events) are not in Event history', () => {
    const l = new Lab();
    l.ok('iam', 'CreateUser', { UserName: 'u1' });
    l.w.clock.advance(60_000);
    l.ok('iam', 'CreateUser', { UserName: 'u2' });
    l.w.clock.advance(60_000);
    l.ok('iam', 'CreateUser', { UserName: 'u3' });
    l.ok('s3', 'CreateBucket', { Bucket: 'docs' });
    l.ok('s3', 'PutObject', { Bucket: 'docs', Key: 'a', Body: 'x' });
    const names = (es: Array<Record<string, unknown>>) => es.map((e) => (record(e).requestParameters as Record<string, string> | null)?.UserName);
    assert.deepEqual(names(byName(l, 'CreateUser')), ['u3', 'u2', 'u1']);
    const mid = events(l, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }], StartTime: new Date('2025-03-01T12:01:00Z'), EndTime: new Date('2025-03-01T12:01:00Z') });
    assert.deepEqual(names(mid), ['u2']);
    assert.deepEqual(byName(l, 'PutObject'), []);
    assert.equal(byName(l, 'CreateBucket').length, 1);
    const r = lookup(l, { StartTime: new Date('2025-03-01T13:00:00Z'), EndTime: new Date('2025-03-01T12:00:00Z') });
    assert.ok(!r.ok && r.error.code === 'InvalidTimeRangeException');
  });

  test('paging: MaxResults 1–50 and a NextToken bound to the same parameters', () => {
    const l = new Lab();
    for (let i = 0; i < 7; i++) l.ok('iam', 'CreateUser', { UserName: `u${i}` });
    const q = { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }], MaxResults: 3 };
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 5; page++) {
      const r = lookup(l, { ...q, ...(token ? { NextToken: token } : {}) });
      assert.ok(r.ok);
      for (const e of r.output['Events'] as Array<Record<string, unknown>>) seen.push(String((record(e).requestParameters as Record<string, string>).UserName));
      token = r.output['NextToken'] as string | undefined;
      if (!token) break;
    }
    assert.deepEqual(seen, ['u6', 'u5', 'u4', 'u3', 'u2', 'u1', 'u0'], 'every event once, newest first, although each lookup is itself a new event');
    const first = lookup(l, q);
    assert.ok(first.ok && first.output['NextToken']);
    const other = lookup(l, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateRole' }], NextToken: first.output['NextToken'] });
    assert.ok(!other.ok && other.error.code === 'InvalidNextTokenException');
    for (const m of [0, 51]) {
      const r = lookup(l, { MaxResults: m });
      assert.ok(!r.ok && r.error.code === 'InvalidMaxResultsException');
    }
    assert.equal(events(l).length, 14, 'default MaxResults 50: 7 CreateUser and the 7 lookups before (failed ones too)');
  });

  test('Event history is per account and per region; IAM and sign-in events are in us-east-1', () => {
    const l = new Lab({ accounts: [A, B] });
    l.ok('iam', 'CreateUser', { UserName: 'here' });
    l.ok('iam', 'CreateUser', { UserName: 'there' }, l.rootOf(B));
    l.b.callSync({ service: 'ec2', operation: 'DescribeInstances', input: {}, credentials: l.root, region: 'eu-west-1', via: 'api' });
    assert.deepEqual(byName(l, 'CreateUser').map((e) => (record(e).requestParameters as Record<string, string>).UserName), ['here']);
    assert.deepEqual(byName(l, 'CreateUser', l.rootOf(B)).map((e) => (record(e).requestParameters as Record<string, string>).UserName), ['there']);
    assert.equal(events(l, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeInstances' }] }).length, 0);
    assert.equal(events(l, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeInstances' }] }, l.root, 'eu-west-1').length, 1);
    assert.equal(events(l, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }] }, l.root, 'eu-west-1').length, 0);
  });

  test('cloudtrail:LookupEvents is authorized by the policy engine, and is itself audited', () => {
    const l = new Lab();
    const none = l.user('nobody');
    const reader = l.user('reader', A, { inline: allow('cloudtrail:LookupEvents') });
    const star = l.user('star', A, { inline: allow('cloudtrail:Lookup*') });
    const blocked = l.user('blocked', A, { inline: { Version: '2012-10-17', Statement: [...(allow('*').Statement as unknown[]), ...(deny('cloudtrail:*').Statement as unknown[])] } });
    const r = lookup(l, {}, none);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'AccessDeniedException');
    assert.equal(r.error.message, `User: arn:aws:iam::${A}:user/nobody is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`);
    assert.equal(r.explanation?.reason, 'implicit-deny');
    assert.ok(lookup(l, {}, reader).ok);
    assert.ok(lookup(l, {}, star).ok);
    const d = lookup(l, {}, blocked);
    assert.ok(!d.ok && d.error.code === 'AccessDeniedException' && /explicit deny in an identity-based policy/.test(d.error.message));
    const audit = l.w.audit.query({ action: 'cloudtrail:LookupEvents' });
    assert.deepEqual(audit.map((e) => [e.userIdentity.userName, e.outcome, e.eventSource]), [
      ['nobody', 'failure', 'cloudtrail.amazonaws.com'],
      ['reader', 'success', 'cloudtrail.amazonaws.com'],
      ['star', 'success', 'cloudtrail.amazonaws.com'],
      ['blocked', 'failure', 'cloudtrail.amazonaws.com'],
    ]);
    const bad = l.b.callSync({ service: 'cloudtrail', operation: 'LookupEvents', input: {}, credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }, via: 'api' });
    assert.ok(!bad.ok && bad.error.code === 'UnrecognizedClientException');
  });
});
