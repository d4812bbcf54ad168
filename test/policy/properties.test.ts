// Randomised properties (fixed seeds, a few hundred cases each): deny monotonicity, order
// independence, action-case insensitivity, resource-case sensitivity, explanations that name
// the deciding statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize } from '../../src/policy/index.js';
import type { EvaluationInput, PolicyDocument, PolicyInput, PrincipalInfo, Statement } from '../../src/policy/types.js';
import { ACCT, OTHER, doc, rng, session, user } from './helpers.js';

type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const pickChar = (r: R, s: string): string => s[Math.floor(r() * s.length)]!;
const chance = (r: R, p: number) => r() < p;

const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:ListAllMyBuckets', 'sts:AssumeRole', 'sts:GetCallerIdentity', 'iam:GetRole', 'iam:ListRoles', 'ec2:DescribeInstances', 'ec2:RunInstances'];
const ACTION_PATTERNS = [...ACTIONS, '*', 's3:*', 's3:Get*', 's3:List*', 'sts:*', 'iam:Get*', 'iam:List*', 'ec2:Describe*', 'ec2:*Instances', 's3:?etObject', 'S3:GETOBJECT', 'iam:*Role*'];
const RESOURCES = ['*', 'arn:aws:s3:::lab', 'arn:aws:s3:::lab/a.txt', 'arn:aws:s3:::lab/dir/b.txt', 'arn:aws:s3:::other/x', `arn:aws:iam::${ACCT}:role/r1`, `arn:aws:iam::${ACCT}:role/R1`, `arn:aws:iam::${OTHER}:role/x`];
const RESOURCE_PATTERNS = ['*', 'arn:aws:s3:::lab', 'arn:aws:s3:::lab/*', 'arn:aws:s3:::*', 'arn:aws:s3:::lab/dir/*', `arn:aws:iam::${ACCT}:role/*`, `arn:aws:iam::${ACCT}:role/r1`, 'arn:aws:iam::*:role/x', 'arn:aws:s3:::lab/${aws:username}/*'];
const PRINCIPALS: PrincipalInfo[] = [user('alice'), user('bob'), session('r1', 's'), user('carol', OTHER, { tags: { team: 'blue' } })];

function condition(r: R): Statement['Condition'] | undefined {
  if (!chance(r, 0.2)) return undefined;
  return pick<NonNullable<Statement['Condition']>>(r, [
    { StringEquals: { 'aws:username': ['alice'] } },
    { BoolIfExists: { 'aws:MultiFactorAuthPresent': ['true'] } },
    { Bool: { 'aws:MultiFactorAuthPresent': ['true'] } },
    { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8'] } },
    { StringNotEquals: { 'aws:PrincipalTag/team': ['blue'] } },
    { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } },
  ]);
}

function statement(r: R, i: number, kind: PolicyInput['kind'], effect?: 'Allow' | 'Deny'): Statement {
  const withPrincipal = kind === 'trust' || kind === 'resource';
  const st: Statement = { Effect: effect ?? (chance(r, 0.2) ? 'Deny' : 'Allow') };
  if (chance(r, 0.5)) st.Sid = `S${i}x${Math.floor(r() * 1000)}`;
  const acts = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, ACTION_PATTERNS));
  if (chance(r, 0.1)) st.NotAction = acts;
  else st.Action = acts;
  if (withPrincipal) {
    st.Principal = chance(r, 0.15) ? '*' : { AWS: [pick(r, [ACCT, OTHER, `arn:aws:iam::${ACCT}:root`, `arn:aws:iam::${ACCT}:user/alice`, `arn:aws:iam::${ACCT}:role/r1`, `arn:aws:sts::${ACCT}:assumed-role/r1/s`, `arn:aws:iam::${OTHER}:user/carol`])] };
  }
  if (kind !== 'trust') {
    const res = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, RESOURCE_PATTERNS));
    if (chance(r, 0.1)) st.NotResource = res;
    else st.Resource = res;
  }
  const c = condition(r);
  if (c) st.Condition = c;
  return st;
}

function policy(r: R, kind: PolicyInput['kind'], name: string): PolicyInput {
  const n = 1 + Math.floor(r() * 3);
  const statements = Array.from({ length: n }, (_, i) => statement(r, i, kind));
  // Make Sids unique as IAM requires.
  statements.forEach((s, i) => {
    if (s.Sid) s.Sid = `${s.Sid}n${i}`;
  });
  return { kind, name, document: doc({ Version: '2012-10-17', Statement: statements }, kind === 'trust' ? 'trust' : kind === 'resource' ? 'resource' : 'identity') };
}

function input(r: R): EvaluationInput {
  const principal = pick(r, PRINCIPALS);
  const action = pick(r, ACTIONS);
  const resource = pick(r, RESOURCES);
  const resourceAccount = resource.includes(`:${OTHER}:`) ? OTHER : resource.startsWith('arn:aws:s3') && chance(r, 0.2) ? OTHER : ACCT;
  const identity = Array.from({ length: Math.floor(r() * 4) }, (_, i) => policy(r, 'identity', `id${i}`));
  const i: EvaluationInput = {
    request: {
      principal,
      action,
      resource,
      resourceAccount,
      context: pick(r, [{}, { 'aws:SourceIp': '127.0.0.1' }, { 'aws:MultiFactorAuthPresent': 'true', 'aws:TagKeys': ['env', 'x'] }, { 'aws:MultiFactorAuthPresent': 'false' }]),
    },
    identity,
  };
  if (chance(r, 0.5)) i.resource = policy(r, action.startsWith('sts:AssumeRole') || chance(r, 0.3) ? 'trust' : 'resource', 'res');
  if (chance(r, 0.25)) i.boundary = policy(r, 'boundary', 'bnd');
  if (principal.type === 'AssumedRole' && chance(r, 0.4)) i.session = [policy(r, 'session', 'session policy')];
  return i;
}

function shuffled<T>(r: R, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function withDoc(p: PolicyInput, document: PolicyDocument): PolicyInput {
  return { ...p, document };
}

const N = 400;

test('adding a Deny statement never turns a Deny into an Allow, and an applying Deny always denies', () => {
  const r = rng(20260501);
  let denies = 0;
  let applied = 0;
  for (let k = 0; k < N; k++) {
    const i = input(r);
    const before = authorize(i);
    const kinds = ['identity', 'resource', 'boundary', 'session'] as const;
    const where = pick(r, kinds);
    const mod: EvaluationInput = { ...i, identity: [...i.identity] };
    if (where === 'identity' || (where === 'resource' && !i.resource) || (where === 'boundary' && !i.boundary) || (where === 'session' && !i.session)) {
      const extra = policy(r, 'identity', 'extra');
      extra.document = doc({ Version: '2012-10-17', Statement: [statement(r, 0, 'identity', 'Deny')] });
      mod.identity.push(extra);
    } else if (where === 'resource') {
      const d = i.resource!.document;
      mod.resource = withDoc(i.resource!, { ...d, Statement: [...d.Statement, statement(r, 9, i.resource!.kind, 'Deny')] });
    } else if (where === 'boundary') {
      const d = i.boundary!.document;
      mod.boundary = withDoc(i.boundary!, { ...d, Statement: [...d.Statement, statement(r, 9, 'identity', 'Deny')] });
    } else {
      const d = i.session![0]!.document;
      mod.session = [withDoc(i.session![0]!, { ...d, Statement: [...d.Statement, statement(r, 9, 'identity', 'Deny')] })];
    }
    const after = authorize(mod);
    if (before.decision === 'Deny') {
      denies++;
      assert.equal(after.decision, 'Deny', `case ${k}: ${JSON.stringify(mod)}`);
    }
    const applying = after.policies.some((p) => p.statements.some((s) => s.applies && s.effect === 'Deny'));
    if (applying) {
      assert.equal(after.reason, 'explicit-deny', `case ${k}`);
      applied++;
    }
  }
  assert.ok(denies > 50 && applied > 50, `the generator exercises both outcomes (denies ${denies}, applying denies ${applied})`);
});

test('statement order and policy order never change the decision', () => {
  const r = rng(7);
  let allows = 0;
  for (let k = 0; k < N; k++) {
    const i = input(r);
    const reorder = (p: PolicyInput): PolicyInput => withDoc(p, { ...p.document, Statement: shuffled(r, p.document.Statement) });
    const mod: EvaluationInput = {
      ...i,
      identity: shuffled(r, i.identity).map(reorder),
      ...(i.resource ? { resource: reorder(i.resource) } : {}),
      ...(i.boundary ? { boundary: reorder(i.boundary) } : {}),
      ...(i.session ? { session: shuffled(r, i.session).map(reorder) } : {}),
    };
    const a = authorize(i);
    const b = authorize(mod);
    if (a.decision === 'Allow') allows++;
    assert.deepEqual([b.decision, b.reason, [...b.deniedBy].sort()], [a.decision, a.reason, [...a.deniedBy].sort()], `case ${k}`);
    assert.equal(new Set(b.deciding.map((d) => `${d.kind}/${d.policy}/${d.sid ?? ''}`)).size, new Set(a.deciding.map((d) => `${d.kind}/${d.policy}/${d.sid ?? ''}`)).size);
  }
  assert.ok(allows > 30, `allows: ${allows}`);
});

test('action case never matters', () => {
  const r = rng(99);
  const mangle = (s: string) => [...s].map((c) => (chance(r, 0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
  for (let k = 0; k < N; k++) {
    const i = input(r);
    const mod = { ...i, request: { ...i.request, action: mangle(i.request.action) } };
    assert.equal(authorize(mod).decision, authorize(i).decision, `case ${k}: ${mod.request.action}`);
  }
});

test('resource case does matter: an exact ARN grant does not cover a differently-cased resource', () => {
  const r = rng(4242);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let k = 0; k < N; k++) {
    const bucket = Array.from({ length: 3 + Math.floor(r() * 8) }, () => pickChar(r, letters)).join('');
    const key = Array.from({ length: 1 + Math.floor(r() * 8) }, () => pickChar(r, letters)).join('');
    const arn = `arn:aws:s3:::${bucket}/${key}`;
    let other = arn;
    while (other === arn) other = `arn:aws:s3:::${[...bucket].map((c) => (chance(r, 0.4) ? c.toUpperCase() : c)).join('')}/${[...key].map((c) => (chance(r, 0.4) ? c.toUpperCase() : c)).join('')}`;
    const pattern = chance(r, 0.5) ? arn : `arn:aws:s3:::${bucket}/*`;
    const d = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: pattern }] });
    const run = (res: string) => authorize({ request: { principal: user('alice'), action: 's3:GetObject', resource: res, context: {} }, identity: [{ kind: 'identity', name: 'p', document: d }] }).decision;
    assert.equal(run(arn), 'Allow');
    const bucketChanged = other.slice(0, 13 + bucket.length) !== arn.slice(0, 13 + bucket.length);
    if (pattern === arn || bucketChanged) assert.equal(run(other), 'Deny', `${pattern} vs ${other}`);
  }
});

test('explanations name the deciding statement by Sid or index', () => {
  const r = rng(31337);
  let checked = 0;
  for (let k = 0; k < N; k++) {
    const i = input(r);
    const e = authorize(i);
    if (e.reason === 'explicit-deny' || (e.decision === 'Allow' && e.reason === 'allowed' && e.deciding.length > 0)) {
      const names = e.deciding.map((d) => (d.sid !== undefined ? `statement ${d.sid}` : `Statement[${d.index}]`));
      const inSummary = names.some((n) => e.summary.includes(n)) || /names (user|role|this session)|allows every principal/.test(e.summary);
      assert.ok(inSummary, `case ${k}: ${e.summary} / ${names.join(', ')}`);
      if (e.reason === 'explicit-deny') assert.ok(names.some((n) => e.summary.includes(n)), e.summary);
      checked++;
    }
    for (const d of e.deciding) {
      const p = e.policies.find((x) => x.name === d.policy && x.kind === d.kind)!;
      const st = p.statements.find((s) => s.index === d.index)!;
      assert.equal(st.applies, true);
      assert.equal(st.effect, d.effect);
      assert.equal(st.sid, d.sid);
    }
  }
  assert.ok(checked > 80, `checked ${checked}`);
});

test('trace:false and the full trace always agree', () => {
  const r = rng(5);
  for (let k = 0; k < N; k++) {
    const i = input(r);
    const a = authorize(i);
    const b = authorize(i, { trace: false });
    assert.deepEqual([b.decision, b.reason, b.deniedBy, b.summary], [a.decision, a.reason, a.deniedBy, a.summary], `case ${k}`);
  }
});
