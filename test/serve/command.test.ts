// `iamlab serve` as a learner runs it: a separate process on a lab, the printed paste block,
// calls persisted to the lab's world.json (so `check` and the shell see them), changes made
// by another process picked up, and a clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { loadWorldFile } from '../../src/sim/index.js';
import { pasteBlock } from '../../src/serve/command.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function runCli(args: string[], home: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '-e', `import('./src/cli.ts').then((m) => m.main(${JSON.stringify(args)})).then((c) => process.exit(c))`], {
    env: { ...process.env, IAMLAB_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(p: ChildProcess): { out: () => string; err: () => string; exit: Promise<number> } {
  let out = '';
  let err = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number>((resolve) => p.on('exit', (c) => resolve(c ?? -1)));
  return { out: () => out, err: () => err, exit };
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('pasteBlock: exports, both region variables, keys, and a profile with endpoint_url', () => {
  const text = pasteBlock({ url: 'http://127.0.0.1:4577', region: 'eu-west-1', credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }, who: 'arn:aws:iam::123456789012:user/admin' });
  assert.match(text, /^export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:4577$/m);
  assert.match(text, /^export AWS_REGION=eu-west-1$/m);
  assert.match(text, /^export AWS_DEFAULT_REGION=eu-west-1$/m);
  assert.match(text, /^export AWS_ACCESS_KEY_ID=AKIAEXAMPLE\b/m);
  assert.match(text, /^export AWS_SECRET_ACCESS_KEY=secret$/m);
  assert.match(text, /^\[profile iamlab\]\nendpoint_url = http:\/\/127\.0\.0\.1:4577\nregion = eu-west-1\n/m);
  assert.match(text, /signature_version = s3v4/);
  const withToken = pasteBlock({ url: 'u', region: 'r', credentials: { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't' } });
  assert.match(withToken, /^export AWS_SESSION_TOKEN=t$/m);
});

test('iamlab serve --lab: prints the paste block, persists calls to the lab world, picks up other processes, stops cleanly', async () => {
  const home = mkdtempSync(join(tmpdir(), 'iamlab-serve-cmd-'));
  const p = runCli(['serve', '--lab', 'james-s3-readonly', '--port', '0'], home);
  const io = collect(p);
  try {
    await waitFor(() => /export AWS_SECRET_ACCESS_KEY=/.test(io.out()), 60_000, `the paste block (stderr: ${io.err()})`);
    const out = io.out();
    const url = /^export AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)![1]!;
    const accessKeyId = /^export AWS_ACCESS_KEY_ID=(\S+)/m.exec(out)![1]!;
    const secretAccessKey = /^export AWS_SECRET_ACCESS_KEY=(\S+)$/m.exec(out)![1]!;
    assert.match(out, /^export AWS_REGION=us-east-1$/m);
    assert.match(out, /^export AWS_DEFAULT_REGION=us-east-1$/m);
    assert.match(out, /^endpoint_url = http:\/\/127\.0\.0\.1:\d+$/m);
    const cfg = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 };

    const who = await new STSClient(cfg).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:iam::123456789012:user/admin');
    await new IAMClient(cfg).send(new CreateUserCommand({ UserName: 'James' }));

    // persisted (debounced) to the lab's world.json
    const worldPath = join(home, 'labs', 'james-s3-readonly', 'world.json');
    await waitFor(() => {
      try {
        return loadWorldFile(worldPath).iam.user('123456789012', 'James') !== undefined;
      } catch {
        return false;
      }
    }, 10_000, 'James in world.json');
    const saved = loadWorldFile(worldPath);
    assert.ok(saved.audit.events().some((e) => e.eventName === 'CreateUser' && e.via === 'serve'), 'the call is in the saved audit log');

    // another process (the lab shell) changes the world: the endpoint serves the new one
    const shell = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `const { openLab } = await import('./src/labs/index.ts'); const s = await openLab('james-s3-readonly'); const r = await s.run('aws iam create-user --user-name Jane'); process.exit(r.exitCode);`],
      { env: { ...process.env, IAMLAB_HOME: home }, stdio: 'ignore' },
    );
    assert.equal(await new Promise((r) => shell.on('exit', r)), 0);
    const jane = await new IAMClient(cfg).send(new GetUserCommand({ UserName: 'Jane' }));
    assert.equal(jane.User!.Arn, 'arn:aws:iam::123456789012:user/Jane');
    const james = await new IAMClient(cfg).send(new GetUserCommand({ UserName: 'James' }));
    assert.equal(james.User!.UserName, 'James');

    p.kill('SIGTERM');
    assert.equal(await io.exit, 0);
    assert.match(io.err(), /stopped/);
  } finally {
    p.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
});

test('iamlab serve: bad --port, a port in use and an unknown lab are clear errors', async () => {
  const home = mkdtempSync(join(tmpdir(), 'iamlab-serve-cmd-'));
  try {
    const bad = collect(runCli(['serve', '--port', 'abc'], home));
    assert.equal(await bad.exit, 2);
    assert.match(bad.err(), /--port must be a number from 0 to 65535, got 'abc'/);

    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const busy = collect(runCli(['serve', '--port', String(port)], home));
    assert.equal(await busy.exit, 1);
    assert.match(busy.err(), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    blocker.close();

    const nolab = collect(runCli(['serve', '--lab', 'no-such-lab', '--port', '0'], home));
    assert.equal(await nolab.exit, 2);
    assert.match(nolab.err(), /no-such-lab/);
    assert.doesNotMatch(nolab.err(), /\n\s+at /, 'no stack trace');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
