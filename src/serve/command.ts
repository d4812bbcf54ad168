// `iamlab serve --lab <id> [--port N]`: a lab's simulated account as an AWS endpoint on
// 127.0.0.1. Prints what to paste into another terminal, persists the world after calls
// (debounced, atomic) so `iamlab check`, the app and the shell see them, and reloads the
// world when another iamlab process changed the file.
import { statSync } from 'node:fs';
import { startServer, type RunningServer } from './index.js';
import { pasteBlock } from './paste.js';

export { pasteBlock };

export const DEFAULT_PORT = 4577;

export interface ServeCommandOptions {
  lab?: string;
  port?: string;
}

function parsePort(p: string | undefined): number | string {
  if (p === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) return `--port must be a number from 0 to 65535, got '${p}'`;
  return Number(p);
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export async function serveCommand(opts: ServeCommandOptions): Promise<number> {
  const port = parsePort(opts.port);
  if (typeof port === 'string') {
    process.stderr.write(`iamlab serve: ${port}\n`);
    return 2;
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  const err = (s: string) => process.stderr.write(s + '\n');

  const { loadServedWorld } = await import('./world-source.js');
  let src;
  try {
    src = await loadServedWorld(opts.lab);
  } catch (e) {
    err(`iamlab serve: ${(e as Error).message}`);
    return 2;
  }
  for (const w of src.warnings) err(`iamlab serve: ${w}`);

  // persistence: debounced atomic writes of the world after calls; reload on foreign changes
  let server: RunningServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastOwnWrite = mtimeOf(src.worldPath);
  const persist = () => {
    timer = undefined;
    if (!server) return;
    try {
      src.save(server.world);
      lastOwnWrite = mtimeOf(src.worldPath);
    } catch (e) {
      err(`iamlab serve: could not save the world to ${src.worldPath}: ${(e as Error).message}`);
    }
  };
  const schedule = () => {
    if (!timer) timer = setTimeout(persist, 100);
  };
  // Another iamlab process (the shell, the app, a reset) saved the world: serve that one.
  let lastSeen = lastOwnWrite;
  const syncFromDisk = () => {
    const m = mtimeOf(src.worldPath);
    if (m === 0 || m === lastSeen || m === lastOwnWrite || !server) return;
    lastSeen = m;
    if (timer) {
      // our own unsaved calls would be lost by a reload: keep ours (last writer wins)
      clearTimeout(timer);
      persist();
      lastSeen = lastOwnWrite;
      return;
    }
    try {
      server.setWorld(src.load());
      err(`iamlab serve: ${src.worldPath} changed on disk; now serving that world.`);
    } catch (e) {
      err(`iamlab serve: ${src.worldPath} changed but could not be read (${(e as Error).message}); still serving the previous world.`);
    }
  };

  try {
    server = await startServer({ world: src.world, port, onChange: schedule, beforeRequest: syncFromDisk });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') err(`iamlab serve: port ${port} on 127.0.0.1 is already in use. Pick another with --port N (0 = any free port).`);
    else if (code === 'EACCES') err(`iamlab serve: not allowed to listen on port ${port}. Use a port above 1023 with --port N.`);
    else err(`iamlab serve: could not start: ${(e as Error).message}`);
    return 1;
  }
  const running = server;

  out(`iamlab serve: ${src.title} is answering AWS calls on ${running.url} (127.0.0.1 only). Ctrl-C stops it.`);
  out('');
  out(pasteBlock({ url: running.url, region: src.region, credentials: src.learner?.credentials, who: src.learner?.who }));
  out('');
  out('Calls made through this endpoint land in the lab\'s world and audit log; `iamlab check` sees them.');

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  if (timer) {
    clearTimeout(timer);
    persist();
  }
  await running.close();
  err('iamlab serve: stopped.');
  return 0;
}
