// S3: buckets, objects and bucket policies (resource policies evaluated by the engine; the
// bucket name space is global across accounts, as in AWS).
import { createHash } from 'node:crypto';
import type { ContextValues } from '../policy/types.js';
import type { OpCtx, OpDef } from './ops-common.js';
import { authorize, str, num } from './ops-common.js';
import { awsError } from './errors.js';
import { bucketArn, objectArn } from './arn.js';
import { bucketPolicyInput } from './actor.js';
import { validateOrThrow } from './engine.js';
import { principalExistsIn } from './ops-iam.js';
import type { BucketState } from './model.js';

const noSuchBucket = () => awsError('NoSuchBucket', 404, 'The specified bucket does not exist');
const BUCKET_RE = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function bucketOf(ctx: OpCtx): BucketState {
  const name = str(ctx.input, 'Bucket');
  if (!name) throw awsError('InvalidBucketName', 400, 'The specified bucket is not valid.');
  const b = ctx.w.st.buckets[name];
  if (!b) throw noSuchBucket();
  return b;
}

function az(ctx: OpCtx, action: string, b: BucketState, resource: string, extra?: ContextValues): void {
  ctx.resources.push(resource);
  ctx.recipient = b.owner;
  authorize(ctx, action, resource, {
    ...(b.policy ? { resourcePolicy: bucketPolicyInput(b.name, b.policy) } : {}),
    resourceAccount: b.owner,
    ...(extra ? { context: extra } : {}),
    deny: { style: 's3' },
  });
}

const listBuckets: OpDef = {
  run(ctx) {
    ctx.action = 's3:ListAllMyBuckets';
    authorize(ctx, 's3:ListAllMyBuckets', '*', { deny: { style: 's3' } });
    const acct = ctx.actor.account;
    const buckets = Object.values(ctx.w.st.buckets)
      .filter((b) => b.owner === acct.id)
      .sort((x, y) => (x.name < y.name ? -1 : 1))
      .map((b) => ({ Name: b.name, CreationDate: new Date(b.creationDate) }));
    return { Buckets: buckets, Owner: { DisplayName: acct.alias ?? acct.name, ID: canonicalId(acct.id) } };
  },
};

export function canonicalId(accountId: string): string {
  return createHash('sha256').update('canonical:' + accountId).digest('hex');
}

const createBucket: OpDef = {
  run(ctx) {
    ctx.action = 's3:CreateBucket';
    const name = str(ctx.input, 'Bucket') ?? '';
    const arn = bucketArn(name);
    ctx.resources.push(arn);
    if (!BUCKET_RE.test(name) || name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) throw awsError('InvalidBucketName', 400, 'The specified bucket is not valid.');
    authorize(ctx, 's3:CreateBucket', arn, { deny: { style: 's3' } });
    const existing = ctx.w.st.buckets[name];
    if (existing) {
      if (existing.owner === ctx.actor.account.id)
        throw awsError('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.');
      throw awsError('BucketAlreadyExists', 409, 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.');
    }
    const cfg = ctx.input['CreateBucketConfiguration'] as Record<string, unknown> | undefined;
    const region = (cfg?.['LocationConstraint'] as string | undefined) ?? ctx.env.region;
    ctx.w.st.buckets[name] = { name, owner: ctx.actor.account.id, region, creationDate: ctx.now.toISOString(), objects: {} };
    return { Location: `/${name}` };
  },
};

const deleteBucket: OpDef = {
  run(ctx) {
    ctx.action = 's3:DeleteBucket';
    const b = bucketOf(ctx);
    az(ctx, 's3:DeleteBucket', b, bucketArn(b.name));
    if (Object.keys(b.objects).length) throw awsError('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty');
    delete ctx.w.st.buckets[b.name];
    return {};
  },
};

const headBucket: OpDef = {
  run(ctx) {
    ctx.action = 's3:ListBucket';
    const b = bucketOf(ctx);
    az(ctx, 's3:ListBucket', b, bucketArn(b.name));
    return { BucketRegion: b.region };
  },
};

const listObjectsV2: OpDef = {
  run(ctx) {
    ctx.action = 's3:ListBucket';
    const b = bucketOf(ctx);
    const prefix = str(ctx.input, 'Prefix') ?? '';
    const delimiter = str(ctx.input, 'Delimiter');
    const maxKeys = Math.max(0, Math.min(1000, num(ctx.input, 'MaxKeys') ?? 1000));
    const extra: ContextValues = { 's3:prefix': prefix, 's3:max-keys': String(maxKeys) };
    if (delimiter !== undefined) extra['s3:delimiter'] = delimiter;
    az(ctx, 's3:ListBucket', b, bucketArn(b.name), extra);
    const token = str(ctx.input, 'ContinuationToken');
    const startAfter = token !== undefined ? Buffer.from(token, 'base64url').toString('utf8') : str(ctx.input, 'StartAfter') ?? '';
    const keys = Object.keys(b.objects)
      .filter((k) => k.startsWith(prefix) && k > startAfter)
      .sort();
    const contents: Array<Record<string, unknown>> = [];
    const prefixes = new Set<string>();
    let last = '';
    let truncated = false;
    for (const k of keys) {
      if (contents.length + prefixes.size >= maxKeys) {
        truncated = true;
        break;
      }
      if (delimiter) {
        const i = k.indexOf(delimiter, prefix.length);
        if (i >= 0) {
          prefixes.add(k.slice(0, i + delimiter.length));
          last = k;
          continue;
        }
      }
      const o = b.objects[k]!;
      contents.push({ Key: o.key, LastModified: new Date(o.lastModified), ETag: o.etag, Size: o.size, StorageClass: 'STANDARD' });
      last = k;
    }
    const out: Record<string, unknown> = { IsTruncated: truncated };
    if (contents.length) out['Contents'] = contents;
    out['Name'] = b.name;
    out['Prefix'] = prefix;
    if (delimiter !== undefined) out['Delimiter'] = delimiter;
    out['MaxKeys'] = maxKeys;
    if (prefixes.size) out['CommonPrefixes'] = [...prefixes].map((p) => ({ Prefix: p }));
    out['KeyCount'] = contents.length + prefixes.size;
    if (token !== undefined) out['ContinuationToken'] = token;
    if (truncated) out['NextContinuationToken'] = Buffer.from(last, 'utf8').toString('base64url');
    if (str(ctx.input, 'StartAfter') !== undefined) out['StartAfter'] = str(ctx.input, 'StartAfter');
    return out;
  },
};

const getObject: OpDef = {
  run(ctx) {
    ctx.action = 's3:GetObject';
    const b = bucketOf(ctx);
    const key = str(ctx.input, 'Key') ?? '';
    az(ctx, 's3:GetObject', b, objectArn(b.name, key));
    const o = b.objects[key];
    if (!o) missingKey(ctx, b, awsError('AccessDenied', 403, 'Access Denied'), awsError('NoSuchKey', 404, 'The specified key does not exist.'));
    const body = Buffer.from(o.body, 'base64');
    return {
      Body: new Uint8Array(body),
      AcceptRanges: 'bytes',
      LastModified: new Date(o.lastModified),
      ContentLength: o.size,
      ETag: o.etag,
      ContentType: o.contentType,
    };
  },
};

/**
 * A missing key: without s3:ListBucket S3 answers 403 rather than revealing that the key is
 * missing; with it, 404. The ListBucket probe never replaces the call's own explanation.
 */
function missingKey(ctx: OpCtx, b: BucketState, denied: Error, notFound: Error): never {
  const saved = ctx.explanation;
  try {
    az(ctx, 's3:ListBucket', b, bucketArn(b.name));
  } catch {
    ctx.explanation = saved;
    throw denied;
  }
  ctx.explanation = saved;
  throw notFound;
}

const headObject: OpDef = {
  run(ctx) {
    ctx.action = 's3:GetObject';
    const b = bucketOf(ctx);
    const key = str(ctx.input, 'Key') ?? '';
    // HEAD has no body: S3 answers 404 "Not Found" / 403 "Forbidden" (no error document).
    try {
      az(ctx, 's3:GetObject', b, objectArn(b.name, key));
    } catch {
      throw awsError('Forbidden', 403, 'Forbidden');
    }
    const o = b.objects[key];
    if (!o) missingKey(ctx, b, awsError('Forbidden', 403, 'Forbidden'), awsError('NotFound', 404, 'Not Found'));
    return { AcceptRanges: 'bytes', LastModified: new Date(o.lastModified), ContentLength: o.size, ETag: o.etag, ContentType: o.contentType };
  },
};

const getBucketLocation: OpDef = {
  run(ctx) {
    ctx.action = 's3:GetBucketLocation';
    const b = bucketOf(ctx);
    az(ctx, 's3:GetBucketLocation', b, bucketArn(b.name));
    // us-east-1 buckets report an empty (null) LocationConstraint.
    return b.region === 'us-east-1' ? {} : { LocationConstraint: b.region };
  },
};

function bodyBytes(v: unknown): Buffer {
  if (v === undefined || v === null) return Buffer.alloc(0);
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return Buffer.from(v);
  throw awsError('InvalidArgument', 400, 'Body must be a string or bytes.');
}

const putObject: OpDef = {
  run(ctx) {
    ctx.action = 's3:PutObject';
    const b = bucketOf(ctx);
    const key = str(ctx.input, 'Key') ?? '';
    if (!key) throw awsError('InvalidArgument', 400, 'Key must not be empty.');
    az(ctx, 's3:PutObject', b, objectArn(b.name, key));
    const body = bodyBytes(ctx.input['Body']);
    const etag = '"' + createHash('md5').update(body).digest('hex') + '"';
    b.objects[key] = {
      key,
      body: body.toString('base64'),
      contentType: str(ctx.input, 'ContentType') ?? 'binary/octet-stream',
      lastModified: ctx.now.toISOString(),
      etag,
      size: body.length,
    };
    ctx.auditExtra = { bytes: body.length };
    return { ETag: etag };
  },
};

const deleteObject: OpDef = {
  run(ctx) {
    ctx.action = 's3:DeleteObject';
    const b = bucketOf(ctx);
    const key = str(ctx.input, 'Key') ?? '';
    az(ctx, 's3:DeleteObject', b, objectArn(b.name, key));
    delete b.objects[key];
    return {};
  },
};

/**
 * Bucket policy operations: only identities of the bucket owner's account may call them (others
 * get 405 MethodNotAllowed), and the owner's root user always may, even when the bucket policy
 * denies it — so a locked bucket can be recovered (S3 User Guide, bucket policies).
 */
function azBucketPolicy(ctx: OpCtx, action: string, b: BucketState): void {
  if (ctx.actor.account.id !== b.owner) {
    // "If you don't have PutBucketPolicy permissions, Amazon S3 returns a 403 Access Denied error. If you
    // have the correct permissions, but you're not using an identity that belongs to the bucket owner's
    // account, Amazon S3 returns a 405 Method Not Allowed error."
    az(ctx, action, b, bucketArn(b.name));
    throw awsError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
  }
  if (ctx.actor.principal.type === 'Account') {
    ctx.resources.push(bucketArn(b.name));
    ctx.recipient = b.owner;
    authorize(ctx, action, bucketArn(b.name), { resourceAccount: b.owner, deny: { style: 's3' } }); // root of the owner: allowed, bucket policy not consulted
    return;
  }
  az(ctx, action, b, bucketArn(b.name));
}

const getBucketPolicy: OpDef = {
  run(ctx) {
    ctx.action = 's3:GetBucketPolicy';
    const b = bucketOf(ctx);
    azBucketPolicy(ctx, 's3:GetBucketPolicy', b);
    if (!b.policy) throw awsError('NoSuchBucketPolicy', 404, 'The bucket policy does not exist');
    return { Policy: b.policy };
  },
};

const putBucketPolicy: OpDef = {
  run(ctx) {
    ctx.action = 's3:PutBucketPolicy';
    const b = bucketOf(ctx);
    azBucketPolicy(ctx, 's3:PutBucketPolicy', b);
    const text = str(ctx.input, 'Policy');
    if (!text) throw awsError('MalformedPolicy', 400, 'Policies must be valid JSON and the first byte must be \'{\'');
    try {
      validateOrThrow(text, 'resource', { principalExists: principalExistsIn(ctx.w) });
    } catch (e) {
      const aws = (e as { aws?: { code: string; message: string; position?: { line: number; column: number } } }).aws;
      if (!aws) throw e;
      // S3 reports policy problems as MalformedPolicy (400) with its own texts for principals.
      const msg = aws.message.startsWith('Invalid principal') ? 'Invalid principal in policy' : aws.message;
      throw awsError('MalformedPolicy', 400, msg, aws.position ? { position: aws.position } : {});
    }
    if (text.length > 20 * 1024) throw awsError('PolicyTooLarge', 400, 'Policy exceeds the maximum allowed document size.');
    b.policy = text;
    return {};
  },
};

const deleteBucketPolicy: OpDef = {
  run(ctx) {
    ctx.action = 's3:DeleteBucketPolicy';
    const b = bucketOf(ctx);
    azBucketPolicy(ctx, 's3:DeleteBucketPolicy', b);
    delete b.policy;
    return {};
  },
};

export const S3_OPS: Record<string, OpDef> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  DeleteBucket: deleteBucket,
  HeadBucket: headBucket,
  ListObjectsV2: listObjectsV2,
  GetObject: getObject,
  HeadObject: headObject,
  GetBucketLocation: getBucketLocation,
  PutObject: putObject,
  DeleteObject: deleteObject,
  GetBucketPolicy: getBucketPolicy,
  PutBucketPolicy: putBucketPolicy,
  DeleteBucketPolicy: deleteBucketPolicy,
};
