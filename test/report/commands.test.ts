import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCommand, rosterCommand, reportCommand } from '../../src/report/commands.js';
import { renderReport } from '../../src/report/render.js';
import { labCatalog } from '../../src/report/labs-access.js';
import type { Report } from '../../src/report/types.js';
import { KEY, NOW, labsFolder, sampleReport } from './fixtures.js';

const labsDir = labsFolder();
const cat = labCatalog(labsDir);
const hashes = { lab: cat.lookup('zero-permission-user')!.contentHash, lab2: cat.lookup('cross-account-role')!.contentHash };
const dir = mkdtempSync(join(tmpdir(), 'iamlab-reports-'));

function capture() {
  const o = { text: '', write: (s: string | Uint8Array) => ((o.text += String(s)), true) };
  return o;
}
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const ada = file('ada.json', renderReport(sampleReport(KEY, 'Ada', hashes), 'json'));
const bob = file('bob.md', renderReport(sampleReport(KEY, 'Bob', hashes), 'md'));
const cy = file('cy.xml', renderReport(sampleReport(KEY, 'Cy', hashes), 'junit'));
const dee = file('dee.json', renderReport(sampleReport(null, 'Dee', hashes), 'json'));
const tampered = (() => {
  const r = JSON.parse(renderReport(sampleReport(KEY, 'Eve', hashes), 'json')) as Report;
  r.labs[0]!.steps[1]!.now = { status: 'pass' };
  return file('eve.json', JSON.stringify(r, null, 2));
})();

test('verify: a table per report and lab; exit 0 when every report is good', async () => {
  const out = capture();
  const err = capture();
  const code = await verifyCommand({ files: [ada, bob, cy], workshopKey: KEY, labsDir, now: () => NOW, out, err });
  assert.equal(code, 0, out.text + err.text);
  const lines = out.text.split('\n');
  assert.match(lines[0]!, /^File\s+Learner\s+Lab\s+Steps passed\s+Signature\s+Problems$/);
  assert.match(lines[2]!, new RegExp(`^${ada}\\s+Ada\\s+zero-permission-user 1\\.2\\.0\\s+1/3 \\+1 skipped\\s+ok\\s+—$`));
  assert.match(lines[3]!, new RegExp(`^${ada}\\s+Ada\\s+cross-account-role 0\\.3\\.1\\s+0/2 \\(recorded\\)\\s+ok\\s+—$`));
  assert.match(lines[4]!, /bob\.md\s+Bob\s+zero-permission-user/);
  assert.match(lines[6]!, /cy\.xml\s+Cy\s+zero-permission-user/);
  assert.ok(out.text.includes(`note: ${ada}: zero-permission-user: step trust-names-user passed at 2026-01-01T09:14:02.500Z but fails now`));
  assert.match(out.text, /3 reports: 3 ok, 0 bad\n$/);
  assert.equal(err.text, '');
});

test('verify: a tampered report, a wrong key, --require-signed and unreadable files make it exit 1', async () => {
  let out = capture();
  assert.equal(await verifyCommand({ files: [ada, tampered, dee], workshopKey: KEY, labsDir, now: () => NOW, out, err: capture() }), 1);
  assert.match(out.text, /eve\.json\s+Eve\s+zero-permission-user 1\.2\.0\s+2\/3 \+1 skipped\s+BAD\s+signature BAD: the signature does not match the content/);
  assert.match(out.text, /dee\.json\s+Dee\s+zero-permission-user 1\.2\.0\s+1\/3 \+1 skipped\s+unsigned\s+—/);
  assert.match(out.text, /3 reports: 2 ok, 1 bad, 1 unsigned\n$/);

  out = capture();
  assert.equal(await verifyCommand({ files: [dee], workshopKey: KEY, requireSigned: true, labsDir, now: () => NOW, out, err: capture() }), 1);
  assert.match(out.text, /unsigned: no workshop key \(--require-signed\)/);

  out = capture();
  assert.equal(await verifyCommand({ files: [ada], workshopKey: 'wrong', labsDir, now: () => NOW, out, err: capture() }), 1);
  assert.match(out.text, /BAD\s+signature BAD: signed with a different workshop key/);

  const broken = file('broken.json', '{\n  "format": "iamlab-report",\n  "labs": [1,,]\n}\n');
  out = capture();
  assert.equal(await verifyCommand({ files: [broken, join(dir, 'missing.json')], workshopKey: KEY, labsDir, out, err: capture() }), 1);
  assert.match(out.text, /broken\.json\s+—\s+—\s+—\s+unreadable\s+3:14: not valid JSON/);
  assert.match(out.text, /missing\.json\s+—\s+—\s+—\s+unreadable\s+no such file/);

  const err = capture();
  assert.equal(await verifyCommand({ files: [], out: capture(), err }), 2);
  assert.match(err.text, /missing argument: iamlab verify <report…>/);
});

test('verify reports a lab version this iamlab does not know', async () => {
  const other = file('old.json', renderReport(sampleReport(KEY, 'Old', { lab: 'feedbeef', lab2: hashes.lab2 }), 'json'));
  const out = capture();
  assert.equal(await verifyCommand({ files: [other], workshopKey: KEY, labsDir, now: () => NOW, out, err: capture() }), 1);
  assert.match(out.text, /content hash feedbeef differs from this iamlab's \(\w+…\): a modified lab/);
});

test('roster: one table for the room, md and csv', async () => {
  const out = capture();
  const err = capture();
  assert.equal(await rosterCommand({ files: [ada, bob, cy, dee, tampered], workshopKey: KEY, labsDir, now: () => NOW, out, err }), 0);
  const md = out.text;
  assert.match(md, /^# iamlab roster\n\n5 learners, 10 lab reports, 0 complete without problems\.\n/);
  assert.ok(md.includes(`| Ada | zero-permission-user 1.2.0 | 1/3 | 1 | 2 | 1 | 4 | ok | — | ${ada} |`), md);
  assert.ok(md.includes(`| Dee | cross-account-role 0.3.1 (real account) | 0/2 (recorded) | 0 | 1 | 0 | 2 | unsigned | — | ${dee} |`), md);
  assert.match(md, /\| Eve \| zero-permission-user 1\.2\.0 \| 2\/3 \| 1 \| 2 \| 1 \| 4 \| BAD \| signature BAD/);

  const csvOut = capture();
  assert.equal(await rosterCommand({ files: [ada, join(dir, 'nope.json')], format: 'csv', labsDir, now: () => NOW, out: csvOut, err }), 1);
  const rows = csvOut.text.trim().split('\r\n');
  assert.equal(rows.length, 3);
  assert.equal(rows[1], `Ada,cross-account-role,0.3.1,real,0,2,0,1,0,2,no,not checked,"signed, but no workshop key was given to check it (--workshop-key or IAMLAB_WORKSHOP_KEY)",${ada}`);
  assert.match(err.text, /nope\.json: no such file/);
  assert.match(err.text, /no workshop key given .*signatures were not checked/);

  const e2 = capture();
  assert.equal(await rosterCommand({ files: [ada], format: 'xlsx', out: capture(), err: e2 }), 2);
  assert.match(e2.text, /--format xlsx: use md or csv/);
});

test('report refuses an unknown format before doing anything', async () => {
  const err = capture();
  assert.equal(await reportCommand({ format: 'pdf', out: capture(), err }), 2);
  assert.match(err.text, /--format pdf: use json, md or junit/);
});

test('the learner name is remembered under $IAMLAB_HOME; a broken file is no name, not an error', async () => {
  const { rememberLearnerName, storedLearnerName, learnerFile } = await import('../../src/report/learner.js');
  const home = mkdtempSync(join(tmpdir(), 'iamlab-home-'));
  assert.equal(storedLearnerName(home), undefined);
  assert.equal(rememberLearnerName('  Grace Hopper ', home), true);
  assert.equal(storedLearnerName(home), 'Grace Hopper');
  writeFileSync(learnerFile(home), '{"name": 42');
  assert.equal(storedLearnerName(home), undefined);
  assert.equal(rememberLearnerName('   ', home), false);
});
