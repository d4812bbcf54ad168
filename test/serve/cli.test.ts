// The real `aws` CLI (v1) against `iamlab serve`, end to end, through AWS_ENDPOINT_URL and a
// temporary config/credentials file: the CLI steps of seed 002 (James, James-custom-S3-role,
// session Radkowski-CLI-test) and seed 004 (a role trusting the account root, assumed with
// the CLI, credentials exported). Skipped, visibly, where `aws` is not on PATH.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { World, SimBackend } from '../../src/sim/index.js';
import { awsEnv, hasAws, runAws } from './aws-cli.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import type { Credentials } from '../../src/backend/types.js';

const ACCOUNT = '123456789012';

let server: RunningServer;
let world: World;
let dir: string;
const creds: Record<string, Credentials> = {};

function setupWorld(): World {
  const w = World.create({ seed: 'serve-cli', now: new Date(), realTime: true });
  w.createAccount(ACCOUNT);
  w.addBucket(ACCOUNT, 'lab-reports-123456789012', { objects: { '2025/q1-summary.txt': 'Quarterly summary\n' } });
  w.addBucket(ACCOUNT, 'lab-archive-123456789012');
  const sim = new SimBackend(w);
  const root = w.rootCredentials(ACCOUNT);
  const call = (operation: string, input: Record<string, unknown>) => {
    const r = sim.callSync({ service: 'iam', operation, input, credentials: root, via: 'api' });
    if (!r.ok) throw new Error(`${operation}: ${r.error.code}: ${r.error.message}`);
    return r.output;
  };
  const user = (name: string) => {
    call('CreateUser', { UserName: name });
    const k = call('CreateAccessKey', { UserName: name }).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    creds[name] = { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey };
  };
  // seed 002, end of the console part: James-custom-viewonly (no S3), the role trusting James
  call('CreatePolicy', {
    PolicyName: 'James-custom-viewonly',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 'iam:List*', 'iam:Get*'], Resource: '*' }] }),
  });
  user('James');
  call('AttachUserPolicy', { UserName: 'James', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/James-custom-viewonly` });
  call('CreateRole', {
    RoleName: 'James-custom-S3-role',
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${ACCOUNT}:user/James`] }, Action: 'sts:AssumeRole', Condition: {} }],
    }),
  });
  call('AttachRolePolicy', { RoleName: 'James-custom-S3-role', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  // seed 004: a role trusting the account root, AmazonS3FullAccess; a user allowed sts:AssumeRole, one not
  call('CreateRole', {
    RoleName: 'MyRoleName',
    AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }),
  });
  call('AttachRolePolicy', { RoleName: 'MyRoleName', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' });
  user('dev');
  call('PutUserPolicy', {
    UserName: 'dev',
    PolicyName: 'assume',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/MyRoleName` }] }),
  });
  user('intern');
  return w;
}

before(async () => {
  if (!hasAws) return;
  world = setupWorld();
  server = await startServer({ world });
  dir = mkdtempSync(join(tmpdir(), 'iamlab-serve-cli-'));
  writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\noutput = json\ns3 =\n    signature_version = s3v4\n');
  writeFileSync(join(dir, 'credentials'), '');
});
after(async () => {
  if (!hasAws) return;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws …` asynchronously (the endpoint lives in this process) as `who` or with explicit env credentials. */
function aws(args: string[], as: Credentials): Promise<Run> {
  return runAws(args, awsEnv(dir, { endpoint: server.url, credentials: as }));
}

function exportsFrom(out: Run): Credentials {
  const c = (JSON.parse(out.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }).Credentials;
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

// independent scenarios on one endpoint, run side by side (each `aws` start costs seconds)
describe('the aws CLI against iamlab serve', { concurrency: true }, () => {
  test('seed 002: James — get-caller-identity, s3 ls denied, list-roles --query, assume-role, identity as the role, s3 ls allowed', async (t) => {
    if (!hasAws) return t.skip('aws CLI not on PATH');
    const james = creds.James!;

    const who = await aws(['sts', 'get-caller-identity'], james);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(JSON.parse(who.stdout).Arn, `arn:aws:iam::${ACCOUNT}:user/James`);

    const ls = await aws(['s3', 'ls'], james);
    assert.equal(ls.code, 255);
    assert.match(ls.stderr, /An error occurred \(AccessDenied\) when calling the ListBuckets operation: /);

    const roles = await aws(['iam', 'list-roles', '--query', "Roles[?RoleName == 'James-custom-S3-role'].[RoleName, Arn]"], james);
    assert.equal(roles.code, 0, roles.stderr);
    assert.deepEqual(JSON.parse(roles.stdout), [['James-custom-S3-role', `arn:aws:iam::${ACCOUNT}:role/James-custom-S3-role`]]);

    const assumed = await aws(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/James-custom-S3-role`, '--role-session-name', 'Radkowski-CLI-test'], james);
    assert.equal(assumed.code, 0, assumed.stderr);
    const parsed = JSON.parse(assumed.stdout);
    assert.equal(parsed.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/James-custom-S3-role/Radkowski-CLI-test`);
    assert.match(parsed.Credentials.Expiration, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    const session = exportsFrom(assumed);

    const who2 = await aws(['sts', 'get-caller-identity'], session);
    assert.equal(JSON.parse(who2.stdout).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/James-custom-S3-role/Radkowski-CLI-test`);

    const ls2 = await aws(['s3', 'ls'], session);
    assert.equal(ls2.code, 0, ls2.stderr);
    assert.match(ls2.stdout, /lab-archive-123456789012\n.*lab-reports-123456789012/s);

    const files = await aws(['s3', 'ls', 's3://lab-reports-123456789012/', '--recursive'], session);
    assert.equal(files.code, 0, files.stderr);
    assert.match(files.stdout, /2025\/q1-summary\.txt/);

    // the role reads; it cannot write
    const put = await aws(['s3api', 'put-object', '--bucket', 'lab-reports-123456789012', '--key', 'x.txt', '--body', join(dir, 'config')], session);
    assert.equal(put.code, 255);
    assert.match(put.stderr, /\(AccessDenied\) when calling the PutObject operation/);

    // GetRole through the CLI: the CLI decodes the URL-encoded trust policy into JSON
    const role = await aws(['iam', 'get-role', '--role-name', 'James-custom-S3-role'], james);
    assert.equal(role.code, 0, role.stderr);
    assert.deepEqual(JSON.parse(role.stdout).Role.AssumeRolePolicyDocument.Statement[0].Principal.AWS, [`arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${ACCOUNT}:user/James`]);

    const events = world.audit.events().filter((e) => e.via === 'serve' && e.eventName === 'AssumeRole' && e.outcome === 'success');
    assert.ok(events.some((e) => e.userIdentity.userName === 'James'));
  });

  test('seed 004: assume a role trusting the account root — denied without an identity policy, allowed with one; s3 ls and cp as the role', async (t) => {
    if (!hasAws) return t.skip('aws CLI not on PATH');
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/MyRoleName`;

    const denied = await aws(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'MySessionName'], creds.intern!);
    assert.equal(denied.code, 255);
    assert.match(denied.stderr, new RegExp(`An error occurred \\(AccessDenied\\) when calling the AssumeRole operation: User: arn:aws:iam::${ACCOUNT}:user/intern is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`));

    const ok = await aws(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'MySessionName'], creds.dev!);
    assert.equal(ok.code, 0, ok.stderr);
    const session = exportsFrom(ok);
    assert.match(session.accessKeyId, /^ASIA/);

    const ls = await aws(['s3', 'ls'], session);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /lab-reports-123456789012/);

    const cp = await aws(['s3', 'cp', join(dir, 'config'), 's3://lab-archive-123456789012/config.txt'], session);
    assert.equal(cp.code, 0, cp.stderr);
    const back = await aws(['s3', 'cp', 's3://lab-archive-123456789012/config.txt', '-'], session);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /signature_version = s3v4/);

    const presigned = await aws(['s3', 'presign', 's3://lab-archive-123456789012/config.txt', '--expires-in', '300'], session);
    assert.equal(presigned.code, 0, presigned.stderr);
    const r = await fetch(presigned.stdout.trim());
    assert.equal(r.status, 200);
    assert.match(await r.text(), /signature_version = s3v4/);

    const ec2 = await aws(['ec2', 'describe-instances'], session);
    assert.equal(ec2.code, 255);
    assert.match(ec2.stderr, /\(UnauthorizedOperation\) when calling the DescribeInstances operation: You are not authorized to perform this operation/);

    const rm = await aws(['s3', 'rm', 's3://lab-archive-123456789012/config.txt'], session);
    assert.equal(rm.code, 0, rm.stderr);
  });

  test('CLI authentication errors: wrong secret and a bogus session token', async (t) => {
    if (!hasAws) return t.skip('aws CLI not on PATH');
    const [bad, tok] = await Promise.all([
      aws(['sts', 'get-caller-identity'], { ...creds.dev!, secretAccessKey: 'wrong' }),
      aws(['sts', 'get-caller-identity'], { ...creds.dev!, sessionToken: 'bogus' }),
    ]);
    assert.equal(bad.code, 255);
    assert.match(bad.stderr, /\(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation/);
    assert.equal(tok.code, 255);
    assert.match(tok.stderr, /\(InvalidClientTokenId\) when calling the GetCallerIdentity operation: The security token included in the request is invalid/);
  });

  test('account get-account-information (REST-JSON): allowed for root, AccessDeniedException for a user without permission', async (t) => {
    if (!hasAws) return t.skip('aws CLI not on PATH');
    const [ok, denied] = await Promise.all([
      aws(['account', 'get-account-information'], world.rootCredentials(ACCOUNT)),
      aws(['account', 'get-account-information'], creds.intern!),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const info = JSON.parse(ok.stdout);
    assert.equal(info.AccountId, ACCOUNT);
    assert.match(info.AccountCreatedDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    assert.equal(denied.code, 255);
    assert.match(denied.stderr, /An error occurred \(AccessDeniedException\) when calling the GetAccountInformation operation: User: arn:aws:iam::123456789012:user\/intern is not authorized to perform: account:GetAccountInformation/);
  });
});
