// `iamlab shell [--lab <id>]`: on a terminal, a prompt showing who you are, with history and
// tab completion; otherwise one command per line from stdin (here-documents may span lines),
// outputs printed as they come, exit status of the last command. No Ink on this path.

import { createInterface, type Interface } from 'node:readline';
import type { ShellSession } from './session.js';
import type { PromptFn } from './types.js';

export interface ShellCommandOptions {
  lab?: string | undefined;
  real?: boolean;
  profile?: string | undefined;
  region?: string | undefined;
}

interface Opened {
  session: ShellSession;
  save(): void;
  banner: string;
  warnings: string[];
}

/** Short label of an identity for the prompt: balu@089665204192, temp-user/balu@089665204192. */
export function promptLabel(arn: string | undefined, accountId: string | undefined): string {
  if (!arn) return '(no credentials)';
  const acct = accountId ?? /:(\d{12}):/.exec(arn)?.[1] ?? '';
  let m = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (m) return `${m[1]}/${m[2]}@${acct}`;
  m = /:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (m) return `${m[1]}@${acct}`;
  if (/:root$/.test(arn)) return `root@${acct}`;
  m = /:role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (m) return `${m[1]}(role profile)@${acct}`;
  m = /:federated-user\/(.+)$/.exec(arn);
  if (m) return `${m[1]}@${acct}`;
  return arn;
}

async function open(opts: ShellCommandOptions, tty: boolean, prompt: PromptFn): Promise<Opened | string> {
  const columns = tty ? process.stdout.columns : undefined;
  if (opts.lab) {
    return `iamlab: lab '${opts.lab}' is unknown: this build of the shell cannot open labs yet. Run 'iamlab shell' for the sandbox account.`;
  }
  if (opts.real) {
    return `iamlab: the shell on a real account needs a lab: iamlab shell --lab <lab> --real (or use the AWS CLI itself).`;
  }
  const { openDefaultShell } = await import('./default-world.js');
  const d = openDefaultShell({ interactiveEditor: tty, prompt, ...(columns ? { columns } : {}), color: tty && !process.env.NO_COLOR });
  return {
    session: d.session,
    save: d.save,
    warnings: d.warnings,
    banner: `iamlab shell — the simulated AWS account ${d.world.accountIds().join(', ')} (state in ${d.paths.dir}).\nType help for the commands, explain after a denied call, exit to leave.\n`,
  };
}

export async function shellCommand(opts: ShellCommandOptions): Promise<number> {
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return tty ? interactive(opts) : batch(opts);
}

/** Lines from stdin, pulled one at a time (prompts inside a command take the next line). */
class LineQueue {
  private lines: string[] = [];
  private waiting: Array<(l: string | undefined) => void> = [];
  private ended = false;
  constructor(rl: Interface) {
    rl.on('line', (l) => {
      const w = this.waiting.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    rl.on('close', () => {
      this.ended = true;
      for (const w of this.waiting.splice(0)) w(undefined);
    });
  }
  next(): Promise<string | undefined> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((res) => this.waiting.push(res));
  }
}

async function batch(opts: ShellCommandOptions): Promise<number> {
  const rl = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  const q = new LineQueue(rl);
  const prompt: PromptFn = async (question) => {
    process.stderr.write(question);
    const l = await q.next();
    process.stderr.write('\n');
    return l;
  };
  const o = await open(opts, false, prompt);
  if (typeof o === 'string') {
    process.stderr.write(`${o}\n`);
    rl.close();
    return 2;
  }
  for (const w of o.warnings) process.stderr.write(`iamlab: ${w}\n`);
  const s = o.session;
  let status = 0;
  let buffer: string | undefined;
  for (;;) {
    const line = await q.next();
    if (line === undefined) break;
    buffer = buffer === undefined ? line : `${buffer}\n${line}`;
    if (s.needsMore(buffer)) continue;
    const text = buffer;
    buffer = undefined;
    if (text.trim() === '') continue;
    const r = await s.run(text);
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    status = r.exitCode;
    o.save();
    if (s.exitRequested !== undefined) {
      status = s.exitRequested;
      break;
    }
  }
  if (buffer !== undefined && buffer.trim() !== '') {
    const r = await s.run(buffer);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    status = r.exitCode;
    o.save();
  }
  rl.close();
  return status;
}

async function interactive(opts: ShellCommandOptions): Promise<number> {
  let session: ShellSession | undefined;
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 1000,
    removeHistoryDuplicates: false,
    completer: (line: string): [string[], string] => {
      if (!session) return [[], line];
      const c = session.complete(line);
      return [c.candidates, line.slice(c.replaceFrom)];
    },
  });
  const ask = (question: string) =>
    new Promise<string | undefined>((res) => {
      let done = false;
      const onClose = () => {
        if (!done) res(undefined);
      };
      rl.once('close', onClose);
      rl.question(question, (a) => {
        done = true;
        rl.off('close', onClose);
        res(a);
      });
    });
  const o = await open(opts, true, (q) => ask(q));
  if (typeof o === 'string') {
    process.stderr.write(`${o}\n`);
    rl.close();
    return 2;
  }
  session = o.session;
  const s = o.session;
  // readline keeps history most recent first
  (rl as unknown as { history: string[] }).history = [...s.state.history].reverse().filter((l) => !l.includes('\n'));
  process.stdout.write(o.banner);
  for (const w of o.warnings) process.stderr.write(`iamlab: ${w}\n`);
  let status = 0;
  let closed = false;
  rl.on('close', () => {
    closed = true;
  });
  rl.on('SIGINT', () => {
    rl.write('^C\n');
    (rl as unknown as { line: string }).line = '';
  });
  for (;;) {
    if (closed) break;
    const who = await s.shellIdentity().catch(() => undefined);
    let text = await ask(`${promptLabel(who?.arn, who?.accountId)} $ `);
    if (text === undefined) break;
    while (s.needsMore(text)) {
      const more = await ask('> ');
      if (more === undefined) break;
      text += `\n${more}`;
    }
    if (text.trim() === '') continue;
    const r = await s.run(text);
    if (r.stdout) process.stdout.write(r.stdout.endsWith('\n') || r.stdout.startsWith('\x1b[H') ? r.stdout : `${r.stdout}\n`);
    if (r.stderr) process.stderr.write(r.stderr);
    status = r.exitCode;
    try {
      o.save();
    } catch (e) {
      process.stderr.write(`iamlab: could not save the shell's state: ${(e as Error).message}\n`);
    }
    if (s.exitRequested !== undefined) {
      status = s.exitRequested;
      break;
    }
  }
  if (!closed) rl.close();
  process.stdout.write('\n');
  return status;
}
