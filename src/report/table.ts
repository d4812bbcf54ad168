// Plain-text, Markdown and CSV tables (no colour: they go to files and pipes too).
import stringWidth from 'string-width';

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - stringWidth(c)))))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export function mdCell(s: string): string {
  const v = s.replace(/[\r\n\t]+/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').trim();
  return v === '' ? '—' : v;
}

export function mdTable(header: string[], rows: string[][]): string {
  return (
    [
      `| ${header.map(mdCell).join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
    ].join('\n') + '\n'
  );
}

/** RFC 4180 field; also defuses spreadsheet formulas (=, +, -, @ at the start). */
export function csvField(s: string): string {
  let v = s;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvTable(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
