// From command-line strings to API input, as the AWS CLI does it:
// 1. file:// and fileb:// values are read (from the workspace);
// 2. structure/list/map parameters take shorthand (Key=k,Value=v) unless the value looks
//    like JSON, else JSON; lists of scalars take several values (a b c);
// 3. scalars are converted (int(), float(), blobs);
// 4. botocore's client-side validation (required, unknown keys, types, minimum lengths and
//    values — never maximums or patterns) with its exact messages.

import type { CliArg, Shape } from '../../model/index.js';
import { pyJsonParse, PyJsonError, pyRepr, pyStr, pyType } from '../pyjson.js';
import { backCompat, pyFloat, pyInt, PyValueError, ShorthandParseError, ShorthandParser } from '../shorthand.js';
import { Workspace, WorkspaceError } from '../workspace.js';
import { CliError, generalError, paramError, paramValidation } from './errors.js';

const SCALAR = new Set(['string', 'integer', 'long', 'boolean', 'timestamp', 'blob', 'double', 'float']);

export class ParamFiles {
  constructor(readonly ws: Workspace) {}

  /** get_paramfile: the file's contents for file:// (text) and fileb:// (bytes), else undefined. */
  load(value: string, cliName: string): string | Uint8Array | undefined {
    for (const prefix of ['file://', 'fileb://']) {
      if (!value.startsWith(prefix)) continue;
      const path = value.slice(prefix.length);
      let data: Buffer;
      try {
        data = this.ws.read(path);
      } catch (e) {
        if (e instanceof WorkspaceError) {
          const detail = /No such file/.test(e.message) ? `[Errno 2] No such file or directory: '${path}'` : e.message;
          throw paramError(cliName, `Unable to load paramfile ${value}: ${detail}`);
        }
        throw e;
      }
      if (prefix === 'fileb://') return new Uint8Array(data);
      const text = new TextDecoder('utf-8', { fatal: true });
      try {
        return text.decode(data);
      } catch {
        throw paramError(
          cliName,
          `Unable to load paramfile (${path}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.`,
        );
      }
    }
    return undefined;
  }
}

/** A value as argparse gives it: one string, or a list for list arguments. */
export type RawValue = string | string[];

/** Unpacks one argument's raw value into the API value. */
export function unpackArgument(arg: CliArg, raw: RawValue, files: ParamFiles, opName: { service: string; operation: string }): unknown {
  const cliName = `--${arg.name}`;
  const shape = arg.shape!;
  // load-cli-arg: file:// / fileb:// (a one-element list is unwrapped first)
  let value: RawValue | Uint8Array = raw;
  const single = Array.isArray(raw) && raw.length === 1 ? raw[0]! : typeof raw === 'string' ? raw : undefined;
  if (single !== undefined) {
    const loaded = files.load(single, cliName);
    if (loaded !== undefined) value = loaded;
  }
  if (value instanceof Uint8Array) {
    if (shape.type === 'blob') return value;
    value = Buffer.from(value).toString('latin1');
  }
  // process-cli-arg: shorthand
  if (supportsShorthand(shape) && !looksLikeJson(value)) {
    try {
      const special = specialCase(arg, value, opName);
      if (special !== undefined) return special;
      const parser = new ShorthandParser((v) => files.load(v, cliName));
      let parsed: unknown;
      if (Array.isArray(value)) {
        parsed = value.map((v) => parser.parse(v));
      } else {
        parsed = parser.parse(value);
      }
      backCompat(parsed, shape);
      return parsed;
    } catch (e) {
      if (e instanceof ShorthandParseError) throw paramError(cliName, e.message);
      throw e;
    }
  }
  if (arg.streaming) {
    // botocore: a streaming blob argument is a path to a file (here: in the workspace)
    const v = Array.isArray(value) ? value[0] ?? '' : value;
    return { streamingPath: v, cliName };
  }
  return unpackCliArg(shape, value, cliName);
}

function supportsShorthand(shape: Shape): boolean {
  if (shape.type === 'list') return ['structure', 'list', 'map'].includes(shape.member!.type);
  return shape.type === 'structure' || shape.type === 'map';
}

function looksLikeJson(v: RawValue): boolean {
  const check = Array.isArray(v) ? v[0] : v;
  if (typeof check !== 'string') return false;
  const t = check.trim();
  return t.startsWith('[') || t.startsWith('{');
}

function specialCase(arg: CliArg, value: RawValue, _op: { service: string; operation: string }): unknown {
  const shape = arg.shape!;
  // A structure whose only member is a string named Value: --foo bar -> {"Value": "bar"}
  if (shape.type === 'structure' && typeof value === 'string') {
    const members = Object.keys(shape.members ?? {});
    if (members.length === 1 && members[0] === 'Value' && shape.members!.Value!.type === 'string' && !value.includes('=')) {
      return { Value: value };
    }
  }
  return undefined;
}

function unpackJson(value: string, cliName: string): unknown {
  try {
    return pyJsonParse(value);
  } catch (e) {
    if (e instanceof PyJsonError) throw paramError(cliName, `Invalid JSON: ${e.message}\nJSON received: ${value}`);
    throw e;
  }
}

function unpackCliArg(shape: Shape, value: RawValue, cliName: string): unknown {
  if (SCALAR.has(shape.type)) return unpackScalar(shape, value, cliName);
  if (shape.type === 'structure' || shape.type === 'map') {
    const v = Array.isArray(value) ? value.join(' ') : value;
    if (v.trimStart().startsWith('{')) return unpackJson(v, cliName);
    throw paramError(cliName, `Invalid JSON:\n${v}`);
  }
  // list
  if (typeof value === 'string') {
    if (value.trimStart().startsWith('[')) return unpackJson(value, cliName);
    value = [value];
  } else if (value.length === 1) {
    const sv = value[0]!.trim();
    if (sv.startsWith('[')) return unpackJson(value[0]!, cliName);
  }
  const member = shape.member!;
  try {
    return value.map((v) => unpackCliArg(member, v, cliName));
  } catch (e) {
    if (e instanceof PyValueError) throw paramError(cliName, value[0] ?? '');
    throw e;
  }
}

function unpackScalar(shape: Shape, value: RawValue, cliName: string): unknown {
  const v = Array.isArray(value) ? value[0] ?? '' : value;
  switch (shape.type) {
    case 'integer':
    case 'long':
      return pyInt(v);
    case 'double':
    case 'float':
      return pyFloat(v);
    case 'blob':
      // cli_binary_format=base64 (v2 default): the text is base64
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) throw paramValidation(`Invalid base64: "${v}"`);
      return new Uint8Array(Buffer.from(v, 'base64'));
    case 'boolean':
      return v.toLowerCase() === 'false' ? false : Boolean(v);
    default:
      return v;
  }
}

/** The conversions above raise Python ValueErrors, which the CLI prints bare (exit 255). */
export function wrapValueError(e: unknown): never {
  if (e instanceof PyValueError) throw generalError(e.message);
  throw e;
}

// ---- botocore ParamValidator ----

interface Report {
  errors: string[];
}

export function validateParams(params: Record<string, unknown>, shape: Shape | undefined): void {
  if (!shape) return;
  const r: Report = { errors: [] };
  validate(params, shape, r, '');
  if (r.errors.length) throw paramValidation(`Parameter validation failed:\n${r.errors.join('\n')}`);
}

function nameOf(n: string): string {
  if (!n) return 'input';
  return n.startsWith('.') ? n.slice(1) : n;
}

function invalidType(r: Report, name: string, v: unknown, valid: string[]): void {
  r.errors.push(`Invalid type for parameter ${nameOf(name)}, value: ${pyStr(v)}, type: ${pyType(v)}, valid types: ${valid.join(', ')}`);
}

function rangeCheck(r: Report, name: string, value: number, shape: Shape, kind: 'length' | 'value'): void {
  if (shape.min !== undefined && value < shape.min) {
    r.errors.push(
      kind === 'length'
        ? `Invalid length for parameter ${nameOf(name)}, value: ${value}, valid min length: ${shape.min}`
        : `Invalid value for parameter ${nameOf(name)}, value: ${value}, valid min value: ${shape.min}`,
    );
  }
}

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);

function validate(v: unknown, shape: Shape, r: Report, name: string): void {
  switch (shape.type) {
    case 'structure': {
      if (!isDict(v)) return invalidType(r, name, v, ["<class 'dict'>"]);
      for (const req of shape.required ?? []) {
        if (!(req in v)) r.errors.push(`Missing required parameter in ${nameOf(name)}: "${req}"`);
      }
      const members = shape.members ?? {};
      const known: string[] = [];
      for (const k of Object.keys(v)) {
        if (!(k in members)) r.errors.push(`Unknown parameter in ${nameOf(name)}: "${k}", must be one of: ${Object.keys(members).join(', ')}`);
        else known.push(k);
      }
      for (const k of known) validate(v[k], members[k]!, r, `${name}.${k}`);
      return;
    }
    case 'list':
      if (!Array.isArray(v)) return invalidType(r, name, v, ["<class 'list'>", "<class 'tuple'>"]);
      rangeCheck(r, name, v.length, shape, 'length');
      v.forEach((x, i) => validate(x, shape.member!, r, `${name}[${i}]`));
      return;
    case 'map':
      if (!isDict(v)) return invalidType(r, name, v, ["<class 'dict'>"]);
      for (const [k, x] of Object.entries(v)) {
        validate(k, shape.key!, r, `${name} (key: ${k})`);
        validate(x, shape.value!, r, `${name}.${k}`);
      }
      return;
    case 'string':
      if (typeof v !== 'string') return invalidType(r, name, v, ["<class 'str'>"]);
      rangeCheck(r, name, [...v].length, shape, 'length');
      return;
    case 'integer':
    case 'long':
      // Python's bool is an int
      if (typeof v === 'boolean') return rangeCheck(r, name, v ? 1 : 0, shape, 'value');
      if (typeof v !== 'number' || !Number.isInteger(v)) return invalidType(r, name, v, ["<class 'int'>"]);
      rangeCheck(r, name, v, shape, 'value');
      return;
    case 'double':
    case 'float':
      if (typeof v !== 'number' && typeof v !== 'boolean') return invalidType(r, name, v, ["<class 'float'>", "<class 'decimal.Decimal'>", "<class 'int'>"]);
      rangeCheck(r, name, Number(v), shape, 'value');
      return;
    case 'boolean':
      if (typeof v !== 'boolean') invalidType(r, name, v, ["<class 'bool'>"]);
      return;
    case 'blob':
      if (typeof v === 'string' || v instanceof Uint8Array || (isDict(v) && 'streamingPath' in v)) return;
      return invalidType(r, name, v, ["<class 'bytes'>", "<class 'bytearray'>", 'file-like object']);
    case 'timestamp':
      if (v instanceof Date) return;
      if (typeof v === 'number' || (typeof v === 'string' && !Number.isNaN(parseTimestamp(v)?.getTime() ?? NaN))) return;
      return invalidType(r, name, v, ["<class 'datetime.datetime'>", 'timestamp-string']);
  }
}

/** The timestamp forms botocore accepts: epoch seconds or ISO 8601. */
export function parseTimestamp(v: string): Date | undefined {
  if (/^\d+(\.\d+)?$/.test(v)) return new Date(Number(v) * 1000);
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** botocore's client-side bucket name check for S3 operations. */
export function validateBucketName(params: Record<string, unknown>): void {
  const b = params.Bucket;
  if (typeof b !== 'string') return;
  const VALID = /^[a-zA-Z0-9.\-_]{1,255}$/;
  const AP = /^arn:(aws).*:(s3|s3-object-lambda):[a-z\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\-.]{1,63}$|^arn:(aws).*:s3-outposts:[a-z\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9-]{1,63}$/;
  if (!VALID.test(b) && !AP.test(b)) {
    throw paramValidation(
      `Parameter validation failed:\nInvalid bucket name "${b}": Bucket name must match the regex "^[a-zA-Z0-9.\\-_]{1,255}$" or be an ARN matching the regex "^arn:(aws).*:(s3|s3-object-lambda):[a-z\\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\\-.]{1,63}$|^arn:(aws).*:s3-outposts:[a-z\\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\\-]{1,63}$"`,
    );
  }
}

export { CliError, pyRepr };
