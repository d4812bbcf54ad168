// The built CLI (dist/) for tests and benchmarks that run `node bin/iamlab.js`: built again only
// when a file under src/ is newer than dist/cli.js.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');

function newestIn(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestIn(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt(): void {
  const dist = join(ROOT, 'dist', 'cli.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestIn(join(ROOT, 'src'))) return;
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
}
