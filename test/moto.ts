// moto_server for tests and benchmarks: on a free 127.0.0.1 port, waited for until it answers.
// moto is a peer for response shapes and a speed baseline, never an authority on allow/deny.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Running {
  url: string;
  port: number;
  /** The server's process id (moto's: for CPU accounting). */
  pid?: number;
  stop(): Promise<void>;
}

/** The path of moto_server when it is on PATH (and runs), else undefined. */
export function motoPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A port on 127.0.0.1 that nothing listens on (bound then released). */
export const closedPort = freePort;

/** Starts moto_server on a free 127.0.0.1 port and waits until it answers. */
export async function startMoto(env: Record<string, string> = {}): Promise<Running> {
  const bin = motoPath();
  if (!bin) throw new Error('moto_server is not on PATH');
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    try {
      const r = await fetch(`${url}/moto-api/`);
      if (r.status < 500) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

