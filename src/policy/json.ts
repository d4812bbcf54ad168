// A small JSON parser that remembers where every element starts, so that both syntax errors
// and later grammar errors can point a learner at line:column (1-based).
//
// It accepts exactly RFC 8259 JSON (no comments, no trailing commas). Duplicate keys keep the
// last value, as JSON.parse does.

import type { PolicyProblem } from './types.js';

export type JsonPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  column: number;
}

export type ParseResult =
  | { ok: true; value: unknown; locate(path: JsonPath): Position | undefined }
  | { ok: false; problem: PolicyProblem };

/** Key under which a path's position is stored. */
function pathKey(path: JsonPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `.${p.replace(/[\\.[]/g, '\\$&')}`;
  return s;
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** What was there instead, e.g. "'\"'" (said after the position). */
    readonly found?: string,
  ) {
    super(message);
  }
}

/** Describes the character at `i` for an error message: "'}'", "end of input", "a line break". */
function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'the end of the text';
  const c = text[i]!;
  if (c === '\n' || c === '\r') return 'a line break';
  if (c === '\t') return 'a tab';
  if (c === '\u201c' || c === '\u201d') return `a typographic quote '${c}' (use a plain " instead)`;
  if (c === '\u2018' || c === '\u2019') return `a typographic quote '${c}' (use a plain " instead)`;
  if (c === "'") return `a single quote "'" (JSON strings use double quotes)`;
  const code = c.charCodeAt(0);
  if (code < 0x20) return `the control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${c}'`;
}

/** Converts a character offset to a 1-based line and column. Columns count UTF-16 code units. */
export function offsetToPosition(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

class Parser {
  i = 0;
  readonly offsets = new Map<string, number>();
  constructor(readonly text: string) {}

  fail(message: string, at = this.i, found?: string): never {
    throw new JsonSyntaxError(message, at, found);
  }

  ws(): void {
    const t = this.text;
    let i = this.i;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  parseDocument(): unknown {
    this.ws();
    if (this.i >= this.text.length) this.fail('The policy is empty: expected a JSON object starting with {');
    const v = this.value([], 'the start of the document');
    this.ws();
    if (this.i < this.text.length) {
      this.fail(`Unexpected ${describeChar(this.text, this.i)} after the end of the JSON document (is there an extra } or ]?)`);
    }
    return v;
  }

  value(path: (string | number)[], context: string): unknown {
    const t = this.text;
    const start = this.i;
    this.offsets.set(pathKey(path), start);
    const c = t[start];
    switch (c) {
      case '{':
        return this.object(path);
      case '[':
        return this.array(path);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        this.fail(`Expected a value (a "string", number, true, false, null, { or [) ${context}`, start, describeChar(t, start));
    }
  }

  literal<T>(word: string, v: T): T {
    if (this.text.startsWith(word, this.i)) {
      const after = this.text[this.i + word.length];
      if (after === undefined || !/[A-Za-z0-9_]/.test(after)) {
        this.i += word.length;
        return v;
      }
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.i, this.i + 40));
    const w = m ? m[0] : this.text[this.i];
    this.fail(`Unexpected word '${w}': strings must be in double quotes, and only true, false and null are allowed bare`);
  }

  number(): number {
    const t = this.text;
    const start = this.i;
    let i = start;
    if (t[i] === '-') i++;
    if (t[i] === '0') i++;
    else if (t[i]! >= '1' && t[i]! <= '9') while (t[i]! >= '0' && t[i]! <= '9') i++;
    else this.fail(`Invalid number: expected a digit after '-'`, i);
    if (t[i] === '.') {
      i++;
      if (!(t[i]! >= '0' && t[i]! <= '9')) this.fail(`Invalid number: expected a digit after '.'`, i);
      while (t[i]! >= '0' && t[i]! <= '9') i++;
    }
    if (t[i] === 'e' || t[i] === 'E') {
      i++;
      if (t[i] === '+' || t[i] === '-') i++;
      if (!(t[i]! >= '0' && t[i]! <= '9')) this.fail(`Invalid number: expected a digit in the exponent`, i);
      while (t[i]! >= '0' && t[i]! <= '9') i++;
    }
    this.i = i;
    return Number(t.slice(start, i));
  }

  string(): string {
    const t = this.text;
    const open = this.i;
    let i = open + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= t.length) this.fail('Unterminated string: the closing " is missing', open);
      const c = t.charCodeAt(i);
      if (c === 34) break; // "
      if (c === 10 || c === 13) this.fail('Unterminated string: a line break inside a string (is the closing " missing?)', open);
      if (c < 0x20) this.fail(`Invalid character in string: ${describeChar(t, i)} must be escaped`, i);
      if (c === 92) {
        out += t.slice(chunk, i);
        const e = t[i + 1];
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = t.slice(i + 2, i + 6);
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('Invalid escape: \\u must be followed by four hex digits', i);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.fail(`Invalid escape '\\${e ?? ''}' in string (a single backslash must be written as \\\\)`, i);
        }
        i += 2;
        chunk = i;
        continue;
      }
      i++;
    }
    out += t.slice(chunk, i);
    this.i = i + 1;
    return out;
  }

  object(path: (string | number)[]): Record<string, unknown> {
    const t = this.text;
    this.i++; // {
    const obj: Record<string, unknown> = {};
    this.ws();
    if (t[this.i] === '}') {
      this.i++;
      return obj;
    }
    for (;;) {
      this.ws();
      if (t[this.i] !== '"') {
        if (t[this.i] === '}') this.fail(`Unexpected '}' after ',': remove the trailing comma`);
        this.fail(`Expected a property name in double quotes`, this.i, describeChar(t, this.i));
      }
      const keyAt = this.i;
      const key = this.string();
      const childPath = [...path, key];
      this.offsets.set(pathKey(childPath) + '#key', keyAt);
      this.ws();
      if (t[this.i] !== ':') this.fail(`Expected ':' after property name "${key}"`, this.i, describeChar(t, this.i));
      this.i++;
      this.ws();
      const v = this.value(childPath, `for property "${key}"`);
      // Object.defineProperty keeps "__proto__" an ordinary key.
      Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = t[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return obj;
      }
      this.fail(`Expected ',' or '}' after property value`, this.i, describeChar(t, this.i));
    }
  }

  array(path: (string | number)[]): unknown[] {
    const t = this.text;
    this.i++; // [
    const arr: unknown[] = [];
    this.ws();
    if (t[this.i] === ']') {
      this.i++;
      return arr;
    }
    for (;;) {
      this.ws();
      if (t[this.i] === ']' && arr.length > 0) this.fail(`Unexpected ']' after ',': remove the trailing comma`);
      arr.push(this.value([...path, arr.length], 'in the list'));
      this.ws();
      const c = t[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return arr;
      }
      this.fail(`Expected ',' or ']' after a list element`, this.i, describeChar(t, this.i));
    }
  }
}

/**
 * Parses JSON text. On success, `locate(path)` gives the line:column where the element at
 * `path` starts: for an object member, where its "key" is written; for a list element or the
 * root, where the value starts.
 */
export function parsePolicyText(text: string): ParseResult {
  const p = new Parser(text);
  try {
    const value = p.parseDocument();
    const offsets = p.offsets;
    return {
      ok: true,
      value,
      locate(path: JsonPath): Position | undefined {
        const k = pathKey(path);
        const off = offsets.get(k + '#key') ?? offsets.get(k);
        return off === undefined ? undefined : offsetToPosition(text, off);
      },
    };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const pos = offsetToPosition(text, e.offset);
    return {
      ok: false,
      problem: {
        code: 'MalformedPolicyDocument',
        message: 'Syntax errors in policy.',
        detail: `${e.message} at line ${pos.line}, column ${pos.column}${e.found ? ` (found ${e.found})` : ''}.`,
        line: pos.line,
        column: pos.column,
      },
    };
  }
}
