// SDK errors → AwsError.
//
// Errors AWS answered keep AWS's code, message and HTTP status exactly (a learner must see the real
// text). Failures that never reached AWS — no credentials, no network, a timeout, no region — are
// client-side, as the AWS CLI's own errors are: they carry `status: 0` and a message written for
// the learner that says what failed and where. Every real-mode error also carries an optional
// `hint` (an iamlab note shown under AWS's text; the AWS text itself is never altered), the number
// of attempts made and the endpoint called.
import type { AwsError, ServiceName } from '../backend/types.js';
import { networkCode } from './retry.js';

export interface RealAwsError extends AwsError {
  /** iamlab's note for the learner, shown after AWS's message (never part of it). */
  hint?: string;
  /** Attempts the SDK made (retries included). */
  attempts?: number;
  /** The endpoint URL the call went to, when known. */
  endpoint?: string;
}

/** Codes of client-side failures (status 0), named like the AWS CLI's own exceptions. */
export const CLIENT_CODES = {
  noCredentials: 'NoCredentialsError',
  credentialRetrieval: 'CredentialRetrievalError',
  ssoExpired: 'SSOTokenLoadError',
  mfaRequired: 'MFACodeRequired',
  connection: 'EndpointConnectionError',
  timeout: 'ConnectTimeoutError',
  noRegion: 'NoRegionError',
  badResponse: 'UnexpectedResponseError',
  unsupported: 'UnsupportedOperation',
  declined: 'WriteNotConfirmed',
  client: 'ClientError',
} as const;

export const THROTTLING_CODES = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException',
  'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'EC2ThrottledException', 'BandwidthLimitExceeded',
  'PriorRequestNotComplete', 'ProvisionedThroughputExceededException',
]);

/** Name of the error our middleware raises when a 2xx answer is an HTML page, not an AWS response. */
export const NOT_AWS = 'IamlabNotAnAwsResponse';

export interface ErrorContext {
  service: ServiceName | 'cloudtrail';
  operation: string;
  /** Profile whose chain supplied the credentials, when the chain did. */
  profile?: string;
  /** Credentials came from the shell's exported variables/profile values (not the chain). */
  explicitCredentials?: boolean;
  /** Best knowledge of the URL called. */
  endpoint?: string;
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  Code?: string;
  Type?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
  $response?: { statusCode?: number };
}

export function client(code: string, message: string, extra: Partial<RealAwsError> = {}): RealAwsError {
  return { code, message, status: 0, type: 'Sender', ...extra };
}

/** Maps anything an SDK call threw to an AwsError (never throws). */
export function toAwsError(err: unknown, ctx: ErrorContext): RealAwsError {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SdkErrorLike;
  const attempts = e.$metadata?.attempts;
  const endpoint = ctx.endpoint;
  const status = e.$metadata?.httpStatusCode;

  // 1. AWS answered (an error body the SDK could not read at all is name "Unknown" with no Code).
  const unreadable = !e.Code && (e.name === 'Unknown' || e.name === 'UnknownError' || e.name === NOT_AWS);
  if (typeof status === 'number' && status > 0 && (e.$fault || e.Code) && !unreadable) {
    const code = e.Code ?? e.name ?? 'UnknownError';
    const type: 'Sender' | 'Receiver' = e.Type === 'Receiver' ? 'Receiver' : e.Type === 'Sender' ? 'Sender' : e.$fault === 'server' ? 'Receiver' : 'Sender';
    const out: RealAwsError = { code, message: e.message ?? '', status, type, attempts, endpoint };
    const hint = serviceHint(out, ctx, attempts);
    if (hint) out.hint = hint;
    return out;
  }

  const name = e.name ?? '';
  const msg = e.message ?? String(err);

  // 2. Credentials could not be found or loaded.
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError' || /SSO session|sso login/i.test(msg)) {
    return credentialsError(msg, ctx);
  }

  // 3. The network.
  const net = networkCode(err);
  if (net) {
    const why: Record<string, string> = {
      ECONNREFUSED: 'connection refused — nothing is listening there',
      ENOTFOUND: 'the host name does not resolve — no network, or a typo in the endpoint',
      EAI_AGAIN: 'the host name could not be resolved right now — is the network up?',
      EHOSTUNREACH: 'the host is unreachable — no route to it',
      ENETUNREACH: 'the network is unreachable — are you offline?',
      ECONNRESET: 'the connection was reset',
      EPIPE: 'the connection was closed while sending',
    };
    return client(CLIENT_CODES.connection, `Could not connect to the endpoint URL: "${endpoint ?? 'unknown'}" (${why[net] ?? net}).`, {
      attempts,
      endpoint,
      hint: endpointHint(ctx),
    });
  }
  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT' || /timed? ?out/i.test(msg)) {
    return client(CLIENT_CODES.timeout, `Timed out talking to the endpoint URL: "${endpoint ?? 'unknown'}" (${msg}).`, {
      attempts,
      endpoint,
      hint: endpointHint(ctx, true),
    });
  }

  // 4. No region.
  if (/Region is missing/i.test(msg)) {
    return client(CLIENT_CODES.noRegion, 'You must specify a region. Pass --region, export AWS_REGION, or set region in your profile (aws configure).');
  }

  // 5. An HTTP answer that is not an AWS response (a proxy page, a wrong port …).
  if (typeof status === 'number' && status > 0) {
    return client(CLIENT_CODES.badResponse, `The endpoint "${endpoint ?? 'unknown'}" answered HTTP ${status} with something that is not an AWS ${ctx.service} response${unreadable ? '' : ` (${msg})`}.`, {
      attempts,
      endpoint,
      hint: endpointHint(ctx, true),
    });
  }
  if (/Deserialization error|char '.' is not expected|Unexpected end|XML|not expected|Invalid character/i.test(msg)) {
    return client(CLIENT_CODES.badResponse, `The endpoint "${endpoint ?? 'unknown'}" answered something that is not an AWS ${ctx.service} response (${msg}).`, {
      attempts,
      endpoint,
    });
  }
  return client(CLIENT_CODES.client, msg || name || 'unknown error', { attempts, endpoint });
}

function credentialsError(msg: string, ctx: ErrorContext): RealAwsError {
  const p = ctx.profile ?? 'default';
  if (/sso/i.test(msg) && /expired|invalid|refresh|token/i.test(msg)) {
    return client(CLIENT_CODES.ssoExpired, `The SSO session for profile "${p}" has expired or is not signed in: ${firstLine(msg)}`, {
      hint: `Run: aws sso login --profile ${p}   (in your own terminal), then try again.`,
    });
  }
  if (/mfa/i.test(msg) && /code|token/i.test(msg)) {
    return client(CLIENT_CODES.mfaRequired, `Profile "${p}" needs an MFA code and none was given: ${firstLine(msg)}`);
  }
  if (/Could not load credentials from any providers|could not be found|Unable to find|not found or parsed|No credentials/i.test(msg) || msg === '') {
    return client(CLIENT_CODES.noCredentials, `No AWS credentials found for profile "${p}" — run aws configure (or aws sso login --profile ${p}), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`, {
      hint: `iamlab looked in the environment, ${'~/.aws/credentials'} and ~/.aws/config (profile ${p}), SSO, and container/instance metadata. Detail: ${firstLine(msg)}`,
    });
  }
  return client(CLIENT_CODES.credentialRetrieval, `Could not get credentials for profile "${p}": ${firstLine(msg)}`);
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? s).trim();
}

function endpointHint(ctx: ErrorContext, reached = false): string {
  const custom = ctx.endpoint && !/amazonaws\.com(\.cn)?\//.test(ctx.endpoint);
  const where = custom
    ? `that AWS_ENDPOINT_URL${ctx.service !== 'account' ? `/AWS_ENDPOINT_URL_${ctx.service.toUpperCase()}` : ''} (${ctx.endpoint}) points at a running AWS-compatible endpoint`
    : 'your network connection (a proxy or captive portal can answer in AWS\'s place)';
  return `Check ${where}. ${reached ? 'If this was a change, look whether it happened before running it again.' : 'The request never reached AWS: nothing was changed.'}`;
}

function serviceHint(e: RealAwsError, ctx: ErrorContext, attempts: number | undefined): string | undefined {
  const who = ctx.explicitCredentials ? 'the exported AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN' : `the credentials of profile "${ctx.profile ?? 'default'}"`;
  switch (e.code) {
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'RequestExpired':
      return `These session credentials have expired (${who}). They cannot be renewed in place: get new ones (aws sts assume-role … and export them again${ctx.explicitCredentials ? ', or unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN to go back to your profile' : `, or aws sso login --profile ${ctx.profile ?? 'default'}`}).`;
    case 'InvalidClientTokenId':
    case 'InvalidAccessKeyId':
    case 'UnrecognizedClientException':
      return `AWS does not recognise the access key in ${who}. Check it for typos; a temporary key (ASIA…) also needs its AWS_SESSION_TOKEN, and a deleted or deactivated key stops working at once.`;
    case 'AuthFailure':
      return `AWS could not authenticate ${who}: the key is unknown, the secret does not match, or the session token is missing.`;
    case 'SignatureDoesNotMatch':
      return `The secret access key does not belong to this access key id (${who}), or this computer's clock is more than 15 minutes off.`;
  }
  if (THROTTLING_CODES.has(e.code) || e.status === 429) {
    return `AWS kept throttling this request${attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'} with backoff` : ''}. Wait a minute and run it again. Nothing was marked as done.`;
  }
  return undefined;
}
