// AWS Query (STS, IAM) and EC2 Query: form parameters → CallRequest input, and CallResult
// output → XML, both driven by the operation shapes of the one service model (src/model,
// generated from the botocore models the AWS CLI ships), so member names, list encodings and
// element names match what the SDK v3 and the CLI send and expect.
import { serviceMetadata, wireOperation, isServiceOperation, type Shape } from '../model/index.js';
import { escapeXml } from './xml.js';

export type QueryService = 'sts' | 'iam' | 'ec2';

/** The API version a query request may name (its Version parameter). */
export function queryVersion(service: QueryService): string {
  return serviceMetadata(service).apiVersion;
}

/**
 * The namespace of a service's XML responses. The EC2 model states it without the trailing
 * slash that EC2's responses carry; STS and IAM state it as their responses do.
 */
export function queryNamespace(service: QueryService): string {
  const ns = serviceMetadata(service).xmlNamespace ?? '';
  return ns.endsWith('/') ? ns : `${ns}/`;
}

/** A request that cannot be decoded; carries the AWS error code and status to answer with. */
export class DecodeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The shapes of an operation the endpoint decodes and encodes (the ones the simulated account serves). */
export function operationShapes(service: QueryService, op: string): { input?: Shape; output?: Shape } | undefined {
  return wireOperation(service, op);
}

/** Whether the real service has this operation, whether or not the simulated account serves it. */
export function isQueryOperation(service: QueryService, op: string): boolean {
  return isServiceOperation(service, op);
}

type Kind = 's' | 'n' | 'b' | 't' | 'B';

/** The wire kind of a scalar shape. */
function kindOf(shape: Shape): Kind {
  switch (shape.type) {
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return 'n';
    case 'boolean':
      return 'b';
    case 'timestamp':
      return 't';
    case 'blob':
      return 'B';
    default:
      return 's';
  }
}

// ---------------------------------------------------------------- request decoding

/** Parameters of one query request with an index for list lookups. */
class Params {
  readonly map: Map<string, string>;
  private readonly keys: string[];
  constructor(map: Map<string, string>) {
    this.map = map;
    this.keys = [...map.keys()];
  }
  /** Distinct positive integer indices N for keys `${prefix}N` or `${prefix}N.…`, ascending. */
  indices(prefix: string): number[] {
    const seen = new Set<number>();
    for (const k of this.keys) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const dot = rest.indexOf('.');
      const num = dot < 0 ? rest : rest.slice(0, dot);
      if (/^[1-9][0-9]{0,5}$/.test(num)) seen.add(Number(num));
    }
    return [...seen].sort((a, b) => a - b);
  }
  hasPrefix(prefix: string): boolean {
    for (const k of this.keys) if (k.startsWith(prefix)) return true;
    return false;
  }
}

function capitalize(s: string): string {
  return s.length ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** The request key of a structure member: awsQuery uses its wire name, EC2 its query name. */
function memberKey(struct: Shape, m: string, ec2: boolean): string {
  const wire = struct.wireNames?.[m];
  if (ec2) return struct.queryNames?.[m] ?? (wire ? capitalize(wire) : m);
  return wire ?? m;
}

/** Whether a structure member is serialized flattened (its own trait or its shape's). */
function isFlattened(struct: Shape, m: string, member: Shape): boolean {
  return member.flattened === true || (struct.flattenedMembers?.includes(m) ?? false);
}

function scalar(kind: Kind, raw: string, key: string): unknown {
  switch (kind) {
    case 's':
      return raw;
    case 'n': {
      if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw.trim())) {
        throw new DecodeError('ValidationError', `1 validation error detected: Value '${raw}' at '${lowerFirst(lastSegment(key))}' failed to satisfy constraint: Member must be a number`);
      }
      return Number(raw);
    }
    case 'b': {
      const l = raw.toLowerCase();
      if (l === 'true') return true;
      if (l === 'false') return false;
      throw new DecodeError('ValidationError', `1 validation error detected: Value '${raw}' at '${lowerFirst(lastSegment(key))}' failed to satisfy constraint: Member must be true or false`);
    }
    case 't': {
      const d = /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      if (Number.isNaN(d.getTime())) {
        throw new DecodeError('ValidationError', `1 validation error detected: Value '${raw}' at '${lowerFirst(lastSegment(key))}' failed to satisfy constraint: Member must be a timestamp`);
      }
      return d;
    }
    case 'B':
      return new Uint8Array(Buffer.from(raw, 'base64'));
    default:
      return raw;
  }
}

function lastSegment(key: string): string {
  const parts = key.split('.').filter((p) => !/^\d+$/.test(p) && p !== 'member' && p !== 'entry');
  return parts[parts.length - 1] ?? key;
}
function lowerFirst(s: string): string {
  return s.length ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function decodeValue(s: Shape, key: string, p: Params, ec2: boolean, flattened: boolean): unknown {
  switch (s.type) {
    case 'structure':
      return decodeStruct(s, `${key}.`, p, ec2);
    case 'list': {
      // awsQuery: Key.member.N (or Key.<name>.N); flattened / ec2Query: Key.N
      const itemPrefix = ec2 || flattened ? `${key}.` : `${key}.${s.itemName ?? 'member'}.`;
      const idx = p.indices(itemPrefix);
      if (idx.length === 0) {
        // An empty list is sent as `Key=` by awsQuery.
        return p.map.has(key) && p.map.get(key) === '' ? [] : undefined;
      }
      const out: unknown[] = [];
      for (const n of idx) {
        const v = decodeValue(s.member!, `${itemPrefix}${n}`, p, ec2, false);
        if (v !== undefined) out.push(v);
      }
      return out;
    }
    case 'map': {
      const entryPrefix = flattened ? `${key}.` : `${key}.entry.`;
      const idx = p.indices(entryPrefix);
      if (idx.length === 0) return p.map.has(key) && p.map.get(key) === '' ? {} : undefined;
      const out: Record<string, unknown> = {};
      for (const n of idx) {
        const k = p.map.get(`${entryPrefix}${n}.${s.keyName ?? 'key'}`);
        if (k === undefined) continue;
        const v = decodeValue(s.value!, `${entryPrefix}${n}.${s.valueName ?? 'value'}`, p, ec2, false);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    default: {
      const raw = p.map.get(key);
      return raw === undefined ? undefined : scalar(kindOf(s), raw, key);
    }
  }
}

function decodeStruct(s: Shape, prefix: string, p: Params, ec2: boolean): Record<string, unknown> | undefined {
  if (s.type !== 'structure') return undefined;
  if (prefix && !p.hasPrefix(prefix)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [m, ms] of Object.entries(s.members ?? {})) {
    const v = decodeValue(ms, `${prefix}${memberKey(s, m, ec2)}`, p, ec2, isFlattened(s, m, ms));
    if (v !== undefined) out[m] = v;
  }
  return out;
}

/**
 * Decodes the form parameters of a query request (Action and Version already removed or
 * ignored) into the operation's input, with API member names and typed values.
 */
export function decodeQueryInput(service: QueryService, op: string, params: Map<string, string>): Record<string, unknown> {
  const ops = operationShapes(service, op);
  if (!ops) throw new DecodeError('InvalidAction', `Could not find operation ${op} for version ${queryVersion(service)}`);
  return ops.input ? (decodeStruct(ops.input, '', new Params(params), service === 'ec2') ?? {}) : {};
}

/** Parses an application/x-www-form-urlencoded body (or query string) into a Map; first value wins. */
export function parseForm(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!text) return out;
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    let dk: string;
    let dv: string;
    try {
      dk = decodeURIComponent(k.replace(/\+/g, ' '));
      dv = decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      throw new DecodeError('MalformedQueryString', `The request contains a malformed percent-encoding in '${truncate(part, 80)}'`, 400);
    }
    if (!out.has(dk)) out.set(dk, dv);
  }
  return out;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

// ---------------------------------------------------------------- response serialization

/** IAM returns policy documents URL-encoded (RFC 3986) in every response that carries one. */
const POLICY_DOCUMENT_MEMBERS = new Set(['AssumeRolePolicyDocument', 'PolicyDocument', 'Document']);

export function encodePolicyDocument(doc: string): string {
  return encodeURIComponent(doc).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function formatTimestamp(v: unknown, withMillis: boolean): string | undefined {
  const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime())) return typeof v === 'string' ? v : undefined;
  const iso = d.toISOString();
  return withMillis ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

interface SerializeCtx {
  service: QueryService;
  withMillis: boolean;
}

function scalarText(kind: Kind, v: unknown, ctx: SerializeCtx, memberName: string): string | undefined {
  switch (kind) {
    case 't':
      return formatTimestamp(v, ctx.withMillis);
    case 'b':
      return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v).toLowerCase();
    case 'n':
      return typeof v === 'number' ? (Number.isFinite(v) ? String(v) : undefined) : String(v);
    case 'B':
      return v instanceof Uint8Array ? Buffer.from(v).toString('base64') : String(v);
    default: {
      const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return ctx.service === 'iam' && POLICY_DOCUMENT_MEMBERS.has(memberName) ? encodePolicyDocument(s) : s;
    }
  }
}

function serializeValue(s: Shape, v: unknown, name: string, memberName: string, flattened: boolean, ctx: SerializeCtx, out: string[]): void {
  if (v === undefined || v === null) return;
  switch (s.type) {
    case 'structure': {
      out.push(`<${name}>`);
      serializeMembers(s, v as Record<string, unknown>, ctx, out);
      out.push(`</${name}>`);
      return;
    }
    case 'list': {
      const items = Array.isArray(v) ? v : [v];
      if (flattened) {
        for (const item of items) serializeValue(s.member!, item, name, memberName, false, ctx, out);
        return;
      }
      const itemName = s.itemName ?? 'member';
      if (items.length === 0) {
        out.push(`<${name}/>`);
        return;
      }
      out.push(`<${name}>`);
      for (const item of items) serializeValue(s.member!, item, itemName, memberName, false, ctx, out);
      out.push(`</${name}>`);
      return;
    }
    case 'map': {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
      const kx = s.keyName ?? 'key';
      const vx = s.valueName ?? 'value';
      if (!flattened) out.push(`<${name}>`);
      for (const [k, val] of entries) {
        out.push(flattened ? `<${name}>` : '<entry>');
        out.push(`<${kx}>${escapeXml(String(k))}</${kx}>`);
        serializeValue(s.value!, val, vx, vx, false, ctx, out);
        out.push(flattened ? `</${name}>` : '</entry>');
      }
      if (!flattened) out.push(`</${name}>`);
      return;
    }
    default: {
      const text = scalarText(kindOf(s), v, ctx, memberName);
      if (text === undefined) return;
      out.push(`<${name}>${escapeXml(text)}</${name}>`);
    }
  }
}

function serializeMembers(s: Shape, obj: Record<string, unknown>, ctx: SerializeCtx, out: string[]): void {
  if (s.type !== 'structure' || obj === null || typeof obj !== 'object') return;
  for (const [m, ms] of Object.entries(s.members ?? {})) {
    const v = obj[m];
    if (v === undefined || v === null) continue;
    serializeValue(ms, v, s.wireNames?.[m] ?? m, m, isFlattened(s, m, ms), ctx, out);
  }
}

/** The full XML body of a successful query-protocol response. */
export function serializeQueryResponse(service: QueryService, op: string, output: Record<string, unknown>, requestId: string): string {
  const ops = operationShapes(service, op);
  const ns = queryNamespace(service);
  const out: string[] = [];
  if (service === 'ec2') {
    out.push(`<?xml version="1.0" encoding="UTF-8"?>\n<${op}Response xmlns="${ns}">`, `<requestId>${escapeXml(requestId)}</requestId>`);
    if (ops?.output) serializeMembers(ops.output, output, { service, withMillis: true }, out);
    out.push(`</${op}Response>`);
    return out.join('');
  }
  out.push(`<${op}Response xmlns="${ns}">`);
  const inner: string[] = [];
  if (ops?.output) serializeMembers(ops.output, output, { service, withMillis: false }, inner);
  // The model states each operation's result wrapper as <Op>Result (the generator checks it).
  if (inner.length > 0 || Object.keys(ops?.output?.members ?? {}).length > 0) {
    out.push(`<${op}Result>`, ...inner, `</${op}Result>`);
  }
  out.push(`<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${op}Response>`);
  return out.join('');
}

/** Error body in the service's own envelope. */
export function serializeQueryError(service: QueryService, code: string, message: string, type: 'Sender' | 'Receiver', requestId: string): string {
  if (service === 'ec2') {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`;
  }
  return `<ErrorResponse xmlns="${queryNamespace(service)}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
}
