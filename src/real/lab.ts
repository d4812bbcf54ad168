// A lab on a real account, stand-alone (without src/labs' progress): the same wiring a
// LabSession uses (src/real/lab-session.ts openRealLabParts: the learner's backend that asks before
// the first write and tags what it creates, the lab's starting world created in the account, the
// shell with real profiles and hidden secrets, the read-only checks), plus the shell state kept in
// <dir>/real-shell.json (no secrets) and "check step X now".
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../labs/schema.js';
import { loadLab } from '../labs/loader.js';
import { checkStepSpec, type StepCheck, type StepLike } from '../checks/step.js';
import type { EventMark } from '../checks/types.js';
import type { ShellState } from '../shell/types.js';
import type { RealEventLog } from './events.js';
import type { RealCheckBackend } from './checks.js';
import type { RealShellSession } from './shell.js';
import { openRealLabParts, realStep, type RealLabParts, type RealLabPartsOptions } from './lab-session.js';
import { writeFileAtomic } from '../atomic-write.js';

/** openRealLabParts' options, with the workspace (<dir>/workspace) and the saved shell state (<dir>/real-shell.json) found in `dir`. */
export type OpenRealLabOptions = Omit<RealLabPartsOptions, 'workspaceDir' | 'state'> & { labsDir?: string };

export interface RealLab {
  lab: Lab;
  /** Lab account key → real account id. */
  accounts: Record<string, string>;
  /** What setup did in the account(s). No secrets. */
  setup: RealLabParts['setup'];
  shell: RealShellSession;
  checks: RealCheckBackend;
  events: RealEventLog;
  /** A mark of "now" for a step that begins (store it in the step's progress). */
  mark(): EventMark;
  /** Checks one step now (IAM read afresh), with its answers and start mark. */
  checkStep(stepId: string, opts?: { mark?: EventMark; answers?: { answer?: string; questions?: Record<string, string> } }): Promise<StepCheck>;
  /** Saves the shell state (without secrets). */
  save(): void;
  /** Deletes the access keys setup made for lab users and closes the clients; resolves to what could not be done. */
  close(): Promise<string[]>;
}

/**
 * Opens a lab on the real account: creates its starting world there (asking first), the shell,
 * and the checks. Throws LabNotFoundError / LabLoadError for a bad lab id, and LabSetupError with
 * a clear message when the lab cannot run here (two accounts without --profile2, setup refused).
 */
export async function openRealLab(labId: string, opts: OpenRealLabOptions): Promise<RealLab> {
  const lab = loadLab(labId, opts.labsDir);
  const statePath = join(opts.dir, 'real-shell.json');
  let state: ShellState | undefined;
  if (existsSync(statePath)) {
    try {
      state = JSON.parse(readFileSync(statePath, 'utf8')) as ShellState;
    } catch {
      renameSync(statePath, `${statePath}.corrupt-${Date.now()}`);
    }
  }
  const { labsDir: _l, ...o } = opts;
  const parts = await openRealLabParts(lab, { ...o, workspaceDir: join(opts.dir, 'workspace'), ...(state ? { state } : {}) });
  const { accounts, shell, checks } = parts;
  const first = Object.keys(lab.world.accounts)[0]!;
  return {
    lab,
    accounts,
    setup: parts.setup,
    shell,
    checks,
    events: parts.events,
    mark: () => checks.mark(),
    async checkStep(stepId, o = {}) {
      const step = lab.steps.find((s) => s.id === stepId);
      if (!step) throw new Error(`lab ${lab.id} has no step ${stepId}`);
      await checks.begin();
      return checkStepSpec(realStep(step as StepLike), checks, { accounts, defaultAccount: accounts[first]!, ...(o.mark ? { stepMark: o.mark } : {}), ...(o.answers ? { answers: o.answers } : {}) });
    },
    save() {
      writeFileAtomic(statePath, JSON.stringify(shell.persistableState(), null, 2), { mode: 0o600 });
    },
    close: () => parts.close(),
  };
}
