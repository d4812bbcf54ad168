// Which world `iamlab serve` answers for, where it is saved, and whose keys to print.
//  --lab <id>: the lab's world, opened through the labs module (the same world.json the app,
//              the shell and `iamlab check` use); the learner's keys are the lab shell's.
//  no --lab:   the sandbox world `iamlab shell` uses without a lab (<home>/shell/world.json:
//              account 123456789012 with an `admin` user), and the shell's default keys.
import type { Credentials } from '../backend/types.js';
import { loadWorldFile, saveWorldFile, type World } from '../sim/index.js';

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

async function sandbox(): Promise<ServedWorld> {
  const { openDefaultShell } = await import('../shell/index.js');
  const { learnerCredentials, regionOf } = await import('./paste.js');
  const d = openDefaultShell({ interactiveEditor: false });
  const state = d.session.state as unknown as Parameters<typeof learnerCredentials>[0] & Parameters<typeof regionOf>[0];
  const creds = learnerCredentials(state);
  const who = creds ? d.world.whoIs(creds)?.arn : undefined;
  const worldPath = d.paths.world;
  return {
    world: d.world,
    worldPath,
    title: 'the iamlab sandbox account (the world `iamlab shell` uses without a lab)',
    region: regionOf(state),
    ...(creds ? { learner: { credentials: creds, ...(who ? { who } : {}) } } : {}),
    warnings: d.warnings,
    save: (w) => saveWorldFile(worldPath, w),
    load: () => loadWorldFile(worldPath, { realTime: true }),
  };
}

export async function loadServedWorld(lab: string | undefined): Promise<ServedWorld> {
  if (!lab) return sandbox();
  const { openLabWorld } = await import('./lab-source.js');
  return openLabWorld(lab);
}
