// A small Markdown reader for step instructions: headings, paragraphs, emphasis, code spans,
// fenced code blocks, lists (nested), block quotes, rules, links and pipe tables.
// parseMarkdown → blocks; layoutMarkdown → rows of styled runs wrapped to a width, so the
// view knows exactly how many terminal rows the text takes. Pure: no React, no Ink.

import { codeWrap, wrapRuns, type Row, type Run, type Style } from './text.js';

export type Inline = Run & { href?: string };

export type Block =
  | { kind: 'heading'; level: number; content: Inline[] }
  | { kind: 'paragraph'; content: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { kind: 'code'; lang?: string; text: string }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'table'; rows: Inline[][][] }
  | { kind: 'rule' };

const STRONG: Style = { bold: true };
const EM: Style = { italic: true };
const STRONG_EM: Style = { bold: true, italic: true };
const CODE: Style = { code: true, color: 'yellow' };
const LINK: Style = { underline: true, color: 'blue' };
const URL: Style = { dim: true };

// ---------------------------------------------------------------------------------------
// inline

/** Parses inline Markdown into styled runs. `plain`: no colour, so code spans keep backticks. */
export function parseInline(src: string, base?: Style, plain = false): Inline[] {
  const out: Inline[] = [];
  const text = (t: string, style: Style | undefined = base) => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && last.style === style && !last.href) last.text += t;
    else out.push(style ? { text: t, style } : { text: t });
  };
  const merge = (s: Style): Style => (base ? { ...base, ...s } : s);
  let i = 0;
  let buf = '';
  const flush = () => {
    text(buf);
    buf = '';
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\' && i + 1 < src.length && /[\\`*_{}[\]()#+\-.!|<>~]/.test(src[i + 1]!)) {
      buf += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      let ticks = 1;
      while (src[i + ticks] === '`') ticks++;
      const fence = '`'.repeat(ticks);
      const end = src.indexOf(fence, i + ticks);
      if (end !== -1) {
        flush();
        let code = src.slice(i + ticks, end);
        if (code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
        text(plain ? `\`${code}\`` : code, merge(CODE));
        i = end + ticks;
        continue;
      }
      buf += fence;
      i += ticks;
      continue;
    }
    if (ch === '[') {
      const m = /^\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/.exec(src.slice(i));
      if (m) {
        flush();
        const label = m[1]!;
        const href = m[2]!;
        for (const r of parseInline(label || href, merge(LINK), plain)) out.push({ ...r, href });
        if (label && label !== href && !href.startsWith('#')) out.push({ text: ` (${href})`, style: merge(URL) });
        i += m[0].length;
        continue;
      }
    }
    if (ch === '<') {
      const m = /^<(https?:\/\/[^>\s]+)>/.exec(src.slice(i));
      if (m) {
        flush();
        out.push({ text: m[1]!, style: merge(LINK), href: m[1]! });
        i += m[0].length;
        continue;
      }
    }
    if (ch === '*' || ch === '_') {
      let n = 1;
      while (src[i + n] === ch && n < 3) n++;
      const prev = src[i - 1];
      const next = src[i + n];
      const opens = next !== undefined && next !== ' ' && (ch === '*' || prev === undefined || !/[A-Za-z0-9]/.test(prev));
      if (opens) {
        const close = findClose(src, i + n, ch, n);
        if (close !== -1) {
          flush();
          const style = n === 1 ? EM : n === 2 ? STRONG : STRONG_EM;
          for (const r of parseInline(src.slice(i + n, close), merge(style), plain)) out.push(r);
          i = close + n;
          continue;
        }
      }
      buf += ch.repeat(n);
      i += n;
      continue;
    }
    if (ch === '~' && src[i + 1] === '~') {
      const close = src.indexOf('~~', i + 2);
      if (close > i + 2) {
        flush();
        for (const r of parseInline(src.slice(i + 2, close), merge({ dim: true }), plain)) out.push(r);
        i = close + 2;
        continue;
      }
    }
    buf += ch;
    i++;
  }
  flush();
  return out;
}

function findClose(src: string, from: number, ch: string, n: number): number {
  const fence = ch.repeat(n);
  let i = from;
  while (i < src.length) {
    if (src[i] === '\\') {
      i += 2;
      continue;
    }
    if (src[i] === '`') {
      const end = src.indexOf('`', i + 1);
      if (end === -1) return -1;
      i = end + 1;
      continue;
    }
    if (src.startsWith(fence, i) && src[i - 1] !== ' ' && src[i + n] !== ch) {
      const after = src[i + n];
      if (ch === '_' && after !== undefined && /[A-Za-z0-9]/.test(after)) {
        i++;
        continue;
      }
      return i;
    }
    i++;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------
// blocks

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;
const BULLET = /^(\s*)([-*+])\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

const indentOf = (line: string) => /^\s*/.exec(line)![0].replace(/\t/g, '    ').length;

/** Parses Markdown text into blocks. Never throws: anything unrecognised is a paragraph. */
export function parseMarkdown(src: string, plain = false): Block[] {
  return parseLines(src.replace(/\r\n?/g, '\n').split('\n'), plain);
}

function parseLines(lines: string[], plain: boolean): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  let para: string[] = [];
  const endPara = () => {
    if (para.length) blocks.push({ kind: 'paragraph', content: parseInline(para.join(' '), undefined, plain) });
    para = [];
  };
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      endPara();
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      endPara();
      const ind = fence[1]!.length;
      const marker = fence[2]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(marker)) {
        const l = lines[i]!;
        body.push(l.slice(Math.min(ind, indentOf(l))));
        i++;
      }
      i++; // closing fence (or end of text)
      blocks.push({ kind: 'code', ...(fence[3] ? { lang: fence[3] } : {}), text: body.join('\n') });
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      endPara();
      blocks.push({ kind: 'heading', level: h[1]!.length, content: parseInline(h[2]!, undefined, plain) });
      i++;
      continue;
    }
    if (RULE.test(line) && para.length === 0) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      endPara();
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) inner.push(QUOTE.exec(lines[i]!)![1]!), i++;
      blocks.push({ kind: 'quote', blocks: parseLines(inner, plain) });
      continue;
    }
    if (TABLE_ROW.test(line) && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]!)) {
      endPara();
      const rows: Inline[][][] = [];
      while (i < lines.length && TABLE_ROW.test(lines[i]!)) {
        if (!TABLE_SEP.test(lines[i]!)) {
          const cells = lines[i]!.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);
          rows.push(cells.map((c) => parseInline(c.trim(), undefined, plain)));
        }
        i++;
      }
      blocks.push({ kind: 'table', rows });
      continue;
    }
    const li = BULLET.exec(line) ?? ORDERED.exec(line);
    if (li && (para.length === 0 || indentOf(line) < 4)) {
      endPara();
      const { block, next } = parseList(lines, i, plain);
      blocks.push(block);
      i = next;
      continue;
    }
    para.push(line.trim());
    i++;
  }
  endPara();
  return blocks;
}

function parseList(lines: string[], start: number, plain: boolean): { block: Block; next: number } {
  const first = lines[start]!;
  const ordered = !BULLET.exec(first);
  const baseIndent = indentOf(first);
  const startNum = ordered ? Number(ORDERED.exec(first)![2]) : 1;
  const items: Block[][] = [];
  let i = start;
  while (i < lines.length) {
    const line = lines[i]!;
    const m = (ordered ? ORDERED : BULLET).exec(line);
    if (!m || indentOf(line) !== baseIndent) break;
    const contentIndent = line.length - m[3]!.length;
    const body: string[] = [m[3]!];
    i++;
    // the item continues while lines are blank-then-indented, or lazily continue the text
    while (i < lines.length) {
      const l = lines[i]!;
      if (l.trim() === '') {
        const nextLine = lines.slice(i + 1).find((x) => x.trim() !== '');
        if (nextLine !== undefined && indentOf(nextLine) > baseIndent) {
          body.push('');
          i++;
          continue;
        }
        break;
      }
      const ind = indentOf(l);
      if (ind <= baseIndent && (BULLET.test(l) || ORDERED.test(l) || HEADING.test(l) || FENCE.test(l))) break;
      if (ind <= baseIndent && body[body.length - 1] === '') break;
      body.push(l.slice(Math.min(ind, contentIndent)));
      i++;
    }
    items.push(parseLines(body, plain));
    // a blank line between items of the same list keeps the list going
    if (i < lines.length && lines[i]!.trim() === '') {
      let j = i;
      while (j < lines.length && lines[j]!.trim() === '') j++;
      const n = lines[j];
      const nm = n === undefined ? null : (ordered ? ORDERED : BULLET).exec(n);
      if (nm && indentOf(n!) === baseIndent) i = j;
    }
  }
  return { block: { kind: 'list', ordered, start: startNum, items }, next: i };
}

// ---------------------------------------------------------------------------------------
// layout

export interface LayoutOptions {
  /** No colour: keep visible marks (backticks are kept by parseInline; rules and bullets plain). */
  plain?: boolean;
}

/** Lays blocks out into rows at most `width` cells wide, with one blank row between blocks. */
export function layoutBlocks(blocks: Block[], width: number, opts: LayoutOptions = {}): Row[] {
  const rows: Row[] = [];
  blocks.forEach((b, n) => {
    if (n > 0) rows.push([]);
    rows.push(...layoutBlock(b, width, opts));
  });
  return rows;
}

function layoutBlock(b: Block, width: number, opts: LayoutOptions): Row[] {
  switch (b.kind) {
    case 'heading': {
      const style: Style = b.level <= 2 ? { bold: true, color: 'cyan' } : { bold: true };
      const runs = b.content.map((r) => ({ text: r.text, style: { ...r.style, ...style } }));
      return wrapRuns(runs, width);
    }
    case 'paragraph':
      return wrapRuns(b.content, width);
    case 'rule':
      return [[{ text: '─'.repeat(Math.max(1, width)), style: { dim: true } }]];
    case 'code': {
      const inner = Math.max(4, width - 2);
      return codeWrap(b.text, inner).map((t) => [{ text: '  ' }, { text: t, style: CODE }]);
    }
    case 'quote': {
      const inner = layoutBlocks(b.blocks, width - 2, opts);
      return inner.map((row) => [{ text: '│ ', style: { dim: true } }, ...row.map((r) => ({ ...r, style: { ...r.style, italic: true } }))]);
    }
    case 'list': {
      const out: Row[] = [];
      b.items.forEach((item, k) => {
        const marker = b.ordered ? `${b.start + k}. ` : '• ';
        const ind = ' '.repeat(marker.length);
        const inner = Math.max(4, width - marker.length);
        let firstRow = true;
        item.forEach((blk, bi) => {
          if (bi > 0 && blk.kind !== 'list') out.push([]);
          const sub = blk.kind === 'paragraph' || blk.kind === 'heading' ? wrapRuns(blk.content, inner) : layoutBlock(blk, inner, opts);
          for (const row of sub) {
            out.push([{ text: firstRow ? marker : ind, ...(firstRow && !opts.plain ? { style: { color: 'cyan' } } : {}) }, ...row]);
            firstRow = false;
          }
        });
        if (firstRow) out.push([{ text: marker }]);
      });
      return out;
    }
    case 'table': {
      const cols = Math.max(...b.rows.map((r) => r.length));
      const textOf = (c: Inline[] | undefined) => (c ?? []).map((r) => r.text).join('');
      const widths = Array.from({ length: cols }, (_, c) => Math.max(...b.rows.map((r) => textOf(r[c]).length)));
      const total = widths.reduce((a, x) => a + x, 0) + 3 * (cols - 1);
      if (total > width) {
        // too wide: one cell per row, header: value
        const head = b.rows[0] ?? [];
        const out: Row[] = [];
        b.rows.slice(1).forEach((r, n) => {
          if (n > 0) out.push([]);
          r.forEach((cell, c) => out.push(...wrapRuns([{ text: `${textOf(head[c])}: `, style: { bold: true } }, ...cell], width)));
        });
        return out;
      }
      return b.rows.map((r, n) => {
        const row: Row = [];
        for (let c = 0; c < cols; c++) {
          if (c > 0) row.push({ text: ' │ ', style: { dim: true } });
          const cell = r[c] ?? [];
          for (const run of cell) row.push(n === 0 ? { text: run.text, style: { ...run.style, bold: true } } : run);
          row.push({ text: ' '.repeat(widths[c]! - textOf(cell).length) });
        }
        return row;
      });
    }
  }
}

/** Convenience: Markdown text → rows. */
export function renderMarkdown(src: string, width: number, opts: LayoutOptions = {}): Row[] {
  return layoutBlocks(parseMarkdown(src, opts.plain), width, opts);
}
