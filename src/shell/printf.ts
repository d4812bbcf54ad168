// bash's printf builtin: backslash escapes in the format, %[flags][width][.precision]conv with
// d i o u x X f F e E g G c s b q %, `*` widths, the format reused while arguments remain,
// missing arguments as "" or 0, and "invalid number" diagnostics (status 1, output goes on).

export interface PrintfResult {
  out: string;
  err: string;
  code: number;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '"': '"', "'": "'" };

/**
 * Backslash escapes as printf reads them. In the format, \NNN is octal (up to 3 digits); in a
 * %b argument, \0NNN is (echo's rule) and \c ends all output (reported through `stop`).
 */
export function expandEscapes(s: string, inArgument: boolean): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const n = s[i + 1]!;
    if (n in SIMPLE_ESCAPES && !(n === '"' && inArgument) && !(n === "'" && inArgument)) {
      out += SIMPLE_ESCAPES[n];
      i++;
      continue;
    }
    if (n === 'c' && inArgument) return { text: out, stop: true };
    const oct = (inArgument ? /^0([0-7]{0,3})/ : /^([0-7]{1,3})/).exec(s.slice(i + 1));
    if (oct) {
      out += String.fromCharCode(parseInt(oct[1] || '0', 8) & 0xff);
      i += oct[0].length;
      continue;
    }
    const hex = /^x([0-9A-Fa-f]{1,2})/.exec(s.slice(i + 1));
    if (hex) {
      out += String.fromCharCode(parseInt(hex[1]!, 16));
      i += hex[0].length;
      continue;
    }
    out += c;
  }
  return { text: out, stop: false };
}

/** bash's %q: a word the shell reads back as the same string. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  return s.replace(/[^A-Za-z0-9_\-.,:/@%+=]/g, (ch) => (ch === '\n' ? "$'\\n'" : `\\${ch}`));
}

interface Spec {
  flags: string;
  width: number | undefined;
  precision: number | undefined;
  conv: string;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  if (s.length >= w) return s;
  if (spec.flags.includes('-')) return s + ' '.repeat(w - s.length);
  if (numeric && spec.flags.includes('0')) {
    const sign = /^[+\- ]|^0[xX]/.exec(s)?.[0] ?? '';
    return sign + '0'.repeat(w - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(w - s.length) + s;
}

function signed(body: string, negative: boolean, flags: string): string {
  if (negative) return `-${body}`;
  if (flags.includes('+')) return `+${body}`;
  if (flags.includes(' ')) return ` ${body}`;
  return body;
}

function expFormat(v: number, prec: number, upper: boolean): string {
  const s = v.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function gFormat(v: number, prec: number, alt: boolean, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (v === 0) return alt ? (0).toFixed(p - 1) : '0';
  const x = Math.floor(Math.log10(Math.abs(v)));
  let s = p > x && x >= -4 ? v.toFixed(Math.max(0, p - 1 - x)) : expFormat(v, p - 1, upper);
  if (!alt) s = s.replace(/^([^eE]*\.[^eE]*?)0*(?=$|[eE])/, '$1').replace(/\.(?=$|[eE])/, '');
  return s;
}

class Printer {
  err = '';
  code = 0;

  number(arg: string | undefined, integer: boolean): number {
    if (arg === undefined || arg === '') return 0;
    if (/^['"]/.test(arg)) return arg.length > 1 ? arg.codePointAt(1)! : 0;
    const t = arg.trim();
    let v: number;
    if (/^[+-]?0[xX][0-9A-Fa-f]+$/.test(t)) v = (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]/, ''), 16);
    else if (integer && /^[+-]?0[0-7]+$/.test(t)) v = (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]/, ''), 8);
    else if (integer ? /^[+-]?\d+$/.test(t) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) v = Number(t);
    else {
      const lead = (integer ? /^[+-]?\d+/ : /^[+-]?(\d+\.?\d*|\.\d+)/).exec(t)?.[0];
      this.err += `iamlab: printf: ${arg}: invalid number\n`;
      this.code = 1;
      v = lead ? Number(lead) : 0;
    }
    return v;
  }

  convert(spec: Spec, arg: string | undefined): { text: string; stop: boolean } {
    const { flags, conv } = spec;
    switch (conv) {
      case 's': {
        let s = arg ?? '';
        if (spec.precision !== undefined) s = s.slice(0, spec.precision);
        return { text: pad(s, spec, false), stop: false };
      }
      case 'b': {
        const r = expandEscapes(arg ?? '', true);
        let s = r.text;
        if (spec.precision !== undefined) s = s.slice(0, spec.precision);
        return { text: pad(s, spec, false), stop: r.stop };
      }
      case 'q':
        return { text: pad(shellQuote(arg ?? ''), spec, false), stop: false };
      case 'c':
        return { text: pad([...(arg ?? '')][0] ?? '', spec, false), stop: false };
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        const v = Math.trunc(this.number(arg, true));
        const neg = v < 0 && (conv === 'd' || conv === 'i');
        let abs = Math.abs(v);
        if (v < 0 && !neg) abs = Number(BigInt.asUintN(64, BigInt(v)));
        let body = conv === 'o' ? abs.toString(8) : conv === 'x' ? abs.toString(16) : conv === 'X' ? abs.toString(16).toUpperCase() : String(abs);
        if (spec.precision !== undefined) body = spec.precision === 0 && abs === 0 ? '' : body.padStart(spec.precision, '0');
        if (flags.includes('#') && abs !== 0) body = conv === 'o' ? `0${body}` : conv === 'x' ? `0x${body}` : conv === 'X' ? `0X${body}` : body;
        const s = signed(body, neg, conv === 'd' || conv === 'i' ? flags : '');
        const zeroOk = spec.precision === undefined;
        return { text: pad(s, zeroOk ? spec : { ...spec, flags: flags.replace(/0/g, '') }, true), stop: false };
      }
      default: {
        // f F e E g G
        const v = this.number(arg, false);
        const prec = spec.precision ?? 6;
        const abs = Math.abs(v);
        let body: string;
        if (!Number.isFinite(v)) body = Number.isNaN(v) ? 'nan' : 'inf';
        else if (conv === 'f' || conv === 'F') body = abs.toFixed(prec);
        else if (conv === 'e' || conv === 'E') body = expFormat(abs, prec, conv === 'E');
        else body = gFormat(abs, prec, flags.includes('#'), conv === 'G');
        if (flags.includes('#') && !body.includes('.') && (conv === 'f' || conv === 'F')) body += '.';
        return { text: pad(signed(body, v < 0 || Object.is(v, -0), flags), spec, true), stop: false };
      }
    }
  }
}

/** Runs printf with its arguments (after any -v NAME, which the caller handles). */
export function printf(format: string, args: string[]): PrintfResult {
  const p = new Printer();
  let out = '';
  let ai = 0;
  const next = (): string | undefined => (ai < args.length ? args[ai++] : undefined);
  const spec = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXfFeEgGcsbq%])?/y;
  for (;;) {
    const consumedBefore = ai;
    let i = 0;
    while (i < format.length) {
      const c = format[i]!;
      if (c === '\\') {
        // one escape at a time, so a literal % produced by \045 stays literal
        const m = /^\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.)/s.exec(format.slice(i));
        const piece = m ? m[0] : '\\';
        out += expandEscapes(piece, false).text;
        i += piece.length;
        continue;
      }
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      spec.lastIndex = i;
      const m = spec.exec(format);
      if (!m || m[4] === undefined || (m[4] === '%' && m[0] !== '%%')) {
        const head = m ? (m[4] === '%' ? m[0].slice(0, -1) : m[0]) : '%';
        const after = format[i + head.length];
        p.err += after === undefined ? `iamlab: printf: \`${head}': missing format character\n` : `iamlab: printf: \`${after}': invalid format character\n`;
        p.code = 1;
        return { out, err: p.err, code: p.code };
      }
      i = spec.lastIndex;
      if (m[4] === '%') {
        out += '%';
        continue;
      }
      const width = m[2] === '*' ? Math.trunc(p.number(next(), true)) : m[2] !== undefined ? Number(m[2]) : undefined;
      const precision = m[3] === undefined ? undefined : m[3] === '*' ? Math.trunc(p.number(next(), true)) : Number(m[3] || '0');
      let flags = m[1] ?? '';
      let w = width;
      if (w !== undefined && w < 0) {
        flags += '-';
        w = -w;
      }
      const r = p.convert({ flags, width: w, precision: precision !== undefined && precision < 0 ? undefined : precision, conv: m[4] }, next());
      out += r.text;
      if (r.stop) return { out, err: p.err, code: p.code };
    }
    if (ai >= args.length || ai === consumedBefore) break;
  }
  return { out, err: p.err, code: p.code };
}
