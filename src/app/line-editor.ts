// The command line's state: text, cursor, history browsing. Pure; the shell pane and the dialog
// fields both use it. Cursor positions count code points, so an emoji or accented letter is one.

export interface LineState {
  /** Code points of the line. */
  chars: string[];
  cursor: number;
  /** Submitted lines, oldest first (the shell's own history, restored across runs). */
  history: string[];
  /** Index into history while browsing with ↑/↓; history.length = not browsing. */
  historyIndex: number;
  /** What was typed before browsing began, restored when ↓ goes past the newest entry. */
  draft: string[];
}

export const HISTORY_LIMIT = 1000;

export function lineState(text = '', history: string[] = []): LineState {
  const chars = Array.from(text);
  return { chars, cursor: chars.length, history: history.slice(-HISTORY_LIMIT), historyIndex: Math.min(history.length, HISTORY_LIMIT), draft: [] };
}

export const lineText = (s: LineState): string => s.chars.join('');

export type LineAction =
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'cursor'; to: 'left' | 'right' | 'home' | 'end' | 'word-left' | 'word-right' }
  | { type: 'kill'; what: 'line' | 'to-end' | 'word' }
  | { type: 'history'; dir: -1 | 1 }
  | { type: 'set'; text: string }
  /** Enter: the caller reads lineText first; this records it in history and clears the line. */
  | { type: 'commit'; record?: boolean };

const isSpace = (c: string | undefined) => c === ' ';

function wordLeft(chars: string[], from: number): number {
  let i = from;
  while (i > 0 && isSpace(chars[i - 1])) i--;
  while (i > 0 && !isSpace(chars[i - 1])) i--;
  return i;
}

function wordRight(chars: string[], from: number): number {
  let i = from;
  while (i < chars.length && isSpace(chars[i])) i++;
  while (i < chars.length && !isSpace(chars[i])) i++;
  return i;
}

export function lineReducer(s: LineState, a: LineAction): LineState {
  switch (a.type) {
    case 'insert': {
      const add = Array.from(a.text);
      if (add.length === 0) return s;
      const chars = [...s.chars.slice(0, s.cursor), ...add, ...s.chars.slice(s.cursor)];
      return { ...s, chars, cursor: s.cursor + add.length };
    }
    case 'backspace': {
      if (s.cursor === 0) return s;
      const chars = [...s.chars.slice(0, s.cursor - 1), ...s.chars.slice(s.cursor)];
      return { ...s, chars, cursor: s.cursor - 1 };
    }
    case 'cursor': {
      const n = s.chars.length;
      const to =
        a.to === 'left' ? Math.max(0, s.cursor - 1)
        : a.to === 'right' ? Math.min(n, s.cursor + 1)
        : a.to === 'home' ? 0
        : a.to === 'end' ? n
        : a.to === 'word-left' ? wordLeft(s.chars, s.cursor)
        : wordRight(s.chars, s.cursor);
      return to === s.cursor ? s : { ...s, cursor: to };
    }
    case 'kill': {
      if (a.what === 'line') return { ...s, chars: [], cursor: 0 };
      if (a.what === 'to-end') return { ...s, chars: s.chars.slice(0, s.cursor) };
      const from = wordLeft(s.chars, s.cursor);
      return { ...s, chars: [...s.chars.slice(0, from), ...s.chars.slice(s.cursor)], cursor: from };
    }
    case 'history': {
      const n = s.history.length;
      if (n === 0) return s;
      const browsing = s.historyIndex < n;
      const draft = browsing ? s.draft : s.chars;
      const next = Math.max(0, Math.min(n, s.historyIndex + a.dir));
      if (next === s.historyIndex) return s;
      const chars = next === n ? draft : Array.from(s.history[next]!);
      return { ...s, chars, cursor: chars.length, historyIndex: next, draft };
    }
    case 'set': {
      const chars = Array.from(a.text);
      return { ...s, chars, cursor: chars.length };
    }
    case 'commit': {
      const text = lineText(s);
      const record = (a.record ?? true) && text.trim() !== '' && s.history[s.history.length - 1] !== text;
      const history = record ? [...s.history, text].slice(-HISTORY_LIMIT) : s.history;
      return { chars: [], cursor: 0, history, historyIndex: history.length, draft: [] };
    }
  }
}

/**
 * Applies a completion: `replaceFrom` (a UTF-16 offset into the line, as the shell gives it)
 * up to the cursor is replaced by the candidate. A single candidate gets a trailing space
 * unless it ends in '/' or '='; several candidates complete to their longest common prefix.
 */
export function applyCompletion(s: LineState, replaceFrom: number, candidates: string[]): { state: LineState; shown: string[] } {
  if (candidates.length === 0) return { state: s, shown: [] };
  const before = s.chars.slice(0, s.cursor).join('');
  const after = s.chars.slice(s.cursor).join('');
  const from = Math.max(0, Math.min(replaceFrom, before.length));
  const typed = before.slice(from);
  let insert: string;
  if (candidates.length === 1) {
    const c = candidates[0]!;
    insert = /[/=]$/.test(c) || after.startsWith(' ') ? c : `${c} `;
  } else {
    insert = commonPrefix(candidates);
    if (insert.length < typed.length) insert = typed;
  }
  const head = before.slice(0, from) + insert;
  const chars = Array.from(head + after);
  const state = { ...s, chars, cursor: Array.from(head).length };
  return { state, shown: candidates.length > 1 ? candidates : [] };
}

export function commonPrefix(xs: string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0]!;
  for (const x of xs) {
    let i = 0;
    while (i < p.length && i < x.length && p[i] === x[i]) i++;
    p = p.slice(0, i);
  }
  return p;
}
