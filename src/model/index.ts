// The one service model: which services and operations exist, their CLI names (kebab-case,
// derived exactly as botocore's xform_name does), their parameters (CLI `--role-arn` <-> API
// `RoleArn`, types, required, minimums) and pagination for the shell, and the wire names of
// the query protocols (XML element and query key names, flattening) for `iamlab serve`.
// Plain data (data.ts, generated from the models the AWS CLI v2 ships) plus small lookups.

import type { ServiceName } from '../backend/types.js';
import * as data from './data.js';
import type { OperationData, PaginatorData, ServiceData, ShapeDef } from './types.js';

export type { PaginatorData, ScalarType, ServiceData, ShapeDef } from './types.js';

export type ShapeType = ShapeDef['t'];

/** A resolved shape. Structure members keep the API's member order. */
export interface Shape {
  name: string;
  type: ShapeType;
  min?: number;
  members?: Record<string, Shape>;
  required?: string[];
  /** structure members that stream (S3 object bodies) */
  streamingMembers?: string[];
  member?: Shape;
  key?: Shape;
  value?: Shape;
  streaming?: boolean;
  /** IAM policyDocumentType: the CLI decodes it and prints a JSON document */
  policyDocument?: boolean;
  enum?: string[];
  // ---- wire names (query and EC2 query protocols; absent where the default applies) ----
  /** structure: member -> XML element / query key name, where it is not the member name */
  wireNames?: Record<string, string>;
  /** structure: member -> EC2 query key name (botocore queryName) */
  queryNames?: Record<string, string>;
  /** structure: members serialized flattened */
  flattenedMembers?: string[];
  /** list: the item element name, where it is not 'member' */
  itemName?: string;
  /** map: the key and value element names, where they are not 'key' and 'value' */
  keyName?: string;
  valueName?: string;
  /** list or map: serialized flattened */
  flattened?: boolean;
}

/** One command-line argument of an operation. */
export interface CliArg {
  /** without the leading dashes: 'role-arn', 'no-dry-run', 'starting-token' */
  name: string;
  /** API member it fills, e.g. 'RoleArn'; undefined for the CLI's own paging/customization args */
  member?: string;
  shape?: Shape;
  required: boolean;
  /** 'value': one value; 'list': zero or more values; 'flag': boolean switch; 'choice': one of choices */
  nargs: 'value' | 'list' | 'flag';
  /** for flags: the value stored (false for --no-x) */
  flagValue?: boolean;
  /** paging arguments the CLI adds to paginated operations */
  paging?: 'starting-token' | 'page-size' | 'max-items';
  /** the operation's own paging members (Marker, MaxItems): accepted, but not documented */
  undocumented?: boolean;
  /** a customization argument (outfile, bootstrap-method) */
  custom?: 'outfile' | 'bootstrap-method';
  choices?: string[];
  /** a positional argument (s3api get-object outfile) */
  positional?: boolean;
  /** a streaming blob member: the value names a file (s3api put-object --body) */
  streaming?: boolean;
}

export interface OperationModel {
  service: ServiceModel;
  /** API name: AssumeRole */
  name: string;
  /** CLI name: assume-role */
  cliName: string;
  input?: Shape;
  output?: Shape;
  paginator?: PaginatorData;
  /** arguments by name (without dashes), in the order the CLI documents them */
  args: Map<string, CliArg>;
  /** args the paging arguments shadow, restored with --no-paginate */
  shadowed: Map<string, CliArg>;
}

export interface ServiceModel {
  /** the CLI's name: iam, sts, s3api, ec2, account */
  cliName: string;
  /** the backend's service name: iam, sts, s3, ec2, account */
  service: ServiceName;
  apiVersion: string;
  /** served operations by CLI name */
  operations: Map<string, OperationModel>;
  /** every CLI operation name of the real service (served or not), sorted */
  allOperationNames: string[];
  /** CLI name -> API name for every operation of the real service */
  apiNameOf: Map<string, string>;
}

// ---- botocore's xform_name ----

const FIRST_CAP = /(.)([A-Z][a-z]+)/g;
const END_CAP = /([a-z0-9])([A-Z])/g;
const SPECIAL_CASE = /[A-Z]{2,}s$/;
const XFORM_SPECIAL: Record<string, string> = {};
const xformCache = new Map<string, string>();

/** CamelCase -> kebab-case (sep '-') or snake_case, exactly as botocore.xform_name. */
export function xformName(name: string, sep = '-'): string {
  if (name.includes(sep)) return name;
  const key = `${name}\u0000${sep}`;
  const hit = xformCache.get(key) ?? XFORM_SPECIAL[key];
  if (hit !== undefined) return hit;
  let n = name;
  const special = SPECIAL_CASE.exec(n);
  if (special) n = n.slice(0, n.length - special[0].length) + sep + special[0].toLowerCase();
  // Python's re.sub replaces non-overlapping matches left to right, as String.replace with /g does.
  const s1 = n.replace(FIRST_CAP, `$1${sep}$2`);
  const out = s1.replace(END_CAP, `$1${sep}$2`).toLowerCase();
  xformCache.set(key, out);
  return out;
}

// ---- resolution ----

const RAW: Record<ServiceName, string> = {
  iam: data.iam,
  sts: data.sts,
  s3: data.s3,
  ec2: data.ec2,
  account: data.account,
};
const CLI_OF: Record<ServiceName, string> = { iam: 'iam', sts: 'sts', s3: 's3api', ec2: 'ec2', account: 'account' };
const parsed = new Map<ServiceName, ServiceData>();

/** A service's model data, parsed on first use. */
function serviceData(svc: ServiceName): ServiceData {
  let d = parsed.get(svc);
  if (!d) {
    d = JSON.parse(RAW[svc]) as ServiceData;
    parsed.set(svc, d);
  }
  return d;
}

/** Every top-level command the real `aws` has (services and its own commands), sorted. */
export const CLI_COMMANDS: readonly string[] = data.CLI_COMMANDS;

const shapeCache = new Map<string, Map<string, Shape>>();

function resolveShape(svc: ServiceName, name: string): Shape {
  let cache = shapeCache.get(svc);
  if (!cache) {
    cache = new Map();
    shapeCache.set(svc, cache);
  }
  const hit = cache.get(name);
  if (hit) return hit;
  const def = serviceData(svc).shapes[name];
  if (!def) throw new Error(`model: ${svc} has no shape ${name}`);
  const s: Shape = { name, type: def.t };
  cache.set(name, s); // before members: shapes may be recursive
  if (def.min !== undefined) s.min = def.min;
  if (def.t === 'structure') {
    const members: Record<string, Shape> = {};
    for (const [m, ref] of Object.entries(def.m)) members[m] = resolveShape(svc, ref);
    s.members = members;
    s.required = def.r ?? [];
    if (def.sm) s.streamingMembers = def.sm;
    if (def.ln) s.wireNames = def.ln;
    if (def.qn) s.queryNames = def.qn;
    if (def.fl) s.flattenedMembers = def.fl;
  } else if (def.t === 'list') {
    s.member = resolveShape(svc, def.m);
    if (def.ln !== undefined) s.itemName = def.ln;
    if (def.fl) s.flattened = true;
  } else if (def.t === 'map') {
    s.key = resolveShape(svc, def.k);
    s.value = resolveShape(svc, def.v);
    if (def.kn !== undefined) s.keyName = def.kn;
    if (def.vn !== undefined) s.valueName = def.vn;
    if (def.fl) s.flattened = true;
  } else {
    if (def.st) s.streaming = true;
    if (def.pd) s.policyDocument = true;
    if (def.e) s.enum = def.e;
  }
  return s;
}

const services = new Map<string, ServiceModel>();

function buildService(svc: ServiceName): ServiceModel {
  const d = serviceData(svc);
  const model: ServiceModel = {
    cliName: d.cli,
    service: svc,
    apiVersion: d.version,
    operations: new Map(),
    allOperationNames: [],
    apiNameOf: new Map(),
  };
  for (const api of d.all) model.apiNameOf.set(xformName(api), api);
  model.allOperationNames = [...model.apiNameOf.keys()].sort();
  for (const [api, od] of Object.entries(d.ops)) {
    const op = buildOperation(model, api, od);
    model.operations.set(op.cliName, op);
  }
  return model;
}

function buildOperation(service: ServiceModel, api: string, od: OperationData): OperationModel {
  const svc = service.service;
  const op: OperationModel = {
    service,
    name: api,
    cliName: xformName(api),
    args: new Map(),
    shadowed: new Map(),
  };
  if (od.i) op.input = resolveShape(svc, od.i);
  if (od.o) op.output = resolveShape(svc, od.o);
  if (od.p) op.paginator = od.p;
  const input = op.input;
  if (input?.members) {
    const required = new Set(input.required ?? []);
    for (const [member, shape] of Object.entries(input.members)) {
      const name = xformName(member);
      if (shape.type === 'boolean') {
        op.args.set(name, { name, member, shape, required: false, nargs: 'flag', flagValue: true });
        op.args.set(`no-${name}`, { name: `no-${name}`, member, shape, required: false, nargs: 'flag', flagValue: false });
      } else {
        const arg: CliArg = { name, member, shape, required: required.has(member), nargs: shape.type === 'list' ? 'list' : 'value' };
        if (input.streamingMembers?.includes(member)) arg.streaming = true;
        op.args.set(name, arg);
      }
    }
  }
  // The CLI's customizations of these operations.
  if (svc === 'iam' && api === 'CreateVirtualMFADevice') {
    op.args.set('outfile', { name: 'outfile', required: true, nargs: 'value', custom: 'outfile' });
    op.args.set('bootstrap-method', {
      name: 'bootstrap-method',
      required: true,
      nargs: 'value',
      custom: 'bootstrap-method',
      choices: ['QRCodePNG', 'Base32StringSeed'],
    });
  }
  if (svc === 's3' && api === 'GetObject') {
    op.args.set('outfile', { name: 'outfile', required: true, nargs: 'value', custom: 'outfile', positional: true });
  }
  // Pagination: the operation's own tokens become undocumented; --starting-token,
  // --page-size and --max-items are added (shadowing a same-named member argument).
  const p = od.p;
  if (p) {
    for (const t of [...p.it, ...(p.lk ? [p.lk] : [])]) {
      const a = op.args.get(xformName(t));
      if (a) a.undocumented = true;
    }
    const add = (arg: CliArg) => {
      const existing = op.args.get(arg.name);
      if (existing) op.shadowed.set(arg.name, existing);
      op.args.set(arg.name, arg);
    };
    const limitShape = p.lk && input?.members ? input.members[p.lk] : undefined;
    add({ name: 'starting-token', required: false, nargs: 'value', paging: 'starting-token' });
    if (p.lk) add({ name: 'page-size', required: false, nargs: 'value', paging: 'page-size', ...(limitShape ? { shape: limitShape } : {}) });
    add({ name: 'max-items', required: false, nargs: 'value', paging: 'max-items' });
  }
  return op;
}

/** The modelled services by CLI name: iam, sts, s3api, ec2, account. */
export function getService(cliName: string): ServiceModel | undefined {
  const hit = services.get(cliName);
  if (hit) return hit;
  const svc = (Object.keys(CLI_OF) as ServiceName[]).find((s) => CLI_OF[s] === cliName);
  if (!svc) return undefined;
  const m = buildService(svc);
  services.set(cliName, m);
  return m;
}

/** CLI names of the modelled services. */
export const MODELLED_SERVICES: readonly string[] = Object.values(CLI_OF);

/** The operation model by backend service name and API operation name. */
export function getOperationByApi(service: ServiceName, api: string): OperationModel | undefined {
  const m = getService(CLI_OF[service]);
  return m?.operations.get(xformName(api));
}

// ---- the wire view, for `iamlab serve` ----

/** A service's API version, protocol and (query protocols) the XML namespace its model states. */
export function serviceMetadata(service: ServiceName): { apiVersion: string; protocol: string; xmlNamespace?: string } {
  const d = serviceData(service);
  return { apiVersion: d.version, protocol: d.protocol, ...(d.ns !== undefined ? { xmlNamespace: d.ns } : {}) };
}

/**
 * The input and output shapes of an operation the simulated account serves, with their wire
 * names; undefined for any other name. Shapes are resolved on first use and shared with the
 * shell's view of the same operation.
 */
export function wireOperation(service: ServiceName, api: string): { input?: Shape; output?: Shape } | undefined {
  const ops = serviceData(service).ops;
  if (!Object.prototype.hasOwnProperty.call(ops, api)) return undefined;
  const od = ops[api]!;
  return {
    ...(od.i ? { input: resolveShape(service, od.i) } : {}),
    ...(od.o ? { output: resolveShape(service, od.o) } : {}),
  };
}

const allOps = new Map<ServiceName, Set<string>>();

/** Whether the real service has an operation of this API name (served here or not). */
export function isServiceOperation(service: ServiceName, api: string): boolean {
  let set = allOps.get(service);
  if (!set) {
    set = new Set(serviceData(service).all);
    allOps.set(service, set);
  }
  return set.has(api);
}

// ---- global options of `aws` (AWS CLI v2) ----

export interface GlobalOption {
  name: string;
  nargs: 'value' | 'flag';
  choices?: string[];
}

export const GLOBAL_OPTIONS: readonly GlobalOption[] = [
  { name: 'debug', nargs: 'flag' },
  { name: 'endpoint-url', nargs: 'value' },
  { name: 'no-verify-ssl', nargs: 'flag' },
  { name: 'no-paginate', nargs: 'flag' },
  { name: 'output', nargs: 'value', choices: ['json', 'text', 'table', 'yaml', 'yaml-stream', 'off'] },
  { name: 'query', nargs: 'value' },
  { name: 'profile', nargs: 'value' },
  { name: 'region', nargs: 'value' },
  { name: 'version', nargs: 'flag' },
  { name: 'color', nargs: 'value', choices: ['on', 'off', 'auto'] },
  { name: 'no-sign-request', nargs: 'flag' },
  { name: 'ca-bundle', nargs: 'value' },
  { name: 'cli-read-timeout', nargs: 'value' },
  { name: 'cli-connect-timeout', nargs: 'value' },
  { name: 'cli-binary-format', nargs: 'value', choices: ['base64', 'raw-in-base64-out'] },
  { name: 'no-cli-pager', nargs: 'flag' },
  { name: 'cli-auto-prompt', nargs: 'flag' },
  { name: 'no-cli-auto-prompt', nargs: 'flag' },
  { name: 'cli-error-format', nargs: 'value', choices: ['legacy', 'json', 'yaml', 'text', 'table', 'enhanced'] },
];

// ---- the CLI's own (non-API) commands the shell implements ----

export interface HighLevelCommand {
  name: string;
  usage: string;
  summary: string;
  options: string[];
}

/** `aws s3 …` high-level commands. */
export const S3_COMMANDS: readonly HighLevelCommand[] = [
  { name: 'ls', usage: '<S3Uri> or NONE', summary: 'List S3 objects and common prefixes under a prefix or all S3 buckets.', options: ['recursive', 'page-size', 'human-readable', 'summarize', 'request-payer', 'bucket-name-prefix', 'bucket-region'] },
  { name: 'mb', usage: '<S3Uri>', summary: 'Creates an S3 bucket.', options: ['tags'] },
  { name: 'rb', usage: '<S3Uri>', summary: 'Deletes an empty S3 bucket.', options: ['force'] },
  { name: 'cp', usage: '<LocalPath> <S3Uri> or <S3Uri> <LocalPath>', summary: 'Copies a local file to S3, or an S3 object to a local file.', options: ['content-type'] },
  { name: 'rm', usage: '<S3Uri>', summary: 'Deletes an S3 object.', options: [] },
];

/** `aws configure …` subcommands. */
export const CONFIGURE_COMMANDS: readonly HighLevelCommand[] = [
  { name: 'list', usage: '[--profile profile-name]', summary: 'Lists the profile, access key, secret key, and region configuration information used for the specified profile.', options: ['profile'] },
  { name: 'get', usage: 'varname [--profile profile-name]', summary: 'Get a configuration value from the config file.', options: ['profile'] },
  { name: 'set', usage: 'varname value [--profile profile-name]', summary: 'Set a configuration value in the config file.', options: ['profile'] },
  { name: 'list-profiles', usage: '', summary: 'List the profiles available to the AWS CLI.', options: [] },
];

export type { ServiceName };
