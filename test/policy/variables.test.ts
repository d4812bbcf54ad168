// Policy variables (reference §4.4): in Resource and in string/ARN condition values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize } from '../../src/policy/index.js';
import type { ContextValues, PolicyDocument, PrincipalInfo } from '../../src/policy/types.js';
import { doc, identity, session, user } from './helpers.js';

const alice = user('alice', '123456789012', { tags: { team: 'blue', odd: '*' } });

function decide(d: PolicyDocument, principal: PrincipalInfo, action: string, resource: string, context: ContextValues = {}): 'Allow' | 'Deny' {
  return authorize({ request: { principal, action, resource, context }, identity: [identity('p', d)] }).decision;
}

const home = (resource: string, version = '2012-10-17') => doc({ Version: version, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: resource }] });

test('${aws:username} in Resource: each user reaches only their own home prefix', () => {
  const d = home('arn:aws:s3:::lab-bucket/home/${aws:username}/*');
  assert.equal(decide(d, alice, 's3:GetObject', 'arn:aws:s3:::lab-bucket/home/alice/notes.txt'), 'Allow');
  assert.equal(decide(d, alice, 's3:GetObject', 'arn:aws:s3:::lab-bucket/home/bob/notes.txt'), 'Deny');
  assert.equal(decide(d, user('bob'), 's3:GetObject', 'arn:aws:s3:::lab-bucket/home/bob/notes.txt'), 'Allow');
});

test('${aws:userid} and ${aws:PrincipalTag/x} are substituted; a role session has no aws:username', () => {
  assert.equal(decide(home('arn:aws:s3:::b/${aws:userid}/*'), alice, 's3:GetObject', `arn:aws:s3:::b/${alice.userId}/x`), 'Allow');
  assert.equal(decide(home('arn:aws:s3:::b/${aws:PrincipalTag/team}/*'), alice, 's3:GetObject', 'arn:aws:s3:::b/blue/x'), 'Allow');
  assert.equal(decide(home('arn:aws:s3:::b/${aws:PrincipalTag/TEAM}/*'), alice, 's3:GetObject', 'arn:aws:s3:::b/blue/x'), 'Allow', 'key names are case-insensitive');
  const s = session('r', 'lab');
  assert.equal(decide(home('arn:aws:s3:::b/${aws:username}/*'), s, 's3:GetObject', 'arn:aws:s3:::b/lab/x'), 'Deny', 'no value: the resource does not match');
  assert.equal(decide(home('arn:aws:s3:::b/${aws:userid}'), s, 's3:GetObject', `arn:aws:s3:::b/${s.userId}`), 'Allow', 'role session userid is AROA…:session');
});

test("default values: ${aws:username, 'nobody'} is used when the key is absent", () => {
  const d = home("arn:aws:s3:::b/${aws:username, 'nobody'}/*");
  assert.equal(decide(d, session('r', 'lab'), 's3:GetObject', 'arn:aws:s3:::b/nobody/x'), 'Allow');
  assert.equal(decide(d, alice, 's3:GetObject', 'arn:aws:s3:::b/alice/x'), 'Allow');
  assert.equal(decide(d, alice, 's3:GetObject', 'arn:aws:s3:::b/nobody/x'), 'Deny');
});

test('${*}, ${?} and ${$} are literal characters, and substituted values never act as wildcards', () => {
  const star = home('arn:aws:s3:::b/literal${*}name');
  assert.equal(decide(star, alice, 's3:GetObject', 'arn:aws:s3:::b/literal*name'), 'Allow');
  assert.equal(decide(star, alice, 's3:GetObject', 'arn:aws:s3:::b/literalXname'), 'Deny');
  assert.equal(decide(home('arn:aws:s3:::b/what${?}'), alice, 's3:GetObject', 'arn:aws:s3:::b/what?'), 'Allow');
  assert.equal(decide(home('arn:aws:s3:::b/what${?}'), alice, 's3:GetObject', 'arn:aws:s3:::b/whatX'), 'Deny');
  assert.equal(decide(home('arn:aws:s3:::b/${$}HOME'), alice, 's3:GetObject', 'arn:aws:s3:::b/$HOME'), 'Allow');
  // Tag value "*" substituted: matches only a literal "*".
  const odd = home('arn:aws:s3:::b/${aws:PrincipalTag/odd}');
  assert.equal(decide(odd, alice, 's3:GetObject', 'arn:aws:s3:::b/*'), 'Allow');
  assert.equal(decide(odd, alice, 's3:GetObject', 'arn:aws:s3:::b/anything'), 'Deny');
});

test('under Version 2008-10-17 (or no Version) variables are literal text', () => {
  for (const version of ['2008-10-17', undefined]) {
    const d = doc(version ? { Version: version, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}/*' }] } : { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}/*' }] });
    assert.equal(decide(d, alice, 's3:GetObject', 'arn:aws:s3:::b/alice/x'), 'Deny', String(version));
    assert.equal(decide(d, alice, 's3:GetObject', 'arn:aws:s3:::b/${aws:username}/x'), 'Allow', String(version));
  }
});

test('variables in condition values: StringLike, StringEquals, ArnLike; absent variable means no match', () => {
  const cond = (c: Record<string, unknown>) => doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: c }] });
  const ctx = (prefix: string) => ({ 's3:prefix': prefix });
  const like = cond({ StringLike: { 's3:prefix': ['home/${aws:username}/*', 'home/${aws:username}'] } });
  assert.equal(decide(like, alice, 's3:ListBucket', 'arn:aws:s3:::b', ctx('home/alice/docs')), 'Allow');
  assert.equal(decide(like, alice, 's3:ListBucket', 'arn:aws:s3:::b', ctx('home/bob/docs')), 'Deny');
  const eq = cond({ StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } });
  assert.equal(decide(eq, user('blue', '123456789012', { tags: { team: 'blue' } }), 's3:ListBucket', 'arn:aws:s3:::b'), 'Allow');
  const arn = cond({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:user/*' } });
  assert.equal(decide(arn, alice, 's3:ListBucket', 'arn:aws:s3:::b'), 'Allow');
  const missing = cond({ StringEquals: { 's3:prefix': '${aws:username}' } });
  assert.equal(decide(missing, session('r', 's'), 's3:ListBucket', 'arn:aws:s3:::b', ctx('s')), 'Deny');
  const negMissing = cond({ StringNotEquals: { 's3:prefix': '${aws:username}' } });
  assert.equal(decide(negMissing, session('r', 's'), 's3:ListBucket', 'arn:aws:s3:::b', ctx('s')), 'Allow', 'no policy value to match: the negated operator holds');
});

test('Numeric and Date operators take no variables', () => {
  const d = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { NumericEquals: { 'aws:MultiFactorAuthAge': '${aws:username}' } } }] });
  assert.equal(decide(d, user('5'), 's3:ListBucket', 'arn:aws:s3:::b', { 'aws:MultiFactorAuthAge': '5' }), 'Deny');
});

test('tag keys with spaces and other characters work as variables', () => {
  const tagged = user('dana', '123456789012', { tags: { 'cost center': 'cc-7' } });
  assert.equal(decide(home('arn:aws:s3:::b/${aws:PrincipalTag/cost center}/*'), tagged, 's3:GetObject', 'arn:aws:s3:::b/cc-7/x'), 'Allow');
  assert.equal(decide(home('arn:aws:s3:::b/${aws:PrincipalTag/cost center}/*'), tagged, 's3:GetObject', 'arn:aws:s3:::b/cc-8/x'), 'Deny');
});
