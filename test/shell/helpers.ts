// Worlds for the tutorials' CLI and console parts, built through the simulated account's own
// API as each account's root user, and a shell on them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { ServiceName } from '../../src/backend/types.js';
import { ShellSession, type ShellOptions, type ShellResult } from '../../src/shell/index.js';
import { SimBackend, World } from '../../src/sim/index.js';

export const NOW = '2026-01-01T09:00:00Z';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'iamlab-shell-'));
  dirs.push(d);
  return d;
}

export class Setup {
  readonly sim: SimBackend;
  constructor(readonly world: World) {
    this.sim = new SimBackend(world);
  }
  /** An API call as the account's root user (setup, not part of the test's shell). */
  root(accountId: string, service: ServiceName, operation: string, input: Record<string, unknown>): Record<string, unknown> {
    const r = this.sim.callSync({ service, operation, input, credentials: this.world.rootCredentials(accountId), via: 'api' });
    if (!r.ok) throw new Error(`setup ${operation}: ${r.error.code}: ${r.error.message}`);
    return r.output;
  }
  user(accountId: string, name: string, opts: { policies?: string[]; inline?: Record<string, unknown>; password?: boolean; key?: boolean } = {}): { accessKeyId?: string; secretAccessKey?: string } {
    this.root(accountId, 'iam', 'CreateUser', { UserName: name });
    for (const p of opts.policies ?? []) this.root(accountId, 'iam', 'AttachUserPolicy', { UserName: name, PolicyArn: p });
    if (opts.inline) this.root(accountId, 'iam', 'PutUserPolicy', { UserName: name, PolicyName: `${name}-inline`, PolicyDocument: JSON.stringify(opts.inline) });
    if (opts.password) this.root(accountId, 'iam', 'CreateLoginProfile', { UserName: name, Password: 'Sim-Passw0rd!' });
    if (opts.key) {
      const k = this.root(accountId, 'iam', 'CreateAccessKey', { UserName: name }).AccessKey as Record<string, string>;
      return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    }
    return {};
  }
  role(accountId: string, name: string, trustPrincipal: Record<string, unknown>, policies: string[], extra: Record<string, unknown> = {}): void {
    this.root(accountId, 'iam', 'CreateRole', {
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: trustPrincipal, Action: 'sts:AssumeRole', ...extra }] }),
    });
    for (const p of policies) this.root(accountId, 'iam', 'AttachRolePolicy', { RoleName: name, PolicyArn: p });
  }
}

export function world(seed: string, accounts: string[]): Setup {
  const w = World.create({ seed, now: NOW });
  for (const a of accounts) w.createAccount(a, { name: `account ${a}` });
  return new Setup(w);
}

export function shell(s: Setup, opts: Partial<ShellOptions> = {}): ShellSession {
  return new ShellSession({ backend: s.sim, world: s.world, workspaceDir: join(tmp(), 'ws'), ...opts });
}

/** Runs lines in order; returns the results. */
export async function runAll(sh: ShellSession, lines: string[]): Promise<ShellResult[]> {
  const out: ShellResult[] = [];
  for (const l of lines) out.push(await sh.run(l));
  return out;
}

export const USAGE_TAIL =
  '\n\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n';

/** Seed 002: James, James-custom-viewonly (view-only without S3), James-custom-S3-role trusting James. */
export function seed002(): { s: Setup; key: { accessKeyId: string; secretAccessKey: string } } {
  const s = world('seed-002', ['123456789012']);
  const a = '123456789012';
  s.root(a, 'iam', 'CreatePolicy', {
    PolicyName: 'James-custom-viewonly',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 'iam:Get*', 'iam:List*', 'sts:GetCallerIdentity'], Resource: '*' }] }),
  });
  const key = s.user(a, 'James', { policies: [`arn:aws:iam::${a}:policy/James-custom-viewonly`], password: true, key: true }) as { accessKeyId: string; secretAccessKey: string };
  s.role(a, 'James-custom-S3-role', { AWS: `arn:aws:iam::${a}:user/James` }, ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
  s.world.addBucket(a, 'james-reports');
  s.world.addBucket(a, 'company-logs');
  return { s, key };
}

/** Seed 004: learner in 123456789012 may assume MyRoleName in 210987654321 (trusting the account root). */
export function seed004(): { s: Setup; key: { accessKeyId: string; secretAccessKey: string } } {
  const s = world('seed-004', ['123456789012', '210987654321']);
  s.role('210987654321', 'MyRoleName', { AWS: 'arn:aws:iam::123456789012:root' }, ['arn:aws:iam::aws:policy/AmazonS3FullAccess']);
  const key = s.user('123456789012', 'learner', {
    inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::210987654321:role/MyRoleName' }] },
    key: true,
  }) as { accessKeyId: string; secretAccessKey: string };
  s.user('210987654321', 'owner', { policies: ['arn:aws:iam::aws:policy/AdministratorAccess'], password: true });
  s.world.addBucket('210987654321', 'partner-data');
  s.world.addBucket('210987654321', 'partner-logs');
  s.world.addBucket('123456789012', 'learner-own-bucket');
  return { s, key };
}

/** Seed 000: temp-user (AdministratorAccess, trusts the account) and balu (inline sts:*, console password). */
export function seed000(): Setup {
  const s = world('seed-000', ['089665204192']);
  const a = '089665204192';
  s.role(a, 'temp-user', { AWS: `arn:aws:iam::${a}:root` }, ['arn:aws:iam::aws:policy/AdministratorAccess']);
  s.user(a, 'balu', { inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }, password: true });
  return s;
}

/** Seed 003: sts_user (no permissions, console password), AWSEC2FULLACCESS trusting sts_user's ARN. */
export function seed003(): Setup {
  const s = world('seed-003', ['111122223333']);
  const a = '111122223333';
  s.user(a, 'sts_user', { password: true });
  s.role(a, 'AWSEC2FULLACCESS', { AWS: `arn:aws:iam::${a}:user/sts_user` }, ['arn:aws:iam::aws:policy/AmazonEC2FullAccess']);
  s.world.addInstance(a, { instanceId: 'i-0123456789abcdef0', name: 'web-1', instanceType: 't3.micro' });
  return s;
}
