// The text `iamlab serve` (and the app's endpoint panel) shows: what a learner pastes into
// another terminal, or into ~/.aws/config and ~/.aws/credentials, to use the endpoint.
import type { Credentials } from '../backend/types.js';

/** What a learner pastes into another terminal (and the ~/.aws/config profile equivalent). */
export function pasteBlock(opts: { url: string; region: string; credentials?: Credentials; who?: string; profile?: string }): string {
  const { url, region, credentials: c } = opts;
  const profile = opts.profile ?? 'iamlab';
  const lines = [
    `# in another terminal (bash/zsh):`,
    `export AWS_ENDPOINT_URL=${url}`,
    `export AWS_REGION=${region}`,
    `export AWS_DEFAULT_REGION=${region}`,
  ];
  if (c) {
    lines.push(
      `export AWS_ACCESS_KEY_ID=${c.accessKeyId}${opts.who ? `      # ${opts.who} (simulated key)` : ''}`,
      `export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`,
    );
    if (c.sessionToken) lines.push(`export AWS_SESSION_TOKEN=${c.sessionToken}`);
    else lines.push('unset AWS_SESSION_TOKEN AWS_PROFILE');
  }
  lines.push(
    '',
    `# or a profile: add to ~/.aws/config, then use --profile ${profile} (or AWS_PROFILE=${profile})`,
    `[profile ${profile}]`,
    `endpoint_url = ${url}`,
    `region = ${region}`,
    `s3 =`,
    `    addressing_style = path`,
    `    signature_version = s3v4`,
  );
  if (c) {
    lines.push('', `# and to ~/.aws/credentials:`, `[${profile}]`, `aws_access_key_id = ${c.accessKeyId}`, `aws_secret_access_key = ${c.secretAccessKey}`);
    if (c.sessionToken) lines.push(`aws_session_token = ${c.sessionToken}`);
  }
  return lines.join('\n');
}

/** The identity the lab's shell starts as: exported variables first, then the active profile's keys. */
export function learnerCredentials(state: { env: Record<string, string>; credentials: Record<string, Record<string, string>> }): Credentials | undefined {
  const env = state.env ?? {};
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  }
  const profile = env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? 'default';
  const p = state.credentials?.[profile];
  if (p?.aws_access_key_id && p.aws_secret_access_key) {
    return { accessKeyId: p.aws_access_key_id, secretAccessKey: p.aws_secret_access_key, ...(p.aws_session_token ? { sessionToken: p.aws_session_token } : {}) };
  }
  return undefined;
}

export function regionOf(state: { env: Record<string, string>; config: Record<string, Record<string, string>> }): string {
  const env = state.env ?? {};
  const profile = env.AWS_PROFILE ?? 'default';
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? state.config?.[profile]?.region ?? state.config?.[`profile ${profile}`]?.region ?? 'us-east-1';
}
