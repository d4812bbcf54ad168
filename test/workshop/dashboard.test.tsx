import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { Dashboard, LiveDashboard } from '../../src/workshop/dashboard.js';
import { applyEvent, emptyRoom, type RoomEvent } from '../../src/workshop/room.js';
import { startWorkshopServer } from '../../src/workshop/server.js';
import { createWorkshopClient } from '../../src/workshop/client.js';

const LAB = 'zero-permission-user';
const T0 = Date.parse('2026-01-01T09:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

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
  // Bob: stuck on step 2 since minute 1, two hints and three failed checks.
  ev({ learner: 'Bob', kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 0 });
  ev({ learner: 'Bob', kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 1 });
  ev({ learner: 'Bob', kind: 'started', lab: LAB, step: 'create-role', step_index: 1, steps_total: 3, min: 1 });
  for (const m of [3, 5, 8]) ev({ learner: 'Bob', kind: 'attempt', lab: LAB, step: 'create-role', step_index: 1, min: m });
  ev({ learner: 'Bob', kind: 'hint', lab: LAB, step: 'create-role', hint: 'where-trust', step_index: 1, min: 9 });
  ev({ learner: 'Bob', kind: 'hint', lab: LAB, step: 'create-role', hint: 'root-vs-user', step_index: 1, min: 10 });
  // Cy: working on step 1, started a minute ago.
  ev({ learner: 'Cy', kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3, min: 11 });
  return r;
}

const frame = (s: string | undefined) =>
  stripVTControlCharacters(s ?? '')
    .split('\n')
    .map((l) => l.trimEnd());

test('the dashboard shows learners by step, who is stuck and for how long, and hints used', () => {
  const { lastFrame, unmount } = render(
    <Dashboard room={room()} now={new Date(T0 + 12 * 60_000)} url="http://127.0.0.1:7357" signed stuckAfterMs={5 * 60_000} recent={3} />,
  );
  const lines = frame(lastFrame());
  unmount();
  assert.equal(lines[0], 'iamlab workshop · http://127.0.0.1:7357 · events signed with the workshop key');
  assert.equal(lines[1], '3 learners: 1 done, 1 stuck, 1 working · stuck = no progress for 5m');
  const header = lines.findIndex((l) => l.startsWith('Learner'));
  assert.ok(header > 0);
  assert.match(lines[header]!, /^Learner\s+Lab\s+Step\s+Done\s+Hints\s+Skips\s+Idle\s+Status$/);
  const row = (name: string) => lines.slice(header + 1).find((l) => l.startsWith(`${name} `)) ?? '';
  assert.match(row('Ada'), /^Ada\s+zero-permission-user\s+—\s+3\/3\s+1\s+1\s+—\s+DONE$/);
  assert.match(row('Bob'), /^Bob\s+zero-permission-user\s+2 create-role\s+1\/3\s+2\s+0\s+11m\s+STUCK 11m$/);
  assert.match(row('Cy'), /^Cy\s+zero-permission-user\s+1 create-user\s+0\/3\s+0\s+0\s+1m\s+working$/);
  const recent = lines.indexOf('Recent');
  assert.deepEqual(lines.slice(recent + 1, recent + 4), [
    '2026-01-01 09:09:00Z Bob HINT where-trust on step create-role (zero-permission-user, 1/3 done)',
    '2026-01-01 09:10:00Z Bob HINT root-vs-user on step create-role (zero-permission-user, 1/3 done)',
    '2026-01-01 09:11:00Z Cy started step create-user (zero-permission-user, 0/3 done)',
  ]);
});

test('an empty, unsigned room says how to join and that events are not authenticated', () => {
  const { lastFrame, unmount } = render(
    <Dashboard room={emptyRoom(new Date(T0))} now={new Date(T0)} url="http://127.0.0.1:7357" signed={false} stuckAfterMs={300_000} warnings={['room.json was corrupt; moved']} />,
  );
  const text = frame(lastFrame()).join('\n');
  unmount();
  assert.match(text, /no workshop key: events are not authenticated/);
  assert.match(text, /warning: room\.json was corrupt; moved/);
  assert.match(text, /No learners yet\. They join with: iamlab --workshop http:\/\/127\.0\.0\.1:7357 --name NAME/);
});

test('the live dashboard redraws when a learner sends progress', async () => {
  const server = await startWorkshopServer({ port: 0 });
  const { lastFrame, unmount } = render(<LiveDashboard server={server} stuckAfterMs={300_000} tickMs={50} />);
  const client = createWorkshopClient({ url: server.url, name: 'Dot' });
  client.send({ kind: 'started', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
  client.send({ kind: 'passed', lab: LAB, step: 'create-user', step_index: 0, steps_total: 3 });
  assert.equal(await client.flush(), true);
  const end = Date.now() + 3000;
  while (!/Dot\s+zero-permission-user\s+2 \(next\)\s+1\/3/.test(stripVTControlCharacters(lastFrame() ?? ''))) {
    if (Date.now() > end) assert.fail(`no row for Dot in:\n${lastFrame()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.match(stripVTControlCharacters(lastFrame() ?? ''), /1 learner: 0 done, 0 stuck, 1 working/);
  unmount();
  await client.close(100);
  await server.close();
});
