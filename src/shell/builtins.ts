// The shell's own commands: environment (export, unset, env, echo, printf, read, eval), files
// in the workspace (ls, cat, tee, rm, touch, mkdir, edit), explain, help, history, mfa-code,
// jq, grep, and a few conveniences.

import { spawnSync } from 'node:child_process';
import { renderExplanation } from '../policy/index.js';
import { runGrep } from './grep.js';
import { runJq } from './jq.js';
import { printf } from './printf.js';
import type { CallRequest } from '../backend/types.js';
import type { ShellSession } from './session.js';
import type { CommandOutput } from './types.js';

export interface BuiltinContext {
  session: ShellSession;
  /** the environment of this command (exports plus NAME=value prefixes) */
  env: Record<string, string>;
  stdin?: string;
  /** stdout goes into a pipe */
  piped: boolean;
  /** stdin comes from the previous command of a pipeline (bash runs this command in a subshell) */
  stdinFromPipe?: boolean;
  interactiveEditor: boolean;
}

export interface Builtin {
  help: string;
  run(args: string[], ctx: BuiltinContext): Promise<CommandOutput>;
}

const ok = (stdout = ''): CommandOutput => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, exitCode = 1): CommandOutput => ({ stdout: '', stderr, exitCode });

const SECRET_VARS = /^(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN)$/;

function redact(name: string, value: string, real: boolean): string {
  if (!real || !SECRET_VARS.test(name)) return value;
  return `****${value.slice(-4)} (hidden in real-account mode)`;
}

function bashQuote(v: string): string {
  return `"${v.replace(/(["\\$`])/g, '\\$1')}"`;
}

function echoEscapes(s: string): string {
  return s.replace(/\\(n|t|r|\\|a|b|e|f|v|0[0-7]{0,3})/g, (_m, c: string) => {
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
    if (c.startsWith('0')) return String.fromCharCode(parseInt(c.slice(1) || '0', 8));
    return map[c] ?? c;
  });
}

function fmtDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function lineArgs(args: string[], dflt: number): { n: number; files: string[] } {
  let n = dflt;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-n') n = Number(args[++i] ?? dflt);
    else if (/^-n?\d+$/.test(a)) n = Number(a.replace(/^-n?/, ''));
    else files.push(a);
  }
  return { n: Number.isFinite(n) ? Math.max(0, n) : dflt, files };
}

function takeLines(text: string, pick: (lines: string[]) => string[]): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return pick(lines)
    .map((l) => `${l}\n`)
    .join('');
}

export const BUILTINS: Record<string, Builtin> = {
  export: {
    help: 'export NAME=value … — set environment variables for the next commands (AWS_ACCESS_KEY_ID, AWS_PROFILE …)',
    async run(args, { session }) {
      const st = session.state;
      const list = args.filter((a) => !/^-[pn]$/.test(a));
      if (list.length === 0) {
        const real = session.mode === 'real';
        return ok(
          Object.entries(st.env)
            .map(([k, v]) => `declare -x ${k}=${bashQuote(redact(k, v, real))}\n`)
            .join(''),
        );
      }
      let err = '';
      for (const a of list) {
        const eq = a.indexOf('=');
        const name = eq < 0 ? a : a.slice(0, eq);
        if (!session.isName(name)) {
          err += `iamlab: export: \`${a}': not a valid identifier\n`;
          continue;
        }
        if (eq < 0) {
          const v = st.vars?.[name];
          if (v !== undefined) {
            st.env[name] = v;
            delete st.vars![name];
          }
          continue;
        }
        st.env[name] = a.slice(eq + 1);
        if (st.vars) delete st.vars[name];
      }
      return err ? fail(err) : ok();
    },
  },
  unset: {
    help: 'unset NAME … — remove variables (unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN switches back)',
    async run(args, { session }) {
      for (const a of args) {
        if (a.startsWith('-')) continue;
        delete session.state.env[a];
        if (session.state.vars) delete session.state.vars[a];
      }
      return ok();
    },
  },
  env: {
    help: 'env — the exported variables',
    async run(args, { session, env }) {
      if (args.length) return fail('iamlab: env: running a command under env is not supported; use NAME=value command\n');
      const real = session.mode === 'real';
      return ok(Object.entries(env).map(([k, v]) => `${k}=${redact(k, v, real)}\n`).join(''));
    },
  },
  printenv: {
    help: 'printenv [NAME] — print one or all exported variables',
    async run(args, { session, env }) {
      const real = session.mode === 'real';
      if (args.length === 0) return ok(Object.entries(env).map(([k, v]) => `${k}=${redact(k, v, real)}\n`).join(''));
      const vals = args.map((a) => env[a]);
      return { stdout: vals.filter((v, i) => v !== undefined && args[i]).map((v, i) => `${redact(args[i]!, v!, real)}\n`).join(''), stderr: '', exitCode: vals.every((v) => v !== undefined) ? 0 : 1 };
    },
  },
  echo: {
    help: 'echo [-n] [-e] TEXT — print text ($VAR expands)',
    async run(args) {
      let newline = true;
      let escapes = false;
      let i = 0;
      while (i < args.length && /^-[neE]+$/.test(args[i]!)) {
        if (args[i]!.includes('n')) newline = false;
        if (args[i]!.includes('e')) escapes = true;
        if (args[i]!.includes('E')) escapes = false;
        i++;
      }
      const text = args.slice(i).join(' ');
      return ok((escapes ? echoEscapes(text) : text) + (newline ? '\n' : ''));
    },
  },
  printf: {
    help: 'printf [-v NAME] FORMAT [ARG…] — formatted output as in bash (%s, %d, %5.2f, %q, \\n …)',
    async run(args, { session }) {
      let rest = args;
      let target: string | undefined;
      if (rest[0] === '-v') {
        target = rest[1];
        if (target === undefined) return fail('iamlab: printf: -v: option requires an argument\nprintf: usage: printf [-v var] format [arguments]\n', 2);
        if (!session.isName(target)) return fail(`iamlab: printf: \`${target}': not a valid identifier\n`, 2);
        rest = rest.slice(2);
      }
      if (rest[0] === '--') rest = rest.slice(1);
      const [format, ...values] = rest;
      if (format === undefined) return fail('printf: usage: printf [-v var] format [arguments]\n', 2);
      const r = printf(format, values);
      if (target !== undefined) {
        session.setVar(target, r.out);
        return { stdout: '', stderr: r.err, exitCode: r.code };
      }
      return { stdout: r.out, stderr: r.err, exitCode: r.code };
    },
  },
  read: {
    help: 'read [-r] [-p PROMPT] NAME … — one line of input into variables (read A B <<< "$(aws … --output text)")',
    async run(args, { session, stdin, stdinFromPipe }) {
      let raw = false;
      let promptText: string | undefined;
      let secret = false;
      const names: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (names.length === 0 && /^-[rsp]+$/.test(a)) {
          if (a.includes('r')) raw = true;
          if (a.includes('s')) secret = true;
          if (a.includes('p')) {
            promptText = args[++i];
            if (promptText === undefined) return fail('iamlab: read: -p: option requires an argument\nread: usage: read [-r] [-p prompt] [name ...]\n', 2);
          }
          continue;
        }
        if (names.length === 0 && /^-./.test(a) && a !== '--') return fail(`iamlab: read: ${a}: invalid option\nread: usage: read [-r] [-p prompt] [name ...]\n`, 2);
        if (a === '--' && names.length === 0) continue;
        if (!session.isName(a)) return fail(`iamlab: read: \`${a}': not a valid identifier\n`, 1);
        names.push(a);
      }
      let text = stdin;
      if (text === undefined) {
        const answer = await session.ask(promptText ?? '', secret);
        text = answer === undefined ? '' : `${answer}\n`;
      }
      // one logical line: without -r a backslash-newline joins lines and \x is x
      let line = '';
      let complete = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (!raw && c === '\\' && i + 1 < text.length) {
          i++;
          if (text[i] !== '\n') line += text[i];
          continue;
        }
        if (c === '\n') {
          complete = true;
          break;
        }
        line += c;
      }
      const values: Array<[string, string]> = [];
      if (names.length === 0) values.push(['REPLY', line]);
      else {
        let restLine = line.replace(/^[ \t\n]+/, '');
        names.forEach((n, i) => {
          if (i === names.length - 1) {
            values.push([n, restLine.replace(/[ \t\n]+$/, '')]);
            return;
          }
          const m = /^([^ \t\n]*)[ \t\n]*/.exec(restLine)!;
          values.push([n, m[1]!]);
          restLine = restLine.slice(m[0].length);
        });
      }
      if (stdinFromPipe) {
        // bash runs each part of a pipeline in a subshell: the variables vanish with it
        return {
          stdout: '',
          stderr: `iamlab: note: \`… | read ${names.join(' ') || 'REPLY'}\` sets nothing, as in bash (the read runs in a subshell); use: read ${names.join(' ') || 'REPLY'} <<< "$(…)"\n`,
          exitCode: complete ? 0 : 1,
        };
      }
      for (const [n, v] of values) session.setVar(n, v);
      return { stdout: '', stderr: '', exitCode: complete ? 0 : 1 };
    },
  },
  eval: {
    help: 'eval ARG … — run the arguments, joined by spaces, as a command line',
    async run(args, { session }) {
      const text = args.join(' ');
      if (text.trim() === '') return ok();
      const r = await session.evaluate(text);
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.code };
    },
  },
  tee: {
    help: 'tee [-a] FILE … — copy stdin to workspace files and to stdout',
    async run(args, { session, stdin }) {
      const append = args.some((a) => /^-\w*a/.test(a));
      const bad = args.find((a) => /^-./.test(a) && !/^-[ai]+$/.test(a));
      if (bad) return fail(`tee: invalid option -- '${bad.replace(/^-+[ai]*/, '')[0] ?? bad}'\nTry 'tee --help' for more information.\n`);
      const data = stdin ?? '';
      let err = '';
      for (const f of args.filter((a) => !/^-./.test(a))) {
        try {
          if (f !== '/dev/null') session.workspace.write(f, data, append);
        } catch (e) {
          err += `tee: ${(e as Error).message}\n`;
        }
      }
      return { stdout: data, stderr: err, exitCode: err ? 1 : 0 };
    },
  },
  clear: {
    help: 'clear — clear the screen',
    async run() {
      return ok('\x1b[H\x1b[2J\x1b[3J');
    },
  },
  ls: {
    help: 'ls [-l] [PATH] — files in the workspace',
    async run(args, { session }) {
      const long = args.some((a) => /^-\w*l/.test(a));
      const paths = args.filter((a) => !a.startsWith('-'));
      let out = '';
      let err = '';
      for (const p of paths.length ? paths : ['.']) {
        try {
          const entries = session.workspace.list(p);
          if (paths.length > 1) out += `${p}:\n`;
          for (const e of entries) {
            out += long ? `${e.dir ? 'd' : '-'}rw-r--r-- ${String(e.size).padStart(8)} ${e.mtime.toISOString().slice(0, 16).replace('T', ' ')} ${e.name}${e.dir ? '/' : ''}\n` : `${e.name}${e.dir ? '/' : ''}\n`;
          }
        } catch (e) {
          err += `ls: ${(e as Error).message}\n`;
        }
      }
      return { stdout: out, stderr: err, exitCode: err ? 2 : 0 };
    },
  },
  cat: {
    help: "cat FILE … — show files; cat > FILE <<'EOF' … EOF writes one",
    async run(args, { session, stdin }) {
      const files = args.filter((a) => a !== '-');
      if (files.length === 0 && stdin === undefined) {
        return fail("iamlab: cat without a file reads its input from a here-document here:\n  cat > trust.json <<'EOF'\n  …the text…\n  EOF\n");
      }
      if (files.length === 0) return ok(stdin ?? '');
      let out = '';
      let err = '';
      for (const f of files) {
        try {
          out += session.workspace.read(f).toString('utf8');
        } catch (e) {
          err += `cat: ${(e as Error).message}\n`;
        }
      }
      return { stdout: out, stderr: err, exitCode: err ? 1 : 0 };
    },
  },
  rm: {
    help: 'rm [-r] [-f] FILE … — delete workspace files',
    async run(args, { session }) {
      const recursive = args.some((a) => /^-\w*[rR]/.test(a));
      const force = args.some((a) => /^-\w*f/.test(a));
      let err = '';
      for (const f of args.filter((a) => !a.startsWith('-'))) {
        try {
          session.workspace.remove(f, recursive);
        } catch (e) {
          if (!(force && /No such file/.test((e as Error).message))) err += `rm: ${(e as Error).message}\n`;
        }
      }
      return err ? fail(err) : ok();
    },
  },
  touch: {
    help: 'touch FILE — create an empty file',
    async run(args, { session }) {
      for (const f of args) if (!session.workspace.exists(f)) session.workspace.write(f, '');
      return ok();
    },
  },
  mkdir: {
    help: 'mkdir [-p] DIR — create a folder in the workspace',
    async run(args, { session }) {
      for (const d of args.filter((a) => !a.startsWith('-'))) session.workspace.mkdir(d);
      return ok();
    },
  },
  pwd: {
    help: 'pwd — the workspace folder',
    async run(_args, { session }) {
      return ok(`${session.workspace.dir}\n`);
    },
  },
  cd: {
    help: 'cd — this shell always works in the workspace folder',
    async run(args) {
      if (args.length === 0 || args[0] === '~' || args[0] === '.') return ok();
      return fail('iamlab: cd: this shell stays in the workspace folder (file:// paths, ls and cat use it)\n');
    },
  },
  edit: {
    help: 'edit FILE — edit a workspace file with $EDITOR (on a terminal)',
    async run(args, { session, env, interactiveEditor }) {
      const f = args[0];
      if (!f) return fail('usage: edit FILE\n', 2);
      const abs = session.workspace.resolve(f);
      if (!interactiveEditor) {
        return fail(
          `iamlab: edit needs a terminal. Write the file with a here-document instead:\n  cat > ${f} <<'EOF'\n  {\n    "Version": "2012-10-17",\n    "Statement": [ … ]\n  }\n  EOF\n`,
        );
      }
      session.workspace.ensure();
      const editor = env.VISUAL || env.EDITOR || process.env.VISUAL || process.env.EDITOR || 'vi';
      const r = spawnSync(editor, [abs], { stdio: 'inherit', shell: process.platform === 'win32' });
      if (r.error) return fail(`iamlab: edit: cannot start ${editor}: ${r.error.message}. Set EDITOR (export EDITOR=nano).\n`);
      return { stdout: '', stderr: '', exitCode: r.status ?? 0 };
    },
  },
  explain: {
    help: 'explain — why the last AWS call was allowed or denied (which policies and statements decided)',
    async run(_args, { session }) {
      const e = session.lastExplanation();
      if (!e) {
        return fail(
          session.mode === 'real'
            ? 'iamlab: explanations come from the simulated account; in real-account mode AWS does not say why a call was denied.\n'
            : 'iamlab: nothing to explain yet: run an aws command (or a console action) first.\n',
        );
      }
      // what the explanation does not say: the call failed after the policies allowed it, or the
      // last call never reached a policy decision (the explanation is then of an earlier call)
      const { explained, last } = session.lastCalls();
      const name = (c: { request: CallRequest }) => `${c.request.service} ${c.request.operation}`;
      const notes: string[] = [];
      if (last && !last.result.ok && !last.result.explanation) {
        notes.push(`The last call, ${name(last)}, failed before any policy was evaluated: ${last.result.error.code}: ${last.result.error.message}`);
        if (explained) notes.push(`What follows explains the call before it, ${name(explained)}.`);
      } else if (explained && !explained.result.ok && e.decision === 'Allow') {
        notes.push(`The policies allowed ${name(explained)}, but the call failed for another reason: ${explained.result.error.code}: ${explained.result.error.message}`);
      }
      return ok(`${notes.length ? `${notes.join('\n')}\n\n` : ''}${renderExplanation(e)}\n`);
    },
  },
  history: {
    help: 'history — the commands typed so far',
    async run(args, { session }) {
      const h = session.state.history;
      if (args[0] === '-c') {
        h.length = 0;
        return ok();
      }
      const n = args[0] && /^\d+$/.test(args[0]) ? Number(args[0]) : h.length;
      const start = Math.max(0, h.length - n);
      return ok(
        h
          .slice(start)
          .map((line, i) => `${String(start + i + 1).padStart(5)}  ${line.replace(/\n/g, '\n       ')}\n`)
          .join(''),
      );
    },
  },
  'mfa-code': {
    help: 'mfa-code SERIAL [--next] — the current (or next) code of a virtual MFA device: your phone app, in the simulation',
    async run(args, { session }) {
      const next = args.includes('--next');
      const serial = args.find((a) => !a.startsWith('--'));
      if (!serial) return fail('usage: mfa-code <serial-number-arn> [--next]   e.g. mfa-code arn:aws:iam::123456789012:mfa/alice\n', 2);
      if (!session.world) return fail('iamlab: mfa-code works on the simulated account only; use your authenticator app.\n');
      try {
        return ok(`${session.world.mfaCode(serial, next ? 1 : 0)}\n`);
      } catch {
        return fail(`iamlab: mfa-code: there is no virtual MFA device ${serial} (aws iam list-virtual-mfa-devices is not simulated; aws iam list-mfa-devices --user-name NAME shows a user's)\n`);
      }
    },
  },
  jq: {
    help: 'jq [-r] FILTER — pick values out of JSON on stdin (paths like .Credentials.AccessKeyId)',
    async run(args, { stdin, session }) {
      const names = args.filter((a) => !/^-/.test(a));
      if (stdin === undefined && names.length < 2) return fail('jq: no input: pipe JSON into it, e.g. echo "$creds" | jq -r .AccessKeyId\n', 2);
      const r = runJq(args, stdin, (f) => session.workspace.read(f).toString('utf8'));
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.code };
    },
  },
  grep: {
    help: 'grep [-i] [-v] [-o] [-c] [-q] [-n] [-w] [-E|-F] PATTERN [FILE…] — lines of stdin or files that match',
    async run(args, { stdin, session }) {
      const r = runGrep(args, stdin, (f) => session.workspace.read(f).toString('utf8'));
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.code };
    },
  },
  head: {
    help: 'head [-n N] — the first lines of stdin or a file',
    async run(args, { stdin, session }) {
      const { n, files } = lineArgs(args, 10);
      const text = files.length ? files.map((f) => session.workspace.read(f).toString('utf8')).join('') : stdin ?? '';
      return ok(takeLines(text, (l) => l.slice(0, n)));
    },
  },
  tail: {
    help: 'tail [-n N] — the last lines of stdin or a file',
    async run(args, { stdin, session }) {
      const { n, files } = lineArgs(args, 10);
      const text = files.length ? files.map((f) => session.workspace.read(f).toString('utf8')).join('') : stdin ?? '';
      return ok(takeLines(text, (l) => (n === 0 ? [] : l.slice(-n))));
    },
  },
  wc: {
    help: 'wc -l — count lines of stdin',
    async run(args, { stdin }) {
      const text = stdin ?? '';
      const lines = (text.match(/\n/g) ?? []).length;
      if (args.includes('-l')) return ok(`${lines}\n`);
      const words = text.split(/\s+/).filter(Boolean).length;
      return ok(`${String(lines).padStart(7)} ${String(words).padStart(7)} ${String(Buffer.byteLength(text)).padStart(7)}\n`);
    },
  },
  sort: {
    help: 'sort [-r] — sort the lines of stdin',
    async run(args, { stdin }) {
      const lines = (stdin ?? '').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      lines.sort();
      if (args.includes('-r')) lines.reverse();
      return ok(lines.map((l) => `${l}\n`).join(''));
    },
  },
  true: { help: 'true — succeed', run: async () => ok() },
  false: { help: 'false — fail', run: async () => ({ stdout: '', stderr: '', exitCode: 1 }) },
  date: {
    help: "date — the simulated account's clock",
    async run(_a, { session }) {
      return ok(`${fmtDate(session.now())}\n`);
    },
  },
  whoami: {
    help: 'whoami — who the next aws command runs as (same as aws sts get-caller-identity, without a call)',
    async run(_a, { session }) {
      const id = await session.shellIdentity();
      const c = session.state.console;
      let out = id ? `CLI:     ${id.arn}  (credentials from ${id.source})\n` : 'CLI:     no working credentials\n';
      if (session.world) out += `Console: ${c.active ? `${c.active.arn} ("${c.active.displayName}")` : c.signedIn ? c.signedIn.arn : 'not signed in'}\n`;
      return ok(out);
    },
  },
  exit: {
    help: 'exit [N] — leave the shell',
    async run(args, { session }) {
      session.exitRequested = args[0] !== undefined && /^\d+$/.test(args[0]) ? Number(args[0]) : session.lastExitStatus;
      return { stdout: '', stderr: '', exitCode: session.exitRequested };
    },
  },
  help: {
    help: 'help [COMMAND] — this list, or help on one command',
    async run(args, { session }) {
      const topic = args[0];
      if (topic === 'aws') return ok('aws <service> <operation> [--param value …] [--output json|text|table|yaml] [--query …] [--profile P] [--region R]\n  aws help, aws <service> help, aws <service> <operation> help\n');
      if (topic === 'console') return ok(CONSOLE_HELP);
      if (topic) {
        const b = BUILTINS[topic];
        const r = session.registeredCommands().find(([n]) => n === topic);
        if (b) return ok(`${b.help}\n`);
        if (r) return ok(`${r[0]} — ${r[1]}\n`);
        return fail(`iamlab: help: no help for ${topic}\n`);
      }
      const lines = [
        'AWS',
        '  aws <service> <operation> …   the AWS CLI v2 on the ' + (session.mode === 'sim' ? 'simulated account (iam, sts, s3, s3api, ec2, account)' : 'real account'),
        '  aws configure [set|get|list]   profiles and keys (this shell has its own ~/.aws)',
        '  console …                      the AWS Management Console, as commands (help console)',
        '  explain                        why the last call was allowed or denied',
        '',
        'Shell',
        ...Object.entries(BUILTINS)
          .filter(([n]) => !['true', 'false', 'printf', 'printenv', 'touch', 'mkdir', 'pwd', 'cd', 'help', 'explain', 'head', 'tail', 'wc', 'sort'].includes(n))
          .map(([, b]) => `  ${b.help}`),
        '  also head, tail, wc, sort, printf, touch, mkdir, pwd',
        '  NAME=value cmd, $VAR, "$(cmd)", cmd1 && cmd2, cmd | jq, > file, <<EOF here-documents work as in bash',
      ];
      const reg = session.registeredCommands();
      if (reg.length) lines.push('', 'Lab', ...reg.map(([n, h]) => `  ${n} — ${h}`));
      return ok(`${lines.join('\n')}\n`);
    },
  },
};

export const CONSOLE_HELP = `console — the AWS Management Console's actions, as commands (simulated account)
  console sign-in USER [--account ID] [--password P]   sign in as an IAM user (needs a console password)
  console whoami                                       "Signed in as" / "Currently active as"
  console switch-role --account ID --role-name NAME [--display-name TEXT] [--color red|blue|green|yellow|orange]
  console switch-back                                  back to the signed-in user
  console open s3|ec2|iam|account                      what that console page shows you now
  console switch-role-link --role-name NAME [--account ID] [--display-name TEXT]
  console revoke-sessions --role-name NAME             the role page's "Revoke active sessions"
  console sign-out
`;
