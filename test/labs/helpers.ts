// Shared helpers for the lab self-tests: a fresh lab session in a temporary home, and running a
// step's solution the way a learner would (files written, commands typed into the shell).
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLab, type LabSession, type OpenLabOptions } from '../../src/labs/index.js';
import { runStepSolution } from '../../src/labs/selftest.js';
import type { Step } from '../../src/labs/schema.js';
import { ensureBuilt } from '../build.js';

export const LABS_DIR = join(import.meta.dirname, '..', '..', 'labs');

export function tempHome(): { home: string; done: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'iamlab-test-'));
  return { home, done: () => rmSync(home, { recursive: true, force: true }) };
}

/** A fresh lab in its own temporary home; the simulated clock stands still unless a step moves it. */
export async function freshLab(id: string, opts: OpenLabOptions = {}): Promise<LabSession & { cleanup: () => void }> {
  const t = tempHome();
  const s = await openLab(id, { home: t.home, labsDir: LABS_DIR, realTime: false, ...opts });
  return Object.assign(s, { cleanup: t.done });
}

export { fillAccounts } from '../../src/labs/selftest.js';

/** Do a step as a learner would (src/labs/selftest.ts): its solution's files and commands through the shell, or its answers. */
export async function doStep(s: LabSession, step: Step): Promise<string> {
  const r = await runStepSolution(s, step);
  if (!r.ok) throw new Error(`the solution of ${step.id} failed:\n${r.transcript}${r.failed ? `\n${r.failed.stderr}` : ''}`);
  return r.transcript;
}

// ---------------------------------------------------------------- the built CLI

const ROOT = join(import.meta.dirname, '..', '..');


export { ensureBuilt };

/** Runs `iamlab ARGS` through bin/iamlab.js with IAMLAB_HOME=home, stdin not a terminal. */
export function iamlabCli(args: string[], home: string, cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'iamlab.js'), ...args], {
    cwd,
    env: { ...process.env, IAMLAB_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A writable that keeps what is written (for commands' out/err options). */
export function sink(): { write: (chunk: string | Uint8Array) => boolean; text: () => string } {
  const parts: string[] = [];
  return { write: (c) => (parts.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')), true), text: () => parts.join('') };
}
