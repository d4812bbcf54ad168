// `aws configure`, `aws configure set|get|list|list-profiles` on the shell's own ~/.aws
// (ShellState.config and .credentials), with the AWS CLI v2's prompts, scoping rules and
// `configure list` table (NAME : VALUE : TYPE : LOCATION).

import { CONFIGURE_COMMANDS } from '../../model/index.js';
import { parseArgs } from './argparse.js';
import type { AwsHost, CmdOutput, Globals } from './cli.js';
import { effectiveProfile, envCredentials, profileExists, profileNames, profileValue, resolveCredentials } from './config.js';
import { argParseError, CliError, generalError } from './errors.js';
import { invalidChoice, requiredMissing } from './argparse.js';

const CREDS_KEYS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);
const NOT_SET = '<not set>';

function mask(v: string | undefined): string {
  if (v === undefined) return 'None';
  return '*'.repeat(16) + v.slice(-4);
}

export async function runConfigure(words: string[], globals: Globals, host: AwsHost): Promise<CmdOutput> {
  const subcommands = CONFIGURE_COMMANDS.map((c) => c.name);
  const r = parseArgs(words, []);
  const sub = r.positionals[0];
  if (sub === undefined) {
    if (r.extras.length) throw new CliError('UnknownArgument', `Unknown options: ${r.extras.join(', ')}`);
    return interactive(globals, host);
  }
  const rest = words.filter((w, i) => i !== words.indexOf(sub));
  switch (sub) {
    case 'set':
      return set(rest, globals, host);
    case 'get':
      return get(rest, globals, host);
    case 'list':
      return list(rest, globals, host);
    case 'list-profiles':
      if (rest.length) throw new CliError('UnknownArgument', `Unknown options: ${rest.join(', ')}`);
      return { stdout: profileNames(host.state).map((n) => `${n}\n`).join(''), stderr: '', code: 0 };
    case 'help':
      return {
        stdout: `aws configure [--profile profile-name]\n\n${CONFIGURE_COMMANDS.map((c) => `  aws configure ${c.name} ${c.usage}\n      ${c.summary}`).join('\n')}\n`,
        stderr: '',
        code: 0,
      };
    default:
      if (['sso', 'sso-session', 'import', 'export-credentials', 'add-model', 'mfa-login'].includes(sub)) {
        return { stdout: '', stderr: `iamlab: \`aws configure ${sub}\` is not available in the simulated shell.\n`, code: 255 };
      }
      throw invalidChoice('subcommand', sub, [...subcommands, 'help']);
  }
}

async function interactive(globals: Globals, host: AwsHost): Promise<CmdOutput> {
  const profile = effectiveProfile(host.env, globals.profile).name;
  if (!host.prompt) {
    return {
      stdout: '',
      stderr:
        'iamlab: `aws configure` asks four questions, and this shell cannot ask them here.\n' +
        `Set the values one by one instead:\n  aws configure set aws_access_key_id AKIA...${profile !== 'default' ? ` --profile ${profile}` : ''}\n` +
        `  aws configure set aws_secret_access_key ...\n  aws configure set region us-east-1\n`,
      code: 255,
    };
  }
  const st = host.state;
  const questions: Array<[string, string, boolean]> = [
    ['aws_access_key_id', 'AWS Access Key ID', true],
    ['aws_secret_access_key', 'AWS Secret Access Key', true],
    ['region', 'Default region name', false],
    ['output', 'Default output format', false],
  ];
  for (const [key, label, secret] of questions) {
    const current = profileValue(st, profile, key);
    const shown = secret ? mask(current) : current ?? 'None';
    const answer = await host.prompt(`${label} [${shown}]: `);
    if (answer === undefined) return { stdout: '', stderr: '\n', code: 255 };
    const v = answer.trim();
    if (v === '') continue;
    writeValue(host, profile, key, v);
  }
  return { stdout: '', stderr: '', code: 0 };
}

function writeValue(host: AwsHost, profile: string, key: string, value: string): void {
  const file = CREDS_KEYS.has(key) ? host.state.credentials : host.state.config;
  (file[profile] ??= {})[key] = value;
}

function set(words: string[], globals: Globals, host: AwsHost): CmdOutput {
  const r = parseArgs(words, []);
  if (r.extras.length && r.positionals.length >= 2) throw new CliError('UnknownArgument', `Unknown options: ${r.extras.join(', ')}`);
  const [varname, value, ...more] = r.positionals;
  const missing = [varname === undefined ? 'varname' : '', value === undefined ? 'value' : ''].filter(Boolean);
  if (missing.length) throw requiredMissing(missing);
  if (more.length || r.extras.length) throw new CliError('UnknownArgument', `Unknown options: ${[...r.extras, ...more].join(', ')}`);
  let profile = 'default';
  let name = varname!;
  let v: string = value!;
  if (!name.includes('.')) {
    profile = effectiveProfile(host.env, globals.profile).source === 'default' ? 'default' : effectiveProfile(host.env, globals.profile).name;
  } else {
    const parts = name.split('.');
    if (parts[0] === 'default' || parts[0] === 'profile') {
      const remaining = parts[0] === 'default' ? parts.slice(1) : parts.slice(2);
      profile = parts[0] === 'default' ? 'default' : parts[1] ?? 'default';
      name = remaining[0] ?? '';
      if (remaining.length === 2) {
        // a nested value (s3.signature_version): stored flattened
        name = `${remaining[0]}.${remaining[1]}`;
      }
    } else {
      const ep = effectiveProfile(host.env, globals.profile);
      profile = ep.source === 'default' ? 'default' : ep.name;
      if (parts.length === 2) name = `${parts[0]}.${parts[1]}`;
    }
  }
  if (!name) throw argParseError('the following arguments are required: varname');
  writeValue(host, profile, name, v);
  v = '';
  return { stdout: '', stderr: '', code: 0 };
}

function get(words: string[], globals: Globals, host: AwsHost): CmdOutput {
  const r = parseArgs(words, []);
  const [varname, ...more] = r.positionals;
  if (varname === undefined) throw requiredMissing(['varname']);
  if (more.length || r.extras.length) throw new CliError('UnknownArgument', `Unknown options: ${[...r.extras, ...more].join(', ')}`);
  const st = host.state;
  let value: string | undefined;
  if (!varname.includes('.')) {
    const profile = effectiveProfile(host.env, globals.profile).name;
    if (profile !== 'default' && !profileExists(st, profile)) throw generalError(`The config profile (${profile}) could not be found`);
    value = profileValue(st, profile, varname);
  } else {
    const parts = varname.split('.');
    let profile: string;
    let rest: string[];
    if (parts[0] === 'profile') {
      profile = parts[1] ?? '';
      rest = parts.slice(2);
    } else if (parts[0] === 'default' || profileExists(st, parts[0]!)) {
      profile = parts[0]!;
      rest = parts.slice(1);
    } else {
      profile = effectiveProfile(host.env, globals.profile).name;
      rest = parts;
    }
    value = profileValue(st, profile, rest.join('.'));
  }
  if (value === undefined) return { stdout: '', stderr: '', code: 1 };
  return { stdout: `${value}\n`, stderr: '', code: 0 };
}

function row(name: string, value: string, type: string, location: string): string {
  return `${name.padEnd(10)} : ${value.padEnd(24)} : ${type.padEnd(16)} : ${location}\n`;
}

async function list(words: string[], globals: Globals, host: AwsHost): Promise<CmdOutput> {
  const r = parseArgs(words, []);
  if (r.positionals.length || r.extras.length) throw new CliError('UnknownArgument', `Unknown options: ${[...r.extras, ...r.positionals].join(', ')}`);
  const st = host.state;
  let out = row('NAME', 'VALUE', 'TYPE', 'LOCATION');
  const ep = effectiveProfile(host.env, globals.profile);
  if (ep.source === 'manual') out += row('profile', ep.name, 'manual', '--profile');
  else if (ep.source === 'env') out += row('profile', ep.name, 'env', "['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']");
  else out += row('profile', NOT_SET, 'None', 'None');

  // Credentials: as the CLI, the key pair that would be used (resolving role profiles).
  let access = row('access_key', NOT_SET, 'None', 'None');
  let secret = row('secret_key', NOT_SET, 'None', 'None');
  const envCreds = ep.source === 'manual' ? undefined : envCredentials(host.env);
  if (envCreds) {
    access = row('access_key', mask(envCreds.accessKeyId), 'env', '');
    secret = row('secret_key', mask(envCreds.secretAccessKey), 'env', '');
  } else if (ep.name === 'default' || profileExists(st, ep.name)) {
    try {
      const resolved = await resolveCredentials(host, globals.profile, undefined);
      access = row('access_key', mask(resolved.credentials.accessKeyId), resolved.method, '');
      secret = row('secret_key', mask(resolved.credentials.secretAccessKey), resolved.method, '');
    } catch (e) {
      if (!(e instanceof CliError) || e.kind !== 'NoCredentials') throw e;
    }
  } else {
    throw generalError(`The config profile (${ep.name}) could not be found`);
  }
  out += access + secret;
  const envRegion = host.env.AWS_REGION || host.env.AWS_DEFAULT_REGION;
  if (envRegion) out += row('region', envRegion, 'env', "['AWS_REGION', 'AWS_DEFAULT_REGION']");
  else if (st.config[ep.name]?.region) out += row('region', st.config[ep.name]!.region!, 'config-file', '~/.aws/config');
  // --region is not an env/config value: the CLI labels it as coming from IMDS.
  else if (globals.region) out += row('region', globals.region, 'imds', '');
  else out += row('region', NOT_SET, 'None', 'None');
  return { stdout: out, stderr: '', code: 0 };
}
