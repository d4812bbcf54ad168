// CloudTrail over the wire: the real @aws-sdk/client-cloudtrail (AWS JSON 1.1: X-Amz-Target,
// JSON bodies, epoch-second timestamps, errors in __type) against `iamlab serve`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { CloudTrailClient, LookupEventsCommand, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { SimBackend } from '../../src/sim/index.js';
import { NodeSha256 } from '../../src/serve/sigv4.js';
import { startFixture, clientConfig, ACCOUNT, type Fixture } from './fixture.js';
import type { Credentials } from '../../src/backend/types.js';

let f: Fixture;
before(async () => {
  f = await startFixture();
  // a reader of CloudTrail
  const sim = new SimBackend(f.world);
  const r = sim.callSync({
    service: 'iam',
    operation: 'PutUserPolicy',
    input: { UserName: 'bob', PolicyName: 'trail', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }] }) },
    credentials: f.root,
    via: 'api',
  });
  assert.ok(r.ok);
});
after(async () => {
  await f.server.close();
});

const ct = (creds: Credentials) => new CloudTrailClient(clientConfig(f, creds));
interface SdkError {
  name: string;
  message: string;
  $fault: string;
  $metadata: { httpStatusCode?: number; requestId?: string };
}
async function rejects(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  assert.fail('expected the call to fail');
}

test('LookupEvents through the SDK: Events with Date EventTime, Resources, the CloudTrail record; an AssumeRole made over the wire shows up', async () => {
  await new STSClient(clientConfig(f, f.alice)).send(new AssumeRoleCommand({ RoleArn: f.readerRoleArn, RoleSessionName: 'wire' }));
  const out = await ct(f.bob).send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }], StartTime: new Date(Date.now() - 3600_000) }));
  assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  const [e] = out.Events ?? [];
  assert.ok(e, 'the AssumeRole event');
  assert.equal(e.EventName, 'AssumeRole');
  assert.equal(e.EventSource, 'sts.amazonaws.com');
  assert.equal(e.Username, 'alice');
  assert.equal(e.AccessKeyId, f.alice.accessKeyId);
  assert.equal(e.ReadOnly, 'true');
  assert.ok(e.EventTime instanceof Date && Math.abs(e.EventTime.getTime() - Date.now()) < 60_000);
  assert.deepEqual(e.Resources, [{ ResourceType: 'AWS::IAM::Role', ResourceName: f.readerRoleArn }]);
  const r = JSON.parse(e.CloudTrailEvent!) as Record<string, any>;
  assert.equal(r.userIdentity.arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
  assert.equal(r.recipientAccountId, ACCOUNT);
  assert.deepEqual(r.requestParameters, { RoleArn: f.readerRoleArn, RoleSessionName: 'wire' });
  assert.equal(out.NextToken, undefined);
});

test('paging with the SDK paginator: every CreateUser event once, newest first', async () => {
  const sim = new SimBackend(f.world);
  for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) assert.ok(sim.callSync({ service: 'iam', operation: 'CreateUser', input: { UserName: n }, credentials: f.root, via: 'api' }).ok);
  const names: string[] = [];
  let pages = 0;
  for await (const page of paginateLookupEvents({ client: ct(f.bob), pageSize: 2 }, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }] })) {
    pages++;
    for (const e of page.Events ?? []) names.push(String((JSON.parse(e.CloudTrailEvent!) as { requestParameters: { UserName: string } }).requestParameters.UserName));
  }
  assert.deepEqual(names, ['p5', 'p4', 'p3', 'p2', 'p1', 'bob', 'alice']);
  assert.equal(pages, 4);
});

test('denied, invalid and unknown-key answers come back as the SDK models them', async () => {
  const denied = await rejects(ct(f.alice).send(new LookupEventsCommand({})));
  assert.equal(denied.name, 'AccessDeniedException');
  assert.equal(denied.$fault, 'client');
  assert.equal(denied.$metadata.httpStatusCode, 400);
  assert.equal(denied.message, `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`);

  const two = await rejects(
    ct(f.bob).send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'A' }, { AttributeKey: 'Username', AttributeValue: 'b' }] })),
  );
  assert.equal(two.name, 'InvalidLookupAttributesException');
  assert.equal(two.$metadata.httpStatusCode, 400);
  const range = await rejects(ct(f.bob).send(new LookupEventsCommand({ StartTime: new Date(Date.now()), EndTime: new Date(Date.now() - 60_000) })));
  assert.equal(range.name, 'InvalidTimeRangeException');
  const max = await rejects(ct(f.bob).send(new LookupEventsCommand({ MaxResults: 51 })));
  assert.equal(max.name, 'InvalidMaxResultsException');
  const token = await rejects(ct(f.bob).send(new LookupEventsCommand({ NextToken: 'bm9wZQ' })));
  assert.equal(token.name, 'InvalidNextTokenException');

  const unknown = await rejects(ct({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }).send(new LookupEventsCommand({})));
  assert.equal(unknown.name, 'UnrecognizedClientException');
  assert.equal(unknown.$metadata.httpStatusCode, 403);
  const wrong = await rejects(ct({ ...f.bob, secretAccessKey: 'wrong' }).send(new LookupEventsCommand({})));
  assert.equal(wrong.name, 'InvalidSignatureException');
});

/** A signed raw request, for what SDKs never send. */
async function raw(headers: Record<string, string>, body: string, creds: Credentials = f.bob): Promise<{ status: number; type: string; json: Record<string, unknown> }> {
  const url = new URL(f.url);
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 'cloudtrail', sha256: NodeSha256 });
  const req = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers: { host: url.host, ...headers }, body });
  const res = await fetch(f.url + '/', { method: 'POST', headers: req.headers as Record<string, string>, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: (await res.json()) as Record<string, unknown> };
}

test("the wire: botocore's long X-Amz-Target works; unknown targets, bad JSON and wrong member types are refused in __type", async () => {
  const ok = await raw({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents' }, JSON.stringify({ MaxResults: 1 }));
  assert.equal(ok.status, 200);
  assert.equal(ok.type, 'application/x-amz-json-1.1');
  const [e] = ok.json.Events as Array<Record<string, unknown>>;
  assert.equal(typeof e!.EventTime, 'number', 'timestamps travel as epoch seconds');
  assert.ok(typeof ok.json.NextToken === 'string');

  const other = await raw({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.CreateTrail' }, '{}');
  assert.deepEqual([other.status, other.json.__type], [400, 'UnknownOperationException']);
  const bad = await raw({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.LookupEvents' }, '{"MaxResults":');
  assert.deepEqual([bad.status, bad.json.__type], [400, 'SerializationException']);
  const typed = await raw({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.LookupEvents' }, JSON.stringify({ MaxResults: 'ten' }));
  assert.deepEqual([typed.status, typed.json.__type], [400, 'SerializationException']);
  assert.match(String(typed.json.message), /MaxResults: expected an integer/);
});

test('each LookupEvents reaches the endpoint observer (it is audited)', async () => {
  const before = f.changes.n;
  await ct(f.bob).send(new LookupEventsCommand({ MaxResults: 1 }));
  assert.equal(f.changes.n, before + 1);
  assert.equal(f.world.audit.last()?.action, 'cloudtrail:LookupEvents');
  assert.equal(f.world.audit.last()?.via, 'serve');
});
