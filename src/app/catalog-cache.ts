// The home screen's fast path. Loading the labs (YAML + schema validation of every lab file)
// costs hundreds of milliseconds on Node 20, too slow for the first frame. After a full load
// the app keeps what the catalog shows in a small JSON cache, valid while every lab.yaml has
// the same size and mtime and no lab folder came or went; progress is read straight from the
// progress file (the same file the labs' ProgressStore writes through conf) without
// validation — for display only; opening a lab loads and validates everything.
// Only node:fs/node:path and env-paths: nothing heavy.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';
import type { CatalogEntry, RealProgress } from './model.js';
import { writeFileAtomic } from '../atomic-write.js';

export const CACHE_FORMAT = 1;

export interface CachedLab {
  id: string;
  title: string;
  summary?: string;
  level?: string;
  minutes?: number;
  backends: Array<'sim' | 'real'>;
  steps: Array<{ id: string; title: string }>;
}

export interface CatalogCache {
  format: number;
  /** iamlab version that wrote it. */
  version: string;
  labsDir: string;
  /** lab folder name → "mtimeMs:size" of its lab.yaml ('' when missing). */
  stamps: Record<string, string>;
  labs: CachedLab[];
  errors: Array<{ id: string; message: string }>;
}

/** $IAMLAB_HOME when set (resolved), else undefined (conf's config directory). */
export function homeOf(env: NodeJS.ProcessEnv): string | undefined {
  return env.IAMLAB_HOME ? resolve(env.IAMLAB_HOME) : undefined;
}

/** Where the labs' ProgressStore keeps progress: conf's file (projectName iamlab, suffix ''). */
export function progressPath(home: string | undefined): string {
  return join(home ?? envPaths('iamlab', { suffix: '' }).config, 'config.json');
}

export function cachePath(home: string | undefined): string {
  return home ? join(home, 'cache', 'catalog.json') : join(envPaths('iamlab', { suffix: '' }).cache, 'catalog.json');
}

function stampOf(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return '';
  }
}

/** Stamps of every lab folder under labsDir (folders starting with _ or . are not labs). */
export function labStamps(labsDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of readdirSync(labsDir, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('_') || d.name.startsWith('.')) continue;
    out[d.name] = stampOf(join(labsDir, d.name, 'lab.yaml'));
  }
  return out;
}

function sameStamps(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** The cache, if it is there, readable, from this version, and still matches the lab files. */
export function readCatalogCache(path: string, version: string): CatalogCache | undefined {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as CatalogCache;
    if (!c || c.format !== CACHE_FORMAT || c.version !== version || typeof c.labsDir !== 'string' || !Array.isArray(c.labs)) return undefined;
    if (!sameStamps(c.stamps ?? {}, labStamps(c.labsDir))) return undefined;
    return c;
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically; a failure to write only costs speed, so it is ignored. */
export function writeCatalogCache(path: string, c: CatalogCache): void {
  try {
    writeFileAtomic(path, JSON.stringify(c));
  } catch {
    /* read-only home: no cache */
  }
}

export interface ProgressLike {
  current?: string | null;
  backend?: string;
  account_id?: string;
  steps?: Record<string, { passed_at?: string; skipped?: boolean } | undefined>;
}

/** Where the labs keep each account's records in the progress file (src/labs/progress.ts PROGRESS_KEYS). */
const PROGRESS_KEY = { sim: 'labs', real: 'labs-real' } as const;

/**
 * Progress records by lab id, read without validation (display only); {} when unreadable.
 * `sim` (default): the simulated account's records (`labs`); `real`: the real-account ones
 * (`labs-real`, and a real record an older build left under `labs`).
 */
export function readProgressRecords(path: string, backend: 'sim' | 'real' = 'sim'): Record<string, ProgressLike> {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const of = (key: string): Record<string, ProgressLike> => {
      const x = v?.[key];
      return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, ProgressLike>) : {};
    };
    const isReal = (p: ProgressLike | undefined) => !!p && typeof p === 'object' && p.backend === 'real';
    const sim = of(PROGRESS_KEY.sim);
    if (backend === 'sim') return Object.fromEntries(Object.entries(sim).filter(([, p]) => !isReal(p)));
    return { ...Object.fromEntries(Object.entries(sim).filter(([, p]) => isReal(p))), ...of(PROGRESS_KEY.real) };
  } catch {
    return {};
  }
}

/** Passed/skipped counts, completion and where to resume, from one progress record. */
function progressOf(lab: CachedLab, p: ProgressLike | undefined): RealProgress {
  let passed = 0;
  let skipped = 0;
  for (const st of lab.steps) {
    const x = p?.steps?.[st.id];
    if (x?.skipped) skipped++;
    else if (x?.passed_at) passed++;
  }
  const completed = Boolean(p) && p!.current === null;
  const resume = p?.current ? lab.steps.find((x) => x.id === p.current)?.title : undefined;
  return {
    passed,
    skipped,
    started: Boolean(p) && (passed > 0 || skipped > 0 || completed),
    completed,
    ...(resume && (passed > 0 || skipped > 0) ? { resumeStep: resume } : {}),
    ...(typeof p?.account_id === 'string' ? { accountId: p.account_id } : {}),
  };
}

/** Catalog entries from lab metadata and progress records (the real-account ones when given). */
export function catalogEntries(labs: CachedLab[], errors: CatalogCache['errors'], records: Record<string, ProgressLike>, realRecords: Record<string, ProgressLike> = {}): CatalogEntry[] {
  const entries: CatalogEntry[] = labs.map((lab) => {
    const { passed, skipped, completed, started, resumeStep: resume } = progressOf(lab, records[lab.id]);
    const real = realRecords[lab.id] ? progressOf(lab, realRecords[lab.id]) : undefined;
    return {
      id: lab.id,
      title: lab.title,
      ...(lab.summary ? { summary: lab.summary } : {}),
      ...(lab.level ? { level: lab.level } : {}),
      ...(lab.minutes ? { minutes: lab.minutes } : {}),
      steps: lab.steps.length,
      passed,
      skipped,
      started,
      completed,
      backends: lab.backends,
      ...(resume ? { resumeStep: resume } : {}),
      ...(real ? { real } : {}),
    };
  });
  for (const e of errors) entries.push({ id: e.id, title: e.id, steps: 0, passed: 0, skipped: 0, started: false, completed: false, backends: ['sim'], error: e.message });
  return entries;
}
