// `iamlab lab test <lab id | lab folder | lab.yaml> [--json]`: a lab author's self-test
// (lab-format §4.10, §5.6), run in a throwaway home: on a fresh world every step fails, the
// solutions pass in order, every recorded mistake fails with its expected message.
// Exit 0 when everything holds, 1 when something does not, 2 when the lab cannot be loaded.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LabLoadError, LabNotFoundError, defaultLabsDir, labIds, type LabProblem } from './lab-files.js';
import { loadLabFile } from './loader.js';
import { loadMistakes, selfTestLab, type LabMistakes, type SelfTestPhase, type SelfTestReport, type SelfTestRow } from './selftest.js';
import type { Lab } from './schema.js';

type Out = Pick<NodeJS.WritableStream, 'write'>;

export interface LabTestOptions {
  /** A lab id (from the labs folder), a lab folder, or a lab.yaml. */
  target: string;
  json?: boolean;
  /** Where lab ids are looked up (default: the package's labs folder). */
  labsDir?: string;
  /** Where the throwaway homes go (default: the system's temporary folder). */
  tmp?: string;
  out?: Out;
  err?: Out;
}

class TargetError extends Error {}

/** Which lab.yaml a target names, and the folder name its id must match. */
export function resolveLabTarget(target: string, labsDir = defaultLabsDir()): { file: string; expectedId: string } {
  const looksLikePath = /[/\\]/.test(target) || /\.ya?ml$/i.test(target) || target === '.' || target === '..';
  if (!looksLikePath && labIds(labsDir).includes(target)) return { file: join(labsDir, target, 'lab.yaml'), expectedId: target };
  const p = resolve(target);
  if (existsSync(p)) {
    if (statSync(p).isDirectory()) {
      const file = join(p, 'lab.yaml');
      if (!existsSync(file)) throw new TargetError(`${target} has no lab.yaml (a lab is a folder named after its id, holding lab.yaml)`);
      return { file, expectedId: basename(p) };
    }
    if (basename(p) !== 'lab.yaml') throw new TargetError(`${target}: a lab file is called lab.yaml, inside a folder named after the lab's id`);
    return { file: p, expectedId: basename(dirname(p)) };
  }
  if (looksLikePath) throw new TargetError(`there is no file or folder ${target}`);
  throw new LabNotFoundError(target, labIds(labsDir));
}

const PHASES: Record<SelfTestPhase, string> = {
  fresh: 'Fresh world — every step must fail, saying what is missing',
  solution: 'Solutions in order — each must pass its step, and every earlier one must still pass',
  mistake: 'Recorded mistakes (tests/mistakes.yaml) — each must fail its step with the expected message',
};

const MARK: Record<SelfTestRow['result'], string> = { ok: '✓ ok     ', fail: '✗ FAIL   ', not_run: '– not run' };
const MARK_W = 9;

export async function labTestCommand(o: LabTestOptions): Promise<number> {
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  const failLoad = (file: string | undefined, message: string, problems: Array<LabProblem & { file: string }>) => {
    err.write(`iamlab: ${message.replace(/\n/g, '\n  ')}\n`);
    if (o.json) out.write(JSON.stringify({ target: o.target, ok: false, ...(file ? { file } : {}), errors: problems.map((p) => ({ file: p.file, line: p.line, column: p.column, path: p.path, message: p.message })) }, null, 2) + '\n');
    return 2;
  };
  let lab: Lab;
  try {
    const { file, expectedId } = resolveLabTarget(o.target, o.labsDir ?? defaultLabsDir());
    lab = loadLabFile(file, expectedId);
  } catch (e) {
    if (e instanceof LabLoadError) return failLoad(e.file, `the lab cannot be loaded:\n${e.message}`, e.problems.map((p) => ({ ...p, file: e.file })));
    if (e instanceof LabNotFoundError || e instanceof TargetError) return failLoad(undefined, e.message, []);
    throw e;
  }
  let mistakes: LabMistakes;
  try {
    mistakes = loadMistakes(lab);
  } catch (e) {
    if (e instanceof LabLoadError) return failLoad(e.file, `the lab's recorded mistakes cannot be loaded:\n${e.message}`, e.problems.map((p) => ({ ...p, file: e.file })));
    throw e;
  }

  const idw = Math.max(4, ...lab.steps.map((s) => s.id.length));
  let phase: SelfTestPhase | undefined;
  const live = (r: SelfTestRow) => {
    if (o.json) return;
    if (r.phase !== phase) {
      phase = r.phase;
      out.write(`\n${PHASES[r.phase]}\n`);
    }
    const what = r.phase === 'mistake' ? `${r.name}\n${' '.repeat(4 + MARK_W + 2 + idw + 2)}${r.result === 'ok' ? '' : '→ '}${r.detail}` : r.detail;
    out.write(`    ${MARK[r.result]}  ${r.step.padEnd(idw)}  ${what}\n`);
    if (r.result === 'fail' && r.transcript) out.write(indentTranscript(r.transcript, 4 + MARK_W + 2 + idw + 2));
  };
  if (!o.json) out.write(`lab test: ${lab.id} — ${lab.title}\n  ${shown(lab.file)} (${lab.steps.length} steps)\n`);

  let report: SelfTestReport;
  try {
    report = await selfTestLab(lab, { ...(o.tmp ? { tmp: o.tmp } : {}), onRow: live, mistakes });
  } catch (e) {
    if (e instanceof Error && e.name === 'LabSetupError') return failLoad(lab.file, `the lab's world cannot be built: ${e.message}`, []);
    throw e;
  }

  if (o.json) {
    out.write(
      JSON.stringify(
        {
          lab: report.lab.id,
          title: report.lab.title,
          file: report.lab.file,
          ok: report.ok,
          mistakes_file: report.mistakes.exists ? report.mistakes.file : null,
          counts: counts(report.rows),
          fresh: report.rows.filter((r) => r.phase === 'fresh').map(jsonRow),
          solutions: report.rows.filter((r) => r.phase === 'solution').map(jsonRow),
          mistakes: report.rows.filter((r) => r.phase === 'mistake').map(jsonRow),
        },
        null,
        2,
      ) + '\n',
    );
    return report.ok ? 0 : 1;
  }

  const lines: string[] = [''];
  if (!report.mistakes.exists) lines.push(`No recorded mistakes: ${shown(report.mistakes.file)} does not exist (lab-format §5.6 describes it).`);
  else if (report.mistakes.count === 0) lines.push(`No recorded mistakes in ${shown(report.mistakes.file)}.`);
  const without = lab.steps.filter((s) => !report.rows.some((r) => r.phase === 'mistake' && r.step === s.id)).map((s) => s.id);
  if (report.mistakes.exists && without.length) lines.push(`Steps with no recorded mistake: ${without.join(', ')}.`);
  const c = counts(report.rows);
  lines.push(
    report.ok
      ? `✓ All ${c.total} expectations hold (${c.fresh} fresh-world, ${c.solution} solution, ${c.mistake} mistake).`
      : `✗ ${c.failed} of ${c.total} expectations ${c.failed === 1 ? 'does' : 'do'} not hold${c.not_run ? `; ${c.not_run} could not be tried` : ''}.`,
  );
  out.write(lines.join('\n') + '\n');
  return report.ok ? 0 : 1;
}

function counts(rows: SelfTestRow[]) {
  return {
    total: rows.length,
    ok: rows.filter((r) => r.result === 'ok').length,
    failed: rows.filter((r) => r.result === 'fail').length,
    not_run: rows.filter((r) => r.result === 'not_run').length,
    fresh: rows.filter((r) => r.phase === 'fresh').length,
    solution: rows.filter((r) => r.phase === 'solution').length,
    mistake: rows.filter((r) => r.phase === 'mistake').length,
  };
}

function jsonRow(r: SelfTestRow) {
  return {
    step: r.step,
    ...(r.name !== undefined ? { name: r.name } : {}),
    ok: r.result === 'ok',
    result: r.result,
    detail: r.detail,
    status: r.status ?? null,
    message: r.message ?? null,
    diagnosis: r.diagnosis ?? null,
    ...(r.transcript ? { transcript: r.transcript } : {}),
  };
}

/** The last lines of a failing run's transcript, indented under its row. */
function indentTranscript(t: string, n: number): string {
  const lines = t.replace(/\n+$/, '').split('\n');
  const shown = lines.length > 12 ? ['…', ...lines.slice(-12)] : lines;
  return shown.map((l) => `${' '.repeat(n)}│ ${l}\n`).join('');
}

/** A path relative to the working folder when it lies inside it (as lab load errors show files). */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
