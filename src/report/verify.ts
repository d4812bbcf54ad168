// `iamlab verify`: signature and consistency checks of reports (pure; the command reads files).
import { checkSignature, type SignatureState } from './sign.js';
import { labFigures, type LabFigures, type Report, type ReportLab } from './types.js';

/** What this iamlab knows about a lab (from its catalog). */
export interface KnownLab {
  id: string;
  version: string;
  contentHash: string;
  steps: Array<{ id: string; hints: string[] }>;
}
export type LabLookup = (id: string) => KnownLab | undefined;

export interface VerifyOptions {
  key?: string;
  /** Unsigned (or signed but unchecked) reports count as bad. */
  requireSigned?: boolean;
  lookup: LabLookup;
  /** The verifier's clock; times later than now + skew are flagged. */
  now?: Date;
  /** Tolerated clock difference between the learner's machine and this one (ms). Default 10 min. */
  skewMs?: number;
}

export interface LabVerdict {
  lab: ReportLab;
  figures: LabFigures;
  problems: string[];
  /** Facts that are not errors (a step that passed earlier fails now). */
  notes: string[];
}

export interface ReportVerdict {
  signature: SignatureState;
  /** Report-level problems (file, signature, generated_at). */
  problems: string[];
  labs: LabVerdict[];
  /** True when nothing is wrong (signature ok, or unsigned and not required; no problems). */
  ok: boolean;
}

const t = (s: string) => Date.parse(s);

export function verifyReport(report: Report, opts: VerifyOptions, fileProblems: string[] = []): ReportVerdict {
  const now = (opts.now ?? new Date()).getTime();
  const skew = opts.skewMs ?? 10 * 60_000;
  const signature = checkSignature(report, opts.key);
  const problems = [...fileProblems];
  if (signature.state === 'bad') problems.push(`signature BAD: ${signature.reason}`);
  if (signature.state === 'unchecked') problems.push(signature.reason);
  if (signature.state === 'unsigned' && opts.requireSigned) problems.push(`${signature.reason} (--require-signed)`);
  const gen = t(report.generated_at);
  if (gen > now + skew) problems.push(`generated_at ${report.generated_at} is in the future`);
  if (report.labs.length === 0) problems.push('the report has no labs');
  const seen = new Set<string>();
  const labs = report.labs.map((lab) => {
    const v = verifyLab(lab, gen, opts.lookup);
    // a lab done on the simulated account and on a real one is there once for each
    const k = `${lab.id}\0${lab.backend.kind}`;
    if (seen.has(k)) v.problems.push(`lab ${lab.id}${lab.backend.kind === 'real' ? ' (real account)' : ''} appears twice in the report`);
    seen.add(k);
    return v;
  });
  const ok = problems.length === 0 && labs.every((l) => l.problems.length === 0);
  return { signature, problems, labs, ok };
}

function verifyLab(lab: ReportLab, generatedAt: number, lookup: LabLookup): LabVerdict {
  const problems: string[] = [];
  const notes: string[] = [];
  const known = lookup(lab.id);
  if (!known) {
    problems.push(`lab ${lab.id} is not known to this iamlab`);
  } else if (known.version !== lab.version) {
    problems.push(`lab ${lab.id} version ${lab.version} is not known to this iamlab (it has ${known.version})`);
  } else if (known.contentHash !== lab.content_hash) {
    problems.push(`lab ${lab.id} ${lab.version}: content hash ${short(lab.content_hash)} differs from this iamlab's (${short(known.contentHash)}): a modified lab`);
  }

  // Steps: the lab's steps, each once, in the lab's order.
  const ids = lab.steps.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) problems.push(`step ${dup} appears twice`);
  if (known && !dup) {
    const want = known.steps.map((s) => s.id);
    const unknown = ids.filter((id) => !want.includes(id));
    const missing = want.filter((id) => !ids.includes(id));
    if (unknown.length) problems.push(`steps not in lab ${lab.id}: ${unknown.join(', ')}`);
    if (missing.length) problems.push(`steps of lab ${lab.id} missing from the report: ${missing.join(', ')}`);
    if (!unknown.length && !missing.length && ids.join('\0') !== want.join('\0')) {
      problems.push(`steps are not in the lab's order (${want.join(', ')})`);
    }
    for (const s of lab.steps) {
      const ks = known.steps.find((k) => k.id === s.id);
      const bad = ks ? s.hints_shown.filter((h) => !ks.hints.includes(h)) : [];
      if (bad.length) problems.push(`step ${s.id}: hints ${bad.join(', ')} are not hints of that step`);
    }
  }

  // Times: in order, and none after the report was generated.
  const labStart = lab.started_at ? t(lab.started_at) : undefined;
  if (labStart !== undefined && labStart > generatedAt) problems.push(`lab started_at ${lab.started_at} is after the report was generated`);
  if (lab.checked_at && t(lab.checked_at) > generatedAt) problems.push(`checked_at ${lab.checked_at} is after the report was generated`);
  if (lab.recheck.status === 'done' && !lab.checked_at) problems.push('checks re-run but no checked_at time');
  if (lab.recheck.status !== 'done' && lab.steps.some((s) => s.now.status !== 'not-checked')) {
    problems.push(`steps carry check results although the checks were not re-run (${lab.recheck.status})`);
  }
  let lastPassed: { id: string; at: number } | undefined;
  for (const s of lab.steps) {
    const dupHint = s.hints_shown.find((h, i) => s.hints_shown.indexOf(h) !== i);
    if (dupHint) problems.push(`step ${s.id}: hint ${dupHint} recorded twice`);
    const st = s.started_at ? t(s.started_at) : undefined;
    const pa = s.passed_at ? t(s.passed_at) : undefined;
    if (st !== undefined && labStart !== undefined && st < labStart) problems.push(`step ${s.id}: started_at ${s.started_at} is before the lab started (${lab.started_at})`);
    if (st !== undefined && st > generatedAt) problems.push(`step ${s.id}: started_at ${s.started_at} is after the report was generated`);
    if (pa !== undefined) {
      if (st !== undefined && pa < st) problems.push(`step ${s.id}: passed_at ${s.passed_at} is before its started_at ${s.started_at}`);
      if (labStart !== undefined && pa < labStart) problems.push(`step ${s.id}: passed_at ${s.passed_at} is before the lab started (${lab.started_at})`);
      if (pa > generatedAt) problems.push(`step ${s.id}: passed_at ${s.passed_at} is after the report was generated`);
      if (lastPassed && pa < lastPassed.at) problems.push(`step ${s.id} passed (${s.passed_at}) before the earlier step ${lastPassed.id}`);
      lastPassed = { id: s.id, at: pa };
    }
    if (lab.recheck.status === 'done' && s.passed_at && s.now.status === 'fail') notes.push(`step ${s.id} passed at ${s.passed_at} but fails now`);
  }
  return { lab, figures: labFigures(lab), problems, notes };
}

function short(h: string): string {
  return h.length > 20 ? `${h.slice(0, 20)}…` : h;
}

export function signatureWord(s: SignatureState): string {
  switch (s.state) {
    case 'ok':
      return 'ok';
    case 'bad':
      return 'BAD';
    case 'unsigned':
      return 'unsigned';
    case 'unchecked':
      return 'not checked';
  }
}
