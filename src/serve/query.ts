// AWS Query (STS, IAM) and EC2 Query: form parameters → CallRequest input, and CallResult
// output → XML, both driven by the operation shapes generated from the AWS API models
// (model/shapes.ts), so member names, list encodings and element names match what the
// SDK v3 and the CLI send and expect.
import { OPERATIONS, SHAPES, type Shape, type ShapeMember } from './model/shapes.js';
import { escapeXml } from './xml.js';

export type QueryService = 'sts' | 'iam' | 'ec2';

export const QUERY_VERSION: Record<QueryService, string> = {
  sts: '2011-06-15',
  iam: '2010-05-08',
  ec2: '2016-11-15',
};

export const QUERY_NAMESPACE: Record<QueryService, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
};

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

export function operationShapes(service: QueryService, op: string): [number, number] | undefined {
  const ops = OPERATIONS[service];
  return Object.prototype.hasOwnProperty.call(ops, op) ? ops[op] : undefined;
}

function shape(i: number): Shape {
  return SHAPES[i]!;
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

function memberKey(m: ShapeMember, ec2: boolean): string {
  if (ec2) return m.q ?? (m.x ? capitalize(m.x) : m.n);
  return m.x ?? m.n;
}

function scalar(kind: Shape['k'], raw: string, key: string): unknown {
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

function decodeValue(t: number, key: string, p: Params, ec2: boolean, flattened: boolean): unknown {
  const s = shape(t);
  switch (s.k) {
    case 'S': {
      const obj = decodeStruct(t, `${key}.`, p, ec2);
      return obj;
    }
    case 'L': {
      // awsQuery: Key.member.N (or Key.<name>.N); flattened / ec2Query: Key.N
      const itemPrefix = ec2 || flattened ? `${key}.` : `${key}.${s.x ?? 'member'}.`;
      const idx = p.indices(itemPrefix);
      if (idx.length === 0) {
        // An empty list is sent as `Key=` by awsQuery.
        return p.map.has(key) && p.map.get(key) === '' ? [] : undefined;
      }
      const out: unknown[] = [];
      for (const n of idx) {
        const v = decodeValue(s.v, `${itemPrefix}${n}`, p, ec2, false);
        if (v !== undefined) out.push(v);
      }
      return out;
    }
    case 'M': {
      const entryPrefix = flattened ? `${key}.` : `${key}.entry.`;
      const idx = p.indices(entryPrefix);
      if (idx.length === 0) return p.map.has(key) && p.map.get(key) === '' ? {} : undefined;
      const out: Record<string, unknown> = {};
      for (const n of idx) {
        const k = p.map.get(`${entryPrefix}${n}.${s.kx ?? 'key'}`);
        if (k === undefined) continue;
        const v = decodeValue(s.v, `${entryPrefix}${n}.${s.vx ?? 'value'}`, p, ec2, false);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    default: {
      const raw = p.map.get(key);
      return raw === undefined ? undefined : scalar(s.k, raw, key);
    }
  }
}

function decodeStruct(t: number, prefix: string, p: Params, ec2: boolean): Record<string, unknown> | undefined {
  const s = shape(t);
  if (s.k !== 'S') return undefined;
  if (prefix && !p.hasPrefix(prefix)) return undefined;
  const out: Record<string, unknown> = {};
  for (const m of s.m) {
    const v = decodeValue(m.t, `${prefix}${memberKey(m, ec2)}`, p, ec2, m.f === 1);
    if (v !== undefined) out[m.n] = v;
  }
  return out;
}

/**
 * Decodes the form parameters of a query request (Action and Version already removed or
 * ignored) into the operation's input, with API member names and typed values.
 */
export function decodeQueryInput(service: QueryService, op: string, params: Map<string, string>): Record<string, unknown> {
  const ops = operationShapes(service, op);
  if (!ops) throw new DecodeError('InvalidAction', `Could not find operation ${op} for version ${QUERY_VERSION[service]}`);
  return decodeStruct(ops[0], '', new Params(params), service === 'ec2') ?? {};
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

function scalarText(kind: Shape['k'], v: unknown, ctx: SerializeCtx, memberName: string): string | undefined {
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

function serializeValue(t: number, v: unknown, name: string, memberName: string, flattened: boolean, ctx: SerializeCtx, out: string[]): void {
  if (v === undefined || v === null) return;
  const s = shape(t);
  switch (s.k) {
    case 'S': {
      out.push(`<${name}>`);
      serializeMembers(t, v as Record<string, unknown>, ctx, out);
      out.push(`</${name}>`);
      return;
    }
    case 'L': {
      const items = Array.isArray(v) ? v : [v];
      if (flattened) {
        for (const item of items) serializeValue(s.v, item, name, memberName, false, ctx, out);
        return;
      }
      const itemName = s.x ?? 'member';
      if (items.length === 0) {
        out.push(`<${name}/>`);
        return;
      }
      out.push(`<${name}>`);
      for (const item of items) serializeValue(s.v, item, itemName, memberName, false, ctx, out);
      out.push(`</${name}>`);
      return;
    }
    case 'M': {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
      const kx = s.kx ?? 'key';
      const vx = s.vx ?? 'value';
      if (!flattened) out.push(`<${name}>`);
      for (const [k, val] of entries) {
        out.push(flattened ? `<${name}>` : '<entry>');
        out.push(`<${kx}>${escapeXml(String(k))}</${kx}>`);
        serializeValue(s.v, val, vx, vx, false, ctx, out);
        out.push(flattened ? `</${name}>` : '</entry>');
      }
      if (!flattened) out.push(`</${name}>`);
      return;
    }
    default: {
      const text = scalarText(s.k, v, ctx, memberName);
      if (text === undefined) return;
      out.push(`<${name}>${escapeXml(text)}</${name}>`);
    }
  }
}

function serializeMembers(t: number, obj: Record<string, unknown>, ctx: SerializeCtx, out: string[]): void {
  const s = shape(t);
  if (s.k !== 'S' || obj === null || typeof obj !== 'object') return;
  for (const m of s.m) {
    const v = obj[m.n];
    if (v === undefined || v === null) continue;
    serializeValue(m.t, v, m.x ?? m.n, m.n, m.f === 1, ctx, out);
  }
}

/** The full XML body of a successful query-protocol response. */
export function serializeQueryResponse(service: QueryService, op: string, output: Record<string, unknown>, requestId: string): string {
  const ops = operationShapes(service, op);
  const ns = QUERY_NAMESPACE[service];
  const out: string[] = [];
  if (service === 'ec2') {
    out.push(`<?xml version="1.0" encoding="UTF-8"?>\n<${op}Response xmlns="${ns}">`, `<requestId>${escapeXml(requestId)}</requestId>`);
    if (ops) serializeMembers(ops[1], output, { service, withMillis: true }, out);
    out.push(`</${op}Response>`);
    return out.join('');
  }
  out.push(`<${op}Response xmlns="${ns}">`);
  const inner: string[] = [];
  if (ops) serializeMembers(ops[1], output, { service, withMillis: false }, inner);
  const outShape = ops ? shape(ops[1]) : undefined;
  if (inner.length > 0 || (outShape?.k === 'S' && outShape.m.length > 0)) {
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
  return `<ErrorResponse xmlns="${QUERY_NAMESPACE[service]}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
}
