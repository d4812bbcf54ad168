// `iamlab serve --lab <id>`: the lab's world, opened through the labs module so the app, the
// shell and `iamlab check` share it (<home>/labs/<id>/world.json). Only world.json is written
// from here: progress and the shell state stay with their owners.
import { openLab } from '../labs/index.js';
import { loadWorldFile, saveWorldFile, type World } from '../sim/index.js';
import type { Credentials } from '../backend/types.js';
import type { ServedWorld } from './world-source.js';

/** The identity the lab's shell starts as: exported variables first, then the active profile's keys. */
export function learnerCredentials(state: { env: Record<string, string>; credentials: Record<string, Record<string, string>> }): Credentials | undefined {
  const env = state.env ?? {};
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  }
  const profile = env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? 'default';
  const p = state.credentials?.[profile];
  if (p?.aws_access_key_id && p.aws_secret_access_key) {
    return { accessKeyId: p.aws_access_key_id, secretAccessKey: p.aws_secret_access_key, ...(p.aws_session_token ? { sessionToken: p.aws_session_token } : {}) };
  }
  return undefined;
}

export function regionOf(state: { env: Record<string, string>; config: Record<string, Record<string, string>> }): string {
  const env = state.env ?? {};
  const profile = env.AWS_PROFILE ?? 'default';
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? state.config?.[profile]?.region ?? state.config?.[`profile ${profile}`]?.region ?? 'us-east-1';
}

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
