// JSON as the AWS CLI reads it: Python's json module, whose error messages the CLI shows
// verbatim ("Expecting ',' delimiter: line 1 column 23 (char 22)"). Implemented here from the
// documented behaviour of Python's decoder so that a learner sees the same text, position
// included. Accepts what Python accepts (also NaN, Infinity, -Infinity).

export class PyJsonError extends Error {
  constructor(
    readonly msg: string,
    readonly doc: string,
    readonly pos: number,
  ) {
    const { line, column } = lineCol(doc, pos);
    super(`${msg}: line ${line} column ${column} (char ${pos})`);
    this.line = line;
    this.column = column;
  }
  readonly line: number;
  readonly column: number;
}

export function lineCol(doc: string, pos: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < doc.length; i++) {
    if (doc.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: pos - last };
}

const WS = ' \t\n\r';
const NUMBER = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;

class StopIteration {
  constructor(readonly pos: number) {}
}

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.includes(s[i]!)) i++;
  return i;
}

/** json.loads: the value, or a PyJsonError with Python's message and position. */
export function pyJsonParse(s: string): unknown {
  let [value, end] = [undefined as unknown, 0];
  try {
    [value, end] = scanOnce(s, skipWs(s, 0));
  } catch (e) {
    if (e instanceof StopIteration) throw new PyJsonError('Expecting value', s, e.pos);
    throw e;
  }
  end = skipWs(s, end);
  if (end !== s.length) throw new PyJsonError('Extra data', s, end);
  return value;
}

function scanOnce(s: string, idx: number): [unknown, number] {
  if (idx >= s.length) throw new StopIteration(idx);
  const c = s[idx]!;
  if (c === '"') return scanString(s, idx + 1);
  if (c === '{') return parseObject(s, idx + 1);
  if (c === '[') return parseArray(s, idx + 1);
  if (c === 'n' && s.startsWith('null', idx)) return [null, idx + 4];
  if (c === 't' && s.startsWith('true', idx)) return [true, idx + 4];
  if (c === 'f' && s.startsWith('false', idx)) return [false, idx + 5];
  NUMBER.lastIndex = idx;
  const m = NUMBER.exec(s);
  if (m) {
    const text = m[0];
    return [Number(text), idx + text.length];
  }
  if (c === 'N' && s.startsWith('NaN', idx)) return [NaN, idx + 3];
  if (c === 'I' && s.startsWith('Infinity', idx)) return [Infinity, idx + 8];
  if (c === '-' && s.startsWith('-Infinity', idx)) return [-Infinity, idx + 9];
  throw new StopIteration(idx);
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** scanstring: `end` is the index just after the opening quote. */
function scanString(s: string, end: number): [string, number] {
  const begin = end - 1;
  let out = '';
  for (;;) {
    let j = end;
    while (j < s.length) {
      const code = s.charCodeAt(j);
      if (code === 34 || code === 92 || code < 0x20) break;
      j++;
    }
    if (j >= s.length) throw new PyJsonError('Unterminated string starting at', s, begin);
    out += s.slice(end, j);
    const term = s[j]!;
    end = j + 1;
    if (term === '"') break;
    if (term !== '\\') throw new PyJsonError('Invalid control character at', s, j);
    if (end >= s.length) throw new PyJsonError('Unterminated string starting at', s, begin);
    const esc = s[end]!;
    if (esc !== 'u') {
      const ch = ESCAPES[esc];
      // CPython's C scanner (what json.loads uses) reports the backslash's position
      if (ch === undefined) throw new PyJsonError('Invalid \\escape', s, end - 1);
      out += ch;
      end++;
      continue;
    }
    let uni = decodeU(s, end);
    end += 5;
    if (uni >= 0xd800 && uni <= 0xdbff && s.startsWith('\\u', end)) {
      const uni2 = decodeU(s, end + 1);
      if (uni2 >= 0xdc00 && uni2 <= 0xdfff) {
        uni = 0x10000 + (((uni - 0xd800) << 10) | (uni2 - 0xdc00));
        end += 6;
      }
    }
    out += String.fromCodePoint(uni);
  }
  return [out, end];
}

function decodeU(s: string, pos: number): number {
  const esc = s.slice(pos + 1, pos + 5);
  if (esc.length === 4 && /^[0-9a-fA-F]{4}$/.test(esc)) return parseInt(esc, 16);
  throw new PyJsonError('Invalid \\uXXXX escape', s, pos - 1);
}

function parseObject(s: string, end: number): [Record<string, unknown>, number] {
  const obj: Record<string, unknown> = {};
  let nextchar = s.slice(end, end + 1);
  if (nextchar !== '"') {
    if (nextchar !== '' && WS.includes(nextchar)) {
      end = skipWs(s, end);
      nextchar = s.slice(end, end + 1);
    }
    if (nextchar === '}') return [obj, end + 1];
    if (nextchar !== '"') throw new PyJsonError('Expecting property name enclosed in double quotes', s, end);
  }
  end += 1;
  for (;;) {
    let key: string;
    [key, end] = scanString(s, end);
    if (s.slice(end, end + 1) !== ':') {
      end = skipWs(s, end);
      if (s.slice(end, end + 1) !== ':') throw new PyJsonError("Expecting ':' delimiter", s, end);
    }
    end += 1;
    end = skipWs(s, end);
    let value: unknown;
    [value, end] = scanValue(s, end);
    obj[key] = value;
    end = skipWs(s, end);
    const c = s.slice(end, end + 1);
    end += 1;
    if (c === '}') break;
    if (c !== ',') throw new PyJsonError("Expecting ',' delimiter", s, end - 1);
    const commaIdx = end - 1;
    end = skipWs(s, end);
    nextchar = s.slice(end, end + 1);
    end += 1;
    if (nextchar !== '"') {
      if (nextchar === '}') throw new PyJsonError('Illegal trailing comma before end of object', s, commaIdx);
      throw new PyJsonError('Expecting property name enclosed in double quotes', s, end - 1);
    }
  }
  return [obj, end];
}

/** A member's value: where none starts, Python's "Expecting value" at that place. */
function scanValue(s: string, end: number): [unknown, number] {
  try {
    return scanOnce(s, end);
  } catch (e) {
    if (e instanceof StopIteration) throw new PyJsonError('Expecting value', s, e.pos);
    throw e;
  }
}

function parseArray(s: string, end: number): [unknown[], number] {
  const values: unknown[] = [];
  end = skipWs(s, end);
  if (s.slice(end, end + 1) === ']') return [values, end + 1];
  for (;;) {
    let value: unknown;
    [value, end] = scanValue(s, end);
    values.push(value);
    end = skipWs(s, end);
    const c = s.slice(end, end + 1);
    end += 1;
    if (c === ']') break;
    if (c !== ',') throw new PyJsonError("Expecting ',' delimiter", s, end - 1);
    const commaIdx = end - 1;
    end = skipWs(s, end);
    if (s.slice(end, end + 1) === ']') throw new PyJsonError('Illegal trailing comma before end of array', s, commaIdx);
  }
  return [values, end];
}

/** Python's str() of a value, as the CLI's text and table output and its messages print it. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyFloatOrInt(v);
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

function pyFloatOrInt(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** Python's repr() of JSON-like values: {'a': 1, 'b': [True, None]}. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Uint8Array) return `b'${Buffer.from(v).toString('latin1')}'`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return pyStr(v);
}

function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's type name, as printed in botocore's messages: <class 'str'>. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (Array.isArray(v)) return "<class 'list'>";
  if (v instanceof Uint8Array) return "<class 'bytes'>";
  return "<class 'dict'>";
}
