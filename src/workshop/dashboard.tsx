// The instructor's live view of the room (Ink): a thin view over dashboardFrame (view.ts),
// which computes every row. LiveDashboard subscribes to the server, ticks the clock and
// reads keys: q quit, s sort, f filter, k show/hide the key, x export, ↑↓ PgUp PgDn scroll.
import React, { useEffect, useState } from 'react';
import { Box, render, useApp, useInput, useStdin, useStdout, type Instance } from 'ink';
import { RowLine } from '../app/ui/rows.js';
import type { RoomState } from './room.js';
import type { WorkshopServer } from './server.js';
import { dashboardFrame, nextFilter, nextSort, type DashboardOptions, type FilterKey, type JoinInfo, type SortKey } from './view.js';

export interface DashboardProps extends DashboardOptions {
  room: RoomState;
  now: Date;
}

/** Draws the frame's rows, one terminal row each. */
export function Dashboard(p: DashboardProps) {
  const { room, now, ...opts } = p;
  const frame = dashboardFrame(room, now, opts);
  return (
    <Box flexDirection="column">
      {frame.rows.map((r, i) => (
        <RowLine key={i} row={r} />
      ))}
    </Box>
  );
}

export interface LiveDashboardProps {
  server: WorkshopServer;
  stuckAfterMs: number;
  join: JoinInfo;
  /** Shown above the table (e.g. who can reach the room). */
  warnings?: string[];
  /** Writes the room's summary; returns a line saying where (or why not). */
  onExport?: () => string;
  now?: () => Date;
  tickMs?: number;
  onQuit?: () => void;
}

/** Re-renders on every event and once per tick (so "stuck for" counts up). */
export function LiveDashboard(p: LiveDashboardProps) {
  const now = p.now ?? (() => new Date());
  const [, setVersion] = useState(0);
  const [clock, setClock] = useState(now());
  const [sort, setSort] = useState<SortKey>('attention');
  const [filter, setFilter] = useState<FilterKey>('all');
  const [offset, setOffset] = useState(0);
  const [showKey, setShowKey] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  useEffect(() => p.server.subscribe(() => setVersion((v) => v + 1)), [p.server]);
  useEffect(() => {
    const t = setInterval(() => setClock(now()), p.tickMs ?? 1000);
    return () => clearInterval(t);
  }, [p.tickMs]);
  // Ink redraws in place only while its output is shorter than the terminal.
  const height = Math.max(6, (stdout.rows || 24) - 1);
  const opts: DashboardOptions = {
    stuckAfterMs: p.stuckAfterMs,
    columns: stdout.columns || 80,
    height,
    sort,
    filter,
    offset,
    showKey,
    join: p.join,
    warnings: [...(p.warnings ?? []), ...p.server.warnings],
    interactive: Boolean(isRawModeSupported),
    ...(notice ? { notice } : {}),
  };
  const frame = dashboardFrame(p.server.room, clock, opts);
  const page = Math.max(1, height - 10);
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        p.onQuit?.();
        exit();
        return;
      }
      // keys pressed quickly (or over ssh) arrive as one chunk: "ff" is two presses of f
      for (const ch of key.ctrl || key.meta ? '' : input) {
        if (ch === 'q') {
          p.onQuit?.();
          exit();
          return;
        }
        if (ch === 's') setSort(nextSort);
        else if (ch === 'f') {
          setFilter(nextFilter);
          setOffset(0);
        } else if (ch === 'k') setShowKey((v) => !v);
        else if (ch === 'x') setNotice(p.onExport ? p.onExport() : 'export is not available here');
      }
      if (key.upArrow) setOffset((o) => Math.max(0, Math.min(o, frame.maxOffset) - 1));
      else if (key.downArrow) setOffset((o) => Math.min(frame.maxOffset, o + 1));
      else if (key.pageUp) setOffset((o) => Math.max(0, Math.min(o, frame.maxOffset) - page));
      else if (key.pageDown) setOffset((o) => Math.min(frame.maxOffset, o + page));
    },
    { isActive: Boolean(isRawModeSupported) },
  );
  return (
    <Box flexDirection="column">
      {frame.rows.map((r, i) => (
        <RowLine key={i} row={r} />
      ))}
    </Box>
  );
}

/** Mounts the live dashboard on the terminal (Ink and React load with this module only). */
export function mountDashboard(props: LiveDashboardProps): Instance {
  return render(<LiveDashboard {...props} />, { exitOnCtrlC: false });
}
