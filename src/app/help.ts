// The keys overlay (`?`): what every key does where, and the workshop room's state. Pure; the
// reducer uses it too, to know how far the overlay scrolls.
import { KEY_HELP, type KeyHelp } from './keys.js';
import type { AppState } from './state.js';
import { pad, textWidth, wrapRuns, type Row, type Style } from './text.js';

const DIM: Style = { dim: true };
const BOLD: Style = { bold: true };

/** Inner width and rows of the keys overlay's box at the app's size (views.tsx draws it so). */
export function helpBox(s: Pick<AppState, 'size'>, bodyRows: number): { width: number; rows: number } {
  return { width: Math.min(s.size.columns - 2, 76) - 4, rows: Math.max(1, bodyRows - 3) };
}

export function helpRows(s: AppState, width: number): Row[] {
  const rows: Row[] = [];
  const section = (title: string, items: KeyHelp[]) => {
    rows.push([{ text: title, style: { bold: true, color: 'cyan' } }]);
    const kw = Math.max(...items.map((i) => textWidth(i.keys))) + 2;
    for (const it of items) rows.push(...wrapRuns([{ text: it.what }], width, [{ text: '  ' }, { text: pad(it.keys, kw), style: BOLD }], ' '.repeat(kw + 2)));
    rows.push([]);
  };
  // first: the help box may be too short for everything below
  const r = s.room;
  if (r) {
    const how =
      r.connected === false
        ? `not reachable now${r.lastError ? ` (${r.lastError})` : ''}; ${r.queued === 1 ? '1 event waits' : `${r.queued} events wait`} and go out when it answers`
        : r.connected === undefined
          ? 'connecting'
          : `connected; ${r.delivered} event${r.delivered === 1 ? '' : 's'} delivered`;
    rows.push(...wrapRuns([{ text: 'Workshop: ', style: BOLD }, { text: `you are ${r.name} in the room at ${r.url}: ${how}.` }], width));
    rows.push([]);
  }
  if (s.screen === 'catalog') section('Home', KEY_HELP.catalog);
  else if (s.screen === 'complete') section('Lab complete', KEY_HELP.complete);
  else {
    section('In the shell (typing)', KEY_HELP['lab-shell']);
    section('Lab keys (after Esc)', KEY_HELP['lab-nav']);
    rows.push(...wrapRuns([{ text: 'The shell is the same as `iamlab shell`: type `help` for its commands. Every command is checked; a passed step opens the next. `hint`, `lab status` and `answer TEXT` work there too.', style: DIM }], width));
    rows.push([]);
  }
  rows.push(...wrapRuns([{ text: 'Your progress, the simulated account and the shell are saved on every command and when you quit (q or Ctrl-C).', style: DIM }], width));
  return rows;
}
