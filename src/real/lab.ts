// Everything a lab needs to run on a real account, wired together, for the tutor (`iamlab start
// <lab> --real`) and the lab shell: the learner's backend (asks before the first write, tags
// what it creates, records the shell's calls), the lab's starting world created in the account,
// the shell (real profiles, hidden secrets), and the checks (read-only, through a checker backend).
// Progress, hints and step order stay with src/labs; this module answers "check step X now".
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../labs/schema.js';
import { loadLab } from '../labs/loader.js';
import type { CheckSpec } from '../checks/spec.js';
import { checkStepSpec, stepCheckSpec, type StepCheck, type StepLike } from '../checks/step.js';
import type { EventMark } from '../checks/types.js';
import type { ShellState } from '../shell/types.js';
import type { PromptFn } from '../shell/types.js';
import { RealBackend, type RealBackendOptions, type WriteConfirmation } from './backend.js';
import { RealEventLog } from './events.js';
import { RealCheckBackend, realModeSpec } from './checks.js';
import { RealShellSession } from './shell.js';
import { setupRealLab, type RealSetupResult } from './setup.js';

export interface OpenRealLabOptions {
  /** Where the lab's files live: <dir>/real-shell.json (no secrets), real-events.jsonl, workspace/. */
  dir: string;
  profile?: string;
  region?: string;
  /** The second account's profile, for labs with two accounts. */
  profile2?: string;
  labsDir?: string;
  /** Asked before the first write in each account (show account id and caller ARN). */
  confirmWrite?: (w: WriteConfirmation) => Promise<boolean>;
  /** Prompts (MFA codes, aws configure). */
  prompt?: PromptFn;
  /** Extra backend options (tests: endpoint, env, retry). */
  backendOptions?: RealBackendOptions;
  interactiveEditor?: boolean;
  columns?: number;
  color?: boolean;
}

export interface RealLab {
  lab: Lab;
  /** Lab account key → real account id. */
  accounts: Record<string, string>;
  setup: RealSetupResult;
  shell: RealShellSession;
  checks: RealCheckBackend;
  events: RealEventLog;
  /** A mark of "now" for a step that begins (store it in the step's progress). */
  mark(): EventMark;
  /** Checks one step now (IAM read afresh), with its answers and start mark. */
  checkStep(stepId: string, opts?: { mark?: EventMark; answers?: { answer?: string; questions?: Record<string, string> } }): Promise<StepCheck>;
  /** Saves the shell state (without secrets). */
  save(): void;
  close(): void;
}

/**
 * Opens a lab on the real account: creates its starting world there (asking first), the shell,
 * and the checks. Throws LabNotFoundError / LabLoadError for a bad lab id, and an Error with a
 * clear message when the lab cannot run here (two accounts without --profile2, setup refused).
 */
export async function openRealLab(labId: string, opts: OpenRealLabOptions): Promise<RealLab> {
  const lab = loadLab(labId, opts.labsDir);
  const keys = Object.keys(lab.world.accounts);
  if (keys.length > 2) throw new Error(`Lab ${lab.id} uses ${keys.length} accounts; on a real account iamlab runs labs with at most two. Do it on the simulated account.`);
  if (keys.length === 2 && !opts.profile2) throw new Error(`Lab ${lab.id} needs two AWS accounts (${keys.join(' and ')}): add --profile2 <a profile of the second account>, or do it on the simulated account.`);
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const events = new RealEventLog(join(opts.dir, 'real-events.jsonl'));
  const base: RealBackendOptions = {
    ...(opts.backendOptions ?? {}),
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.prompt ? { mfaCodeProvider: async (serial: string) => (await opts.prompt!(`Enter MFA code for ${serial}: `)) ?? '' } : {}),
  };
  const learner = new RealBackend({ ...base, ...(opts.profile ? { profile: opts.profile } : {}), labId: lab.id, eventLog: events, ...(opts.confirmWrite ? { confirmWrite: opts.confirmWrite } : {}) });
  const second = keys.length === 2 ? new RealBackend({ ...base, profile: opts.profile2!, labId: lab.id, ...(opts.confirmWrite ? { confirmWrite: opts.confirmWrite } : {}) }) : undefined;
  const setup = await setupRealLab(lab, { [keys[0]!]: learner, ...(second ? { [keys[1]!]: second } : {}) });
  if (setup.failed) {
    learner.close();
    second?.close();
    throw new Error(`Setting up lab ${lab.id} in your account stopped: ${setup.failed}`);
  }
  const statePath = join(opts.dir, 'real-shell.json');
  let state: ShellState | undefined;
  if (existsSync(statePath)) {
    try {
      state = JSON.parse(readFileSync(statePath, 'utf8')) as ShellState;
    } catch {
      renameSync(statePath, `${statePath}.corrupt-${Date.now()}`);
    }
  }
  const shell = new RealShellSession({
    backend: learner,
    workspaceDir: join(opts.dir, 'workspace'),
    ...(state ? { state } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.region ? { region: opts.region } : {}),
    extraProfiles: setup.profiles,
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    ...(opts.interactiveEditor !== undefined ? { interactiveEditor: opts.interactiveEditor } : {}),
    ...(opts.columns ? { columns: opts.columns } : {}),
    ...(opts.color !== undefined ? { color: opts.color } : {}),
  });
  const checker = new RealBackend({ ...base, ...(opts.profile ? { profile: opts.profile } : {}) });
  const checker2 = second ? new RealBackend({ ...base, profile: opts.profile2! }) : undefined;
  const checks = new RealCheckBackend({ backend: checker, ...(checker2 ? { more: [{ backend: checker2, key: keys[1]! }] } : {}), keys, shell: shell.link(), events, ...(opts.region ? { region: opts.region } : {}) });
  const accounts = setup.accounts;
  return {
    lab,
    accounts,
    setup,
    shell,
    checks,
    events,
    mark: () => checks.mark(),
    async checkStep(stepId, o = {}) {
      const step = lab.steps.find((s) => s.id === stepId);
      if (!step) throw new Error(`lab ${lab.id} has no step ${stepId}`);
      await checks.begin();
      const spec = stepCheckSpec(step as StepLike);
      const realStep: StepLike = {
        ...(step as StepLike),
        ...(spec ? { check: realModeSpec(spec) } : {}),
        ...(step.diagnose ? { diagnose: step.diagnose.map((d) => ({ ...d, when: realModeSpec(d.when as CheckSpec) })) } : {}),
      };
      return checkStepSpec(realStep, checks, { accounts, defaultAccount: accounts[keys[0]!]!, ...(o.mark ? { stepMark: o.mark } : {}), ...(o.answers ? { answers: o.answers } : {}) });
    },
    save() {
      const tmp = `${statePath}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(shell.persistableState(), null, 2), { mode: 0o600 });
      renameSync(tmp, statePath);
    },
    close() {
      for (const b of [learner, second, checker, checker2]) b?.close();
    },
  };
}
