// The whole app in-process (ink-testing-library): the real controller, labs, shell and
// simulated account under a temporary IAMLAB home, driven by keystrokes as a learner would.
// The real-account path runs against the project's own endpoint (src/serve on an ephemeral
// port) reached through the AWS SDK, as a real AWS account would be.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/app/ui/App.js';
import { AppController } from '../../src/app/controller.js';
import { Runner } from '../../src/app/runner.js';
import { initialState, type AppState } from '../../src/app/state.js';
import { catalogFrame, prePaint } from '../../src/app/paint.js';
import { openLab, ProgressStore } from '../../src/labs/index.js';
import { startWorkshopServer } from '../../src/workshop/server.js';
import { SimBackend, World } from '../../src/sim/index.js';
import { startServer } from '../../src/serve/index.js';
import type { ControllerOptions } from '../../src/app/controller.js';
import { adminIn, noAwsEnv, withEnv } from '../real/helpers.js';
import { STEP1_LINES, TRUST_THIS_ACCOUNT } from './step1.js';

const ENTER = '\r';
const ESC = '\x1b';
const TAB = '\t';
const DOWN = '\x1b[B';
const RIGHT = '\x1b[C';
const CTRL_C = '\x03';

const homes: string[] = [];
after(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function newHome(): string {
  const h = mkdtempSync(join(tmpdir(), 'iamlab-app-test-'));
  homes.push(h);
  return h;
}

interface Running {
  frame(): string;
  write(s: string): void;
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Types text, waits until it shows on the prompt line, then presses Enter. */
  run(line: string, then?: RegExp): Promise<string>;
  exited: Promise<AppState>;
  unmount(): void;
  controller: AppController;
}

function start(home: string, o: { lab?: string; real?: boolean; controller?: ControllerOptions } = {}): Running {
  const controller = new AppController({ home, ...o.controller });
  const runner = new Runner(controller);
  let done!: (s: AppState) => void;
  const exited = new Promise<AppState>((r) => (done = r));
  const entries = controller.quickCatalog();
  const init = initialState({ columns: 80, rows: 24, ...(o.lab ? { lab: o.lab } : {}), ...(o.real ? { real: true } : {}), ...(entries ? { entries } : {}) });
  const r = render(<App init={init} runner={runner} onExit={done} toastMs={0} />);
  const frame = () => stripVTControlCharacters(r.lastFrame() ?? '');
  const waitFor = async (re: RegExp, timeoutMs = 8000) => {
    const t0 = Date.now();
    for (;;) {
      const f = frame();
      if (re.test(f)) return f;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re}; the screen:\n${f}`);
      await new Promise((res) => setTimeout(res, 10));
    }
  };
  return {
    frame,
    write: (s) => r.stdin.write(s),
    waitFor,
    async run(line, then) {
      r.stdin.write(line);
      const tail = line.slice(-20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      await waitFor(new RegExp(`\\$.*${tail}\\s*\\n`));
      r.stdin.write(ENTER);
      return then ? waitFor(then) : frame();
    },
    exited,
    unmount: () => r.unmount(),
    controller,
  };
}

const lines = (f: string) => f.split('\n');
/** The screen's text as one line: box borders and line breaks of wrapped text gone. */
const flat = (f: string) => f.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
/** The screen's text without any whitespace (the shell pane wraps in the middle of words). */
const squash = (f: string) => f.replace(/[│╭╮╰╯─]/g, '').replace(/\s+/g, '');
const shows = (f: string, text: string) => squash(f).includes(squash(text));

describe('the app, driven by keys', () => {
  it('catalog → lab; a paste of several lines with a heredoc runs line by line; checks pass and the next step opens; hint; why; map', async (t) => {
    const home = newHome();
    const app = start(home);
    t.after(() => app.unmount());
    let f = await app.waitFor(/Switch from a powerless user to an admin role/);
    assert.match(f, /6 steps · not started/);
    assert.ok(lines(f).length <= 23, 'the frame is shorter than the terminal');
    app.write(ENTER);
    f = await app.waitFor(/Step 1 of 6 · Create the role temp-user/);
    assert.match(f, /▸ 1 Create the role/);
    assert.match(f, /admin@089665204192 \$/);

    // a wrong first attempt: the check's message shows under the step
    await app.run('aws iam create-role --role-name temp-user --assume-role-policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::089665204192:user/admin"},"Action":"sts:AssumeRole"}]}\'');
    f = await app.waitFor(/✗ Not yet:/);
    assert.match(f.replace(/\s+│?\s*/g, ' '), /trusts the whole account|names user\/admin|The trust policy names/);
    app.write(`${ESC}`);
    await app.waitFor(/LAB KEYS/);
    app.write('h');
    f = await app.waitFor(/Hint \d\/3:/);
    app.write(ESC);
    await app.waitFor(/Enter run/);

    // a paste: delete, heredoc, create, attach — one chunk, several lines
    app.write(
      [
        'aws iam delete-role --role-name temp-user',
        ...STEP1_LINES,
        '',
      ].join('\r'),
    );
    f = await app.waitFor(/Step 2 of 6 · Create the user balu/);
    assert.match(f, /✓ 1 Create the role/);
    assert.match(f, /✓ Step 1 passed/);

    // history: ↑ brings back the last command
    app.write('\x1b[A');
    await app.waitFor(/\$ aws iam attach-role-policy --role-name temp-user/);
    app.write('\x15'); // Ctrl-U clears the line

    // tab completion
    app.write('aws iam create-us');
    await app.waitFor(/\$ aws iam create-us\s*\n/);
    app.write(TAB);
    await app.waitFor(/\$ aws iam create-user\s*\n/);
    await app.run('--user-name balu');
    await app.run("aws iam create-login-profile --user-name balu --password 'Balu-Lab-Pass-1!'", /Step 3 of 6/);

    // a denied call → the Why panel draws its tree; the map shows who may assume temp-user
    await app.run('aws sts assume-role --role-arn arn:aws:iam::089665204192:role/temp-user --role-session-name x --profile nobody', /\$/);
    app.write(ESC);
    app.write('m');
    f = await app.waitFor(/Who may assume which role/);
    assert.match(f, /▣ temp-user/);
    assert.match(f, /admin +──✓──▶ may assume/);
    assert.match(f, /balu +──✗── +denied \(implicit\)/);
    app.write('m');
    await app.waitFor(/Step 3 of 6/);
  });

  it('console dialogs type the console commands; the header shows the display name; why explains the denied account page', async (t) => {
    const home = newHome();
    // the first three steps done through the lab's own solutions (the shell's `lab` commands)
    const s = await openLab('switch-role-admin', { home, realTime: false });
    for (let i = 0; i < 3; i++) await s.skip();
    s.save();
    const app = start(home, { lab: 'switch-role-admin' });
    t.after(() => app.unmount());
    await app.waitFor(/Step 4 of 6 · Sign in as balu/);
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('u');
    await app.waitFor(/Sign in to the console as an IAM user/);
    app.write('balu');
    await app.waitFor(/IAM user name +balu/);
    app.write(ENTER);
    let f = await app.waitFor(/Signed in to the AWS Management Console as IAM user balu/);
    assert.match(f, /\$ console sign-in balu --account 089665204192/);
    assert.match(f, /\[balu @ 089665204192\]/, 'the header shows the console identity');
    await app.run('console open account', /Step 5 of 6/);
    app.write(ESC);
    app.write('w');
    f = await app.waitFor(/Why · the last denied call/);
    assert.match(f, /✗ Denied — implicit deny/);
    assert.match(f, /account:GetAccountInformation/);
    assert.match(f, /Identity-based policies/);
    app.write('z'); // a taller panel shows the verdict
    f = await app.waitFor(/implicit deny — no statement denies it/);

    app.write('r');
    await app.waitFor(/Switch Role/);
    app.write(ENTER); // account is pre-filled: on to the role name
    app.write('temp-user');
    await app.waitFor(/IAM role name +temp-user/);
    app.write(TAB);
    app.write('temp-user @ 089665204192');
    await app.waitFor(/Display name +temp-user @ 089665204192/);
    app.write(DOWN);
    await app.waitFor(/▸ Colour/);
    app.write(RIGHT);
    app.write(RIGHT);
    await app.waitFor(/\[orange\]/);
    app.write(ENTER);
    f = await app.waitFor(/Step 6 of 6/);
    assert.match(lines(f)[0]!, / temp-user @ 089665204192 /, 'the header shows the display name');
    assert.match(f, /✓ 5 Switch role/);

    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('q');
    const final = await app.exited;
    assert.equal(final.quitting, true);
  });

  it('skip asks first and is recorded; the last step opens the summary; quit and restart resumes with the same world', async (t) => {
    const home = newHome();
    let app = start(home);
    t.after(() => app.unmount());
    await app.waitFor(/Switch from a powerless user/);
    app.write(ENTER);
    await app.waitFor(/Step 1 of 6/);
    app.write(ESC);
    app.write('k');
    await app.waitFor(/Skip step 1: Create the role temp-user/);
    app.write('n');
    await app.waitFor(/Step 1 of 6/);
    app.write('k');
    await app.waitFor(/Skip step 1/);
    app.write('y');
    let f = await app.waitFor(/Step 2 of 6/);
    assert.match(f, /↷ 1 Create the role/);
    // the solution of the skipped step is there to read (after a skip the shell has the keys)
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('\x1b[A'); // view step 1
    app.write('s');
    f = await app.waitFor(/Solution · Create the role temp-user/);
    assert.match(f, /arn:aws:iam::089665204192:root/);
    // quit with Ctrl-C (on an empty line it quits) — everything is saved
    app.write('i');
    app.write(CTRL_C);
    await app.exited;
    app.unmount();

    // restart: the catalog shows the progress and continues at step 2; the world kept temp-user
    app = start(home);
    f = await app.waitFor(/1\/6 · continue: Create the user balu/);
    app.write(ENTER);
    f = await app.waitFor(/Step 2 of 6 · Create the user balu/);
    await app.run('aws iam get-role --role-name temp-user --query Role.RoleName', /"temp-user"/);
    // skip the rest: each asks, each is recorded
    for (let n = 2; n <= 6; n++) {
      app.write(ESC);
      app.write('k');
      await app.waitFor(new RegExp(`Skip step ${n}:`));
      app.write('y');
      if (n < 6) await app.waitFor(new RegExp(`Step ${n + 1} of 6`));
    }
    f = await app.waitFor(/Lab complete/);
    assert.match(f, /Steps +0 passed, 6 skipped of 6/);
    assert.match(f, /Hints used +0/);
    assert.match(f, /\$ iamlab check switch-role-admin/);
    app.write(ENTER);
    f = await app.waitFor(/✓ complete \(6 skipped\)/);
    app.write('q');
    await app.exited;
  });

  it('g on a step already done goes back to it: asks first, then the step, the account and the shell are as they were when it began', async (t) => {
    const home = newHome();
    const app = start(home, { lab: 'switch-role-admin' });
    t.after(() => app.unmount());
    await app.waitFor(/Step 1 of 6/);
    await app.run('export MARK=made-in-step-1');
    await app.run(`aws iam create-role --role-name temp-user --assume-role-policy-document '${TRUST_THIS_ACCOUNT}' --query Role.RoleName`, /"temp-user"/);
    await app.run('aws iam attach-role-policy --role-name temp-user --policy-arn arn:aws:iam::aws:policy/AdministratorAccess', /Step 2 of 6/);
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('\x1b[A'); // view step 1
    await app.waitFor(/Step 1 of 6 · Create the role/);
    app.write('g');
    let f = await app.waitFor(/Go back to step 1: Create the role temp-user/);
    assert.ok(shows(f, 'The simulated account and the shell go back to how they were when the step began'), f);
    app.write('n');
    await app.waitFor(/^(?![\s\S]*Go back to step)[\s\S]*LAB KEYS/);
    app.write('g');
    await app.waitFor(/Go back to step 1/);
    app.write('y');
    f = await app.waitFor(/Step 1 again: Create the role/);
    assert.ok(shows(f, 'Back at step 1: the simulated account and the shell are as they were when it began'), f);
    assert.match(f, /›▸ 1 Create the role/);
    // the role made in the step is gone again, and so is the export made during it
    await app.run('aws iam get-role --role-name temp-user', /NoSuchEntity/);
    await app.run('echo "[$MARK]"', /^\[\]$/m);
    // the history (↑) is the learner's, and stays
    app.write('\x1b[A');
    await app.waitFor(/\$ echo "\[\$MARK\]"\s*\n[^\n]*$/);
    app.write(CTRL_C); // clears the recalled line
    await app.waitFor(/\$\s*\n[^\n]*$/);
    app.write(CTRL_C); // and on an empty line quits
    await app.exited;
  });

  it('v shows what the last check looked at: each part with its verdict and what it read', async (t) => {
    const home = newHome();
    const app = start(home, { lab: 'switch-role-admin' });
    t.after(() => app.unmount());
    await app.waitFor(/Step 1 of 6/);
    app.write(`${ESC}v`);
    let f = await app.waitFor(/What was checked/);
    assert.ok(shows(f, 'Nothing has been checked yet in this session.'), f);
    app.write('v');
    await app.waitFor(/Step 1 of 6 · Create the role/);
    app.write('i');
    await app.waitFor(/Enter run/);
    await app.run('aws iam create-role --role-name temp-user --assume-role-policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::089665204192:user/admin"},"Action":"sts:AssumeRole"}]}\'');
    f = await app.waitFor(/✗ Not yet:/);
    assert.ok(shows(f, '(Esc v: what was checked)'), `the footer says where to look:\n${f}`);
    app.write(`${ESC}v`);
    f = await app.waitFor(/What was checked · step 1/);
    assert.ok(shows(f, '✗ 1 of 3 parts hold.'), f);
    assert.ok(shows(f, '✓ the role temp-user exists'), f);
    assert.ok(shows(f, '· role arn:aws:iam::089665204192:role/temp-user: trust Allow sts:AssumeRole for AWS: arn:aws:iam::089665204192:user/admin'), `the evidence is shown:\n${f}`);
    app.write('z'); // the bigger panel shows the rest
    f = await app.waitFor(/· trust policy of temp-user/);
    assert.ok(shows(f, '· trust policy of temp-user: Allow sts:AssumeRole for AWS: arn:aws:iam::089665204192:user/admin'), f);
    app.write('v');
    await app.waitFor(/Step 1 of 6 · Create the role/);
    app.write('q');
    await app.exited;
  });

  it('the first frame written before Ink loads is the frame Ink then draws over it, row for row', async (t) => {
    const home = newHome();
    const controller = new AppController({ home });
    await controller.catalog(); // writes the catalog cache the start-up reads
    const entries = controller.quickCatalog();
    assert.ok(entries?.length, 'the cache gives the catalog without loading a lab');
    for (const [columns, rows] of [[80, 24], [60, 18], [120, 40]] as const) {
      const init = initialState({ columns, rows, entries: entries! });
      let written = '';
      assert.equal(prePaint(init, { write: (x: string) => ((written += x), true) }), true);
      const painted = stripVTControlCharacters(written).split('\n');
      const frameRows = catalogFrame(init)!.length;
      assert.equal(frameRows, rows - 1, 'one row less than the terminal, like Ink\'s frame');
      assert.ok(written.endsWith(`\x1b[${frameRows}A\r`), 'the cursor goes back to the frame\'s top left');
      const r = render(<App init={init} runner={new Runner(new AppController({ home }))} toastMs={0} />);
      t.after(() => r.unmount());
      const ink = stripVTControlCharacters(r.lastFrame() ?? '').split('\n');
      const trim = (ls: string[]) => ls.map((l) => l.trimEnd());
      assert.deepEqual(trim(painted.slice(0, frameRows)), trim(ink).slice(0, frameRows), `${columns}×${rows}`);
      assert.match(painted.join('\n'), /6 steps · not started/);
      r.unmount();
    }
    // the very first start has no catalog cache: the frame says the labs are loading, as Ink's first one does
    {
      const init = initialState({ columns: 80, rows: 24 });
      let written = '';
      assert.equal(prePaint(init, { write: (x: string) => ((written += x), true) }), true);
      assert.match(stripVTControlCharacters(written), /Loading the labs…/);
      const r = render(<App init={init} runner={new Runner(new AppController({ home: newHome() }))} toastMs={0} />);
      const first = stripVTControlCharacters(r.frames[0] ?? '').split('\n').map((l) => l.trimEnd());
      r.unmount();
      assert.deepEqual(stripVTControlCharacters(written).split('\n').slice(0, 23).map((l) => l.trimEnd()), first.slice(0, 23));
    }
    // a lab opening straight away (`iamlab start <lab>`): the catalog with the "Opening …" bar, as Ink draws it first
    {
      const init = initialState({ columns: 80, rows: 24, entries: entries!, lab: 'switch-role-admin' });
      let written = '';
      assert.equal(prePaint(init, { write: (x: string) => ((written += x), true) }), true);
      assert.match(stripVTControlCharacters(written), /Opening switch-role-admin…/);
      const r = render(<App init={init} runner={new Runner(new AppController({ home }))} toastMs={0} spinMs={0} />);
      const first = stripVTControlCharacters(r.frames[0] ?? '').split('\n').map((l) => l.trimEnd());
      r.unmount();
      assert.deepEqual(stripVTControlCharacters(written).split('\n').slice(0, 23).map((l) => l.trimEnd()), first.slice(0, 23));
    }
  });

  it('^X turns the endpoint on: the real SDK reaches the lab\'s world through it, its calls are checked and shown; E stops it; quitting stops it', async (t) => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const { IAMClient, CreateRoleCommand, AttachRolePolicyCommand } = await import('@aws-sdk/client-iam');
    const home = newHome();
    let app = start(home, { lab: 'switch-role-admin' });
    t.after(() => app.unmount());
    await app.waitFor(/Step 1 of 6/);
    app.write('\x18'); // ^X in the shell
    let f = await app.waitFor(/Endpoint · this lab's simulated account/);
    const url = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(flat(f))?.[1];
    assert.ok(url, `the panel names the URL:\n${f}`);
    assert.match(f, /export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+/);
    assert.match(f, /─ shell · endpoint 127\.0\.0\.1:\d+ /, 'the shell pane says the endpoint is on');
    assert.ok(shows(f, `Endpoint on: ${url}`), 'the shell pane says where it listens');

    // the exports are in a file to `source` (simulated keys of the shell's identity, admin)
    const file = join(home, 'labs', 'switch-role-admin', 'endpoint.sh');
    const sh = readFileSync(file, 'utf8');
    assert.match(sh, new RegExp(`^export AWS_ENDPOINT_URL=${url.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(sh, /^export AWS_REGION=us-east-1$/m);
    assert.equal(statSync(file).mode & 0o077, 0, 'only the learner may read it');
    const env = Object.fromEntries([...sh.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const cfg = { endpoint: url, region: env.AWS_REGION!, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! }, maxAttempts: 1 };
    const who = await new STSClient(cfg).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:iam::089665204192:user/admin');

    // step 1 done from "another terminal": the app checks after the calls settle and moves on
    const iam = new IAMClient(cfg);
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::089665204192:root' }, Action: 'sts:AssumeRole' }] });
    await iam.send(new CreateRoleCommand({ RoleName: 'temp-user', AssumeRolePolicyDocument: trust }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'temp-user', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    f = await app.waitFor(/Step 2 of 6/);
    assert.ok(shows(f, '⇄ endpoint: iam AttachRolePolicy → OK'), `the calls show in the shell:\n${f}`);
    assert.match(f, /✓ 1 Create the role/);
    // the shell sees the same world
    await app.run('aws iam list-attached-role-policies --role-name temp-user --query "AttachedPolicies[0].PolicyName"', /"AdministratorAccess"/);

    // a denied call through the endpoint shows as denied and feeds the Why panel
    const { CreateUserCommand, CreateAccessKeyCommand, ListUsersCommand } = await import('@aws-sdk/client-iam');
    await iam.send(new CreateUserCommand({ UserName: 'balu' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'balu' }))).AccessKey!;
    const asBalu = new IAMClient({ ...cfg, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    await assert.rejects(asBalu.send(new ListUsersCommand({})), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'AccessDenied' && e.$metadata?.httpStatusCode === 403);
    f = await app.waitFor(/ListUsers → AccessDenied \(403\)/);
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('w');
    f = await app.waitFor(/Why · the last denied call/);
    assert.ok(shows(f, '⇄ iam ListUsers, a call through the endpoint'), `the Why panel explains the endpoint's denied call:\n${f}`);
    assert.ok(shows(f, 'balu'), 'it names who was denied');
    app.write('w');
    app.write('i');
    await app.waitFor(/Enter run/);

    // E (lab keys) stops it: the port refuses connections and the file is gone
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('E');
    f = await app.waitFor(/Endpoint stopped/);
    assert.doesNotMatch(f, /─ shell · endpoint/);
    await assert.rejects(new STSClient(cfg).send(new GetCallerIdentityCommand({})), (e: Error & { code?: string }) => /ECONNREFUSED/.test(`${e.code} ${e.message}`));
    assert.throws(() => statSync(file), /ENOENT/);

    // e starts it again; quitting stops it, and the calls made through it were saved
    app.write('e');
    f = await app.waitFor(/Listening on http/);
    const url2 = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(flat(f))![1]!;
    await new STSClient({ ...cfg, endpoint: url2 }).send(new GetCallerIdentityCommand({}));
    app.write('q');
    await app.exited;
    app.unmount();
    await assert.rejects(new STSClient({ ...cfg, endpoint: url2 }).send(new GetCallerIdentityCommand({})), (e: Error & { code?: string }) => /ECONNREFUSED/.test(`${e.code} ${e.message}`));
    const world = (await import('../../src/sim/index.js')).loadWorldFile(join(home, 'labs', 'switch-role-admin', 'world.json'));
    const served = world.audit.events().filter((e) => e.via === 'serve');
    assert.ok(served.some((e) => e.action === 'iam:CreateRole'), 'CreateRole through the endpoint is in the saved audit log');
    assert.ok(served.some((e) => e.action === 'sts:GetCallerIdentity'), 'so is the last GetCallerIdentity');

    // reopened: step 2, and the role made through the endpoint is there
    app = start(home, { lab: 'switch-role-admin' });
    await app.waitFor(/Step 2 of 6/);
    await app.run('aws iam get-role --role-name temp-user --query Role.RoleName', /"temp-user"/);
    app.write(CTRL_C);
    await app.exited;
  });

  it('a quiz is answered through the answer form (`answer …` in the shell); c checks on request; ? shows the keys; a real account without credentials says so cleanly', async (t) => {
    const home = newHome();
    const s = await openLab('trust-policy-control', { home, realTime: false });
    for (let i = 0; i < 5; i++) await s.skip();
    s.save();
    // a machine without AWS credentials: no variables, empty files, no instance metadata
    const aws = mkdtempSync(join(tmpdir(), 'iamlab-app-noaws-'));
    homes.push(aws);
    writeFileSync(join(aws, 'config'), '');
    writeFileSync(join(aws, 'credentials'), '');
    const files = { AWS_CONFIG_FILE: join(aws, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials') };
    const restore = withEnv(noAwsEnv(files));
    t.after(restore);
    const app = start(home, { controller: { env: { ...files, AWS_EC2_METADATA_DISABLED: 'true', HOME: aws } } });
    t.after(() => app.unmount());
    let f = await app.waitFor(/Control who may assume a role/);
    // the real account: choose it, pick the lab — the setup's clear message, no crash, still on the catalog
    app.write('a');
    f = await app.waitFor(/● real AWS account \(no profiles in ~\/\.aws\/config\)/);
    assert.match(f, /6 steps · not started on an AWS account/, 'the real account has its own (empty) progress');
    app.write(ENTER);
    f = await app.waitFor(/✗ The lab did not open/, 20_000);
    assert.ok(shows(f, 'Setting up lab trust-policy-control in your AWS account stopped: No AWS credentials found for profile "default" — run aws configure'), f);
    assert.match(f, /Account:/, 'still on the catalog');
    assert.doesNotMatch(f, /at \S+ \(|Error:/, 'no stack trace');
    app.write('a');
    await app.waitFor(/● simulated/);
    app.write('?');
    f = await app.waitFor(/Keys — Esc or \? to close/);
    assert.match(f, /Enter +open/);
    app.write(ESC);
    await app.waitFor(/Account:/);
    app.write(ENTER);
    f = await app.waitFor(/Step 6 of 6/);
    assert.match(f, /1\. Which of these STS operations return temporary/);
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('c');
    f = await app.waitFor(/✗ Not yet:/);
    app.write('a');
    await app.waitFor(/Answer +type your answer/);
    app.write('AssumeRole, GetSessionToken, GetFederationToken, AssumeRoleWithWebIdentity');
    await app.waitFor(/AssumeRoleWithWebIdentity\s*│/);
    app.write(ENTER);
    f = await app.waitFor(/✓ PASS  Right: AssumeRole/);
    assert.match(f, /\$ answer 'AssumeRole, GetSessionToken, GetFederationToken, A/);
    assert.doesNotMatch(f, /Not yet/, 'the old verdict is gone');
    await app.run('answer --question role-session-limits GetFederationToken, GetSessionToken', /role-session-limits GetFederationToken/);
    await app.run('answer --question expired no', /question expired no/);
    // a wrong answer is told apart; the right one completes the lab
    f = await app.run('answer --question who-can-assume user1, user2, User3', /✗ FAIL/);
    f = await app.run('answer --question who-can-assume user1, user2', /Lab complete/);
    assert.match(f, /Steps +1 passed, 5 skipped of 6/);
    assert.match(f, /\$ iamlab check trust-policy-control/);
  });

  it('with --workshop the room hears joined, started (each step moved on to), passed, hint and skip', async (t) => {
    const server = await startWorkshopServer({ port: 0 });
    t.after(() => server.close());
    const kinds: string[] = [];
    server.subscribe((ev) => kinds.push(`${ev.kind}${ev.step ? `:${ev.step}` : ''}`));
    const c = new AppController({ home: newHome(), workshop: { url: server.url, name: 'Ada' } });
    await c.connectWorkshop();
    await c.open('switch-role-admin', 'sim');
    await c.hint('create-temp-user-role');
    await c.skip('create-temp-user-role');
    await c.run('aws iam create-user --user-name balu');
    await c.run("aws iam create-login-profile --user-name balu --password 'Balu-Lab-Pass-1!'");
    await c.closeLab();
    await c.dispose();
    const t0 = Date.now();
    while (!kinds.includes('started:balu-sts-policy') && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    // each step the learner moves on to is announced, so the room shows where everyone is
    assert.deepEqual(
      kinds.filter((k) => !k.startsWith('left')),
      ['joined', 'started:create-temp-user-role', 'hint:create-temp-user-role', 'skip:create-temp-user-role', 'started:create-balu', 'passed:create-balu', 'started:balu-sts-policy'],
    );
    assert.equal(Object.values(server.room.learners)[0]!.name, 'Ada');
  });

  it('with --workshop the header shows whether progress reaches the room; the name is remembered for reports', async (t) => {
    const server = await startWorkshopServer({ port: 0 });
    let closed = false;
    t.after(async () => {
      if (!closed) await server.close();
    });
    const home = newHome();
    const controller = new AppController({ home, workshop: { url: server.url, name: 'Grace' } });
    await controller.connectWorkshop();
    assert.deepEqual(JSON.parse(readFileSync(join(home, 'learner.json'), 'utf8')), { name: 'Grace' });
    const runner = new Runner(controller);
    let done!: (s: AppState) => void;
    const exited = new Promise<AppState>((r) => (done = r));
    const init = initialState({ columns: 100, rows: 24, lab: 'switch-role-admin' });
    const r = render(<App init={init} runner={runner} onExit={done} toastMs={0} />);
    t.after(() => r.unmount());
    const frame = () => stripVTControlCharacters(r.lastFrame() ?? '');
    const waitFor = async (re: RegExp) => {
      const t0 = Date.now();
      while (!re.test(frame())) {
        if (Date.now() - t0 > 8000) throw new Error(`timed out waiting for ${re}:\n${frame()}`);
        await new Promise((res) => setTimeout(res, 10));
      }
      return frame();
    };
    let f = await waitFor(/Step 1 of 6[\s\S]*● room|● room[\s\S]*Step 1 of 6/);
    assert.match(f.split('\n')[0]!, /● room {2}shell: admin @ 089665204192/);
    // the room goes away: the next event waits, and the header says so
    await server.close();
    closed = true;
    r.stdin.write(`${ESC}c`); // a check: nothing to report yet, so skip a step to make an event
    r.stdin.write('k');
    await waitFor(/Skip step 1/);
    r.stdin.write('y');
    await waitFor(/Step 2 of 6/);
    f = await waitFor(/○ room offline · \d+ waiting/);
    r.stdin.write(ESC);
    await waitFor(/LAB KEYS/);
    r.stdin.write('?');
    f = await waitFor(/Workshop:/);
    assert.match(flat(f), /Workshop: you are Grace in the room at http:\/\/127\.0\.0\.1:\d+\/?: not reachable now \(.*\); \d+ events? waits? and go out when it answers\./);
    // the keys list is longer than the box: it scrolls
    assert.match(f, /↓ \d+ more rows \(↓ or PgDn\)/);
    r.stdin.write('\x1b[6~'); // PgDn
    r.stdin.write('\x1b[6~');
    r.stdin.write('\x1b[6~');
    f = await waitFor(/q +quit/);
    assert.doesNotMatch(f, /more rows \(↓ or PgDn\)/, 'at the end nothing is left below');
    r.stdin.write(ESC);
    await waitFor(/^(?![\s\S]*Keys —)[\s\S]*LAB KEYS/);
    r.stdin.write('q');
    await exited;
    await controller.dispose();
  });

  it('iamlab start <lab> --real: the lab opens on an AWS account (the project\'s own endpoint), asks before the setup writes, says what it did, runs commands there, skips a console step, keeps its own progress', async (t) => {
    // the "AWS account": a simulated world served over HTTP; the learner's admin keys in a credentials file
    const ACCOUNT = '210987654321';
    const world = World.create({ seed: 'app-real', now: new Date(), realTime: true });
    world.createAccount(ACCOUNT);
    const me = adminIn(world, new SimBackend(world), ACCOUNT);
    const server = await startServer({ world });
    t.after(() => server.close());
    const aws = mkdtempSync(join(tmpdir(), 'iamlab-app-aws-'));
    homes.push(aws);
    writeFileSync(join(aws, 'credentials'), `[default]\naws_access_key_id = ${me.AccessKeyId}\naws_secret_access_key = ${me.SecretAccessKey}\n`);
    writeFileSync(join(aws, 'config'), '[default]\nregion = us-east-1\n');
    const env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(aws, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'), HOME: aws };
    // the SDK's credential chain reads process.env; the Node-version warning must not need the launcher to stay off the screen
    const restore = withEnv(noAwsEnv({ ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined }));
    t.after(restore);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    t.after(() => process.off('warning', onWarning));

    const home = newHome();
    const app = start(home, { lab: 'trust-policy-control', real: true, controller: { env, realBackendOptions: { retry: { sleep: async () => {} } } } });
    t.after(() => app.unmount());
    // opening creates the lab's users: asked first, in a box (no shell is on screen yet)
    let f = await app.waitFor(/iamlab asks before changing your AWS account/, 20_000);
    assert.match(flat(f), new RegExp(`Lab trust-policy-control creates and changes IAM resources in AWS account ${ACCOUNT} as arn:aws:iam::${ACCOUNT}:user/me \\(first CreateUser in us-east-1\\); everything it creates is tagged iamlab:lab=trust-policy-control\\. Go ahead\\? \\[y/N\\]`));
    app.write('y');
    await app.waitFor(/y\/N +y/);
    app.write(ENTER);
    f = await app.waitFor(/Step 1 of 6/, 20_000);
    // what the shell pane said on opening (scrolled up to its start)
    app.write('\x1b[5~');
    f = await app.waitFor(/scrolled/);
    assert.ok(shows(f, `steps, on AWS account ${ACCOUNT} as arn:aws:iam::${ACCOUNT}:user/me. Commands here call AWS for real.`), f);
    assert.ok(shows(f, 'Set up in your account: user user1; user user2; user User3.'), f);
    assert.ok(shows(f, 'Not set up: user admin: your own identity plays this administrator; user user1, user user2, user User3: no console password'), f);
    app.write('\x1b[6~');
    f = await app.waitFor(/iamlab cleanup trust-policy-control --real/);
    assert.ok(shows(f, 'Everything the lab creates is tagged iamlab:lab=trust-policy-control'), f);
    assert.match(f, /─ shell \(real AWS account\)/);
    assert.match(f, new RegExp(`me@${ACCOUNT} \\$|me @ ${ACCOUNT}`), 'who the shell runs as');
    assert.ok(world.iam.user(ACCOUNT, 'user2'), 'setup made user2 in the account');

    // a command runs in the account
    f = await app.run('aws iam get-user --user-name user2 --query User.Arn --output text', new RegExp(`arn:aws:iam::${ACCOUNT}:user/user2\\s*\\n`));
    // the map is the simulated account's
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('m');
    f = await app.waitFor(/drawn on the simulated account only/);
    app.write('m');
    // steps 1 and 2 skipped: their solutions run in the account
    for (const n of [1, 2]) {
      if (n > 1) {
        // after a skip the shell has the keys again (the key bar shows the new step's toast)
        app.write(ESC);
        await app.waitFor(/LAB KEYS/);
      }
      app.write('k');
      f = await app.waitFor(new RegExp(`Skip step ${n}:`));
      assert.match(flat(f), /Its solution runs in your AWS account/);
      app.write('y');
      await app.waitFor(new RegExp(`Step ${n + 1} of 6`), 20_000);
    }
    assert.ok(world.iam.role(ACCOUNT, 's3-full-access'), 'the skipped step\'s solution made the role in the account');
    // step 3 happens in the console: iamlab reads it from CloudTrail (sign-in and switch role), so it
    // says where to do it, that it can take minutes, and that c checks again; skip stays offered
    f = await app.waitFor(/! Console step:/);
    assert.match(flat(f), /do it in the AWS console; iamlab reads it from CloudTrail, which can take a few minutes\. c checks again; Esc, then k skips\./);
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('\x1b[6~');
    f = await app.waitFor(/On your AWS account:/);
    assert.match(f, /On your AWS account: this step happens in the AWS/);
    app.write('i');
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('k');
    f = await app.waitFor(/Skip step 3:/);
    assert.match(flat(f), /If you did it there, CloudTrail may still be on its way to showing it: c checks again\./);
    app.write('y');
    f = await app.waitFor(/Step 4 of 6/, 20_000);
    assert.match(f, /↷ 3/);
    app.write(ESC);
    await app.waitFor(/LAB KEYS/);
    app.write('q');
    await app.exited;

    // progress: its own record, with the account; the simulated account's lab untouched
    const store = new ProgressStore(home);
    const p = store.get('trust-policy-control', 'real');
    assert.equal(p?.account_id, ACCOUNT);
    assert.equal(p?.current, 'trust-two-users');
    assert.deepEqual(['create-s3-role', 'user1-sts-permission', 'switch-role-console'].map((id) => p?.steps[id]?.skipped), [true, true, true]);
    assert.equal(store.get('trust-policy-control'), undefined, 'no simulated progress');
    // nothing secret under the home (the learner's key, any key or session of the account)
    const secrets = [me.SecretAccessKey];
    for (const u of world.iam.users(ACCOUNT)) for (const k of u.accessKeys) secrets.push(k.secret);
    for (const x of world.sessions.values()) secrets.push(x.secret, x.token);
    for (const name of readdirSync(home, { recursive: true }) as string[]) {
      const path = join(home, name);
      if (!statSync(path).isFile()) continue;
      const text = readFileSync(path, 'utf8');
      for (const sec of secrets) assert.ok(!text.includes(sec), `${name} holds a secret`);
    }
    assert.deepEqual(warnings.filter((w) => /NodeVersionSupport|AWS SDK/.test(w)), [], 'no SDK warning reached the terminal');

    // back on the home screen with the real account chosen: the real progress shows
    const again = start(home, { real: true, controller: { env } });
    t.after(() => again.unmount());
    f = await again.waitFor(new RegExp(`3/6 · continue: Allow only user1 and user2 · in ${ACCOUNT}|3/6 · continue: .* · in ${ACCOUNT}`));
    again.write('a');
    f = await again.waitFor(/● simulated/);
    assert.doesNotMatch(f, /3\/6/, 'the simulated account has no progress on it');
    again.write('q');
    await again.exited;
  });
});
