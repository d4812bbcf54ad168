// `iamlab labs`, `iamlab check <lab>` and `iamlab reset <lab>` (called by src/cli.ts).
import { createInterface } from 'node:readline/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventMark } from '../checks/types.js';
import { LabLoadError, LabNotFoundError, defaultLabsDir } from './lab-files.js';
import { loadLabCached, loadLabsCached } from './lab-cache.js';
import { ProgressStore } from './progress.js';
import { openLab, LabNotReadyError } from './session.js';
import type { StepCheck } from '../checks/step.js';

const MARK: Record<string, string> = { pass: '✓ PASS', fail: '✗ FAIL', pending: '… WAIT', error: '! ERROR' };

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

function printCheck(opts: { lab: string; json?: boolean }, results: StepCheck[], title: string, note: string): number {
  const allPass = results.every((r) => r.passed);
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ lab: opts.lab, steps: results.map((r) => ({ id: r.stepId, title: r.title, passed: r.passed, status: r.status, message: r.message })) }, null, 2) + '\n',
    );
    return allPass ? 0 : 1;
  }
  const idw = Math.max(4, ...results.map((r) => r.stepId.length));
  const pad = ' '.repeat(2 + 2 + idw + 2 + 6 + 2);
  const lines = [`${opts.lab} — ${title}${note}`, '', ` #  ${'step'.padEnd(idw)}  result  title / what is missing`];
  results.forEach((r, i) => {
    lines.push(`${String(i + 1).padStart(2)}  ${r.stepId.padEnd(idw)}  ${MARK[r.status]!.padEnd(6)}  ${r.title}`);
    if (!r.passed) lines.push(`${pad}${r.message}`);
  });
  const n = results.filter((r) => r.passed).length;
  lines.push('', allPass ? `All ${results.length} steps pass.` : `${n} of ${results.length} steps pass.`);
  process.stdout.write(lines.join('\n') + '\n');
  return allPass ? 0 : 1;
}

export async function resetCommand(opts: { lab: string; yes?: boolean }): Promise<number> {
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
