// Builds a lab's starting world from its `world:` section: accounts, then (through the
// simulated account's own API, as each account's root user) customer policies, groups, users,
// roles; buckets and instances through the world's setup helpers. Returns the shell's starting
// state: the default profile holds the keys of `start_as.shell`, named profiles the others, and
// the console is signed in as `start_as.console`.
import { World, SimBackend, awsManagedByName } from '../sim/index.js';
import type { Credentials, CallResult } from '../backend/types.js';
import type { Lab, WorldSpec } from './schema.js';
import { accountVars, fillDeep } from '../checks/template.js';
import type { ShellStateLike } from '../checks/sim-backend.js';

export class LabSetupError extends Error {
  override name = 'LabSetupError';
}

export interface ShellStartState extends ShellStateLike {
  history: string[];
}

export interface BuiltWorld {
  world: World;
  shell: ShellStartState;
  /** account key → id */
  accounts: Record<string, string>;
}

type RoleSpec = NonNullable<WorldSpec['roles']>[number];
type DocSpec = string | Record<string, unknown>;

/** A policy document of the lab's world as IAM takes it (text), with {account.*} filled in. */
export function policyText(d: DocSpec, vars: Record<string, string>): string {
  return typeof d === 'string' ? fillDeep(d, vars) : JSON.stringify(fillDeep(d, vars));
}

/** CreateRole's input for a role of the lab's world (the simulated account's and a real one's setup). */
export function createRoleInput(r: RoleSpec, vars: Record<string, string>): Record<string, unknown> {
  return {
    RoleName: r.name,
    AssumeRolePolicyDocument: policyText(r.trust, vars),
    ...(r.path ? { Path: r.path } : {}),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    ...(r.max_session ? { MaxSessionDuration: r.max_session } : {}),
    ...(r.tags ? { Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
  };
}

export function labAccounts(spec: WorldSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, a] of Object.entries(spec.accounts)) out[k] = a.id;
  return out;
}

export function buildWorld(lab: Lab, opts: { realTime?: boolean } = {}): BuiltWorld {
  const spec = lab.world;
  const accounts = labAccounts(spec);
  const vars = accountVars(accounts);
  const firstKey = Object.keys(accounts)[0]!;
  const world = World.create({ seed: `lab:${lab.id}`, ...(spec.clock ? { now: spec.clock } : {}), realTime: opts.realTime ?? false });
  for (const [k, a] of Object.entries(spec.accounts)) world.createAccount(a.id, { ...(a.alias ? { alias: a.alias } : {}), name: a.name ?? `iamlab ${k}` });
  const sim = new SimBackend(world);
  const acctOf = (key: string | undefined) => accounts[key ?? firstKey]!;
  const call = (where: string, accountId: string, service: 'iam', operation: string, input: Record<string, unknown>): Record<string, unknown> => {
    const r: CallResult = sim.callSync({ service, operation, input, credentials: world.rootCredentials(accountId), via: 'api' });
    if (!r.ok) throw new LabSetupError(`${lab.file}: ${where}: ${operation} failed: ${r.error.code}: ${r.error.message}`);
    return r.output;
  };
  const doc = (d: DocSpec) => policyText(d, vars);
  const policyArn = (where: string, accountId: string, ref: string): string => {
    if (ref.startsWith('arn:')) return fillDeep(ref, vars);
    const customer = (spec.policies ?? []).find((p) => p.name === ref && acctOf(p.account) === accountId);
    if (customer) return `arn:aws:iam::${accountId}:policy/${ref}`;
    const aws = awsManagedByName(ref);
    if (aws) return aws.arn;
    throw new LabSetupError(`${lab.file}: ${where}: no policy named ${ref} (neither a customer policy of this world nor an AWS managed policy)`);
  };

  (spec.policies ?? []).forEach((p, i) => {
    call(`world.policies[${i}]`, acctOf(p.account), 'iam', 'CreatePolicy', { PolicyName: p.name, PolicyDocument: doc(p.document), ...(p.description ? { Description: p.description } : {}) });
  });
  (spec.groups ?? []).forEach((g, i) => {
    const a = acctOf(g.account);
    const w = `world.groups[${i}]`;
    call(w, a, 'iam', 'CreateGroup', { GroupName: g.name });
    for (const p of g.policies ?? []) call(w, a, 'iam', 'AttachGroupPolicy', { GroupName: g.name, PolicyArn: policyArn(w, a, p) });
    for (const [name, d] of Object.entries(g.inline ?? {})) call(w, a, 'iam', 'PutGroupPolicy', { GroupName: g.name, PolicyName: name, PolicyDocument: doc(d) });
  });
  const keys = new Map<string, Credentials>();
  (spec.users ?? []).forEach((u, i) => {
    const a = acctOf(u.account);
    const w = `world.users[${i}]`;
    call(w, a, 'iam', 'CreateUser', { UserName: u.name, ...(u.path ? { Path: u.path } : {}), ...(u.tags ? { Tags: Object.entries(u.tags).map(([Key, Value]) => ({ Key, Value })) } : {}) });
    if (u.login_profile) call(w, a, 'iam', 'CreateLoginProfile', { UserName: u.name, Password: `Lab-${u.name}-Pass-1!`, PasswordResetRequired: false });
    for (let k = 0; k < (u.access_keys ?? 0); k++) {
      const out = call(w, a, 'iam', 'CreateAccessKey', { UserName: u.name }) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
      if (k === 0) keys.set(`${a}/${u.name}`, { accessKeyId: out.AccessKey.AccessKeyId, secretAccessKey: out.AccessKey.SecretAccessKey });
    }
    for (const p of u.policies ?? []) call(w, a, 'iam', 'AttachUserPolicy', { UserName: u.name, PolicyArn: policyArn(w, a, p) });
    for (const [name, d] of Object.entries(u.inline ?? {})) call(w, a, 'iam', 'PutUserPolicy', { UserName: u.name, PolicyName: name, PolicyDocument: doc(d) });
    for (const g of u.groups ?? []) call(w, a, 'iam', 'AddUserToGroup', { UserName: u.name, GroupName: g });
  });
  (spec.roles ?? []).forEach((r, i) => {
    const a = acctOf(r.account);
    const w = `world.roles[${i}]`;
    call(w, a, 'iam', 'CreateRole', createRoleInput(r, vars));
    for (const p of r.policies ?? []) call(w, a, 'iam', 'AttachRolePolicy', { RoleName: r.name, PolicyArn: policyArn(w, a, p) });
    for (const [name, d] of Object.entries(r.inline ?? {})) call(w, a, 'iam', 'PutRolePolicy', { RoleName: r.name, PolicyName: name, PolicyDocument: doc(d) });
  });
  for (const b of spec.buckets ?? []) world.addBucket(acctOf(b.account), b.name, { ...(b.region ? { region: b.region } : {}), ...(b.objects ? { objects: b.objects } : {}) });
  for (const it of spec.instances ?? []) {
    world.addInstance(acctOf(it.account), { ...(it.id ? { instanceId: it.id } : {}), ...(it.name ? { name: it.name } : {}), ...(it.type ? { instanceType: it.type } : {}), ...(it.state ? { state: it.state } : {}), ...(it.region ? { region: it.region } : {}) });
  }

  // The shell: profiles with keys, the console's sign-in.
  const region = spec.start_as?.region ?? 'us-east-1';
  const shell: ShellStartState = { env: {}, config: {}, credentials: {}, console: { roleHistory: [] }, history: [] };
  const credsFor = (where: string, ref: { account?: string; user?: string; root?: true }): Credentials => {
    const a = acctOf(ref.account);
    if ('root' in ref && ref.root) return world.rootCredentials(a);
    const c = keys.get(`${a}/${ref.user}`);
    if (!c) throw new LabSetupError(`${lab.file}: ${where}: user ${ref.user} needs access_keys: 1 to be a shell identity`);
    return c;
  };
  const setProfile = (name: string, c: Credentials) => {
    shell.credentials[name] = { aws_access_key_id: c.accessKeyId, aws_secret_access_key: c.secretAccessKey };
    shell.config[name] = { region, output: 'json' };
  };
  if (spec.start_as?.shell) setProfile('default', credsFor('world.start_as.shell', spec.start_as.shell as never));
  for (const [name, ref] of Object.entries(spec.start_as?.profiles ?? {})) setProfile(name, credsFor(`world.start_as.profiles.${name}`, ref as never));
  if (!shell.config.default) shell.config.default = { region, output: 'json' };
  if (spec.start_as?.console) {
    const a = acctOf(spec.start_as.console.account);
    const r = world.consoleSignIn(a, spec.start_as.console.user);
    if (!r.ok) throw new LabSetupError(`${lab.file}: world.start_as.console: ${r.error.message}`);
    const u = world.iam.user(a, spec.start_as.console.user)!;
    shell.console.signedIn = { accountId: a, userName: u.name, arn: u.arn, credentials: r.credentials } as ShellStartState['console']['signedIn'];
  }
  return { world, shell, accounts };
}
