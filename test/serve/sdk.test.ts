// The real contract: the AWS SDK v3 clients (sts, iam, s3, ec2) against `iamlab serve` on an
// ephemeral loopback port, allowed and denied, asserting parsed outputs, error names, codes,
// faults and HTTP statuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import {
  IAMClient,
  CreateRoleCommand,
  GetRoleCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  GetRolePolicyCommand,
  CreatePolicyCommand,
  GetPolicyVersionCommand,
  ListAttachedRolePoliciesCommand,
  DeleteRoleCommand,
  GetUserCommand,
} from '@aws-sdk/client-iam';
import {
  S3Client,
  ListBucketsCommand,
  ListObjectsV2Command,
  GetObjectCommand,
  PutObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketPolicyCommand,
  GetBucketPolicyCommand,
  DeleteBucketPolicyCommand,
  HeadBucketCommand,
  DeleteBucketCommand,
  ListObjectsCommand,
} from '@aws-sdk/client-s3';
import { EC2Client, DescribeInstancesCommand, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { startFixture, clientConfig, trustFor, ACCOUNT, type Fixture } from './fixture.js';
import { NodeSha256 } from '../../src/serve/sigv4.js';
import type { Credentials } from '../../src/backend/types.js';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.server.close();
});

interface SdkError {
  name: string;
  message: string;
  Code?: string;
  Type?: string;
  $fault: string;
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

async function fails(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  assert.fail('expected the call to fail');
}

const sts = (c: Credentials, extra?: Record<string, unknown>) => new STSClient(clientConfig(f, c, extra));
const iam = (c: Credentials, extra?: Record<string, unknown>) => new IAMClient(clientConfig(f, c, extra));
const s3 = (c: Credentials, extra?: Record<string, unknown>) => new S3Client(clientConfig(f, c, extra));
const ec2 = (c: Credentials, extra?: Record<string, unknown>) => new EC2Client(clientConfig(f, c, extra));

async function assumeReader(session = 'lab', DurationSeconds = 900): Promise<Credentials> {
  const out = await sts(f.alice).send(new AssumeRoleCommand({ RoleArn: f.readerRoleArn, RoleSessionName: session, DurationSeconds }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

test('GetCallerIdentity as an IAM user: parsed output and request id', async () => {
  const out = await sts(f.alice).send(new GetCallerIdentityCommand({}));
  assert.equal(out.Arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
  assert.equal(out.Account, ACCOUNT);
  assert.match(out.UserId!, /^AIDA[A-Z0-9]{17}$/);
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.ok(out.$metadata.requestId, 'x-amzn-RequestId header parsed');
});

test('ListBuckets as a user without policies: AccessDenied 403', async () => {
  const e = await fails(s3(f.alice).send(new ListBucketsCommand({})));
  assert.equal(e.name, 'AccessDenied');
  assert.equal(e.Code, 'AccessDenied');
  assert.equal(e.$fault, 'client');
  assert.equal(e.$metadata.httpStatusCode, 403);
  assert.match(e.message, /s3:ListAllMyBuckets/);
});

test('DescribeInstances as a user without policies: UnauthorizedOperation 403', async () => {
  const e = await fails(ec2(f.alice).send(new DescribeInstancesCommand({})));
  assert.equal(e.name, 'UnauthorizedOperation');
  assert.equal(e.$metadata.httpStatusCode, 403);
  assert.match(e.message, /not authorized to perform this operation/);
});

test('AssumeRole, then GetCallerIdentity as the role session, ListBuckets allowed, PutObject and DescribeInstances denied', async () => {
  const out = await sts(f.alice).send(new AssumeRoleCommand({ RoleArn: f.readerRoleArn, RoleSessionName: 'lab', DurationSeconds: 900 }));
  assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
  assert.ok(out.Credentials!.Expiration instanceof Date);
  assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/s3-reader/lab`);
  assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z0-9]{17}:lab$/);
  const session: Credentials = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };

  const who = await sts(session).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/s3-reader/lab`);
  assert.equal(who.UserId, out.AssumedRoleUser!.AssumedRoleId);

  const buckets = await s3(session).send(new ListBucketsCommand({}));
  assert.deepEqual(buckets.Buckets!.map((b) => b.Name), ['lab-bucket']);
  assert.ok(buckets.Buckets![0]!.CreationDate instanceof Date);

  const list = await s3(session).send(new ListObjectsV2Command({ Bucket: 'lab-bucket' }));
  assert.deepEqual(list.Contents!.map((c) => [c.Key, c.Size]), [['hello.txt', 18]]);
  assert.equal(list.KeyCount, 1);
  const obj = await s3(session).send(new GetObjectCommand({ Bucket: 'lab-bucket', Key: 'hello.txt' }));
  assert.equal(await obj.Body!.transformToString(), 'hello from the lab');

  const put = await fails(s3(session).send(new PutObjectCommand({ Bucket: 'lab-bucket', Key: 'x.txt', Body: 'nope' })));
  assert.equal(put.name, 'AccessDenied');
  assert.equal(put.$metadata.httpStatusCode, 403);
  const d = await fails(ec2(session).send(new DescribeInstancesCommand({})));
  assert.equal(d.name, 'UnauthorizedOperation');
});

test('AssumeRole by a user the trust policy does not name: AccessDenied with AWS wording', async () => {
  const e = await fails(sts(f.bob).send(new AssumeRoleCommand({ RoleArn: f.readerRoleArn, RoleSessionName: 'bob' })));
  assert.equal(e.name, 'AccessDenied');
  assert.equal(e.Type, 'Sender');
  assert.equal(e.$metadata.httpStatusCode, 403);
  assert.match(e.message, new RegExp(`^User: arn:aws:iam::${ACCOUNT}:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/s3-reader`));
});

test('AssumeRole validation errors come back as ValidationError 400', async () => {
  const e = await fails(sts(f.alice).send(new AssumeRoleCommand({ RoleArn: f.readerRoleArn, RoleSessionName: 'x' })));
  assert.equal(e.name, 'ValidationError');
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.match(e.message, /roleSessionName/);
  const d = await fails(sts(f.alice).send(new AssumeRoleCommand({ RoleArn: f.readerRoleArn, RoleSessionName: 'ok-name', DurationSeconds: 100 })));
  assert.equal(d.name, 'ValidationError');
  assert.match(d.message, /durationSeconds/);
});

test('CreateRole with a bad trust policy: MalformedPolicyDocument 400', async () => {
  const e = await fails(iam(f.root).send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: trustFor(`arn:aws:iam::${ACCOUNT}:user/nobody`) })));
  assert.equal(e.name, 'MalformedPolicyDocumentException');
  assert.equal(e.Code, 'MalformedPolicyDocument');
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.match(e.message, /Invalid principal in policy/);
  const j = await fails(iam(f.root).send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": [' })));
  assert.equal(j.Code, 'MalformedPolicyDocument');
});

test('GetRole / ListRoles / GetRolePolicy / GetPolicyVersion: policy documents arrive URL-encoded and decode to the JSON', async () => {
  const got = await iam(f.root).send(new GetRoleCommand({ RoleName: 's3-reader' }));
  assert.match(got.Role!.AssumeRolePolicyDocument!, /^%7B%22Version%22/);
  assert.deepEqual(JSON.parse(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)), JSON.parse(trustFor(`arn:aws:iam::${ACCOUNT}:user/alice`)));
  assert.ok(got.Role!.CreateDate instanceof Date);
  assert.equal(got.Role!.MaxSessionDuration, 3600);

  const roles = await iam(f.root).send(new ListRolesCommand({}));
  const listed = roles.Roles!.find((r) => r.RoleName === 's3-reader')!;
  assert.equal(listed.AssumeRolePolicyDocument, got.Role!.AssumeRolePolicyDocument);

  const inline = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoPut', Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::lab-bucket/a b & c/*' }] });
  await iam(f.root).send(new PutRolePolicyCommand({ RoleName: 's3-reader', PolicyName: 'no-put', PolicyDocument: inline }));
  const rp = await iam(f.root).send(new GetRolePolicyCommand({ RoleName: 's3-reader', PolicyName: 'no-put' }));
  assert.deepEqual(JSON.parse(decodeURIComponent(rp.PolicyDocument!)), JSON.parse(inline));

  const attached = await iam(f.root).send(new ListAttachedRolePoliciesCommand({ RoleName: 's3-reader' }));
  assert.deepEqual(attached.AttachedPolicies!.map((p) => p.PolicyName), ['AmazonS3ReadOnlyAccess']);

  const pol = await iam(f.root).send(new CreatePolicyCommand({ PolicyName: 'list-only', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] }) }));
  const v = await iam(f.root).send(new GetPolicyVersionCommand({ PolicyArn: pol.Policy!.Arn, VersionId: 'v1' }));
  assert.equal(JSON.parse(decodeURIComponent(v.PolicyVersion!.Document!)).Statement[0].Action, 's3:ListAllMyBuckets');
  assert.equal(v.PolicyVersion!.IsDefaultVersion, true);
});

test('IAM errors keep their modelled names: NoSuchEntity 404, DeleteConflict 409', async () => {
  const e = await fails(iam(f.root).send(new GetUserCommand({ UserName: 'nobody' })));
  assert.equal(e.name, 'NoSuchEntityException');
  assert.equal(e.Code, 'NoSuchEntity');
  assert.equal(e.$metadata.httpStatusCode, 404);
  const d = await fails(iam(f.root).send(new DeleteRoleCommand({ RoleName: 's3-reader' })));
  assert.equal(d.Code, 'DeleteConflict');
  assert.equal(d.$metadata.httpStatusCode, 409);
});

test('DescribeInstances as root: reservations, instances and tags parse', async () => {
  const out = await ec2(f.root).send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }));
  const inst = out.Reservations![0]!.Instances![0]!;
  assert.equal(inst.InstanceId, 'i-0123456789abcdef0');
  assert.equal(inst.State!.Name, 'running');
  assert.equal(inst.State!.Code, 16);
  assert.deepEqual(inst.Tags, [{ Key: 'Name', Value: 'web' }]);
  assert.ok(inst.LaunchTime instanceof Date);
  const none = await ec2(f.root).send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] }));
  assert.deepEqual(none.Reservations, []);
});

test('wrong secret: SignatureDoesNotMatch per service', async () => {
  const bad = { ...f.alice, secretAccessKey: 'not-the-secret' };
  const a = await fails(sts(bad).send(new GetCallerIdentityCommand({})));
  assert.equal(a.name, 'SignatureDoesNotMatch');
  assert.equal(a.$metadata.httpStatusCode, 403);
  assert.match(a.message, /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key/);
  const b = await fails(s3(bad).send(new ListBucketsCommand({})));
  assert.equal(b.name, 'SignatureDoesNotMatch');
  assert.equal(b.$metadata.httpStatusCode, 403);
  assert.match(b.message, /Check your key and signing method\.$/);
  const c = await fails(ec2(bad).send(new DescribeInstancesCommand({})));
  assert.equal(c.name, 'SignatureDoesNotMatch');
  const d = await fails(iam(bad).send(new GetUserCommand({})));
  assert.equal(d.name, 'SignatureDoesNotMatch');
});

test('unknown access key: InvalidClientTokenId / InvalidAccessKeyId / AuthFailure', async () => {
  const ghost = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const a = await fails(sts(ghost).send(new GetCallerIdentityCommand({})));
  assert.equal(a.name, 'InvalidClientTokenId');
  assert.equal(a.message, 'The security token included in the request is invalid');
  assert.equal(a.$metadata.httpStatusCode, 403);
  const b = await fails(s3(ghost).send(new ListBucketsCommand({})));
  assert.equal(b.name, 'InvalidAccessKeyId');
  assert.equal(b.$metadata.httpStatusCode, 403);
  const c = await fails(ec2(ghost).send(new DescribeInstancesCommand({})));
  assert.equal(c.name, 'AuthFailure');
  assert.equal(c.$metadata.httpStatusCode, 401);
});

test('session token tampered or missing: InvalidClientTokenId', async () => {
  const s = await assumeReader('tok');
  const a = await fails(sts({ ...s, sessionToken: s.sessionToken!.slice(0, -4) + 'AAAA' }).send(new GetCallerIdentityCommand({})));
  assert.equal(a.name, 'InvalidClientTokenId');
  const { sessionToken: _drop, ...noToken } = s;
  const b = await fails(sts(noToken).send(new GetCallerIdentityCommand({})));
  assert.equal(b.name, 'InvalidClientTokenId');
});

test('expired session: ExpiredToken (STS 403, S3 400), EC2 RequestExpired', async () => {
  const s = await assumeReader('short');
  f.world.clock.advance(16 * 60 * 1000);
  try {
    const a = await fails(sts(s).send(new GetCallerIdentityCommand({})));
    assert.equal(a.name, 'ExpiredToken');
    assert.equal(a.message, 'The security token included in the request is expired');
    assert.equal(a.$metadata.httpStatusCode, 403);
    const b = await fails(s3(s).send(new ListBucketsCommand({})));
    assert.equal(b.name, 'ExpiredToken');
    assert.equal(b.$metadata.httpStatusCode, 400);
    const c = await fails(ec2(s).send(new DescribeInstancesCommand({})));
    assert.equal(c.name, 'RequestExpired');
  } finally {
    f.world.clock.advance(-16 * 60 * 1000);
  }
});

test('client clock 20 minutes slow: rejected with the AWS skew errors (STS wording, S3 RequestTimeTooSkewed)', async () => {
  const offset = -20 * 60 * 1000;
  const a = await fails(sts(f.alice, { systemClockOffset: offset }).send(new GetCallerIdentityCommand({})));
  assert.equal(a.name, 'SignatureDoesNotMatch');
  assert.equal(a.$metadata.httpStatusCode, 403);
  assert.match(a.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  const b = await fails(s3(f.alice, { systemClockOffset: offset }).send(new ListBucketsCommand({})));
  assert.equal(b.name, 'RequestTimeTooSkewed');
  assert.equal(b.$metadata.httpStatusCode, 403);
  const c = await fails(sts(f.alice, { systemClockOffset: 20 * 60 * 1000 }).send(new GetCallerIdentityCommand({})));
  assert.match(c.message, /^Signature not yet current: /);
  // 14 minutes off is still accepted
  const ok = await sts(f.alice, { systemClockOffset: -14 * 60 * 1000 }).send(new GetCallerIdentityCommand({}));
  assert.equal(ok.Arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
});

test('server clock 20 minutes ahead: SDK v3 re-syncs from the Date header and succeeds on attempt 2', async () => {
  const skewed = await startFixture({ now: () => new Date(Date.now() + 20 * 60 * 1000) });
  try {
    const cfg = (c: Credentials, extra: Record<string, unknown>) => clientConfig(skewed, c, extra);
    const a = await fails(new STSClient(cfg(skewed.alice, { maxAttempts: 1 })).send(new GetCallerIdentityCommand({})));
    assert.equal(a.name, 'SignatureDoesNotMatch');
    const ok = await new STSClient(cfg(skewed.alice, { maxAttempts: 3 })).send(new GetCallerIdentityCommand({}));
    assert.equal(ok.$metadata.attempts, 2);
    const ok3 = await new S3Client(cfg(skewed.root, { maxAttempts: 3 })).send(new ListBucketsCommand({}));
    assert.equal(ok3.$metadata.attempts, 2);
  } finally {
    await skewed.server.close();
  }
});

test('the world clock is virtual: moving it does not touch the Date header or the skew check', async () => {
  f.world.clock.advance(-3 * 86_400_000);
  try {
    const again = await sts(f.alice).send(new GetCallerIdentityCommand({}));
    assert.equal(again.$metadata.attempts, 1);
  } finally {
    f.world.clock.advance(3 * 86_400_000);
  }
});

test('body tampered after signing: SignatureDoesNotMatch (STS), XAmzContentSHA256Mismatch (S3)', async () => {
  type Handler = (args: { request: unknown }) => Promise<unknown>;
  type Stack = { add(mw: (next: Handler) => Handler, o: { step: 'finalizeRequest'; priority: 'low'; name: string }): void };
  const tamper = (client: { middlewareStack: unknown }) =>
    (client.middlewareStack as Stack).add(
      (next) => async (args) => {
        const req = args.request as { body?: unknown };
        if (typeof req.body === 'string') req.body = req.body.replace('GetCallerIdentity', 'GetCallerIdentitY').replace('hello', 'HELLO');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamperAfterSigning' },
    );
  const c1 = sts(f.alice);
  tamper(c1);
  const a = await fails(c1.send(new GetCallerIdentityCommand({})));
  assert.equal(a.name, 'SignatureDoesNotMatch');
  const c2 = s3(f.root, { requestChecksumCalculation: 'WHEN_REQUIRED' });
  tamper(c2);
  const b = await fails(c2.send(new PutObjectCommand({ Bucket: 'lab-bucket', Key: 't.txt', Body: 'hello' })));
  assert.equal(b.name, 'XAmzContentSHA256Mismatch');
  assert.equal(b.$metadata.httpStatusCode, 400);
});

test('S3 object lifecycle as root: string and streamed (aws-chunked) uploads, listing, delete, bucket policy, HeadBucket', async () => {
  const c = s3(f.root);
  await c.send(new CreateBucketCommand({ Bucket: 'work-bucket' }));
  await c.send(new PutObjectCommand({ Bucket: 'work-bucket', Key: 'dir/a b+c.txt', Body: 'string body', ContentType: 'text/plain' }));
  const big = 'x'.repeat(70_000);
  const streamed = await c.send(new PutObjectCommand({ Bucket: 'work-bucket', Key: 'stream.txt', Body: Readable.from([Buffer.from(big)]), ContentLength: big.length }));
  assert.match(streamed.ETag!, /^"[0-9a-f]{32}"$/);
  const got = await c.send(new GetObjectCommand({ Bucket: 'work-bucket', Key: 'stream.txt' }));
  assert.equal((await got.Body!.transformToString()).length, big.length);
  const g2 = await c.send(new GetObjectCommand({ Bucket: 'work-bucket', Key: 'dir/a b+c.txt' }));
  assert.equal(g2.ContentType, 'text/plain');
  assert.equal(await g2.Body!.transformToString(), 'string body');

  const l = await c.send(new ListObjectsV2Command({ Bucket: 'work-bucket', Delimiter: '/' }));
  assert.deepEqual(l.Contents!.map((x) => x.Key), ['stream.txt']);
  assert.deepEqual(l.CommonPrefixes, [{ Prefix: 'dir/' }]);
  const v1 = await c.send(new ListObjectsCommand({ Bucket: 'work-bucket', Prefix: 'dir/' }));
  assert.deepEqual(v1.Contents!.map((x) => x.Key), ['dir/a b+c.txt']);

  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::work-bucket' }],
  });
  await c.send(new PutBucketPolicyCommand({ Bucket: 'work-bucket', Policy: policy }));
  assert.deepEqual(JSON.parse((await c.send(new GetBucketPolicyCommand({ Bucket: 'work-bucket' }))).Policy!), JSON.parse(policy));
  // the bucket policy alone lets bob list (same account, resource-based grant)
  const bobList = await s3(f.bob).send(new ListObjectsV2Command({ Bucket: 'work-bucket' }));
  assert.equal(bobList.KeyCount, 2);
  await c.send(new DeleteBucketPolicyCommand({ Bucket: 'work-bucket' }));
  const denied = await fails(s3(f.bob).send(new ListObjectsV2Command({ Bucket: 'work-bucket' })));
  assert.equal(denied.name, 'AccessDenied');

  const head = await c.send(new HeadBucketCommand({ Bucket: 'work-bucket' }));
  assert.equal(head.$metadata.httpStatusCode, 200);
  const missing = await fails(c.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-here' })));
  assert.equal(missing.$metadata.httpStatusCode, 404);
  const nsb = await fails(c.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket-here' })));
  assert.equal(nsb.name, 'NoSuchBucket');
  const nsk = await fails(c.send(new GetObjectCommand({ Bucket: 'work-bucket', Key: 'nope' })));
  assert.equal(nsk.name, 'NoSuchKey');

  await c.send(new DeleteObjectCommand({ Bucket: 'work-bucket', Key: 'stream.txt' }));
  await c.send(new DeleteObjectCommand({ Bucket: 'work-bucket', Key: 'dir/a b+c.txt' }));
  await c.send(new DeleteBucketCommand({ Bucket: 'work-bucket' }));
  const gone = await c.send(new ListBucketsCommand({}));
  assert.deepEqual(gone.Buckets!.map((b) => b.Name), ['lab-bucket']);
});

async function presign(creds: Credentials, path: string, opts: { expiresIn?: number; signingDate?: Date } = {}): Promise<string> {
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 's3', sha256: NodeSha256, uriEscapePath: false });
  const u = new URL(f.url);
  const pre = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path, query: { 'x-id': 'GetObject' }, headers: { host: u.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    { expiresIn: opts.expiresIn ?? 300, signingDate: opts.signingDate, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
  );
  const qs = Object.entries(pre.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${f.url}${path}?${qs}`;
}

test('SigV4 presigned GET (long-term and session credentials); tampered and expired URLs are refused', async () => {
  const r = await fetch(await presign(f.root, '/lab-bucket/hello.txt'));
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'hello from the lab');
  const session = await assumeReader('presign');
  const r2 = await fetch(await presign(session, '/lab-bucket/hello.txt'));
  assert.equal(r2.status, 200);
  const tampered = (await presign(f.root, '/lab-bucket/hello.txt')).replace('/hello.txt', '/other.txt');
  const r3 = await fetch(tampered);
  assert.equal(r3.status, 403);
  assert.match(await r3.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  const expired = await presign(f.root, '/lab-bucket/hello.txt', { expiresIn: 60, signingDate: new Date(Date.now() - 10 * 60_000) });
  const r4 = await fetch(expired);
  assert.equal(r4.status, 403);
  assert.match(await r4.text(), /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
});

test('responses carry x-amzn-RequestId / x-amz-request-id, x-amz-id-2 and a real-clock Date header', async () => {
  f.world.clock.advance(-400 * 86_400_000); // the world's clock must not leak into Date
  try {
    const r = await fetch(`${f.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    assert.equal(r.status, 403);
    assert.ok(r.headers.get('x-amzn-requestid'));
    const date = Date.parse(r.headers.get('date')!);
    assert.ok(Math.abs(date - Date.now()) < 5000, 'Date header is the real time');
    assert.match(await r.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    const g = await s3(f.root).send(new ListBucketsCommand({}));
    assert.ok(g.$metadata.requestId);
    assert.ok(g.$metadata.extendedRequestId, 'x-amz-id-2');
  } finally {
    f.world.clock.advance(400 * 86_400_000);
  }
});

test('calls through the endpoint land in the world audit log as via serve, and notify onChange', async () => {
  const before = f.changes.n;
  await sts(f.alice).send(new AssumeRoleCommand({ RoleArn: f.readerRoleArn, RoleSessionName: 'audited' }));
  await fails(sts(f.bob).send(new AssumeRoleCommand({ RoleArn: f.readerRoleArn, RoleSessionName: 'audited' })));
  assert.ok(f.changes.n >= before + 2);
  const events = f.world.audit.events().filter((e) => e.eventName === 'AssumeRole' && e.via === 'serve' && (e.requestParameters as { roleSessionName?: string; RoleSessionName?: string }) !== undefined);
  const ok = events.find((e) => e.outcome === 'success' && e.userIdentity.userName === 'alice');
  const no = events.find((e) => e.outcome === 'failure' && e.userIdentity.userName === 'bob');
  assert.ok(ok, 'alice AssumeRole recorded');
  assert.ok(no, 'bob AssumeRole recorded');
  assert.equal(no!.errorCode, 'AccessDenied');
  assert.equal(ok!.awsRegion, 'us-east-1');
});

test('region comes from the credential scope (eu-west-1 for IAM)', async () => {
  const out = await new IAMClient({ ...clientConfig(f, f.root), region: 'eu-west-1' }).send(new GetRoleCommand({ RoleName: 's3-reader' }));
  assert.equal(out.Role!.RoleName, 's3-reader');
  const ev = f.world.audit.events().filter((e) => e.eventName === 'GetRole' && e.via === 'serve');
  assert.equal(ev[ev.length - 1]!.awsRegion, 'eu-west-1');
});

test('query services over GET: a presigned STS GetCallerIdentity URL (the EKS/Vault pattern) verifies and answers', async () => {
  const signer = new SignatureV4({ credentials: f.alice, region: 'us-east-1', service: 'sts', sha256: NodeSha256 });
  const u = new URL(f.url);
  const pre = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: u.host } },
    { expiresIn: 60 },
  );
  const qs = Object.entries(pre.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const r = await fetch(`${f.url}/?${qs}`);
  assert.equal(r.status, 200);
  const body = await r.text();
  assert.match(body, /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
  assert.match(body, new RegExp(`<Arn>arn:aws:iam::${ACCOUNT}:user/alice</Arn>`));
  const tampered = await fetch(`${f.url}/?${qs.replace('GetCallerIdentity', 'GetSessionToken')}`);
  assert.equal(tampered.status, 403);
  assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('StopInstances / StartInstances: state changes parse and stick; a user without policies gets UnauthorizedOperation', async () => {
  const id = 'i-0123456789abcdef0';
  const stop = await ec2(f.root).send(new StopInstancesCommand({ InstanceIds: [id] }));
  assert.deepEqual(
    stop.StoppingInstances!.map((x) => [x.InstanceId, x.PreviousState!.Name, x.CurrentState!.Name]),
    [[id, 'running', 'stopping']],
  );
  const stopped = await ec2(f.root).send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] }));
  assert.equal(stopped.Reservations![0]!.Instances![0]!.InstanceId, id);
  const e = await fails(ec2(f.alice).send(new StartInstancesCommand({ InstanceIds: [id] })));
  assert.equal(e.name, 'UnauthorizedOperation');
  assert.equal(e.$metadata.httpStatusCode, 403);
  const start = await ec2(f.root).send(new StartInstancesCommand({ InstanceIds: [id] }));
  assert.deepEqual(start.StartingInstances!.map((x) => [x.PreviousState!.Name, x.CurrentState!.Name, x.CurrentState!.Code]), [['stopped', 'pending', 0]]);
  // starting a running instance changes nothing, and says so
  const again = await ec2(f.root).send(new StartInstancesCommand({ InstanceIds: [id] }));
  assert.deepEqual(again.StartingInstances!.map((x) => [x.PreviousState!.Name, x.CurrentState!.Name]), [['running', 'running']]);
});
