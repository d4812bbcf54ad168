// `iamlab labs`, `iamlab check <lab>` and `iamlab reset <lab>` (called by src/cli.ts).
import { createInterface } from 'node:readline/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventMark } from '../checks/types.js';
import { LabLoadError, LabNotFoundError, closest, defaultLabsDir } from './lab-files.js';
import { loadLabCached, loadLabsCached } from './lab-cache.js';
import { ProgressStore } from './progress.js';
import { openLab, LabNotReadyError } from './session.js';
import type { StepCheck } from '../checks/step.js';

const MARK: Record<string, string> = { pass: '✓ PASS', fail: '✗ FAIL', pending: '… WAIT', error: '! ERROR' };
const LEAF_MARK: Record<string, string> = { pass: '✓', fail: '✗', pending: '…', error: '!' };

function err(msg: string): void {
  process.stderr.write(`iamlab: ${msg.replace(/\n/g, '\n  ')}\n`);
}

/** Known lab problems → a message and exit code 2; anything else is a bug and propagates. */
function userError(e: unknown): number | undefined {
  if (e instanceof LabNotFoundError || e instanceof LabLoadError || e instanceof LabNotReadyError) {
    err(e.message);
    return 2;
  }
  if (e instanceof Error && (e.name === 'LabSetupError' || e.name === 'WorldSnapshotError')) {
    err(e.message);
    return 2;
  }
  return undefined;
}

export async function labsCommand(opts: { json?: boolean }): Promise<number> {
  const store = new ProgressStore();
  const { labs, errors } = await loadLabsCached({ labsDir: defaultLabsDir(), cacheDir: join(store.home, 'cache', 'labs') });
  for (const w of store.warnings) err(w);
  const rows = labs.map((l) => {
    const p = store.get(l.id);
    const done = p ? l.steps.filter((s) => p.steps[s.id]?.passed_at || p.steps[s.id]?.skipped).length : 0;
    const r = store.get(l.id, 'real');
    const realDone = r ? l.steps.filter((s) => r.steps[s.id]?.passed_at || r.steps[s.id]?.skipped).length : 0;
    return {
      id: l.id,
      title: l.title,
      seed: l.seed ?? null,
      level: l.level,
      minutes: l.minutes,
      steps: l.steps.length,
      progress: { started: !!p, done, total: l.steps.length, current: p ? p.current : null, finished: !!p && p.current === null },
      backends: l.backends ?? ['sim'],
      /** Progress on a real AWS account (a separate record), or null. */
      real_progress: r ? { done: realDone, total: l.steps.length, current: r.current, finished: r.current === null, account_id: r.account_id ?? null } : null,
    };
  });
  if (opts.json) {
    process.stdout.write(JSON.stringify({ labs: rows, errors: errors.map((e) => ({ file: e.file, message: e.message })) }, null, 2) + '\n');
  } else {
    const w = Math.max(...rows.map((r) => r.id.length), 2);
    const lines = rows.map((r) => {
      const prog = r.progress.finished ? '✓ done' : r.progress.started ? `${r.progress.done}/${r.progress.total} done` : 'not started';
      const real = r.real_progress ? `; on AWS account ${r.real_progress.account_id ?? '?'}: ${r.real_progress.finished ? 'done' : `${r.real_progress.done}/${r.real_progress.total}`}` : '';
      return `  ${r.id.padEnd(w)}  ${prog.padEnd(11)}  ${r.title}  (${r.steps} steps, ~${r.minutes} min, ${r.level}${r.backends.includes('real') ? '' : ', simulated account only'}${real})`;
    });
    process.stdout.write(`Labs:\n${lines.join('\n')}\n\nStart one with: iamlab start <lab>   or   iamlab shell --lab <lab>\n`);
  }
  for (const e of errors) err(`this lab could not be loaded:\n${e.message}`);
  return 0;
}

export async function checkCommand(opts: {
  lab: string;
  json?: boolean;
  /** List each part of each step's check, its verdict, and what it read or decided. */
  evidence?: boolean;
  real?: boolean;
  profile?: string | undefined;
  /** The second account's profile, for two-account labs on a real account (--profile2). */
  profile2?: string | undefined;
  region?: string | undefined;
  /** Tests: another home / labs folder / real backend options. */
  home?: string | undefined;
  labsDir?: string | undefined;
  realBackendOptions?: import('../real/backend.js').RealBackendOptions | undefined;
}): Promise<number> {
  let results: StepCheck[];
  let title: string;
  let started: boolean;
  if (opts.real) {
    // The real account, read-only, through the real-account mode's checker (src/real/checks.ts);
    // answers, step start marks and the shell's call log come from the learner's real-mode progress.
    try {
      const { checkReal } = await import('../real/checks.js');
      const store = new ProgressStore(opts.home);
      for (const w of store.warnings) err(w);
      // the real-account record (labs-real.<id>), never the simulated account's
      const rp = store.get(opts.lab, 'real');
      const answers: Record<string, { answer?: string; questions?: Record<string, string> }> = {};
      const marks: { lab?: EventMark; steps: Record<string, EventMark> } = { steps: {} };
      if (rp) {
        if (rp.mark) marks.lab = rp.mark;
        for (const [id, st] of Object.entries(rp.steps)) {
          if (st.mark) marks.steps[id] = st.mark;
          if (typeof st.answer === 'string') answers[id] = { answer: st.answer };
          else if (st.answer) answers[id] = { questions: st.answer };
        }
      }
      const events = join(store.labDir(opts.lab), 'real-events.jsonl');
      const report = await checkReal(opts.lab, {
        ...(opts.profile ? { profile: opts.profile } : {}),
        ...(opts.profile2 ? { profile2: opts.profile2 } : {}),
        ...(opts.region ? { region: opts.region } : {}),
        ...(opts.labsDir ? { labsDir: opts.labsDir } : {}),
        ...(opts.realBackendOptions ? { backendOptions: opts.realBackendOptions } : {}),
        answers,
        marks,
        ...(existsSync(events) ? { events } : {}),
      });
      if (report.problem) err(report.problem);
      const checked = Object.values(report.accounts)[0];
      if (rp?.account_id && checked && checked !== rp.account_id) {
        err(`your progress of ${opts.lab} on a real account was made in AWS account ${rp.account_id}, but this profile reads account ${checked}: the answers and step start times from it were used anyway`);
      }
      results = report.steps;
      title = `${report.title} (AWS account ${Object.values(report.accounts).join(', ') || 'unknown'})`;
    } catch (e) {
      const code = userError(e);
      if (code !== undefined) return code;
      throw e;
    }
    return printCheck(opts, results, title, '');
  }
  try {
    const s = await openLab(opts.lab, { readOnly: true, realTime: false, ...(opts.home ? { home: opts.home } : {}), ...(opts.labsDir ? { labsDir: opts.labsDir } : {}) });
    for (const w of s.warnings) err(w);
    started = !!new ProgressStore(opts.home).get(opts.lab);
    title = s.lab.title;
    results = await s.checkAll();
  } catch (e) {
    const code = userError(e);
    if (code !== undefined) return code;
    throw e;
  }
  return printCheck(opts, results, title, started ? '' : ' (not started yet: checking a fresh world)');
}

/** Each part of a check: what it is, its verdict and message, and what it read or decided (once each). */
function leavesOf(r: StepCheck): Array<{ id: string; label?: string; status: string; message: string; evidence: Array<{ kind: string; text: string }> }> {
  return r.leaves.map((l) => {
    const seen = new Set<string>();
    const evidence = l.evidence.filter((e) => !seen.has(e.text) && seen.add(e.text)).map((e) => ({ kind: e.kind, text: e.text }));
    return { id: l.id ?? '', ...(l.label ? { label: l.label } : {}), status: l.status, message: l.message, evidence };
  });
}

function printCheck(opts: { lab: string; json?: boolean; evidence?: boolean }, results: StepCheck[], title: string, note: string): number {
  const allPass = results.every((r) => r.passed);
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ lab: opts.lab, steps: results.map((r) => ({ id: r.stepId, title: r.title, passed: r.passed, status: r.status, message: r.message, leaves: leavesOf(r) })) }, null, 2) + '\n',
    );
    return allPass ? 0 : 1;
  }
  const idw = Math.max(4, ...results.map((r) => r.stepId.length));
  const pad = ' '.repeat(2 + 2 + idw + 2 + 6 + 2);
  const lines = [`${opts.lab} — ${title}${note}`, '', ` #  ${'step'.padEnd(idw)}  result  title / what is missing`];
  results.forEach((r, i) => {
    lines.push(`${String(i + 1).padStart(2)}  ${r.stepId.padEnd(idw)}  ${MARK[r.status]!.padEnd(6)}  ${r.title}`);
    if (!r.passed) lines.push(`${pad}${r.message}`);
    if (opts.evidence) {
      for (const l of leavesOf(r)) {
        lines.push(`${pad}${LEAF_MARK[l.status] ?? '?'} ${l.label ?? l.message}`);
        for (const e of l.evidence) lines.push(`${pad}    ${e.kind}: ${e.text}`);
      }
    }
  });
  const n = results.filter((r) => r.passed).length;
  lines.push('', allPass ? `All ${results.length} steps pass.` : `${n} of ${results.length} steps pass.`);
  process.stdout.write(lines.join('\n') + '\n');
  return allPass ? 0 : 1;
}

export interface ResetOptions {
  lab: string;
  yes?: boolean;
  /** Go back to this step instead of starting over (`--step`): see resetStepCommand. */
  step?: string | undefined;
  /** Tests: another home / labs folder, output streams, and the y/N question's answer. */
  home?: string | undefined;
  labsDir?: string | undefined;
  out?: Out;
  err?: Out;
  confirm?: (question: string) => Promise<boolean>;
}

export async function resetCommand(opts: ResetOptions): Promise<number> {
  if (opts.step !== undefined) return resetStepCommand({ ...opts, step: opts.step });
  try {
    await loadLabCached(opts.lab, { labsDir: defaultLabsDir() });
  } catch (e) {
    const code = userError(e);
    if (code !== undefined) return code;
    throw e;
  }
  if (!opts.yes) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      err(`reset deletes lab ${opts.lab}'s simulated account, shell state, workspace files and progress. Not on a terminal, so not asking: run \`iamlab reset ${opts.lab} --yes\`.`);
      return 2;
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Reset lab ${opts.lab}? This deletes its simulated account, shell state, workspace files and progress. [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stdout.write('Nothing was changed.\n');
      return 1;
    }
  }
  try {
    const s = await openLab(opts.lab, { fresh: true });
    for (const w of s.warnings) err(w);
    process.stdout.write(`Lab ${opts.lab} was reset: a fresh world, progress cleared, back at step 1 (${s.lab.steps[0]!.title}).\n`);
    return 0;
  } catch (e) {
    const code = userError(e);
    if (code !== undefined) return code;
    throw e;
  }
}

type Out = Pick<NodeJS.WritableStream, 'write'>;

/** Asks a y/N question on the terminal; false when the answer is not yes. */
async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(question);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/**
 * `iamlab reset <lab> --step <id>`: back to a step to redo it. The progress of that step and the
 * later ones is cleared, the earlier ones stay passed or skipped, and the world goes back to how it
 * was when that step began (kept as it is where there is no snapshot of it, or on a real account)
 * (plain `iamlab reset <lab>` is the one that rebuilds it). Asks first on a terminal; --yes skips
 * the question, and without a terminal --yes is required. Exit 0 done, 1 declined, 2 a problem.
 */
export async function resetStepCommand(opts: ResetOptions & { step: string }): Promise<number> {
  const out = opts.out ?? process.stdout;
  const errOut = opts.err ?? process.stderr;
  const fail = (msg: string) => {
    errOut.write(`iamlab: ${msg.replace(/\n/g, '\n  ')}\n`);
    return 2;
  };
  const labsDir = opts.labsDir ?? defaultLabsDir();
  const store = new ProgressStore(opts.home);
  let steps: Array<{ id: string; title: string }>;
  try {
    steps = (await loadLabCached(opts.lab, { labsDir, cacheDir: join(store.home, 'cache', 'labs') })).steps;
  } catch (e) {
    if (e instanceof LabNotFoundError || e instanceof LabLoadError) return fail(e.message);
    throw e;
  }
  const i = steps.findIndex((s) => s.id === opts.step);
  if (i < 0) return fail(`lab ${opts.lab} has no step '${opts.step}'.${closest(opts.step, steps.map((s) => s.id)) ? ` Did you mean '${closest(opts.step, steps.map((s) => s.id))}'?` : ''} Its steps:\n${steps.map((s, n) => `${String(n + 1).padStart(2)}  ${s.id.padEnd(Math.max(...steps.map((x) => x.id.length)))}  ${s.title}`).join('\n')}`);
  // Only a step already reached can be gone back to: check before asking.
  const stored = store.get(opts.lab);
  for (const w of store.warnings) errOut.write(`iamlab: ${w}\n`);
  if (!stored) return fail(`lab ${opts.lab} has not been started yet, so there is no step to go back to. Start it with \`iamlab start ${opts.lab}\`.`);
  const blocked = steps.slice(0, i).find((st) => !stored.steps[st.id]?.passed_at && !stored.steps[st.id]?.skipped);
  if (blocked) return fail(`step ${opts.step} has not been reached yet: the earlier step ${blocked.id} ("${blocked.title}") has not passed or been skipped. reset --step goes back to a step you have reached.`);
  const later = steps.length - i - 1;
  const what = `progress of step ${opts.step}${later ? ` and the ${later} later step${later === 1 ? '' : 's'}` : ''} (passes, skips, attempts, hints, answers)`;
  // the simulated account as the step began, when iamlab kept it (a real account stays as it is)
  const rollback = stored.backend !== 'real' && existsSync(join(store.labDir(opts.lab), 'snapshots', `${opts.step}.world.json`));
  const world = rollback ? 'the simulated account and the shell go back to how they were when that step began' : 'the simulated account is kept as it is';
  if (!opts.yes) {
    if (!opts.confirm && (!process.stdin.isTTY || !process.stdout.isTTY)) {
      return fail(`reset --step clears lab ${opts.lab}'s ${what}; ${world}. Not on a terminal, so not asking: run \`iamlab reset ${opts.lab} --step ${opts.step} --yes\`.`);
    }
    const ask = opts.confirm ?? askYesNo;
    if (!(await ask(`Go back to step ${i + 1} of lab ${opts.lab} (${opts.step})? This clears the ${what}; ${world}. [y/N] `))) {
      out.write('Nothing was changed.\n');
      return 1;
    }
  }
  try {
    const s = await openLab(opts.lab, { ...(opts.home ? { home: opts.home } : {}), labsDir });
    for (const w of s.warnings) if (!store.warnings.includes(w)) errOut.write(`iamlab: ${w}\n`);
    const r = s.redoFrom(opts.step);
    if (!r.ok) {
      await s.close();
      return fail(`${r.reason}. reset --step goes back to a step you have reached.`);
    }
    const step = s.step(opts.step);
    const lines = [`Lab ${opts.lab} is back at step ${i + 1} of ${steps.length}: ${step.title} (${step.id}).`];
    lines.push(r.cleared.length ? `Cleared the progress of: ${r.cleared.join(', ')}.` : 'There was no progress to clear for this step or the later ones.');
    if (r.kept.length) lines.push(`Earlier steps stay as they were: ${r.kept.map((k) => `${k} (${s.progress.steps[k]?.skipped ? 'skipped' : 'passed'})`).join(', ')}.`);
    if (r.restored) {
      lines.push(
        'The simulated account and the shell are back as they were when this step began: what you did in it and in the later steps is undone. Your workspace files were kept.',
        `(\`iamlab reset ${opts.lab}\` without --step starts the whole lab over: a fresh world and no progress.)`,
      );
    } else {
      lines.push(
        s.kind === 'real'
          ? 'Your AWS account was kept as it is: what you created or changed there is still there.'
          : `The simulated account was kept as it is (iamlab has no copy of it from when this step began): what you created or changed is still there${step.clock ? `, and its clock moved on ${step.clock} as the step began again` : ''}.`,
        `(\`iamlab reset ${opts.lab}\` without --step starts the whole lab over: a fresh world and no progress.)`,
      );
      // What the kept world already satisfies passes again at the next check: say so now.
      const all = await s.checkAll();
      const already = all.slice(i).filter((x) => x.passed && (s.step(x.stepId).kind ?? 'task') !== 'read');
      if (already.length) lines.push(`Already true in the kept world, so these pass again at their next check: ${already.map((x) => x.stepId).join(', ')}. To do them from scratch, undo that work in the shell first (or reset the whole lab).`);
    }
    await s.close();
    out.write(lines.join('\n') + '\n');
    return 0;
  } catch (e) {
    if (e instanceof LabNotFoundError || e instanceof LabLoadError || e instanceof LabNotReadyError) return fail(e.message);
    if (e instanceof Error && (e.name === 'LabSetupError' || e.name === 'WorldSnapshotError')) return fail(e.message);
    throw e;
  }
}
