// GNU grep's everyday options on text from stdin or workspace files: -i -v -c -o -q -n -w -x
// -l -h -H, -E (extended), -F (fixed strings), -e PATTERN (repeatable), combined short flags.
// Patterns are basic regular expressions unless -E or -F: in a BRE, + ? | ( ) { } are literal
// and their backslashed forms are the operators. Status 0 when a line matched, 1 when none,
// 2 on an error (a bad option, an unreadable file, a bad pattern).

export interface GrepResult {
  stdout: string;
  stderr: string;
  code: number;
}

const USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";
const FLAGS = new Set(['i', 'v', 'c', 'o', 'q', 'n', 'w', 'x', 'l', 'h', 'H', 'E', 'F', 'G', 's']);
const LONG: Record<string, string> = {
  '--ignore-case': 'i',
  '--invert-match': 'v',
  '--count': 'c',
  '--only-matching': 'o',
  '--quiet': 'q',
  '--silent': 'q',
  '--line-number': 'n',
  '--word-regexp': 'w',
  '--line-regexp': 'x',
  '--files-with-matches': 'l',
  '--no-filename': 'h',
  '--with-filename': 'H',
  '--extended-regexp': 'E',
  '--fixed-strings': 'F',
  '--basic-regexp': 'G',
  '--no-messages': 's',
};

/** A POSIX basic regular expression as a JavaScript one (GNU's \+ \? \| extensions included). */
export function breToJs(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) {
      const n = p[i + 1]!;
      i++;
      out += '+?|(){}'.includes(n) ? n : `\\${n}`;
      continue;
    }
    if (c === '[') {
      const end = bracketEnd(p, i);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      out += bracketToJs(p.slice(i, end + 1));
      i = end;
      continue;
    }
    out += '+?|(){}'.includes(c) ? `\\${c}` : c;
  }
  return out;
}

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
};

/** Index of the ] closing the bracket expression that starts at `i`, or -1. */
function bracketEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  while (j < p.length && p[j] !== ']') {
    if (p[j] === '[' && p[j + 1] === ':') {
      const close = p.indexOf(':]', j + 2);
      if (close > 0) {
        j = close + 2;
        continue;
      }
    }
    j++;
  }
  return j < p.length ? j : -1;
}

/** A POSIX bracket expression ([abc], [^0-9], [[:alpha:]_]) as a JavaScript character class. */
function bracketToJs(b: string): string {
  let body = b.slice(1, -1);
  let neg = '';
  if (body.startsWith('^')) {
    neg = '^';
    body = body.slice(1);
  }
  let out = '';
  for (let k = 0; k < body.length; k++) {
    const m = /^\[:([a-z]+):\]/.exec(body.slice(k));
    if (m) {
      out += CLASSES[m[1]!] ?? '';
      k += m[0].length - 1;
      continue;
    }
    const ch = body[k]!;
    out += ch === '\\' || (ch === ']' && k === 0) || ch === '[' ? `\\${ch}` : ch;
  }
  return `[${neg}${out}]`;
}

/** POSIX classes inside brackets of an extended expression, the rest as it is. */
function ereToJs(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) {
      out += p.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '[') {
      const end = bracketEnd(p, i);
      if (end > 0) {
        out += bracketToJs(p.slice(i, end + 1));
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function runGrep(args: string[], stdin: string | undefined, readFile: (path: string) => string): GrepResult {
  const opts = new Set<string>();
  const patterns: string[] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (name === '--regexp') {
        const v = eq < 0 ? args[++i] : a.slice(eq + 1);
        if (v === undefined) return { stdout: '', stderr: `grep: option '--regexp' requires an argument\n${USAGE}`, code: 2 };
        patterns.push(v);
        continue;
      }
      const f = LONG[name];
      if (!f) return { stdout: '', stderr: `grep: unrecognized option '${a}'\n${USAGE}`, code: 2 };
      opts.add(f);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j]!;
        if (f === 'e') {
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (v === undefined) return { stdout: '', stderr: `grep: option requires an argument -- 'e'\n${USAGE}`, code: 2 };
          patterns.push(v);
          break;
        }
        if (!FLAGS.has(f)) return { stdout: '', stderr: `grep: invalid option -- '${f}'\n${USAGE}`, code: 2 };
        opts.add(f);
      }
      continue;
    }
    operands.push(a);
  }
  if (patterns.length === 0) {
    const p = operands.shift();
    if (p === undefined) return { stdout: '', stderr: USAGE, code: 2 };
    patterns.push(p);
  }
  // each pattern may hold several, one a line
  const list = patterns.flatMap((p) => p.split('\n'));
  const source = list
    .map((p) => (opts.has('F') ? escapeRegExp(p) : opts.has('E') ? ereToJs(p) : breToJs(p)))
    .map((p) => (opts.has('x') ? `^(?:${p})$` : opts.has('w') ? `(?<![A-Za-z0-9_])(?:${p})(?![A-Za-z0-9_])` : p))
    .join('|');
  let re: RegExp;
  try {
    re = new RegExp(source, `g${opts.has('i') ? 'i' : ''}`);
  } catch {
    return { stdout: '', stderr: `grep: Invalid regular expression\n`, code: 2 };
  }
  const files = operands.length ? operands : ['-'];
  const withName = opts.has('H') || (files.length > 1 && !opts.has('h'));
  let stdout = '';
  let stderr = '';
  let matched = false;
  let failed = false;
  for (const f of files) {
    let text: string;
    if (f === '-') text = stdin ?? '';
    else {
      try {
        text = readFile(f);
      } catch (e) {
        failed = true;
        if (!opts.has('s')) stderr += `grep: ${(e as Error).message.replace(/^.*?: (?=No such|Is a dir)/, `${f}: `)}\n`;
        continue;
      }
    }
    const name = f === '-' ? '(standard input)' : f;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let count = 0;
    lines.forEach((line, idx) => {
      re.lastIndex = 0;
      const hit = re.test(line) !== opts.has('v');
      if (!hit) return;
      count++;
      if (opts.has('q') || opts.has('l') || opts.has('c')) return;
      const prefix = `${withName ? `${name}:` : ''}${opts.has('n') ? `${idx + 1}:` : ''}`;
      if (opts.has('o') && !opts.has('v')) {
        re.lastIndex = 0;
        for (const m of line.matchAll(re)) if (m[0] !== '') stdout += `${prefix}${m[0]}\n`;
      } else if (!opts.has('o')) stdout += `${prefix}${line}\n`;
    });
    if (count) matched = true;
    if (opts.has('q') && matched) return { stdout: '', stderr: '', code: 0 };
    if (opts.has('l') && count) stdout += `${name}\n`;
    else if (opts.has('c')) stdout += `${withName ? `${name}:` : ''}${count}\n`;
  }
  if (opts.has('q')) stdout = '';
  return { stdout, stderr, code: failed && !(opts.has('q') && matched) ? 2 : matched ? 0 : 1 };
}
