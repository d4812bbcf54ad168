// The app's whole state and the one pure reducer behind every screen. Keys arrive as
// commands (keys.ts); work that needs the outside world (open a lab, run a line, check,
// save) is queued as an *intent* in the state, which the runner (runner.ts) drains and
// answers with result actions. So a test can drive the reducer alone and see both what the
// screen will show and what the app will do. No React, no Ink, no I/O.

import type { Explanation } from '../policy/types.js';
import type { AwsProfile } from './aws-config.js';
import { route, type Command, type InputContext, type KeyEvent } from './keys.js';
import { helpBox, helpRows } from './help.js';
import { lineReducer, lineState, lineText, applyCompletion, type LineState } from './line-editor.js';
import type { CatalogEntry, CheckView, EndpointActivity, EndpointView, RoomView, LabOpened, LabSnapshot, RunOutput, StepView } from './model.js';

// ---------------------------------------------------------------------------------------
// state

export type Tone = 'input' | 'out' | 'err' | 'info' | 'ok' | 'warn' | 'dim';

export interface ShellLine {
  id: number;
  text: string;
  tone: Tone;
}

export const SCROLLBACK_LIMIT = 5000;

export interface ShellPane {
  lines: ShellLine[];
  nextId: number;
  /** Rows scrolled up from the bottom (0 = following the newest output). */
  scroll: number;
  editor: LineState;
  /** Text of an unfinished heredoc or quote, waiting for more lines. */
  continuation: string | null;
  /** Submitted lines not yet run (a paste of several lines queues them). */
  queue: string[];
  running: boolean;
  prompt: string;
  /** A question the running command asks (`aws configure`, an MFA code); the next line answers it. */
  ask?: { question: string; secret: boolean };
}

export type Panel = 'step' | 'why' | 'map' | 'solution' | 'endpoint' | 'checked';

export interface LabState {
  id: string;
  title: string;
  account: { kind: 'sim' | 'real'; label: string };
  steps: StepView[];
  snap: LabSnapshot;
  /** The step shown in the instructions pane. */
  viewing: number;
  panel: Panel;
  /** Rows scrolled in the upper pane. */
  panelScroll: number;
  /** The upper pane takes most of the screen. */
  tall: boolean;
  /** Which step's solution the solution panel shows. */
  solutionStep?: string;
  /** The endpoint (the simulated account on 127.0.0.1 for the learner's own aws CLI), while it runs. */
  endpoint?: EndpointView;
}

export interface DialogField {
  key: string;
  label: string;
  kind: 'text' | 'choice';
  editor: LineState;
  options?: string[];
  choice?: number;
  placeholder?: string;
  required?: boolean;
  /** Typed characters show as * (an MFA code, a secret). */
  secret?: boolean;
}

export interface DialogState {
  /** 'ask': a question of a command the app is running while no shell is on screen (opening a lab on a real account). */
  which: 'switch-role' | 'sign-in' | 'answer' | 'ask';
  title: string;
  /** Text shown above the fields (the whole question of an 'ask'). */
  text?: string;
  fields: DialogField[];
  focus: number;
  error?: string;
}

export type ConfirmAction = 'solution' | 'skip' | 'reset' | 'redo' | 'quit-running';

export type Overlay =
  /** scroll: rows scrolled down (the list is longer than a small terminal). */
  | { kind: 'help'; scroll?: number }
  | { kind: 'confirm'; action: ConfirmAction; title: string; text: string; target?: string }
  | { kind: 'dialog'; dialog: DialogState };

export type Intent =
  | { id: number; kind: 'load-catalog' }
  | { id: number; kind: 'load-profiles' }
  | { id: number; kind: 'open-lab'; labId: string; backend: 'sim' | 'real'; profile?: string }
  | { id: number; kind: 'run'; line: string }
  | { id: number; kind: 'complete'; line: string; cursor: number }
  | { id: number; kind: 'check' }
  | { id: number; kind: 'hint'; stepId: string }
  | { id: number; kind: 'solution'; stepId: string }
  | { id: number; kind: 'skip'; stepId: string }
  | { id: number; kind: 'reset'; labId: string }
  | { id: number; kind: 'close-lab' }
  /** Back to a step reached before (or the current one's start), to do it again. */
  | { id: number; kind: 'redo'; stepId: string }
  /** Start the endpoint (or refresh what to paste: the shell's identity may have changed), or stop it. */
  | { id: number; kind: 'endpoint'; action: 'show' | 'stop' }
  /** Calls came through the endpoint: check the step as after a command and show what they did. */
  | { id: number; kind: 'endpoint-sync' }
  | { id: number; kind: 'quit' }
  /** The answer to the running command's question (undefined = cancelled). */
  | { id: number; kind: 'reply'; text: string | undefined };

type IntentBody = Intent extends infer I ? (I extends { id: number } ? Omit<I, 'id'> : never) : never;

export interface CatalogState {
  entries: CatalogEntry[] | null;
  cursor: number;
  account: 'sim' | 'real';
  profiles: AwsProfile[] | null;
  profileIndex: number;
  error?: string;
}

export interface AppState {
  size: { columns: number; rows: number };
  screen: 'catalog' | 'lab' | 'complete';
  focus: 'shell' | 'nav';
  overlay: Overlay | null;
  catalog: CatalogState;
  lab: LabState | null;
  shell: ShellPane;
  /** What the app is waiting for ("Opening the lab…"), blocking keys but quit. */
  busy: string | null;
  toast: { text: string; tone: 'ok' | 'warn' | 'err' | 'info' } | null;
  intents: Intent[];
  nextIntent: number;
  /** Set once quitting: the runner saves and the app exits with `exitCode`. */
  quitting: boolean;
  exitCode: number;
  /** Whether colours are shown (NO_COLOR / FORCE_COLOR=0 turn them off). */
  color: boolean;
  /** Something the learner waits for is running (a spinner shows); `notice` says what it waits for (a retry). */
  work: { notice?: string } | null;
  /** Spinner frame. */
  spin: number;
  /** With --workshop: whether progress reaches the instructor's room. */
  room?: RoomView;
}

export interface InitOptions {
  columns?: number;
  rows?: number;
  /** Open this lab straight away (`iamlab start <lab>`). */
  lab?: string;
  real?: boolean;
  profile?: string;
  color?: boolean;
  /** The catalog, when it is known at start (the cache): no loading frame. */
  entries?: CatalogEntry[];
}

export function initialState(o: InitOptions = {}): AppState {
  let s: AppState = {
    size: { columns: o.columns ?? 80, rows: o.rows ?? 24 },
    screen: 'catalog',
    focus: 'shell',
    overlay: null,
    catalog: { entries: null, cursor: 0, account: o.real ? 'real' : 'sim', profiles: null, profileIndex: 0 },
    lab: null,
    shell: emptyShell(),
    busy: null,
    toast: null,
    intents: [],
    nextIntent: 1,
    quitting: false,
    exitCode: 0,
    color: o.color ?? true,
    work: null,
    spin: 0,
  };
  if (o.entries) s = reducer(s, { type: 'catalog-loaded', entries: o.entries });
  else s = want(s, { kind: 'load-catalog' });
  if (o.real) s = want(s, { kind: 'load-profiles' });
  if (o.lab) {
    s = want(s, { kind: 'open-lab', labId: o.lab, backend: o.real ? 'real' : 'sim', ...(o.profile ? { profile: o.profile } : {}) });
    s = { ...s, busy: `Opening ${o.lab}…` };
  }
  return s;
}

function emptyShell(history: string[] = [], prompt = '$ '): ShellPane {
  return { lines: [], nextId: 1, scroll: 0, editor: lineState('', history), continuation: null, queue: [], running: false, prompt };
}

// ---------------------------------------------------------------------------------------
// actions

export type Action =
  | { type: 'key'; ev: KeyEvent }
  | { type: 'cmd'; cmd: Command }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'intents-taken'; ids: number[] }
  | { type: 'catalog-loaded'; entries: CatalogEntry[] }
  | { type: 'catalog-failed'; message: string }
  | { type: 'profiles-loaded'; profiles: AwsProfile[] }
  | { type: 'lab-opened'; lab: LabOpened }
  | { type: 'open-failed'; message: string }
  | { type: 'run-started'; line: string }
  | { type: 'ask'; question: string; secret: boolean }
  | { type: 'run-done'; line: string; output: RunOutput; snap: LabSnapshot; prompt?: string; needsMore?: boolean }
  | { type: 'completions'; line: string; cursor: number; replaceFrom: number; candidates: string[] }
  | { type: 'snapshot'; snap: LabSnapshot; note?: { text: string; tone: Tone } }
  /** The solution as the lab resolves it (placeholders filled), once the learner asked for it. */
  | { type: 'solution-shown'; stepId: string; solution: NonNullable<StepView['solution']>; snap: LabSnapshot }
  /** notes: what leaving the lab could not do (an access key left in the account). */
  | { type: 'lab-closed'; notes?: string[] }
  | { type: 'failed'; message: string }
  /** The endpoint runs (what to paste) or, with null, has stopped. */
  | { type: 'endpoint'; view: EndpointView | null }
  /** Calls reached the endpoint (the controller debounces): time to look at them. */
  | { type: 'endpoint-activity' }
  | { type: 'endpoint-synced'; activity: EndpointActivity }
  | { type: 'room'; room: RoomView }
  /** The lab went back to a step: its state now, and what happened to the account. */
  | { type: 'redone'; stepId: string; snap: LabSnapshot; prompt: string; note: string }
  | { type: 'toast-clear' }
  /** The runner started / finished something the learner waits for. */
  | { type: 'work'; on: boolean }
  /** What the running work waits for ("AWS is throttling; retrying in 1.2 s …"). */
  | { type: 'work-notice'; text: string }
  /** The spinner's clock (only while work or busy). */
  | { type: 'tick' };

const want = (s: AppState, body: IntentBody): AppState => ({
  ...s,
  intents: [...s.intents, { ...body, id: s.nextIntent } as Intent],
  nextIntent: s.nextIntent + 1,
});

const toast = (s: AppState, text: string, tone: 'ok' | 'warn' | 'err' | 'info' = 'info'): AppState => ({ ...s, toast: { text, tone } });

export function print(shell: ShellPane, text: string, tone: Tone): ShellPane {
  const parts = text.replace(/\r\n/g, '\n').split('\n');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  let id = shell.nextId;
  const add = parts.map((t) => ({ id: id++, text: t.replace(/\t/g, '    '), tone }));
  let lines = shell.lines.concat(add);
  if (lines.length > SCROLLBACK_LIMIT) lines = lines.slice(lines.length - SCROLLBACK_LIMIT);
  // keep the learner's place when scrolled up
  const scroll = shell.scroll > 0 ? shell.scroll + add.length : 0;
  return { ...shell, lines, nextId: id, scroll };
}

// ---------------------------------------------------------------------------------------
// which keys mean what, right now

export function inputContext(s: AppState): InputContext {
  if (s.overlay?.kind === 'confirm') return 'confirm';
  if (s.overlay?.kind === 'dialog') {
    const f = s.overlay.dialog.fields[s.overlay.dialog.focus];
    return f?.kind === 'choice' ? 'dialog-choice' : 'dialog-text';
  }
  if (s.overlay?.kind === 'help') return 'overlay';
  if (s.busy || s.quitting) return 'busy';
  if (s.screen === 'catalog') return 'catalog';
  if (s.screen === 'complete') return 'complete';
  return s.focus === 'shell' ? 'lab-shell' : 'lab-nav';
}

/** Which key help applies (for the bar and the ? overlay). */
export function helpContext(s: AppState): 'catalog' | 'lab-shell' | 'lab-nav' | 'complete' {
  if (s.screen === 'catalog') return 'catalog';
  if (s.screen === 'complete') return 'complete';
  return s.focus === 'shell' ? 'lab-shell' : 'lab-nav';
}

// ---------------------------------------------------------------------------------------
// the reducer

export function reducer(s: AppState, a: Action): AppState {
  switch (a.type) {
    case 'resize':
      if (a.columns === s.size.columns && a.rows === s.size.rows) return s;
      return { ...s, size: { columns: a.columns, rows: a.rows } };
    case 'intents-taken': {
      const taken = new Set(a.ids);
      return { ...s, intents: s.intents.filter((i) => !taken.has(i.id)) };
    }
    case 'toast-clear':
      return s.toast ? { ...s, toast: null } : s;
    case 'work':
      return a.on ? { ...s, work: {} } : s.work ? { ...s, work: null } : s;
    case 'work-notice':
      return s.work ? { ...s, work: { notice: a.text } } : s;
    case 'tick':
      return s.work || s.busy ? { ...s, spin: (s.spin + 1) % 1000 } : s;
    case 'catalog-loaded': {
      const cursor = Math.min(s.catalog.cursor, Math.max(0, a.entries.length - 1));
      // start on the lab the learner was in the middle of (on the account chosen)
      const real = s.catalog.account === 'real';
      const resume = s.catalog.entries === null ? a.entries.findIndex((e) => (real ? e.real?.started && !e.real.completed : e.started && !e.completed)) : -1;
      const { error: _e, ...rest } = s.catalog;
      return { ...s, catalog: { ...rest, entries: a.entries, cursor: resume >= 0 ? resume : cursor } };
    }
    case 'catalog-failed':
      return { ...s, catalog: { ...s.catalog, entries: s.catalog.entries ?? [], error: a.message } };
    case 'profiles-loaded':
      return { ...s, catalog: { ...s.catalog, profiles: a.profiles, profileIndex: Math.min(s.catalog.profileIndex, Math.max(0, a.profiles.length - 1)) } };
    case 'lab-opened':
      return openLab(s, a.lab);
    case 'open-failed':
      // shown in full on the home screen (a toast would cut a long message)
      return toast({ ...s, busy: null, screen: s.lab ? s.screen : 'catalog', catalog: { ...s.catalog, error: a.message } }, 'The lab did not open (see above).', 'err');
    case 'failed': {
      const next = { ...s, busy: null, shell: { ...s.shell, running: false } };
      if (s.lab) return toast({ ...next, shell: print(next.shell, `iamlab: ${a.message}`, 'err') }, firstSentence(a.message), 'err');
      return toast({ ...next, catalog: { ...s.catalog, error: a.message } }, firstSentence(a.message), 'err');
    }
    case 'run-started':
      return { ...s, shell: { ...s.shell, running: true } };
    case 'ask':
      // no shell on screen (the lab is still opening): the question gets a box of its own
      if (!s.lab || s.screen !== 'lab') return { ...s, overlay: { kind: 'dialog', dialog: askDialog(a.question, a.secret) } };
      {
        // a long question (the write confirmation) is printed in full; its last sentence is the prompt
        const { text, prompt } = splitQuestion(a.question, s.size.columns);
        const shell = text ? print(s.shell, text, 'warn') : s.shell;
        return { ...s, focus: 'shell', overlay: null, shell: { ...shell, ask: { question: prompt, secret: a.secret }, scroll: 0 } };
      }
    case 'run-done':
      return runDone(s, a);
    case 'endpoint':
      return endpointChanged(s, a.view);
    case 'room':
      return { ...s, room: a.room };
    case 'redone': {
      if (!s.lab) return s;
      const i = Math.max(0, s.lab.steps.findIndex((x) => x.id === a.stepId));
      const lab: LabState = { ...s.lab, snap: a.snap, viewing: i, panel: 'step', panelScroll: 0 };
      const shell = print({ ...s.shell, prompt: a.prompt }, a.note, 'info');
      return toast({ ...s, screen: 'lab', focus: 'shell', lab, shell }, `Step ${i + 1} again: ${s.lab.steps[i]!.title}`, 'ok');
    }
    case 'endpoint-activity':
      // one look at a time: calls that arrive meanwhile are in the next one
      if (!s.lab || s.intents.some((i) => i.kind === 'endpoint-sync')) return s;
      return want(s, { kind: 'endpoint-sync' });
    case 'endpoint-synced': {
      if (!s.lab) return s;
      let shell = s.shell;
      if (a.activity.lines.length) shell = print(shell, a.activity.lines.join('\n'), 'dim');
      return applySnapshot({ ...s, shell }, a.activity.snap);
    }
    case 'completions':
      return completions(s, a);
    case 'snapshot': {
      if (!s.lab) return s;
      let next = applySnapshot(s, a.snap);
      if (a.note) next = { ...next, shell: print(next.shell, a.note.text, a.note.tone) };
      return next;
    }
    case 'solution-shown': {
      if (!s.lab) return s;
      const steps = s.lab.steps.map((x) => (x.id === a.stepId ? { ...x, solution: a.solution } : x));
      return applySnapshot({ ...s, lab: { ...s.lab, steps } }, a.snap);
    }
    case 'lab-closed': {
      const catalog = a.notes?.length ? { ...s.catalog, error: a.notes.join(' ') } : s.catalog;
      return want({ ...s, screen: 'catalog', lab: null, busy: null, overlay: null, shell: emptyShell(), catalog }, { kind: 'load-catalog' });
    }
    case 'key': {
      const ctx = inputContext(s);
      if (a.ev.kind === 'text' && a.ev.text.includes('\t')) {
        // a Tab inside a chunk: in a form it moves to the next field; typed text is never a tab
        if (ctx === 'dialog-text' || ctx === 'dialog-choice') {
          let next = s;
          a.ev.text.split('\t').forEach((part, i) => {
            if (i > 0) next = reducer(next, { type: 'key', ev: { kind: 'key', name: 'tab' } });
            if (part) next = reducer(next, { type: 'key', ev: { kind: 'text', text: part } });
          });
          return next;
        }
        return reducer(s, { type: 'key', ev: { kind: 'text', text: a.ev.text.replace(/\t/g, '  ') } });
      }
      const cmd = route(ctx, a.ev);
      if (!cmd && ctx === 'lab-shell' && a.ev.kind === 'meta') {
        // Esc and a key in one read (typed quickly): the key means what it means in lab keys
        const nav = { ...s, focus: 'nav' as const };
        const c2 = route('lab-nav', { kind: 'text', text: a.ev.char });
        return c2 ? command(nav, c2) : nav;
      }
      return cmd ? command(s, cmd) : s;
    }
    case 'cmd':
      return command(s, a.cmd);
  }
}

function openLab(s: AppState, lab: LabOpened): AppState {
  let shell = emptyShell(lab.history, lab.prompt);
  for (const line of lab.banner ?? []) shell = print(shell, line, 'info');
  const current = lab.snapshot.current;
  const ls: LabState = {
    id: lab.id,
    title: lab.title,
    account: lab.account,
    steps: lab.steps,
    snap: lab.snapshot,
    viewing: Math.min(current, lab.steps.length - 1),
    panel: 'step',
    panelScroll: 0,
    tall: false,
  };
  // a finished lab opens on its summary (Esc goes on to the lab's shell)
  const done = lab.snapshot.current >= lab.steps.length && lab.snapshot.summary !== undefined;
  return { ...s, screen: done ? 'complete' : 'lab', lab: ls, shell, busy: null, overlay: null, focus: 'shell', toast: null };
}

/** Merges a new snapshot: marks passes, follows the learner to the next step, completes. */
function applySnapshot(s: AppState, snap: LabSnapshot): AppState {
  const lab = s.lab!;
  const before = lab.snap;
  const followed = lab.viewing === Math.min(before.current, lab.steps.length - 1);
  const viewing = followed ? Math.min(snap.current, lab.steps.length - 1) : lab.viewing;
  // a new step opens on its instructions, whatever panel was showing
  const moved = before.current !== snap.current;
  const panel = moved && followed ? 'step' : lab.panel;
  let next: AppState = { ...s, lab: { ...lab, snap, viewing, panel, panelScroll: viewing === lab.viewing && panel === lab.panel ? lab.panelScroll : 0 } };
  let shell = next.shell;
  for (const [i, step] of lab.steps.entries()) {
    const was = before.progress[step.id]?.status;
    const now = snap.progress[step.id]?.status;
    if (was !== 'passed' && now === 'passed') shell = print(shell, `✓ Step ${i + 1} passed: ${step.title}`, 'ok');
    if (was !== 'skipped' && now === 'skipped') shell = print(shell, `↷ Step ${i + 1} skipped: ${step.title}`, 'warn');
  }
  next = { ...next, shell };
  const wasDone = before.current >= lab.steps.length;
  const nowDone = snap.current >= lab.steps.length;
  if (!wasDone && nowDone) next = { ...next, screen: 'complete', overlay: null, focus: 'shell' };
  else if (before.current !== snap.current && snap.current < lab.steps.length) {
    next = toast(next, `Step ${snap.current + 1}: ${lab.steps[snap.current]!.title}`, 'ok');
  }
  return next;
}

function runDone(s: AppState, a: Extract<Action, { type: 'run-done' }>): AppState {
  if (a.needsMore) {
    // an unfinished heredoc or quote: the next line continues it
    return drainQueue({ ...s, shell: { ...s.shell, running: false, continuation: a.line } });
  }
  let shell = s.shell;
  if (a.output.stdout) shell = print(shell, a.output.stdout, 'out');
  if (a.output.stderr) shell = print(shell, a.output.stderr, a.output.exitCode === 0 ? 'warn' : 'err');
  shell = { ...shell, running: false, ...(a.prompt ? { prompt: a.prompt } : {}) };
  let next: AppState = { ...s, shell };
  if (next.lab) next = applySnapshot(next, a.snap);
  return drainQueue(next);
}

/** Starts the next queued line when nothing runs: echoes it, joins it to an open heredoc. */
function drainQueue(s: AppState): AppState {
  let shell = s.shell;
  while (!shell.running && shell.queue.length > 0 && s.lab) {
    const [line, ...queue] = shell.queue as [string, ...string[]];
    const cont = shell.continuation;
    shell = print({ ...shell, queue }, `${cont !== null ? '> ' : shell.prompt}${line}`, 'input');
    const full = cont !== null ? `${cont}\n${line}` : line;
    if (full.trim() === '') {
      shell = { ...shell, continuation: null };
      continue;
    }
    return want({ ...s, shell: { ...shell, continuation: null, running: true } }, { kind: 'run', line: full });
  }
  return { ...s, shell };
}

function completions(s: AppState, a: Extract<Action, { type: 'completions' }>): AppState {
  const ed = s.shell.editor;
  if (lineText(ed) !== a.line || ed.cursor !== Array.from(a.line.slice(0, a.cursor)).length) return s; // typed on meanwhile
  const { state, shown } = applyCompletion(ed, a.replaceFrom, a.candidates);
  let shell = { ...s.shell, editor: state };
  if (shown.length > 0) {
    shell = print(shell, `${s.shell.prompt}${a.line}`, 'input');
    shell = print(shell, columns(shown, s.size.columns), 'dim');
  }
  return { ...s, shell };
}

/** Lays candidates out in columns like a shell does. */
export function columns(items: string[], width: number): string {
  const max = Math.min(40, Math.max(...items.map((x) => x.length)) + 2);
  const per = Math.max(1, Math.floor((width - 2) / max));
  const rows: string[] = [];
  const shown = items.slice(0, 200);
  for (let i = 0; i < shown.length; i += per) rows.push(shown.slice(i, i + per).map((x) => x.padEnd(max)).join('').trimEnd());
  if (items.length > shown.length) rows.push(`… and ${items.length - shown.length} more`);
  return rows.join('\n');
}

// ---------------------------------------------------------------------------------------
// commands

function command(s: AppState, cmd: Command): AppState {
  if (s.toast && cmd.type !== 'insert') s = { ...s, toast: null };
  const ctx = inputContext(s);
  if (cmd.type === 'interrupt') return interrupt(s, ctx);
  if (cmd.type === 'quit') {
    if (ctx === 'lab-shell' && (s.shell.editor.chars.length > 0 || s.shell.continuation !== null)) return s; // ^D on a non-empty line
    return quit(s);
  }
  switch (ctx) {
    case 'catalog':
      return catalogCommand(s, cmd);
    case 'lab-shell':
      return shellCommand(s, cmd);
    case 'lab-nav':
      return navCommand(s, cmd);
    case 'overlay':
      return overlayCommand(s, cmd);
    case 'confirm':
      return confirmCommand(s, cmd);
    case 'dialog-text':
    case 'dialog-choice':
      return dialogCommand(s, cmd);
    case 'complete':
      return completeCommand(s, cmd);
    case 'busy':
      return s;
  }
}

function quit(s: AppState): AppState {
  if (s.quitting) return s;
  // a question still open is answered "cancelled", so the work waiting on it ends and quit can run
  return want({ ...closeOverlay(s), quitting: true, busy: 'Saving…' }, { kind: 'quit' });
}

/** Closes the overlay; a question box closed unanswered tells the running command so. */
function closeOverlay(s: AppState): AppState {
  if (s.overlay?.kind === 'dialog' && s.overlay.dialog.which === 'ask') return want({ ...s, overlay: null }, { kind: 'reply', text: undefined });
  return s.overlay ? { ...s, overlay: null } : s;
}

/**
 * A question too long for the prompt line: the text to print above it, and the prompt (its last
 * sentence, e.g. "Go ahead? [y/N] ", or "> " when even that is long).
 */
export function splitQuestion(question: string, columns: number): { text?: string; prompt: string } {
  if (question.length <= Math.max(20, Math.floor(columns / 2))) return { prompt: question };
  const body = question.trimEnd();
  const cut = body.lastIndexOf('. ');
  const tail = cut >= 0 ? body.slice(cut + 2) : '';
  if (tail && tail.length <= 40) return { text: body.slice(0, cut + 1), prompt: `${tail} ` };
  return { text: body, prompt: '> ' };
}

/** A running command's question, in a box (while no shell is on screen). */
export function askDialog(question: string, secret: boolean): DialogState {
  const q = question.trim();
  const yesNo = /\[y\/N\]\s*$/i.test(q);
  return {
    which: 'ask',
    title: yesNo ? 'iamlab asks before changing your AWS account' : 'iamlab needs an answer',
    text: q,
    fields: [{ ...field('answer', yesNo ? 'y/N' : 'Answer', '', yesNo ? 'y to go ahead, Enter or Esc for no' : '', false), ...(secret ? { secret: true } : {}) }],
    focus: 0,
  };
}

function interrupt(s: AppState, ctx: InputContext): AppState {
  if (ctx === 'lab-shell' && s.shell.ask) {
    const { ask, ...rest } = s.shell;
    const shell = print({ ...rest, editor: lineReducer(rest.editor, { type: 'kill', what: 'line' }) }, `${ask.question}^C`, 'input');
    return want({ ...s, shell }, { kind: 'reply', text: undefined });
  }
  if (ctx === 'lab-shell' && (s.shell.editor.chars.length > 0 || s.shell.continuation !== null)) {
    const shell = print(s.shell, `${s.shell.continuation !== null ? '> ' : s.shell.prompt}${lineText(s.shell.editor)}^C`, 'input');
    return { ...s, shell: { ...shell, editor: lineReducer(s.shell.editor, { type: 'kill', what: 'line' }), continuation: null, scroll: 0 } };
  }
  if (ctx === 'dialog-text' || ctx === 'dialog-choice' || ctx === 'confirm') return closeOverlay(s);
  return quit(s);
}

const firstSentence = (m: string) => /^[^.]*\.?/.exec(m)![0];

function catalogCommand(s: AppState, cmd: Command): AppState {
  if (s.catalog.error && s.catalog.entries?.length) {
    const { error: _e, ...rest } = s.catalog;
    s = { ...s, catalog: rest };
  }
  const c = s.catalog;
  const n = c.entries?.length ?? 0;
  switch (cmd.type) {
    case 'up':
      return { ...s, catalog: { ...c, cursor: n ? (c.cursor - 1 + n) % n : 0 } };
    case 'down':
      return { ...s, catalog: { ...c, cursor: n ? (c.cursor + 1) % n : 0 } };
    case 'toggle-account': {
      const account = c.account === 'sim' ? 'real' : 'sim';
      let next: AppState = { ...s, catalog: { ...c, account } };
      if (account === 'real' && c.profiles === null) next = want(next, { kind: 'load-profiles' });
      return next;
    }
    case 'left':
    case 'right': {
      if (c.account !== 'real' || !c.profiles?.length) return s;
      const m = c.profiles.length;
      const profileIndex = (c.profileIndex + (cmd.type === 'right' ? 1 : -1) + m) % m;
      return { ...s, catalog: { ...c, profileIndex } };
    }
    case 'select': {
      const e = c.entries?.[c.cursor];
      if (!e) return s;
      if (e.error) return toast(s, `${e.id} cannot be opened: ${e.error}`, 'err');
      if (c.account === 'real') {
        if (!e.backends.includes('real')) return toast(s, `Simulated account only: ${e.title}`, 'warn');
        const profile = c.profiles?.[c.profileIndex]?.name;
        return want({ ...s, busy: `Opening ${e.title} on your AWS account…` }, { kind: 'open-lab', labId: e.id, backend: 'real', ...(profile ? { profile } : {}) });
      }
      return want({ ...s, busy: `Opening ${e.title}…` }, { kind: 'open-lab', labId: e.id, backend: 'sim' });
    }
    case 'reset-lab': {
      const e = c.entries?.[c.cursor];
      if (!e || e.error) return s;
      if (c.account === 'real') return toast(s, `r resets the simulated account's lab. On your AWS account: iamlab cleanup ${e.id} --real removes what the lab made; iamlab start ${e.id} --real picks up your progress.`, 'info');
      return {
        ...s,
        overlay: { kind: 'confirm', action: 'reset', target: e.id, title: `Reset ${e.title}?`, text: 'The lab starts over: a fresh simulated account and no progress. Your other labs are kept.' },
      };
    }
    case 'help':
      return { ...s, overlay: { kind: 'help' } };
    default:
      return s;
  }
}

function submitShell(s: AppState): AppState {
  const ed = s.shell.editor;
  const text = lineText(ed);
  if (s.shell.ask) {
    const { ask, ...rest } = s.shell;
    const shell = print({ ...rest, editor: lineReducer(ed, { type: 'commit', record: false }) }, `${ask.question}${ask.secret ? '*'.repeat(Math.min(text.length, 8)) : text}`, 'input');
    return want({ ...s, shell }, { kind: 'reply', text });
  }
  const shell = { ...s.shell, editor: lineReducer(ed, { type: 'commit', record: s.shell.continuation === null }), scroll: 0, queue: [...s.shell.queue, text] };
  return drainQueue({ ...s, shell });
}

function shellCommand(s: AppState, cmd: Command): AppState {
  const sh = s.shell;
  switch (cmd.type) {
    case 'insert':
    case 'backspace':
    case 'cursor':
    case 'kill':
    case 'history':
      return { ...s, shell: { ...sh, editor: lineReducer(sh.editor, cmd), scroll: cmd.type === 'insert' ? 0 : sh.scroll } };
    case 'submit':
      return submitShell(s);
    case 'complete': {
      const line = lineText(sh.editor);
      const cursor = Array.from(line).slice(0, sh.editor.cursor).join('').length;
      return want(s, { kind: 'complete', line, cursor });
    }
    case 'scroll':
      return { ...s, shell: { ...sh, scroll: scrollBy(sh.scroll, cmd.by, shellRows(s)) } };
    case 'clear-screen':
      return { ...s, shell: { ...sh, lines: [], scroll: 0 } };
    case 'focus':
      return { ...s, focus: cmd.to };
    default:
      return labCommand(s, cmd);
  }
}

function scrollBy(cur: number, by: 'page-up' | 'page-down' | 'top' | 'bottom', page: number): number {
  const step = Math.max(1, page - 1);
  if (by === 'page-up') return cur + step;
  if (by === 'page-down') return Math.max(0, cur - step);
  if (by === 'bottom') return 0;
  return Number.MAX_SAFE_INTEGER;
}

function navCommand(s: AppState, cmd: Command): AppState {
  const lab = s.lab;
  if (!lab) return s;
  switch (cmd.type) {
    case 'focus':
      return { ...s, focus: cmd.to };
    case 'step': {
      const viewing = Math.max(0, Math.min(lab.steps.length - 1, lab.viewing + cmd.dir));
      return { ...s, lab: { ...lab, viewing, panel: 'step', panelScroll: 0 } };
    }
    case 'scroll': {
      const page = layoutOf(s).upper;
      return { ...s, lab: { ...lab, panelScroll: Math.max(0, cmd.by === 'page-up' ? lab.panelScroll - (page - 1) : lab.panelScroll + (page - 1)) } };
    }
    case 'help':
      return { ...s, overlay: { kind: 'help' } };
    case 'zoom':
      return { ...s, lab: { ...lab, tall: !lab.tall } };
    case 'catalog':
      return want({ ...s, busy: 'Saving…' }, { kind: 'close-lab' });
    default:
      return labCommand(s, cmd);
  }
}

/** Lab commands that work from both the shell (Ctrl keys) and nav mode (letters). */
function labCommand(s: AppState, cmd: Command): AppState {
  const lab = s.lab;
  if (!lab) return s;
  const cur = lab.steps[lab.snap.current];
  switch (cmd.type) {
    case 'check':
      return want(toast(s, 'Checking…'), { kind: 'check' });
    case 'why':
      return { ...s, lab: { ...lab, panel: lab.panel === 'why' ? 'step' : 'why', panelScroll: 0 } };
    case 'map':
      return { ...s, lab: { ...lab, panel: lab.panel === 'map' ? 'step' : 'map', panelScroll: 0 } };
    case 'checked':
      return { ...s, lab: { ...lab, panel: lab.panel === 'checked' ? 'step' : 'checked', panelScroll: 0 } };
    case 'hint': {
      if (!cur) return toast(s, 'Every step is done.', 'info');
      const shown = lab.snap.progress[cur.id]?.hintsShown.length ?? 0;
      const view: AppState = { ...s, lab: { ...lab, viewing: lab.snap.current, panel: 'step' } };
      if (cur.hints.length === 0) return toast(view, 'This step has no hints.', 'info');
      if (shown >= cur.hints.length) return toast(view, `All ${cur.hints.length} hints are shown.`, 'info');
      return want(view, { kind: 'hint', stepId: cur.id });
    }
    case 'solution': {
      const step = lab.steps[lab.viewing];
      if (!step) return s;
      const st = lab.snap.progress[step.id]?.status ?? 'open';
      if (!step.solution || step.solution.show === 'never') return toast(s, 'This step has no solution to show.', 'info');
      if (step.solution.show === 'after_pass' && st === 'open') return toast(s, 'Its solution opens once you pass or skip this step.', 'info');
      if (lab.snap.progress[step.id]?.solutionViewed || st !== 'open') return want({ ...s, lab: { ...lab, panel: 'solution', solutionStep: step.id, panelScroll: 0 } }, { kind: 'solution', stepId: step.id });
      return {
        ...s,
        overlay: { kind: 'confirm', action: 'solution', target: step.id, title: `Show the solution of step ${lab.viewing + 1}?`, text: 'Try a hint first (h). Viewing the solution is recorded in your progress.' },
      };
    }
    case 'skip': {
      if (!cur) return toast(s, 'Every step is done.', 'info');
      if (cur.skip === 'forbidden') return toast(s, 'This step cannot be skipped.', 'warn');
      const onConsole = lab.snap.consoleStep?.stepId === cur.id;
      return {
        ...s,
        overlay: {
          kind: 'confirm',
          action: 'skip',
          target: cur.id,
          title: `Skip step ${lab.snap.current + 1}: ${cur.title}?`,
          text: onConsole && lab.snap.consoleStep!.checkable
            ? 'This step happens in the AWS console. If you did it there, CloudTrail may still be on its way to showing it: c checks again. Skipping runs the solution\'s shell lines (its console lines do not) and records the step as skipped.'
            : onConsole
            ? 'This step happens in the AWS console, which iamlab cannot see on a real account: skipping is how to move past it (do it in your browser first if you like). The solution\'s shell lines run; its console lines do not. The step is recorded as skipped.'
            : lab.account.kind === 'real'
              ? 'Its solution runs in your AWS account so the next steps work, and the step is recorded as skipped.'
              : 'Its solution runs so the next steps work, and the step is recorded as skipped.',
        },
      };
    }
    case 'dialog':
      if (cmd.which === 'answer' && (!cur || (cur.kind !== 'answer' && cur.kind !== 'quiz'))) return toast(s, 'This step does not ask for an answer.', 'info');
      return { ...s, overlay: { kind: 'dialog', dialog: newDialog(cmd.which, s) } };
    case 'switch-back':
      return runConsole(s, 'console switch-back');
    case 'redo': {
      const i = lab.viewing;
      const step = lab.steps[i];
      if (!step) return s;
      if (i > lab.snap.current) return toast(s, 'That step has not been reached yet.', 'info');
      const later = lab.steps.length - i - 1;
      return {
        ...s,
        overlay: {
          kind: 'confirm',
          action: 'redo',
          target: step.id,
          title: `Go back to step ${i + 1}: ${step.title}?`,
          text: `Its progress${later ? ` and the ${later} later step${later === 1 ? "'s" : "s'"}` : ''} is cleared (passes, skips, hints, attempts). ${
            lab.account.kind === 'real'
              ? 'Your AWS account is kept as it is: undo there what the step should start without.'
              : 'The simulated account and the shell go back to how they were when the step began; your workspace files stay.'
          }`,
        },
      };
    }
    case 'endpoint':
      if (lab.account.kind === 'real') return toast(s, 'The endpoint serves the simulated account only: on your AWS account, your own aws CLI already talks to AWS.', 'warn');
      if (lab.endpoint && lab.panel === 'endpoint') return { ...s, lab: { ...lab, panel: 'step', panelScroll: 0 } };
      return want(lab.endpoint ? s : toast(s, 'Starting the endpoint…'), { kind: 'endpoint', action: 'show' });
    case 'endpoint-stop':
      if (!lab.endpoint) return toast(s, 'The endpoint is not running (e starts it).', 'info');
      return want(s, { kind: 'endpoint', action: 'stop' });
    default:
      return s;
  }
}

/** The endpoint started (its panel shows what to paste) or stopped. */
function endpointChanged(s: AppState, view: EndpointView | null): AppState {
  const lab = s.lab;
  if (!lab) return s;
  if (view) {
    const fresh = lab.endpoint?.url !== view.url;
    const shell = fresh
      ? print(s.shell, `Endpoint on: ${view.url} is this lab's account for your own aws CLI and SDKs. The panel above shows what to paste into another terminal${view.file ? `, or there: source ${view.file}` : ''}. Esc E stops it.`, 'info')
      : s.shell;
    return { ...s, shell, toast: null, lab: { ...lab, endpoint: view, panel: 'endpoint', panelScroll: 0 } };
  }
  if (!lab.endpoint) return s;
  const { endpoint, ...rest } = lab;
  const shell = print(s.shell, `Endpoint stopped: ${endpoint.url} refuses connections now.`, 'info');
  return toast({ ...s, shell, lab: { ...rest, panel: lab.panel === 'endpoint' ? 'step' : lab.panel, panelScroll: lab.panel === 'endpoint' ? 0 : lab.panelScroll } }, 'Endpoint stopped.', 'info');
}

function overlayCommand(s: AppState, cmd: Command): AppState {
  const o = s.overlay;
  switch (cmd.type) {
    case 'close':
      return { ...s, overlay: null };
    case 'up':
    case 'down':
    case 'scroll': {
      if (o?.kind !== 'help') return s;
      const L = layoutOf(s);
      const box = helpBox(s, L.frame - L.header - L.keybar);
      const max = Math.max(0, helpRows(s, box.width).length - box.rows);
      const by = cmd.type === 'up' ? -1 : cmd.type === 'down' ? 1 : cmd.by === 'page-up' ? -(box.rows - 1) : cmd.by === 'page-down' ? box.rows - 1 : cmd.by === 'top' ? -max : max;
      return { ...s, overlay: { kind: 'help', scroll: Math.max(0, Math.min(max, (o.scroll ?? 0) + by)) } };
    }
    default:
      return s;
  }
}

function confirmCommand(s: AppState, cmd: Command): AppState {
  const o = s.overlay;
  if (o?.kind !== 'confirm') return s;
  if (cmd.type === 'no' || cmd.type === 'close') return { ...s, overlay: null };
  if (cmd.type !== 'yes') return s;
  const closed: AppState = { ...s, overlay: null };
  switch (o.action) {
    case 'solution':
      return want({ ...closed, lab: closed.lab && { ...closed.lab, panel: 'solution', solutionStep: o.target!, panelScroll: 0 } }, { kind: 'solution', stepId: o.target! });
    case 'skip':
      return want(toast({ ...closed, focus: 'shell' }, 'Skipping…'), { kind: 'skip', stepId: o.target! });
    case 'reset':
      return want(toast(closed, 'Resetting…'), { kind: 'reset', labId: o.target! });
    case 'redo':
      return want(toast({ ...closed, focus: 'shell' }, 'Going back…'), { kind: 'redo', stepId: o.target! });
    case 'quit-running':
      return quit(closed);
  }
}

function completeCommand(s: AppState, cmd: Command): AppState {
  switch (cmd.type) {
    case 'catalog':
      return want({ ...s, busy: 'Saving…' }, { kind: 'close-lab' });
    case 'close':
      return { ...s, screen: 'lab', focus: 'shell' };
    case 'help':
      return { ...s, overlay: { kind: 'help' } };
    default:
      return s;
  }
}

// ---------------------------------------------------------------------------------------
// console dialogs: forms that type the same `console …` command a learner could type

export const CONSOLE_COLORS = ['none', 'red', 'orange', 'yellow', 'green', 'blue'] as const;

function field(key: string, label: string, value = '', placeholder?: string, required = true): DialogField {
  return { key, label, kind: 'text', editor: lineState(value), ...(placeholder ? { placeholder } : {}), required };
}

function newDialog(which: 'switch-role' | 'sign-in' | 'answer', s: AppState): DialogState {
  const id = s.lab?.snap.identity;
  if (which === 'answer') {
    const step = s.lab?.steps[s.lab.snap.current];
    return { which, title: step?.prompt ? `Answer: ${step.prompt}` : 'Your answer', fields: [field('answer', 'Answer', '', 'type your answer')], focus: 0 };
  }
  const account = id?.console.signedIn?.accountId ?? id?.shell?.accountId ?? '';
  if (which === 'sign-in') {
    return {
      which,
      title: 'Sign in to the console as an IAM user',
      fields: [field('user', 'IAM user name', '', 'e.g. balu'), field('account', 'Account ID', account, '12-digit account ID', false)],
      focus: 0,
    };
  }
  return {
    which,
    title: 'Switch Role',
    fields: [
      field('account', 'Account ID', account, '12-digit ID or alias'),
      field('role', 'IAM role name', '', 'e.g. temp-user'),
      field('display', 'Display name', '', 'role @ account', false),
      { key: 'color', label: 'Colour', kind: 'choice', editor: lineState(''), options: [...CONSOLE_COLORS], choice: 0 },
    ],
    focus: 0,
  };
}

const val = (d: DialogState, key: string) => lineText(d.fields.find((f) => f.key === key)!.editor).trim();

/** Quotes a word for the shell (POSIX single quotes when needed). */
export function shellQuote(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The console command a dialog stands for, or an error to show in the dialog. */
export function dialogCommandLine(d: DialogState): { line: string } | { error: string } {
  if (d.which === 'ask') return { error: 'This box answers a question; it runs no command.' };
  if (d.which === 'answer') {
    const text = val(d, 'answer');
    if (!text) return { error: 'Type your answer first.' };
    return { line: `answer ${shellQuote(text)}` };
  }
  if (d.which === 'sign-in') {
    const user = val(d, 'user');
    if (!user) return { error: 'Enter the IAM user name.' };
    const account = val(d, 'account');
    return { line: `console sign-in ${shellQuote(user)}${account ? ` --account ${shellQuote(account)}` : ''}` };
  }
  const account = val(d, 'account');
  const role = val(d, 'role');
  if (!account) return { error: 'Enter the account ID (or alias) that owns the role.' };
  if (!role) return { error: 'Enter the role name.' };
  const display = val(d, 'display');
  const colorField = d.fields.find((f) => f.key === 'color')!;
  const color = colorField.options![colorField.choice ?? 0]!;
  let line = `console switch-role --account ${shellQuote(account)} --role-name ${shellQuote(role)}`;
  if (display) line += ` --display-name ${shellQuote(display)}`;
  if (color !== 'none') line += ` --color ${color}`;
  return { line };
}

function runConsole(s: AppState, line: string): AppState {
  return drainQueue({ ...s, shell: { ...s.shell, queue: [...s.shell.queue, line], scroll: 0 } });
}

function dialogCommand(s: AppState, cmd: Command): AppState {
  const o = s.overlay;
  if (o?.kind !== 'dialog') return s;
  const d = o.dialog;
  const setDialog = (nd: DialogState): AppState => ({ ...s, overlay: { kind: 'dialog', dialog: nd } });
  const f = d.fields[d.focus]!;
  const setField = (nf: DialogField): AppState => {
    const { error: _e, ...rest } = d;
    return setDialog({ ...rest, fields: d.fields.map((x, i) => (i === d.focus ? nf : x)) });
  };
  switch (cmd.type) {
    case 'close':
      return closeOverlay(s);
    case 'next-field':
      return setDialog({ ...d, focus: (d.focus + 1) % d.fields.length });
    case 'prev-field':
      return setDialog({ ...d, focus: (d.focus - 1 + d.fields.length) % d.fields.length });
    case 'insert':
    case 'backspace':
    case 'cursor':
    case 'kill':
      if (f.kind !== 'text') return s;
      return setField({ ...f, editor: lineReducer(f.editor, cmd) });
    case 'left':
    case 'right': {
      if (f.kind !== 'choice') return s;
      const m = f.options!.length;
      return setField({ ...f, choice: ((f.choice ?? 0) + (cmd.type === 'right' ? 1 : -1) + m) % m });
    }
    case 'submit': {
      if (d.which === 'ask') return want({ ...s, overlay: null }, { kind: 'reply', text: lineText(f.editor) });
      // Enter on a field moves on; on the last field (or with everything filled) it submits
      const r = dialogCommandLine(d);
      if ('error' in r) {
        if (d.focus < d.fields.length - 1) return setDialog({ ...d, focus: d.focus + 1 });
        return setDialog({ ...d, error: r.error });
      }
      if (d.focus < d.fields.length - 1 && d.which === 'switch-role' && val(d, 'role') === '') return setDialog({ ...d, focus: d.focus + 1 });
      return runConsole({ ...s, overlay: null, focus: 'shell' }, r.line);
    }
    default:
      return s;
  }
}

// ---------------------------------------------------------------------------------------
// layout arithmetic (pure, shared by the reducer for page sizes and by the views)

export interface LayoutBox {
  /** Rows of the whole frame (one less than the terminal, so Ink never clears the screen). */
  frame: number;
  header: number;
  /** Rows of the upper pane (step list + instructions / why / map). */
  upper: number;
  /** Rows of shell scrollback shown (the prompt line is extra). */
  shell: number;
  keybar: number;
  /** Width of the step list column; 0 hides it (narrow terminals). */
  stepsWidth: number;
}

export function layoutOf(s: Pick<AppState, 'size'> & { lab?: Pick<LabState, 'tall'> | null }): LayoutBox {
  const rows = Math.max(8, s.size.rows);
  const frame = rows - 1;
  const header = 1;
  const keybar = 1;
  const rest = frame - header - keybar - 2; // shell title rule + prompt line
  const tall = s.lab?.tall ?? false;
  let upper = tall ? Math.max(3, rest - 3) : Math.max(3, Math.round(rest * 0.5));
  if (rest - upper < 2) upper = Math.max(1, rest - 2);
  const shell = Math.max(1, rest - upper);
  const cols = s.size.columns;
  const stepsWidth = cols < 60 ? 0 : Math.min(32, Math.floor(cols * 0.3));
  return { frame, header, upper, shell, keybar, stepsWidth };
}

export function shellRows(s: AppState): number {
  return layoutOf(s).shell;
}

/** For the Why panel: a denied call's explanation if there is one. */
export function lastDenied(s: AppState): { explanation: Explanation; command?: string; error?: string } | undefined {
  return s.lab?.snap.denied;
}

export function stepState(lab: LabState, index: number): 'passed' | 'skipped' | 'current' | 'locked' {
  const step = lab.steps[index];
  if (!step) return 'locked';
  const st = lab.snap.progress[step.id]?.status;
  if (st === 'passed') return 'passed';
  if (st === 'skipped') return 'skipped';
  return index === lab.snap.current ? 'current' : 'locked';
}

export function lastCheckFor(lab: LabState, stepId: string): CheckView | undefined {
  return lab.snap.lastCheck?.stepId === stepId ? lab.snap.lastCheck : undefined;
}
