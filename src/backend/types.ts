// The one call interface every part of iamlab speaks.
//
// The shell turns `aws iam create-role --role-name X …` into a CallRequest whose `input`
// uses the AWS API's own member names (RoleName, AssumeRolePolicyDocument, …) and values
// (numbers as numbers, lists as arrays, structures as objects, blobs as Uint8Array).
// A Backend answers it: the simulated account (src/sim) in-process, the real AWS account
// through the SDK v3 (src/real), and `iamlab serve` (src/serve) decodes the wire protocol
// into the same CallRequest before handing it to the simulated account.
// Outputs use the API reference's field names, in the API's member order, with dates as
// JS Date objects (formatters and serializers decide how to print them).

import type { Explanation } from '../policy/types.js';

export type ServiceName = 'iam' | 'sts' | 's3' | 'ec2' | 'account';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface CallRequest {
  service: ServiceName;
  /** API operation name, PascalCase as in the API reference: AssumeRole, ListBuckets. */
  operation: string;
  input: Record<string, unknown>;
  /** Who is calling. Absent = an unsigned request (only a few STS calls allow it). */
  credentials?: Credentials;
  /** Region of the call (the SigV4 scope's region, or the shell's region). Default us-east-1. */
  region?: string;
  /** Environment of the request, for aws:SourceIp, aws:SecureTransport, aws:UserAgent. */
  sourceIp?: string;
  secureTransport?: boolean;
  userAgent?: string;
  /**
   * True when the caller already proved possession of the secret (serve verified SigV4).
   * When false/absent the simulated account compares credentials.secretAccessKey itself
   * and answers SignatureDoesNotMatch on a mismatch.
   */
  signatureVerified?: boolean;
  /** Where the call came from, recorded in the audit log: 'shell', 'console', 'serve', 'check'. */
  via?: 'shell' | 'console' | 'serve' | 'check' | 'api';
}

export interface AwsError {
  /** AWS error code, e.g. AccessDenied, NoSuchEntity, ValidationError, InvalidClientTokenId. */
  code: string;
  /** AWS's message text, exactly as the service words it. */
  message: string;
  /** HTTP status AWS answers with. */
  status: number;
  /** Query-protocol <Type>: Sender (client fault) or Receiver. */
  type: 'Sender' | 'Receiver';
  /** For MalformedPolicyDocument raised by our JSON reader: where in the document (1-based). */
  position?: { line: number; column: number };
}

export type CallResult =
  | { ok: true; output: Record<string, unknown>; requestId: string; explanation?: Explanation }
  | { ok: false; error: AwsError; requestId: string; explanation?: Explanation };

/** Anything that can answer AWS calls. The simulated account answers synchronously. */
export interface Backend {
  readonly kind: 'sim' | 'real';
  call(req: CallRequest): Promise<CallResult>;
}
