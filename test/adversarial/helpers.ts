// Set-up for the adversarial review of the simulated account (test/adversarial).
// Independent of test/sim's helpers on purpose: a second pair of eyes drives the public API only
// (World and SimBackend from src/sim/index.ts), the way the shell and `iamlab serve` do.
import assert from 'node:assert/strict';
import type { AwsError, CallResult, Credentials, ServiceName } from '../../src/backend/types.js';
import type { Explanation } from '../../src/policy/types.js';
import { SimBackend, World } from '../../src/sim/index.js';

export const A = '111122223333';
export const B = '444455556666';

export type Doc = Record<string, unknown>;

export class Sim {
  w: World;
  b: SimBackend;
  constructor(opts: { accounts?: string[]; now?: string; world?: World } = {}) {
    this.w = opts.world ?? World.create({ seed: 'adversarial', now: opts.now ?? '2026-03-02T10:00:00Z' });
    if (!opts.world) for (const id of opts.accounts ?? [A, B]) this.w.createAccount(id);
    this.b = new SimBackend(this.w);
  }
  root(acct = A): Credentials {
    return this.w.rootCredentials(acct);
  }
  call(service: ServiceName, operation: string, input: Record<string, unknown>, creds: Credentials | null): CallResult {
    return this.b.callSync({ service, operation, input, ...(creds ? { credentials: creds } : {}), via: 'api' });
  }
  ok(service: ServiceName, operation: string, input: Record<string, unknown>, creds: Credentials): Record<string, unknown> {
    const r = this.call(service, operation, input, creds);
    if (!r.ok) assert.fail(`${service}:${operation} should succeed but failed: ${r.error.code}: ${r.error.message}`);
    return r.output;
  }
  /** A call that must fail; returns the error and the explanation the call carried. */
  fail(service: ServiceName, operation: string, input: Record<string, unknown>, creds: Credentials | null): AwsError & { explanation?: Explanation } {
    const r = this.call(service, operation, input, creds);
    if (r.ok) assert.fail(`${service}:${operation} should fail but succeeded: ${JSON.stringify(r.output)}`);
    return { ...r.error, ...(r.explanation ? { explanation: r.explanation } : {}) };
  }
  user(name: string, opts: { acct?: string; policy?: Doc; path?: string } = {}): Credentials {
    const root = this.root(opts.acct ?? A);
    this.ok('iam', 'CreateUser', { UserName: name, ...(opts.path ? { Path: opts.path } : {}) }, root);
    if (opts.policy) this.ok('iam', 'PutUserPolicy', { UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(opts.policy) }, root);
    const k = this.ok('iam', 'CreateAccessKey', { UserName: name }, root)['AccessKey'] as Record<string, string>;
    return { accessKeyId: k['AccessKeyId']!, secretAccessKey: k['SecretAccessKey']! };
  }
  role(name: string, trustDoc: Doc, opts: { acct?: string; policy?: Doc; attach?: string[]; path?: string; max?: number } = {}): string {
    const root = this.root(opts.acct ?? A);
    const out = this.ok(
      'iam',
      'CreateRole',
      {
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify(trustDoc),
        ...(opts.path ? { Path: opts.path } : {}),
        ...(opts.max ? { MaxSessionDuration: opts.max } : {}),
      },
      root,
    );
    if (opts.policy) this.ok('iam', 'PutRolePolicy', { RoleName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(opts.policy) }, root);
    for (const arn of opts.attach ?? []) this.ok('iam', 'AttachRolePolicy', { RoleName: name, PolicyArn: arn }, root);
    return (out['Role'] as Record<string, string>)['Arn']!;
  }
  assume(creds: Credentials, roleArn: string, extra: Record<string, unknown> = {}, session = 'lab'): Credentials {
    const o = this.ok('sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: session, ...extra }, creds);
    const c = o['Credentials'] as Record<string, string>;
    return { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
  }
  /** AssumeRole that must be denied: returns the error (with the call's explanation). */
  assumeDenied(creds: Credentials, roleArn: string, extra: Record<string, unknown> = {}): AwsError & { explanation?: Explanation } {
    return this.fail('sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'lab', ...extra }, creds);
  }
  tempCreds(out: Record<string, unknown>): Credentials {
    const c = out['Credentials'] as Record<string, string>;
    return { accessKeyId: c['AccessKeyId']!, secretAccessKey: c['SecretAccessKey']!, sessionToken: c['SessionToken']! };
  }
}

export const trust = (principal: unknown, extra: Doc = {}, action: unknown = 'sts:AssumeRole'): Doc => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: action, ...extra }],
});
export const allow = (action: unknown, resource: unknown = '*', extra: Doc = {}): Doc => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }],
});
export const stmts = (...s: Doc[]): Doc => ({ Version: '2012-10-17', Statement: s });

export const userArn = (name: string, acct = A, path = '/') => `arn:aws:iam::${acct}:user${path}${name}`;
export const roleArn = (name: string, acct = A, path = '/') => `arn:aws:iam::${acct}:role${path}${name}`;
export const rootArn = (acct = A) => `arn:aws:iam::${acct}:root`;
export const sessArn = (role: string, session = 'lab', acct = A) => `arn:aws:sts::${acct}:assumed-role/${role}/${session}`;

/** The bare AssumeRole AccessDenied of reference §1.10. */
export function assertBareAssumeDenied(e: AwsError, caller: string, roleArnText: string): void {
  assert.equal(e.code, 'AccessDenied');
  assert.equal(e.status, 403);
  assert.equal(e.type, 'Sender');
  assert.equal(e.message, `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArnText}`);
}
