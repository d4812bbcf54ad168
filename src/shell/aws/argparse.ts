// Command-line parsing with the semantics of Python's argparse as the AWS CLI configures it:
// options may be abbreviated to a unique prefix, --opt=value works, a value that starts with
// '-' (and is not a negative number or contains no space) counts as an option, unknown
// options and stray words are collected for "Unknown options: …", required options are
// reported together in declaration order, choices are checked with "Maybe you meant".

import { getCloseMatches } from '../difflib.js';
import { argParseError, CliError } from './errors.js';

export interface OptSpec {
  /** without dashes */
  name: string;
  /** 'optional': one value or none (then `const` is stored), as argparse's nargs='?' */
  nargs: 'value' | 'list' | 'flag' | 'optional';
  const?: string;
  /** for flags: the value stored; dest groups --x/--no-x */
  flagValue?: boolean;
  dest?: string;
  required?: boolean;
  choices?: readonly string[];
}

export interface ParseResult {
  /** by dest (or name): string, string[] (lists) or boolean (flags) */
  values: Map<string, string | string[] | boolean>;
  /** positional words in order */
  positionals: string[];
  /** unknown options (and their unconsumed words) in order */
  extras: string[];
  /** dest -> the option name as typed last (for error messages) */
  seen: Map<string, string>;
  /** every word not consumed by a known option (positionals and unknown options), in order */
  rest: string[];
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

/** argparse's classification: is this word an option (O) or an argument (A)? */
function isOptionLike(word: string, specs: Map<string, OptSpec>): boolean {
  if (!word || word[0] !== '-') return false;
  if (word === '-') return false;
  if (specs.has(word.replace(/^--?/, '')) && word.startsWith('--')) return true;
  if (word.length === 1) return false;
  if (word.includes('=')) {
    const name = word.slice(0, word.indexOf('=')).replace(/^--?/, '');
    if (specs.has(name)) return true;
  }
  if (NEGATIVE_NUMBER.test(word)) return false;
  if (word.includes(' ')) return false;
  return true;
}

function matchOption(word: string, specs: Map<string, OptSpec>): { spec?: OptSpec; explicit?: string; ambiguous?: string[] } {
  if (!word.startsWith('--')) return {};
  const body = word.slice(2);
  const eq = body.indexOf('=');
  const name = eq >= 0 ? body.slice(0, eq) : body;
  const explicit = eq >= 0 ? body.slice(eq + 1) : undefined;
  const exact = specs.get(name);
  if (exact) return explicit === undefined ? { spec: exact } : { spec: exact, explicit };
  if (name.length === 0) return {};
  const matches = [...specs.values()].filter((s) => s.name.startsWith(name));
  if (matches.length === 1) return explicit === undefined ? { spec: matches[0]! } : { spec: matches[0]!, explicit };
  if (matches.length > 1) return { ambiguous: matches.map((m) => `--${m.name}`) };
  return {};
}

/**
 * Parses `words` against `specs`. With `stopAtFirstPositional`, parsing of options continues
 * but only globally known options are consumed (the main parser's parse_known_args).
 */
export function parseArgs(words: string[], specList: readonly OptSpec[]): ParseResult {
  const specs = new Map(specList.map((s) => [s.name, s]));
  const res: ParseResult = { values: new Map(), positionals: [], extras: [], seen: new Map(), rest: [] };
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (w === '--') {
      res.positionals.push(...words.slice(i + 1));
      res.rest.push(...words.slice(i + 1));
      break;
    }
    if (!isOptionLike(w, specs)) {
      res.positionals.push(w);
      res.rest.push(w);
      i++;
      continue;
    }
    const m = matchOption(w, specs);
    if (m.ambiguous) throw argParseError(`ambiguous option: ${w.split('=')[0]} could match ${m.ambiguous.join(', ')}`);
    const spec = m.spec;
    if (!spec) {
      res.extras.push(w);
      res.rest.push(w);
      i++;
      continue;
    }
    const dest = spec.dest ?? spec.name;
    const label = `--${spec.name}`;
    res.seen.set(dest, label);
    i++;
    if (spec.nargs === 'flag') {
      if (m.explicit !== undefined) throw argParseError(`argument ${label}: ignored explicit argument '${m.explicit}'`);
      res.values.set(dest, spec.flagValue ?? true);
      continue;
    }
    if (spec.nargs === 'optional') {
      let v = spec.const ?? '';
      if (m.explicit !== undefined) v = m.explicit;
      else if (words[i] !== undefined && !isOptionLike(words[i]!, specs)) v = words[i++]!;
      if (spec.choices && !spec.choices.includes(v)) throw invalidChoice(label, v, spec.choices);
      res.values.set(dest, v);
      continue;
    }
    if (spec.nargs === 'value') {
      let v: string;
      if (m.explicit !== undefined) v = m.explicit;
      else {
        const next = words[i];
        if (next === undefined || isOptionLike(next, specs)) throw argParseError(`argument ${label}: expected one argument`);
        v = next;
        i++;
      }
      if (spec.choices && !spec.choices.includes(v)) throw invalidChoice(label, v, spec.choices);
      res.values.set(dest, v);
      continue;
    }
    // list: zero or more
    const list: string[] = [];
    if (m.explicit !== undefined) list.push(m.explicit);
    else {
      while (i < words.length && !isOptionLike(words[i]!, specs) && words[i] !== '--') {
        list.push(words[i]!);
        i++;
      }
    }
    res.values.set(dest, list);
  }
  return res;
}

/** "argument X: Found invalid choice 'v'" with the CLI's suggestions (cutoff 0.8). */
export function invalidChoice(argument: string, value: string, choices: readonly string[]): CliError {
  let msg = `Found invalid choice '${value}'\n`;
  const possible = getCloseMatches(value, choices, 3, 0.8);
  if (possible.length) msg = [msg, 'Maybe you meant:\n', ...possible.map((p) => `  * ${p}`)].join('\n');
  return argParseError(`argument ${argument}: ${msg}`);
}

export function requiredMissing(names: string[]): CliError {
  return argParseError(`the following arguments are required: ${names.join(', ')}`);
}
