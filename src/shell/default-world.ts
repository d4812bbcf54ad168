// `iamlab shell` without a lab: a sandbox world — account 123456789012 with an administrator
// user `admin` (AdministratorAccess, a console password) whose access keys are the default
// profile — kept under $IAMLAB_HOME (or the config directory) in shell/, so it survives restarts.

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadWorldFile, saveWorldFile, SimBackend, World, WorldSnapshotError } from '../sim/index.js';
import { normalizeState, ShellSession } from './session.js';
import type { PromptFn, ShellState } from './types.js';
import { writeFileAtomic } from '../atomic-write.js';

export const SANDBOX_ACCOUNT = '123456789012';
export const SANDBOX_USER = 'admin';
export const SANDBOX_PASSWORD = 'iamlab-Sandbox-1!';

/** $IAMLAB_HOME, else the config directory conf uses for iamlab (env-paths, no suffix). */
export function defaultShellHome(env: Record<string, string | undefined> = process.env): string {
  if (env.IAMLAB_HOME) return env.IAMLAB_HOME;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', 'iamlab');
  if (process.platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'iamlab', 'Config');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'iamlab');
}

export interface DefaultShell {
  session: ShellSession;
  world: World;
  backend: SimBackend;
  paths: { dir: string; world: string; shell: string; workspace: string };
  /** Things the learner should know (a corrupt file set aside). */
  warnings: string[];
  /** Writes world.json and shell.json (atomically). */
  save(): void;
}

const atomicWrite = (path: string, text: string) => writeFileAtomic(path, text, { mode: 0o600, fsync: true });

function setAside(path: string, warnings: string[], why: string): void {
  const to = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, to);
    warnings.push(`${why}; it was moved to ${to} and a fresh one was started.`);
  } catch {
    warnings.push(`${why}; a fresh one was started (the old file could not be moved).`);
  }
}

/** Builds the sandbox world and the shell state that goes with it. */
export function buildSandbox(now?: Date): { world: World; state: ShellState } {
  const world = World.create({ seed: 'iamlab-sandbox', realTime: true, ...(now ? { now } : {}) });
  world.createAccount(SANDBOX_ACCOUNT, { name: 'iamlab sandbox' });
  const sim = new SimBackend(world);
  const root = world.rootCredentials(SANDBOX_ACCOUNT);
  const call = (operation: string, input: Record<string, unknown>) => {
    const r = sim.callSync({ service: 'iam', operation, input, credentials: root, via: 'api' });
    if (!r.ok) throw new Error(`sandbox setup: ${operation}: ${r.error.code}: ${r.error.message}`);
    return r.output;
  };
  call('CreateUser', { UserName: SANDBOX_USER });
  call('AttachUserPolicy', { UserName: SANDBOX_USER, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  call('CreateLoginProfile', { UserName: SANDBOX_USER, Password: SANDBOX_PASSWORD });
  const key = call('CreateAccessKey', { UserName: SANDBOX_USER }).AccessKey as Record<string, string>;
  const state = normalizeState(undefined);
  state.credentials.default = { aws_access_key_id: key.AccessKeyId!, aws_secret_access_key: key.SecretAccessKey! };
  state.config.default = { region: 'us-east-1', output: 'json' };
  return { world, state };
}

export function openDefaultShell(opts: { home?: string; interactiveEditor?: boolean; prompt?: PromptFn; columns?: number; color?: boolean } = {}): DefaultShell {
  const dir = join(opts.home ?? defaultShellHome(), 'shell');
  const paths = { dir, world: join(dir, 'world.json'), shell: join(dir, 'shell.json'), workspace: join(dir, 'workspace') };
  const warnings: string[] = [];
  let world: World | undefined;
  let state: ShellState | undefined;
  if (existsSync(paths.world)) {
    try {
      world = loadWorldFile(paths.world, { realTime: true });
    } catch (e) {
      if (!(e instanceof WorldSnapshotError)) throw e;
      setAside(paths.world, warnings, `The sandbox world (${paths.world}) could not be read: ${e.message}`);
    }
  }
  if (world && existsSync(paths.shell)) {
    try {
      state = normalizeState(JSON.parse(readFileSync(paths.shell, 'utf8')) as Partial<ShellState>);
    } catch (e) {
      setAside(paths.shell, warnings, `The shell state (${paths.shell}) could not be read (${(e as Error).message})`);
    }
  }
  if (!world) {
    const built = buildSandbox();
    world = built.world;
    state = built.state;
  }
  state ??= normalizeState(undefined);
  const backend = new SimBackend(world);
  const session = new ShellSession({
    backend,
    world,
    workspaceDir: paths.workspace,
    state,
    defaultRegion: 'us-east-1',
    interactiveEditor: opts.interactiveEditor ?? false,
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    ...(opts.columns ? { columns: opts.columns } : {}),
    ...(opts.color ? { color: opts.color } : {}),
  });
  const w = world;
  const save = () => {
    saveWorldFile(paths.world, w);
    atomicWrite(paths.shell, `${JSON.stringify(session.state)}\n`);
  };
  if (!existsSync(paths.world) || !existsSync(paths.shell)) save();
  return { session, world, backend, paths, warnings, save };
}
