// Finding and deleting what a lab created in a real account: exactly the resources tagged
// iamlab:lab=<lab id> (users, roles, customer managed policies, instance profiles, virtual MFA
// devices, S3 buckets). Deleting an entity first removes what IAM requires gone (login profile,
// access keys, MFA devices, group memberships, attached and inline policies, instance profile
// membership, non-default policy versions, bucket objects), then the entity. Nothing untagged is
// ever deleted; a policy attached to something outside the lab is detached from it, and the plan
// says so before anything happens.
import type { CallResult, Credentials } from '../backend/types.js';
import { LAB_TAG_KEY, type RealBackend } from './backend.js';
import type { RealAwsError } from './errors.js';

export type LabResourceKind = 'user' | 'role' | 'policy' | 'instance-profile' | 'mfa-device' | 'bucket';

export interface LabResource {
  kind: LabResourceKind;
  /** Name (bucket name, user name, policy name, MFA device name). */
  name: string;
  /** ARN (buckets: arn:aws:s3:::name; MFA devices: the serial number). */
  arn: string;
  /** Things deleting it will also do, in the learner's words ("detach AmazonS3FullAccess", "delete 1 access key"). */
  alsoDoes: string[];
}

export interface ScanResult {
  accountId: string;
  callerArn: string;
  resources: LabResource[];
  /** What could not be read (permissions, throttling): the list may then be incomplete. */
  problems: string[];
}

export interface DeleteStep {
  resource: LabResource;
  ok: boolean;
  /** What was done, or the error. */
  lines: string[];
}

type Caller = (service: 'iam' | 's3', operation: string, input: Record<string, unknown>) => Promise<CallResult>;

function caller(b: RealBackend, credentials?: Credentials): Caller {
  // `send`, not `call`: cleanup asks its own question first, and must not tag anything.
  return (service, operation, input) => b.send({ service, operation, input, ...(credentials ? { credentials } : {}), via: 'api' });
}

class CallFailed extends Error {
  constructor(
    readonly operation: string,
    readonly error: RealAwsError,
  ) {
    super(`${operation}: ${error.code}: ${error.message}`);
  }
}

async function must(c: Caller, service: 'iam' | 's3', op: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await c(service, op, input);
  if (!r.ok) throw new CallFailed(op, r.error);
  return r.output;
}

/** Follows Marker/IsTruncated (IAM) pagination; returns every item of `listKey`. */
async function paginate<T>(c: Caller, op: string, input: Record<string, unknown>, listKey: string): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const o = await must(c, 'iam', op, { ...input, ...(marker ? { Marker: marker } : {}) });
    out.push(...((o[listKey] as T[] | undefined) ?? []));
    if (!o.IsTruncated || !o.Marker) break;
    marker = String(o.Marker);
  }
  return out;
}

interface Tag {
  Key?: string;
  Value?: string;
}
const hasLabTag = (tags: Tag[] | undefined, labId: string) => (tags ?? []).some((t) => t.Key === LAB_TAG_KEY && t.Value === labId);

/** Runs fns with at most n in flight. */
async function limit<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) {
        const k = i++;
        out[k] = await fn(items[k]!);
      }
    }),
  );
  return out;
}

function describeFailure(e: unknown): string {
  return e instanceof CallFailed ? `${e.operation} failed: ${e.error.code}: ${e.error.message}` : (e as Error).message;
}

/** Everything tagged iamlab:lab=<labId> in the account the credentials (or the chain) belong to. */
export async function scanLabResources(b: RealBackend, labId: string, credentials?: Credentials): Promise<ScanResult> {
  const who = await b.identity(credentials);
  if ('code' in who) throw new CallFailed('GetCallerIdentity', who);
  const c = caller(b, credentials);
  const resources: LabResource[] = [];
  const problems: string[] = [];

  // Users and roles: one paginated GetAccountAuthorizationDetails gives tags, policies and groups.
  try {
    let marker: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const o = await must(c, 'iam', 'GetAccountAuthorizationDetails', { Filter: ['User', 'Role'], ...(marker ? { Marker: marker } : {}) });
      for (const u of (o.UserDetailList as Array<Record<string, unknown>> | undefined) ?? []) {
        if (!hasLabTag(u.Tags as Tag[], labId)) continue;
        const also: string[] = [];
        for (const p of (u.AttachedManagedPolicies as Array<{ PolicyName?: string }> | undefined) ?? []) also.push(`detach ${p.PolicyName}`);
        for (const p of (u.UserPolicyList as Array<{ PolicyName?: string }> | undefined) ?? []) also.push(`delete inline policy ${p.PolicyName}`);
        for (const g of (u.GroupList as string[] | undefined) ?? []) also.push(`remove from group ${g}`);
        resources.push({ kind: 'user', name: String(u.UserName), arn: String(u.Arn), alsoDoes: also });
      }
      for (const r of (o.RoleDetailList as Array<Record<string, unknown>> | undefined) ?? []) {
        if (!hasLabTag(r.Tags as Tag[], labId)) continue;
        const also: string[] = [];
        for (const p of (r.AttachedManagedPolicies as Array<{ PolicyName?: string }> | undefined) ?? []) also.push(`detach ${p.PolicyName}`);
        for (const p of (r.RolePolicyList as Array<{ PolicyName?: string }> | undefined) ?? []) also.push(`delete inline policy ${p.PolicyName}`);
        for (const ip of (r.InstanceProfileList as Array<{ InstanceProfileName?: string }> | undefined) ?? []) also.push(`remove from instance profile ${ip.InstanceProfileName}`);
        resources.push({ kind: 'role', name: String(r.RoleName), arn: String(r.Arn), alsoDoes: also });
      }
      if (!o.IsTruncated || !o.Marker) break;
      marker = String(o.Marker);
    }
  } catch (e) {
    problems.push(`users and roles: ${describeFailure(e)}`);
  }

  // Customer managed policies: tags are not in GAAD; ask each one.
  try {
    const pols = await paginate<{ PolicyName: string; Arn: string; AttachmentCount?: number }>(c, 'ListPolicies', { Scope: 'Local' }, 'Policies');
    const tagged = await limit(pols, 8, async (p) => {
      const t = await c('iam', 'ListPolicyTags', { PolicyArn: p.Arn });
      if (!t.ok) {
        problems.push(`policy ${p.PolicyName}: ListPolicyTags failed: ${t.error.code}`);
        return undefined;
      }
      return hasLabTag(t.output.Tags as Tag[], labId) ? p : undefined;
    });
    for (const p of tagged) {
      if (!p) continue;
      const also: string[] = [];
      if (p.AttachmentCount) {
        const ents = await must(c, 'iam', 'ListEntitiesForPolicy', { PolicyArn: p.Arn });
        for (const x of (ents.PolicyUsers as Array<{ UserName: string }> | undefined) ?? []) also.push(`detach from user ${x.UserName}`);
        for (const x of (ents.PolicyGroups as Array<{ GroupName: string }> | undefined) ?? []) also.push(`detach from group ${x.GroupName}`);
        for (const x of (ents.PolicyRoles as Array<{ RoleName: string }> | undefined) ?? []) also.push(`detach from role ${x.RoleName}`);
      }
      resources.push({ kind: 'policy', name: p.PolicyName, arn: p.Arn, alsoDoes: also });
    }
  } catch (e) {
    problems.push(`customer managed policies: ${describeFailure(e)}`);
  }

  // Instance profiles and virtual MFA devices.
  try {
    const ips = await paginate<{ InstanceProfileName: string; Arn: string; Tags?: Tag[]; Roles?: Array<{ RoleName: string }> }>(c, 'ListInstanceProfiles', {}, 'InstanceProfiles');
    await limit(ips, 8, async (ip) => {
      let tags = ip.Tags;
      if (!tags) {
        const t = await c('iam', 'ListInstanceProfileTags', { InstanceProfileName: ip.InstanceProfileName });
        tags = t.ok ? (t.output.Tags as Tag[]) : [];
      }
      if (hasLabTag(tags, labId)) {
        resources.push({ kind: 'instance-profile', name: ip.InstanceProfileName, arn: ip.Arn, alsoDoes: (ip.Roles ?? []).map((r) => `remove role ${r.RoleName}`) });
      }
    });
  } catch (e) {
    problems.push(`instance profiles: ${describeFailure(e)}`);
  }
  try {
    const mfas = await paginate<{ SerialNumber: string; User?: { UserName?: string }; Tags?: Tag[] }>(c, 'ListVirtualMFADevices', {}, 'VirtualMFADevices');
    await limit(mfas, 8, async (m) => {
      let tags = m.Tags;
      if (!tags) {
        const t = await c('iam', 'ListMFADeviceTags', { SerialNumber: m.SerialNumber });
        tags = t.ok ? (t.output.Tags as Tag[]) : [];
      }
      if (hasLabTag(tags, labId)) {
        resources.push({ kind: 'mfa-device', name: m.SerialNumber.split('/').pop() ?? m.SerialNumber, arn: m.SerialNumber, alsoDoes: m.User?.UserName ? [`deactivate it for user ${m.User.UserName}`] : [] });
      }
    });
  } catch (e) {
    problems.push(`virtual MFA devices: ${describeFailure(e)}`);
  }

  // Buckets: ListBuckets, then each bucket's tags (NoSuchTagSet = untagged).
  try {
    const o = await must(c, 's3', 'ListBuckets', {});
    const buckets = ((o.Buckets as Array<{ Name: string }> | undefined) ?? []).map((x) => x.Name);
    await limit(buckets, 8, async (name) => {
      const t = await c('s3', 'GetBucketTagging', { Bucket: name });
      if (!t.ok) {
        if (!/^(NoSuchTagSet|NoSuchTagSetError|NoSuchBucket)$/.test(t.error.code)) problems.push(`bucket ${name}: GetBucketTagging failed: ${t.error.code}`);
        return;
      }
      if (hasLabTag(t.output.TagSet as Tag[], labId)) resources.push({ kind: 'bucket', name, arn: `arn:aws:s3:::${name}`, alsoDoes: ['delete every object in it'] });
    });
  } catch (e) {
    problems.push(`buckets: ${describeFailure(e)}`);
  }

  const order: LabResourceKind[] = ['user', 'role', 'instance-profile', 'policy', 'mfa-device', 'bucket'];
  resources.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.name.localeCompare(b.name));
  return { accountId: who.accountId, callerArn: who.arn, resources, problems };
}

/** Tolerates "already gone" while deleting. */
function gone(e: unknown): boolean {
  return e instanceof CallFailed && /^(NoSuchEntity|NoSuchBucket|NoSuchKey)$/.test(e.error.code);
}

async function step(c: Caller, lines: string[], service: 'iam' | 's3', op: string, input: Record<string, unknown>, say: string): Promise<void> {
  try {
    await must(c, service, op, input);
    lines.push(say);
  } catch (e) {
    if (gone(e)) return;
    throw e;
  }
}

async function deleteUser(c: Caller, name: string, lines: string[]): Promise<void> {
  await step(c, lines, 'iam', 'DeleteLoginProfile', { UserName: name }, 'deleted its console password');
  for (const k of await paginate<{ AccessKeyId: string }>(c, 'ListAccessKeys', { UserName: name }, 'AccessKeyMetadata')) {
    await step(c, lines, 'iam', 'DeleteAccessKey', { UserName: name, AccessKeyId: k.AccessKeyId }, `deleted access key ${k.AccessKeyId}`);
  }
  for (const m of await paginate<{ SerialNumber: string }>(c, 'ListMFADevices', { UserName: name }, 'MFADevices')) {
    await step(c, lines, 'iam', 'DeactivateMFADevice', { UserName: name, SerialNumber: m.SerialNumber }, `deactivated MFA device ${m.SerialNumber}`);
  }
  for (const g of await paginate<{ GroupName: string }>(c, 'ListGroupsForUser', { UserName: name }, 'Groups')) {
    await step(c, lines, 'iam', 'RemoveUserFromGroup', { UserName: name, GroupName: g.GroupName }, `removed from group ${g.GroupName}`);
  }
  for (const p of await paginate<{ PolicyArn: string; PolicyName: string }>(c, 'ListAttachedUserPolicies', { UserName: name }, 'AttachedPolicies')) {
    await step(c, lines, 'iam', 'DetachUserPolicy', { UserName: name, PolicyArn: p.PolicyArn }, `detached ${p.PolicyName}`);
  }
  for (const p of await paginate<string>(c, 'ListUserPolicies', { UserName: name }, 'PolicyNames')) {
    await step(c, lines, 'iam', 'DeleteUserPolicy', { UserName: name, PolicyName: p }, `deleted inline policy ${p}`);
  }
  for (const k of await optionalList(c, 'ListSigningCertificates', { UserName: name }, 'Certificates')) {
    await step(c, lines, 'iam', 'DeleteSigningCertificate', { UserName: name, CertificateId: (k as { CertificateId: string }).CertificateId }, 'deleted a signing certificate');
  }
  for (const k of await optionalList(c, 'ListSSHPublicKeys', { UserName: name }, 'SSHPublicKeys')) {
    await step(c, lines, 'iam', 'DeleteSSHPublicKey', { UserName: name, SSHPublicKeyId: (k as { SSHPublicKeyId: string }).SSHPublicKeyId }, 'deleted an SSH public key');
  }
  for (const k of await optionalList(c, 'ListServiceSpecificCredentials', { UserName: name }, 'ServiceSpecificCredentials')) {
    await step(c, lines, 'iam', 'DeleteServiceSpecificCredential', { UserName: name, ServiceSpecificCredentialId: (k as { ServiceSpecificCredentialId: string }).ServiceSpecificCredentialId }, 'deleted a service-specific credential');
  }
  await step(c, lines, 'iam', 'DeleteUser', { UserName: name }, 'deleted the user');
}

/** Lists that some AWS-compatible endpoints do not implement: treated as empty when unsupported. */
async function optionalList(c: Caller, op: string, input: Record<string, unknown>, key: string): Promise<unknown[]> {
  const r = await c('iam', op, input);
  if (r.ok) return (r.output[key] as unknown[] | undefined) ?? [];
  if (/^(NoSuchEntity)$/.test(r.error.code)) return [];
  // AWS-compatible endpoints (moto, the simulated account) may not implement these lists at all.
  if (r.error.status === 0 && (r.error.code === 'UnsupportedOperation' || r.error.code === 'UnexpectedResponseError')) return [];
  if (/NotImplemented|InvalidAction|Unknown/i.test(r.error.code) || r.error.status >= 500) return [];
  throw new CallFailed(op, r.error);
}

async function deleteRole(c: Caller, name: string, lines: string[]): Promise<void> {
  for (const ip of await paginate<{ InstanceProfileName: string }>(c, 'ListInstanceProfilesForRole', { RoleName: name }, 'InstanceProfiles')) {
    await step(c, lines, 'iam', 'RemoveRoleFromInstanceProfile', { RoleName: name, InstanceProfileName: ip.InstanceProfileName }, `removed from instance profile ${ip.InstanceProfileName}`);
  }
  for (const p of await paginate<{ PolicyArn: string; PolicyName: string }>(c, 'ListAttachedRolePolicies', { RoleName: name }, 'AttachedPolicies')) {
    await step(c, lines, 'iam', 'DetachRolePolicy', { RoleName: name, PolicyArn: p.PolicyArn }, `detached ${p.PolicyName}`);
  }
  for (const p of await paginate<string>(c, 'ListRolePolicies', { RoleName: name }, 'PolicyNames')) {
    await step(c, lines, 'iam', 'DeleteRolePolicy', { RoleName: name, PolicyName: p }, `deleted inline policy ${p}`);
  }
  await step(c, lines, 'iam', 'DeleteRole', { RoleName: name }, 'deleted the role');
}

async function deletePolicy(c: Caller, arn: string, lines: string[]): Promise<void> {
  const ents = await must(c, 'iam', 'ListEntitiesForPolicy', { PolicyArn: arn }).catch((e) => {
    if (gone(e)) return undefined;
    throw e;
  });
  if (!ents) return;
  for (const x of (ents.PolicyUsers as Array<{ UserName: string }> | undefined) ?? []) await step(c, lines, 'iam', 'DetachUserPolicy', { UserName: x.UserName, PolicyArn: arn }, `detached from user ${x.UserName}`);
  for (const x of (ents.PolicyGroups as Array<{ GroupName: string }> | undefined) ?? []) await step(c, lines, 'iam', 'DetachGroupPolicy', { GroupName: x.GroupName, PolicyArn: arn }, `detached from group ${x.GroupName}`);
  for (const x of (ents.PolicyRoles as Array<{ RoleName: string }> | undefined) ?? []) await step(c, lines, 'iam', 'DetachRolePolicy', { RoleName: x.RoleName, PolicyArn: arn }, `detached from role ${x.RoleName}`);
  for (const v of await paginate<{ VersionId: string; IsDefaultVersion: boolean }>(c, 'ListPolicyVersions', { PolicyArn: arn }, 'Versions')) {
    if (!v.IsDefaultVersion) await step(c, lines, 'iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: v.VersionId }, `deleted version ${v.VersionId}`);
  }
  await step(c, lines, 'iam', 'DeletePolicy', { PolicyArn: arn }, 'deleted the policy');
}

async function deleteInstanceProfile(c: Caller, name: string, lines: string[]): Promise<void> {
  const o = await must(c, 'iam', 'GetInstanceProfile', { InstanceProfileName: name }).catch((e) => {
    if (gone(e)) return undefined;
    throw e;
  });
  if (!o) return;
  const roles = ((o.InstanceProfile as { Roles?: Array<{ RoleName: string }> } | undefined)?.Roles ?? []).map((r) => r.RoleName);
  for (const r of roles) await step(c, lines, 'iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: name, RoleName: r }, `removed role ${r}`);
  await step(c, lines, 'iam', 'DeleteInstanceProfile', { InstanceProfileName: name }, 'deleted the instance profile');
}

async function deleteMfaDevice(c: Caller, serial: string, lines: string[]): Promise<void> {
  const all = await paginate<{ SerialNumber: string; User?: { UserName?: string } }>(c, 'ListVirtualMFADevices', {}, 'VirtualMFADevices');
  const d = all.find((x) => x.SerialNumber === serial);
  if (!d) return;
  if (d.User?.UserName) await step(c, lines, 'iam', 'DeactivateMFADevice', { UserName: d.User.UserName, SerialNumber: serial }, `deactivated for user ${d.User.UserName}`);
  await step(c, lines, 'iam', 'DeleteVirtualMFADevice', { SerialNumber: serial }, 'deleted the MFA device');
}

async function deleteBucket(c: Caller, name: string, lines: string[]): Promise<void> {
  let n = 0;
  for (let page = 0; page < 10_000; page++) {
    const o = await must(c, 's3', 'ListObjectsV2', { Bucket: name }).catch((e) => {
      if (gone(e)) return undefined;
      throw e;
    });
    const keys = ((o?.Contents as Array<{ Key: string }> | undefined) ?? []).map((x) => x.Key);
    if (keys.length === 0) break;
    for (const k of keys) {
      await step(c, [], 's3', 'DeleteObject', { Bucket: name, Key: k }, '');
      n++;
    }
  }
  if (n) lines.push(`deleted ${n} object${n === 1 ? '' : 's'}`);
  await step(c, lines, 's3', 'DeleteBucket', { Bucket: name }, 'deleted the bucket');
}

/** Deletes the resources (users and roles first, then policies, MFA devices, buckets). */
export async function deleteLabResources(b: RealBackend, resources: LabResource[], credentials?: Credentials, onStep?: (s: DeleteStep) => void): Promise<DeleteStep[]> {
  const c = caller(b, credentials);
  const out: DeleteStep[] = [];
  const order: LabResourceKind[] = ['user', 'role', 'instance-profile', 'policy', 'mfa-device', 'bucket'];
  const sorted = [...resources].sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind));
  for (const r of sorted) {
    const lines: string[] = [];
    let ok = true;
    try {
      switch (r.kind) {
        case 'user':
          await deleteUser(c, r.name, lines);
          break;
        case 'role':
          await deleteRole(c, r.name, lines);
          break;
        case 'policy':
          await deletePolicy(c, r.arn, lines);
          break;
        case 'instance-profile':
          await deleteInstanceProfile(c, r.name, lines);
          break;
        case 'mfa-device':
          await deleteMfaDevice(c, r.arn, lines);
          break;
        case 'bucket':
          await deleteBucket(c, r.name, lines);
          break;
      }
    } catch (e) {
      ok = false;
      lines.push(describeFailure(e));
    }
    const s = { resource: r, ok, lines };
    out.push(s);
    onStep?.(s);
  }
  return out;
}
