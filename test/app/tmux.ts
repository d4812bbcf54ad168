// The built app in real pseudo-terminals: one tmux server per test file, panes that run
// `node bin/iamlab.js …` in a clean environment, read back as text (ink-notes §3.1).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A tmux server of its own (its socket named after the test file and process) and the homes its panes used. */
export class Terminals {
  private readonly socket: string;
  private readonly homes: string[] = [];
  private n = 0;

  constructor(private readonly prefix: string) {
    this.socket = `${prefix}-${process.pid}`;
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** A session that outlives the others (tmux stops its server when the last session ends), and a fresh build. */
  setUp(): void {
    if (!hasTmux) return;
    this.tmux('new-session', '-d', '-s', 'keep', 'sleep 3600');
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
  }

  tearDown(): void {
    if (hasTmux) {
      spawnSync('tmux', ['-L', this.socket, 'kill-server']);
      // the server leaves its socket file behind
      rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
    }
    for (const h of this.homes) rmSync(h, { recursive: true, force: true });
  }

  newHome(): string {
    const h = mkdtempSync(join(tmpdir(), `${this.prefix}-`));
    this.homes.push(h);
    return h;
  }

  /**
   * `node bin/iamlab.js ARGS` in a new pane (80×24 unless told), with IAMLAB_HOME=home, the colour
   * and workshop-key variables unset unless `env` sets them. `joined`: read wrapped lines as one.
   */
  pane(home: string, o: { args?: string[]; env?: Record<string, string>; cols?: number; rows?: number; joined?: boolean } = {}): Pane {
    const name = `p${this.n++}`;
    const env = Object.entries({ CI: 'false', TERM: 'xterm-256color', IAMLAB_HOME: home, ...o.env })
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    const unset = ['NO_COLOR', 'FORCE_COLOR', 'IAMLAB_WORKSHOP_KEY'].filter((k) => !o.env?.[k]).map((k) => `-u ${k}`).join(' ');
    const quoted = (o.args ?? []).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const cmd = `cd ${JSON.stringify(ROOT)} && env ${unset} ${env} ${JSON.stringify(process.execPath)} bin/iamlab.js ${quoted}; echo EXIT=$?; sleep 120`;
    this.tmux('new-session', '-d', '-s', name, '-x', String(o.cols ?? 80), '-y', String(o.rows ?? 24), cmd);
    return new Pane(this, name, o.joined ?? false);
  }
}

export class Pane {
  constructor(
    private readonly t: Terminals,
    readonly name: string,
    private readonly joined: boolean,
  ) {}

  screen(colours = false): string {
    return this.t.tmux('capture-pane', '-p', ...(colours ? ['-e'] : []), ...(this.joined ? ['-J'] : []), '-t', this.name);
  }

  async waitFor(re: RegExp, timeoutMs = 20_000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re}; the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  keys(...k: string[]): void {
    this.t.tmux('send-keys', '-t', this.name, ...k);
  }

  /** Literal text (a paste when it holds newlines). */
  text(s: string): void {
    this.t.tmux('send-keys', '-t', this.name, '-l', s);
  }

  /** Types a command, waits for its echo on the prompt line, then presses Enter (ink-notes §3.1). */
  async run(line: string, then?: RegExp): Promise<string> {
    this.text(line);
    const tail = line.slice(-24).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await this.waitFor(new RegExp(`\\$.*${tail}\\s*$`, 'm'));
    this.keys('Enter');
    return then ? this.waitFor(then) : this.screen();
  }

  /** Esc, then waits for the lab-keys bar. */
  async labKeys(): Promise<void> {
    this.keys('Escape');
    await this.waitFor(/LAB KEYS/);
  }

  kill(): void {
    try {
      this.t.tmux('kill-session', '-t', this.name);
    } catch {
      /* already gone */
    }
  }
}
