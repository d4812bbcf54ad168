// The check vocabulary on the simulated account: each leaf's pass/fail and, above all, what it
// says when it fails.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { World, SimBackend } from '../../src/sim/index.js';
import { evaluateCheck, SimCheckBackend, CheckSchema, type CheckSpec, type CheckContext, type ShellStateLike } from '../../src/checks/index.js';
import { closestName, resolvePrincipal, callerMatches } from '../../src/checks/principals.js';

const A = '123456789012';
const B = '444455556666';

function setup() {
  const w = World.create({ seed: 'checks-test', now: '2025-05-01T10:00:00Z' });
  w.createAccount(A, { name: 'dev' });
  w.createAccount(B, { name: 'prod' });
  const sim = new SimBackend(w);
  const call = (acct: string, service: 'iam' | 'sts' | 's3', operation: string, input: Record<string, unknown>, creds = w.rootCredentials(acct)) => {
    const r = sim.callSync({ service, operation, input, credentials: creds, via: 'shell' });
    if (!r.ok) throw new Error(`${operation}: ${r.error.message}`);
    return r.output;
  };
  const shell: ShellStateLike = { env: {}, config: {}, credentials: {}, console: { roleHistory: [] } };
  const b = new SimCheckBackend(w, { accountKeys: { dev: A, prod: B }, shell: { state: shell } });
  const ctx: CheckContext = { accounts: { dev: A, prod: B }, defaultAccount: A };
  const check = (spec: CheckSpec, c: Partial<CheckContext> = {}) => evaluateCheck(CheckSchema.parse(spec), b, { ...ctx, ...c });
  const doc = (o: unknown) => JSON.stringify(o);
  return { w, sim, call, shell, b, ctx, check, doc };
}

const trustDoc = (principal: unknown, extra: object[] = []) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }, ...extra] });

describe('checks', () => {
  it('trust: the root ARN and the bare account id name the same principal; a role path does not matter', async () => {
    const { call, check } = setup();
    call(A, 'iam', 'CreateRole', { RoleName: 'r1', AssumeRolePolicyDocument: trustDoc(A) });
    assert.equal((await check({ trust: { role: 'r1', principal: 'root' } })).status, 'pass');
    assert.equal((await check({ trust: { role: 'r1', principal: `arn:aws:iam::${A}:root` } })).status, 'pass');
    call(A, 'iam', 'CreateUser', { UserName: 'ops', Path: '/team/' });
    call(A, 'iam', 'CreateRole', { RoleName: 'r2', AssumeRolePolicyDocument: trustDoc(`arn:aws:iam::${A}:user/team/ops`) });
    assert.equal((await check({ trust: { role: 'r2', principal: 'user/ops' } })).status, 'pass');
    const r = await check({ trust: { role: 'r1', principal: 'user/ops' } });
    assert.equal(r.status, 'fail');
    assert.equal(r.message, `The trust policy of r1 names the whole account ${A} (root), not user/ops. Trusting the account only delegates to that account's own policies; the step asks for user/ops itself.`);
    assert.equal(r.diagnosis, 'trusts-account-not-principal');
  });

  it('trust: a principal that no longer exists is recognised as a near miss; a real other user is not called a typo', async () => {
    const { call, check } = setup();
    call(A, 'iam', 'CreateUser', { UserName: 'Jame' });
    call(A, 'iam', 'CreateUser', { UserName: 'James' });
    call(A, 'iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: trustDoc(`arn:aws:iam::${A}:user/Jame`) });
    const real = await check({ trust: { role: 'r', principal: 'user/James' } });
    assert.equal(real.message, 'The trust policy of r allows sts:AssumeRole for user/Jame, but not for user/James.');
    call(A, 'iam', 'DeleteUser', { UserName: 'Jame' });
    const gone = await check({ trust: { role: 'r', principal: 'user/James' } });
    assert.equal(gone.status, 'fail');
    // IAM rewrote the deleted user's ARN to its unique id (gotcha 13)
    assert.match(gone.message, /^The trust policy of r names AIDA[A-Z0-9]+, the unique id of a deleted user or role — re-save the trust policy with user\/James's ARN\.$/);
    assert.equal(gone.diagnosis, 'deleted-principal');
  });

  it('can_assume: naming the account without an identity policy is explained (seed 003)', async () => {
    const { call, check } = setup();
    call(A, 'iam', 'CreateUser', { UserName: 'sts_user' });
    call(A, 'iam', 'CreateRole', { RoleName: 'EC2', AssumeRolePolicyDocument: trustDoc(`arn:aws:iam::${A}:root`) });
    const r = await check({ can_assume: { principal: 'user/sts_user', role: 'EC2' } });
    assert.equal(r.status, 'fail');
    assert.equal(r.diagnosis, 'trusts-account-no-identity-policy');
    assert.match(r.message, /^user\/sts_user cannot assume EC2: the trust policy trusts the whole account 123456789012 \(root\), which only delegates to the account's own policies — and no identity-based policy of user\/sts_user allows sts:AssumeRole on EC2\./);
    call(A, 'iam', 'UpdateAssumeRolePolicy', { RoleName: 'EC2', PolicyDocument: trustDoc(`arn:aws:iam::${A}:user/sts_user`) });
    assert.equal((await check({ can_assume: { principal: 'user/sts_user', role: 'EC2' } })).status, 'pass');
  });

  it('can_assume across accounts needs both sides, and says which is missing', async () => {
    const { call, check, doc } = setup();
    call(A, 'iam', 'CreateUser', { UserName: 'learner' });
    call(B, 'iam', 'CreateRole', { RoleName: 'MyRoleName', AssumeRolePolicyDocument: trustDoc(`arn:aws:iam::${A}:root`) });
    const r = await check({ can_assume: { principal: 'user/learner', role: 'MyRoleName', account: 'prod' } });
    assert.equal(r.diagnosis, 'cross-account-identity-missing');
    assert.match(r.message, /this is cross-account, so both sides must allow it\. The trust policy in account 444455556666 does allow it, but no identity-based policy of user\/learner in account 123456789012 allows sts:AssumeRole on arn:aws:iam::444455556666:role\/MyRoleName\./);
    call(A, 'iam', 'PutUserPolicy', { UserName: 'learner', PolicyName: 'p', PolicyDocument: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${B}:role/MyRoleName` }] }) });
    assert.equal((await check({ can_assume: { principal: 'user/learner', role: 'MyRoleName', account: 'prod' } })).status, 'pass');
    const wrong = await check({ can_assume: { principal: 'user/learner', role: 'MyRoleName' } });
    assert.match(wrong.message, /no role named MyRoleName in account 123456789012 \(dev\); there is one in account 444455556666 \(prod\)/);
  });

  it('cannot_assume with reason: the explicit Deny must be in the trust policy', async () => {
    const { call, check, doc } = setup();
    const allowAll = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] });
    call(A, 'iam', 'CreateUser', { UserName: 'User3' });
    call(A, 'iam', 'PutUserPolicy', { UserName: 'User3', PolicyName: 'any', PolicyDocument: allowAll });
    call(A, 'iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: trustDoc(`arn:aws:iam::${A}:root`) });
    const still = await check({ cannot_assume: { principal: 'user/User3', role: 'r', reason: 'explicit', denied_by: 'trust' } });
    assert.equal(still.diagnosis, 'still-can-assume');
    assert.match(still.message, /^user\/User3 can still assume r — allowed by /);
    call(A, 'iam', 'PutUserPolicy', { UserName: 'User3', PolicyName: 'no', PolicyDocument: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] }) });
    const other = await check({ cannot_assume: { principal: 'user/User3', role: 'r', reason: 'explicit', denied_by: 'trust' } });
    assert.equal(other.diagnosis, 'denied-for-another-reason');
    assert.match(other.message, /but because of an explicit Deny in an identity-based policy .* — the step asks for an explicit Deny in the role trust policy/);
    call(A, 'iam', 'DeleteUserPolicy', { UserName: 'User3', PolicyName: 'no' });
    call(A, 'iam', 'UpdateAssumeRolePolicy', { RoleName: 'r', PolicyDocument: trustDoc(`arn:aws:iam::${A}:root`, [{ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${A}:user/User3` }, Action: 'sts:AssumeRole' }]) });
    assert.equal((await check({ cannot_assume: { principal: 'user/User3', role: 'r', reason: 'explicit', denied_by: 'trust' } })).status, 'pass');
  });

  it('decision: allowed / denied, and implicit vs explicit', async () => {
    const { call, check } = setup();
    call(A, 'iam', 'CreateUser', { UserName: 'James' });
    const r = await check({ decision: { principal: 'user/James', action: 's3:ListAllMyBuckets', expect: 'denied', reason: 'implicit' } });
    assert.equal(r.status, 'pass');
    const f = await check({ decision: { principal: 'user/James', action: 's3:ListAllMyBuckets' } });
    assert.equal(f.status, 'fail');
    assert.match(f.message, /^user\/James → s3:ListAllMyBuckets is denied: /);
    const nobody = await check({ decision: { principal: 'user/Nobody', action: 's3:ListAllMyBuckets', expect: 'denied' } });
    assert.equal(nobody.status, 'fail', 'a decision about a principal that does not exist is not a pass');
    assert.match(nobody.message, /There is no user named Nobody/);
  });

  it('attached: names where the policy went instead', async () => {
    const { call, check } = setup();
    call(A, 'iam', 'CreateUser', { UserName: 'James' });
    call(A, 'iam', 'CreateRole', { RoleName: 'S3', AssumeRolePolicyDocument: trustDoc(`arn:aws:iam::${A}:root`) });
    call(A, 'iam', 'AttachUserPolicy', { UserName: 'James', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
    const r = await check({ attached: { role: 'S3', policy: 'AmazonS3ReadOnlyAccess' } });
    assert.equal(r.message, 'AmazonS3ReadOnlyAccess is attached to user James, not to role S3.');
    assert.equal(r.diagnosis, 'attached-to-wrong-entity');
    const tpl = await check({ attached: { role: 'S3', policy: 'AmazonS3ReadOnlyAccess' }, fail: 'Attach it to the role ({attached} so far).' });
    assert.equal(tpl.message, 'Attach it to the role (none so far).');
  });

  it('policy_grants: quantified over the action catalogue', async () => {
    const { call, check, doc } = setup();
    call(A, 'iam', 'CreatePolicy', { PolicyName: 'view', PolicyDocument: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 'iam:List*', 's3:GetObject'], Resource: ['*', 'arn:aws:s3:::reports/*'] }] }) });
    const r = await check({ policy_grants: { policy: 'view', none_match: 's3:*' } });
    assert.equal(r.status, 'fail');
    assert.match(r.message, /^view still allows 1 action matching s3:\*: s3:GetObject\.$/);
    assert.equal((await check({ policy_grants: { policy: 'view', allows: ['ec2:DescribeInstances', 'iam:ListRoles'], no_access: ['Write', 'Permissions management', 'Tagging'] } })).status, 'pass');
    const miss = await check({ policy_grants: { policy: 'view', allows: ['iam:GetRole'] } });
    assert.equal(miss.message, 'view does not allow iam:GetRole, which it should.');
  });

  it('answers: ARNs, sets and links are compared by meaning', async () => {
    const { check } = setup();
    const ans = (answer: string) => ({ answers: { answer } });
    assert.equal((await check({ answer: { arn: 'user/sts_user' } }, ans(` arn:aws:iam::${A}:user/sts_user `))).status, 'pass');
    assert.equal((await check({ answer: { arn: 'user/sts_user' } }, ans(`arn:aws:iam::${B}:user/sts_user`))).message, `That ARN is in account ${B}; user/sts_user is in account ${A}.`);
    assert.equal((await check({ answer: { set: ['a', 'B'], normalize: ['trim', 'lowercase'] } }, ans('b and A'))).status, 'pass');
    const url = { url: { equals: 'https://signin.aws.amazon.com/switchrole', query: { roleName: 'R', account: '{account.dev}' } } };
    assert.equal((await check(url, ans(`https://SIGNIN.aws.amazon.com/switchrole?displayName=x&account=${A}&roleName=R`))).status, 'pass');
    assert.equal((await check(url, ans(`https://signin.aws.amazon.com/switchrole?rolename=R&account=${A}`))).message, 'That link has rolename= where the console expects roleName=.');
    assert.equal((await check(url, ans('signin.aws.amazon.com/switchrole'))).message, '"signin.aws.amazon.com/switchrole" is not a link; it should start with https://.');
    assert.equal((await check(url, {})).status, 'fail');
  });

  it('event: only what happened since the step began, and what is off about the closest call', async () => {
    const { call, check, b, doc } = setup();
    call(A, 'iam', 'CreateUser', { UserName: 'James' });
    const key = call(A, 'iam', 'CreateAccessKey', { UserName: 'James' }) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    const james = { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
    call(A, 'iam', 'CreateRole', { RoleName: 'S3', AssumeRolePolicyDocument: trustDoc(`arn:aws:iam::${A}:user/James`) });
    call(A, 'iam', 'AttachRolePolicy', { RoleName: 'S3', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
    call(A, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${A}:role/S3`, RoleSessionName: 'before' }, james);
    const mark = b.mark();
    const spec: CheckSpec = { event: { principal: 'user/James', action: 'sts:AssumeRole', outcome: 'success', params: { RoleSessionName: 'Radkowski-CLI-test' } } };
    assert.match((await check(spec, { stepMark: mark })).message, /^Nobody has called sts:AssumeRole as user\/James since this step began/);
    call(A, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${A}:role/S3`, RoleSessionName: 'Radkowski-CLI' }, james);
    assert.equal((await check(spec, { stepMark: mark })).message, 'user/James called sts:AssumeRole since this step began with RoleSessionName Radkowski-CLI, not Radkowski-CLI-test.');
    call(A, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${A}:role/S3`, RoleSessionName: 'Radkowski-CLI-test' }, james);
    assert.equal((await check(spec, { stepMark: mark })).status, 'pass');
    void doc;
  });

  it('env and identity: the exported credentials, a missing session token, and the console colour', async () => {
    const { call, check, shell, w } = setup();
    call(A, 'iam', 'CreateUser', { UserName: 'James' });
    const key = call(A, 'iam', 'CreateAccessKey', { UserName: 'James' }) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    call(A, 'iam', 'CreateRole', { RoleName: 'S3', AssumeRolePolicyDocument: trustDoc(`arn:aws:iam::${A}:user/James`) });
    const out = call(A, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${A}:role/S3`, RoleSessionName: 'cli' }, { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey }) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    };
    const spec: CheckSpec = { env: { credentials_of: 'assumed-role/S3/cli' } };
    assert.match((await check(spec)).message, /^No credentials are exported in your shell/);
    shell.env.AWS_ACCESS_KEY_ID = out.Credentials.AccessKeyId;
    shell.env.AWS_SECRET_ACCESS_KEY = out.Credentials.SecretAccessKey;
    const noTok = await check(spec);
    assert.equal(noTok.diagnosis, 'session-token-missing');
    assert.match(noTok.message, /did you export AWS_SESSION_TOKEN\?/);
    const idNoTok = await check({ identity: { shell: 'assumed-role/S3/*' } });
    assert.match(idNoTok.message, /Your shell has no working credentials: .*AWS_SESSION_TOKEN is not exported/);
    shell.env.AWS_SESSION_TOKEN = out.Credentials.SessionToken;
    assert.equal((await check(spec)).status, 'pass');
    assert.equal((await check({ identity: { shell: 'assumed-role/S3/*' } })).status, 'pass');
    shell.env.AWS_ACCESS_KEY_ID = key.AccessKey.AccessKeyId;
    shell.env.AWS_SECRET_ACCESS_KEY = key.AccessKey.SecretAccessKey;
    delete shell.env.AWS_SESSION_TOKEN;
    assert.equal((await check(spec)).message, 'The exported credentials belong to user/James, not assumed-role/S3/cli.');
    // console: colour names and the console's own values are the same colour
    shell.console = { signedIn: { accountId: A, userName: 'James', arn: `arn:aws:iam::${A}:user/James` }, active: { accountId: A, roleName: 'S3', arn: `arn:aws:sts::${A}:assumed-role/S3/James`, displayName: 'S3 @ dev', color: 'Orange' }, roleHistory: [{ accountId: A, roleName: 'S3', displayName: 'S3 @ dev', color: 'Orange' }] };
    assert.equal((await check({ identity: { console: { active: 'assumed-role/S3/*', colour: 'fbc8aa' } } })).status, 'pass');
    assert.equal((await check({ identity: { console: { history: { role: 'S3', colour: 'blue' } } } })).message, 'You switched to S3 with colour orange, not blue.');
    assert.equal((await check({ identity: { console: { active: 'user/James' } } })).message, 'The console is active as assumed-role/S3, not user/James. Use `console switch-back`.');
    void w;
  });

  it('combinators: all reports the first failure, any the first alternative, not and count', async () => {
    const { call, check } = setup();
    call(A, 'iam', 'CreateUser', { UserName: 'a' });
    const all = await check({ all: [{ user: { name: 'a' } }, { user: { name: 'b' } }, { user: { name: 'c' } }] });
    assert.equal(all.message, 'There is no user named b in account 123456789012 yet.');
    assert.equal(all.children?.length, 3);
    assert.equal((await check({ any: [{ user: { name: 'b' } }, { user: { name: 'a' } }] })).status, 'pass');
    const not = await check({ not: { user: { name: 'a' } } });
    assert.equal(not.message, 'This must not hold, but it does: User a exists.');
    assert.equal((await check({ count: { min: 2, of: [{ user: { name: 'a' } }, { user: { name: 'b' } }] } })).message, 'Only 1 of 2 hold (at least 2 needed). There is no user named b in account 123456789012 yet.');
  });

  it('a checker fault is an error, never a fail', async () => {
    const { b, ctx } = setup();
    const r = await evaluateCheck({ user: { name: 'x', account: 'staging' } }, b, ctx);
    assert.equal(r.status, 'error');
    assert.match(r.message, /could not check this: unknown account 'staging'/);
  });

  it('principal references and near misses', () => {
    const ctx = { accounts: { dev: A, prod: B }, defaultAccount: A };
    assert.equal(resolvePrincipal('prod:assumed-role/R/*', ctx).arn, `arn:aws:sts::${B}:assumed-role/R/*`);
    assert.ok(callerMatches(resolvePrincipal('assumed-role/R/*', ctx), `arn:aws:sts::${A}:assumed-role/R/s1`));
    assert.ok(!callerMatches(resolvePrincipal('assumed-role/R/*', ctx), `arn:aws:sts::${B}:assumed-role/R/s1`));
    assert.ok(!callerMatches(resolvePrincipal('user/james', ctx), `arn:aws:iam::${A}:user/James`), 'names are case-sensitive');
    assert.equal(closestName('James-custom-S3-role', ['James-custom-S3', 'admin']), 'James-custom-S3');
    assert.equal(closestName('James', ['james']), 'james');
    assert.equal(closestName('temp-user', ['balu']), undefined);
  });
});
