// A small jq for the tutorials' `echo "$creds" | jq -r .AccessKeyId` pattern: paths (.a.b,
// .["a"], .[0], .[], .a[]), pipes, commas (.a, .b), `keys`, `length`, `type`, the -r / -c / -j
// options, and input from stdin or from files named after the filter.

export interface JqResult {
  stdout: string;
  stderr: string;
  code: number;
}

type Step = { k: 'field'; name: string; opt: boolean } | { k: 'index'; i: number } | { k: 'iter' } | { k: 'fn'; name: 'keys' | 'length' | 'type' };

/** Splits at `sep` where it is outside quotes and brackets. */
function splitTop(f: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < f.length; i++) {
    const c = f[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < f.length && f[j] !== '"') j += f[j] === '\\' ? 2 : 1;
      cur += f.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** A filter: stages joined by |, each stage a list of paths joined by , (jq: comma binds tighter). */
function parseFilter(f: string): Step[][][] {
  return splitTop(f, '|').map((stage) => splitTop(stage, ',').map((alt) => parsePath(alt.trim())));
}

function parsePath(p: string): Step[] {
  if (p === '.' || p === '') return [];
  if (p === 'keys' || p === 'length' || p === 'type') return [{ k: 'fn', name: p }];
  if (!p.startsWith('.')) throw new Error(`unsupported filter: ${p} (this jq knows paths like .Credentials.AccessKeyId, .[0], .[], keys, length)`);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '.') {
      i++;
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(p.slice(i));
      if (m) {
        i += m[0].length;
        const opt = p[i] === '?';
        if (opt) i++;
        steps.push({ k: 'field', name: m[0], opt });
        continue;
      }
      if (p[i] === '"') {
        const end = p.indexOf('"', i + 1);
        if (end < 0) throw new Error(`syntax error in ${p}`);
        steps.push({ k: 'field', name: p.slice(i + 1, end), opt: false });
        i = end + 1;
        continue;
      }
      if (p[i] !== '[' && i < p.length) throw new Error(`syntax error in ${p}`);
      continue;
    }
    if (p[i] === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) throw new Error(`syntax error in ${p}`);
      const inner = p.slice(i + 1, end).trim();
      if (inner === '') steps.push({ k: 'iter' });
      else if (/^-?\d+$/.test(inner)) steps.push({ k: 'index', i: Number(inner) });
      else if (/^"(.*)"$/.test(inner)) steps.push({ k: 'field', name: inner.slice(1, -1), opt: false });
      else throw new Error(`unsupported filter: [${inner}]`);
      i = end + 1;
      continue;
    }
    throw new Error(`syntax error in ${p}`);
  }
  return steps;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function apply(values: unknown[], steps: Step[]): unknown[] {
  let cur = values;
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (s.k === 'field') {
        if (v === null) next.push(null);
        else if (typeof v === 'object' && !Array.isArray(v)) next.push((v as Record<string, unknown>)[s.name] ?? null);
        else if (!s.opt) throw new Error(`Cannot index ${typeName(v)} with "${s.name}"`);
      } else if (s.k === 'index') {
        if (v === null) next.push(null);
        else if (Array.isArray(v)) next.push(v[s.i < 0 ? v.length + s.i : s.i] ?? null);
        else throw new Error(`Cannot index ${typeName(v)} with number`);
      } else if (s.k === 'iter') {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === 'object') next.push(...Object.values(v));
        else throw new Error(`Cannot iterate over ${typeName(v)}${typeof v === 'string' ? ` ("${v}")` : ''}`);
      } else if (s.name === 'keys') {
        if (v !== null && typeof v === 'object') next.push(Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v).sort());
        else throw new Error(`${typeName(v)} has no keys`);
      } else if (s.name === 'length') {
        next.push(typeof v === 'string' || Array.isArray(v) ? v.length : v !== null && typeof v === 'object' ? Object.keys(v).length : v === null ? 0 : Math.abs(Number(v)));
      } else next.push(typeName(v));
    }
    cur = next;
  }
  return cur;
}

function parseInputs(text: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    // find the end of one JSON value by trying progressively (inputs are small)
    let parsed = false;
    for (let j = text.length; j > i; j--) {
      const chunk = text.slice(i, j);
      try {
        out.push(JSON.parse(chunk));
        i = j;
        parsed = true;
        break;
      } catch {
        // shorter
      }
      if (j - i > 200_000) break;
    }
    if (!parsed) throw new Error('parse error: Invalid JSON text on stdin');
  }
  return out;
}

export function runJq(args: string[], stdin: string | undefined, readFile?: (path: string) => string): JqResult {
  let raw = false;
  let compact = false;
  let join = false;
  let filter: string | undefined;
  const files: string[] = [];
  for (const a of args) {
    if (a === '-r' || a === '--raw-output') raw = true;
    else if (a === '-c' || a === '--compact-output') compact = true;
    else if (a === '-j' || a === '--join-output') {
      raw = true;
      join = true;
    } else if (a === '-M' || a === '-C') continue;
    else if (/^-[rcjM]+$/.test(a)) {
      raw ||= a.includes('r') || a.includes('j');
      compact ||= a.includes('c');
      join ||= a.includes('j');
    } else if (filter === undefined) filter = a;
    else files.push(a);
  }
  filter ??= '.';
  let text = stdin ?? '';
  if (files.length) {
    text = '';
    for (const f of files) {
      try {
        text += `${readFile ? readFile(f) : ''}\n`;
      } catch (e) {
        const why = /Is a directory/.test((e as Error).message) ? 'Is a directory' : /No such file/.test((e as Error).message) ? 'No such file or directory' : (e as Error).message;
        return { stdout: '', stderr: `jq: error: Could not open ${f}: ${why}\n`, code: 2 };
      }
    }
  }
  try {
    const inputs = parseInputs(text);
    let results = inputs;
    for (const stage of parseFilter(filter)) results = results.flatMap((v) => stage.flatMap((alt) => apply([v], alt)));
    const lines = results.map((v) => (raw && typeof v === 'string' ? v : JSON.stringify(v, null, compact ? undefined : 2)));
    return { stdout: lines.map((l) => (join ? l : `${l}\n`)).join(''), stderr: '', code: 0 };
  } catch (e) {
    return { stdout: '', stderr: `jq: error: ${(e as Error).message}\n`, code: 5 };
  }
}
