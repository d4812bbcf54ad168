// The learner's workspace folder: `ls`, `cat`, `cat > f <<EOF`, `rm`, `edit` and file://
// paths all resolve inside it; nothing may escape it (.., absolute paths, symlinks out).

import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export class WorkspaceError extends Error {}

export class Workspace {
  constructor(readonly dir: string) {}

  ensure(): void {
    mkdirSync(this.dir, { recursive: true });
  }

  /**
   * Absolute path of `p` inside the workspace. `~/x`, `./x` and `x` are relative to it;
   * an absolute path is accepted only if it lies inside the workspace.
   */
  resolve(p: string): string {
    let rel = p;
    if (rel === '~') rel = '.';
    else if (rel.startsWith('~/')) rel = rel.slice(2);
    const root = resolve(this.dir);
    const abs = isAbsolute(rel) ? resolve(rel) : resolve(root, rel);
    const r = relative(root, abs);
    if (r.startsWith('..') || isAbsolute(r)) {
      throw new WorkspaceError(`${p}: outside the workspace (${root}); files here can only be read or written inside it`);
    }
    // A symlink inside the workspace must not lead out of it.
    if (existsSync(abs)) {
      const real = realpathSync(abs);
      const realRoot = existsSync(root) ? realpathSync(root) : root;
      const rr = relative(realRoot, real);
      if (rr.startsWith('..') || isAbsolute(rr)) throw new WorkspaceError(`${p}: links outside the workspace`);
    }
    return abs;
  }

  /** The name to show for an absolute path inside the workspace. */
  display(abs: string): string {
    const r = relative(resolve(this.dir), abs);
    return r === '' ? '.' : r.split(sep).join('/');
  }

  read(p: string): Buffer {
    const abs = this.resolve(p);
    if (!existsSync(abs)) throw new WorkspaceError(`${p}: No such file or directory`);
    if (statSync(abs).isDirectory()) throw new WorkspaceError(`${p}: Is a directory`);
    return readFileSync(abs);
  }

  write(p: string, data: string | Uint8Array, append = false): void {
    const abs = this.resolve(p);
    if (existsSync(abs) && statSync(abs).isDirectory()) throw new WorkspaceError(`${p}: Is a directory`);
    mkdirSync(dirname(abs), { recursive: true });
    if (append && existsSync(abs)) writeFileSync(abs, Buffer.concat([readFileSync(abs), Buffer.from(data)]));
    else writeFileSync(abs, data);
  }

  exists(p: string): boolean {
    return existsSync(this.resolve(p));
  }

  isDir(p: string): boolean {
    const abs = this.resolve(p);
    return existsSync(abs) && statSync(abs).isDirectory();
  }

  list(p = '.'): Array<{ name: string; dir: boolean; size: number; mtime: Date }> {
    const abs = this.resolve(p);
    if (!existsSync(abs)) {
      if (resolve(abs) === resolve(this.dir)) return [];
      throw new WorkspaceError(`cannot access '${p}': No such file or directory`);
    }
    const st = statSync(abs);
    if (!st.isDirectory()) return [{ name: p, dir: false, size: st.size, mtime: st.mtime }];
    return readdirSync(abs)
      .filter((n) => !n.startsWith('.'))
      .sort()
      .map((name) => {
        const s = lstatSync(join(abs, name));
        return { name, dir: s.isDirectory(), size: s.size, mtime: s.mtime };
      });
  }

  remove(p: string, recursive = false): void {
    const abs = this.resolve(p);
    if (resolve(abs) === resolve(this.dir)) throw new WorkspaceError(`refusing to remove the workspace itself`);
    if (!existsSync(abs)) throw new WorkspaceError(`cannot remove '${p}': No such file or directory`);
    if (statSync(abs).isDirectory() && !recursive) throw new WorkspaceError(`cannot remove '${p}': Is a directory`);
    rmSync(abs, { recursive, force: false });
  }

  mkdir(p: string): void {
    mkdirSync(this.resolve(p), { recursive: true });
  }
}
