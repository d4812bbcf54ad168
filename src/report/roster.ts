// `iamlab roster`: one table for the room, learner × lab, from many reports (pure).
import { signatureWord, verifyReport, type LabLookup, type ReportVerdict } from './verify.js';
import { csvTable, mdTable } from './table.js';
import type { Report } from './types.js';

export interface RosterInput {
  file: string;
  /** The parsed report, or why the file could not be read. */
  report?: Report;
  fileProblems?: string[];
  error?: string;
}

export interface RosterRow {
  learner: string;
  lab: string;
  labVersion: string;
  /** Where the lab was done: the simulated account or a real AWS account. */
  backend: 'sim' | 'real';
  passed: number;
  total: number;
  skipped: number;
  hints: number;
  solutionsViewed: number;
  attempts: number;
  recordedOnly: boolean;
  signature: string;
  problems: string[];
  generatedAt: string;
  file: string;
}

export interface Roster {
  rows: RosterRow[];
  /** Files that could not be read, and reports superseded by a newer one for the same learner and lab. */
  notes: string[];
}

export function buildRoster(inputs: RosterInput[], opts: { key?: string; lookup: LabLookup; now?: Date }): Roster {
  const notes: string[] = [];
  const best = new Map<string, RosterRow>();
  for (const inp of inputs) {
    if (!inp.report) {
      notes.push(`${inp.file}: ${inp.error ?? 'unreadable'}`);
      continue;
    }
    const verdict: ReportVerdict = verifyReport(inp.report, { key: opts.key, lookup: opts.lookup, now: opts.now }, inp.fileProblems ?? []);
    const learner = inp.report.learner ?? '(no name)';
    for (const lv of verdict.labs) {
      const row: RosterRow = {
        learner,
        lab: lv.lab.id,
        labVersion: lv.lab.version,
        backend: lv.lab.backend.kind,
        passed: lv.figures.passed,
        total: lv.figures.total,
        skipped: lv.figures.skipped,
        hints: lv.figures.hints,
        solutionsViewed: lv.figures.solutionsViewed,
        attempts: lv.figures.attempts,
        recordedOnly: lv.figures.recordedOnly,
        signature: signatureWord(verdict.signature),
        problems: [...verdict.problems, ...lv.problems],
        generatedAt: inp.report.generated_at,
        file: inp.file,
      };
      const k = `${learner}\0${row.lab}\0${row.backend}`;
      const prev = best.get(k);
      if (!prev) best.set(k, row);
      else {
        const [keep, drop] = Date.parse(row.generatedAt) >= Date.parse(prev.generatedAt) ? [row, prev] : [prev, row];
        best.set(k, keep);
        notes.push(`${learner} / ${row.lab}${row.backend === 'real' ? ' (real account)' : ''}: ${drop.file} (${drop.generatedAt}) is superseded by ${keep.file} (${keep.generatedAt})`);
      }
    }
  }
  const rows = [...best.values()].sort((a, b) => a.learner.localeCompare(b.learner) || a.lab.localeCompare(b.lab) || a.backend.localeCompare(b.backend));
  return { rows, notes };
}

const HEADER = ['Learner', 'Lab', 'Steps passed', 'Skipped', 'Hints', 'Solutions viewed', 'Failed checks', 'Signature', 'Problems', 'File'];

function cells(r: RosterRow): string[] {
  return [
    r.learner,
    `${r.lab} ${r.labVersion}${r.backend === 'real' ? ' (real account)' : ''}`,
    `${r.passed}/${r.total}${r.recordedOnly ? ' (recorded)' : ''}`,
    String(r.skipped),
    String(r.hints),
    String(r.solutionsViewed),
    String(r.attempts),
    r.signature,
    r.problems.join('; '),
    r.file,
  ];
}

export function renderRoster(roster: Roster, format: 'md' | 'csv'): string {
  if (format === 'csv') {
    return csvTable(
      ['learner', 'lab', 'lab_version', 'backend', 'steps_passed', 'steps_total', 'skipped', 'hints', 'solutions_viewed', 'failed_checks', 'rechecked', 'signature', 'problems', 'file'],
      roster.rows.map((r) => [
        r.learner,
        r.lab,
        r.labVersion,
        r.backend,
        String(r.passed),
        String(r.total),
        String(r.skipped),
        String(r.hints),
        String(r.solutionsViewed),
        String(r.attempts),
        r.recordedOnly ? 'no' : 'yes',
        r.signature,
        r.problems.join('; '),
        r.file,
      ]),
    );
  }
  const learners = new Set(roster.rows.map((r) => r.learner)).size;
  const done = roster.rows.filter((r) => r.total > 0 && r.passed + r.skipped === r.total && r.problems.length === 0).length;
  let out = `# iamlab roster\n\n${learners} learner${learners === 1 ? '' : 's'}, ${roster.rows.length} lab report${roster.rows.length === 1 ? '' : 's'}, ${done} complete without problems.\n\n`;
  out += mdTable(HEADER, roster.rows.map(cells));
  if (roster.notes.length) out += `\n${roster.notes.map((n) => `- ${n.replace(/[\r\n]+/g, ' ')}`).join('\n')}\n`;
  return out;
}
