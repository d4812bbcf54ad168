// Seed 004 (cross-account assume-role, export, s3 ls, revoke sessions) and the CLI's
// credential resolution: a role_arn profile (with its cache, MFA prompt, configure list),
// precedence of --profile, exported keys and AWS_PROFILE.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAll, seed004, shell, world } from './helpers.js';

const ROLE = 'arn:aws:iam::210987654321:role/MyRoleName';

async function learner() {
  const { s, key } = seed004();
  const sh = shell(s);
  await runAll(sh, [`export AWS_ACCESS_KEY_ID=${key.accessKeyId}`, `export AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`, 'export AWS_DEFAULT_REGION=us-east-1']);
  return { s, sh, key };
}

describe('seed 004 — cross-account assume-role', () => {
  it('assume-role, export, identity and s3 ls in the other account (json, text, table)', async () => {
    const { s, sh } = await learner();
    const roleId = s.world.iam.role('210987654321', 'MyRoleName')!.id;
    const r = await sh.run(`aws sts assume-role --role-arn ${ROLE} --role-session-name MySessionName --output text`);
    assert.equal(r.exitCode, 0, r.stderr);
    const [aru, cred] = r.stdout.trimEnd().split('\n');
    assert.equal(aru, `ASSUMEDROLEUSER\tarn:aws:sts::210987654321:assumed-role/MyRoleName/MySessionName\t${roleId}:MySessionName`);
    const [, ak, exp, sk, st] = cred!.split('\t');
    assert.equal(exp, '2026-01-01T10:00:00+00:00');
    await runAll(sh, [`export AWS_ACCESS_KEY_ID=${ak}`, `export AWS_SECRET_ACCESS_KEY=${sk}`, `export AWS_SESSION_TOKEN=${st}`]);
    const who = await sh.run('aws sts get-caller-identity --output text');
    assert.equal(who.stdout, `210987654321\tarn:aws:sts::210987654321:assumed-role/MyRoleName/MySessionName\t${roleId}:MySessionName\n`);
    const ls = await sh.run('aws s3 ls');
    assert.equal(ls.stdout, '2026-01-01 09:00:00 partner-data\n2026-01-01 09:00:00 partner-logs\n');
    const json = await sh.run('aws s3api list-buckets --query "Buckets[].Name"');
    assert.equal(json.stdout, '[\n    "partner-data",\n    "partner-logs"\n]\n');
    const table = await sh.run('aws s3api list-buckets --query "Buckets[].Name" --output table');
    assert.equal(
      table.stdout,
      ['------------------', '|   ListBuckets  |', '+----------------+', '|  partner-data  |', '|  partner-logs  |', '+----------------+', ''].join('\n'),
    );
  });

  it('the identity side is needed too: without it AssumeRole is denied with AWS\'s message', async () => {
    const { s, sh } = await learner();
    s.root('123456789012', 'iam', 'DeleteUserPolicy', { UserName: 'learner', PolicyName: 'learner-inline' });
    const r = await sh.run(`aws sts assume-role --role-arn ${ROLE} --role-session-name MySessionName`);
    assert.equal(r.exitCode, 254);
    assert.equal(
      r.stderr,
      `\naws: [ERROR]: An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::123456789012:user/learner is not authorized to perform: sts:AssumeRole on resource: ${ROLE}\n`,
    );
    assert.equal(sh.lastExplanation()?.decision, 'Deny');
  });

  it('explain says when the policies allowed a call that failed anyway, and when the last call never reached them', async () => {
    const { sh } = await learner();
    const long = await sh.run(`aws sts assume-role --role-arn ${ROLE} --role-session-name MySessionName --duration-seconds 43200`);
    assert.equal(long.exitCode, 254);
    let ex = await sh.run('explain');
    assert.match(ex.stdout, /^The policies allowed sts AssumeRole, but the call failed for another reason: ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set for this role\.\n\nALLOWED /);
    // a key that does not exist: no policy is evaluated at all
    await runAll(sh, ['export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE']);
    assert.equal((await sh.run('aws sts get-caller-identity')).exitCode, 254);
    ex = await sh.run('explain');
    assert.match(ex.stdout, /^The last call, sts GetCallerIdentity, failed before any policy was evaluated: InvalidClientTokenId: The security token included in the request is invalid\nWhat follows explains the call before it, sts AssumeRole\.\n\nALLOWED /);
  });

  it('console revoke-sessions (as an admin of the role account) denies the exported session', async () => {
    const { s, sh, key } = await learner();
    const creds = JSON.parse((await sh.run(`aws sts assume-role --role-arn ${ROLE} --role-session-name MySessionName --query Credentials`)).stdout);
    await runAll(sh, [`export AWS_ACCESS_KEY_ID=${creds.AccessKeyId} AWS_SECRET_ACCESS_KEY=${creds.SecretAccessKey} AWS_SESSION_TOKEN=${creds.SessionToken}`]);
    assert.equal((await sh.run('aws s3 ls')).exitCode, 0);
    s.world.clock.advance(60_000);
    const signin = await sh.run('console sign-in owner --account 210987654321');
    assert.equal(signin.exitCode, 0, signin.stderr);
    const rv = await sh.run('console revoke-sessions --role-name MyRoleName');
    assert.equal(rv.exitCode, 0, rv.stderr);
    assert.equal(rv.calls[0]!.request.via, 'console');
    assert.equal(rv.calls[0]!.request.operation, 'PutRolePolicy');
    const denied = await sh.run('aws s3 ls');
    assert.equal(denied.exitCode, 254);
    assert.match(denied.stderr, /An error occurred \(AccessDenied\) when calling the ListBuckets operation/);
    assert.equal(sh.lastExplanation()?.reason, 'explicit-deny');
    // a session issued after the revocation works
    s.world.clock.advance(1000);
    await sh.run(`unset AWS_SESSION_TOKEN; export AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`);
    const fresh = JSON.parse((await sh.run(`aws sts assume-role --role-arn ${ROLE} --role-session-name MySessionName --query Credentials`)).stdout);
    const ok = await sh.run(`AWS_ACCESS_KEY_ID=${fresh.AccessKeyId} AWS_SECRET_ACCESS_KEY=${fresh.SecretAccessKey} AWS_SESSION_TOKEN=${fresh.SessionToken} aws s3 ls`);
    assert.equal(ok.exitCode, 0, ok.stderr);
  });
});

describe('profiles and credential precedence', () => {
  function withProfiles() {
    const s = world('profiles', ['123456789012']);
    const alice = s.user('123456789012', 'alice', {
      inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'iam:CreateVirtualMFADevice', 'iam:EnableMFADevice'], Resource: '*' }] },
      key: true,
    }) as { accessKeyId: string; secretAccessKey: string };
    const bob = s.user('123456789012', 'bob', { key: true }) as { accessKeyId: string; secretAccessKey: string };
    s.role('123456789012', 's3-reader', { AWS: 'arn:aws:iam::123456789012:user/alice' }, ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
    const sh = shell(s);
    sh.state.credentials.default = { aws_access_key_id: alice.accessKeyId, aws_secret_access_key: alice.secretAccessKey };
    sh.state.config.default = { region: 'us-east-1' };
    sh.state.credentials.bob = { aws_access_key_id: bob.accessKeyId, aws_secret_access_key: bob.secretAccessKey };
    sh.state.config.s3reader = { role_arn: 'arn:aws:iam::123456789012:role/s3-reader', source_profile: 'default', role_session_name: 'lab-session' };
    return { s, sh, alice, bob };
  }

  it('a role_arn profile assumes the role itself (two calls), then reuses the cached credentials', async () => {
    const { s, sh } = withProfiles();
    const roleId = s.world.iam.role('123456789012', 's3-reader')!.id;
    const r = await sh.run('aws sts get-caller-identity --profile s3reader');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `{\n    "UserId": "${roleId}:lab-session",\n    "Account": "123456789012",\n    "Arn": "arn:aws:sts::123456789012:assumed-role/s3-reader/lab-session"\n}\n`);
    assert.deepEqual(
      r.calls.map((c) => `${c.request.service}:${c.request.operation}`),
      ['sts:AssumeRole', 'sts:GetCallerIdentity'],
    );
    assert.equal(r.calls[0]!.request.input.RoleSessionName, 'lab-session');
    await sh.run('export AWS_PROFILE=s3reader');
    assert.deepEqual(await sh.shellIdentity(), { arn: 'arn:aws:sts::123456789012:assumed-role/s3-reader/lab-session', accountId: '123456789012', source: 'profile:s3reader' });
    await sh.run('unset AWS_PROFILE');
    assert.deepEqual(await sh.shellIdentity(), { arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', source: 'profile:default' });
    const again = await sh.run('aws s3 ls --profile s3reader');
    assert.deepEqual(again.calls.map((c) => c.request.operation), ['ListBuckets'], 'cached until 15 minutes before expiry');
    s.world.clock.advance(50 * 60_000);
    const later = await sh.run('aws s3 ls --profile s3reader');
    assert.deepEqual(later.calls.map((c) => c.request.operation), ['AssumeRole', 'ListBuckets']);
    const list = await sh.run('aws configure list --profile s3reader');
    const lines = list.stdout.split('\n');
    assert.equal(lines[0], 'NAME       : VALUE                    : TYPE             : LOCATION');
    assert.equal(lines[1], 'profile    : s3reader                 : manual           : --profile');
    assert.match(lines[2]!, /^access_key : \*{16}[A-Z0-9]{4}     : assume-role      : $/);
    assert.match(lines[3]!, /^secret_key : \*{16}\S{4}     : assume-role      : $/);
    assert.equal(lines[4], 'region     : <not set>                : None             : None');
  });

  it('role_session_name defaults to botocore-session-<epoch>; the source profile must be allowed', async () => {
    const { s, sh } = withProfiles();
    delete sh.state.config.s3reader!.role_session_name;
    const r = await sh.run('aws sts get-caller-identity --profile s3reader --query Arn --output text');
    const epoch = Math.floor(s.world.clock.now().getTime() / 1000);
    assert.equal(r.stdout, `arn:aws:sts::123456789012:assumed-role/s3-reader/botocore-session-${epoch}\n`);
    sh.state.config.s3reader!.source_profile = 'bob';
    const d = await sh.run('aws sts get-caller-identity --profile s3reader');
    assert.equal(d.exitCode, 254);
    assert.match(d.stderr, /An error occurred \(AccessDenied\) when calling the AssumeRole operation: User: arn:aws:iam::123456789012:user\/bob is not authorized/);
    sh.state.config.s3reader!.source_profile = 'nobody';
    const m = await sh.run('aws sts get-caller-identity --profile s3reader');
    assert.equal(m.exitCode, 255);
    assert.equal(m.stderr, '\naws: [ERROR]: The source_profile "nobody" referenced in the profile "s3reader" does not exist.\n');
  });

  it('mfa_serial prompts "Enter MFA code for <serial>: " and passes SerialNumber/TokenCode', async () => {
    const { s, sh } = withProfiles();
    const mfa = await runAll(sh, [
      'aws iam create-virtual-mfa-device --virtual-mfa-device-name alice --outfile seed.txt --bootstrap-method Base32StringSeed --query VirtualMFADevice.SerialNumber --output text',
    ]);
    assert.equal(mfa[0]!.exitCode, 0, mfa[0]!.stderr);
    const serial = mfa[0]!.stdout.trim();
    assert.equal(serial, 'arn:aws:iam::123456789012:mfa/alice');
    assert.ok((await sh.run('cat seed.txt')).stdout.length >= 16, 'the seed was written to the workspace');
    const c1 = (await sh.run(`mfa-code ${serial}`)).stdout.trim();
    const c2 = (await sh.run(`mfa-code ${serial} --next`)).stdout.trim();
    const en = await sh.run(`aws iam enable-mfa-device --user-name alice --serial-number ${serial} --authentication-code1 ${c1} --authentication-code2 ${c2}`);
    assert.equal(en.exitCode, 0, en.stderr);
    sh.state.config.s3reader!.mfa_serial = serial;
    const asked: string[] = [];
    sh.setPrompt(async (q) => {
      asked.push(q);
      return s.world.mfaCode(serial);
    });
    const r = await sh.run('aws sts get-caller-identity --profile s3reader --query Arn --output text');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(asked, [`Enter MFA code for ${serial}: `]);
    assert.equal(r.calls[0]!.request.input.SerialNumber, serial);
    assert.match(String(r.calls[0]!.request.input.TokenCode), /^\d{6}$/);
  });

  it('precedence: --profile beats exported keys, exported keys beat AWS_PROFILE and the default profile', async () => {
    const { sh, alice, bob } = withProfiles();
    const arn = async (extra = '') => (await sh.run(`aws sts get-caller-identity --query Arn --output text ${extra}`)).stdout.trim();
    assert.equal(await arn(), 'arn:aws:iam::123456789012:user/alice');
    await sh.run('export AWS_PROFILE=bob');
    assert.equal(await arn(), 'arn:aws:iam::123456789012:user/bob');
    await sh.run(`export AWS_ACCESS_KEY_ID=${alice.accessKeyId} AWS_SECRET_ACCESS_KEY=${alice.secretAccessKey}`);
    assert.equal(await arn(), 'arn:aws:iam::123456789012:user/alice', 'exported keys beat AWS_PROFILE');
    assert.equal(await arn('--profile bob'), 'arn:aws:iam::123456789012:user/bob', '--profile beats exported keys');
    void bob;
    const list = await sh.run('aws configure list');
    assert.match(list.stdout, /^profile    : bob                      : env              : \['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'\]$/m);
    assert.match(list.stdout, /^access_key : \*{16}\w{4}     : env              : $/m);
    // a forgotten session token with ASIA keys: the service says the token is invalid
    await sh.run('export AWS_ACCESS_KEY_ID=ASIAXXXXXXXXXXXXXXXX');
    const bad = await sh.run('aws sts get-caller-identity');
    assert.equal(bad.exitCode, 254);
    assert.match(bad.stderr, /An error occurred \(InvalidClientTokenId\) when calling the GetCallerIdentity operation: The security token included in the request is invalid/);
  });

  it('no credentials: exit 253; unknown profile: exit 255; partial env keys: exit 255', async () => {
    const s = world('nocreds', ['123456789012']);
    const sh = shell(s);
    const r = await sh.run('aws sts get-caller-identity');
    assert.equal(r.exitCode, 253);
    assert.equal(r.stderr, '\naws: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running "aws login".\n');
    const p = await sh.run('aws sts get-caller-identity --profile nope');
    assert.equal(p.exitCode, 255);
    assert.equal(p.stderr, '\naws: [ERROR]: The config profile (nope) could not be found\n');
    const e = await sh.run('AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX aws sts get-caller-identity');
    assert.equal(e.exitCode, 255);
    assert.equal(e.stderr, '\naws: [ERROR]: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY\n');
    assert.equal(sh.state.env.AWS_ACCESS_KEY_ID, undefined, 'a NAME=value prefix applies to that command only');
  });

  it('aws configure (prompts), set, get, list-profiles', async () => {
    const s = world('configure', ['123456789012']);
    const k = s.user('123456789012', 'carol', { key: true }) as { accessKeyId: string; secretAccessKey: string };
    const sh = shell(s);
    const answers = [k.accessKeyId, k.secretAccessKey, 'eu-west-1', 'text'];
    const asked: string[] = [];
    sh.setPrompt(async (q) => {
      asked.push(q);
      return answers.shift();
    });
    const r = await sh.run('aws configure');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(asked, ['AWS Access Key ID [None]: ', 'AWS Secret Access Key [None]: ', 'Default region name [None]: ', 'Default output format [None]: ']);
    assert.deepEqual(sh.state.credentials.default, { aws_access_key_id: k.accessKeyId, aws_secret_access_key: k.secretAccessKey });
    assert.deepEqual(sh.state.config.default, { region: 'eu-west-1', output: 'text' });
    assert.equal((await sh.run('aws sts get-caller-identity --query Account')).stdout, '123456789012\n', 'output text from the profile');
    asked.length = 0;
    answers.push('', '', '', 'json');
    await sh.run('aws configure');
    assert.equal(asked[0], `AWS Access Key ID [****************${k.accessKeyId.slice(-4)}]: `);
    assert.equal(asked[2], 'Default region name [eu-west-1]: ');
    await runAll(sh, ['aws configure set region us-west-2 --profile dev', 'aws configure set profile.dev.output table', 'aws configure set aws_access_key_id AKIAEXAMPLEEXAMPLE12 --profile dev']);
    assert.deepEqual(sh.state.config.dev, { region: 'us-west-2', output: 'table' });
    assert.deepEqual(sh.state.credentials.dev, { aws_access_key_id: 'AKIAEXAMPLEEXAMPLE12' });
    assert.equal((await sh.run('aws configure get region --profile dev')).stdout, 'us-west-2\n');
    assert.equal((await sh.run('aws configure get dev.output')).stdout, 'table\n');
    const missing = await sh.run('aws configure get nothing');
    assert.equal(missing.exitCode, 1);
    assert.equal(missing.stdout, '');
    assert.equal((await sh.run('aws configure list-profiles')).stdout, 'default\ndev\n');
  });
});
