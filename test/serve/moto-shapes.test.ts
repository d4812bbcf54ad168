// moto_server as a second peer for response *shapes* only (never for allow/deny): the same
// SDK v3 calls against moto and against iamlab serve must parse into the same fields. Known
// content differences (fields one side fills and the other does not) are listed; an XML
// nesting or naming mistake on our side would make whole subtrees disappear here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import {
  IAMClient,
  CreateRoleCommand,
  GetRoleCommand,
  ListRolesCommand,
  CreateUserCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  AttachRolePolicyCommand,
  PutRolePolicyCommand,
  GetRolePolicyCommand,
  ListUsersCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { S3Client, ListBucketsCommand, CreateBucketCommand, PutObjectCommand, ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { EC2Client, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { startFixture, trustFor } from './fixture.js';
import type { Credentials } from '../../src/backend/types.js';
import { motoPath, startMoto } from '../moto.js';

const hasMoto = motoPath() !== undefined;

/** Field paths of an SDK-parsed output, with value kinds (first list element only). */
function paths(o: unknown, p = ''): string[] {
  if (o === null || o === undefined) return [];
  if (o instanceof Date) return [`${p}:date`];
  if (Array.isArray(o)) return o.length ? paths(o[0], `${p}[]`) : [`${p}[]`];
  if (typeof o === 'object') {
    if (typeof (o as { transformToString?: unknown }).transformToString === 'function') return [`${p}:stream`];
    return Object.entries(o as Record<string, unknown>)
      .filter(([k]) => k !== '$metadata')
      .flatMap(([k, v]) => paths(v, `${p}.${k}`));
  }
  return [`${p}:${typeof o}`];
}

async function scenario(url: string, root: Credentials): Promise<Record<string, unknown>> {
  const base = { endpoint: url, region: 'us-east-1', maxAttempts: 1, forcePathStyle: true };
  const iam0 = new IAMClient({ ...base, credentials: root });
  await iam0.send(new CreateUserCommand({ UserName: 'shape-admin' }));
  await iam0.send(new PutUserPolicyCommand({ UserName: 'shape-admin', PolicyName: 'all', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
  const k = (await iam0.send(new CreateAccessKeyCommand({ UserName: 'shape-admin' }))).AccessKey!;
  const cfg = { ...base, credentials: { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! } };
  const sts = new STSClient(cfg);
  const iam = new IAMClient(cfg);
  const s3 = new S3Client(cfg);
  const ec2 = new EC2Client(cfg);
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] });
  const out: Record<string, unknown> = {};
  out.GetCallerIdentity = await sts.send(new GetCallerIdentityCommand({}));
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'shape-role', AssumeRolePolicyDocument: trustFor('arn:aws:iam::123456789012:root'), Description: 'd', Tags: [{ Key: 'k', Value: 'v' }] }));
  out.CreateRole = role;
  out.GetRole = await iam.send(new GetRoleCommand({ RoleName: 'shape-role' }));
  out.ListRoles = await iam.send(new ListRolesCommand({}));
  out.CreateUser = await iam.send(new CreateUserCommand({ UserName: 'shape-user' }));
  out.GetUser = await iam.send(new GetUserCommand({ UserName: 'shape-user' }));
  out.ListUsers = await iam.send(new ListUsersCommand({}));
  out.CreateAccessKey = await iam.send(new CreateAccessKeyCommand({ UserName: 'shape-user' }));
  out.ListAccessKeys = await iam.send(new ListAccessKeysCommand({ UserName: 'shape-user' }));
  const pol = await iam.send(new CreatePolicyCommand({ PolicyName: 'shape-pol', PolicyDocument: doc }));
  out.CreatePolicy = pol;
  out.GetPolicy = await iam.send(new GetPolicyCommand({ PolicyArn: pol.Policy!.Arn }));
  out.GetPolicyVersion = await iam.send(new GetPolicyVersionCommand({ PolicyArn: pol.Policy!.Arn, VersionId: 'v1' }));
  out.ListPolicies = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'shape-role', PolicyArn: pol.Policy!.Arn }));
  out.ListAttachedRolePolicies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'shape-role' }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'shape-role', PolicyName: 'in', PolicyDocument: doc }));
  out.GetRolePolicy = await iam.send(new GetRolePolicyCommand({ RoleName: 'shape-role', PolicyName: 'in' }));
  out.AssumeRole = await sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn, RoleSessionName: 'shape' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'shape-bucket' }));
  out.PutObject = await s3.send(new PutObjectCommand({ Bucket: 'shape-bucket', Key: 'a.txt', Body: 'x' }));
  out.ListBuckets = await s3.send(new ListBucketsCommand({}));
  out.ListObjectsV2 = await s3.send(new ListObjectsV2Command({ Bucket: 'shape-bucket' }));
  out.GetObject = await s3.send(new GetObjectCommand({ Bucket: 'shape-bucket', Key: 'a.txt' }));
  out.DescribeRegions = await ec2.send(new DescribeRegionsCommand({}));
  return out;
}

/** Fields moto fills that the simulated account leaves out (content, not wire shape), and vice versa. */
const KNOWN: Record<string, { onlyMoto?: string[]; onlyOurs?: string[] }> = {
  CreateRole: { onlyMoto: ['.Role.MaxSessionDuration:number'] },
  ListRoles: { onlyMoto: ['.Roles[].Description:string'] },
  ListAccessKeys: { onlyOurs: ['.IsTruncated:boolean'] },
  CreatePolicy: { onlyOurs: ['.Policy.PermissionsBoundaryUsageCount:number'] },
  GetPolicy: { onlyMoto: ['.Policy.Tags[]'], onlyOurs: ['.Policy.PermissionsBoundaryUsageCount:number'] },
  ListPolicies: { onlyOurs: ['.Policies[].PermissionsBoundaryUsageCount:number'] },
  AssumeRole: { onlyMoto: ['.PackedPolicySize:number'] },
  PutObject: { onlyMoto: ['.ChecksumCRC32:string'] },
  GetObject: { onlyMoto: ['.ChecksumCRC32:string'] },
  ListObjectsV2: { onlyMoto: ['.Contents[].ChecksumAlgorithm[]:string'] },
};

test('the same SDK calls parse into the same fields against moto_server and iamlab serve', async (t) => {
  if (!hasMoto) return t.skip('moto_server not on PATH');
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const moto = await startMoto();
  const f = await startFixture();
  try {
    const ours = await scenario(f.url, f.root);
    const theirs = await scenario(moto.url, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-accepts-any' });
    for (const op of Object.keys(theirs)) {
      const a = new Set(paths(ours[op]));
      const b = new Set(paths(theirs[op]));
      const onlyMoto = [...b].filter((x) => !a.has(x) && !(KNOWN[op]?.onlyMoto ?? []).includes(x));
      const onlyOurs = [...a].filter((x) => !b.has(x) && !(KNOWN[op]?.onlyOurs ?? []).includes(x));
      assert.deepEqual({ op, onlyMoto, onlyOurs }, { op, onlyMoto: [], onlyOurs: [] });
    }
  } finally {
    await moto.stop();
    await f.server.close();
  }
});
