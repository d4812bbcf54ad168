// A lab's self-test (lab-format §5.6), shared by `iamlab lab test` and the test suite:
//  - on a fresh world every step fails, each with a message that says what is missing;
//  - each step's solution, done in order through the shell, passes that step and every earlier one,
//    and the lab moves on by itself;
//  - each recorded mistake (tests/mistakes.yaml) fails its step with the expected message.
// Every run happens in a throwaway home (a temporary folder removed afterwards), so a learner's
// progress and worlds are never read or written.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Lab, Step } from './schema.js';
import { LabLoadError, type LabProblem } from './lab-files.js';
import { parseYamlWith } from './loader.js';
import { openLab, type LabSession, type OpenLabOptions } from './session.js';
import { jsonPath, runSolution, solutionVars, type SolutionRun } from './solution.js';
import { fillTemplate } from '../checks/template.js';
import type { CheckStatus } from '../checks/types.js';

// ---------------------------------------------------------------- tests/mistakes.yaml

const MistakeCaseSchema = z.strictObject({
  name: z.string(),
  /** `solution` / `[]` restate the solution and fresh-world runs (with expect: {all_steps: …}). */
  run: z.union([z.literal('solution'), z.array(z.string()).max(0)]).optional(),
  /** The solutions of the steps before this one run first. */
  run_until: z.string().optional(),
  files: z.record(z.string(), z.string()).optional(),
  commands: z.array(z.union([z.string(), z.strictObject({ run: z.string(), capture: z.record(z.string(), z.string()) })])).optional(),
  answers: z.record(z.string(), z.string()).optional(),
  expect: z.union([
    z.strictObject({ all_steps: z.enum(['pass', 'fail']) }),
    z.strictObject({ step: z.string().optional(), status: z.enum(['fail', 'error']), diagnosis: z.string().optional(), message_matches: z.string() }),
  ]),
});
export const MistakesFileSchema = z.array(MistakeCaseSchema);
export type MistakeCase = z.infer<typeof MistakeCaseSchema>;

/** A recorded mistake: a case that expects its step to fail (or error) with a message. */
export interface Mistake {
  name: string;
  step: string;
  case: MistakeCase & { expect: { status: 'fail' | 'error'; message_matches: string; diagnosis?: string } };
}

export interface LabMistakes {
  file: string;
  /** False when the lab has no tests/mistakes.yaml. */
  exists: boolean;
  mistakes: Mistake[];
  /** Cases with expect: {all_steps: …}: covered by the fresh-world and solution runs. */
  restated: number;
}

/**
 * Reads a lab's tests/mistakes.yaml. A YAML or shape error, a case naming no step of the lab, a
 * message_matches that is not a regular expression: a LabLoadError with line:column.
 */
export function loadMistakes(lab: Lab): LabMistakes {
  const file = join(lab.dir, 'tests', 'mistakes.yaml');
  if (!existsSync(file)) return { file, exists: false, mistakes: [], restated: 0 };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabLoadError(file, [{ line: 1, column: 1, path: '', message: `cannot read the file: ${(e as Error).message}`, severity: 'error' }], lab.id);
  }
  const { data, where } = parseYamlWith(text, file, MistakesFileSchema.nullable(), lab.id);
  const cases = data ?? [];
  const problems: LabProblem[] = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ ...where(path), path: path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, ''), message, severity: 'error' });
  const stepIds = lab.steps.map((s) => s.id);
  const mistakes: Mistake[] = [];
  let restated = 0;
  cases.forEach((c, i) => {
    const exp = c.expect;
    if ('all_steps' in exp) {
      restated++;
      return;
    }
    const step = exp.step ?? c.run_until;
    if (!step) return add([i, 'expect'], `case "${c.name}" names no step: give expect.step or run_until`);
    for (const [path, id] of [[[i, 'expect', 'step'], exp.step] as const, [[i, 'run_until'], c.run_until] as const]) {
      if (id !== undefined && !stepIds.includes(id)) add([...path], `'${id}' is not a step of lab ${lab.id} (steps: ${stepIds.join(', ')})`);
    }
    if (exp.step && c.run_until && stepIds.indexOf(c.run_until) > stepIds.indexOf(exp.step)) add([i, 'run_until'], `run_until '${c.run_until}' comes after the step it checks ('${exp.step}'): that step's own solution would have run`);
    try {
      new RegExp(exp.message_matches);
    } catch (e) {
      add([i, 'expect', 'message_matches'], `not a regular expression: ${(e as Error).message}`);
    }
    mistakes.push({ name: c.name, step, case: c as Mistake['case'] });
  });
  if (problems.length) throw new LabLoadError(file, problems, lab.id);
  return { file, exists: true, mistakes, restated };
}

// ---------------------------------------------------------------- sessions and steps

/** A session on a fresh world of the lab, in its own temporary home; cleanup() removes the home. */
export async function throwawaySession(lab: Lab, opts: OpenLabOptions & { tmp?: string } = {}): Promise<LabSession & { cleanup: () => void }> {
  const { tmp, ...rest } = opts;
  if (tmp) mkdirSync(tmp, { recursive: true });
  const home = mkdtempSync(join(tmp ?? tmpdir(), 'iamlab-selftest-'));
  const cleanup = () => rmSync(home, { recursive: true, force: true });
  try {
    const s = await openLab(lab.id, { realTime: false, ...rest, lab, home });
    return Object.assign(s, { cleanup });
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** {account.KEY} filled in with the session's account ids. */
export function fillAccounts(s: LabSession, text: string): string {
  const vars: Record<string, string> = {};
  for (const [k, id] of Object.entries(s.accounts)) vars[`account.${k}`] = id;
  return fillTemplate(text, vars);
}

/** Do a step as a learner would: its solution's files and commands through the shell, or its answers. */
export async function runStepSolution(s: LabSession, step: Step): Promise<SolutionRun> {
  const kind = step.kind ?? 'task';
  const sol = step.solution;
  if (!sol) return kind === 'read' ? { ok: true, transcript: '' } : { ok: false, transcript: '', failed: { command: '(none)', exitCode: 0, stderr: `step ${step.id} has no solution` } };
  if (kind === 'answer' || kind === 'quiz') {
    const answers = Object.entries(sol.answers ?? {});
    for (const [q, a] of answers) await s.answer(fillAccounts(s, a), kind === 'answer' ? { step: step.id } : { step: step.id, question: q });
    return { ok: true, transcript: answers.map(([q, a]) => `answer ${kind === 'quiz' ? `--question ${q} ` : ''}${fillAccounts(s, a)}\n`).join('') };
  }
  s.progress.vars ??= {};
  return runSolution(sol, { run: (line) => s.run(line) }, { workspaceDir: s.paths.workspace, accounts: s.accounts, now: () => s.world.clock.now(), vars: s.progress.vars });
}

function describeFailedRun(r: SolutionRun): string {
  const f = r.failed;
  if (!f) return '';
  return f.command === '(none)' ? f.stderr : `\`${f.command}\` failed (exit ${f.exitCode})${f.stderr.trim() ? `: ${f.stderr.trim()}` : ''}`;
}

// ---------------------------------------------------------------- the three runs

export type SelfTestPhase = 'fresh' | 'solution' | 'mistake';

export interface SelfTestRow {
  phase: SelfTestPhase;
  step: string;
  /** The recorded mistake's name (phase mistake). */
  name?: string;
  /** ok: the expectation holds; fail: it does not; not_run: an earlier failure kept it from running. */
  result: 'ok' | 'fail' | 'not_run';
  /** What happened, in words: the check's message when ok, the reason when not. */
  detail: string;
  /** The step check's own outcome, when it ran. */
  status?: CheckStatus;
  message?: string;
  diagnosis?: string;
  /** What ran through the shell, when a row failed. */
  transcript?: string;
  /** Phase solution: the step's solution does make it pass (a row can fail for another reason, e.g. the lab moving on too far). */
  solutionPasses?: boolean;
}

const MEANINGLESS = /^(failed|fail|wrong|no|not yet|incorrect)\.?$/i;

/** On a fresh world every step fails with a message (a read step, with nothing to check, is fine). */
export async function checkFreshWorld(lab: Lab, opts: { tmp?: string } = {}): Promise<SelfTestRow[]> {
  const s = await throwawaySession(lab, opts);
  try {
    const all = await s.checkAll();
    return all.map((r, i) => {
      const step = lab.steps[i]!;
      const base = { phase: 'fresh' as const, step: r.stepId, status: r.status, message: r.message, ...(r.diagnosis ? { diagnosis: r.diagnosis } : {}) };
      if ((step.kind ?? 'task') === 'read' && !step.check) return { ...base, result: 'ok' as const, detail: 'a read step: nothing to check' };
      if (r.status === 'pass') return { ...base, result: 'fail' as const, detail: 'passes on a fresh world, before the learner did anything' };
      if (r.status !== 'fail') return { ...base, result: 'fail' as const, detail: `the check could not decide (${r.status}): ${r.message}` };
      if (r.message.trim().length <= 20 || MEANINGLESS.test(r.message.trim())) return { ...base, result: 'fail' as const, detail: `fails, but its message "${r.message}" does not say what is missing` };
      return { ...base, result: 'ok' as const, detail: r.message };
    });
  } finally {
    s.cleanup();
  }
}

/**
 * The solutions, in order, on one fresh world: after each, that step and every earlier one pass,
 * the lab has moved on by itself, and the step is recorded as passed (not skipped). The first
 * failure stops the run; the later steps are reported as not run.
 */
export async function checkSolutions(lab: Lab, opts: { tmp?: string } = {}): Promise<SelfTestRow[]> {
  const rows: SelfTestRow[] = [];
  const s = await throwawaySession(lab, opts);
  try {
    for (const [i, step] of lab.steps.entries()) {
      const row = (result: SelfTestRow['result'], detail: string, extra: Partial<SelfTestRow> = {}) => rows.push({ phase: 'solution', step: step.id, result, detail, ...extra });
      if (s.progress.current !== step.id) {
        row('fail', `before its solution the lab should be at this step, but it is at ${s.progress.current ?? 'the end'}`);
        break;
      }
      const run = await runStepSolution(s, step);
      if (!run.ok) {
        row('fail', `the solution stopped: ${describeFailedRun(run)}`, { transcript: run.transcript });
        break;
      }
      if ((step.kind ?? 'task') === 'read' && s.progress.current === step.id) await s.advance();
      const all = await s.checkAll();
      const own = all[i]!;
      const extra = { status: own.status, message: own.message, ...(own.diagnosis ? { diagnosis: own.diagnosis } : {}), transcript: run.transcript, solutionPasses: own.passed };
      if (!own.passed) {
        row('fail', `the solution ran, but the step does not pass (${own.status}): ${own.message}`, extra);
        break;
      }
      const broken = all.slice(0, i).find((r) => !r.passed);
      if (broken) {
        row('fail', `after this solution the earlier step ${broken.stepId} no longer passes: ${broken.message}`, extra);
        break;
      }
      const next = lab.steps[i + 1]?.id ?? null;
      if (s.progress.current !== next) {
        const at = s.progress.current;
        const tooFar = at === null || lab.steps.findIndex((x) => x.id === at) > i + 1;
        row(
          'fail',
          tooFar
            ? `the step passes, but the lab moved on past ${next} too (it is at ${at ?? 'the end'}): ${next} passed before its own solution ran`
            : `the step passes, but the lab did not move on by itself (it is at ${at}, expected ${next ?? 'the end'})`,
          extra,
        );
        break;
      }
      const sp = s.progress.steps[step.id];
      if (!sp?.passed_at || sp.skipped) {
        row('fail', `the step passes, but its progress says ${sp?.skipped ? 'skipped' : 'not passed'}`, extra);
        break;
      }
      const { transcript: _t, solutionPasses: _p, ...kept } = extra;
      row('ok', i === 0 ? 'passes' : i === 1 ? 'passes, and the earlier step still passes' : `passes, and the ${i} earlier steps still pass`, kept);
    }
  } finally {
    s.cleanup();
  }
  const failedAt = rows.find((r) => r.result === 'fail')?.step;
  for (const step of lab.steps.slice(rows.length)) rows.push({ phase: 'solution', step: step.id, result: 'not_run', detail: `not tried: the solutions stop at ${failedAt}` });
  return rows;
}

/**
 * One recorded mistake on a fresh world: the solutions of the earlier steps (each must pass), then
 * the case's files, commands and answers; then its step's check must end in the expected status,
 * with a message matching message_matches (and the expected diagnosis), counted as an attempt.
 */
export async function checkMistake(lab: Lab, m: Mistake, opts: { tmp?: string } = {}): Promise<SelfTestRow> {
  const c = m.case;
  const exp = c.expect;
  const out = (result: SelfTestRow['result'], detail: string, extra: Partial<SelfTestRow> = {}): SelfTestRow => ({ phase: 'mistake', step: m.step, name: m.name, result, detail, ...extra });
  const s = await throwawaySession(lab, { ...opts, autoAdvance: false });
  try {
    const until = lab.steps.findIndex((x) => x.id === (c.run_until ?? m.step));
    for (const step of lab.steps.slice(0, until)) {
      const run = await runStepSolution(s, step);
      if (!run.ok) return out('fail', `could not set up the mistake: the solution of the earlier step ${step.id} stopped: ${describeFailedRun(run)}`, { transcript: run.transcript });
      if (s.progress.current === step.id) {
        const adv = await s.advance();
        if (!adv.ok) return out('fail', `could not set up the mistake: the earlier step ${step.id} does not pass after its solution: ${adv.reason}`, { transcript: run.transcript });
      }
    }
    mkdirSync(s.paths.workspace, { recursive: true });
    const vars: Record<string, string> = {};
    const fill = (t: string) => fillTemplate(t, solutionVars(s.accounts, s.world.clock.now(), vars));
    for (const [name, body] of Object.entries(c.files ?? {})) writeFileSync(join(s.paths.workspace, name), fill(body));
    const transcript: string[] = [];
    for (const spec of c.commands ?? []) {
      const cmd = fill(typeof spec === 'string' ? spec : spec.run);
      const r = await s.run(cmd);
      transcript.push(`$ ${cmd}\n${r.stdout}${r.stdout && !r.stdout.endsWith('\n') ? '\n' : ''}${r.stderr}${r.stderr && !r.stderr.endsWith('\n') ? '\n' : ''}`);
      if (typeof spec !== 'string') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(r.stdout);
        } catch {
          parsed = undefined;
        }
        for (const [name, path] of Object.entries(spec.capture)) {
          const v = jsonPath(parsed, path);
          if (typeof v !== 'string') return out('fail', `could not set up the mistake: \`${cmd}\` printed no ${path} to capture as ${name}`, { transcript: transcript.join('') });
          vars[name] = v;
        }
      }
    }
    for (const [q, a] of Object.entries(c.answers ?? {})) {
      const text = fillAccounts(s, a);
      transcript.push(`answer ${q === 'answer' ? '' : `--question ${q} `}${text}\n`);
      try {
        await s.answer(text, q === 'answer' ? { step: m.step } : { step: m.step, question: q });
      } catch (e) {
        return out('fail', `could not give the answer ${q}: ${(e as Error).message}`, { transcript: transcript.join('') });
      }
    }
    const res = await s.checkStep(m.step);
    const extra = { status: res.status, message: res.message, ...(res.diagnosis ? { diagnosis: res.diagnosis } : {}) };
    const problems: string[] = [];
    if (res.status !== exp.status) problems.push(res.status === 'pass' ? `the step passes — the check does not catch this mistake` : `expected ${exp.status}, got ${res.status}`);
    if (!new RegExp(exp.message_matches).test(res.message)) problems.push(`the message does not match /${exp.message_matches}/: "${res.message}"`);
    if (exp.diagnosis && res.diagnosis !== exp.diagnosis) problems.push(`expected diagnosis ${exp.diagnosis}, got ${res.diagnosis ?? 'none'}`);
    if (res.status === 'fail' && (s.progress.steps[m.step]?.attempts ?? 0) < 1) problems.push('the failed check was not counted as an attempt');
    if (problems.length) return out('fail', problems.join('; '), { ...extra, transcript: transcript.join('') });
    return out('ok', `${res.status}s: ${res.message}`, extra);
  } finally {
    s.cleanup();
  }
}

export interface SelfTestReport {
  lab: { id: string; title: string; file: string };
  /** True when every row holds. */
  ok: boolean;
  rows: SelfTestRow[];
  mistakes: { file: string; exists: boolean; count: number; restated: number };
}

/**
 * The whole self-test of a lab: fresh world, solutions in order, every recorded mistake.
 * `onRow` hears each row as it is decided (for a live report). Throws LabLoadError for a broken
 * tests/mistakes.yaml (before anything runs) unless `mistakes` gives them already loaded.
 */
export async function selfTestLab(lab: Lab, opts: { tmp?: string; onRow?: (r: SelfTestRow) => void; mistakes?: LabMistakes } = {}): Promise<SelfTestReport> {
  const recorded = opts.mistakes ?? loadMistakes(lab);
  const root = mkdtempSync(join(opts.tmp ?? tmpdir(), 'iamlab-lab-test-'));
  const rows: SelfTestRow[] = [];
  const emit = (r: SelfTestRow) => {
    rows.push(r);
    opts.onRow?.(r);
  };
  try {
    for (const r of await checkFreshWorld(lab, { tmp: root })) emit(r);
    const solutions = await checkSolutions(lab, { tmp: root });
    for (const r of solutions) emit(r);
    // A mistake is set up with the solutions of the steps before it: past a solution that does
    // not pass, it cannot be tried.
    const broken = solutions.find((r) => r.result === 'fail' && !r.solutionPasses)?.step;
    const brokenAt = broken ? lab.steps.findIndex((s) => s.id === broken) : Infinity;
    for (const m of recorded.mistakes) {
      const until = lab.steps.findIndex((x) => x.id === (m.case.run_until ?? m.step));
      if (until > brokenAt) emit({ phase: 'mistake', step: m.step, name: m.name, result: 'not_run', detail: `not tried: it starts after the solution of ${broken}, which does not pass` });
      else emit(await checkMistake(lab, m, { tmp: root }));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return {
    lab: { id: lab.id, title: lab.title, file: lab.file },
    ok: rows.every((r) => r.result === 'ok'),
    rows,
    mistakes: { file: recorded.file, exists: recorded.exists, count: recorded.mistakes.length, restated: recorded.restated },
  };
}
