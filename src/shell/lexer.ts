// The shell language the tutorials use, parsed the way a POSIX shell parses it:
// words with '…', "…", \-escapes, $VAR, ${VAR}, ${VAR:-default}, $(…) and `…`; comments;
// NAME=value assignments; redirections (>, >>, <, 2>, 2>&1, <<EOF, <<'EOF', <<-EOF, <<<);
// pipes, &&, || and ;. Expansion happens later (expand.ts), with the session's variables.

export type Part =
  | { k: 'lit'; v: string; q: boolean }
  | { k: 'var'; name: string; q: boolean; dflt?: Word; op?: ':-' | '-' | ':=' | '#len' }
  | { k: 'cmd'; src: string; q: boolean };

export interface Word {
  parts: Part[];
  /** the word as typed */
  raw: string;
  start: number;
}

export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '<<' | '<<-' | '<<<' | '>&';
  target?: Word;
  /** for >&: the fd duplicated (2>&1) */
  dup?: number;
  /** heredoc body; quoted delimiter = no expansion */
  heredoc?: { parts: Part[]; delimiter: string; quoted: boolean };
}

export interface SimpleCommand {
  assigns: Array<{ name: string; value: Word }>;
  words: Word[];
  redirects: Redirect[];
  /** source text of the command, for history/echo */
  text: string;
}

export interface Pipeline {
  cmds: SimpleCommand[];
  negate: boolean;
}

export interface AndOr {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; p: Pipeline }>;
}

/** More input is needed: an open quote, heredoc, $( or a trailing operator. */
export class Incomplete extends Error {}

/** bash's wording: syntax error near unexpected token `;'. */
export class SyntaxError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** bash's reserved words that start or continue a compound command. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'select', 'function', '{', '}', '[[', ']]']);
const METACHARS = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);

export function parseScript(src: string): AndOr[] {
  return new Parser(src).script();
}

class Parser {
  private i = 0;
  private pendingHeredocs: Redirect[] = [];

  constructor(private readonly s: string) {}

  script(): AndOr[] {
    const list: AndOr[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.eof()) break;
      const c = this.s[this.i]!;
      if (c === ';' || c === '&' || c === '|' || c === ')') throw new SyntaxError(`syntax error near unexpected token \`${this.peekOp()}'`);
      list.push(this.andOr());
      this.skipBlank(false);
      if (this.eof()) break;
      const t = this.s[this.i]!;
      if (t === ';') this.i++;
      else if (t === '\n') {
        this.i++;
        this.readHeredocBodies();
      } else if (t === '&' && this.s[this.i + 1] !== '&') {
        throw new SyntaxError('background jobs (&) are not supported in this shell');
      }
    }
    if (this.pendingHeredocs.length) throw new Incomplete('here-document not terminated');
    return list;
  }

  private peekOp(): string {
    const two = this.s.slice(this.i, this.i + 2);
    if (two === '&&' || two === '||' || two === ';;') return two;
    return this.s[this.i]!;
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      this.skipBlank(false);
      const two = this.s.slice(this.i, this.i + 2);
      if (two !== '&&' && two !== '||') break;
      this.i += 2;
      this.skipBlank(true, true);
      if (this.eof()) throw new Incomplete(`line ends with ${two}`);
      rest.push({ op: two, p: this.pipeline() });
    }
    return { first, rest };
  }

  private pipeline(): Pipeline {
    this.skipBlank(false);
    let negate = false;
    if (this.s[this.i] === '!' && /[ \t]/.test(this.s[this.i + 1] ?? '')) {
      negate = true;
      this.i++;
    }
    const cmds = [this.command()];
    for (;;) {
      this.skipBlank(false);
      if (this.s[this.i] !== '|' || this.s[this.i + 1] === '|') break;
      this.i++;
      this.skipBlank(true, true);
      if (this.eof()) throw new Incomplete('line ends with |');
      cmds.push(this.command());
    }
    return { cmds, negate };
  }

  private command(): SimpleCommand {
    const start = this.i;
    const cmd: SimpleCommand = { assigns: [], words: [], redirects: [], text: '' };
    for (;;) {
      this.skipBlank(false);
      if (this.eof()) break;
      const c = this.s[this.i]!;
      if (c === '\n' || c === ';' || c === '|' || c === '&' || c === ')') {
        if (c === '&' && this.s[this.i + 1] === '>') {
          // &>file: stdout and stderr
          this.i += 2;
          const target = this.wordOrThrow();
          cmd.redirects.push({ fd: 1, op: '>', target }, { fd: 2, op: '>&', dup: 1 });
          continue;
        }
        break;
      }
      if (c === '#') {
        this.skipComment();
        continue;
      }
      if (c === '(') throw new SyntaxError("syntax error near unexpected token `('");
      const redir = this.tryRedirect();
      if (redir) {
        cmd.redirects.push(redir);
        continue;
      }
      const w = this.word();
      if (cmd.words.length === 0) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.raw);
        if (m && w.parts[0]?.k === 'lit' && !w.parts[0].q && w.parts[0].v.startsWith(`${m[1]}=`)) {
          const first = w.parts[0];
          const rest: Part[] = [{ k: 'lit', v: first.v.slice(m[0].length), q: false }, ...w.parts.slice(1)];
          cmd.assigns.push({ name: m[1]!, value: { parts: rest, raw: w.raw.slice(m[0].length), start: w.start + m[0].length } });
          continue;
        }
      }
      cmd.words.push(w);
    }
    cmd.text = this.s.slice(start, this.i).trim();
    const first = cmd.words[0];
    if (first && cmd.assigns.length === 0 && first.parts.length === 1 && first.parts[0]!.k === 'lit' && !first.parts[0]!.q && RESERVED.has(first.raw)) {
      throw new SyntaxError(
        `\`${first.raw}\` starts a compound command (if, for, while, until, case, select, function, { … }); this shell runs simple commands joined by |, &&, || and ; — type the commands one at a time`,
      );
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) {
      throw new SyntaxError(`syntax error near unexpected token \`${this.eof() ? 'newline' : this.peekOp()}'`);
    }
    return cmd;
  }

  private tryRedirect(): Redirect | undefined {
    const m = /^(\d?)(>>|>&|>\||>|<<<|<<-|<<|<&|<)/.exec(this.s.slice(this.i, this.i + 4));
    if (!m) return undefined;
    const fd = m[1] ? Number(m[1]) : m[2]!.startsWith('<') ? 0 : 1;
    this.i += m[0].length;
    const op = m[2]!;
    if (op === '>&' || op === '<&') {
      const d = /^\d/.exec(this.s.slice(this.i));
      if (d) {
        this.i += 1;
        return { fd, op: '>&', dup: Number(d[0]) };
      }
      const target = this.wordOrThrow();
      return { fd, op: '>', target };
    }
    if (op === '<<' || op === '<<-') {
      this.skipBlank(false);
      const w = this.wordOrThrow();
      const quoted = w.parts.some((p) => p.k === 'lit' && p.q) || w.raw.includes('\\');
      const delimiter = w.parts.map((p) => (p.k === 'lit' ? p.v : p.k === 'var' ? `$${p.name}` : `$(${p.src})`)).join('');
      const r: Redirect = { fd, op, heredoc: { parts: [], delimiter, quoted } };
      this.pendingHeredocs.push(r);
      return r;
    }
    const target = this.wordOrThrow();
    return { fd, op: (op === '>|' ? '>' : op) as Redirect['op'], target };
  }

  private wordOrThrow(): Word {
    this.skipBlank(false);
    if (this.eof()) throw new SyntaxError("syntax error near unexpected token `newline'");
    const c = this.s[this.i]!;
    if (METACHARS.has(c) && c !== '(' && c !== ')') throw new SyntaxError(`syntax error near unexpected token \`${c === '\n' ? 'newline' : c}'`);
    return this.word();
  }

  private readHeredocBodies(): void {
    while (this.pendingHeredocs.length) {
      const r = this.pendingHeredocs.shift()!;
      const h = r.heredoc!;
      const lines: string[] = [];
      let done = false;
      while (!this.eof()) {
        const nl = this.s.indexOf('\n', this.i);
        const line = nl < 0 ? this.s.slice(this.i) : this.s.slice(this.i, nl);
        this.i = nl < 0 ? this.s.length : nl + 1;
        const cmp = r.op === '<<-' ? line.replace(/^\t+/, '') : line;
        if (cmp === h.delimiter) {
          done = true;
          break;
        }
        lines.push(r.op === '<<-' ? line.replace(/^\t+/, '') : line);
      }
      if (!done) throw new Incomplete(`here-document delimited by ${h.delimiter} not terminated`);
      const body = lines.length ? `${lines.join('\n')}\n` : '';
      h.parts = h.quoted ? [{ k: 'lit', v: body, q: true }] : this.heredocParts(body);
    }
  }

  /** Unquoted heredoc body: $VAR, ${VAR}, $(…) expand; \$ \` \\ escape; quotes are literal. */
  private heredocParts(body: string): Part[] {
    const sub = new Parser(body);
    const parts: Part[] = [];
    let lit = '';
    while (!sub.eof()) {
      const c = body[sub.i]!;
      if (c === '\\' && '$`\\'.includes(body[sub.i + 1] ?? '')) {
        lit += body[sub.i + 1];
        sub.i += 2;
      } else if (c === '$' || c === '`') {
        const p = sub.dollarOrBacktick(true);
        if (p) {
          if (lit) parts.push({ k: 'lit', v: lit, q: true });
          lit = '';
          parts.push(p);
        } else {
          lit += c;
          sub.i++;
        }
      } else {
        lit += c;
        sub.i++;
      }
    }
    if (lit) parts.push({ k: 'lit', v: lit, q: true });
    return parts;
  }

  word(): Word {
    const start = this.i;
    const parts: Part[] = [];
    let lit = '';
    const flush = () => {
      if (lit) parts.push({ k: 'lit', v: lit, q: false });
      lit = '';
    };
    while (!this.eof()) {
      const c = this.s[this.i]!;
      if (METACHARS.has(c)) break;
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (n === undefined) throw new Incomplete('line ends with \\');
        this.i += 2;
        if (n === '\n') continue; // line continuation
        flush();
        parts.push({ k: 'lit', v: n, q: true });
        continue;
      }
      if (c === "'") {
        const end = this.s.indexOf("'", this.i + 1);
        if (end < 0) throw new Incomplete('unterminated single quote');
        flush();
        parts.push({ k: 'lit', v: this.s.slice(this.i + 1, end), q: true });
        this.i = end + 1;
        continue;
      }
      if (c === '"') {
        flush();
        this.i++;
        parts.push(...this.doubleQuoted());
        continue;
      }
      if (c === '$' || c === '`') {
        if (c === '$' && this.s[this.i + 1] === "'") {
          flush();
          parts.push({ k: 'lit', v: this.ansiC(), q: true });
          continue;
        }
        const p = this.dollarOrBacktick(false);
        if (p) {
          flush();
          parts.push(p);
          continue;
        }
      }
      lit += c;
      this.i++;
    }
    flush();
    return { parts, raw: this.s.slice(start, this.i), start };
  }

  /** $'…' ANSI-C quoting */
  private ansiC(): string {
    this.i += 2;
    let out = '';
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
    while (!this.eof()) {
      const c = this.s[this.i]!;
      if (c === "'") {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (n === undefined) break;
        out += map[n] ?? `\\${n}`;
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
    throw new Incomplete("unterminated $'");
  }

  private doubleQuoted(): Part[] {
    const parts: Part[] = [];
    let lit = '';
    const flush = () => {
      parts.push({ k: 'lit', v: lit, q: true });
      lit = '';
    };
    for (;;) {
      if (this.eof()) throw new Incomplete('unterminated double quote');
      const c = this.s[this.i]!;
      if (c === '"') {
        this.i++;
        break;
      }
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (n === undefined) throw new Incomplete('unterminated double quote');
        if (n === '\n') {
          this.i += 2;
          continue;
        }
        if ('$`"\\'.includes(n)) {
          lit += n;
          this.i += 2;
          continue;
        }
        lit += c;
        this.i++;
        continue;
      }
      if (c === '$' || c === '`') {
        const p = this.dollarOrBacktick(true);
        if (p) {
          if (lit) flush();
          parts.push(p);
          continue;
        }
      }
      lit += c;
      this.i++;
    }
    // An empty "" still makes a (quoted, empty) word.
    if (lit || parts.length === 0) flush();
    return parts;
  }

  /** At $ or `: a parameter or command substitution part, or undefined for a literal $. */
  dollarOrBacktick(q: boolean): Part | undefined {
    const c = this.s[this.i]!;
    if (c === '`') {
      let j = this.i + 1;
      let src = '';
      for (;;) {
        if (j >= this.s.length) throw new Incomplete('unterminated `');
        const ch = this.s[j]!;
        if (ch === '\\' && '$`\\'.includes(this.s[j + 1] ?? '')) {
          src += this.s[j + 1];
          j += 2;
          continue;
        }
        if (ch === '`') break;
        src += ch;
        j++;
      }
      this.i = j + 1;
      return { k: 'cmd', src, q };
    }
    const n = this.s[this.i + 1];
    if (n === '(') {
      if (this.s[this.i + 2] === '(') throw new SyntaxError('arithmetic expansion $((…)) is not supported in this shell');
      const end = findClosingParen(this.s, this.i + 2);
      if (end < 0) throw new Incomplete('unterminated $(');
      const src = this.s.slice(this.i + 2, end);
      this.i = end + 1;
      return { k: 'cmd', src, q };
    }
    if (n === '{') {
      const close = this.s.indexOf('}', this.i + 2);
      if (close < 0) throw new Incomplete('unterminated ${');
      const inner = this.s.slice(this.i + 2, close);
      this.i = close + 1;
      let m = /^#([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
      if (m) return { k: 'var', name: m[1]!, q, op: '#len' };
      m = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9])(?:(:-|-|:=)(.*))?$/s.exec(inner);
      if (!m) throw new SyntaxError(`\${${inner}}: bad substitution`);
      const part: Part = { k: 'var', name: m[1]!, q };
      if (m[2] !== undefined) {
        part.op = m[2] as ':-' | '-' | ':=';
        part.dflt = new Parser(m[3] ?? '').word();
      }
      return part;
    }
    if (n !== undefined && /[A-Za-z_]/.test(n)) {
      let j = this.i + 1;
      while (j < this.s.length && /[A-Za-z0-9_]/.test(this.s[j]!)) j++;
      const name = this.s.slice(this.i + 1, j);
      this.i = j;
      return { k: 'var', name, q };
    }
    if (n !== undefined && /[?$#0-9]/.test(n)) {
      this.i += 2;
      return { k: 'var', name: n, q };
    }
    return undefined;
  }

  private skipComment(): void {
    while (!this.eof() && this.s[this.i] !== '\n') this.i++;
  }

  /** Skips blanks (and newlines when allowed, reading any pending heredoc bodies after them). */
  private skipBlank(newlines: boolean, comments = false): void {
    for (;;) {
      if (this.eof()) return;
      const c = this.s[this.i]!;
      if (c === ' ' || c === '\t') {
        this.i++;
        continue;
      }
      if (c === '\\' && this.s[this.i + 1] === '\n') {
        this.i += 2;
        continue;
      }
      if (newlines && c === '\n') {
        this.i++;
        this.readHeredocBodies();
        continue;
      }
      if ((newlines || comments) && c === '#') {
        this.skipComment();
        continue;
      }
      return;
    }
  }

  eof(): boolean {
    return this.i >= this.s.length;
  }
}

/** Index of the ) closing a $( whose content starts at `from`, honouring quotes and nesting; -1 if none. */
export function findClosingParen(s: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const e = s.indexOf("'", i + 1);
      if (e < 0) return -1;
      i = e + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      if (i >= s.length) return -1;
      i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  return -1;
}

export function isName(s: string): boolean {
  return NAME.test(s);
}

/** True when `text` needs more lines (open quote, heredoc, $(, trailing operator or backslash). */
export function needsMore(text: string): boolean {
  try {
    parseScript(text);
    return false;
  } catch (e) {
    return e instanceof Incomplete;
  }
}
