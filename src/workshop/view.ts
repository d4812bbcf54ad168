// The instructor's dashboard as pure rows of styled runs: dashboard.tsx draws them one
// terminal row each, and tests read them as text. Nothing here knows about Ink.
import { pad, truncate, truncateRow, type Row, type Run, type Style } from '../app/text.js';
import { duration, eventLine, learnerRows, shown, type LearnerRow, type RoomState } from './room.js';

export type SortKey = 'attention' | 'name' | 'progress';
export const SORT_KEYS: readonly SortKey[] = ['attention', 'name', 'progress'];
export const SORT_LABEL: Record<SortKey, string> = { attention: 'stuck first', name: 'by name', progress: 'least done first' };

export type FilterKey = 'all' | 'help' | 'active';
export const FILTER_KEYS: readonly FilterKey[] = ['all', 'help', 'active'];
export const FILTER_LABEL: Record<FilterKey, string> = { all: 'everyone', help: 'stuck or slow', active: 'not done, not left' };

/** Where learners join, as the room command worked it out. */
export interface JoinInfo {
  /** Addresses learners can reach, best first. */
  urls: string[];
  /** The room listens on this machine's loopback only: learners on other machines cannot join. */
  localOnly: boolean;
  /** The workshop key, when the room has one (shown only when asked). */
  key?: string;
}

export interface DashboardOptions {
  stuckAfterMs: number;
  /** Terminal width. */
  columns: number;
  /** Rows the dashboard may fill (keep it below the terminal's height). */
  height: number;
  sort?: SortKey;
  filter?: FilterKey;
  /** Index of the first learner row shown (scrolling). */
  offset?: number;
  /** Print the workshop key in the join command (else it is masked). */
  showKey?: boolean;
  join: JoinInfo;
  warnings?: string[];
  /** One line under the table, e.g. where an export was written. */
  notice?: string;
  /** Whether keys work (a footer lists them). */
  interactive?: boolean;
  /** Most recent events to list when there is room. Default 8. */
  recent?: number;
}

export interface DashboardFrame {
  rows: Row[];
  /** Learner rows after the filter, and the greatest useful offset (for the view's scrolling). */
  learners: number;
  maxOffset: number;
}

const MASK = '••••••';
const DIM: Style = { dim: true };
const BOLD: Style = { bold: true };

/** A key as a shell word (single-quoted when it holds anything a shell would read). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9._@%+=:,/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command a learner types to join. The key is masked unless `reveal`. */
export function joinCommand(url: string, key: string | undefined, reveal: boolean): string {
  return `iamlab --workshop ${url}${key ? ` --workshop-key ${reveal ? shellWord(key) : MASK}` : ''} --name NAME`;
}

type Tone = 'stuck' | 'slow' | 'working' | 'idle' | 'done' | 'left';

function tone(r: LearnerRow, stuckAfterMs: number): Tone {
  if (r.status === 'working' && r.sinceProgressMs >= stuckAfterMs / 2) return 'slow';
  return r.status;
}

const TONE_RANK: Record<Tone, number> = { stuck: 0, slow: 1, working: 2, idle: 3, done: 4, left: 5 };

/** The Status cell: a word first (readable without colour), then how long. */
export function statusText(r: LearnerRow, stuckAfterMs: number): { text: string; style?: Style } {
  switch (tone(r, stuckAfterMs)) {
    case 'stuck':
      return { text: `STUCK ${duration(r.sinceProgressMs)}`, style: { color: 'red', bold: true } };
    case 'slow':
      return { text: `slow ${duration(r.sinceProgressMs)}`, style: { color: 'yellow' } };
    case 'working':
      return { text: 'working' };
    case 'idle':
      return { text: 'no lab yet', style: DIM };
    case 'done':
      return { text: 'DONE', style: { color: 'green', bold: true } };
    case 'left':
      return { text: `left ${duration(r.sinceSeenMs)} ago`, style: DIM };
  }
}

/** Learner rows in the order and with the filter the instructor picked. */
export function arrangeRows(rows: LearnerRow[], stuckAfterMs: number, sort: SortKey = 'attention', filter: FilterKey = 'all'): LearnerRow[] {
  const kept = rows.filter((r) => {
    const t = tone(r, stuckAfterMs);
    if (filter === 'help') return t === 'stuck' || t === 'slow';
    if (filter === 'active') return t !== 'done' && t !== 'left';
    return true;
  });
  const byName = (a: LearnerRow, b: LearnerRow) => a.name.localeCompare(b.name);
  const share = (r: LearnerRow) => (r.total ? r.done / r.total : r.done > 0 ? 0.5 : 0);
  const cmp: Record<SortKey, (a: LearnerRow, b: LearnerRow) => number> = {
    name: byName,
    attention: (a, b) => {
      const d = TONE_RANK[tone(a, stuckAfterMs)] - TONE_RANK[tone(b, stuckAfterMs)];
      if (d) return d;
      const ta = tone(a, stuckAfterMs);
      // the longest without progress first among the stuck and slow
      if (ta === 'stuck' || ta === 'slow') return b.sinceProgressMs - a.sinceProgressMs || byName(a, b);
      return byName(a, b);
    },
    progress: (a, b) => share(a) - share(b) || a.done - b.done || byName(a, b),
  };
  return kept.sort(cmp[sort]);
}

interface Column {
  title: string;
  width: number;
}

/** Column widths for a terminal `columns` wide: fixed figures and status, the rest shared by learner, (lab,) step. */
export function tableColumns(columns: number, withLab: boolean): Column[] {
  const fixed: Column[] = [
    { title: 'Done', width: 6 },
    { title: 'Hints', width: 6 },
    { title: 'Skips', width: 6 },
    { title: 'Sols', width: 5 },
    { title: 'Fails', width: 6 },
    { title: 'Status', width: 13 },
  ];
  const rest = Math.max(withLab ? 36 : 26, columns - fixed.reduce((n, c) => n + c.width, 0) - 1);
  if (withLab) {
    // the name matters most; lab ids share long prefixes less often than steps do
    const name = Math.max(12, Math.floor(rest * 0.38));
    const lab = Math.max(8, Math.floor(rest * 0.25));
    return [{ title: 'Learner', width: name }, { title: 'Lab', width: lab }, { title: 'Step', width: rest - name - lab }, ...fixed];
  }
  const name = Math.max(10, Math.floor(rest * 0.4));
  return [{ title: 'Learner', width: name }, { title: 'Step', width: rest - name }, ...fixed];
}

function cell(text: string, width: number, style?: Style): Run {
  // one space between columns: the text gets width-1 cells
  const t = pad(truncate(text, width - 1), width);
  return style ? { text: t, style } : { text: t };
}

function learnerCells(r: LearnerRow, cols: Column[], withLab: boolean, stuckAfterMs: number): Row {
  const step = r.step
    ? `${r.stepNumber ?? '?'} ${r.step}`
    : r.stepNumber !== undefined && r.status !== 'done' && (r.total === undefined || r.stepNumber <= r.total)
      ? `${r.stepNumber} (next)`
      : '—';
  const name = `${shown(r.name)}${r.devices > 1 ? ` ×${r.devices}` : ''}`;
  const figures = [r.total !== undefined ? `${r.done}/${r.total}` : String(r.done), String(r.hints), String(r.skips), String(r.solutions), String(r.attempts)];
  const texts = withLab ? [name, shown(r.lab ?? '—'), step, ...figures] : [name, step, ...figures];
  const st = statusText(r, stuckAfterMs);
  const t = tone(r, stuckAfterMs);
  const rowStyle = t === 'left' ? DIM : undefined;
  const runs: Row = texts.map((x, i) => cell(x, cols[i]!.width, i === 0 && t === 'stuck' ? { bold: true } : rowStyle));
  runs.push(st.style ? { text: st.text, style: st.style } : { text: st.text });
  return runs;
}

function fit(text: string, width: number, style?: Style): Row {
  const t = truncate(text, width);
  return [style ? { text: t, style } : { text: t }];
}

/** The whole dashboard, at most `height` rows, none wider than `columns`. */
export function dashboardFrame(room: RoomState, now: Date, o: DashboardOptions): DashboardFrame {
  const width = Math.max(20, o.columns);
  const all = learnerRows(room, now, o.stuckAfterMs);
  const sort = o.sort ?? 'attention';
  const filter = o.filter ?? 'all';
  const rows = arrangeRows(all, o.stuckAfterMs, sort, filter);
  const count = (t: Tone) => all.filter((r) => tone(r, o.stuckAfterMs) === t).length;
  const labs = new Set(all.map((r) => r.lab).filter((l): l is string => Boolean(l)));
  const withLab = labs.size > 1;

  // --- top: the room at a glance, how to join, warnings
  const top: Row[] = [];
  const stuck = count('stuck');
  // stuck always; the other counts only when there are any
  const others = (['slow', 'working', 'done', 'left', 'idle'] as const)
    .filter((t) => count(t) > 0)
    .map((t) => `${count(t)} ${t === 'idle' ? 'no lab yet' : t}`);
  const summary: Row = [
    { text: 'iamlab workshop', style: BOLD },
    { text: ` · ${all.length} learner${all.length === 1 ? '' : 's'}: ` },
    stuck ? { text: `${stuck} STUCK`, style: { color: 'red', bold: true } } : { text: '0 stuck' },
    { text: others.map((x) => `, ${x}`).join('') },
    ...(labs.size === 1 ? [{ text: ` · lab ${shown([...labs][0]!)}`, style: DIM }] : []),
    { text: ` · stuck = ${duration(o.stuckAfterMs)} without progress`, style: DIM },
  ];
  top.push(clip(summary, width));
  const url = o.join.urls[0] ?? 'http://<this machine>:<port>';
  const join: Row = [{ text: 'join: ', style: DIM }, { text: joinCommand(url, o.join.key, Boolean(o.showKey)) }];
  if (o.join.localOnly) join.push({ text: '  (this machine only: serve with --host 0.0.0.0 for the LAN)', style: { color: 'yellow' } });
  else if (o.join.urls.length > 1) join.push({ text: `  (or ${o.join.urls.slice(1).join(', ')})`, style: DIM });
  top.push(clip(join, width));
  if (!o.join.key) top.push(fit(`no workshop key: events are not authenticated${o.join.localOnly ? '' : ' and anyone who can reach this port can send them'} (serve with --workshop-key K)`, width, { color: 'yellow' }));
  for (const w of (o.warnings ?? []).slice(0, 3)) top.push(fit(`warning: ${w}`, width, { color: 'yellow' }));
  top.push([]);

  const cols = tableColumns(width, withLab);
  // the last column, Status, is as wide as its text
  const header: Row = [...cols.slice(0, -1).map((c) => cell(c.title, c.width, BOLD)), { text: 'Status', style: BOLD }];
  top.push(clip(header, width));

  // --- bottom: notice and keys
  const bottom: Row[] = [];
  if (o.notice) bottom.push(fit(o.notice, width, { color: 'green' }));
  if (o.interactive) {
    bottom.push(fit(`q quit · s sort: ${SORT_LABEL[sort]} · f show: ${FILTER_LABEL[filter]} · ${o.join.key ? `k ${o.showKey ? 'hide' : 'show'} key · ` : ''}x export · ↑↓ PgUp PgDn`, width, DIM));
  }

  // --- the table gets what is left; recent events get what the table does not need
  const avail = Math.max(1, o.height - top.length - bottom.length);
  const body: Row[] = [];
  let maxOffset = 0;
  if (rows.length === 0) {
    body.push(
      fit(
        all.length === 0 ? 'No learners yet: they join with the command above.' : `Nobody is ${FILTER_LABEL[filter]} (f shows ${FILTER_LABEL[nextOf(FILTER_KEYS, filter)]}).`,
        width,
        DIM,
      ),
    );
  } else if (rows.length <= avail) {
    for (const r of rows) body.push(clip(learnerCells(r, cols, withLab, o.stuckAfterMs), width));
  } else {
    const visible = Math.max(1, avail - 1);
    maxOffset = rows.length - visible;
    const offset = Math.min(Math.max(0, o.offset ?? 0), maxOffset);
    for (const r of rows.slice(offset, offset + visible)) body.push(clip(learnerCells(r, cols, withLab, o.stuckAfterMs), width));
    const above = offset;
    const below = rows.length - offset - visible;
    body.push(fit(`${above ? `↑ ${above} more above` : ''}${above && below ? ' · ' : ''}${below ? `↓ ${below} more below` : ''}${o.interactive ? ' (↑↓ PgUp PgDn)' : ''}`, width, DIM));
  }
  const spare = avail - body.length;
  const want = o.recent ?? 8;
  if (spare >= 3 && want > 0 && room.recent.length > 0) {
    const n = Math.min(want, spare - 2, room.recent.length);
    body.push([], [{ text: 'Recent', style: BOLD }]);
    for (const e of room.recent.slice(-n)) body.push(fit(eventLine(e, room, { omitLab: labs.size === 1 && e.lab !== undefined && labs.has(e.lab) }), width));
  }
  return { rows: [...top, ...body, ...bottom].slice(0, Math.max(1, o.height)), learners: rows.length, maxOffset };
}

function nextOf<T>(list: readonly T[], v: T): T {
  return list[(list.indexOf(v) + 1) % list.length]!;
}

export function nextSort(s: SortKey): SortKey {
  return nextOf(SORT_KEYS, s);
}

export function nextFilter(f: FilterKey): FilterKey {
  return nextOf(FILTER_KEYS, f);
}

/** Cuts a row of runs to `width` cells. */
export const clip = truncateRow;

export const frameText = (rows: Row[]): string[] => rows.map((r) => r.map((x) => x.text).join('').trimEnd());
