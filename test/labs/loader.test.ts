// The lab format: the committed JSON Schema is current, and a broken lab file is reported with
// its file, line:column and what is wrong — while the other labs still load.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labJsonSchema } from '../../src/labs/json-schema.js';
import { loadLabs, loadLab, parseLab, LabLoadError, LabNotFoundError } from '../../src/labs/index.js';
import { LABS_DIR, tempHome } from './helpers.js';

const GOOD = readFileSync(join(LABS_DIR, 'zero-permission-user', 'lab.yaml'), 'utf8');

function problems(text: string): LabLoadError {
  try {
    parseLab(text, '/labs/x/lab.yaml');
  } catch (e) {
    assert.ok(e instanceof LabLoadError, `expected LabLoadError, got ${String(e)}`);
    return e;
  }
  assert.fail('the lab loaded, but it is broken');
}

/** Line (1-based) of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture has no ${needle}`);
  return text.slice(0, i).split('\n').length;
}

describe('lab format', () => {
  it('labs/_schema/lab.schema.json is the schema generated from the zod schema (run scripts/gen-lab-schema.ts)', () => {
    const committed = JSON.parse(readFileSync(join(LABS_DIR, '_schema', 'lab.schema.json'), 'utf8')) as unknown;
    assert.deepEqual(committed, JSON.parse(JSON.stringify(labJsonSchema())));
  });

  it('every lab file starts with the yaml-language-server modeline', () => {
    for (const l of loadLabs(LABS_DIR).labs) assert.match(readFileSync(l.file, 'utf8'), /^# yaml-language-server: \$schema=\.\.\/_schema\/lab\.schema\.json\n/);
  });

  it('a YAML syntax error names file, line and column', () => {
    const text = GOOD.replace('title: A user with no permissions assumes a role', 'title: [unclosed');
    const e = problems(text);
    assert.match(e.message, /^\/labs\/x\/lab\.yaml:\d+:\d+: YAML: /);
  });

  it('an unknown field is reported at its key, with a suggestion', () => {
    const text = GOOD.replace('    why: |\n      A user without permissions', '    whyy: |\n      A user without permissions');
    const e = problems(text);
    const p = e.problems.find((x) => /unknown field 'whyy'/.test(x.message));
    assert.ok(p, e.message);
    assert.equal(p.line, lineOf(text, 'whyy:'));
    assert.equal(p.column, 5);
    assert.match(p.message, /did you mean 'why'\?/);
    assert.equal(p.path, 'steps[0]');
  });

  it('a wrong value type names the path and what was found', () => {
    const text = GOOD.replace('minutes: 25', 'minutes: soon');
    const e = problems(text);
    assert.match(e.message, new RegExp(`lab\\.yaml:${lineOf(text, 'minutes: soon')}:10: minutes: expected number, found the text "soon"`));
  });

  it('a check with two kinds, or none, is refused', () => {
    const text = GOOD.replace('          role: { name: AWSEC2FULLACCESS }\n', '          role: { name: AWSEC2FULLACCESS }\n          user: { name: sts_user }\n');
    assert.match(problems(text).message, /a check has exactly one kind, found user and role/);
    const none = GOOD.replace('          role: { name: AWSEC2FULLACCESS }\n', '');
    assert.match(problems(none).message, /a check needs one of: user, role/);
  });

  it('duplicate step ids, unknown hint references and unknown placeholders are refused', () => {
    const dup = GOOD.replace('  - id: note-user-arn', '  - id: create-sts-user');
    const d = problems(dup);
    assert.match(d.message, /duplicate step id 'create-sts-user' \(also steps\[0\]\)/);
    assert.equal(d.problems[0]!.line, lineOf(dup, '  - id: create-sts-user\n    title: Note') + 0);

    const hint = GOOD.replace('        hint: root-vs-user', '        hint: root-versus-user');
    assert.match(problems(hint).message, /hint 'root-versus-user' is not a hint of step 'role-trusts-user' \(hints: your-arn, root-vs-user, attach-to-role\)/);

    const ph = GOOD.replace('"AWS": "arn:aws:iam::{account.main}:user/sts_user"', '"AWS": "arn:aws:iam::{account.prod}:user/sts_user"');
    assert.match(problems(ph).message, /placeholder \{account\.prod\} names an unknown account \(world\.accounts has main\)/);

    const cap = GOOD.replace('- aws iam create-user --user-name sts_user\n        - aws iam create-login-profile', '- aws iam create-user --user-name {USER}\n        - aws iam create-login-profile');
    assert.match(problems(cap).message, /placeholder \{USER\} has no source/);
  });

  it('a task without a check, show: never with skip allowed, and an unknown format are refused', () => {
    const nocheck = GOOD.replace(/    check:\n      all:\n        - id: user-console[\s\S]*?no_permissions: true \}\n/, '');
    assert.match(problems(nocheck).message, /step 'create-sts-user' has no check/);
    const never = GOOD.replace('    solution:\n      show: on_request\n      commands:\n        - aws iam create-user', '    solution:\n      show: never\n      commands:\n        - aws iam create-user');
    assert.match(problems(never).message, /solution\.show: never cannot go with skip: allowed/);
    const fmt = GOOD.replace('format: 1', 'format: 2');
    assert.match(problems(fmt).message, /format 2 is not supported by this iamlab \(it reads format 1\)/);
  });

  it('a solution command the shell cannot parse or run is refused', () => {
    const unclosed = GOOD.replace("- aws iam create-user --user-name sts_user\n", "- aws iam create-user --user-name 'sts_user\n");
    assert.match(problems(unclosed).message, /solution command `aws iam create-user --user-name 'sts_user`: the shell cannot parse it: it is unfinished/);
    const typo = GOOD.replace('- console sign-in sts_user', '- consol sign-in sts_user');
    const e = problems(typo);
    assert.match(e.message, /solution command `consol sign-in sts_user`: 'consol' is not a command of the iamlab shell/);
    assert.equal(e.problems[0]!.line, lineOf(typo, '- consol sign-in'));
  });

  it('a real-account lab: a step that checks the console must allow skip (iamlab cannot see the browser, so there it can only be skipped)', () => {
    assert.match(GOOD, /^backends: \[sim, real\]$/m);
    assert.doesNotThrow(() => parseLab(GOOD, '/labs/x/lab.yaml'));
    const forbidden = GOOD.replace('  - id: ec2-denied\n', '  - id: ec2-denied\n    skip: forbidden\n');
    assert.notEqual(forbidden, GOOD);
    const e = problems(forbidden);
    assert.match(e.message, /step 'ec2-denied' checks the console, which iamlab cannot see on a real account, so there it can only be skipped: allow skip, or remove real from backends/);
    assert.equal(e.problems[0]!.line, lineOf(forbidden, 'skip: forbidden'));
    // the same step on a simulated-only lab is fine (the simulated console is checked)
    assert.doesNotThrow(() => parseLab(forbidden.replace('backends: [sim, real]', 'backends: [sim]'), '/labs/x/lab.yaml'));
    // a task step without console checks may forbid skipping on a real account
    assert.doesNotThrow(() => parseLab(GOOD.replace('  - id: create-sts-user\n', '  - id: create-sts-user\n    skip: forbidden\n'), '/labs/x/lab.yaml'));
  });

  it('one broken lab does not stop the others from loading', () => {
    const t = tempHome();
    try {
      const dir = join(t.home, 'labs');
      cpSync(LABS_DIR, dir, { recursive: true });
      const broken = join(dir, 'trust-policy-control', 'lab.yaml');
      writeFileSync(broken, readFileSync(broken, 'utf8').replace('level: beginner', 'level: expert'));
      const r = loadLabs(dir);
      assert.equal(r.labs.length, 4);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0]!.message, /trust-policy-control[/\\]lab\.yaml:\d+:8: level: expected one of "beginner", "intermediate", "advanced", found the text "expert"/);
      assert.throws(() => loadLab('trust-policy-control', dir), LabLoadError);
      // a lab folder whose id does not match
      mkdirSync(join(dir, 'renamed'));
      writeFileSync(join(dir, 'renamed', 'lab.yaml'), GOOD);
      assert.match(loadLabs(dir).errors.map((x) => x.message).join('\n'), /id 'zero-permission-user' does not match its folder name 'renamed'/);
    } finally {
      t.done();
    }
  });

  it('an unknown lab id lists the labs and suggests the closest', () => {
    assert.throws(
      () => loadLab('zero-permision-user', LABS_DIR),
      (e: unknown) => e instanceof LabNotFoundError && /there is no lab 'zero-permision-user'\. Labs: .*Did you mean 'zero-permission-user'\?/.test(e.message),
    );
  });
});
