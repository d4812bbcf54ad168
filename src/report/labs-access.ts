// What reports need from the labs: the catalog (for verify), and each started lab's
// progress plus a fresh re-run of its checks (for report). The only place src/report
// touches src/labs and src/real.
import { loadLabs, openLab, homeFromEnv, ProgressStore } from '../labs/index.js';
import { buildLabReport, buildReport, type Recheck } from './build.js';
import { rememberLearnerName, storedLearnerName } from './learner.js';
import { signReport } from './sign.js';
import type { Report, ReportLab } from './types.js';
import type { KnownLab, LabLookup, ReportVerdict } from './verify.js';

export class NoProgressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoProgressError';
  }
}

export interface Catalog {
  lookup: LabLookup;
  /** Labs of this iamlab that failed to load (their reports then show as unknown labs). */
  errors: string[];
}

export function labCatalog(labsDir?: string): Catalog {
  const { labs, errors } = loadLabs(labsDir);
  const byId = new Map<string, KnownLab>();
  for (const l of labs) {
    byId.set(l.id, { id: l.id, version: l.version, contentHash: l.contentHash, steps: l.steps.map((s) => ({ id: s.id, hints: (s.hints ?? []).map((h) => h.id) })) });
  }
  return { lookup: (id) => byId.get(id), errors: errors.map((e) => e.message) };
}

// ---------- report ----------

export interface CollectOptions {
  lab?: string;
  name?: string;
  key?: string;
  home?: string;
  labsDir?: string;
  now?: () => Date;
}

export async function collectReport(o: CollectOptions): Promise<{ report: Report; warnings: string[] }> {
  const store = new ProgressStore(o.home ?? homeFromEnv());
  const home = store.home;
  const now = o.now ?? (() => new Date());
  const started = Object.keys(store.all()).sort();
  const warnings: string[] = [...store.warnings];
  let learner = o.name?.trim() || undefined;
  if (learner) {
    if (!rememberLearnerName(learner, home)) warnings.push(`could not remember the name in ${home}`);
  } else learner = storedLearnerName(home);

  let ids: string[];
  if (o.lab) {
    if (!started.includes(o.lab)) {
      throw new NoProgressError(`no progress for lab ${o.lab} yet under ${home}: start it with 'iamlab start ${o.lab}'`);
    }
    ids = [o.lab];
  } else {
    ids = started;
    if (ids.length === 0) throw new NoProgressError(`no lab progress under ${home} yet: start a lab with 'iamlab start <lab>' (or set IAMLAB_HOME to where your progress is)`);
  }

  const out: ReportLab[] = [];
  for (const id of ids) {
    // readOnly: a report never changes progress, the world or the shell state.
    const s = await openLab(id, { home, labsDir: o.labsDir, now, readOnly: true });
    warnings.push(...s.warnings.map((w) => `${id}: ${w}`));
    let recheck: Recheck;
    if (s.progress.backend !== 'sim') {
      recheck = { status: 'not-run', note: 'this lab ran on a real account; the instructor re-runs its checks with iamlab verify --real --profile P' };
    } else {
      try {
        const results = await s.checkAll();
        recheck = { status: 'done', at: now(), results: results.map((r) => ({ stepId: r.stepId, status: r.status, message: r.message })) };
      } catch (e) {
        recheck = { status: 'error', note: `the checks could not be re-run: ${(e as Error).message}` };
      }
    }
    const lab = { ...s.lab, steps: s.lab.steps.map((st) => ({ id: st.id, title: st.title, checked: hasCheck(st) })) };
    out.push(buildLabReport({ lab, progress: s.progress, recheck }));
  }
  return { report: signReport(buildReport(out, { learner, now: now() }), o.key), warnings };
}

// ---------- verify --real ----------

export async function realRecheck(
  _verdicts: Array<{ file: string; report: Report; verdict: ReportVerdict }>,
  o: { profile?: string; region?: string; out: Pick<NodeJS.WritableStream, 'write'>; err: Pick<NodeJS.WritableStream, 'write'> },
): Promise<number> {
  o.err.write(
    `iamlab: verify --real${o.profile ? ` --profile ${o.profile}` : ''}: re-running lab checks on a real account is not available in this build (the real-account check backend is not there yet); the offline verification above stands.\n`,
  );
  return 1;
}

/** Whether the re-run can judge a step (a reading step has nothing to check). */
function hasCheck(st: { kind?: string; check?: unknown; questions?: unknown[] }): boolean {
  return st.check !== undefined || (st.questions?.length ?? 0) > 0 || st.kind === 'answer' || st.kind === 'quiz';
}
