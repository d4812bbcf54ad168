// Malformed and hostile requests get AWS-style errors or a closed connection, and the
// endpoint keeps serving afterwards. Raw sockets and hand-signed requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startFixture, clientConfig, ACCOUNT, type Fixture } from './fixture.js';
import { NodeSha256 } from '../../src/serve/sigv4.js';
import type { Credentials } from '../../src/backend/types.js';

let f: Fixture;
let port: number;
const MAX = 64 * 1024;

before(async () => {
  f = await startFixture({ maxBodyBytes: MAX, headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 400 });
  port = f.server.port;
});
after(async () => {
  await f.server.close();
});

async function stillServing(): Promise<void> {
  const out = await new STSClient(clientConfig(f, f.alice)).send(new GetCallerIdentityCommand({}));
  assert.equal(out.Arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
}

/** Sends raw bytes; resolves with everything received until the server closes (or the timeout). */
function rawExchange(chunks: Array<string | Buffer>, opts: { gapMs?: number; waitMs?: number } = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve({ text, closed });
    };
    s.on('data', (d) => (text += d.toString('latin1')));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', async () => {
      for (const c of chunks) {
        if (s.destroyed) break;
        s.write(c);
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
    });
    setTimeout(() => finish(false), opts.waitMs ?? 3000);
  });
}

async function signedRequest(opts: { service?: string; method?: string; path?: string; body?: string; headers?: Record<string, string>; creds?: Credentials }): Promise<{ head: string; body: string }> {
  const service = opts.service ?? 'sts';
  const signer = new SignatureV4({ credentials: opts.creds ?? f.alice, region: 'us-east-1', service, sha256: NodeSha256, uriEscapePath: service !== 's3' });
  const host = `127.0.0.1:${port}`;
  const req = await signer.sign({
    method: opts.method ?? 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: opts.path ?? '/',
    headers: { host, 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers ?? {}) },
    body: opts.body ?? '',
  });
  const body = opts.body ?? '';
  const lines = [`${req.method} ${opts.path ?? '/'} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${Buffer.byteLength(body)}`, 'connection: close', '', ''];
  return { head: lines.join('\r\n'), body };
}

async function send(opts: Parameters<typeof signedRequest>[0]): Promise<{ status: number; text: string }> {
  const r = await signedRequest(opts);
  const { text } = await rawExchange([r.head + r.body]);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
}

test('malformed form body (bad percent-encoding): MalformedQueryString 400', async () => {
  const r = await send({ body: 'Action=GetCallerIdentity&Version=2011-06-15&X=%E0%A4%A' });
  assert.equal(r.status, 400);
  assert.match(r.text, /<Code>MalformedQueryString<\/Code>/);
  await stillServing();
});

test('unknown action: InvalidAction 400 (query wording), EC2 wording for ec2', async () => {
  const r = await send({ body: 'Action=GetCallerIdentities&Version=2011-06-15' });
  assert.equal(r.status, 400);
  assert.match(r.text, /<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>Could not find operation GetCallerIdentities for version 2011-06-15<\/Message>/);
  const e = await send({ service: 'ec2', body: 'Action=RunInstances&Version=2016-11-15' });
  assert.equal(e.status, 400);
  assert.match(e.text, /<Response><Errors><Error><Code>InvalidAction<\/Code><Message>The action RunInstances is not valid for this web service\.<\/Message><\/Error><\/Errors><RequestID>/);
  const m = await send({ body: 'Version=2011-06-15' });
  assert.match(m.text, /<Code>MissingAction<\/Code>/);
});

test('malformed XML body on S3 CreateBucket: MalformedXML 400', async () => {
  const body = '<CreateBucketConfiguration><LocationConstraint>eu-west-1</Location';
  const r = await send({ service: 's3', method: 'PUT', path: '/xml-bucket', body, headers: { 'content-type': 'application/xml' }, creds: f.root });
  assert.equal(r.status, 400);
  assert.match(r.text, /<Error><Code>MalformedXML<\/Code>/);
  assert.match(r.text, /<HostId>/);
  const dtd = await send({ service: 's3', method: 'PUT', path: '/xml-bucket', body: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CreateBucketConfiguration>&e;</CreateBucketConfiguration>', creds: f.root });
  assert.equal(dtd.status, 400);
  assert.doesNotMatch(dtd.text, /root:/);
  await stillServing();
});

test('body over the limit with Content-Length: 413 RequestEntityTooLarge and the connection closes', async () => {
  const r = await signedRequest({ body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  const head = r.head.replace(/content-length: \d+/, `content-length: ${MAX + 10}`);
  const { text, closed } = await rawExchange([head, Buffer.alloc(1024, 'a')]);
  assert.match(text, /^HTTP\/1\.1 413 /);
  assert.match(text, /<Code>RequestEntityTooLarge<\/Code>/);
  assert.ok(closed, 'connection closed');
  await stillServing();
});

test('chunked body growing over the limit: error and closed; S3 says EntityTooLarge', async () => {
  const r = await signedRequest({ service: 's3', method: 'PUT', path: '/lab-bucket/big.bin', creds: f.root, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  const head = r.head.replace(/content-length: \d+\r\n/, 'transfer-encoding: chunked\r\n');
  const chunk = Buffer.alloc(16 * 1024, 'b');
  const parts: Array<string | Buffer> = [head];
  for (let i = 0; i < 6; i++) parts.push(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
  const { text, closed } = await rawExchange(parts, { gapMs: 5 });
  assert.match(text, /^HTTP\/1\.1 400 /);
  assert.match(text, /<Code>EntityTooLarge<\/Code>/);
  assert.ok(closed);
  await stillServing();
});

test('a client that stalls in the headers is disconnected', async () => {
  const t = Date.now();
  const { closed } = await rawExchange(['POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n'], { waitMs: 5000 });
  assert.ok(closed, 'closed by the server');
  assert.ok(Date.now() - t < 4500);
  await stillServing();
});

test('a client that stalls in the body is disconnected', async () => {
  const r = await signedRequest({ body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  const head = r.head.replace(/content-length: \d+/, 'content-length: 500');
  const { closed, text } = await rawExchange([head + 'Action=Get'], { waitMs: 5000 });
  assert.ok(closed, 'closed by the server');
  assert.doesNotMatch(text, /^HTTP\/1\.1 200/);
  await stillServing();
});

test('odd methods and garbage: 400 and closed, or the service envelope', async () => {
  const a = await rawExchange(['FOO / HTTP/1.1\r\nHost: x\r\n\r\n']);
  assert.match(a.text, /^HTTP\/1\.1 400 /);
  assert.ok(a.closed);
  const b = await rawExchange([Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10])]);
  assert.ok(b.closed);
  const c = await send({ method: 'PATCH', body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  assert.equal(c.status, 405);
  assert.match(c.text, /<Code>MethodNotAllowed<\/Code>/);
  const d = await send({ service: 's3', method: 'OPTIONS', path: '/lab-bucket/hello.txt', creds: f.root });
  assert.equal(d.status, 405);
  assert.match(d.text, /<Error><Code>MethodNotAllowed<\/Code>/);
  await stillServing();
});

test('unsigned, wrongly signed and foreign-protocol requests', async () => {
  const u = await rawExchange(['POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 43\r\nConnection: close\r\n\r\nAction=GetCallerIdentity&Version=2011-06-15']);
  assert.match(u.text, /^HTTP\/1\.1 403 /);
  assert.match(u.text, /<Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message>/);
  const v2 = await rawExchange(['GET /lab-bucket/hello.txt HTTP/1.1\r\nHost: x\r\nAuthorization: AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=\r\nConnection: close\r\n\r\n']);
  assert.match(v2.text, /^HTTP\/1\.1 400 /);
  assert.match(v2.text, /<Code>InvalidRequest<\/Code><Message>The authorization mechanism you have provided is not supported\. Please use AWS4-HMAC-SHA256\.<\/Message>/);
  const inc = await rawExchange(['POST / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']);
  assert.match(inc.text, /<Code>IncompleteSignature<\/Code>/);
  const dyn = await send({ service: 'dynamodb', body: '{}' });
  assert.equal(dyn.status, 400);
  assert.match(dyn.text, /signed for 'dynamodb'/);
  const json = await send({ body: '{}', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSSecurityTokenServiceV20110615.GetCallerIdentity' } });
  assert.equal(json.status, 400);
  assert.match(json.text, /<Code>UnsupportedProtocol<\/Code>/);
  const hash = await send({ body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'x-amz-content-sha256': '0'.repeat(64) } });
  assert.equal(hash.status, 403);
  assert.match(hash.text, /<Code>SignatureDoesNotMatch<\/Code>/);
  await stillServing();
});

test('many connections at once, some abandoned mid-request: still serving', async () => {
  const r = await signedRequest({ body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  const abandoned = Array.from({ length: 20 }, () => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.on('connect', () => {
      s.write(r.head.slice(0, 40));
      setTimeout(() => s.destroy(), 20);
    });
    return s;
  });
  await Promise.all(Array.from({ length: 20 }, () => stillServing()));
  for (const s of abandoned) s.destroy();
});

test('the server listens on 127.0.0.1 only', async () => {
  const addr = f.server.world && (await import('node:net')).isIP('127.0.0.1');
  assert.equal(addr, 4);
  assert.match(f.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const { startServer } = await import('../../src/serve/index.js');
  await assert.rejects(startServer({ world: f.world, host: '0.0.0.0' as '127.0.0.1' }), /127\.0\.0\.1 only/);
});

async function chunkedPut(key: string, parts: Buffer[], opts: { trailer?: boolean; tamper?: boolean } = {}): Promise<{ status: number; text: string }> {
  const signer = new SignatureV4({ credentials: f.root, region: 'us-east-1', service: 's3', sha256: NodeSha256, uriEscapePath: false });
  const mode = opts.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const decoded = Buffer.concat(parts);
  const date = new Date();
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    'x-amz-content-sha256': mode,
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(decoded.length),
    ...(opts.trailer ? { 'x-amz-trailer': 'x-amz-checksum-crc32' } : {}),
  };
  const signed = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port, path: `/lab-bucket/${key}`, headers }, { signingDate: date });
  let prior = /Signature=([0-9a-f]+)/.exec(signed.headers['authorization']!)![1]!;
  const frames: Buffer[] = [];
  for (const p of [...parts, Buffer.alloc(0)]) {
    const sig = await signer.sign({ headers: new Uint8Array(0), payload: p }, { signingDate: date, priorSignature: prior });
    prior = sig;
    frames.push(Buffer.from(`${p.length.toString(16)};chunk-signature=${sig}\r\n`), opts.tamper && p.length ? Buffer.from(p.toString().toUpperCase()) : p);
    if (p.length) frames.push(Buffer.from('\r\n'));
  }
  if (opts.trailer) {
    const { crc32 } = await import('node:zlib');
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(decoded) >>> 0);
    const line = `x-amz-checksum-crc32:${b.toString('base64')}\n`;
    const { createHash } = await import('node:crypto');
    const scope = `${signed.headers['x-amz-date']!.slice(0, 8)}/us-east-1/s3/aws4_request`;
    const sts = ['AWS4-HMAC-SHA256-TRAILER', signed.headers['x-amz-date'], scope, prior, createHash('sha256').update(line).digest('hex')].join('\n');
    const tsig = await signer.sign(sts, { signingDate: date });
    frames.push(Buffer.from(`${line.trimEnd()}\r\nx-amz-trailer-signature:${tsig}\r\n`));
  }
  frames.push(Buffer.from('\r\n'));
  const body = Buffer.concat(frames);
  const head = [`PUT /lab-bucket/${key} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${body.length}`, 'connection: close', '', ''].join('\r\n');
  const { text } = await rawExchange([Buffer.concat([Buffer.from(head), body])]);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
}

test('S3 PutObject with signed aws-chunked bodies (with and without a signed trailer); a tampered chunk is refused', async () => {
  const parts = [Buffer.alloc(9000, 'a'), Buffer.from('tail of the upload')];
  const ok = await chunkedPut('signed-chunks.txt', parts);
  assert.equal(ok.status, 200, ok.text);
  const tr = await chunkedPut('signed-trailer.txt', parts, { trailer: true });
  assert.equal(tr.status, 200, tr.text);
  const bad = await chunkedPut('tampered.txt', parts, { tamper: true });
  assert.equal(bad.status, 403);
  assert.match(bad.text, /<Code>SignatureDoesNotMatch<\/Code>/);
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const got = await new S3Client(clientConfig(f, f.root)).send(new GetObjectCommand({ Bucket: 'lab-bucket', Key: 'signed-trailer.txt' }));
  assert.equal(await got.Body!.transformToString(), Buffer.concat(parts).toString());
  const missing = await new S3Client(clientConfig(f, f.root)).send(new GetObjectCommand({ Bucket: 'lab-bucket', Key: 'tampered.txt' })).catch((e: Error) => e);
  assert.equal((missing as Error).name, 'NoSuchKey');
});
