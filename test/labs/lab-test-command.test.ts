// `iamlab lab test`: the shipped labs pass their self-test; labs copied into a temporary folder and
// broken on purpose (a solution that does not pass, a check too weak to fail, a recorded mistake
// whose message changed, YAML and mistakes-file errors) give the failure report and exit codes.
// In process through labTestCommand, and through the built CLI.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { labTestCommand } from '../../src/labs/lab-test.js';
import { LABS_DIR, ensureBuilt, iamlabCli, sink, tempHome } from './helpers.js';

interface JsonRow {
  step: string;
  name?: string;
  ok: boolean;
  result: 'ok' | 'fail' | 'not_run';
  detail: string;
  status: string | null;
  message: string | null;
  transcript?: string;
}
interface JsonReport {
  lab: string;
  ok: boolean;
  counts: { total: number; ok: number; failed: number; not_run: number; fresh: number; solution: number; mistake: number };
  fresh: JsonRow[];
  solutions: JsonRow[];
  mistakes: JsonRow[];
}

/** A copy of a shipped lab in a temporary folder (<tmp>/<id>/lab.yaml), edited by `edit`. */
function brokenCopy(id: string, edit: { lab?: (t: string) => string; mistakes?: (t: string) => string } = {}): { dir: string; root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'iamlab-broken-lab-'));
  const dir = join(root, id);
  cpSync(join(LABS_DIR, id), dir, { recursive: true });
  for (const [file, fn] of [
    ['lab.yaml', edit.lab],
    [join('tests', 'mistakes.yaml'), edit.mistakes],
  ] as const) {
    if (!fn) continue;
    const p = join(dir, file);
    const before = readFileSync(p, 'utf8');
    const after = fn(before);
    assert.notEqual(after, before, `the edit of ${file} changed nothing`);
    writeFileSync(p, after);
  }
  return { dir, root, done: () => rmSync(root, { recursive: true, force: true }) };
}

async function run(target: string, o: { json?: boolean; tmp?: string } = {}) {
  const out = sink();
  const err = sink();
  const code = await labTestCommand({ target, labsDir: LABS_DIR, out, err, ...o });
  return { code, stdout: out.text(), stderr: err.text() };
}

// switch-role-admin's create-balu step without its console password: the solution runs, the step fails.
const dropLoginProfile = (t: string) => t.replace("        - aws iam create-login-profile --user-name balu --password 'Balu-Lab-Pass-1!'\n", '');

describe('iamlab lab test (in process)', () => {
  it('a shipped lab: every expectation holds, exit 0, nothing left in the throwaway folder', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'iamlab-lab-test-tmp-'));
    try {
      const r = await run('zero-permission-user', { tmp });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^lab test: zero-permission-user — A user with no permissions assumes a role\n/);
      assert.match(r.stdout, /\nFresh world — every step must fail, saying what is missing\n {4}✓ ok {7}create-sts-user {6}There is no user named sts_user yet\.\n/);
      assert.match(r.stdout, /\nSolutions in order — [^\n]*\n {4}✓ ok {7}create-sts-user {6}passes\n {4}✓ ok {7}note-user-arn {8}passes, and the earlier step still passes\n/);
      assert.match(r.stdout, /\nRecorded mistakes \(tests\/mistakes\.yaml\)[^\n]*\n {4}✓ ok {7}create-sts-user {6}EC2 access given to sts_user directly\n +fails: User sts_user should have no permissions at all/);
      assert.doesNotMatch(r.stdout, /✗|not run/);
      assert.match(r.stdout, /\n✓ All 31 expectations hold \(7 fresh-world, 7 solution, 17 mistake\)\.\n$/);
      // the throwaway homes were removed
      assert.deepEqual(readdirSync(tmp), []);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('--json: one row per step and per recorded mistake', async () => {
    const r = await run('switch-role-admin', { json: true });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as JsonReport;
    assert.equal(j.lab, 'switch-role-admin');
    assert.equal(j.ok, true);
    assert.deepEqual(j.counts, { total: 27, ok: 27, failed: 0, not_run: 0, fresh: 6, solution: 6, mistake: 15 });
    assert.deepEqual(
      j.fresh.map((x) => [x.step, x.ok, x.status]),
      ['create-temp-user-role', 'create-balu', 'balu-sts-policy', 'balu-account-page', 'switch-to-temp-user', 'account-page-as-role'].map((s) => [s, true, 'fail']),
    );
    assert.ok(j.solutions.every((x) => x.ok && x.status === 'pass'));
    const m = j.mistakes.find((x) => x.name === 'the trust names the admin user instead of the account')!;
    assert.deepEqual([m.step, m.ok, m.status], ['create-temp-user-role', true, 'fail']);
    assert.match(m.message!, /names user\/admin/);
  });

  it('a solution that does not pass: ✗ with the reason and the run, later steps and their mistakes not tried, exit 1', async () => {
    const b = brokenCopy('switch-role-admin', { lab: dropLoginProfile });
    try {
      const r = await run(b.dir);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /\n {4}✗ FAIL {5}create-balu {12}the solution ran, but the step does not pass \(fail\): User balu has no console password \(login profile\)[^\n]*\n +│ \$ aws iam create-user --user-name balu\n/,
      );
      assert.match(r.stdout, /\n {4}– not run  balu-sts-policy {8}not tried: the solutions stop at create-balu\n/);
      // mistakes of create-balu itself still run (they start after create-temp-user-role's solution)
      assert.match(r.stdout, /\n {4}✓ ok {7}create-balu {12}balu given AdministratorAccess\n/);
      assert.match(r.stdout, /\n {4}– not run  balu-sts-policy {8}Deny instead of Allow\n +→ not tried: it starts after the solution of create-balu, which does not pass\n/);
      assert.match(r.stdout, /\n✗ 1 of 27 expectations does not hold; 14 could not be tried\.\n$/);

      const j = JSON.parse((await run(b.dir, { json: true })).stdout) as JsonReport;
      assert.equal(j.ok, false);
      assert.deepEqual(j.solutions.map((x) => x.result), ['ok', 'fail', 'not_run', 'not_run', 'not_run', 'not_run']);
      assert.match(j.solutions[1]!.transcript!, /^\$ aws iam create-user --user-name balu\n/);
      assert.deepEqual(j.counts, { total: 27, ok: 12, failed: 1, not_run: 14, fresh: 6, solution: 6, mistake: 15 });
    } finally {
      b.done();
    }
  });

  it('a check too weak to fail: passes on a fresh world, lets the recorded mistakes through, exit 1', async () => {
    const b = brokenCopy('switch-role-admin', {
      lab: (t) =>
        t.replace(
          /        - id: balu-exists\n {10}label: balu exists with console access\n {10}user: \{ name: balu, login_profile: true \}\n {8}- id: no-managed\n {10}label: [^\n]*\n {10}user: \{ name: balu, attached_policies: 0, groups: 0 \}\n/,
          '        - id: balu-exists\n          label: somebody has console access\n          user: { name: admin, login_profile: true }\n',
        ),
    });
    try {
      const r = await run(b.dir, { json: true });
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as JsonReport;
      const fresh = j.fresh.find((x) => x.step === 'create-balu')!;
      assert.deepEqual([fresh.ok, fresh.status, fresh.detail], [false, 'pass', 'passes on a fresh world, before the learner did anything']);
      // the lab moved past create-balu on its own after the first solution
      assert.deepEqual(j.solutions.map((x) => x.result), ['fail', 'not_run', 'not_run', 'not_run', 'not_run', 'not_run']);
      assert.equal(j.solutions[0]!.detail, 'the step passes, but the lab moved on past create-balu too (it is at balu-sts-policy): create-balu passed before its own solution ran');
      const missed = j.mistakes.filter((x) => x.step === 'create-balu');
      assert.equal(missed.length, 2);
      for (const m of missed) {
        assert.equal(m.ok, false);
        assert.equal(m.status, 'pass');
        assert.match(m.detail, /^the step passes — the check does not catch this mistake; the message does not match/);
      }
    } finally {
      b.done();
    }
  });

  it('a recorded mistake whose expected message no longer matches', async () => {
    const b = brokenCopy('zero-permission-user', { mistakes: (t) => t.replace('message_matches: "sts_user has no console password"', 'message_matches: "sts_user needs a console password"') });
    try {
      const r = await run(b.dir);
      assert.equal(r.code, 1);
      assert.match(
        r.stdout,
        /\n {4}✗ FAIL {5}create-sts-user {6}sts_user without console access\n +→ the message does not match \/sts_user needs a console password\/: "User sts_user has no console password \(login profile\)[^"]*"\n/,
      );
      assert.match(r.stdout, /\n✗ 1 of 31 expectations does not hold\.\n$/);
    } finally {
      b.done();
    }
  });

  it('a YAML syntax error: file:line:col on stderr, exit 2, no run and no stack trace', async () => {
    const b = brokenCopy('trust-policy-control', { lab: (t) => t.replace('version: 1.0.0\n', 'version: [1.0.0\n') });
    try {
      const r = await run(join(b.dir, 'lab.yaml'));
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      const file = relative(process.cwd(), join(b.dir, 'lab.yaml'));
      const shown = file.startsWith('..') ? join(b.dir, 'lab.yaml') : file;
      assert.match(r.stderr, new RegExp(`^iamlab: the lab cannot be loaded:\\n  ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML: Flow sequence[^\\n]*\\n$`));
      assert.doesNotMatch(r.stderr, /\n\s+at /);

      const j = await run(b.dir, { json: true });
      assert.equal(j.code, 2);
      const e = JSON.parse(j.stdout) as { ok: boolean; errors: Array<{ file: string; line: number; column: number; message: string }> };
      assert.equal(e.ok, false);
      assert.equal(e.errors.length, 1);
      assert.equal(e.errors[0]!.file, join(b.dir, 'lab.yaml'));
      assert.ok(e.errors[0]!.line >= 4 && e.errors[0]!.line <= 5, `line ${e.errors[0]!.line}`);
      assert.match(e.errors[0]!.message, /^YAML: /);
    } finally {
      b.done();
    }
  });

  it('a broken tests/mistakes.yaml: each problem at its line:column, exit 2 before anything runs', async () => {
    const b = brokenCopy('switch-role-admin', {
      mistakes: (t) => t.replace('- name: the role is called temp_user\n  run_until: create-temp-user-role\n', '- name: the role is called temp_user\n  run_until: create-temp-user-rol\n') + '- name: a typo\n  run_until: create-balu\n  comands: []\n  expect: { status: fail, message_matches: x }\n',
    });
    try {
      let r = await run(b.dir);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^iamlab: the lab's recorded mistakes cannot be loaded:\n  .*tests\/mistakes\.yaml:\d+:3: \[\d+\]: unknown field 'comands' — did you mean 'commands'\?\n$/);
      writeFileSync(join(b.dir, 'tests', 'mistakes.yaml'), readFileSync(join(b.dir, 'tests', 'mistakes.yaml'), 'utf8').replace(/- name: a typo\n[^]*$/, ''));
      r = await run(b.dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /tests\/mistakes\.yaml:21:14: \[3\]\.run_until: 'create-temp-user-rol' is not a step of lab switch-role-admin \(steps: create-temp-user-role, create-balu, /);
    } finally {
      b.done();
    }
  });

  it('an unknown lab, a folder without lab.yaml, a file not called lab.yaml: exit 2 with a clear message', async () => {
    let r = await run('switch-role-admn');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^iamlab: there is no lab 'switch-role-admn'\. Labs: .*Did you mean 'switch-role-admin'\?\n$/);
    const empty = mkdtempSync(join(tmpdir(), 'iamlab-no-lab-'));
    try {
      r = await run(empty);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /has no lab\.yaml \(a lab is a folder named after its id, holding lab\.yaml\)\n$/);
      writeFileSync(join(empty, 'my-lab.yaml'), 'id: x\n');
      r = await run(join(empty, 'my-lab.yaml'));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /a lab file is called lab\.yaml, inside a folder named after the lab's id\n$/);
      r = await run(join(empty, 'missing'));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /there is no file or folder /);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('iamlab lab test (built CLI)', () => {
  before(() => ensureBuilt());

  it('a shipped lab by id: exit 0, and the learner home stays untouched', () => {
    const t = tempHome();
    try {
      const r = iamlabCli(['lab', 'test', 'trust-policy-control'], t.home);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /✓ All 26 expectations hold/);
      assert.deepEqual(readdirSync(t.home), []);
    } finally {
      t.done();
    }
  });

  it('a broken copy by path with --json: exit 1 and the failing row; a YAML error: exit 2', () => {
    const t = tempHome();
    const b = brokenCopy('switch-role-admin', { lab: dropLoginProfile });
    try {
      const r = iamlabCli(['lab', 'test', b.dir, '--json'], t.home);
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as JsonReport;
      assert.equal(j.ok, false);
      assert.equal(j.solutions[1]!.step, 'create-balu');
      assert.match(j.solutions[1]!.detail, /^the solution ran, but the step does not pass \(fail\): User balu has no console password/);
      writeFileSync(join(b.dir, 'lab.yaml'), readFileSync(join(b.dir, 'lab.yaml'), 'utf8').replace('steps:\n', 'steps:\n  - id: [oops\n'));
      const y = iamlabCli(['lab', 'test', join(b.dir, 'lab.yaml')], t.home);
      assert.equal(y.code, 2);
      assert.equal(y.stdout, '');
      assert.match(y.stderr, /lab\.yaml:\d+:\d+: YAML: /);
      assert.doesNotMatch(y.stderr, /\n\s+at /);
      assert.ok(!existsSync(join(t.home, 'config.json')));
      const u = iamlabCli(['lab', 'tset', 'x'], t.home);
      assert.equal(u.code, 2);
      assert.match(u.stderr, /unknown lab command 'tset': iamlab lab test <lab \| folder \| lab\.yaml> \[--json\]/);
    } finally {
      b.done();
      t.done();
    }
  });
});
