// Regenerates src/model/data.ts — the one service model of iamlab, read by the shell (CLI names,
// parameters, types, required members, minimums, pagination) and by `iamlab serve` (wire names
// of the query protocols) — from the botocore service models the AWS CLI v2 is built from
// (JSON, Apache-2.0). Documentation is not kept. Run with a checkout of the AWS CLI v2 at the
// pinned tag:
//   git clone --depth 1 --branch 2.36.7 https://github.com/aws/aws-cli /tmp/aws-cli
//   node src/model/generate.mjs /tmp/aws-cli
// It reads awscli/botocore/data/<svc>/<version>/{service-2,paginators-1[.sdk-extras]}.json and
// the list of awscli/botocore/data directories, and refuses another CLI version unless given
// --any-version (then the header records the version read). The output depends on those files
// only: the same checkout always writes the same bytes (test/model checks the committed file
// against a checkout when IAMLAB_AWS_CLI_SRC names one).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PINNED_CLI = '2.36.7';

// The one list of operations: those the simulated account serves (src/sim/ops-*.ts). The
// shell offers them as commands; the endpoint decodes and encodes them on the wire.
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
/** Protocols whose wire names (locationName, queryName, flattened) the endpoint reads from here. */
const WIRE_PROTOCOLS = new Set(['query', 'ec2']);

const args = process.argv.slice(2);
const anyVersion = args.includes('--any-version');
const root = args.find((a) => !a.startsWith('--'));
if (!root) throw new Error('usage: node src/model/generate.mjs <aws-cli v2 checkout> [--any-version]');
const cliVersion = /__version__\s*=\s*'([^']+)'/.exec(readFileSync(join(root, 'awscli', '__init__.py'), 'utf8'))?.[1];
if (!cliVersion) throw new Error(`${root}: no awscli/__init__.py __version__`);
if (cliVersion !== PINNED_CLI && !anyVersion) {
  throw new Error(`${root} is AWS CLI ${cliVersion}; the pinned version is ${PINNED_CLI} (pass --any-version to use it anyway, then update PINNED_CLI)`);
}
const dataDir = join(root, 'awscli', 'botocore', 'data');
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

/** The newest API version directory of a service. */
function versionDir(svc) {
  const versions = readdirSync(join(dataDir, svc)).filter((v) => /^\d{4}-\d\d-\d\d$/.test(v)).sort();
  if (!versions.length) throw new Error(`${svc}: no model in ${dataDir}`);
  return join(dataDir, svc, versions[versions.length - 1]);
}

/** paginators-1.json with its sdk-extras merged in, as botocore's loader merges them. */
function paginators(dir) {
  const base = readJson(join(dir, 'paginators-1.json')).pagination;
  const extrasFile = join(dir, 'paginators-1.sdk-extras.json');
  if (existsSync(extrasFile)) {
    for (const [op, extra] of Object.entries(readJson(extrasFile).merge?.pagination ?? {})) {
      if (base[op]) base[op] = { ...base[op], ...extra };
    }
  }
  return base;
}

const out = {};
const versions = [];
for (const svc of Object.keys(SERVED)) {
  const dir = versionDir(svc);
  const model = readJson(join(dir, 'service-2.json'));
  const pag = paginators(dir);
  const wire = WIRE_PROTOCOLS.has(model.metadata.protocol);
  const shapes = {};
  // A member's (or list item's) wire traits: the reference's own, else its target shape's, as
  // botocore's shape resolver merges them.
  const trait = (ref, key) => ref[key] ?? model.shapes[ref.shape]?.[key];
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
        if (wire) {
          const ln = trait(ref, 'locationName');
          if (ln !== undefined && ln !== m) (d.ln ??= {})[m] = ln;
          const qn = trait(ref, 'queryName');
          if (qn !== undefined) (d.qn ??= {})[m] = qn;
          if (ref.flattened) (d.fl ??= []).push(m);
        }
        visit(ref.shape);
      }
      if (s.required?.length) d.r = s.required;
    } else if (s.type === 'list') {
      d.m = s.member.shape;
      if (wire) {
        const ln = trait(s.member, 'locationName');
        if (ln !== undefined && ln !== 'member') d.ln = ln;
      }
      visit(s.member.shape);
    } else if (s.type === 'map') {
      d.k = s.key.shape;
      d.v = s.value.shape;
      if (wire) {
        const kn = trait(s.key, 'locationName');
        const vn = trait(s.value, 'locationName');
        if (kn !== undefined && kn !== 'key') d.kn = kn;
        if (vn !== undefined && vn !== 'value') d.vn = vn;
      }
      visit(s.key.shape);
      visit(s.value.shape);
    }
    if (wire && s.flattened && (s.type === 'list' || s.type === 'map')) d.fl = 1;
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
      // The query protocol wraps the output in <OpResult>; the endpoint writes that name.
      if (model.metadata.protocol === 'query' && o.output.resultWrapper !== `${op}Result`) {
        throw new Error(`${svc}:${op}: result wrapper ${o.output.resultWrapper}, not ${op}Result`);
      }
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
      if (p.non_aggregate_keys) d.p.na = p.non_aggregate_keys;
    }
    ops[op] = d;
  }
  const svcData = {
    cli: CLI_NAME[svc],
    version: model.metadata.apiVersion,
    protocol: model.metadata.protocol,
  };
  if (wire && model.metadata.xmlNamespace) svcData.ns = model.metadata.xmlNamespace;
  out[svc] = { ...svcData, ops, shapes, all: Object.keys(model.operations) };
  versions.push(`${svc} ${model.metadata.apiVersion}`);
}

// Every command name the real `aws` accepts at the top level (services renamed as the CLI
// renames them, plus its own high-level commands), so an unsimulated service is told apart
// from a typo.
const RENAMES = { s3: 's3api', config: 'configservice', codedeploy: 'deploy' };
const services = readdirSync(dataDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => RENAMES[e.name] ?? e.name)
  .concat(['s3', 'configure', 'ddb', 'history', 'login', 'logout', 'sso'])
  .sort();

const here = dirname(fileURLToPath(import.meta.url));
const header = `// GENERATED by src/model/generate.mjs from the botocore service models of AWS CLI ${cliVersion}
// (${versions.join(', ')}; Apache-2.0).
// Names, types, required members, minimums, pagination, and the wire names of the query
// protocols (STS, IAM, EC2). Do not edit by hand.
/* eslint-disable */

`;
// Each service is a JSON string parsed on first use: JSON.parse is far cheaper for the
// shell's start-up than compiling a large object literal, and most commands need one service.
let body = '';
for (const [svc, d] of Object.entries(out)) {
  body += `export const ${svc} = ${JSON.stringify(JSON.stringify(d))};\n`;
}
body += `export const CLI_COMMANDS: string[] = ${JSON.stringify(services)};\n`;
const target = process.env.IAMLAB_MODEL_OUT ?? join(here, 'data.ts');
writeFileSync(target, header + body);
console.log('wrote', target, (header + body).length, 'bytes');
