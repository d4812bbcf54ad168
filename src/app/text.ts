// Terminal text measurement and wrapping for styled runs. Pure.

/** Display width of one code point in a terminal cell grid (0, 1 or 2). */
export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Cuts s to at most `width` cells, adding '…' when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Pads s with spaces to exactly `width` cells (truncating first if needed). */
export function pad(s: string, width: number): string {
  const t = truncate(s, width);
  return t + ' '.repeat(Math.max(0, width - textWidth(t)));
}

/** Hard-wraps plain text (no styles) into rows of at most `width` cells; keeps empty lines. */
export function hardWrap(s: string, width: number): string[] {
  const w = Math.max(1, width);
  const rows: string[] = [];
  for (const line of s.split('\n')) {
    if (line === '') {
      rows.push('');
      continue;
    }
    let row = '';
    let rw = 0;
    for (const ch of line) {
      const cw = charWidth(ch.codePointAt(0)!);
      if (rw + cw > w) {
        rows.push(row);
        row = '';
        rw = 0;
      }
      row += ch;
      rw += cw;
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Wraps code (a command line) at spaces where it can, so words and arguments stay whole; the
 * rows after the first of a line are indented by `indent` spaces. A word longer than a row is
 * broken where it must be.
 */
export function codeWrap(s: string, width: number, indent = 2): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const line of s.split('\n')) {
    if (textWidth(line) <= w) {
      out.push(line);
      continue;
    }
    const lead = /^\s*/.exec(line)![0];
    const pad = ' '.repeat(Math.min(w - 1, textWidth(lead) + indent));
    let row = lead;
    let filled = false; // the row holds a word
    for (const word of line.slice(lead.length).split(' ')) {
      const sep = filled ? ' ' : '';
      if (textWidth(row + sep + word) <= w) {
        row += sep + word;
        filled = true;
        continue;
      }
      if (filled) {
        out.push(row);
        row = pad;
      }
      if (textWidth(row + word) <= w) {
        row += word;
      } else {
        // a word longer than a row: broken where it must be
        const [head = '', ...more] = hardWrap(word, Math.max(1, w - textWidth(row)));
        const parts = [head, ...hardWrap(more.join(''), Math.max(1, w - textWidth(pad))).filter((p) => p !== '')];
        for (const part of parts.slice(0, -1)) {
          out.push(row + part);
          row = pad;
        }
        row += parts[parts.length - 1]!;
      }
      filled = true;
    }
    if (filled) out.push(row);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Styled runs

export interface Style {
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  dim?: boolean;
  inverse?: boolean;
  color?: string;
  /** Background colour (the console's switch-role colour in the header). */
  bg?: string;
  /** An inline code span or code block. */
  code?: boolean;
}

export interface Run {
  text: string;
  style?: Style;
}

/** A rendered row: runs whose widths add up to at most the wrap width. */
export type Row = Run[];

export const rowText = (row: Row): string => row.map((r) => r.text).join('');

/**
 * Word-wraps styled runs into rows of at most `width` cells. Words longer than a row are
 * broken. `indent` (plain) starts every continuation row, `first` starts the first row
 * (e.g. a bullet); both count toward the width.
 */
export function wrapRuns(runs: Run[], width: number, first: Run[] = [], indent = ''): Row[] {
  const w = Math.max(4, width);
  const rows: Row[] = [];
  let row: Run[] = first.map((r) => ({ ...r }));
  let rowBase = first.reduce((n, r) => n + textWidth(r.text), 0);
  let rw = rowBase;
  type Pending = { style: Style | undefined; text: string };
  let pendingSpace = null as Pending | null; // spaces before the next word

  const push = (text: string, style: Style | undefined) => {
    const last = row[row.length - 1];
    if (last && last.style === style) last.text += text;
    else row.push(style ? { text, style } : { text });
  };
  const newRow = () => {
    rows.push(row);
    row = indent ? [{ text: indent }] : [];
    rowBase = textWidth(indent);
    rw = rowBase;
    pendingSpace = null;
  };

  // Words may span runs ("AssumeRole" in bold, then ","): a word is everything between spaces,
  // whatever its styles, so a row never breaks inside one unless the word is wider than a row.
  type Piece = { text: string; style: Style | undefined };
  const tokens: Array<{ space: true; piece: Piece } | { space: false; pieces: Piece[] }> = [];
  for (const run of runs) {
    for (const part of run.text.split(/( +)/)) {
      if (part === '') continue;
      const piece = { text: part, style: run.style };
      const last = tokens[tokens.length - 1];
      if (part.startsWith(' ')) tokens.push({ space: true, piece });
      else if (last && !last.space) last.pieces.push(piece);
      else tokens.push({ space: false, pieces: [piece] });
    }
  }

  for (const tok of tokens) {
    if (tok.space) {
      if (rw > rowBase) pendingSpace = { style: tok.piece.style, text: ((pendingSpace as Pending | null)?.text ?? '') + tok.piece.text };
      continue;
    }
    const wordW = tok.pieces.reduce((n, p) => n + textWidth(p.text), 0);
    const spaceW = pendingSpace !== null ? pendingSpace.text.length : 0;
    if (rw > rowBase && rw + spaceW + wordW > w) newRow();
    if (pendingSpace !== null) {
      push(pendingSpace.text, pendingSpace.style);
      rw += pendingSpace.text.length;
      pendingSpace = null;
    }
    for (const piece of tok.pieces) {
      let word = piece.text;
      let ww = textWidth(word);
      while (rw + ww > w) {
        let head = '';
        let hw = 0;
        for (const ch of word) {
          const cw = charWidth(ch.codePointAt(0)!);
          if (rw + hw + cw > w) break;
          head += ch;
          hw += cw;
        }
        if (head === '') {
          if (rw === rowBase) break; // cannot fit even one character: give up breaking
          newRow();
          continue;
        }
        push(head, piece.style);
        word = word.slice(head.length);
        ww = textWidth(word);
        newRow();
      }
      if (word) {
        push(word, piece.style);
        rw += ww;
      }
    }
  }
  rows.push(row);
  return rows;
}

/** A row of runs cut to `width` cells (the run that crosses the edge is cut with an ellipsis). */
export function truncateRow(row: Row, width: number): Row {
  const out: Row = [];
  let w = 0;
  for (const r of row) {
    const rw = textWidth(r.text);
    if (w + rw <= width) {
      out.push(r);
      w += rw;
      continue;
    }
    const t = truncate(r.text, width - w);
    if (t) out.push({ ...r, text: t });
    break;
  }
  return out;
}
