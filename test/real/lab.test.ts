// openRealLab: a lab on a real account from scratch — its starting world created in the account
// (asking first, tagged), the shell, a step checked after the learner's commands, state saved
// without secrets, and a second opening that keeps what exists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBackend, World } from '../../src/sim/index.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { openRealLab } from '../../src/real/lab.js';
import type { WriteConfirmation } from '../../src/real/backend.js';
import { adminIn } from './helpers.js';

const ACCOUNT = '210987654321';
let server: RunningServer;
let dir: string;
let env: Record<string, string>;
let adminSecret = '';

before(async () => {
  const world = World.create({ seed: 'real-lab', now: new Date(), realTime: true });
  world.createAccount(ACCOUNT);
  const k = adminIn(world, new SimBackend(world), ACCOUNT);
  adminSecret = k.SecretAccessKey;
  server = await startServer({ world });
  dir = mkdtempSync(join(tmpdir(), 'iamlab-real-lab-'));
  writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = ${k.AccessKeyId}\naws_secret_access_key = ${k.SecretAccessKey}\n`);
  writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n');
  env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir };
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('trust-policy-control on a fresh real account: setup asks, creates the lab users, the step checks pass, nothing secret is saved', async () => {
  const asked: WriteConfirmation[] = [];
  const rl = await openRealLab('trust-policy-control', { dir: join(dir, 'lab'), backendOptions: { env, retry: { sleep: async () => {} } }, confirmWrite: async (w) => (asked.push(w), true) });
  try {
    assert.equal(rl.accounts.main, ACCOUNT);
    assert.equal(asked.length, 1, 'asked once before the first write');
    assert.equal(asked[0]!.arn, `arn:aws:iam::${ACCOUNT}:user/me`);
    assert.deepEqual(rl.setup.created.filter((c) => c.startsWith('user ')), ['user user1', 'user user2', 'user User3']);
    const first = rl.lab.steps[0]!;
    const mark = rl.mark();
    assert.equal((await rl.checkStep(first.id, { mark })).status, 'fail');
    rl.shell.workspace.ensure();
    for (const [name, body] of Object.entries(first.solution?.files ?? {})) writeFileSync(join(rl.shell.workspace.dir, name), body.replace(/\{account\.main\}/g, ACCOUNT));
    for (const c of first.solution?.commands ?? []) {
      const cmd = (typeof c === 'string' ? c : c.run).replace(/\{account\.main\}/g, ACCOUNT);
      const r = await rl.shell.run(cmd);
      assert.equal(r.exitCode, 0, `${cmd}: ${r.stderr}`);
    }
    const check = await rl.checkStep(first.id, { mark });
    assert.equal(check.status, 'pass', check.message);
    const tags = await rl.shell.run('aws iam list-user-tags --user-name user1 --output json');
    assert.match(tags.stdout, /"iamlab:lab"[\s\S]*"trust-policy-control"/);
    rl.save();
    const saved = readFileSync(join(dir, 'lab', 'real-shell.json'), 'utf8');
    assert.ok(!saved.includes(adminSecret));
  } finally {
    rl.close();
  }
  const again = await openRealLab('trust-policy-control', { dir: join(dir, 'lab'), backendOptions: { env, retry: { sleep: async () => {} } }, confirmWrite: async () => true });
  try {
    assert.deepEqual(again.setup.created, []);
    assert.ok(again.setup.kept.includes('user user1'));
  } finally {
    again.close();
  }
});

test('a two-account lab without a second profile says so before touching anything', async () => {
  await assert.rejects(openRealLab('cross-account-cli', { dir: join(dir, 'x'), backendOptions: { env } }), /needs two AWS accounts \(dev and prod\): add --profile2/);
});
