// The AWS CLI's shorthand syntax for structure/list/map parameters:
//   --tags Key=team,Value=blue Key=env,Value=dev
//   --policy-arns arn=arn:aws:iam::aws:policy/ReadOnlyAccess
//   --filters Name=instance-state-name,Values=running,stopped
// Behaviour (grammar, backtracking on lists, error texts with the ^ marker) follows the CLI's
// documented shorthand syntax; then values are adjusted to the parameter's model (a single
// value where a list is expected becomes a one-element list; integers/booleans converted).

import type { Shape } from '../model/index.js';

export class ShorthandParseError extends Error {}

function errorLocation(value: string, index: number): string {
  let consumed = value;
  let remaining = '';
  let numSpaces = index;
  const before = value.slice(0, index);
  if (before.includes('\n')) numSpaces = index - before.lastIndexOf('\n') - 1;
  const after = value.slice(index);
  if (after.includes('\n')) {
    const next = index + after.indexOf('\n');
    consumed = value.slice(0, next);
    remaining = value.slice(next);
  }
  return `${consumed}\n${' '.repeat(numSpaces)}^${remaining}`;
}

class SyntaxErr extends ShorthandParseError {
  constructor(value: string, expected: string, actual: string, index: number) {
    super(`Expected: '${expected}', received: '${actual}' for input:\n ${errorLocation(value, index)}`);
  }
}

class DuplicateKeyErr extends ShorthandParseError {
  constructor(key: string, value: string, index: number) {
    super(
      `Second instance of key "${key}" encountered for input:\n${errorLocation(value, index)}\n` +
        'This is often because there is a preceding "," instead of a space.',
    );
  }
}

// Character classes of the CLI's shorthand grammar.
const START_WORD = "!#-&(-+\\--<>-Z\\\\-z|-\\uffff";
const FIRST_FOLLOW = "\\s!#-&(-+\\--\\\\^-|~-\\uffff";
const SECOND_FOLLOW = "\\s!#-&(-+\\--<>-\\uffff";
const ESCAPED_COMMA = '(\\\\,)';
const FIRST_VALUE = new RegExp(`(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${FIRST_FOLLOW}])*`, 'uy');
const SECOND_VALUE = new RegExp(`(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${SECOND_FOLLOW}])*`, 'uy');
const SINGLE_QUOTED = /'(?:\\'|[^'])*'/y;
const DOUBLE_QUOTED = /"(?:\\"|[^"])*"/y;
const KEY_CHARS = /[A-Za-z0-9\-_.#/:]/;
const WHITESPACE = /\s/;

export type ShorthandValue = string | ShorthandValue[] | { [k: string]: ShorthandValue };

/** Reads `file://`/`fileb://` for `key@=file://…` values; returns undefined if not such a path. */
export type ParamFileLoader = (value: string) => string | Uint8Array | undefined;

export class ShorthandParser {
  private s = '';
  private i = 0;
  private resolveFiles = false;

  constructor(private readonly loadFile?: ParamFileLoader) {}

  parse(value: string): Record<string, ShorthandValue> {
    this.s = value;
    this.i = 0;
    this.resolveFiles = false;
    return this.parameter();
  }

  private parameter(): Record<string, ShorthandValue> {
    const params: Record<string, ShorthandValue> = {};
    let [key, val] = this.keyval();
    params[key] = val;
    let lastIndex = this.i;
    while (this.i < this.s.length) {
      this.expect(',', true);
      [key, val] = this.keyval();
      if (Object.prototype.hasOwnProperty.call(params, key)) throw new DuplicateKeyErr(key, this.s, lastIndex + 1);
      params[key] = val;
      lastIndex = this.i;
    }
    return params;
  }

  private keyval(): [string, ShorthandValue] {
    const key = this.keyAndEquals();
    return [key, this.values()];
  }

  /** `key=` or `key@=` (the value names a file to read): the key, with resolveFiles set to match. */
  private keyAndEquals(): string {
    const key = this.key();
    this.resolveFiles = false;
    try {
      this.expect('@', true);
      this.resolveFiles = true;
    } catch (e) {
      if (!(e instanceof SyntaxErr)) throw e;
    }
    this.expect('=', true);
    return key;
  }

  private key(): string {
    const start = this.i;
    while (!this.atEof() && KEY_CHARS.test(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }

  private values(): ShorthandValue {
    if (this.atEof()) return '';
    const c = this.current();
    if (c === '[') return this.explicitList();
    if (c === '{') return this.hashLiteral();
    return this.csvValue();
  }

  private csvValue(): ShorthandValue {
    const first = this.firstValue();
    this.consumeWhitespace();
    if (this.atEof() || this.s[this.i] !== ',') return first;
    this.expect(',', true);
    const list: ShorthandValue[] = [first];
    for (;;) {
      try {
        const current = this.secondValue();
        this.consumeWhitespace();
        if (this.atEof()) {
          list.push(current);
          break;
        }
        this.expect(',', true);
        list.push(current);
      } catch (e) {
        if (!(e instanceof SyntaxErr)) throw e;
        if (this.atEof()) throw e;
        this.backtrackTo(',');
        break;
      }
    }
    if (list.length === 1) return first;
    return list;
  }

  private value(): string {
    const m = this.match(FIRST_VALUE);
    if (m !== undefined) {
      const processed = m.replaceAll('\\,', ',').trimEnd();
      return this.resolveFiles ? this.resolve(processed) : processed;
    }
    return '';
  }

  private explicitList(): ShorthandValue[] {
    this.expect('[', true);
    const values: ShorthandValue[] = [];
    while (this.current() !== ']') {
      values.push(this.explicitValues());
      this.consumeWhitespace();
      if (this.current() !== ']') {
        this.expect(',');
        this.consumeWhitespace();
      }
    }
    this.expect(']');
    return values;
  }

  private explicitValues(): ShorthandValue {
    const c = this.current();
    if (c === '[') return this.explicitList();
    if (c === '{') return this.hashLiteral();
    return this.firstValue();
  }

  private hashLiteral(): Record<string, ShorthandValue> {
    this.expect('{', true);
    const kv: Record<string, ShorthandValue> = {};
    while (this.current() !== '}') {
      const key = this.keyAndEquals();
      const v = this.explicitValues();
      this.consumeWhitespace();
      if (this.current() !== '}') {
        this.expect(',');
        this.consumeWhitespace();
      }
      kv[key] = v;
    }
    this.expect('}');
    return kv;
  }

  private firstValue(): string {
    const c = this.current();
    if (c === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (c === '"') return this.quoted(DOUBLE_QUOTED, '"');
    return this.value();
  }

  private quoted(re: RegExp, q: string): string {
    const raw = this.mustMatch(re, q === "'" ? 'singled quoted' : 'double quoted');
    const v = raw.slice(1, -1).replaceAll(`\\${q}`, q).replaceAll('\\\\', '\\');
    return this.resolveFiles ? this.resolve(v) : v;
  }

  private secondValue(): string {
    const c = this.current();
    if (c === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (c === '"') return this.quoted(DOUBLE_QUOTED, '"');
    const consumed = this.mustMatch(SECOND_VALUE, 'second');
    const processed = consumed.replaceAll('\\,', ',').trimEnd();
    return this.resolveFiles ? this.resolve(processed) : processed;
  }

  private resolve(v: string): string {
    const loaded = this.loadFile?.(v);
    if (loaded === undefined) return v;
    return typeof loaded === 'string' ? loaded : Buffer.from(loaded).toString('latin1');
  }

  private expect(ch: string, consumeWs = false): void {
    if (consumeWs) this.consumeWhitespace();
    if (this.i >= this.s.length) throw new SyntaxErr(this.s, ch, 'EOF', this.i);
    const actual = this.s[this.i]!;
    if (actual !== ch) throw new SyntaxErr(this.s, ch, actual, this.i);
    this.i++;
    if (consumeWs) this.consumeWhitespace();
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.i;
    const m = re.exec(this.s);
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  private mustMatch(re: RegExp, name: string): string {
    const m = this.match(re);
    if (m === undefined) throw new SyntaxErr(this.s, `<${name}>`, '<none>', this.i);
    return m;
  }

  private current(): string | undefined {
    return this.i < this.s.length ? this.s[this.i] : undefined;
  }

  private atEof(): boolean {
    return this.i >= this.s.length;
  }

  private backtrackTo(ch: string): void {
    while (this.i >= 0 && this.s[this.i] !== ch) this.i--;
  }

  private consumeWhitespace(): void {
    while (this.i < this.s.length && WHITESPACE.test(this.s[this.i]!)) this.i++;
  }
}

/**
 * Adjusts parsed shorthand to the model as the CLI does: a scalar where the model wants a
 * list becomes a one-element list; integer/long/double/float strings become numbers
 * (Python's int()/float(), whose failure the CLI reports as a plain ValueError); "true"/"false"
 * for booleans.
 */
export function backCompat(value: unknown, shape: Shape): void {
  visit({}, shape, '', value);
}

function visit(parent: Record<string | number, unknown>, shape: Shape, name: string | number, value: unknown): void {
  switch (shape.type) {
    case 'structure':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      for (const [m, ms] of Object.entries(shape.members ?? {})) {
        visit(value as Record<string, unknown>, ms, m, (value as Record<string, unknown>)[m]);
      }
      return;
    case 'list':
      if (!Array.isArray(value)) {
        // As the CLI: wrapped, not visited further.
        if (value !== undefined && value !== null) parent[name] = [value];
        return;
      }
      value.forEach((el, i) => visit(value as unknown as Record<number, unknown>, shape.member!, i, el));
      return;
    case 'map':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(value as Record<string, unknown>, shape.value!, k, v);
      return;
    default:
      if (value === undefined || value === null) return;
      if (shape.type === 'integer' || shape.type === 'long') parent[name] = pyInt(String(value));
      else if (shape.type === 'double' || shape.type === 'float') parent[name] = pyFloat(String(value));
      else if (shape.type === 'boolean' && typeof value === 'string') {
        if (value.toLowerCase() === 'true') parent[name] = true;
        else if (value.toLowerCase() === 'false') parent[name] = false;
      }
  }
}

/** A Python ValueError, shown by the CLI as its bare message. */
export class PyValueError extends Error {}

/** Python int(str): surrounding whitespace and underscores between digits allowed. */
export function pyInt(s: string): number {
  const t = s.trim();
  if (/^[+-]?\d+(_\d+)*$/.test(t)) return Number(t.replaceAll('_', ''));
  throw new PyValueError(`invalid literal for int() with base 10: ${pyQuote(s)}`);
}

export function pyFloat(s: string): number {
  const t = s.trim();
  if (/^[+-]?(\d+(_\d+)*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t.replaceAll('_', ''));
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  throw new PyValueError(`could not convert string to float: ${pyQuote(s)}`);
}

function pyQuote(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
