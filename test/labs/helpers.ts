// Shared helpers for the lab self-tests: a fresh lab session in a temporary home, and running a
// step's solution the way a learner would (files written, commands typed into the shell).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLab, type LabSession, type OpenLabOptions } from '../../src/labs/index.js';
import { runSolution } from '../../src/labs/solution.js';
import type { Step } from '../../src/labs/schema.js';
import { fillTemplate } from '../../src/checks/template.js';

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

export function fillAccounts(s: LabSession, text: string): string {
  const vars: Record<string, string> = {};
  for (const [k, id] of Object.entries(s.accounts)) vars[`account.${k}`] = id;
  return fillTemplate(text, vars);
}

/** Do a step as a learner would: its solution's files and commands through the shell, or its answers. */
export async function doStep(s: LabSession, step: Step): Promise<string> {
  const kind = step.kind ?? 'task';
  const sol = step.solution;
  if (!sol) throw new Error(`step ${step.id} has no solution`);
  if (kind === 'answer') {
    await s.answer(fillAccounts(s, sol.answers!.answer!), { step: step.id });
    return '';
  }
  if (kind === 'quiz') {
    for (const [q, a] of Object.entries(sol.answers ?? {})) await s.answer(fillAccounts(s, a), { step: step.id, question: q });
    return '';
  }
  s.progress.vars ??= {};
  const r = await runSolution(sol, { run: (line) => s.run(line) }, { workspaceDir: s.paths.workspace, accounts: s.accounts, now: () => s.world.clock.now(), vars: s.progress.vars });
  if (!r.ok) throw new Error(`the solution of ${step.id} failed:\n${r.transcript}`);
  return r.transcript;
}
