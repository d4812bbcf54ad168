// The room at the end of a workshop: one row per learner and lab, as Markdown, CSV (the
// report tables' writers, so a spreadsheet formula in a name stays text) or a plain table.
import { join } from 'node:path';
import { csvTable, mdTable, textTable } from '../report/table.js';
import { duration, learnerRows, shown, type LabState, type LearnerState, type RoomState } from './room.js';
import { writeFileAtomic } from '../atomic-write.js';

export interface SummaryRow {
  learner: string;
  lab: string;
  /** done, stuck, working, left, not started (joined without a lab), other lab (a lab they moved on from). */
  status: string;
  step: string;
  done: number;
  total?: number;
  passed: number;
  skipped: number;
  hints: number;
  solutions: number;
  failedChecks: number;
  joinedAt: string;
  finishedAt: string;
  lastProgressAt: string;
}

function labFigures(lab: LabState) {
  return {
    done: new Set([...lab.passed, ...lab.skipped]).size,
    passed: lab.passed.length,
    skipped: lab.skipped.length,
    hints: Object.values(lab.hints).reduce((n, h) => n + h.length, 0),
    solutions: lab.solutions.length,
    failedChecks: Object.values(lab.attempts).reduce((n, a) => n + a, 0),
  };
}

/** Every learner × lab of the room, learners by name, labs in the order they were started. */
export function summaryRows(room: RoomState, now: Date, stuckAfterMs: number): SummaryRow[] {
  const current = new Map(learnerRows(room, now, stuckAfterMs).map((r) => [r.name, r]));
  const out: SummaryRow[] = [];
  const learners = Object.values(room.learners).sort((a, b) => a.name.localeCompare(b.name));
  for (const l of learners) {
    const labs = Object.entries(l.labs).sort(([, a], [, b]) => Date.parse(a.started_at) - Date.parse(b.started_at));
    if (labs.length === 0) {
      out.push({ learner: l.name, lab: '', status: l.left_at ? 'left' : 'not started', step: '', done: 0, passed: 0, skipped: 0, hints: 0, solutions: 0, failedChecks: 0, joinedAt: l.joined_at, finishedAt: '', lastProgressAt: l.last_progress_at });
      continue;
    }
    for (const [id, lab] of labs) {
      const row = current.get(l.name);
      out.push({
        learner: l.name,
        lab: id,
        status: labStatus(l, id, lab, row?.status),
        step: lab.finished_at ? '' : lab.current_step ? `${(lab.current_index ?? 0) + 1} ${lab.current_step}` : lab.current_index !== undefined ? `${lab.current_index + 1} (next)` : '',
        ...labFigures(lab),
        ...(lab.steps_total !== undefined ? { total: lab.steps_total } : {}),
        joinedAt: l.joined_at,
        finishedAt: lab.finished_at ?? '',
        lastProgressAt: lab.last_progress_at,
      });
    }
  }
  return out;
}

function labStatus(l: LearnerState, id: string, lab: LabState, current: string | undefined): string {
  if (lab.finished_at) return 'done';
  if (l.left_at) return 'left';
  if (l.current_lab !== id) return 'other lab';
  return current === 'stuck' ? 'stuck' : 'working';
}

const CSV_HEADER = ['learner', 'lab', 'status', 'current_step', 'steps_done', 'steps_total', 'passed', 'skipped', 'hints', 'solutions_viewed', 'failed_checks', 'joined_at', 'finished_at', 'last_progress_at'];
const TABLE_HEADER = ['Learner', 'Lab', 'Status', 'Step', 'Done', 'Skipped', 'Hints', 'Solutions viewed', 'Failed checks'];

const doneText = (r: SummaryRow) => (r.total !== undefined ? `${r.done}/${r.total}` : String(r.done));

function tableCells(r: SummaryRow): string[] {
  return [shown(r.learner), r.lab, r.status, r.step, doneText(r), String(r.skipped), String(r.hints), String(r.solutions), String(r.failedChecks)];
}

export function summaryCsv(rows: SummaryRow[]): string {
  return csvTable(
    CSV_HEADER,
    rows.map((r) => [
      shown(r.learner),
      r.lab,
      r.status,
      r.step,
      String(r.done),
      r.total !== undefined ? String(r.total) : '',
      String(r.passed),
      String(r.skipped),
      String(r.hints),
      String(r.solutions),
      String(r.failedChecks),
      r.joinedAt,
      r.finishedAt,
      r.lastProgressAt,
    ]),
  );
}

export function summaryMarkdown(room: RoomState, rows: SummaryRow[], now: Date, stuckAfterMs: number): string {
  const learners = new Set(rows.map((r) => r.learner)).size;
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  let out = `# iamlab workshop room\n\n`;
  out += `${now.toISOString()} · room opened ${room.created_at} · stuck = no progress for ${duration(stuckAfterMs)}\n\n`;
  out += `${learners} learner${learners === 1 ? '' : 's'}; of ${rows.length} learner-lab row${rows.length === 1 ? '' : 's'}: ${count('done')} done, ${count('stuck')} stuck, ${count('working')} working, ${count('left')} left.\n\n`;
  out += mdTable(TABLE_HEADER, rows.map(tableCells));
  return out;
}

/** The summary as an aligned plain-text table (plain mode prints it when the room closes). */
export function summaryText(rows: SummaryRow[]): string {
  return textTable(TABLE_HEADER, rows.map(tableCells));
}

/** Writes room-<time>.md and room-<time>.csv into `dir`; returns their paths. Throws on a write error. */
export function exportRoom(room: RoomState, dir: string, now: Date, stuckAfterMs: number): { md: string; csv: string } {
  const rows = summaryRows(room, now, stuckAfterMs);
  const stamp = now.toISOString().replace(/:\d\d\.\d+Z$/, 'Z').replace(/:/g, '-');
  const md = join(dir, `room-${stamp}.md`);
  const csv = join(dir, `room-${stamp}.csv`);
  writeFileAtomic(md, summaryMarkdown(room, rows, now, stuckAfterMs), { mode: 0o600 });
  writeFileAtomic(csv, summaryCsv(rows), { mode: 0o600 });
  return { md, csv };
}
