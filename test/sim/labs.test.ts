// The teaching point of each lab in shared/spec/labs.md, end to end through SimBackend calls
// (the shell and console helpers drive exactly these calls).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, trust, allow, userArn, rootArn, POLICY, assumeDenied } from './helpers.js';
import { revokeSessionsPolicy, REVOKE_SESSIONS_POLICY_NAME } from '../../src/sim/index.js';

test('lab switch-role-admin: balu with sts:* assumes temp-user from the console; the account page is denied, then allowed as the role', () => {
  const ACCT = '089665204192';
  const l = new Lab({ accounts: [ACCT] });
  const role = l.role('temp-user', trust({ AWS: `arn:aws:iam::${ACCT}:root` }), { acct: ACCT, attach: [POLICY.admin] });
  l.ok('iam', 'CreateUser', { UserName: 'balu' });
  l.ok('iam', 'CreateLoginProfile', { UserName: 'balu', Password: 'Balu-Passw0rd!' });
  assert.deepEqual(l.ok('iam', 'ListAttachedUserPolicies', { UserName: 'balu' })['AttachedPolicies'], []);
  assert.equal(l.w.canAssume({ principal: `arn:aws:iam::${ACCT}:user/balu`, roleArn: role }).decision, 'Deny');
  l.ok('iam', 'PutUserPolicy', { UserName: 'balu', PolicyName: 'sts-all', PolicyDocument: JSON.stringify(allow('sts:*')) });
  assert.equal(l.w.canAssume({ principal: `arn:aws:iam::${ACCT}:user/balu`, roleArn: role }).decision, 'Allow');
  const signIn = l.w.consoleSignIn(ACCT, 'balu', 'Balu-Passw0rd!');
  assert.ok(signIn.ok);
  const console = signIn.credentials;
  const page = l.b.callSync({ service: 'account', operation: 'GetAccountInformation', input: {}, credentials: console, via: 'console' });
  assert.equal(page.ok, false);
  assert.equal(page.explanation?.reason, 'implicit-deny');
  const switched = l.b.callSync({ service: 'sts', operation: 'AssumeRole', input: { RoleArn: role, RoleSessionName: 'balu' }, credentials: console, via: 'console' });
  assert.ok(switched.ok);
  const c = switched.output['Credentials'] as Record<string, string>;
  const roleCreds = { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
  assert.equal(l.w.whoIs(roleCreds)!.arn, `arn:aws:sts::${ACCT}:assumed-role/temp-user/balu`);
  const ok = l.b.callSync({ service: 'account', operation: 'GetAccountInformation', input: {}, credentials: roleCreds, via: 'console' });
  assert.ok(ok.ok);
  // switch back: the console's own credentials are still balu's
  assert.equal(l.w.whoIs(console)!.arn, `arn:aws:iam::${ACCT}:user/balu`);
  const events = l.w.audit.query({ action: 'account:GetAccountInformation', via: 'console' });
  assert.deepEqual(events.map((e) => [e.userIdentity.arn, e.outcome]), [
    [`arn:aws:iam::${ACCT}:user/balu`, 'failure'],
    [`arn:aws:sts::${ACCT}:assumed-role/temp-user/balu`, 'success'],
  ]);
});

test('lab trust-policy-control: trusting user1 and user2 by ARN excludes User3; trusting the account with a Deny for User3 is an explicit deny', () => {
  const ACCT = '975050059573';
  const l = new Lab({ accounts: [ACCT] });
  const inline = allow('sts:AssumeRole');
  const u1 = l.user('user1', ACCT, { inline });
  const u2 = l.user('user2', ACCT, { inline });
  const u3 = l.user('User3', ACCT, { inline });
  const arn = (n: string) => `arn:aws:iam::${ACCT}:user/${n}`;
  const role = l.role('s3-full', trust({ AWS: `arn:aws:iam::${ACCT}:root` }), { acct: ACCT, attach: [POLICY.s3full] });
  l.assume(u1, role);
  l.ok('iam', 'UpdateAssumeRolePolicy', { RoleName: 's3-full', PolicyDocument: JSON.stringify(trust({ AWS: [arn('user1'), arn('user2')] })) }, l.rootOf(ACCT));
  l.assume(u1, role);
  l.assume(u2, role);
  assumeDenied(l, u3, role, arn('User3'));
  l.ok(
    'iam',
    'UpdateAssumeRolePolicy',
    {
      RoleName: 's3-full',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole' },
          { Sid: 'DenyUser3', Effect: 'Deny', Principal: { AWS: arn('User3') }, Action: 'sts:AssumeRole' },
        ],
      }),
    },
    l.rootOf(ACCT),
  );
  l.assume(u1, role);
  const why = l.call('sts', 'AssumeRole', { RoleArn: role, RoleSessionName: 'u3' }, u3).explanation!;
  assert.equal(why.reason, 'explicit-deny');
  assert.deepEqual(why.deniedBy, ['trust']);
  assert.deepEqual(why.deciding.map((d) => [d.kind, d.sid, d.effect]), [['trust', 'DenyUser3', 'Deny']]);
});

test('lab james-s3-readonly: James (view-only, no S3) is denied S3, assumes James-custom-S3-role from the CLI, lists buckets', () => {
  const l = new Lab();
  const ACCT = '123456789012';
  l.ok('s3', 'CreateBucket', { Bucket: 'james-reports' });
  // The tutorial's "ViewOnlyAccess minus S3" no longer fits a customer managed policy (gotcha 14).
  const view = JSON.parse(l.w.iam.policy(POLICY.viewOnly)!.document) as { Statement: Array<{ Action: string[] }> };
  const noS3 = view.Statement[0]!.Action.filter((a) => !a.startsWith('s3:'));
  const tooBig = l.err('iam', 'CreatePolicy', { PolicyName: 'James-custom-viewonly', PolicyDocument: JSON.stringify(allow(noS3)) });
  assert.deepEqual([tooBig.code, tooBig.message], ['LimitExceeded', 'Cannot exceed quota for PolicySize: 6144']);
  const small = noS3.filter((a) => /^(ec2|iam|cloudwatch|autoscaling|elasticloadbalancing):/.test(a));
  const viewonly = (l.ok('iam', 'CreatePolicy', { PolicyName: 'James-custom-viewonly', PolicyDocument: JSON.stringify(allow(small)) })['Policy'] as Record<string, string>)['Arn']!;
  const roleArn = l.role('James-custom-S3-role', trust({ AWS: ACCT }), { attach: [POLICY.s3ro] });
  l.ok('iam', 'UpdateRoleDescription', { RoleName: 'James-custom-S3-role', Description: 'S3 read-only for James' });
  l.ok('iam', 'CreateUser', { UserName: 'James' });
  l.ok('iam', 'CreateLoginProfile', { UserName: 'James', Password: 'James-Passw0rd!' });
  const k = l.ok('iam', 'CreateAccessKey', { UserName: 'James' })['AccessKey'] as Record<string, string>;
  const james = { accessKeyId: k['AccessKeyId']!, secretAccessKey: k['SecretAccessKey']! };
  l.ok('iam', 'AttachUserPolicy', { UserName: 'James', PolicyArn: viewonly });
  assert.equal(l.w.decide({ principal: userArn('James'), action: 'ec2:DescribeInstances', resource: '*' }).decision, 'Allow');
  assert.equal(l.w.decide({ principal: userArn('James'), action: 'iam:ListRoles', resource: '*' }).decision, 'Allow');
  assert.equal(l.w.decide({ principal: userArn('James'), action: 's3:ListAllMyBuckets', resource: '*' }).decision, 'Deny');
  // With the trust naming only the account and no sts:AssumeRole in James's policy, he cannot switch
  assumeDenied(l, james, roleArn, userArn('James'));
  l.ok('iam', 'UpdateAssumeRolePolicy', { RoleName: 'James-custom-S3-role', PolicyDocument: JSON.stringify(trust({ AWS: userArn('James') })) });
  assert.equal(l.whoami(james), userArn('James'));
  const s3denied = l.call('s3', 'ListBuckets', {}, james);
  assert.equal(s3denied.ok, false);
  assert.equal(s3denied.explanation?.reason, 'implicit-deny');
  const listed = l.ok('iam', 'ListRoles', {}, james)['Roles'] as Array<Record<string, string>>;
  assert.deepEqual(listed.filter((r) => r['RoleName'] === 'James-custom-S3-role').map((r) => [r['RoleName'], r['Arn']]), [['James-custom-S3-role', roleArn]]);
  const t0 = l.w.clock.now();
  const s = l.assume(james, roleArn, 'Radkowski-CLI-test');
  assert.equal(l.whoami(s), `arn:aws:sts::${ACCT}:assumed-role/James-custom-S3-role/Radkowski-CLI-test`);
  assert.deepEqual((l.ok('s3', 'ListBuckets', {}, s)['Buckets'] as Array<Record<string, unknown>>).map((b) => b['Name']), ['james-reports']);
  const ev = l.w.audit.query({ since: t0, principal: 'arn:aws:sts::*:assumed-role/James-custom-S3-role/*', eventName: 'ListBuckets', outcome: 'success' });
  assert.equal(ev.length, 1);
  assert.equal(l.w.audit.query({ since: t0, principal: 'assumed-role/James-custom-S3-role/*', action: 's3:ListAllMyBuckets' }).length, 1);
  assert.equal(l.w.audit.query({ principal: 'user/James', eventName: 'ListBuckets', outcome: 'failure' }).length, 1);
  assert.equal(ev[0]!.userIdentity.type, 'AssumedRole');
  assert.equal(ev[0]!.userIdentity.sessionIssuerArn, roleArn);
});

test('lab zero-permission-user: sts_user with no policy assumes a role whose trust names it, not one trusting the account root', () => {
  const l = new Lab();
  const u = l.user('sts_user');
  assert.deepEqual(l.ok('iam', 'ListUserPolicies', { UserName: 'sts_user' })['PolicyNames'], []);
  const role = l.role('AWSEC2FULLACCESS', trust({ AWS: userArn('sts_user') }), { attach: [POLICY.ec2full] });
  l.w.addInstance('123456789012', { name: 'demo' });
  assert.equal(l.err('ec2', 'DescribeInstances', {}, u).code, 'UnauthorizedOperation');
  const s = l.assume(u, role, 'sts_user');
  assert.equal((l.ok('ec2', 'DescribeInstances', {}, s)['Reservations'] as unknown[]).length, 1);
  const why = l.w.canAssume({ principal: userArn('sts_user'), roleArn: role });
  assert.equal(why.decision, 'Allow');
  assert.deepEqual(why.deciding.map((d) => d.kind), ['trust']);
  const rootTrusted = l.role('ec2-via-account', trust({ AWS: rootArn() }), { attach: [POLICY.ec2full] });
  assumeDenied(l, u, rootTrusted, userArn('sts_user'));
  assert.deepEqual(l.w.canAssume({ principal: userArn('sts_user'), roleArn: rootTrusted }).deniedBy, ['identity']);
});

test('lab cross-account-cli: both sides needed; the session lists the other account buckets; revoking sessions denies old credentials, new ones work', () => {
  const MINE = '123456789012';
  const THEIRS = '444455556666';
  const l = new Lab({ accounts: [MINE, THEIRS] });
  l.ok('s3', 'CreateBucket', { Bucket: 'theirs-data' }, l.rootOf(THEIRS));
  l.ok('s3', 'CreateBucket', { Bucket: 'mine-data' });
  const role = l.role('MyRoleName', trust({ AWS: `arn:aws:iam::${MINE}:root` }), { acct: THEIRS, attach: [POLICY.s3full] });
  const learner = l.user('learner');
  assumeDenied(l, learner, role, userArn('learner'));
  l.ok('iam', 'PutUserPolicy', { UserName: 'learner', PolicyName: 'assume-my-role', PolicyDocument: JSON.stringify(allow('sts:AssumeRole', role)) });
  const s = l.assume(learner, role, 'MySessionName');
  assert.equal(l.whoami(s), `arn:aws:sts::${THEIRS}:assumed-role/MyRoleName/MySessionName`);
  assert.deepEqual((l.ok('s3', 'ListBuckets', {}, s)['Buckets'] as Array<Record<string, unknown>>).map((b) => b['Name']), ['theirs-data']);
  // Revoke active sessions (the console writes this inline policy with the current time)
  l.w.clock.advance(5_000);
  l.ok('iam', 'PutRolePolicy', { RoleName: 'MyRoleName', PolicyName: REVOKE_SESSIONS_POLICY_NAME, PolicyDocument: revokeSessionsPolicy(l.w.clock.now()) }, l.rootOf(THEIRS));
  const denied = l.call('s3', 'ListBuckets', {}, s);
  assert.equal(denied.ok, false);
  assert.equal(denied.explanation?.reason, 'explicit-deny');
  assert.equal(denied.ok ? '' : denied.error.message, `User: arn:aws:sts::${THEIRS}:assumed-role/MyRoleName/MySessionName is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in an identity-based policy`);
  l.w.clock.advance(1_000);
  const fresh = l.assume(learner, role, 'MySessionName');
  l.ok('s3', 'ListBuckets', {}, fresh);
});
