// The lab-relevant allow matrix of the AWS managed policies (reference §6.1), computed by the
// engine, and their sizes against customer-policy quotas (gotcha 14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { authorize, policySize, validatePolicy } from '../../src/policy/index.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { VIEW_ONLY_ACCESS } from './fixtures/view-only.js';
import { ACCT, doc, identity, user } from './helpers.js';

const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const S3RO = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'], Resource: '*' }] };
const S3FULL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }] };
const EC2FULL = {
  Version: '2012-10-17',
  Statement: [
    { Action: 'ec2:*', Effect: 'Allow', Resource: '*' },
    { Action: 'elasticloadbalancing:*', Effect: 'Allow', Resource: '*' },
    { Action: 'cloudwatch:*', Effect: 'Allow', Resource: '*' },
    { Action: 'autoscaling:*', Effect: 'Allow', Resource: '*' },
    {
      Action: 'iam:CreateServiceLinkedRole',
      Effect: 'Allow',
      Resource: '*',
      Condition: { StringEquals: { 'iam:AWSServiceName': ['autoscaling.amazonaws.com', 'ec2scheduled.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'spot.amazonaws.com', 'spotfleet.amazonaws.com', 'transitgateway.amazonaws.com'] } },
    },
  ],
};

const REQUESTS: Array<[string, string]> = [
  ['s3:ListAllMyBuckets', '*'],
  ['s3:ListBucket', 'arn:aws:s3:::lab-bucket'],
  ['s3:GetObject', 'arn:aws:s3:::lab-bucket/a.txt'],
  ['s3:PutObject', 'arn:aws:s3:::lab-bucket/a.txt'],
  ['ec2:DescribeInstances', '*'],
  ['iam:ListRoles', '*'],
  ['iam:GetRole', `arn:aws:iam::${ACCT}:role/r`],
  ['sts:AssumeRole', `arn:aws:iam::${ACCT}:role/r`],
  ['sts:DecodeAuthorizationMessage', '*'],
];

// Columns of the §6.1 table: Admin, S3RO, S3Full, EC2Full, ViewOnly, ReadOnly.
const EXPECTED: Record<string, string> = {
  's3:ListAllMyBuckets': '✔✔✔–✔✔',
  's3:ListBucket': '✔✔✔–✔✔',
  's3:GetObject': '✔✔✔––✔',
  's3:PutObject': '✔–✔–––',
  'ec2:DescribeInstances': '✔––✔✔✔',
  'iam:ListRoles': '✔–––✔✔',
  'iam:GetRole': '✔––––✔',
  'sts:AssumeRole': '✔–––––',
  'sts:DecodeAuthorizationMessage': '✔–––––',
};

function simPolicies(): Map<string, unknown> | undefined {
  const path = new URL('../../src/sim/data/managed-policies.json', import.meta.url);
  if (!existsSync(path)) return undefined;
  const data = JSON.parse(readFileSync(path, 'utf8')) as { policies: Array<{ name: string; document: unknown }> };
  return new Map(data.policies.map((p) => [p.name, p.document]));
}

function row(docs: Array<PolicyDocument | undefined>, action: string, resource: string): string {
  return docs
    .map((d) => {
      if (!d) return '?';
      const e = authorize({ request: { principal: user('James'), action, resource, context: {} }, identity: [identity('managed', d)] });
      return e.decision === 'Allow' ? '✔' : '–';
    })
    .join('');
}

test('the allow matrix of the managed policies (§6.1)', () => {
  const sim = simPolicies();
  const readOnly = sim?.get('ReadOnlyAccess');
  const docs = [ADMIN, S3RO, S3FULL, EC2FULL, sim?.get('ViewOnlyAccess') ?? VIEW_ONLY_ACCESS].map((d) => doc(d, 'managed'));
  docs.push(readOnly ? doc(readOnly, 'managed') : (undefined as unknown as PolicyDocument));
  for (const [action, resource] of REQUESTS) {
    const got = row(docs, action, resource);
    const want = readOnly ? EXPECTED[action]! : EXPECTED[action]!.slice(0, 5) + '?';
    assert.equal(got, want, action);
  }
});

test('AWS managed policies exceed customer-policy quotas and cannot be copied into one (gotcha 14)', () => {
  const sim = simPolicies();
  const view = sim?.get('ViewOnlyAccess');
  if (view) {
    assert.equal(policySize(JSON.stringify(view)), 12303);
    assert.equal(policySize(JSON.stringify(sim!.get('ReadOnlyAccess'))), 91266);
    assert.equal(policySize(JSON.stringify(sim!.get('AdministratorAccess'))), 85);
  }
  const r = validatePolicy(JSON.stringify(view ?? VIEW_ONLY_ACCESS, null, 2), 'managed', { maxSize: 6144 });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.problem.code, 'LimitExceeded');
    assert.equal(r.problem.message, 'Cannot exceed quota for PolicySize: 6144');
    assert.match(r.problem.detail!, /whitespace not counted/);
  }
  // Without a limit (AWS managed policies are exempt) the same document is valid.
  assert.equal(validatePolicy(JSON.stringify(view ?? VIEW_ONLY_ACCESS), 'managed').ok, true);
});
