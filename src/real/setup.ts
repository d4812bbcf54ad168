// A lab's starting world in a real account: what `world:` describes, created through the
// learner's own (administrator) credentials, every resource tagged iamlab:lab=<id> by the
// backend, names as the tutorial gives them, account ids replaced by the real ones.
//
// Real-mode rules:
// - a lab user with AdministratorAccess that the learner starts as (start_as) stands for the
//   learner's own identity: it is not created — the learner's profile plays it;
// - other users, groups, customer policies and roles are created when missing and kept (not
//   changed) when a resource of that name already exists — the summary says which;
// - access keys are created only for lab users the shell starts as (start_as), handed back in
//   memory (never written anywhere) for the shell's profiles;
// - console passwords, buckets (names are global) and EC2 instances (cost) are not created; the
//   summary says so.
import type { Credentials } from '../backend/types.js';
import type { Lab } from '../labs/schema.js';
import { accountVars, fillDeep } from '../checks/template.js';
import { awsManagedByName } from '../sim/index.js';
import { createRoleInput, policyText } from '../labs/world-build.js';
import type { RealBackend } from './backend.js';
import type { RealAwsError } from './errors.js';

export interface RealSetupResult {
  /** Lab account key → the real account id. */
  accounts: Record<string, string>;
  created: string[];
  kept: string[];
  skipped: string[];
  /**
   * Shell profiles for the lab's starting identities: credentials of lab users (memory only), or
   * 'self' where the learner's own identity plays a lab administrator.
   */
  profiles: Record<string, Credentials | 'self'>;
  /** Set when setup stopped: what failed. Everything before it is listed in created. */
  failed?: string;
}

type Obj = Record<string, unknown>;

class SetupFailed extends Error {}

const isAdmin = (policies: string[] | undefined) => (policies ?? []).some((p) => p === 'AdministratorAccess' || /:policy\/AdministratorAccess$/.test(p));

/**
 * Creates the lab's world in the real account(s). `backends` maps each lab account key to a
 * backend whose credentials administer that account (construct them with labId so everything is
 * tagged, and with confirmWrite so the learner is asked before the first change).
 */
export async function setupRealLab(lab: Lab, backends: Record<string, RealBackend>): Promise<RealSetupResult> {
  const spec = lab.world;
  const keys = Object.keys(spec.accounts);
  const res: RealSetupResult = { accounts: {}, created: [], kept: [], skipped: [], profiles: {} };
  for (const k of keys) {
    const b = backends[k];
    if (!b) return { ...res, failed: `no credentials for the lab's account ${k}` };
    const who = await b.identity();
    if ('code' in who) return { ...res, failed: `${who.message}${who.hint ? ` ${who.hint}` : ''}` };
    res.accounts[k] = who.accountId;
  }
  const ids = Object.values(res.accounts);
  if (new Set(ids).size !== ids.length) return { ...res, failed: `the profiles given for ${keys.join(' and ')} belong to the same account ${ids[0]}; this lab needs ${keys.length} different accounts` };
  const vars = accountVars(res.accounts);
  const keyOf = (k: string | undefined) => k ?? keys[0]!;
  const doc = (d: string | Record<string, unknown>) => policyText(d, vars);
  const call = async (k: string, op: string, input: Obj): Promise<Obj> => {
    const r = await backends[k]!.call({ service: 'iam', operation: op, input, via: 'api' });
    if (!r.ok) throw new SetupFailed(`${op} ${String(input.UserName ?? input.RoleName ?? input.GroupName ?? input.PolicyName ?? '')}: ${r.error.code}: ${r.error.message}${(r.error as RealAwsError).hint ? ` ${(r.error as RealAwsError).hint}` : ''}`);
    return r.output;
  };
  const exists = async (k: string, op: string, input: Obj): Promise<boolean> => {
    const r = await backends[k]!.send({ service: 'iam', operation: op, input, via: 'api' });
    if (r.ok) return true;
    if (r.error.code === 'NoSuchEntity') return false;
    throw new SetupFailed(`${op}: ${r.error.code}: ${r.error.message}`);
  };
  const policyArn = (k: string, ref: string): string => {
    if (ref.startsWith('arn:')) return fillDeep(ref, vars);
    if ((spec.policies ?? []).some((p) => p.name === ref && keyOf(p.account) === k)) return `arn:aws:iam::${res.accounts[k]}:policy/${ref}`;
    const aws = awsManagedByName(ref);
    if (aws) return aws.arn;
    throw new SetupFailed(`no policy named ${ref}`);
  };

  const startUsers = new Map<string, string[]>(); // "key/user" → profile names
  const sa = spec.start_as;
  const addStart = (ref: { account?: string; user?: string; root?: true } | undefined, profile: string) => {
    if (!ref) return;
    if ('root' in ref && ref.root) {
      res.profiles[profile] = 'self';
      return;
    }
    const id = `${keyOf(ref.account)}/${ref.user}`;
    startUsers.set(id, [...(startUsers.get(id) ?? []), profile]);
  };
  addStart(sa?.shell as never, 'default');
  for (const [name, ref] of Object.entries(sa?.profiles ?? {})) addStart(ref as never, name);

  try {
    for (const p of spec.policies ?? []) {
      const k = keyOf(p.account);
      const arn = `arn:aws:iam::${res.accounts[k]}:policy/${p.name}`;
      if (await exists(k, 'GetPolicy', { PolicyArn: arn })) res.kept.push(`policy ${p.name}`);
      else {
        await call(k, 'CreatePolicy', { PolicyName: p.name, PolicyDocument: doc(p.document), ...(p.description ? { Description: p.description } : {}) });
        res.created.push(`policy ${p.name}`);
      }
    }
    for (const g of spec.groups ?? []) {
      const k = keyOf(g.account);
      if (await exists(k, 'GetGroup', { GroupName: g.name })) {
        res.kept.push(`group ${g.name}`);
        continue;
      }
      await call(k, 'CreateGroup', { GroupName: g.name });
      for (const p of g.policies ?? []) await call(k, 'AttachGroupPolicy', { GroupName: g.name, PolicyArn: policyArn(k, p) });
      for (const [name, d] of Object.entries(g.inline ?? {})) await call(k, 'PutGroupPolicy', { GroupName: g.name, PolicyName: name, PolicyDocument: doc(d) });
      res.created.push(`group ${g.name} (groups cannot be tagged: delete it yourself after the lab)`);
    }
    for (const u of spec.users ?? []) {
      const k = keyOf(u.account);
      const starts = startUsers.get(`${k}/${u.name}`) ?? [];
      if (isAdmin(u.policies) && starts.length) {
        for (const p of starts) res.profiles[p] = 'self';
        res.skipped.push(`user ${u.name}: your own identity plays this administrator`);
        continue;
      }
      if (await exists(k, 'GetUser', { UserName: u.name })) res.kept.push(`user ${u.name}`);
      else {
        await call(k, 'CreateUser', { UserName: u.name, ...(u.path ? { Path: u.path } : {}), ...(u.tags ? { Tags: Object.entries(u.tags).map(([Key, Value]) => ({ Key, Value })) } : {}) });
        for (const p of u.policies ?? []) await call(k, 'AttachUserPolicy', { UserName: u.name, PolicyArn: policyArn(k, p) });
        for (const [name, d] of Object.entries(u.inline ?? {})) await call(k, 'PutUserPolicy', { UserName: u.name, PolicyName: name, PolicyDocument: doc(d) });
        for (const g of u.groups ?? []) await call(k, 'AddUserToGroup', { UserName: u.name, GroupName: g });
        res.created.push(`user ${u.name}`);
      }
      if (u.login_profile) res.skipped.push(`user ${u.name}: no console password (console steps are not checked on a real account)`);
      if (starts.length) {
        const out = await call(k, 'CreateAccessKey', { UserName: u.name });
        const ak = out.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
        for (const p of starts) res.profiles[p] = { accessKeyId: ak.AccessKeyId, secretAccessKey: ak.SecretAccessKey };
        res.created.push(`access key ${ak.AccessKeyId} for ${u.name} (kept in memory for the shell only)`);
      }
    }
    for (const r of spec.roles ?? []) {
      const k = keyOf(r.account);
      if (await exists(k, 'GetRole', { RoleName: r.name })) {
        res.kept.push(`role ${r.name}`);
        continue;
      }
      await call(k, 'CreateRole', createRoleInput(r, vars));
      for (const p of r.policies ?? []) await call(k, 'AttachRolePolicy', { RoleName: r.name, PolicyArn: policyArn(k, p) });
      for (const [name, d] of Object.entries(r.inline ?? {})) await call(k, 'PutRolePolicy', { RoleName: r.name, PolicyName: name, PolicyDocument: doc(d) });
      res.created.push(`role ${r.name}`);
    }
  } catch (e) {
    if (e instanceof SetupFailed) return { ...res, failed: e.message };
    throw e;
  }
  for (const bk of spec.buckets ?? []) res.skipped.push(`bucket ${bk.name}: bucket names are global, so iamlab does not create the lab's buckets in your account`);
  for (const it of spec.instances ?? []) res.skipped.push(`instance ${it.name ?? it.id ?? ''}: iamlab does not start EC2 instances in your account (they cost money)`.replace(' :', ':'));
  return res;
}
