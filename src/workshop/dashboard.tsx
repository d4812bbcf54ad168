// The instructor's live view of the room (Ink). The view is a pure function of the room
// and a clock; LiveDashboard subscribes to the server and ticks the clock.
import React, { useEffect, useState } from 'react';
import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { duration, eventLine, learnerRows, type LearnerRow, type RoomState } from './room.js';
import type { WorkshopServer } from './server.js';

export interface DashboardProps {
  room: RoomState;
  now: Date;
  url: string;
  signed: boolean;
  stuckAfterMs: number;
  warnings?: string[];
  /** How many recent events to list under the table. */
  recent?: number;
  /** Terminal width. Default 100. */
  columns?: number;
}

/** Column widths for a terminal `columns` wide: fixed numeric columns, the rest shared by name, lab and step. */
export function columnWidths(columns: number): number[] {
  const fixed = [6, 6, 6, 7]; // Done, Hints, Skips, Idle
  const status = 12;
  const rest = Math.max(36, columns - fixed.reduce((a, b) => a + b, 0) - status);
  const name = Math.max(10, Math.floor(rest * 0.25));
  const lab = Math.max(12, Math.floor(rest * 0.35));
  const step = Math.max(14, rest - name - lab);
  return [name, lab, step, ...fixed];
}

function cellText(s: string, w: number): string {
  return s.length > w - 1 ? `${s.slice(0, w - 2)}…` : s;
}

function Row(props: { cells: string[]; widths: number[]; status?: React.ReactNode; bold?: boolean }) {
  return (
    <Box>
      {props.cells.map((c, i) => (
        <Box key={i} width={props.widths[i]} flexShrink={0}>
          <Text bold={props.bold} wrap="truncate">
            {cellText(c, props.widths[i] ?? 10)}
          </Text>
        </Box>
      ))}
      {props.status}
    </Box>
  );
}

function StatusCell({ row, stuckAfterMs }: { row: LearnerRow; stuckAfterMs: number }) {
  switch (row.status) {
    case 'done':
      return <Text color="green">DONE</Text>;
    case 'stuck':
      return (
        <Text color="red" bold>
          STUCK {duration(row.sinceProgressMs)}
        </Text>
      );
    case 'left':
      return <Text dimColor>left</Text>;
    case 'idle':
      return <Text dimColor>joined, no lab yet</Text>;
    case 'working':
      return <Text>{row.sinceProgressMs >= stuckAfterMs / 2 ? 'slow' : 'working'}</Text>;
  }
}

export function Dashboard(p: DashboardProps) {
  const rows = learnerRows(p.room, p.now, p.stuckAfterMs);
  const count = (s: LearnerRow['status']) => rows.filter((r) => r.status === s).length;
  const widths = columnWidths(p.columns ?? 100);
  const recent = p.room.recent.slice(-(p.recent ?? 6));
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>iamlab workshop</Text> · {p.url} · {p.signed ? 'events signed with the workshop key' : <Text color="yellow">no workshop key: events are not authenticated</Text>}
      </Text>
      <Text>
        {rows.length} learner{rows.length === 1 ? '' : 's'}: {count('done')} done, {count('stuck') > 0 ? <Text color="red">{count('stuck')} stuck</Text> : '0 stuck'}, {count('working')} working
        {count('left') ? `, ${count('left')} left` : ''} · stuck = no progress for {duration(p.stuckAfterMs)}
      </Text>
      {(p.warnings ?? []).map((w, i) => (
        <Text key={i} color="yellow">
          warning: {w}
        </Text>
      ))}
      <Box marginTop={1} flexDirection="column">
        <Row bold cells={['Learner', 'Lab', 'Step', 'Done', 'Hints', 'Skips', 'Idle']} widths={widths} status={<Text bold>Status</Text>} />
        {rows.length === 0 ? <Text dimColor>No learners yet. They join with: iamlab --workshop {p.url} --name NAME</Text> : null}
        {rows.map((r) => (
          <Row
            key={r.name}
            cells={[
              r.devices > 1 ? `${r.name} (${r.devices})` : r.name,
              r.lab ?? '—',
              r.step ? `${r.stepNumber ?? '?'} ${r.step}` : r.stepNumber !== undefined && r.status !== 'done' ? `${r.stepNumber} (next)` : '—',
              r.total !== undefined ? `${r.done}/${r.total}` : String(r.done),
              String(r.hints),
              String(r.skips),
              r.status === 'done' || r.status === 'left' ? '—' : duration(r.sinceProgressMs),
            ]}
            widths={widths}
            status={<StatusCell row={r} stuckAfterMs={p.stuckAfterMs} />}
          />
        ))}
      </Box>
      {recent.length > 0 ? (
        <Box marginTop={1} flexDirection="column">
          <Text bold>Recent</Text>
          {recent.map((e, i) => (
            <Text key={i} wrap="truncate">
              {eventLine(e, p.room)}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

export interface LiveDashboardProps {
  server: WorkshopServer;
  stuckAfterMs: number;
  now?: () => Date;
  tickMs?: number;
  onQuit?: () => void;
}

/** Re-renders on every event and once per tick (so "stuck for" counts up). q or Ctrl+C quits. */
export function LiveDashboard(p: LiveDashboardProps) {
  const now = p.now ?? (() => new Date());
  const [, setVersion] = useState(0);
  const [clock, setClock] = useState(now());
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  useEffect(() => p.server.subscribe(() => setVersion((v) => v + 1)), [p.server]);
  useEffect(() => {
    const t = setInterval(() => setClock(now()), p.tickMs ?? 1000);
    return () => clearInterval(t);
  }, [p.tickMs]);
  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) {
        p.onQuit?.();
        exit();
      }
    },
    { isActive: Boolean(isRawModeSupported) },
  );
  return (
    <Box flexDirection="column">
      <Dashboard room={p.server.room} now={clock} url={p.server.url} signed={p.server.signed} stuckAfterMs={p.stuckAfterMs} warnings={p.server.warnings} columns={stdout.columns || 80} />
      {isRawModeSupported ? <Text dimColor>q quits (the room is saved; serve again to continue)</Text> : null}
    </Box>
  );
}
