import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { Dashboard, LiveDashboard } from '../../src/workshop/dashboard.js';
import { applyEvent, emptyRoom, type RoomEvent, type RoomState } from '../../src/workshop/room.js';
import { startWorkshopServer } from '../../src/workshop/server.js';
import { createWorkshopClient } from '../../src/workshop/client.js';
import { exportRoom } from '../../src/workshop/summary.js';
import { dashboardFrame, frameText, joinCommand, type JoinInfo } from '../../src/workshop/view.js';

const LAB = 'zero-permission-user';
const T0 = Date.parse('2026-01-01T09:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const JOIN: JoinInfo = { urls: ['http://192.168.1.20:7357'], localOnly: false, key: 'room-key-42' };

function room() {
  const r = emptyRoom(new Date(T0));
  const ev = (e: Omit<RoomEvent, 'at'> & { min: number }) => {
    const { min, ...rest } = e;
    applyEvent(r, { ...rest, at: at(min) }, `client-${e.learner}`);
  };
  // Ada: all three steps, one hint, the last one skipped.
  ev({ learner: 'Ada', kind: 'joined', min: 0 });
  ev({ learner: 'Ada', kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 0 });
  ev({ learner: 'Ada', kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 2 });
  ev({ learner: 'Ada', kind: 'started', lab: LAB, step: 'create-role', step_index: 1, steps_total: 3, min: 2 });
  ev({ learner: 'Ada', kind: 'hint', lab: LAB, step: 'create-role', hint: 'where-trust', step_index: 1, min: 3 });
  ev({ learner: 'Ada', kind: 'passed', lab: LAB, step: 'create-role', step_index: 1, steps_total: 3, min: 5 });
  ev({ learner: 'Ada', kind: 'started', lab: LAB, step: 'assume', step_index: 2, steps_total: 3, min: 5 });
  ev({ learner: 'Ada', kind: 'skip', lab: LAB, step: 'assume', step_index: 2, steps_total: 3, min: 6 });
  // Bob: stuck on step 2 since minute 1, two hints, a solution viewed and three failed checks.
  ev({ learner: 'Bob', kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 0 });
  ev({ learner: 'Bob', kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 1 });
  ev({ learner: 'Bob', kind: 'started', lab: LAB, step: 'create-role', step_index: 1, steps_total: 3, min: 1 });
  for (const m of [3, 5, 8]) ev({ learner: 'Bob', kind: 'attempt', lab: LAB, step: 'create-role', step_index: 1, min: m });
  ev({ learner: 'Bob', kind: 'hint', lab: LAB, step: 'create-role', hint: 'where-trust', step_index: 1, min: 9 });
  ev({ learner: 'Bob', kind: 'hint', lab: LAB, step: 'create-role', hint: 'root-vs-user', step_index: 1, min: 10 });
  ev({ learner: 'Bob', kind: 'solution', lab: LAB, step: 'create-role', step_index: 1, min: 10 });
  // Cy: working on step 1, started a minute ago.
  ev({ learner: 'Cy', kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 11 });
  // Dee: passed one step, then quit the app.
  ev({ learner: 'Dee', kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 0 });
  ev({ learner: 'Dee', kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 4 });
  ev({ learner: 'Dee', kind: 'left', min: 9 });
  return r;
}

const frame = (s: string | undefined) =>
  stripVTControlCharacters(s ?? '')
    .split('\n')
    .map((l) => l.trimEnd());

const NOW = new Date(T0 + 12 * 60_000);

test('the dashboard: who is stuck (first, in red words), who finished, who left, each one’s step, hints, skips, solutions and failed checks', () => {
  const { lastFrame, unmount } = render(<Dashboard room={room()} now={NOW} join={JOIN} stuckAfterMs={5 * 60_000} columns={100} height={29} recent={3} interactive />);
  const lines = frame(lastFrame());
  unmount();
  assert.equal(lines[0], `iamlab workshop · 4 learners: 1 STUCK, 1 working, 1 done, 1 left · lab ${LAB} · stuck…`);
  assert.equal(lines[1], 'join: iamlab --workshop http://192.168.1.20:7357 --workshop-key •••••• --name NAME');
  const header = lines.findIndex((l) => l.startsWith('Learner'));
  assert.match(lines[header]!, /^Learner\s+Step\s+Done\s+Hints\s+Skips\s+Sols\s+Fails\s+Status$/);
  // attention order: stuck, working, done, left
  assert.deepEqual(
    lines.slice(header + 1, header + 5).map((l) => l.split(/\s+/)[0]),
    ['Bob', 'Cy', 'Ada', 'Dee'],
  );
  const row = (name: string) => lines.slice(header + 1).find((l) => l.startsWith(`${name} `)) ?? '';
  assert.match(row('Bob'), /^Bob\s+2 create-role\s+1\/3\s+2\s+0\s+1\s+3\s+STUCK 11m$/);
  assert.match(row('Cy'), /^Cy\s+1 create-user\s+0\/3\s+0\s+0\s+0\s+0\s+working$/);
  assert.match(row('Ada'), /^Ada\s+—\s+3\/3\s+1\s+1\s+0\s+0\s+DONE$/);
  assert.match(row('Dee'), /^Dee\s+2 \(next\)\s+1\/3\s+0\s+0\s+0\s+0\s+left 3m ago$/);
  const recent = lines.indexOf('Recent');
  assert.deepEqual(lines.slice(recent + 1, recent + 4), [
    '2026-01-01 09:00:00Z Dee started step create-user (0/3 done)',
    '2026-01-01 09:04:00Z Dee PASSED step create-user (1/3 done)',
    '2026-01-01 09:09:00Z Dee left',
  ]);
  assert.match(lines.at(-1)!, /^q quit · s sort: stuck first · f show: everyone · k show key · x export/);
});

test('an event line keeps the progress of its moment, not the learner’s progress now (and leaves out the lab when the room has one)', () => {
  const r = room();
  const lines = frameText(dashboardFrame(r, NOW, { stuckAfterMs: 300_000, columns: 120, height: 60, join: JOIN, recent: 40 }).rows);
  assert.ok(lines.includes('2026-01-01 09:00:00Z Ada started step create-user (0/3 done)'), lines.join('\n'));
  assert.ok(lines.includes('2026-01-01 09:05:00Z Ada started step assume (2/3 done)'));
});

test('an empty, unsigned room says how to join, and that anyone on the network can send events', () => {
  const { lastFrame, unmount } = render(
    <Dashboard room={emptyRoom(new Date(T0))} now={new Date(T0)} join={{ urls: ['http://10.0.0.5:7357'], localOnly: false }} stuckAfterMs={300_000} columns={140} height={23} warnings={['room.json was corrupt; moved']} />,
  );
  const text = frame(lastFrame()).join('\n');
  unmount();
  assert.match(text, /no workshop key: events are not authenticated and anyone who can reach this port can send them/);
  assert.match(text, /warning: room\.json was corrupt; moved/);
  assert.match(text, /^join: iamlab --workshop http:\/\/10\.0\.0\.5:7357 --name NAME$/m);
  assert.match(text, /No learners yet: they join with the command above\./);
});

test('a room on loopback says in the join line that only this machine can join', () => {
  const lines = frameText(dashboardFrame(emptyRoom(new Date(T0)), new Date(T0), { stuckAfterMs: 300_000, columns: 140, height: 20, join: { urls: ['http://127.0.0.1:7357'], localOnly: true } }).rows);
  assert.equal(lines[1], 'join: iamlab --workshop http://127.0.0.1:7357 --name NAME  (this machine only: serve with --host 0.0.0.0 for the LAN)');
});

/** 40 learners, some with names that are wide (CJK), long, or both. */
function bigRoom(): RoomState {
  const r = emptyRoom(new Date(T0));
  for (let i = 0; i < 40; i++) {
    const name = i === 7 ? '漢'.repeat(64) : i === 8 ? 'W'.repeat(64) : `learner-${String(i).padStart(2, '0')}`;
    applyEvent(r, { at: at(0), learner: name, kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 }, `c${i}`);
    // every fifth moves on recently; the rest have been stuck since minute 0
    if (i % 5 === 0) applyEvent(r, { at: at(10), learner: name, kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 }, `c${i}`);
  }
  return r;
}

test('forty learners at 80×24: the frame stays inside the terminal, the stuck come first, and the rest is one scroll away', () => {
  const r = bigRoom();
  for (const [columns, height] of [
    [80, 23],
    [100, 29],
    [40, 12],
  ] as const) {
    const f = dashboardFrame(r, NOW, { stuckAfterMs: 300_000, columns, height, join: JOIN, interactive: true });
    const lines = frameText(f.rows);
    assert.ok(lines.length <= height, `${lines.length} rows at ${columns}×${height}`);
    for (const l of lines) assert.ok(stringWidth(l) <= columns, `wider than ${columns}: ${l}`);
    assert.equal(f.learners, 40);
    assert.ok(f.maxOffset > 0);
  }
  let view = render(<Dashboard room={r} now={NOW} join={JOIN} stuckAfterMs={300_000} columns={80} height={23} interactive />);
  let lines = frame(view.lastFrame());
  view.unmount();
  assert.ok(lines.length <= 23);
  assert.match(lines[0]!, /^iamlab workshop · 40 learners: 32 STUCK, 8 working/);
  const header = lines.findIndex((l) => l.startsWith('Learner'));
  // stuck first, the longest stuck at the top
  assert.match(lines[header + 1]!, /STUCK 12m$/);
  assert.ok(!lines.slice(header + 1).some((l) => /working$/.test(l)));
  assert.match(lines.find((l) => l.startsWith('↓'))!, /^↓ 2\d more below \(↑↓ PgUp PgDn\)$/);
  // scrolled to the end by name: the wide and the long names are cut to their column, not into the next
  view = render(<Dashboard room={r} now={NOW} join={JOIN} stuckAfterMs={300_000} columns={80} height={23} sort="name" offset={99} interactive />);
  lines = frame(view.lastFrame());
  view.unmount();
  assert.ok(lines.length <= 23);
  assert.match(lines.find((l) => l.startsWith('漢'))!, /^漢{6}… 1 create-user +0\/3 /);
  assert.match(lines.find((l) => l.startsWith('WWW'))!, /^W{12}… +1 create-user +0\/3 /);
  assert.match(lines.find((l) => l.startsWith('↑'))!, /^↑ 2\d more above \(↑↓ PgUp PgDn\)$/);
});

test('names a terminal would misdraw are shown with ? in place of the unsafe characters', () => {
  const r = emptyRoom(new Date(T0));
  // a room saved before names were checked may hold anything
  applyEvent(r, { at: at(0), learner: 'ev\u202eil\u200b', kind: 'joined' }, 'c1');
  const lines = frameText(dashboardFrame(r, NOW, { stuckAfterMs: 300_000, columns: 100, height: 20, join: JOIN }).rows);
  assert.ok(lines.some((l) => /^ev\?il\? +—/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => l.endsWith('ev?il? joined')));
  assert.ok(!lines.join('').includes('\u202e'));
});

async function untilFrame(get: () => string | undefined, re: RegExp, what: string): Promise<string> {
  const end = Date.now() + 3000;
  for (;;) {
    const text = stripVTControlCharacters(get() ?? '');
    if (re.test(text)) return text;
    if (Date.now() > end) assert.fail(`${what}: no ${re} in:\n${text}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the live dashboard redraws when a learner sends progress', async () => {
  const server = await startWorkshopServer({ port: 0 });
  const { lastFrame, unmount } = render(<LiveDashboard server={server} stuckAfterMs={300_000} tickMs={50} join={{ urls: [server.url], localOnly: true }} />);
  const client = createWorkshopClient({ url: server.url, name: 'Dot' });
  try {
    client.send({ kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
    client.send({ kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
    assert.equal(await client.flush(), true);
    const text = await untilFrame(lastFrame, /Dot\s+2 \(next\)\s+1\/3/, 'the row for Dot');
    assert.match(text, /1 learner: 0 stuck, 1 working/);
  } finally {
    unmount();
    await client.close(100);
    await server.close();
  }
});

test('keys: k shows and hides the workshop key, s sorts, f filters, x exports and says where', async () => {
  const home = mkdtempSync(join(tmpdir(), 'iamlab-dash-'));
  const server = await startWorkshopServer({ port: 0 });
  Object.assign(server.room, room());
  let exported: { md: string; csv: string } | undefined;
  const onExport = () => {
    exported = exportRoom(server.room, home, NOW, 300_000);
    return `the room's summary: ${exported.md} and ${exported.csv}`;
  };
  const joinInfo: JoinInfo = { urls: ['http://192.168.1.20:7357'], localOnly: false, key: "it's secret" };
  const { lastFrame, stdin, unmount } = render(<LiveDashboard server={server} stuckAfterMs={5 * 60_000} join={joinInfo} onExport={onExport} now={() => NOW} tickMs={20} />);
  try {
    let text = await untilFrame(lastFrame, /--workshop-key •••••• --name NAME/, 'the masked key');
    assert.ok(!text.includes('secret'));
    stdin.write('k');
    text = await untilFrame(lastFrame, /--workshop-key 'it'\\''s secret' --name NAME/, 'the key, quoted for a shell');
    assert.match(text, /k hide key/);
    stdin.write('k');
    await untilFrame(lastFrame, /--workshop-key •••••• --name NAME/, 'the key masked again');

    const order = (t: string) => {
      const ls = t.split('\n').map((l) => l.trimEnd());
      const h = ls.findIndex((l) => l.startsWith('Learner'));
      return ls.slice(h + 1).filter((l) => /^(Ada|Bob|Cy|Dee) /.test(l)).map((l) => l.split(' ')[0]);
    };
    assert.deepEqual(order(text), ['Bob', 'Cy', 'Ada', 'Dee']);
    stdin.write('s');
    text = await untilFrame(lastFrame, /s sort: by name/, 'sorted by name');
    assert.deepEqual(order(text), ['Ada', 'Bob', 'Cy', 'Dee']);
    stdin.write('s');
    text = await untilFrame(lastFrame, /s sort: least done first/, 'sorted by progress');
    assert.deepEqual(order(text), ['Cy', 'Bob', 'Dee', 'Ada']);
    stdin.write('f');
    text = await untilFrame(lastFrame, /f show: stuck or slow/, 'only those who need help');
    assert.deepEqual(order(text), ['Bob']);
    stdin.write('f');
    text = await untilFrame(lastFrame, /f show: not done, not left/, 'those still at work');
    assert.deepEqual(order(text), ['Cy', 'Bob']);
    // two presses in one chunk (fast typing, ssh) count twice: active → everyone → stuck or slow
    stdin.write('ff');
    text = await untilFrame(lastFrame, /f show: stuck or slow/, 'two filter steps from one chunk');
    assert.deepEqual(order(text), ['Bob']);

    stdin.write('x');
    text = await untilFrame(lastFrame, /the room's summary: .*room-2026-01-01T09-12Z\.md/, 'the export notice');
    assert.ok(exported && existsSync(exported.md) && existsSync(exported.csv));
    const csv = readFileSync(exported.csv, 'utf8').split('\r\n');
    assert.equal(csv[0], 'learner,lab,status,current_step,steps_done,steps_total,passed,skipped,hints,solutions_viewed,failed_checks,joined_at,finished_at,last_progress_at');
    assert.equal(csv.find((l) => l.startsWith('Bob,')), `Bob,${LAB},stuck,2 create-role,1,3,1,0,2,1,3,2026-01-01T09:00:00.000Z,,2026-01-01T09:01:00.000Z`);
    assert.equal(csv.find((l) => l.startsWith('Dee,')), `Dee,${LAB},left,2 (next),1,3,1,0,0,0,0,2026-01-01T09:00:00.000Z,,2026-01-01T09:04:00.000Z`);
    const md = readFileSync(exported.md, 'utf8');
    assert.match(md, /^# iamlab workshop room\n/);
    assert.match(md, /4 learners; of 4 learner-lab rows: 1 done, 1 stuck, 1 working, 1 left\./);
    assert.match(md, /\| Ada \| zero-permission-user \| done \| — \| 3\/3 \| 1 \| 1 \| 0 \| 0 \|/);
  } finally {
    unmount();
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('joinCommand masks the key unless asked, and quotes it for a shell when shown', () => {
  assert.equal(joinCommand('http://h:1', undefined, true), 'iamlab --workshop http://h:1 --name NAME');
  assert.equal(joinCommand('http://h:1', 'k3y', false), 'iamlab --workshop http://h:1 --workshop-key •••••• --name NAME');
  assert.equal(joinCommand('http://h:1', 'k3y-2026', true), 'iamlab --workshop http://h:1 --workshop-key k3y-2026 --name NAME');
  assert.equal(joinCommand('http://h:1', 'a b$c', true), "iamlab --workshop http://h:1 --workshop-key 'a b$c' --name NAME");
});
