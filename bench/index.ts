// npm run bench [-- --json] [-- name-filter]
// Runs every bench/*.bench.ts, prints a table (or one JSON object of named figures).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { Bench, BenchResult } from './harness.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const filters = args.filter((a) => !a.startsWith('--'));
const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();

const results: Array<[string, BenchResult]> = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { benches: Bench[] };
  for (const b of mod.benches) {
    if (filters.length && !filters.some((x) => b.name.includes(x))) continue;
    if (!json) process.stderr.write(`running ${b.name}…\n`);
    try {
      results.push([b.name, await b.run()]);
    } catch (e) {
      results.push([b.name, { value: NaN, unit: '', better: 'higher', note: `failed: ${(e as Error).message}` }]);
    }
  }
}

const fmt = (x: number) => (Number.isNaN(x) ? '–' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3));
if (json) {
  const out: Record<string, unknown> = {};
  for (const [name, r] of results) {
    out[name] = r.value;
    if (r.baseline) {
      out[`${name}.baseline`] = r.baseline.value;
      out[`${name}.ratio`] = ratio(r);
    }
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
} else {
  const rows = results.map(([name, r]) => [
    name,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline ? `${fmt(r.baseline.value)} (${r.baseline.name})` : '',
    r.baseline ? `${ratio(r).toFixed(1)}×` : '',
    r.aim !== undefined ? `${r.better === 'higher' ? '≥' : '≤'} ${fmt(r.aim)}${meets(r) ? ' ✓' : ' ✗'}` : '',
    r.note ?? '',
  ]);
  const head = ['figure', 'value', 'baseline (same run)', 'ratio', 'aim', 'note'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  process.stdout.write([line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n');
}

function ratio(r: BenchResult): number {
  if (!r.baseline) return NaN;
  return r.better === 'higher' ? r.value / r.baseline.value : r.baseline.value / r.value;
}
function meets(r: BenchResult): boolean {
  return r.aim === undefined || (r.better === 'higher' ? r.value >= r.aim : r.value <= r.aim);
}
