// `iamlab report` end to end: a real lab session (simulated account) records progress, the
// report re-runs the checks against the world as it is now, and verify accepts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLab } from '../../src/labs/index.js';
import { reportCommand, verifyCommand } from '../../src/report/commands.js';
import { parseReportText } from '../../src/report/parse.js';
import { renderReport } from '../../src/report/render.js';
import { KEY, labsFolder } from './fixtures.js';

const labsDir = labsFolder();

function capture() {
  const o = { text: '', write: (s: string | Uint8Array) => ((o.text += String(s)), true) };
  return o;
}

let tick = Date.parse('2026-02-01T09:00:00.000Z');
const clock = () => new Date((tick += 1000));

test('report: recorded progress plus a fresh re-run of the checks, signed, verified', async () => {
  const home = mkdtempSync(join(tmpdir(), 'iamlab-report-home-'));
  const s = await openLab('zero-permission-user', { home, labsDir, now: clock, realTime: false });
  const h = s.hint();
  assert.equal(h.ok, true);
  const r1 = await s.run('aws iam create-user --user-name sts_user');
  assert.equal(r1.exitCode, 0, r1.stderr);
  assert.equal(s.progress.steps['create-user']?.passed_at !== undefined, true);
  await s.run('aws iam get-role --role-name AWSEC2FULLACCESS'); // a failed check on step 2
  s.viewSolution('trust-names-user');

  const out = capture();
  const err = capture();
  assert.equal(await reportCommand({ format: 'json', workshopKey: KEY, name: 'Ada', home, labsDir, now: clock, out, err }), 0, err.text);
  assert.equal(err.text, '');
  const { report } = parseReportText(out.text, 'report.json');
  assert.equal(report.learner, 'Ada');
  assert.equal(report.labs.length, 1);
  const lab = report.labs[0]!;
  assert.equal(lab.id, 'zero-permission-user');
  assert.equal(lab.version, '1.2.0');
  assert.equal(lab.content_hash, s.lab.contentHash);
  assert.deepEqual(lab.backend, { kind: 'sim' });
  assert.equal(lab.recheck.status, 'done');
  assert.deepEqual(
    lab.steps.map((st) => [st.id, st.passed_at !== null, st.now.status, st.hints_shown, st.solution_viewed, st.skipped]),
    [
      ['create-user', true, 'pass', ['which-command'], false, false],
      ['trust-names-user', false, 'fail', [], true, false],
      ['assume', false, lab.steps[2]!.now.status, [], false, false],
    ],
  );
  assert.match(lab.steps[1]!.now.message ?? '', /AWSEC2FULLACCESS/);
  assert.equal(lab.steps[1]!.attempts, s.progress.steps['trust-names-user']?.attempts ?? 0);

  const file = join(home, 'ada.json');
  writeFileSync(file, out.text);
  const vOut = capture();
  assert.equal(await verifyCommand({ files: [file], workshopKey: KEY, labsDir, now: () => new Date(tick + 1000), out: vOut, err: capture() }), 0, vOut.text);
  assert.match(vOut.text, /Ada\s+zero-permission-user 1\.2\.0\s+1\/3\s+ok\s+—/);

  // Recompute, don't trust: the learner deletes the user; the recorded pass stays, "now" says fail.
  assert.equal((await s.run('aws iam delete-user --user-name sts_user')).exitCode, 0);
  const out2 = capture();
  const err2 = capture();
  assert.equal(await reportCommand({ format: 'md', home, labsDir, now: clock, out: out2, err: err2 }), 0);
  assert.match(err2.text, /^unsigned: no workshop key: the report is unsigned/);
  const md = parseReportText(out2.text, 'r.md');
  assert.deepEqual(md.problems, []);
  assert.equal(md.report.learner, 'Ada', 'the name given once is remembered');
  assert.deepEqual(md.report.signature, { algorithm: 'none', note: 'unsigned: no workshop key' });
  const step1 = md.report.labs[0]!.steps[0]!;
  assert.ok(step1.passed_at);
  assert.equal(step1.now.status, 'fail');
  assert.match(out2.text, /\| 1 \| create-user — Create the user sts_user \| [^|]+ \| [^|]+ \| FAIL now \(passed earlier\)/);
  // The report changed nothing: progress on disk is what the session saved.
  const conf = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { labs: Record<string, { steps: Record<string, { attempts: number }> }> };
  assert.deepEqual(conf.labs['zero-permission-user']?.steps['trust-names-user']?.attempts, s.progress.steps['trust-names-user']?.attempts);
});

test('report: junit for one lab; clear errors when there is no progress', async () => {
  const home = mkdtempSync(join(tmpdir(), 'iamlab-report-home-'));
  let err = capture();
  assert.equal(await reportCommand({ home, labsDir, out: capture(), err }), 1);
  assert.match(err.text, /no lab progress under .* yet: start a lab with 'iamlab start <lab>'/);

  const s = await openLab('cross-account-role', { home, labsDir, now: clock, realTime: false });
  await s.skip();
  err = capture();
  assert.equal(await reportCommand({ lab: 'zero-permission-user', home, labsDir, out: capture(), err }), 1);
  assert.match(err.text, /no progress for lab zero-permission-user yet .*: start it with 'iamlab start zero-permission-user'/);

  const out = capture();
  err = capture();
  assert.equal(await reportCommand({ lab: 'cross-account-role', format: 'junit', workshopKey: KEY, home, labsDir, now: clock, out, err }), 0, err.text);
  assert.match(err.text, /no learner name in the report/);
  assert.match(out.text, /<testcase classname="cross-account-role" name="trust-other-account" time="[\d.]+">/);
  assert.match(out.text, /<skipped message="skipped: the solution was run"\/>/);
  const back = parseReportText(out.text, 'r.xml');
  assert.equal(back.report.labs[0]!.steps[0]!.skipped, true);
  assert.equal(back.report.labs[0]!.steps[0]!.now.status, 'pass');
});

test('report: a lab done on a real account is reported with its recorded progress, checks left to verify --real', async () => {
  const { ProgressStore } = await import('../../src/labs/index.js');
  const { loadLab } = await import('../../src/labs/index.js');
  const home = mkdtempSync(join(tmpdir(), 'iamlab-report-home-'));
  const def = loadLab('zero-permission-user', labsDir);
  new ProgressStore(home).set('zero-permission-user', {
    id: def.id,
    version: def.version,
    contentHash: def.contentHash,
    backend: 'real',
    started_at: '2026-03-01T10:00:00.000Z',
    current: 'trust-names-user',
    steps: {
      'create-user': { started_at: '2026-03-01T10:00:00.000Z', passed_at: '2026-03-01T10:04:00.000Z', attempts: 2, hints_shown: ['which-command'], solution_viewed: false, skipped: false },
      'trust-names-user': { started_at: '2026-03-01T10:04:00.000Z', attempts: 0, hints_shown: [], solution_viewed: false, skipped: false },
    },
  });
  const out = capture();
  const err = capture();
  assert.equal(await reportCommand({ format: 'json', name: 'Rae', workshopKey: KEY, home, labsDir, now: () => new Date('2026-03-01T11:00:00.000Z'), out, err }), 0, err.text);
  const { report } = parseReportText(out.text);
  const lab = report.labs[0]!;
  assert.equal(lab.backend.kind, 'real');
  assert.deepEqual(lab.recheck, { status: 'not-run', note: 'this lab ran on a real account; the instructor re-runs its checks with iamlab verify --real --profile P' });
  assert.equal(lab.checked_at, null);
  assert.deepEqual(lab.steps.map((s) => [s.id, s.passed_at, s.attempts, s.now.status]), [
    ['create-user', '2026-03-01T10:04:00.000Z', 2, 'not-checked'],
    ['trust-names-user', null, 0, 'not-checked'],
    ['assume', null, 0, 'not-checked'],
  ]);
  const md = renderReport(report, 'md');
  assert.match(md, /- Backend: real AWS account \(id not recorded\)/);
});

test('report: a lab done on the simulated account and on a real one is reported once for each; verify and roster keep both', async () => {
  const { ProgressStore, loadLab } = await import('../../src/labs/index.js');
  const { rosterCommand } = await import('../../src/report/commands.js');
  const home = mkdtempSync(join(tmpdir(), 'iamlab-report-home-'));
  // on the simulated account: step 1 passed there
  const s = await openLab('zero-permission-user', { home, labsDir, now: clock });
  await s.run('aws iam create-user --user-name sts_user');
  s.save();
  // on a real account: a record of its own
  const def = loadLab('zero-permission-user', labsDir);
  new ProgressStore(home).set(
    'zero-permission-user',
    { id: def.id, version: def.version, contentHash: def.contentHash, backend: 'real', account_id: '111122223333', started_at: new Date(tick).toISOString(), current: def.steps[0]!.id, steps: { [def.steps[0]!.id]: { started_at: new Date(tick).toISOString(), attempts: 1, hints_shown: [], solution_viewed: false, skipped: false } } },
  );
  const out = capture();
  const err = capture();
  assert.equal(await reportCommand({ format: 'json', name: 'Sam', workshopKey: KEY, home, labsDir, now: clock, out, err }), 0, err.text);
  const { report } = parseReportText(out.text);
  assert.deepEqual(report.labs.map((l) => [l.id, l.backend.kind]), [['zero-permission-user', 'sim'], ['zero-permission-user', 'real']]);
  assert.equal(report.labs[0]!.recheck.status, 'done');
  assert.equal(report.labs[1]!.recheck.status, 'not-run');
  const file = join(home, 'sam.json');
  writeFileSync(file, out.text);
  const vout = capture();
  const verr = capture();
  assert.equal(await verifyCommand({ files: [file], workshopKey: KEY, labsDir, out: vout, err: verr }), 0, vout.text + verr.text);
  assert.doesNotMatch(vout.text + verr.text, /appears twice/);
  const rout = capture();
  assert.equal(await rosterCommand({ files: [file], format: 'csv', workshopKey: KEY, labsDir, out: rout, err: capture() }), 0);
  const rows = rout.text.trim().split('\n').slice(1);
  assert.deepEqual(rows.map((r) => r.split(',').slice(0, 4).join(',')), ['Sam,zero-permission-user,' + def.version + ',real', 'Sam,zero-permission-user,' + def.version + ',sim']);
});

test('report: each re-checked step carries what the check read; md and junit show it; verify accepts it (it is signed)', async () => {
  const home = mkdtempSync(join(tmpdir(), 'iamlab-report-home-'));
  const s = await openLab('zero-permission-user', { home, labsDir, now: clock });
  await s.run('aws iam create-user --user-name sts_user');
  s.save();
  const out = capture();
  const err = capture();
  assert.equal(await reportCommand({ format: 'json', name: 'Eve', workshopKey: KEY, home, labsDir, now: clock, out, err }), 0, err.text);
  const { report } = parseReportText(out.text);
  const first = report.labs[0]!.steps[0]!;
  assert.ok(first.now.evidence?.some((e) => /^read: .*sts_user/.test(e)), JSON.stringify(first.now));
  const md = renderReport(report, 'md');
  assert.match(md, /What the checks read:\n\n1\. create-user\n {3}- read: /);
  assert.equal(parseReportText(md, 'r.md').report.labs[0]!.steps[0]!.now.evidence?.length, first.now.evidence!.length);
  const junit = renderReport(report, 'junit');
  assert.match(junit, /<testcase classname="zero-permission-user" name="create-user"[\s\S]*?<system-out>read: [^<]*sts_user/);
  const file = join(home, 'eve.json');
  writeFileSync(file, out.text);
  const vout = capture();
  assert.equal(await verifyCommand({ files: [file], workshopKey: KEY, labsDir, out: vout, err: capture() }), 0, vout.text);
  // changing what a check read breaks the signature
  const tampered = JSON.parse(out.text);
  tampered.labs[0].steps[0].now.evidence[0] = 'read: something else';
  writeFileSync(file, JSON.stringify(tampered));
  const bad = capture();
  assert.notEqual(await verifyCommand({ files: [file], workshopKey: KEY, labsDir, out: bad, err: capture() }), 0);
  assert.match(bad.text, /signature/i);
});
