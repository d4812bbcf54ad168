// IAM operations: users, login profiles, access keys, groups, roles, managed and inline
// policies, attachments, boundaries, tags, MFA devices, account alias/summary, authorization
// details and the policy simulator. Validation texts follow the IAM API (see the reference §2.4–§5.7).
import type { ContextValues, EvaluationInput, PolicyInput, PrincipalInfo } from '../policy/types.js';
import type { OpCtx, OpDef } from './ops-common.js';
import { authorize, str, num, bool, list, validateTags, readTags, mergeTags, validatePaging, page, d } from './ops-common.js';
import { Validator, P, awsError, noSuchEntity, entityExists, deleteConflict, limitExceeded, invalidInput } from './errors.js';
import type { Constraint } from './errors.js';
import { validateOrThrow, sizeOf, evaluate, parsePolicyText } from './engine.js';
import { iamArn, rootArn, parseIamArn, parseStsArn, accountPrincipal } from './arn.js';
import type { AccountState, GroupState, InlinePolicy, ManagedPolicyState, RoleState, Tag, UserState, MfaDeviceState } from './model.js';
import type { World } from './world.js';
import { attachmentCount, boundaryUsageCount, hashPassword } from './world.js';
import { AWS_MANAGED } from './managed.js';
import { replacePrincipal } from './trustedit.js';
import { userPolicies, rolePolicies, tagMap, addResourceTags } from './actor.js';
import { totp, base32Encode } from './totp.js';

// ------------------------------------------------------------------ constraints

const C = {
  userName: { min: 1, max: 64, pattern: P.name },
  existingUserName: { min: 1, max: 128, pattern: P.name },
  roleName: { min: 1, max: 64, pattern: P.name },
  groupName: { min: 1, max: 128, pattern: P.name },
  policyName: { min: 1, max: 128, pattern: P.name },
  path: { min: 1, max: 512, pattern: P.path },
  policyPath: { min: 1, max: 512, pattern: P.policyPath },
  pathPrefix: { min: 1, max: 512, pattern: { text: '\\u002F[\\u0021-\\u007F]*', re: /^\/[\u0021-\u007F]*$/ } },
  document: { min: 1, max: 131072, pattern: P.policyDocument },
  arn: { min: 20, max: 2048 },
  description: { max: 1000, pattern: P.roleDescription },
  policyDescription: { max: 1000 },
  accessKeyId: { min: 16, max: 128, pattern: P.accessKeyId },
  status: { enumValues: ['Active', 'Inactive'] },
  password: { min: 1, max: 128, pattern: P.password },
  serial: { min: 9, max: 256, pattern: P.iamSerialNumber },
  authCode: { min: 6, max: 6, pattern: P.authCode },
  mfaName: { min: 1, max: 226, pattern: P.name },
  alias: { min: 3, max: 63, pattern: P.accountAlias },
  versionId: { pattern: P.versionId },
  tagKey: { min: 1, max: 128, pattern: P.tagKey },
} satisfies Record<string, Constraint>;

const INLINE_LIMIT = { user: 2048, role: 10240, group: 5120 } as const;
const MANAGED_POLICY_LIMIT = 6144;
const TRUST_LIMIT = 2048;
const ATTACHED_LIMIT = 10;

// ------------------------------------------------------------------ lookups

const acctOf = (ctx: OpCtx): AccountState => ctx.actor.account;
const userArnOf = (a: AccountState, u: UserState) => iamArn(a.id, 'user', u.path, u.name);
const roleArnOf = (a: AccountState, r: RoleState) => iamArn(a.id, 'role', r.path, r.name);
const groupArnOf = (a: AccountState, g: GroupState) => iamArn(a.id, 'group', g.path, g.name);

function mustUser(a: AccountState, name: string): UserState {
  const u = a.users[name.toLowerCase()];
  if (!u) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return u;
}
function mustRole(a: AccountState, name: string): RoleState {
  const r = a.roles[name.toLowerCase()];
  if (!r) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return r;
}
function mustGroup(a: AccountState, name: string): GroupState {
  const g = a.groups[name.toLowerCase()];
  if (!g) throw noSuchEntity(`The group with name ${name} cannot be found.`);
  return g;
}

/** ARN an IAM call about user NAME is authorized against (existing user's path, else "/"). */
function userResource(a: AccountState, name: string): string {
  const u = a.users[name.toLowerCase()];
  return iamArn(a.id, 'user', u?.path ?? '/', u?.name ?? name);
}
function roleResource(a: AccountState, name: string): string {
  const r = a.roles[name.toLowerCase()];
  return iamArn(a.id, 'role', r?.path ?? '/', r?.name ?? name);
}
function groupResource(a: AccountState, name: string): string {
  const g = a.groups[name.toLowerCase()];
  return iamArn(a.id, 'group', g?.path ?? '/', g?.name ?? name);
}

/** Request keys about the target entity: its tags as aws:ResourceTag/* and iam:ResourceTag/*. */
function withEntityTags(tags: Tag[] | undefined, extra?: ContextValues): ContextValues | undefined {
  if (!tags?.length) return extra;
  return addResourceTags({ ...(extra ?? {}) }, tags);
}
function azUser(ctx: OpCtx, action: string, name: string, extra?: ContextValues): void {
  const arn = userResource(acctOf(ctx), name);
  ctx.resources.push(arn);
  const context = withEntityTags(acctOf(ctx).users[name.toLowerCase()]?.tags, extra);
  authorize(ctx, action, arn, { deny: { style: 'iam', resourceText: `user ${name}` }, ...(context ? { context } : {}) });
}
function azRole(ctx: OpCtx, action: string, name: string, extra?: ContextValues): void {
  const arn = roleResource(acctOf(ctx), name);
  ctx.resources.push(arn);
  const context = withEntityTags(acctOf(ctx).roles[name.toLowerCase()]?.tags, extra);
  authorize(ctx, action, arn, { deny: { style: 'iam', resourceText: `role ${name}` }, ...(context ? { context } : {}) });
}
function azGroup(ctx: OpCtx, action: string, name: string): void {
  const arn = groupResource(acctOf(ctx), name);
  ctx.resources.push(arn);
  authorize(ctx, action, arn, { deny: { style: 'iam', resourceText: `group ${name}` } });
}
function azArn(ctx: OpCtx, action: string, arn: string, text = arn): void {
  ctx.resources.push(arn);
  authorize(ctx, action, arn, { deny: { style: 'iam', resourceText: text } });
}
/** Actions that list an entity type: AWS evaluates (and prints) arn:aws:iam::ACCT:role/ (etc.). */
function azList(ctx: OpCtx, action: string, type: 'user' | 'role' | 'group' | 'policy' | 'mfa'): void {
  const arn = `arn:aws:iam::${acctOf(ctx).id}:${type}/`;
  authorize(ctx, action, arn, { deny: { style: 'iam', resourceText: arn } });
}
function azStar(ctx: OpCtx, action: string): void {
  authorize(ctx, action, '*', { deny: { style: 'iam', resourceText: '*' } });
}

/** Target user of calls whose UserName is optional (defaults to the calling IAM user). */
function targetUserName(ctx: OpCtx): string | undefined {
  const n = str(ctx.input, 'UserName');
  if (n !== undefined) return n;
  const a = ctx.actor;
  if (a.user && (a.kind === 'user' || a.kind === 'console' || a.kind === 'user-session')) return a.user.name;
  if (a.principal.type === 'Account') return undefined; // root's own keys
  throw awsError('ValidationError', 400, 'Must specify userName when calling with non-User credentials');
}

interface PolicyRef {
  arn: string;
  aws: boolean;
  customer?: ManagedPolicyState;
}

function findPolicy(w: World, arn: string): PolicyRef | undefined {
  if (AWS_MANAGED.has(arn)) return { arn, aws: true };
  const p = parseIamArn(arn);
  if (!p || p.type !== 'policy') return undefined;
  const c = w.st.accounts[p.account]?.policies[p.name.toLowerCase()];
  if (!c || c.name !== p.name || c.path !== p.path) return undefined;
  return { arn, aws: false, customer: c };
}

function mustPolicy(w: World, arn: string): PolicyRef {
  const p = findPolicy(w, arn);
  if (!p) throw noSuchEntity(`Policy ${arn} was not found.`);
  return p;
}

function mustAttachable(ctx: OpCtx, arn: string): PolicyRef {
  const p = findPolicy(ctx.w, arn);
  // Customer policies of other accounts cannot be attached.
  if (!p || (p.customer && !arn.startsWith(`arn:aws:iam::${acctOf(ctx).id}:`))) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return p;
}

function mustCustomer(ctx: OpCtx, arn: string): ManagedPolicyState {
  const p = mustPolicy(ctx.w, arn);
  if (p.aws) throw invalidInput(`AWS managed policies cannot be changed or deleted: ${arn}.`); // ⚠ text unverified
  if (!arn.startsWith(`arn:aws:iam::${acctOf(ctx).id}:`)) throw noSuchEntity(`Policy ${arn} was not found.`);
  return p.customer!;
}

// ------------------------------------------------------------------ shapes

function tagsOut(tags: Tag[]): Record<string, unknown> {
  return tags.length ? { Tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {};
}
function boundaryOut(arn: string | undefined): Record<string, unknown> {
  return arn ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn } } : {};
}

function userShape(a: AccountState, u: UserState, mode: 'full' | 'create' | 'list'): Record<string, unknown> {
  const o: Record<string, unknown> = { Path: u.path, UserName: u.name, UserId: u.id, Arn: userArnOf(a, u), CreateDate: d(u.createDate) };
  if (mode !== 'create' && u.passwordLastUsed) o['PasswordLastUsed'] = d(u.passwordLastUsed);
  if (mode !== 'list') Object.assign(o, boundaryOut(u.boundary), tagsOut(u.tags));
  return o;
}

function roleShape(a: AccountState, r: RoleState, mode: 'full' | 'create' | 'list'): Record<string, unknown> {
  const o: Record<string, unknown> = {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: roleArnOf(a, r),
    CreateDate: d(r.createDate),
    AssumeRolePolicyDocument: r.trust,
  };
  if (r.description !== undefined) o['Description'] = r.description;
  if (mode !== 'create') o['MaxSessionDuration'] = r.maxSessionDuration;
  if (mode !== 'list') Object.assign(o, boundaryOut(r.boundary), tagsOut(r.tags));
  if (mode === 'full') o['RoleLastUsed'] = r.lastUsed ? { LastUsedDate: d(r.lastUsed.date), Region: r.lastUsed.region } : {};
  return o;
}

function groupShape(a: AccountState, g: GroupState): Record<string, unknown> {
  return { Path: g.path, GroupName: g.name, GroupId: g.id, Arn: groupArnOf(a, g), CreateDate: d(g.createDate) };
}

/**
 * A managed policy as the operations return it. 'full' (GetPolicy) has Description and Tags;
 * 'create' leaves out Description; 'list' (ListPolicies) leaves out Description and Tags;
 * 'detail' is GetAccountAuthorizationDetails' ManagedPolicyDetail (Description, no Tags member).
 */
function policyShape(w: World, a: AccountState, ref: PolicyRef, mode: 'full' | 'create' | 'list' | 'detail'): Record<string, unknown> {
  if (ref.aws) {
    const p = AWS_MANAGED.get(ref.arn)!;
    const o: Record<string, unknown> = {
      PolicyName: p.name,
      PolicyId: p.id,
      Arn: p.arn,
      Path: p.path,
      DefaultVersionId: p.defaultVersionId,
      AttachmentCount: attachmentCount(a, p.arn),
      PermissionsBoundaryUsageCount: boundaryUsageCount(a, p.arn),
      IsAttachable: true,
    };
    if (mode === 'full' || mode === 'detail') o['Description'] = p.description;
    o['CreateDate'] = d(p.createDate);
    o['UpdateDate'] = d(p.updateDate);
    return o;
  }
  const p = ref.customer!;
  const owner = w.st.accounts[parseIamArn(ref.arn)!.account]!;
  const o: Record<string, unknown> = {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: ref.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: attachmentCount(owner, ref.arn),
    PermissionsBoundaryUsageCount: boundaryUsageCount(owner, ref.arn),
    IsAttachable: true,
  };
  if ((mode === 'full' || mode === 'detail') && p.description !== undefined) o['Description'] = p.description;
  o['CreateDate'] = d(p.createDate);
  o['UpdateDate'] = d(p.updateDate);
  if (mode === 'full' || mode === 'create') Object.assign(o, tagsOut(p.tags));
  return o;
}

function attachedShape(w: World, arns: string[]): Array<{ PolicyName: string; PolicyArn: string }> {
  return arns.map((arn) => ({ PolicyName: w.managedPolicy(arn)?.name ?? arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn }));
}

const byKey = <T extends { name: string }>(xs: T[]): T[] => [...xs].sort((x, y) => (x.name.toLowerCase() < y.name.toLowerCase() ? -1 : x.name.toLowerCase() > y.name.toLowerCase() ? 1 : 0));

// ------------------------------------------------------------------ policy documents

/** principalExists for trust/bucket policy validation: users and roles must exist (exact ARN, path included). */
export function principalExistsIn(w: World): (p: string) => boolean {
  return (p: string) => {
    if (p === '*') return true;
    if (accountPrincipal(p)) return true;
    if (/^A(IDA|ROA)[A-Z2-7]{17}$/.test(p)) {
      for (const a of Object.values(w.st.accounts)) {
        if (Object.values(a.users).some((u) => u.id === p)) return true;
        if (Object.values(a.roles).some((r) => r.id === p)) return true;
      }
      return false;
    }
    const i = parseIamArn(p);
    if (i) {
      const a = w.st.accounts[i.account];
      if (!a) return false;
      if (i.type === 'user') {
        const u = a.users[i.name.toLowerCase()];
        return !!u && u.name === i.name && u.path === i.path;
      }
      if (i.type === 'role') {
        const r = a.roles[i.name.toLowerCase()];
        return !!r && r.name === i.name && r.path === i.path;
      }
      return false;
    }
    const s = parseStsArn(p);
    if (s) {
      if (s.kind === 'federated-user') return true;
      const r = w.st.accounts[s.account]?.roles[s.roleName!.toLowerCase()];
      return !!r && r.name === s.roleName;
    }
    return false;
  };
}

function checkTrust(ctx: OpCtx, text: string): void {
  validateOrThrow(text, 'trust', { principalExists: principalExistsIn(ctx.w), maxSize: TRUST_LIMIT });
}

function checkInline(text: string, kind: 'user' | 'role' | 'group', entity: string, others: InlinePolicy[], policyName: string): void {
  validateOrThrow(text, 'identity');
  let total = sizeOf(text);
  for (const p of others) if (p.name.toLowerCase() !== policyName.toLowerCase()) total += sizeOf(p.document);
  const limit = INLINE_LIMIT[kind];
  if (total > limit) throw limitExceeded(`Maximum policy size of ${limit} bytes exceeded for ${kind} ${entity}`);
}

/** Customer managed policy documents: grammar, Version 2012-10-17, 6,144 characters. */
function checkManaged(text: string): void {
  validateOrThrow(text, 'managed', { maxSize: MANAGED_POLICY_LIMIT });
}

/** Every user/role/group in the account after a deletion or rename: rewrite stored principals. */
function rewritePrincipals(w: World, from: string, to: string): void {
  for (const a of Object.values(w.st.accounts)) for (const r of Object.values(a.roles)) r.trust = replacePrincipal(r.trust, from, to);
  for (const b of Object.values(w.st.buckets)) if (b.policy) b.policy = replacePrincipal(b.policy, from, to);
}

function putInline(list: InlinePolicy[], name: string, document: string): void {
  const i = list.findIndex((p) => p.name.toLowerCase() === name.toLowerCase());
  if (i >= 0) list[i] = { name: list[i]!.name, document };
  else list.push({ name, document });
}

// ------------------------------------------------------------------ users

const createUser: OpDef = {
  validate(i, v) {
    v.string('Path', i['Path'], C.path);
    v.string('UserName', i['UserName'], C.userName, true);
    v.string('PermissionsBoundary', i['PermissionsBoundary'], C.arn);
    validateTags(v, 'Tags', i['Tags']);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'UserName')!;
    const path = str(ctx.input, 'Path') ?? '/';
    const arn = iamArn(a.id, 'user', path, name);
    ctx.resources.push(arn);
    const tags = readTags(ctx.input['Tags']);
    const extra: ContextValues = {};
    const boundary = str(ctx.input, 'PermissionsBoundary');
    if (boundary) extra['iam:PermissionsBoundary'] = boundary;
    if (tags.length) {
      for (const t of tags) extra[`aws:RequestTag/${t.Key}`] = t.Value;
      extra['aws:TagKeys'] = tags.map((t) => t.Key);
    }
    authorize(ctx, 'iam:CreateUser', arn, { context: extra, deny: { style: 'iam', resourceText: `user ${name}` } });
    if (tags.length) authorize(ctx, 'iam:TagUser', arn, { context: extra, deny: { style: 'iam', resourceText: `user ${name}` } });
    if (a.users[name.toLowerCase()]) throw entityExists(`User with name ${name} already exists.`);
    if (boundary) mustAttachable(ctx, boundary);
    const u: UserState = {
      name,
      path,
      id: ctx.w.uniqueId('AIDA'),
      createDate: ctx.now.toISOString(),
      tags,
      accessKeys: [],
      inline: [],
      attached: [],
      groups: [],
      mfa: [],
      ...(boundary ? { boundary } : {}),
    };
    a.users[name.toLowerCase()] = u;
    return { User: userShape(a, u, 'create') };
  },
};

const getUser: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const given = str(ctx.input, 'UserName');
    if (given === undefined) {
      const act = ctx.actor;
      if (act.principal.type === 'Account' && !act.user) {
        authorize(ctx, 'iam:GetUser', rootArn(a.id), { deny: { style: 'iam', resourceText: rootArn(a.id) } });
        return { User: { UserId: a.id, Arn: rootArn(a.id), CreateDate: d(a.createdDate) } };
      }
    }
    const name = targetUserName(ctx)!;
    azUser(ctx, 'iam:GetUser', name);
    return { User: userShape(a, mustUser(a, name), 'full') };
  },
};

const listUsers: OpDef = {
  validate(i, v) {
    v.string('PathPrefix', i['PathPrefix'], C.pathPrefix);
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    azList(ctx, 'iam:ListUsers', 'user');
    const prefix = str(ctx.input, 'PathPrefix') ?? '/';
    const users = byKey(Object.values(a.users).filter((u) => u.path.startsWith(prefix)));
    return page(users.map((u) => userShape(a, u, 'list')), (x) => String(x['UserName']).toLowerCase(), ctx.input, 'Users');
  },
};

const updateUser: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName, true);
    v.string('NewPath', i['NewPath'], C.path);
    v.string('NewUserName', i['NewUserName'], C.userName);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'UserName')!;
    azUser(ctx, 'iam:UpdateUser', name);
    const u = mustUser(a, name);
    const newName = str(ctx.input, 'NewUserName');
    const newPath = str(ctx.input, 'NewPath');
    const oldArn = userArnOf(a, u);
    if (newName !== undefined && newName.toLowerCase() !== u.name.toLowerCase() && a.users[newName.toLowerCase()])
      throw entityExists(`User with name ${newName} already exists.`);
    if (newName !== undefined) {
      for (const dev of Object.values(a.mfaDevices)) if (dev.user === u.name) dev.user = newName;
      delete a.users[u.name.toLowerCase()];
      u.name = newName;
      a.users[newName.toLowerCase()] = u;
      ctx.w.reindex();
    }
    if (newPath !== undefined) u.path = newPath;
    const newArn = userArnOf(a, u);
    if (newArn !== oldArn) rewritePrincipals(ctx.w, oldArn, newArn);
    return {};
  },
};

const deleteUser: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'UserName')!;
    azUser(ctx, 'iam:DeleteUser', name);
    const u = mustUser(a, name);
    if (u.accessKeys.length) throw deleteConflict('Cannot delete entity, must delete access keys first.');
    if (u.loginProfile) throw deleteConflict('Cannot delete entity, must delete login profile first.');
    if (u.mfa.length) throw deleteConflict('Cannot delete entity, must delete MFA device first.');
    if (u.inline.length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (u.attached.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (u.groups.length) throw deleteConflict('Cannot delete entity, must remove users from group first.'); // real DeleteUser text (reference §2.5)
    const arn = userArnOf(a, u);
    delete a.users[u.name.toLowerCase()];
    rewritePrincipals(ctx.w, arn, u.id);
    return {};
  },
};

// ------------------------------------------------------------------ login profiles

function checkPassword(pw: string): void {
  // IAM's default password policy (no account policy set): at least 8 characters and three of
  // uppercase, lowercase, numbers and symbols. ⚠ the exact PasswordPolicyViolation texts are unverified.
  const kinds = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
  if (pw.length < 8) throw awsError('PasswordPolicyViolation', 400, 'Password should have a minimum length of 8');
  if (kinds < 3) throw awsError('PasswordPolicyViolation', 400, 'Password should have at least three of the following: uppercase letters, lowercase letters, numbers and symbols');
}

const createLoginProfile: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.userName);
    v.string('Password', i['Password'], C.password);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = targetUserName(ctx)!;
    azUser(ctx, 'iam:CreateLoginProfile', name);
    const u = mustUser(a, name);
    if (u.loginProfile) throw entityExists(`Login Profile for user ${u.name} already exists.`);
    const pw = str(ctx.input, 'Password');
    if (pw !== undefined) checkPassword(pw);
    const salt = ctx.w.rng.hex(16);
    u.loginProfile = {
      createDate: ctx.now.toISOString(),
      salt,
      passwordHash: hashPassword(pw ?? ctx.w.rng.secret(24), salt),
      passwordResetRequired: bool(ctx.input, 'PasswordResetRequired') ?? false,
    };
    return { LoginProfile: { UserName: u.name, CreateDate: d(u.loginProfile.createDate), PasswordResetRequired: u.loginProfile.passwordResetRequired } };
  },
};

const getLoginProfile: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.userName);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = targetUserName(ctx)!;
    azUser(ctx, 'iam:GetLoginProfile', name);
    const u = mustUser(a, name);
    if (!u.loginProfile) throw noSuchEntity(`Login Profile for User ${u.name} cannot be found.`);
    return { LoginProfile: { UserName: u.name, CreateDate: d(u.loginProfile.createDate), PasswordResetRequired: u.loginProfile.passwordResetRequired } };
  },
};

const updateLoginProfile: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.userName, true);
    v.string('Password', i['Password'], C.password);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'UserName')!;
    azUser(ctx, 'iam:UpdateLoginProfile', name);
    const u = mustUser(a, name);
    if (!u.loginProfile) throw noSuchEntity(`Login Profile for User ${u.name} cannot be found.`);
    const pw = str(ctx.input, 'Password');
    if (pw !== undefined) {
      checkPassword(pw);
      u.loginProfile.passwordHash = hashPassword(pw, u.loginProfile.salt);
    }
    const reset = bool(ctx.input, 'PasswordResetRequired');
    if (reset !== undefined) u.loginProfile.passwordResetRequired = reset;
    return {};
  },
};

const deleteLoginProfile: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.userName);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = targetUserName(ctx)!;
    azUser(ctx, 'iam:DeleteLoginProfile', name);
    const u = mustUser(a, name);
    if (!u.loginProfile) throw noSuchEntity(`Login Profile for User ${u.name} cannot be found.`);
    delete u.loginProfile;
    return {};
  },
};

// ------------------------------------------------------------------ access keys

function keyOwner(ctx: OpCtx, action: string): { user?: UserState; root?: true } {
  const a = acctOf(ctx);
  const name = targetUserName(ctx);
  if (name === undefined) {
    authorize(ctx, action, rootArn(a.id), { deny: { style: 'iam', resourceText: rootArn(a.id) } });
    return { root: true };
  }
  azUser(ctx, action, name);
  return { user: mustUser(a, name) };
}

const createAccessKey: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const o = keyOwner(ctx, 'iam:CreateAccessKey');
    const keys = o.user ? o.user.accessKeys : a.rootKeys;
    if (keys.length >= 2) throw limitExceeded('Cannot exceed quota for AccessKeysPerUser: 2');
    const k = { id: ctx.w.newAccessKeyId(false), secret: ctx.w.rng.secret(40), status: 'Active' as const, createDate: ctx.now.toISOString() };
    keys.push(k);
    ctx.w.keys.set(k.id, o.user ? { accountId: a.id, user: o.user.name.toLowerCase() } : { accountId: a.id, root: true });
    return {
      AccessKey: {
        ...(o.user ? { UserName: o.user.name } : {}),
        AccessKeyId: k.id,
        Status: k.status,
        SecretAccessKey: k.secret,
        CreateDate: d(k.createDate),
      },
    };
  },
};

const listAccessKeys: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName);
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const o = keyOwner(ctx, 'iam:ListAccessKeys');
    const keys = o.user ? o.user.accessKeys : a.rootKeys;
    return page(
      keys.map((k) => ({ ...(o.user ? { UserName: o.user.name } : {}), AccessKeyId: k.id, Status: k.status, CreateDate: d(k.createDate) })),
      (x) => String(x['AccessKeyId']),
      ctx.input,
      'AccessKeyMetadata',
    );
  },
};

function mustKey(keys: UserState['accessKeys'], id: string, user: string | undefined) {
  const k = keys.find((x) => x.id === id);
  if (!k) throw noSuchEntity(`The Access Key with id ${id} cannot be found${user ? ` for user ${user}` : ''}.`); // ⚠ wording unverified
  return k;
}

const updateAccessKey: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName);
    v.string('AccessKeyId', i['AccessKeyId'], C.accessKeyId, true);
    v.string('Status', i['Status'], C.status, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const o = keyOwner(ctx, 'iam:UpdateAccessKey');
    const k = mustKey(o.user ? o.user.accessKeys : a.rootKeys, str(ctx.input, 'AccessKeyId')!, o.user?.name);
    k.status = str(ctx.input, 'Status') as 'Active' | 'Inactive';
    return {};
  },
};

const deleteAccessKey: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName);
    v.string('AccessKeyId', i['AccessKeyId'], C.accessKeyId, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const o = keyOwner(ctx, 'iam:DeleteAccessKey');
    const keys = o.user ? o.user.accessKeys : a.rootKeys;
    const id = str(ctx.input, 'AccessKeyId')!;
    mustKey(keys, id, o.user?.name);
    keys.splice(
      keys.findIndex((k) => k.id === id),
      1,
    );
    ctx.w.keys.delete(id);
    return {};
  },
};

// ------------------------------------------------------------------ groups

const createGroup: OpDef = {
  validate(i, v) {
    v.string('Path', i['Path'], C.path);
    v.string('GroupName', i['GroupName'], C.groupName, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'GroupName')!;
    const path = str(ctx.input, 'Path') ?? '/';
    const arn = iamArn(a.id, 'group', path, name);
    azArn(ctx, 'iam:CreateGroup', arn, `group ${name}`);
    if (a.groups[name.toLowerCase()]) throw entityExists(`Group with name ${name} already exists.`);
    const g: GroupState = { name, path, id: ctx.w.uniqueId('AGPA'), createDate: ctx.now.toISOString(), inline: [], attached: [] };
    a.groups[name.toLowerCase()] = g;
    return { Group: groupShape(a, g) };
  },
};

function groupMembers(a: AccountState, g: GroupState): UserState[] {
  return byKey(Object.values(a.users).filter((u) => u.groups.some((n) => n.toLowerCase() === g.name.toLowerCase())));
}

const getGroup: OpDef = {
  validate(i, v) {
    v.string('GroupName', i['GroupName'], C.groupName, true);
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'GroupName')!;
    azGroup(ctx, 'iam:GetGroup', name);
    const g = mustGroup(a, name);
    const p = page(groupMembers(a, g).map((u) => userShape(a, u, 'list')), (x) => String(x['UserName']).toLowerCase(), ctx.input, 'Users');
    return { Group: groupShape(a, g), ...p };
  },
};

const listGroups: OpDef = {
  validate(i, v) {
    v.string('PathPrefix', i['PathPrefix'], C.pathPrefix);
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    azList(ctx, 'iam:ListGroups', 'group');
    const prefix = str(ctx.input, 'PathPrefix') ?? '/';
    return page(
      byKey(Object.values(a.groups).filter((g) => g.path.startsWith(prefix))).map((g) => groupShape(a, g)),
      (x) => String(x['GroupName']).toLowerCase(),
      ctx.input,
      'Groups',
    );
  },
};

const deleteGroup: OpDef = {
  validate(i, v) {
    v.string('GroupName', i['GroupName'], C.groupName, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'GroupName')!;
    azGroup(ctx, 'iam:DeleteGroup', name);
    const g = mustGroup(a, name);
    if (groupMembers(a, g).length) throw deleteConflict('Cannot delete entity, must remove users from group first.');
    if (g.inline.length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (g.attached.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    delete a.groups[g.name.toLowerCase()];
    return {};
  },
};

const addUserToGroup: OpDef = {
  validate(i, v) {
    v.string('GroupName', i['GroupName'], C.groupName, true);
    v.string('UserName', i['UserName'], C.existingUserName, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const gname = str(ctx.input, 'GroupName')!;
    azGroup(ctx, 'iam:AddUserToGroup', gname);
    const g = mustGroup(a, gname);
    const u = mustUser(a, str(ctx.input, 'UserName')!);
    if (!u.groups.some((n) => n.toLowerCase() === g.name.toLowerCase())) {
      if (u.groups.length >= 10) throw limitExceeded('Cannot exceed quota for GroupsPerUser: 10');
      u.groups.push(g.name);
    }
    return {};
  },
};

const removeUserFromGroup: OpDef = {
  validate(i, v) {
    v.string('GroupName', i['GroupName'], C.groupName, true);
    v.string('UserName', i['UserName'], C.existingUserName, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const gname = str(ctx.input, 'GroupName')!;
    azGroup(ctx, 'iam:RemoveUserFromGroup', gname);
    const g = mustGroup(a, gname);
    const u = mustUser(a, str(ctx.input, 'UserName')!);
    const i = u.groups.findIndex((n) => n.toLowerCase() === g.name.toLowerCase());
    if (i < 0) throw noSuchEntity(`User ${u.name} is not in group ${g.name}.`); // ⚠ wording unverified
    u.groups.splice(i, 1);
    return {};
  },
};

const listGroupsForUser: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName, true);
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'UserName')!;
    azUser(ctx, 'iam:ListGroupsForUser', name);
    const u = mustUser(a, name);
    const gs = byKey(u.groups.map((n) => a.groups[n.toLowerCase()]).filter((g): g is GroupState => !!g));
    return page(gs.map((g) => groupShape(a, g)), (x) => String(x['GroupName']).toLowerCase(), ctx.input, 'Groups');
  },
};

// ------------------------------------------------------------------ roles

const createRole: OpDef = {
  validate(i, v) {
    v.string('Path', i['Path'], C.path);
    v.string('RoleName', i['RoleName'], C.roleName, true);
    v.string('AssumeRolePolicyDocument', i['AssumeRolePolicyDocument'], C.document, true);
    v.string('Description', i['Description'], C.description);
    v.number('MaxSessionDuration', i['MaxSessionDuration'], { minValue: 3600, maxValue: 43200 });
    v.string('PermissionsBoundary', i['PermissionsBoundary'], C.arn);
    validateTags(v, 'Tags', i['Tags']);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'RoleName')!;
    const path = str(ctx.input, 'Path') ?? '/';
    const arn = iamArn(a.id, 'role', path, name);
    ctx.resources.push(arn);
    const tags = readTags(ctx.input['Tags']);
    const boundary = str(ctx.input, 'PermissionsBoundary');
    const extra: ContextValues = {};
    if (boundary) extra['iam:PermissionsBoundary'] = boundary;
    if (tags.length) {
      for (const t of tags) extra[`aws:RequestTag/${t.Key}`] = t.Value;
      extra['aws:TagKeys'] = tags.map((t) => t.Key);
    }
    authorize(ctx, 'iam:CreateRole', arn, { context: extra, deny: { style: 'iam', resourceText: `role ${name}` } });
    if (tags.length) authorize(ctx, 'iam:TagRole', arn, { context: extra, deny: { style: 'iam', resourceText: `role ${name}` } });
    if (a.roles[name.toLowerCase()]) throw entityExists(`Role with name ${name} already exists.`);
    const trust = str(ctx.input, 'AssumeRolePolicyDocument')!;
    checkTrust(ctx, trust);
    if (boundary) mustAttachable(ctx, boundary);
    const r: RoleState = {
      name,
      path,
      id: ctx.w.uniqueId('AROA'),
      createDate: ctx.now.toISOString(),
      trust,
      ...(str(ctx.input, 'Description') !== undefined ? { description: str(ctx.input, 'Description')! } : {}),
      maxSessionDuration: num(ctx.input, 'MaxSessionDuration') ?? 3600,
      tags,
      inline: [],
      attached: [],
      ...(boundary ? { boundary } : {}),
    };
    a.roles[name.toLowerCase()] = r;
    return { Role: roleShape(a, r, 'create') };
  },
};

const getRole: OpDef = {
  validate(i, v) {
    v.string('RoleName', i['RoleName'], C.roleName, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'RoleName')!;
    azRole(ctx, 'iam:GetRole', name);
    return { Role: roleShape(a, mustRole(a, name), 'full') };
  },
};

const listRoles: OpDef = {
  validate(i, v) {
    v.string('PathPrefix', i['PathPrefix'], C.pathPrefix);
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    azList(ctx, 'iam:ListRoles', 'role');
    const prefix = str(ctx.input, 'PathPrefix') ?? '/';
    const roles = byKey(Object.values(a.roles).filter((r) => r.path.startsWith(prefix)));
    return page(roles.map((r) => roleShape(a, r, 'list')), (x) => String(x['RoleName']).toLowerCase(), ctx.input, 'Roles');
  },
};

const updateRole: OpDef = {
  validate(i, v) {
    v.string('RoleName', i['RoleName'], C.roleName, true);
    v.string('Description', i['Description'], C.description);
    v.number('MaxSessionDuration', i['MaxSessionDuration'], { minValue: 3600, maxValue: 43200 });
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'RoleName')!;
    azRole(ctx, 'iam:UpdateRole', name);
    const r = mustRole(a, name);
    const desc = str(ctx.input, 'Description');
    if (desc !== undefined) r.description = desc;
    const max = num(ctx.input, 'MaxSessionDuration');
    if (max !== undefined) r.maxSessionDuration = max;
    return {};
  },
};

const updateRoleDescription: OpDef = {
  validate(i, v) {
    v.string('RoleName', i['RoleName'], C.roleName, true);
    v.string('Description', i['Description'], C.description, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'RoleName')!;
    azRole(ctx, 'iam:UpdateRoleDescription', name);
    const r = mustRole(a, name);
    r.description = str(ctx.input, 'Description')!;
    return { Role: roleShape(a, r, 'full') };
  },
};

const updateAssumeRolePolicy: OpDef = {
  validate(i, v) {
    v.string('RoleName', i['RoleName'], C.roleName, true);
    v.string('PolicyDocument', i['PolicyDocument'], C.document, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'RoleName')!;
    azRole(ctx, 'iam:UpdateAssumeRolePolicy', name);
    const r = mustRole(a, name);
    const text = str(ctx.input, 'PolicyDocument')!;
    checkTrust(ctx, text);
    r.trust = text;
    return {};
  },
};

const deleteRole: OpDef = {
  validate(i, v) {
    v.string('RoleName', i['RoleName'], C.roleName, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'RoleName')!;
    azRole(ctx, 'iam:DeleteRole', name);
    const r = mustRole(a, name);
    if (r.inline.length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (r.attached.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    const arn = roleArnOf(a, r);
    delete a.roles[r.name.toLowerCase()];
    rewritePrincipals(ctx.w, arn, r.id);
    return {};
  },
};

// ------------------------------------------------------------------ tags

function tagOps(kind: 'Role' | 'User'): Record<string, OpDef> {
  const member = kind === 'Role' ? 'RoleName' : 'UserName';
  const cons = kind === 'Role' ? C.roleName : C.existingUserName;
  const get = (ctx: OpCtx) => (kind === 'Role' ? mustRole(acctOf(ctx), str(ctx.input, member)!) : mustUser(acctOf(ctx), str(ctx.input, member)!));
  const az = (ctx: OpCtx, action: string, extra?: ContextValues) =>
    kind === 'Role' ? azRole(ctx, action, str(ctx.input, member)!, extra) : azUser(ctx, action, str(ctx.input, member)!, extra);
  return {
    [`Tag${kind}`]: {
      validate(i, v) {
        v.string(member, i[member], cons, true);
        if (i['Tags'] === undefined) v.required('Tags', undefined);
        validateTags(v, 'Tags', i['Tags']);
      },
      run(ctx) {
        const tags = readTags(ctx.input['Tags']);
        const extra: ContextValues = { 'aws:TagKeys': tags.map((t) => t.Key) };
        for (const t of tags) extra[`aws:RequestTag/${t.Key}`] = t.Value;
        az(ctx, `iam:Tag${kind}`, extra);
        const e = get(ctx);
        const merged = mergeTags(e.tags, tags);
        if (merged.length > 50) throw limitExceeded('The number of tags has reached the maximum limit.'); // ⚠ wording unverified
        e.tags = merged;
        return {};
      },
    },
    [`Untag${kind}`]: {
      validate(i, v) {
        v.string(member, i[member], cons, true);
        if (i['TagKeys'] === undefined) v.required('TagKeys', undefined);
        v.list('TagKeys', i['TagKeys'], { max: 50 }).forEach((k, n) => v.string(`TagKeys.${n + 1}`, k, C.tagKey));
      },
      run(ctx) {
        const keys = list<string>(ctx.input, 'TagKeys').map((k) => String(k).toLowerCase());
        az(ctx, `iam:Untag${kind}`, { 'aws:TagKeys': list<string>(ctx.input, 'TagKeys').map(String) });
        const e = get(ctx);
        e.tags = e.tags.filter((t) => !keys.includes(t.Key.toLowerCase()));
        return {};
      },
    },
    [`List${kind}Tags`]: {
      validate(i, v) {
        v.string(member, i[member], cons, true);
        validatePaging(i, v);
      },
      run(ctx) {
        az(ctx, `iam:List${kind}Tags`);
        const e = get(ctx);
        return page(e.tags.map((t) => ({ Key: t.Key, Value: t.Value })), (t) => t.Key, ctx.input, 'Tags');
      },
    },
  };
}

// ------------------------------------------------------------------ managed policies

const createPolicy: OpDef = {
  validate(i, v) {
    v.string('PolicyName', i['PolicyName'], C.policyName, true);
    v.string('Path', i['Path'], C.policyPath);
    v.string('PolicyDocument', i['PolicyDocument'], C.document, true);
    v.string('Description', i['Description'], C.policyDescription);
    validateTags(v, 'Tags', i['Tags']);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'PolicyName')!;
    const path = str(ctx.input, 'Path') ?? '/';
    const arn = iamArn(a.id, 'policy', path, name);
    azArn(ctx, 'iam:CreatePolicy', arn, `policy ${name}`);
    if (a.policies[name.toLowerCase()]) throw entityExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
    const text = str(ctx.input, 'PolicyDocument')!;
    checkManaged(text);
    const now = ctx.now.toISOString();
    const p: ManagedPolicyState = {
      name,
      path,
      id: ctx.w.uniqueId('ANPA'),
      createDate: now,
      updateDate: now,
      ...(str(ctx.input, 'Description') !== undefined ? { description: str(ctx.input, 'Description')! } : {}),
      defaultVersionId: 'v1',
      versions: [{ versionId: 'v1', document: text, createDate: now }],
      nextVersion: 2,
      tags: readTags(ctx.input['Tags']),
    };
    a.policies[name.toLowerCase()] = p;
    return { Policy: policyShape(ctx.w, a, { arn, aws: false, customer: p }, 'create') };
  },
};

const getPolicy: OpDef = {
  validate(i, v) {
    v.string('PolicyArn', i['PolicyArn'], C.arn, true);
  },
  run(ctx) {
    const arn = str(ctx.input, 'PolicyArn')!;
    azArn(ctx, 'iam:GetPolicy', arn);
    return { Policy: policyShape(ctx.w, acctOf(ctx), mustPolicy(ctx.w, arn), 'full') };
  },
};

const listPolicies: OpDef = {
  validate(i, v) {
    v.string('Scope', i['Scope'], { enumValues: ['All', 'AWS', 'Local'] });
    v.string('PathPrefix', i['PathPrefix'], C.policyPath);
    v.string('PolicyUsageFilter', i['PolicyUsageFilter'], { enumValues: ['PermissionsPolicy', 'PermissionsBoundary'] });
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    azList(ctx, 'iam:ListPolicies', 'policy');
    const scope = str(ctx.input, 'Scope') ?? 'All';
    const onlyAttached = bool(ctx.input, 'OnlyAttached') ?? false;
    const prefix = str(ctx.input, 'PathPrefix') ?? '/';
    const usage = str(ctx.input, 'PolicyUsageFilter');
    const refs: PolicyRef[] = [];
    if (scope !== 'Local') for (const p of AWS_MANAGED.values()) refs.push({ arn: p.arn, aws: true });
    if (scope !== 'AWS') for (const p of Object.values(a.policies)) refs.push({ arn: iamArn(a.id, 'policy', p.path, p.name), aws: false, customer: p });
    const filtered = refs.filter((r) => {
      const path = r.aws ? AWS_MANAGED.get(r.arn)!.path : r.customer!.path;
      if (!path.startsWith(prefix)) return false;
      const att = attachmentCount(a, r.arn);
      const bnd = boundaryUsageCount(a, r.arn);
      if (onlyAttached && att + bnd === 0) return false;
      if (usage === 'PermissionsPolicy' && onlyAttached && att === 0) return false;
      if (usage === 'PermissionsBoundary' && bnd === 0) return false;
      return true;
    });
    const shapes = filtered.map((r) => policyShape(ctx.w, a, r, 'list')).sort((x, y) => (String(x['PolicyName']).toLowerCase() < String(y['PolicyName']).toLowerCase() ? -1 : 1));
    return page(shapes, (x) => String(x['PolicyName']).toLowerCase() + '\u0000' + String(x['Arn']), ctx.input, 'Policies');
  },
};

const deletePolicy: OpDef = {
  validate(i, v) {
    v.string('PolicyArn', i['PolicyArn'], C.arn, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const arn = str(ctx.input, 'PolicyArn')!;
    azArn(ctx, 'iam:DeletePolicy', arn);
    const p = mustCustomer(ctx, arn);
    if (attachmentCount(a, arn) > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
    if (boundaryUsageCount(a, arn) > 0) throw deleteConflict('Cannot delete a policy used as a permissions boundary.'); // ⚠ wording unverified
    if (p.versions.length > 1)
      throw deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
    delete a.policies[p.name.toLowerCase()];
    return {};
  },
};

const createPolicyVersion: OpDef = {
  validate(i, v) {
    v.string('PolicyArn', i['PolicyArn'], C.arn, true);
    v.string('PolicyDocument', i['PolicyDocument'], C.document, true);
  },
  run(ctx) {
    const arn = str(ctx.input, 'PolicyArn')!;
    azArn(ctx, 'iam:CreatePolicyVersion', arn);
    const p = mustCustomer(ctx, arn);
    const text = str(ctx.input, 'PolicyDocument')!;
    checkManaged(text);
    if (p.versions.length >= 5) throw limitExceeded('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
    const versionId = `v${p.nextVersion++}`;
    const now = ctx.now.toISOString();
    p.versions.push({ versionId, document: text, createDate: now });
    const setDefault = bool(ctx.input, 'SetAsDefault') ?? false;
    if (setDefault) {
      p.defaultVersionId = versionId;
      p.updateDate = now;
    }
    return { PolicyVersion: { VersionId: versionId, IsDefaultVersion: setDefault, CreateDate: d(now) } };
  },
};

function mustVersion(p: ManagedPolicyState, arn: string, id: string) {
  const v = p.versions.find((x) => x.versionId === id);
  if (!v) throw noSuchEntity(`Policy ${arn} version ${id} does not exist or is not attachable.`); // ⚠ wording unverified
  return v;
}

const getPolicyVersion: OpDef = {
  validate(i, v) {
    v.string('PolicyArn', i['PolicyArn'], C.arn, true);
    v.string('VersionId', i['VersionId'], C.versionId, true);
  },
  run(ctx) {
    const arn = str(ctx.input, 'PolicyArn')!;
    const id = str(ctx.input, 'VersionId')!;
    azArn(ctx, 'iam:GetPolicyVersion', arn);
    const ref = mustPolicy(ctx.w, arn);
    if (ref.aws) {
      const p = AWS_MANAGED.get(arn)!;
      if (id !== p.defaultVersionId) throw noSuchEntity(`Policy ${arn} version ${id} does not exist or is not attachable.`);
      return { PolicyVersion: { Document: p.document, VersionId: id, IsDefaultVersion: true, CreateDate: d(p.versionCreateDate) } };
    }
    const v = mustVersion(ref.customer!, arn, id);
    return { PolicyVersion: { Document: v.document, VersionId: v.versionId, IsDefaultVersion: v.versionId === ref.customer!.defaultVersionId, CreateDate: d(v.createDate) } };
  },
};

const listPolicyVersions: OpDef = {
  validate(i, v) {
    v.string('PolicyArn', i['PolicyArn'], C.arn, true);
    validatePaging(i, v);
  },
  run(ctx) {
    const arn = str(ctx.input, 'PolicyArn')!;
    azArn(ctx, 'iam:ListPolicyVersions', arn);
    const ref = mustPolicy(ctx.w, arn);
    // AWS managed policies: only the default version's document is in iamlab's catalogue.
    const versions = ref.aws
      ? [{ VersionId: AWS_MANAGED.get(arn)!.defaultVersionId, IsDefaultVersion: true, CreateDate: d(AWS_MANAGED.get(arn)!.versionCreateDate) }]
      : [...ref.customer!.versions].reverse().map((v) => ({ VersionId: v.versionId, IsDefaultVersion: v.versionId === ref.customer!.defaultVersionId, CreateDate: d(v.createDate) }));
    return page(versions, (v) => String(v.VersionId).padStart(8, '0'), ctx.input, 'Versions');
  },
};

const deletePolicyVersion: OpDef = {
  validate(i, v) {
    v.string('PolicyArn', i['PolicyArn'], C.arn, true);
    v.string('VersionId', i['VersionId'], C.versionId, true);
  },
  run(ctx) {
    const arn = str(ctx.input, 'PolicyArn')!;
    const id = str(ctx.input, 'VersionId')!;
    azArn(ctx, 'iam:DeletePolicyVersion', arn);
    const p = mustCustomer(ctx, arn);
    mustVersion(p, arn, id);
    if (p.defaultVersionId === id) throw deleteConflict('Cannot delete the default version of a policy.');
    p.versions = p.versions.filter((v) => v.versionId !== id);
    return {};
  },
};

const setDefaultPolicyVersion: OpDef = {
  validate(i, v) {
    v.string('PolicyArn', i['PolicyArn'], C.arn, true);
    v.string('VersionId', i['VersionId'], C.versionId, true);
  },
  run(ctx) {
    const arn = str(ctx.input, 'PolicyArn')!;
    const id = str(ctx.input, 'VersionId')!;
    azArn(ctx, 'iam:SetDefaultPolicyVersion', arn);
    const p = mustCustomer(ctx, arn);
    mustVersion(p, arn, id);
    p.defaultVersionId = id;
    p.updateDate = ctx.now.toISOString();
    return {};
  },
};

// ------------------------------------------------------------------ attachments

type Kind = 'User' | 'Group' | 'Role';

function entityOf(ctx: OpCtx, kind: Kind): { attached: string[]; label: string } {
  const a = acctOf(ctx);
  const member = `${kind}Name`;
  const name = str(ctx.input, member)!;
  if (kind === 'User') {
    const u = mustUser(a, name);
    return { attached: u.attached, label: u.name };
  }
  if (kind === 'Group') {
    const g = mustGroup(a, name);
    return { attached: g.attached, label: g.name };
  }
  const r = mustRole(a, name);
  return { attached: r.attached, label: r.name };
}

function azEntity(ctx: OpCtx, kind: Kind, action: string, extra?: ContextValues): void {
  const name = str(ctx.input, `${kind}Name`)!;
  if (kind === 'User') azUser(ctx, action, name, extra);
  else if (kind === 'Group') azGroup(ctx, action, name);
  else azRole(ctx, action, name, extra);
}

function nameConstraint(kind: Kind): Constraint {
  return kind === 'User' ? C.existingUserName : kind === 'Group' ? C.groupName : C.roleName;
}

function attachOps(kind: Kind): Record<string, OpDef> {
  const member = `${kind}Name`;
  return {
    [`Attach${kind}Policy`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
        v.string('PolicyArn', i['PolicyArn'], C.arn, true);
      },
      run(ctx) {
        const arn = str(ctx.input, 'PolicyArn')!;
        azEntity(ctx, kind, `iam:Attach${kind}Policy`, { 'iam:PolicyARN': arn });
        const e = entityOf(ctx, kind);
        mustAttachable(ctx, arn);
        if (!e.attached.includes(arn)) {
          if (e.attached.length >= ATTACHED_LIMIT) throw limitExceeded(`Cannot exceed quota for PoliciesPer${kind}: ${ATTACHED_LIMIT}`);
          e.attached.push(arn);
        }
        return {};
      },
    },
    [`Detach${kind}Policy`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
        v.string('PolicyArn', i['PolicyArn'], C.arn, true);
      },
      run(ctx) {
        const arn = str(ctx.input, 'PolicyArn')!;
        azEntity(ctx, kind, `iam:Detach${kind}Policy`, { 'iam:PolicyARN': arn });
        const e = entityOf(ctx, kind);
        const i = e.attached.indexOf(arn);
        if (i < 0) throw noSuchEntity(`Policy ${arn} was not found.`);
        e.attached.splice(i, 1);
        return {};
      },
    },
    [`ListAttached${kind}Policies`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
        v.string('PathPrefix', i['PathPrefix'], C.policyPath);
        validatePaging(i, v);
      },
      run(ctx) {
        azEntity(ctx, kind, `iam:ListAttached${kind}Policies`);
        const e = entityOf(ctx, kind);
        const prefix = str(ctx.input, 'PathPrefix') ?? '/';
        const rows = attachedShape(ctx.w, e.attached)
          .filter((p) => (parseIamArn(p.PolicyArn)?.path ?? '/').startsWith(prefix))
          .sort((x, y) => (x.PolicyName.toLowerCase() < y.PolicyName.toLowerCase() ? -1 : 1));
        return page(rows, (p) => p.PolicyName.toLowerCase(), ctx.input, 'AttachedPolicies');
      },
    },
  };
}

// ------------------------------------------------------------------ inline policies

function inlineOps(kind: Kind): Record<string, OpDef> {
  const member = `${kind}Name`;
  const lower = kind.toLowerCase() as 'user' | 'group' | 'role';
  const inlineOf = (ctx: OpCtx): { list: InlinePolicy[]; name: string } => {
    const a = acctOf(ctx);
    const n = str(ctx.input, member)!;
    const e = kind === 'User' ? mustUser(a, n) : kind === 'Group' ? mustGroup(a, n) : mustRole(a, n);
    return { list: e.inline, name: e.name };
  };
  const missing = (name: string) => noSuchEntity(`The ${lower} policy with name ${name} cannot be found.`);
  return {
    [`Put${kind}Policy`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
        v.string('PolicyName', i['PolicyName'], C.policyName, true);
        v.string('PolicyDocument', i['PolicyDocument'], C.document, true);
      },
      run(ctx) {
        azEntity(ctx, kind, `iam:Put${kind}Policy`);
        const e = inlineOf(ctx);
        const pname = str(ctx.input, 'PolicyName')!;
        const text = str(ctx.input, 'PolicyDocument')!;
        checkInline(text, lower, e.name, e.list, pname);
        putInline(e.list, pname, text);
        return {};
      },
    },
    [`Get${kind}Policy`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
        v.string('PolicyName', i['PolicyName'], C.policyName, true);
      },
      run(ctx) {
        azEntity(ctx, kind, `iam:Get${kind}Policy`);
        const e = inlineOf(ctx);
        const pname = str(ctx.input, 'PolicyName')!;
        const p = e.list.find((x) => x.name.toLowerCase() === pname.toLowerCase());
        if (!p) throw missing(pname);
        return { [member]: e.name, PolicyName: p.name, PolicyDocument: p.document };
      },
    },
    [`List${kind}Policies`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
        validatePaging(i, v);
      },
      run(ctx) {
        azEntity(ctx, kind, `iam:List${kind}Policies`);
        const e = inlineOf(ctx);
        const names = e.list.map((p) => p.name).sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1));
        return page(names, (n) => n.toLowerCase(), ctx.input, 'PolicyNames');
      },
    },
    [`Delete${kind}Policy`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
        v.string('PolicyName', i['PolicyName'], C.policyName, true);
      },
      run(ctx) {
        azEntity(ctx, kind, `iam:Delete${kind}Policy`);
        const e = inlineOf(ctx);
        const pname = str(ctx.input, 'PolicyName')!;
        const i = e.list.findIndex((x) => x.name.toLowerCase() === pname.toLowerCase());
        if (i < 0) throw missing(pname);
        e.list.splice(i, 1);
        return {};
      },
    },
  };
}

// ------------------------------------------------------------------ permissions boundaries

function boundaryOps(kind: 'User' | 'Role'): Record<string, OpDef> {
  const member = `${kind}Name`;
  const get = (ctx: OpCtx) => (kind === 'User' ? mustUser(acctOf(ctx), str(ctx.input, member)!) : mustRole(acctOf(ctx), str(ctx.input, member)!));
  return {
    [`Put${kind}PermissionsBoundary`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
        v.string('PermissionsBoundary', i['PermissionsBoundary'], C.arn, true);
      },
      run(ctx) {
        const arn = str(ctx.input, 'PermissionsBoundary')!;
        azEntity(ctx, kind, `iam:Put${kind}PermissionsBoundary`, { 'iam:PermissionsBoundary': arn });
        const e = get(ctx);
        mustAttachable(ctx, arn);
        e.boundary = arn;
        return {};
      },
    },
    [`Delete${kind}PermissionsBoundary`]: {
      validate(i, v) {
        v.string(member, i[member], nameConstraint(kind), true);
      },
      run(ctx) {
        azEntity(ctx, kind, `iam:Delete${kind}PermissionsBoundary`);
        const e = get(ctx);
        delete e.boundary;
        return {};
      },
    },
  };
}

// ------------------------------------------------------------------ entities for policy, authorization details

const listEntitiesForPolicy: OpDef = {
  validate(i, v) {
    v.string('PolicyArn', i['PolicyArn'], C.arn, true);
    v.string('EntityFilter', i['EntityFilter'], { enumValues: ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] });
    v.string('PathPrefix', i['PathPrefix'], C.pathPrefix);
    v.string('PolicyUsageFilter', i['PolicyUsageFilter'], { enumValues: ['PermissionsPolicy', 'PermissionsBoundary'] });
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const arn = str(ctx.input, 'PolicyArn')!;
    azArn(ctx, 'iam:ListEntitiesForPolicy', arn);
    mustPolicy(ctx.w, arn);
    const filter = str(ctx.input, 'EntityFilter');
    const usage = str(ctx.input, 'PolicyUsageFilter');
    const prefix = str(ctx.input, 'PathPrefix') ?? '/';
    const uses = (attached: string[], boundary?: string) =>
      usage === 'PermissionsBoundary' ? boundary === arn : usage === 'PermissionsPolicy' ? attached.includes(arn) : attached.includes(arn) || boundary === arn;
    const out: Record<string, unknown> = {
      PolicyGroups:
        filter && filter !== 'Group'
          ? []
          : byKey(Object.values(a.groups).filter((g) => g.path.startsWith(prefix) && uses(g.attached))).map((g) => ({ GroupName: g.name, GroupId: g.id })),
      PolicyUsers:
        filter && filter !== 'User'
          ? []
          : byKey(Object.values(a.users).filter((u) => u.path.startsWith(prefix) && uses(u.attached, u.boundary))).map((u) => ({ UserName: u.name, UserId: u.id })),
      PolicyRoles:
        filter && filter !== 'Role'
          ? []
          : byKey(Object.values(a.roles).filter((r) => r.path.startsWith(prefix) && uses(r.attached, r.boundary))).map((r) => ({ RoleName: r.name, RoleId: r.id })),
      IsTruncated: false,
    };
    return out;
  },
};

const getAccountAuthorizationDetails: OpDef = {
  validate(i, v) {
    v.list('Filter', i['Filter'], {}).forEach((f, n) =>
      v.string(`Filter.${n + 1}`, f, { enumValues: ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] }),
    );
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    azStar(ctx, 'iam:GetAccountAuthorizationDetails');
    const filter = list<string>(ctx.input, 'Filter').map(String);
    const want = (k: string) => filter.length === 0 || filter.includes(k);
    const inl = (l: InlinePolicy[], key: 'UserPolicyList' | 'GroupPolicyList' | 'RolePolicyList') => ({
      [key]: l.map((p) => ({ PolicyName: p.name, PolicyDocument: p.document })),
    });
    const out: Record<string, unknown> = {};
    if (want('User'))
      out['UserDetailList'] = byKey(Object.values(a.users)).map((u) => ({
        Path: u.path,
        UserName: u.name,
        UserId: u.id,
        Arn: userArnOf(a, u),
        CreateDate: d(u.createDate),
        ...inl(u.inline, 'UserPolicyList'),
        GroupList: [...u.groups],
        AttachedManagedPolicies: attachedShape(ctx.w, u.attached),
        ...boundaryOut(u.boundary),
        ...tagsOut(u.tags),
      }));
    if (want('Group'))
      out['GroupDetailList'] = byKey(Object.values(a.groups)).map((g) => ({
        Path: g.path,
        GroupName: g.name,
        GroupId: g.id,
        Arn: groupArnOf(a, g),
        CreateDate: d(g.createDate),
        ...inl(g.inline, 'GroupPolicyList'),
        AttachedManagedPolicies: attachedShape(ctx.w, g.attached),
      }));
    if (want('Role'))
      out['RoleDetailList'] = byKey(Object.values(a.roles)).map((r) => ({
        Path: r.path,
        RoleName: r.name,
        RoleId: r.id,
        Arn: roleArnOf(a, r),
        CreateDate: d(r.createDate),
        AssumeRolePolicyDocument: r.trust,
        InstanceProfileList: [],
        ...inl(r.inline, 'RolePolicyList'),
        AttachedManagedPolicies: attachedShape(ctx.w, r.attached),
        ...boundaryOut(r.boundary),
        ...tagsOut(r.tags),
        RoleLastUsed: r.lastUsed ? { LastUsedDate: d(r.lastUsed.date), Region: r.lastUsed.region } : {},
      }));
    const policies: Array<Record<string, unknown>> = [];
    if (want('LocalManagedPolicy'))
      for (const p of byKey(Object.values(a.policies))) {
        const arn = iamArn(a.id, 'policy', p.path, p.name);
        policies.push({
          ...policyShape(ctx.w, a, { arn, aws: false, customer: p }, 'detail'),
          PolicyVersionList: [...p.versions]
            .reverse()
            .map((v) => ({ Document: v.document, VersionId: v.versionId, IsDefaultVersion: v.versionId === p.defaultVersionId, CreateDate: d(v.createDate) })),
        });
      }
    if (want('AWSManagedPolicy'))
      for (const p of AWS_MANAGED.values()) {
        if (attachmentCount(a, p.arn) + boundaryUsageCount(a, p.arn) === 0) continue; // AWS lists only the AWS managed policies in use
        const shape = policyShape(ctx.w, a, { arn: p.arn, aws: true }, 'detail');
        policies.push({ ...shape, PolicyVersionList: [{ Document: p.document, VersionId: p.defaultVersionId, IsDefaultVersion: true, CreateDate: d(p.versionCreateDate) }] });
      }
    if (want('LocalManagedPolicy') || want('AWSManagedPolicy')) out['Policies'] = policies;
    out['IsTruncated'] = false;
    return out;
  },
};

// ------------------------------------------------------------------ policy simulator

interface SimSource {
  principal: PrincipalInfo;
  identity: PolicyInput[];
  boundary?: PolicyInput;
  texts: Map<PolicyInput, { text: string; type: string; id: string }>;
}

function simInputs(kind: 'identity' | 'boundary', texts: string[], source: SimSource, idPrefix: string): PolicyInput[] {
  return texts.map((t, n) => {
    const doc = validateOrThrow(t, kind === 'boundary' ? 'boundary' : 'identity');
    const p: PolicyInput = { kind, name: `${idPrefix}${n + 1}`, source: 'simulation input', document: doc };
    source.texts.set(p, { text: t, type: 'none', id: `${idPrefix}${n + 1}` });
    return p;
  });
}

function managedOrInline(ctx: OpCtx, src: SimSource, list: PolicyInput[], entityType: string, stored: InlinePolicy[]): void {
  const store = (p: PolicyInput, text: string, type: string, id: string) => src.texts.set(p, { text, type, id });
  for (const p of list) {
    if (p.source === 'inline') {
      const t = stored.find((x) => x.name === p.name)?.document ?? '';
      store(p, t, p.attachedTo?.startsWith('group ') ? 'group' : entityType, p.name);
    } else {
      const m = ctx.w.managedPolicy(p.arn!);
      store(p, m?.document ?? '', p.source === 'aws-managed' ? 'aws-managed' : 'user-managed', p.arn!);
    }
  }
}

function simulate(ctx: OpCtx, src: SimSource, resourcePolicyText: string | undefined, resourceOwner: string | undefined, callerArn: string | undefined): Record<string, unknown> {
  const actions = list<string>(ctx.input, 'ActionNames').map(String);
  const resources = list<string>(ctx.input, 'ResourceArns').map(String);
  const targets = resources.length ? resources : ['*'];
  const context: ContextValues = {};
  for (const e of list<Record<string, unknown>>(ctx.input, 'ContextEntries')) {
    const k = String(e?.['ContextKeyName'] ?? '');
    const vals = (Array.isArray(e?.['ContextKeyValues']) ? (e['ContextKeyValues'] as unknown[]) : []).map(String);
    if (k) context[k] = vals.length === 1 ? vals[0]! : vals;
  }
  let resourcePolicy: PolicyInput | undefined;
  if (resourcePolicyText !== undefined) {
    resourcePolicy = { kind: 'resource', name: 'ResourcePolicy', source: 'simulation input', document: validateOrThrow(resourcePolicyText, 'resource', { principalExists: () => true }) };
    src.texts.set(resourcePolicy, { text: resourcePolicyText, type: 'resource', id: 'ResourcePolicy' });
  }
  const principal = callerArn ? { ...src.principal, arn: callerArn } : src.principal;
  const results: Array<Record<string, unknown>> = [];
  for (const action of actions) {
    for (const resource of targets) {
      const input: EvaluationInput = {
        request: { principal, action, resource, ...(resourceOwner ? { resourceAccount: resourceOwner } : {}), context },
        identity: src.identity,
        ...(resourcePolicy ? { resource: resourcePolicy } : {}),
        ...(src.boundary ? { boundary: src.boundary } : {}),
      };
      const e = evaluate(input);
      const decision = e.decision === 'Allow' ? 'allowed' : e.reason === 'explicit-deny' ? 'explicitDeny' : 'implicitDeny';
      const matched = e.deciding.map((dd) => {
        const pin = [...src.texts.keys()].find((p) => p.name === dd.policy && p.kind === dd.kind);
        const meta = pin ? src.texts.get(pin)! : { text: '', type: 'none', id: dd.policy };
        const pos = statementPositions(meta.text, dd.index);
        return { SourcePolicyId: meta.id, SourcePolicyType: meta.type, StartPosition: pos.start, EndPosition: pos.end };
      });
      const r: Record<string, unknown> = {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decision,
        MatchedStatements: matched,
        MissingContextValues: [],
      };
      if (src.boundary) r['PermissionsBoundaryDecisionDetail'] = { AllowedByPermissionsBoundary: !(e.deniedBy.includes('boundary') && e.decision === 'Deny') };
      r['EvalDecisionDetails'] = {};
      results.push(r);
    }
  }
  return page(results, (r) => `${String(r['EvalActionName'])}\u0000${String(r['EvalResourceName'])}`, ctx.input, 'EvaluationResults');
}

/** Line/column span of Statement[index] in the policy text (1-based line, 1-based column as AWS prints). */
function statementPositions(text: string, index: number): { start: { Line: number; Column: number }; end: { Line: number; Column: number } } {
  const r = parsePolicyText(text);
  if (!r.ok) return { start: { Line: 1, Column: 1 }, end: { Line: 1, Column: 1 } };
  const isArray = Array.isArray((r.value as Record<string, unknown>)?.['Statement']);
  const start = r.locate(isArray ? ['Statement', index] : ['Statement']) ?? { line: 1, column: 1 };
  const next = isArray ? r.locate(['Statement', index + 1]) : undefined;
  const endPos = next ?? endOf(text);
  return { start: { Line: start.line, Column: start.column }, end: { Line: endPos.line, Column: endPos.column } };
}

function endOf(text: string): { line: number; column: number } {
  const lines = text.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function simValidate(i: Record<string, unknown>, v: Validator): void {
  v.list('PolicyInputList', i['PolicyInputList'], {}).forEach((p, n) => v.string(`PolicyInputList.${n + 1}`, p, C.document));
  v.list('PermissionsBoundaryPolicyInputList', i['PermissionsBoundaryPolicyInputList'], {}).forEach((p, n) => v.string(`PermissionsBoundaryPolicyInputList.${n + 1}`, p, C.document));
  if (i['ActionNames'] === undefined) v.required('ActionNames', undefined);
  v.list('ActionNames', i['ActionNames'], {}).forEach((p, n) => v.string(`ActionNames.${n + 1}`, p, { min: 3, max: 128 }));
  v.list('ResourceArns', i['ResourceArns'], {}).forEach((p, n) => v.string(`ResourceArns.${n + 1}`, p, { min: 1, max: 2048 }));
  v.string('ResourcePolicy', i['ResourcePolicy'], C.document);
  v.string('ResourceOwner', i['ResourceOwner'], { min: 1, max: 2048 });
  v.string('CallerArn', i['CallerArn'], { min: 1, max: 2048 });
  validatePaging(i, v);
}

const simulatePrincipalPolicy: OpDef = {
  validate(i, v) {
    v.string('PolicySourceArn', i['PolicySourceArn'], C.arn, true);
    simValidate(i, v);
  },
  run(ctx) {
    const arn = str(ctx.input, 'PolicySourceArn')!;
    azArn(ctx, 'iam:SimulatePrincipalPolicy', arn);
    const p = parseIamArn(arn);
    const a = p ? ctx.w.st.accounts[p.account] : undefined;
    const bad = () => invalidInput(`Invalid Entity Arn: ${arn} does not clearly define entity type and name.`); // ⚠ wording unverified
    if (!p || !a || !['user', 'role', 'group'].includes(p.type)) throw bad();
    const src: SimSource = { principal: { type: 'User', accountId: a.id, arn, principalArn: arn, userId: '' }, identity: [], texts: new Map() };
    if (p.type === 'user') {
      const u = mustUser(a, p.name);
      src.principal = { type: 'User', accountId: a.id, arn, principalArn: arn, userId: u.id, username: u.name, uniqueId: u.id, tags: tagMap(u.tags) };
      src.identity = userPolicies(ctx.w, a, u);
      const all: InlinePolicy[] = [...u.inline, ...u.groups.flatMap((g) => a.groups[g.toLowerCase()]?.inline ?? [])];
      managedOrInline(ctx, src, src.identity, 'user', all);
      if (u.boundary) {
        const m = ctx.w.managedPolicy(u.boundary);
        if (m) {
          src.boundary = { kind: 'boundary', name: m.name, arn: u.boundary, source: m.awsManaged ? 'aws-managed' : 'managed', document: validateOrThrow(m.document, 'boundary') };
          src.texts.set(src.boundary, { text: m.document, type: m.awsManaged ? 'aws-managed' : 'user-managed', id: u.boundary });
        }
      }
    } else if (p.type === 'role') {
      const r = mustRole(a, p.name);
      src.principal = { type: 'AssumedRole', accountId: a.id, arn, principalArn: arn, userId: r.id, uniqueId: r.id, tags: tagMap(r.tags) };
      src.identity = rolePolicies(ctx.w, r);
      managedOrInline(ctx, src, src.identity, 'role', r.inline);
      if (r.boundary) {
        const m = ctx.w.managedPolicy(r.boundary);
        if (m) {
          src.boundary = { kind: 'boundary', name: m.name, arn: r.boundary, source: m.awsManaged ? 'aws-managed' : 'managed', document: validateOrThrow(m.document, 'boundary') };
          src.texts.set(src.boundary, { text: m.document, type: m.awsManaged ? 'aws-managed' : 'user-managed', id: r.boundary });
        }
      }
    } else {
      const g = mustGroup(a, p.name);
      const gp: PolicyInput[] = [];
      for (const ip of g.inline) gp.push({ kind: 'identity', name: ip.name, attachedTo: `group ${g.name}`, source: 'inline', document: validateOrThrow(ip.document, 'identity') });
      for (const arnA of g.attached) {
        const m = ctx.w.managedPolicy(arnA);
        if (m) gp.push({ kind: 'identity', name: m.name, arn: arnA, attachedTo: `group ${g.name}`, source: m.awsManaged ? 'aws-managed' : 'managed', document: validateOrThrow(m.document, 'identity') });
      }
      src.identity = gp;
      managedOrInline(ctx, src, gp, 'group', g.inline);
    }
    src.identity = [...src.identity, ...simInputs('identity', list<string>(ctx.input, 'PolicyInputList').map(String), src, 'PolicyInputList.')];
    const pb = list<string>(ctx.input, 'PermissionsBoundaryPolicyInputList').map(String);
    if (pb.length) src.boundary = simInputs('boundary', pb, src, 'PermissionsBoundaryPolicyInputList.')[0]!;
    return simulate(ctx, src, str(ctx.input, 'ResourcePolicy'), ownerAccount(str(ctx.input, 'ResourceOwner')), str(ctx.input, 'CallerArn'));
  },
};

/** ResourceOwner is documented as an account ARN (arn:aws:iam::ACCOUNT:root); a bare id is accepted too. */
function ownerAccount(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return accountPrincipal(v) ?? /^arn:aws:iam::(\d{12}):/.exec(v)?.[1] ?? v;
}

const simulateCustomPolicy: OpDef = {
  validate(i, v) {
    if (i['PolicyInputList'] === undefined) v.required('PolicyInputList', undefined);
    simValidate(i, v);
  },
  run(ctx) {
    azStar(ctx, 'iam:SimulateCustomPolicy');
    const a = acctOf(ctx);
    const callerArn = str(ctx.input, 'CallerArn');
    const principalArn = callerArn ?? iamArn(a.id, 'user', '/', 'simulated-caller');
    const src: SimSource = { principal: { type: 'User', accountId: a.id, arn: principalArn, principalArn, userId: 'AIDASIMULATEDCALLER0' }, identity: [], texts: new Map() };
    src.identity = simInputs('identity', list<string>(ctx.input, 'PolicyInputList').map(String), src, 'PolicyInputList.');
    const pb = list<string>(ctx.input, 'PermissionsBoundaryPolicyInputList').map(String);
    if (pb.length) src.boundary = simInputs('boundary', pb, src, 'PermissionsBoundaryPolicyInputList.')[0]!;
    return simulate(ctx, src, str(ctx.input, 'ResourcePolicy'), ownerAccount(str(ctx.input, 'ResourceOwner')), callerArn);
  },
};

// ------------------------------------------------------------------ MFA devices

const createVirtualMFADevice: OpDef = {
  validate(i, v) {
    v.string('Path', i['Path'], C.path);
    v.string('VirtualMFADeviceName', i['VirtualMFADeviceName'], C.mfaName, true);
    validateTags(v, 'Tags', i['Tags']);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'VirtualMFADeviceName')!;
    const path = str(ctx.input, 'Path') ?? '/';
    const serial = iamArn(a.id, 'mfa', path, name);
    azArn(ctx, 'iam:CreateVirtualMFADevice', serial);
    if (a.mfaDevices[serial]) throw entityExists('MFADevice entity at the same path and name already exists.');
    const seed = base32Encode(ctx.w.rng.bytes(40));
    const dev: MfaDeviceState = { serial, path, name, seed, createDate: ctx.now.toISOString(), tags: readTags(ctx.input['Tags']) };
    a.mfaDevices[serial] = dev;
    return { VirtualMFADevice: { SerialNumber: serial, Base32StringSeed: new TextEncoder().encode(seed), ...tagsOut(dev.tags) } };
  },
};

function mustDevice(a: AccountState, serial: string): MfaDeviceState {
  const dev = a.mfaDevices[serial];
  if (!dev) throw noSuchEntity(`VirtualMFADevice with serial ${serial} doesn't exist.`); // ⚠ wording unverified
  return dev;
}

const enableMFADevice: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName, true);
    v.string('SerialNumber', i['SerialNumber'], C.serial, true);
    v.string('AuthenticationCode1', i['AuthenticationCode1'], C.authCode, true);
    v.string('AuthenticationCode2', i['AuthenticationCode2'], C.authCode, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'UserName')!;
    azUser(ctx, 'iam:EnableMFADevice', name);
    const u = mustUser(a, name);
    const serial = str(ctx.input, 'SerialNumber')!;
    const dev = mustDevice(a, serial);
    if (dev.user) throw entityExists('MFA Device is already in use.'); // ⚠ wording unverified
    const c1 = str(ctx.input, 'AuthenticationCode1')!;
    const c2 = str(ctx.input, 'AuthenticationCode2')!;
    let ok = false;
    for (let o = -2; o <= 1 && !ok; o++) ok = totp(dev.seed, ctx.now, o) === c1 && totp(dev.seed, ctx.now, o + 1) === c2;
    if (!ok) throw awsError('InvalidAuthenticationCode', 403, 'Authentication code for device is not valid.');
    dev.user = u.name;
    dev.enableDate = ctx.now.toISOString();
    u.mfa.push({ serial, enableDate: dev.enableDate });
    return {};
  },
};

const listMFADevices: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName);
    validatePaging(i, v);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = targetUserName(ctx);
    if (name === undefined) {
      authorize(ctx, 'iam:ListMFADevices', rootArn(a.id), { deny: { style: 'iam', resourceText: rootArn(a.id) } });
      return page([], () => '', ctx.input, 'MFADevices');
    }
    azUser(ctx, 'iam:ListMFADevices', name);
    const u = mustUser(a, name);
    return page(
      u.mfa.map((m) => ({ UserName: u.name, SerialNumber: m.serial, EnableDate: d(m.enableDate) })),
      (m) => m.SerialNumber,
      ctx.input,
      'MFADevices',
    );
  },
};

const deactivateMFADevice: OpDef = {
  validate(i, v) {
    v.string('UserName', i['UserName'], C.existingUserName, true);
    v.string('SerialNumber', i['SerialNumber'], C.serial, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const name = str(ctx.input, 'UserName')!;
    azUser(ctx, 'iam:DeactivateMFADevice', name);
    const u = mustUser(a, name);
    const serial = str(ctx.input, 'SerialNumber')!;
    const i = u.mfa.findIndex((m) => m.serial === serial);
    if (i < 0) throw noSuchEntity(`MFA Device with serial number ${serial} does not exist.`); // ⚠ wording unverified
    u.mfa.splice(i, 1);
    const dev = a.mfaDevices[serial];
    if (dev) {
      delete dev.user;
      delete dev.enableDate;
    }
    return {};
  },
};

const deleteVirtualMFADevice: OpDef = {
  validate(i, v) {
    v.string('SerialNumber', i['SerialNumber'], C.serial, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    const serial = str(ctx.input, 'SerialNumber')!;
    azArn(ctx, 'iam:DeleteVirtualMFADevice', serial);
    const dev = mustDevice(a, serial);
    if (dev.user) throw deleteConflict('MFA Device is still in use'); // ⚠ wording unverified
    delete a.mfaDevices[serial];
    return {};
  },
};

// ------------------------------------------------------------------ account

const createAccountAlias: OpDef = {
  validate(i, v) {
    v.string('AccountAlias', i['AccountAlias'], C.alias, true);
  },
  run(ctx) {
    const a = acctOf(ctx);
    azStar(ctx, 'iam:CreateAccountAlias');
    const alias = str(ctx.input, 'AccountAlias')!;
    for (const o of Object.values(ctx.w.st.accounts))
      if (o.alias === alias && o.id !== a.id) throw entityExists(`The account alias ${alias} already exists.`);
    a.alias = alias;
    return {};
  },
};

const listAccountAliases: OpDef = {
  validate(i, v) {
    validatePaging(i, v);
  },
  run(ctx) {
    azStar(ctx, 'iam:ListAccountAliases');
    const a = acctOf(ctx);
    return { AccountAliases: a.alias ? [a.alias] : [], IsTruncated: false };
  },
};

const deleteAccountAlias: OpDef = {
  validate(i, v) {
    v.string('AccountAlias', i['AccountAlias'], C.alias, true);
  },
  run(ctx) {
    azStar(ctx, 'iam:DeleteAccountAlias');
    const a = acctOf(ctx);
    const alias = str(ctx.input, 'AccountAlias')!;
    if (a.alias !== alias) throw noSuchEntity(`The account alias ${alias} cannot be found.`);
    delete a.alias;
    return {};
  },
};

const getAccountSummary: OpDef = {
  run(ctx) {
    azStar(ctx, 'iam:GetAccountSummary');
    const a = acctOf(ctx);
    const users = Object.values(a.users);
    const roles = Object.values(a.roles);
    const groups = Object.values(a.groups);
    const awsAttached = [...AWS_MANAGED.keys()].filter((arn) => attachmentCount(a, arn) > 0).length;
    return {
      SummaryMap: {
        GroupPolicySizeQuota: 5120,
        InstanceProfilesQuota: 1000,
        Policies: Object.keys(a.policies).length,
        GroupsPerUserQuota: 10,
        InstanceProfiles: 0,
        AttachedPoliciesPerUserQuota: 10,
        Users: users.length,
        PoliciesQuota: 1500,
        Providers: 0,
        AccountMFAEnabled: 0,
        AccessKeysPerUserQuota: 2,
        AssumeRolePolicySizeQuota: 2048,
        PolicyVersionsInUseQuota: 10000,
        GlobalEndpointTokenVersion: 1,
        VersionsPerPolicyQuota: 5,
        AttachedPoliciesPerGroupQuota: 10,
        PolicySizeQuota: 6144,
        Groups: groups.length,
        AccountSigningCertificatesPresent: 0,
        UsersQuota: 5000,
        ServerCertificatesQuota: 20,
        MFADevices: Object.keys(a.mfaDevices).length,
        UserPolicySizeQuota: 2048,
        PolicyVersionsInUse: Object.values(a.policies).length + awsAttached,
        ServerCertificates: 0,
        Roles: roles.length,
        RolesQuota: 1000,
        SigningCertificatesPerUserQuota: 2,
        MFADevicesInUse: users.reduce((n, u) => n + u.mfa.length, 0),
        RolePolicySizeQuota: 10240,
        AttachedPoliciesPerRoleQuota: 10,
        AccountAccessKeysPresent: a.rootKeys.length ? 1 : 0,
        GroupsQuota: 300,
      },
    };
  },
};

export const IAM_OPS: Record<string, OpDef> = {
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
  UpdateUser: updateUser,
  DeleteUser: deleteUser,
  CreateLoginProfile: createLoginProfile,
  GetLoginProfile: getLoginProfile,
  UpdateLoginProfile: updateLoginProfile,
  DeleteLoginProfile: deleteLoginProfile,
  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  CreateGroup: createGroup,
  GetGroup: getGroup,
  ListGroups: listGroups,
  DeleteGroup: deleteGroup,
  AddUserToGroup: addUserToGroup,
  RemoveUserFromGroup: removeUserFromGroup,
  ListGroupsForUser: listGroupsForUser,
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  UpdateRole: updateRole,
  UpdateRoleDescription: updateRoleDescription,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  DeleteRole: deleteRole,
  ...tagOps('Role'),
  ...tagOps('User'),
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  ListPolicies: listPolicies,
  DeletePolicy: deletePolicy,
  CreatePolicyVersion: createPolicyVersion,
  GetPolicyVersion: getPolicyVersion,
  ListPolicyVersions: listPolicyVersions,
  DeletePolicyVersion: deletePolicyVersion,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
  ...attachOps('User'),
  ...attachOps('Group'),
  ...attachOps('Role'),
  ...inlineOps('User'),
  ...inlineOps('Group'),
  ...inlineOps('Role'),
  ...boundaryOps('User'),
  ...boundaryOps('Role'),
  ListEntitiesForPolicy: listEntitiesForPolicy,
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
  SimulateCustomPolicy: simulateCustomPolicy,
  CreateVirtualMFADevice: createVirtualMFADevice,
  EnableMFADevice: enableMFADevice,
  ListMFADevices: listMFADevices,
  DeactivateMFADevice: deactivateMFADevice,
  DeleteVirtualMFADevice: deleteVirtualMFADevice,
  CreateAccountAlias: createAccountAlias,
  ListAccountAliases: listAccountAliases,
  DeleteAccountAlias: deleteAccountAlias,
  GetAccountSummary: getAccountSummary,
};
