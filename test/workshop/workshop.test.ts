import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startWorkshopServer, type WorkshopServer } from '../../src/workshop/server.js';
import { createWorkshopClient, WorkshopClientError, type WorkshopClient } from '../../src/workshop/client.js';
import { learnerRows, applyEvent, emptyRoom, MAX_LABS_PER_LEARNER, MAX_IDS_PER_LIST } from '../../src/workshop/room.js';
import { roomPath } from '../../src/workshop/store.js';
import { bodySignature, EVENTS_PATH } from '../../src/workshop/protocol.js';
import { joinInfo, lanUrls, workshopServeCommand } from '../../src/workshop/commands.js';
import type { networkInterfaces } from 'node:os';

const KEY = 'room-42-secret';
const LAB = 'zero-permission-user';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'iamlab-ws-'));
}

/** Polls (no fixed sleeps) until cond() is true or the deadline passes. */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function fast(url: string, name: string, extra: Partial<Parameters<typeof createWorkshopClient>[0]> = {}): WorkshopClient {
  return createWorkshopClient({ url, name, key: KEY, initialBackoffMs: 10, maxBackoffMs: 40, requestTimeoutMs: 2000, ...extra });
}

function steps(c: WorkshopClient, learner: 'full' | 'partial') {
  c.send({ kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
  c.send({ kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
  c.send({ kind: 'started', lab: LAB, step: 'create-role', step_index: 1, steps_total: 3 });
  c.send({ kind: 'attempt', lab: LAB, step: 'create-role', step_index: 1 });
  c.send({ kind: 'hint', lab: LAB, step: 'create-role', hint: 'where-trust', step_index: 1 });
  if (learner === 'partial') return;
  c.send({ kind: 'passed', lab: LAB, step: 'create-role', step_index: 1, steps_total: 3 });
  c.send({ kind: 'started', lab: LAB, step: 'assume', step_index: 2, steps_total: 3 });
  c.send({ kind: 'skip', lab: LAB, step: 'assume', step_index: 2, steps_total: 3 });
  c.send({ kind: 'finished', lab: LAB, steps_total: 3 });
}

test('a room with several learners, one of whom loses the instructor and comes back', async () => {
  const home = tmp();
  const statePath = roomPath(home);
  let server: WorkshopServer = await startWorkshopServer({ port: 0, key: KEY, statePath, saveDelayMs: 5 });
  assert.equal(server.host, '127.0.0.1');
  const port = server.port;
  const ada = fast(server.url, 'Ada');
  const bob = fast(server.url, 'Bob');
  const cy = fast(server.url, 'Cy');
  steps(ada, 'full');
  steps(bob, 'partial');
  cy.send({ kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
  assert.equal(await ada.flush(), true);
  assert.equal(await bob.flush(), true);
  assert.equal(await cy.flush(), true);
  assert.equal(ada.status().connected, true);
  assert.equal(ada.status().delivered, 10); // joined + 9

  // The instructor's machine goes away.
  await server.close();
  assert.ok(existsSync(statePath), 'room saved on close');
  cy.send({ kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
  cy.send({ kind: 'started', lab: LAB, step: 'create-role', step_index: 1, steps_total: 3 });
  cy.send({ kind: 'hint', lab: LAB, step: 'create-role', hint: 'where-trust', step_index: 1 });
  bob.send({ kind: 'solution', lab: LAB, step: 'create-role', step_index: 1 });
  assert.equal(await cy.flush(), false, 'nothing delivered while the room is down');
  assert.equal(cy.status().connected, false, JSON.stringify(cy.status()));
  assert.equal(cy.status().queued, 3);
  assert.match(cy.status().lastError ?? '', /cannot reach 127\.0\.0\.1/);

  // ...and comes back on the same port: the room is restored from room.json.
  server = await startWorkshopServer({ port, key: KEY, statePath, saveDelayMs: 5 });
  assert.deepEqual(server.warnings, []);
  assert.equal(server.room.learners.Ada?.labs[LAB]?.finished_at !== undefined, true, 'Ada restored as finished');
  assert.equal(await cy.flush(), true, 'Cy delivers the queued events');
  // Bob's client retries on its own (backoff), without a flush.
  await until(() => bob.status().queued === 0 && server.stats.applied >= 4, "Bob's background retry");

  const cyLab = server.room.learners.Cy?.labs[LAB];
  assert.deepEqual(cyLab?.passed, ['create-user']);
  assert.equal(cyLab?.current_step, 'create-role');
  assert.deepEqual(cyLab?.hints, { 'create-role': ['where-trust'] });
  assert.deepEqual(server.room.learners.Bob?.labs[LAB]?.solutions, ['create-role']);

  const now = new Date(Date.now() + 6 * 60_000);
  const rows = learnerRows(server.room, now, 5 * 60_000);
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  assert.equal(by.Ada?.status, 'done');
  assert.equal(by.Ada?.done, 3);
  assert.equal(by.Ada?.skips, 1);
  assert.equal(by.Ada?.hints, 1);
  assert.equal(by.Bob?.status, 'stuck');
  assert.equal(by.Bob?.step, 'create-role');
  assert.equal(by.Bob?.stepNumber, 2);
  assert.equal(by.Bob?.attempts, 1);
  assert.equal(by.Bob?.done, 1);
  assert.equal(by.Cy?.status, 'stuck');
  assert.equal(by.Cy?.done, 1);
  assert.equal(learnerRows(server.room, new Date(), 5 * 60_000).find((r) => r.name === 'Cy')?.status, 'working');

  await Promise.all([ada.close(), bob.close(), cy.close()]);
  assert.ok(server.room.learners.Ada?.left_at, 'close() sends left');
  await server.close();
  const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { learners: Record<string, unknown> };
  assert.deepEqual(Object.keys(saved.learners).sort(), ['Ada', 'Bob', 'Cy']);
});

test('a lost answer makes the client resend; the room applies each event once', async () => {
  const server = await startWorkshopServer({ port: 0, key: KEY });
  let lose = 1;
  const bodies: string[] = [];
  const flaky: typeof fetch = async (input, init) => {
    bodies.push(String(init?.body));
    const res = await fetch(input, init);
    if (lose-- > 0) throw new TypeError('fetch failed'); // the room got it, the answer was lost
    return res;
  };
  const c = fast(server.url, 'Dee', { fetch: flaky, join: false });
  c.send({ kind: 'started', lab: LAB, step: 'create-role', step_index: 1, steps_total: 3 });
  c.send({ kind: 'attempt', lab: LAB, step: 'create-role', step_index: 1 });
  assert.equal(await c.flush(), false);
  assert.equal(await c.flush(), true);
  assert.equal(bodies.length, 2);
  assert.equal(bodies[0], bodies[1]?.replace(/"sent_at":"[^"]+"/, (bodies[0]!.match(/"sent_at":"[^"]+"/) ?? [''])[0]));
  assert.equal(server.stats.duplicates, 2);
  assert.equal(server.room.learners.Dee?.labs[LAB]?.attempts['create-role'], 1, 'the attempt is counted once');
  await c.close(200);
  await server.close();
});

test('events carry progress only: extra fields never leave the client, and the room refuses them', async () => {
  const server = await startWorkshopServer({ port: 0 });
  const bodies: string[] = [];
  const spy: typeof fetch = (input, init) => {
    bodies.push(String(init?.body));
    return fetch(input, init);
  };
  const c = createWorkshopClient({ url: server.url, name: 'Eve', fetch: spy, join: false });
  const leaky = {
    kind: 'passed',
    lab: LAB,
    step: 'create-user',
    command: 'aws iam create-access-key --user-name admin',
    output: 'AKIAIOSFODNN7EXAMPLE',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' },
  };
  c.send(leaky as unknown as Parameters<WorkshopClient['send']>[0]);
  assert.equal(await c.flush(), true);
  assert.equal(bodies.length, 1);
  assert.doesNotMatch(bodies[0]!, /AKIA|create-access-key|wJalr|command|output|credentials/);
  assert.deepEqual(Object.keys(JSON.parse(bodies[0]!).events[0]).sort(), ['at', 'kind', 'lab', 'seq', 'step']);

  // A hand-made batch with a command in it is refused, and says why.
  const body = JSON.stringify({ v: 1, learner: 'Mal', client: 'abcdefgh-1', sent_at: new Date().toISOString(), events: [{ seq: 1, kind: 'passed', lab: LAB, step: 's', at: new Date().toISOString(), command: 'aws sts get-caller-identity' }] });
  const r = await fetch(server.url + EVENTS_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: string }).error, /events\[0\]: Unrecognized key: "command"/);
  assert.equal(server.room.learners.Mal, undefined);
  // Not JSON content: refused before reading (a browser form cannot post here).
  const f = await fetch(server.url + EVENTS_PATH, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
  assert.equal(f.status, 415);
  await c.close(200);
  await server.close();
});

test('with a workshop key, unsigned or wrongly signed batches are refused (401) and stay queued', async () => {
  const server = await startWorkshopServer({ port: 0, key: KEY });
  const wrong = createWorkshopClient({ url: server.url, name: 'Fay', key: 'not-the-key', initialBackoffMs: 10, maxBackoffMs: 20 });
  const none = createWorkshopClient({ url: server.url, name: 'Gus', initialBackoffMs: 10, maxBackoffMs: 20 });
  assert.equal(await wrong.flush(), false);
  assert.equal(await none.flush(), false);
  assert.match(wrong.status().lastError ?? '', /401.*workshop key/);
  assert.equal(wrong.status().connected, true, 'the room is reachable; the key is wrong');
  assert.equal(wrong.status().queued, 1);
  assert.deepEqual(Object.keys(server.room.learners), []);
  assert.equal(server.stats.rejected >= 2, true);
  // A correctly signed hand-made batch is accepted.
  const body = JSON.stringify({ v: 1, learner: 'Hal', client: 'abcdefgh-2', sent_at: new Date().toISOString(), events: [{ seq: 1, kind: 'joined', at: new Date().toISOString() }] });
  const r = await fetch(server.url + EVENTS_PATH, { method: 'POST', headers: { 'content-type': 'application/json', 'x-iamlab-signature': bodySignature(KEY, body) }, body });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { ok: true, accepted: 1, duplicates: 0 });
  await Promise.all([wrong.close(50), none.close(50)]);
  await server.close();
});

test('the client queue is bounded and keeps passes before hints and attempts', async () => {
  const server = await startWorkshopServer({ port: 0 });
  const url = server.url;
  await server.close(); // nobody listens there now
  const c = createWorkshopClient({ url, name: 'Ivy', maxQueue: 5, initialBackoffMs: 10_000, maxBackoffMs: 10_000, join: false });
  c.send({ kind: 'passed', lab: LAB, step: 'one' });
  for (let i = 0; i < 10; i++) c.send({ kind: 'attempt', lab: LAB, step: 'two' });
  c.send({ kind: 'passed', lab: LAB, step: 'two' });
  assert.equal(c.status().queued, 5);
  assert.equal(c.status().dropped, 7);
  assert.equal(await c.flush(), false);
  // Back on the same address: what is kept arrives, passes included.
  const again = await startWorkshopServer({ port: Number(new URL(url).port) });
  assert.equal(await c.flush(), true);
  const lab = again.room.learners.Ivy?.labs[LAB];
  assert.deepEqual(lab?.passed, ['one', 'two']);
  assert.equal(lab?.attempts.two, 3);
  await c.close(100);
  await again.close();
});

test('the client refuses a bad URL or name at creation, and never throws afterwards', async () => {
  assert.throws(() => createWorkshopClient({ url: 'not a url', name: 'A' }), WorkshopClientError);
  assert.throws(() => createWorkshopClient({ url: 'ftp://x', name: 'A' }), /http:\/\//);
  assert.throws(() => createWorkshopClient({ url: 'http://127.0.0.1:1', name: ' ' }), /--name/);
  const boom: typeof fetch = () => {
    throw new Error('synchronous explosion');
  };
  const c = createWorkshopClient({ url: 'http://127.0.0.1:1', name: 'Jo', fetch: boom, initialBackoffMs: 5, maxBackoffMs: 5 });
  c.send({ kind: 'bogus' } as unknown as Parameters<WorkshopClient['send']>[0]);
  c.send(undefined as unknown as Parameters<WorkshopClient['send']>[0]);
  assert.equal(await c.flush(), false);
  assert.equal(c.status().queued, 1, 'only the valid joined event is queued');
  await c.close(20);
  c.send({ kind: 'joined' });
  assert.equal(c.status().queued, 2, 'left was queued by close; sends after close are ignored');
});

test('a corrupt room.json is moved aside, not lost, and the room starts empty', async () => {
  const home = tmp();
  const p = roomPath(home);
  mkdirSync(join(home, 'workshop'), { recursive: true });
  writeFileSync(p, '{"format": "iamlab-room", "learners": [oops');
  const server = await startWorkshopServer({ port: 0, statePath: p });
  assert.equal(server.warnings.length, 1);
  assert.match(server.warnings[0]!, /room\.json was not valid JSON.*moved it to .*corrupt-/);
  const aside = readdirSync(join(home, 'workshop')).filter((f) => f.includes('corrupt-'));
  assert.equal(aside.length, 1);
  assert.equal(readFileSync(join(home, 'workshop', aside[0]!), 'utf8'), '{"format": "iamlab-room", "learners": [oops');
  await server.close();
});

test('event times are corrected by the learner clock offset, and never lie in the future', () => {
  const room = emptyRoom(new Date('2026-01-01T09:00:00Z'));
  applyEvent(room, { at: '2026-01-01T09:00:00.000Z', learner: 'K', kind: 'started', lab: LAB, step: 'a', step_index: 0, steps_total: 2 });
  applyEvent(room, { at: '2026-01-01T09:01:00.000Z', learner: 'K', kind: 'passed', lab: LAB, step: 'a', step_index: 0, steps_total: 2 });
  applyEvent(room, { at: '2026-01-01T09:01:00.000Z', learner: 'K', kind: 'hint', lab: LAB, step: 'b', hint: 'h', step_index: 1 });
  const lab = room.learners.K!.labs[LAB]!;
  assert.equal(lab.current_step, 'b', 'a hint tells where the learner is when started was lost');
  assert.equal(lab.current_index, 1);
  assert.equal(lab.last_progress_at, '2026-01-01T09:01:00.000Z', 'hints are not progress');
  applyEvent(room, { at: '2026-01-01T09:02:00.000Z', learner: 'K', kind: 'passed', lab: LAB, step: 'b', step_index: 1, steps_total: 2 });
  assert.equal(lab.finished_at, '2026-01-01T09:02:00.000Z', 'all steps done = finished');
});

test('the server corrects a skewed learner clock', async () => {
  const fixed = new Date('2026-03-01T12:00:00.000Z');
  const server = await startWorkshopServer({ port: 0, now: () => fixed });
  // The learner's clock is 1 hour behind.
  const c = createWorkshopClient({ url: server.url, name: 'Lu', join: false, now: () => new Date(fixed.getTime() - 3_600_000) });
  c.send({ kind: 'started', lab: LAB, step: 'a', step_index: 0, at: new Date(fixed.getTime() - 3_600_000 - 60_000) });
  assert.equal(await c.flush(), true);
  assert.equal(server.room.learners.Lu?.labs[LAB]?.started_at, '2026-03-01T11:59:00.000Z');
  await c.close(100);
  await server.close();
});

test('workshop serve --plain prints one line per event and saves the room under $IAMLAB_HOME', async () => {
  const home = tmp();
  const prev = process.env.IAMLAB_HOME;
  process.env.IAMLAB_HOME = home;
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  let errText = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  err.on('data', (d: Buffer) => (errText += d.toString()));
  const ac = new AbortController();
  let url = '';
  try {
    const done = workshopServeCommand({ port: 0, host: '127.0.0.1', plain: true, workshopKey: KEY, out, err, signal: ac.signal, onListening: (s) => (url = s.url) });
    await until(() => url !== '', 'the room to listen');
    const c = fast(url, 'Mo');
    c.send({ kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
    c.send({ kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
    c.send({ kind: 'hint', lab: LAB, step: 'create-role', hint: 'where-trust', step_index: 1 });
    assert.equal(await c.flush(), true);
    await until(() => text.includes('HINT'), 'the hint line');
    ac.abort();
    assert.equal(await done, 0);
    await c.close(50);
    const lines = text.trim().split('\n');
    // the key is masked: learners may read the instructor's screen
    assert.match(lines[0]!, /^iamlab workshop room on http:\/\/127\.0\.0\.1:\d+ \(signed events\); learners join with: iamlab --workshop http:\/\/127\.0\.0\.1:\d+ --workshop-key •••••• --name NAME$/);
    assert.equal(lines[1], '(the workshop key is masked here: give learners the key you chose)');
    assert.match(lines[2]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ Mo joined$/);
    assert.match(lines[3]!, /Mo started step create-user \(zero-permission-user, 0\/3 done\)$/);
    assert.match(lines[4]!, /Mo PASSED step create-user \(zero-permission-user, 1\/3 done\)$/);
    assert.match(lines[5]!, /Mo HINT where-trust on step create-role \(zero-permission-user, 1\/3 done\)$/);
    // when the room closes: the summary, then the same written to files
    assert.equal(lines[6], '');
    assert.equal(lines[7], 'The room when it closed:');
    assert.match(lines[8]!, /^Learner\s+Lab\s+Status\s+Step\s+Done\s+Skipped\s+Hints\s+Solutions viewed\s+Failed checks$/);
    assert.match(lines[10]!, /^Mo\s+zero-permission-user\s+working\s+2 create-role\s+1\/3\s+0\s+1\s+0\s+0$/);
    assert.equal(lines.length, 11);
    assert.doesNotMatch(text + errText, new RegExp(KEY));
    assert.match(errText, /listens on http:\/\/127\.0\.0\.1:\d+ only: learners on other machines cannot join/);
    assert.ok(existsSync(roomPath(home)));
    const summary = /the room's summary: (\S+\.md) and (\S+\.csv)/.exec(errText);
    assert.ok(summary, errText);
    assert.match(readFileSync(summary[1]!, 'utf8'), /\| Mo \| zero-permission-user \| working \| 2 create-role \| 1\/3 \|/);
    assert.match(readFileSync(summary[2]!, 'utf8'), /\r\nMo,zero-permission-user,working,2 create-role,1,3,1,0,1,0,0,/);
  } finally {
    if (prev === undefined) delete process.env.IAMLAB_HOME;
    else process.env.IAMLAB_HOME = prev;
  }
});

test('workshop serve refuses a bad port and a busy one with a clear message', async () => {
  const err = new PassThrough();
  let e = '';
  err.on('data', (d: Buffer) => (e += d.toString()));
  assert.equal(await workshopServeCommand({ port: 'abc', err, out: new PassThrough() }), 2);
  assert.match(e, /--port abc: not a port number/);
  assert.equal(await workshopServeCommand({ port: 0, stuckMinutes: Number('soon'), err, out: new PassThrough() }), 2);
  assert.match(e, /--stuck-minutes NaN: give a number of minutes above 0/);
  assert.equal(await workshopServeCommand({ port: 0, stuckMinutes: -1, err, out: new PassThrough() }), 2);
  const busy = await startWorkshopServer({ port: 0 });
  const prev = process.env.IAMLAB_HOME;
  process.env.IAMLAB_HOME = tmp();
  try {
    assert.equal(await workshopServeCommand({ port: busy.port, host: '127.0.0.1', err, out: new PassThrough() }), 1);
    assert.match(e, new RegExp(`port ${busy.port} is in use on 127\\.0\\.0\\.1; pick another with --port`));
    // the default listens on every address, which includes the busy loopback one
    assert.equal(await workshopServeCommand({ port: busy.port, err, out: new PassThrough() }), 1);
    assert.match(e, new RegExp(`port ${busy.port} is in use on 0\\.0\\.0\\.0; pick another with --port`));
  } finally {
    if (prev === undefined) delete process.env.IAMLAB_HOME;
    else process.env.IAMLAB_HOME = prev;
    await busy.close();
  }
});

const IFACES = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  docker0: [{ address: '172.17.0.1', netmask: '255.255.0.0', family: 'IPv4', mac: '02:42:00:00:00:01', internal: false, cidr: '172.17.0.1/16' }],
  wlan0: [
    { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: '192.168.1.20/24' },
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: 'fe80::1/64', scopeid: 3 },
  ],
} as unknown as ReturnType<typeof networkInterfaces>;

test('the join address: the LAN addresses (the real network first) on 0.0.0.0, this machine only on loopback, the given one otherwise', () => {
  assert.deepEqual(lanUrls(7357, IFACES), ['http://192.168.1.20:7357', 'http://172.17.0.1:7357']);
  assert.deepEqual(joinInfo({ url: 'http://0.0.0.0:7357', port: 7357 }, '0.0.0.0', KEY, IFACES), { urls: ['http://192.168.1.20:7357', 'http://172.17.0.1:7357'], localOnly: false, key: KEY });
  assert.deepEqual(joinInfo({ url: 'http://127.0.0.1:7357', port: 7357 }, '127.0.0.1', undefined, IFACES), { urls: ['http://127.0.0.1:7357'], localOnly: true });
  assert.deepEqual(joinInfo({ url: 'http://192.168.1.20:7357', port: 7357 }, '192.168.1.20', undefined, IFACES), { urls: ['http://192.168.1.20:7357'], localOnly: false });
});

test('workshop serve listens on the LAN by default and prints a join command with a LAN address', async () => {
  const prev = process.env.IAMLAB_HOME;
  process.env.IAMLAB_HOME = tmp();
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  let errText = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  err.on('data', (d: Buffer) => (errText += d.toString()));
  const ac = new AbortController();
  let server: WorkshopServer | undefined;
  try {
    const done = workshopServeCommand({ port: 0, plain: true, out, err, signal: ac.signal, interfaces: IFACES, onListening: (s) => (server = s) });
    await until(() => text.includes('\n'), 'the first line');
    assert.equal(server!.host, '0.0.0.0');
    const port = server!.port;
    assert.equal(text.split('\n')[0], `iamlab workshop room on http://0.0.0.0:${port} (unsigned events); learners join with: iamlab --workshop http://192.168.1.20:${port} --name NAME`);
    assert.equal(text.split('\n')[1], `  or, on another network: iamlab --workshop http://172.17.0.1:${port} --name NAME`);
    assert.match(errText, new RegExp(`anyone who can reach this machine on port ${port} can send progress events`));
    ac.abort();
    assert.equal(await done, 0);
  } finally {
    if (prev === undefined) delete process.env.IAMLAB_HOME;
    else process.env.IAMLAB_HOME = prev;
  }
});

test('names that could reorder or hide the instructor\'s screen are refused by the room and by the client', async () => {
  const server = await startWorkshopServer({ port: 0 });
  try {
    for (const name of ['ev\u202eil', 'a\u200bb', 'x\u009b31m', 'two\u2028lines', ' Ada']) {
      const body = JSON.stringify({ v: 1, learner: name, client: 'abcdefgh-1', sent_at: new Date().toISOString(), events: [{ seq: 1, kind: 'joined', at: new Date().toISOString() }] });
      const r = await fetch(server.url + EVENTS_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(r.status, 400, JSON.stringify(name));
      assert.match(((await r.json()) as { error: string }).error, /learner: not a display name/);
      if (name.trim() === name) assert.throws(() => createWorkshopClient({ url: server.url, name }), /--name: a display name has no control, zero-width or text-direction characters/);
    }
    assert.deepEqual(Object.keys(server.room.learners), []);
    // wide and accented names are fine
    const c = createWorkshopClient({ url: server.url, name: 'Zoë 漢字' });
    assert.equal(await c.flush(), true);
    assert.deepEqual(Object.keys(server.room.learners), ['Zoë 漢字']);
    await c.close(100);
  } finally {
    await server.close();
  }
});

test('a learner with two apps open stays in the room when one of them quits; the count of apps goes down, not up, on a restart', () => {
  const r = emptyRoom(new Date(0));
  const t = (s: number) => new Date(s * 1000).toISOString();
  applyEvent(r, { at: t(1), learner: 'Ann', kind: 'joined' }, 'laptop');
  applyEvent(r, { at: t(2), learner: 'Ann', kind: 'joined' }, 'desktop');
  assert.equal(learnerRows(r, new Date(3000), 60_000)[0]!.devices, 2);
  applyEvent(r, { at: t(4), learner: 'Ann', kind: 'left' }, 'laptop');
  let row = learnerRows(r, new Date(5000), 60_000)[0]!;
  assert.equal(row.status, 'idle');
  assert.equal(row.devices, 1);
  applyEvent(r, { at: t(6), learner: 'Ann', kind: 'left' }, 'desktop');
  row = learnerRows(r, new Date(7000), 60_000)[0]!;
  assert.equal(row.status, 'left');
  // the app restarted: a new client id, and still one app
  applyEvent(r, { at: t(8), learner: 'Ann', kind: 'joined' }, 'desktop-2');
  row = learnerRows(r, new Date(9000), 60_000)[0]!;
  assert.equal(row.status, 'idle');
  assert.equal(row.devices, 1);
});

test('one learner cannot make the room keep unbounded lists', () => {
  const r = emptyRoom(new Date(0));
  const at = new Date(1000).toISOString();
  for (let i = 0; i < MAX_LABS_PER_LEARNER + 20; i++) applyEvent(r, { at, learner: 'Flood', kind: 'started', lab: `lab-${i}` }, 'c');
  assert.equal(Object.keys(r.learners.Flood!.labs).length, MAX_LABS_PER_LEARNER);
  for (let i = 0; i < MAX_IDS_PER_LIST + 20; i++) {
    applyEvent(r, { at, learner: 'Flood', kind: 'passed', lab: 'lab-0', step: `s-${i}` }, 'c');
    applyEvent(r, { at, learner: 'Flood', kind: 'hint', lab: 'lab-0', step: `s-${i}`, hint: 'h' }, 'c');
    applyEvent(r, { at, learner: 'Flood', kind: 'attempt', lab: 'lab-0', step: `s-${i}` }, 'c');
  }
  const lab = r.learners.Flood!.labs['lab-0']!;
  assert.equal(lab.passed.length, MAX_IDS_PER_LIST);
  assert.equal(Object.keys(lab.hints).length, MAX_IDS_PER_LIST);
  assert.equal(Object.keys(lab.attempts).length, MAX_IDS_PER_LIST);
});
