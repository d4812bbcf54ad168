// Runs every test/**/*.test.ts(x) file with node's test runner through tsx.
// (Node 20's --test discovery skips .tsx and quoted globs fail there, so list files ourselves.)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2);
const files = readdirSync('test', { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && /\.test\.tsx?$/.test(d.name))
  .map((d) => join(d.parentPath ?? d.path, d.name))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, IAMLAB_TEST: '1' },
});
process.exit(r.status ?? 1);
