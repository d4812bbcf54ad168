// ShellSession: runs lines of the shell language (lexer.ts) — expansion, pipes, redirections,
// && / || / ; — dispatching to `aws`, the console commands, the shell builtins and commands
// other parts register (lab status, hint, answer). One session = one learner's terminal.

import type { Backend, CallRequest, CallResult, Credentials } from '../backend/types.js';
import type { Explanation } from '../policy/types.js';
import { runAws, type AwsHost } from './aws/cli.js';
import { effectiveProfile, envCredentials, profileExists, profileValue, resolveCredentials } from './aws/config.js';
import { CliError } from './aws/errors.js';
import { CLI_COMMANDS } from '../model/index.js';
import { BUILTINS, type BuiltinContext } from './builtins.js';
import { complete as completeLine } from './complete.js';
import { runConsole } from './console.js';
import { getCloseMatches } from './difflib.js';
import { Incomplete, isName, parseScript, SyntaxError as ShellSyntaxError, type AndOr, type Part, type Pipeline, type SimpleCommand, type Word } from './lexer.js';
import type { CommandOutput, PromptFn, ShellOptions, ShellResult, ShellState, WorldLike } from './types.js';
import { Workspace, WorkspaceError } from './workspace.js';

export type RegisteredCommand = (args: string[], session: ShellSession) => Promise<CommandOutput>;

interface Out {
  stdout: string;
  stderr: string;
  code: number;
}

export function emptyState(): ShellState {
  return { env: {}, config: {}, credentials: {}, console: { roleHistory: [] }, history: [], vars: {}, cliCache: {} };
}

/** Fills in what an older or hand-written state lacks (never throws on a plain object). */
export function normalizeState(s: Partial<ShellState> | undefined): ShellState {
  const st = emptyState();
  if (!s || typeof s !== 'object') return st;
  const rec = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(rec(v)).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
  st.env = strMap(s.env);
  st.vars = strMap(s.vars);
  for (const [k, v] of Object.entries(rec(s.config))) st.config[k] = strMap(v);
  for (const [k, v] of Object.entries(rec(s.credentials))) st.credentials[k] = strMap(v);
  st.history = Array.isArray(s.history) ? s.history.filter((x): x is string => typeof x === 'string') : [];
  const c = rec(s.console);
  st.console = { roleHistory: Array.isArray(c.roleHistory) ? (c.roleHistory as ShellState['console']['roleHistory']) : [] };
  if (c.signedIn && typeof c.signedIn === 'object') st.console.signedIn = c.signedIn as NonNullable<ShellState['console']['signedIn']>;
  if (c.active && typeof c.active === 'object') st.console.active = c.active as NonNullable<ShellState['console']['active']>;
  st.cliCache = rec(s.cliCache) as NonNullable<ShellState['cliCache']>;
  return st;
}

const LOOKALIKE_DASH = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]/;
const CURLY_DOUBLE = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/;
const CURLY_SINGLE = /[\u2018\u2019\u201A\u201B\u2032]/;
const ODD_SPACE = /[\u00A0\u2000-\u200B\u202F\u205F\u3000\uFEFF]/;

const DASH_NAMES: Record<string, string> = {
  '\u2010': 'a hyphen (U+2010)',
  '\u2011': 'a non-breaking hyphen (U+2011)',
  '\u2012': 'a figure dash (U+2012)',
  '\u2013': 'an en dash (U+2013)',
  '\u2014': 'an em dash (U+2014)',
  '\u2015': 'a horizontal bar (U+2015)',
  '\u2212': 'a minus sign (U+2212)',
  '\uFE58': 'a small em dash (U+FE58)',
  '\uFE63': 'a small hyphen-minus (U+FE63)',
  '\uFF0D': 'a fullwidth hyphen-minus (U+FF0D)',
};

function codepoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Characters a web page or word processor puts where the shell expects ASCII: dashes before
 * option names, curly quotes used as quotes, non-breaking spaces. Returns the explanation and
 * the line with ASCII, or undefined when the line is fine.
 */
export function lookAlikes(text: string): { problems: string[]; fixed: string } | undefined {
  const problems: string[] = [];
  let fixed = '';
  let inSingle = false;
  let inDouble = false;
  const chars = [...text];
  const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c) || ODD_SPACE.test(c);
  const wordAt = (i: number) => {
    let a = i;
    let b = i;
    while (a > 0 && !isSpace(chars[a - 1])) a--;
    while (b < chars.length - 1 && !isSpace(chars[b + 1])) b++;
    return chars.slice(a, b + 1).join('');
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const prev = chars[i - 1];
    const next = chars[i + 1];
    const atStart = prev === undefined || /\s/.test(prev) || ODD_SPACE.test(prev);
    const atEnd = next === undefined || /\s/.test(next) || ODD_SPACE.test(next);
    if (ch === "'" && !inDouble) inSingle = !inSingle;
    if (ch === '"' && !inSingle) inDouble = !inDouble;
    if (inSingle || (inDouble && ch !== '"')) {
      fixed += ch;
      continue;
    }
    if (LOOKALIKE_DASH.test(ch) && atStart) {
      const word = wordAt(i);
      // –role-arn and —role-arn were typed as --role-arn; ‐‐x as two dashes already
      const doubled = LOOKALIKE_DASH.test(next ?? '');
      const ascii = '--';
      problems.push(`'${word}' starts with ${DASH_NAMES[ch] ?? codepoint(ch)}, not two ASCII hyphens (--)`);
      fixed += ascii;
      if (doubled) i++;
      continue;
    }
    if ((CURLY_DOUBLE.test(ch) || CURLY_SINGLE.test(ch)) && (atStart || atEnd || /[\]\[=]/.test(prev ?? '') || /[\[\]]/.test(next ?? ''))) {
      const dbl = CURLY_DOUBLE.test(ch);
      const word = wordAt(i);
      problems.push(`'${word}' has a curly quote ${ch} (${codepoint(ch)}); the shell only understands straight quotes (${dbl ? '"' : "'"})`);
      fixed += dbl ? '"' : "'";
      continue;
    }
    if (ODD_SPACE.test(ch)) {
      problems.push(`there is a ${ch === '\u00A0' ? 'non-breaking space' : 'special space'} (${codepoint(ch)}) between words; the shell needs ordinary spaces`);
      fixed += ch === '\uFEFF' || ch === '\u200B' ? '' : ' ';
      continue;
    }
    fixed += ch;
  }
  return problems.length ? { problems: [...new Set(problems)], fixed } : undefined;
}

export class ShellSession {
  readonly state: ShellState;
  readonly workspace: Workspace;
  readonly backend: Backend;
  readonly world: WorldLike | undefined;
  private readonly opts: ShellOptions;
  private explanation: Explanation | undefined;
  /** The call the explanation is of, and the last call of all (which may have none: a validation error, a bad key). */
  private explained: { request: CallRequest; result: CallResult } | undefined;
  private lastCallMade: { request: CallRequest; result: CallResult } | undefined;
  private lastStatus = 0;
  private calls: ShellResult['calls'] = [];
  private readonly registered = new Map<string, { help: string; run: RegisteredCommand }>();
  private promptFn: PromptFn | undefined;
  /** Set by the `exit` builtin: the status the interactive shell should exit with. */
  exitRequested: number | undefined;

  constructor(opts: ShellOptions) {
    this.opts = opts;
    this.backend = opts.backend;
    this.world = opts.world;
    this.state = normalizeState(opts.state);
    if (opts.state) {
      // keep the caller's object live (the app persists it): copy normalised fields back
      Object.assign(opts.state, this.state);
      this.state = opts.state;
    }
    this.workspace = new Workspace(opts.workspaceDir);
    this.promptFn = opts.prompt;
  }

  /** Where `aws configure` and MFA prompts get their answers (the app and the CLI set this). */
  setPrompt(fn: PromptFn | undefined): void {
    this.promptFn = fn;
  }

  get mode(): 'sim' | 'real' {
    return this.backend.kind;
  }

  now(): Date {
    return this.world?.clock.now() ?? this.opts.now?.() ?? new Date();
  }

  get defaultRegion(): string {
    return this.opts.defaultRegion ?? 'us-east-1';
  }

  /** Explanation of the last AWS call that had one (denied or allowed). */
  lastExplanation(): Explanation | undefined {
    return this.explanation;
  }

  /** The call `lastExplanation()` explains, and the last call made (the same one unless that had no policy decision). */
  lastCalls(): { explained?: { request: CallRequest; result: CallResult }; last?: { request: CallRequest; result: CallResult } } {
    return { ...(this.explained ? { explained: this.explained } : {}), ...(this.lastCallMade ? { last: this.lastCallMade } : {}) };
  }

  needsMore(text: string): boolean {
    try {
      parseScript(text);
      return false;
    } catch (e) {
      return e instanceof Incomplete;
    }
  }

  complete(line: string): { replaceFrom: number; candidates: string[] } {
    return completeLine(this, line);
  }

  registerCommand(name: string, help: string, run: RegisteredCommand): void {
    this.registered.set(name, { help, run });
  }

  registeredCommands(): Array<[string, string]> {
    return [...this.registered.entries()].map(([n, r]) => [n, r.help]);
  }

  commandNames(): string[] {
    return [...new Set(['aws', 'console', ...Object.keys(BUILTINS), ...this.registered.keys()])].sort();
  }

  /** Makes an AWS call on behalf of the line being run (recorded in ShellResult.calls). */
  async call(req: CallRequest): Promise<CallResult> {
    const result = await this.backend.call(req);
    this.calls.push({ request: req, result });
    this.lastCallMade = { request: req, result };
    if (result.explanation) {
      this.explanation = result.explanation;
      this.explained = this.lastCallMade;
    }
    return result;
  }

  /** The identity the next `aws` command would run as (env > profile), without side effects. */
  async shellIdentity(): Promise<{ arn: string; accountId: string; source: string } | undefined> {
    const r = await this.identityCredentials();
    if (!r) return undefined;
    if ('pending' in r) return r.pending;
    return this.identify(r.credentials, r.source);
  }

  /**
   * The credentials the next `aws` command would use, by the CLI's rules (exported keys, then the
   * profile; a role_arn profile uses its cached session) — or, for a role_arn profile not yet
   * assumed, the role it names. undefined when nothing usable is configured.
   */
  protected async identityCredentials(): Promise<
    { credentials: Credentials; source: string } | { pending: { arn: string; accountId: string; source: string } } | undefined
  > {
    const env = this.state.env;
    try {
      const { name } = effectiveProfile(env);
      if (name !== 'default' && !profileExists(this.state, name)) return undefined;
      const e = envCredentials(env);
      if (e) return { credentials: e, source: 'env' };
      const source = `profile:${name}`;
      const roleArn = profileValue(this.state, name, 'role_arn');
      if (roleArn) {
        const now = this.now().getTime();
        const cached = Object.entries(this.state.cliCache ?? {})
          .filter(([key, c]) => {
            try {
              return (JSON.parse(key) as { roleArn?: string }).roleArn === roleArn && new Date(c.expiration).getTime() > now;
            } catch {
              return false;
            }
          })
          .map(([, c]) => c)
          .sort((a, b) => Date.parse(b.expiration) - Date.parse(a.expiration))[0];
        if (cached) return { credentials: cached.credentials, source };
        const acct = /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] ?? '';
        return { pending: { arn: roleArn, accountId: acct, source: `${source} (role_arn, assumed on first use)` } };
      }
      const id = profileValue(this.state, name, 'aws_access_key_id');
      const secret = profileValue(this.state, name, 'aws_secret_access_key');
      if (!id || !secret) return undefined;
      const token = profileValue(this.state, name, 'aws_session_token');
      return { credentials: token ? { accessKeyId: id, secretAccessKey: secret, sessionToken: token } : { accessKeyId: id, secretAccessKey: secret }, source };
    } catch {
      return undefined;
    }
  }

  /** Whose credentials these are: the world knows directly; otherwise ask STS. */
  protected async identify(creds: Credentials, source: string): Promise<{ arn: string; accountId: string; source: string } | undefined> {
    if (this.world) {
      const who = this.world.whoIs(creds);
      return who ? { arn: who.arn, accountId: who.accountId, source } : undefined;
    }
    const r = await this.backend.call({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: creds, region: this.defaultRegion, via: 'shell' });
    if (!r.ok) return undefined;
    return { arn: String(r.output.Arn), accountId: String(r.output.Account), source };
  }

  /** Runs one or more lines (a heredoc may span several). */
  async run(text: string): Promise<ShellResult> {
    this.calls = [];
    const out: Out = { stdout: '', stderr: '', code: 0 };
    const trimmed = text.replace(/\n+$/, '');
    if (trimmed.trim() !== '') {
      const h = this.state.history;
      h.push(trimmed);
      if (h.length > 1000) h.splice(0, h.length - 1000);
    }
    const bad = lookAlikes(text);
    if (bad) {
      const isAws = /^\s*aws[\s\u00A0]/.test(text);
      out.stderr =
        `iamlab: this command contains characters that look like ASCII but are not (copied from a web page or a document?):\n` +
        bad.problems.map((p) => `  - ${p}\n`).join('') +
        `${isAws ? 'The AWS CLI would not understand it. ' : ''}With plain ASCII it reads:\n  ${bad.fixed.trim()}\n`;
      out.code = isAws ? 252 : 2;
      this.lastStatus = out.code;
      return this.result(out);
    }
    let script: AndOr[];
    try {
      script = parseScript(text);
    } catch (e) {
      if (e instanceof Incomplete) out.stderr = `iamlab: unexpected end of input: ${e.message}\n`;
      else if (e instanceof ShellSyntaxError) out.stderr = `iamlab: ${e.message}\n`;
      else throw e;
      out.code = 2;
      this.lastStatus = 2;
      return this.result(out);
    }
    try {
      await this.execScript(script, out);
    } catch (e) {
      // Never a stack trace: an unexpected failure is reported and the shell goes on.
      out.stderr += `iamlab: internal error: ${(e as Error)?.message ?? String(e)} (this is a bug in iamlab; the command may not have finished)\n`;
      out.code = 70;
      this.lastStatus = 70;
    }
    return this.result(out);
  }

  private result(out: Out): ShellResult {
    return { stdout: out.stdout, stderr: out.stderr, exitCode: out.code, calls: this.calls };
  }

  private async execScript(script: AndOr[], out: Out): Promise<void> {
    for (const ao of script) {
      if (this.exitRequested !== undefined) break;
      let status = await this.execPipeline(ao.first, out);
      for (const { op, p } of ao.rest) {
        if (this.exitRequested !== undefined) break;
        if ((op === '&&' && status !== 0) || (op === '||' && status === 0)) continue;
        status = await this.execPipeline(p, out);
      }
      out.code = status;
    }
  }

  private async execPipeline(p: Pipeline, out: Out): Promise<number> {
    let stdin: string | undefined;
    let status = 0;
    for (let i = 0; i < p.cmds.length; i++) {
      const last = i === p.cmds.length - 1;
      const r = await this.execCommand(p.cmds[i]!, stdin, out, !last);
      status = r.code;
      stdin = r.stdout;
      if (last) out.stdout += r.stdout;
    }
    if (p.negate) status = status === 0 ? 1 : 0;
    this.lastStatus = status;
    return status;
  }

  // ---- expansion ----

  private lookup(name: string): string | undefined {
    if (name === '?') return String(this.lastStatus);
    if (name === '$') return '4242';
    if (name === '#') return '0';
    if (name === '0') return 'iamlab';
    return this.state.env[name] ?? this.state.vars?.[name];
  }

  private async partValue(p: Part, out: Out): Promise<string> {
    if (p.k === 'lit') return p.v;
    if (p.k === 'cmd') return this.commandSubstitution(p.src, out);
    const v = this.lookup(p.name);
    if (p.op === '#len') return String([...(v ?? '')].length);
    if (p.op === ':-' && !v) return (await this.expandWord(p.dflt!, false, out)).join(' ');
    if (p.op === '-' && v === undefined) return (await this.expandWord(p.dflt!, false, out)).join(' ');
    if (p.op === ':=' && !v) {
      const d = (await this.expandWord(p.dflt!, false, out)).join(' ');
      (this.state.vars ??= {})[p.name] = d;
      return d;
    }
    return v ?? '';
  }

  /** Expands a word into fields (field splitting only for unquoted expansions when split). */
  async expandWord(w: Word, split: boolean, out: Out): Promise<string[]> {
    const fields: string[] = [];
    let cur = '';
    let has = false;
    for (const p of w.parts) {
      const v = await this.partValue(p, out);
      if (p.k === 'lit' || p.q || !split) {
        cur += v;
        has = true;
        continue;
      }
      if (v === '') continue;
      const lead = /^[ \t\n]/.test(v);
      const trail = /[ \t\n]$/.test(v);
      const pieces = v.split(/[ \t\n]+/).filter((x) => x !== '');
      if (lead && has) {
        fields.push(cur);
        cur = '';
        has = false;
      }
      pieces.forEach((piece, i) => {
        if (i > 0) {
          fields.push(cur);
          cur = '';
        }
        cur += piece;
        has = true;
      });
      if (trail && has) {
        fields.push(cur);
        cur = '';
        has = false;
      }
    }
    if (has) fields.push(cur);
    return fields;
  }

  private async commandSubstitution(src: string, out: Out): Promise<string> {
    let script: AndOr[];
    try {
      script = parseScript(src);
    } catch (e) {
      out.stderr += `iamlab: in $(${src}): ${(e as Error).message}\n`;
      this.lastStatus = 2;
      return '';
    }
    // A subshell: variable changes inside do not leak out.
    const env = { ...this.state.env };
    const vars = { ...(this.state.vars ?? {}) };
    const sub: Out = { stdout: '', stderr: '', code: 0 };
    await this.execScript(script, sub);
    this.state.env = env;
    this.state.vars = vars;
    out.stderr += sub.stderr;
    this.lastStatus = sub.code;
    this.subStatus = sub.code;
    return sub.stdout.replace(/\n+$/, '');
  }

  private subStatus: number | undefined;

  // ---- commands ----

  private async execCommand(cmd: SimpleCommand, pipeIn: string | undefined, out: Out, piped: boolean): Promise<Out> {
    this.subStatus = undefined;
    const res: Out = { stdout: '', stderr: '', code: 0 };
    // Words first (the command name decides whether NAME=value words are split).
    const words: string[] = [];
    let isDecl = false;
    for (let i = 0; i < cmd.words.length; i++) {
      const w = cmd.words[i]!;
      const assignLike = isDecl && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw);
      const fields = await this.expandWord(w, !assignLike, res);
      words.push(...fields);
      if (i === 0) isDecl = ['export', 'declare', 'readonly', 'local', 'typeset'].includes(fields[0] ?? '');
    }
    const assigns: Array<[string, string]> = [];
    for (const a of cmd.assigns) assigns.push([a.name, (await this.expandWord(a.value, false, res)).join('')]);

    // Redirections
    let stdin = pipeIn;
    let stdinFromPipe = pipeIn !== undefined;
    const outputs: Array<{ fd: number; file?: string; append: boolean; dup?: number }> = [];
    try {
      for (const r of cmd.redirects) {
        if (r.heredoc) {
          stdinFromPipe = false;
          stdin = r.heredoc.quoted ? (r.heredoc.parts[0] as { v: string } | undefined)?.v ?? '' : (await this.expandWord({ parts: r.heredoc.parts, raw: '', start: 0 }, false, res)).join('');
          continue;
        }
        if (r.op === '>&') {
          outputs.push({ fd: r.fd, append: false, dup: r.dup! });
          continue;
        }
        const target = (await this.expandWord(r.target!, false, res)).join('');
        if (r.op === '<<<' || r.op === '<') stdinFromPipe = false;
        if (r.op === '<<<') stdin = `${target}\n`;
        else if (r.op === '<') stdin = target === '/dev/null' ? '' : this.workspace.read(target).toString('utf8');
        else outputs.push({ fd: r.fd, file: target, append: r.op === '>>' });
      }
    } catch (e) {
      if (e instanceof WorkspaceError) {
        out.stderr += `iamlab: ${e.message}\n`;
        return { stdout: '', stderr: '', code: 1 };
      }
      throw e;
    }

    if (words.length === 0) {
      for (const [n, v] of assigns) this.setVar(n, v);
      res.code = this.subStatus ?? 0;
    } else {
      const tempEnv = assigns.length ? { ...this.state.env, ...Object.fromEntries(assigns) } : this.state.env;
      const r = await this.dispatch(words, stdin, tempEnv, piped, stdinFromPipe);
      res.stdout += r.stdout;
      res.stderr += r.stderr;
      res.code = r.code;
    }

    // Apply output redirections in order, as bash does: n>file points fd n at the file, n>&m
    // makes fd n a copy of what fd m points at now (so 2>&1 >f and >f 2>&1 differ).
    type Dest = { to: 'stdout' } | { to: 'stderr' } | { to: 'file'; file: string; append: boolean };
    const fds: Record<number, Dest> = { 1: { to: 'stdout' }, 2: { to: 'stderr' } };
    for (const o of outputs) {
      if (o.fd !== 1 && o.fd !== 2) continue;
      if (o.dup !== undefined) {
        const src = fds[o.dup];
        if (src) fds[o.fd] = src;
        continue;
      }
      fds[o.fd] = { to: 'file', file: o.file!, append: o.append };
    }
    const result: Out = { stdout: '', stderr: '', code: res.code };
    const written = new Set<string>();
    const send = (dest: Dest, data: string) => {
      if (dest.to === 'stdout') result.stdout += data;
      else if (dest.to === 'stderr') result.stderr += data;
      else if (dest.file !== '/dev/null') {
        this.workspace.write(dest.file, data, dest.append || written.has(dest.file));
        written.add(dest.file);
      }
    };
    try {
      // files named in redirections are created (or emptied) even when nothing is written, as in bash
      for (const o of outputs) if (o.file && o.file !== '/dev/null' && !written.has(o.file)) send({ to: 'file', file: o.file, append: o.append }, '');
      send(fds[1]!, res.stdout);
      send(fds[2]!, res.stderr);
    } catch (e) {
      if (e instanceof WorkspaceError) {
        out.stderr += `iamlab: ${e.message}\n`;
        return { stdout: '', stderr: '', code: 1 };
      }
      throw e;
    }
    out.stderr += result.stderr;
    return result;
  }

  private async dispatch(words: string[], stdin: string | undefined, env: Record<string, string>, piped: boolean, stdinFromPipe = false): Promise<Out> {
    const [name, ...args] = words as [string, ...string[]];
    if (name === 'aws') return this.runAwsCommand(args, env);
    if (name === 'console') return this.wrap(runConsole(args, this, env));
    const reg = this.registered.get(name);
    if (reg) {
      const r = await reg.run(args, this);
      if (r.calls) this.calls.push(...r.calls);
      return { stdout: r.stdout, stderr: r.stderr, code: r.exitCode };
    }
    const b = BUILTINS[name];
    if (b) {
      const ctx: BuiltinContext = { session: this, env, piped, stdinFromPipe, ...(stdin !== undefined ? { stdin } : {}), interactiveEditor: this.opts.interactiveEditor === true };
      return this.wrap(b.run(args, ctx));
    }
    return { stdout: '', stderr: this.notFound(name, args), code: 127 };
  }

  private async wrap(p: Promise<CommandOutput>): Promise<Out> {
    try {
      const r = await p;
      if (r.calls) this.calls.push(...r.calls);
      return { stdout: r.stdout, stderr: r.stderr, code: r.exitCode };
    } catch (e) {
      if (e instanceof WorkspaceError) return { stdout: '', stderr: `iamlab: ${e.message}\n`, code: 1 };
      throw e;
    }
  }

  private notFound(name: string, args: string[]): string {
    if (name === '$' || name === '%' || name === '>') {
      return `iamlab: '${name}' is the prompt of the tutorial you copied from; leave it out and type: ${args.join(' ')}\n`;
    }
    if (name === 'sudo') return `iamlab: no sudo here (and none is needed): type the command without it.\n`;
    // awssts → aws sts (a lost space); awss is closer to aws itself
    if (/^aws\S/.test(name) && CLI_COMMANDS.includes(name.slice(3))) return `iamlab: ${name}: command not found. Did you mean: aws ${name.slice(3)}?\n`;
    const close = getCloseMatches(name, this.commandNames(), 3, 0.6);
    return `iamlab: ${name}: command not found${close.length ? `. Did you mean: ${close.join(', ')}?` : ''}\nType 'help' for the commands of this shell.\n`;
  }

  /** The host object `aws` runs against, with the environment of this command. */
  awsHost(env: Record<string, string>): AwsHost {
    const self = this;
    const host: AwsHost = {
      state: this.state,
      env,
      backend: this.backend,
      workspace: this.workspace,
      columns: this.opts.columns ?? 80,
      color: this.opts.color ?? false,
      defaultRegion: this.defaultRegion,
      now: () => self.now(),
      call: (req) => self.call(req),
    };
    if (this.world) host.world = this.world;
    if (this.promptFn) host.prompt = this.promptFn;
    return host;
  }

  private async runAwsCommand(args: string[], env: Record<string, string>): Promise<Out> {
    this.workspace.ensure();
    const r = await runAws(args, this.awsHost(env));
    return { stdout: r.stdout, stderr: r.stderr, code: r.code };
  }

  /** Credentials of the CLI identity (for console defaults), or undefined. */
  async cliCredentials(env: Record<string, string>): Promise<Credentials | undefined> {
    try {
      const host = this.awsHost(env);
      const profile = effectiveProfile(env).name;
      return (await resolveCredentials(host, undefined, host.state.config[profile]?.region)).credentials;
    } catch (e) {
      if (e instanceof CliError) return undefined;
      throw e;
    }
  }

  /** NAME=value as bash assigns it: an exported variable stays exported, others are shell variables. */
  setVar(name: string, value: string): void {
    if (name in this.state.env) this.state.env[name] = value;
    else (this.state.vars ??= {})[name] = value;
  }

  /** Asks the person at the terminal (read -p, prompts); undefined when nobody can answer. */
  async ask(question: string, secret = false): Promise<string | undefined> {
    return this.promptFn ? this.promptFn(question, { secret }) : undefined;
  }

  /** Runs text as part of the current command (eval): same variables, no history entry. */
  async evaluate(text: string): Promise<{ stdout: string; stderr: string; code: number }> {
    const sub: Out = { stdout: '', stderr: '', code: 0 };
    let script: AndOr[];
    try {
      script = parseScript(text);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError) && !(e instanceof Incomplete)) throw e;
      return { stdout: '', stderr: `iamlab: eval: ${e instanceof Incomplete ? `unexpected end of input: ${e.message}` : e.message}\n`, code: 2 };
    }
    await this.execScript(script, sub);
    return sub;
  }

  get lastExitStatus(): number {
    return this.lastStatus;
  }

  isName(s: string): boolean {
    return isName(s);
  }
}
