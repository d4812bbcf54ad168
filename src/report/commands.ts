// `iamlab report`, `iamlab verify`, `iamlab roster`.
import { readFileSync, statSync } from 'node:fs';
import { checkSignature } from './sign.js';
import { renderReport } from './render.js';
import { parseReportText, ReportParseError } from './parse.js';
import { signatureWord, verifyReport, type LabLookup, type ReportVerdict } from './verify.js';
import { buildRoster, renderRoster, type RosterInput } from './roster.js';
import { textTable } from './table.js';
import { UNSIGNED_NOTE, type Report, type ReportFormat } from './types.js';
import { collectReport, labCatalog, NoProgressError, realRecheck } from './labs-access.js';

type Out = Pick<NodeJS.WritableStream, 'write'>;

interface IO {
  out?: Out;
  err?: Out;
}

export interface ReportCommandOptions extends IO {
  lab?: string;
  format?: string;
  workshopKey?: string;
  name?: string;
  /** Defaults: $IAMLAB_HOME / conf's folder, the package's labs/, the wall clock. */
  home?: string;
  labsDir?: string;
  now?: () => Date;
}

export interface VerifyCommandOptions extends IO {
  files: string[];
  workshopKey?: string;
  /** Re-run the checks on a real account (needs --profile or the default credentials). */
  real?: boolean;
  profile?: string;
  region?: string;
  /** Unsigned reports are bad reports. */
  requireSigned?: boolean;
  labsDir?: string;
  now?: () => Date;
  /** Tests: options for the real-account checker's backend (endpoint, retries). */
  realBackendOptions?: Record<string, unknown>;
}

export interface RosterCommandOptions extends IO {
  files: string[];
  format?: string;
  /** To check signatures (else IAMLAB_WORKSHOP_KEY; without either, signed reports show as "not checked"). */
  workshopKey?: string;
  labsDir?: string;
  now?: () => Date;
}

const MAX_REPORT_BYTES = 5 * 1024 * 1024;

function keyFrom(given: string | undefined): string | undefined {
  const k = given ?? process.env.IAMLAB_WORKSHOP_KEY;
  return k ? k : undefined;
}

export async function reportCommand(o: ReportCommandOptions): Promise<number> {
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  const format = (o.format ?? 'json') as ReportFormat;
  if (!['json', 'md', 'junit'].includes(format)) {
    err.write(`iamlab: --format ${o.format}: use json, md or junit\n`);
    return 2;
  }
  const key = keyFrom(o.workshopKey);
  let report: Report;
  try {
    const r = await collectReport({ lab: o.lab, name: o.name, key, home: o.home, labsDir: o.labsDir, now: o.now });
    report = r.report;
    for (const w of r.warnings) err.write(`warning: ${w}\n`);
  } catch (e) {
    if (e instanceof NoProgressError) {
      err.write(`iamlab: ${e.message}\n`);
      return 1;
    }
    if (e instanceof Error && /^Lab(NotFound|Load)Error$/.test(e.name)) {
      err.write(`iamlab: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  out.write(renderReport(report, format));
  if (report.signature.algorithm === 'none') {
    err.write(`${UNSIGNED_NOTE}: the report is unsigned (give the instructor's key with --workshop-key or IAMLAB_WORKSHOP_KEY to sign it)\n`);
  }
  if (!report.learner) err.write('note: no learner name in the report (give --name NAME once; it is remembered)\n');
  return 0;
}

/** Reads and parses one report file; never throws. */
export function readReportFile(file: string): RosterInput {
  try {
    const st = statSync(file);
    if (st.isDirectory()) return { file, error: 'is a folder, not a report file' };
    if (st.size > MAX_REPORT_BYTES) return { file, error: `is ${st.size} bytes; a report is never that large` };
    const parsed = parseReportText(readFileSync(file, 'utf8'), file);
    return { file, report: parsed.report, fileProblems: parsed.problems };
  } catch (e) {
    if (e instanceof ReportParseError) return { file, error: e.message.startsWith(file) ? e.message.slice(file.length).replace(/^:\s*/, '') : e.message };
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, error: 'no such file' };
    if (code === 'EACCES' || code === 'EPERM') return { file, error: 'not allowed to read it' };
    return { file, error: (e as Error).message };
  }
}

function stepsText(v: ReportVerdict['labs'][number]): string {
  const f = v.figures;
  return `${f.passed}/${f.total}${f.skipped ? ` +${f.skipped} skipped` : ''}${f.recordedOnly ? ' (recorded)' : ''}`;
}

export async function verifyCommand(o: VerifyCommandOptions): Promise<number> {
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  if (o.files.length === 0) {
    err.write('iamlab: missing argument: iamlab verify <report…> [--workshop-key K] [--require-signed] [--real --profile P]\n');
    return 2;
  }
  const key = keyFrom(o.workshopKey);
  const catalog = labCatalog(o.labsDir);
  const now = (o.now ?? (() => new Date()))();
  const rows: string[][] = [];
  const details: string[] = [];
  let bad = 0;
  let unsigned = 0;
  const verdicts: Array<{ file: string; report: Report; verdict: ReportVerdict }> = [];
  for (const file of o.files) {
    const inp = readReportFile(file);
    if (!inp.report) {
      bad++;
      rows.push([file, '—', '—', '—', 'unreadable', inp.error ?? '']);
      continue;
    }
    const v = verifyReport(inp.report, { key, lookup: catalog.lookup, now, requireSigned: o.requireSigned }, inp.fileProblems ?? []);
    verdicts.push({ file, report: inp.report, verdict: v });
    if (!v.ok) bad++;
    if (v.signature.state === 'unsigned') unsigned++;
    const learner = inp.report.learner ?? '(no name)';
    const sig = signatureWord(v.signature);
    if (v.labs.length === 0) rows.push([file, learner, '—', '—', sig, v.problems.join('; ') || '—']);
    for (const l of v.labs) {
      rows.push([file, learner, `${l.lab.id} ${l.lab.version}`, stepsText(l), sig, [...v.problems, ...l.problems].join('; ') || '—']);
      for (const n of l.notes) details.push(`${file}: ${l.lab.id}: ${n}`);
    }
  }
  out.write(textTable(['File', 'Learner', 'Lab', 'Steps passed', 'Signature', 'Problems'], rows));
  for (const d of details) out.write(`note: ${d}\n`);
  for (const e of catalog.errors) err.write(`warning: ${e}\n`);
  const total = o.files.length;
  out.write(`${total} report${total === 1 ? '' : 's'}: ${total - bad} ok, ${bad} bad${unsigned ? `, ${unsigned} unsigned` : ''}${key ? '' : ' (no workshop key given: signatures not checked)'}\n`);

  if (o.real) {
    const r = await realRecheck(verdicts, { profile: o.profile, region: o.region, labsDir: o.labsDir, out, err, ...(o.realBackendOptions ? { backendOptions: o.realBackendOptions } : {}) });
    if (r !== 0) return r;
  }
  return bad > 0 ? 1 : 0;
}

export async function rosterCommand(o: RosterCommandOptions): Promise<number> {
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  const format = o.format ?? 'md';
  if (format !== 'md' && format !== 'csv') {
    err.write(`iamlab: --format ${format}: use md or csv\n`);
    return 2;
  }
  if (o.files.length === 0) {
    err.write('iamlab: missing argument: iamlab roster <report…> [--format md|csv]\n');
    return 2;
  }
  const key = keyFrom(o.workshopKey);
  const catalog = labCatalog(o.labsDir);
  const inputs = o.files.map(readReportFile);
  const roster = buildRoster(inputs, { key, lookup: catalog.lookup, now: (o.now ?? (() => new Date()))() });
  out.write(renderRoster(roster, format));
  if (format === 'csv') for (const n of roster.notes) err.write(`note: ${n}\n`);
  if (!key && inputs.some((i) => i.report && checkSignature(i.report, undefined).state === 'unchecked')) {
    err.write('note: no workshop key given (--workshop-key or IAMLAB_WORKSHOP_KEY): signatures were not checked\n');
  }
  return inputs.some((i) => !i.report) ? 1 : 0;
}

export type { LabLookup };
