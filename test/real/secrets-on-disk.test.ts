// "Never write real AWS credentials to disk" in the shell on a real account (the project's own
// endpoint as the account): redirections, here-documents and downloads into the workspace hold
// ****…WXYZ in place of each secret; the learner is told once; reading the file back in the same
// shell gives the secrets back (in memory); and asking who the shell runs as is no recorded call.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBackend, World } from '../../src/sim/index.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { RealBackend } from '../../src/real/backend.js';
import { RealEventLog } from '../../src/real/events.js';
import { RealShellSession, namedSecrets } from '../../src/real/shell.js';

const ACCOUNT = '444455556666';

describe('secrets never reach the workspace folder on a real account', () => {
  let server: RunningServer;
  let world: World;
  let dir: string;
  let ws: string;
  let env: Record<string, string>;
  let backend: RealBackend;
  let log: RealEventLog;
  let shell: RealShellSession;
  let root: ReturnType<World['rootCredentials']>;
  let sim: SimBackend;

  const iam = (operation: string, input: Record<string, unknown>) => {
    const r = sim.callSync({ service: 'iam', operation, input, credentials: root, via: 'api' });
    if (!r.ok) throw new Error(`${operation}: ${r.error.message}`);
    return r.output;
  };
  const onDisk = (name: string) => readFileSync(join(ws, name), 'utf8');
  /** Every secret the account holds now (access keys of every user, live sessions). */
  const allSecrets = () => {
    const out: string[] = [];
    for (const u of world.iam.users(ACCOUNT)) for (const k of u.accessKeys) out.push(k.secret);
    for (const s of world.sessions.values()) out.push(s.secret, s.token);
    return out;
  };
  const assertWorkspaceClean = () => {
    const secrets = allSecrets();
    assert.ok(secrets.length >= 2);
    for (const name of readdirSync(ws, { recursive: true }) as string[]) {
      const p = join(ws, name);
      if (!statSync(p).isFile()) continue;
      const text = readFileSync(p, 'latin1');
      for (const s of secrets) assert.ok(!text.includes(s), `${name} holds a secret (${s.slice(0, 4)}…)`);
    }
  };

  before(async () => {
    world = World.create({ seed: 'real-disk', now: new Date(), realTime: true });
    world.createAccount(ACCOUNT);
    sim = new SimBackend(world);
    root = world.rootCredentials(ACCOUNT);
    iam('CreateUser', { UserName: 'admin' });
    iam('AttachUserPolicy', { UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    const a = iam('CreateAccessKey', { UserName: 'admin' }).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    iam('CreateUser', { UserName: 'balu' });
    iam('CreateRole', {
      RoleName: 'lab-admin',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, Action: 'sts:AssumeRole' }] }),
    });
    iam('AttachRolePolicy', { RoleName: 'lab-admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    server = await startServer({ world });
    dir = mkdtempSync(join(tmpdir(), 'iamlab-real-disk-'));
    ws = join(dir, 'ws');
    writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = ${a.AccessKeyId}\naws_secret_access_key = ${a.SecretAccessKey}\n`);
    writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n');
    env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir };
    log = new RealEventLog();
    backend = new RealBackend({ env, eventLog: log, retry: { sleep: async () => {} }, confirmWrite: async () => true });
    shell = new RealShellSession({ backend, workspaceDir: ws });
  });
  after(async () => {
    backend?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('aws iam create-access-key > key.json: the file holds ****…WXYZ, the learner is told once, reveal and reading it back give the secret', async () => {
    const r = await shell.run('aws iam create-access-key --user-name balu > key.json');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, '');
    const out = r.calls[0]!.result;
    assert.ok(out.ok);
    const secret = (out.output.AccessKey as { SecretAccessKey: string }).SecretAccessKey;
    const keyId = (out.output.AccessKey as { AccessKeyId: string }).AccessKeyId;
    const text = onDisk('key.json');
    assert.ok(!text.includes(secret), 'the secret is not on disk');
    const saved = JSON.parse(text) as { AccessKey: Record<string, string> };
    assert.equal(saved.AccessKey.SecretAccessKey, `****…${secret.slice(-4)}`);
    assert.equal(saved.AccessKey.AccessKeyId, keyId, 'the key id (not a secret) is kept');
    assert.equal(saved.AccessKey.UserName, 'balu');
    assert.equal(
      r.stderr,
      `iamlab: secrets are not written to disk in a real account; key.json holds ****…${secret.slice(-4)} in their place — type \`reveal\` to see them in full (reading the file in this shell gives them back until you leave it).\n`,
    );
    // reveal shows what the command printed, in full
    const rev = await shell.run('reveal');
    assert.ok(rev.stdout.includes(secret));
    // the file read back in this shell: the screen still hides it, a variable gets the real value
    const cat = await shell.run('cat key.json');
    assert.ok(!cat.stdout.includes(secret));
    assert.match(cat.stdout, new RegExp(`\\*{4}…${secret.slice(-4)}`));
    await shell.run('export AWS_ACCESS_KEY_ID=$(jq -r .AccessKey.AccessKeyId < key.json)');
    await shell.run('export AWS_SECRET_ACCESS_KEY=$(cat key.json | jq -r .AccessKey.SecretAccessKey)');
    assert.equal(shell.state.env.AWS_SECRET_ACCESS_KEY, secret);
    const who = await shell.run('aws sts get-caller-identity --query Arn --output text');
    assert.equal(who.stdout.trim(), `arn:aws:iam::${ACCOUNT}:user/balu`, who.stderr);
    await shell.run('unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY');
    assertWorkspaceClean();
  });

  test('aws sts assume-role > creds.json and >> append, 2>&1 and text output: no secret or token on disk; later notes are short', async () => {
    const r = await shell.run(`aws sts assume-role --role-arn arn:aws:iam::${ACCOUNT}:role/lab-admin --role-session-name disk > creds.json 2>&1`);
    assert.equal(r.exitCode, 0, r.stderr);
    const res = r.calls[0]!.result;
    assert.ok(res.ok);
    const c = res.output.Credentials as Record<string, string>;
    const text = onDisk('creds.json');
    assert.ok(!text.includes(c.SecretAccessKey!) && !text.includes(c.SessionToken!));
    const saved = JSON.parse(text) as { Credentials: Record<string, string> };
    assert.equal(saved.Credentials.SessionToken, `****…${c.SessionToken!.slice(-4)}`);
    assert.equal(saved.Credentials.AccessKeyId, c.AccessKeyId);
    assert.equal(r.stderr, `iamlab: creds.json holds ****…${c.SecretAccessKey!.slice(-4)}, ****…${c.SessionToken!.slice(-4)} in place of the secrets (not written to disk).\n`);
    const t = await shell.run(`aws sts assume-role --role-arn arn:aws:iam::${ACCOUNT}:role/lab-admin --role-session-name disk2 --output text >> all.txt`);
    assert.equal(t.exitCode, 0, t.stderr);
    await shell.run(`aws sts assume-role --role-arn arn:aws:iam::${ACCOUNT}:role/lab-admin --role-session-name disk3 --output text >> all.txt`);
    const lines = onDisk('all.txt').split('\n').filter((l) => l.startsWith('CREDENTIALS'));
    assert.equal(lines.length, 2, 'both appended');
    for (const l of lines) assert.match(l, /^CREDENTIALS\tASIA\w+\t\S+\t\*{4}…\S{4}\t\*{4}…\S{4}$/);
    // the credentials read back from the file work in this shell
    await shell.run('export AWS_ACCESS_KEY_ID=$(jq -r .Credentials.AccessKeyId < creds.json) AWS_SECRET_ACCESS_KEY=$(jq -r .Credentials.SecretAccessKey < creds.json) AWS_SESSION_TOKEN=$(jq -r .Credentials.SessionToken < creds.json)');
    const who = await shell.run('aws sts get-caller-identity --query Arn --output text');
    assert.equal(who.stdout.trim(), `arn:aws:sts::${ACCOUNT}:assumed-role/lab-admin/disk`, who.stderr);
    await shell.run('unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN');
    assertWorkspaceClean();
  });

  test('cat > f <<EOF with a pasted secret the shell never saw, and with a pasted ****…WXYZ: neither secret is written', async () => {
    // a key made outside this shell (the learner pastes it from elsewhere)
    const k = iam('CreateAccessKey', { UserName: 'balu' }).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    const r = await shell.run(`cat > pasted.ini <<EOF\n[balu]\naws_access_key_id = ${k.AccessKeyId}\naws_secret_access_key = ${k.SecretAccessKey}\nEOF`);
    assert.equal(r.exitCode, 0, r.stderr);
    const text = onDisk('pasted.ini');
    assert.ok(!text.includes(k.SecretAccessKey));
    assert.equal(text, `[balu]\naws_access_key_id = ${k.AccessKeyId}\naws_secret_access_key = ****…${k.SecretAccessKey.slice(-4)}\n`);
    assert.match(r.stderr, new RegExp(`pasted\\.ini holds \\*{4}…${k.SecretAccessKey.slice(-4).replace(/[+/=]/g, '\\$&')}`));
    // the echo of the secret is hidden on screen too, from now on
    const echo = await shell.run(`echo ${k.SecretAccessKey}`);
    assert.equal(echo.stdout.trim(), `****…${k.SecretAccessKey.slice(-4)}`);
    // a hidden value typed into a here-document stands for the real secret: the file still hides it
    const env2 = await shell.run(`cat > env.sh <<'EOF'\nexport AWS_SECRET_ACCESS_KEY=****…${k.SecretAccessKey.slice(-4)}\nEOF`);
    assert.equal(env2.exitCode, 0, env2.stderr);
    assert.equal(onDisk('env.sh'), `export AWS_SECRET_ACCESS_KEY=****…${k.SecretAccessKey.slice(-4)}\n`);
    // placeholders and variable references are not secrets
    await shell.run(`cat > tmpl.sh <<'EOF'\nexport AWS_SECRET_ACCESS_KEY=$SECRET\naws_secret_access_key = YOUR_SECRET\nEOF`);
    assert.equal(onDisk('tmpl.sh'), 'export AWS_SECRET_ACCESS_KEY=$SECRET\naws_secret_access_key = YOUR_SECRET\n');
    // pasted without a redirection: hidden on screen, and not in the shell state saved to disk
    iam('CreateUser', { UserName: 'kaa' });
    const k2 = iam('CreateAccessKey', { UserName: 'kaa' }).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    const shown = await shell.run(`cat <<EOF\naws_secret_access_key = ${k2.SecretAccessKey}\nEOF`);
    assert.equal(shown.stdout, `aws_secret_access_key = ****…${k2.SecretAccessKey.slice(-4)}\n`);
    const saved = JSON.stringify(shell.persistableState());
    assert.ok(!saved.includes(k2.SecretAccessKey) && !saved.includes(k.SecretAccessKey), 'no pasted secret in the saved history');
    assert.match(saved, /aws_secret_access_key = <redacted>/);
    assertWorkspaceClean();
  });

  test('an s3 download holding a secret is hidden on disk; the upload of a file that stands for one sends the real value', async () => {
    let r = await shell.run('aws s3 mb s3://disk-bucket-444455556666');
    assert.equal(r.exitCode, 0, r.stderr);
    r = await shell.run('aws s3 cp creds.json s3://disk-bucket-444455556666/creds.json');
    assert.equal(r.exitCode, 0, r.stderr);
    const stored = [...world.sessions.values()].find((s) => s.sessionName === 'disk');
    assert.ok(stored, 'the session of the first test');
    const obj = await backend.send({ service: 's3', operation: 'GetObject', input: { Bucket: 'disk-bucket-444455556666', Key: 'creds.json' } });
    assert.ok(obj.ok);
    const body = obj.output.Body;
    const uploaded = typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8');
    assert.ok(uploaded.includes(stored.secret), 'the object in the account holds the real secret (as the learner meant)');
    r = await shell.run('aws s3 cp s3://disk-bucket-444455556666/creds.json back.json');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(!onDisk('back.json').includes(stored.secret));
    assert.match(r.stderr, /back\.json holds \*{4}…/);
    assertWorkspaceClean();
  });

  test('a new shell no longer knows the secrets: reading such a file says so instead of passing ****…WXYZ on silently', async () => {
    const fresh = new RealShellSession({ backend, workspaceDir: ws });
    const r = await fresh.run('jq -r .Credentials.SecretAccessKey < creds.json');
    assert.match(r.stdout, /^\*{4}…\S{4}\n$/);
    assert.match(r.stderr, /^iamlab: creds\.json holds \*{4}…\S{4}, \*{4}…\S{4} where secrets were; secrets are never written to disk, and these are no longer in memory \(they are kept only while the shell runs\) — run the command that made the file again\.\n$/);
  });

  test('asking who the shell runs as (prompt, whoami, the app header) makes no call the lab could see', async () => {
    const before = log.events({ at: new Date(0).toISOString() }).length;
    const id = await shell.shellIdentity();
    assert.equal(id?.arn, `arn:aws:iam::${ACCOUNT}:user/admin`);
    assert.equal(id?.source, 'profile:default');
    const w = await shell.run('whoami');
    assert.match(w.stdout, new RegExp(`CLI: +arn:aws:iam::${ACCOUNT}:user/admin`));
    assert.equal(log.events({ at: new Date(0).toISOString() }).length, before, 'no GetCallerIdentity recorded');
    // exported keys of another identity: asked (not recorded) too
    iam('CreateUser', { UserName: 'mowgli' });
    const k = iam('CreateAccessKey', { UserName: 'mowgli' }).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    await shell.run(`export AWS_ACCESS_KEY_ID=${k.AccessKeyId} AWS_SECRET_ACCESS_KEY=${k.SecretAccessKey}`);
    assert.equal((await shell.shellIdentity())?.arn, `arn:aws:iam::${ACCOUNT}:user/mowgli`);
    assert.equal((await shell.shellIdentity())?.source, 'env');
    assert.equal(log.events({ at: new Date(0).toISOString() }).length, before);
    await shell.run('unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY');
  });

  test('namedSecrets finds values next to their names only', () => {
    assert.deepEqual(namedSecrets('aws_secret_access_key = abcdEFGH1234ijkl/+mn\nAWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjEJr//////////wEaCXVz"\n"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'), [
      'abcdEFGH1234ijkl/+mn',
      'IQoJb3JpZ2luX2VjEJr//////////wEaCXVz',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ]);
    assert.deepEqual(namedSecrets('AWS_SECRET_ACCESS_KEY=$SECRET aws_secret_access_key = short AccessKeyId: AKIAIOSFODNN7EXAMPLE'), []);
  });
});
