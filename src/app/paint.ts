// The catalog's first frame, written straight to the terminal before Ink loads (importing Ink
// takes most of the start-up on Node 20). The rows are the very ones the Ink views draw
// (screens.ts), so when Ink renders its first frame over them nothing visibly changes. Pure
// apart from the one write.
import { catalogScreenRows, headerRow, keyBar } from './screens.js';
import { layoutOf, type AppState } from './state.js';
import type { Row, Style } from './text.js';

/** The whole catalog frame (header, body, key bar) as rows, or undefined when the first frame is not the catalog. */
export function catalogFrame(s: AppState): Row[] | undefined {
  // (without the catalog cache, the very first start, the frame says the labs are loading)
  // (`iamlab start <lab>`: the catalog behind the "Opening …" bar, as Ink's first frame has it)
  if (s.screen !== 'catalog' || s.overlay) return undefined;
  const L = layoutOf(s);
  const w = s.size.columns - 1;
  return [headerRow(s, w), ...catalogScreenRows(s, L.frame - L.header - L.keybar), keyBar(s, w)];
}

const FG: Record<string, number> = { black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37, gray: 90, grey: 90 };

function hex(c: string): [number, number, number] | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : undefined;
}

function colour(c: string, base: 30 | 40): string | undefined {
  const named = FG[c];
  if (named !== undefined) return String(named + (base - 30));
  const rgb = hex(c);
  return rgb ? `${base === 30 ? 38 : 48};2;${rgb.join(';')}` : undefined;
}

/** SGR parameters for a style ('' when plain). */
export function sgr(st: Style | undefined): string {
  if (!st) return '';
  const p: string[] = [];
  if (st.bold) p.push('1');
  if (st.dim) p.push('2');
  if (st.italic) p.push('3');
  if (st.underline) p.push('4');
  if (st.inverse) p.push('7');
  const fg = st.color ? colour(st.color, 30) : undefined;
  if (fg) p.push(fg);
  const bg = st.bg ? colour(st.bg, 40) : undefined;
  if (bg) p.push(bg);
  return p.join(';');
}

/** One row as terminal text; without colour, plain text (as Ink writes it with colours off). */
export function ansiRow(row: Row, color: boolean): string {
  return row
    .map((r) => {
      const code = color ? sgr(r.style) : '';
      return code ? `\x1b[${code}m${r.text}\x1b[0m` : r.text;
    })
    .join('');
}

/**
 * Writes the catalog frame where Ink will draw its own, then puts the cursor back at its top
 * left, so Ink's first render lands on the same rows. Returns false (and writes nothing) when
 * the first frame is something else (an overlay).
 */
export function prePaint(s: AppState, out: Pick<NodeJS.WriteStream, 'write'>): boolean {
  const rows = catalogFrame(s);
  if (!rows?.length) return false;
  out.write(`${rows.map((r) => `${ansiRow(r, s.color)}\x1b[K`).join('\n')}\n\x1b[${rows.length}A\r`);
  return true;
}
