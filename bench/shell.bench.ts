// The shell's speed: one command end to end in process (parse → simulated call → formatted
// output), against the bare simulated call it makes; and `iamlab shell` start-up (spawn to
// first output), against `node -e 0` measured in the same run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, timeEach, type Bench } from './harness.js';
import { ShellSession } from '../src/shell/index.js';
import { buildSandbox } from '../src/shell/default-world.js';
import { SimBackend } from '../src/sim/index.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');


async function timeAsync(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Milliseconds from spawn to the first byte on stdout (the process is waited for before returning). */
function firstOutput(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const p = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
    let first: number | undefined;
    p.stdout.once('data', () => {
      first = performance.now() - t;
    });
    p.stdout.resume();
    p.on('close', () => resolve(first ?? performance.now() - t));
    p.on('error', reject);
    p.stdin.end(input);
  });
}

export const benches: Bench[] = [
  {
    name: 'shell.command_ms_p50',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'iamlab-bench-'));
      try {
        const { world, state } = buildSandbox(new Date('2026-01-01T09:00:00Z'));
        const sim = new SimBackend(world);
        const sh = new ShellSession({ backend: sim, world, workspaceDir: join(dir, 'ws'), state });
        const line = `aws iam list-users --query "Users[?UserName == 'admin'].[UserName, Arn]" --output table`;
        const creds = { accessKeyId: state.credentials.default!.aws_access_key_id!, secretAccessKey: state.credentials.default!.aws_secret_access_key! };
        const raw = () => sim.callSync({ service: 'iam', operation: 'ListUsers', input: {}, credentials: creds, via: 'shell' });
        for (let i = 0; i < 200; i++) {
          await sh.run(line);
          raw();
        }
        const full = await timeAsync(() => sh.run(line), 2000);
        const base = timeEach(raw, 2000);
        const r = await sh.run(line);
        if (r.exitCode !== 0) throw new Error(r.stderr);
        return {
          value: percentile(full, 50),
          unit: 'ms',
          better: 'lower',
          baseline: { name: 'SimBackend.callSync ListUsers', value: percentile(base, 50) },
          aim: 1,
          note: `p90 ${percentile(full, 90).toFixed(3)} ms; ${line.slice(0, 40)}…`,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'shell.start_ms_p50',
    async run() {
      if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
        const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
        if (b.status !== 0) throw new Error('build failed');
      }
      const home = mkdtempSync(join(tmpdir(), 'iamlab-bench-home-'));
      try {
        const env = { ...process.env, IAMLAB_HOME: home, NO_COLOR: '1' };
        await firstOutput([join(ROOT, 'bin', 'iamlab.js'), 'shell'], 'echo ready\n', env); // creates the sandbox
        const shellT: number[] = [];
        const nodeT: number[] = [];
        for (let i = 0; i < 15; i++) {
          nodeT.push(await firstOutput(['-e', 'process.stdout.write("ready\\n")'], '', env));
          shellT.push(await firstOutput([join(ROOT, 'bin', 'iamlab.js'), 'shell'], 'echo ready\n', env));
        }
        return {
          value: percentile(shellT, 50),
          unit: 'ms',
          better: 'lower',
          baseline: { name: 'node -e (same run)', value: percentile(nodeT, 50) },
          aim: 200,
          note: 'spawn to first output, stdin not a terminal',
        };
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  },
];
