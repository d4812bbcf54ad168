// What reports need from the labs: the catalog (for verify), and each started lab's
// progress plus a fresh re-run of its checks (for report). The only place src/report
// touches src/labs and src/real.
import { loadLabs } from '../labs/loader.js';
import { iamlabHome } from '../workshop/home.js';
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

/** The subset of src/labs' LabSession (labs-api.md) reports use. */
interface SessionLike {
  lab: { id: string; version: string; contentHash: string; title: string; steps: Array<{ id: string; title: string }> };
  progress: {
    version: string;
    contentHash: string;
    backend: 'sim' | 'real';
    account_id?: string;
    started_at: string;
    steps: Record<string, { started_at?: string; passed_at?: string; attempts: number; hints_shown: string[]; solution_viewed: boolean; skipped: boolean }>;
  };
  warnings: string[];
  checkAll(): Promise<Array<{ stepId: string; status: 'pass' | 'fail' | 'pending' | 'error'; message: string }>>;
}
interface LabsModule {
  openLab(id: string, opts: { home?: string; labsDir?: string; now?: () => Date }): Promise<SessionLike>;
  startedLabIds?(home?: string): string[];
  progressSummary(home?: string): Record<string, { passed: number; total: number; current: string | null }>;
}

// Until src/labs/index.ts lands, it is loaded by name (see labs-api.md).
const LABS_INDEX = '../labs/index.js';
async function labsModule(): Promise<LabsModule> {
  return (await import(LABS_INDEX)) as LabsModule;
}

export interface CollectOptions {
  lab?: string;
  name?: string;
  key?: string;
  home?: string;
  labsDir?: string;
  now?: () => Date;
}

export async function collectReport(o: CollectOptions): Promise<{ report: Report; warnings: string[] }> {
  const home = o.home ?? iamlabHome();
  const now = o.now ?? (() => new Date());
  const warnings: string[] = [];
  let learner = o.name?.trim() || undefined;
  if (learner) {
    if (!rememberLearnerName(learner, home)) warnings.push(`could not remember the name in ${home}`);
  } else learner = storedLearnerName(home);

  const labs = await labsModule();
  const summary = labs.progressSummary(home);
  const started = labs.startedLabIds ? labs.startedLabIds(home) : Object.keys(summary);
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
    const s = await labs.openLab(id, { home, labsDir: o.labsDir, now });
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
    if (s.progress.contentHash && s.progress.contentHash !== s.lab.contentHash) {
      warnings.push(`${id}: your progress was recorded on another version of this lab (${s.progress.version}); the report names the lab as it is now (${s.lab.version})`);
    }
    out.push(buildLabReport({ lab: s.lab, progress: s.progress, recheck }));
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
