// The shell's own audit log in real mode: every call with who made it, without secrets,
// persisted as JSON lines and read back by a later `check --real`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealBackend } from '../../src/real/backend.js';
import { RealEventLog, actionOf, explanationFromMessage } from '../../src/real/events.js';
import { motoPath, startMoto, type Running } from './helpers.js';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

test('operations map to the IAM actions AWS authorizes them as', () => {
  assert.equal(actionOf('s3', 'ListBuckets'), 's3:ListAllMyBuckets');
  assert.equal(actionOf('s3', 'ListObjectsV2'), 's3:ListBucket');
  assert.equal(actionOf('s3', 'GetObject'), 's3:GetObject');
  assert.equal(actionOf('sts', 'AssumeRole'), 'sts:AssumeRole');
  assert.equal(actionOf('iam', 'ListRoles'), 'iam:ListRoles');
  assert.equal(actionOf('ec2', 'DescribeInstances'), 'ec2:DescribeInstances');
});

test("AWS's AccessDenied text tells implicit from explicit denials; terse texts tell nothing", () => {
  const imp = explanationFromMessage('User: arn:aws:iam::1:user/j is not authorized to perform: s3:ListAllMyBuckets on resource: arn:aws:s3:::* because no identity-based policy allows the s3:ListAllMyBuckets action', 'arn:aws:iam::1:user/j', 's3:ListAllMyBuckets', '*');
  assert.equal(imp?.reason, 'implicit-deny');
  assert.deepEqual(imp?.deniedBy, ['identity']);
  const exp = explanationFromMessage('User: u is not authorized to perform: sts:AssumeRole on resource: r with an explicit deny in a resource-based policy', 'u', 'sts:AssumeRole', 'r');
  assert.equal(exp?.reason, 'explicit-deny');
  assert.deepEqual(exp?.deniedBy, ['resource']);
  assert.equal(explanationFromMessage('User: u is not authorized to perform: sts:AssumeRole on resource: r', 'u', 'sts:AssumeRole', 'r'), undefined);
  assert.equal(explanationFromMessage('Access Denied', 'u', 's3:ListBucket', 'r'), undefined);
});

describe('recorded through the real backend (moto_server)', { skip: motoPath() ? false : 'moto_server is not on PATH — install moto[server] to run these' }, () => {
  let moto: Running;
  let dir: string;
  before(async () => {
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), 'iamlab-events-'));
  });
  after(async () => {
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('each call is recorded with its caller; assumed-role credentials are known without asking; no secret reaches the file', async () => {
    const file = join(dir, 'events.jsonl');
    const log = new RealEventLog(file);
    const b = new RealBackend({ endpoint: moto.url, region: 'us-east-1', eventLog: log, retry: { sleep: async () => {} } });
    try {
      const mark = log.mark();
      await b.call({ service: 'iam', operation: 'CreateRole', input: { RoleName: 'ev-role', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}' }, credentials: KEYS, via: 'shell' });
      const ar = await b.call({ service: 'sts', operation: 'AssumeRole', input: { RoleArn: 'arn:aws:iam::123456789012:role/ev-role', RoleSessionName: 'Radkowski-CLI-test' }, credentials: KEYS, via: 'shell' });
      assert.ok(ar.ok);
      const c = (ar.output.Credentials as Record<string, string>);
      const session = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
      const who = await b.identity(session);
      assert.ok(!('code' in who));
      assert.equal(who.arn, 'arn:aws:sts::123456789012:assumed-role/ev-role/Radkowski-CLI-test');
      await b.call({ service: 's3', operation: 'ListBuckets', input: {}, credentials: session, via: 'shell' });
      await b.call({ service: 'iam', operation: 'GetRole', input: { RoleName: 'no-such-role' }, credentials: session, via: 'shell' });

      const ev = log.events(mark);
      assert.deepEqual(ev.map((e) => [e.action, e.outcome, e.principalType]), [
        ['iam:CreateRole', 'success', 'IAMUser'],
        ['sts:AssumeRole', 'success', 'IAMUser'],
        ['s3:ListAllMyBuckets', 'success', 'AssumedRole'],
        ['iam:GetRole', 'failure', 'AssumedRole'],
      ]);
      assert.equal(ev[2]!.principalArn, 'arn:aws:sts::123456789012:assumed-role/ev-role/Radkowski-CLI-test');
      assert.equal(ev[1]!.requestParameters.RoleSessionName, 'Radkowski-CLI-test');
      assert.deepEqual(ev[1]!.resources, ['arn:aws:iam::123456789012:role/ev-role']);
      assert.equal(ev[1]!.recipientAccountId, '123456789012');
      assert.equal(ev[3]!.errorCode, 'NoSuchEntity');
      assert.equal(ev[0]!.via, 'shell');

      const disk = readFileSync(file, 'utf8');
      assert.ok(!disk.includes(session.secretAccessKey) && !disk.includes(session.sessionToken) && !disk.includes(KEYS.secretAccessKey));
      const again = new RealEventLog(file);
      assert.equal(again.events({ at: new Date(0).toISOString() }).length, 4);
      assert.equal(again.events(log.mark()).length, 0, 'a mark taken now excludes everything before it');
    } finally {
      b.close();
    }
  });
});
