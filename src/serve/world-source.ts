// Which world `iamlab serve` answers for, where it is saved, and whose keys to print.
//  --lab <id>: the lab's world, opened through the labs module (the same world.json the app,
//              the shell and `iamlab check` use); the learner's keys are the lab shell's.
//  no --lab:   a sandbox world kept under <home>/serve/world.json: one account with an `admin`
//              user (AdministratorAccess) whose keys are printed.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Credentials } from '../backend/types.js';
import { World, SimBackend, loadWorldFile, saveWorldFile } from '../sim/index.js';
import { keysFromSnapshot } from './keys.js';

export interface ServedWorld {
  world: World;
  worldPath: string;
  title: string;
  region: string;
  learner?: { credentials: Credentials; who?: string };
  warnings: string[];
  save(world: World): void;
  load(): World;
}

export const SANDBOX_ACCOUNT = '123456789012';

/** $IAMLAB_HOME, else conf's config directory for projectName 'iamlab' (where progress lives). */
export async function iamlabHome(): Promise<string> {
  if (process.env.IAMLAB_HOME) return process.env.IAMLAB_HOME;
  const { default: Conf } = await import('conf');
  const c = new Conf({ projectName: 'iamlab', projectSuffix: '' });
  return dirname(c.path);
}

function secretOf(world: World, accessKeyId: string): Credentials | undefined {
  const rec = keysFromSnapshot(world.toJSON()).get(accessKeyId);
  return rec ? { accessKeyId, secretAccessKey: rec.secretAccessKey, ...(rec.sessionToken ? { sessionToken: rec.sessionToken } : {}) } : undefined;
}

/** A new sandbox world: one account, an `admin` user with AdministratorAccess and an access key. */
export function createSandboxWorld(seed = randomUUID()): { world: World; adminKeyId: string } {
  const world = World.create({ seed, now: new Date(), realTime: true });
  world.createAccount(SANDBOX_ACCOUNT, { alias: 'iamlab-sandbox', name: 'iamlab sandbox' });
  const sim = new SimBackend(world);
  const root = world.rootCredentials(SANDBOX_ACCOUNT);
  const call = (operation: string, input: Record<string, unknown>) => {
    const r = sim.callSync({ service: 'iam', operation, input, credentials: root, via: 'api' });
    if (!r.ok) throw new Error(`sandbox setup: ${operation}: ${r.error.code}: ${r.error.message}`);
    return r.output;
  };
  call('CreateUser', { UserName: 'admin' });
  call('AttachUserPolicy', { UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  const key = call('CreateAccessKey', { UserName: 'admin' }).AccessKey as { AccessKeyId: string };
  return { world, adminKeyId: key.AccessKeyId };
}

async function sandbox(): Promise<ServedWorld> {
  const dir = join(await iamlabHome(), 'serve');
  const worldPath = join(dir, 'world.json');
  const metaPath = join(dir, 'serve.json');
  const warnings: string[] = [];
  let world: World | undefined;
  let adminKeyId: string | undefined;
  try {
    world = loadWorldFile(worldPath, { realTime: true });
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { adminKeyId?: unknown };
    adminKeyId = typeof meta.adminKeyId === 'string' ? meta.adminKeyId : undefined;
  } catch (e) {
    if (world) warnings.push(`${metaPath} could not be read (${(e as Error).message}); the admin keys are not known, so none are printed.`);
    else if (!/No world file/.test((e as Error).message)) {
      // never overwrite a world file we could not read
      throw new Error(`${(e as Error).message} Move it away (or fix it) to start a fresh sandbox.`);
    }
  }
  if (!world) {
    const made = createSandboxWorld();
    world = made.world;
    adminKeyId = made.adminKeyId;
    saveWorldFile(worldPath, world);
    mkdirSync(dir, { recursive: true });
    writeFileSync(metaPath, JSON.stringify({ adminKeyId }) + '\n', { mode: 0o600 });
  }
  const creds = adminKeyId ? secretOf(world, adminKeyId) : undefined;
  return {
    world,
    worldPath,
    title: 'the iamlab sandbox account (admin user)',
    region: 'us-east-1',
    ...(creds ? { learner: { credentials: creds, who: `arn:aws:iam::${SANDBOX_ACCOUNT}:user/admin` } } : {}),
    warnings,
    save: (w) => saveWorldFile(worldPath, w),
    load: () => loadWorldFile(worldPath, { realTime: true }),
  };
}

export async function loadServedWorld(lab: string | undefined): Promise<ServedWorld> {
  if (!lab) return sandbox();
  const { openLabWorld } = await import('./lab-source.js');
  return openLabWorld(lab);
}
