// What each part of each screen shows, as rows of styled runs at a given width. Pure: the
// Ink components only lay these rows out, so layout and wording are tested without Ink.

import { KEY_HELP, type KeyHelp } from './keys.js';
import { parseInline, renderMarkdown } from './markdown.js';
import { mapRows } from './map.js';
import type { CatalogEntry, CheckView, IdentityView, StepView, Summary } from './model.js';
import { helpContext, lastCheckFor, stepState, type AppState, type LabState, type ShellLine, type ShellPane } from './state.js';
import { hardWrap, pad, textWidth, truncate, truncateRow, wrapRuns, type Row, type Run, type Style } from './text.js';

export { truncateRow };
import { consoleColor, STEP_MARK, TONE } from './ui/theme.js';
import { whyRows } from './why.js';

export { helpRows } from './help.js';

const DIM: Style = { dim: true };
const BOLD: Style = { bold: true };

// ---------------------------------------------------------------------------------------
// header: like the console's navigation bar

export function identityLabel(id: IdentityView | undefined): { shell: string; console?: { text: string; bg?: string } } {
  const shell = id?.shell?.label ?? 'no credentials';
  const c = id?.console;
  if (c?.active) {
    const bg = consoleColor(c.active.color);
    return { shell, console: { text: c.active.displayName || `${c.active.roleName} @ ${c.active.accountId}`, ...(bg ? { bg } : {}) } };
  }
  if (c?.signedIn) return { shell, console: { text: `${c.signedIn.userName} @ ${c.signedIn.accountId}` } };
  return { shell };
}

export interface HeaderParts {
  left: Run[];
  /** Console identity: plain text plus an optional background colour (the switch-role colour). */
  console?: { text: string; bg?: string };
  right: Run[];
  /** Shown only when there is room. */
  extra?: Run[];
}

/** With --workshop: a mark that progress reaches the room (●), or is waiting for it (○ and how many events). */
export function roomRuns(s: AppState): Run[] {
  const r = s.room;
  if (!r) return [];
  if (r.connected === false) return [{ text: `○ room offline${r.queued ? ` · ${r.queued} waiting` : ''}`, style: { color: 'yellow' } }, { text: '  ' }];
  if (r.connected === undefined) return [{ text: '○ room…', style: DIM }, { text: '  ' }];
  return [{ text: '● room', style: { color: 'green' } }, { text: '  ' }];
}

export function headerParts(s: AppState): HeaderParts {
  if (s.screen === 'catalog' || !s.lab) {
    const acct = s.catalog.account === 'sim' ? 'simulated account' : `real account${profileName(s) ? ` · profile ${profileName(s)}` : ''}`;
    return { left: [{ text: ' iamlab ', style: { bold: true, inverse: true } }, { text: '  AWS IAM role labs', style: BOLD }], right: [...roomRuns(s), { text: acct, style: DIM }] };
  }
  const lab = s.lab;
  const id = identityLabel(lab.snap.identity);
  return {
    left: [{ text: ' iamlab ', style: { bold: true, inverse: true } }, { text: ` ${lab.title}`, style: BOLD }],
    ...(id.console ? { console: id.console } : {}),
    right: [
      ...roomRuns(s),
      { text: 'shell: ', style: DIM },
      { text: id.shell, style: { color: 'cyan' } },
    ],
    extra: [{ text: lab.account.label, style: DIM }, { text: '  ' }],
  };
}

/** The header as one row at `w` cells: title left, identities right, the console's role in its colour. */
export function headerRow(s: AppState, w: number): Row {
  const h = headerParts(s);
  const width = (rs: Row) => rs.reduce((n, r) => n + textWidth(r.text), 0);
  const cons = h.console ? ` ${truncate(h.console.text, 24)} ` : '';
  const consW = cons ? textWidth(cons) + 2 : 0;
  let right = h.right;
  const minLeft = 8 + Math.min(16, width(h.left) - 8);
  if (h.extra && width(h.left) + consW + width(h.extra) + width(right) + 2 <= w) right = [...h.extra, ...right];
  right = truncateRow(right, Math.max(0, w - minLeft - consW - 1));
  const leftRow = truncateRow(h.left, Math.max(8, w - width(right) - consW - 1));
  const gap = Math.max(1, w - width(leftRow) - consW - width(right));
  const row: Row = [...leftRow, { text: ' '.repeat(gap) }];
  if (h.console) {
    // without colour the role still stands out: in brackets
    if (h.console.bg && s.color) row.push({ text: cons, style: { bg: h.console.bg, color: 'black', bold: true } });
    else row.push({ text: `[${cons.trim()}]`.padEnd(cons.length), style: BOLD });
    row.push({ text: '  ' });
  }
  return [...row, ...right];
}

function profileName(s: AppState): string | undefined {
  return s.catalog.profiles?.[s.catalog.profileIndex]?.name;
}

// ---------------------------------------------------------------------------------------
// catalog

export function progressBar(done: number, skipped: number, total: number, width: number): Run[] {
  if (total <= 0) return [{ text: ' '.repeat(width) }];
  const d = Math.round((done / total) * width);
  const k = Math.min(width - d, Math.round((skipped / total) * width));
  return [
    { text: '█'.repeat(d), style: { color: 'green' } },
    { text: '▒'.repeat(k), style: { color: 'yellow' } },
    { text: '░'.repeat(Math.max(0, width - d - k)), style: DIM },
  ];
}

/** Spinner frames (one per tick while something the learner waits for runs). */
export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
export function spinnerFrame(n: number): string {
  return SPINNER[n % SPINNER.length]!;
}

/**
 * Two rows per lab: title + level/minutes, then progress and "continue". With `account` 'real'
 * the progress is the lab's progress on a real AWS account (its own record).
 */
/** The catalog screen's body: exactly `height` rows (a blank row, the labs, the selected lab's summary, the account choice). */
export function catalogScreenRows(s: AppState, height: number): Row[] {
  const w = s.size.columns;
  const c = s.catalog;
  const inner = w - 2;
  const rows: Row[] = [];
  if (c.entries === null) rows.push([{ text: ' Loading the labs…', style: DIM }]);
  else if (c.entries.length === 0) rows.push([{ text: ` No labs found.${c.error ? ` ${c.error}` : ''}`, style: { color: 'red' } }]);
  const entries = c.entries ?? [];
  const sel = entries[c.cursor];
  // footer: the selected lab's summary and the account choice
  const footer: Row[] = [];
  footer.push([{ text: '─'.repeat(w - 1), style: DIM }]);
  // an error in full where there is room (a setup failure on a real account says what to do), at least 4 rows
  if (c.error && entries.length) footer.push(...wrapRuns([{ text: `✗ ${c.error}`, style: { color: 'red' } }], inner, [{ text: ' ' }], '   ').slice(0, Math.max(4, Math.floor(height / 3))));
  else if (sel?.summary) footer.push(...wrapRuns([{ text: sel.summary }], inner, [{ text: ' ' }], ' ').slice(0, 3));
  const sim = c.account === 'sim';
  const prof = c.profiles?.[c.profileIndex];
  const real = c.profiles === null ? (sim ? '' : ' (reading ~/.aws/config…)') : c.profiles.length === 0 ? ' (no profiles in ~/.aws/config)' : ` (profile ${prof?.name ?? 'default'}${c.profiles.length > 1 ? ' ←→' : ''})`;
  footer.push([
    { text: ' Account: ', style: BOLD },
    { text: sim ? '● ' : '○ ', style: sim ? { color: 'green' } : DIM },
    { text: 'simulated', style: sim ? BOLD : DIM },
    { text: '   ' },
    { text: sim ? '○ ' : '● ', style: sim ? DIM : { color: 'green' } },
    { text: `real AWS account${real}`, style: sim ? DIM : BOLD },
    { text: '  (a)', style: DIM },
  ]);
  const listH = Math.max(2, height - footer.length - 1);
  const perEntry = 3;
  const visible = Math.max(1, Math.floor(listH / perEntry));
  const start = Math.max(0, Math.min(c.cursor - Math.floor(visible / 2), entries.length - visible));
  entries.slice(start, start + visible).forEach((e, k) => {
    rows.push(...catalogEntryRows(e, start + k === c.cursor, inner, c.account).map((r) => [{ text: ' ' }, ...r]));
    rows.push([]);
  });
  if (entries.length > visible) rows.push([{ text: ` ${start + 1}–${Math.min(entries.length, start + visible)} of ${entries.length} labs`, style: DIM }]);
  const listRows = Math.max(1, height - footer.length - 1);
  const list = rows.slice(0, listRows);
  while (list.length < listRows) list.push([]);
  return [[], ...list, ...footer].slice(0, Math.max(height, 0));
}

export function catalogEntryRows(e: CatalogEntry, selected: boolean, width: number, account: 'sim' | 'real' = 'sim'): Row[] {
  const pointer: Run = selected ? { text: '▸ ', style: { color: 'cyan', bold: true } } : { text: '  ' };
  const meta = [e.level, e.minutes ? `${e.minutes} min` : undefined].filter(Boolean).join(' · ');
  const titleW = Math.max(10, width - 2 - textWidth(meta) - 2);
  const title = pad(e.title, titleW);
  const row1: Row = [pointer, { text: title, style: selected ? { bold: true, color: 'cyan' } : BOLD }, { text: '  ' }, { text: meta, style: DIM }];
  const real = account === 'real';
  const p = real ? (e.real ?? { passed: 0, skipped: 0, started: false, completed: false }) : e;
  const where = real && e.real?.accountId ? ` · in ${e.real.accountId}` : '';
  let status: Run[];
  if (e.error) status = [{ text: `cannot load: ${e.error}`, style: { color: 'red' } }];
  else if (real && !e.backends.includes('real')) status = [{ text: 'simulated account only', style: DIM }];
  else if (p.completed) status = [{ text: `✓ complete${p.skipped ? ` (${p.skipped} skipped)` : ''}${where}`, style: { color: 'green' } }];
  else if (p.started) status = [{ text: `${p.passed + p.skipped}/${e.steps}`, style: BOLD }, { text: `${p.resumeStep ? ` · continue: ${p.resumeStep}` : ' · continue'}${where}`, style: { color: 'cyan' } }];
  else status = [{ text: `${e.steps} steps · not started${real ? ' on an AWS account' : ''}`, style: DIM }];
  const barW = Math.min(16, Math.max(6, Math.floor(width / 6)));
  const row2: Row = [{ text: '  ' }, ...progressBar(p.passed, p.skipped, e.error ? 0 : e.steps, barW), { text: ' ' }, ...status];
  return [row1, truncateRow(row2, width)];
}


// ---------------------------------------------------------------------------------------
// lab: step list, instructions, solution

export function stepListRows(lab: LabState, width: number, height: number): Row[] {
  const rows = lab.steps.map((step, i): Row => {
    const st = stepState(lab, i);
    const m = STEP_MARK[st];
    const viewing = i === lab.viewing;
    const num = `${i + 1}`.padStart(lab.steps.length >= 10 ? 2 : 1);
    const text = truncate(`${num} ${step.title}`, Math.max(1, width - 3));
    return [
      { text: viewing ? '›' : ' ', style: { color: 'cyan', bold: true } },
      { text: `${m.mark} `, style: m.style },
      { text, style: viewing ? { bold: true, underline: true } : st === 'locked' ? DIM : {} },
    ];
  });
  // keep the viewed step in sight
  if (rows.length <= height) return rows;
  const start = Math.max(0, Math.min(lab.viewing - Math.floor(height / 2), rows.length - height));
  return rows.slice(start, start + height);
}

/** Rows of the step panel: scrolling body (title, text) and a fixed footer (check, hints). */
export function stepPanelRows(lab: LabState, width: number, plain = false): { body: Row[]; footer: Row[] } {
  const i = lab.viewing;
  const step = lab.steps[i];
  if (!step) return { body: [], footer: [] };
  const st = stepState(lab, i);
  const prog = lab.snap.progress[step.id];
  const tag: Run =
    st === 'passed' ? { text: '  ✓ passed', style: { color: 'green' } }
    : st === 'skipped' ? { text: '  ↷ skipped', style: { color: 'yellow' } }
    : st === 'locked' ? { text: '  · locked', style: DIM }
    : { text: '' };
  const body: Row[] = wrapRuns([{ text: `Step ${i + 1} of ${lab.steps.length} · `, style: DIM }, { text: step.title, style: { bold: true, color: 'cyan' } }, tag], width);
  body.push([]);
  if (st === 'locked') {
    body.push(...wrapRuns([{ text: `Pass or skip step ${lab.snap.current + 1} first; its instructions open then.`, style: DIM }], width));
    return { body, footer: [] };
  }
  body.push(...renderMarkdown(step.text, width, { plain }));
  if (step.kind === 'answer' || step.kind === 'quiz') {
    body.push([]);
    body.push(...wrapRuns([{ text: 'Answer in the shell: ', style: DIM }, { text: `answer ${step.prompt ? '…' : 'TEXT'}`, style: { color: 'yellow' } }, { text: ' (or press a in lab keys)', style: DIM }], width));
  }
  const footer: Row[] = [];
  // hints revealed so far, newest last
  (prog?.hintsShown ?? []).forEach((hid, n) => {
    const h = step.hints.find((x) => x.id === hid);
    if (!h) return;
    footer.push(...wrapRuns([{ text: `Hint ${n + 1}/${step.hints.length}: `, style: { color: 'yellow', bold: true } }, ...parseInline(h.text.replace(/\s*\n\s*/g, ' '), undefined, plain)], width, [], '  '));
  });
  if (st === 'passed' && step.why) {
    footer.push(...wrapRuns([{ text: 'Why it matters: ', style: { color: 'green', bold: true } }, { text: step.why }], width, [], '  '));
  }
  const check = lastCheckFor(lab, step.id);
  const onConsole = st === 'current' && lab.snap.consoleStep?.stepId === step.id;
  if (onConsole) {
    // the check's whole message goes with the instructions; the footer stays short
    body.push([]);
    body.push(...wrapRuns([{ text: 'On your AWS account: ', style: { color: 'yellow', bold: true } }, { text: lab.snap.consoleStep!.message.replace(/\.?$/, '.'), style: { color: 'yellow' } }], width));
    footer.push(
      ...wrapRuns(
        lab.snap.consoleStep!.checkable
          ? [
              { text: '! Console step: ', style: { color: 'yellow', bold: true } },
              { text: 'do it in the AWS console; iamlab reads it from CloudTrail, which can take a few minutes. ', style: { color: 'yellow' } },
              { text: 'c checks again; Esc, then k skips.', style: { bold: true } },
            ]
          : [
              { text: '! Console step: ', style: { color: 'yellow', bold: true } },
              { text: 'iamlab cannot see the AWS console on a real account, so this check cannot pass here. ', style: { color: 'yellow' } },
              { text: 'Skip it to move on (Esc, then k).', style: { bold: true } },
            ],
        width,
        [],
        '  ',
      ),
    );
  }
  if (check && st === 'current' && !(onConsole && !lab.snap.consoleStep!.checkable && check.status === 'error')) {
    const mark = check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : check.status === 'pending' ? '…' : '!';
    const style: Style = check.status === 'pass' ? { color: 'green' } : check.status === 'fail' ? { color: 'red' } : { color: 'yellow' };
    const word = check.status === 'fail' ? 'Not yet: ' : check.status === 'error' ? 'Could not check: ' : check.status === 'pending' ? 'Waiting: ' : '';
    const more: Run[] = check.status !== 'pass' && (check.leaves?.length ?? 0) > 0 ? [{ text: '  (Esc v: what was checked)', style: DIM }] : [];
    footer.push(...wrapRuns([{ text: `${mark} ${word}`, style: { ...style, bold: true } }, { text: check.message ?? '', style }, ...more], width, [], '  '));
  }
  return { body, footer };
}

export function solutionRows(step: StepView, width: number): Row[] {
  const rows: Row[] = wrapRuns([{ text: `Solution · ${step.title}`, style: { bold: true, color: 'cyan' } }], width);
  rows.push([]);
  const sol = step.solution;
  if (!sol) return [...rows, [{ text: 'No solution for this step.', style: DIM }]];
  for (const [name, text] of Object.entries(sol.files ?? {})) {
    rows.push([{ text: `file ${name}:`, style: BOLD }]);
    for (const l of hardWrap(text.replace(/\n$/, ''), width - 2)) rows.push([{ text: '  ' }, { text: l, style: { color: 'yellow' } }]);
    rows.push([]);
  }
  for (const c of sol.commands) {
    rows.push(...wrapRuns([{ text: c, style: { color: 'yellow' } }], width, [{ text: '$ ', style: DIM }], '  '));
  }
  rows.push([]);
  rows.push(...wrapRuns([{ text: 'Type the commands yourself: the check looks at the result, not the text. Esc then w/m/s switches panels.', style: DIM }], width));
  return rows;
}

/** The upper pane's rows for the chosen panel. */
export function panelRows(s: AppState, width: number): { body: Row[]; footer: Row[] } {
  const lab = s.lab!;
  const plain = !s.color;
  switch (lab.panel) {
    case 'step':
      return stepPanelRows(lab, width, plain);
    case 'why': {
      const d = lab.snap.denied;
      const head = wrapRuns([{ text: 'Why · the last denied call', style: { bold: true, color: 'cyan' } }], width);
      if (!d) return { body: [...head, [], ...wrapRuns([{ text: 'No call has been denied yet. When one is, this panel shows every policy considered and which one decided.', style: DIM }], width)], footer: [] };
      return { body: [...head, ...whyRows(d.explanation, width, { ...(d.command ? { command: d.command } : {}), ...(d.error ? { error: d.error } : {}) })], footer: [] };
    }
    case 'map': {
      const head = wrapRuns([{ text: 'Map · who may assume which role (updates as you change policies)', style: { bold: true, color: 'cyan' } }], width);
      const m = lab.snap.map;
      if (!m) {
        const why =
          lab.account.kind === 'real'
            ? 'The map is drawn on the simulated account only: there iamlab decides every pair itself. On an AWS account it would take a read of IAM and a simulation for each user and role after every command. Ask AWS directly instead: aws iam get-role --role-name NAME --query Role.AssumeRolePolicyDocument, or try aws sts assume-role.'
            : 'The map is available on the simulated account.';
        return { body: [...head, [], ...wrapRuns([{ text: why, style: DIM }], width)], footer: [] };
      }
      return { body: [...head, ...mapRows(m, width)], footer: [] };
    }
    case 'solution': {
      const step = lab.steps.find((x) => x.id === lab.solutionStep) ?? lab.steps[lab.viewing]!;
      return { body: solutionRows(step, width), footer: [] };
    }
    case 'endpoint':
      return endpointRows(lab, width);
    case 'checked':
      return { body: checkedRows(lab, width), footer: [] };
  }
}

const VERDICT: Record<CheckView['status'], { mark: string; style: Style }> = {
  pass: { mark: '✓', style: { color: 'green' } },
  fail: { mark: '✗', style: { color: 'red' } },
  pending: { mark: '…', style: { color: 'yellow' } },
  error: { mark: '!', style: { color: 'yellow' } },
};

/** "What was checked": each part of the last check, its verdict, its message, and what it read or decided. */
export function checkedRows(lab: LabState, width: number): Row[] {
  const c = lab.snap.lastCheck;
  const i = c ? lab.steps.findIndex((x) => x.id === c.stepId) : -1;
  const rows: Row[] = wrapRuns([{ text: `What was checked${i >= 0 ? ` · step ${i + 1}: ${lab.steps[i]!.title}` : ''}`, style: { bold: true, color: 'cyan' } }], width);
  if (!c) return [...rows, [], ...wrapRuns([{ text: 'Nothing has been checked yet in this session. Every command you run is checked; c checks now.', style: DIM }], width)];
  const leaves = c.leaves?.length ? c.leaves : [{ id: '', status: c.status, ...(c.message ? { message: c.message } : {}) }];
  const verdict = VERDICT[c.status];
  rows.push(...wrapRuns([{ text: `${verdict.mark} `, style: { ...verdict.style, bold: true } }, { text: c.status === 'pass' ? 'Every part holds.' : `${leaves.filter((l) => l.status === 'pass').length} of ${leaves.length} parts hold.`, style: verdict.style }], width));
  for (const l of leaves) {
    const v = VERDICT[l.status];
    rows.push([]);
    rows.push(...wrapRuns([{ text: `${v.mark} `, style: { ...v.style, bold: true } }, { text: l.label ?? l.message ?? l.id, style: BOLD }], width, [], '  '));
    if (l.message && l.label) rows.push(...wrapRuns([{ text: l.message, style: l.status === 'pass' ? DIM : v.style }], width, [{ text: '  ' }], '  '));
    for (const e of l.evidence ?? []) rows.push(...wrapRuns([{ text: e, style: DIM }], width, [{ text: '  · ', style: DIM }], '    '));
  }
  rows.push([]);
  rows.push(...wrapRuns([{ text: 'The check reads the account as it is now, the same way every time: the result, not the commands you typed. v goes back to the step.', style: DIM }], width));
  return rows;
}

/** The endpoint panel: where it listens and what to paste into another terminal, one-command way first. */
export function endpointRows(lab: LabState, width: number): { body: Row[]; footer: Row[] } {
  const e = lab.endpoint;
  const head = wrapRuns([{ text: 'Endpoint · this lab\'s simulated account for your own aws CLI and SDKs', style: { bold: true, color: 'cyan' } }], width);
  if (!e) return { body: [...head, [], ...wrapRuns([{ text: 'The endpoint is off. e starts it.', style: DIM }], width)], footer: [] };
  const body: Row[] = [...head];
  body.push(...wrapRuns([{ text: 'Listening on ' }, { text: e.url, style: BOLD }, { text: ' (this machine only). In another terminal:' }], width));
  if (e.file) {
    body.push(...wrapRuns([{ text: `source ${e.file}`, style: { color: 'yellow' } }], width, [{ text: '  $ ', style: DIM }], '    '));
    body.push(...wrapRuns([{ text: 'or paste:', style: DIM }], width));
  }
  for (const l of e.paste.split('\n')) {
    const style: Style = l.startsWith('#') ? DIM : { color: 'yellow' };
    for (const part of hardWrap(l, Math.max(8, width - 2))) body.push([{ text: '  ' }, ...(part ? [{ text: part, style }] : [])]);
  }
  body.push([]);
  body.push(...wrapRuns([{ text: `The keys are ${e.who ? `${e.who}'s: ` : ''}the identity of this shell when the panel opened (opening it again picks up a new one). Calls through the endpoint change this lab's account, show in the shell below, and are checked like the commands you type here.`, style: DIM }], width));
  return { body, footer: [[{ text: 'e hides this panel (the endpoint keeps running) · E stops it', style: DIM }]] };
}

// ---------------------------------------------------------------------------------------
// shell pane

/** The last `height` visual rows of scrollback, `scroll` rows up from the bottom. Wraps only
 *  what it shows, so 5,000 lines cost no more than 50. */
export function shellViewport(lines: ShellLine[], width: number, height: number, scroll: number): { rows: Row[]; maxed: boolean; scroll: number } {
  const need = height + scroll;
  const vis: Row[] = [];
  let i = lines.length - 1;
  for (; i >= 0 && vis.length < need; i--) {
    const l = lines[i]!;
    const parts = hardWrap(l.text, width);
    const style = TONE[l.tone];
    for (let k = parts.length - 1; k >= 0; k--) vis.push([{ text: parts[k]!, ...(Object.keys(style).length ? { style } : {}) }]);
  }
  const atTop = i < 0;
  vis.reverse();
  let sc = scroll;
  if (atTop && vis.length < need) sc = Math.max(0, vis.length - height);
  const end = vis.length - sc;
  const start = Math.max(0, end - height);
  return { rows: vis.slice(start, end), maxed: atTop && start === 0, scroll: sc };
}

/** The prompt line, scrolled horizontally so the cursor stays visible; returns the cursor column. */
export function inputLine(prompt: string, chars: string[], cursor: number, width: number): { text: string; cursorX: number } {
  const pw = textWidth(prompt);
  const avail = Math.max(4, width - pw - 1);
  const before = chars.slice(0, cursor);
  let start = 0;
  let bw = textWidth(before.join(''));
  while (bw > avail - 1 && start < cursor) {
    bw -= textWidth(chars[start]!);
    start++;
  }
  let text = chars.slice(start).join('');
  text = truncate(text, avail + (start > 0 ? 0 : 1));
  const shownPrompt = start > 0 ? `${prompt.slice(0, Math.max(0, prompt.length - 1))}…` : prompt;
  return { text: shownPrompt + text, cursorX: textWidth(shownPrompt) + bw };
}

export function shellTitle(shell: ShellPane, lab: LabState | null, width: number, scrolled: boolean, spin?: number): Row {
  const running = shell.running ? ` ${spin !== undefined ? `${spinnerFrame(spin)} ` : ''}running… ${shell.queue.length ? `(${shell.queue.length} queued) ` : ''}` : '';
  const right = scrolled ? ` ↑ scrolled (PgDn to follow) ` : running;
  const ep = lab?.endpoint ? `· endpoint ${lab.endpoint.url.replace(/^http:\/\//, '')} ` : '';
  const left = `─ shell${lab?.account.kind === 'real' ? ' (real AWS account)' : ''} ${ep}`;
  const fill = Math.max(0, width - textWidth(left) - textWidth(right));
  return [
    { text: left, style: DIM },
    { text: '─'.repeat(fill), style: DIM },
    { text: right, style: scrolled ? { color: 'yellow' } : DIM },
  ];
}

// ---------------------------------------------------------------------------------------
// key bar and help

export function keyBarRow(items: KeyHelp[], width: number): Row {
  const row: Row = [];
  let w = 0;
  for (const it of items) {
    const t = `${it.keys} ${it.what}`;
    const sep = row.length ? 3 : 1;
    if (w + sep + textWidth(t) > width) break;
    row.push({ text: row.length ? ' · ' : ' ', style: DIM });
    row.push({ text: it.keys, style: { bold: true } });
    row.push({ text: ` ${it.what}`, style: DIM });
    w += sep + textWidth(t);
  }
  return row;
}

export function keyBar(s: AppState, width: number): Row {
  const spin = spinnerFrame(s.spin ?? 0);
  if (s.busy) return [{ text: ` ${truncate(`${s.work ? spin : '…'} ${s.work?.notice ?? s.busy}`, width - 1)}`, style: { color: s.work?.notice ? 'yellow' : 'cyan' } }];
  // a slow call on an AWS account: say so (and what a retry waits for) instead of the keys
  if (s.work && (s.work.notice || s.lab?.account.kind === 'real')) {
    const text = s.work.notice ?? (s.toast?.text && /…$/.test(s.toast.text) ? s.toast.text : 'working on your AWS account…');
    return [{ text: ` ${truncate(`${spin} ${text}`, width - 1)}`, style: { color: s.work.notice ? 'yellow' : 'cyan' } }];
  }
  if (s.toast) {
    const style: Style = s.toast.tone === 'ok' ? { color: 'green' } : s.toast.tone === 'err' ? { color: 'red' } : s.toast.tone === 'warn' ? { color: 'yellow' } : { color: 'cyan' };
    const mark = s.toast.tone === 'ok' ? '✓' : s.toast.tone === 'err' ? '✗' : s.toast.tone === 'warn' ? '!' : '›';
    return [{ text: ` ${truncate(`${mark} ${s.toast.text}`, width - 1)}`, style }];
  }
  const ctx = helpContext(s);
  if (ctx === 'lab-nav') {
    const tag: Run = { text: ' LAB KEYS ', style: { inverse: true, bold: true } };
    return [tag, ...keyBarRow(KEY_HELP[ctx], width - textWidth(tag.text))];
  }
  return keyBarRow(KEY_HELP[ctx], width);
}


// ---------------------------------------------------------------------------------------
// completion

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return 'unknown';
  const min = Math.round(ms / 60000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h} h ${min % 60} min`;
}

export function summaryRows(sum: Summary, steps: StepView[], width: number, plain = false): Row[] {
  const rows: Row[] = [];
  rows.push(...wrapRuns([{ text: '✓ Lab complete: ', style: { bold: true, color: 'green' } }, { text: sum.title, style: BOLD }], width));
  rows.push([]);
  const kv = (k: string, v: string, style?: Style) => rows.push([{ text: `  ${k.padEnd(16)}`, style: DIM }, { text: v, ...(style ? { style } : {}) }]);
  kv('Time taken', formatDuration(sum.durationMs));
  kv('Steps', `${sum.steps - sum.skipped.length} passed${sum.skipped.length ? `, ${sum.skipped.length} skipped` : ''} of ${sum.steps}`);
  kv('Hints used', String(sum.hintsUsed));
  kv('Solutions seen', String(sum.solutionsViewed));
  if (sum.skipped.length) {
    const titles = sum.skipped.map((id) => steps.find((s) => s.id === id)?.title ?? id);
    rows.push(...wrapRuns([{ text: titles.join('; '), style: { color: 'yellow' } }], width, [{ text: '  Skipped         ', style: DIM }], ' '.repeat(18)));
  }
  rows.push([]);
  if (sum.finishText) {
    rows.push(...renderMarkdown(sum.finishText, width, { plain }));
    rows.push([]);
  }
  rows.push(...wrapRuns([{ text: 'To verify, an instructor runs:', style: BOLD }], width));
  for (const c of sum.verify) rows.push([{ text: '  $ ', style: DIM }, { text: c, style: { color: 'yellow' } }]);
  if (sum.next?.length) {
    rows.push([]);
    rows.push(...wrapRuns([{ text: 'Next: ', style: BOLD }, { text: sum.next.join(', ') }], width));
  }
  return rows;
}
