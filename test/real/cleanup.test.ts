// `iamlab cleanup <lab> --real`: lists exactly what is tagged iamlab:lab=<lab>, asks, deletes it
// with everything IAM requires removed first, and lists survivors. Against moto_server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RealBackend } from '../../src/real/backend.js';
import { cleanupCommand, type CommandIO } from '../../src/real/commands.js';
import { scanLabResources } from '../../src/real/cleanup.js';
import type { CallRequest, CallResult } from '../../src/backend/types.js';
import { motoPath, noAwsEnv, startMoto, tempAwsFiles, withEnv, type Running } from './helpers.js';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] });
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });

function capture(answers: boolean | undefined): CommandIO & { stdout: string; stderr: string; questions: string[] } {
  const io = {
    stdout: '',
    stderr: '',
    questions: [] as string[],
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    ...(answers === undefined ? {} : { confirm: async (q: string) => (io.questions.push(q), answers) }),
  };
  return io;
}

describe('cleanup against moto_server', { skip: motoPath() ? false : 'moto_server is not on PATH — install moto[server] to run these' }, () => {
  let moto: Running;
  let restore: () => void;
  let files: ReturnType<typeof tempAwsFiles>;
  let plain: RealBackend;
  const call = async (req: Omit<CallRequest, 'credentials'>): Promise<Record<string, unknown>> => {
    const r: CallResult = await plain.call({ ...req, credentials: KEYS });
    if (!r.ok) assert.fail(`${req.operation}: ${r.error.code}: ${r.error.message}`);
    return r.output;
  };

  before(async () => {
    moto = await startMoto();
    files = tempAwsFiles({ credentials: `[default]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n` });
    restore = withEnv(noAwsEnv({ ...files.env, AWS_ENDPOINT_URL: moto.url, AWS_REGION: 'us-east-1' }));
    plain = new RealBackend({ retry: { sleep: async () => {} } });
    // What the learner did during the lab, through a backend that tags (labId) …
    const lab = new RealBackend({ labId: 'switch-role-admin', retry: { sleep: async () => {} } });
    const labCall = async (req: Omit<CallRequest, 'credentials'>) => {
      const r = await lab.call({ ...req, credentials: KEYS });
      if (!r.ok) assert.fail(`${req.operation}: ${r.error.code}: ${r.error.message}`);
      return r.output;
    };
    await labCall({ service: 'iam', operation: 'CreateUser', input: { UserName: 'balu' } });
    await labCall({ service: 'iam', operation: 'CreateLoginProfile', input: { UserName: 'balu', Password: 'Correct-Horse-9' } });
    await labCall({ service: 'iam', operation: 'CreateAccessKey', input: { UserName: 'balu' } });
    await labCall({ service: 'iam', operation: 'PutUserPolicy', input: { UserName: 'balu', PolicyName: 'sts-all', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}' } });
    await labCall({ service: 'iam', operation: 'CreateGroup', input: { GroupName: 'lab-group' } });
    await labCall({ service: 'iam', operation: 'AddUserToGroup', input: { UserName: 'balu', GroupName: 'lab-group' } });
    await labCall({ service: 'iam', operation: 'CreateRole', input: { RoleName: 'temp-user', AssumeRolePolicyDocument: TRUST } });
    await labCall({ service: 'iam', operation: 'PutRolePolicy', input: { RoleName: 'temp-user', PolicyName: 'inline', PolicyDocument: POLICY } });
    const pol = await labCall({ service: 'iam', operation: 'CreatePolicy', input: { PolicyName: 'lab-policy', PolicyDocument: POLICY } });
    const polArn = (pol.Policy as { Arn: string }).Arn;
    await labCall({ service: 'iam', operation: 'CreatePolicyVersion', input: { PolicyArn: polArn, PolicyDocument: POLICY, SetAsDefault: true } });
    await labCall({ service: 'iam', operation: 'AttachRolePolicy', input: { RoleName: 'temp-user', PolicyArn: polArn } });
    await labCall({ service: 'iam', operation: 'CreateInstanceProfile', input: { InstanceProfileName: 'lab-profile' } });
    await labCall({ service: 'iam', operation: 'AddRoleToInstanceProfile', input: { InstanceProfileName: 'lab-profile', RoleName: 'temp-user' } });
    await labCall({ service: 's3', operation: 'CreateBucket', input: { Bucket: 'lab-bucket-cleanup' } });
    await labCall({ service: 's3', operation: 'PutObject', input: { Bucket: 'lab-bucket-cleanup', Key: 'x.txt', Body: new TextEncoder().encode('x') } });
    lab.close();
    // … and what was there before, or belongs to another lab: never touched.
    await call({ service: 'iam', operation: 'CreateUser', input: { UserName: 'someone-else' } });
    await call({ service: 'iam', operation: 'AttachUserPolicy', input: { UserName: 'someone-else', PolicyArn: polArn } });
    await call({ service: 'iam', operation: 'CreateRole', input: { RoleName: 'other-lab-role', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'iamlab:lab', Value: 'james-s3-readonly' }] } });
    await call({ service: 's3', operation: 'CreateBucket', input: { Bucket: 'untagged-bucket' } });
  });
  after(async () => {
    plain?.close();
    restore?.();
    files?.cleanup();
    await moto?.stop();
  });

  test('the scan finds exactly the tagged resources, with what deleting them will also do', async () => {
    const scan = await scanLabResources(plain, 'switch-role-admin');
    assert.equal(scan.accountId, '123456789012');
    assert.deepEqual(scan.problems, []);
    assert.deepEqual(
      scan.resources.map((r) => `${r.kind} ${r.name}`),
      ['user balu', 'role temp-user', 'instance-profile lab-profile', 'policy lab-policy', 'bucket lab-bucket-cleanup'],
    );
    const policy = scan.resources.find((r) => r.kind === 'policy')!;
    assert.ok(policy.alsoDoes.includes('detach from user someone-else'), policy.alsoDoes.join('; '));
    const balu = scan.resources.find((r) => r.name === 'balu')!;
    assert.deepEqual(balu.alsoDoes, ['delete inline policy sts-all', 'remove from group lab-group']);
  });

  test('without a terminal and without --yes nothing is deleted', async () => {
    const io = capture(undefined);
    assert.equal(await cleanupCommand({ lab: 'switch-role-admin', real: true }, io), 1);
    assert.match(io.stderr, /--yes/);
    assert.match(io.stdout, /user\s+balu/);
    assert.equal((await scanLabResources(plain, 'switch-role-admin')).resources.length, 5);
  });

  test('answering no deletes nothing', async () => {
    const io = capture(false);
    assert.equal(await cleanupCommand({ lab: 'switch-role-admin', real: true }, io), 1);
    assert.deepEqual(io.questions, ['Delete these 5 resources from account 123456789012?']);
    assert.match(io.stdout, /Nothing was deleted/);
    assert.equal((await scanLabResources(plain, 'switch-role-admin')).resources.length, 5);
  });

  test('answering yes deletes them all (dependencies first) and reports no survivors; the rest is untouched', async () => {
    const io = capture(true);
    const code = await cleanupCommand({ lab: 'switch-role-admin', real: true }, io);
    assert.equal(code, 0, io.stdout + io.stderr);
    assert.match(io.stdout, /AWS account 123456789012, as arn:aws:sts::123456789012:user\//);
    assert.match(io.stdout, /deleted user balu: deleted its console password; deleted access key \w+; removed from group lab-group; deleted inline policy sts-all; deleted the user/);
    assert.match(io.stdout, /deleted role temp-user: removed from instance profile lab-profile; detached lab-policy; deleted inline policy inline; deleted the role/);
    assert.match(io.stdout, /deleted policy lab-policy: detached from user someone-else; deleted version v1; deleted the policy/);
    assert.match(io.stdout, /deleted bucket lab-bucket-cleanup: deleted 1 object; deleted the bucket/);
    assert.match(io.stdout, /Done: nothing tagged iamlab:lab=switch-role-admin is left in account 123456789012/);
    assert.equal((await scanLabResources(plain, 'switch-role-admin')).resources.length, 0);
    await call({ service: 'iam', operation: 'GetUser', input: { UserName: 'someone-else' } });
    await call({ service: 'iam', operation: 'GetRole', input: { RoleName: 'other-lab-role' } });
    await call({ service: 's3', operation: 'HeadBucket', input: { Bucket: 'untagged-bucket' } });
    const again = capture(true);
    assert.equal(await cleanupCommand({ lab: 'switch-role-admin', real: true }, again), 0);
    assert.match(again.stdout, /Nothing tagged iamlab:lab=switch-role-admin in this account/);
  });
});

describe('cleanup usage errors', () => {
  test('needs --real and a lab id; says how a simulated lab is reset', async () => {
    const io = capture(true);
    assert.equal(await cleanupCommand({ lab: 'switch-role-admin', real: false }, io), 2);
    assert.match(io.stderr, /add --real/);
    assert.match(io.stderr, /iamlab reset switch-role-admin/);
    assert.equal(await cleanupCommand({ real: true }, io), 2);
    assert.equal(await cleanupCommand({ lab: '../etc', real: true }, io), 2);
  });

  test('no credentials: a clear message, exit 1, nothing attempted', async () => {
    const files = tempAwsFiles({});
    const restore = withEnv(noAwsEnv(files.env));
    try {
      const io = capture(true);
      assert.equal(await cleanupCommand({ lab: 'x', real: true, profile: 'ghost' }, io, { endpoint: 'http://127.0.0.1:9' }), 1);
      assert.match(io.stderr, /No AWS credentials found for profile "ghost"/);
      assert.deepEqual(io.questions, []);
    } finally {
      restore();
      files.cleanup();
    }
  });
});
