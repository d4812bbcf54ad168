// Progress records, kept with `conf` (projectName 'iamlab', projectSuffix '', cwd = $IAMLAB_HOME
// when set). Stored progress says *when* and *how* a step was done (passed_at, attempts, hints,
// skips); *whether* it passes is always recomputed from the world.
//
// A corrupt file is never silently dropped or overwritten: it is renamed
// `<file>.corrupt-<timestamp>` and reported (warnings). A single lab entry with the wrong shape
// is written aside to `<home>/labs/<id>/progress.corrupt-<timestamp>.json` and reported.
import type Conf from 'conf';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';

export interface EventMarkJSON {
  at: string;
  seq?: number;
  id?: string;
}

export interface StepProgress {
  /** ISO wall-clock time the step became current. */
  started_at?: string;
  /** Backend mark when the step began (event checks look at what happened after it). */
  mark?: EventMarkJSON;
  passed_at?: string;
  attempts: number;
  hints_shown: string[];
  solution_viewed: boolean;
  skipped: boolean;
  /** Typed answer (answer steps) or answers by question id (quiz steps). */
  answer?: string | Record<string, string>;
}

export interface LabProgress {
  id: string;
  version: string;
  contentHash: string;
  backend: 'sim' | 'real';
  started_at: string;
  /** Backend mark when the lab (its world) began. */
  mark?: EventMarkJSON;
  /** The current step id; null once every step passed or was skipped. */
  current: string | null;
  finished_at?: string;
  steps: Record<string, StepProgress>;
  /** Values captured by solutions (e.g. an access key id), for later steps' solutions. Sim records only: real-account values stay in memory. */
  vars?: Record<string, string>;
  /** Real-account records: the AWS account the lab runs in (its first account, 12 digits). The report reads it. */
  account_id?: string;
  /** Real-account records: every lab account key → the real account id (two-account labs). */
  accounts?: Record<string, string>;
}

export type ProgressBackend = 'sim' | 'real';

/** The config.json key of each backend's records: one record per lab and backend. */
export const PROGRESS_KEYS: Record<ProgressBackend, string> = { sim: 'labs', real: 'labs-real' };

/** Why a stored record is not a LabProgress, or undefined when it is one. */
export function progressProblem(v: unknown): string | undefined {
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  const str = (x: unknown) => typeof x === 'string';
  if (!isObj(v)) return 'not a record';
  for (const k of ['id', 'version', 'contentHash', 'started_at']) if (!str(v[k])) return `${k}: expected text`;
  if (v.backend !== 'sim' && v.backend !== 'real') return 'backend: expected sim or real';
  if (v.current !== null && !str(v.current)) return 'current: expected a step id or null';
  const markOk = (m: unknown) => m === undefined || (isObj(m) && str(m.at) && (m.seq === undefined || typeof m.seq === 'number') && (m.id === undefined || str(m.id)));
  if (!markOk(v.mark)) return 'mark: not a mark';
  if (v.finished_at !== undefined && !str(v.finished_at)) return 'finished_at: expected text';
  if (v.vars !== undefined && (!isObj(v.vars) || !Object.values(v.vars).every(str))) return 'vars: expected text values';
  if (v.account_id !== undefined && !(str(v.account_id) && /^\d{12}$/.test(v.account_id as string))) return 'account_id: expected a 12-digit AWS account id';
  if (v.accounts !== undefined && (!isObj(v.accounts) || !Object.values(v.accounts).every((a) => str(a) && /^\d{12}$/.test(a as string)))) return 'accounts: expected 12-digit AWS account ids';
  if (!isObj(v.steps)) return 'steps: expected a mapping of step ids';
  for (const [id, st] of Object.entries(v.steps)) {
    if (!isObj(st)) return `steps.${id}: not a record`;
    if (typeof st.attempts !== 'number' || !Number.isInteger(st.attempts) || st.attempts < 0) return `steps.${id}.attempts: expected a whole number`;
    if (!Array.isArray(st.hints_shown) || !st.hints_shown.every(str)) return `steps.${id}.hints_shown: expected a list of hint ids`;
    if (typeof st.solution_viewed !== 'boolean' || typeof st.skipped !== 'boolean') return `steps.${id}: solution_viewed and skipped must be true or false`;
    for (const k of ['started_at', 'passed_at']) if (st[k] !== undefined && !str(st[k])) return `steps.${id}.${k}: expected text`;
    if (!markOk(st.mark)) return `steps.${id}.mark: not a mark`;
    if (st.answer !== undefined && !str(st.answer) && !(isObj(st.answer) && Object.values(st.answer).every(str))) return `steps.${id}.answer: expected text`;
  }
  return undefined;
}

export function emptyStep(): StepProgress {
  return { attempts: 0, hints_shown: [], solution_viewed: false, skipped: false };
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

/** Move a damaged file aside (never delete it); returns the new path. */
export function moveAside(path: string, now = new Date()): string {
  let target = `${path}.corrupt-${stamp(now)}`;
  for (let i = 2; existsSync(target); i++) target = `${path}.corrupt-${stamp(now)}-${i}`;
  renameSync(path, target);
  return target;
}

/** $IAMLAB_HOME when set, else undefined (conf picks the user's config directory). */
export function homeFromEnv(): string | undefined {
  const h = process.env.IAMLAB_HOME;
  return h ? resolve(h) : undefined;
}

/**
 * conf's default config folder for projectName 'iamlab', projectSuffix '' (what env-paths computes),
 * so a read needs neither conf nor its dependencies. A test keeps it equal to conf's own choice.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', 'iamlab');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'iamlab', 'Config');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'iamlab');
}

let ConfClass: typeof Conf | undefined;

export class ProgressStore {
  /** Loads `conf`; call before writing (openLab does). Reads never need it. */
  static async ready(): Promise<void> {
    ConfClass ??= (await import('conf')).default;
  }

  private conf: Conf<Record<string, unknown>> | undefined;
  private data: Record<string, unknown>;
  /** The folder progress and worlds live in ($IAMLAB_HOME or conf's config directory). */
  readonly home: string;
  /** conf's file: <home>/config.json. */
  readonly path: string;
  readonly warnings: string[] = [];

  constructor(home: string | undefined = homeFromEnv(), private readonly now: () => Date = () => new Date()) {
    this.home = home ? resolve(home) : defaultConfigDir();
    this.path = join(this.home, 'config.json');
    this.data = this.readFile();
  }

  private readFile(): Record<string, unknown> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return {};
    }
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      /* below */
    }
    // Never drop or overwrite it: keep it aside and say where.
    const aside = moveAside(this.path, this.now());
    this.warnings.push(`Your progress file ${this.path} was damaged (not valid JSON). It was kept as ${aside}; progress starts afresh.`);
    return {};
  }

  private labs(backend: ProgressBackend = 'sim'): Record<string, unknown> {
    const v = this.data[PROGRESS_KEYS[backend]];
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  }

  /**
   * The lab's record for a backend (default the simulated account), or undefined. Simulated
   * records live under `labs.<id>`, real-account ones under `labs-real.<id>`. A record with the
   * wrong shape is written aside and reported.
   */
  get(labId: string, backend: ProgressBackend = 'sim'): LabProgress | undefined {
    let raw = this.labs(backend)[labId];
    // Written before real records had their own key: a real record under labs.<id>.
    const legacyReal = (x: unknown) => !!x && typeof x === 'object' && (x as { backend?: unknown }).backend === 'real';
    if (backend === 'real' && raw === undefined && legacyReal(this.labs('sim')[labId])) raw = this.labs('sim')[labId];
    if (backend === 'sim' && legacyReal(raw)) return undefined;
    if (raw === undefined) return undefined;
    const problem = progressProblem(raw);
    if (!problem) return structuredClone(raw) as LabProgress;
    const dir = join(this.home, 'labs', labId);
    mkdirSync(dir, { recursive: true });
    const aside = join(dir, `progress${backend === 'real' ? '-real' : ''}.corrupt-${stamp(this.now())}.json`);
    writeFileSync(aside, JSON.stringify(raw, null, 2) + '\n');
    this.warnings.push(`The ${backend === 'real' ? 'real-account ' : ''}progress of lab ${labId} in ${this.path} was damaged (${problem}). It was kept as ${aside}; the lab's progress starts afresh.`);
    this.delete(labId, backend);
    return undefined;
  }

  private write(backend: ProgressBackend, labs: Record<string, unknown>): void {
    const key = PROGRESS_KEYS[backend];
    this.data = { ...this.data, [key]: labs };
    if (ConfClass) {
      this.conf ??= new ConfClass<Record<string, unknown>>({ projectName: 'iamlab', projectSuffix: '', cwd: this.home, configName: 'config', accessPropertiesByDotNotation: false });
      this.conf.set(key, labs);
      return;
    }
    // conf not loaded (a synchronous caller): write the same file the way conf does, atomically.
    writeFileAtomic(this.path, JSON.stringify(this.data, undefined, '\t'));
  }

  /** Stores the record under its own backend's key (p.backend). */
  set(labId: string, p: LabProgress): void {
    const backend: ProgressBackend = p.backend === 'real' ? 'real' : 'sim';
    if (backend === 'real') {
      // a real record left under labs.<id> by an older build moves to labs-real.<id>
      const sim = this.labs('sim');
      const old = sim[labId];
      if (old && typeof old === 'object' && (old as { backend?: unknown }).backend === 'real') {
        const rest = { ...sim };
        delete rest[labId];
        this.write('sim', rest);
      }
    }
    this.write(backend, { ...this.labs(backend), [labId]: p });
  }

  delete(labId: string, backend: ProgressBackend = 'sim'): void {
    if (!(labId in this.labs(backend))) return;
    const labs = { ...this.labs(backend) };
    delete labs[labId];
    this.write(backend, labs);
  }

  /**
   * Every lab's record (damaged ones are moved aside as in get). With a backend: that backend's
   * records. Without: one record per lab — the simulated one, or the real-account one for a lab
   * done only on a real account (what a report of "the labs I did" wants). Use all('sim') and
   * all('real') to see both for a lab done both ways.
   */
  all(backend?: ProgressBackend): Record<string, LabProgress> {
    const out: Record<string, LabProgress> = {};
    const of = (b: ProgressBackend) => {
      const r: Record<string, LabProgress> = {};
      const ids = new Set(Object.keys(this.labs(b)));
      if (b === 'real') for (const [id, v] of Object.entries(this.labs('sim'))) if (v && typeof v === 'object' && (v as { backend?: unknown }).backend === 'real') ids.add(id);
      for (const id of ids) {
        const p = this.get(id, b);
        if (p) r[id] = p;
      }
      return r;
    };
    if (backend) return of(backend);
    const real = of('real');
    const sim = of('sim');
    for (const [id, p] of Object.entries(real)) if (!sim[id]) out[id] = p;
    return Object.assign(out, sim);
  }

  /** Folder of a lab's files (world.json, shell.json, workspace/). */
  labDir(labId: string): string {
    return join(this.home, 'labs', labId);
  }
}

/** Per lab (one backend's records, default the simulated account's): steps passed (not counting skips), steps skipped, total steps recorded, current step — for pickers and catalogs. */
export function progressSummary(
  home: string | undefined = homeFromEnv(),
  backend: ProgressBackend = 'sim',
): Record<string, { passed: number; skipped: number; total: number; current: string | null; finished: boolean }> {
  const store = new ProgressStore(home);
  const out: Record<string, { passed: number; skipped: number; total: number; current: string | null; finished: boolean }> = {};
  for (const [id, p] of Object.entries(store.all(backend))) {
    const steps = Object.values(p.steps);
    out[id] = {
      passed: steps.filter((s) => s.passed_at && !s.skipped).length,
      skipped: steps.filter((s) => s.skipped).length,
      total: steps.length,
      current: p.current,
      finished: p.current === null,
    };
  }
  return out;
}
