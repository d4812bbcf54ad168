// Authentication and protocol errors, worded and shaped per service as AWS answers them
// (iam-sts-reference.md §1.11, §9.3; wire-protocols.md §2.3, §2.5).

export type WireService = 'sts' | 'iam' | 'ec2' | 's3' | 'account' | 'cloudtrail';

/** The services whose errors travel as JSON (REST-JSON Account API, awsJson1_1 CloudTrail): their own codes for auth problems. */
export function isJsonWire(svc: WireService): svc is 'account' | 'cloudtrail' {
  return svc === 'account' || svc === 'cloudtrail';
}

export interface WireError {
  code: string;
  message: string;
  status: number;
  type: 'Sender' | 'Receiver';
  /** S3 only: extra child elements of <Error>. */
  extra?: Record<string, string>;
}

const e = (code: string, message: string, status: number, extra?: Record<string, string>, type: 'Sender' | 'Receiver' = 'Sender'): WireError => ({
  code,
  message,
  status,
  type,
  ...(extra ? { extra } : {}),
});

export const SIGNATURE_MISMATCH_QUERY =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const SIGNATURE_MISMATCH_S3 = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const EC2_AUTH_FAILURE = 'AWS was not able to validate the provided access credentials';

export function unknownKeyError(svc: WireService, accessKeyId: string): WireError {
  switch (svc) {
    case 'account':
    case 'cloudtrail':
      return e('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
    case 's3':
      return e('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403, { AWSAccessKeyId: accessKeyId });
    case 'ec2':
      return e('AuthFailure', EC2_AUTH_FAILURE, 401);
    default:
      return e('InvalidClientTokenId', 'The security token included in the request is invalid', 403);
  }
}

export function invalidTokenError(svc: WireService): WireError {
  switch (svc) {
    case 'account':
    case 'cloudtrail':
      return e('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
    case 's3':
      return e('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
    case 'ec2':
      return e('AuthFailure', EC2_AUTH_FAILURE, 401);
    default:
      return e('InvalidClientTokenId', 'The security token included in the request is invalid', 403);
  }
}

export function expiredTokenError(svc: WireService): WireError {
  switch (svc) {
    case 'account':
    case 'cloudtrail':
      return e('ExpiredTokenException', 'The security token included in the request is expired', 403);
    case 's3':
      return e('ExpiredToken', 'The provided token has expired.', 400);
    case 'ec2':
      return e('RequestExpired', 'Request has expired.', 400);
    default:
      return e('ExpiredToken', 'The security token included in the request is expired', 403);
  }
}

export function signatureMismatchError(svc: WireService, detail?: { accessKeyId: string; stringToSign: string; signatureProvided: string; canonicalRequest: string }): WireError {
  switch (svc) {
    case 's3':
      return e(
        'SignatureDoesNotMatch',
        SIGNATURE_MISMATCH_S3,
        403,
        detail
          ? {
              AWSAccessKeyId: detail.accessKeyId,
              StringToSign: detail.stringToSign,
              SignatureProvided: detail.signatureProvided,
              CanonicalRequest: detail.canonicalRequest,
            }
          : undefined,
      );
    case 'account':
    case 'cloudtrail':
      return e('InvalidSignatureException', SIGNATURE_MISMATCH_QUERY, 403);
    default:
      // EC2 answers a bad signature like STS, in its own envelope (aws/aws-cli#135).
      return e('SignatureDoesNotMatch', SIGNATURE_MISMATCH_QUERY, 403);
  }
}

export function skewError(svc: WireService, queryMessage: string, requestTime: string, serverTime: Date): WireError {
  switch (svc) {
    case 's3':
      return e('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403, {
        RequestTime: requestTime,
        ServerTime: serverTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        MaxAllowedSkewMilliseconds: '900000',
      });
    case 'ec2':
      return e('RequestExpired', 'Request has expired.', 400);
    case 'account':
    case 'cloudtrail':
      return e('InvalidSignatureException', queryMessage, 403);
    default:
      return e('SignatureDoesNotMatch', queryMessage, 403);
  }
}

export function presignExpiredError(svc: WireService, expires: number, expiredAt: Date, now: Date, queryMessage: string): WireError {
  if (svc === 's3') {
    return e('AccessDenied', 'Request has expired', 403, {
      'X-Amz-Expires': String(expires),
      Expires: expiredAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ServerTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  }
  if (svc === 'ec2') return e('RequestExpired', 'Request has expired.', 400);
  return e('SignatureDoesNotMatch', queryMessage, 403);
}

export function missingAuthError(svc: WireService): WireError {
  if (svc === 'ec2') return e('AuthFailure', EC2_AUTH_FAILURE, 401);
  if (isJsonWire(svc)) return e('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  return e('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
}

export function malformedAuthError(svc: WireService, problem: string, kind: 'malformed' | 'algorithm', presigned: boolean): WireError {
  if (svc === 's3') {
    if (kind === 'algorithm') return e('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.', 400);
    if (presigned) return e('AuthorizationQueryParametersError', problem, 400);
    return e('AuthorizationHeaderMalformed', `The authorization header is malformed; ${problem}`, 400);
  }
  return e(isJsonWire(svc) ? 'IncompleteSignatureException' : 'IncompleteSignature', problem, 400);
}

export function payloadHashMismatchError(svc: WireService, clientHash: string, computed: string): WireError {
  if (svc === 's3') {
    return e('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, {
      ClientComputedContentSHA256: clientHash,
      S3ComputedContentSHA256: computed,
    });
  }
  return signatureMismatchError(svc);
}

export function bodyTooLargeError(svc: WireService, limit: number, proposed?: number): WireError {
  if (svc === 's3') {
    return e('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      ...(proposed !== undefined ? { ProposedSize: String(proposed) } : {}),
      MaxSizeAllowed: String(limit),
    });
  }
  return e(isJsonWire(svc) ? 'RequestEntityTooLargeException' : 'RequestEntityTooLarge', `Request body is larger than the ${limit} bytes this endpoint accepts.`, 413);
}
