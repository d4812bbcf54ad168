// Tab completion: commands, aws services, operations, parameters, option values (profiles,
// output formats, regions), console actions and workspace files (also after file://).

import { CONFIGURE_COMMANDS, GLOBAL_OPTIONS, getService, MODELLED_SERVICES, S3_COMMANDS } from '../model/index.js';
import { profileNames } from './aws/config.js';
import type { ShellSession } from './session.js';

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'ap-south-1', 'ap-northeast-1', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1', 'ca-central-1'];
const CONSOLE_ACTIONS = ['sign-in', 'sign-out', 'switch-role', 'switch-back', 'whoami', 'open', 'switch-role-link', 'revoke-sessions', 'help'];

/** Splits the line into words; the last one is the (possibly empty) word being completed. */
function words(line: string): { words: string[]; start: number } {
  const out: string[] = [];
  let cur = '';
  let start = 0;
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      if (!inWord) start = i;
      inWord = true;
      quote = c;
      continue;
    }
    if (/\s/.test(c) || c === ';' || c === '|' || c === '&') {
      if (inWord) out.push(cur);
      if (c !== ' ' && c !== '\t') out.length = 0; // a new command starts
      cur = '';
      inWord = false;
      continue;
    }
    if (!inWord) start = i;
    inWord = true;
    cur += c;
  }
  if (!inWord) start = line.length;
  out.push(cur);
  return { words: out, start };
}

function pick(prefix: string, candidates: Iterable<string>): string[] {
  return [...new Set(candidates)].filter((c) => c.startsWith(prefix)).sort();
}

function files(session: ShellSession, prefix: string, lead = ''): string[] {
  const slash = prefix.lastIndexOf('/');
  const dir = slash >= 0 ? prefix.slice(0, slash + 1) : '';
  try {
    return session.workspace
      .list(dir || '.')
      .map((e) => `${lead}${dir}${e.name}${e.dir ? '/' : ''}`)
      .filter((n) => n.startsWith(lead + prefix))
      .sort();
  } catch {
    return [];
  }
}

export function complete(session: ShellSession, line: string): { replaceFrom: number; candidates: string[] } {
  const { words: ws, start } = words(line);
  const cur = ws[ws.length - 1] ?? '';
  const prev = ws.slice(0, -1);
  const done = (candidates: string[]) => ({ replaceFrom: start, candidates });
  if (prev.length === 0) return done(pick(cur, session.commandNames()));
  const cmd = prev[0]!;
  if (cur.startsWith('file://') || cur.startsWith('fileb://')) {
    const lead = cur.startsWith('file://') ? 'file://' : 'fileb://';
    return done(files(session, cur.slice(lead.length), lead));
  }
  if (cmd === 'console') {
    if (prev.length === 1) return done(pick(cur, CONSOLE_ACTIONS));
    if (prev[1] === 'open' && prev.length === 2) return done(pick(cur, ['s3', 'ec2', 'iam', 'account']));
    const last = prev[prev.length - 1];
    if (last === '--color') return done(pick(cur, ['red', 'blue', 'green', 'yellow', 'orange']));
    if (cur.startsWith('-')) {
      const opts: Record<string, string[]> = {
        'sign-in': ['--account', '--password', '--mfa-code'],
        'switch-role': ['--account', '--role-name', '--display-name', '--color'],
        'switch-role-link': ['--role-name', '--account', '--display-name'],
        'revoke-sessions': ['--role-name'],
      };
      return done(pick(cur, opts[prev[1] ?? ''] ?? []));
    }
    return done([]);
  }
  if (['cat', 'edit', 'rm', 'ls', 'touch'].includes(cmd)) return done(files(session, cur));
  if (cmd === 'help') return done(pick(cur, [...session.commandNames(), 'console']));
  if (cmd !== 'aws') return done(files(session, cur));

  // aws …
  const last = prev[prev.length - 1]!;
  const globalNames = GLOBAL_OPTIONS.map((g) => `--${g.name}`);
  if (last === '--profile') return done(pick(cur, profileNames(session.state)));
  if (last === '--output') return done(pick(cur, ['json', 'text', 'table', 'yaml', 'yaml-stream', 'off']));
  if (last === '--region') return done(pick(cur, REGIONS));
  if (last === '--color') return done(pick(cur, ['on', 'off', 'auto']));
  // positional words after aws, skipping options and their values
  const positional: string[] = [];
  for (let i = 1; i < prev.length; i++) {
    const w = prev[i]!;
    if (w.startsWith('--')) {
      const g = GLOBAL_OPTIONS.find((o) => `--${o.name}` === w);
      if (g && g.nargs === 'value') i++;
      continue;
    }
    positional.push(w);
  }
  if (positional.length === 0) {
    if (cur.startsWith('-')) return done(pick(cur, globalNames));
    return done(pick(cur, [...MODELLED_SERVICES, 's3', 'configure', 'help']));
  }
  const svcName = positional[0]!;
  if (svcName === 's3') {
    if (positional.length === 1 && !cur.startsWith('-')) return done(pick(cur, S3_COMMANDS.map((c) => c.name)));
    if (cur.startsWith('-')) return done(pick(cur, globalNames));
    return done(files(session, cur));
  }
  if (svcName === 'configure') {
    if (positional.length === 1 && !cur.startsWith('-')) return done(pick(cur, CONFIGURE_COMMANDS.map((c) => c.name)));
    if (positional[1] === 'set' || positional[1] === 'get') {
      if (positional.length === 2) return done(pick(cur, ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'region', 'output', 'role_arn', 'source_profile', 'role_session_name', 'external_id', 'mfa_serial', 'duration_seconds']));
    }
    return done(pick(cur, ['--profile']));
  }
  const svc = getService(svcName);
  if (!svc) return done([]);
  if (positional.length === 1) {
    if (cur.startsWith('-')) return done(pick(cur, globalNames));
    return done(pick(cur, [...svc.operations.keys(), 'help']));
  }
  const op = svc.operations.get(positional[1]!);
  if (!op) return done([]);
  const lastArg = op.args.get(last.replace(/^--/, ''));
  if (lastArg && lastArg.nargs !== 'flag' && !cur.startsWith('-')) {
    if (lastArg.shape?.enum) return done(pick(cur, lastArg.shape.enum));
    if (lastArg.choices) return done(pick(cur, lastArg.choices));
    return done(files(session, cur).length && cur ? files(session, cur) : []);
  }
  const used = new Set(prev.filter((w) => w.startsWith('--')));
  const opArgs = [...op.args.values()].filter((a) => !a.undocumented && !a.positional).map((a) => `--${a.name}`);
  return done(pick(cur, [...opArgs, ...globalNames]).filter((c) => !used.has(c)));
}
