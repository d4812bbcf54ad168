// Writing a file so that a reader never sees it half written: into `<file>.tmp-<pid>` in the same
// folder, then renamed over the file (the folder is made first). Every saved file of iamlab goes
// through here: worlds, shell states, progress, caches, the workshop room.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of a new file (0o600 for anything that may hold keys; the default umask otherwise). */
  mode?: number;
  /** Flush the data to disk before the rename (for what a crash must not lose: the world, the shell). */
  fsync?: boolean;
}

/** Throws what the file system throws; the temporary file is removed first. */
export function writeFileAtomic(path: string, text: string, o: AtomicWriteOptions = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, o.mode !== undefined ? { mode: o.mode } : {});
    if (o.fsync) {
      const fd = openSync(tmp, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
    throw e;
  }
}
