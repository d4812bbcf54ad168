// Keyboard input, made plain: Ink's (input, key) pair becomes a list of key events, and one
// pure table turns each event into a command for the screen that has the keyboard.
// Pure: no React, no Ink. The App owns the only useInput and routes through here.

/** The subset of Ink's `Key` that we read (structurally compatible with ink's Key). */
export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageDown: boolean;
  pageUp: boolean;
  home?: boolean;
  end?: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  shift: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  meta: boolean;
}

export type NamedKey =
  | 'enter'
  | 'backspace'
  | 'tab'
  | 'backtab'
  | 'escape'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageup'
  | 'pagedown'
  | 'home'
  | 'end';

export type KeyEvent =
  | { kind: 'text'; text: string }
  | { kind: 'key'; name: NamedKey }
  /** Ctrl+letter (lower-case letter). */
  | { kind: 'ctrl'; letter: string }
  /** Alt/Meta+character. */
  | { kind: 'meta'; char: string };

/**
 * One Ink input callback → key events. A chunk of text may hold several lines: a paste, fast
 * typing, or `tmux send-keys 'cmd' Enter` all arrive as one string with `\r` inside and
 * `key.return` false (Ink 6.8). Split it so each line end is its own Enter.
 * On Linux Backspace arrives as `key.delete` (\x7f), so both mean backspace.
 */
export function keyEvents(input: string, key: InkKey): KeyEvent[] {
  if (key.upArrow) return [{ kind: 'key', name: 'up' }];
  if (key.downArrow) return [{ kind: 'key', name: 'down' }];
  if (key.leftArrow) return [{ kind: 'key', name: 'left' }];
  if (key.rightArrow) return [{ kind: 'key', name: 'right' }];
  if (key.pageUp) return [{ kind: 'key', name: 'pageup' }];
  if (key.pageDown) return [{ kind: 'key', name: 'pagedown' }];
  if (key.home) return [{ kind: 'key', name: 'home' }];
  if (key.end) return [{ kind: 'key', name: 'end' }];
  if (key.return && input === '') return [{ kind: 'key', name: 'enter' }];
  if (key.backspace || key.delete) return [{ kind: 'key', name: 'backspace' }];
  if (key.tab) return [{ kind: 'key', name: key.shift ? 'backtab' : 'tab' }];
  if (key.escape && input === '') return [{ kind: 'key', name: 'escape' }];
  if (key.ctrl && /^[a-z]$/.test(input)) return [{ kind: 'ctrl', letter: input }];
  if (key.meta && input.length === 1 && !key.escape) return [{ kind: 'meta', char: input }];
  return splitText(input);
}

/** Splits raw text into text runs, Enter and Backspace events; drops other control characters. */
export function splitText(raw: string): KeyEvent[] {
  const out: KeyEvent[] = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push({ kind: 'text', text: buf });
    buf = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\r' || ch === '\n') {
      flush();
      out.push({ kind: 'key', name: 'enter' });
      if (ch === '\r' && raw[i + 1] === '\n') i++;
    } else if (ch === '\x7f' || ch === '\b') {
      flush();
      out.push({ kind: 'key', name: 'backspace' });
    } else if (ch === '\t') {
      // a Tab that ends a chunk was pressed (typed fast after text); inside a paste it is text
      if (i === raw.length - 1) {
        flush();
        out.push({ kind: 'key', name: 'tab' });
      } else buf += '\t'; // the context decides: next field in a form, spaces in the shell
    } else if (ch === '\x1b') {
      // A stray escape inside a chunk (e.g. bracketed-paste markers): skip a CSI sequence.
      flush();
      const m = /^\x1b\[[0-9;?]*[ -/]*[@-~]/.exec(raw.slice(i));
      if (m) i += m[0].length - 1;
    } else if (ch.charCodeAt(0) < 0x20) {
      // other control characters carry nothing a learner meant to type
    } else {
      buf += ch;
    }
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------------------
// Commands: what a key means, decided by one table per input context.

export type Command =
  | { type: 'quit' }
  | { type: 'interrupt' } // Ctrl-C: clears a typed line, else quits
  | { type: 'help' }
  | { type: 'close' } // Esc in an overlay, or "back"
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'select' }
  | { type: 'toggle-account' }
  | { type: 'reset-lab' }
  // the command line (shell pane, dialog fields)
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'submit' }
  | { type: 'cursor'; to: 'left' | 'right' | 'home' | 'end' | 'word-left' | 'word-right' }
  | { type: 'kill'; what: 'line' | 'to-end' | 'word' }
  | { type: 'history'; dir: -1 | 1 }
  | { type: 'complete' }
  | { type: 'scroll'; by: 'page-up' | 'page-down' | 'top' | 'bottom' }
  | { type: 'clear-screen' }
  | { type: 'focus'; to: 'shell' | 'nav' }
  // the lab
  | { type: 'hint' }
  | { type: 'solution' }
  | { type: 'skip' }
  | { type: 'check' }
  | { type: 'why' }
  | { type: 'map' }
  | { type: 'dialog'; which: 'switch-role' | 'sign-in' | 'answer' }
  | { type: 'switch-back' }
  | { type: 'step'; dir: -1 | 1 }
  | { type: 'catalog' }
  | { type: 'zoom' }
  /** Show the endpoint panel, starting the endpoint (the simulated account on 127.0.0.1) if it is off; hide the panel when it shows. */
  | { type: 'endpoint' }
  | { type: 'endpoint-stop' }
  /** The panel of what the last check looked at: each part, its verdict, and what it read. */
  | { type: 'checked' }
  /** Go back to the step shown, to do it again (asks first). */
  | { type: 'redo' }
  // dialogs and confirmations
  | { type: 'next-field' }
  | { type: 'prev-field' }
  | { type: 'yes' }
  | { type: 'no' };

/** Where the keyboard is, as far as key meaning goes. */
export type InputContext =
  | 'catalog'
  | 'lab-shell' // typing into the shell pane
  | 'lab-nav' // single-letter lab commands
  | 'overlay' // help, why, map, solution: read-only panels
  | 'confirm' // y/n
  | 'dialog-text' // a text field of a dialog has the keyboard
  | 'dialog-choice' // a choice field (colour) has the keyboard
  | 'complete'
  | 'busy'; // a command runs: only quit works

type Table = Partial<Record<string, Command>>;

const K = (name: NamedKey) => `key:${name}`;
const C = (letter: string) => `ctrl:${letter}`;
const T = (ch: string) => `text:${ch}`;

const CTRL_C = { [C('c')]: { type: 'interrupt' } } satisfies Table;

const CATALOG: Table = {
  ...CTRL_C,
  [K('up')]: { type: 'up' },
  [K('down')]: { type: 'down' },
  [T('k')]: { type: 'up' },
  [T('j')]: { type: 'down' },
  [K('enter')]: { type: 'select' },
  [K('tab')]: { type: 'toggle-account' },
  [T('a')]: { type: 'toggle-account' },
  [K('left')]: { type: 'left' },
  [K('right')]: { type: 'right' },
  [T('r')]: { type: 'reset-lab' },
  [T('q')]: { type: 'quit' },
  [T('?')]: { type: 'help' },
  [K('escape')]: { type: 'close' },
};

/** Line-editing keys shared by the shell pane and dialog text fields. */
const EDITING: Table = {
  [K('backspace')]: { type: 'backspace' },
  [K('left')]: { type: 'cursor', to: 'left' },
  [K('right')]: { type: 'cursor', to: 'right' },
  [K('home')]: { type: 'cursor', to: 'home' },
  [K('end')]: { type: 'cursor', to: 'end' },
  [C('a')]: { type: 'cursor', to: 'home' },
  [C('e')]: { type: 'cursor', to: 'end' },
  [C('b')]: { type: 'cursor', to: 'left' },
  [C('f')]: { type: 'cursor', to: 'right' },
  'meta:b': { type: 'cursor', to: 'word-left' },
  'meta:f': { type: 'cursor', to: 'word-right' },
  [C('u')]: { type: 'kill', what: 'line' },
  [C('k')]: { type: 'kill', what: 'to-end' },
  [C('w')]: { type: 'kill', what: 'word' },
};

const LAB_SHELL: Table = {
  ...CTRL_C,
  ...EDITING,
  [K('enter')]: { type: 'submit' },
  [K('up')]: { type: 'history', dir: -1 },
  [K('down')]: { type: 'history', dir: 1 },
  [C('p')]: { type: 'history', dir: -1 },
  [C('n')]: { type: 'history', dir: 1 },
  [K('tab')]: { type: 'complete' },
  [K('pageup')]: { type: 'scroll', by: 'page-up' },
  [K('pagedown')]: { type: 'scroll', by: 'page-down' },
  [C('l')]: { type: 'clear-screen' },
  [C('d')]: { type: 'quit' }, // only when the line is empty (the reducer decides)
  [K('escape')]: { type: 'focus', to: 'nav' },
  [C('g')]: { type: 'focus', to: 'nav' },
  [C('t')]: { type: 'check' },
  [C('y')]: { type: 'why' },
  [C('o')]: { type: 'map' },
  [C('x')]: { type: 'endpoint' },
};

const LAB_NAV: Table = {
  ...CTRL_C,
  [T('q')]: { type: 'quit' },
  [T('?')]: { type: 'help' },
  [T('h')]: { type: 'hint' },
  [T('s')]: { type: 'solution' },
  [T('k')]: { type: 'skip' },
  [T('c')]: { type: 'check' },
  [T('w')]: { type: 'why' },
  [T('m')]: { type: 'map' },
  [T('r')]: { type: 'dialog', which: 'switch-role' },
  [T('u')]: { type: 'dialog', which: 'sign-in' },
  [T('a')]: { type: 'dialog', which: 'answer' },
  [T('z')]: { type: 'zoom' },
  [T('e')]: { type: 'endpoint' },
  [T('E')]: { type: 'endpoint-stop' },
  [T('v')]: { type: 'checked' },
  [T('g')]: { type: 'redo' },
  [T('b')]: { type: 'switch-back' },
  [T('l')]: { type: 'catalog' },
  [K('up')]: { type: 'step', dir: -1 },
  [K('down')]: { type: 'step', dir: 1 },
  [K('pageup')]: { type: 'scroll', by: 'page-up' },
  [K('pagedown')]: { type: 'scroll', by: 'page-down' },
  [K('enter')]: { type: 'focus', to: 'shell' },
  [K('escape')]: { type: 'focus', to: 'shell' },
  [T('i')]: { type: 'focus', to: 'shell' },
  [K('tab')]: { type: 'focus', to: 'shell' },
};

const OVERLAY: Table = {
  ...CTRL_C,
  [K('escape')]: { type: 'close' },
  [K('enter')]: { type: 'close' },
  [T('q')]: { type: 'close' },
  [T('?')]: { type: 'close' },
  [K('up')]: { type: 'up' },
  [K('down')]: { type: 'down' },
  [K('pageup')]: { type: 'scroll', by: 'page-up' },
  [K('pagedown')]: { type: 'scroll', by: 'page-down' },
  [T('w')]: { type: 'why' },
  [T('m')]: { type: 'map' },
};

const CONFIRM: Table = {
  ...CTRL_C,
  [T('y')]: { type: 'yes' },
  [T('Y')]: { type: 'yes' },
  [T('n')]: { type: 'no' },
  [T('N')]: { type: 'no' },
  [K('escape')]: { type: 'no' },
  [K('enter')]: { type: 'no' }, // Enter alone never confirms a skip or a spoiler
};

const DIALOG_COMMON: Table = {
  ...CTRL_C,
  [K('escape')]: { type: 'close' },
  [K('tab')]: { type: 'next-field' },
  [K('down')]: { type: 'next-field' },
  [K('backtab')]: { type: 'prev-field' },
  [K('up')]: { type: 'prev-field' },
  [K('enter')]: { type: 'submit' },
};

const DIALOG_TEXT: Table = { ...EDITING, ...DIALOG_COMMON };

const DIALOG_CHOICE: Table = {
  ...DIALOG_COMMON,
  [K('left')]: { type: 'left' },
  [K('right')]: { type: 'right' },
  [T(' ')]: { type: 'right' },
};

const COMPLETE: Table = {
  ...CTRL_C,
  [T('q')]: { type: 'quit' },
  [K('enter')]: { type: 'catalog' },
  [T('l')]: { type: 'catalog' },
  [K('escape')]: { type: 'close' },
  [T('?')]: { type: 'help' },
};

const BUSY: Table = { ...CTRL_C };

const TABLES: Record<InputContext, Table> = {
  catalog: CATALOG,
  'lab-shell': LAB_SHELL,
  'lab-nav': LAB_NAV,
  overlay: OVERLAY,
  confirm: CONFIRM,
  'dialog-text': DIALOG_TEXT,
  'dialog-choice': DIALOG_CHOICE,
  complete: COMPLETE,
  busy: BUSY,
};

/** Contexts where printable text is typed into a field rather than read as a command. */
const TEXT_ENTRY: ReadonlySet<InputContext> = new Set(['lab-shell', 'dialog-text']);

/** The command a key event means in a context, or undefined when it means nothing there. */
export function route(ctx: InputContext, ev: KeyEvent): Command | undefined {
  const table = TABLES[ctx];
  switch (ev.kind) {
    case 'key':
      return table[K(ev.name)];
    case 'ctrl':
      return table[C(ev.letter)];
    case 'meta':
      return table[`meta:${ev.char}`];
    case 'text':
      if (TEXT_ENTRY.has(ctx)) return { type: 'insert', text: ev.text };
      // a single key in a command context; longer text (a stray paste) means nothing there
      return ev.text.length === 1 || [...ev.text].length === 1 ? table[T(ev.text)] : undefined;
  }
}

/** For the key bar and the help overlay: the keys of a context, as the learner reads them. */
export interface KeyHelp {
  keys: string;
  what: string;
}

export const KEY_HELP: Record<'catalog' | 'lab-shell' | 'lab-nav' | 'complete', KeyHelp[]> = {
  catalog: [
    { keys: '↑↓', what: 'choose a lab' },
    { keys: 'Enter', what: 'open' },
    { keys: 'a', what: 'account: simulated / real' },
    { keys: '←→', what: 'profile (real)' },
    { keys: 'r', what: 'reset the lab' },
    { keys: '?', what: 'help' },
    { keys: 'q', what: 'quit' },
  ],
  'lab-shell': [
    { keys: 'Enter', what: 'run' },
    { keys: 'Tab', what: 'complete' },
    { keys: '↑↓', what: 'history' },
    { keys: 'PgUp/PgDn', what: 'scroll' },
    { keys: 'Esc', what: 'lab keys (hint, why, map, console…)' },
    { keys: '^T', what: 'check' },
    { keys: '^Y', what: 'why' },
    { keys: '^O', what: 'map' },
    { keys: '^X', what: 'endpoint for your own aws CLI' },
    { keys: '^C', what: 'clear line / quit' },
  ],
  'lab-nav': [
    { keys: 'h', what: 'hint' },
    { keys: 'c', what: 'check' },
    { keys: 'w', what: 'why' },
    { keys: 'm', what: 'map' },
    { keys: 'v', what: 'what the check looked at' },
    { keys: 'r', what: 'switch role' },
    { keys: 'u', what: 'sign in as user' },
    { keys: 'a', what: 'answer' },
    { keys: 'z', what: 'bigger panel' },
    { keys: 'e', what: 'endpoint: your own aws CLI and SDKs on this lab' },
    { keys: 'E', what: 'stop the endpoint' },
    { keys: 'b', what: 'switch back' },
    { keys: 's', what: 'solution' },
    { keys: 'k', what: 'skip step' },
    { keys: 'g', what: 'go back to the step shown, to redo it' },
    { keys: '↑↓', what: 'read other steps' },
    { keys: 'l', what: 'labs' },
    { keys: 'Esc/i', what: 'back to the shell' },
    { keys: '?', what: 'help' },
    { keys: 'q', what: 'quit' },
  ],
  complete: [
    { keys: 'Enter', what: 'back to the labs' },
    { keys: 'Esc', what: 'the lab and its shell' },
    { keys: 'q', what: 'quit' },
  ],
};
