// `iamlab shell [--lab <id>]`: on a terminal, a prompt showing who you are, with history and
// tab completion; otherwise one command per line from stdin (here-documents may span lines),
// outputs printed as they come, exit status of the last command. No Ink on this path.

import { createInterface, type Interface } from 'node:readline';
import { join } from 'node:path';
import type { ShellSession } from './session.js';
import type { PromptFn } from './types.js';

export interface ShellCommandOptions {
  lab?: string | undefined;
  real?: boolean;
  profile?: string | undefined;
  /** The second account's profile, for two-account labs on a real account (--profile2). */
  profile2?: string | undefined;
  region?: string | undefined;
}

interface Opened {
  session(): ShellSession;
  /** runs one line (a lab also checks its current step) and returns what to print */
  run(line: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  save(): void;
  banner: string;
  warnings: string[];
  /** Ends the session (a lab on a real account deletes the access keys it made for lab users); returns problems to show. */
  close?(): Promise<string[]>;
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
  const color = tty && !process.env.NO_COLOR;
  if (opts.lab) {
    const labs = await import('../labs/index.js');
    let lab: Awaited<ReturnType<typeof labs.openLab>>;
    try {
      lab = await labs.openLab(opts.lab, {
        interactiveEditor: tty,
        prompt,
        ...(columns ? { columns } : {}),
        color,
        ...(opts.real
          ? {
              backend: 'real' as const,
              ...(opts.profile ? { profile: opts.profile } : {}),
              ...(opts.region ? { region: opts.region } : {}),
              ...(opts.profile2 ? { profile2: opts.profile2 } : {}),
              // On a terminal the lab asks (through prompt) before the first write in each account.
              // Lines from a pipe are the learner's script: say what is written where, and go on.
              ...(tty
                ? {}
                : {
                    confirmWrite: async (w: { accountId: string; arn: string; operation: string; region: string }) => {
                      process.stderr.write(`iamlab: lab ${opts.lab} writes to AWS account ${w.accountId} as ${w.arn} (first ${w.operation} in ${w.region}); not asking, as the input is not a terminal.\n`);
                      return true;
                    },
                  }),
            }
          : {}),
      });
    } catch (e) {
      if (e instanceof labs.LabNotFoundError || e instanceof labs.LabLoadError || e instanceof labs.LabSetupError || e instanceof labs.LabNotReadyError) return `iamlab: ${e.message}`;
      throw e;
    }
    const cur = lab.currentStep();
    const idx = cur ? lab.lab.steps.findIndex((x) => x.id === cur.id) + 1 : 0;
    const where = lab.real
      ? `on AWS account ${Object.values(lab.real.accounts).join(' and ')}${lab.real.callerArn ? ` as ${lab.real.callerArn}` : ''}\n` +
        (lab.real.created.length ? `Created for the lab (tagged iamlab:lab=${lab.lab.id}): ${lab.real.created.join('; ')}\n` : '') +
        (lab.real.kept.length ? `Already there, kept as they are: ${lab.real.kept.join('; ')}\n` : '') +
        (lab.real.skipped.length ? `Not done on a real account: ${lab.real.skipped.join('; ')}\n` : '') +
        `Secrets show as ****…WXYZ (\`reveal\` shows the last output in full). Steps in the AWS console cannot be checked here: \`lab skip\` them. \`iamlab cleanup ${lab.lab.id} --real\` removes what the lab created.\n`
      : '';
    return {
      session: () => lab.shell,
      run: async (line) => {
        const r = await lab.run(line);
        let stdout = r.stdout;
        for (const c of r.passed ?? []) stdout += `${stdout && !stdout.endsWith('\n') ? '\n' : ''}\n${labs.formatStepCheck(c)}\n`;
        if (r.advancedTo) stdout += `\nNext: ${lab.lab.steps.find((x) => x.id === r.advancedTo)?.title ?? r.advancedTo} (\`lab step\` shows it)\n`;
        else if (r.finished) stdout += '\nThat was the last step. Well done!\n';
        return { stdout, stderr: r.stderr, exitCode: r.exitCode };
      },
      save: () => lab.save(),
      close: () => lab.close(),
      warnings: lab.warnings,
      banner:
        `iamlab shell — lab ${lab.lab.id}: ${lab.lab.title}${lab.real ? ' ' : '\n'}` +
        where +
        (cur ? `Step ${idx} of ${lab.lab.steps.length}: ${cur.title}. \`lab step\` shows the instructions, \`lab status\` all steps, \`hint\` a hint.\n` : 'Every step is done. `lab status` lists them.\n') +
        'Type help for the commands, explain after a denied call, exit to leave.\n',
    };
  }
  if (opts.real) {
    const { RealBackend } = await import('../real/backend.js');
    const { RealShellSession } = await import('../real/shell.js');
    const { defaultShellHome } = await import('./default-world.js');
    const backend = new RealBackend({
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.region ? { region: opts.region } : {}),
      ...(tty
        ? {
            mfaCodeProvider: async (serial: string) => (await prompt(`Enter MFA code for ${serial}: `)) ?? '',
            confirmWrite: async (w: { accountId: string; arn: string; operation: string; region: string }) =>
              /^y(es)?$/i.test(((await prompt(`This changes AWS account ${w.accountId} (${w.operation} in ${w.region}) as ${w.arn}. Go ahead? [y/N] `)) ?? '').trim()),
          }
        : {}),
    });
    const home = defaultShellHome();
    const session = new RealShellSession({
      backend,
      workspaceDir: join(home, 'real', 'workspace'),
      interactiveEditor: tty,
      prompt,
      ...(columns ? { columns } : {}),
      color,
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.region ? { region: opts.region } : {}),
    });
    return {
      session: () => session,
      run: (line) => session.run(line),
      save: () => undefined,
      warnings: [],
      banner: 'iamlab shell — your real AWS account (secrets show as ****…WXYZ; `reveal` shows the last output in full).\nType help for the commands, exit to leave.\n',
    };
  }
  const { openDefaultShell } = await import('./default-world.js');
  const d = openDefaultShell({ interactiveEditor: tty, prompt, ...(columns ? { columns } : {}), color });
  return {
    session: () => d.session,
    run: (line) => d.session.run(line),
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
  let status = 0;
  let buffer: string | undefined;
  for (;;) {
    const line = await q.next();
    if (line === undefined) break;
    buffer = buffer === undefined ? line : `${buffer}\n${line}`;
    if (o.session().needsMore(buffer)) continue;
    const text = buffer;
    buffer = undefined;
    if (text.trim() === '') continue;
    const r = await o.run(text);
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    status = r.exitCode;
    o.save();
    const ex = o.session().exitRequested;
    if (ex !== undefined) {
      status = ex;
      break;
    }
  }
  if (buffer !== undefined && buffer.trim() !== '') {
    const r = await o.run(buffer);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    status = r.exitCode;
    o.save();
  }
  for (const p of (await o.close?.()) ?? []) process.stderr.write(`iamlab: ${p}\n`);
  rl.close();
  return status;
}

async function interactive(opts: ShellCommandOptions): Promise<number> {
  let current: (() => ShellSession) | undefined;
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 1000,
    removeHistoryDuplicates: false,
    completer: (line: string): [string[], string] => {
      if (!current) return [[], line];
      const c = current().complete(line);
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
  current = o.session;
  const s = o.session();
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
    const who = await o.session().shellIdentity().catch(() => undefined);
    let text = await ask(`${promptLabel(who?.arn, who?.accountId)} $ `);
    if (text === undefined) break;
    while (o.session().needsMore(text)) {
      const more = await ask('> ');
      if (more === undefined) break;
      text += `\n${more}`;
    }
    if (text.trim() === '') continue;
    const r = await o.run(text);
    if (r.stdout) process.stdout.write(r.stdout.endsWith('\n') || r.stdout.startsWith('\x1b[H') ? r.stdout : `${r.stdout}\n`);
    if (r.stderr) process.stderr.write(r.stderr);
    status = r.exitCode;
    try {
      o.save();
    } catch (e) {
      process.stderr.write(`iamlab: could not save the shell's state: ${(e as Error).message}\n`);
    }
    const ex = o.session().exitRequested;
    if (ex !== undefined) {
      status = ex;
      break;
    }
  }
  for (const p of (await o.close?.()) ?? []) process.stderr.write(`iamlab: ${p}\n`);
  if (!closed) rl.close();
  process.stdout.write('\n');
  return status;
}
