// The learner's display name, remembered between runs ($IAMLAB_HOME/learner.json), so
// `iamlab report` can name the learner who once gave `--name` (to the app or to report).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamlabHome } from '../workshop/home.js';
import { writeFileAtomic } from '../atomic-write.js';

export function learnerFile(home = iamlabHome()): string {
  return join(home, 'learner.json');
}

/** The stored name, or undefined (missing or unreadable file: never an error). */
export function storedLearnerName(home = iamlabHome()): string | undefined {
  try {
    const data = JSON.parse(readFileSync(learnerFile(home), 'utf8')) as { name?: unknown };
    return typeof data.name === 'string' && data.name.trim() ? data.name.trim().slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers the name (atomic write). Returns false when it could not be written. */
export function rememberLearnerName(name: string, home = iamlabHome()): boolean {
  const n = name.trim();
  if (!n) return false;
  const file = learnerFile(home);
  try {
    writeFileAtomic(file, `${JSON.stringify({ name: n.slice(0, 200) })}\n`);
    return true;
  } catch {
    return false;
  }
}
