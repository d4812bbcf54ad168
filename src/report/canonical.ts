// Canonical JSON: the one byte sequence a report's signature covers.
//
// iamlab-c14n-v1 (what `canonicalJson` produces; compatible with RFC 8785 "JCS" for the
// values reports contain):
//   - no whitespace anywhere;
//   - objects: plain objects only; members sorted by key, comparing keys as sequences of
//     UTF-16 code units (JavaScript's default string order); a member whose value is
//     `undefined` is left out (as JSON.stringify does); duplicate keys cannot occur;
//   - arrays: elements in their order; an `undefined` element is an error (JSON.stringify
//     would silently turn it into null, which would sign something nobody wrote);
//   - strings: JSON string syntax exactly as JSON.stringify writes it (", \ and control
//     characters escaped, \b \f \n \r \t short forms, other controls as \u00xx in lower-case
//     hex, lone surrogates as \udxxx, everything else as itself, UTF-8 when hashed);
//   - numbers: finite only, written as JSON.stringify writes them (ECMAScript Number
//     to-string: shortest round-trip form, -0 as 0); NaN and ±Infinity are errors;
//   - true, false, null as themselves;
//   - anything else (Date, Map, bigint, function, symbol, class instances) is an error:
//     callers turn dates into ISO-8601 strings first;
//   - nesting deeper than 64 levels is an error (reports are shallow; this bounds work on
//     hostile input).
// The signed bytes are the UTF-8 encoding of that string.

export class CanonicalJsonError extends Error {
  constructor(message: string, readonly path: string) {
    super(`${message} at ${path || '(top level)'}`);
    this.name = 'CanonicalJsonError';
  }
}

const MAX_DEPTH = 64;

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, '', 0);
  return out.join('');
}

function write(v: unknown, out: string[], path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new CanonicalJsonError(`nesting deeper than ${MAX_DEPTH} levels`, path);
  if (v === null) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(v));
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new CanonicalJsonError(`${String(v)} is not a JSON number`, path);
      out.push(JSON.stringify(v));
      return;
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`a ${typeof v} has no JSON form`, path);
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      const el: unknown = v[i];
      if (el === undefined) throw new CanonicalJsonError('undefined array element', `${path}[${i}]`);
      write(el, out, `${path}[${i}]`, depth + 1);
    }
    out.push(']');
    return;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new CanonicalJsonError(`a ${name} is not a plain JSON object`, path);
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  out.push('{');
  keys.forEach((k, i) => {
    if (i > 0) out.push(',');
    out.push(JSON.stringify(k), ':');
    write(obj[k], out, path ? `${path}.${k}` : k, depth + 1);
  });
  out.push('}');
}
