// `iamlab serve --lab <id>`: the lab's world, opened through the labs module so the app, the
// shell and `iamlab check` share it (<home>/labs/<id>/world.json). Only world.json is written
// from here: progress and the shell state stay with their owners.
import { openLab } from '../labs/index.js';
import { loadWorldFile, saveWorldFile, type World } from '../sim/index.js';
import { learnerCredentials, regionOf } from './paste.js';
import type { ServedWorld } from './world-source.js';

export async function openLabWorld(labId: string): Promise<ServedWorld> {
  const session = await openLab(labId, { interactiveEditor: false });
  const worldPath = session.paths.world;
  const state = session.shell.state as unknown as { env: Record<string, string>; credentials: Record<string, Record<string, string>>; config: Record<string, Record<string, string>> };
  const creds = learnerCredentials(state);
  const who = creds ? session.world.whoIs(creds)?.arn : undefined;
  return {
    world: session.world,
    worldPath,
    title: `lab ${session.lab.id} (${session.lab.title})`,
    region: regionOf(state),
    ...(creds ? { learner: { credentials: creds, ...(who ? { who } : {}) } } : {}),
    warnings: session.warnings,
    save: (w: World) => saveWorldFile(worldPath, w),
    load: () => loadWorldFile(worldPath, { realTime: true }),
  };
}
