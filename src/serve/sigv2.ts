// S3 SigV2 query-string authentication (presigned URLs): `aws s3 presign` in CLI v1 still
// produces them by default (…?AWSAccessKeyId=…&Signature=…&Expires=…). Only GET and HEAD of
// S3 objects are accepted this way; everything else must be SigV4.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { QueryParameterBag } from '@smithy/types';
import type { RawRequest } from './sigv4.js';

export interface SigV2Query {
  accessKeyId: string;
  signature: string;
  expires: number;
  sessionToken?: string;
}

const SUBRESOURCES = [
  'accelerate', 'acl', 'cors', 'defaultObjectAcl', 'location', 'logging', 'partNumber', 'policy', 'requestPayment', 'torrent',
  'versioning', 'versionId', 'versions', 'website', 'uploads', 'uploadId', 'response-content-type', 'response-content-language',
  'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'delete', 'lifecycle',
  'tagging', 'restore', 'storageClass', 'notification', 'replication', 'requestPayment', 'analytics', 'metrics', 'inventory', 'select',
  'select-type', 'object-lock',
];

function q1(q: QueryParameterBag, k: string): string | undefined {
  const v = q[k];
  if (v === null || v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

export function parseSigV2Query(query: QueryParameterBag): SigV2Query | undefined {
  const accessKeyId = q1(query, 'AWSAccessKeyId');
  const signature = q1(query, 'Signature');
  const expires = q1(query, 'Expires');
  if (accessKeyId === undefined || signature === undefined || expires === undefined || !/^\d{1,12}$/.test(expires)) return undefined;
  const token = q1(query, 'x-amz-security-token');
  return { accessKeyId, signature, expires: Number(expires), ...(token !== undefined ? { sessionToken: token } : {}) };
}

/** The SigV2 string to sign for a query-authenticated S3 request. */
export function sigV2StringToSign(raw: RawRequest, query: QueryParameterBag, auth: SigV2Query): string {
  // x-amz-* values count whether sent as headers or hoisted into the query (botocore moves
  // them, e.g. x-amz-security-token, into the URL of a presigned request)
  const amzValues: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    const lk = k.toLowerCase();
    if (lk.startsWith('x-amz-') && v !== null && v !== undefined) amzValues[lk] = Array.isArray(v) ? v.join(',') : v;
  }
  for (const [h, v] of Object.entries(raw.headers)) if (h.startsWith('x-amz-')) amzValues[h] = v;
  const amz = Object.keys(amzValues)
    .sort()
    .map((h) => `${h}:${amzValues[h]!.trim()}\n`)
    .join('');
  const subs = Object.keys(query)
    .filter((k) => SUBRESOURCES.includes(k))
    .sort()
    .map((k) => {
      const v = q1(query, k);
      return v ? `${k}=${v}` : k;
    });
  const resource = raw.rawPath + (subs.length ? `?${subs.join('&')}` : '');
  return `${raw.method}\n${raw.headers['content-md5'] ?? ''}\n${raw.headers['content-type'] ?? ''}\n${auth.expires}\n${amz}${resource}`;
}

export function verifySigV2(stringToSign: string, secret: string, provided: string): boolean {
  const expected = Buffer.from(createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64'));
  const got = Buffer.from(provided);
  return expected.length === got.length && timingSafeEqual(expected, got);
}
