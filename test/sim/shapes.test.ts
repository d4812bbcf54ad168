// Output shapes against the API models (the botocore models the AWS CLI ships, src/model):
// every member the simulated account returns exists in the model, in the model's order, with
// the model's type; and the listing operations leave out exactly what the API reference says
// they leave out (ListRoles: PermissionsBoundary, RoleLastUsed, Tags; ListUsers:
// PermissionsBoundary, Tags; ListPolicies: Description, Tags), while the detail lists of
// GetAccountAuthorizationDetails carry their own members (RoleDetail has no Description).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceName } from '../../src/backend/types.js';
import { getOperationByApi, type Shape } from '../../src/model/index.js';
import { simOperations } from '../../src/sim/index.js';
import { Lab, A, trust, allow, userArn, roleArn, POLICY } from './helpers.js';

/** Checks value against shape; returns the problems (path: what). */
function conform(value: unknown, shape: Shape, at: string, out: string[]): void {
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return void out.push(`${at}: expected a structure ${shape.name}`);
      const members = Object.keys(shape.members ?? {});
      let last = -1;
      for (const [k, v] of Object.entries(value)) {
        const i = members.indexOf(k);
        if (i < 0) {
          out.push(`${at}.${k}: not a member of ${shape.name} (${members.join(', ')})`);
          continue;
        }
        if (i < last) out.push(`${at}.${k}: out of model order in ${shape.name} (${members.join(', ')})`);
        last = Math.max(last, i);
        if (v !== undefined) conform(v, shape.members![k]!, `${at}.${k}`, out);
      }
      for (const r of shape.required ?? []) if (!(r in value)) out.push(`${at}.${r}: required member of ${shape.name} missing`);
      return;
    }
    case 'list':
      if (!Array.isArray(value)) return void out.push(`${at}: expected a list`);
      value.forEach((x, i) => conform(x, shape.member!, `${at}[${i}]`, out));
      return;
    case 'map':
      if (value === null || typeof value !== 'object') return void out.push(`${at}: expected a map`);
      for (const [k, v] of Object.entries(value)) conform(v, shape.value!, `${at}.${k}`, out);
      return;
    case 'timestamp':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) out.push(`${at}: expected a Date`);
      return;
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      if (typeof value !== 'number') out.push(`${at}: expected a number, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${at}: expected a boolean`);
      return;
    case 'blob':
      if (!(value instanceof Uint8Array) && typeof value !== 'string') out.push(`${at}: expected bytes`);
      return;
    case 'string':
      if (typeof value !== 'string') out.push(`${at}: expected a string, got ${JSON.stringify(value)}`);
      return;
  }
}

/** A world where every optional member has something to show. */
function rich() {
  const l = new Lab();
  const root = l.root;
  const alice = l.user('alice', A, { inline: allow(['sts:AssumeRole', 's3:*']) });
  l.ok('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'Passw0rd-Alice' });
  assert.ok(l.w.consoleSignIn(A, 'alice', 'Passw0rd-Alice').ok); // PasswordLastUsed
  l.ok('iam', 'TagUser', { UserName: 'alice', Tags: [{ Key: 'team', Value: 'blue' }] });
  l.ok('iam', 'CreateGroup', { GroupName: 'readers', Path: '/teams/' });
  l.ok('iam', 'AddUserToGroup', { GroupName: 'readers', UserName: 'alice' });
  l.ok('iam', 'PutGroupPolicy', { GroupName: 'readers', PolicyName: 'gi', PolicyDocument: JSON.stringify(allow('s3:ListAllMyBuckets')) });
  l.ok('iam', 'AttachGroupPolicy', { GroupName: 'readers', PolicyArn: POLICY.s3ro });
  const p = l.ok('iam', 'CreatePolicy', { PolicyName: 'bounds', Description: 'the boundary', PolicyDocument: JSON.stringify(allow('*')), Tags: [{ Key: 'k', Value: 'v' }] });
  const boundsArn = (p['Policy'] as Record<string, string>)['Arn']!;
  l.ok('iam', 'CreatePolicyVersion', { PolicyArn: boundsArn, PolicyDocument: JSON.stringify(allow(['s3:*', 'sts:*'])), SetAsDefault: false });
  l.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: boundsArn });
  l.ok('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: boundsArn });
  const reader = l.role('reader', trust({ AWS: userArn('alice') }, {}, ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']), { attach: [POLICY.s3ro], inline: allow('s3:ListBucket'), path: '/app/' });
  l.ok('iam', 'UpdateRoleDescription', { RoleName: 'reader', Description: 'reads reports' });
  l.ok('iam', 'TagRole', { RoleName: 'reader', Tags: [{ Key: 'env', Value: 'lab' }] });
  l.ok('iam', 'PutRolePermissionsBoundary', { RoleName: 'reader', PermissionsBoundary: POLICY.readOnly });
  l.assume(alice, reader); // RoleLastUsed
  const dev = l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice' })['VirtualMFADevice'] as Record<string, string>;
  const serial = dev['SerialNumber']!;
  l.ok('iam', 'EnableMFADevice', { UserName: 'alice', SerialNumber: serial, AuthenticationCode1: l.w.mfaCode(serial), AuthenticationCode2: l.w.mfaCode(serial, 1) });
  l.ok('iam', 'CreateAccountAlias', { AccountAlias: 'shape-lab' });
  l.w.addBucket(A, 'shape-lab-bucket', { objects: { 'a.txt': 'hello' } });
  l.ok('s3', 'PutBucketPolicy', { Bucket: 'shape-lab-bucket', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shape-lab-bucket/*' }] }) });
  l.w.addInstance(A, { name: 'web', tags: [{ Key: 'team', Value: 'blue' }] });
  return { l, root, alice, reader, boundsArn, serial };
}

describe('output shapes follow the API models', () => {
  test('every served operation\'s output: members of the model, in model order, with model types', () => {
    const { l, root, alice, reader, boundsArn } = rich();
    const calls: Array<[ServiceName, string, Record<string, unknown>]> = [
      ['iam', 'GetUser', { UserName: 'alice' }],
      ['iam', 'ListUsers', {}],
      ['iam', 'GetLoginProfile', { UserName: 'alice' }],
      ['iam', 'ListAccessKeys', { UserName: 'alice' }],
      ['iam', 'GetGroup', { GroupName: 'readers' }],
      ['iam', 'ListGroups', {}],
      ['iam', 'ListGroupsForUser', { UserName: 'alice' }],
      ['iam', 'GetRole', { RoleName: 'reader' }],
      ['iam', 'ListRoles', {}],
      ['iam', 'ListRoleTags', { RoleName: 'reader' }],
      ['iam', 'ListUserTags', { UserName: 'alice' }],
      ['iam', 'GetPolicy', { PolicyArn: boundsArn }],
      ['iam', 'GetPolicy', { PolicyArn: POLICY.s3ro }],
      ['iam', 'ListPolicies', {}],
      ['iam', 'ListPolicies', { Scope: 'Local' }],
      ['iam', 'GetPolicyVersion', { PolicyArn: boundsArn, VersionId: 'v2' }],
      ['iam', 'ListPolicyVersions', { PolicyArn: boundsArn }],
      ['iam', 'ListPolicyVersions', { PolicyArn: POLICY.s3ro }],
      ['iam', 'ListAttachedUserPolicies', { UserName: 'alice' }],
      ['iam', 'ListAttachedGroupPolicies', { GroupName: 'readers' }],
      ['iam', 'ListAttachedRolePolicies', { RoleName: 'reader' }],
      ['iam', 'GetUserPolicy', { UserName: 'alice', PolicyName: 'inline' }],
      ['iam', 'ListUserPolicies', { UserName: 'alice' }],
      ['iam', 'GetGroupPolicy', { GroupName: 'readers', PolicyName: 'gi' }],
      ['iam', 'ListGroupPolicies', { GroupName: 'readers' }],
      ['iam', 'GetRolePolicy', { RoleName: 'reader', PolicyName: 'inline' }],
      ['iam', 'ListRolePolicies', { RoleName: 'reader' }],
      ['iam', 'ListEntitiesForPolicy', { PolicyArn: POLICY.s3ro }],
      ['iam', 'GetAccountAuthorizationDetails', {}],
      ['iam', 'ListMFADevices', { UserName: 'alice' }],
      ['iam', 'ListAccountAliases', {}],
      ['iam', 'GetAccountSummary', {}],
      ['iam', 'SimulatePrincipalPolicy', { PolicySourceArn: userArn('alice'), ActionNames: ['s3:GetObject', 'iam:ListUsers'] }],
      ['iam', 'SimulateCustomPolicy', { PolicyInputList: [JSON.stringify(allow('s3:*'))], ActionNames: ['s3:GetObject'] }],
      ['iam', 'CreateUser', { UserName: 'bob', Tags: [{ Key: 'a', Value: 'b' }], PermissionsBoundary: boundsArn }],
      ['iam', 'CreateAccessKey', { UserName: 'bob' }],
      ['iam', 'CreateLoginProfile', { UserName: 'bob', Password: 'Passw0rd-Bob' }],
      ['iam', 'CreateGroup', { GroupName: 'g2' }],
      ['iam', 'CreateRole', { RoleName: 'r2', Description: 'd', AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: userArn('alice') })), Tags: [{ Key: 'a', Value: 'b' }], PermissionsBoundary: boundsArn }],
      ['iam', 'UpdateRole', { RoleName: 'r2', Description: 'd2' }],
      ['iam', 'UpdateRoleDescription', { RoleName: 'r2', Description: 'd3' }],
      ['iam', 'CreatePolicy', { PolicyName: 'p2', Description: 'd', PolicyDocument: JSON.stringify(allow('s3:*')), Tags: [{ Key: 'a', Value: 'b' }] }],
      ['iam', 'CreatePolicyVersion', { PolicyArn: boundsArn, PolicyDocument: JSON.stringify(allow('*')) }],
      ['iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'bob' }],
      ['sts', 'GetCallerIdentity', {}],
      ['sts', 'GetSessionToken', {}],
      ['s3', 'ListBuckets', {}],
      ['s3', 'ListObjectsV2', { Bucket: 'shape-lab-bucket' }],
      ['s3', 'GetObject', { Bucket: 'shape-lab-bucket', Key: 'a.txt' }],
      ['s3', 'GetBucketPolicy', { Bucket: 'shape-lab-bucket' }],
      ['ec2', 'DescribeInstances', {}],
      ['ec2', 'DescribeRegions', {}],
      ['account', 'GetAccountInformation', {}],
    ];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const [svc, op, input] of calls) {
      const model = getOperationByApi(svc, op);
      assert.ok(model, `${svc} ${op} is in the model`);
      const out = l.ok(svc, op, input, root);
      seen.add(`${svc}:${op}`);
      if (model.output) conform(out, model.output, `${svc} ${op}`, problems);
      else assert.deepEqual(Object.keys(out), [], `${svc} ${op} has no output`);
    }
    // calls as someone else (outputs that depend on the caller)
    for (const [svc, op, input] of [
      ['sts', 'AssumeRole', { RoleArn: reader, RoleSessionName: 'lab', Policy: JSON.stringify(allow('s3:*')), Tags: [{ Key: 'a', Value: 'b' }], SourceIdentity: 'alice' }],
      ['sts', 'GetFederationToken', { Name: 'fed', Policy: JSON.stringify(allow('s3:*')) }],
    ] as Array<[ServiceName, string, Record<string, unknown>]>) {
      l.ok('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'more', PolicyDocument: JSON.stringify(allow(['sts:*'])) });
      const model = getOperationByApi(svc, op)!;
      conform(l.ok(svc, op, input, alice), model.output!, `${svc} ${op}`, problems);
      seen.add(`${svc}:${op}`);
    }
    assert.deepEqual(problems, []);
    // the list of operations checked covers every read operation served
    const reads = Object.entries(simOperations()).flatMap(([svc, ops]) => ops.filter((o) => /^(Get|List|Describe)/.test(o)).map((o) => `${svc}:${o}`));
    assert.deepEqual(reads.filter((r) => !seen.has(r)), []);
  });

  test('ListRoles keeps Description and MaxSessionDuration, leaves out PermissionsBoundary, RoleLastUsed and Tags', () => {
    const { l } = rich();
    const full = l.ok('iam', 'GetRole', { RoleName: 'reader' })['Role'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(full), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'Description', 'MaxSessionDuration', 'PermissionsBoundary', 'Tags', 'RoleLastUsed']);
    const listed = (l.ok('iam', 'ListRoles', { PathPrefix: '/app/' })['Roles'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(listed), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'Description', 'MaxSessionDuration']);
    assert.equal(listed['Description'], 'reads reports');
    assert.equal(listed['Arn'], roleArn('app/reader'));
  });

  test('ListUsers and GetGroup keep PasswordLastUsed, leave out PermissionsBoundary and Tags', () => {
    const { l } = rich();
    const full = l.ok('iam', 'GetUser', { UserName: 'alice' })['User'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(full), ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate', 'PasswordLastUsed', 'PermissionsBoundary', 'Tags']);
    const listed = (l.ok('iam', 'ListUsers')['Users'] as Array<Record<string, unknown>>).find((u) => u['UserName'] === 'alice')!;
    assert.deepEqual(Object.keys(listed), ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate', 'PasswordLastUsed']);
    const member = (l.ok('iam', 'GetGroup', { GroupName: 'readers' })['Users'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(member), Object.keys(listed));
  });

  test('ListPolicies leaves out Description and Tags; GetPolicy has them', () => {
    const { l, boundsArn } = rich();
    const full = l.ok('iam', 'GetPolicy', { PolicyArn: boundsArn })['Policy'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(full), ['PolicyName', 'PolicyId', 'Arn', 'Path', 'DefaultVersionId', 'AttachmentCount', 'PermissionsBoundaryUsageCount', 'IsAttachable', 'Description', 'CreateDate', 'UpdateDate', 'Tags']);
    const listed = (l.ok('iam', 'ListPolicies', { Scope: 'Local' })['Policies'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(listed), ['PolicyName', 'PolicyId', 'Arn', 'Path', 'DefaultVersionId', 'AttachmentCount', 'PermissionsBoundaryUsageCount', 'IsAttachable', 'CreateDate', 'UpdateDate']);
    const versions = l.ok('iam', 'ListPolicyVersions', { PolicyArn: boundsArn })['Versions'] as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(versions[0]!), ['VersionId', 'IsDefaultVersion', 'CreateDate'], 'ListPolicyVersions leaves out the documents');
  });

  test('GetAccountAuthorizationDetails: each detail list with the members of its own type', () => {
    const { l, boundsArn } = rich();
    const out = l.ok('iam', 'GetAccountAuthorizationDetails');
    assert.deepEqual(Object.keys(out), ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies', 'IsTruncated']);
    const user = (out['UserDetailList'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(user), ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate', 'UserPolicyList', 'GroupList', 'AttachedManagedPolicies', 'PermissionsBoundary', 'Tags']);
    const group = (out['GroupDetailList'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(group), ['Path', 'GroupName', 'GroupId', 'Arn', 'CreateDate', 'GroupPolicyList', 'AttachedManagedPolicies']);
    const role = (out['RoleDetailList'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(role), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'InstanceProfileList', 'RolePolicyList', 'AttachedManagedPolicies', 'PermissionsBoundary', 'Tags', 'RoleLastUsed']);
    const policies = out['Policies'] as Array<Record<string, unknown>>;
    const custom = policies.find((p) => p['Arn'] === boundsArn)!;
    assert.deepEqual(Object.keys(custom), ['PolicyName', 'PolicyId', 'Arn', 'Path', 'DefaultVersionId', 'AttachmentCount', 'PermissionsBoundaryUsageCount', 'IsAttachable', 'Description', 'CreateDate', 'UpdateDate', 'PolicyVersionList']);
    const aws = policies.find((p) => p['Arn'] === POLICY.s3ro)!;
    assert.deepEqual(Object.keys(aws), ['PolicyName', 'PolicyId', 'Arn', 'Path', 'DefaultVersionId', 'AttachmentCount', 'PermissionsBoundaryUsageCount', 'IsAttachable', 'Description', 'CreateDate', 'UpdateDate', 'PolicyVersionList']);
    assert.deepEqual(Object.keys((custom['PolicyVersionList'] as Array<Record<string, unknown>>)[0]!), ['Document', 'VersionId', 'IsDefaultVersion', 'CreateDate']);
  });
});
