// Lab folders and the errors of lab loading — light (no YAML, no zod), so the hot path
// (`iamlab check`) can use it without loading the parser.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LabProblem {
  line: number;
  column: number;
  /** Path inside the document, printed like steps[2].check.trust. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export class LabLoadError extends Error {
  constructor(
    readonly file: string,
    readonly problems: LabProblem[],
    readonly labId?: string,
  ) {
    const shown = displayPath(file);
    super(problems.map((p) => `${shown}:${p.line}:${p.column}: ${p.path ? p.path + ': ' : ''}${p.message}`).join('\n'));
    this.name = 'LabLoadError';
  }
}

export class LabNotFoundError extends Error {
  constructor(
    readonly labId: string,
    readonly known: string[],
  ) {
    super(`there is no lab '${labId}'.${known.length ? ` Labs: ${known.join(', ')}.` : ''}${closest(labId, known) ? ` Did you mean '${closest(labId, known)}'?` : ''}`);
    this.name = 'LabNotFoundError';
  }
}

export function closest(x: string, xs: string[]): string | undefined {
  let best: string | undefined;
  let bd = Infinity;
  for (const c of xs) {
    const d = levenshtein(x.toLowerCase(), c.toLowerCase());
    if (d < bd) [bd, best] = [d, c];
  }
  return best !== undefined && bd <= Math.max(2, Math.floor(x.length / 3)) ? best : undefined;
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** The labs/ folder shipped with the package (src/labs → ../../labs; dist/ → ../labs). */
export function defaultLabsDir(): string {
  if (process.env.IAMLAB_LABS_DIR) return resolve(process.env.IAMLAB_LABS_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'labs');
    if (existsSync(join(dir, 'package.json')) && existsSync(cand)) return cand;
    dir = dirname(dir);
  }
  return resolve('labs');
}

/** Ids of the lab folders (no validation). */
export function labIds(labsDir = defaultLabsDir()): string[] {
  let entries: string[];
  try {
    entries = readdirSync(labsDir);
  } catch {
    return [];
  }
  return entries.filter((e) => !e.startsWith('_') && !e.startsWith('.') && existsSync(join(labsDir, e, 'lab.yaml'))).sort();
}

