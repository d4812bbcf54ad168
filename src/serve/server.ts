// The HTTP endpoint: one port on 127.0.0.1, routed by the SigV4 credential scope's service.
// Every request is authenticated (SigV4 via the SDK's signer, skew on the real clock, session
// tokens), decoded into a CallRequest, answered by the backend (the simulated account) and
// serialized back in the service's own wire format. Malformed requests get AWS-style errors
// or are closed; the server keeps serving.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { AddressInfo, Socket } from 'node:net';
import type { QueryParameterBag } from '@smithy/types';
import type { CallRequest, CallResult, ServiceName } from '../backend/types.js';
import type { SimCallRequest } from '../sim/index.js';
import {
  parseSigV4,
  isAuthProblem,
  verifySigV4,
  skewProblem,
  parseQuery,
  sha256Hex,
  decodeAwsChunked,
  ChunkedBodyError,
  formatAmzDate,
  type RawRequest,
  type SigV4Auth,
} from './sigv4.js';
import { decodeQueryInput, parseForm, serializeQueryResponse, serializeQueryError, DecodeError, queryVersion, operationShapes, isQueryOperation, type QueryService } from './query.js';
import { parseSigV2Query, sigV2StringToSign, verifySigV2, type SigV2Query } from './sigv2.js';
import { JSON_CONTENT_TYPE, JsonProtocolError, decodeJsonInput, encodeJsonError, encodeJsonOutput, targetOperation, type JsonService } from './json.js';
import { routeS3, splitS3Path, serializeS3, serializeS3Error, serializeDeleteResult, S3RouteError, type S3Route } from './s3.js';
import {
  type WireService,
  type WireError,
  unknownKeyError,
  invalidTokenError,
  signatureMismatchError,
  skewError,
  presignExpiredError,
  missingAuthError,
  malformedAuthError,
  payloadHashMismatchError,
  bodyTooLargeError,
} from './errors.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** What the endpoint knows about an access key: its secret and, for temporary keys, the session token. */
export interface KeyRecord {
  secretAccessKey: string;
  sessionToken?: string;
}

/** What the endpoint serves: a backend for calls and a way to find an access key's secret. */
export interface ServeTarget {
  /** CallRequest, or a CloudTrail call (SimCallRequest: CallRequest with 'cloudtrail' among the services). */
  call(req: SimCallRequest): Promise<CallResult>;
  lookupKey(accessKeyId: string): KeyRecord | undefined;
}

export interface HandlerOptions {
  /** The real clock for skew and presign expiry (never the world's virtual clock). */
  now?: () => Date;
  maxBodyBytes?: number;
  /** Called after every call the backend answered (success or failure); the world changed (audit log at least). */
  onCall?: (req: SimCallRequest, result: CallResult) => void;
  /**
   * Server-side timing, for the benchmark: totalMs from the request's headers to the end of
   * the response (includes waiting behind other requests), serviceMs from the complete
   * request to the response written (this request's own processing).
   */
  onTiming?: (totalMs: number, serviceMs: number) => void;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
  /** close the connection after answering (body not fully read) */
  close?: boolean;
}

const VERSION_TO_SERVICE: Record<string, QueryService> = { '2011-06-15': 'sts', '2010-05-08': 'iam', '2016-11-15': 'ec2' };

function s3RequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}
function s3HostId(): string {
  return randomBytes(48).toString('base64');
}

function errorReply(svc: WireService | undefined, err: WireError, head: boolean, requestId?: string): Reply {
  const service = svc ?? 'sts';
  if (service === 'cloudtrail') {
    // awsJson1_1: the code in __type, the text in message
    const rid = requestId ?? randomUUID();
    return {
      status: err.status,
      headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': rid },
      body: head ? '' : encodeJsonError(err.code, err.message),
    };
  }
  if (service === 'account') {
    // REST-JSON: the code travels in x-amzn-ErrorType, the message in the JSON body
    const rid = requestId ?? randomUUID();
    return {
      status: err.status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': rid, 'x-amzn-errortype': err.code },
      body: head ? '' : JSON.stringify({ message: err.message }),
    };
  }
  if (service === 's3') {
    const rid = requestId ?? s3RequestId();
    const hostId = s3HostId();
    return {
      status: err.status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': rid, 'x-amz-id-2': hostId },
      body: head ? '' : serializeS3Error(err.code, err.message, rid, hostId, err.extra),
    };
  }
  const rid = requestId ?? randomUUID();
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': rid },
    body: head ? '' : serializeQueryError(service as QueryService, err.code, err.message, err.type, rid),
  };
}

function normalizeIp(ip: string | undefined): string {
  if (!ip) return '127.0.0.1';
  if (ip.startsWith('::ffff:')) return ip.slice(7);
  return ip;
}

function collectHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return out;
}

/** Which service an unsigned request was meant for: form Action/Version for query services, else S3. */
function guessService(raw: RawRequest, query: QueryParameterBag): WireService {
  if (/(^|\.)CloudTrail_20131101\./.test(raw.headers['x-amz-target'] ?? '')) return 'cloudtrail';
  const version = (typeof query.Version === 'string' ? query.Version : undefined) ?? (raw.method === 'POST' ? parseFormSafe(raw.body.toString('utf8')).get('Version') : undefined);
  if (version && VERSION_TO_SERVICE[version]) return VERSION_TO_SERVICE[version]!;
  const action = typeof query.Action === 'string' ? query.Action : raw.method === 'POST' && /x-www-form-urlencoded/.test(raw.headers['content-type'] ?? '') ? parseFormSafe(raw.body.toString('utf8')).get('Action') : undefined;
  if (action) return 'sts';
  return 's3';
}

function parseFormSafe(text: string): Map<string, string> {
  try {
    return parseForm(text);
  } catch {
    return new Map();
  }
}

/** Answers one fully-read request. */
export class RequestProcessor {
  private readonly now: () => Date;
  private current: ServeTarget | undefined;
  constructor(
    private readonly getTarget: () => ServeTarget,
    private readonly opts: HandlerOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** The target of the request being answered (fetched once per request: the world may be swapped between requests). */
  private target(): ServeTarget {
    return (this.current ??= this.getTarget());
  }

  async process(raw: RawRequest, sourceIp: string): Promise<Reply> {
    this.current = this.getTarget();
    const head = raw.method === 'HEAD';
    const query = parseQuery(raw.rawQuery);
    const parsed = parseSigV4(raw, query);
    if (isAuthProblem(parsed)) {
      const svc = toWire(parsed.service) ?? guessService(raw, query);
      const presigned = raw.headers['authorization'] === undefined;
      return errorReply(svc, malformedAuthError(svc, parsed.problem, parsed.kind ?? 'malformed', presigned), head);
    }
    if (!parsed) {
      const svc = guessService(raw, query);
      if (svc === 's3') {
        const v2 = parseSigV2Query(query);
        if (v2) return this.processSigV2(raw, query, v2, sourceIp);
        // Anonymous S3 requests are authorized (or not) by bucket policies; the sim decides.
        return this.dispatch(raw, query, 's3', undefined, undefined, sourceIp);
      }
      return errorReply(svc, missingAuthError(svc), head);
    }
    const svc = toWire(parsed.service);
    if (!svc) {
      return errorReply('sts', {
        code: 'UnrecognizedService',
        message: `iamlab serve simulates sts, iam, s3, ec2, account and cloudtrail; this request was signed for '${parsed.service}'.`,
        status: 400,
        type: 'Sender',
      }, head);
    }
    const now = this.now();
    if (parsed.kind === 'header') {
      const skew = skewProblem(parsed.requestTime, now);
      if (skew) return errorReply(svc, skewError(svc, skew.queryMessage, parsed.amzDate, now), head);
    } else {
      const expiresAt = new Date(parsed.requestTime.getTime() + (parsed.expires ?? 0) * 1000);
      if (now.getTime() > expiresAt.getTime()) {
        const msg = `Signature expired: ${parsed.amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - (parsed.expires ?? 0) * 1000))} (${formatAmzDate(now)} - ${parsed.expires} sec.)`;
        return errorReply(svc, presignExpiredError(svc, parsed.expires ?? 0, expiresAt, now, msg), head);
      }
      if (parsed.requestTime.getTime() - now.getTime() > 15 * 60 * 1000) {
        const skew = skewProblem(parsed.requestTime, now)!;
        return errorReply(svc, svc === 's3' ? { code: 'AccessDenied', message: 'Request is not valid yet', status: 403, type: 'Sender' } : skewError(svc, skew.queryMessage, parsed.amzDate, now), head);
      }
    }
    const key = this.target().lookupKey(parsed.accessKeyId);
    if (!key) return errorReply(svc, unknownKeyError(svc, parsed.accessKeyId), head);
    if (key.sessionToken !== undefined || parsed.sessionToken !== undefined) {
      if (key.sessionToken !== parsed.sessionToken) return errorReply(svc, invalidTokenError(svc), head);
    }
    // Payload hash: a hex x-amz-content-sha256 must match the body; non-S3 services always hash the body.
    const declared = raw.headers['x-amz-content-sha256'];
    const isHex = declared !== undefined && /^[0-9a-f]{64}$/i.test(declared);
    if (parsed.kind === 'header' && declared !== undefined) {
      if (isHex) {
        const actual = sha256Hex(raw.body);
        if (actual !== declared.toLowerCase()) return errorReply(svc, payloadHashMismatchError(svc, declared, actual), head);
      } else if (svc !== 's3') {
        return errorReply(svc, signatureMismatchError(svc), head);
      } else if (!/^(UNSIGNED-PAYLOAD|STREAMING-UNSIGNED-PAYLOAD-TRAILER|STREAMING-AWS4-HMAC-SHA256-PAYLOAD|STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)$/.test(declared)) {
        return errorReply(svc, { code: 'InvalidArgument', message: 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.', status: 400, type: 'Sender', extra: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: declared } }, head);
      }
    }
    const verified = await verifySigV4(raw, query, parsed, key.secretAccessKey);
    if (!verified.ok) {
      return errorReply(
        svc,
        signatureMismatchError(svc, {
          accessKeyId: parsed.accessKeyId,
          stringToSign: verified.stringToSign,
          signatureProvided: parsed.signature,
          canonicalRequest: verified.canonicalRequest,
        }),
        head,
      );
    }
    let body = raw.body;
    if (svc === 's3' && declared && declared.startsWith('STREAMING-')) {
      try {
        const decoded = await decodeAwsChunked(raw.body, declared, { signer: verified.signer, seedSignature: verified.seedSignature, auth: parsed });
        body = decoded.data;
        const expectLen = raw.headers['x-amz-decoded-content-length'];
        if (expectLen !== undefined && Number(expectLen) !== body.length) {
          return errorReply(svc, { code: 'IncompleteBody', message: 'You did not provide the number of bytes specified by the Content-Length HTTP header', status: 400, type: 'Sender' }, head);
        }
        const crc = decoded.trailers['x-amz-checksum-crc32'];
        if (crc !== undefined && crc !== crc32Base64(body)) {
          return errorReply(svc, { code: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.', status: 400, type: 'Sender' }, head);
        }
      } catch (e) {
        if (e instanceof ChunkedBodyError) {
          const err = e.code === 'SignatureDoesNotMatch' ? signatureMismatchError('s3') : { code: e.code, message: e.message, status: 400, type: 'Sender' as const };
          return errorReply(svc, err, head);
        }
        throw e;
      }
    } else if (svc === 's3' && raw.headers['x-amz-checksum-crc32'] !== undefined && raw.method === 'PUT') {
      if (raw.headers['x-amz-checksum-crc32'] !== crc32Base64(body)) {
        return errorReply(svc, { code: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.', status: 400, type: 'Sender' }, head);
      }
    }
    return this.dispatch({ ...raw, body }, query, svc, parsed, key, sourceIp);
  }

  /** S3 SigV2 presigned URLs (CLI v1's default `aws s3 presign`): GET/HEAD only. */
  private async processSigV2(raw: RawRequest, query: QueryParameterBag, v2: SigV2Query, sourceIp: string): Promise<Reply> {
    const head = raw.method === 'HEAD';
    if (raw.method !== 'GET' && raw.method !== 'HEAD') {
      return errorReply('s3', { code: 'InvalidRequest', message: 'iamlab serve accepts SigV2 query authentication only for GET and HEAD; sign the request with AWS4-HMAC-SHA256.', status: 400, type: 'Sender' }, head);
    }
    const now = this.now();
    if (now.getTime() > v2.expires * 1000) {
      return errorReply('s3', { code: 'AccessDenied', message: 'Request has expired', status: 403, type: 'Sender', extra: { Expires: new Date(v2.expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), ServerTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z') } }, head);
    }
    const key = this.target().lookupKey(v2.accessKeyId);
    if (!key) return errorReply('s3', unknownKeyError('s3', v2.accessKeyId), head);
    if ((key.sessionToken !== undefined || v2.sessionToken !== undefined) && key.sessionToken !== v2.sessionToken) return errorReply('s3', invalidTokenError('s3'), head);
    const sts = sigV2StringToSign(raw, query, v2);
    if (!verifySigV2(sts, key.secretAccessKey, v2.signature)) {
      return errorReply('s3', { ...signatureMismatchError('s3'), extra: { AWSAccessKeyId: v2.accessKeyId, StringToSign: sts, SignatureProvided: v2.signature } }, head);
    }
    return this.dispatch(raw, query, 's3', { accessKeyId: v2.accessKeyId, region: 'us-east-1', ...(v2.sessionToken !== undefined ? { sessionToken: v2.sessionToken } : {}) }, key, sourceIp);
  }

  private async dispatch(raw: RawRequest, query: QueryParameterBag, svc: WireService, auth: Pick<SigV4Auth, 'accessKeyId' | 'region' | 'sessionToken'> | undefined, key: KeyRecord | undefined, sourceIp: string): Promise<Reply> {
    const base: Omit<CallRequest, 'service' | 'operation' | 'input'> = {
      region: auth?.region ?? 'us-east-1',
      sourceIp,
      secureTransport: false,
      userAgent: raw.headers['user-agent'],
      signatureVerified: auth !== undefined,
      via: 'serve',
      ...(auth && key
        ? { credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: key.secretAccessKey, ...(auth.sessionToken !== undefined ? { sessionToken: auth.sessionToken } : {}) } }
        : {}),
    };
    if (svc === 's3') return this.dispatchS3(raw, query, base);
    if (svc === 'account') return this.dispatchAccount(raw, base);
    if (svc === 'cloudtrail') return this.dispatchJson(raw, svc, base);
    return this.dispatchQuery(raw, query, svc, base);
  }

  private async call(req: SimCallRequest): Promise<CallResult> {
    const result = await this.target().call(req);
    try {
      this.opts.onCall?.(req, result);
    } catch {
      // a failing observer must not break the answer
    }
    return result;
  }

  private async dispatchQuery(raw: RawRequest, query: QueryParameterBag, svc: QueryService, base: Omit<CallRequest, 'service' | 'operation' | 'input'>): Promise<Reply> {
    const head = raw.method === 'HEAD';
    if (raw.method !== 'POST' && raw.method !== 'GET') {
      return errorReply(svc, { code: 'MethodNotAllowed', message: `The HTTP method ${raw.method} is not allowed; ${svc} accepts POST (form-encoded) and GET.`, status: 405, type: 'Sender' }, head);
    }
    const ct = raw.headers['content-type'] ?? '';
    if (raw.method === 'POST' && (raw.headers['x-amz-target'] !== undefined || /application\/(x-amz-json|cbor|json)/i.test(ct) || raw.headers['smithy-protocol'] !== undefined)) {
      return errorReply(svc, {
        code: 'UnsupportedProtocol',
        message: `iamlab serve speaks the AWS Query protocol for ${svc}; this client sent ${ct || 'no content-type'}${raw.headers['x-amz-target'] ? ` (X-Amz-Target ${raw.headers['x-amz-target']})` : ''}. Use an AWS SDK or CLI version whose ${svc} client sends application/x-www-form-urlencoded.`,
        status: 400,
        type: 'Sender',
      }, head);
    }
    let params: Map<string, string>;
    try {
      params = parseForm(raw.rawQuery);
      if (raw.method === 'POST' && raw.body.length) {
        for (const [k, v] of parseForm(raw.body.toString('utf8'))) params.set(k, v);
      }
    } catch (e) {
      if (e instanceof DecodeError) return errorReply(svc, { code: e.code, message: e.message, status: e.status, type: 'Sender' }, head);
      throw e;
    }
    const action = params.get('Action');
    if (!action) {
      return errorReply(svc, { code: 'MissingAction', message: 'Missing Action', status: 400, type: 'Sender' }, head);
    }
    const version = params.get('Version');
    // Operations the model has are decoded; other operations of the real service go to the
    // world undecoded, which answers for what it does not serve; other names are not actions.
    const modelled = /^[A-Za-z0-9]{1,128}$/.test(action) && operationShapes(svc, action) !== undefined;
    if ((!modelled && !isQueryOperation(svc, action)) || (version !== undefined && version !== queryVersion(svc))) {
      const msg = svc === 'ec2' ? `The action ${action} is not valid for this web service.` : `Could not find operation ${action} for version ${version ?? queryVersion(svc)}`;
      return errorReply(svc, { code: 'InvalidAction', message: msg, status: 400, type: 'Sender' }, head);
    }
    params.delete('Action');
    params.delete('Version');
    let input: Record<string, unknown> = {};
    try {
      if (modelled) input = decodeQueryInput(svc, action, params);
    } catch (e) {
      if (e instanceof DecodeError) return errorReply(svc, { code: e.code, message: e.message, status: e.status, type: 'Sender' }, head);
      throw e;
    }
    const result = await this.call({ ...base, service: svc as ServiceName, operation: action, input });
    if (!result.ok) {
      const err = { code: result.error.code, message: result.error.message, status: result.error.status, type: result.error.type };
      return errorReply(svc, err, head, result.requestId);
    }
    const body = serializeQueryResponse(svc, action, result.output, result.requestId);
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': result.requestId }, body: head ? '' : body };
  }

  /** AWS JSON 1.1 services (src/serve/json.ts): CloudTrail LookupEvents. */
  private async dispatchJson(raw: RawRequest, svc: JsonService, base: Omit<CallRequest, 'service' | 'operation' | 'input'>): Promise<Reply> {
    const head = raw.method === 'HEAD';
    let operation: string;
    let input: Record<string, unknown>;
    try {
      if (raw.method !== 'POST') throw new JsonProtocolError('UnknownOperationException', `${svc} answers POST requests (AWS JSON 1.1), not ${raw.method}.`);
      const ct = raw.headers['content-type'] ?? '';
      if (ct && !/^application\/x-amz-json-1\.[01]\b/i.test(ct)) throw new JsonProtocolError('UnsupportedProtocol', `iamlab serve speaks the AWS JSON 1.1 protocol for ${svc}; this client sent ${ct}.`);
      operation = targetOperation(svc, raw.headers['x-amz-target']);
      input = decodeJsonInput(svc, operation, raw.body);
    } catch (e) {
      if (e instanceof JsonProtocolError) return errorReply(svc, { code: e.code, message: e.message, status: e.status, type: 'Sender' }, head);
      throw e;
    }
    const result = await this.call({ ...base, service: svc, operation, input });
    if (!result.ok) return errorReply(svc, { code: result.error.code, message: result.error.message, status: result.error.status, type: result.error.type }, head, result.requestId);
    return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': result.requestId }, body: head ? '' : encodeJsonOutput(svc, operation, result.output) };
  }

  /** The Account Management API (REST-JSON): GetAccountInformation only. */
  private async dispatchAccount(raw: RawRequest, base: Omit<CallRequest, 'service' | 'operation' | 'input'>): Promise<Reply> {
    const head = raw.method === 'HEAD';
    if (raw.method !== 'POST' || raw.rawPath !== '/getAccountInformation') {
      return errorReply('account', { code: 'UnknownOperationException', message: `iamlab's simulated Account API implements only POST /getAccountInformation, not ${raw.method} ${raw.rawPath}.`, status: 404, type: 'Sender' }, head);
    }
    let input: Record<string, unknown> = {};
    const text = raw.body.toString('utf8').trim();
    if (text) {
      try {
        const v = JSON.parse(text) as unknown;
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        input = v as Record<string, unknown>;
      } catch (e) {
        return errorReply('account', { code: 'SerializationException', message: `The request body is not a JSON object: ${(e as Error).message}`, status: 400, type: 'Sender' }, head);
      }
    }
    const clean: Record<string, unknown> = {};
    if (typeof input.AccountId === 'string') clean.AccountId = input.AccountId;
    const result = await this.call({ ...base, service: 'account', operation: 'GetAccountInformation', input: clean });
    if (!result.ok) return errorReply('account', { code: result.error.code, message: result.error.message, status: result.error.status, type: result.error.type }, head, result.requestId);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(result.output)) out[k] = v instanceof Date ? v.toISOString().replace(/\.\d{3}Z$/, 'Z') : v;
    return { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-requestid': result.requestId }, body: head ? '' : JSON.stringify(out) };
  }

  private async dispatchS3(raw: RawRequest, query: QueryParameterBag, base: Omit<CallRequest, 'service' | 'operation' | 'input'>): Promise<Reply> {
    const head = raw.method === 'HEAD';
    let route: S3Route;
    try {
      const { bucket, key } = splitS3Path(raw.rawPath, raw.headers['host']);
      route = routeS3({ method: raw.method, bucket, key, query, headers: raw.headers, body: raw.body });
    } catch (e) {
      if (e instanceof S3RouteError) return errorReply('s3', { code: e.code, message: e.message, status: e.status, type: 'Sender', extra: e.extra }, head);
      throw e;
    }
    if (route.respondAs === 'DeleteObjects') {
      const del = route.input.Delete as { Objects: Array<{ Key: string }>; Quiet: boolean };
      const deleted: string[] = [];
      const errors: Array<{ key: string; code: string; message: string }> = [];
      let lastId = s3RequestId();
      for (const o of del.Objects) {
        const r = await this.call({ ...base, service: 's3', operation: 'DeleteObject', input: { Bucket: route.input.Bucket, Key: o.Key } });
        lastId = r.requestId;
        if (r.ok) deleted.push(o.Key);
        else errors.push({ key: o.Key, code: r.error.code, message: r.error.message });
      }
      const rep = serializeDeleteResult(deleted, errors, del.Quiet);
      return { status: rep.status, headers: { ...rep.headers, 'x-amz-request-id': lastId, 'x-amz-id-2': s3HostId() }, body: rep.body };
    }
    const result = await this.call({ ...base, service: 's3', operation: route.operation, input: route.input });
    if (!result.ok) {
      const extra: Record<string, string> = {};
      if (result.error.code === 'NoSuchBucket' || result.error.code === 'BucketAlreadyOwnedByYou' || result.error.code === 'BucketAlreadyExists' || result.error.code === 'BucketNotEmpty' || result.error.code === 'NoSuchBucketPolicy') {
        if (typeof route.input.Bucket === 'string') extra.BucketName = route.input.Bucket;
      }
      if (result.error.code === 'NoSuchKey' && typeof route.input.Key === 'string') extra.Key = route.input.Key;
      const err = { code: result.error.code, message: result.error.message, status: result.error.status, type: result.error.type, extra };
      return errorReply('s3', err, head, result.requestId);
    }
    const rep = serializeS3(route, result.output);
    return {
      status: rep.status,
      headers: { ...rep.headers, 'x-amz-request-id': result.requestId, 'x-amz-id-2': s3HostId() },
      body: head ? '' : rep.body,
    };
  }
}

function crc32Base64(data: Buffer): string {
  const v = crc32(data) >>> 0;
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b.toString('base64');
}

function toWire(s: string | undefined): WireService | undefined {
  return s === 'sts' || s === 'iam' || s === 'ec2' || s === 's3' || s === 'account' || s === 'cloudtrail' ? s : undefined;
}

// ---------------------------------------------------------------- HTTP plumbing

export interface ListenOptions extends HandlerOptions {
  port?: number;
  host?: '127.0.0.1';
  /** Time allowed to receive the request headers. */
  headersTimeoutMs?: number;
  /** Time allowed to receive the whole request. */
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
}

export interface ServerHandle {
  port: number;
  url: string;
  close(): Promise<void>;
  /** The underlying node:http server (tests inspect connections). */
  server: Server;
}

function authServiceFromHeaders(headers: Record<string, string>, rawQuery: string): WireService | undefined {
  const a = headers['authorization'];
  let cred: string | undefined;
  if (a) cred = /Credential=([^,\s]+)/.exec(a)?.[1];
  else {
    const m = /(?:^|&)X-Amz-Credential=([^&]+)/.exec(rawQuery);
    if (m) {
      try {
        cred = decodeURIComponent(m[1]!);
      } catch {
        cred = undefined;
      }
    }
  }
  return toWire(cred?.split('/')[3]);
}

function sendReply(res: ServerResponse, reply: Reply, head: boolean, now: Date): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  const headers: Record<string, string> = { ...reply.headers, date: now.toUTCString() };
  if (headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  if (reply.close) headers['connection'] = 'close';
  res.writeHead(reply.status, headers);
  if (head || body.length === 0) res.end();
  else res.end(body);
}

/** Starts the endpoint on 127.0.0.1 (only). `target` is read per request, so the world behind it can be swapped. */
export async function listen(target: () => ServeTarget, opts: ListenOptions = {}): Promise<ServerHandle> {
  const host = '127.0.0.1';
  if (opts.host !== undefined && opts.host !== host) throw new Error('iamlab serve listens on 127.0.0.1 only');
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const clock = opts.now ?? (() => new Date());
  const processor = new RequestProcessor(target, opts);
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(opts.requestTimeoutMs ?? 30_000, headersTimeout + 1);
  const server = createServer({
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 5_000,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    maxHeaderSize: 16 * 1024,
  });

  const tooLarge = (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, rawQuery: string, declared?: number) => {
    const svc = authServiceFromHeaders(headers, rawQuery) ?? 'sts';
    const reply = errorReply(svc, bodyTooLargeError(svc, maxBody, declared), req.method === 'HEAD');
    reply.close = true;
    sendReply(res, reply, req.method === 'HEAD', clock());
    // stop reading the rest of the body; the connection closes after the answer
    req.pause();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const rawPath = qi < 0 ? url : url.slice(0, qi);
    const rawQuery = qi < 0 ? '' : url.slice(qi + 1);
    const headers = collectHeaders(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const declaredLen = headers['content-length'] !== undefined ? Number(headers['content-length']) : undefined;
    if (declaredLen !== undefined && declaredLen > maxBody) return tooLarge(req, res, headers, rawQuery, declaredLen);
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    try {
      await new Promise<void>((resolve, reject) => {
        req.on('data', (c: Buffer) => {
          if (overflow) return;
          size += c.length;
          if (size > maxBody) {
            overflow = true;
            resolve();
            return;
          }
          chunks.push(c);
        });
        req.on('end', () => resolve());
        req.on('error', reject);
        req.on('aborted', () => reject(new Error('aborted')));
      });
    } catch {
      req.socket.destroy();
      return;
    }
    if (overflow) return tooLarge(req, res, headers, rawQuery);
    const received = performance.now();
    const raw: RawRequest = { method, rawPath: rawPath || '/', rawQuery, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
    let reply: Reply;
    try {
      reply = await processor.process(raw, normalizeIp(req.socket.remoteAddress));
    } catch (e) {
      const svc = authServiceFromHeaders(headers, rawQuery) ?? 'sts';
      reply = errorReply(svc, { code: 'InternalFailure', message: `iamlab serve failed on this request: ${(e as Error).message}`, status: 500, type: 'Receiver' }, method === 'HEAD');
    }
    if (res.destroyed || res.writableEnded) return;
    sendReply(res, reply, method === 'HEAD', clock());
    const end = performance.now();
    opts.onTiming?.(end - started, end - received);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { connection: 'close', 'content-length': '0', date: clock().toUTCString() });
        res.end();
      } else res.destroy();
    });
  });
  // Expect: 100-continue — refuse oversized uploads before the client sends them.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const len = Number(req.headers['content-length'] ?? '0');
    if (len > maxBody) {
      const headers = collectHeaders(req);
      const url = req.url ?? '/';
      const qi = url.indexOf('?');
      return tooLarge(req, res, headers, qi < 0 ? '' : url.slice(qi + 1), len);
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\nDate: ${clock().toUTCString()}\r\n\r\n`);
  });

  await new Promise<void>((resolve, reject) => {
    const onErr = (e: Error) => reject(e);
    server.once('error', onErr);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onErr);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
