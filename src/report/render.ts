// Writing a report as JSON, Markdown or JUnit XML. All three carry the complete signed
// report: JSON is the report itself; Markdown and JUnit embed its canonical form in a
// comment (`<!-- iamlab-report v1 BASE64 -->`) next to their human-readable text, and
// `iamlab verify` re-renders that text from the embedded data and compares, so an edit to
// the visible table is caught as surely as an edit to the data.
import { canonicalJson } from './canonical.js';
import { labFigures, type Report, type ReportLab, type ReportStep, type ReportFormat } from './types.js';

export const EMBED_PREFIX = '<!-- iamlab-report v1 ';
export const EMBED_SUFFIX = ' -->';

export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return renderMarkdown(report);
    case 'junit':
      return renderJunit(report);
  }
}

export function embedLine(report: Report): string {
  return `${EMBED_PREFIX}${Buffer.from(canonicalJson(report), 'utf8').toString('base64')}${EMBED_SUFFIX}`;
}

export function signatureText(report: Report): string {
  const s = report.signature;
  return s.algorithm === 'none' ? s.note : `${s.algorithm} over ${s.canonicalization}, workshop key id ${s.key_id}`;
}

export function backendText(lab: ReportLab): string {
  if (lab.backend.kind === 'sim') return 'simulated account';
  return lab.backend.account_id ? `real AWS account ${lab.backend.account_id}` : 'real AWS account (id not recorded)';
}

export function stepOutcome(lab: ReportLab, s: ReportStep): string {
  if (lab.recheck.status !== 'done') return s.passed_at ? 'passed (not rechecked)' : 'not passed';
  switch (s.now.status) {
    case 'pass':
      return s.skipped ? 'PASS (skipped)' : 'PASS';
    case 'fail':
      return s.passed_at ? 'FAIL now (passed earlier)' : 'FAIL';
    case 'pending':
      return 'PENDING';
    case 'error':
      return 'ERROR (could not check)';
    case 'not-checked':
      return s.passed_at ? 'passed (nothing to check)' : 'not passed (nothing to check)';
  }
}

// ---------- Markdown ----------

/** Table-cell text: one line, pipes and backslashes escaped, never empty. */
function cell(s: string): string {
  const t = s.replace(/[\r\n\t]+/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return t === '' ? '—' : t;
}
/** Inline text outside tables: one line, Markdown-significant characters at line start neutralised. */
function inline(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '').replace(/([\\`*_[\]<>#|])/g, '\\$1').trim();
}

function renderMarkdown(r: Report): string {
  const L: string[] = [];
  L.push(`# iamlab completion report${r.learner ? ` — ${inline(r.learner)}` : ''}`, '');
  L.push('| | |', '|---|---|');
  L.push(`| Learner | ${cell(r.learner ?? '(no name given)')} |`);
  L.push(`| Generated | ${r.generated_at} |`);
  L.push(`| iamlab | ${cell(r.iamlab_version)} |`);
  L.push(`| Signature | ${r.signature.algorithm === 'none' ? `**${cell(r.signature.note)}**` : cell(signatureText(r))} |`);
  L.push('');
  if (r.labs.length === 0) L.push('No lab progress was recorded.', '');
  for (const lab of r.labs) {
    const f = labFigures(lab);
    L.push(`## ${inline(lab.title ?? lab.id)} (${inline(lab.id)} ${inline(lab.version)})`, '');
    L.push(`- Backend: ${inline(backendText(lab))}`);
    L.push(`- Content hash: \`${lab.content_hash.replace(/`/g, '')}\``);
    L.push(`- Started: ${lab.started_at ?? '—'}`);
    L.push(
      lab.recheck.status === 'done'
        ? `- Checks re-run: ${lab.checked_at ?? '—'} (the "Now" column)`
        : `- Checks re-run: no — ${inline(lab.recheck.note ?? lab.recheck.status)}`,
    );
    L.push(
      `- Steps passed: ${f.passed}/${f.total}${f.skipped ? `, skipped ${f.skipped}` : ''}${f.recordedOnly ? ' (as recorded)' : ''}; hints shown: ${f.hints}; solutions viewed: ${f.solutionsViewed}; failed checks: ${f.attempts}`,
    );
    L.push('');
    L.push('| # | Step | Started | Passed at | Now | Attempts | Hints shown | Solution viewed | Skipped |');
    L.push('|---|---|---|---|---|---|---|---|---|');
    lab.steps.forEach((s, i) => {
      const name = s.title ? `${s.id} — ${s.title}` : s.id;
      const now = stepOutcome(lab, s) + (s.now.message && s.now.status !== 'pass' ? `: ${s.now.message}` : '');
      L.push(
        `| ${i + 1} | ${cell(name)} | ${s.started_at ?? '—'} | ${s.passed_at ?? '—'} | ${cell(now)} | ${s.attempts} | ${cell(s.hints_shown.join(', '))} | ${s.solution_viewed ? 'yes' : 'no'} | ${s.skipped ? 'yes' : 'no'} |`,
      );
    });
    L.push('');
    // what the re-run looked at, step by step: why "Now" says what it says
    if (lab.steps.some((s) => s.now.evidence?.length)) {
      L.push('What the checks read:', '');
      lab.steps.forEach((s, i) => {
        if (!s.now.evidence?.length) return;
        L.push(`${i + 1}. ${inline(s.id)}`);
        for (const e of s.now.evidence) L.push(`   - ${inline(e)}`);
      });
      L.push('');
    }
  }
  L.push('Check this report with `iamlab verify <file>`; the line below carries its signed data.', '');
  L.push(embedLine(r), '');
  return L.join('\n');
}

// ---------- JUnit XML ----------

/** XML 1.0 attribute/text escape; characters XML cannot carry become U+FFFD. */
function x(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function seconds(from: string | null, to: string | null): string {
  if (!from || !to) return '0';
  const d = (Date.parse(to) - Date.parse(from)) / 1000;
  return d > 0 ? d.toFixed(3) : '0';
}

type CaseKind = 'pass' | 'failure' | 'error' | 'skipped';
function caseKind(lab: ReportLab, s: ReportStep): { kind: CaseKind; message: string } {
  if (lab.recheck.status !== 'done') {
    if (s.skipped) return { kind: 'skipped', message: 'skipped: the solution was run (not rechecked)' };
    return s.passed_at ? { kind: 'pass', message: '' } : { kind: 'failure', message: 'not passed (not rechecked)' };
  }
  if (s.skipped && (s.now.status === 'pass' || s.now.status === 'not-checked')) return { kind: 'skipped', message: 'skipped: the solution was run' };
  if (s.now.status === 'not-checked') return s.passed_at ? { kind: 'pass', message: '' } : { kind: 'failure', message: 'not passed' };
  switch (s.now.status) {
    case 'pass':
      return { kind: 'pass', message: '' };
    case 'fail':
      return { kind: 'failure', message: s.now.message ?? (s.passed_at ? 'passed earlier, fails now' : 'not passed') };
    default:
      return { kind: 'error', message: s.now.message ?? `check ${s.now.status}` };
  }
}

function renderJunit(r: Report): string {
  const L: string[] = [];
  const cases = r.labs.map((lab) => lab.steps.map((s) => caseKind(lab, s)));
  const count = (k: CaseKind, cs: Array<{ kind: CaseKind }>) => cs.filter((c) => c.kind === k).length;
  const all = cases.flat();
  L.push('<?xml version="1.0" encoding="UTF-8"?>');
  L.push(embedLine(r));
  L.push(
    `<testsuites name="${x(`iamlab report${r.learner ? `: ${r.learner}` : ''}`)}" tests="${all.length}" failures="${count('failure', all)}" errors="${count('error', all)}" skipped="${count('skipped', all)}" timestamp="${r.generated_at}">`,
  );
  r.labs.forEach((lab, li) => {
    const cs = cases[li] ?? [];
    L.push(
      `  <testsuite name="${x(lab.id)}" id="${li}" package="iamlab.labs" tests="${cs.length}" failures="${count('failure', cs)}" errors="${count('error', cs)}" skipped="${count('skipped', cs)}" timestamp="${lab.checked_at ?? r.generated_at}" hostname="iamlab">`,
    );
    L.push('    <properties>');
    const props: Array<[string, string]> = [
      ['learner', r.learner ?? ''],
      ['lab.title', lab.title ?? ''],
      ['lab.version', lab.version],
      ['lab.content_hash', lab.content_hash],
      ['lab.started_at', lab.started_at ?? ''],
      ['backend', lab.backend.kind === 'sim' ? 'sim' : `real:${lab.backend.account_id ?? 'unknown'}`],
      ['recheck', lab.recheck.status === 'done' ? `done at ${lab.checked_at ?? ''}` : `${lab.recheck.status}: ${lab.recheck.note ?? ''}`],
      ['iamlab.version', r.iamlab_version],
      ['generated_at', r.generated_at],
      ['signature', signatureText(r)],
    ];
    for (const [k, v] of props) L.push(`      <property name="${x(k)}" value="${x(v)}"/>`);
    L.push('    </properties>');
    lab.steps.forEach((s, si) => {
      const c = cs[si] ?? { kind: 'pass' as const, message: '' };
      L.push(`    <testcase classname="${x(lab.id)}" name="${x(s.id)}" time="${seconds(s.started_at, s.passed_at)}">`);
      L.push('      <properties>');
      const sp: Array<[string, string]> = [
        ['title', s.title ?? ''],
        ['started_at', s.started_at ?? ''],
        ['passed_at', s.passed_at ?? ''],
        ['now', s.now.status],
        ['attempts', String(s.attempts)],
        ['hints_shown', s.hints_shown.join(',')],
        ['solution_viewed', String(s.solution_viewed)],
        ['skipped', String(s.skipped)],
      ];
      for (const [k, v] of sp) L.push(`        <property name="${x(k)}" value="${x(v)}"/>`);
      L.push('      </properties>');
      if (c.kind === 'failure') L.push(`      <failure message="${x(c.message)}" type="fail"/>`);
      else if (c.kind === 'error') L.push(`      <error message="${x(c.message)}" type="${x(s.now.status)}"/>`);
      else if (c.kind === 'skipped') L.push(`      <skipped message="${x(c.message)}"/>`);
      if (s.now.evidence?.length) L.push(`      <system-out>${x(s.now.evidence.join('\n'))}</system-out>`);
      L.push('    </testcase>');
    });
    L.push('  </testsuite>');
  });
  L.push('</testsuites>', '');
  return L.join('\n');
}
