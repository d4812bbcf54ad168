// Where iamlab keeps state: $IAMLAB_HOME when set, else the config folder conf uses
// (projectName 'iamlab', projectSuffix '') — the same place as the labs' progress.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function iamlabHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IAMLAB_HOME) return env.IAMLAB_HOME;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', 'iamlab');
  if (process.platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'iamlab', 'Config');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'iamlab');
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
