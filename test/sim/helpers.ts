// Shared set-up for the simulated account's tests: a world, a backend and terse call helpers.
// Everything goes through SimBackend.callSync, as the shell does.
import assert from 'node:assert/strict';
import type { CallResult, Credentials, ServiceName, AwsError } from '../../src/backend/types.js';
import { World, SimBackend } from '../../src/sim/index.js';

export const A = '123456789012';
export const B = '999999999999';

export class Lab {
  readonly w: World;
  readonly b: SimBackend;
  readonly root: Credentials;
  constructor(opts: { seed?: string; now?: string; accounts?: string[] } = {}) {
    this.w = World.create({ seed: opts.seed ?? 'test', now: opts.now ?? '2025-03-01T12:00:00Z' });
    for (const id of opts.accounts ?? [A]) this.w.createAccount(id);
    this.b = new SimBackend(this.w);
    this.root = this.w.rootCredentials((opts.accounts ?? [A])[0]!);
  }
  rootOf(acct: string): Credentials {
    return this.w.rootCredentials(acct);
  }
  /** credentials null = an unsigned request. */
  call(service: ServiceName, operation: string, input: Record<string, unknown> = {}, credentials: Credentials | null = this.root, extra: Record<string, unknown> = {}): CallResult {
    return this.b.callSync({ service, operation, input, ...(credentials ? { credentials } : {}), via: 'api', ...extra });
  }
  /** A call that must succeed; returns its output. */
  ok(service: ServiceName, operation: string, input: Record<string, unknown> = {}, credentials: Credentials = this.root): Record<string, unknown> {
    const r = this.call(service, operation, input, credentials);
    if (!r.ok) assert.fail(`${service} ${operation} failed: ${r.error.code}: ${r.error.message}`);
    return r.output;
  }
  /** A call that must fail; returns its error. */
  err(service: ServiceName, operation: string, input: Record<string, unknown> = {}, credentials: Credentials | null = this.root): AwsError {
    const r = this.call(service, operation, input, credentials);
    if (r.ok) assert.fail(`${service} ${operation} unexpectedly succeeded: ${JSON.stringify(r.output)}`);
    return r.error;
  }
  /** Creates a user with an access key (in `acct`, as that account's root); returns its credentials. */
  user(name: string, acct = A, opts: { inline?: Record<string, unknown>; path?: string } = {}): Credentials {
    const root = this.rootOf(acct);
    this.ok('iam', 'CreateUser', { UserName: name, ...(opts.path ? { Path: opts.path } : {}) }, root);
    if (opts.inline) this.ok('iam', 'PutUserPolicy', { UserName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(opts.inline) }, root);
    const k = this.ok('iam', 'CreateAccessKey', { UserName: name }, root)['AccessKey'] as Record<string, string>;
    return { accessKeyId: k['AccessKeyId']!, secretAccessKey: k['SecretAccessKey']! };
  }
  role(name: string, trust: unknown, opts: { acct?: string; attach?: string[]; inline?: unknown; path?: string; max?: number } = {}): string {
    const root = this.rootOf(opts.acct ?? A);
    const out = this.ok(
      'iam',
      'CreateRole',
      { RoleName: name, AssumeRolePolicyDocument: typeof trust === 'string' ? trust : JSON.stringify(trust), ...(opts.path ? { Path: opts.path } : {}), ...(opts.max ? { MaxSessionDuration: opts.max } : {}) },
      root,
    );
    for (const arn of opts.attach ?? []) this.ok('iam', 'AttachRolePolicy', { RoleName: name, PolicyArn: arn }, root);
    if (opts.inline) this.ok('iam', 'PutRolePolicy', { RoleName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(opts.inline) }, root);
    return (out['Role'] as Record<string, string>)['Arn']!;
  }
  /** AssumeRole that must succeed; returns the session credentials. */
  assume(creds: Credentials, roleArn: string, session = 'lab', extra: Record<string, unknown> = {}): Credentials {
    const o = this.ok('sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: session, ...extra }, creds);
    const c = o['Credentials'] as Record<string, string>;
    return { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
  }
  whoami(creds: Credentials): string {
    return this.ok('sts', 'GetCallerIdentity', {}, creds)['Arn'] as string;
  }
}

export function trust(principal: unknown, more: Record<string, unknown> = {}, action: string | string[] = 'sts:AssumeRole'): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: action, ...more }] };
}

export function allow(action: string | string[], resource: string | string[] = '*', more: Record<string, unknown> = {}): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...more }] };
}

export function deny(action: string | string[], resource: string | string[] = '*', more: Record<string, unknown> = {}): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: action, Resource: resource, ...more }] };
}

export const userArn = (name: string, acct = A) => `arn:aws:iam::${acct}:user/${name}`;
export const roleArn = (name: string, acct = A) => `arn:aws:iam::${acct}:role/${name}`;
export const rootArn = (acct = A) => `arn:aws:iam::${acct}:root`;
export const POLICY = {
  admin: 'arn:aws:iam::aws:policy/AdministratorAccess',
  s3ro: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  s3full: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
  ec2full: 'arn:aws:iam::aws:policy/AmazonEC2FullAccess',
  viewOnly: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
  readOnly: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
};

export function assumeDenied(lab: Lab, creds: Credentials, role: string, callerArn: string): AwsError {
  const e = lab.err('sts', 'AssumeRole', { RoleArn: role, RoleSessionName: 'lab' }, creds);
  assert.equal(e.code, 'AccessDenied');
  assert.equal(e.status, 403);
  assert.equal(e.message, `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${role}`);
  return e;
}
