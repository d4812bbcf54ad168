// Draws pre-wrapped rows of styled runs (text.ts) as Ink text, one terminal row each.
import React from 'react';
import { Box, Text } from 'ink';
import type { Row, Run } from '../text.js';

function RunText({ run }: { run: Run }) {
  const st = run.style;
  if (!st) return <Text>{run.text}</Text>;
  return (
    <Text
      {...(st.color ? { color: st.color } : {})}
      {...(st.bg ? { backgroundColor: st.bg } : {})}
      bold={st.bold ?? false}
      italic={st.italic ?? false}
      underline={st.underline ?? false}
      dimColor={st.dim ?? false}
      inverse={st.inverse ?? false}
    >
      {run.text}
    </Text>
  );
}

export function RowLine({ row }: { row: Row }) {
  if (row.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {row.map((r, i) => (
        <RunText key={i} run={r} />
      ))}
    </Text>
  );
}

/** Exactly `height` rows (padding with blanks), from `offset`. */
export function Rows({ rows, height, offset = 0, width }: { rows: Row[]; height: number; offset?: number; width?: number }) {
  const shown = rows.slice(offset, offset + height);
  const blanks = Math.max(0, height - shown.length);
  return (
    <Box flexDirection="column" height={height} {...(width !== undefined ? { width } : {})}>
      {shown.map((r, i) => (
        <RowLine key={i} row={r} />
      ))}
      {Array.from({ length: blanks }, (_, i) => (
        <Text key={`b${i}`}> </Text>
      ))}
    </Box>
  );
}
