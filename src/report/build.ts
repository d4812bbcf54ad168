// Building a report from progress records and a fresh re-run of the checks (pure).
// Stored progress says *when* and *how*; the re-run says *whether*, now (lab-format §5.5).
// Typed answers, commands and outputs in the progress record are never copied.
import { VERSION } from '../version.js';
import { REPORT_FORMAT, REPORT_FORMAT_VERSION, type CheckNow, type ReportBackend, type ReportLab, type ReportStep, type UnsignedReport } from './types.js';

/** The parts of a lab definition a report needs (src/labs Lab satisfies it). */
export interface LabInfo {
  id: string;
  version: string;
  contentHash: string;
  title?: string;
  /** checked: false for a step with nothing to check (a reading step): its "passed" is what was recorded. */
  steps: ReadonlyArray<{ id: string; title?: string; checked?: boolean }>;
}

/** The progress record of lab-format §5.5 / labs-api.md (only the fields reports use). */
export interface ProgressInfo {
  version?: string;
  contentHash?: string;
  backend: 'sim' | 'real';
  /** Real mode: the account the lab ran in, when the progress recorded it. */
  account_id?: string;
  accountId?: string;
  started_at?: string;
  steps: Record<string, { started_at?: string; passed_at?: string; attempts?: number; hints_shown?: string[]; solution_viewed?: boolean; skipped?: boolean } | undefined>;
}

export type Recheck =
  | { status: 'done'; at: Date; results: ReadonlyArray<{ stepId: string; status: 'pass' | 'fail' | 'pending' | 'error'; message?: string; evidence?: readonly string[] }> }
  | { status: 'not-run' | 'error'; note: string };

export interface LabReportInput {
  lab: LabInfo;
  progress: ProgressInfo;
  recheck: Recheck;
}

const iso = (s: string | undefined): string | null => {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function buildLabReport({ lab, progress, recheck }: LabReportInput): ReportLab {
  const acct = progress.account_id ?? progress.accountId;
  const backend: ReportBackend =
    progress.backend === 'real' ? { kind: 'real', account_id: acct && /^\d{12}$/.test(acct) ? acct : null } : { kind: 'sim' };
  const results = new Map(recheck.status === 'done' ? recheck.results.map((r) => [r.stepId, r] as const) : []);
  const steps: ReportStep[] = lab.steps.map((def) => {
    const p = progress.steps[def.id];
    let now: CheckNow;
    if (recheck.status !== 'done') now = { status: 'not-checked' };
    else if (def.checked === false) now = { status: 'not-checked', message: 'nothing to check (a reading step)' };
    else {
      const r = results.get(def.id);
      now = r ? { status: r.status } : { status: 'error', message: 'the re-run gave no result for this step' };
      if (r && r.status !== 'pass' && r.message) now.message = clip(r.message, 2000);
      if (r?.evidence?.length) now.evidence = [...new Set(r.evidence)].slice(0, 50).map((e) => clip(e, 500));
    }
    const step: ReportStep = {
      id: def.id,
      started_at: iso(p?.started_at),
      passed_at: iso(p?.passed_at),
      attempts: Math.max(0, Math.floor(p?.attempts ?? 0)),
      hints_shown: [...new Set(p?.hints_shown ?? [])],
      solution_viewed: Boolean(p?.solution_viewed),
      skipped: Boolean(p?.skipped),
      now,
    };
    if (def.title) step.title = clip(def.title, 500);
    return step;
  });
  const out: ReportLab = {
    id: lab.id,
    version: lab.version,
    content_hash: lab.contentHash,
    backend,
    started_at: iso(progress.started_at),
    checked_at: recheck.status === 'done' ? recheck.at.toISOString() : null,
    recheck: recheck.status === 'done' ? { status: 'done' } : { status: recheck.status, note: clip(recheck.note, 2000) },
    steps,
  };
  if (lab.title) out.title = clip(lab.title, 500);
  return out;
}

export function buildReport(labs: ReportLab[], opts: { learner?: string | null; now: Date; version?: string }): UnsignedReport {
  return {
    format: REPORT_FORMAT,
    format_version: REPORT_FORMAT_VERSION,
    iamlab_version: opts.version ?? VERSION,
    generated_at: opts.now.toISOString(),
    learner: opts.learner ? clip(opts.learner.trim(), 200) : null,
    labs,
  };
}
