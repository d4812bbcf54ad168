// AWS error codes, statuses and texts the simulated account answers with
// (see shared/spec/iam-sts-reference.md §1.2, §1.10, §1.11, §2.4, §2.5, §5, §9).
import type { AwsError, ServiceName } from '../backend/types.js';

/** Thrown inside the simulated account; SimBackend turns it into a failed CallResult. */
export class SimError extends Error {
  readonly aws: AwsError;
  constructor(aws: AwsError) {
    super(aws.message);
    this.aws = aws;
  }
}

export function awsError(code: string, status: number, message: string, extra?: Partial<AwsError>): SimError {
  return new SimError({ code, status, message, type: status >= 500 ? 'Receiver' : 'Sender', ...extra });
}

// ---- IAM entity errors ----
export const noSuchEntity = (message: string) => awsError('NoSuchEntity', 404, message);
export const entityExists = (message: string) => awsError('EntityAlreadyExists', 409, message);
export const deleteConflict = (message: string) => awsError('DeleteConflict', 409, message);
export const limitExceeded = (message: string) => awsError('LimitExceeded', 409, message);
export const invalidInput = (message: string) => awsError('InvalidInput', 400, message);
export const malformedPolicy = (message: string, position?: { line: number; column: number }) =>
  awsError('MalformedPolicyDocument', 400, message, position ? { position } : {});
export const accessDenied = (message: string) => awsError('AccessDenied', 403, message);

// ---- authentication (§1.11, §9.3) ----
export type AuthFailure = 'unknown-key' | 'bad-token' | 'expired' | 'signature' | 'missing';

export function authError(service: ServiceName | 'cloudtrail', kind: AuthFailure): SimError {
  if (service === 's3') {
    switch (kind) {
      case 'unknown-key':
        return awsError('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.');
      case 'bad-token':
        return awsError('InvalidToken', 400, 'The provided token is malformed or otherwise invalid.');
      case 'expired':
        return awsError('ExpiredToken', 400, 'The provided token has expired.');
      case 'signature':
        return awsError('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
      case 'missing':
        return awsError('AccessDenied', 403, 'Access Denied');
    }
  }
  if (service === 'ec2') {
    switch (kind) {
      case 'unknown-key':
      case 'bad-token':
        return awsError('AuthFailure', 401, 'AWS was not able to validate the provided access credentials');
      case 'expired':
        // ⚠ unverified in the reference (§9.3): EC2 answers expired session tokens with RequestExpired.
        return awsError('RequestExpired', 400, 'Request has expired.');
      case 'signature':
        return awsError('SignatureDoesNotMatch', 403, STS_SIGNATURE_TEXT);
      case 'missing':
        return awsError('MissingAuthenticationToken', 401, 'Request is missing Authentication Token');
    }
  }
  if (service === 'account' || service === 'cloudtrail') {
    switch (kind) {
      case 'unknown-key':
      case 'bad-token':
        return awsError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
      case 'expired':
        return awsError('ExpiredTokenException', 403, 'The security token included in the request is expired');
      case 'signature':
        return awsError('InvalidSignatureException', 403, STS_SIGNATURE_TEXT);
      case 'missing':
        return awsError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
    }
  }
  switch (kind) {
    case 'unknown-key':
    case 'bad-token':
      return awsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid');
    case 'expired':
      return awsError('ExpiredToken', 403, 'The security token included in the request is expired');
    case 'signature':
      return awsError('SignatureDoesNotMatch', 403, STS_SIGNATURE_TEXT);
    case 'missing':
      return awsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
  }
}

const STS_SIGNATURE_TEXT =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

// ---- request validation (§1.2): "N validation error(s) detected: Value '…' at '…' failed to satisfy constraint: …" ----

export interface Constraint {
  min?: number;
  max?: number;
  /** Pattern as the API model prints it, and the RegExp that implements it (anchored). */
  pattern?: { text: string; re: RegExp };
  /** Numeric range. */
  minValue?: number;
  maxValue?: number;
  enumValues?: string[];
}

/** Collects constraint failures in request order; throw() raises the joined ValidationError. */
export class Validator {
  private problems: string[] = [];

  /** Member names are printed camelCase as AWS does (RoleSessionName → roleSessionName). */
  required(member: string, value: unknown): boolean {
    if (value === undefined || value === null) {
      this.problems.push(`Value null at '${camel(member)}' failed to satisfy constraint: Member must not be null`);
      return false;
    }
    return true;
  }

  string(member: string, value: unknown, c: Constraint, required = false): value is string {
    if (value === undefined || value === null) {
      if (required) this.required(member, value);
      return false;
    }
    const v = typeof value === 'string' ? value : String(value);
    // Fast path (every call runs this): no message is built unless a constraint fails.
    const badEnum = c.enumValues !== undefined && !c.enumValues.includes(v);
    const badPattern = c.pattern !== undefined && !c.pattern.re.test(v);
    let len = v.length;
    if ((c.min !== undefined || c.max !== undefined) && /[\uD800-\uDFFF]/.test(v)) len = [...v].length;
    const short = c.min !== undefined && len < c.min;
    const long = c.max !== undefined && len > c.max;
    if (badEnum || badPattern || short || long) {
      const at = `Value '${v}' at '${camel(member)}' failed to satisfy constraint: `;
      if (badEnum) this.problems.push(`${at}Member must satisfy enum value set: [${c.enumValues!.join(', ')}]`);
      if (badPattern) this.problems.push(`${at}Member must satisfy regular expression pattern: ${c.pattern!.text}`);
      if (short) this.problems.push(`${at}Member must have length greater than or equal to ${c.min}`);
      if (long) this.problems.push(`${at}Member must have length less than or equal to ${c.max}`);
    }
    return typeof value === 'string';
  }

  number(member: string, value: unknown, c: Constraint, required = false): boolean {
    if (value === undefined || value === null) {
      if (required) this.required(member, value);
      return false;
    }
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n) || !Number.isInteger(n)) {
      this.problems.push(`Value '${String(value)}' at '${camel(member)}' failed to satisfy constraint: Member must be an integer`);
      return false;
    }
    if (c.minValue !== undefined && n < c.minValue)
      this.problems.push(`Value '${String(value)}' at '${camel(member)}' failed to satisfy constraint: Member must have value greater than or equal to ${c.minValue}`);
    if (c.maxValue !== undefined && n > c.maxValue)
      this.problems.push(`Value '${String(value)}' at '${camel(member)}' failed to satisfy constraint: Member must have value less than or equal to ${c.maxValue}`);
    return true;
  }

  list(member: string, value: unknown, c: { max?: number; min?: number }): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problems.push(`Value '${String(value)}' at '${camel(member)}' failed to satisfy constraint: Member must be a list`);
      return [];
    }
    const at = () => `Value '[${value.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')}]' at '${camel(member)}' failed to satisfy constraint: `;
    if (c.max !== undefined && value.length > c.max) this.problems.push(`${at()}Member must have length less than or equal to ${c.max}`);
    if (c.min !== undefined && value.length < c.min) this.problems.push(`${at()}Member must have length greater than or equal to ${c.min}`);
    return value;
  }

  add(message: string): void {
    this.problems.push(message);
  }

  get count(): number {
    return this.problems.length;
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const n = this.problems.length;
    throw awsError('ValidationError', 400, `${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`);
  }
}

/** RoleSessionName → roleSessionName; Tags.1.Key → tags.1.member.key. */
export function camel(member: string): string {
  return member
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? `${p}.member` : p.charAt(0).toLowerCase() + p.slice(1)))
    .join('.');
}

/** Patterns exactly as the IAM/STS API models print them. */
export const P = {
  name: { text: '[\\w+=,.@-]+', re: /^[\w+=,.@-]+$/ },
  nameStar: { text: '[\\w+=,.@-]*', re: /^[\w+=,.@-]*$/ },
  path: { text: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)', re: /^(\/|\/[\u0021-\u007E]+\/)$/ },
  policyPath: { text: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/', re: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/ },
  policyDocument: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ },
  anyText: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+', re: /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u },
  sessionPolicy: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ },
  externalId: { text: '[\\w+=,.@:\\/-]*', re: /^[\w+=,.@:/-]*$/ },
  serialNumber: { text: '[\\w+=/:,.@-]*', re: /^[\w+=/:,.@-]*$/ },
  iamSerialNumber: { text: '[\\w+=/:,.@-]+', re: /^[\w+=/:,.@-]+$/ },
  tokenCode: { text: '[\\d]*', re: /^\d*$/ },
  authCode: { text: '[\\d]+', re: /^\d+$/ },
  roleDescription: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*', re: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/ },
  tagKey: { text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+', re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u },
  tagValue: { text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u },
  accessKeyId: { text: '[\\w]+', re: /^\w+$/ },
  password: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ },
  accountAlias: { text: '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$', re: /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/ },
  versionId: { text: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?', re: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/ },
  marker: { text: '[\\u0020-\\u00FF]+', re: /^[\u0020-\u00FF]+$/ },
  federationName: { text: '[\\w+=,.@-]*', re: /^[\w+=,.@-]*$/ },
  encodedMessage: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+', re: /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u },
} as const;
