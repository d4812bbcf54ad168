// verify --real: the reported lab's checks re-run on "a real account" — the lab's world served
// by the project's own AWS endpoint (src/serve) on 127.0.0.1, read through the real-mode
// checker (AWS SDK v3 over the wire).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLab } from '../../src/labs/index.js';
import { buildWorld } from '../../src/labs/world-build.js';
import { SimBackend } from '../../src/sim/index.js';
import { ShellSession } from '../../src/shell/index.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { verifyCommand } from '../../src/report/commands.js';
import { buildLabReport, buildReport } from '../../src/report/build.js';
import { signReport } from '../../src/report/sign.js';
import { renderReport } from '../../src/report/render.js';
import { KEY, labsFolder } from './fixtures.js';

const labsDir = labsFolder();
const lab = loadLab('zero-permission-user', labsDir);
const dir = mkdtempSync(join(tmpdir(), 'iamlab-verify-real-'));
let server: RunningServer;
let shell: ShellSession;
let checker: { accessKeyId: string; secretAccessKey: string };

function capture() {
  const o = { text: '', write: (s: string | Uint8Array) => ((o.text += String(s)), true) };
  return o;
}

function reportFile(name: string, accountId: string | undefined): string {
  const steps = {
    'create-user': { started_at: '2026-01-01T09:00:00.000Z', passed_at: '2026-01-01T09:02:00.000Z', attempts: 0, hints_shown: [], solution_viewed: false, skipped: false },
    'trust-names-user': { started_at: '2026-01-01T09:02:00.000Z', passed_at: '2026-01-01T09:05:00.000Z', attempts: 1, hints_shown: [], solution_viewed: false, skipped: false },
  };
  const l = buildLabReport({
    lab,
    progress: { backend: 'real', ...(accountId ? { account_id: accountId } : {}), started_at: '2026-01-01T09:00:00.000Z', steps },
    recheck: { status: 'not-run', note: 'real account' },
  });
  const r = signReport(buildReport([l], { learner: 'Ray', now: new Date('2026-01-01T10:00:00.000Z') }), KEY);
  const p = join(dir, name);
  writeFileSync(p, renderReport(r, 'json'));
  return p;
}

before(async () => {
  const built = buildWorld(lab);
  shell = new ShellSession({ backend: new SimBackend(built.world), world: built.world, workspaceDir: mkdtempSync(join(tmpdir(), 'iamlab-ws-')), state: structuredClone(built.shell) as never });
  assert.equal((await shell.run('aws iam create-user --user-name sts_user')).exitCode, 0);
  server = await startServer({ world: built.world });
  const root = built.world.rootCredentials('111122223333');
  checker = { accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey };
});
after(async () => {
  await server.close();
});

const backendOptions = () => ({ endpoint: server.url, region: 'us-east-1', credentialProvider: async () => checker, retry: { maxAttempts: 1 } });

test('verify --real: a step recorded as passed that fails on the account is a problem; then it passes', async () => {
  const file = reportFile('ray.json', '111122223333');
  let out = capture();
  assert.equal(await verifyCommand({ files: [file], workshopKey: KEY, real: true, labsDir, realBackendOptions: backendOptions(), now: () => new Date('2026-01-01T10:00:00Z'), out, err: capture() }), 1, out.text);
  assert.match(out.text, /Re-checked on the real account, read-only:/);
  assert.match(out.text, /ray\.json\s+Ray\s+zero-permission-user\s+111122223333\s+1\/3\s+step trust-names-user is recorded as passed but fails on the account now: There is no role named AWSEC2FULLACCESS/);

  const made = await shell.run(
    `aws iam create-role --role-name AWSEC2FULLACCESS --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/sts_user"},"Action":"sts:AssumeRole"}]}'`,
  );
  assert.equal(made.exitCode, 0, made.stderr);
  out = capture();
  assert.equal(await verifyCommand({ files: [file], workshopKey: KEY, real: true, labsDir, realBackendOptions: backendOptions(), now: () => new Date('2026-01-01T10:00:00Z'), out, err: capture() }), 0, out.text);
  assert.match(out.text, /ray\.json\s+Ray\s+zero-permission-user\s+111122223333\s+2\/3\s+—/);
});

test('verify --real: the profile must read the account the report is for', async () => {
  const file = reportFile('other.json', '999988887777');
  const out = capture();
  assert.equal(await verifyCommand({ files: [file], workshopKey: KEY, real: true, labsDir, realBackendOptions: backendOptions(), now: () => new Date('2026-01-01T10:00:00Z'), out, err: capture() }), 1);
  assert.match(out.text, /the profile reads account 111122223333, but the report is for account 999988887777/);
});

test('verify --real: no usable credentials is a problem that says so, not a pass', async () => {
  const file = reportFile('nocreds.json', '111122223333');
  const out = capture();
  const opts = { endpoint: server.url, region: 'us-east-1', credentialProvider: async () => Promise.reject(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })), retry: { maxAttempts: 1 } };
  assert.equal(await verifyCommand({ files: [file], workshopKey: KEY, real: true, labsDir, realBackendOptions: opts, now: () => new Date('2026-01-01T10:00:00Z'), out, err: capture() }), 1);
  const line = out.text.split('\n').find((l) => l.includes('nocreds.json') && l.includes('zero-permission-user  ')) ?? '';
  assert.match(line, /nocreds\.json\s+Ray\s+zero-permission-user\s+111122223333\s+—\s+\S/);
  assert.doesNotMatch(line, /\d\/3/);
});

test('verify --real: a lab done on the simulated account has nothing to check on a real one', async () => {
  const l = buildLabReport({ lab, progress: { backend: 'sim', started_at: '2026-01-01T09:00:00.000Z', steps: {} }, recheck: { status: 'not-run', note: 'x' } });
  const p = join(dir, 'sim.json');
  writeFileSync(p, renderReport(signReport(buildReport([l], { learner: 'Sim', now: new Date('2026-01-01T10:00:00.000Z') }), KEY), 'json'));
  const out = capture();
  assert.equal(await verifyCommand({ files: [p], workshopKey: KEY, real: true, labsDir, realBackendOptions: backendOptions(), now: () => new Date('2026-01-01T10:00:00Z'), out, err: capture() }), 0, out.text);
  assert.match(out.text, /sim\.json\s+Sim\s+zero-permission-user\s+—\s+—\s+ran on the simulated account: nothing to check on a real one/);
});
