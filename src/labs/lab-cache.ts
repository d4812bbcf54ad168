// Validated labs cached as JSON under <home>/cache/labs, keyed by the sha256 of the lab's files
// and the loader's version: a command that only needs the lab (iamlab check, iamlab labs) then
// skips the YAML parser and the schema library. On a miss the real loader runs (and reports a
// broken file exactly as before); the cache is best effort and never required.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabLoadError, LabNotFoundError, defaultLabsDir, labIds } from './lab-files.js';
import type { Lab } from './schema.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from '../atomic-write.js';

/** Bump when the loader or the Lab shape changes, so old cache entries are never read. */
const LOADER_VERSION = 1;

function cacheKey(labDir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(labDir, 'lab.yaml'), 'utf8');
  } catch {
    return undefined;
  }
  const h = createHash('sha256').update(`${VERSION}\0${LOADER_VERSION}\0${labDir}\0`).update(text);
  const steps = join(labDir, 'steps');
  if (existsSync(steps)) {
    for (const f of readdirSync(steps).sort()) {
      try {
        h.update(`\0${f}\0`).update(readFileSync(join(steps, f)));
      } catch {
        /* a folder or unreadable file: the loader will say so */
      }
    }
  }
  return h.digest('hex').slice(0, 32);
}

/** One lab, from the cache when its files have not changed. Throws LabNotFoundError / LabLoadError. */
export async function loadLabCached(id: string, opts: { labsDir?: string; cacheDir?: string } = {}): Promise<Lab> {
  const labsDir = opts.labsDir ?? defaultLabsDir();
  const dir = join(labsDir, id);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !existsSync(join(dir, 'lab.yaml'))) throw new LabNotFoundError(id, labIds(labsDir));
  const key = opts.cacheDir ? cacheKey(dir) : undefined;
  const file = key && opts.cacheDir ? join(opts.cacheDir, `${id}-${key}.json`) : undefined;
  if (file) {
    try {
      const lab = JSON.parse(readFileSync(file, 'utf8')) as Lab;
      if (lab && lab.id === id && Array.isArray(lab.steps)) return lab;
    } catch {
      /* miss or damaged cache entry: load for real */
    }
  }
  const { loadLabFile } = await import('./loader.js');
  const lab = loadLabFile(join(dir, 'lab.yaml'), id);
  if (file && opts.cacheDir) {
    try {
      writeFileAtomic(file, JSON.stringify(lab));
    } catch {
      /* the cache is an optimisation only */
    }
  }
  return lab;
}

/** Every lab (cached where possible); broken ones in `errors`, the others still load. */
export async function loadLabsCached(opts: { labsDir?: string; cacheDir?: string } = {}): Promise<{ labs: Lab[]; errors: LabLoadError[] }> {
  const labsDir = opts.labsDir ?? defaultLabsDir();
  const labs: Lab[] = [];
  const errors: LabLoadError[] = [];
  for (const id of labIds(labsDir)) {
    try {
      labs.push(await loadLabCached(id, { labsDir, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}) }));
    } catch (e) {
      if (e instanceof LabLoadError) errors.push(e);
      else errors.push(new LabLoadError(join(labsDir, id, 'lab.yaml'), [{ line: 1, column: 1, path: '', message: (e as Error).message, severity: 'error' }], id));
    }
  }
  labs.sort((a, b) => (a.seed ?? '999').localeCompare(b.seed ?? '999') || a.id.localeCompare(b.id));
  return { labs, errors };
}
