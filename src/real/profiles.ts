// Read-only access to the learner's real ~/.aws/config and ~/.aws/credentials.
// iamlab never writes these files (nor any other file) with credentials in them.
//
// The format is the AWS CLI's INI dialect: `[default]` / `[profile NAME]` / `[sso-session NAME]` /
// `[services NAME]` sections in config, `[NAME]` in credentials, `#` and `;` comments, and
// indented sub-keys under a key with an empty value (`s3 =\n  addressing_style = path`), which
// are kept as "parent.child" keys.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Ini = Record<string, Record<string, string>>;

export interface RealProfiles {
  /** config-file profiles, keyed by profile name ("default", "dev"), values as written. */
  config: Ini;
  /** credentials-file profiles, keyed by profile name. Holds secrets: keep in memory only. */
  credentials: Ini;
  /** sso-session sections, keyed by session name. */
  ssoSessions: Ini;
  /** Files read (for messages). A file that does not exist is simply absent. */
  configFile: string;
  credentialsFile: string;
}

/** Parses an AWS INI file. `kind` decides how section headers map to profile names. */
export function parseAwsIni(text: string, kind: 'config' | 'credentials'): { profiles: Ini; ssoSessions: Ini; services: Ini } {
  const profiles: Ini = {};
  const ssoSessions: Ini = {};
  const services: Ini = {};
  let current: Record<string, string> | undefined;
  let parentKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*([#;].*)?$/.exec(raw);
    if (header) {
      const name = header[1]!;
      parentKey = undefined;
      let m: RegExpExecArray | null;
      if (kind === 'credentials') {
        current = profiles[name] ??= {};
      } else if (name === 'default') {
        current = profiles.default ??= {};
      } else if ((m = /^profile\s+(.+)$/.exec(name))) {
        current = profiles[m[1]!.trim()] ??= {};
      } else if ((m = /^sso-session\s+(.+)$/.exec(name))) {
        current = ssoSessions[m[1]!.trim()] ??= {};
      } else if ((m = /^services\s+(.+)$/.exec(name))) {
        current = services[m[1]!.trim()] ??= {};
      } else {
        current = undefined; // unknown section kind: ignored, as the CLI does
      }
      continue;
    }
    if (!current) continue;
    const indented = /^\s+/.test(raw);
    const kv = /^\s*([^=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!kv) continue;
    const key = kv[1]!.toLowerCase();
    const value = kv[2]!;
    if (indented && parentKey !== undefined) {
      current[`${parentKey}.${key}`] = value;
      continue;
    }
    current[key] = value;
    parentKey = value === '' ? key : undefined;
  }
  return { profiles, ssoSessions, services };
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

function expandHome(p: string, env: Record<string, string | undefined>): string {
  if (p === '~' || p.startsWith('~/')) return join(env.HOME ?? homedir(), p.slice(1));
  return p;
}

export function awsConfigFile(env: Record<string, string | undefined> = process.env): string {
  return expandHome(env.AWS_CONFIG_FILE || '~/.aws/config', env);
}
export function awsCredentialsFile(env: Record<string, string | undefined> = process.env): string {
  return expandHome(env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials', env);
}

/** Reads the real AWS config and credentials files (honouring AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). */
export function loadRealProfiles(env: Record<string, string | undefined> = process.env): RealProfiles {
  const configFile = awsConfigFile(env);
  const credentialsFile = awsCredentialsFile(env);
  const cfg = parseAwsIni(readIfExists(configFile) ?? '', 'config');
  const creds = parseAwsIni(readIfExists(credentialsFile) ?? '', 'credentials');
  return { config: cfg.profiles, credentials: creds.profiles, ssoSessions: cfg.ssoSessions, configFile, credentialsFile };
}

/** The profile the standard chain would use: explicit, else AWS_PROFILE, else "default". */
export function profileName(explicit: string | undefined, env: Record<string, string | undefined> = process.env): string {
  return explicit || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
}

/** Region as the CLI resolves it: explicit, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`. */
export function resolveRegion(
  explicit: string | undefined,
  profile: string | undefined,
  env: Record<string, string | undefined> = process.env,
  profiles?: RealProfiles,
): string | undefined {
  if (explicit) return explicit;
  if (env.AWS_REGION) return env.AWS_REGION;
  if (env.AWS_DEFAULT_REGION) return env.AWS_DEFAULT_REGION;
  const p = profiles ?? loadRealProfiles(env);
  return p.config[profileName(profile, env)]?.region || undefined;
}

/** How a profile gets its credentials, for messages ("sso", "role_arn via dev", "static keys"). */
export function describeProfileSource(name: string, p: RealProfiles): string | undefined {
  const c = p.config[name];
  const k = p.credentials[name];
  if (k?.aws_access_key_id) return 'static keys in the credentials file';
  if (c?.role_arn) return `role ${c.role_arn}${c.source_profile ? ` via profile ${c.source_profile}` : c.credential_source ? ` via ${c.credential_source}` : ''}`;
  if (c?.sso_session || c?.sso_start_url) return 'AWS IAM Identity Center (SSO)';
  if (c?.credential_process) return 'credential_process';
  if (c?.aws_access_key_id) return 'static keys in the config file';
  if (c?.web_identity_token_file) return 'web identity token file';
  return undefined;
}
