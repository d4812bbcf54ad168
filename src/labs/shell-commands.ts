// The lab's commands inside `iamlab shell --lab`: lab status | check | skip | solution | next |
// goto, hint, answer [--step ID] [--question Q] TEXT. Plain text: status words next to marks.
import type { LabSession } from './session.js';
import type { StepCheck } from '../checks/step.js';
import type { CheckResult } from '../checks/types.js';

type Out = { stdout: string; stderr: string; exitCode: number };
const ok = (stdout: string): Out => ({ stdout: stdout.endsWith('\n') ? stdout : stdout + '\n', stderr: '', exitCode: 0 });
const bad = (stderr: string, code = 1): Out => ({ stdout: '', stderr: stderr.endsWith('\n') ? stderr : stderr + '\n', exitCode: code });

const MARK: Record<string, string> = { pass: '✓ PASS', fail: '✗ FAIL', pending: '… WAIT', error: '! ERROR' };

/** Joins the hard-wrapped lines of a paragraph (YAML block text) so the terminal can wrap it. */
export function reflow(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((p) => (/^\s*([-*|#>]|\d+\.|```)/m.test(p) ? p : p.replace(/\s*\n\s*/g, ' ')))
    .join('\n\n');
}

export function leafLines(leaves: CheckResult[], indent = '  ', evidence = false): string[] {
  let last = '';
  return leaves.flatMap((l) => {
    // A missing prerequisite makes every later leaf say the same thing: say it once.
    const say = l.status !== 'pass' && l.message !== last ? ` — ${l.message}` : '';
    if (l.status !== 'pass') last = l.message;
    const line = `${indent}${MARK[l.status]}  ${l.label ?? l.id ?? ''}${say}`;
    // what the leaf read or decided, once each (`lab check --evidence`)
    return evidence ? [line, ...[...new Set(l.evidence.map((e) => `${e.kind}: ${e.text}`))].map((t) => `${indent}      ${t}`)] : [line];
  });
}

export function formatStepCheck(c: StepCheck, opts: { why?: boolean; evidence?: boolean } = {}): string {
  const lines = [`${MARK[c.status]}  ${c.title}`];
  if (opts.evidence || c.leaves.length > 1 || (c.leaves[0] && (c.leaves[0].label || c.leaves[0].id))) lines.push(...leafLines(c.leaves, '  ', opts.evidence));
  if (!c.passed && !(c.leaves.length > 1 && c.leaves.some((l) => l.message === c.message))) lines.push('', c.message);
  if (c.hint) lines.push(`(\`hint\` has a hint for this)`);
  if (c.passed && opts.why !== false && c.why) lines.push('', `Why it matters: ${reflow(c.why)}`);
  return lines.join('\n');
}

export function formatStatus(s: LabSession): string {
  const st = s.status();
  const lines = [`${st.lab.title} (${st.lab.id})`];
  st.steps.forEach((x, i) => {
    const mark = x.state === 'passed' ? '✓ PASS   ' : x.state === 'skipped' ? '↷ SKIPPED' : x.state === 'current' ? '→ NOW    ' : '· TODO   ';
    lines.push(`  ${mark} ${String(i + 1).padStart(2)}. ${x.title}${x.attempts ? `  (${x.attempts} failed check${x.attempts === 1 ? '' : 's'})` : ''}`);
  });
  if (st.finished) lines.push('', 'Every step is done. `iamlab check ' + st.lab.id + (s.kind === 'real' ? ' --real' : '') + '` re-checks them all.');
  else {
    const cur = s.currentStep();
    if (cur) lines.push('', `Current step: ${cur.title}. \`lab step\` shows its instructions.`);
  }
  return lines.join('\n');
}

function stepText(s: LabSession): string {
  const cur = s.currentStep();
  if (!cur) return 'Every step is done.';
  const i = s.stepIndex(cur.id) + 1;
  const parts = [`Step ${i} of ${s.lab.steps.length}: ${cur.title}`, '', cur.text.trim()];
  if (cur.kind === 'answer' && cur.prompt) parts.push('', cur.prompt);
  if (cur.kind === 'quiz') for (const q of cur.questions ?? []) parts.push('', `[${q.id}] ${q.text.trim()}`);
  if (s.consoleCheckable(cur.id)) {
    parts.push('', 'On a real AWS account this step happens in the AWS console in your browser (the `console` commands above work on the simulated account only). iamlab reads what you do there from CloudTrail, which can take a few minutes to show it: `lab check` again after a while, or `lab skip` to move on.');
  } else if (s.consoleStep(cur.id)) {
    parts.push('', 'On a real AWS account this step happens in the AWS console in your browser, which iamlab cannot see: do it there if you like, then `lab skip` to move on (the `console` commands above work on the simulated account only).');
  }
  return parts.join('\n');
}

export function registerLabCommands(s: LabSession): void {
  s.shell.registerCommand(
    'lab',
    'lab status | lab step | lab check [--evidence] | lab next | lab skip | lab solution | lab goto STEP — the lab you are in',
    async (args: string[]) => {
      const [sub, ...rest] = args;
      switch (sub ?? 'status') {
        case 'status':
          return ok(formatStatus(s));
        case 'step':
        case 'show':
          return ok(stepText(s));
        case 'check': {
          const evidence = rest.some((a) => a === '--evidence' || a === '-v');
          const stepArg = rest.find((a) => !a.startsWith('-'));
          if (!s.currentStep()) {
            const all = await s.checkAll();
            return ok(all.map((c) => (evidence ? formatStepCheck(c, { why: false, evidence }) : `${MARK[c.status]}  ${c.title}${c.passed ? '' : ` — ${c.message}`}`)).join('\n'));
          }
          const c = await s.checkStep(stepArg);
          let text = formatStepCheck(c, { evidence });
          if (c.passed && !stepArg) {
            const r = await s.advance();
            if (r.ok) text += r.step ? `\n\nNext: ${r.step.title}` : '\n\nThat was the last step — well done.';
          }
          s.save();
          return c.passed ? ok(text) : { stdout: text + '\n', stderr: '', exitCode: 1 };
        }
        case 'next': {
          const r = await s.advance();
          s.save();
          if (!r.ok) return bad(`lab: ${r.reason}`);
          return ok(r.step ? `Next: ${r.step.title}\n\n${stepText(s)}` : 'That was the last step — well done.');
        }
        case 'skip': {
          try {
            const r = await s.skip(rest[0]);
            const tail = r.advancedTo ? `\nNext: ${s.step(r.advancedTo).title}` : r.finished ? '\nThat was the last step.' : '';
            return { stdout: `${r.output}${r.output.endsWith('\n') || !r.output ? '' : '\n'}Skipped (recorded). ${r.check.passed ? 'The step now passes.' : `The step still does not pass: ${r.check.message}`}${tail}\n`, stderr: '', exitCode: r.ok ? 0 : 1 };
          } catch (e) {
            return bad(`lab: ${(e as Error).message}`);
          }
        }
        case 'solution': {
          try {
            const sol = s.viewSolution(rest[0]);
            const lines: string[] = [];
            for (const [f, body] of Object.entries(sol.files ?? {})) lines.push(`# ${f}`, body.trimEnd(), '');
            for (const c of sol.commands ?? []) lines.push(typeof c === 'string' ? c : c.run);
            for (const [q, a] of Object.entries(sol.answers ?? {})) lines.push(q === 'answer' ? `answer ${a}` : `answer --question ${q} ${a}`);
            return ok(lines.join('\n'));
          } catch (e) {
            return bad(`lab: ${(e as Error).message}`);
          }
        }
        case 'goto': {
          if (!rest[0]) return bad('usage: lab goto STEP-ID', 2);
          const r = s.goTo(rest[0]);
          return r.ok ? ok(stepText(s)) : bad(`lab: ${r.reason}`);
        }
        default:
          return bad(`lab: unknown subcommand '${sub}'. Try: lab status, lab step, lab check, lab next, lab skip, lab solution, lab goto STEP`, 2);
      }
    },
  );
  s.shell.registerCommand('hint', 'hint [STEP] — the next hint for the current step', async (args: string[]) => {
    const r = s.hint(args[0]);
    if (!r.ok) return bad(`hint: ${r.reason}`);
    return ok(`Hint ${r.index}/${r.total}: ${reflow(r.hint.text)}`);
  });
  s.shell.registerCommand('answer', 'answer [--step ID] [--question Q] TEXT — answer a question or typed-answer step', async (args: string[]) => {
    let step: string | undefined;
    let question: string | undefined;
    const words: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--step') step = args[++i];
      else if (a.startsWith('--step=')) step = a.slice(7);
      else if (a === '--question') question = args[++i];
      else if (a.startsWith('--question=')) question = a.slice(11);
      else words.push(a);
    }
    const text = words.join(' ');
    if (!text.trim()) return bad('usage: answer [--step ID] [--question Q] TEXT', 2);
    try {
      const r = await s.answer(text, { ...(step ? { step } : {}), ...(question ? { question } : {}) });
      const lines: string[] = [];
      const own = r.question ? r.leaves.find((l) => l.id === r.question) : r.leaves[0];
      if (own) lines.push(`${MARK[own.status]}  ${own.status === 'pass' ? own.message : own.message}`);
      const st = s.step(r.stepId);
      if (r.question && own?.status === 'pass') {
        const q = st.questions?.find((x) => x.id === r.question);
        if (q?.explain) lines.push(reflow(q.explain));
      }
      if (r.passed) {
        if (r.why) lines.push('', `Why it matters: ${reflow(r.why)}`);
        if (r.advancedTo) lines.push('', `Next: ${s.step(r.advancedTo).title}`);
        else if (r.finished) lines.push('', 'That was the last step — well done.');
      } else if (st.kind === 'quiz' && own?.status === 'pass') {
        const next = st.questions?.find((q) => r.leaves.find((l) => l.id === q.id)?.status !== 'pass');
        if (next) lines.push('', `Next question [${next.id}]: ${next.text.trim()}`);
      }
      return { stdout: lines.join('\n') + '\n', stderr: '', exitCode: own?.status === 'pass' ? 0 : 1 };
    } catch (e) {
      return bad(`answer: ${(e as Error).message}`);
    }
  });
}
