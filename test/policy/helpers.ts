// Shared fixtures for the policy engine tests: principals and validated documents.
import assert from 'node:assert/strict';
import { validatePolicy, type ValidationKind } from '../../src/policy/index.js';
import type { EvaluationInput, PolicyDocument, PolicyInput, PrincipalInfo } from '../../src/policy/types.js';

export const ACCT = '123456789012';
export const OTHER = '999999999999';

export function user(name: string, account = ACCT, extra: Partial<PrincipalInfo> = {}): PrincipalInfo {
  const arn = `arn:aws:iam::${account}:user/${name}`;
  return { type: 'User', accountId: account, arn, principalArn: arn, userId: `AIDA${name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`, uniqueId: `AIDA${name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`, username: name, ...extra };
}

export function session(role: string, sessionName: string, account = ACCT, extra: Partial<PrincipalInfo> = {}): PrincipalInfo {
  const roleId = `AROA${role.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'R').slice(0, 17)}`;
  return {
    type: 'AssumedRole',
    accountId: account,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${sessionName}`,
    principalArn: `arn:aws:iam::${account}:role/${role}`,
    userId: `${roleId}:${sessionName}`,
    uniqueId: roleId,
    ...extra,
  };
}

export function root(account = ACCT): PrincipalInfo {
  return { type: 'Account', accountId: account, arn: `arn:aws:iam::${account}:root`, principalArn: `arn:aws:iam::${account}:root`, userId: account };
}

export function federated(name: string, account = ACCT): PrincipalInfo {
  return { type: 'FederatedUser', accountId: account, arn: `arn:aws:sts::${account}:federated-user/${name}`, principalArn: `arn:aws:sts::${account}:federated-user/${name}`, userId: `${account}:${name}` };
}

/** Validates a document (object or text) and returns it normalised; fails the test if invalid. */
export function doc(d: unknown, kind: ValidationKind = 'identity'): PolicyDocument {
  const r = validatePolicy(typeof d === 'string' ? d : JSON.stringify(d), kind);
  if (!r.ok) assert.fail(`fixture does not validate as ${kind}: ${r.problem.message} ${r.problem.detail ?? ''}`);
  return r.document;
}

export function allow(action: string | string[], resource: string | string[] = '*', extra: Record<string, unknown> = {}): PolicyDocument {
  return doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }] });
}

export function denyDoc(action: string | string[], resource: string | string[] = '*', extra: Record<string, unknown> = {}): PolicyDocument {
  return doc({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: action, Resource: resource, ...extra }] });
}

export function identity(name: string, d: PolicyDocument, attachedTo?: string): PolicyInput {
  return attachedTo ? { kind: 'identity', name, attachedTo, document: d } : { kind: 'identity', name, document: d };
}

export function trustDoc(statements: Record<string, unknown>[]): PolicyDocument {
  return doc({ Version: '2012-10-17', Statement: statements }, 'trust');
}

export function trustOf(role: string, statements: Record<string, unknown>[]): PolicyInput {
  return { kind: 'trust', name: `trust policy of role ${role}`, document: trustDoc(statements) };
}

export function trusting(principal: unknown, action = 'sts:AssumeRole', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: 'Allow', Principal: principal, Action: action, ...extra };
}

export function roleArn(name: string, account = ACCT): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

export function assumeInput(caller: PrincipalInfo, role: string, trust: PolicyInput, ids: PolicyInput[] = [], extra: Partial<EvaluationInput> = {}, roleAccount = ACCT): EvaluationInput {
  return {
    request: { principal: caller, action: 'sts:AssumeRole', resource: roleArn(role, roleAccount), resourceAccount: roleAccount, context: {} },
    identity: ids,
    resource: trust,
    ...extra,
  };
}

/** Deterministic PRNG (mulberry32) for property tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
