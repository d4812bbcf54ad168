// openLab(…, { backend: 'real' }): one LabSession for both backends. The "real" account is the
// project's own endpoint (src/serve) on an ephemeral port, reached through the AWS SDK with
// AWS_ENDPOINT_URL; the account's id differs from the lab's, so the lab's texts and solutions
// must speak of the real one. Labs are done as a learner would — solution lines typed into
// session.run, answers through session.answer — and must pass step by step in order; console
// steps are errors that say why (never a failed attempt) and are skipped; progress is kept in
// its own record with the account id; nothing secret lands on disk; reopening resumes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBackend, World } from '../../src/sim/index.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { openLab, LabNotReadyError, ProgressStore, progressSummary, type LabSession, type OpenLabOptions } from '../../src/labs/index.js';
import { runSolution } from '../../src/labs/solution.js';
import type { Step } from '../../src/labs/schema.js';
import { fillTemplate } from '../../src/checks/template.js';
import { CONSOLE_IN_REAL_MODE } from '../../src/real/checks.js';
import { checkCommand } from '../../src/labs/commands.js';
import { spawn } from 'node:child_process';
import { adminIn, noAwsEnv } from './helpers.js';

const LABS_DIR = join(import.meta.dirname, '..', '..', 'labs');
const ACCOUNT = '210987654321';
const PROD = '309876543210';

let server: RunningServer;
let world: World;
let files: string;
let env: Record<string, string>;
const homes: string[] = [];
/** Secrets the test knows were created outside the lab (the learner's own keys). */
const ownSecrets: string[] = [];

before(async () => {
  world = World.create({ seed: 'real-lab-session', now: new Date(), realTime: true });
  world.createAccount(ACCOUNT);
  world.createAccount(PROD);
  const sim = new SimBackend(world);
  const me = adminIn(world, sim, ACCOUNT);
  const prod = adminIn(world, sim, PROD);
  ownSecrets.push(me.SecretAccessKey, prod.SecretAccessKey);
  server = await startServer({ world });
  files = mkdtempSync(join(tmpdir(), 'iamlab-real-session-'));
  writeFileSync(
    join(files, 'credentials'),
    `[default]\naws_access_key_id = ${me.AccessKeyId}\naws_secret_access_key = ${me.SecretAccessKey}\n\n[prod]\naws_access_key_id = ${prod.AccessKeyId}\naws_secret_access_key = ${prod.SecretAccessKey}\n`,
  );
  writeFileSync(join(files, 'config'), '[default]\nregion = us-east-1\n\n[profile prod]\nregion = us-east-1\n');
  env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(files, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(files, 'credentials'), HOME: files };
});

after(async () => {
  await server?.close();
  rmSync(files, { recursive: true, force: true });
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function newHome(): string {
  const h = mkdtempSync(join(tmpdir(), 'iamlab-real-home-'));
  homes.push(h);
  return h;
}

function open(id: string, home: string, extra: OpenLabOptions = {}): Promise<LabSession> {
  return openLab(id, { home, labsDir: LABS_DIR, backend: 'real', realBackendOptions: { env, retry: { sleep: async () => {} } }, confirmWrite: async () => true, ...extra });
}

function fill(s: LabSession, text: string): string {
  const vars: Record<string, string> = {};
  for (const [k, id] of Object.entries(s.accounts)) vars[`account.${k}`] = id;
  return fillTemplate(text, vars);
}

/** Every secret the served account holds now: access keys of every user, live session keys and tokens. */
function accountSecrets(): string[] {
  const out = [...ownSecrets];
  for (const a of [ACCOUNT, PROD]) for (const u of world.iam.users(a)) for (const k of u.accessKeys) out.push(k.secret);
  for (const s of world.sessions.values()) out.push(s.secret, s.token);
  return out.filter((x) => x.length >= 16);
}

/** Every file under the home, with its text. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    if (statSync(p).isFile()) out.push({ path: p, text: readFileSync(p, 'utf8') });
  }
  return out;
}

function assertNoSecretsOnDisk(home: string, extra: string[] = []): void {
  const secrets = accountSecrets();
  assert.ok(secrets.length >= 2);
  const all = filesUnder(home);
  assert.ok(all.some((f) => f.path.endsWith('real-shell.json')) && all.some((f) => f.path.endsWith('config.json')));
  for (const f of all) for (const sec of secrets) assert.ok(!f.text.includes(sec), `${f.path} holds a secret (${sec.slice(0, 4)}…)`);
  // the passwords the learner typed (the lab's own solution texts are in its cache, not learner secrets)
  for (const f of all.filter((x) => !x.path.includes(`${join('cache', 'labs')}`))) for (const pw of extra) assert.ok(!f.text.includes(pw), `${f.path} holds the password ${pw}`);
}

/**
 * Does one step as a learner would, through the session: solution files written, its lines typed
 * into session.run (console lines are not typed: a console step is skipped), answers answered.
 * Returns the ids of the steps that passed, in the order they passed.
 */
async function doStep(s: LabSession, step: Step): Promise<string[]> {
  assert.equal(s.progress.current, step.id, `the lab is at ${s.progress.current}, not ${step.id}`);
  const kind = step.kind ?? 'task';
  const sol = step.solution!;
  if (kind === 'answer' || kind === 'quiz') {
    const passed: string[] = [];
    for (const [q, a] of Object.entries(sol.answers ?? {})) {
      const r = await s.answer(fill(s, a), kind === 'quiz' ? { question: q } : {});
      if (r.passed) passed.push(r.stepId);
    }
    return passed;
  }
  const passed: string[] = [];
  const vars: Record<string, string> = {};
  const r = await runSolution(
    sol,
    {
      run: async (line) => {
        const res = await s.run(line);
        for (const c of res.passed ?? []) passed.push(c.stepId);
        return res;
      },
    },
    // {now} to the next whole second, as the session fills it on a real account: a revoke cut-off
    // written "now" must cover a session assumed earlier in the same second
    { workspaceDir: s.paths.workspace, accounts: s.accounts, now: () => new Date(Math.ceil(Date.now() / 1000) * 1000), vars },
  );
  assert.ok(r.ok, `the solution of ${step.id} failed on the real account:\n${r.transcript}`);
  return passed;
}

/**
 * A console step on a real account, not done in a browser: an error that says why, or — when
 * CloudTrail could show it — pending while CloudTrail may still deliver it; never an attempt;
 * advance refused; skip moves on.
 */
async function consoleStep(s: LabSession, step: Step): Promise<void> {
  assert.equal(s.progress.current, step.id);
  assert.ok(s.consoleStep(step.id));
  const attempts = s.progress.steps[step.id]?.attempts ?? 0;
  const c = await s.checkStep();
  assert.ok(c.status === 'error' || c.status === 'pending', `${step.id}: ${c.status} ${c.message}`);
  assert.equal(c.passed, false);
  if (c.status === 'error') assert.ok(c.message.includes(CONSOLE_IN_REAL_MODE), c.message);
  else assert.match(c.message, /^CloudTrail can take a few minutes to show/);
  assert.equal(s.progress.steps[step.id]?.attempts ?? 0, attempts, 'an error or pending is not a failed attempt');
  const adv = await s.advance();
  assert.equal(adv.ok, false);
  assert.match((adv as { reason: string }).reason, c.status === 'error' ? /cannot be checked on a real account.*lab skip/ : /has not passed yet: CloudTrail can take a few minutes.*lab skip/);
  // typing the console line says it is a browser action, with the CLI way where there is one
  const line = (step.solution?.commands ?? []).map((x) => (typeof x === 'string' ? x : x.run)).find((x) => x.startsWith('console '));
  if (line) {
    const r = await s.run(fill(s, line));
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /is a browser action/);
  }
  const sk = await s.skip();
  // (src/labs counts a skipped console step as settled when its check is an error; a pending one
  // moves on all the same)
  if (c.status === 'error') assert.equal(sk.ok, true, sk.output);
  assert.equal(sk.check.status, c.status);
  assert.ok(sk.advancedTo !== undefined || sk.finished, 'skip moves on');
  if (line) assert.match(sk.output, /# not run on a real account \(a browser action/);
  assert.equal(s.progress.steps[step.id]!.skipped, true);
}

describe('a lab on a real account through openLab', () => {
  it('zero-permission-user: real account ids, steps pass in order, console steps error and skip, progress apart with account_id, no secret on disk, reopening resumes', async () => {
    const home = newHome();
    // progress on the simulated account first: the real one must not touch it
    const simS = await openLab('zero-permission-user', { home, labsDir: LABS_DIR, realTime: false });
    await simS.run('aws iam create-user --user-name sts_user');
    const simProgress = structuredClone(simS.progress);

    let s = await open('zero-permission-user', home);
    assert.equal(s.kind, 'real');
    assert.equal((s.backend as { kind?: string }).kind, 'real');
    assert.deepEqual(s.accounts, { main: ACCOUNT });
    assert.equal(s.real?.callerArn, `arn:aws:iam::${ACCOUNT}:user/me`);
    assert.ok(s.real?.skipped.some((x) => x.startsWith('user admin: your own identity plays this administrator')), JSON.stringify(s.real));
    assert.throws(() => s.world, LabNotReadyError);
    assert.equal(s.progress.backend, 'real');
    assert.equal(s.progress.account_id, ACCOUNT);
    assert.equal(s.progress.current, 'create-sts-user');
    // the lab speaks of the real account
    const link = s.lab.steps.find((x) => x.id === 'switch-role-link')!;
    assert.match(link.text, new RegExp(`account ${ACCOUNT}`));
    assert.doesNotMatch(JSON.stringify(s.lab.steps.map((x) => [x.text, x.hints, x.solution])), /111122223333/);
    const h = s.hint('role-trusts-user');
    assert.ok(h.ok);
    assert.equal(h.hint.text, `\`YOUR_ARN\` becomes \`arn:aws:iam::${ACCOUNT}:user/sts_user\`.`);

    const steps = s.lab.steps;
    const passedOrder: string[] = [];
    passedOrder.push(...(await doStep(s, steps[0]!)));
    assert.equal(s.progress.current, 'note-user-arn');
    // an ARN of the lab's simulated account is wrong here — a failed attempt
    const wrong = await s.answer('arn:aws:iam::111122223333:user/sts_user');
    assert.equal(wrong.status, 'fail');
    assert.equal(s.progress.steps['note-user-arn']!.attempts, 1);
    passedOrder.push(...(await doStep(s, steps[1]!)));
    assert.equal(s.progress.current, 'role-trusts-user');
    await s.close();

    // reopen: resumes where it was, in the same account, with the shell's history
    s = await open('zero-permission-user', home);
    assert.deepEqual(s.warnings, []);
    assert.equal(s.progress.current, 'role-trusts-user');
    assert.ok(s.progress.steps['create-sts-user']!.passed_at);
    assert.equal(s.progress.steps['note-user-arn']!.attempts, 1);
    assert.ok(s.shellState.history.some((l) => l.startsWith('aws iam create-user --user-name sts_user')));
    // a recognised mistake is diagnosed on the real account too: trusting the account root
    writeFileSync(join(s.paths.workspace, 'trust-root.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }));
    const bad = await s.run('aws iam create-role --role-name AWSEC2FULLACCESS --assume-role-policy-document file://trust-root.json');
    assert.equal(bad.exitCode, 0, bad.stderr);
    assert.equal(bad.step?.status, 'fail');
    assert.equal(bad.step?.diagnosis, 'trusts-root-not-user');
    assert.match(bad.step!.message, new RegExp(`names the whole account \\(${ACCOUNT}\\)`));
    writeFileSync(join(s.paths.workspace, 'trust.json'), fill(s, steps[2]!.solution!.files!['trust.json']!));
    const fixed = await s.run('aws iam update-assume-role-policy --role-name AWSEC2FULLACCESS --policy-document file://trust.json');
    assert.equal(fixed.exitCode, 0, fixed.stderr);
    const attach = await s.run('aws iam attach-role-policy --role-name AWSEC2FULLACCESS --policy-arn arn:aws:iam::aws:policy/AmazonEC2FullAccess');
    assert.deepEqual(attach.passed?.map((c) => c.stepId), ['role-trusts-user']);
    assert.equal(attach.advancedTo, 'switch-role-link');
    passedOrder.push('role-trusts-user');
    // a line that calls nothing and changes nothing does not read the account
    const quiet = await s.run('echo hello');
    assert.equal(quiet.step, undefined);
    passedOrder.push(...(await doStep(s, steps[3]!)));
    for (const st of steps.slice(4)) await consoleStep(s, st);
    assert.equal(s.progress.current, null);
    assert.ok(s.progress.finished_at);
    assert.deepEqual(passedOrder, ['create-sts-user', 'note-user-arn', 'role-trusts-user', 'switch-role-link']);
    assert.deepEqual(
      s.status().steps.map((x) => x.state),
      ['passed', 'passed', 'passed', 'passed', 'skipped', 'skipped', 'skipped'],
    );
    await s.close();

    // one record per lab and backend: labs.<id> is the simulated account's, untouched; labs-real.<id> is this one
    const conf = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as Record<string, Record<string, { backend: string; account_id?: string; current: string | null }>>;
    assert.deepEqual(conf.labs!['zero-permission-user'], JSON.parse(JSON.stringify(simProgress)));
    assert.equal(conf['labs-real']!['zero-permission-user']!.backend, 'real');
    assert.equal(conf['labs-real']!['zero-permission-user']!.account_id, ACCOUNT);
    assert.equal(conf['labs-real']!['zero-permission-user']!.current, null);
    const store = new ProgressStore(home);
    assert.equal(store.get('zero-permission-user')!.backend, 'sim');
    assert.equal(store.get('zero-permission-user', 'real')!.account_id, ACCOUNT);
    assert.deepEqual(progressSummary(home, 'real')['zero-permission-user'], { passed: 4, skipped: 3, total: 7, current: null, finished: true });
    assert.ok(existsSync(join(home, 'labs', 'zero-permission-user', 'real-events.jsonl')));
    assertNoSecretsOnDisk(home, ['Sts-User-Pass-1!']);
    // the simulated session is still where it was
    const simAgain = await openLab('zero-permission-user', { home, labsDir: LABS_DIR, realTime: false });
    assert.equal(simAgain.progress.current, 'create-sts-user');
    assert.ok(simAgain.world.iam.user(simAgain.accounts.main!, 'sts_user'));
  });

  it('james-s3-readonly: the whole lab through session.run on the real account, console steps skipped, secrets never saved', async () => {
    const home = newHome();
    const s = await open('james-s3-readonly', home);
    try {
      assert.ok(s.real?.skipped.some((x) => /bucket lab-reports-123456789012: bucket names are global/.test(x)), JSON.stringify(s.real?.skipped));
      // solutions name the real account (the lab's file says 123456789012)
      const sol = s.viewSolution('james-viewonly');
      assert.deepEqual(sol.commands, [`aws iam attach-user-policy --user-name James --policy-arn arn:aws:iam::${ACCOUNT}:policy/James-custom-viewonly`]);
      const passed: string[] = [];
      const expected: string[] = [];
      for (const step of s.lab.steps) {
        if (s.consoleStep(step.id)) {
          await consoleStep(s, step);
          continue;
        }
        expected.push(step.id);
        passed.push(...(await doStep(s, step)));
        assert.ok(s.progress.steps[step.id]!.passed_at, `${step.id} passed`);
      }
      assert.deepEqual(passed, expected);
      assert.deepEqual(expected.length, 11);
      assert.equal(s.progress.current, null);
      // the learner's shell is the role session now, and says so (secrets hidden)
      const who = await s.run('aws sts get-caller-identity');
      assert.match(who.stdout, new RegExp(`arn:aws:iam::${ACCOUNT}:assumed-role/James-custom-S3-role/Radkowski-CLI-test|arn:aws:sts::${ACCOUNT}:assumed-role/James-custom-S3-role/Radkowski-CLI-test`));
      const envOut = await s.run('env');
      assert.match(envOut.stdout, /AWS_SECRET_ACCESS_KEY=\*{4}\w{4} \(hidden/);
      // captured values (James's secret, the session's token) are not progress
      assert.equal(s.progress.vars, undefined);
      // `iamlab check --real` reads the answers and step marks from this progress
      s.save();
      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
      let code: number;
      try {
        code = await checkCommand({ lab: 'james-s3-readonly', json: true, real: true, home, labsDir: LABS_DIR, realBackendOptions: { env, retry: { sleep: async () => {} } } });
      } finally {
        process.stdout.write = write;
      }
      const report = JSON.parse(out.join('')) as { steps: Array<{ id: string; status: string; message: string }> };
      const byId = Object.fromEntries(report.steps.map((x) => [x.id, x]));
      // answer steps pass only with the answer from progress; a step checked in its own window
      // (events after its mark) passes only with the mark from progress
      assert.equal(byId['james-arn']!.status, 'pass', byId['james-arn']!.message);
      for (const id of ['viewonly-policy', 'role-trusts-account', 'attach-s3-readonly', 'create-james', 'james-viewonly', 'james-access-key', 'trust-james']) assert.equal(byId[id]!.status, 'pass', `${id}: ${byId[id]!.message}`);
      for (const id of ['s3-denied-for-james', 's3-through-role']) assert.equal(byId[id]!.status, 'error');
      // the console switch is read from CloudTrail: nobody switched, and the step began seconds ago
      assert.equal(byId['switch-to-s3-role']!.status, 'pending', byId['switch-to-s3-role']!.message);
      // the shell's credentials are not on disk, so a separate check cannot use them: an error, not a fail
      assert.equal(byId['cli-as-role']!.status, 'error', byId['cli-as-role']!.message);
      assert.equal(code!, 1);
    } finally {
      await s.close();
    }
    assertNoSecretsOnDisk(home, ['James-Lab-Pass-1!']);
    const events = readFileSync(join(home, 'labs', 'james-s3-readonly', 'real-events.jsonl'), 'utf8');
    assert.match(events, /"eventName":"AssumeRole"/);
    // reopening a finished lab: finished, same account, the exported key id kept but no secret
    const again = await open('james-s3-readonly', home);
    try {
      assert.equal(again.progress.current, null);
      assert.equal(again.progress.account_id, ACCOUNT);
      assert.ok(again.shellState.env.AWS_ACCESS_KEY_ID?.startsWith('ASIA'));
      assert.equal(again.shellState.env.AWS_SECRET_ACCESS_KEY, undefined);
      assert.deepEqual(again.real?.created, []);
    } finally {
      await again.close();
    }
  });

  it('cross-account-cli with profile2: the second account\'s administrator is the profile2 identity; the lab passes; the learner\'s key lives as long as the session', async () => {
    const home = newHome();
    await assert.rejects(open('cross-account-cli', home), (e: Error) => e instanceof LabNotReadyError && /needs two AWS accounts \(dev and prod\): add --profile2/.test(e.message));
    const s = await open('cross-account-cli', home, { profile2: 'prod' });
    let learnerKey = '';
    try {
      assert.deepEqual(s.accounts, { dev: ACCOUNT, prod: PROD });
      assert.deepEqual(s.progress.accounts, { dev: ACCOUNT, prod: PROD });
      const prodAdmin = await s.run('aws sts get-caller-identity --profile prod-admin');
      assert.match(prodAdmin.stdout, new RegExp(`"Arn": "arn:aws:iam::${PROD}:user/me"`));
      const devAdmin = await s.run('aws sts get-caller-identity --profile dev-admin');
      assert.match(devAdmin.stdout, new RegExp(`"Arn": "arn:aws:iam::${ACCOUNT}:user/me"`));
      const learner = await s.run('aws sts get-caller-identity');
      assert.match(learner.stdout, new RegExp(`"Arn": "arn:aws:iam::${ACCOUNT}:user/learner"`));
      learnerKey = world.iam.user(ACCOUNT, 'learner')!.accessKeys[0]!.id;
      assert.match(s.lab.steps.find((x) => x.id === 'assume-role')!.solution!.commands!.map(String).join('\n'), new RegExp(`arn:aws:iam::${PROD}:role/MyRoleName`));
      const passed: string[] = [];
      for (const step of s.lab.steps) passed.push(...(await doStep(s, step)));
      assert.deepEqual(passed, s.lab.steps.map((x) => x.id));
      assert.equal(s.progress.current, null);
    } finally {
      assert.deepEqual(await s.close(), []);
    }
    // the key setup made for learner (its secret lived in memory only) is gone with the session
    assert.equal(world.iam.user(ACCOUNT, 'learner')!.accessKeys.some((k) => k.id === learnerKey), false);
    assertNoSecretsOnDisk(home);
    // reopening makes a new one (and still finds everything else in place)
    const again = await open('cross-account-cli', home, { profile2: 'prod' });
    try {
      assert.equal(again.progress.current, null);
      assert.ok(again.real?.kept.includes('user learner'));
      assert.equal(world.iam.user(ACCOUNT, 'learner')!.accessKeys.length, 1);
    } finally {
      await again.close();
    }
  });

  it('simulated-only labs say so; a read-only session is refused; another account keeps the old progress aside', async () => {
    const home = newHome();
    const dir = mkdtempSync(join(tmpdir(), 'iamlab-real-labs-'));
    homes.push(dir);
    const src = readFileSync(join(LABS_DIR, 'switch-role-admin', 'lab.yaml'), 'utf8');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'switch-role-admin'));
    writeFileSync(join(dir, 'switch-role-admin', 'lab.yaml'), src.replace('backends: [sim, real]', 'backends: [sim]'));
    await assert.rejects(
      openLab('switch-role-admin', { home, labsDir: dir, backend: 'real', realBackendOptions: { env } }),
      (e: Error) => e instanceof LabNotReadyError && /runs on the simulated account only \(its lab file lists backends: sim\)/.test(e.message),
    );
    await assert.rejects(open('switch-role-admin', home, { readOnly: true }), /iamlab check switch-role-admin --real/);

    const s = await open('switch-role-admin', home);
    await s.close();
    const store = new ProgressStore(home);
    const p = store.get('switch-role-admin', 'real')!;
    store.set('switch-role-admin', { ...p, account_id: '999999999999', current: 'create-balu' });
    const again = await open('switch-role-admin', home);
    try {
      assert.equal(again.progress.current, 'create-temp-user-role');
      assert.equal(again.progress.account_id, ACCOUNT);
      assert.match(again.warnings.join('\n'), /was made in AWS account 999999999999; this profile is account 210987654321\. That progress was kept as .*progress-real\.999999999999\./);
    } finally {
      await again.close();
    }
    // a damaged real shell state is kept aside and reported; progress stays
    writeFileSync(join(home, 'labs', 'switch-role-admin', 'real-shell.json'), '{ not json');
    const third = await open('switch-role-admin', home);
    try {
      assert.match(third.warnings.join('\n'), /The shell state of lab switch-role-admin on your AWS account .* was damaged .* kept as .*real-shell\.json\.corrupt-/);
      assert.equal(third.progress.account_id, ACCOUNT);
    } finally {
      await third.close();
    }
  });

  it('iamlab shell --lab X --real: the lab shell on the real account, checked as you type; a two-account lab without --profile2 says so', async () => {
    const home = newHome();
    const ROOT = join(import.meta.dirname, '..', '..');
    const run = (args: string[], input: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const clean: Record<string, string | undefined> = { ...process.env, ...noAwsEnv(), ...env, IAMLAB_HOME: home, NO_COLOR: '1' };
        for (const [k, v] of Object.entries(clean)) if (v === undefined) delete clean[k];
        // src/cli.ts exports main(); bin/iamlab.js runs the built copy of it — run the source here
        const script = `const { main } = await import(${JSON.stringify(new URL('../../src/cli.ts', import.meta.url).href)}); process.exitCode = await main(process.argv.slice(1));`;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], { cwd: ROOT, env: clean as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
      });
    const r = await run(['shell', '--lab', 'zero-permission-user', '--real'], "aws iam create-user --user-name sts_user\naws iam create-login-profile --user-name sts_user --password 'Sts-User-Pass-1!'\nlab status\n");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`iamlab: lab zero-permission-user writes to AWS account ${ACCOUNT} as arn:aws:iam::${ACCOUNT}:user/me \\(first CreateUser in us-east-1\\); not asking, as the input is not a terminal`));
    assert.match(r.stdout, /✓ PASS {2}Create sts_user — console access, zero permissions/);
    assert.match(r.stdout, /Next: Note sts_user's ARN/);
    assert.match(r.stdout, /→ NOW {5} 2\. Note sts_user's ARN/);
    const p = new ProgressStore(home).get('zero-permission-user', 'real');
    assert.equal(p?.account_id, ACCOUNT);
    assert.equal(p?.current, 'note-user-arn');
    assert.equal(new ProgressStore(home).get('zero-permission-user'), undefined, 'no simulated progress was made');
    assertNoSecretsOnDisk(home, ['Sts-User-Pass-1!']);

    const two = await run(['shell', '--lab', 'cross-account-cli', '--real'], 'exit\n');
    assert.equal(two.code, 2);
    assert.match(two.stderr, /^iamlab: Lab cross-account-cli needs two AWS accounts \(dev and prod\): add --profile2 <a profile of the second account>, or do it on the simulated account\.\n$/);
  });
});
