// Saving and loading a world file. Saves are atomic (write a temp file, then rename); a file
// that cannot be read is never overwritten or moved: the error names it and the caller decides.
import { readFileSync } from 'node:fs';
import { World, WorldSnapshotError } from './world.js';
import { writeFileAtomic } from '../atomic-write.js';

/** Reads a world saved by saveWorldFile. Throws WorldSnapshotError naming the file (never changes it). */
export function loadWorldFile(path: string, opts: { realTime?: boolean } = {}): World {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WorldSnapshotError(code === 'ENOENT' ? `No world file at ${path}.` : `Cannot read the world file ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    let where = '';
    if (m) {
      const off = Number(m[1]);
      const before = text.slice(0, off);
      const line = before.split('\n').length;
      const column = off - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${column}`;
    }
    throw new WorldSnapshotError(`The world file ${path} is not valid JSON${where}; it was left unchanged.`);
  }
  try {
    return World.fromJSON(data, { ...opts, adopt: true });
  } catch (e) {
    if (e instanceof WorldSnapshotError) throw new WorldSnapshotError(`${path}: ${e.message} The file was left unchanged.`);
    throw e;
  }
}

/** Writes the world atomically (src/atomic-write.ts), flushed to disk: only the owner may read it (it holds keys). */
export function saveWorldFile(path: string, world: World): void {
  writeFileAtomic(path, JSON.stringify(world.toJSON()) + '\n', { mode: 0o600, fsync: true });
}
