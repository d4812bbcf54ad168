// The real-account pieces a LabSession (src/labs/session.ts) runs on when a lab is opened with
// backend 'real': the learner's backend (asks before the first write, tags what it creates,
// records the shell's calls in <dir>/real-events.jsonl), the lab's starting world created in the
// account(s), the shell (the learner's real profiles, secrets hidden, state passed in secret-free),
// and the read-only checks. Progress, hints, skips, answers and step order stay with src/labs,
// which is why this returns parts instead of a session (src/real/lab.ts openRealLab wraps the same
// parts for use without src/labs).
//
// On purpose:
// - the lab is passed in (already loaded and cached by src/labs), and so is the saved shell state
//   (src/labs reads it, and moves a damaged file aside with a warning);
// - the workspace is the caller's (the labs keep a real-account workspace apart from the
//   simulated one, whose files name the simulated account ids);
// - a lab administrator in the *second* account that the learner's identity plays ('self') is
//   the --profile2 identity, not the first account's;
// - the access keys setup made for lab users live as long as the session: close() deletes them
//   (their secrets were only ever in memory), so reopening a lab does not pile up keys until
//   IAM's two-keys-per-user quota stops the setup.
import { CHECKER_USER_AGENT } from './cloudtrail.js';
import type { Credentials } from '../backend/types.js';
import type { Lab } from '../labs/schema.js';
import { LabSetupError } from '../labs/world-build.js';
import type { CheckSpec } from '../checks/spec.js';
import { stepCheckSpec, type StepLike } from '../checks/step.js';
import type { PromptFn, ShellState } from '../shell/types.js';
import { RealBackend, type RealBackendOptions, type WriteConfirmation } from './backend.js';
import { RealEventLog } from './events.js';
import { RealCheckBackend, realModeSpec } from './checks.js';
import { RealShellSession } from './shell.js';
import { setupRealLab } from './setup.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RealLabPartsOptions {
  /** The lab's folder (<home>/labs/<id>): the shell's call log goes to <dir>/real-events.jsonl. */
  dir: string;
  /** Where the shell's files live (file://… arguments, solution files). */
  workspaceDir: string;
  /** The saved shell state (secret-free: exported variables other than secrets, history). */
  state?: ShellState;
  profile?: string;
  region?: string;
  /** The second account's profile (two-account labs). */
  profile2?: string;
  confirmWrite?: (w: WriteConfirmation) => Promise<boolean>;
  prompt?: PromptFn;
  /** Extra backend options (tests: env with AWS_ENDPOINT_URL, retry without sleeping). */
  backendOptions?: RealBackendOptions;
  interactiveEditor?: boolean;
  columns?: number;
  color?: boolean;
}

export interface RealLabParts {
  /** The learner's backend (what the shell calls through; kind 'real'). */
  backend: RealBackend;
  checks: RealCheckBackend;
  shell: RealShellSession;
  events: RealEventLog;
  /** Lab account key → the real account id. */
  accounts: Record<string, string>;
  /** Who the learner is in the first account. */
  callerArn?: string;
  /** What setup did in the account(s) — show it to the learner. No secrets. */
  setup: { created: string[]; kept: string[]; skipped: string[] };
  /** Deletes the access keys this session's setup made for lab users, and closes the clients. Never throws. */
  close(): Promise<string[]>;
}

/**
 * Why a lab cannot run on the real account(s) given, or undefined:
 * more than two accounts, or two accounts without --profile2.
 */
export function realAccountsProblem(lab: Pick<Lab, 'id' | 'world'>, profile2: string | undefined): string | undefined {
  const keys = Object.keys(lab.world.accounts);
  if (keys.length > 2) return `Lab ${lab.id} uses ${keys.length} accounts; on a real account iamlab runs labs with at most two. Do it on the simulated account.`;
  if (keys.length === 2 && !profile2) return `Lab ${lab.id} needs two AWS accounts (${keys.join(' and ')}): add --profile2 <a profile of the second account>, or do it on the simulated account.`;
  return undefined;
}

/** A step as real mode checks it: console-only event leaves in its check and diagnoses become console questions (errors, never fail). */
export function realStep<T extends StepLike>(step: T): T {
  const spec = stepCheckSpec(step);
  return {
    ...step,
    ...(spec ? { check: realModeSpec(spec) } : {}),
    ...(step.diagnose ? { diagnose: step.diagnose.map((d) => ({ ...d, when: realModeSpec(d.when as CheckSpec) })) } : {}),
  };
}

type StartRef = { account?: string; user?: string; root?: true } | undefined;

/** The lab's start profiles (shell default + named ones) with the account key and user each stands for. */
function startProfiles(lab: Lab): Array<{ profile: string; key: string; user?: string }> {
  const keys = Object.keys(lab.world.accounts);
  const sa = lab.world.start_as;
  const out: Array<{ profile: string; key: string; user?: string }> = [];
  const add = (profile: string, ref: StartRef) => {
    if (!ref) return;
    out.push({ profile, key: ref.account ?? keys[0]!, ...(ref.user ? { user: ref.user } : {}) });
  };
  add('default', sa?.shell as StartRef);
  for (const [name, ref] of Object.entries(sa?.profiles ?? {})) add(name, ref as StartRef);
  return out;
}

/** Makes profile `name` of the shell the same identity as profile `source` (in memory only). */
function aliasProfile(shell: RealShellSession, name: string, source: string): void {
  const st = shell.state;
  st.config[name] = { ...(st.config[source] ?? {}) };
  if (st.credentials[source]) st.credentials[name] = { ...st.credentials[source]! };
  else {
    delete st.credentials[name];
    // a profile only the SDK's chain can resolve (SSO …): the shell asks the chain for it by name
    shell.profiles.config[name] = { ...(shell.profiles.config[source] ?? {}) };
  }
}

/**
 * Creates the lab's starting world in the real account(s) (asking first through confirmWrite) and
 * wires the shell and the checks. Throws LabSetupError (src/labs) with the learner-facing reason
 * when the account cannot be used (no credentials, setup refused or denied, two profiles of one
 * account), and for a lab with more than two accounts or two without profile2.
 */
export async function openRealLabParts(lab: Lab, opts: RealLabPartsOptions): Promise<RealLabParts> {
  const keys = Object.keys(lab.world.accounts);
  const problem = realAccountsProblem(lab, opts.profile2);
  if (problem) throw new LabSetupError(problem);
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const events = new RealEventLog(join(opts.dir, 'real-events.jsonl'));
  const base: RealBackendOptions = {
    ...(opts.backendOptions ?? {}),
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.prompt ? { mfaCodeProvider: async (serial: string) => (await opts.prompt!(`Enter MFA code for ${serial}: `)) ?? '' } : {}),
  };
  const confirm = opts.confirmWrite ? { confirmWrite: opts.confirmWrite } : {};
  const learner = new RealBackend({ ...base, ...(opts.profile ? { profile: opts.profile } : {}), labId: lab.id, eventLog: events, ...confirm });
  const second = keys.length === 2 ? new RealBackend({ ...base, profile: opts.profile2!, labId: lab.id, ...confirm }) : undefined;
  const byKey: Record<string, RealBackend> = { [keys[0]!]: learner, ...(second ? { [keys[1]!]: second } : {}) };
  let setup: Awaited<ReturnType<typeof setupRealLab>>;
  try {
    setup = await setupRealLab(lab, byKey);
  } catch (e) {
    learner.close();
    second?.close();
    throw e;
  }
  // Keys made before the failure are useless (their secrets are gone with this process): delete them.
  const madeKeys: Array<{ key: string; user: string; accessKeyId: string }> = [];
  for (const sp of startProfiles(lab)) {
    const c = setup.profiles[sp.profile];
    if (c && c !== 'self' && sp.user && !madeKeys.some((k) => k.accessKeyId === c.accessKeyId)) madeKeys.push({ key: sp.key, user: sp.user, accessKeyId: c.accessKeyId });
  }
  const deleteKeys = async (): Promise<string[]> => {
    const problems: string[] = [];
    for (const k of madeKeys.splice(0)) {
      const b = byKey[k.key];
      if (!b) continue;
      try {
        const r = await b.send({ service: 'iam', operation: 'DeleteAccessKey', input: { UserName: k.user, AccessKeyId: k.accessKeyId }, via: 'api' });
        if (!r.ok && r.error.code !== 'NoSuchEntity') problems.push(`could not delete the access key ${k.accessKeyId} iamlab made for ${k.user} (${r.error.code}: ${r.error.message}); delete it with aws iam delete-access-key --user-name ${k.user} --access-key-id ${k.accessKeyId}`);
      } catch (e) {
        problems.push(`could not delete the access key ${k.accessKeyId} iamlab made for ${k.user}: ${(e as Error).message}`);
      }
    }
    return problems;
  };
  if (setup.failed) {
    await deleteKeys();
    learner.close();
    second?.close();
    let msg = `Setting up lab ${lab.id} in your AWS account stopped: ${setup.failed}`;
    if (/CreateAccessKey/.test(setup.failed) && /LimitExceeded/.test(setup.failed)) {
      msg += ` (IAM allows two access keys per user: delete an old one — aws iam list-access-keys --user-name USER, then aws iam delete-access-key — or run iamlab cleanup ${lab.id} --real)`;
    }
    throw new LabSetupError(msg);
  }

  // 'self' in the second account is the --profile2 identity (setup marks it like the first account's).
  const extra: Record<string, Credentials | 'self'> = { ...setup.profiles };
  const secondSelf: string[] = [];
  if (keys.length === 2) {
    for (const sp of startProfiles(lab)) {
      if (sp.key === keys[1] && extra[sp.profile] === 'self') {
        delete extra[sp.profile];
        secondSelf.push(sp.profile);
      }
    }
  }
  const shell = new RealShellSession({
    backend: learner,
    workspaceDir: opts.workspaceDir,
    ...(opts.state ? { state: opts.state } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.region ? { region: opts.region } : {}),
    extraProfiles: extra,
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    ...(opts.interactiveEditor !== undefined ? { interactiveEditor: opts.interactiveEditor } : {}),
    ...(opts.columns ? { columns: opts.columns } : {}),
    ...(opts.color !== undefined ? { color: opts.color } : {}),
  });
  for (const name of secondSelf) if (name !== opts.profile2) aliasProfile(shell, name, opts.profile2!);

  // the checker's calls say so in their User-Agent: in CloudTrail they are never the learner's work
  const checker = new RealBackend({ ...base, ...(opts.profile ? { profile: opts.profile } : {}), userAgent: CHECKER_USER_AGENT });
  const checker2 = second ? new RealBackend({ ...base, profile: opts.profile2!, userAgent: CHECKER_USER_AGENT }) : undefined;
  const checks = new RealCheckBackend({
    backend: checker,
    ...(checker2 ? { more: [{ backend: checker2, key: keys[1]! }] } : {}),
    keys,
    shell: shell.link(),
    events,
    ...(opts.region ? { region: opts.region } : {}),
  });
  const who = await learner.identity();
  return {
    backend: learner,
    checks,
    shell,
    events,
    accounts: { ...setup.accounts },
    ...('code' in who ? {} : { callerArn: who.arn }),
    setup: { created: [...setup.created], kept: [...setup.kept], skipped: [...setup.skipped] },
    async close() {
      const problems = await deleteKeys().catch((e: Error) => [e.message]);
      for (const b of [learner, second, checker, checker2]) b?.close();
      return problems;
    },
  };
}
