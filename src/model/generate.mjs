// Regenerates src/model/data.ts from botocore service models (JSON, Apache-2.0), the same
// models the AWS CLI v2 is built from. Only names, types, required members, minimums and
// pagination are kept — no documentation. Run:
//   node src/model/generate.mjs <dir with {iam,sts,s3,ec2,account}.json and *.pag.json>
// where each <svc>.json is botocore/data/<svc>/<version>/service-2.json and <svc>.pag.json
// its paginators-1.json (merged with paginators-1.sdk-extras.json for s3).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node src/model/generate.mjs <models dir>');

// The operations the simulated account serves (notes/sim-api.md).
const SERVED = {
  sts: ['AssumeRole', 'GetCallerIdentity', 'GetSessionToken', 'GetFederationToken', 'DecodeAuthorizationMessage'],
  iam: `CreateUser GetUser ListUsers UpdateUser DeleteUser CreateLoginProfile GetLoginProfile
    UpdateLoginProfile DeleteLoginProfile CreateAccessKey ListAccessKeys UpdateAccessKey DeleteAccessKey
    CreateGroup GetGroup ListGroups DeleteGroup AddUserToGroup RemoveUserFromGroup ListGroupsForUser
    CreateRole GetRole ListRoles UpdateRole UpdateRoleDescription UpdateAssumeRolePolicy DeleteRole
    TagRole UntagRole ListRoleTags TagUser UntagUser ListUserTags
    CreatePolicy GetPolicy ListPolicies DeletePolicy CreatePolicyVersion GetPolicyVersion
    ListPolicyVersions DeletePolicyVersion SetDefaultPolicyVersion
    AttachUserPolicy DetachUserPolicy ListAttachedUserPolicies AttachGroupPolicy DetachGroupPolicy
    ListAttachedGroupPolicies AttachRolePolicy DetachRolePolicy ListAttachedRolePolicies
    PutUserPolicy GetUserPolicy ListUserPolicies DeleteUserPolicy PutGroupPolicy GetGroupPolicy
    ListGroupPolicies DeleteGroupPolicy PutRolePolicy GetRolePolicy ListRolePolicies DeleteRolePolicy
    PutUserPermissionsBoundary DeleteUserPermissionsBoundary PutRolePermissionsBoundary
    DeleteRolePermissionsBoundary ListEntitiesForPolicy GetAccountAuthorizationDetails
    SimulatePrincipalPolicy SimulateCustomPolicy CreateVirtualMFADevice EnableMFADevice
    ListMFADevices DeactivateMFADevice DeleteVirtualMFADevice CreateAccountAlias ListAccountAliases
    DeleteAccountAlias GetAccountSummary`.split(/\s+/).filter(Boolean),
  s3: ['ListBuckets', 'CreateBucket', 'DeleteBucket', 'ListObjectsV2', 'GetObject', 'PutObject', 'DeleteObject',
    'GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy', 'HeadBucket'],
  ec2: ['DescribeInstances', 'DescribeRegions', 'StartInstances', 'StopInstances', 'TerminateInstances'],
  account: ['GetAccountInformation'],
};
const CLI_NAME = { iam: 'iam', sts: 'sts', s3: 's3api', ec2: 'ec2', account: 'account' };
const S3_EXTRA_PAG = {
  ListBuckets: ['Owner', 'Prefix'], ListObjectsV2: ['RequestCharged', 'Prefix'],
};

const out = {};
for (const svc of Object.keys(SERVED)) {
  const model = JSON.parse(readFileSync(join(dir, `${svc}.json`), 'utf8'));
  const pag = JSON.parse(readFileSync(join(dir, `${svc}.pag.json`), 'utf8')).pagination;
  const shapes = {};
  const visit = (name) => {
    if (shapes[name] !== undefined) return;
    const s = model.shapes[name];
    if (!s) throw new Error(`${svc}: no shape ${name}`);
    shapes[name] = null; // placeholder against recursion
    const d = { t: s.type };
    if (s.type === 'structure') {
      d.m = {};
      for (const [m, ref] of Object.entries(s.members)) {
        d.m[m] = ref.shape;
        // streaming is a trait of the member (S3 Body), not of its shape
        if (ref.streaming) (d.sm ??= []).push(m);
        visit(ref.shape);
      }
      if (s.required?.length) d.r = s.required;
    } else if (s.type === 'list') {
      d.m = s.member.shape;
      visit(s.member.shape);
    } else if (s.type === 'map') {
      d.k = s.key.shape;
      d.v = s.value.shape;
      visit(s.key.shape);
      visit(s.value.shape);
    }
    if (typeof s.min === 'number' && s.min > 0) d.min = s.min;
    if (s.streaming) d.st = 1;
    if (name === 'policyDocumentType') d.pd = 1;
    if (s.type === 'string' && s.enum && s.enum.length <= 40) d.e = s.enum;
    shapes[name] = d;
  };
  const ops = {};
  for (const op of SERVED[svc]) {
    const o = model.operations[op];
    if (!o) throw new Error(`${svc}: no operation ${op}`);
    const d = {};
    if (o.input) { d.i = o.input.shape; visit(o.input.shape); }
    if (o.output) {
      // Query protocols wrap the output in <OpResult>; the member names are the output shape's.
      d.o = o.output.shape; visit(o.output.shape);
    }
    const p = pag[op];
    if (p) {
      d.p = {
        it: [].concat(p.input_token),
        ot: [].concat(p.output_token),
        rk: [].concat(p.result_key),
      };
      if (p.limit_key) d.p.lk = p.limit_key;
      if (p.more_results) d.p.mr = p.more_results;
      const nak = p.non_aggregate_keys ?? (svc === 's3' ? S3_EXTRA_PAG[op] : undefined);
      if (nak) d.p.na = nak;
    }
    ops[op] = d;
  }
  const allOps = Object.keys(model.operations);
  out[svc] = {
    cli: CLI_NAME[svc],
    version: model.metadata.apiVersion,
    protocol: model.metadata.protocol,
    ops,
    shapes,
    all: allOps,
  };
}

// Every command name the real \`aws\` accepts at the top level (services renamed as the CLI
// renames them, plus its own high-level commands), so an unsimulated service is told apart
// from a typo. services.txt is the list of botocore/data directories.
const RENAMES = { s3: 's3api', config: 'configservice', codedeploy: 'deploy' };
const services = readFileSync(join(dir, 'services.txt'), 'utf8').split('\n').filter(Boolean)
  .map((s) => RENAMES[s] ?? s)
  .concat(['s3', 'configure', 'ddb', 'history', 'login', 'logout', 'sso'])
  .sort();

const here = dirname(fileURLToPath(import.meta.url));
const header = `// GENERATED by src/model/generate.mjs from the botocore service models the AWS CLI v2 uses
// (iam 2010-05-08, sts 2011-06-15, s3 2006-03-01, ec2 2016-11-15, account 2021-02-01; Apache-2.0).
// Names, types, required members, minimums and pagination only. Do not edit by hand.
/* eslint-disable */

`;
// Each service is a JSON string parsed on first use: JSON.parse is far cheaper for the
// shell's start-up than compiling a large object literal, and most commands need one service.
let body = '';
for (const [svc, d] of Object.entries(out)) {
  body += `export const ${svc} = ${JSON.stringify(JSON.stringify(d))};\n`;
}
body += `export const CLI_COMMANDS: string[] = ${JSON.stringify(services)};\n`;
writeFileSync(join(here, 'data.ts'), header + body);
console.log('wrote', join(here, 'data.ts'), (header + body).length, 'bytes');
