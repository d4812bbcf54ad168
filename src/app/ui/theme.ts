// Colours and marks, in one place. Every state also has a mark, so nothing depends on colour
// alone (NO_COLOR turns colours off; the marks remain).
import type { Tone } from '../state.js';
import type { Style } from '../text.js';

export const TONE: Record<Tone, Style> = {
  input: { bold: true },
  out: {},
  err: { color: 'red' },
  warn: { color: 'yellow' },
  ok: { color: 'green' },
  info: { color: 'cyan' },
  dim: { dim: true },
};

export const STEP_MARK = {
  passed: { mark: '✓', style: { color: 'green' } as Style },
  skipped: { mark: '↷', style: { color: 'yellow' } as Style },
  current: { mark: '▸', style: { color: 'cyan', bold: true } as Style },
  locked: { mark: '·', style: { dim: true } as Style },
};

/** The console's switch-role colours (hex as the console uses them). */
export const CONSOLE_HEX: Record<string, string> = {
  red: '#f2b0a9',
  orange: '#fbc8aa',
  yellow: '#efda95',
  green: '#b7ca9d',
  blue: '#83d4e8',
};

/** A console colour (name or hex, with or without #) as an Ink colour, or undefined. */
export function consoleColor(c: string | undefined): string | undefined {
  if (!c) return undefined;
  const k = c.toLowerCase().replace(/^#/, '');
  if (CONSOLE_HEX[k]) return CONSOLE_HEX[k];
  if (/^[0-9a-f]{6}$/.test(k)) return `#${k}`;
  return undefined;
}
