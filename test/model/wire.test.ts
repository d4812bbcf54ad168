// The one service model (src/model, from the botocore models of the AWS CLI) against a second,
// independent statement of the same APIs: the schemas inside the pinned AWS SDK v3 clients. For
// every operation the endpoint decodes and encodes (STS, IAM, EC2), every member the model has
// must exist in the SDK's schema with the same kind, in the same order, with the same wire names
// (XML element / query key, EC2 query key, flattening, list item and map entry names). Members
// only the SDK has are listed exactly (the SDK's model is newer than the CLI's).
//
// When IAMLAB_AWS_CLI_SRC names a checkout of the AWS CLI at the pinned tag, the generator is
// also run twice against it: both runs must write the committed src/model/data.ts byte for byte.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wireOperation, serviceMetadata, isServiceOperation, type Shape } from '../../src/model/index.js';
import { simOperations } from '../../src/sim/index.js';

const require = createRequire(import.meta.url);
const { NormalizedSchema } = require('@smithy/core/schema') as { NormalizedSchema: { of(s: unknown): NS } };
interface NS {
  getName(withNamespace?: boolean): string | undefined;
  getMergedTraits(): Record<string, unknown>;
  isStructSchema(): boolean;
  isListSchema(): boolean;
  isMapSchema(): boolean;
  isTimestampSchema(): boolean;
  isBlobSchema(): boolean;
  isBooleanSchema(): boolean;
  isNumericSchema(): boolean;
  isStringSchema(): boolean;
  isUnitSchema(): boolean;
  structIterator(): Iterable<[string, NS]>;
  getValueSchema(): NS;
  getKeySchema(): NS;
}

const CLIENTS = { sts: '@aws-sdk/client-sts', iam: '@aws-sdk/client-iam', ec2: '@aws-sdk/client-ec2' } as const;
type Svc = keyof typeof CLIENTS;

function kindOfSdk(ns: NS): string {
  if (ns.isStructSchema() || ns.isUnitSchema()) return 'structure';
  if (ns.isListSchema()) return 'list';
  if (ns.isMapSchema()) return 'map';
  if (ns.isTimestampSchema()) return 'timestamp';
  if (ns.isBlobSchema()) return 'blob';
  if (ns.isBooleanSchema()) return 'boolean';
  if (ns.isNumericSchema()) return 'number';
  if (ns.isStringSchema()) return 'string';
  return 'unknown';
}
function kindOfModel(s: Shape): string {
  return ['integer', 'long', 'double', 'float'].includes(s.type) ? 'number' : s.type;
}

/** Walks a model shape and the SDK's schema of the same value; records problems and SDK-only members. */
function compare(s: Shape, ns: NS, at: string, problems: string[], sdkOnly: Set<string>, seen: Set<string>): void {
  const key = `${s.name}@${at}`;
  if (seen.has(s.name)) return;
  seen.add(s.name);
  const kind = kindOfModel(s);
  if (kind !== kindOfSdk(ns)) return void problems.push(`${at}: model ${kind}, SDK ${kindOfSdk(ns)} (${key})`);
  if (s.type === 'structure') {
    const sdk = ns.isUnitSchema() ? [] : [...ns.structIterator()];
    const sdkNames = sdk.map(([n]) => n);
    const modelNames = Object.keys(s.members ?? {});
    for (const n of sdkNames) if (!modelNames.includes(n)) sdkOnly.add(`${s.name}.${n}`);
    // The SDK's schemas list required members first; otherwise the order is the model's.
    const common = sdkNames.filter((n) => modelNames.includes(n));
    const required = new Set(s.required ?? []);
    const byModel = modelNames.filter((n) => common.includes(n));
    const expected = [...byModel.filter((n) => required.has(n)), ...byModel.filter((n) => !required.has(n))];
    if (expected.join() !== common.join()) problems.push(`${at}: member order of ${s.name}: model ${byModel.join(', ')}; SDK ${common.join(', ')}`);
    for (const m of modelNames) {
      const hit = sdk.find(([n]) => n === m);
      if (!hit) {
        problems.push(`${at}.${m}: not in the SDK's ${ns.getName()}`);
        continue;
      }
      const ms = hit[1];
      const t = ms.getMergedTraits();
      const sdkWire = (t['xmlName'] as string | undefined) ?? m;
      const modelWire = s.wireNames?.[m] ?? m;
      if (sdkWire !== modelWire) problems.push(`${at}.${m}: wire name ${modelWire}, SDK ${sdkWire}`);
      // EC2's query key: the queryName, else the capitalized wire name (the SDK states it on
      // every member that has either; botocore only where it is not derived).
      const cap = (x: string) => x[0]!.toUpperCase() + x.slice(1);
      const sdkQuery = (t['ec2QueryName'] as string | undefined) ?? (t['xmlName'] !== undefined ? cap(t['xmlName'] as string) : m);
      const modelQuery = s.queryNames?.[m] ?? (s.wireNames?.[m] !== undefined ? cap(s.wireNames[m]!) : m);
      if (sdkQuery !== modelQuery) problems.push(`${at}.${m}: EC2 query key ${modelQuery}, SDK ${sdkQuery}`);
      const member = s.members![m]!;
      const flat = member.flattened === true || (s.flattenedMembers?.includes(m) ?? false);
      if (flat !== Boolean(t['xmlFlattened'])) problems.push(`${at}.${m}: flattened ${flat}, SDK ${Boolean(t['xmlFlattened'])}`);
      compare(member, ms, `${at}.${m}`, problems, sdkOnly, seen);
    }
  } else if (s.type === 'list') {
    const vs = ns.getValueSchema();
    const sdkItem = (vs.getMergedTraits()['xmlName'] as string | undefined) ?? 'member';
    if (sdkItem !== (s.itemName ?? 'member')) problems.push(`${at}: item name ${s.itemName ?? 'member'}, SDK ${sdkItem}`);
    compare(s.member!, vs, `${at}[]`, problems, sdkOnly, seen);
  } else if (s.type === 'map') {
    const kn = (ns.getKeySchema().getMergedTraits()['xmlName'] as string | undefined) ?? 'key';
    const vn = (ns.getValueSchema().getMergedTraits()['xmlName'] as string | undefined) ?? 'value';
    if (kn !== (s.keyName ?? 'key') || vn !== (s.valueName ?? 'value')) problems.push(`${at}: entry names ${s.keyName}/${s.valueName}, SDK ${kn}/${vn}`);
    compare(s.value!, ns.getValueSchema(), `${at}{}`, problems, sdkOnly, seen);
  }
}

describe('the service model against the AWS SDK v3 schemas', () => {
  test('every operation the endpoint encodes has the SDK’s members, kinds, order and wire names', () => {
    const problems: string[] = [];
    const sdkOnly = new Set<string>();
    const sim = simOperations();
    let count = 0;
    for (const svc of Object.keys(CLIENTS) as Svc[]) {
      const mod = require(CLIENTS[svc]) as Record<string, unknown>;
      for (const op of sim[svc]) {
        const w = wireOperation(svc, op);
        assert.ok(w, `${svc} ${op}: served by the simulated account but not in the model`);
        const schema = mod[`${op}$`] as Array<() => unknown> | undefined;
        assert.ok(schema, `${svc} ${op}: not in ${CLIENTS[svc]}`);
        const seen = new Set<string>();
        for (const [side, shape, sdk] of [['input', w.input, schema[4]!()], ['output', w.output, schema[5]!()]] as const) {
          const ns = NormalizedSchema.of(sdk);
          if (!shape) {
            if (!ns.isUnitSchema()) problems.push(`${svc} ${op} ${side}: none in the model, ${ns.getName()} in the SDK`);
            continue;
          }
          compare(shape, ns, `${svc} ${op} ${side}`, problems, sdkOnly, seen);
        }
        count++;
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(count >= 80, `${count} operations compared`);
    // Members the SDK's (newer) models have and the CLI's do not: accepted by neither the shell
    // nor the endpoint. A change here means the models moved: regenerate and look.
    assert.deepEqual([...sdkOnly].sort(), [
      'AssumeRoleRequest.MinimumSessionTokenSize',
      'AssumeRoleResponse.SessionTokenSize',
      'AssumeRoleResponse.SessionTokenUtilization',
      'GetFederationTokenRequest.MinimumSessionTokenSize',
      'GetFederationTokenResponse.SessionTokenSize',
      'GetFederationTokenResponse.SessionTokenUtilization',
      'GetSessionTokenRequest.MinimumSessionTokenSize',
      'GetSessionTokenResponse.SessionTokenSize',
      'GetSessionTokenResponse.SessionTokenUtilization',
      'Monitoring.MetricCategoryIds',
      'Role.SourceRoleTemplate',
      'SimulateCustomPolicyRequest.OrderedOrganizationPolicyInputList',
      'SimulatePrincipalPolicyRequest.PolicyExclusionList',
    ]);
  });

  test('service metadata and the real services’ operation lists', () => {
    assert.equal(serviceMetadata('iam').apiVersion, '2010-05-08');
    assert.equal(serviceMetadata('sts').xmlNamespace, 'https://sts.amazonaws.com/doc/2011-06-15/');
    assert.equal(serviceMetadata('ec2').protocol, 'ec2');
    assert.equal(isServiceOperation('iam', 'ListInstanceProfiles'), true);
    assert.equal(wireOperation('iam', 'ListInstanceProfiles'), undefined, 'not served, not modelled for the wire');
    assert.equal(isServiceOperation('iam', 'ListFoo'), false);
    assert.equal(wireOperation('iam', 'toString'), undefined);
    const di = wireOperation('ec2', 'DescribeInstances')!;
    assert.equal(di.input!.wireNames!['InstanceIds'], 'InstanceId');
    assert.equal(di.input!.wireNames!['DryRun'], 'dryRun');
    assert.equal(di.output!.wireNames!['Reservations'], 'reservationSet');
    assert.equal(di.output!.members!['Reservations']!.itemName, 'item');
  });
});

const src = process.env['IAMLAB_AWS_CLI_SRC'];
describe('the generator', () => {
  test('writes the committed data.ts from the pinned AWS CLI, the same bytes every run', { skip: src ? false : 'set IAMLAB_AWS_CLI_SRC to an AWS CLI v2 checkout at the pinned tag' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlab-model-'));
    try {
      const outs = [1, 2].map((n) => {
        const out = join(dir, `data${n}.ts`);
        const r = spawnSync(process.execPath, ['src/model/generate.mjs', src!], { env: { ...process.env, IAMLAB_MODEL_OUT: out }, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return readFileSync(out, 'utf8');
      });
      assert.equal(outs[0], outs[1], 'two runs differ');
      assert.equal(outs[0], readFileSync('src/model/data.ts', 'utf8'), 'src/model/data.ts is not what the generator writes: regenerate it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
