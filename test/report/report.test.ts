import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { canonicalJson, CanonicalJsonError } from '../../src/report/canonical.js';
import { checkSignature, signReport, signingPayload, workshopKeyId } from '../../src/report/sign.js';
import { embedLine, renderReport } from '../../src/report/render.js';
import { parseReportText, ReportParseError } from '../../src/report/parse.js';
import { verifyReport } from '../../src/report/verify.js';
import { buildRoster, renderRoster } from '../../src/report/roster.js';
import { labFigures, ReportSchema, type Report, type ReportFormat } from '../../src/report/types.js';
import { KEY, LAB, NOW, lookup, sampleReport } from './fixtures.js';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

test('canonical JSON: sorted keys, no whitespace, JSON escapes, undefined members left out', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1.5, y: -0, é: 'é', A: 'q"\\\n\u0001' }, u: undefined }), '{"a":[true,null,"x"],"b":1,"c":{"A":"q\\"\\\\\\n\\u0001","y":0,"z":1.5,"é":"é"}}');
  // Keys compare by UTF-16 code units: upper case before lower case.
  assert.equal(canonicalJson({ b: 0, B: 0, a: 0 }), '{"B":0,"a":0,"b":0}');
  assert.equal(canonicalJson({ '\uFFFF': 0, '\u{1F600}': 0 }), '{"\u{1F600}":0,"\uFFFF":0}', 'surrogate pairs (0xD83D…) sort before 0xFFFF');
  assert.equal(canonicalJson([1e21, 0.1, 100, -5e-7]), '[1e+21,0.1,100,-5e-7]');
  assert.equal(canonicalJson('\ud800'), '"\\ud800"', 'a lone surrogate is escaped, never emitted raw');
  for (const bad of [NaN, Infinity, new Date(0), 1n, () => 1, [undefined], new Map()]) {
    assert.throws(() => canonicalJson({ x: bad }), CanonicalJsonError);
  }
  assert.throws(() => canonicalJson({ x: [1, undefined] }), /undefined array element at x\[1\]/);
  let deep: unknown = 1;
  for (let i = 0; i < 70; i++) deep = [deep];
  assert.throws(() => canonicalJson(deep), /nesting deeper than 64/);
  // Same content, different member order: same bytes.
  assert.equal(canonicalJson({ a: 1, b: { c: 2, d: 3 } }), canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
});

test('the signature is HMAC-SHA256 with the workshop key over the canonical form without the value', () => {
  const r = sampleReport();
  assert.equal(r.signature.algorithm, 'HMAC-SHA256');
  if (r.signature.algorithm !== 'HMAC-SHA256') return;
  const { signature, ...body } = r;
  const payload = signingPayload(body, signature);
  assert.ok(payload.includes('"signature":{"algorithm":"HMAC-SHA256","canonicalization":"iamlab-c14n-v1","key_id":"'));
  assert.ok(!payload.includes(signature.value));
  assert.equal(signature.value, createHmac('sha256', KEY).update(payload).digest('hex'));
  assert.equal(signature.key_id, workshopKeyId(KEY));
  assert.notEqual(workshopKeyId(KEY), workshopKeyId(`${KEY}x`));
  assert.deepEqual(checkSignature(r, KEY), { state: 'ok', keyId: signature.key_id });
});

for (const format of ['json', 'md', 'junit'] as ReportFormat[]) {
  test(`${format} report round trip: render, read back, same report, signature ok`, () => {
    const r = sampleReport();
    const text = renderReport(r, format);
    const back = parseReportText(text, `r.${format}`);
    assert.equal(back.format, format);
    assert.deepEqual(back.problems, []);
    assert.deepEqual(back.report, r);
    const v = verifyReport(back.report, { key: KEY, lookup, now: NOW });
    assert.equal(v.signature.state, 'ok');
    assert.deepEqual(v.problems, []);
    assert.deepEqual(v.labs.map((l) => l.problems), [[], []]);
    assert.equal(v.ok, true);
    assert.deepEqual(v.labs[0]?.notes, ['step trust-names-user passed at 2026-01-01T09:14:02.500Z but fails now']);
    // CRLF line endings (a Windows editor that changed nothing else) still read.
    if (format !== 'json') assert.deepEqual(parseReportText(text.replace(/\n/g, '\r\n')).problems, []);
  });
}

test('the Markdown report shows every step with times, hints, solution views, skips and the recheck', () => {
  const md = renderReport(sampleReport(null), 'md');
  const lines = md.split('\n');
  assert.equal(lines[0], '# iamlab completion report — Ada Lovelace');
  assert.ok(lines.includes('| Signature | **unsigned: no workshop key** |'));
  assert.ok(lines.includes('## A user with no permissions assumes a role (zero-permission-user 1.2.0)'));
  assert.ok(lines.includes('- Backend: simulated account'));
  assert.ok(lines.includes('- Backend: real AWS account 444455556666'));
  assert.ok(lines.includes('- Steps passed: 1/3, skipped 1; hints shown: 2; solutions viewed: 1; failed checks: 4'));
  assert.ok(lines.includes('- Checks re-run: no — real account: re-run the checks with iamlab verify --real --profile P'));
  assert.ok(
    lines.includes(
      '| 2 | trust-names-user — Create the role AWSEC2FULLACCESS \\| with a custom trust policy | 2026-01-01T09:03:10.000Z | 2026-01-01T09:14:02.500Z | FAIL now (passed earlier): sts_user still cannot assume the role: the trust policy names "arn:aws:iam::111122223333:root" & <nothing> for the user | 3 | where-trust, root-vs-user | yes | no |',
    ),
    md,
  );
  assert.ok(lines.includes('| 3 | assume — Assume the role as sts_user | 2026-01-01T09:14:02.500Z | 2026-01-01T09:16:00.000Z | PASS (skipped) | 0 | — | no | yes |'));
  assert.ok(lines.includes('| 1 | trust-other-account — Trust the other account | 2026-01-01T09:20:00.000Z | — | not passed | 2 | account-root | no | no |'));
});

test('the JUnit report is XML with one testsuite per lab and one testcase per step', () => {
  const xml = renderReport(sampleReport(), 'junit');
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => errors.push(`${level}: ${msg}`) }).parseFromString(xml, 'text/xml');
  assert.deepEqual(errors, []);
  const root = doc.documentElement!;
  assert.equal(root.nodeName, 'testsuites');
  assert.equal(root.getAttribute('tests'), '5');
  assert.equal(root.getAttribute('failures'), '3');
  assert.equal(root.getAttribute('skipped'), '1');
  const suites = Array.from(doc.getElementsByTagName('testsuite'));
  assert.deepEqual(suites.map((s) => s.getAttribute('name')), ['zero-permission-user', 'cross-account-role']);
  const cases = Array.from(suites[0]!.getElementsByTagName('testcase'));
  assert.deepEqual(cases.map((c) => c.getAttribute('name')), ['create-user', 'trust-names-user', 'assume']);
  assert.equal(cases[0]!.getElementsByTagName('failure').length + cases[0]!.getElementsByTagName('skipped').length, 0);
  assert.equal(cases[0]!.getAttribute('time'), '190.000');
  const failure = cases[1]!.getElementsByTagName('failure')[0]!;
  assert.equal(failure.getAttribute('message'), 'sts_user still cannot assume the role: the trust policy names "arn:aws:iam::111122223333:root" & <nothing> for the user');
  assert.equal(cases[2]!.getElementsByTagName('skipped')[0]?.getAttribute('message'), 'skipped: the solution was run');
  const props = (el: XmlElement) => Object.fromEntries(Array.from(el.getElementsByTagName('property')).map((p) => [p.getAttribute('name'), p.getAttribute('value')]));
  const sp = props(cases[1]!);
  assert.equal(sp.hints_shown, 'where-trust,root-vs-user');
  assert.equal(sp.solution_viewed, 'true');
  assert.equal(sp.attempts, '3');
  assert.equal(sp.passed_at, '2026-01-01T09:14:02.500Z');
  const suiteProps = props(suites[1]!);
  assert.equal(suiteProps.backend, 'real:444455556666');
  assert.equal(suiteProps['lab.version'], '0.3.1');
  assert.equal(suiteProps['iamlab.version'], '0.1.0');
  assert.equal(suiteProps.learner, 'Ada Lovelace');
  assert.match(suiteProps.signature ?? '', /^HMAC-SHA256 over iamlab-c14n-v1, workshop key id [0-9a-f]{16}$/);
  const second = Array.from(suites[1]!.getElementsByTagName('testcase'));
  assert.equal(second[0]!.getElementsByTagName('failure')[0]?.getAttribute('message'), 'not passed (not rechecked)');
});

// ---------- tampering ----------

/** Every leaf of a JSON value, as a path. */
function leaves(v: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) return v.length ? v.flatMap((x, i) => leaves(x, [...path, i])) : [path];
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
  return [path];
}
function getAt(o: unknown, p: Array<string | number>): unknown {
  return p.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], o);
}
function setAt(o: unknown, p: Array<string | number>, v: unknown): void {
  const parent = getAt(o, p.slice(0, -1)) as Record<string | number, unknown>;
  parent[p[p.length - 1]!] = v;
}
/** A different value of the same kind that the schema still accepts, so the signature (not the schema) must catch it. */
function plausibleChange(path: Array<string | number>, v: unknown): unknown {
  const key = String(path[path.length - 1]);
  if (Array.isArray(v)) return ['x'];
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v + 1;
  if (v === null) return key === 'learner' ? 'Mallory' : key === 'account_id' ? '999988887777' : '2026-01-01T09:30:00.000Z';
  const s = String(v);
  if (/^\d{4}-\d\d-\d\dT/.test(s)) return new Date(Date.parse(s) + 1000).toISOString();
  if (/^[0-9a-f]{16}$|^[0-9a-f]{64}$/.test(s)) return s.slice(0, -1) + (s.endsWith('0') ? '1' : '0');
  if (/^\d{12}$/.test(s)) return s.slice(0, -1) + (s.endsWith('1') ? '2' : '1');
  const enums: Record<string, string[]> = { status: ['pass', 'fail', 'not-checked', 'done', 'not-run'], kind: ['sim', 'real'], algorithm: ['none', 'HMAC-SHA256'], format: ['iamlab-report'] };
  if (enums[key]) return enums[key]!.find((x) => x !== s) ?? `${s}x`;
  return `${s}x`;
}

test('changing ANY field of a signed report (each in turn, nested step fields included) fails verify', () => {
  const r = sampleReport();
  const paths = leaves(r);
  assert.ok(paths.length > 60, `expected many fields, got ${paths.length}`);
  const failures: string[] = [];
  for (const p of paths) {
    const t = clone(r);
    setAt(t, p, plausibleChange(p, getAt(t, p)));
    for (const format of ['json', 'md', 'junit'] as ReportFormat[]) {
      // Write the tampered data the way an editor would: JSON by hand; md/junit by re-rendering the whole file.
      let verdictOk = true;
      let sigState = '';
      try {
        // md/junit: re-render the whole file when the tampered data is still a valid report, else splice it into the original file.
        const text =
          format === 'json'
            ? JSON.stringify(t, null, 2)
            : ReportSchema.safeParse(t).success
              ? renderReport(t as Report, format)
              : renderReport(r, format).replace(/<!-- iamlab-report v1 [^ ]+ -->/, embedLine(t as Report));
        const back = parseReportText(text, 'tampered');
        const v = verifyReport(back.report, { key: KEY, lookup, now: NOW }, back.problems);
        verdictOk = v.ok;
        sigState = v.signature.state;
      } catch (e) {
        if (!(e instanceof ReportParseError)) throw e;
        verdictOk = false;
        sigState = 'unreadable';
      }
      if (verdictOk) failures.push(`${format} ${p.join('.')}`);
      if (sigState === 'ok') failures.push(`${format} ${p.join('.')}: signature still ok`);
    }
  }
  assert.deepEqual(failures, []);
});

test('structural tampering fails too: reordered, removed or added steps, hints and fields', () => {
  const r = sampleReport();
  const edits: Array<[string, (t: Report) => void]> = [
    ['swap two steps', (t) => t.labs[0]!.steps.reverse()],
    ['drop a step', (t) => t.labs[0]!.steps.pop()],
    ['drop a lab', (t) => t.labs.pop()],
    ['drop a hint', (t) => t.labs[0]!.steps[1]!.hints_shown.pop()],
    ['add a hint', (t) => t.labs[0]!.steps[0]!.hints_shown.push('which-command')],
    ['drop an optional title', (t) => delete t.labs[0]!.steps[0]!.title],
    ['drop a failure message', (t) => delete t.labs[0]!.steps[1]!.now.message],
    ['add a field', (t) => ((t.labs[0] as unknown as Record<string, unknown>).extra = 1)],
    ['make it unsigned', (t) => (t.signature = { algorithm: 'none', note: 'unsigned: no workshop key' })],
  ];
  for (const [what, edit] of edits) {
    const t = clone(r);
    edit(t);
    let ok = true;
    try {
      const back = parseReportText(JSON.stringify(t));
      ok = verifyReport(back.report, { key: KEY, lookup, now: NOW, requireSigned: true }).ok;
    } catch (e) {
      assert.ok(e instanceof ReportParseError, String(e));
      ok = false;
    }
    assert.equal(ok, false, what);
  }
});

test('edits to the visible Markdown or JUnit text, or to the embedded data, are caught', () => {
  const r = sampleReport();
  const md = renderReport(r, 'md');
  const edited = md.replace('| FAIL now (passed earlier): sts_user', '| PASS: sts_user');
  assert.notEqual(edited, md);
  const back = parseReportText(edited, 'r.md');
  assert.deepEqual(back.report, r, 'the signed data itself is intact');
  assert.match(back.problems[0] ?? '', /Markdown text was edited after it was generated \(line \d+ differs/);
  assert.equal(verifyReport(back.report, { key: KEY, lookup, now: NOW }, back.problems).ok, false);

  const xml = renderReport(r, 'junit').replace(/<failure message="[^"]*" type="fail"\/>\n/, '');
  assert.match(parseReportText(xml).problems[0] ?? '', /JUnit text was edited/);

  // Flip one character of the embedded base64.
  const i = md.indexOf('<!-- iamlab-report v1 ') + 40;
  const flipped = md.slice(0, i) + (md[i] === 'A' ? 'B' : 'A') + md.slice(i + 1);
  let failed = false;
  try {
    const b = parseReportText(flipped);
    failed = !verifyReport(b.report, { key: KEY, lookup, now: NOW }, b.problems).ok;
  } catch (e) {
    failed = e instanceof ReportParseError;
  }
  assert.ok(failed);
  assert.throws(() => parseReportText('# a report\n\nno data here\n', 'x.md'), /x\.md: not an iamlab report: no "<!-- iamlab-report v1 …" line/);
});

test('a wrong key fails; an unchecked signature is reported; unsigned reports verify as unsigned', () => {
  const r = sampleReport();
  const wrong = verifyReport(r, { key: 'another-key', lookup, now: NOW });
  assert.equal(wrong.signature.state, 'bad');
  assert.equal(wrong.ok, false);
  assert.match(wrong.problems[0] ?? '', /signature BAD: signed with a different workshop key \(key id [0-9a-f]{16}; yours is [0-9a-f]{16}\)/);

  const noKey = verifyReport(r, { lookup, now: NOW });
  assert.equal(noKey.signature.state, 'unchecked');
  assert.equal(noKey.ok, false);

  const unsigned = sampleReport(null);
  assert.deepEqual(unsigned.signature, { algorithm: 'none', note: 'unsigned: no workshop key' });
  const u = verifyReport(unsigned, { key: KEY, lookup, now: NOW });
  assert.equal(u.signature.state, 'unsigned');
  assert.equal(u.ok, true, 'unsigned is not an error unless signatures are required');
  const req = verifyReport(unsigned, { key: KEY, lookup, now: NOW, requireSigned: true });
  assert.equal(req.ok, false);
  assert.deepEqual(req.problems, ['unsigned: no workshop key (--require-signed)']);

  // Same content tampered but recomputed with the same key's id and a guessed value: BAD content.
  const t = clone(r);
  t.labs[0]!.steps[0]!.attempts = 0;
  assert.match(checkSignature(t, KEY).state === 'bad' ? (checkSignature(t, KEY) as { reason: string }).reason : '', /changed after it was signed/);
});

test('consistency: unknown labs and versions, modified labs, step order, times', () => {
  const base = clone(sampleReport(null));
  const problemsOf = (edit: (t: Report) => void, now = NOW) => {
    const t = clone(base);
    edit(t);
    const signed = signReport(t, KEY); // validly signed: the consistency checks must catch it
    const v = verifyReport(signed, { key: KEY, lookup, now });
    assert.equal(v.signature.state, 'ok');
    return [...v.problems, ...v.labs.flatMap((l) => l.problems)];
  };
  assert.deepEqual(problemsOf(() => {}), []);
  assert.deepEqual(problemsOf((t) => (t.labs[0]!.id = 'no-such-lab')), ['lab no-such-lab is not known to this iamlab']);
  assert.deepEqual(problemsOf((t) => (t.labs[0]!.version = '9.9.9')), ['lab zero-permission-user version 9.9.9 is not known to this iamlab (it has 1.2.0)']);
  assert.match(problemsOf((t) => (t.labs[0]!.content_hash = 'sha256:feed'))[0] ?? '', /content hash sha256:feed differs from this iamlab's .*: a modified lab/);
  assert.deepEqual(
    problemsOf((t) => {
      const s = t.labs[0]!.steps;
      [s[0], s[1]] = [s[1]!, s[0]!];
    }),
    ["steps are not in the lab's order (create-user, trust-names-user, assume)", 'step create-user passed (2026-01-01T09:03:10.000Z) before the earlier step trust-names-user'],
  );
  assert.deepEqual(problemsOf((t) => t.labs[0]!.steps.pop()), ['steps of lab zero-permission-user missing from the report: assume']);
  assert.deepEqual(problemsOf((t) => (t.labs[0]!.steps[2]!.id = 'bonus')), ['steps not in lab zero-permission-user: bonus', 'steps of lab zero-permission-user missing from the report: assume']);
  assert.deepEqual(problemsOf((t) => (t.labs[0]!.steps[1]!.passed_at = '2026-01-01T09:02:00.000Z')), [
    'step trust-names-user: passed_at 2026-01-01T09:02:00.000Z is before its started_at 2026-01-01T09:03:10.000Z',
    'step trust-names-user passed (2026-01-01T09:02:00.000Z) before the earlier step create-user',
  ]);
  assert.deepEqual(problemsOf((t) => (t.labs[0]!.steps[2]!.passed_at = '2026-01-01T11:00:00.000Z')), ['step assume: passed_at 2026-01-01T11:00:00.000Z is after the report was generated']);
  assert.deepEqual(problemsOf((t) => (t.labs[0]!.steps[0]!.started_at = '2026-01-01T08:00:00.000Z')), ['step create-user: started_at 2026-01-01T08:00:00.000Z is before the lab started (2026-01-01T09:00:00.000Z)']);
  assert.deepEqual(problemsOf(() => {}, new Date('2025-12-31T00:00:00.000Z')), ['generated_at 2026-01-01T10:00:01.000Z is in the future']);
  assert.deepEqual(problemsOf((t) => t.labs[0]!.steps[0]!.hints_shown.push('root-vs-user')), ['step create-user: hints root-vs-user are not hints of that step']);
  assert.deepEqual(problemsOf((t) => t.labs[0]!.steps[1]!.hints_shown.push('where-trust')), ['step trust-names-user: hint where-trust recorded twice']);
  assert.deepEqual(problemsOf((t) => t.labs.push(clone(t.labs[0]!))), ['lab zero-permission-user appears twice in the report']);
  assert.deepEqual(problemsOf((t) => (t.labs[1]!.steps[0]!.now = { status: 'pass' })), ['steps carry check results although the checks were not re-run (not-run)']);
  assert.deepEqual(problemsOf((t) => (t.labs = [])), ['the report has no labs']);
});

test('figures come from the steps: passing now counts, skipped steps are counted apart', () => {
  const r = sampleReport();
  assert.deepEqual(labFigures(r.labs[0]!), { total: 3, passed: 1, skipped: 1, passedRecorded: 3, regressed: 1, hints: 2, solutionsViewed: 1, attempts: 4, recordedOnly: false });
  assert.deepEqual(labFigures(r.labs[1]!), { total: 2, passed: 0, skipped: 0, passedRecorded: 0, regressed: 0, hints: 1, solutionsViewed: 0, attempts: 2, recordedOnly: true });
});

test('a roster over several reports: one row per learner and lab, newest report wins, signature states', () => {
  const ada = sampleReport(KEY, 'Ada Lovelace');
  const bob = sampleReport(null, 'Bob, "the builder"');
  const cyT = clone(sampleReport(KEY, '=Cy'));
  cyT.labs[0]!.steps[0]!.attempts = 0; // tampered
  const adaOld = clone(sampleReport(KEY, 'Ada Lovelace'));
  adaOld.generated_at = '2026-01-01T09:59:00.000Z';
  const adaOlder = signReport(adaOld, KEY);
  const roster = buildRoster(
    [
      { file: 'ada.json', report: ada },
      { file: 'bob.md', report: bob },
      { file: 'cy.json', report: cyT },
      { file: 'ada-old.json', report: adaOlder },
      { file: 'broken.json', error: 'broken.json:3:5: not valid JSON' },
    ],
    { key: KEY, lookup, now: NOW },
  );
  assert.deepEqual(
    roster.rows.map((r) => [r.learner, r.lab, `${r.passed}/${r.total}`, r.skipped, r.hints, r.signature, r.file]),
    [
      ['=Cy', 'cross-account-role', '0/2', 0, 1, 'BAD', 'cy.json'],
      ['=Cy', 'zero-permission-user', '1/3', 1, 2, 'BAD', 'cy.json'],
      ['Ada Lovelace', 'cross-account-role', '0/2', 0, 1, 'ok', 'ada.json'],
      ['Ada Lovelace', 'zero-permission-user', '1/3', 1, 2, 'ok', 'ada.json'],
      ['Bob, "the builder"', 'cross-account-role', '0/2', 0, 1, 'unsigned', 'bob.md'],
      ['Bob, "the builder"', 'zero-permission-user', '1/3', 1, 2, 'unsigned', 'bob.md'],
    ],
  );
  assert.deepEqual(roster.notes.filter((n) => n.startsWith('broken')), ['broken.json: broken.json:3:5: not valid JSON']);
  assert.equal(roster.notes.filter((n) => n.includes('ada-old.json') && n.includes('superseded by ada.json')).length, 2);

  const csv = renderRoster(roster, 'csv').split('\r\n');
  assert.equal(csv[0], 'learner,lab,lab_version,backend,steps_passed,steps_total,skipped,hints,solutions_viewed,failed_checks,rechecked,signature,problems,file');
  assert.ok(csv[1]!.startsWith("'=Cy,cross-account-role,0.3.1,real,0,2,0,1,0,2,no,BAD,signature BAD: the signature does not match the content"), csv[1]);
  assert.equal(csv[5], '"Bob, ""the builder""",cross-account-role,0.3.1,real,0,2,0,1,0,2,no,unsigned,,bob.md');
  const md = renderRoster(roster, 'md');
  assert.match(md, /^# iamlab roster\n\n3 learners, 6 lab reports, 0 complete without problems\.\n/);
  assert.ok(md.includes('| Ada Lovelace | zero-permission-user 1.2.0 | 1/3 | 1 | 2 | 1 | 4 | ok | — | ada.json |'), md);
  assert.ok(md.includes('| Ada Lovelace | cross-account-role 0.3.1 (real account) | 0/2 (recorded) | 0 | 1 | 0 | 2 | ok | — | ada.json |'), md);
});

test('a report names the lab by id, version and content hash as the lab definition gives them', () => {
  const r = sampleReport();
  assert.deepEqual([r.labs[0]!.id, r.labs[0]!.version, r.labs[0]!.content_hash], [LAB.id, LAB.version, LAB.contentHash]);
});
