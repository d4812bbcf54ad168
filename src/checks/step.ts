// A step's check: its `check` (or, for a quiz, every question's answer), then — when it fails —
// the step's `diagnose` entries in order: the first recognised mistake gives the message and
// the hint to offer.
import type { CheckSpec } from './spec.js';
import type { CheckBackend, CheckResult, CheckStatus, Evidence } from './types.js';
import { evaluateCheck, type CheckContext } from './evaluate.js';
import { fillTemplate, accountVars, fillDeep } from './template.js';

/** Checks with {account.KEY} filled in, cached per (check, accounts). */
const filled = new WeakMap<object, Map<string, CheckSpec>>();
function withAccounts(spec: CheckSpec, accounts: Record<string, string>): CheckSpec {
  const key = JSON.stringify(accounts);
  let m = filled.get(spec);
  if (!m) filled.set(spec, (m = new Map()));
  let out = m.get(key);
  if (!out) m.set(key, (out = fillDeep(spec, accountVars(accounts))));
  return out;
}

export interface StepLike {
  id: string;
  title: string;
  kind?: 'task' | 'quiz' | 'answer' | 'read';
  check?: CheckSpec;
  questions?: Array<{ id: string; accept: Omit<NonNullable<CheckSpec['answer']>, 'question'> }>;
  diagnose?: Array<{ id: string; when: CheckSpec; say: string; hint?: string }>;
  why?: string;
}

export interface StepCheck {
  stepId: string;
  title: string;
  status: CheckStatus;
  passed: boolean;
  /** The first failing leaf's message (declaration order), or the recognised mistake's message. */
  message: string;
  /** Results of the step's top-level checks (the children of `all`, or the single check). */
  leaves: CheckResult[];
  evidence: Evidence[];
  diagnosis?: string;
  hint?: string;
  /** "Why it matters", set when passed. */
  why?: string;
}

/** The check a step is judged by (a quiz: all of its questions). */
export function stepCheckSpec(step: StepLike): CheckSpec | undefined {
  if (step.check) return step.check;
  if (step.kind === 'quiz' && step.questions?.length) {
    return { all: step.questions.map((q) => ({ id: q.id, answer: { ...q.accept, question: q.id } })) };
  }
  return undefined;
}

export async function checkStepSpec(step: StepLike, backend: CheckBackend, ctx: CheckContext): Promise<StepCheck> {
  const spec = stepCheckSpec(step);
  if (!spec) {
    return { stepId: step.id, title: step.title, status: 'pass', passed: true, message: 'Nothing to check: read and continue.', leaves: [], evidence: [], ...(step.why ? { why: step.why } : {}) };
  }
  const res = await evaluateCheck(withAccounts(spec, ctx.accounts), backend, ctx);
  const leaves = spec.all && res.children ? res.children : [res];
  const out: StepCheck = {
    stepId: step.id,
    title: step.title,
    status: res.status,
    passed: res.status === 'pass',
    message: res.message,
    leaves,
    evidence: res.evidence,
  };
  if (res.diagnosis) out.diagnosis = res.diagnosis;
  if (out.passed) {
    if (step.why) out.why = step.why;
    return out;
  }
  if (res.status !== 'fail') return out;
  for (const d of step.diagnose ?? []) {
    const m = await evaluateCheck(withAccounts(d.when, ctx.accounts), backend, ctx);
    if (m.status === 'pass') {
      const failing = firstFailing(res);
      out.message = fillTemplate(d.say, { ...accountVars(ctx.accounts), why: failing?.message ?? res.message });
      out.diagnosis = d.id;
      if (d.hint) out.hint = d.hint;
      out.evidence = [...out.evidence, { kind: 'note', text: `recognised mistake ${d.id}: ${m.message}` }];
      break;
    }
  }
  return out;
}

function firstFailing(r: CheckResult): CheckResult | undefined {
  if (r.status !== 'fail') return undefined;
  for (const c of r.children ?? []) {
    const f = firstFailing(c);
    if (f) return f;
  }
  return r;
}
