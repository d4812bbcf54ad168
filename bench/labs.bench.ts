// Lab checks: one `iamlab check <lab>` process for a whole lab (baseline: `iamlab --version` in
// the same run), and one step's check in-process (baseline: one AssumeRole decision).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, type Bench } from './harness.js';
import { openLab } from '../src/labs/index.js';
import { ensureBuilt } from '../test/build.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const LABS = join(ROOT, 'labs');
const LAB = 'james-s3-readonly'; // the longest lab: 14 steps



/** A home where LAB is completed, so every step's check runs to the end. */
async function completedHome(): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'iamlab-bench-'));
  const s = await openLab(LAB, { home, labsDir: LABS, realTime: false });
  while (s.currentStep()) await s.skip();
  return home;
}

function timeProcess(args: string[], home: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'iamlab.js'), ...args], { cwd: ROOT, env: { ...process.env, IAMLAB_HOME: home }, stdio: 'ignore' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`iamlab ${args.join(' ')} exited ${r.status}`);
  return ms;
}

export const benches: Bench[] = [
  {
    name: 'check.lab_ms_p50',
    async run() {
      ensureBuilt();
      const home = await completedHome();
      try {
        const check: number[] = [];
        const version: number[] = [];
        for (let i = 0; i < 2; i++) timeProcess(['check', LAB], home); // warm the file cache
        for (let i = 0; i < 15; i++) {
          version.push(timeProcess(['--version'], home));
          check.push(timeProcess(['check', LAB], home));
        }
        return {
          value: percentile(check, 50),
          unit: 'ms',
          better: 'lower',
          baseline: { name: 'iamlab --version', value: percentile(version, 50) },
          aim: 300,
          note: `${LAB}, 14 steps, all passing; 15 runs`,
        };
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'check.step_us_p50',
    async run() {
      const home = await completedHome();
      try {
        const s = await openLab(LAB, { home, labsDir: LABS, realTime: false, readOnly: true });
        const per: number[] = [];
        for (let round = 0; round < 30; round++) {
          for (const step of s.lab.steps) {
            const t0 = performance.now();
            const r = await s.checkStep(step.id, { countAttempt: false });
            per.push((performance.now() - t0) * 1000);
            if (!r.passed) throw new Error(`${step.id} should pass: ${r.message}`);
          }
        }
        const roleArn = `arn:aws:iam::${s.accounts.main}:role/James-custom-S3-role`;
        const principal = `arn:aws:iam::${s.accounts.main}:user/James`;
        const base: number[] = [];
        for (let i = 0; i < 30 * s.lab.steps.length; i++) {
          const t0 = performance.now();
          s.world.canAssume({ principal, roleArn });
          base.push((performance.now() - t0) * 1000);
        }
        return {
          value: percentile(per.slice(s.lab.steps.length), 50),
          unit: 'µs',
          better: 'lower',
          baseline: { name: 'one AssumeRole decision', value: percentile(base, 50) },
          aim: 1000,
          note: `${LAB}: each of 14 steps × 30 rounds`,
        };
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  },
];
