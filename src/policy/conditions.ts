// Condition operators (IAM User Guide, "Condition operators" and "multivalued context keys").

import {
  arnLike,
  decodeWildcards,
  encodeWildcards,
  globEncoded,
  globFromEncoded,
  globMatch,
  parseTemplate,
  resolveTemplate,
  type Glob,
  type Lookup,
  type Template,
} from './match.js';

type Family = 'String' | 'StringIgnoreCase' | 'StringLike' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';
type Cmp = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

interface BaseOperator {
  family: Family;
  cmp: Cmp;
  /** Negated operators (StringNotEquals, NotIpAddress, ArnNotLike, …) are the negation of `positive`. */
  negated: boolean;
}

/** Every base operator name AWS accepts (before the IfExists suffix / set prefixes). */
export const BASE_OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: { family: 'String', cmp: 'eq', negated: false },
  StringNotEquals: { family: 'String', cmp: 'eq', negated: true },
  StringEqualsIgnoreCase: { family: 'StringIgnoreCase', cmp: 'eq', negated: false },
  StringNotEqualsIgnoreCase: { family: 'StringIgnoreCase', cmp: 'eq', negated: true },
  StringLike: { family: 'StringLike', cmp: 'eq', negated: false },
  StringNotLike: { family: 'StringLike', cmp: 'eq', negated: true },
  NumericEquals: { family: 'Numeric', cmp: 'eq', negated: false },
  NumericNotEquals: { family: 'Numeric', cmp: 'eq', negated: true },
  NumericLessThan: { family: 'Numeric', cmp: 'lt', negated: false },
  NumericLessThanEquals: { family: 'Numeric', cmp: 'le', negated: false },
  NumericGreaterThan: { family: 'Numeric', cmp: 'gt', negated: false },
  NumericGreaterThanEquals: { family: 'Numeric', cmp: 'ge', negated: false },
  DateEquals: { family: 'Date', cmp: 'eq', negated: false },
  DateNotEquals: { family: 'Date', cmp: 'eq', negated: true },
  DateLessThan: { family: 'Date', cmp: 'lt', negated: false },
  DateLessThanEquals: { family: 'Date', cmp: 'le', negated: false },
  DateGreaterThan: { family: 'Date', cmp: 'gt', negated: false },
  DateGreaterThanEquals: { family: 'Date', cmp: 'ge', negated: false },
  Bool: { family: 'Bool', cmp: 'eq', negated: false },
  BinaryEquals: { family: 'Binary', cmp: 'eq', negated: false },
  IpAddress: { family: 'Ip', cmp: 'eq', negated: false },
  NotIpAddress: { family: 'Ip', cmp: 'eq', negated: true },
  ArnEquals: { family: 'Arn', cmp: 'eq', negated: false },
  ArnLike: { family: 'Arn', cmp: 'eq', negated: false },
  ArnNotEquals: { family: 'Arn', cmp: 'eq', negated: true },
  ArnNotLike: { family: 'Arn', cmp: 'eq', negated: true },
  Null: { family: 'Null', cmp: 'eq', negated: false },
};

export interface ParsedOperator {
  operator: string;
  base: BaseOperator;
  baseName: string;
  set: 'any' | 'all' | undefined;
  ifExists: boolean;
}

/** Parses "ForAnyValue:StringLikeIfExists" etc.; undefined for an unknown operator. Case-sensitive, as IAM. */
export function parseOperator(operator: string): ParsedOperator | undefined {
  let name = operator;
  let set: 'any' | 'all' | undefined;
  if (name.startsWith('ForAnyValue:')) {
    set = 'any';
    name = name.slice('ForAnyValue:'.length);
  } else if (name.startsWith('ForAllValues:')) {
    set = 'all';
    name = name.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  if (name.endsWith('IfExists')) {
    ifExists = true;
    name = name.slice(0, -'IfExists'.length);
  }
  const base = Object.prototype.hasOwnProperty.call(BASE_OPERATORS, name) ? BASE_OPERATORS[name] : undefined;
  if (!base) return undefined;
  return { operator, base, baseName: name, set, ifExists };
}

// ---------------------------------------------------------------------------------------------
// Value parsing

/** Parses an ISO-8601 date/time or an epoch (seconds) into epoch milliseconds; NaN if invalid. */
export function parseDate(s: string): number {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}(-\d{2})?([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$/.test(t)) return NaN;
  let iso = t.replace(' ', 'T');
  // A date-time without zone is read as UTC (Date.parse would use local time).
  if (/T/i.test(iso) && !/([Zz]|[+-]\d{2}(:?\d{2})?)$/.test(iso)) iso += 'Z';
  if (/[+-]\d{4}$/.test(iso)) iso = iso.slice(0, -2) + ':' + iso.slice(-2);
  return Date.parse(iso);
}

/** Parses a decimal number as IAM's Numeric operators do; NaN if invalid. */
export function parseNumber(s: string): number {
  const t = s.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

function parseIPv4(s: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = Number(m[i + 1]);
    if (n > 255) return undefined;
    b[i] = n;
  }
  return b;
}

function parseIPv6(s: string): Uint8Array | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  let head = s;
  let tail = '';
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    if (s.indexOf('::', dbl + 1) >= 0) return undefined;
    head = s.slice(0, dbl);
    tail = s.slice(dbl + 2);
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIPv4(it);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  let all: number[];
  if (dbl >= 0) {
    const missing = 8 - h.length - t.length;
    if (missing < 1) return undefined;
    all = [...h, ...new Array<number>(missing).fill(0), ...t];
  } else all = h;
  if (all.length !== 8) return undefined;
  const b = new Uint8Array(16);
  all.forEach((g, i) => {
    b[2 * i] = g >> 8;
    b[2 * i + 1] = g & 0xff;
  });
  return b;
}

/** Parses an IP address or CIDR block (IPv4 or IPv6); undefined if invalid. */
export function parseCidr(s: string): Cidr | undefined {
  const t = s.trim();
  const slash = t.indexOf('/');
  const addr = slash >= 0 ? t.slice(0, slash) : t;
  const bytes = parseIPv4(addr) ?? parseIPv6(addr);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  let prefix = max;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { bytes, prefix };
}

const ipCache = new Map<string, Cidr | null>();

/** parseCidr for request values, memoised (request IPs repeat). */
function requestIp(s: string): Cidr | undefined {
  let c = ipCache.get(s);
  if (c === undefined) {
    c = parseCidr(s) ?? null;
    if (ipCache.size >= 10_000) ipCache.clear();
    ipCache.set(s, c);
  }
  return c ?? undefined;
}

export function cidrContains(c: Cidr, ip: Cidr): boolean {
  if (c.bytes.length !== ip.bytes.length) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((c.bytes[i]! & mask) !== (ip.bytes[i]! & mask)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Compiled conditions

interface CompiledValue {
  raw: string;
  /** Policy-variable template (String*, Arn*, Bool under Version 2012-10-17). */
  template?: Template;
  /** Encoded pattern for StringLike / Arn*, lower-cased text for IgnoreCase, or the raw string. */
  text?: string;
  glob?: Glob;
  num?: number;
  cidr?: Cidr;
}

export interface CompiledCondition {
  operator: string;
  key: string;
  lowerKey: string;
  op: ParsedOperator;
  values: string[];
  compiled: CompiledValue[];
}

const VARIABLE_FAMILIES: ReadonlySet<Family> = new Set<Family>(['String', 'StringIgnoreCase', 'StringLike', 'Arn', 'Bool']);

function compileValue(family: Family, raw: string, variables: boolean): CompiledValue {
  const v: CompiledValue = { raw };
  if (variables && VARIABLE_FAMILIES.has(family)) {
    const t = parseTemplate(raw);
    if (t) {
      v.template = t;
      return v;
    }
  }
  prepareValue(family, v, family === 'StringLike' || family === 'Arn' ? encodeWildcards(raw) : raw);
  return v;
}

/** Fills the comparison form of a (resolved) policy value. `enc` has wildcards encoded for Like/Arn. */
function prepareValue(family: Family, v: CompiledValue, enc: string): void {
  switch (family) {
    case 'String':
    case 'Binary':
      v.text = family === 'String' ? decodeWildcards(enc) : enc;
      break;
    case 'StringIgnoreCase':
      v.text = decodeWildcards(enc).toLowerCase();
      break;
    case 'Bool':
      v.text = decodeWildcards(enc).toLowerCase();
      break;
    case 'StringLike':
      v.glob = globFromEncoded(enc);
      break;
    case 'Arn':
      v.text = enc;
      break;
    case 'Numeric':
      v.num = parseNumber(enc);
      break;
    case 'Date':
      v.num = parseDate(enc);
      break;
    case 'Ip':
      v.cidr = parseCidr(enc);
      break;
    case 'Null':
      v.text = enc.toLowerCase();
      break;
  }
}

export function compileCondition(operator: string, key: string, values: string[], variables: boolean): CompiledCondition | undefined {
  const op = parseOperator(operator);
  if (!op) return undefined;
  return {
    operator,
    key,
    lowerKey: key.toLowerCase(),
    op,
    values,
    compiled: values.map((raw) => compileValue(op.base.family, raw, variables)),
  };
}

/** The positive comparison of one request value with one (prepared) policy value. */
function positive(base: BaseOperator, r: string, v: CompiledValue): boolean {
  switch (base.family) {
    case 'String':
    case 'Binary':
      return r === v.text;
    case 'StringIgnoreCase':
      return r.toLowerCase() === v.text;
    case 'Bool':
      return r.toLowerCase() === v.text;
    case 'StringLike':
      return globMatch(v.glob!, r);
    case 'Arn':
      return arnLike(v.text!, r);
    case 'Numeric':
    case 'Date': {
      const a = base.family === 'Numeric' ? parseNumber(r) : parseDate(r);
      const b = v.num!;
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      switch (base.cmp) {
        case 'eq':
          return a === b;
        case 'lt':
          return a < b;
        case 'le':
          return a <= b;
        case 'gt':
          return a > b;
        case 'ge':
          return a >= b;
      }
      return false;
    }
    case 'Ip': {
      if (!v.cidr) return false;
      const ip = requestIp(r);
      return ip !== undefined && cidrContains(v.cidr, ip);
    }
    case 'Null':
      return false;
  }
}

/** Resolves variables of the policy values for this request; unresolvable values are dropped. */
function resolvedValues(c: CompiledCondition, lookup: Lookup): CompiledValue[] {
  let any = false;
  for (const v of c.compiled) if (v.template) any = true;
  if (!any) return c.compiled;
  const out: CompiledValue[] = [];
  for (const v of c.compiled) {
    if (!v.template) {
      out.push(v);
      continue;
    }
    const enc = resolveTemplate(v.template, lookup);
    if (enc === undefined) continue;
    const rv: CompiledValue = { raw: v.raw };
    prepareValue(c.op.base.family, rv, enc);
    out.push(rv);
  }
  return out;
}

function anyPolicyValue(base: BaseOperator, r: string, vals: CompiledValue[]): boolean {
  for (const v of vals) if (positive(base, r, v)) return true;
  return false;
}

/**
 * Evaluates one operator/key pair. `requestValues` is undefined when the key is absent.
 * Semantics (IAM User Guide):
 * - absent key: positive operators false, negated true, …IfExists true, Null per its value;
 * - ForAnyValue: false for an absent or empty key; ForAllValues: true for an absent or empty key;
 * - several policy values: OR for positive operators, "matches none" for negated ones.
 */
export function evaluateCondition(c: CompiledCondition, requestValues: string[] | undefined, lookup: Lookup): boolean {
  const { base, set, ifExists } = c.op;
  const missing = requestValues === undefined || requestValues.length === 0;
  if (base.family === 'Null') {
    for (const v of c.compiled) {
      const want = v.text === 'true';
      if (want === missing) return true;
    }
    return false;
  }
  if (missing) {
    if (ifExists) return true;
    if (set === 'any') return false;
    if (set === 'all') return true;
    return base.negated;
  }
  const vals = resolvedValues(c, lookup);
  if (set === 'all') {
    for (const r of requestValues) if (anyPolicyValue(base, r, vals) === base.negated) return false;
    return true;
  }
  if (set === 'any') {
    for (const r of requestValues) if (anyPolicyValue(base, r, vals) !== base.negated) return true;
    return false;
  }
  // Single-valued operator: true when some request value matches some policy value (negated: none does).
  let hit = false;
  for (const r of requestValues) {
    if (anyPolicyValue(base, r, vals)) {
      hit = true;
      break;
    }
  }
  return base.negated ? !hit : hit;
}

/** Glob helper re-exported for StringLike-style checks elsewhere. */
export function stringLike(pattern: string, value: string): boolean {
  return globEncoded(encodeWildcards(pattern), value);
}
