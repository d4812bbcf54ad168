// The room: what the instructor's iamlab knows about each learner, built from progress
// events. Plain JSON (persisted to $IAMLAB_HOME/workshop/room.json) and pure functions.
import { PROGRESS_KINDS, UNSAFE_NAME_CHARS, type EventKind } from './protocol.js';

export interface LabState {
  started_at: string;
  steps_total?: number;
  /** The step the learner is on (the last started, or the one after the last passed). */
  current_step?: string;
  current_index?: number;
  current_since: string;
  passed: string[];
  skipped: string[];
  /** Hint ids shown, by step. */
  hints: Record<string, string[]>;
  solutions: string[];
  /** Failed checks, by step. */
  attempts: Record<string, number>;
  finished_at?: string;
  last_progress_at: string;
}

export interface LearnerState {
  name: string;
  joined_at: string;
  last_seen_at: string;
  last_progress_at: string;
  current_lab?: string;
  /** Set when every app under this name has said it left. */
  left_at?: string;
  /** Client ids (running apps) under this name that have not said they left. */
  clients: string[];
  labs: Record<string, LabState>;
}

export interface RoomEvent {
  /** Server-corrected time of the event. */
  at: string;
  learner: string;
  kind: EventKind;
  lab?: string;
  step?: string;
  hint?: string;
  step_index?: number;
  steps_total?: number;
  /** The learner's steps done (passed or skipped) and total in that lab right after this event. */
  done?: number;
  total?: number;
}

export interface RoomState {
  format: 'iamlab-room';
  version: 1;
  created_at: string;
  learners: Record<string, LearnerState>;
  /** Highest sequence number applied per client (dedup across resends and restarts). */
  clients: Record<string, { learner: string; last_seq: number; last_seen_at: string }>;
  /** The most recent events, oldest first (bounded). */
  recent: RoomEvent[];
}

export const RECENT_MAX = 200;
/** Bounds on what one learner can make the room keep (an unsigned room takes anyone's events). */
export const MAX_LABS_PER_LEARNER = 50;
export const MAX_IDS_PER_LIST = 500;

export function emptyRoom(now: Date): RoomState {
  return { format: 'iamlab-room', version: 1, created_at: now.toISOString(), learners: {}, clients: {}, recent: [] };
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** Applies one event (already deduplicated and time-corrected). Mutates and returns `room`. */
export function applyEvent(room: RoomState, ev: RoomEvent, client?: string): RoomState {
  const at = ev.at;
  let l = room.learners[ev.learner];
  if (!l) {
    l = { name: ev.learner, joined_at: at, last_seen_at: at, last_progress_at: at, clients: [], labs: {} };
    room.learners[ev.learner] = l;
  }
  l.last_seen_at = later(l.last_seen_at, at);
  if (ev.kind === 'left') {
    // One app quitting leaves the learner in the room while another app of theirs runs.
    if (client) l.clients = l.clients.filter((c) => c !== client);
    if (!client || l.clients.length === 0) l.left_at = at;
  } else {
    if (client && !l.clients.includes(client)) l.clients.push(client);
    delete l.left_at;
  }

  if (ev.lab && !l.labs[ev.lab] && Object.keys(l.labs).length >= MAX_LABS_PER_LEARNER) {
    pushRecent(room, ev);
    return room;
  }
  if (ev.lab) {
    let lab = l.labs[ev.lab];
    if (!lab) {
      lab = { started_at: at, current_since: at, passed: [], skipped: [], hints: {}, solutions: [], attempts: {}, last_progress_at: at };
      l.labs[ev.lab] = lab;
    }
    l.current_lab = ev.lab;
    if (ev.steps_total !== undefined) lab.steps_total = ev.steps_total;
    const step = ev.step;
    switch (ev.kind) {
      case 'started':
        if (step) moveTo(lab, step, ev.step_index, at);
        delete lab.finished_at;
        break;
      case 'passed':
      case 'skip': {
        if (!step) break;
        const list = ev.kind === 'passed' ? lab.passed : lab.skipped;
        if (!list.includes(step) && list.length < MAX_IDS_PER_LIST) list.push(step);
        if (lab.current_step === step || lab.current_step === undefined) {
          // The app sends `started` for the next step; until then the learner is "after" this one.
          lab.current_index = ev.step_index !== undefined ? ev.step_index + 1 : lab.current_index;
          lab.current_step = undefined;
          lab.current_since = at;
        }
        break;
      }
      case 'hint':
        if (step && ev.hint) {
          const hs = lab.hints[step] ?? (Object.keys(lab.hints).length < MAX_IDS_PER_LIST ? (lab.hints[step] = []) : undefined);
          if (hs && !hs.includes(ev.hint) && hs.length < MAX_IDS_PER_LIST) hs.push(ev.hint);
        }
        break;
      case 'solution':
        if (step && !lab.solutions.includes(step) && lab.solutions.length < MAX_IDS_PER_LIST) lab.solutions.push(step);
        break;
      case 'attempt':
        if (step && (lab.attempts[step] !== undefined || Object.keys(lab.attempts).length < MAX_IDS_PER_LIST)) lab.attempts[step] = (lab.attempts[step] ?? 0) + 1;
        break;
      case 'finished':
        lab.finished_at = at;
        lab.current_step = undefined;
        break;
      default:
        break;
    }
    if (step && ev.kind !== 'started' && ev.kind !== 'passed' && ev.kind !== 'skip' && lab.current_step === undefined && !lab.finished_at) {
      // A hint/attempt on a step tells us where the learner is even if `started` was lost.
      moveTo(lab, step, ev.step_index, at);
    }
    if (PROGRESS_KINDS.has(ev.kind)) {
      lab.last_progress_at = later(lab.last_progress_at, at);
      l.last_progress_at = later(l.last_progress_at, at);
    }
    if (lab.steps_total !== undefined && lab.steps_total > 0 && !lab.finished_at && doneCount(lab) >= lab.steps_total) lab.finished_at = at;
    // What the event line says about progress is what was true then, not when it is read.
    ev = { ...ev, done: doneCount(lab), ...(lab.steps_total !== undefined ? { total: lab.steps_total } : {}) };
  } else if (ev.kind === 'joined') {
    l.last_progress_at = later(l.last_progress_at, at);
  }

  pushRecent(room, ev);
  return room;
}

function pushRecent(room: RoomState, ev: RoomEvent): void {
  room.recent.push(ev);
  if (room.recent.length > RECENT_MAX) room.recent.splice(0, room.recent.length - RECENT_MAX);
}

/** A name or id as it may be shown on a terminal: characters that could reorder or hide text become '?'. */
export function shown(s: string): string {
  return s.replace(new RegExp(UNSAFE_NAME_CHARS.source, 'g'), '?');
}

function moveTo(lab: LabState, step: string, index: number | undefined, at: string): void {
  if (lab.current_step !== step) lab.current_since = at;
  lab.current_step = step;
  if (index !== undefined) lab.current_index = index;
}

function doneCount(lab: LabState): number {
  return new Set([...lab.passed, ...lab.skipped]).size;
}

// ---------- views for the dashboard and plain mode ----------

export type LearnerStatus = 'done' | 'stuck' | 'working' | 'left' | 'idle';

export interface LearnerRow {
  name: string;
  lab?: string;
  step?: string;
  /** 1-based position of the current step, when known. */
  stepNumber?: number;
  done: number;
  total?: number;
  hints: number;
  skips: number;
  solutions: number;
  attempts: number;
  /** ms since the last progress (started/passed/skip/finished). */
  sinceProgressMs: number;
  sinceSeenMs: number;
  /** ms since the step the learner is on began (or since the last pass). */
  onStepMs: number;
  status: LearnerStatus;
  /** Apps of this learner that are running (have not said they left). */
  devices: number;
}

export function learnerRows(room: RoomState, now: Date, stuckAfterMs: number): LearnerRow[] {
  const t = now.getTime();
  return Object.values(room.learners)
    .map((l): LearnerRow => {
      const lab = l.current_lab ? l.labs[l.current_lab] : undefined;
      const hints = lab ? Object.values(lab.hints).reduce((n, h) => n + h.length, 0) : 0;
      const attempts = lab ? Object.values(lab.attempts).reduce((n, a) => n + a, 0) : 0;
      const sinceProgressMs = Math.max(0, t - Date.parse(lab ? lab.last_progress_at : l.last_progress_at));
      const sinceSeenMs = Math.max(0, t - Date.parse(l.last_seen_at));
      const onStepMs = lab ? Math.max(0, t - Date.parse(lab.current_since)) : sinceProgressMs;
      let status: LearnerStatus;
      if (l.left_at) status = 'left';
      else if (lab?.finished_at) status = 'done';
      else if (!lab) status = 'idle';
      else if (sinceProgressMs >= stuckAfterMs) status = 'stuck';
      else status = 'working';
      return {
        name: l.name,
        lab: l.current_lab,
        step: lab?.current_step,
        stepNumber: lab?.current_index !== undefined ? lab.current_index + 1 : undefined,
        done: lab ? doneCount(lab) : 0,
        total: lab?.steps_total,
        hints,
        skips: lab?.skipped.length ?? 0,
        solutions: lab?.solutions.length ?? 0,
        attempts,
        sinceProgressMs,
        sinceSeenMs,
        onStepMs,
        status,
        devices: l.clients.length,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

/** One line for plain mode. */
export function eventLine(event: RoomEvent, room?: RoomState, opts: { omitLab?: boolean } = {}): string {
  const ev: RoomEvent = { ...event, learner: shown(event.learner) };
  const time = ev.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  // omitLab: the view already names the room's one lab
  const lab = ev.lab ? (opts.omitLab ? (progressSuffix(ev, room) ? ` (${progressSuffix(ev, room).replace(/^, /, '')})` : '') : ` (${ev.lab}${progressSuffix(ev, room)})`) : '';
  switch (ev.kind) {
    case 'joined':
      return `${time} ${ev.learner} joined`;
    case 'left':
      return `${time} ${ev.learner} left`;
    case 'started':
      return ev.step ? `${time} ${ev.learner} started step ${ev.step}${lab}` : `${time} ${ev.learner} started lab ${ev.lab}`;
    case 'passed':
      return `${time} ${ev.learner} PASSED step ${ev.step}${lab}`;
    case 'skip':
      return `${time} ${ev.learner} SKIPPED step ${ev.step}${lab}`;
    case 'hint':
      return `${time} ${ev.learner} HINT ${ev.hint ?? ''} on step ${ev.step}${lab}`.replace('HINT  on', 'HINT on');
    case 'solution':
      return `${time} ${ev.learner} viewed the SOLUTION of step ${ev.step}${lab}`;
    case 'attempt':
      return `${time} ${ev.learner} FAILED a check on step ${ev.step}${lab}`;
    case 'finished':
      return `${time} ${ev.learner} FINISHED lab ${ev.lab}${progressSuffix(ev, room) ? ` (${progressSuffix(ev, room).replace(/^, /, '')})` : ''}`;
  }
}

function progressSuffix(ev: RoomEvent, room?: RoomState): string {
  if (ev.done !== undefined) return ev.total !== undefined ? `, ${ev.done}/${ev.total} done` : `, ${ev.done} done`;
  const lab = ev.lab ? room?.learners[ev.learner]?.labs[ev.lab] : undefined;
  if (!lab) return '';
  return lab.steps_total !== undefined ? `, ${doneCount(lab)}/${lab.steps_total} done` : `, ${doneCount(lab)} done`;
}
