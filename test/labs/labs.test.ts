// Every lab tests itself (lab-format §5.6): on a fresh world every step fails; each step's
// solution, done in order through the shell, makes that step and every earlier step pass; and
// each recorded mistake (labs/<id>/tests/mistakes.yaml) fails its step with a message that
// points at the mistake. At least two mistakes per step.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadLabs } from '../../src/labs/index.js';
import { loadMistakes, checkFreshWorld, checkSolutions, checkMistake } from '../../src/labs/selftest.js';
import { LABS_DIR } from './helpers.js';

const { labs, errors } = loadLabs(LABS_DIR);

it('every lab in labs/ loads', () => {
  assert.deepEqual(
    errors.map((e) => e.message),
    [],
  );
  assert.deepEqual(
    labs.map((l) => l.id).sort(),
    ['cross-account-cli', 'james-s3-readonly', 'switch-role-admin', 'trust-policy-control', 'zero-permission-user'],
  );
});

// The runs themselves live in src/labs/selftest.ts, which `iamlab lab test` uses too.
const rowText = (r: { step: string; name?: string; detail: string; transcript?: string }) => `${r.step}${r.name ? ` (${r.name})` : ''}: ${r.detail}${r.transcript ? `\n${r.transcript}` : ''}`;

for (const lab of labs) {
  const recorded = loadMistakes(lab);

  describe(`lab ${lab.id}`, () => {
    it('has a tests/mistakes.yaml', () => assert.ok(recorded.exists, recorded.file));

    it('gives every step instructions, a why, hints and a solution', () => {
      for (const step of lab.steps) {
        assert.ok(step.text.trim().length > 40, `${step.id}: instructions`);
        assert.ok(step.why && step.why.trim().length > 40, `${step.id}: why it matters`);
        assert.ok(step.hints && step.hints.length >= 1, `${step.id}: hints`);
        assert.ok(step.solution, `${step.id}: solution`);
      }
    });

    it('has at least two recorded mistakes for every step', () => {
      for (const step of lab.steps) {
        const n = recorded.mistakes.filter((m) => m.step === step.id).length;
        assert.ok(n >= 2, `step ${step.id} has ${n} recorded mistake(s); at least two are needed`);
      }
    });

    it('fails every step on a fresh world, each with a message', async () => {
      const rows = await checkFreshWorld(lab);
      assert.equal(rows.length, lab.steps.length);
      for (const r of rows) {
        assert.equal(r.result, 'ok', rowText(r));
        // every step of the shipped labs has a check: none is a read step
        assert.equal(r.status, 'fail', rowText(r));
      }
    });

    it('passes each step, and every earlier one, when the solutions are done in order', async () => {
      const rows = await checkSolutions(lab);
      assert.deepEqual(rows.map((r) => r.step), lab.steps.map((s) => s.id));
      for (const r of rows) assert.equal(r.result, 'ok', rowText(r));
    });

    for (const m of recorded.mistakes) {
      it(`mistake: ${m.name}`, async () => {
        const r = await checkMistake(lab, m);
        assert.equal(r.result, 'ok', rowText(r));
        assert.equal(r.status, m.case.expect.status);
      });
    }
  });
}
