// Properties of authorization end to end (through PutUserPolicy/AssumeRole/S3 calls), on
// pseudo-random policies from a small vocabulary (fixed seed, so failures reproduce):
// adding a Deny never turns a denial into an allow; statement and policy order never matter;
// action case never matters, resource case does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Credentials } from '../../src/backend/types.js';
import { Lab, A, trust } from './helpers.js';

let seed = 20250301;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;

const ACTIONS = ['s3:*', 's3:List*', 's3:ListBucket', 's3:GetObject', 's3:Get*', 'sts:AssumeRole', 'sts:*', 'ec2:Describe*', '*', 'iam:GetRole'] as const;
const RESOURCES = ['*', 'arn:aws:s3:::data', 'arn:aws:s3:::data/*', 'arn:aws:s3:::other', `arn:aws:iam::${A}:role/target`, `arn:aws:iam::${A}:role/*`, 'arn:aws:s3:::*'] as const;

type Stmt = { Effect: 'Allow' | 'Deny'; Action: string[]; Resource: string[] };
const stmt = (effect: 'Allow' | 'Deny'): Stmt => ({ Effect: effect, Action: [pick(ACTIONS), pick(ACTIONS)], Resource: [pick(RESOURCES)] });

function world(): { l: Lab; u: Credentials } {
  const l = new Lab();
  l.ok('s3', 'CreateBucket', { Bucket: 'data' });
  l.ok('s3', 'PutObject', { Bucket: 'data', Key: 'k', Body: 'v' });
  l.ok('s3', 'CreateBucket', { Bucket: 'other' });
  l.role('target', trust({ AWS: `arn:aws:iam::${A}:root` }));
  const u = l.user('u');
  return { l, u };
}

function outcomes(l: Lab, u: Credentials): boolean[] {
  return [
    l.call('s3', 'ListBuckets', {}, u).ok,
    l.call('s3', 'ListObjectsV2', { Bucket: 'data' }, u).ok,
    l.call('s3', 'GetObject', { Bucket: 'data', Key: 'k' }, u).ok,
    l.call('s3', 'ListObjectsV2', { Bucket: 'other' }, u).ok,
    l.call('sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${A}:role/target`, RoleSessionName: 'p1' }, u).ok,
    l.call('iam', 'GetRole', { RoleName: 'target' }, u).ok,
    l.call('ec2', 'DescribeInstances', {}, u).ok,
  ];
}

function put(l: Lab, name: string, statements: Stmt[]): void {
  l.ok('iam', 'PutUserPolicy', { UserName: 'u', PolicyName: name, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
}

test('adding a Deny never turns a denial into an allow; order of statements and policies never matters', () => {
  const { l, u } = world();
  for (let round = 0; round < 30; round++) {
    for (const n of l.ok('iam', 'ListUserPolicies', { UserName: 'u' })['PolicyNames'] as string[]) l.ok('iam', 'DeleteUserPolicy', { UserName: 'u', PolicyName: n });
    const a = Array.from({ length: 1 + rnd(3) }, () => stmt(rnd(4) === 0 ? 'Deny' : 'Allow'));
    const b = Array.from({ length: 1 + rnd(2) }, () => stmt('Allow'));
    put(l, 'a', a);
    put(l, 'b', b);
    const before = outcomes(l, u);
    // order: reversed statements, policies created in the other order
    for (const n of ['a', 'b']) l.ok('iam', 'DeleteUserPolicy', { UserName: 'u', PolicyName: n });
    put(l, 'b', [...b].reverse());
    put(l, 'a', [...a].reverse());
    assert.deepEqual(outcomes(l, u), before, `order changed the outcome: ${JSON.stringify({ a, b })}`);
    // adding a Deny
    const d = stmt('Deny');
    put(l, 'c', [d]);
    const after = outcomes(l, u);
    after.forEach((ok, i) => assert.ok(!ok || before[i], `Deny ${JSON.stringify(d)} turned probe ${i} into an allow: ${JSON.stringify({ a, b })}`));
    l.ok('iam', 'DeleteUserPolicy', { UserName: 'u', PolicyName: 'c' });
  }
});

test('action case never matters; resource case does', () => {
  const { l, u } = world();
  const flip = (s: string) => s.split('').map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
  for (let round = 0; round < 20; round++) {
    const s = [stmt('Allow'), stmt('Allow')];
    put(l, 'p', s);
    const base = outcomes(l, u);
    put(l, 'p', s.map((x) => ({ ...x, Action: x.Action.map(flip) })));
    assert.deepEqual(outcomes(l, u), base, JSON.stringify(s));
  }
  put(l, 'p', [{ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::DATA'] }]);
  assert.equal(l.call('s3', 'ListObjectsV2', { Bucket: 'data' }, u).ok, false);
  put(l, 'p', [{ Effect: 'Allow', Action: ['S3:LISTBUCKET'], Resource: ['arn:aws:s3:::data'] }]);
  assert.equal(l.call('s3', 'ListObjectsV2', { Bucket: 'data' }, u).ok, true);
});
