// S3 REST-XML, path style (and <bucket>.localhost virtual-host style): HTTP request →
// operation + CallRequest input with the API's member names, and CallResult → HTTP response.
import { escapeXml, parseXml, child, childrenNamed, XmlParseError } from './xml.js';
import { formatTimestamp } from './query.js';
import type { QueryParameterBag } from '@smithy/types';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export interface S3Request {
  method: string;
  bucket?: string;
  key?: string;
  query: QueryParameterBag;
  headers: Record<string, string>;
  body: Buffer;
}

export interface S3Route {
  operation: string;
  input: Record<string, unknown>;
  /** How to shape the answer when it differs from `operation` (ListObjects v1 over ListObjectsV2, HeadObject over GetObject). */
  respondAs?: 'ListObjects' | 'HeadObject' | 'DeleteObjects';
}

export class S3RouteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

function q1(q: QueryParameterBag, k: string): string | undefined {
  const v = q[k];
  if (v === null || v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

/** Splits a raw (percent-encoded) path into bucket and key, path style; host-style when Host is <bucket>.localhost. */
export function splitS3Path(rawPath: string, host: string | undefined): { bucket?: string; key?: string } {
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new S3RouteError('InvalidURI', "Couldn't parse the specified URI.", 400);
    }
  };
  const vhost = host ? /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.localhost(:\d+)?$/i.exec(host) : null;
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (vhost) {
    return { bucket: vhost[1]!, key: path ? decode(path) : undefined };
  }
  if (!path) return {};
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decode(path) };
  const key = path.slice(slash + 1);
  return { bucket: decode(path.slice(0, slash)), key: key ? decode(key) : undefined };
}

const UNSUPPORTED_BUCKET_SUBRESOURCES = [
  'acl', 'accelerate', 'analytics', 'cors', 'encryption', 'intelligent-tiering', 'inventory', 'lifecycle', 'logging',
  'metrics', 'notification', 'object-lock', 'ownershipControls', 'policyStatus', 'publicAccessBlock', 'replication',
  'requestPayment', 'tagging', 'versioning', 'versions', 'website', 'uploads', 'location',
];
const UNSUPPORTED_OBJECT_SUBRESOURCES = ['acl', 'tagging', 'legal-hold', 'retention', 'torrent', 'uploads', 'uploadId', 'restore', 'select', 'attributes'];

function notImplemented(what: string): S3RouteError {
  return new S3RouteError('NotImplemented', `iamlab's simulated S3 does not implement ${what}.`, 501);
}

function int(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new S3RouteError('InvalidArgument', `Provided ${name} not an integer or within integer range`, 400, { ArgumentName: name, ArgumentValue: v });
  return Number(v);
}

function metadata(headers: Record<string, string>): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith('x-amz-meta-')) (out ??= {})[k.slice(11)] = v;
  }
  return out;
}

function parseXmlBody(body: Buffer): ReturnType<typeof parseXml> {
  try {
    return parseXml(body.toString('utf8'));
  } catch (e) {
    const where = e instanceof XmlParseError ? ` (${e.message})` : '';
    throw new S3RouteError('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema${where}`, 400);
  }
}

/** Maps an S3 HTTP request to the operation and its input. */
export function routeS3(r: S3Request): S3Route {
  const { method, bucket, key, query } = r;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(query, k);
  if (!bucket) {
    if (method === 'GET') {
      const input: Record<string, unknown> = {};
      const max = int(q1(query, 'max-buckets'), 'max-buckets');
      if (max !== undefined) input.MaxBuckets = max;
      if (q1(query, 'continuation-token')) input.ContinuationToken = q1(query, 'continuation-token');
      if (q1(query, 'prefix')) input.Prefix = q1(query, 'prefix');
      if (q1(query, 'bucket-region')) input.BucketRegion = q1(query, 'bucket-region');
      return { operation: 'ListBuckets', input };
    }
    throw new S3RouteError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: method, ResourceType: 'SERVICE' });
  }
  if (key === undefined) {
    const Bucket = bucket;
    switch (method) {
      case 'GET': {
        if (has('policy')) return { operation: 'GetBucketPolicy', input: { Bucket } };
        const sub = UNSUPPORTED_BUCKET_SUBRESOURCES.find(has);
        if (sub) throw notImplemented(`the bucket subresource ?${sub}`);
        const input: Record<string, unknown> = { Bucket };
        const prefix = q1(query, 'prefix');
        const delimiter = q1(query, 'delimiter');
        const maxKeys = int(q1(query, 'max-keys'), 'max-keys');
        const enc = q1(query, 'encoding-type');
        if (enc !== undefined && enc !== 'url') throw new S3RouteError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: enc });
        if (prefix !== undefined) input.Prefix = prefix;
        if (delimiter !== undefined) input.Delimiter = delimiter;
        if (maxKeys !== undefined) input.MaxKeys = maxKeys;
        if (enc !== undefined) input.EncodingType = enc;
        if (q1(query, 'list-type') === '2') {
          if (q1(query, 'continuation-token') !== undefined) input.ContinuationToken = q1(query, 'continuation-token');
          if (q1(query, 'start-after') !== undefined) input.StartAfter = q1(query, 'start-after');
          if (q1(query, 'fetch-owner') !== undefined) input.FetchOwner = q1(query, 'fetch-owner') === 'true';
          return { operation: 'ListObjectsV2', input };
        }
        // ListObjects (v1) is answered by the same s3:ListBucket listing, shaped as v1.
        if (q1(query, 'marker') !== undefined) input.StartAfter = q1(query, 'marker');
        input.FetchOwner = true;
        return { operation: 'ListObjectsV2', input, respondAs: 'ListObjects' };
      }
      case 'PUT': {
        if (has('policy')) {
          const text = r.body.toString('utf8');
          if (!text.trim()) throw new S3RouteError('MalformedPolicy', 'Policies must be valid JSON and the first byte must be \'{\'', 400);
          return { operation: 'PutBucketPolicy', input: { Bucket, Policy: text } };
        }
        const sub = UNSUPPORTED_BUCKET_SUBRESOURCES.find(has);
        if (sub) throw notImplemented(`the bucket subresource ?${sub}`);
        const input: Record<string, unknown> = { Bucket };
        if (r.headers['x-amz-acl']) input.ACL = r.headers['x-amz-acl'];
        if (r.body.length) {
          const doc = parseXmlBody(r.body);
          if (doc.name !== 'CreateBucketConfiguration') throw new S3RouteError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
          const lc = child(doc, 'LocationConstraint');
          input.CreateBucketConfiguration = lc ? { LocationConstraint: lc.text } : {};
        }
        return { operation: 'CreateBucket', input };
      }
      case 'DELETE': {
        if (has('policy')) return { operation: 'DeleteBucketPolicy', input: { Bucket } };
        const sub = UNSUPPORTED_BUCKET_SUBRESOURCES.find(has);
        if (sub) throw notImplemented(`the bucket subresource ?${sub}`);
        return { operation: 'DeleteBucket', input: { Bucket } };
      }
      case 'HEAD':
        return { operation: 'HeadBucket', input: { Bucket } };
      case 'POST': {
        if (has('delete')) {
          const doc = parseXmlBody(r.body);
          if (doc.name !== 'Delete') throw new S3RouteError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
          const objects = childrenNamed(doc, 'Object').map((o) => ({ Key: child(o, 'Key')?.text ?? '' }));
          const quiet = child(doc, 'Quiet')?.text === 'true';
          if (objects.length > 1000) throw new S3RouteError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
          return { operation: 'DeleteObjects', input: { Bucket, Delete: { Objects: objects, Quiet: quiet } }, respondAs: 'DeleteObjects' };
        }
        throw notImplemented('POST on a bucket without ?delete');
      }
      default:
        throw new S3RouteError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: method, ResourceType: 'BUCKET' });
    }
  }
  const Bucket = bucket;
  const Key = key;
  const sub = UNSUPPORTED_OBJECT_SUBRESOURCES.find(has);
  if (sub) throw notImplemented(`the object subresource ?${sub}`);
  switch (method) {
    case 'GET':
    case 'HEAD': {
      const input: Record<string, unknown> = { Bucket, Key };
      if (q1(query, 'versionId')) input.VersionId = q1(query, 'versionId');
      return method === 'GET' ? { operation: 'GetObject', input } : { operation: 'GetObject', input, respondAs: 'HeadObject' };
    }
    case 'PUT': {
      if (r.headers['x-amz-copy-source']) throw notImplemented('CopyObject');
      const input: Record<string, unknown> = { Bucket, Key, Body: new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.byteLength) };
      const h = r.headers;
      if (h['content-type']) input.ContentType = h['content-type'];
      input.ContentLength = r.body.length;
      if (h['cache-control']) input.CacheControl = h['cache-control'];
      if (h['content-disposition']) input.ContentDisposition = h['content-disposition'];
      const ce = h['content-encoding']?.split(',').map((s) => s.trim()).filter((s) => s && s !== 'aws-chunked').join(',');
      if (ce) input.ContentEncoding = ce;
      if (h['x-amz-acl']) input.ACL = h['x-amz-acl'];
      if (h['x-amz-storage-class']) input.StorageClass = h['x-amz-storage-class'];
      if (h['x-amz-server-side-encryption']) input.ServerSideEncryption = h['x-amz-server-side-encryption'];
      const meta = metadata(h);
      if (meta) input.Metadata = meta;
      return { operation: 'PutObject', input };
    }
    case 'DELETE': {
      const input: Record<string, unknown> = { Bucket, Key };
      if (q1(query, 'versionId')) input.VersionId = q1(query, 'versionId');
      return { operation: 'DeleteObject', input };
    }
    default:
      throw new S3RouteError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: method, ResourceType: 'OBJECT' });
  }
}

// ---------------------------------------------------------------- responses

export interface S3HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

function ts(v: unknown): string | undefined {
  return formatTimestamp(v, true);
}
function httpDate(v: unknown): string | undefined {
  const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toUTCString() : undefined;
}
function el(name: string, v: unknown): string {
  if (v === undefined || v === null) return '';
  const text = v instanceof Date ? ts(v)! : typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
  return `<${name}>${escapeXml(text)}</${name}>`;
}
function quoteEtag(e: unknown): string | undefined {
  if (e === undefined || e === null) return undefined;
  const s = String(e);
  return s.startsWith('"') ? s : `"${s}"`;
}

/** S3's url encoding-type: form-style percent-encoding of key names (botocore decodes with unquote_plus). */
export function s3UrlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

function ownerXml(o: unknown): string {
  if (!o || typeof o !== 'object') return '';
  const ow = o as Obj;
  return `<Owner>${el('ID', ow.ID)}${el('DisplayName', ow.DisplayName)}</Owner>`;
}

/** Serializes a successful S3 result. */
export function serializeS3(route: S3Route, output: Obj): S3HttpResponse {
  const xml = (body: string): S3HttpResponse => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: XML_DECL + body });
  const as = route.respondAs ?? route.operation;
  switch (as) {
    case 'ListBuckets': {
      const buckets = arr(output.Buckets)
        .map((b) => `<Bucket>${el('Name', b.Name)}${el('CreationDate', b.CreationDate)}${el('BucketRegion', b.BucketRegion)}</Bucket>`)
        .join('');
      return xml(
        `<ListAllMyBucketsResult xmlns="${S3_NS}">${ownerXml(output.Owner)}<Buckets>${buckets}</Buckets>${el('ContinuationToken', output.ContinuationToken)}${el('Prefix', output.Prefix)}</ListAllMyBucketsResult>`,
      );
    }
    case 'ListObjectsV2':
    case 'ListObjects': {
      const encode = output.EncodingType === 'url' || route.input.EncodingType === 'url';
      const k = (v: unknown) => (v === undefined || v === null ? undefined : encode ? s3UrlEncode(String(v)) : String(v));
      const v1 = as === 'ListObjects';
      const contents = arr(output.Contents)
        .map(
          (c) =>
            `<Contents>${el('Key', k(c.Key))}${el('LastModified', c.LastModified)}${el('ETag', quoteEtag(c.ETag))}${el('Size', c.Size ?? 0)}${
              v1 || route.input.FetchOwner ? ownerXml(c.Owner) : ''
            }${el('StorageClass', c.StorageClass ?? 'STANDARD')}</Contents>`,
        )
        .join('');
      const prefixes = arr(output.CommonPrefixes)
        .map((p) => `<CommonPrefixes>${el('Prefix', k(p.Prefix))}</CommonPrefixes>`)
        .join('');
      const prefix = k(output.Prefix ?? route.input.Prefix) ?? '';
      if (v1) {
        const contentsArr = arr(output.Contents);
        const truncated = Boolean(output.IsTruncated);
        const lastKey = contentsArr.length ? contentsArr[contentsArr.length - 1]!.Key : undefined;
        const marker = k(route.input.StartAfter) ?? '';
        const nextMarker = truncated && route.input.Delimiter !== undefined ? k(lastKey) : undefined;
        return xml(
          `<ListBucketResult xmlns="${S3_NS}">${el('Name', output.Name ?? route.input.Bucket)}<Prefix>${escapeXml(prefix)}</Prefix><Marker>${escapeXml(marker)}</Marker>${el('NextMarker', nextMarker)}${el('MaxKeys', output.MaxKeys ?? route.input.MaxKeys ?? 1000)}${el('Delimiter', k(output.Delimiter ?? route.input.Delimiter))}${el('IsTruncated', truncated)}${el('EncodingType', encode ? 'url' : undefined)}${contents}${prefixes}</ListBucketResult>`,
        );
      }
      const keyCount = output.KeyCount ?? arr(output.Contents).length + arr(output.CommonPrefixes).length;
      return xml(
        `<ListBucketResult xmlns="${S3_NS}">${el('Name', output.Name ?? route.input.Bucket)}<Prefix>${escapeXml(prefix)}</Prefix>${el('KeyCount', keyCount)}${el('MaxKeys', output.MaxKeys ?? route.input.MaxKeys ?? 1000)}${el('Delimiter', k(output.Delimiter ?? route.input.Delimiter))}${el('IsTruncated', Boolean(output.IsTruncated))}${el('EncodingType', encode ? 'url' : undefined)}${contents}${prefixes}${el('ContinuationToken', output.ContinuationToken ?? route.input.ContinuationToken)}${el('NextContinuationToken', output.NextContinuationToken)}${el('StartAfter', k(output.StartAfter ?? route.input.StartAfter))}</ListBucketResult>`,
      );
    }
    case 'CreateBucket': {
      const headers: Record<string, string> = {};
      headers['location'] = typeof output.Location === 'string' ? output.Location : `/${String(route.input.Bucket)}`;
      return { status: 200, headers, body: '' };
    }
    case 'HeadBucket': {
      const headers: Record<string, string> = { 'content-type': 'application/xml' };
      if (output.BucketRegion) headers['x-amz-bucket-region'] = String(output.BucketRegion);
      return { status: 200, headers, body: '' };
    }
    case 'GetBucketPolicy': {
      const p = output.Policy;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: typeof p === 'string' ? p : JSON.stringify(p ?? {}) };
    }
    case 'PutBucketPolicy':
    case 'DeleteBucketPolicy':
    case 'DeleteBucket':
    case 'DeleteObject': {
      const headers: Record<string, string> = {};
      if (output.DeleteMarker !== undefined) headers['x-amz-delete-marker'] = String(Boolean(output.DeleteMarker));
      if (output.VersionId) headers['x-amz-version-id'] = String(output.VersionId);
      return { status: 204, headers, body: '' };
    }
    case 'PutObject': {
      const headers: Record<string, string> = {};
      const etag = quoteEtag(output.ETag);
      if (etag) headers['etag'] = etag;
      if (output.VersionId) headers['x-amz-version-id'] = String(output.VersionId);
      if (output.ServerSideEncryption) headers['x-amz-server-side-encryption'] = String(output.ServerSideEncryption);
      return { status: 200, headers, body: '' };
    }
    case 'GetObject':
    case 'HeadObject': {
      const raw = output.Body;
      const body = raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.alloc(0);
      const headers: Record<string, string> = {
        'content-type': typeof output.ContentType === 'string' ? output.ContentType : 'binary/octet-stream',
        'accept-ranges': 'bytes',
      };
      const etag = quoteEtag(output.ETag);
      if (etag) headers['etag'] = etag;
      const lm = httpDate(output.LastModified);
      if (lm) headers['last-modified'] = lm;
      for (const [hk, hv] of [
        ['cache-control', output.CacheControl],
        ['content-disposition', output.ContentDisposition],
        ['content-encoding', output.ContentEncoding],
        ['x-amz-version-id', output.VersionId],
        ['x-amz-server-side-encryption', output.ServerSideEncryption],
        ['x-amz-storage-class', output.StorageClass && output.StorageClass !== 'STANDARD' ? output.StorageClass : undefined],
      ] as const) {
        if (hv !== undefined && hv !== null) headers[hk] = String(hv);
      }
      if (output.Metadata && typeof output.Metadata === 'object') {
        for (const [mk, mv] of Object.entries(output.Metadata as Obj)) headers[`x-amz-meta-${mk.toLowerCase()}`] = String(mv);
      }
      if (as === 'HeadObject') {
        headers['content-length'] = String(typeof output.ContentLength === 'number' ? output.ContentLength : body.length);
        return { status: 200, headers, body: '' };
      }
      return { status: 200, headers, body };
    }
    default:
      return xml('');
  }
}

export function serializeDeleteResult(deleted: string[], errors: Array<{ key: string; code: string; message: string }>, quiet: boolean): S3HttpResponse {
  const d = quiet ? '' : deleted.map((k) => `<Deleted>${el('Key', k)}</Deleted>`).join('');
  const e = errors.map((x) => `<Error>${el('Key', x.key)}${el('Code', x.code)}${el('Message', x.message)}</Error>`).join('');
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: `${XML_DECL}<DeleteResult xmlns="${S3_NS}">${d}${e}</DeleteResult>` };
}

export function serializeS3Error(code: string, message: string, requestId: string, hostId: string, extra: Record<string, string> = {}): string {
  const ex = Object.entries(extra)
    .map(([k, v]) => el(k, v))
    .join('');
  return `${XML_DECL}<Error>${el('Code', code)}${el('Message', message)}${ex}${el('RequestId', requestId)}${el('HostId', hostId)}</Error>`;
}
