// SigV4 verification with the AWS SDK's own signer (@smithy/signature-v4): the server
// re-signs the request it received, with the secret it knows for the access key id, and
// compares signatures. Header auth, presigned URLs (query auth) and aws-chunked uploads
// with signed chunks / trailers are covered. Time checks use the real clock (injectable),
// never the simulated world's clock: SDK v3 re-syncs its clock from our Date header.
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, QueryParameterBag } from '@smithy/types';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const MAX_SKEW_MS = 15 * 60 * 1000;

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(d: SourceData): Buffer {
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return Buffer.from(d);
}

/** node:crypto behind the `Checksum` interface the signer expects (sha256, or HMAC-SHA256 when keyed). */
export class NodeSha256 {
  private readonly secret?: Buffer;
  private h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : toBuffer(secret);
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {
    this.h = this.fresh();
  }
}

/** The signer, keeping the canonical request and string to sign it built (for S3's SignatureDoesNotMatch body). */
class CapturingSigner extends SignatureV4 {
  canonicalRequest = '';
  stringToSign = '';
  protected override createCanonicalRequest(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
    this.canonicalRequest = super.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    return this.canonicalRequest;
  }
  protected override async createStringToSign(longDate: string, credentialScope: string, canonicalRequest: string, algorithmIdentifier: string): Promise<string> {
    this.stringToSign = await super.createStringToSign(longDate, credentialScope, canonicalRequest, algorithmIdentifier);
    return this.stringToSign;
  }
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------- parsing

/** The request as received, before any interpretation. Header names lower-case; repeated values joined with ','. */
export interface RawRequest {
  method: string;
  /** Path exactly as received (still percent-encoded), without the query string. */
  rawPath: string;
  /** Query string as received, without '?'. */
  rawQuery: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface SigV4Auth {
  kind: 'header' | 'query';
  accessKeyId: string;
  /** yyyymmdd of the scope */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** x-amz-date / X-Amz-Date as sent */
  amzDate: string;
  requestTime: Date;
  /** Presigned URLs: X-Amz-Expires (seconds). */
  expires?: number;
  /** x-amz-security-token / X-Amz-Security-Token, when present. */
  sessionToken?: string;
}

/** A request whose authentication information is malformed (IncompleteSignature / AuthorizationHeaderMalformed). */
export interface AuthProblem {
  problem: string;
  /** the service from the scope if it could be read, for routing the error */
  service?: string;
  region?: string;
  /** 'algorithm' when the request uses another scheme (SigV2 'AWS AKID:sig', …). */
  kind?: 'malformed' | 'algorithm';
}

export function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function formatAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function parseCredential(cred: string): { accessKeyId: string; scopeDate: string; region: string; service: string } | undefined {
  const parts = cred.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, scopeDate, region, service] = parts as [string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(scopeDate) || !/^[a-z0-9-]{1,40}$/.test(region) || !/^[a-z0-9-]{1,40}$/.test(service)) return undefined;
  return { accessKeyId, scopeDate, region, service };
}

/** Decoded query parameters; repeated keys become arrays (as the signer's canonical query expects). */
export function parseQuery(rawQuery: string): QueryParameterBag {
  const out: Record<string, string | string[]> = {};
  if (!rawQuery) return out;
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const v = safeDecode(eq < 0 ? '' : part.slice(eq + 1));
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function first(q: QueryParameterBag, k: string): string | undefined {
  const v = q[k];
  if (v === null || v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads the SigV4 authentication of a request: the Authorization header, or presigned query
 * parameters. Returns undefined for an unsigned request.
 */
export function parseSigV4(req: RawRequest, query: QueryParameterBag): SigV4Auth | AuthProblem | undefined {
  const authz = req.headers['authorization'];
  if (authz !== undefined) {
    const sp = authz.indexOf(' ');
    const algorithm = sp < 0 ? authz : authz.slice(0, sp);
    if (algorithm !== 'AWS4-HMAC-SHA256') {
      return { problem: `Unsupported authorization type: ${truncate(algorithm, 40)}. Use AWS Signature Version 4 (AWS4-HMAC-SHA256).`, kind: 'algorithm' };
    }
    const fields: Record<string, string> = {};
    for (const piece of authz.slice(sp + 1).split(',')) {
      const eq = piece.indexOf('=');
      if (eq < 0) continue;
      fields[piece.slice(0, eq).trim()] = piece.slice(eq + 1).trim();
    }
    const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((f) => !fields[f]);
    const cred = fields.Credential ? parseCredential(fields.Credential) : undefined;
    const svc = fields.Credential?.split('/')[3];
    const region = fields.Credential?.split('/')[2];
    if (missing.length) {
      return {
        problem: missing.map((f) => `Authorization header requires '${f}' parameter.`).join(' ') + ` Authorization=${truncate(authz, 200)}`,
        service: svc,
        region,
      };
    }
    if (!cred) {
      return { problem: `Credential should be scoped to a valid region, service and aws4_request terminator: '${truncate(fields.Credential!, 120)}'.`, service: svc, region };
    }
    const amzDate = req.headers['x-amz-date'];
    if (!amzDate) {
      return { problem: `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${truncate(authz, 200)}`, service: cred.service, region: cred.region };
    }
    const requestTime = parseAmzDate(amzDate);
    if (!requestTime) return { problem: `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", got '${truncate(amzDate, 40)}'.`, service: cred.service, region: cred.region };
    if (amzDate.slice(0, 8) !== cred.scopeDate) {
      return {
        problem: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${cred.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
        service: cred.service,
        region: cred.region,
      };
    }
    const signedHeaders = fields.SignedHeaders!.split(';').map((h) => h.trim().toLowerCase()).filter(Boolean);
    if (!signedHeaders.includes('host')) {
      return { problem: `'Host' must be a 'SignedHeader' in the AWS Authorization.`, service: cred.service, region: cred.region };
    }
    return {
      kind: 'header',
      ...cred,
      signedHeaders,
      signature: fields.Signature!,
      amzDate,
      requestTime,
      sessionToken: req.headers['x-amz-security-token'],
    };
  }
  if (first(query, 'X-Amz-Algorithm') !== undefined || first(query, 'X-Amz-Signature') !== undefined || first(query, 'X-Amz-Credential') !== undefined) {
    const credRaw = first(query, 'X-Amz-Credential') ?? '';
    const svc = credRaw.split('/')[3];
    const region = credRaw.split('/')[2];
    if (first(query, 'X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
      return { problem: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', service: svc, region };
    }
    const missing = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Expires'].filter((k) => !first(query, k));
    if (missing.length) return { problem: `Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.`, service: svc, region };
    const cred = parseCredential(credRaw);
    if (!cred) return { problem: `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`, service: svc, region };
    const amzDate = first(query, 'X-Amz-Date')!;
    const requestTime = parseAmzDate(amzDate);
    if (!requestTime) return { problem: `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`, service: cred.service, region: cred.region };
    const expiresRaw = first(query, 'X-Amz-Expires')!;
    if (!/^\d{1,9}$/.test(expiresRaw)) return { problem: 'X-Amz-Expires should be a number', service: cred.service, region: cred.region };
    const expires = Number(expiresRaw);
    if (expires > 604800) return { problem: 'X-Amz-Expires must be less than a week (in seconds) that is 604800', service: cred.service, region: cred.region };
    const signedHeaders = first(query, 'X-Amz-SignedHeaders')!.split(';').map((h) => h.trim().toLowerCase()).filter(Boolean);
    return {
      kind: 'query',
      ...cred,
      signedHeaders,
      signature: first(query, 'X-Amz-Signature')!,
      amzDate,
      requestTime,
      expires,
      sessionToken: first(query, 'X-Amz-Security-Token'),
    };
  }
  return undefined;
}

export function isAuthProblem(x: SigV4Auth | AuthProblem | undefined): x is AuthProblem {
  return x !== undefined && 'problem' in x;
}

// ---------------------------------------------------------------- verification

export interface VerifyOk {
  ok: true;
  /** The request's signature, the seed of signed aws-chunked uploads. */
  seedSignature: string;
  signer: SignatureV4;
}
export interface VerifyFail {
  ok: false;
  canonicalRequest: string;
  stringToSign: string;
}

function headerSubset(req: RawRequest, names: string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = req.headers[n];
    if (v === undefined) return n;
    out[n] = v;
  }
  return out;
}

/**
 * Recomputes the signature of `req` with `secretAccessKey` and compares. The payload hash
 * is the signed x-amz-content-sha256 header when present (its agreement with the body is
 * checked separately by the caller), else the SHA-256 of the body.
 */
export async function verifySigV4(req: RawRequest, query: QueryParameterBag, auth: SigV4Auth, secretAccessKey: string): Promise<VerifyOk | VerifyFail> {
  const hostHeader = req.headers['host'] ?? '';
  const signer = new CapturingSigner({
    credentials: {
      accessKeyId: auth.accessKeyId,
      secretAccessKey,
      sessionToken: auth.kind === 'header' ? (auth.signedHeaders.includes('x-amz-security-token') ? auth.sessionToken : undefined) : auth.sessionToken,
    },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    uriEscapePath: auth.service !== 's3',
    applyChecksum: false,
  });
  const fail = (): VerifyFail => ({ ok: false, canonicalRequest: signer.canonicalRequest, stringToSign: signer.stringToSign });
  const subset = headerSubset(req, auth.signedHeaders.filter((h) => h !== 'x-amz-date' && h !== 'x-amz-security-token'));
  if (typeof subset === 'string') return fail();
  const hostname = hostHeader.replace(/:\d+$/, '');
  let expected: string | undefined;
  if (auth.kind === 'header') {
    const request: HttpRequest = {
      method: req.method,
      protocol: 'http:',
      hostname,
      path: req.rawPath,
      query: { ...query },
      headers: subset,
      body: req.body.length ? req.body : undefined,
    };
    const signed = await signer.sign(request, {
      signingDate: auth.requestTime,
      signingRegion: auth.region,
      signingService: auth.service,
      signableHeaders: new Set(auth.signedHeaders),
    });
    const m = /Signature=([0-9a-f]+)/.exec(signed.headers['authorization'] ?? '');
    expected = m?.[1];
  } else {
    const q: Record<string, string | string[] | null> = { ...query };
    delete q['X-Amz-Signature'];
    const headers: Record<string, string> = { ...subset };
    const unsignable = new Set<string>();
    if (auth.service === 's3') {
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      unsignable.add('x-amz-content-sha256');
    }
    const request: HttpRequest = { method: req.method, protocol: 'http:', hostname, path: req.rawPath, query: q, headers, body: undefined };
    const presigned = await signer.presign(request, {
      signingDate: auth.requestTime,
      expiresIn: auth.expires,
      signingRegion: auth.region,
      signingService: auth.service,
      unsignableHeaders: unsignable,
      unhoistableHeaders: new Set([...auth.signedHeaders, 'x-amz-content-sha256']),
      signableHeaders: new Set(auth.signedHeaders),
    });
    const sig = presigned.query?.['X-Amz-Signature'];
    expected = typeof sig === 'string' ? sig : undefined;
  }
  if (!expected || !constantTimeEqualHex(expected, auth.signature)) return fail();
  return { ok: true, seedSignature: auth.signature, signer };
}

function constantTimeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ba.length !== bb.length) return false;
  return timingSafeEqual(ba, bb);
}

/** Skew of a header-signed request against the server's real clock, as AWS words it; undefined when within 15 minutes. */
export function skewProblem(requestTime: Date, now: Date): { direction: 'past' | 'future'; queryMessage: string } | undefined {
  const diff = requestTime.getTime() - now.getTime();
  if (Math.abs(diff) <= MAX_SKEW_MS) return undefined;
  const req = formatAmzDate(requestTime);
  const nowS = formatAmzDate(now);
  if (diff < 0) {
    return {
      direction: 'past',
      queryMessage: `Signature expired: ${req} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_SKEW_MS))} (${nowS} - 15 min.)`,
    };
  }
  return {
    direction: 'future',
    queryMessage: `Signature not yet current: ${req} is still later than ${formatAmzDate(new Date(now.getTime() + MAX_SKEW_MS))} (${nowS} + 15 min.)`,
  };
}

// ---------------------------------------------------------------- aws-chunked bodies

export class ChunkedBodyError extends Error {
  constructor(
    readonly code: 'IncompleteBody' | 'SignatureDoesNotMatch' | 'InvalidRequest',
    message: string,
  ) {
    super(message);
  }
}

export interface DecodedChunked {
  data: Buffer;
  trailers: Record<string, string>;
}

/**
 * Decodes an aws-chunked body. For STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] every chunk
 * signature (and the trailer signature) is verified as a rolling chain from the request's
 * signature; STREAMING-UNSIGNED-PAYLOAD-TRAILER carries no chunk signatures.
 */
export async function decodeAwsChunked(body: Buffer, mode: string, verify?: { signer: SignatureV4; seedSignature: string; auth: SigV4Auth }): Promise<DecodedChunked> {
  const signed = mode.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
  if (signed && !verify) throw new ChunkedBodyError('InvalidRequest', 'signed chunks need the request signature');
  const parts: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let pos = 0;
  let prior = verify?.seedSignature ?? '';
  const opts = verify ? { signingDate: verify.auth.requestTime, signingRegion: verify.auth.region, signingService: verify.auth.service } : undefined;
  const readLine = (): string => {
    const end = body.indexOf('\r\n', pos);
    if (end < 0) throw new ChunkedBodyError('IncompleteBody', 'The request body terminated unexpectedly');
    const line = body.subarray(pos, end).toString('latin1');
    pos = end + 2;
    return line;
  };
  for (;;) {
    const header = readLine();
    const semi = header.indexOf(';');
    const sizeHex = (semi < 0 ? header : header.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeHex)) throw new ChunkedBodyError('InvalidRequest', `Invalid chunk size '${truncate(sizeHex, 20)}' in the aws-chunked body`);
    const size = parseInt(sizeHex, 16);
    let chunkSig: string | undefined;
    if (semi >= 0) {
      const m = /chunk-signature=([0-9a-f]{64})/.exec(header.slice(semi + 1));
      chunkSig = m?.[1];
    }
    if (pos + size > body.length) throw new ChunkedBodyError('IncompleteBody', 'The request body terminated unexpectedly');
    const chunk = body.subarray(pos, pos + size);
    pos += size;
    if (signed) {
      if (!chunkSig) throw new ChunkedBodyError('SignatureDoesNotMatch', 'A chunk of the aws-chunked body has no chunk-signature');
      const expected = await verify!.signer.sign({ headers: new Uint8Array(0), payload: chunk }, { ...opts!, priorSignature: prior });
      if (!constantTimeEqualHex(expected, chunkSig)) {
        throw new ChunkedBodyError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
      }
      prior = chunkSig;
    }
    if (size === 0) break;
    parts.push(chunk);
    if (readLine() !== '') throw new ChunkedBodyError('InvalidRequest', 'A chunk of the aws-chunked body is not followed by CRLF');
  }
  // trailers (possibly none), then an empty line
  let trailerSig: string | undefined;
  const trailerLines: string[] = [];
  for (;;) {
    if (pos >= body.length) break; // tolerate a missing final CRLF
    const line = readLine();
    if (line === '') break;
    const c = line.indexOf(':');
    if (c < 0) throw new ChunkedBodyError('InvalidRequest', `Malformed trailer line '${truncate(line, 60)}'`);
    const name = line.slice(0, c).trim().toLowerCase();
    const value = line.slice(c + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSig = value;
    else {
      trailers[name] = value;
      trailerLines.push(`${name}:${value}\n`);
    }
  }
  if (mode === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') {
    if (!trailerSig) throw new ChunkedBodyError('SignatureDoesNotMatch', 'The aws-chunked body has no x-amz-trailer-signature');
    const scope = `${verify!.auth.scopeDate}/${verify!.auth.region}/${verify!.auth.service}/aws4_request`;
    const sts = ['AWS4-HMAC-SHA256-TRAILER', verify!.auth.amzDate, scope, prior, sha256Hex(trailerLines.join(''))].join('\n');
    const expected = await verify!.signer.sign(sts, opts);
    if (!constantTimeEqualHex(expected, trailerSig)) {
      throw new ChunkedBodyError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    }
  }
  return { data: Buffer.concat(parts), trailers };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
