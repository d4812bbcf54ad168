// Reading a report file back, whatever format it was written in (json, md, junit).
import { parsePolicyText } from '../policy/json.js';
import { EMBED_PREFIX, EMBED_SUFFIX, renderReport } from './render.js';
import { ReportSchema, type Report, type ReportFormat } from './types.js';

export class ReportParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportParseError';
  }
}

export interface ParsedReport {
  report: Report;
  format: ReportFormat;
  /** Problems with the file around the data (edited Markdown/JUnit text). */
  problems: string[];
}

/** line:column (1-based) of a 0-based offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col };
}

/** JSON.parse with a "file:line:column: what" message (the policy JSON reader locates the error). */
export function parseJsonAt(text: string, where: string): unknown {
  if (text.trim() === '') throw new ReportParseError(`${where}: the file is empty`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const located = parsePolicyText(text);
    if (!located.ok && located.problem.line !== undefined) {
      const what = (located.problem.detail ?? 'syntax error').replace(/ at line \d+, column \d+\.?$/, '');
      throw new ReportParseError(`${where}:${located.problem.line}:${located.problem.column}: not valid JSON: ${what}`);
    }
    throw new ReportParseError(`${where}: not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(top level)';
}

/** Validates parsed data as a report; the message names the field. */
export function toReport(data: unknown, where: string): Report {
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== 'iamlab-report') {
    throw new ReportParseError(`${where}: not an iamlab report (no "format": "iamlab-report")`);
  }
  const v = (data as { format_version?: unknown }).format_version;
  if (v !== 1) {
    throw new ReportParseError(`${where}: report format version ${JSON.stringify(v)} is not one this iamlab reads (it reads 1)`);
  }
  const r = ReportSchema.safeParse(data);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${pathText(i.path)}: ${i.message}`);
    const more = r.error.issues.length > 3 ? ` (and ${r.error.issues.length - 3} more)` : '';
    throw new ReportParseError(`${where}: not a valid report: ${first.join('; ')}${more}`);
  }
  return r.data;
}

export function detectFormat(text: string): ReportFormat {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('{')) return 'json';
  if (t.startsWith('<?xml') || t.startsWith('<testsuites')) return 'junit';
  return 'md';
}

export function parseReportText(text: string, where = 'report'): ParsedReport {
  const format = detectFormat(text);
  if (format === 'json') return { report: toReport(parseJsonAt(text.replace(/^\uFEFF/, ''), where), where), format, problems: [] };
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const start = normalized.indexOf(EMBED_PREFIX);
  if (start < 0) {
    throw new ReportParseError(`${where}: not an iamlab report: no "${EMBED_PREFIX.trim()} …" line (was it written by iamlab report --format ${format}?)`);
  }
  const end = normalized.indexOf(EMBED_SUFFIX, start + EMBED_PREFIX.length);
  const b64 = end < 0 ? '' : normalized.slice(start + EMBED_PREFIX.length, end);
  const { line } = lineColumn(normalized, start);
  if (end < 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    throw new ReportParseError(`${where}:${line}: the embedded report data is damaged (not base64 ending in " -->")`);
  }
  const json = Buffer.from(b64, 'base64').toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ReportParseError(`${where}:${line}: the embedded report data is damaged (not JSON)`);
  }
  const report = toReport(data, `${where} (embedded data, line ${line})`);
  const problems: string[] = [];
  const expected = renderReport(report, format);
  if (expected !== normalized) {
    const a = normalized.split('\n');
    const b = expected.split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    problems.push(
      `the ${format === 'md' ? 'Markdown' : 'JUnit'} text was edited after it was generated (line ${i + 1} differs from what its signed data says)`,
    );
  }
  return { report, format, problems };
}
