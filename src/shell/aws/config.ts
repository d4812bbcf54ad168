// Who an `aws` command runs as, resolved as the AWS CLI v2 (botocore) resolves it:
//   --profile given:  that profile only (environment keys are ignored);
//   otherwise:        AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN], then the
//                     profile named by AWS_PROFILE (or 'default').
// A profile with role_arn + source_profile assumes the role itself (AssumeRole with the source
// profile's credentials, session name role_session_name or botocore-session-<epoch>, optional
// external_id, duration_seconds, mfa_serial with a prompt) and caches the result until 15
// minutes before it expires, as the CLI's ~/.aws/cli/cache does. Region: --region, AWS_REGION,
// AWS_DEFAULT_REGION, the profile's region.
// The files are the shell's own (ShellState.config/credentials), never the user's ~/.aws.

import type { CallRequest, CallResult, Credentials } from '../../backend/types.js';
import type { PromptFn, ShellState } from '../types.js';
import { CliError, clientError, generalError } from './errors.js';

export type CredentialMethod = 'env' | 'shared-credentials-file' | 'config-file' | 'assume-role';

export interface Resolved {
  credentials: Credentials;
  method: CredentialMethod;
  /** the profile the credentials came from (undefined for env) */
  profile?: string;
}

export interface ConfigHost {
  state: ShellState;
  env: Record<string, string>;
  now(): Date;
  prompt?: PromptFn;
  /** makes an STS call (recorded like any other call) */
  call(req: CallRequest): Promise<CallResult>;
  defaultRegion: string;
}

export function profileExists(state: ShellState, name: string): boolean {
  return name in state.config || name in state.credentials;
}

/** A profile's setting: config file first, credentials file for the key settings. */
export function profileValue(state: ShellState, profile: string, key: string): string | undefined {
  if (key === 'aws_access_key_id' || key === 'aws_secret_access_key' || key === 'aws_session_token') {
    return state.credentials[profile]?.[key] ?? state.config[profile]?.[key];
  }
  return state.config[profile]?.[key];
}

export function profileNames(state: ShellState): string[] {
  const names = new Set([...Object.keys(state.credentials), ...Object.keys(state.config)]);
  return [...names];
}

/** The profile in effect: --profile, else AWS_PROFILE / AWS_DEFAULT_PROFILE, else default. */
export function effectiveProfile(env: Record<string, string>, explicit?: string): { name: string; source: 'manual' | 'env' | 'default' } {
  if (explicit !== undefined) return { name: explicit, source: 'manual' };
  const e = env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE;
  if (e !== undefined && e !== '') return { name: e, source: 'env' };
  return { name: 'default', source: 'default' };
}

export function resolveRegion(host: Pick<ConfigHost, 'state' | 'env'>, profile: string, explicit?: string): string | undefined {
  if (explicit) return explicit;
  const e = host.env.AWS_REGION || host.env.AWS_DEFAULT_REGION;
  if (e) return e;
  return host.state.config[profile]?.region;
}

export function resolveOutput(host: Pick<ConfigHost, 'state' | 'env'>, profile: string, explicit?: string): string {
  return explicit ?? (host.env.AWS_DEFAULT_OUTPUT || host.state.config[profile]?.output || 'json');
}

/** Environment credentials (botocore EnvProvider), or undefined when AWS_ACCESS_KEY_ID is not set. */
export function envCredentials(env: Record<string, string>): Credentials | undefined {
  const id = env.AWS_ACCESS_KEY_ID;
  if (!id) return undefined;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (!secret) throw generalError('Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY');
  const token = env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN;
  return token ? { accessKeyId: id, secretAccessKey: secret, sessionToken: token } : { accessKeyId: id, secretAccessKey: secret };
}

export function noCredentials(): CliError {
  return new CliError('NoCredentials', 'Unable to locate credentials. You can configure credentials by running "aws login".');
}

/** The credentials the next call uses, or throws the CLI's error; undefined only for --no-sign-request. */
export async function resolveCredentials(host: ConfigHost, explicitProfile: string | undefined, region: string | undefined): Promise<Resolved> {
  // A named profile must exist even when environment keys would be used (botocore reads the
  // profile's config first: AWS_PROFILE=typo aws … fails although AWS_ACCESS_KEY_ID is set).
  const { name } = effectiveProfile(host.env, explicitProfile);
  if (name !== 'default' && !profileExists(host.state, name)) throw generalError(`The config profile (${name}) could not be found`);
  if (explicitProfile === undefined) {
    const env = envCredentials(host.env);
    if (env) return { credentials: env, method: 'env' };
  }
  const r = await profileCredentials(host, name, [], region);
  if (!r) throw noCredentials();
  return r;
}

async function profileCredentials(host: ConfigHost, name: string, visited: string[], region: string | undefined): Promise<Resolved | undefined> {
  const st = host.state;
  const roleArn = profileValue(st, name, 'role_arn');
  if (roleArn) return assumeRoleProfile(host, name, roleArn, visited, region);
  return staticCredentials(st, name);
}

function staticCredentials(st: ShellState, name: string): Resolved | undefined {
  for (const [section, method] of [
    [st.credentials[name], 'shared-credentials-file'],
    [st.config[name], 'config-file'],
  ] as const) {
    if (!section) continue;
    const id = section.aws_access_key_id;
    if (id === undefined) continue;
    const secret = section.aws_secret_access_key;
    if (secret === undefined) throw generalError(`Partial credentials found in ${method}, missing: aws_secret_access_key`);
    const token = section.aws_session_token;
    return {
      credentials: token ? { accessKeyId: id, secretAccessKey: secret, sessionToken: token } : { accessKeyId: id, secretAccessKey: secret },
      method,
      profile: name,
    };
  }
  return undefined;
}

async function assumeRoleProfile(host: ConfigHost, name: string, roleArn: string, visited: string[], region: string | undefined): Promise<Resolved> {
  const st = host.state;
  const source = profileValue(st, name, 'source_profile');
  const credentialSource = profileValue(st, name, 'credential_source');
  if (source !== undefined && credentialSource !== undefined) {
    throw generalError(`The profile "${name}" contains both source_profile and credential_source.`);
  }
  if (source === undefined && credentialSource === undefined) {
    throw generalError('Partial credentials found in assume-role, missing: source_profile or credential_source');
  }
  let sourceCreds: Credentials;
  if (credentialSource !== undefined) {
    if (credentialSource !== 'Environment') {
      throw generalError(`The credential source "${credentialSource}" referenced in profile "${name}" is not valid.`);
    }
    const env = envCredentials(host.env);
    if (!env) throw generalError(`Error when retrieving credentials from Environment: No credentials found in credential_source referenced in profile ${name}`);
    sourceCreds = env;
  } else {
    const src = source!;
    if (!profileExists(st, src)) throw generalError(`The source_profile "${src}" referenced in the profile "${name}" does not exist.`);
    if (visited.includes(src) && src !== name) {
      throw generalError(`Infinite loop in credential configuration detected. Attempting to load from profile ${src} which has already been visited. Visited profiles: ${[...visited, name].join(', ')}`);
    }
    const r = src === name ? staticCredentials(st, src) : await profileCredentials(host, src, [...visited, name], region);
    if (!r) throw generalError(`The source profile "${src}" must have credentials.`);
    sourceCreds = r.credentials;
  }

  const sessionName = profileValue(st, name, 'role_session_name') ?? `botocore-session-${Math.floor(host.now().getTime() / 1000)}`;
  const externalId = profileValue(st, name, 'external_id');
  const mfaSerial = profileValue(st, name, 'mfa_serial');
  const durationRaw = profileValue(st, name, 'duration_seconds');
  const duration = durationRaw !== undefined && /^\s*[+-]?\d+\s*$/.test(durationRaw) ? Number(durationRaw) : undefined;

  // ~/.aws/cli/cache: keyed by the role request and the source credentials.
  const key = JSON.stringify({ roleArn, sessionName: profileValue(st, name, 'role_session_name') ?? null, externalId: externalId ?? null, mfaSerial: mfaSerial ?? null, duration: duration ?? null, source: sourceCreds.accessKeyId });
  const cache = (st.cliCache ??= {});
  const hit = cache[key];
  if (hit && new Date(hit.expiration).getTime() - host.now().getTime() > 15 * 60 * 1000) {
    return { credentials: hit.credentials, method: 'assume-role', profile: name };
  }

  const input: Record<string, unknown> = { RoleArn: roleArn, RoleSessionName: sessionName };
  if (externalId !== undefined) input.ExternalId = externalId;
  if (duration !== undefined) input.DurationSeconds = duration;
  if (mfaSerial !== undefined) {
    if (!host.prompt) {
      throw generalError(
        `Profile ${name} needs an MFA code (mfa_serial = ${mfaSerial}) and this shell cannot prompt for one here. ` +
          `Run it in the interactive shell; the current code is shown by: mfa-code ${mfaSerial}`,
      );
    }
    const code = await host.prompt(`Enter MFA code for ${mfaSerial}: `, { secret: false });
    if (code === undefined) throw generalError('EOF when reading a line');
    input.SerialNumber = mfaSerial;
    input.TokenCode = code.trim();
  }
  const req: CallRequest = {
    service: 'sts',
    operation: 'AssumeRole',
    input,
    credentials: sourceCreds,
    region: region ?? host.defaultRegion,
    via: 'shell',
  };
  const res = await host.call(req);
  if (!res.ok) throw clientError(res.error.code, res.error.message, 'AssumeRole');
  const c = res.output.Credentials as Record<string, unknown> | undefined;
  const aru = res.output.AssumedRoleUser as Record<string, unknown> | undefined;
  if (!c || typeof c.AccessKeyId !== 'string' || typeof c.SecretAccessKey !== 'string') {
    throw generalError('Error when retrieving credentials from assume-role: Missing required key in response');
  }
  const creds: Credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey };
  if (typeof c.SessionToken === 'string') creds.sessionToken = c.SessionToken;
  const exp = c.Expiration instanceof Date ? c.Expiration : new Date(String(c.Expiration));
  cache[key] = { credentials: creds, expiration: exp.toISOString(), assumedRoleArn: String(aru?.Arn ?? '') };
  return { credentials: creds, method: 'assume-role', profile: name };
}
