// The screens, drawn from state. No business logic: rows come from screens.ts, keys go to
// the App's one input handler. Every screen fills exactly `frame` rows (terminal rows − 1)
// so Ink never has to clear the terminal (ink-notes §4).
import React, { useMemo } from 'react';
import { Box, Text, useCursor } from 'ink';
import {
  catalogScreenRows,
  headerRow,
  helpRows,
  inputLine,
  keyBar,
  panelRows,
  shellTitle,
  shellViewport,
  stepListRows,
  summaryRows,
  truncateRow,
} from '../screens.js';
import { layoutOf, type AppState, type DialogState } from '../state.js';
import { helpBox } from '../help.js';
import { pad, textWidth, truncate, wrapRuns, type Row } from '../text.js';
import { RowLine, Rows } from './rows.js';
import { lineText } from '../line-editor.js';

// ---------------------------------------------------------------------------------------

function Header({ s }: { s: AppState }) {
  return (
    <Box height={1} width={s.size.columns}>
      <RowLine row={headerRow(s, s.size.columns - 1)} />
    </Box>
  );
}

function KeyBar({ s }: { s: AppState }) {
  return (
    <Box height={1} width={s.size.columns}>
      <RowLine row={keyBar(s, s.size.columns - 1)} />
    </Box>
  );
}

// ---------------------------------------------------------------------------------------
// catalog

function Catalog({ s, height }: { s: AppState; height: number }) {
  return <Rows rows={catalogScreenRows(s, height)} height={height} />;
}

// ---------------------------------------------------------------------------------------
// lab

function UpperPane({ s, height }: { s: AppState; height: number }) {
  const lab = s.lab!;
  const L = layoutOf(s);
  // the why, map and solution panels take the whole width
  const sideW = lab.panel === 'step' ? L.stepsWidth : 0;
  const mainW = s.size.columns - (sideW ? sideW + 2 : 0) - 1;
  const { body, footer } = useMemo(() => panelRows(s, mainW), [lab, mainW, s.color]);
  const footRows = footer.slice(-Math.max(0, Math.floor(height / 2)));
  const bodyH = Math.max(1, height - footRows.length);
  const maxScroll = Math.max(0, body.length - bodyH);
  const scroll = Math.min(lab.panelScroll, maxScroll);
  const more = maxScroll > scroll;
  const bodyShown = body.slice(scroll, scroll + bodyH);
  if (more && bodyShown.length === bodyH) bodyShown[bodyH - 1] = [{ text: `↓ ${maxScroll - scroll} more rows (${s.focus === 'nav' ? 'PgDn' : 'Esc, then PgDn'})`, style: { dim: true } }];
  return (
    <Box height={height} width={s.size.columns}>
      {sideW ? (
        <>
          <Rows rows={stepListRows(lab, sideW, height)} height={height} width={sideW} />
          <Box flexDirection="column" width={2} height={height}>
            {Array.from({ length: height }, (_, i) => (
              <Text key={i} dimColor>
                {'│ '}
              </Text>
            ))}
          </Box>
        </>
      ) : null}
      <Box flexDirection="column" width={mainW} height={height}>
        <Rows rows={bodyShown} height={bodyH} width={mainW} />
        {footRows.length ? <Rows rows={footRows} height={footRows.length} width={mainW} /> : null}
      </Box>
    </Box>
  );
}

function ShellPaneView({ s, height, top, active }: { s: AppState; height: number; top: number; active: boolean }) {
  const w = s.size.columns - 1;
  const sh = s.shell;
  const vp = useMemo(() => shellViewport(sh.lines, w, height, sh.scroll), [sh.lines, w, height, sh.scroll]);
  const prompt = sh.ask ? sh.ask.question : sh.continuation !== null ? '> ' : sh.prompt;
  const chars = sh.ask?.secret ? sh.editor.chars.map(() => '*') : sh.editor.chars;
  const line = inputLine(prompt, chars, sh.editor.cursor, w);
  const { setCursorPosition } = useCursor();
  setCursorPosition(active ? { x: line.cursorX, y: top + 1 + height } : undefined);
  return (
    <Box flexDirection="column" height={height + 2} width={s.size.columns}>
      <RowLine row={shellTitle(sh, s.lab, w, vp.scroll > 0, s.work ? s.spin : undefined)} />
      <Rows rows={vp.rows} height={height} />
      <Text wrap="truncate-end" bold={active} dimColor={!active}>
        {line.text || ' '}
      </Text>
    </Box>
  );
}

function LabBody({ s, height }: { s: AppState; height: number }) {
  const L = layoutOf(s);
  const upper = Math.min(L.upper, height - 3);
  const shell = height - upper - 2;
  const active = s.focus === 'shell' && !s.overlay && !s.busy;
  return (
    <Box flexDirection="column" height={height}>
      <UpperPane s={s} height={upper} />
      <ShellPaneView s={s} height={shell} top={L.header + upper} active={active} />
    </Box>
  );
}

function Complete({ s, height }: { s: AppState; height: number }) {
  const lab = s.lab!;
  const w = s.size.columns - 4;
  const sum = lab.snap.summary;
  const rows = sum ? summaryRows(sum, lab.steps, w, !s.color) : [[{ text: 'Lab complete.' }]];
  return (
    <Box flexDirection="column" height={height} paddingLeft={2}>
      <Text> </Text>
      <Rows rows={rows} height={height - 1} />
    </Box>
  );
}

// ---------------------------------------------------------------------------------------
// overlays: drawn in place of the body

function Boxed({ s, height, title, rows, footer }: { s: AppState; height: number; title: string; rows: Row[]; footer?: Row[] }) {
  const w = Math.min(s.size.columns - 2, 76);
  const inner = w - 4;
  const foot = footer ?? [];
  const bodyH = Math.max(1, Math.min(rows.length, height - 3 - foot.length));
  return (
    <Box flexDirection="column" height={height} width={s.size.columns} alignItems="center">
      <Box flexDirection="column" borderStyle="round" borderColor="cyan" width={w} paddingX={1} height={Math.min(height, bodyH + foot.length + 3)}>
        <Text bold color="cyan">
          {truncate(title, inner)}
        </Text>
        <Rows rows={rows} height={bodyH} width={inner} />
        {foot.length ? <Rows rows={foot} height={foot.length} width={inner} /> : null}
      </Box>
    </Box>
  );
}

function DialogView({ s, height, d }: { s: AppState; height: number; d: DialogState }) {
  const w = Math.min(s.size.columns - 2, 76);
  const inner = w - 4;
  const labelW = Math.max(...d.fields.map((f) => textWidth(f.label))) + 2;
  const valueW = Math.max(8, inner - labelW - 2);
  const { setCursorPosition } = useCursor();
  const rows: Row[] = [];
  // the question of an 'ask' box, in full above its field
  const head: Row[] = d.text ? [...wrapRuns([{ text: d.text }], inner), []] : [];
  rows.push(...head);
  let cursor: { x: number; y: number } | undefined;
  d.fields.forEach((f, i) => {
    const focused = i === d.focus;
    const mark = focused ? '▸ ' : '  ';
    if (f.kind === 'choice') {
      const opts = f.options ?? [];
      const runs: Row = [{ text: mark, style: { color: 'cyan' } }, { text: pad(f.label, labelW), style: { bold: focused } }];
      opts.forEach((o, k) => {
        const on = k === (f.choice ?? 0);
        runs.push({ text: on ? `[${o}]` : ` ${o} `, style: on ? { bold: true, color: focused ? 'cyan' : undefined } : { dim: true } } as Row[number]);
      });
      rows.push(truncateRow(runs, inner));
    } else {
      const text = lineText(f.editor);
      const shown = text || f.placeholder || '';
      const line = inputLine('', f.secret ? f.editor.chars.map(() => '*') : f.editor.chars, f.editor.cursor, valueW);
      rows.push([
        { text: mark, style: { color: 'cyan' } },
        { text: pad(f.label, labelW), style: { bold: focused } },
        text ? { text: line.text, style: { underline: true } } : { text: truncate(shown, valueW), style: { dim: true } },
      ]);
      if (focused) cursor = { x: line.cursorX, y: head.length + i };
    }
  });
  const help: Row[] = [[]];
  if (d.error) help.push([{ text: `✗ ${d.error}`, style: { color: 'red' } }]);
  if (d.which === 'ask') help.push(...wrapRuns([{ text: 'Enter answers · Esc or Ctrl-C cancels (the answer is no).', style: { dim: true } }], inner));
  else {
    const cmd = d.which === 'answer' ? 'answer TEXT' : d.which === 'sign-in' ? 'console sign-in USER' : 'console switch-role --account … --role-name …';
    help.push(...wrapRuns([{ text: `Tab/↑↓ move · ←→ colour · Enter ${d.which === 'switch-role' ? 'Switch Role' : 'OK'} · Esc cancel. Runs \`${cmd}\` in the shell.`, style: { dim: true } }], inner));
  }
  // the box starts at the body's top; +1 border, +1 title row; x: centred box, +2 border/padding
  const boxLeft = Math.floor((s.size.columns - w) / 2);
  const top = 1;
  setCursorPosition(cursor ? { x: boxLeft + 2 + 2 + labelW + cursor.x, y: top + 2 + cursor.y } : undefined);
  return <Boxed s={s} height={height} title={d.title} rows={rows} footer={help} />;
}

function OverlayView({ s, height }: { s: AppState; height: number }) {
  const o = s.overlay!;
  const inner = Math.min(s.size.columns - 2, 76) - 4;
  switch (o.kind) {
    case 'help':
    {
      const box = helpBox(s, height);
      const all = helpRows(s, box.width);
      const max = Math.max(0, all.length - box.rows);
      const from = Math.min(o.scroll ?? 0, max);
      const shown = all.slice(from, from + box.rows);
      if (from < max) shown[shown.length - 1] = [{ text: `↓ ${max - from} more rows (↓ or PgDn)`, style: { dim: true } }];
      return <Boxed s={s} height={height} title={max ? 'Keys — ↑↓ scroll · Esc or ? to close' : 'Keys — Esc or ? to close'} rows={shown} />;
    }
    case 'confirm':
      return (
        <Boxed
          s={s}
          height={height}
          title={o.title}
          rows={wrapRuns([{ text: o.text }], inner)}
          footer={[[], [{ text: 'y', style: { bold: true } }, { text: ' yes   ', style: { dim: true } }, { text: 'n', style: { bold: true } }, { text: '/Esc no', style: { dim: true } }]]}
        />
      );
    case 'dialog':
      return <DialogView s={s} height={height} d={o.dialog} />;
  }
}

// ---------------------------------------------------------------------------------------

export function Screen({ s }: { s: AppState }) {
  const L = layoutOf(s);
  const body = L.frame - L.header - L.keybar;
  let content: React.ReactNode;
  if (s.overlay) content = <OverlayView s={s} height={body} />;
  else if (s.screen === 'catalog' || !s.lab) content = <Catalog s={s} height={body} />;
  else if (s.screen === 'complete') content = <Complete s={s} height={body} />;
  else content = <LabBody s={s} height={body} />;
  return (
    <Box flexDirection="column" width={s.size.columns} height={L.frame}>
      <Header s={s} />
      <Box height={body} flexDirection="column">
        {content}
      </Box>
      <KeyBar s={s} />
    </Box>
  );
}
