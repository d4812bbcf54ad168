// Progress records, kept with `conf` (projectName 'iamlab', projectSuffix '', cwd = $IAMLAB_HOME
// when set). Stored progress says *when* and *how* a step was done (passed_at, attempts, hints,
// skips); *whether* it passes is always recomputed from the world.
//
// A corrupt file is never silently dropped or overwritten: it is renamed
// `<file>.corrupt-<timestamp>` and reported (warnings). A single lab entry with the wrong shape
// is written aside to `<home>/labs/<id>/progress.corrupt-<timestamp>.json` and reported.
import Conf from 'conf';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

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
  /** Values captured by solutions (e.g. an access key id), for later steps' solutions. Never secrets of real accounts. */
  vars?: Record<string, string>;
}

const Mark = z.object({ at: z.string(), seq: z.number().optional(), id: z.string().optional() });
const StepProgressSchema = z.object({
  started_at: z.string().optional(),
  mark: Mark.optional(),
  passed_at: z.string().optional(),
  attempts: z.number().int().min(0),
  hints_shown: z.array(z.string()),
  solution_viewed: z.boolean(),
  skipped: z.boolean(),
  answer: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
});
export const LabProgressSchema = z.object({
  id: z.string(),
  version: z.string(),
  contentHash: z.string(),
  backend: z.enum(['sim', 'real']),
  started_at: z.string(),
  mark: Mark.optional(),
  current: z.string().nullable(),
  finished_at: z.string().optional(),
  steps: z.record(z.string(), StepProgressSchema),
  vars: z.record(z.string(), z.string()).optional(),
});

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

export class ProgressStore {
  private readonly conf: Conf<Record<string, unknown>>;
  /** The folder progress and worlds live in ($IAMLAB_HOME or conf's config directory). */
  readonly home: string;
  readonly path: string;
  readonly warnings: string[] = [];
  private corrupt = false;

  constructor(home: string | undefined = homeFromEnv(), private readonly now: () => Date = () => new Date()) {
    this.conf = new Conf<Record<string, unknown>>({
      projectName: 'iamlab',
      projectSuffix: '',
      ...(home ? { cwd: home } : {}),
      configName: 'config',
      accessPropertiesByDotNotation: false,
      // A damaged file must not throw from every read nor be overwritten: read it as empty and
      // remember, then move it aside below before anything is written.
      deserialize: (text: string) => {
        try {
          const v = JSON.parse(text) as unknown;
          if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
        } catch {
          /* fall through */
        }
        this.corrupt = true;
        return {};
      },
    });
    this.path = this.conf.path;
    this.home = dirname(this.path);
    if (this.corrupt && existsSync(this.path)) {
      const aside = moveAside(this.path, this.now());
      this.warnings.push(`Your progress file ${this.path} was damaged (not valid JSON). It was kept as ${aside}; progress starts afresh.`);
    }
  }

  private labs(): Record<string, unknown> {
    const v = this.conf.get('labs');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  }

  /** The lab's record, or undefined. A record with the wrong shape is written aside and reported. */
  get(labId: string): LabProgress | undefined {
    const raw = this.labs()[labId];
    if (raw === undefined) return undefined;
    const r = LabProgressSchema.safeParse(raw);
    if (r.success) return r.data as LabProgress;
    const dir = join(this.home, 'labs', labId);
    mkdirSync(dir, { recursive: true });
    const aside = join(dir, `progress.corrupt-${stamp(this.now())}.json`);
    writeFileSync(aside, JSON.stringify(raw, null, 2) + '\n');
    const issue = r.error.issues[0];
    this.warnings.push(`The progress of lab ${labId} in ${this.path} was damaged (${issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'wrong shape'}). It was kept as ${aside}; the lab's progress starts afresh.`);
    this.delete(labId);
    return undefined;
  }

  set(labId: string, p: LabProgress): void {
    const labs = { ...this.labs(), [labId]: p };
    this.conf.set('labs', labs);
  }

  delete(labId: string): void {
    const labs = { ...this.labs() };
    delete labs[labId];
    this.conf.set('labs', labs);
  }

  /** Every lab's record (damaged ones are moved aside as in get). */
  all(): Record<string, LabProgress> {
    const out: Record<string, LabProgress> = {};
    for (const id of Object.keys(this.labs())) {
      const p = this.get(id);
      if (p) out[id] = p;
    }
    return out;
  }

  /** Folder of a lab's files (world.json, shell.json, workspace/). */
  labDir(labId: string): string {
    return join(this.home, 'labs', labId);
  }
}

/** Per lab: steps passed (not counting skips), steps skipped, total steps recorded, current step — for pickers and catalogs. */
export function progressSummary(home: string | undefined = homeFromEnv()): Record<string, { passed: number; skipped: number; total: number; current: string | null; finished: boolean }> {
  const store = new ProgressStore(home);
  const out: Record<string, { passed: number; skipped: number; total: number; current: string | null; finished: boolean }> = {};
  for (const [id, p] of Object.entries(store.all())) {
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
