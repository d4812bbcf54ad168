// The shell on a real account (the project's own endpoint as the account): identity from
// exports and profiles, secrets hidden in every output with reveal and paste-back, a state for
// disk without secrets, confirmation before the first write, and failures with clear messages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBackend, World } from '../../src/sim/index.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { RealBackend, type WriteConfirmation } from '../../src/real/backend.js';
import { RealEventLog } from '../../src/real/events.js';
import { RealShellSession } from '../../src/real/shell.js';
import { checkReal } from '../../src/real/checks.js';
import type { Credentials } from '../../src/backend/types.js';
import { closedPort } from './helpers.js';

const ACCOUNT = '111122223333';
const TRUST_ADMIN = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, Action: 'sts:AssumeRole' }] });

function setupWorld(): { world: World; admin: Credentials; nobody: Credentials } {
  const world = World.create({ seed: 'real-shell', now: new Date() , realTime: true });
  world.createAccount(ACCOUNT);
  const sim = new SimBackend(world);
  const root = world.rootCredentials(ACCOUNT);
  const call = (operation: string, input: Record<string, unknown>) => {
    const r = sim.callSync({ service: 'iam', operation, input, credentials: root, via: 'api' });
    if (!r.ok) throw new Error(`${operation}: ${r.error.message}`);
    return r.output;
  };
  call('CreateUser', { UserName: 'admin' });
  call('AttachUserPolicy', { UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  const a = (call('CreateAccessKey', { UserName: 'admin' }).AccessKey as { AccessKeyId: string; SecretAccessKey: string });
  call('CreateUser', { UserName: 'nobody' });
  const n = (call('CreateAccessKey', { UserName: 'nobody' }).AccessKey as { AccessKeyId: string; SecretAccessKey: string });
  call('CreateRole', { RoleName: 'lab-admin', AssumeRolePolicyDocument: TRUST_ADMIN });
  call('AttachRolePolicy', { RoleName: 'lab-admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  return { world, admin: { accessKeyId: a.AccessKeyId, secretAccessKey: a.SecretAccessKey }, nobody: { accessKeyId: n.AccessKeyId, secretAccessKey: n.SecretAccessKey } };
}

describe('the shell on a real account (served by iamlab serve)', () => {
  let server: RunningServer;
  let dir: string;
  let env: Record<string, string>;
  let world: World;
  let admin: Credentials;
  let nobody: Credentials;
  const asked: WriteConfirmation[] = [];
  let log: RealEventLog;
  let backend: RealBackend;
  let shell: RealShellSession;

  before(async () => {
    ({ world, admin, nobody } = setupWorld());
    server = await startServer({ world });
    dir = mkdtempSync(join(tmpdir(), 'iamlab-real-shell-'));
    writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = ${admin.accessKeyId}\naws_secret_access_key = ${admin.secretAccessKey}\n\n[nobody]\naws_access_key_id = ${nobody.accessKeyId}\naws_secret_access_key = ${nobody.secretAccessKey}\n`);
    writeFileSync(join(dir, 'config'), `[default]\nregion = us-east-1\n\n[profile via-role]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/lab-admin\nsource_profile = default\nrole_session_name = from-profile\n`);
    env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir };
    log = new RealEventLog();
    backend = new RealBackend({ env, labId: 'shell-lab', eventLog: log, retry: { sleep: async () => {} }, confirmWrite: async (w) => (asked.push(w), true) });
    shell = new RealShellSession({ backend, workspaceDir: join(dir, 'ws') });
  });
  after(async () => {
    backend?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('who the shell runs as follows profiles and exports, as in the AWS CLI', async () => {
    let r = await shell.run('aws sts get-caller-identity --query Arn --output text');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim(), `arn:aws:iam::${ACCOUNT}:user/admin`);
    r = await shell.run('aws sts get-caller-identity --profile via-role --query Arn --output text');
    assert.equal(r.stdout.trim(), `arn:aws:sts::${ACCOUNT}:assumed-role/lab-admin/from-profile`);
    assert.equal(r.calls.length, 2, 'a role_arn profile makes two calls');
    r = await shell.run('AWS_PROFILE=nobody aws s3 ls');
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /AccessDenied/);
  });

  test('the first write asks once (account id and caller ARN), and what is created carries the lab tag', async () => {
    const r = await shell.run('aws iam create-user --user-name balu');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.accountId, ACCOUNT);
    assert.equal(asked[0]!.arn, `arn:aws:iam::${ACCOUNT}:user/admin`);
    await shell.run('aws iam create-user --user-name balu2');
    assert.equal(asked.length, 1, 'asked once per account');
    const tags = await shell.run('aws iam list-user-tags --user-name balu --query Tags --output json');
    assert.deepEqual(JSON.parse(tags.stdout), [{ Key: 'iamlab:lab', Value: 'shell-lab' }]);
  });

  test('assume-role output hides the secret and the token; reveal shows them; a pasted hidden value exports the real one', async () => {
    const r = await shell.run(`aws sts assume-role --role-arn arn:aws:iam::${ACCOUNT}:role/lab-admin --role-session-name tutor`);
    assert.equal(r.exitCode, 0, r.stderr);
    const shown = JSON.parse(r.stdout) as { Credentials: Record<string, string> };
    assert.match(shown.Credentials.SecretAccessKey!, /^\*{4}….{4}$/);
    assert.match(shown.Credentials.SessionToken!, /^\*{4}….{4}$/);
    assert.match(shown.Credentials.AccessKeyId!, /^ASIA/);
    const call = r.calls[0]!.result;
    assert.ok(call.ok);
    const real = (call.output.Credentials as Record<string, string>);
    assert.ok(!r.stdout.includes(real.SecretAccessKey!) && !r.stdout.includes(real.SessionToken!));
    const rev = await shell.run('reveal');
    assert.equal(rev.exitCode, 0);
    assert.ok(rev.stdout.includes(real.SecretAccessKey!) && rev.stdout.includes(real.SessionToken!));
    const flag = await shell.run(`aws sts assume-role --role-arn arn:aws:iam::${ACCOUNT}:role/lab-admin --role-session-name tutor2 --reveal`);
    assert.match(flag.stdout, /"SecretAccessKey": "[^*]/);
    // the learner copies the hidden values, as the tutorial says
    await shell.run(`export AWS_ACCESS_KEY_ID=${shown.Credentials.AccessKeyId}`);
    await shell.run(`export AWS_SECRET_ACCESS_KEY=${shown.Credentials.SecretAccessKey}`);
    await shell.run(`export AWS_SESSION_TOKEN=${shown.Credentials.SessionToken}`);
    assert.equal(shell.state.env.AWS_SECRET_ACCESS_KEY, real.SecretAccessKey);
    const who = await shell.run('aws sts get-caller-identity --query Arn --output text');
    assert.equal(who.stdout.trim(), `arn:aws:sts::${ACCOUNT}:assumed-role/lab-admin/tutor`);
    const envOut = await shell.run('env');
    assert.ok(!envOut.stdout.includes(real.SecretAccessKey!) && !envOut.stdout.includes(real.SessionToken!), envOut.stdout);
    const echo = await shell.run('echo $AWS_SESSION_TOKEN');
    assert.equal(echo.stdout.trim(), `****…${real.SessionToken!.slice(-4)}`);
    const hist = await shell.run('history');
    assert.ok(!hist.stdout.includes(real.SecretAccessKey!));

    const saved = JSON.stringify(shell.persistableState());
    assert.ok(!saved.includes(real.SecretAccessKey!) && !saved.includes(real.SessionToken!) && !saved.includes(admin.secretAccessKey), 'no secret in the saved state');
    assert.ok(!saved.includes(nobody.secretAccessKey));
    assert.match(saved, /AWS_ACCESS_KEY_ID/);

    // the events of this shell, with who made them
    const ev = log.events({ at: new Date(0).toISOString() });
    assert.ok(ev.some((e) => e.action === 'sts:GetCallerIdentity' && e.principalArn === `arn:aws:sts::${ACCOUNT}:assumed-role/lab-admin/tutor`));
    await shell.run('unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN');
  });

  test('expired session credentials: AWS\'s error, then iamlab\'s note on what to do', async () => {
    const r = await shell.run(`aws sts assume-role --role-arn arn:aws:iam::${ACCOUNT}:role/lab-admin --role-session-name short --duration-seconds 900 --reveal`);
    const c = (JSON.parse(r.stdout) as { Credentials: Record<string, string> }).Credentials;
    world.clock.advance(16 * 60_000);
    const x = await shell.run(`AWS_ACCESS_KEY_ID=${c.AccessKeyId} AWS_SECRET_ACCESS_KEY=${c.SecretAccessKey} AWS_SESSION_TOKEN=${c.SessionToken} aws sts get-caller-identity`);
    assert.notEqual(x.exitCode, 0);
    assert.match(x.stderr, /An error occurred \(ExpiredToken\) when calling the GetCallerIdentity operation: The security token included in the request is expired/);
    assert.match(x.stderr, /iamlab: These session credentials have expired/);
  });

  test('no network: the CLI-style message names the endpoint, with a note; nothing is claimed', async () => {
    const port = await closedPort();
    const b = new RealBackend({ env: { ...env, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }, retry: { sleep: async () => {} } });
    const s = new RealShellSession({ backend: b, workspaceDir: join(dir, 'ws2') });
    try {
      const r = await s.run('aws iam list-roles');
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, new RegExp(`Could not connect to the endpoint URL: "http://127\\.0\\.0\\.1:${port}/"`));
      assert.doesNotMatch(r.stderr, /An error occurred \(EndpointConnectionError\)/);
      assert.match(r.stderr, /iamlab: Check that AWS_ENDPOINT_URL/);
    } finally {
      b.close();
    }
  });

  test('iamlab check --real with a checker that may not read IAM: every step is an error naming the missing permission', async () => {
    writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = ${admin.accessKeyId}\naws_secret_access_key = ${admin.secretAccessKey}\n\n[nobody]\naws_access_key_id = ${nobody.accessKeyId}\naws_secret_access_key = ${nobody.secretAccessKey}\n`);
    const rep = await checkReal('switch-role-admin', { profile: 'nobody', backendOptions: { env, retry: { sleep: async () => {} } } });
    assert.equal(rep.passed, false);
    assert.match(rep.problem ?? '', /iam:GetAccountAuthorizationDetails was denied as arn:aws:iam::111122223333:user\/nobody/);
    assert.ok(rep.steps.length > 0 && rep.steps.every((s) => s.status === 'error' && !s.passed));
  });

  test('iamlab check --real outside the shell: state checks run, shell checks are errors that say where to run them, console events are read from CloudTrail', async () => {
    const rep = await checkReal('zero-permission-user', { backendOptions: { env, retry: { sleep: async () => {} } } });
    assert.equal(rep.accounts.main, ACCOUNT, 'the lab account is the real one');
    assert.equal(rep.callerArn, `arn:aws:iam::${ACCOUNT}:user/admin`);
    const byId = Object.fromEntries(rep.steps.map((s) => [s.stepId, s]));
    assert.equal(byId['create-sts-user']!.status, 'fail', byId['create-sts-user']!.message);
    assert.match(byId['create-sts-user']!.message, /sts_user/);
    assert.equal(byId['note-user-arn']!.status, 'fail', 'no answer given');
    // the console's EC2 page leaves ec2:DescribeInstances in CloudTrail: read there (no step marks:
    // the whole of Event history), nobody did it, and the window of a one-off check has passed
    assert.equal(byId['ec2-denied']!.status, 'fail', byId['ec2-denied']!.message);
    assert.match(byId['ec2-denied']!.message, /Nobody has called ec2:DescribeInstances as user\/sts_user/);
    assert.ok(byId['ec2-denied']!.evidence.some((e) => /CloudTrail .*LookupEvents EventName=DescribeInstances/.test(e.text)));
    assert.ok(rep.steps.every((s) => s.status !== 'pass'));
  });

  test('a lab with two accounts without --profile2 says so instead of checking half of it', async () => {
    const rep = await checkReal('cross-account-cli', { backendOptions: { env, retry: { sleep: async () => {} } } });
    assert.match(rep.problem ?? '', /needs two AWS accounts \(dev and prod\): run it again with --profile2/);
    assert.ok(rep.steps.every((s) => s.status === 'error'));
  });
});
