// Real-mode `event` checks read CloudTrail: end to end against the project's own endpoint
// (`iamlab serve` answering LookupEvents from the simulated account's audit log), with the real
// SDK clients. Work done outside iamlab's shell — a console sign-in, a switch role, a console
// page, a call from the learner's own terminal — passes through CloudTrail; a missing event is
// `pending` inside the leaf's window and `fail` after it (the clock is the world's, moved by hand).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { World, SimBackend } from '../../src/sim/index.js';
import type { Credentials } from '../../src/backend/types.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { RealBackend } from '../../src/real/backend.js';
import { RealEventLog } from '../../src/real/events.js';
import { RealCheckBackend, realModeSpec, CONSOLE_IN_REAL_MODE } from '../../src/real/checks.js';
import { CHECKER_USER_AGENT } from '../../src/real/cloudtrail.js';
import { evaluateCheck, type CheckSpec } from '../../src/checks/index.js';
import type { EventMark } from '../../src/checks/types.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const A = '089665204192';
const ROLE = `arn:aws:iam::${A}:role/temp-user`;

let world: World;
let sim: SimBackend;
let server: RunningServer;
let dir: string;
let balu: Credentials;
const backends: RealBackend[] = [];

function iam(operation: string, input: Record<string, unknown>): Record<string, unknown> {
  const r = sim.callSync({ service: 'iam', operation, input, credentials: world.rootCredentials(A), via: 'api' });
  if (!r.ok) throw new Error(`${operation}: ${r.error.code}: ${r.error.message}`);
  return r.output;
}

/** What the learner's browser does: sign in, switch role, open a page (as src/shell/console.ts calls the account). */
const browser = {
  signIn(): Credentials {
    const r = world.consoleSignIn(A, 'balu', 'Balu-Password-1');
    assert.ok(r.ok);
    return r.credentials;
  },
  switchRole(console: Credentials): Credentials {
    const r = sim.callSync({ service: 'sts', operation: 'AssumeRole', input: { RoleArn: ROLE, RoleSessionName: 'balu' }, credentials: console, region: 'us-east-1', via: 'console', userAgent: 'iamlab-console' });
    assert.ok(r.ok);
    const c = r.output.Credentials as Record<string, string>;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  },
  open(creds: Credentials, service: 's3' | 'ec2', operation: string): boolean {
    return sim.callSync({ service, operation, input: {}, credentials: creds, region: 'us-east-1', via: 'console', userAgent: 'iamlab-console' }).ok;
  },
};

function realBackend(profile: string, userAgent?: string): RealBackend {
  const env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir };
  const b = new RealBackend({ env, profile, region: 'eu-west-1', retry: { sleep: async () => {} }, now: () => world.clock.now(), ...(userAgent ? { userAgent } : {}) });
  backends.push(b);
  return b;
}

function checker(profile: string, opts: { pendingFrom?: 'first-miss' | 'step-start' } = {}): RealCheckBackend {
  const env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir };
  const b = new RealBackend({ env, profile, region: 'eu-west-1', retry: { sleep: async () => {} }, now: () => world.clock.now(), userAgent: CHECKER_USER_AGENT });
  backends.push(b);
  return new RealCheckBackend({ backend: b, keys: ['main'], events: new RealEventLog(), now: () => world.clock.now(), ...opts });
}

async function check(c: RealCheckBackend, spec: CheckSpec, mark: EventMark) {
  await c.begin();
  return evaluateCheck(realModeSpec(spec), c, { accounts: { main: A }, defaultAccount: A, stepMark: mark });
}

before(async () => {
  world = World.create({ seed: 'real-cloudtrail', now: '2026-01-01T09:00:00Z' });
  world.createAccount(A);
  sim = new SimBackend(world);
  iam('CreateUser', { UserName: 'balu' });
  iam('CreateLoginProfile', { UserName: 'balu', Password: 'Balu-Password-1' });
  iam('PutUserPolicy', { UserName: 'balu', PolicyName: 'switch', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE }] }) });
  const k = iam('CreateAccessKey', { UserName: 'balu' }).AccessKey as Record<string, string>;
  balu = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  iam('CreateRole', { RoleName: 'temp-user', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/balu` }, Action: 'sts:AssumeRole' }] }) });
  iam('AttachRolePolicy', { RoleName: 'temp-user', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  // a checker that may read everything but CloudTrail
  iam('CreateUser', { UserName: 'no-trail' });
  iam('PutUserPolicy', { UserName: 'no-trail', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'cloudtrail:*', Resource: '*' }] }) });
  const nk = iam('CreateAccessKey', { UserName: 'no-trail' }).AccessKey as Record<string, string>;
  server = await startServer({ world });
  dir = mkdtempSync(join(tmpdir(), 'iamlab-real-cloudtrail-'));
  const root = world.rootCredentials(A);
  writeFileSync(
    join(dir, 'credentials'),
    `[checker]\naws_access_key_id = ${root.accessKeyId}\naws_secret_access_key = ${root.secretAccessKey}\n\n[no-trail]\naws_access_key_id = ${nk.AccessKeyId}\naws_secret_access_key = ${nk.SecretAccessKey}\n`,
  );
  writeFileSync(join(dir, 'config'), '[profile checker]\nregion = eu-west-1\n');
});

after(async () => {
  for (const b of backends) b.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const switched: CheckSpec = { id: 'switched', event: { principal: 'user/balu', action: 'sts:AssumeRole', outcome: 'success', via: 'console', resource: ROLE } } as CheckSpec;

describe('real-mode event checks through CloudTrail (iamlab serve)', () => {
  test('console leaves CloudTrail shows stay event leaves; the rest stay console questions', () => {
    assert.deepEqual(realModeSpec(switched), switched);
    const page = { event: { principal: 'user/balu', action: 'account:GetAccountInformation', via: 'console' } } as CheckSpec;
    assert.deepEqual(realModeSpec(page), { identity: { console: { switched: true } } });
  });

  test('a console sign-in, switch role and console pages done in the account pass through CloudTrail', async () => {
    const c = checker('checker');
    world.clock.advance(60_000);
    const mark = c.mark();
    world.clock.advance(1000);
    const signedIn = browser.signIn();
    assert.equal(browser.open(signedIn, 's3', 'ListBuckets'), false, 'balu may not list buckets');
    const role = browser.switchRole(signedIn);
    assert.ok(browser.open(role, 'ec2', 'DescribeInstances'));
    world.clock.advance(1000);

    const sw = await check(c, switched, mark);
    assert.equal(sw.status, 'pass', sw.message);
    assert.match(sw.message, /^User\/balu called sts:AssumeRole since this step began\.$/);
    assert.ok(sw.evidence.some((e) => /CloudTrail us-east-1: LookupEvents EventName=SwitchRole .* 1 event/.test(e.text)), JSON.stringify(sw.evidence));

    const login = await check(c, { event: { principal: 'user/balu', action: 'signin:ConsoleLogin', outcome: 'success', via: 'console' } } as CheckSpec, mark);
    assert.equal(login.status, 'pass', login.message);
    const denied = await check(c, { event: { principal: 'user/balu', action: 's3:ListAllMyBuckets', outcome: 'failure', reason: 'implicit', via: 'console' } } as CheckSpec, mark);
    assert.equal(denied.status, 'pass', denied.message);
    const ec2 = await check(c, { event: { principal: 'assumed-role/temp-user/*', action: 'ec2:DescribeInstances', outcome: 'success', via: 'console' } } as CheckSpec, mark);
    assert.equal(ec2.status, 'pass', ec2.message);
    // the wrong place: the switch was in the console, the leaf wants the shell — no waiting for CloudTrail
    const shellOnly = await check(c, { event: { principal: 'user/balu', action: 'sts:AssumeRole', via: 'shell' } } as CheckSpec, mark);
    assert.equal(shellOnly.status, 'fail', shellOnly.message);
  });

  test("a call from the learner's own terminal (not iamlab's shell) passes through CloudTrail", async () => {
    const c = checker('checker');
    const mark = c.mark();
    world.clock.advance(1000);
    const r = sim.callSync({ service: 'sts', operation: 'AssumeRole', input: { RoleArn: ROLE, RoleSessionName: 'terminal' }, credentials: balu, region: 'eu-west-1', via: 'serve' });
    assert.ok(r.ok);
    const v = await check(c, { event: { principal: 'user/balu', action: 'sts:AssumeRole', params: { RoleSessionName: 'terminal' } } } as CheckSpec, mark);
    assert.equal(v.status, 'pass', v.message);
    assert.ok(v.evidence.some((e) => /CloudTrail eu-west-1: LookupEvents EventName=AssumeRole .* 1 event/.test(e.text)), JSON.stringify(v.evidence));
  });

  test("the checker's own calls (made with the learner's keys, marked in their User-Agent) never count as the learner's work", async () => {
    const c = checker('checker');
    const mark = c.mark();
    world.clock.advance(1000);
    // the checker reads as the `checker` profile (the account's root here)
    const own = await realBackend('checker', CHECKER_USER_AGENT).call({ service: 'sts', operation: 'GetCallerIdentity', input: {} });
    assert.ok(own.ok);
    assert.ok(world.audit.events().some((e) => e.eventName === 'GetCallerIdentity' && e.userAgent?.includes(CHECKER_USER_AGENT)), 'CloudTrail records the agent');
    world.clock.advance(1000);
    const leaf = { event: { principal: 'root', action: 'sts:GetCallerIdentity', outcome: 'success' } } as CheckSpec;
    let r = await check(c, leaf, mark);
    assert.equal(r.status, 'pending', `only the checker called it: ${r.message}`);
    // the same call from the learner's own terminal counts
    const mine = await realBackend('checker').call({ service: 'sts', operation: 'GetCallerIdentity', input: {} });
    assert.ok(mine.ok);
    world.clock.advance(1000);
    r = await check(c, leaf, mark);
    assert.equal(r.status, 'pass', r.message);
  });

  test('leaves asking CloudTrail the same question in one check run share one lookup (LookupEvents is rate-limited); the next run asks again', async () => {
    const c = checker('checker');
    const mark = c.mark();
    world.clock.advance(1000);
    const lookups = () => world.audit.events().filter((e) => e.eventName === 'LookupEvents').length;
    await c.begin();
    const before = lookups();
    const leaf = switched;
    const ctx = { accounts: { main: A }, defaultAccount: A, stepMark: mark };
    await evaluateCheck(realModeSpec(leaf), c, ctx);
    const one = lookups() - before;
    assert.ok(one >= 1, 'CloudTrail was asked');
    await evaluateCheck(realModeSpec({ ...leaf, id: 'again' } as CheckSpec), c, ctx);
    assert.equal(lookups() - before, one, 'the same question in the same run is not asked twice');
    await c.begin();
    await evaluateCheck(realModeSpec(leaf), c, ctx);
    assert.equal(lookups() - before, 2 * one, 'a new run asks afresh');
  });

  test('a missing event is pending inside the window (from the first check that missed) and fail after it', async () => {
    const c = checker('checker');
    world.clock.advance(3600_000);
    const mark = c.mark();
    world.clock.advance(10 * 60_000); // the learner thinks for ten minutes, then checks
    const until = new Date(world.clock.now().getTime() + 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const first = await check(c, switched, mark);
    assert.equal(first.status, 'pending', first.message);
    assert.ok(first.message.startsWith(`CloudTrail can take a few minutes to show sts:AssumeRole done in the console: iamlab keeps looking until ${until}. So far: Nobody has called sts:AssumeRole as user/balu`), first.message);
    world.clock.advance(4 * 60_000);
    assert.equal((await check(c, switched, mark)).status, 'pending');
    world.clock.advance(60_000 + 1000);
    const late = await check(c, switched, mark);
    assert.equal(late.status, 'fail', late.message);
    assert.equal(late.diagnosis, 'no-event');
    // the leaf's own poll window
    const short = { event: { ...(switched as { event: object }).event, poll: { every: '5s', for: '30s' } } } as CheckSpec;
    const m2 = c.mark();
    assert.equal((await check(c, short, m2)).status, 'pending');
    world.clock.advance(31_000);
    assert.equal((await check(c, short, m2)).status, 'fail');
    // then the learner does it: a pass
    browser.switchRole(browser.signIn());
    assert.equal((await check(c, short, m2)).status, 'pass');
  });

  test('iamlab check --real counts the window from the step start', async () => {
    const c = checker('checker', { pendingFrom: 'step-start' });
    world.clock.advance(3600_000);
    const mark = c.mark();
    world.clock.advance(4 * 60_000);
    assert.equal((await check(c, switched, mark)).status, 'pending');
    world.clock.advance(2 * 60_000);
    assert.equal((await check(c, switched, mark)).status, 'fail');
  });

  test('a checker that may not read CloudTrail: a console leaf is an error (never fail), a shell leaf answers from the shell log', async () => {
    const c = checker('no-trail');
    const mark = c.mark();
    world.clock.advance(1000);
    const v = await check(c, switched, mark);
    assert.equal(v.status, 'error', v.message);
    assert.ok(v.message.includes(CONSOLE_IN_REAL_MODE), v.message);
    assert.match(v.message, /may not read CloudTrail \(cloudtrail:LookupEvents: AccessDeniedException\)/);
    const cli = await check(c, { event: { principal: 'user/balu', action: 'iam:ListRoles' } } as CheckSpec, mark);
    assert.equal(cli.status, 'fail', cli.message);
    assert.ok(cli.evidence.some((e) => /may not read CloudTrail/.test(e.text)));
  });
});
