// The real `aws` CLI in tests: whether it is installed, and one run of it in an environment that
// knows nothing but what the test gives (a temporary config folder, the endpoint, the keys).
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Credentials } from '../../src/backend/types.js';

export const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

export interface AwsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * An environment for `aws`: config and credentials files in `dir`, no pager, no instance
 * metadata lookups; the endpoint and keys when given. pyenv's variables pass through (the `aws`
 * on PATH may be a pyenv shim).
 */
export function awsEnv(dir: string, o: { endpoint?: string; credentials?: Credentials; extra?: Record<string, string> } = {}): Record<string, string> {
  const c = o.credentials;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(o.endpoint ? { AWS_ENDPOINT_URL: o.endpoint, AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' } : {}),
    ...(c ? { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey } : {}),
    ...(c?.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}),
    ...o.extra,
  };
  for (const k of ['PYENV_ROOT', 'PYENV_VERSION']) if (process.env[k]) env[k] = process.env[k]!;
  return env;
}

/** Runs `aws …` asynchronously (an endpoint in this process keeps answering meanwhile). */
export function runAws(args: string[], env: Record<string, string>): Promise<AwsRun> {
  return new Promise((resolve) => {
    execFile('aws', args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
