// CheckBackend over the simulated account: reads the World's read-only views, asks its engine
// for decisions, and reads the shell's state (env, profiles, console) for identity checks.
// Nothing here makes an AWS call, so checking never adds to the audit log.
import type { Credentials } from '../backend/types.js';
import type { World } from '../sim/index.js';
import type { PolicyDocument } from '../policy/types.js';
import type {
  AccountView,
  BucketView,
  CallerView,
  CheckBackend,
  ConsoleView,
  EventMark,
  EventView,
  GroupView,
  InstanceView,
  ManagedPolicyView,
  RoleView,
  ShellEnvView,
  ShellIdentityView,
  UserView,
} from './types.js';
import { parseDoc } from './policy-util.js';

/** The part of the shell's state checks read (src/shell ShellState is structurally compatible). */
export interface ShellStateLike {
  env: Record<string, string>;
  config: Record<string, Record<string, string>>;
  credentials: Record<string, Record<string, string>>;
  console: ConsoleView;
}

export interface SimCheckBackendOptions {
  /** The lab's names for the accounts (key → id), for messages. */
  accountKeys?: Record<string, string>;
  /** The shell whose identity, environment and console are checked. */
  shell?: {
    readonly state: ShellStateLike;
    /** The shell's own resolution (handles role_arn profiles); used when a profile is not plain keys. */
    shellIdentity?(): Promise<{ arn: string; accountId: string; source: string } | undefined>;
  };
}

const nameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export class SimCheckBackend implements CheckBackend {
  readonly kind = 'sim' as const;
  constructor(
    readonly world: World,
    private readonly opts: SimCheckBackendOptions = {},
  ) {}

  accounts(): AccountView[] {
    const keys = Object.entries(this.opts.accountKeys ?? {});
    return this.world.iam.accounts().map((a) => {
      const key = keys.find(([, id]) => id === a.id)?.[0];
      return { id: a.id, ...(key ? { key } : {}), ...(a.alias ? { alias: a.alias } : {}), name: a.name };
    });
  }

  now(): Date {
    return this.world.clock.now();
  }

  mark(): EventMark {
    const ev = this.world.audit.events();
    const last = ev[ev.length - 1];
    return { at: this.world.clock.now().toISOString(), seq: ev.length, ...(last ? { id: last.eventId } : {}) };
  }

  getUser(accountId: string, name: string): UserView | undefined {
    const u = this.world.iam.user(accountId, name);
    if (!u || u.name !== name) return undefined;
    return userView(u);
  }

  getRole(accountId: string, name: string): RoleView | undefined {
    const r = this.world.iam.role(accountId, name);
    if (!r || r.name !== name) return undefined;
    return this.roleView(r);
  }

  getGroup(accountId: string, name: string): GroupView | undefined {
    const g = this.world.iam.group(accountId, name);
    if (!g || g.name !== name) return undefined;
    return { accountId: g.accountId, name: g.name, arn: g.arn, ...policiesOf(g) };
  }

  getManagedPolicy(arn: string): ManagedPolicyView | undefined {
    const p = this.world.iam.policy(arn);
    if (!p || p.arn !== arn) return undefined;
    const owner = p.awsManaged ? 'aws' : (/^arn:aws:iam::(\d{12}):/.exec(p.arn)?.[1] ?? '');
    const cust = p.awsManaged ? undefined : this.world.iam.policies(owner).find((x) => x.arn === p.arn);
    return { arn: p.arn, name: p.name, owner, ...(cust?.description ? { description: cust.description } : {}), document: parseDoc(p.document) };
  }

  listUsers(accountId: string): UserView[] {
    return this.world.iam.users(accountId).map(userView);
  }

  listRoles(accountId: string): RoleView[] {
    return this.world.iam.roles(accountId).map((r) => this.roleView(r));
  }

  listPolicies(accountId: string): ManagedPolicyView[] {
    return this.world.iam.policies(accountId).map((p) => ({ arn: p.arn, name: p.name, owner: accountId, ...(p.description ? { description: p.description } : {}), document: parseDoc(p.document) }));
  }

  listBuckets(accountId: string): BucketView[] {
    return this.world.iam.buckets(accountId).map((b) => ({ accountId: b.owner, name: b.name, region: b.region, objectCount: Object.keys(b.objects).length }));
  }

  listInstances(accountId: string): InstanceView[] {
    return this.world.iam.instances(accountId).map((i) => {
      const name = i.tags.find((t) => t.Key === 'Name')?.Value;
      return { accountId: i.accountId, instanceId: i.instanceId, ...(name ? { name } : {}), state: i.state, region: i.region };
    });
  }

  decide(q: { principal: string; action: string; resource: string; context?: Record<string, string | string[]> }) {
    return this.world.decide(q);
  }

  canAssume(q: { principal: string; roleArn: string; context?: Record<string, string | string[]> }) {
    return this.world.canAssume(q);
  }

  whoIs(credentials: Credentials): CallerView | undefined {
    const c = this.world.whoIs(credentials);
    if (!c) return undefined;
    return {
      accountId: c.accountId,
      arn: c.arn,
      type: c.type,
      ...(c.sessionIssuer ? { sessionIssuer: c.sessionIssuer } : {}),
      ...(c.issuedAt ? { issuedAt: c.issuedAt } : {}),
      ...(c.expiration ? { expiration: c.expiration } : {}),
      credentialKind: c.credentialKind,
    };
  }

  decideWithCredentials(credentials: Credentials, q: { action: string; resource: string; context?: Record<string, string | string[]> }) {
    const caller = this.whoIs(credentials);
    if (!caller) return { problem: 'these credentials are unknown or have expired' };
    // The exact decision for these credentials: the session's own session policies, issue time
    // (so a revoke judges this session), MFA flag and the limits on temporary credentials.
    const explanation = this.world.decideAs(credentials, { action: q.action, resource: q.resource, ...(q.context ? { context: q.context } : {}) });
    return { caller, explanation };
  }

  shellEnv(): ShellEnvView {
    const env = this.opts.shell?.state.env ?? {};
    const out: ShellEnvView = {};
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const) if (env[k]) out[k] = env[k];
    return out;
  }

  profileCredentials(profile: string): Credentials | undefined {
    const st = this.opts.shell?.state;
    if (!st) return undefined;
    const c = st.credentials[profile] ?? {};
    const conf = st.config[profile] ?? {};
    const id = c.aws_access_key_id ?? conf.aws_access_key_id;
    const secret = c.aws_secret_access_key ?? conf.aws_secret_access_key;
    const token = c.aws_session_token ?? conf.aws_session_token;
    return id && secret ? { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) } : undefined;
  }

  shellCredentials(): { credentials?: Credentials; source: string } {
    const st = this.opts.shell?.state;
    if (!st) return { source: 'none' };
    const env = st.env;
    if (env.AWS_ACCESS_KEY_ID) {
      return {
        source: 'env',
        ...(env.AWS_SECRET_ACCESS_KEY ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } } : {}),
      };
    }
    const profile = env.AWS_PROFILE || 'default';
    const c = st.credentials[profile] ?? {};
    const conf = st.config[profile] ?? {};
    const id = c.aws_access_key_id ?? conf.aws_access_key_id;
    const secret = c.aws_secret_access_key ?? conf.aws_secret_access_key;
    const token = c.aws_session_token ?? conf.aws_session_token;
    if (!id || !secret) return { source: `profile:${profile}` };
    return { source: `profile:${profile}`, credentials: { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) } };
  }

  async shellIdentity(): Promise<ShellIdentityView> {
    const st = this.opts.shell?.state;
    const envv = st?.env ?? {};
    const env = {
      ...(envv.AWS_ACCESS_KEY_ID ? { accessKeyId: envv.AWS_ACCESS_KEY_ID } : {}),
      hasSecret: !!envv.AWS_SECRET_ACCESS_KEY,
      hasSessionToken: !!envv.AWS_SESSION_TOKEN,
      ...(envv.AWS_PROFILE ? { profile: envv.AWS_PROFILE } : {}),
    };
    if (!st) return { source: 'none', env, problem: 'there is no shell' };
    if (envv.AWS_ACCESS_KEY_ID) {
      if (!envv.AWS_SECRET_ACCESS_KEY) return { source: 'env', env, problem: 'AWS_ACCESS_KEY_ID is exported but AWS_SECRET_ACCESS_KEY is not' };
      if (envv.AWS_ACCESS_KEY_ID.startsWith('ASIA') && !envv.AWS_SESSION_TOKEN)
        return { source: 'env', env, problem: 'AWS_ACCESS_KEY_ID is a temporary key (ASIA…) but AWS_SESSION_TOKEN is not exported, so AWS rejects it (InvalidClientTokenId) — did you export AWS_SESSION_TOKEN?' };
    }
    const { credentials, source } = this.shellCredentials();
    if (credentials) {
      const caller = this.whoIs(credentials);
      if (!caller) return { source, env, problem: `the credentials from ${source === 'env' ? 'the exported variables' : source.replace('profile:', 'profile ')} are not valid (unknown, mistyped or expired)` };
      return { caller, source, env };
    }
    // A role_arn profile or something only the shell can resolve.
    if (this.opts.shell?.shellIdentity) {
      const id = await this.opts.shell.shellIdentity();
      if (id) return { caller: { accountId: id.accountId, arn: id.arn, type: /:assumed-role\//.test(id.arn) ? 'AssumedRole' : /:root$/.test(id.arn) ? 'Root' : 'IAMUser', credentialKind: 'session' }, source: id.source, env };
    }
    return { source, env, problem: source === 'none' ? 'no credentials are configured' : `${source.replace('profile:', 'profile ')} has no access keys` };
  }

  console(): ConsoleView {
    const c = this.opts.shell?.state.console;
    if (!c) return { roleHistory: [] };
    return {
      ...(c.signedIn ? { signedIn: { accountId: c.signedIn.accountId, userName: c.signedIn.userName, arn: c.signedIn.arn } } : {}),
      ...(c.active ? { active: { accountId: c.active.accountId, roleName: c.active.roleName, arn: c.active.arn, displayName: c.active.displayName, ...(c.active.color ? { color: c.active.color } : {}) } } : {}),
      roleHistory: (c.roleHistory ?? []).map((h) => ({ ...h })),
    };
  }

  events(since: EventMark): EventView[] {
    const all = this.world.audit.events();
    let from = 0;
    if (since.id !== undefined) {
      let idx = -1;
      for (let i = all.length - 1; i >= 0; i--) {
        if (all[i]!.eventId === since.id) {
          idx = i;
          break;
        }
      }
      if (idx >= 0) from = idx + 1;
      else {
        const t = Date.parse(since.at);
        from = all.findIndex((e) => e.eventTime.getTime() > t);
        if (from < 0) from = all.length;
      }
    } else if (since.seq !== undefined && since.seq > 0) {
      const t = Date.parse(since.at);
      from = all.findIndex((e) => e.eventTime.getTime() >= t);
      if (from < 0) from = all.length;
    }
    const out: EventView[] = [];
    for (let i = from; i < all.length; i++) {
      const e = all[i]!;
      out.push({
        time: e.eventTime,
        seq: i,
        eventName: e.eventName,
        action: e.action,
        ...(e.userIdentity.arn ? { principalArn: e.userIdentity.arn } : {}),
        principalType: e.userIdentity.type,
        recipientAccountId: e.recipientAccountId,
        via: e.via,
        outcome: e.outcome,
        ...(e.errorCode ? { errorCode: e.errorCode } : {}),
        ...(e.errorMessage ? { errorMessage: e.errorMessage } : {}),
        resources: e.resources,
        requestParameters: e.requestParameters,
        ...(e.explanation ? { explanation: e.explanation } : {}),
      });
    }
    return out;
  }

  private roleView(r: NonNullable<ReturnType<World['iam']['role']>>): RoleView {
    const trust: PolicyDocument = this.world.iam.trustDocument(r.accountId, r.name) ?? parseDoc(r.trust, 'trust');
    return {
      accountId: r.accountId,
      name: r.name,
      arn: r.arn,
      path: r.path,
      roleId: r.id,
      ...(r.description ? { description: r.description } : {}),
      maxSessionDuration: r.maxSessionDuration,
      trust,
      ...policiesOf(r),
      tags: tagMap(r.tags),
    };
  }
}

/** A user's, group's or role's attached (by ARN and name) and inline policies (parsed), as checks read them. */
function policiesOf(e: { attached: readonly string[]; inline: ReadonlyArray<{ name: string; document: string }> }): Pick<UserView, 'attached' | 'inline'> {
  return { attached: e.attached.map((a) => ({ arn: a, name: nameOf(a) })), inline: e.inline.map((p) => ({ name: p.name, document: parseDoc(p.document) })) };
}

function tagMap(tags: ReadonlyArray<{ Key: string; Value: string }>): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}

function userView(u: NonNullable<ReturnType<World['iam']['user']>>): UserView {
  return {
    accountId: u.accountId,
    name: u.name,
    arn: u.arn,
    path: u.path,
    userId: u.id,
    hasLoginProfile: !!u.loginProfile,
    accessKeys: u.accessKeys.map((k) => ({ accessKeyId: k.id, status: k.status })),
    ...policiesOf(u),
    groups: [...u.groups],
    tags: tagMap(u.tags),
  };
}
