// IAM operations through SimBackend: validation texts, uniqueness, NoSuchEntity, DeleteConflict,
// LimitExceeded, trust-policy grammar, deleted principals in trust policies, output shapes,
// pagination, managed policy versions, the simulator and GetAccountAuthorizationDetails.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, A, B, trust, allow, deny, userArn, roleArn, rootArn, POLICY } from './helpers.js';

const TRUST_ROOT = JSON.stringify(trust({ AWS: rootArn() }));

describe('names, paths and uniqueness', () => {
  test('role name length and pattern (ValidationError template); several problems joined', () => {
    const l = new Lab();
    const long = 'r'.repeat(65);
    let e = l.err('iam', 'CreateRole', { RoleName: long, AssumeRolePolicyDocument: TRUST_ROOT });
    assert.deepEqual([e.code, e.status, e.message], ['ValidationError', 400, `1 validation error detected: Value '${long}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`]);
    e = l.err('iam', 'CreateRole', { RoleName: 'my role', AssumeRolePolicyDocument: TRUST_ROOT });
    assert.equal(e.message, "1 validation error detected: Value 'my role' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
    e = l.err('iam', 'CreateRole', { RoleName: 'ok', Path: 'no-slashes', AssumeRolePolicyDocument: TRUST_ROOT });
    assert.equal(e.message, "1 validation error detected: Value 'no-slashes' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
    e = l.err('iam', 'CreateRole', { RoleName: 'bad name', MaxSessionDuration: 100, AssumeRolePolicyDocument: TRUST_ROOT });
    assert.equal(
      e.message,
      "2 validation errors detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );
    e = l.err('iam', 'CreateRole', { RoleName: 'x' });
    assert.equal(e.message, "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null");
    e = l.err('iam', 'CreateUser', { UserName: 'u', Tags: [{ Key: '', Value: 'v' }] });
    assert.match(e.message, /at 'tags\.1\.member\.key' failed to satisfy constraint/);
  });

  test('names are unique case-insensitively: EntityAlreadyExists texts', () => {
    const l = new Lab();
    l.ok('iam', 'CreateRole', { RoleName: 's3-reader', AssumeRolePolicyDocument: TRUST_ROOT });
    let e = l.err('iam', 'CreateRole', { RoleName: 'S3-READER', AssumeRolePolicyDocument: TRUST_ROOT });
    assert.deepEqual([e.code, e.status, e.message], ['EntityAlreadyExists', 409, 'Role with name S3-READER already exists.']);
    l.ok('iam', 'CreateUser', { UserName: 'alice' });
    e = l.err('iam', 'CreateUser', { UserName: 'Alice' });
    assert.equal(e.message, 'User with name Alice already exists.');
    l.ok('iam', 'CreateGroup', { GroupName: 'ADMINS' });
    assert.equal(l.err('iam', 'CreateGroup', { GroupName: 'admins' }).message, 'Group with name admins already exists.');
    l.ok('iam', 'CreatePolicy', { PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:*')) });
    assert.equal(l.err('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: JSON.stringify(allow('s3:*')) }).message, 'A policy called P already exists. Duplicate names are not allowed.');
  });

  test('NoSuchEntity texts (404)', () => {
    const l = new Lab();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['GetRole', { RoleName: 'nope' }, 'The role with name nope cannot be found.'],
      ['GetUser', { UserName: 'nope' }, 'The user with name nope cannot be found.'],
      ['GetGroup', { GroupName: 'nope' }, 'The group with name nope cannot be found.'],
      ['GetPolicy', { PolicyArn: `arn:aws:iam::${A}:policy/nope` }, `Policy arn:aws:iam::${A}:policy/nope was not found.`],
    ];
    for (const [op, input, msg] of cases) {
      const e = l.err('iam', op, input);
      assert.deepEqual([e.code, e.status, e.message], ['NoSuchEntity', 404, msg], op);
    }
    l.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST_ROOT });
    assert.equal(l.err('iam', 'DeleteRolePolicy', { RoleName: 'r', PolicyName: 'x' }).message, 'The role policy with name x cannot be found.');
    assert.equal(l.err('iam', 'AttachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/NotAPolicy' }).message, 'Policy arn:aws:iam::aws:policy/NotAPolicy does not exist or is not attachable.');
    l.ok('iam', 'CreateUser', { UserName: 'u' });
    assert.equal(l.err('iam', 'GetLoginProfile', { UserName: 'u' }).message, 'Login Profile for User u cannot be found.');
  });

  test('lookups by name ignore case and return the stored case', () => {
    const l = new Lab();
    l.ok('iam', 'CreateUser', { UserName: 'James' });
    assert.equal((l.ok('iam', 'GetUser', { UserName: 'james' })['User'] as Record<string, string>)['UserName'], 'James');
  });
});

describe('trust policy grammar (reference §2.4) and size limits (§5.4)', () => {
  test('principal must exist; Resource prohibited; Principal required; NotPrincipal forbidden; wildcard in ARN rejected', () => {
    const l = new Lab();
    const mk = (doc: unknown) => l.err('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(doc) });
    let e = mk(trust({ AWS: userArn('ghost') }));
    assert.deepEqual([e.code, e.status, e.message], ['MalformedPolicyDocument', 400, `Invalid principal in policy: "AWS":"${userArn('ghost')}"`]);
    e = mk(trust({ AWS: rootArn() }, { Resource: '*' }));
    assert.equal(e.message, 'Has prohibited field Resource');
    e = mk({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
    assert.equal(e.message, 'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!');
    e = mk({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: rootArn() }, Action: 'sts:AssumeRole' }] });
    assert.equal(e.code, 'MalformedPolicyDocument');
    e = mk(trust({ AWS: `arn:aws:iam::${A}:user/*` }));
    assert.equal(e.code, 'MalformedPolicyDocument');
    assert.match(e.message, /^Invalid principal in policy/);
    e = l.err('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: '{\n  "Version": "2012-10-17",\n  "Statement": [ {"Effect": "Allow",}\n]}' });
    assert.equal(e.message, 'Syntax errors in policy.');
    assert.equal(e.position?.line, 3);
    // nothing was created by the failed calls
    assert.equal(l.w.iam.role(A, 'r'), undefined);
  });

  test('trust policy > 2048 characters (whitespace not counted): LimitExceeded ACLSizePerRole', () => {
    const l = new Lab();
    const users = Array.from({ length: 40 }, (_, i) => `user-number-${String(i).padStart(3, '0')}`);
    for (const u of users) l.ok('iam', 'CreateUser', { UserName: u });
    const doc = JSON.stringify(trust({ AWS: users.map((u) => userArn(u)) }), null, 8);
    const e = l.err('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: doc });
    assert.deepEqual([e.code, e.status, e.message], ['LimitExceeded', 409, 'Cannot exceed quota for ACLSizePerRole: 2048']);
    const fits = JSON.stringify(trust({ AWS: users.slice(0, 20).map((u) => userArn(u)) }), null, 8);
    assert.ok(fits.length > 2048); // counted without whitespace it fits
    l.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: fits });
  });

  test('inline policy aggregates: user 2048, role 10240, group 5120; managed 6144; identity grammar', () => {
    const l = new Lab();
    l.ok('iam', 'CreateUser', { UserName: 'u' });
    const half = allow(Array.from({ length: 45 }, (_, i) => `s3:GetObjectVersion${String(i).padStart(2, '0')}`));
    assert.ok(JSON.stringify(half).length > 1024 && JSON.stringify(half).length < 2048);
    l.ok('iam', 'PutUserPolicy', { UserName: 'u', PolicyName: 'a', PolicyDocument: JSON.stringify(half) });
    const e = l.err('iam', 'PutUserPolicy', { UserName: 'u', PolicyName: 'b', PolicyDocument: JSON.stringify(half) });
    assert.deepEqual([e.code, e.status, e.message], ['LimitExceeded', 409, 'Maximum policy size of 2048 bytes exceeded for user u']);
    l.ok('iam', 'PutUserPolicy', { UserName: 'u', PolicyName: 'a', PolicyDocument: JSON.stringify(half) }); // replacing is fine
    const huge = allow(Array.from({ length: 260 }, (_, i) => `s3:GetObjectVersion${String(i).padStart(3, '0')}`));
    const m = l.err('iam', 'CreatePolicy', { PolicyName: 'big', PolicyDocument: JSON.stringify(huge) });
    assert.deepEqual([m.code, m.message], ['LimitExceeded', 'Cannot exceed quota for PolicySize: 6144']);
    l.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST_ROOT });
    const roleMax = allow(Array.from({ length: 210 }, (_, i) => `s3:GetObjectVersion${String(i).padStart(3, '0')}`));
    l.ok('iam', 'PutRolePolicy', { RoleName: 'r', PolicyName: 'a', PolicyDocument: JSON.stringify(roleMax) });
    assert.equal(l.err('iam', 'PutRolePolicy', { RoleName: 'r', PolicyName: 'b', PolicyDocument: JSON.stringify(roleMax) }).message, 'Maximum policy size of 10240 bytes exceeded for role r');
    assert.equal(l.err('iam', 'PutUserPolicy', { UserName: 'u', PolicyName: 'p', PolicyDocument: JSON.stringify(trust({ AWS: rootArn() }, { Resource: '*' })) }).message, 'Policy document should not specify a principal.');
    assert.equal(l.err('iam', 'PutUserPolicy', { UserName: 'u', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] }) }).message, 'Policy statement must contain resources.');
    assert.equal(l.err('iam', 'CreatePolicy', { PolicyName: 'old', PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }).message, 'Policy document must be version 2012-10-17 or greater.');
    // AWS managed policies are not bound by the customer limits (ReadOnlyAccess is ~91,000 characters)
    l.ok('iam', 'AttachUserPolicy', { UserName: 'u', PolicyArn: POLICY.readOnly });
    assert.ok(l.w.iam.policy(POLICY.readOnly)!.document.length > 50000);
  });

  test('attachment and key quotas', () => {
    const l = new Lab();
    l.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST_ROOT });
    const arns = [...l.w.iam.awsManagedPolicies()].map((p) => p.arn);
    for (const arn of arns.slice(0, 10)) l.ok('iam', 'AttachRolePolicy', { RoleName: 'r', PolicyArn: arn });
    const e = l.err('iam', 'AttachRolePolicy', { RoleName: 'r', PolicyArn: arns[10]! });
    assert.deepEqual([e.code, e.status, e.message], ['LimitExceeded', 409, 'Cannot exceed quota for PoliciesPerRole: 10']);
    l.ok('iam', 'AttachRolePolicy', { RoleName: 'r', PolicyArn: arns[0]! }); // attaching again is a no-op
    l.ok('iam', 'CreateUser', { UserName: 'u' });
    l.ok('iam', 'CreateAccessKey', { UserName: 'u' });
    l.ok('iam', 'CreateAccessKey', { UserName: 'u' });
    assert.equal(l.err('iam', 'CreateAccessKey', { UserName: 'u' }).message, 'Cannot exceed quota for AccessKeysPerUser: 2');
  });
});

describe('deleting principals (reference §2.5)', () => {
  test('a deleted user turns into its unique id in trust policies; re-creating does not restore access; re-saving the ARN does', () => {
    const l = new Lab();
    let bob = l.user('bob');
    const bobId = l.w.iam.user(A, 'bob')!.id;
    const r = l.role('r', trust({ AWS: [userArn('bob'), rootArn()] }));
    l.assume(bob, r);
    const e = l.err('iam', 'DeleteUser', { UserName: 'bob' });
    assert.deepEqual([e.code, e.status, e.message], ['DeleteConflict', 409, 'Cannot delete entity, must delete access keys first.']);
    l.ok('iam', 'DeleteAccessKey', { UserName: 'bob', AccessKeyId: bob.accessKeyId });
    l.ok('iam', 'DeleteUser', { UserName: 'bob' });
    const doc = JSON.parse(String((l.ok('iam', 'GetRole', { RoleName: 'r' })['Role'] as Record<string, unknown>)['AssumeRolePolicyDocument']));
    assert.deepEqual(doc.Statement[0].Principal.AWS, [bobId, rootArn()]);
    bob = l.user('bob');
    assert.notEqual(l.w.iam.user(A, 'bob')!.id, bobId);
    const d = l.err('sts', 'AssumeRole', { RoleArn: r, RoleSessionName: 'lab' }, bob);
    assert.equal(d.code, 'AccessDenied');
    // the stale unique id cannot be saved again
    assert.match(l.err('iam', 'UpdateAssumeRolePolicy', { RoleName: 'r', PolicyDocument: JSON.stringify(doc) }).message, /^Invalid principal in policy/);
    l.ok('iam', 'UpdateAssumeRolePolicy', { RoleName: 'r', PolicyDocument: JSON.stringify(trust({ AWS: userArn('bob') })) });
    l.assume(bob, r);
  });

  test('a deleted role turns into AROA… in trust policies that named it', () => {
    const l = new Lab();
    const a = l.role('a', trust({ AWS: rootArn() }));
    const aid = l.w.iam.role(A, 'a')!.id;
    l.role('b', trust({ AWS: a }));
    l.ok('iam', 'DeleteRole', { RoleName: 'a' });
    assert.equal(JSON.parse(l.w.iam.role(A, 'b')!.trust).Statement[0].Principal.AWS, aid);
    assert.match(aid, /^AROA[A-Z2-7]{17}$/);
  });

  test('DeleteConflict for users, roles, groups and policies', () => {
    const l = new Lab();
    l.ok('iam', 'CreateUser', { UserName: 'u' });
    l.ok('iam', 'CreateLoginProfile', { UserName: 'u', Password: 'Str0ng-Passw0rd' });
    assert.equal(l.err('iam', 'DeleteUser', { UserName: 'u' }).message, 'Cannot delete entity, must delete login profile first.');
    l.ok('iam', 'DeleteLoginProfile', { UserName: 'u' });
    l.ok('iam', 'AttachUserPolicy', { UserName: 'u', PolicyArn: POLICY.s3ro });
    assert.equal(l.err('iam', 'DeleteUser', { UserName: 'u' }).message, 'Cannot delete entity, must detach all policies first.');
    l.ok('iam', 'DetachUserPolicy', { UserName: 'u', PolicyArn: POLICY.s3ro });
    l.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST_ROOT });
    l.ok('iam', 'PutRolePolicy', { RoleName: 'r', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:*')) });
    assert.equal(l.err('iam', 'DeleteRole', { RoleName: 'r' }).message, 'Cannot delete entity, must delete policies first.');
    l.ok('iam', 'DeleteRolePolicy', { RoleName: 'r', PolicyName: 'p' });
    l.ok('iam', 'AttachRolePolicy', { RoleName: 'r', PolicyArn: POLICY.s3ro });
    assert.equal(l.err('iam', 'DeleteRole', { RoleName: 'r' }).message, 'Cannot delete entity, must detach all policies first.');
    l.ok('iam', 'CreateGroup', { GroupName: 'g' });
    l.ok('iam', 'AddUserToGroup', { GroupName: 'g', UserName: 'u' });
    assert.equal(l.err('iam', 'DeleteGroup', { GroupName: 'g' }).message, 'Cannot delete entity, must remove users from group first.');
    const p = (l.ok('iam', 'CreatePolicy', { PolicyName: 'cp', PolicyDocument: JSON.stringify(allow('s3:*')) })['Policy'] as Record<string, string>)['Arn']!;
    l.ok('iam', 'AttachRolePolicy', { RoleName: 'r', PolicyArn: p });
    assert.equal(l.err('iam', 'DeletePolicy', { PolicyArn: p }).message, 'Cannot delete a policy attached to entities.');
    l.ok('iam', 'DetachRolePolicy', { RoleName: 'r', PolicyArn: p });
    l.ok('iam', 'CreatePolicyVersion', { PolicyArn: p, PolicyDocument: JSON.stringify(allow('s3:Get*')) });
    assert.equal(
      l.err('iam', 'DeletePolicy', { PolicyArn: p }).message,
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
    assert.equal(l.err('iam', 'DeletePolicyVersion', { PolicyArn: p, VersionId: 'v1' }).message, 'Cannot delete the default version of a policy.');
    l.ok('iam', 'DeletePolicyVersion', { PolicyArn: p, VersionId: 'v2' });
    l.ok('iam', 'DeletePolicy', { PolicyArn: p });
  });
});

describe('output shapes and pagination', () => {
  test('CreateRole omits MaxSessionDuration and RoleLastUsed; GetRole has them; ListRoles omits PermissionsBoundary, RoleLastUsed, Tags', () => {
    const l = new Lab();
    const created = l.ok('iam', 'CreateRole', { RoleName: 'r', Description: 'd', AssumeRolePolicyDocument: TRUST_ROOT, Tags: [{ Key: 'k', Value: 'v' }], PermissionsBoundary: POLICY.s3full })['Role'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(created), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'Description', 'PermissionsBoundary', 'Tags']);
    assert.equal(created['AssumeRolePolicyDocument'], TRUST_ROOT);
    const got = l.ok('iam', 'GetRole', { RoleName: 'r' })['Role'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(got), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'Description', 'MaxSessionDuration', 'PermissionsBoundary', 'Tags', 'RoleLastUsed']);
    assert.equal(got['MaxSessionDuration'], 3600);
    const listed = (l.ok('iam', 'ListRoles')['Roles'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(listed), ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'Description', 'MaxSessionDuration']);
  });

  test('Marker / MaxItems / IsTruncated walk every role exactly once', () => {
    const l = new Lab();
    const names = Array.from({ length: 7 }, (_, i) => `role-${i}`);
    for (const n of names) l.ok('iam', 'CreateRole', { RoleName: n, AssumeRolePolicyDocument: TRUST_ROOT });
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const o = l.ok('iam', 'ListRoles', { MaxItems: 3, ...(marker ? { Marker: marker } : {}) });
      seen.push(...(o['Roles'] as Array<Record<string, string>>).map((r) => r['RoleName']!));
      marker = o['IsTruncated'] ? String(o['Marker']) : undefined;
      assert.equal('Marker' in o, o['IsTruncated']);
      pages++;
    } while (marker);
    assert.deepEqual(seen, names);
    assert.equal(pages, 3);
    assert.equal(l.err('iam', 'ListRoles', { MaxItems: 0 }).message, "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  test('access keys: AKIA + 16, 40-character secret, shown once; ListAccessKeys has no secret; Must specify userName for role sessions', () => {
    const l = new Lab();
    l.ok('iam', 'CreateUser', { UserName: 'u' });
    const k = l.ok('iam', 'CreateAccessKey', { UserName: 'u' })['AccessKey'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(k), ['UserName', 'AccessKeyId', 'Status', 'SecretAccessKey', 'CreateDate']);
    assert.match(String(k['AccessKeyId']), /^AKIA[A-Z2-7]{16}$/);
    assert.equal(String(k['SecretAccessKey']).length, 40);
    const meta = (l.ok('iam', 'ListAccessKeys', { UserName: 'u' })['AccessKeyMetadata'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(meta), ['UserName', 'AccessKeyId', 'Status', 'CreateDate']);
    const alice = l.user('alice');
    const s = l.assume(alice, l.role('r', trust({ AWS: userArn('alice') }), { attach: [POLICY.admin] }));
    assert.equal(l.err('iam', 'ListAccessKeys', {}, s).message, 'Must specify userName when calling with non-User credentials');
    // without UserName an IAM user lists its own keys (given the permission)
    l.ok('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'own-keys', PolicyDocument: JSON.stringify(allow('iam:ListAccessKeys', userArn('alice'))) });
    assert.deepEqual((l.ok('iam', 'ListAccessKeys', {}, alice)['AccessKeyMetadata'] as Array<Record<string, string>>).map((k) => k['AccessKeyId']), [alice.accessKeyId]);
  });

  test('unique ids are AIDA/AROA/AGPA/ANPA + 17 base32 characters and deterministic for a seed', () => {
    const ids = (seed: string) => {
      const l = new Lab({ seed });
      const u = (l.ok('iam', 'CreateUser', { UserName: 'u' })['User'] as Record<string, string>)['UserId'];
      const r = (l.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST_ROOT })['Role'] as Record<string, string>)['RoleId'];
      const g = (l.ok('iam', 'CreateGroup', { GroupName: 'g' })['Group'] as Record<string, string>)['GroupId'];
      const p = (l.ok('iam', 'CreatePolicy', { PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:*')) })['Policy'] as Record<string, string>)['PolicyId'];
      return [u, r, g, p];
    };
    const a = ids('one');
    assert.deepEqual(a, ids('one'));
    assert.notDeepEqual(a, ids('two'));
    ['AIDA', 'AROA', 'AGPA', 'ANPA'].forEach((p, i) => assert.match(a[i]!, new RegExp(`^${p}[A-Z2-7]{17}$`)));
  });
});

describe('managed policies', () => {
  test('versions: at most 5, default switching changes what is allowed, ListPolicyVersions newest first', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const p = (l.ok('iam', 'CreatePolicy', { PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:ListAllMyBuckets')) })['Policy'] as Record<string, unknown>);
    assert.deepEqual(Object.keys(p), ['PolicyName', 'PolicyId', 'Arn', 'Path', 'DefaultVersionId', 'AttachmentCount', 'PermissionsBoundaryUsageCount', 'IsAttachable', 'CreateDate', 'UpdateDate']);
    const arn = String(p['Arn']);
    l.ok('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn });
    l.ok('s3', 'ListBuckets', {}, alice);
    for (let i = 2; i <= 5; i++) l.ok('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: JSON.stringify(deny('s3:*')) });
    const e = l.err('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: JSON.stringify(deny('s3:*')) });
    assert.deepEqual([e.code, e.message], ['LimitExceeded', 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.']);
    l.ok('s3', 'ListBuckets', {}, alice); // v1 still the default
    l.ok('iam', 'SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: 'v3' });
    assert.equal(l.err('s3', 'ListBuckets', {}, alice).code, 'AccessDenied');
    const vs = l.ok('iam', 'ListPolicyVersions', { PolicyArn: arn })['Versions'] as Array<Record<string, unknown>>;
    assert.deepEqual(vs.map((v) => [v['VersionId'], v['IsDefaultVersion']]), [['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]]);
    l.ok('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v5' });
    assert.equal((l.ok('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: JSON.stringify(allow('s3:*')) })['PolicyVersion'] as Record<string, unknown>)['VersionId'], 'v6');
    const got = l.ok('iam', 'GetPolicy', { PolicyArn: arn })['Policy'] as Record<string, unknown>;
    assert.equal(got['AttachmentCount'], 1);
    assert.equal(got['DefaultVersionId'], 'v3');
  });

  test('AWS managed catalogue: real documents, paths, GetPolicyVersion of the default version', () => {
    const l = new Lab();
    const v = l.ok('iam', 'GetPolicy', { PolicyArn: POLICY.viewOnly })['Policy'] as Record<string, unknown>;
    assert.equal(v['Path'], '/job-function/');
    assert.equal(v['PolicyName'], 'ViewOnlyAccess');
    const admin = l.ok('iam', 'GetPolicyVersion', { PolicyArn: POLICY.admin, VersionId: 'v1' })['PolicyVersion'] as Record<string, unknown>;
    assert.deepEqual(JSON.parse(String(admin['Document'])), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const names = (l.ok('iam', 'ListPolicies', { Scope: 'AWS', MaxItems: 1000 })['Policies'] as Array<Record<string, string>>).map((p) => p['PolicyName']);
    for (const n of ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'ViewOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'AmazonEC2FullAccess', 'AmazonEC2ReadOnlyAccess'])
      assert.ok(names.includes(n), n);
    assert.deepEqual(l.ok('iam', 'ListPolicies', { Scope: 'Local' })['Policies'], []);
  });

  test('lab-relevant allow matrix of the AWS managed policies (reference §6.1) through real calls', () => {
    const l = new Lab();
    l.ok('s3', 'CreateBucket', { Bucket: 'matrix-bucket' });
    l.ok('s3', 'PutObject', { Bucket: 'matrix-bucket', Key: 'k', Body: 'x' });
    const who = (policy: string, i: number) => l.assume(l.user(`u${i}`), l.role(`r${i}`, trust({ AWS: userArn(`u${i}`) }), { attach: [policy] }));
    const probes: Array<[string, () => Record<string, unknown>]> = [];
    const rows: Array<[string, boolean[]]> = [
      // ListBuckets, ListObjectsV2, GetObject, PutObject, DescribeInstances, ListRoles, GetRole
      [POLICY.admin, [true, true, true, true, true, true, true]],
      [POLICY.s3ro, [true, true, true, false, false, false, false]],
      [POLICY.s3full, [true, true, true, true, false, false, false]],
      [POLICY.ec2full, [false, false, false, false, true, false, false]],
      [POLICY.viewOnly, [true, true, false, false, true, true, false]],
      [POLICY.readOnly, [true, true, true, false, true, true, true]],
    ];
    void probes;
    rows.forEach(([policy, expected], i) => {
      const s = who(policy, i);
      const got = [
        l.call('s3', 'ListBuckets', {}, s).ok,
        l.call('s3', 'ListObjectsV2', { Bucket: 'matrix-bucket' }, s).ok,
        l.call('s3', 'GetObject', { Bucket: 'matrix-bucket', Key: 'k' }, s).ok,
        l.call('s3', 'PutObject', { Bucket: 'matrix-bucket', Key: 'k2', Body: 'y' }, s).ok,
        l.call('ec2', 'DescribeInstances', {}, s).ok,
        l.call('iam', 'ListRoles', {}, s).ok,
        l.call('iam', 'GetRole', { RoleName: `r${i}` }, s).ok,
      ];
      assert.deepEqual(got, expected, policy);
    });
  });
});

describe('IAM authorization messages (reference §4.8)', () => {
  test('IAM prints "role NAME" / "user NAME" and the list ARN for ListRoles/ListUsers', () => {
    const l = new Lab();
    const matt = l.user('matt');
    l.ok('iam', 'CreateRole', { RoleName: 'cdk-role', AssumeRolePolicyDocument: TRUST_ROOT });
    assert.equal(l.err('iam', 'GetRole', { RoleName: 'cdk-role' }, matt).message, `User: ${userArn('matt')} is not authorized to perform: iam:GetRole on resource: role cdk-role because no identity-based policy allows the iam:GetRole action`);
    assert.equal(l.err('iam', 'GetUser', { UserName: 'rancher' }, matt).message, `User: ${userArn('matt')} is not authorized to perform: iam:GetUser on resource: user rancher because no identity-based policy allows the iam:GetUser action`);
    assert.equal(l.err('iam', 'ListRoles', {}, matt).message, `User: ${userArn('matt')} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${A}:role/ because no identity-based policy allows the iam:ListRoles action`);
    assert.equal(l.err('iam', 'ListUsers', {}, matt).message, `User: ${userArn('matt')} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${A}:user/ because no identity-based policy allows the iam:ListUsers action`);
    l.ok('iam', 'PutUserPolicy', { UserName: 'matt', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:GetRole', Resource: '*' }] }) });
    assert.equal(l.err('iam', 'GetRole', { RoleName: 'cdk-role' }, matt).message, `User: ${userArn('matt')} is not authorized to perform: iam:GetRole on resource: role cdk-role with an explicit deny in an identity-based policy`);
    // authorization happens before the existence check: a denied caller learns nothing
    const bob = l.user('bob');
    assert.equal(l.err('iam', 'GetRole', { RoleName: 'nope' }, bob).code, 'AccessDenied');
  });

  test('actions ignore case, resources do not', () => {
    const l = new Lab();
    const u = l.user('u', A, { inline: allow('IAM:getrole', roleArn('Target')) });
    l.ok('iam', 'CreateRole', { RoleName: 'Target', AssumeRolePolicyDocument: TRUST_ROOT });
    l.ok('iam', 'GetRole', { RoleName: 'Target' }, u);
    l.ok('iam', 'CreateRole', { RoleName: 'target2', AssumeRolePolicyDocument: TRUST_ROOT });
    const u2 = l.user('u2', A, { inline: allow('iam:GetRole', roleArn('TARGET2')) });
    assert.equal(l.err('iam', 'GetRole', { RoleName: 'target2' }, u2).code, 'AccessDenied');
  });

  test('wildcard-only actions are not granted by a specific ARN', () => {
    const l = new Lab();
    l.ok('s3', 'CreateBucket', { Bucket: 'only-bucket' });
    const u = l.user('u', A, { inline: allow(['s3:ListAllMyBuckets', 'ec2:DescribeInstances'], 'arn:aws:s3:::only-bucket') });
    assert.equal(l.err('s3', 'ListBuckets', {}, u).code, 'AccessDenied');
    assert.equal(l.err('ec2', 'DescribeInstances', {}, u).code, 'UnauthorizedOperation');
  });
});

describe('groups, boundaries, tags, MFA, account', () => {
  test('group policies apply to members; removal takes them away', () => {
    const l = new Lab();
    const u = l.user('u');
    l.ok('iam', 'CreateGroup', { GroupName: 'readers' });
    l.ok('iam', 'AttachGroupPolicy', { GroupName: 'readers', PolicyArn: POLICY.s3ro });
    assert.equal(l.err('s3', 'ListBuckets', {}, u).code, 'AccessDenied');
    l.ok('iam', 'AddUserToGroup', { GroupName: 'readers', UserName: 'u' });
    const ok = l.call('s3', 'ListBuckets', {}, u);
    assert.ok(ok.ok);
    assert.match(ok.explanation!.summary, /group readers/);
    assert.deepEqual((l.ok('iam', 'ListGroupsForUser', { UserName: 'u' })['Groups'] as Array<Record<string, string>>).map((g) => g['GroupName']), ['readers']);
    assert.deepEqual((l.ok('iam', 'GetGroup', { GroupName: 'readers' })['Users'] as Array<Record<string, string>>).map((g) => g['UserName']), ['u']);
    l.ok('iam', 'RemoveUserFromGroup', { GroupName: 'readers', UserName: 'u' });
    assert.equal(l.err('s3', 'ListBuckets', {}, u).code, 'AccessDenied');
  });

  test('permissions boundary limits the identity policy (effective = identity ∩ boundary)', () => {
    const l = new Lab();
    const u = l.user('u', A, { inline: allow(['s3:*', 'ec2:*']) });
    l.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'u', PermissionsBoundary: POLICY.ec2full });
    assert.equal(l.err('s3', 'ListBuckets', {}, u).message, `User: ${userArn('u')} is not authorized to perform: s3:ListAllMyBuckets because no permissions boundary allows the s3:ListAllMyBuckets action`);
    l.ok('ec2', 'DescribeInstances', {}, u);
    const got = l.ok('iam', 'GetUser', { UserName: 'u' })['User'] as Record<string, unknown>;
    assert.deepEqual(got['PermissionsBoundary'], { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: POLICY.ec2full });
    l.ok('iam', 'DeleteUserPermissionsBoundary', { UserName: 'u' });
    l.ok('s3', 'ListBuckets', {}, u);
  });

  test('role tags: TagRole/UntagRole/ListRoleTags; keys case-insensitive', () => {
    const l = new Lab();
    l.ok('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST_ROOT });
    l.ok('iam', 'TagRole', { RoleName: 'r', Tags: [{ Key: 'Env', Value: 'dev' }, { Key: 'team', Value: 'a' }] });
    l.ok('iam', 'TagRole', { RoleName: 'r', Tags: [{ Key: 'env', Value: 'prod' }] });
    assert.deepEqual(l.ok('iam', 'ListRoleTags', { RoleName: 'r' })['Tags'], [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'a' }]);
    l.ok('iam', 'UntagRole', { RoleName: 'r', TagKeys: ['TEAM'] });
    assert.deepEqual(l.ok('iam', 'ListRoleTags', { RoleName: 'r' })['Tags'], [{ Key: 'env', Value: 'prod' }]);
  });

  test('virtual MFA: two consecutive codes enable it; wrong codes InvalidAuthenticationCode; ListMFADevices', () => {
    const l = new Lab();
    l.ok('iam', 'CreateUser', { UserName: 'u' });
    const serial = String((l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'u-phone' })['VirtualMFADevice'] as Record<string, unknown>)['SerialNumber']);
    const e = l.err('iam', 'EnableMFADevice', { UserName: 'u', SerialNumber: serial, AuthenticationCode1: l.w.mfaCode(serial), AuthenticationCode2: l.w.mfaCode(serial) });
    assert.deepEqual([e.code, e.status, e.message], ['InvalidAuthenticationCode', 403, 'Authentication code for device is not valid.']);
    l.ok('iam', 'EnableMFADevice', { UserName: 'u', SerialNumber: serial, AuthenticationCode1: l.w.mfaCode(serial), AuthenticationCode2: l.w.mfaCode(serial, 1) });
    const list = l.ok('iam', 'ListMFADevices', { UserName: 'u' })['MFADevices'] as Array<Record<string, unknown>>;
    assert.deepEqual(list, [{ UserName: 'u', SerialNumber: serial, EnableDate: new Date('2025-03-01T12:00:00Z') }]);
    assert.equal(l.err('iam', 'DeleteUser', { UserName: 'u' }).message, 'Cannot delete entity, must delete MFA device first.');
  });

  test('account alias and summary', () => {
    const l = new Lab({ accounts: [A, B] });
    l.ok('iam', 'CreateAccountAlias', { AccountAlias: 'my-lab' });
    assert.deepEqual(l.ok('iam', 'ListAccountAliases')['AccountAliases'], ['my-lab']);
    assert.equal(l.err('iam', 'CreateAccountAlias', { AccountAlias: 'my-lab' }, l.rootOf(B)).code, 'EntityAlreadyExists');
    assert.equal(l.err('iam', 'CreateAccountAlias', { AccountAlias: 'Bad_Alias' }).code, 'ValidationError');
    l.ok('iam', 'CreateUser', { UserName: 'u' });
    assert.equal((l.ok('iam', 'GetAccountSummary')['SummaryMap'] as Record<string, number>)['Users'], 1);
  });
});

describe('simulator and authorization details', () => {
  test('SimulatePrincipalPolicy: allowed / implicitDeny / explicitDeny with matched statement positions', () => {
    const l = new Lab();
    l.ok('iam', 'CreateUser', { UserName: 'u' });
    const doc = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n    {"Sid": "D", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}\n  ]\n}';
    l.ok('iam', 'PutUserPolicy', { UserName: 'u', PolicyName: 'mix', PolicyDocument: doc });
    const o = l.ok('iam', 'SimulatePrincipalPolicy', { PolicySourceArn: userArn('u'), ActionNames: ['s3:ListBucket', 's3:DeleteBucket', 'ec2:DescribeInstances'] });
    const rs = o['EvaluationResults'] as Array<Record<string, unknown>>;
    assert.deepEqual(rs.map((r) => r['EvalDecision']), ['allowed', 'explicitDeny', 'implicitDeny']);
    assert.deepEqual(rs[0]!['MatchedStatements'], [{ SourcePolicyId: 'mix', SourcePolicyType: 'user', StartPosition: { Line: 4, Column: 5 }, EndPosition: { Line: 5, Column: 5 } }]);
    assert.equal((rs[1]!['MatchedStatements'] as Array<Record<string, unknown>>)[0]!['StartPosition'] instanceof Object, true);
    assert.deepEqual(rs[2]!['MatchedStatements'], []);
    assert.equal(o['IsTruncated'], false);
  });

  test('SimulateCustomPolicy evaluates the given documents only', () => {
    const l = new Lab();
    const o = l.ok('iam', 'SimulateCustomPolicy', { PolicyInputList: [JSON.stringify(allow('iam:Get*'))], ActionNames: ['iam:GetRole', 'iam:DeleteRole'], ResourceArns: [roleArn('x')] });
    assert.deepEqual((o['EvaluationResults'] as Array<Record<string, unknown>>).map((r) => [r['EvalActionName'], r['EvalResourceName'], r['EvalDecision']]), [
      ['iam:GetRole', roleArn('x'), 'allowed'],
      ['iam:DeleteRole', roleArn('x'), 'implicitDeny'],
    ]);
    assert.equal(l.err('iam', 'SimulateCustomPolicy', { PolicyInputList: ['{'], ActionNames: ['s3:*'] }).code, 'MalformedPolicyDocument');
  });

  test('GetAccountAuthorizationDetails has users (inline, groups, attached), roles (trust), local policies with versions, AWS managed policies in use', () => {
    const l = new Lab();
    l.user('James', A, { inline: allow('s3:ListAllMyBuckets') });
    l.ok('iam', 'CreateGroup', { GroupName: 'g' });
    l.ok('iam', 'AddUserToGroup', { GroupName: 'g', UserName: 'James' });
    l.role('r', trust({ AWS: userArn('James') }), { attach: [POLICY.s3ro] });
    l.ok('iam', 'CreatePolicy', { PolicyName: 'cp', PolicyDocument: JSON.stringify(allow('ec2:Describe*')) });
    const o = l.ok('iam', 'GetAccountAuthorizationDetails');
    assert.deepEqual(Object.keys(o), ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies', 'IsTruncated']);
    const u = (o['UserDetailList'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(u['GroupList'], ['g']);
    assert.equal((u['UserPolicyList'] as Array<Record<string, string>>)[0]!['PolicyName'], 'inline');
    const r = (o['RoleDetailList'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(r['AttachedManagedPolicies'], [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: POLICY.s3ro }]);
    assert.equal(JSON.parse(String(r['AssumeRolePolicyDocument'])).Statement[0].Principal.AWS, userArn('James'));
    const pols = (o['Policies'] as Array<Record<string, unknown>>).map((p) => p['PolicyName']);
    assert.deepEqual(pols, ['cp', 'AmazonS3ReadOnlyAccess']);
    assert.deepEqual(Object.keys(l.ok('iam', 'GetAccountAuthorizationDetails', { Filter: ['Role'] })), ['RoleDetailList', 'IsTruncated']);
  });

  test('SimulatePrincipalPolicy accepts ResourceOwner as the account ARN', () => {
    const l = new Lab();
    l.user('u', A, { inline: allow('s3:GetObject') });
    const o = l.ok('iam', 'SimulatePrincipalPolicy', { PolicySourceArn: userArn('u'), ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::b/k'], ResourceOwner: `arn:aws:iam::${A}:root` });
    assert.equal((o['EvaluationResults'] as Array<Record<string, unknown>>)[0]!['EvalDecision'], 'allowed');
  });

  test('renaming a user keeps its MFA device', () => {
    const l = new Lab();
    const u = l.user('old', A, { inline: allow('sts:GetSessionToken') });
    const serial = String((l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'old' })['VirtualMFADevice'] as Record<string, unknown>)['SerialNumber']);
    l.ok('iam', 'EnableMFADevice', { UserName: 'old', SerialNumber: serial, AuthenticationCode1: l.w.mfaCode(serial, -1), AuthenticationCode2: l.w.mfaCode(serial) });
    l.ok('iam', 'UpdateUser', { UserName: 'old', NewUserName: 'new' });
    l.ok('sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: l.w.mfaCode(serial) }, u);
    assert.equal((l.ok('iam', 'ListMFADevices', { UserName: 'new' })['MFADevices'] as unknown[]).length, 1);
  });

  test('renaming a user keeps the trust working under the new ARN', () => {
    const l = new Lab();
    const u = l.user('old');
    const r = l.role('r', trust({ AWS: userArn('old') }));
    l.ok('iam', 'UpdateUser', { UserName: 'old', NewUserName: 'new' });
    assert.equal(JSON.parse(l.w.iam.role(A, 'r')!.trust).Statement[0].Principal.AWS, userArn('new'));
    assert.equal(l.whoami(u), userArn('new'));
    l.assume(u, r);
  });
});
