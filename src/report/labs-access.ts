// What reports need from the labs: the catalog (for verify), and each started lab's
// progress plus a fresh re-run of its checks (for report). The only place src/report
// touches src/labs and src/real.
import { loadLab, loadLabs, openLab, homeFromEnv, ProgressStore, type LabProgress } from '../labs/index.js';
import { buildLabReport, buildReport, type Recheck } from './build.js';
import { rememberLearnerName, storedLearnerName } from './learner.js';
import { signReport } from './sign.js';
import type { Report, ReportLab } from './types.js';
import type { KnownLab, LabLookup, ReportVerdict } from './verify.js';
import { textTable } from './table.js';

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
  // every record: a lab done on the simulated account and on a real one is reported twice, once each
  const records: Array<[string, LabProgress]> = [];
  const have = new Set<string>();
  for (const [id, p] of [...Object.entries(store.all('sim')), ...Object.entries(store.all('real'))]) {
    const k = `${id}\0${p.backend === 'real' ? 'real' : 'sim'}`;
    if (have.has(k)) continue;
    have.add(k);
    records.push([id, p]);
  }
  records.sort((a, b) => a[0].localeCompare(b[0]) || (a[1].backend === 'real' ? 1 : 0) - (b[1].backend === 'real' ? 1 : 0));
  const started = [...new Set(records.map(([id]) => id))].sort();
  const warnings: string[] = [...store.warnings];
  let learner = o.name?.trim() || undefined;
  if (learner) {
    if (!rememberLearnerName(learner, home)) warnings.push(`could not remember the name in ${home}`);
  } else learner = storedLearnerName(home);

  if (o.lab) {
    if (!started.includes(o.lab)) {
      throw new NoProgressError(`no progress for lab ${o.lab} yet under ${home}: start it with 'iamlab start ${o.lab}'`);
    }
  } else if (started.length === 0) throw new NoProgressError(`no lab progress under ${home} yet: start a lab with 'iamlab start <lab>' (or set IAMLAB_HOME to where your progress is)`);

  const out: ReportLab[] = [];
  for (const [id, stored] of records) {
    if (o.lab && id !== o.lab) continue;
    if (stored.backend !== 'sim') {
      // A real-account lab: its checks need the account's credentials, which a report never
      // uses; the instructor re-runs them with verify --real.
      const def = loadLab(id, o.labsDir);
      const lab = { ...def, steps: def.steps.map((st) => ({ id: st.id, title: st.title, checked: hasCheck(st) })) };
      const recheck: Recheck = { status: 'not-run', note: 'this lab ran on a real account; the instructor re-runs its checks with iamlab verify --real --profile P' };
      out.push(buildLabReport({ lab, progress: stored, recheck }));
      continue;
    }
    // readOnly: a report never changes progress, the world or the shell state.
    const s = await openLab(id, { home, labsDir: o.labsDir, now, readOnly: true });
    warnings.push(...s.warnings.map((w) => `${id}: ${w}`));
    let recheck: Recheck;
    try {
      const results = await s.checkAll();
      recheck = {
        status: 'done',
        at: now(),
        results: results.map((r) => ({ stepId: r.stepId, status: r.status, message: r.message, evidence: r.leaves.flatMap((l) => l.evidence.map((e) => `${e.kind}: ${e.text}`)) })),
      };
    } catch (e) {
      recheck = { status: 'error', note: `the checks could not be re-run: ${(e as Error).message}` };
    }
    const lab = { ...s.lab, steps: s.lab.steps.map((st) => ({ id: st.id, title: st.title, checked: hasCheck(st) })) };
    out.push(buildLabReport({ lab, progress: s.progress, recheck }));
  }
  return { report: signReport(buildReport(out, { learner, now: now() }), o.key), warnings };
}

// ---------- verify --real ----------

type Write = Pick<NodeJS.WritableStream, 'write'>;

export interface RealRecheckOptions {
  profile?: string;
  region?: string;
  labsDir?: string;
  out: Write;
  err: Write;
  /** Tests: extra options for the checker's RealBackend (endpoint, retries). */
  backendOptions?: Record<string, unknown>;
}

/**
 * Re-runs each reported lab's checks on the account the profile reads (read-only), and compares
 * with what the report says. Problems: the account is not the report's, a step recorded as
 * passed fails on the account now, or nothing could be checked. Returns an exit code.
 */
export async function realRecheck(items: Array<{ file: string; report: Report; verdict: ReportVerdict }>, o: RealRecheckOptions): Promise<number> {
  const { checkReal } = await import('../real/checks.js');
  const rows: string[][] = [];
  const notes: string[] = [];
  let bad = 0;
  for (const { file, report } of items) {
    for (const lab of report.labs) {
      const who = report.learner ?? '(no name)';
      if (lab.backend.kind !== 'real') {
        rows.push([file, who, lab.id, '—', '—', 'ran on the simulated account: nothing to check on a real one']);
        continue;
      }
      let result: Awaited<ReturnType<typeof checkReal>>;
      try {
        result = await checkReal(lab.id, {
          ...(o.profile ? { profile: o.profile } : {}),
          ...(o.region ? { region: o.region } : {}),
          ...(o.labsDir ? { labsDir: o.labsDir } : {}),
          ...(o.backendOptions ? { backendOptions: o.backendOptions } : {}),
        });
      } catch (e) {
        bad++;
        rows.push([file, who, lab.id, '—', '—', (e as Error).message]);
        continue;
      }
      const problems: string[] = [];
      const account = Object.values(result.accounts)[0];
      if (result.problem) problems.push(result.problem);
      else if (lab.backend.account_id && account && account !== lab.backend.account_id) {
        problems.push(`the profile reads account ${account}, but the report is for account ${lab.backend.account_id}`);
      }
      const byId = new Map(result.steps.map((s) => [s.stepId, s] as const));
      const defs = new Map(loadLab(lab.id, o.labsDir).steps.map((d) => [d.id, d] as const));
      let passing = 0;
      let unchecked = 0;
      if (!result.problem) {
        for (const st of lab.steps) {
          const def = defs.get(st.id);
          const now = byId.get(st.id);
          if (!def || !hasCheck(def) || !now) {
            // Nothing to check (a reading step): what was recorded stands.
            if (st.passed_at) passing++;
            continue;
          }
          if (now.status === 'pass') passing++;
          if (st.passed_at && now.status === 'fail') problems.push(`step ${st.id} is recorded as passed but fails on the account now: ${now.message}`);
          if (now.status === 'error' || now.status === 'pending') {
            unchecked++;
            notes.push(`${file}: ${lab.id}: step ${st.id} could not be checked on the account: ${now.message}`);
          }
        }
      }
      if (problems.length) bad++;
      rows.push([file, who, lab.id, account ?? lab.backend.account_id ?? '—', result.problem ? '—' : `${passing}/${lab.steps.length}${unchecked ? ` (${unchecked} could not be checked)` : ''}`, problems.join('; ') || '—']);
    }
  }
  o.out.write(`\nRe-checked on the real account${o.profile ? ` (profile ${o.profile})` : ''}, read-only:\n`);
  o.out.write(textTable(['File', 'Learner', 'Lab', 'Account', 'Passing now', 'Problems'], rows));
  for (const n of notes) o.out.write(`note: ${n}\n`);
  return bad > 0 ? 1 : 0;
}

/** Whether the re-run can judge a step (a reading step has nothing to check). */
function hasCheck(st: { kind?: string; check?: unknown; questions?: unknown[] }): boolean {
  return st.check !== undefined || (st.questions?.length ?? 0) > 0 || st.kind === 'answer' || st.kind === 'quiz';
}
