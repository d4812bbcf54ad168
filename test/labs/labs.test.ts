// Every lab tests itself (lab-format §5.6): on a fresh world every step fails; each step's
// solution, done in order through the shell, makes that step and every earlier step pass; and
// each recorded mistake (labs/<id>/tests/mistakes.yaml) fails its step with a message that
// points at the mistake. At least two mistakes per step.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadLabs } from '../../src/labs/index.js';
import { LABS_DIR, freshLab, doStep, fillAccounts } from './helpers.js';
import { jsonPath, solutionVars } from '../../src/labs/solution.js';
import { fillTemplate } from '../../src/checks/template.js';

const Case = z.strictObject({
  name: z.string(),
  run: z.union([z.literal('solution'), z.array(z.string()).max(0)]).optional(),
  run_until: z.string().optional(),
  files: z.record(z.string(), z.string()).optional(),
  commands: z.array(z.union([z.string(), z.strictObject({ run: z.string(), capture: z.record(z.string(), z.string()) })])).optional(),
  answers: z.record(z.string(), z.string()).optional(),
  expect: z.union([
    z.strictObject({ all_steps: z.enum(['pass', 'fail']) }),
    z.strictObject({ step: z.string().optional(), status: z.enum(['fail', 'error']), diagnosis: z.string().optional(), message_matches: z.string() }),
  ]),
});
type Case = z.infer<typeof Case>;

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

for (const lab of labs) {
  const cases = z.array(Case).parse(parse(readFileSync(join(lab.dir, 'tests', 'mistakes.yaml'), 'utf8')));

  describe(`lab ${lab.id}`, () => {
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
        const n = cases.filter((c) => 'status' in c.expect && (c.expect.step ?? c.run_until) === step.id).length;
        assert.ok(n >= 2, `step ${step.id} has ${n} recorded mistake(s); at least two are needed`);
      }
    });

    it('fails every step on a fresh world, each with a message', async () => {
      const s = await freshLab(lab.id);
      try {
        const all = await s.checkAll();
        for (const r of all) {
          assert.equal(r.status, 'fail', `${r.stepId} on a fresh world: ${r.status} — ${r.message}`);
          assert.ok(r.message.length > 20 && !/^failed\.?$/i.test(r.message), `${r.stepId}: message "${r.message}"`);
        }
      } finally {
        s.cleanup();
      }
    });

    it('passes each step, and every earlier one, when the solutions are done in order', async () => {
      const s = await freshLab(lab.id);
      try {
        for (const [i, step] of lab.steps.entries()) {
          assert.equal(s.progress.current, step.id, `before doing ${step.id} the current step should be it`);
          await doStep(s, step);
          const all = await s.checkAll();
          for (const r of all.slice(0, i + 1)) assert.ok(r.passed, `after the solution of ${step.id}, step ${r.stepId} should pass: ${r.message}`);
          // The lab moved on by itself (tasks: after the shell line; questions: after the answer).
          assert.equal(s.progress.current, lab.steps[i + 1]?.id ?? null, `after ${step.id} the lab should move on`);
          assert.ok(s.progress.steps[step.id]?.passed_at, `${step.id} has passed_at`);
          assert.equal(s.progress.steps[step.id]?.skipped, false);
        }
      } finally {
        s.cleanup();
      }
    });

    for (const c of cases) {
      if (!('status' in c.expect)) continue;
      const exp = c.expect;
      const stepId = exp.step ?? c.run_until;
      it(`mistake: ${c.name}`, async () => {
        assert.ok(stepId && lab.steps.some((s) => s.id === stepId), `case "${c.name}" names no step of the lab`);
        const s = await freshLab(lab.id, { autoAdvance: false });
        try {
          const until = lab.steps.findIndex((x) => x.id === (c.run_until ?? stepId));
          for (const step of lab.steps.slice(0, until)) {
            await doStep(s, step);
            if (s.progress.current === step.id) {
              const adv = await s.advance();
              assert.ok(adv.ok, `${step.id} should pass before the mistake: ${adv.ok ? '' : adv.reason}`);
            }
          }
          mkdirSync(s.paths.workspace, { recursive: true });
          const now = () => solutionVars(s.accounts, s.world.clock.now(), {});
          for (const [name, body] of Object.entries(c.files ?? {})) writeFileSync(join(s.paths.workspace, name), fillTemplate(body, now()));
          const transcript: string[] = [];
          const vars: Record<string, string> = {};
          for (const spec of c.commands ?? []) {
            const cmd = fillTemplate(fillAccounts(s, typeof spec === 'string' ? spec : spec.run), vars);
            const r = await s.run(cmd);
            transcript.push(`$ ${cmd}\n${r.stdout}${r.stderr}`);
            if (typeof spec !== 'string') {
              for (const [name, path] of Object.entries(spec.capture)) {
                const v = jsonPath(JSON.parse(r.stdout), path);
                assert.equal(typeof v, 'string', `capture ${path} from: ${r.stdout}${r.stderr}`);
                vars[name] = v as string;
              }
            }
          }
          for (const [q, a] of Object.entries(c.answers ?? {})) await s.answer(fillAccounts(s, a), q === 'answer' ? { step: stepId! } : { step: stepId!, question: q });
          const res = await s.checkStep(stepId);
          const info = `\n${res.status}: ${res.message} [${res.diagnosis ?? '-'}]\n${transcript.join('')}`;
          assert.equal(res.status, exp.status, `expected ${exp.status}${info}`);
          assert.match(res.message, new RegExp(exp.message_matches), `the message should point at the mistake${info}`);
          if (exp.diagnosis) assert.equal(res.diagnosis, exp.diagnosis, `diagnosis${info}`);
          assert.ok((s.progress.steps[stepId!]?.attempts ?? 0) >= 1, 'a failed check counts as an attempt');
        } finally {
          s.cleanup();
        }
      });
    }
  });
}
