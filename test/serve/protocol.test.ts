// Unit tests of the wire layer against hand-built requests: query/ec2 decoding, XML
// serialization, error envelopes, the XML reader, SigV4 verification (with the SDK signer
// on the client side and AWS's published aws-chunked vector) and S3 routing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { decodeQueryInput, parseForm, serializeQueryResponse, serializeQueryError, encodePolicyDocument, DecodeError } from '../../src/serve/query.js';
import { parseXml, XmlParseError } from '../../src/serve/xml.js';
import { NodeSha256, parseSigV4, verifySigV4, parseQuery, decodeAwsChunked, skewProblem, isAuthProblem, type RawRequest, type SigV4Auth } from '../../src/serve/sigv4.js';
import { routeS3, splitS3Path, serializeS3, s3UrlEncode, S3RouteError } from '../../src/serve/s3.js';

const form = (s: string) => parseForm(s);

test('awsQuery: AssumeRole with every option decodes to API member names and typed values', () => {
  const body =
    'RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Flab-role&RoleSessionName=full&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess' +
    '&Policy=%7B%22Version%22%3A%222012-10-17%22%7D&DurationSeconds=900&Tags.member.1.Key=team&Tags.member.1.Value=a&Tags.member.2.Key=b&Tags.member.2.Value=2' +
    '&TransitiveTagKeys.member.1=team&ExternalId=xyz&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456&SourceIdentity=alice';
  const input = decodeQueryInput('sts', 'AssumeRole', form(body));
  assert.deepEqual(input, {
    RoleArn: 'arn:aws:iam::123456789012:role/lab-role',
    RoleSessionName: 'full',
    PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    Policy: '{"Version":"2012-10-17"}',
    DurationSeconds: 900,
    Tags: [
      { Key: 'team', Value: 'a' },
      { Key: 'b', Value: '2' },
    ],
    TransitiveTagKeys: ['team'],
    ExternalId: 'xyz',
    SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
    TokenCode: '123456',
    SourceIdentity: 'alice',
  });
});

test('awsQuery: list order follows the index numbers, empty list `Key=` is []', () => {
  const input = decodeQueryInput('iam', 'UntagRole', form('RoleName=r&TagKeys.member.10=j&TagKeys.member.2=b&TagKeys.member.1=a'));
  assert.deepEqual(input, { RoleName: 'r', TagKeys: ['a', 'b', 'j'] });
  assert.deepEqual(decodeQueryInput('iam', 'UntagRole', form('RoleName=r&TagKeys=')), { RoleName: 'r', TagKeys: [] });
});

test('awsQuery: a non-numeric integer member is a ValidationError, not NaN', () => {
  assert.throws(
    () => decodeQueryInput('sts', 'AssumeRole', form('RoleArn=x&RoleSessionName=s&DurationSeconds=abc')),
    (e: unknown) => e instanceof DecodeError && e.code === 'ValidationError' && /durationSeconds/.test(e.message),
  );
});

test('ec2Query: flattened lists with location names map to InstanceIds / Filters[].Values', () => {
  const input = decodeQueryInput(
    'ec2',
    'DescribeInstances',
    form('InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=instance-state-name&Filter.1.Value.1=running&Filter.1.Value.2=stopped&MaxResults=5&DryRun=false'),
  );
  assert.deepEqual(input, {
    InstanceIds: ['i-1', 'i-2'],
    DryRun: false,
    Filters: [{ Name: 'instance-state-name', Values: ['running', 'stopped'] }],
    MaxResults: 5,
  });
});

test('unknown operation is InvalidAction with AWS wording', () => {
  assert.throws(
    () => decodeQueryInput('iam', 'ListFoo', new Map()),
    (e: unknown) => e instanceof DecodeError && e.code === 'InvalidAction' && e.message === 'Could not find operation ListFoo for version 2010-05-08',
  );
});

test('malformed percent-encoding in a form body is MalformedQueryString', () => {
  assert.throws(() => parseForm('Action=GetRole&RoleName=%E0%A4%A'), (e: unknown) => e instanceof DecodeError && e.code === 'MalformedQueryString');
});

test('IAM GetRole serializes with Result wrapper, URL-encoded trust policy, second-precision dates, <member> lists', () => {
  const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}';
  const xml = serializeQueryResponse(
    'iam',
    'GetRole',
    {
      Role: {
        Path: '/',
        RoleName: 'lab-role',
        RoleId: 'AROAEXAMPLE',
        Arn: 'arn:aws:iam::123456789012:role/lab-role',
        CreateDate: new Date('2026-01-02T03:04:05.678Z'),
        AssumeRolePolicyDocument: doc,
        MaxSessionDuration: 3600,
        Tags: [{ Key: 'k', Value: 'v & <w>' }],
        RoleLastUsed: {},
      },
    },
    'req-1',
  );
  assert.equal(
    xml,
    '<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Path>/</Path><RoleName>lab-role</RoleName><RoleId>AROAEXAMPLE</RoleId>' +
      '<Arn>arn:aws:iam::123456789012:role/lab-role</Arn><CreateDate>2026-01-02T03:04:05Z</CreateDate>' +
      `<AssumeRolePolicyDocument>${encodePolicyDocument(doc)}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration>` +
      '<Tags><member><Key>k</Key><Value>v &amp; &lt;w&gt;</Value></member></Tags><RoleLastUsed></RoleLastUsed></Role></GetRoleResult>' +
      '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetRoleResponse>',
  );
  assert.equal(decodeURIComponent(encodePolicyDocument(doc)), doc);
  assert.match(encodePolicyDocument(doc), /^%7B%22Version%22%3A%222012-10-17%22/);
});

test('an operation without output members has no Result element', () => {
  assert.equal(
    serializeQueryResponse('iam', 'DeleteRole', {}, 'r'),
    '<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteRoleResponse>',
  );
});

test('IAM GetAccountSummary map serializes as entry/key/value', () => {
  const xml = serializeQueryResponse('iam', 'GetAccountSummary', { SummaryMap: { Users: 3, Roles: 2 } }, 'r');
  assert.match(xml, /<SummaryMap><entry><key>Users<\/key><value>3<\/value><\/entry><entry><key>Roles<\/key><value>2<\/value><\/entry><\/SummaryMap>/);
});

test('EC2 DescribeInstances: no Result wrapper, lowerCamel element names, <item> lists, requestId first', () => {
  const xml = serializeQueryResponse(
    'ec2',
    'DescribeInstances',
    {
      Reservations: [
        {
          ReservationId: 'r-0a',
          OwnerId: '123456789012',
          Instances: [{ InstanceId: 'i-0abc', State: { Code: 16, Name: 'running' }, LaunchTime: new Date('2026-01-01T00:00:00Z'), Tags: [{ Key: 'Name', Value: 'web' }] }],
        },
      ],
    },
    'rid',
  );
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>rid</requestId><reservationSet><item>'));
  assert.match(xml, /<reservationId>r-0a<\/reservationId><ownerId>123456789012<\/ownerId>/);
  assert.match(xml, /<instancesSet><item>.*<instanceId>i-0abc<\/instanceId>/);
  assert.match(xml, /<instanceState><code>16<\/code><name>running<\/name><\/instanceState>/);
  assert.match(xml, /<launchTime>2026-01-01T00:00:00.000Z<\/launchTime>/);
  assert.match(xml, /<tagSet><item><key>Name<\/key><value>web<\/value><\/item><\/tagSet>/);
  assert.doesNotMatch(xml, /Result>/);
});

test('error envelopes: query ErrorResponse with Type, EC2 Response/Errors with RequestID', () => {
  assert.equal(
    serializeQueryError('sts', 'AccessDenied', 'User: a is not authorized', 'Sender', 'id1'),
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: a is not authorized</Message></Error><RequestId>id1</RequestId></ErrorResponse>',
  );
  assert.equal(
    serializeQueryError('ec2', 'UnauthorizedOperation', 'You are not authorized to perform this operation.', 'Sender', 'id2'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>id2</RequestID></Response>',
  );
});

test('XML reader: parses S3 bodies, refuses DOCTYPE/entities, reports line:column', () => {
  const doc = parseXml('<?xml version="1.0"?>\n<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>');
  assert.equal(doc.name, 'CreateBucketConfiguration');
  assert.equal(doc.children[0]!.text, 'eu-west-1');
  assert.throws(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'), XmlParseError);
  assert.throws(() => parseXml('<a>\n  <b></c></a>'), (e: unknown) => e instanceof XmlParseError && e.line === 2);
  assert.throws(() => parseXml('<a>&bogus;</a>'), XmlParseError);
  assert.equal(parseXml('<a>x &amp; &#65;&#x42;</a>').text, 'x & AB');
});

// ---------------------------------------------------------------- SigV4

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

async function signed(opts: { method?: string; path?: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string; service?: string; region?: string; date?: Date; token?: string; secret?: string; applyChecksum?: boolean }): Promise<RawRequest> {
  const service = opts.service ?? 'sts';
  const signer = new SignatureV4({
    credentials: { ...CREDS, secretAccessKey: opts.secret ?? CREDS.secretAccessKey, sessionToken: opts.token },
    region: opts.region ?? 'us-east-1',
    service,
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
    applyChecksum: opts.applyChecksum ?? true,
  });
  const headers: Record<string, string> = { host: '127.0.0.1:4566', ...(opts.headers ?? {}) };
  const req = await signer.sign(
    { method: opts.method ?? 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: opts.path ?? '/', query: opts.query ?? {}, headers, body: opts.body },
    { signingDate: opts.date ?? new Date() },
  );
  const rawQuery = Object.entries(opts.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) lower[k.toLowerCase()] = v;
  return { method: req.method, rawPath: opts.path ?? '/', rawQuery, headers: lower, body: Buffer.from(opts.body ?? '') };
}

async function check(raw: RawRequest, secret = CREDS.secretAccessKey) {
  const q = parseQuery(raw.rawQuery);
  const auth = parseSigV4(raw, q);
  assert.ok(auth && !isAuthProblem(auth), 'auth parsed');
  return verifySigV4(raw, q, auth as SigV4Auth, secret);
}

test('SigV4: a request signed by the SDK signer verifies; region and service come from the scope', async () => {
  const raw = await signed({ body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'content-type': 'application/x-www-form-urlencoded' }, region: 'eu-west-1', service: 'iam' });
  const auth = parseSigV4(raw, parseQuery(raw.rawQuery)) as SigV4Auth;
  assert.equal(auth.region, 'eu-west-1');
  assert.equal(auth.service, 'iam');
  assert.equal((await check(raw)).ok, true);
});

test('SigV4: wrong secret, tampered body, header, path and query all fail', async () => {
  const base = { body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  assert.equal((await check(await signed(base), 'wrong')).ok, false);
  // CLI v1 style (no x-amz-content-sha256): the signature covers the body itself
  const raw = await signed({ ...base, applyChecksum: false });
  assert.equal(raw.headers['x-amz-content-sha256'], undefined);
  assert.equal((await check(raw)).ok, true);
  assert.equal((await check({ ...raw, body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-16') })).ok, false);
  assert.equal((await check({ ...raw, headers: { ...raw.headers, 'content-type': 'text/plain' } })).ok, false);
  const s3 = await signed({ method: 'GET', path: '/bucket/a%20b.txt', service: 's3', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  assert.equal((await check(s3)).ok, true);
  assert.equal((await check({ ...s3, rawPath: '/bucket/a%20c.txt' })).ok, false);
  const q = await signed({ method: 'GET', path: '/b', service: 's3', query: { 'list-type': '2', prefix: 'x' }, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  assert.equal((await check(q)).ok, true);
  assert.equal((await check({ ...q, rawQuery: 'list-type=2&prefix=y' })).ok, false);
});

test('SigV4: session token must be signed as sent', async () => {
  const raw = await signed({ body: 'Action=GetCallerIdentity&Version=2011-06-15', token: 'TOKEN1' });
  assert.equal(raw.headers['x-amz-security-token'], 'TOKEN1');
  assert.equal((await check(raw)).ok, true);
  assert.equal((await check({ ...raw, headers: { ...raw.headers, 'x-amz-security-token': 'TOKEN2' } })).ok, false);
});

test('SigV4: S3 keys with spaces, unicode and reserved characters verify (path not double-encoded)', async () => {
  for (const path of ['/lab-bucket/a%20b%2Bc.txt', '/lab-bucket/dir/%C3%BC%20%C3%B1/%E6%97%A5%E6%9C%AC.txt', "/lab-bucket/x~y%3Dz%2A%21%27%28%29%26%24%40%2C%3B%3A.txt", '/lab-bucket/..%252F..%252Fetc']) {
    const raw = await signed({ method: 'PUT', path, service: 's3', body: 'data', headers: { 'x-amz-content-sha256': '3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7' } });
    assert.equal((await check(raw)).ok, true, path);
  }
});

test('SigV4: presigned S3 GET verifies; tampering with the key fails', async () => {
  const signer = new SignatureV4({ credentials: CREDS, region: 'us-east-1', service: 's3', sha256: NodeSha256, uriEscapePath: false });
  const pre = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/lab-bucket/v1.txt', query: { 'x-id': 'GetObject' }, headers: { host: '127.0.0.1:4566', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    { expiresIn: 300, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
  );
  const rawQuery = Object.entries(pre.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const raw: RawRequest = { method: 'GET', rawPath: '/lab-bucket/v1.txt', rawQuery, headers: { host: '127.0.0.1:4566' }, body: Buffer.alloc(0) };
  const auth = parseSigV4(raw, parseQuery(rawQuery)) as SigV4Auth;
  assert.equal(auth.kind, 'query');
  assert.equal(auth.expires, 300);
  assert.equal((await check(raw)).ok, true);
  assert.equal((await check({ ...raw, rawPath: '/lab-bucket/v2.txt' })).ok, false);
});

test('SigV4: malformed Authorization headers are reported, not thrown', () => {
  const mk = (a: string): RawRequest => ({ method: 'POST', rawPath: '/', rawQuery: '', headers: { authorization: a, host: 'h', 'x-amz-date': '20260101T000000Z' }, body: Buffer.alloc(0) });
  const p1 = parseSigV4(mk('AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request'), {});
  assert.ok(isAuthProblem(p1) && /requires 'SignedHeaders' parameter/.test(p1.problem) && p1.service === 'sts');
  const p2 = parseSigV4(mk('AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg='), {});
  assert.ok(isAuthProblem(p2) && p2.kind === 'algorithm');
  const p3 = parseSigV4(mk('AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00'), {});
  assert.ok(isAuthProblem(p3) && /Date in Credential scope does not match/.test(p3.problem));
});

test('skew: AWS wording for past and future request times', () => {
  const now = new Date('2019-10-29T16:48:44Z');
  const past = skewProblem(new Date('2019-10-29T15:46:23Z'), now)!;
  assert.equal(past.queryMessage, 'Signature expired: 20191029T154623Z is now earlier than 20191029T163344Z (20191029T164844Z - 15 min.)');
  const fut = skewProblem(new Date('2019-10-29T17:10:00Z'), now)!;
  assert.equal(fut.queryMessage, 'Signature not yet current: 20191029T171000Z is still later than 20191029T170344Z (20191029T164844Z + 15 min.)');
  assert.equal(skewProblem(new Date(now.getTime() - 14 * 60_000), now), undefined);
});

test('aws-chunked: AWS documentation vector (seed and chunk signatures) verifies and decodes', async () => {
  // "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks" (S3 API reference)
  const chunk1 = Buffer.alloc(65536, 'a');
  const chunk2 = Buffer.alloc(1024, 'a');
  const body = Buffer.concat([
    Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'),
    chunk1,
    Buffer.from('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'),
    chunk2,
    Buffer.from('\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
  ]);
  const raw: RawRequest = {
    method: 'PUT',
    rawPath: '/examplebucket/chunkObject.txt',
    rawQuery: '',
    headers: {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class, Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'content-length': '66824',
    },
    body,
  };
  assert.equal(body.length, 66824);
  const q = parseQuery('');
  const auth = parseSigV4(raw, q) as SigV4Auth;
  const v = await verifySigV4(raw, q, auth, CREDS.secretAccessKey);
  assert.ok(v.ok, 'seed signature verifies');
  if (!v.ok) return;
  const decoded = await decodeAwsChunked(raw.body, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', { signer: v.signer, seedSignature: v.seedSignature, auth });
  assert.equal(decoded.data.length, 66560);
  // flip one byte of the payload: the chunk signature no longer matches
  const bad = Buffer.from(body);
  bad[200] = 'b'.charCodeAt(0);
  await assert.rejects(decodeAwsChunked(bad, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', { signer: v.signer, seedSignature: v.seedSignature, auth }), /signature/);
});

test('aws-chunked: unsigned trailer form (SDK v3 streams) decodes data and trailers', async () => {
  const body = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');
  const d = await decodeAwsChunked(body, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.equal(d.data.toString(), 'hello world');
  assert.equal(d.trailers['x-amz-checksum-crc32'], 'DUoRhQ==');
  await assert.rejects(decodeAwsChunked(Buffer.from('zz\r\nhello'), 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'), /Invalid chunk size/);
  await assert.rejects(decodeAwsChunked(Buffer.from('50\r\nhello'), 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'), /terminated unexpectedly/);
});

// ---------------------------------------------------------------- S3 routing

test('S3 routing: path style to operations and API member names', () => {
  const r = (method: string, path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}, body = '') => {
    const { bucket, key } = splitS3Path(path, '127.0.0.1:1');
    return routeS3({ method, bucket, key, query, headers, body: Buffer.from(body) });
  };
  assert.deepEqual(r('GET', '/', { 'x-id': 'ListBuckets' }), { operation: 'ListBuckets', input: {} });
  assert.deepEqual(r('PUT', '/lab-bucket/'), { operation: 'CreateBucket', input: { Bucket: 'lab-bucket' } });
  assert.deepEqual(r('PUT', '/b', {}, {}, '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>').input, {
    Bucket: 'b',
    CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
  });
  assert.deepEqual(r('GET', '/b', { 'list-type': '2', prefix: '', delimiter: '/', 'encoding-type': 'url', 'max-keys': '10' }), {
    operation: 'ListObjectsV2',
    input: { Bucket: 'b', Prefix: '', Delimiter: '/', MaxKeys: 10, EncodingType: 'url' },
  });
  assert.equal(r('GET', '/b/dir/%C3%BC%20x.txt').input.Key, 'dir/ü x.txt');
  assert.equal(r('GET', '/b', { policy: '' }).operation, 'GetBucketPolicy');
  assert.deepEqual(r('PUT', '/b', { policy: '' }, {}, '{"Version":"2012-10-17"}').input, { Bucket: 'b', Policy: '{"Version":"2012-10-17"}' });
  assert.equal(r('DELETE', '/b', { policy: '' }).operation, 'DeleteBucketPolicy');
  assert.equal(r('HEAD', '/b').operation, 'HeadBucket');
  assert.equal(r('DELETE', '/b/k').operation, 'DeleteObject');
  const put = r('PUT', '/b/k', {}, { 'content-type': 'text/plain', 'x-amz-meta-owner': 'me' }, 'hi');
  assert.equal(put.operation, 'PutObject');
  assert.deepEqual(Buffer.from(put.input.Body as Uint8Array).toString(), 'hi');
  assert.deepEqual(put.input.Metadata, { owner: 'me' });
  assert.equal(r('HEAD', '/b/k').respondAs, 'HeadObject');
  assert.throws(() => r('PUT', '/b', {}, {}, '<CreateBucketConfiguration><Location'), (e: unknown) => e instanceof S3RouteError && e.code === 'MalformedXML');
  assert.throws(() => r('GET', '/b', { versioning: '' }), (e: unknown) => e instanceof S3RouteError && e.status === 501);
  assert.throws(() => r('PATCH', '/b/k'), (e: unknown) => e instanceof S3RouteError && e.status === 405);
  assert.deepEqual(splitS3Path('/k.txt', 'lab-bucket.localhost:4566'), { bucket: 'lab-bucket', key: 'k.txt' });
});

test('S3 serialization: ListBuckets, ListObjectsV2 with url encoding, GetObject headers', () => {
  const lb = serializeS3({ operation: 'ListBuckets', input: {} }, { Buckets: [{ Name: 'b1', CreationDate: new Date('2026-01-01T00:00:00Z') }], Owner: { ID: 'abc', DisplayName: 'me' } });
  assert.match(String(lb.body), /<ListAllMyBucketsResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><Owner><ID>abc<\/ID><DisplayName>me<\/DisplayName><\/Owner><Buckets><Bucket><Name>b1<\/Name><CreationDate>2026-01-01T00:00:00.000Z<\/CreationDate><\/Bucket><\/Buckets>/);
  const lo = serializeS3(
    { operation: 'ListObjectsV2', input: { Bucket: 'b', Prefix: '', Delimiter: '/', EncodingType: 'url' } },
    { Name: 'b', Contents: [{ Key: 'a b+c.txt', Size: 3, ETag: 'abc', LastModified: new Date('2026-01-01T00:00:00Z') }], CommonPrefixes: [{ Prefix: 'dir/' }], IsTruncated: false, KeyCount: 2 },
  );
  assert.match(String(lo.body), /<Key>a\+b%2Bc.txt<\/Key>/);
  assert.match(String(lo.body), /<ETag>"abc"<\/ETag>/);
  assert.match(String(lo.body), /<CommonPrefixes><Prefix>dir\/<\/Prefix><\/CommonPrefixes>/);
  assert.equal(s3UrlEncode('ü x'), '%C3%BC+x');
  const go = serializeS3({ operation: 'GetObject', input: { Bucket: 'b', Key: 'k' } }, { Body: new TextEncoder().encode('hello'), ContentType: 'text/plain', ETag: '"e"', LastModified: new Date('2026-01-01T00:00:00Z') });
  assert.equal(go.headers['content-type'], 'text/plain');
  assert.equal(go.headers['last-modified'], 'Thu, 01 Jan 2026 00:00:00 GMT');
  assert.equal(go.body.toString(), 'hello');
});
