// Persisting the room to $IAMLAB_HOME/workshop/room.json so an instructor restart loses nothing.
import { readFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EVENT_KINDS } from './protocol.js';
import { emptyRoom, type RoomState } from './room.js';
import { writeFileAtomic } from '../atomic-write.js';

const Str = z.string();
const LabStateSchema = z.object({
  started_at: Str,
  steps_total: z.number().optional(),
  current_step: Str.optional(),
  current_index: z.number().optional(),
  current_since: Str,
  passed: z.array(Str),
  skipped: z.array(Str),
  hints: z.record(Str, z.array(Str)),
  solutions: z.array(Str),
  attempts: z.record(Str, z.number()),
  finished_at: Str.optional(),
  last_progress_at: Str,
});
const RoomSchema = z.object({
  format: z.literal('iamlab-room'),
  version: z.literal(1),
  created_at: Str,
  learners: z.record(
    Str,
    z.object({
      name: Str,
      joined_at: Str,
      last_seen_at: Str,
      last_progress_at: Str,
      current_lab: Str.optional(),
      left_at: Str.optional(),
      clients: z.array(Str),
      labs: z.record(Str, LabStateSchema),
    }),
  ),
  clients: z.record(Str, z.object({ learner: Str, last_seq: z.number(), last_seen_at: Str })),
  recent: z.array(
    z.object({
      at: Str,
      learner: Str,
      kind: z.enum(EVENT_KINDS),
      lab: Str.optional(),
      step: Str.optional(),
      hint: Str.optional(),
      step_index: z.number().optional(),
      steps_total: z.number().optional(),
      done: z.number().optional(),
      total: z.number().optional(),
    }),
  ),
});

export function roomPath(home: string): string {
  return join(home, 'workshop', 'room.json');
}

/** Loads the room; a missing file is an empty room; a corrupt one is moved aside (never deleted) and reported. */
export function loadRoom(path: string, now: Date): { room: RoomState; warnings: string[] } {
  if (!existsSync(path)) return { room: emptyRoom(now), warnings: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { room: emptyRoom(now), warnings: [`could not read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); starting an empty room`] };
  }
  let why: string | undefined;
  try {
    const r = RoomSchema.safeParse(JSON.parse(text));
    if (r.success) return { room: r.data as RoomState, warnings: [] };
    why = `not a room file (${r.error.issues[0]?.path.join('.') || 'top level'}: ${r.error.issues[0]?.message ?? 'invalid'})`;
  } catch (e) {
    why = `not valid JSON (${(e as Error).message})`;
  }
  const aside = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, aside);
  } catch {
    /* keep it where it is; we will not overwrite it below until the next save */
  }
  return { room: emptyRoom(now), warnings: [`${path} was ${why}; moved it to ${aside} and started an empty room`] };
}

export function saveRoom(path: string, room: RoomState): void {
  writeFileAtomic(path, `${JSON.stringify(room)}\n`, { mode: 0o600 });
}
