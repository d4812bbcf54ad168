// Output as the AWS CLI v2 prints it: json (4-space indent), text (tab-separated, section
// names upper-cased, keys sorted), table (boxes titled with the operation name, auto-rotated
// when wider than the terminal) and yaml. Before formatting, an API output goes through the
// CLI's response processing: model member order, timestamps as ISO 8601 with +00:00, blobs
// as base64, IAM policy documents decoded into JSON documents.

import { eastAsianWidth } from 'get-east-asian-width';
import type { Shape } from '../model/index.js';
import { pyStr } from './pyjson.js';

// ---- response processing ----

/** A timestamp as CLI v2 prints it: 2026-01-01T09:00:00+00:00 (the services send whole seconds). */
export function isoTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(typeof v === 'number' && v < 1e12 ? v * 1000 : v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** decode_quoted_jsondoc: a policy document string becomes the JSON document; unparsable stays a string. */
function decodePolicyDocument(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  let text = v;
  if (/^\s*%7B/i.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return v;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return v;
  }
}

/**
 * The CLI's view of an API output: members in model order (unknown members after them),
 * Date -> ISO string, Uint8Array -> base64, policy documents -> objects.
 */
export function processOutput(value: unknown, shape: Shape | undefined): unknown {
  if (value === undefined) return undefined;
  if (!shape) return plain(value);
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return plain(value);
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const members = shape.members ?? {};
      for (const m of Object.keys(members)) {
        if (src[m] !== undefined) out[m] = processOutput(src[m], members[m]);
      }
      for (const [k, v] of Object.entries(src)) {
        if (!(k in members) && v !== undefined && k !== 'ResponseMetadata') out[k] = plain(v);
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((x) => processOutput(x, shape.member)) : plain(value);
    case 'map': {
      if (value === null || typeof value !== 'object') return plain(value);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = processOutput(v, shape.value);
      return out;
    }
    case 'timestamp': {
      const d = toDate(value);
      return d ? isoTimestamp(d) : plain(value);
    }
    case 'blob':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : plain(value);
    case 'string':
      return shape.policyDocument ? decodePolicyDocument(value) : plain(value);
    default:
      return plain(value);
  }
}

function plain(v: unknown): unknown {
  if (v instanceof Date) return isoTimestamp(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}

// ---- json ----

/** json.dumps(indent=4, ensure_ascii=False) + newline; nothing for an empty response ({}). */
export function formatJson(v: unknown): string {
  if (isEmptyDict(v)) return '';
  return `${JSON.stringify(v === undefined ? null : v, jsonReplacer, 4)}\n`;
}

function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

function isEmptyDict(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

// ---- text ----

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || typeof v !== 'object';

/** The CLI's text format. */
export function formatText(data: unknown): string {
  const out: string[] = [];
  textItem(data, out, undefined, undefined);
  return out.join('');
}

function textItem(item: unknown, out: string[], identifier: string | undefined, scalarKeys: string[] | undefined): void {
  if (isDict(item)) textDict(scalarKeys, item, identifier, out);
  else if (Array.isArray(item)) textList(item, identifier, out);
  else out.push(`${pyStr(item)}\n`);
}

function textList(item: unknown[], identifier: string | undefined, out: string[]): void {
  if (item.length === 0) return;
  if (item.some(isDict)) {
    const allKeys = allScalarKeys(item);
    for (const el of item) textItem(el, out, identifier, allKeys);
  } else if (item.some(Array.isArray)) {
    const scalars = item.filter(isScalar);
    const nonScalars = item.filter((x) => !isScalar(x));
    if (scalars.length) textScalarList(scalars, identifier, out);
    for (const ns of nonScalars) textItem(ns, out, identifier, undefined);
  } else {
    textScalarList(item, identifier, out);
  }
}

function textScalarList(elements: unknown[], identifier: string | undefined, out: string[]): void {
  if (identifier !== undefined) {
    for (const el of elements) out.push(`${identifier.toUpperCase()}\t${pyStr(el)}\n`);
  } else {
    out.push(`${elements.map(pyStr).join('\t')}\n`);
  }
}

function textDict(scalarKeys: string[] | undefined, item: Record<string, unknown>, identifier: string | undefined, out: string[]): void {
  const scalars: string[] = [];
  const nonScalars: Array<[string, unknown]> = [];
  if (scalarKeys === undefined) {
    for (const key of Object.keys(item).sort(pyCompare)) {
      const v = item[key];
      if (isScalar(v)) scalars.push(pyStr(v));
      else nonScalars.push([key, v]);
    }
  } else {
    for (const key of scalarKeys) scalars.push(key in item ? pyStr(item[key]) : '');
    const keySet = new Set(scalarKeys);
    for (const key of Object.keys(item).filter((k) => !keySet.has(k)).sort(pyCompare)) nonScalars.push([key, item[key]]);
  }
  if (scalars.length) {
    if (identifier !== undefined) scalars.unshift(identifier.toUpperCase());
    out.push(`${scalars.join('\t')}\n`);
  }
  for (const [id, v] of nonScalars) textItem(v, out, id, undefined);
}

function allScalarKeys(list: unknown[]): string[] {
  const seen = new Set<string>();
  for (const d of list) {
    if (!isDict(d)) continue;
    for (const [k, v] of Object.entries(d)) if (isScalar(v)) seen.add(k);
  }
  return [...seen].sort(pyCompare);
}

/** Python's default string ordering (by code point). */
export function pyCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i]!.codePointAt(0)!;
    const y = cb[i]!.codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}

// ---- table ----

/** unicodedata.east_asian_width W, F and A count as two columns. */
export function textLength(text: string): number {
  let n = 0;
  for (const ch of text) n += eastAsianWidth(ch.codePointAt(0)!, { ambiguousAsWide: true });
  return n;
}

/** Python's round(): half to even. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function centerText(text: string, length: number, left: string, right: string, textLen = textLength(text)): string {
  const charStart = Math.floor(length / 2) - Math.floor(textLen / 2) - 1;
  let out = left + ' '.repeat(Math.max(0, charStart)) + text;
  const soFar = textLength(left) + charStart + textLen;
  out += ' '.repeat(Math.max(0, length - textLength(right) - soFar)) + right;
  return out;
}

function alignLeft(text: string, length: number, left: string, right: string, textLen = textLength(text), leftPadding = 2): string {
  const computed = textLen + leftPadding + textLength(left) + textLength(right);
  const padding = length - computed >= 0 ? leftPadding : 0;
  const soFar = left.length + padding + textLen;
  return left + ' '.repeat(padding) + text + ' '.repeat(Math.max(0, length - soFar - right.length)) + right;
}

/** Raised where the CLI's table builder raises ValueError (ragged rows); the CLI exits 255. */
export class TableError extends Error {}

class Section {
  title = '';
  headers: string[] = [];
  rows: string[][] = [];
  indent = 0;
  private numCols: number | undefined;
  private maxWidths: number[] = [];

  columnWidths(padding = 0, maxWidth?: number): number[] {
    const unscaled = this.maxWidths.map((w) => w + padding);
    if (maxWidth === undefined || unscaled.length === 0) return unscaled;
    const sum = unscaled.reduce((a, b) => a + b, 0);
    const scale = maxWidth / sum;
    const scaled = unscaled.map((w) => pyRound(scale * w));
    let off = scaled.reduce((a, b) => a + b, 0) - maxWidth;
    while (off !== 0) {
      const order = [...scaled.keys()];
      if (off < 0) order.reverse();
      for (const i of order) {
        if (off > 0) {
          scaled[i]!--;
          off--;
        } else {
          scaled[i]!++;
          off++;
        }
        if (off === 0) break;
      }
    }
    return scaled;
  }

  totalWidth(padding = 0, withBorder = false, outerPadding = 0): number {
    let total = 0;
    for (const w of this.columnWidths()) total += w + padding;
    if (withBorder) total += 2;
    total += 2 * outerPadding;
    return Math.max(textLength(this.title) + 2 + 2 * outerPadding, total);
  }

  addHeader(headers: string[]): void {
    this.updateMaxWidths(headers);
    if (this.numCols === undefined) this.numCols = headers.length;
    this.headers = headers;
  }

  addRow(row: unknown[]): void {
    if (this.numCols === undefined) this.numCols = row.length;
    if (row.length !== this.numCols) throw new TableError(`Row should have ${this.numCols} elements, instead it has ${row.length}`);
    const r = row.map(pyStr);
    this.rows.push(r);
    this.updateMaxWidths(r);
  }

  private updateMaxWidths(row: string[]): void {
    if (this.maxWidths.length === 0) this.maxWidths = row.map(textLength);
    else row.forEach((el, i) => (this.maxWidths[i] = Math.max(textLength(el), this.maxWidths[i] ?? 0)));
  }
}

interface Styler {
  row(t: string): string;
  indent(t: string): string;
}
const PLAIN: Styler = { row: (t) => t, indent: (t) => t };
const COLOR: Styler = { row: (t) => `\x1b[1m\x1b[34m${t}\x1b[0m`, indent: (t) => `\x1b[2m\x1b[33m${t}\x1b[0m` };

class MultiTable {
  sections: Section[] = [];
  private current: Section | undefined;
  constructor(
    private readonly terminalWidth: number,
    private readonly styler: Styler,
  ) {}

  newSection(title: string, indent = 0): void {
    this.current = new Section();
    this.current.title = title;
    this.current.indent = indent;
    this.sections.push(this.current);
  }
  addRowHeader(h: string[]): void {
    this.cur().addHeader(h);
  }
  addRow(r: unknown[]): void {
    this.cur().addRow(r);
  }
  private cur(): Section {
    if (!this.current) this.newSection('');
    return this.current!;
  }

  render(): string {
    const out: string[] = [];
    let maxWidth = this.maxWidth();
    if (maxWidth > this.terminalWidth) {
      this.toVertical();
      maxWidth = this.maxWidth();
    }
    out.push(`${'-'.repeat(maxWidth)}\n`);
    for (const s of this.sections) this.renderSection(s, maxWidth, out);
    return out.join('');
  }

  private toVertical(): void {
    this.sections = this.sections.map((s) => {
      if (s.rows.length !== 1 || s.headers.length === 0) return s;
      const n = new Section();
      n.title = s.title;
      n.indent = s.indent;
      s.headers.forEach((h, i) => {
        if (i < s.rows[0]!.length) n.addRow([h, s.rows[0]![i]]);
      });
      return n;
    });
  }

  private maxWidth(): number {
    return Math.max(...this.sections.map((s) => s.totalWidth(4, true, s.indent)));
  }

  private renderSection(s: Section, maxWidth: number, out: string[]): void {
    const ind = this.styler.indent('|').repeat(s.indent);
    const write = (line: string) => out.push(`${ind}${line}${ind}\n`);
    const width = maxWidth - s.indent * 2;
    if (s.title) {
      write(centerText(s.title, width, '|', '|'));
      if (s.headers.length === 0 && s.rows.length === 0) write(`+${'-'.repeat(width - 2)}+`);
    }
    if (s.headers.length) {
      const widths = s.columnWidths(4, width);
      let line = '';
      s.headers.forEach((h, i) => {
        if (i < widths.length) line += centerText(h, widths[i]!, i === 0 ? '|' : '', '|');
      });
      write(lineBreak(widths));
      write(line);
    }
    if (s.rows.length) {
      const widths = s.columnWidths(4, width);
      if (widths.length === 0) return;
      write(lineBreak(widths));
      for (const row of s.rows) {
        let line = '';
        row.forEach((el, i) => {
          if (i < widths.length) line += alignLeft(this.styler.row(el), widths[i]!, i === 0 ? '|' : '', '|', textLength(el));
        });
        write(line);
      }
      write(lineBreak(widths));
    }
  }
}

function lineBreak(widths: number[]): string {
  return widths.map((w, i) => (i === 0 ? `+${'-'.repeat(w - 2)}+` : `${'-'.repeat(w - 1)}+`)).join('');
}

/** The CLI's table format; title = the operation's API name (ListRoles). */
export function formatTable(title: string | undefined, data: unknown, terminalWidth = 80, color = false): string {
  const t = new MultiTable(terminalWidth, color ? COLOR : PLAIN);
  if (!buildTable(t, title, data, 0)) return '';
  return t.render();
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function buildTable(t: MultiTable, title: string | undefined, current: unknown, indent: number): boolean {
  if (!truthy(current)) return false;
  if (title !== undefined) t.newSection(title, indent);
  if (Array.isArray(current)) {
    if (isDict(current[0])) {
      subTableFromList(t, current, indent, title);
    } else {
      for (const item of current) {
        if (isScalar(item)) t.addRow([item]);
        else if (Array.isArray(item) && item.every(isScalar)) t.addRow(item);
        else if (isDict(item) && Object.keys(item).length > 0) t.addRow(Object.keys(item)); // iterating a dict yields its keys
        else if (isDict(item)) t.addRow([]);
        else buildTable(t, undefined, item, 0);
      }
    }
  }
  if (isDict(current)) subTableFromDict(t, current, indent);
  return true;
}

function groupScalarKeys(d: Record<string, unknown>): [string[], string[]] {
  const headers: string[] = [];
  const more: string[] = [];
  for (const [k, v] of Object.entries(d)) (isScalar(v) ? headers : more).push(k);
  return [headers.sort(pyCompare), more.sort(pyCompare)];
}

function subTableFromDict(t: MultiTable, current: Record<string, unknown>, indent: number): void {
  const [headers, more] = groupScalarKeys(current);
  if (headers.length === 1) t.addRow([headers[0], current[headers[0]!]]);
  else if (headers.length) {
    t.addRowHeader(headers);
    t.addRow(headers.map((k) => current[k]));
  }
  for (const r of more) buildTable(t, r, current[r], indent + 1);
}

function subTableFromList(t: MultiTable, current: unknown[], indent: number, title: string | undefined): void {
  const hs = new Set<string>();
  const ms = new Set<string>();
  for (const item of current) {
    if (!isDict(item)) continue;
    const [h, m] = groupScalarKeys(item);
    h.forEach((x) => hs.add(x));
    m.forEach((x) => ms.add(x));
  }
  const headers = [...hs].sort(pyCompare);
  const more = [...ms].sort(pyCompare);
  t.addRowHeader(headers);
  let first = true;
  for (const el of current) {
    const e = isDict(el) ? el : {};
    if (!first && more.length) {
      t.newSection(title ?? '', indent);
      t.addRowHeader(headers);
    }
    first = false;
    t.addRow(headers.map((h) => (h in e ? e[h] : '')));
    for (const r of more) if (r in e) buildTable(t, r, e[r], indent + 1);
  }
}

// ---- yaml ----

/** ruamel's safe dump as the CLI configures it: block style, sequences not indented. */
export async function formatYaml(v: unknown): Promise<string> {
  if (isEmptyDict(v)) return '';
  if (v === null || typeof v !== 'object') return `${JSON.stringify(v ?? null)}\n`;
  const { stringify } = await import('yaml');
  return stringify(v, {
    indentSeq: false,
    singleQuote: true,
    blockQuote: false,
    lineWidth: 80,
    customTags: ['timestamp'],
    aliasDuplicateObjects: false,
  });
}
