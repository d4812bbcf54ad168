// A lab in progress: its world, the shell on it, progress, and the step rules. The shell
// (`iamlab shell --lab`), the app, `iamlab check` and `iamlab serve` all open a lab through
// openLab(), so they share one world: <home>/labs/<id>/world.json, shell.json and workspace/.
//
// The same session runs a lab on a real AWS account (backend: 'real'): the world is the account,
// set up by src/real/lab-session.ts; the shell is a RealShellSession; the checks a RealCheckBackend
// (console-only leaves turned into errors by realModeSpec). Progress, hints, skips, answers and
// the advance rules are this file's, for both. Real-account files: <home>/labs/<id>/real-shell.json
// (no secrets), real-events.jsonl (the shell's calls), real-workspace/; progress under the conf key
// labs-real.<id> (with account_id), apart from the simulated account's labs.<id>.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimBackend, World, WorldSnapshotError, loadWorldFile, saveWorldFile } from '../sim/index.js';
import type { ShellSession, ShellResult, ShellState, ShellOptions } from '../shell/index.js';
import { defaultLabsDir } from './lab-files.js';
import { loadLabCached } from './lab-cache.js';
import { checkAsksConsole } from './console-checks.js';
import type { Lab, Step, Hint, Solution } from './schema.js';
import { ProgressStore, emptyStep, moveAside, type LabProgress, type StepProgress } from './progress.js';
import { buildWorld, labAccounts, type ShellStartState } from './world-build.js';
import { SimCheckBackend } from '../checks/sim-backend.js';
import { checkStepSpec, stepCheckSpec, type StepCheck, type StepLike } from '../checks/step.js';
import type { CheckBackend, EventMark } from '../checks/types.js';
import type { CheckContext } from '../checks/evaluate.js';
import { evaluateCheck } from '../checks/evaluate.js';
import { runSolution, solutionVars } from './solution.js';
import { fillTemplate } from '../checks/template.js';
import { registerLabCommands } from './shell-commands.js';
import type { RealBackend, RealBackendOptions, WriteConfirmation } from '../real/backend.js';
import type { RealCheckBackend } from '../real/checks.js';
import type { RealLabParts } from '../real/lab-session.js';
import { writeFileAtomic } from '../atomic-write.js';

export interface OpenLabOptions {
  /** Default: $IAMLAB_HOME, else conf's config directory. */
  home?: string;
  /** Default: the package's labs/ folder. */
  labsDir?: string;
  /** The lab itself, already loaded (`iamlab lab test` of a lab file outside the labs folder); labsDir is then not read. */
  lab?: Lab;
  /** Rebuild the world and clear progress (what `iamlab reset` does). */
  fresh?: boolean;
  /** Never write anything (iamlab check). */
  readOnly?: boolean;
  /** Wall clock for progress timestamps (tests inject one). */
  now?: () => Date;
  /** The simulated clock follows the wall clock while the lab is open (default true; tests pass false). */
  realTime?: boolean;
  /** After a shell line passes the current step, move on to the next (default true). */
  autoAdvance?: boolean;
  /** Passed to the ShellSession. */
  interactiveEditor?: boolean;
  columns?: number;
  color?: boolean;
  /** Answers the shell's questions (MFA codes, aws configure) and, on a real account, the write confirmation. */
  prompt?: ShellOptions['prompt'];
  /** 'sim' (default): the lab's simulated account. 'real': the AWS account of `profile` (the lab file must list real in backends). */
  backend?: 'sim' | 'real';
  /** Real account: the profile the learner works as (default: the standard chain's). */
  profile?: string;
  /** Real account: the default region. */
  region?: string;
  /** Real account: the second account's profile, for labs with two accounts (cross-account-cli). */
  profile2?: string;
  /**
   * Real account: asked once per account before the first write (setup creates the lab's users,
   * roles and policies when the lab opens). Default: a y/N question through `prompt`; without
   * either, nothing is asked.
   */
  confirmWrite?: (w: WriteConfirmation) => Promise<boolean>;
  /** Real account, tests: extra options for the AWS backends (env with AWS_ENDPOINT_URL, retry). */
  realBackendOptions?: RealBackendOptions;
}

/** What a session on a real account knows about it (no secrets): for banners and the app. */
export interface RealLabInfo {
  /** Lab account key → the real account id. */
  accounts: Record<string, string>;
  /** Who the learner is in the first account. */
  callerArn?: string;
  profile?: string;
  profile2?: string;
  region?: string;
  /** What opening the lab did in the account(s). */
  created: string[];
  kept: string[];
  skipped: string[];
}

export interface LabRunResult extends ShellResult {
  /** The current step's check after the line (when the lab has a current task step). */
  step?: StepCheck;
  /** Steps that passed because of this line, in order. */
  passed?: StepCheck[];
  /** The step that became current, if the lab moved on. */
  advancedTo?: string;
  /** True when the last step just passed. */
  finished?: boolean;
}

export type HintReveal = { ok: true; hint: Hint; index: number; total: number; stepId: string } | { ok: false; reason: string; stepId?: string };

export interface LabStatus {
  lab: { id: string; title: string; version: string };
  current: string | null;
  finished: boolean;
  steps: Array<{ id: string; title: string; kind: string; state: 'passed' | 'skipped' | 'current' | 'open' | 'locked'; attempts: number; hints_shown: string[]; passed_at?: string }>;
}

export class LabNotReadyError extends Error {
  override name = 'LabNotReadyError';
}

const SECOND = 1000;
function parseClock(s: string): number {
  const m = /^\+(\d+)([smh])$/.exec(s)!;
  return Number(m[1]) * (m[2] === 's' ? SECOND : m[2] === 'm' ? 60 * SECOND : 3600 * SECOND);
}

const atomicWrite = (path: string, text: string) => writeFileAtomic(path, text, { mode: 0o600 });

type ShellCtor = new (o: ShellOptions) => ShellSession;

interface RealInit {
  parts: RealLabParts;
  /** realStep() of src/real/lab-session.ts: the step as real mode checks it. */
  prepare: <T extends StepLike>(step: T) => T;
  /** The saved shell state's problems, found before the parts were built. */
  warnings: string[];
}

export async function openLab(labId: string, opts: OpenLabOptions = {}): Promise<LabSession> {
  const store = new ProgressStore(opts.home, opts.now);
  const lab = opts.lab ?? (await loadLabCached(labId, { labsDir: opts.labsDir ?? defaultLabsDir(), cacheDir: join(store.home, 'cache', 'labs') }));
  if (lab.id !== labId) throw new Error(`openLab(${labId}) was given lab ${lab.id}`);
  if (opts.backend === 'real') return openRealLabSession(lab, store, opts);
  // A read-only session (iamlab check) needs neither the shell's command machinery nor conf.
  let Shell: ShellCtor | undefined;
  if (!opts.readOnly) {
    await ProgressStore.ready();
    Shell = (await import('../shell/index.js')).ShellSession;
  }
  return new LabSession(lab, store, opts, Shell);
}

/** The real-account files of a lab (beside the simulated account's). */
function realPaths(dir: string): { shell: string; workspace: string; events: string } {
  return { shell: join(dir, 'real-shell.json'), workspace: join(dir, 'real-workspace'), events: join(dir, 'real-events.jsonl') };
}

async function openRealLabSession(lab: Lab, store: ProgressStore, opts: OpenLabOptions): Promise<LabSession> {
  const backends = lab.backends ?? ['sim'];
  if (!backends.includes('real')) {
    throw new LabNotReadyError(`Lab ${lab.id} runs on the simulated account only (its lab file lists backends: ${backends.join(', ')}). Do it there: iamlab start ${lab.id} (without --real).`);
  }
  if (opts.readOnly) throw new LabNotReadyError(`a lab on a real account is checked read-only with \`iamlab check ${lab.id} --real\`, not by opening it`);
  const real = await import('../real/lab-session.js');
  const problem = real.realAccountsProblem(lab, opts.profile2);
  if (problem) throw new LabNotReadyError(problem);
  await ProgressStore.ready();
  const dir = store.labDir(lab.id);
  const rp = realPaths(dir);
  if (opts.fresh) {
    // Progress, the shell state and the call log go; what the lab created in the account stays
    // (iamlab cleanup <lab> --real removes it).
    for (const p of [rp.shell, rp.events]) rmSync(p, { force: true });
    rmSync(rp.workspace, { recursive: true, force: true });
    store.delete(lab.id, 'real');
  }
  const warnings: string[] = [];
  let state: ShellState | undefined;
  if (existsSync(rp.shell)) {
    try {
      const v = JSON.parse(readFileSync(rp.shell, 'utf8')) as ShellState;
      if (!v || typeof v !== 'object' || typeof v.env !== 'object' || !Array.isArray(v.history) || typeof v.console !== 'object') throw new Error('not a shell state');
      state = v;
    } catch (e) {
      const aside = moveAside(rp.shell, (opts.now ?? (() => new Date()))());
      warnings.push(`The shell state of lab ${lab.id} on your AWS account (${rp.shell}) was damaged (${(e as Error).message}) and was kept as ${aside}; exported variables and history start afresh. Your progress is kept.`);
    }
  }
  const confirmWrite =
    opts.confirmWrite ??
    (opts.prompt
      ? async (w: WriteConfirmation) =>
          /^y(es)?$/i.test(
            (
              (await opts.prompt!(
                `Lab ${lab.id} creates and changes IAM resources in AWS account ${w.accountId} as ${w.arn} (first ${w.operation} in ${w.region}); everything it creates is tagged iamlab:lab=${lab.id}. Go ahead? [y/N] `,
              )) ?? ''
            ).trim(),
          )
      : undefined);
  const parts = await real.openRealLabParts(lab, {
    dir,
    workspaceDir: rp.workspace,
    ...(state ? { state } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile2 ? { profile2: opts.profile2 } : {}),
    ...(confirmWrite ? { confirmWrite } : {}),
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    ...(opts.realBackendOptions ? { backendOptions: opts.realBackendOptions } : {}),
    interactiveEditor: opts.interactiveEditor ?? false,
    ...(opts.columns ? { columns: opts.columns } : {}),
    ...(opts.color !== undefined ? { color: opts.color } : {}),
  });
  try {
    return new LabSession(localizeLab(lab, parts.accounts), store, opts, undefined, { parts, prepare: real.realStep, warnings });
  } catch (e) {
    await parts.close();
    throw e;
  }
}

const SKIP_KEYS = new Set(['check', 'when', 'accept', 'world']);

/** Every text of a lab (not its checks) with fn applied. */
function mapTexts<T>(v: T, fn: (s: string) => string): T {
  if (typeof v === 'string') return fn(v) as T;
  if (Array.isArray(v)) return v.map((x) => mapTexts(x, fn)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = SKIP_KEYS.has(k) ? x : mapTexts(x, fn);
    return out as T;
  }
  return v;
}

/**
 * The lab as the learner reads it on a real account: the lab's own account ids in texts, hints and
 * solutions become the real ones (checks use {account.KEY} and are left alone).
 */
export function localizeLab(lab: Lab, accounts: Record<string, string>): Lab {
  const map = new Map<string, string>();
  for (const [k, a] of Object.entries(lab.world.accounts)) {
    const to = accounts[k];
    if (to && to !== a.id) map.set(a.id, to);
  }
  if (!map.size) return lab;
  const re = new RegExp(`(?<!\\d)(${[...map.keys()].join('|')})(?!\\d)`, 'g');
  const fn = (s: string) => s.replace(re, (m) => map.get(m) ?? m);
  return {
    ...lab,
    title: fn(lab.title),
    summary: fn(lab.summary),
    steps: lab.steps.map((st) => mapTexts(st, fn)),
    ...(lab.finish ? { finish: mapTexts(lab.finish, fn) } : {}),
  };
}

const CONSOLE_LINE = /^\s*console(\s|$)/;

/** A history line without the password it may carry (console passwords of real IAM users never go to disk). */
function scrubPasswords(line: string): string {
  return line.replace(/(--(?:new-|old-)?password)(=|\s+)("[^"]*"|'[^']*'|\S+)/g, '$1$2<redacted>');
}

export class LabSession {
  readonly lab: Lab;
  /** Where the lab runs: the simulated account, or a real AWS account. */
  readonly kind: 'sim' | 'real';
  private simWorld: World | undefined;
  /** The Backend the shell calls: SimBackend over the world, or the learner's RealBackend (kind 'real'). */
  backend!: SimBackend | RealBackend;
  /** What checks read: SimCheckBackend, or RealCheckBackend (read-only, re-read for every check). */
  checks!: SimCheckBackend | RealCheckBackend;
  private shellSession: ShellSession | undefined;
  /** The shell state (live; what the shell reads and writes). On a real account it holds secrets in memory: save() writes a secret-free copy. */
  shellState!: ShellState;
  progress: LabProgress;
  readonly warnings: string[];
  /** On a real account: world is '' (there is no world file), shell = real-shell.json, workspace = real-workspace/, events = real-events.jsonl. */
  readonly paths: { home: string; dir: string; world: string; shell: string; workspace: string; events?: string; snapshots?: string };
  readonly accounts: Record<string, string>;
  /** Set on a real account. */
  readonly real: RealLabInfo | undefined;
  /** The last check of each step in this session (for hints chosen by a diagnosis). */
  readonly lastChecks = new Map<string, StepCheck>();
  private readonly now: () => Date;
  private worldStamp = '';
  private readonly opts: OpenLabOptions;
  private readonly realInit: RealInit | undefined;
  private readonly realSteps = new Map<string, StepLike>();
  /** Real account: values solutions capture (keys, secrets) stay in memory, never in progress. */
  private readonly memVars: Record<string, string> = {};
  private closed = false;

  constructor(
    lab: Lab,
    private readonly store: ProgressStore,
    opts: OpenLabOptions = {},
    private readonly Shell?: ShellCtor,
    real?: RealInit,
  ) {
    this.lab = lab;
    this.opts = opts;
    this.kind = real ? 'real' : 'sim';
    this.realInit = real;
    this.now = opts.now ?? (() => new Date());
    this.warnings = [...store.warnings];
    const dir = store.labDir(lab.id);

    if (real) {
      const rp = realPaths(dir);
      this.paths = { home: store.home, dir, world: '', shell: rp.shell, workspace: rp.workspace, events: rp.events };
      const { parts } = real;
      this.accounts = { ...parts.accounts };
      this.real = {
        accounts: { ...parts.accounts },
        ...(parts.callerArn ? { callerArn: parts.callerArn } : {}),
        ...(opts.profile ? { profile: opts.profile } : {}),
        ...(opts.profile2 ? { profile2: opts.profile2 } : {}),
        ...(opts.region ? { region: opts.region } : {}),
        ...parts.setup,
      };
      this.backend = parts.backend;
      this.checks = parts.checks;
      this.shellSession = parts.shell;
      this.shellState = parts.shell.state;
      registerLabCommands(this);
      for (const w of real.warnings) this.warnings.push(w);
      const mainKey = Object.keys(lab.world.accounts)[0]!;
      const accountId = this.accounts[mainKey]!;
      let progress = store.get(lab.id, 'real');
      if (progress?.account_id && progress.account_id !== accountId) {
        // Progress made in another account says nothing about this one: keep it aside, start afresh.
        mkdirSync(dir, { recursive: true });
        const aside = join(dir, `progress-real.${progress.account_id}.${this.now().toISOString().replace(/[:.]/g, '-')}.json`);
        writeFileSync(aside, JSON.stringify(progress, null, 2) + '\n', { mode: 0o600 });
        this.warnings.push(`Your progress of lab ${lab.id} on a real account was made in AWS account ${progress.account_id}; this profile is account ${accountId}. That progress was kept as ${aside}, and the lab starts afresh in ${accountId}.`);
        progress = undefined;
      }
      this.warnings.push(...store.warnings.filter((w) => !this.warnings.includes(w)));
      progress = this.initProgress(progress, false);
      progress.account_id = accountId;
      progress.accounts = { ...this.accounts };
      delete progress.vars;
      this.progress = progress;
      this.save();
      return;
    }

    this.real = undefined;
    // snapshots/<step>.world.json and .shell.json: the world and the shell as each step began (reset --step)
    this.paths = { home: store.home, dir, world: join(dir, 'world.json'), shell: join(dir, 'shell.json'), workspace: join(dir, 'workspace'), snapshots: join(dir, 'snapshots') };
    this.accounts = labAccounts(lab.world);

    if (opts.fresh) {
      if (opts.readOnly) throw new Error('fresh and readOnly cannot go together');
      for (const p of [this.paths.world, this.paths.shell]) rmSync(p, { force: true });
      rmSync(this.paths.workspace, { recursive: true, force: true });
      rmSync(this.paths.snapshots!, { recursive: true, force: true });
      store.delete(lab.id);
    }

    const stored = opts.fresh ? undefined : store.get(lab.id);
    this.warnings.push(...store.warnings.filter((w) => !this.warnings.includes(w)));
    const { world, shell, rebuilt } = this.loadOrBuild(stored !== undefined);
    this.attach(world, shell);
    this.progress = this.initProgress(stored, rebuilt);
    // a lab starting (again): its first step begins with the world as built
    if (this.progress !== stored && this.progress.current) this.snapshotStep(this.progress.current);
    if (!opts.readOnly) this.save();
  }

  /** A new progress record (none stored, or the world was rebuilt), or the stored one brought up to the lab's current version. */
  private initProgress(progress: LabProgress | undefined, rebuilt: boolean): LabProgress {
    const lab = this.lab;
    if (!progress || rebuilt) {
      const first = lab.steps[0]!;
      const mark = this.checks.mark();
      return {
        id: lab.id,
        version: lab.version,
        contentHash: lab.contentHash,
        backend: this.kind,
        started_at: this.now().toISOString(),
        mark,
        current: first.id,
        steps: { [first.id]: { ...emptyStep(), started_at: this.now().toISOString(), mark } },
        ...(progress?.vars && this.kind === 'sim' ? { vars: progress.vars } : {}),
      };
    }
    if (progress.contentHash !== lab.contentHash) {
      const change = progress.version === lab.version ? `its file changed since you started it (version ${lab.version})` : `it was updated (version ${progress.version} → ${lab.version}) since you started it`;
      this.warnings.push(`Lab ${lab.id}: ${change}; your progress was kept and every step is checked again.`);
      progress.version = lab.version;
      progress.contentHash = lab.contentHash;
      if (progress.current && !lab.steps.some((s) => s.id === progress.current)) progress.current = this.firstOpenStep(progress);
    }
    return progress;
  }

  /** The simulated account (not on a real account: there the account is AWS's). */
  get world(): World {
    if (!this.simWorld) throw new LabNotReadyError(`lab ${this.lab.id} runs on a real AWS account (${Object.values(this.accounts).join(', ')}): it has no simulated world`);
    return this.simWorld;
  }

  /** The backend's clock: the simulated world's, or the wall clock on a real account. */
  clock(): Date {
    return this.simWorld ? this.simWorld.clock.now() : new Date();
  }

  /**
   * {now} for solutions and hints. {now} is written to the second; on a real account, where no
   * step `clock` moves time on, it is the next whole second, so a cut-off "before {now}" (revoke
   * older sessions) covers a session issued earlier in this same second.
   */
  private solutionNow(): Date {
    if (this.simWorld) return this.simWorld.clock.now();
    return new Date(Math.ceil(Date.now() / 1000) * 1000);
  }

  /**
   * Ends the session: saves, and on a real account deletes the access keys opening the lab made
   * for lab users (their secrets lived only in this session) and closes the AWS clients. Returns
   * problems to show (a key that could not be deleted). Safe to call twice.
   */
  async close(): Promise<string[]> {
    if (this.closed) return [];
    this.closed = true;
    if (!this.opts.readOnly) this.save();
    return this.realInit ? this.realInit.parts.close() : [];
  }

  // ---------------------------------------------------------------- world and shell

  private loadOrBuild(hadProgress: boolean): { world: World; shell: ShellStartState | ShellState; rebuilt: boolean } {
    const realTime = this.opts.realTime ?? true;
    let world: World | undefined;
    if (existsSync(this.paths.world)) {
      try {
        world = loadWorldFile(this.paths.world, { realTime });
      } catch (e) {
        if (!(e instanceof WorldSnapshotError)) throw e;
        if (this.opts.readOnly) throw new LabNotReadyError(`${e.message} Run \`iamlab reset ${this.lab.id}\` to start the lab afresh (the damaged file is kept aside).`);
        const aside = moveAside(this.paths.world, this.now());
        this.warnings.push(`The simulated account of lab ${this.lab.id} (${this.paths.world}) could not be read: ${e.message.replace(/ The file was left unchanged\.$/, '')} It was kept as ${aside}; the lab's world was rebuilt from the start.`);
      }
    } else if (hadProgress) {
      this.warnings.push(`Lab ${this.lab.id}: its world file ${this.paths.world} is missing; the world was rebuilt from the start.`);
    }
    if (!world) {
      const built = buildWorld(this.lab, { realTime });
      return { world: built.world, shell: built.shell, rebuilt: hadProgress };
    }
    let shell: ShellState | ShellStartState | undefined;
    if (existsSync(this.paths.shell)) {
      try {
        const v = JSON.parse(readFileSync(this.paths.shell, 'utf8')) as ShellState;
        if (!v || typeof v !== 'object' || typeof v.env !== 'object' || typeof v.credentials !== 'object' || typeof v.console !== 'object') throw new Error('not a shell state');
        shell = v;
      } catch (e) {
        if (this.opts.readOnly) throw new LabNotReadyError(`The shell state ${this.paths.shell} of lab ${this.lab.id} is damaged (${(e as Error).message}). Run \`iamlab shell --lab ${this.lab.id}\` to repair it (the damaged file is kept aside).`);
        const aside = moveAside(this.paths.shell, this.now());
        this.warnings.push(`The shell state of lab ${this.lab.id} (${this.paths.shell}) was damaged and was kept as ${aside}. Your profiles were restored from the lab's starting identities; exported variables and history are gone.`);
      }
    }
    if (!shell) shell = restartShell(this.lab, world);
    return { world, shell, rebuilt: false };
  }

  private attach(world: World, state: ShellStartState | ShellState): void {
    this.simWorld = world;
    this.backend = new SimBackend(world);
    const st = state as ShellState;
    st.history ??= [];
    st.console ??= { roleHistory: [] };
    st.console.roleHistory ??= [];
    if (this.Shell) {
      this.shellSession = new this.Shell({
        backend: this.backend,
        world,
        workspaceDir: this.paths.workspace,
        state: st,
        interactiveEditor: this.opts.interactiveEditor ?? false,
        ...(this.opts.columns ? { columns: this.opts.columns } : {}),
        ...(this.opts.color !== undefined ? { color: this.opts.color } : {}),
        ...(this.opts.prompt ? { prompt: this.opts.prompt } : {}),
      });
      this.shellState = this.shellSession.state;
      this.checks = new SimCheckBackend(world, { accountKeys: this.accounts, shell: this.shellSession });
      registerLabCommands(this);
    } else {
      this.shellState = st;
      this.checks = new SimCheckBackend(world, { accountKeys: this.accounts, shell: { state: st } });
    }
    this.worldStamp = this.stampOf(this.paths.world);
  }

  /** The shell on this lab's world (not available in a read-only session). */
  get shell(): ShellSession {
    if (!this.shellSession) throw new LabNotReadyError('this lab was opened read-only (iamlab check): it has no shell');
    return this.shellSession;
  }

  private stampOf(p: string): string {
    try {
      const s = statSync(p);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '';
    }
  }

  /**
   * Pick up changes another process (iamlab serve, a second shell) saved since we loaded:
   * reloads world.json and shell.json when they changed on disk. Returns true when it reloaded.
   * (A real account has no world file: nothing to reload.)
   */
  sync(): boolean {
    if (this.kind === 'real') return false;
    const stamp = this.stampOf(this.paths.world);
    if (!stamp || stamp === this.worldStamp) return false;
    try {
      const world = loadWorldFile(this.paths.world, { realTime: this.opts.realTime ?? true });
      let state: ShellState = this.shellState;
      try {
        state = JSON.parse(readFileSync(this.paths.shell, 'utf8')) as ShellState;
      } catch {
        /* keep ours */
      }
      this.attach(world, state);
      const p = this.store.get(this.lab.id, this.kind);
      if (p) this.progress = p;
      return true;
    } catch {
      return false;
    }
  }

  /** Writes world.json, shell.json and the progress record (real account: real-shell.json without secrets, and the progress). */
  save(): void {
    if (this.opts.readOnly) return;
    mkdirSync(this.paths.dir, { recursive: true });
    if (this.realInit) {
      const st = this.realInit.parts.shell.persistableState();
      st.history = st.history.map(scrubPasswords);
      atomicWrite(this.paths.shell, JSON.stringify(st, null, 2) + '\n');
      this.store.set(this.lab.id, this.progress);
      return;
    }
    saveWorldFile(this.paths.world, this.world);
    atomicWrite(this.paths.shell, JSON.stringify(this.shellState, null, 2) + '\n');
    this.store.set(this.lab.id, this.progress);
    this.worldStamp = this.stampOf(this.paths.world);
  }

  // ---------------------------------------------------------------- steps

  step(id: string): Step {
    const s = this.lab.steps.find((x) => x.id === id);
    if (!s) throw new LabNotReadyError(`lab ${this.lab.id} has no step '${id}' (steps: ${this.lab.steps.map((x) => x.id).join(', ')})`);
    return s;
  }

  stepIndex(id: string): number {
    return this.lab.steps.findIndex((s) => s.id === id);
  }

  currentStep(): Step | undefined {
    return this.progress.current ? this.lab.steps.find((s) => s.id === this.progress.current) : undefined;
  }

  private sp(id: string): StepProgress {
    let p = this.progress.steps[id];
    if (!p) {
      p = emptyStep();
      this.progress.steps[id] = p;
    }
    return p;
  }

  private done(id: string): boolean {
    const p = this.progress.steps[id];
    return !!p && (!!p.passed_at || p.skipped);
  }

  private firstOpenStep(p: LabProgress): string | null {
    for (const s of this.lab.steps) {
      const x = p.steps[s.id];
      if (!x || (!x.passed_at && !x.skipped)) return s.id;
    }
    return null;
  }

  /** The context a step's check is evaluated in. */
  contextFor(step: Step): CheckContext {
    const p = this.progress.steps[step.id];
    const labMark = (this.progress.mark ?? { at: this.progress.started_at }) as EventMark;
    const ans = p?.answer;
    return {
      accounts: this.accounts,
      defaultAccount: Object.values(this.accounts)[0]!,
      labMark,
      stepMark: (p?.mark as EventMark | undefined) ?? labMark,
      answers: typeof ans === 'string' ? { answer: ans } : ans ? { questions: ans } : {},
    };
  }

  /** The step as this backend checks it (real account: console-only leaves become console questions). */
  private checkedStep(step: Step): StepLike {
    if (!this.realInit) return step as StepLike;
    let s = this.realSteps.get(step.id);
    if (!s) this.realSteps.set(step.id, (s = this.realInit.prepare(step as StepLike)));
    return s;
  }

  /** Real account: read the account afresh (once per check run). */
  private async reread(): Promise<void> {
    if (this.realInit) await this.realInit.parts.checks.begin();
  }

  /** On a real account, a step done in the AWS console (its solution cannot run in the shell). */
  consoleStep(id: string): boolean {
    return this.kind === 'real' && checkAsksConsole(stepCheckSpec(this.checkedStep(this.step(id))));
  }

  /**
   * On a real account, a console step whose check can still pass: it asks only about console
   * events, which the checker reads in CloudTrail (not which role the browser is in).
   */
  consoleCheckable(id: string): boolean {
    const spec = stepCheckSpec(this.checkedStep(this.step(id)));
    return this.consoleStep(id) && !checkAsksConsole(spec, { cloudTrail: true });
  }

  /**
   * Check one step now (default: the current one). A `fail` counts as an attempt when countAttempt
   * (default true). On a real account the account is read afresh first unless reread is false.
   */
  async checkStep(id?: string, opts: { countAttempt?: boolean; reread?: boolean } = {}): Promise<StepCheck> {
    const step = id ? this.step(id) : this.currentStep();
    if (!step) throw new LabNotReadyError(`every step of ${this.lab.id} is done — nothing to check (use \`lab status\`, or \`iamlab reset ${this.lab.id}\` to start again)`);
    if (opts.reread ?? true) await this.reread();
    const res = await checkStepSpec(this.checkedStep(step), this.checks, this.contextFor(step));
    this.lastChecks.set(step.id, res);
    const sp = this.sp(step.id);
    if (res.status === 'fail' && (opts.countAttempt ?? true)) sp.attempts++;
    if (res.passed && !sp.passed_at) sp.passed_at = this.now().toISOString();
    return res;
  }

  /** Every step, recomputed from the world; attempts are not counted. */
  async checkAll(): Promise<StepCheck[]> {
    const out: StepCheck[] = [];
    await this.reread();
    for (const s of this.lab.steps) {
      const res = await checkStepSpec(this.checkedStep(s), this.checks, this.contextFor(s));
      this.lastChecks.set(s.id, res);
      out.push(res);
    }
    return out;
  }

  /** Keeps the world and the shell as they are now, as the start of step `id` (simulated account only). */
  private snapshotStep(id: string): void {
    const dir = this.paths.snapshots;
    if (!dir || !this.simWorld || this.opts.readOnly) return;
    try {
      mkdirSync(dir, { recursive: true });
      saveWorldFile(join(dir, `${id}.world.json`), this.simWorld);
      atomicWrite(join(dir, `${id}.shell.json`), JSON.stringify(this.shellState) + '\n');
    } catch {
      // without a snapshot, reset --step keeps the world as it is (and says so)
    }
  }

  /** The world and shell as step `id` began, or undefined when there is no (readable) snapshot. */
  private stepSnapshot(id: string): { world: World; shell: ShellState } | undefined {
    const dir = this.paths.snapshots;
    if (!dir) return undefined;
    try {
      const world = loadWorldFile(join(dir, `${id}.world.json`), { realTime: this.opts.realTime ?? true });
      const shell = JSON.parse(readFileSync(join(dir, `${id}.shell.json`), 'utf8')) as ShellState;
      return { world, shell };
    } catch {
      return undefined;
    }
  }

  private begin(id: string): void {
    const step = this.step(id);
    // the step's starting point, before its clock moves (a redo moves it once again from here)
    this.snapshotStep(id);
    // (a real account's clock is the wall clock: a step's `clock` is the time the learner takes)
    if (step.clock && this.simWorld) this.simWorld.clock.advance(parseClock(step.clock));
    const sp = this.sp(id);
    sp.started_at = this.now().toISOString();
    sp.mark = this.checks.mark();
    this.progress.current = id;
  }

  /** Move past the current step; refused unless it passes now (or was skipped). */
  async advance(): Promise<{ ok: true; step?: Step } | { ok: false; reason: string }> {
    const cur = this.currentStep();
    if (!cur) return { ok: false, reason: 'every step is done' };
    const sp = this.sp(cur.id);
    if (!sp.skipped) {
      const res = await this.checkStep(cur.id, { countAttempt: false });
      if (!res.passed) {
        if (res.status === 'error' && this.consoleStep(cur.id)) return { ok: false, reason: `step "${cur.title}" cannot be checked on a real account: ${res.message}. Use \`lab skip\` to move on.` };
        return { ok: false, reason: `step "${cur.title}" has not passed yet: ${res.message} (use \`lab skip\` to skip it)` };
      }
    }
    return { ok: true, ...this.moveOn(cur.id) };
  }

  private moveOn(fromId: string): { step?: Step } {
    const i = this.stepIndex(fromId);
    const next = this.lab.steps.slice(i + 1).find((s) => !this.done(s.id)) ?? this.lab.steps.slice(0, i).find((s) => !this.done(s.id));
    if (!next) {
      this.progress.current = null;
      this.progress.finished_at ??= this.now().toISOString();
      return {};
    }
    this.begin(next.id);
    return { step: next };
  }

  /** Go to a step: an earlier one to redo it, or a later one whose predecessors are all passed or skipped. */
  goTo(id: string): { ok: true } | { ok: false; reason: string } {
    const i = this.stepIndex(id);
    if (i < 0) return { ok: false, reason: `there is no step '${id}'` };
    const blocked = this.lab.steps.slice(0, i).find((s) => !this.done(s.id));
    if (blocked) return { ok: false, reason: `step "${blocked.title}" (${blocked.id}) has not passed yet — pass it or skip it first` };
    this.begin(id);
    this.save();
    return { ok: true };
  }

  /**
   * Go back to a step to redo it (`iamlab reset <lab> --step <id>`): the progress of that step and
   * of every later one (passes, skips, attempts, hints, answers) is cleared and the step becomes
   * current; earlier steps keep theirs. The world is left as it is. Refused when an earlier step
   * has not passed or been skipped (the step was never reached).
   */
  redoFrom(id: string): { ok: true; cleared: string[]; kept: string[]; restored: boolean } | { ok: false; reason: string } {
    const i = this.stepIndex(id);
    if (i < 0) return { ok: false, reason: `lab ${this.lab.id} has no step '${id}'. Its steps: ${this.lab.steps.map((s) => s.id).join(', ')}` };
    const blocked = this.lab.steps.slice(0, i).find((s) => !this.done(s.id));
    if (blocked) return { ok: false, reason: `step ${id} has not been reached yet: the earlier step ${blocked.id} ("${blocked.title}") has not passed or been skipped` };
    const cleared = this.lab.steps.slice(i).filter((s) => this.progress.steps[s.id]).map((s) => s.id);
    // the simulated account and the shell go back to how they were as the step began
    const snap = this.kind === 'sim' ? this.stepSnapshot(id) : undefined;
    if (snap) this.attach(snap.world, { ...snap.shell, history: this.shellState.history });
    for (const s of this.lab.steps.slice(i)) delete this.progress.steps[s.id];
    delete this.progress.finished_at;
    this.begin(id);
    this.save();
    return { ok: true, cleared, kept: this.lab.steps.slice(0, i).map((s) => s.id), restored: snap !== undefined };
  }

  /** Run one shell line, then check the current step; on pass record it and (by default) move on. */
  async run(line: string): Promise<LabRunResult> {
    this.sync();
    const before = this.kind === 'real' ? this.shellStamp() : '';
    const r: LabRunResult = await this.shell.run(line);
    // On a real account a check reads the account (a few AWS calls): only after a line that called
    // AWS or changed what the shell holds (exports, profiles, console state).
    const worthChecking = this.kind === 'sim' || r.calls.length > 0 || this.shellStamp() !== before;
    if (this.progress.current && line.trim() && worthChecking) await this.autoCheck(r);
    this.save();
    return r;
  }

  /**
   * Calls reached the world from outside this shell (the app's endpoint, `iamlab serve`): check
   * the current step as after a command (no attempt counted), move on when it passes, and save.
   */
  async afterOutsideCalls(): Promise<Omit<LabRunResult, keyof ShellResult>> {
    const r: LabRunResult = { stdout: '', stderr: '', exitCode: 0, calls: [] };
    if (this.progress.current) await this.autoCheck(r);
    this.save();
    const { stdout: _o, stderr: _e, exitCode: _x, calls: _c, ...rest } = r;
    return rest;
  }

  private shellStamp(): string {
    const st = this.shellState;
    return JSON.stringify([st.env, st.config, st.credentials, st.console]);
  }

  private async autoCheck(r: LabRunResult): Promise<void> {
    const passed: StepCheck[] = [];
    for (let guard = 0; guard < this.lab.steps.length; guard++) {
      const cur = this.currentStep();
      if (!cur || (cur.kind ?? 'task') !== 'task') break;
      // one read of a real account serves the whole cascade: nothing changes between its checks
      const res = await this.checkStep(cur.id, { countAttempt: false, reread: guard === 0 });
      r.step = res;
      if (!res.passed) break;
      passed.push(res);
      if (this.opts.autoAdvance === false) break;
      const next = this.moveOn(cur.id);
      if (next.step) r.advancedTo = next.step.id;
      else {
        r.finished = true;
        break;
      }
    }
    if (passed.length) r.passed = passed;
  }

  /** The next hint of a step (default current), respecting its gating; recorded in hints_shown. */
  hint(id?: string): HintReveal {
    const step = id ? this.step(id) : this.currentStep();
    if (!step) return { ok: false, reason: 'every step is done' };
    const hints = step.hints ?? [];
    if (!hints.length) return { ok: false, reason: 'this step has no hints', stepId: step.id };
    const sp = this.sp(step.id);
    const elapsed = sp.started_at ? (this.now().getTime() - Date.parse(sp.started_at)) / 1000 : Infinity;
    const open = (h: Hint) => !h.after || ((h.after.attempts === undefined || sp.attempts >= h.after.attempts) && (h.after.seconds === undefined || elapsed >= h.after.seconds));
    const unseen = hints.filter((h) => !sp.hints_shown.includes(h.id));
    if (!unseen.length) return { ok: false, reason: `all ${hints.length} hints of this step are shown (\`lab solution\` shows the solution)`, stepId: step.id };
    const diagnosed = this.lastChecks.get(step.id)?.hint;
    const pick = unseen.find((h) => h.id === diagnosed && open(h)) ?? unseen.find(open);
    if (!pick) {
      const g = unseen[0]!.after!;
      const parts = [g.attempts !== undefined ? `after ${g.attempts} failed check${g.attempts === 1 ? '' : 's'} (${sp.attempts} so far)` : '', g.seconds !== undefined ? `after ${g.seconds} s on the step` : ''].filter(Boolean);
      return { ok: false, reason: `the next hint opens ${parts.join(' or ')} — try \`lab check\` first`, stepId: step.id };
    }
    sp.hints_shown.push(pick.id);
    this.save();
    return { ok: true, hint: { ...pick, text: fillTemplate(pick.text, solutionVars(this.accounts, this.clock(), {})) }, index: hints.indexOf(pick) + 1, total: hints.length, stepId: step.id };
  }

  /**
   * Answer a quiz or typed-answer step (default: the current step; for a quiz, the first question
   * not yet answered right unless `question` names one). A wrong answer counts as an attempt.
   */
  async answer(text: string, o: { step?: string; question?: string } = {}): Promise<StepCheck & { question?: string; advancedTo?: string; finished?: boolean }> {
    const step = o.step ? this.step(o.step) : this.currentStep();
    if (!step) throw new LabNotReadyError('every step is done — there is nothing to answer');
    const kind = step.kind ?? 'task';
    if (kind !== 'quiz' && kind !== 'answer') throw new LabNotReadyError(`step "${step.title}" is not a question — do it in the shell and use \`lab check\``);
    const sp = this.sp(step.id);
    let question: string | undefined;
    if (kind === 'quiz') {
      const qs = step.questions ?? [];
      if (o.question) {
        if (!qs.some((q) => q.id === o.question)) throw new LabNotReadyError(`step ${step.id} has no question '${o.question}' (questions: ${qs.map((q) => q.id).join(', ')})`);
        question = o.question;
      } else {
        const ctx = this.contextFor(step);
        for (const q of qs) {
          const r = await evaluateCheck({ answer: { ...q.accept, question: q.id } }, this.checks, ctx);
          if (r.status !== 'pass') {
            question = q.id;
            break;
          }
        }
        question ??= qs[qs.length - 1]!.id;
      }
      const prev = typeof sp.answer === 'object' ? sp.answer : {};
      sp.answer = { ...prev, [question]: text };
    } else {
      sp.answer = text;
    }
    const res = await this.checkStep(step.id, { countAttempt: false });
    // Only a wrong answer to *this* question is an attempt (an unanswered later question is not).
    const own = kind === 'quiz' ? res.leaves.find((l) => l.id === question) : res.leaves[0];
    if (own?.status === 'fail') sp.attempts++;
    const out: StepCheck & { question?: string; advancedTo?: string; finished?: boolean } = { ...res, ...(question ? { question } : {}) };
    if (kind === 'quiz' && own && !res.passed) {
      out.message = own.status === 'pass' ? `${own.message} ${res.message}` : own.message;
    }
    if (res.passed && this.progress.current === step.id) {
      const n = this.moveOn(step.id);
      if (n.step) out.advancedTo = n.step.id;
      else out.finished = true;
    }
    this.save();
    return out;
  }

  /** The step's solution (placeholders for accounts filled in); records solution_viewed. */
  viewSolution(id?: string): Solution & { stepId: string } {
    const step = id ? this.step(id) : this.currentStep();
    if (!step) throw new LabNotReadyError('every step is done');
    if (!step.solution || step.solution.show === 'never') throw new LabNotReadyError(`step "${step.title}" has no solution to show`);
    const sp = this.sp(step.id);
    if (step.solution.show === 'after_pass' && !sp.passed_at) throw new LabNotReadyError('the solution of this step is shown after you pass it');
    sp.solution_viewed = true;
    this.save();
    const v = solutionVars(this.accounts, this.clock(), {});
    delete (v as Record<string, string>).now;
    const fill = (s: string) => fillTemplate(s, v);
    return {
      stepId: step.id,
      ...(step.solution.show ? { show: step.solution.show } : {}),
      ...(step.solution.commands ? { commands: step.solution.commands.map((c) => (typeof c === 'string' ? fill(c) : { ...c, run: fill(c.run) })) } : {}),
      ...(step.solution.files ? { files: Object.fromEntries(Object.entries(step.solution.files).map(([k, b]) => [k, fill(b)])) } : {}),
      ...(step.solution.answers ? { answers: Object.fromEntries(Object.entries(step.solution.answers).map(([k, b]) => [k, fill(b)])) } : {}),
    };
  }

  /**
   * Skip the current step: run its solution through the shell (so later steps see a consistent
   * world), fill in its answers, record `skipped`, and move on.
   */
  async skip(id?: string): Promise<{ ok: boolean; output: string; check: StepCheck; advancedTo?: string; finished?: boolean }> {
    const step = id ? this.step(id) : this.currentStep();
    if (!step) throw new LabNotReadyError('every step is done — nothing to skip');
    if (this.progress.current !== step.id) throw new LabNotReadyError(`only the current step can be skipped (the current step is ${this.progress.current ?? 'none'})`);
    if (step.skip === 'forbidden') throw new LabNotReadyError(`step "${step.title}" cannot be skipped`);
    const sp = this.sp(step.id);
    let sol = step.solution;
    let output = '';
    let ok = true;
    const onConsole = this.consoleStep(step.id);
    if (sol?.commands && this.kind === 'real') {
      // The console is the learner's browser on a real account: its lines are not run here.
      const cmd = (c: NonNullable<Solution['commands']>[number]) => (typeof c === 'string' ? c : c.run);
      const browser = sol.commands.filter((c) => CONSOLE_LINE.test(cmd(c)));
      if (browser.length) {
        sol = { ...sol, commands: sol.commands.filter((c) => !CONSOLE_LINE.test(cmd(c))) };
        output += browser.map((c) => `# not run on a real account (a browser action — do it in the AWS console if you like): ${cmd(c)}\n`).join('');
      }
    }
    const vars = this.kind === 'real' ? this.memVars : (this.progress.vars ??= {});
    if (sol) {
      const run = await runSolution(sol, this.shell, { workspaceDir: this.paths.workspace, accounts: this.accounts, now: () => this.solutionNow(), vars });
      output += run.transcript;
      ok = run.ok;
      if (run.failed) output += `\nThe solution stopped: \`${run.failed.command}\` failed (exit ${run.failed.exitCode}). ${run.failed.stderr.trim()}\n`;
      if (sol.answers) {
        const fill = (s: string) => fillTemplate(s, solutionVars(this.accounts, this.solutionNow(), vars));
        if ((step.kind ?? 'task') === 'answer') sp.answer = fill(sol.answers.answer ?? '');
        else sp.answer = Object.fromEntries(Object.entries(sol.answers).map(([k, v]) => [k, fill(v)]));
      }
    }
    sp.skipped = true;
    sp.solution_viewed = true;
    const check = await this.checkStep(step.id, { countAttempt: false });
    // A console step on a real account cannot pass here (or only once CloudTrail shows what was
    // done in the browser); skipping it is all there is to do.
    const settled = check.passed || (onConsole && (check.status === 'error' || check.status === 'pending'));
    const out: { ok: boolean; output: string; check: StepCheck; advancedTo?: string; finished?: boolean } = { ok: ok && settled, output, check };
    const n = this.moveOn(step.id);
    if (n.step) out.advancedTo = n.step.id;
    else out.finished = true;
    this.save();
    return out;
  }

  status(): LabStatus {
    const cur = this.progress.current;
    let locked = false;
    return {
      lab: { id: this.lab.id, title: this.lab.title, version: this.lab.version },
      current: cur,
      finished: cur === null,
      steps: this.lab.steps.map((s) => {
        const p = this.progress.steps[s.id];
        const state: LabStatus['steps'][number]['state'] = p?.skipped ? 'skipped' : p?.passed_at && s.id !== cur ? 'passed' : s.id === cur ? 'current' : locked ? 'locked' : 'open';
        if (!this.done(s.id)) locked = true;
        return { id: s.id, title: s.title, kind: s.kind ?? 'task', state, attempts: p?.attempts ?? 0, hints_shown: p?.hints_shown ?? [], ...(p?.passed_at ? { passed_at: p.passed_at } : {}) };
      }),
    };
  }

  /** For serve and the app: the check backend (sim). */
  get checkBackend(): CheckBackend {
    return this.checks;
  }
}

/** A shell state for an existing world: profiles from the lab's starting identities' current keys. */
function restartShell(lab: Lab, world: World): ShellStartState {
  const accounts = labAccounts(lab.world);
  const firstKey = Object.keys(accounts)[0]!;
  const region = lab.world.start_as?.region ?? 'us-east-1';
  const shell: ShellStartState = { env: {}, config: { default: { region, output: 'json' } }, credentials: {}, console: { roleHistory: [] }, history: [] };
  const keysOf = (ref: { account?: string; user?: string; root?: true }) => {
    const a = accounts[ref.account ?? firstKey]!;
    if (ref.root) return world.rootCredentials(a);
    const u = world.iam.user(a, ref.user!);
    const k = u?.accessKeys.find((x) => x.status === 'Active');
    return k ? { accessKeyId: k.id, secretAccessKey: k.secret } : undefined;
  };
  const set = (name: string, ref: { account?: string; user?: string; root?: true } | undefined) => {
    const c = ref && keysOf(ref);
    if (!c) return;
    shell.credentials[name] = { aws_access_key_id: c.accessKeyId, aws_secret_access_key: c.secretAccessKey };
    shell.config[name] = { region, output: 'json' };
  };
  set('default', lab.world.start_as?.shell as never);
  for (const [n, ref] of Object.entries(lab.world.start_as?.profiles ?? {})) set(n, ref as never);
  return shell;
}
