// real.check_lab_ms_p50: checking every step of one lab against a "real" account — the lab's
// world (after its solutions ran) served by iamlab's own endpoint on 127.0.0.1, read through the
// AWS SDK (GetAccountAuthorizationDetails & co.), decided by the mirrored world. Baseline: the
// same lab's check on the simulated backend, same state, same run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from './harness.js';
import { percentile } from './harness.js';
import { loadLab } from '../src/labs/loader.js';
import { buildWorld } from '../src/labs/world-build.js';
import { runSolution } from '../src/labs/solution.js';
import { SimBackend } from '../src/sim/index.js';
import { ShellSession } from '../src/shell/index.js';
import { SimCheckBackend } from '../src/checks/sim-backend.js';
import { checkStepSpec, stepCheckSpec, type StepLike } from '../src/checks/step.js';
import type { CheckBackend } from '../src/checks/types.js';
import { startServer } from '../src/serve/index.js';
import { RealBackend } from '../src/real/backend.js';
import { RealCheckBackend, realModeSpec } from '../src/real/checks.js';

const LAB = 'james-s3-readonly';
const RUNS = 15;

async function checkAll(steps: StepLike[], b: CheckBackend, accounts: Record<string, string>, real: boolean): Promise<number> {
  const t0 = performance.now();
  await b.begin?.();
  const defaultAccount = Object.values(accounts)[0]!;
  for (const step of steps) {
    const spec = stepCheckSpec(step);
    const s = real && spec ? { ...step, check: realModeSpec(spec) } : step;
    await checkStepSpec(s, b, { accounts, defaultAccount });
  }
  return performance.now() - t0;
}

export const benches: Bench[] = [
  {
    name: 'real.check_lab_ms_p50',
    async run() {
      const lab = loadLab(LAB);
      const built = buildWorld(lab);
      const dir = mkdtempSync(join(tmpdir(), 'iamlab-bench-real-'));
      const shell = new ShellSession({ backend: new SimBackend(built.world), world: built.world, workspaceDir: join(dir, 'ws'), state: structuredClone(built.shell) as never });
      const vars: Record<string, string> = {};
      for (const step of lab.steps) {
        if (step.solution) await runSolution(step.solution, shell, { workspaceDir: join(dir, 'ws'), accounts: built.accounts, now: () => built.world.clock.now(), vars });
      }
      const steps = lab.steps as unknown as StepLike[];
      const sim = new SimCheckBackend(built.world, { accountKeys: built.accounts, shell });
      const simTimes: number[] = [];
      for (let i = 0; i < RUNS; i++) simTimes.push(await checkAll(steps, sim, built.accounts, false));

      const server = await startServer({ world: built.world });
      const root = built.world.rootCredentials(Object.values(built.accounts)[0]!);
      writeFileSync(join(dir, 'credentials'), `[checker]\naws_access_key_id = ${root.accessKeyId}\naws_secret_access_key = ${root.secretAccessKey}\n`);
      writeFileSync(join(dir, 'config'), '[profile checker]\nregion = us-east-1\n');
      const backend = new RealBackend({ profile: 'checker', env: { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir } });
      const realTimes: number[] = [];
      let cold = NaN;
      try {
        for (let i = 0; i < RUNS + 1; i++) {
          const checks = new RealCheckBackend({ backend, keys: Object.keys(built.accounts) });
          const t = await checkAll(steps, checks, built.accounts, true);
          if (i === 0) cold = t;
          else realTimes.push(t);
        }
      } finally {
        backend.close();
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
      return {
        value: percentile(realTimes, 50),
        unit: 'ms',
        better: 'lower',
        baseline: { name: `${LAB} on the simulated backend`, value: percentile(simTimes, 50) },
        aim: 1000,
        note: `${steps.length} steps; over HTTP + SigV4 to iamlab serve; first run incl. SDK load ${Math.round(cold)} ms`,
      };
    },
  },
];
