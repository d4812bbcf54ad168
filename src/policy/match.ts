// Wildcard matching for actions, resources, ARNs and StringLike values, plus policy variables.
//
// Patterns are compiled once. Inside a compiled pattern the wildcards `*` and `?` are encoded as
// private-use characters, so text substituted from a policy variable (or written as ${*}, ${?})
// is always matched literally.

export const STAR = '\uE000';
export const QMARK = '\uE001';
const STAR_CODE = 0xe000;
const QMARK_CODE = 0xe001;

/** Matching strategy chosen at compile time. */
const enum GlobKind {
  Any = 0, // "*"
  Exact = 1, // no wildcard
  Prefix = 2, // "abc*"
  General = 3,
}

export interface Glob {
  kind: GlobKind;
  /** For Exact/Prefix: the literal text; for General: the encoded pattern. */
  text: string;
}

/** Matches an encoded pattern (STAR/QMARK wildcards) against s. Linear-time greedy backtracking. */
export function globEncoded(p: string, s: string): boolean {
  const pl = p.length;
  const sl = s.length;
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < sl) {
    if (pi < pl) {
      const pc = p.charCodeAt(pi);
      if (pc === STAR_CODE) {
        star = pi++;
        mark = si;
        continue;
      }
      if (pc === QMARK_CODE || pc === s.charCodeAt(si)) {
        pi++;
        si++;
        continue;
      }
    }
    if (star === -1) return false;
    pi = star + 1;
    si = ++mark;
  }
  while (pi < pl && p.charCodeAt(pi) === STAR_CODE) pi++;
  return pi === pl;
}

/** Encodes the wildcards of a raw pattern written in a policy. */
export function encodeWildcards(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    out += c === '*' ? STAR : c === '?' ? QMARK : c;
  }
  return out;
}

/** Builds a Glob from an encoded pattern. */
export function globFromEncoded(enc: string): Glob {
  let wild = 0;
  let onlyStars = enc.length > 0;
  let q = false;
  for (let i = 0; i < enc.length; i++) {
    const c = enc.charCodeAt(i);
    if (c === STAR_CODE) wild++;
    else {
      onlyStars = false;
      if (c === QMARK_CODE) q = true;
    }
  }
  if (onlyStars) return { kind: GlobKind.Any, text: '' };
  if (wild === 0 && !q) return { kind: GlobKind.Exact, text: enc };
  if (!q && wild === 1 && enc.charCodeAt(enc.length - 1) === STAR_CODE) return { kind: GlobKind.Prefix, text: enc.slice(0, -1) };
  return { kind: GlobKind.General, text: enc };
}

export function globMatch(g: Glob, s: string): boolean {
  switch (g.kind) {
    case GlobKind.Any:
      return true;
    case GlobKind.Exact:
      return g.text === s;
    case GlobKind.Prefix:
      return s.startsWith(g.text);
    default:
      return globEncoded(g.text, s);
  }
}

// ---------------------------------------------------------------------------------------------
// Actions: "service:Name", case-insensitive, * and ? anywhere.

const actionGlobCache = new Map<string, Glob>();

/** Compiles an action pattern (lower-cased). */
export function compileAction(pattern: string): Glob {
  let g = actionGlobCache.get(pattern);
  if (!g) {
    g = globFromEncoded(encodeWildcards(pattern.toLowerCase()));
    if (actionGlobCache.size > 50_000) actionGlobCache.clear();
    actionGlobCache.set(pattern, g);
  }
  return g;
}

/** Does an Action pattern of a policy match an action? Case-insensitive; `*` and `?` wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(compileAction(pattern), action.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Policy variables: ${aws:username}, ${aws:PrincipalTag/team}, ${aws:username, 'default'},
// and the escapes ${*} ${?} ${$}.

export type Template = Array<string | { key: string; raw: string; fallback?: string }>;

const VAR_RE = /\$\{([^}]*)\}/g;

/**
 * Splits a raw policy string into encoded literal parts and variable references.
 * Returns undefined when the string has no variable (the common case).
 */
export function parseTemplate(raw: string): Template | undefined {
  if (!raw.includes('${')) return undefined;
  const parts: Template = [];
  let last = 0;
  let any = false;
  VAR_RE.lastIndex = 0;
  for (let m = VAR_RE.exec(raw); m; m = VAR_RE.exec(raw)) {
    const inner = m[1]!.trim();
    let literal: string | undefined;
    if (inner === '*') literal = '*';
    else if (inner === '?') literal = '?';
    else if (inner === '$') literal = '$';
    const before = encodeWildcards(raw.slice(last, m.index));
    if (literal !== undefined) {
      parts.push(before + literal); // literal char, not a wildcard
    } else {
      const dm = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(inner);
      if (before) parts.push(before);
      if (dm) parts.push({ key: dm[1]!.trim().toLowerCase(), raw: m[0], fallback: dm[2]! });
      else if (/^[^,'\s][^,']*$/.test(inner)) parts.push({ key: inner.toLowerCase(), raw: m[0] });
      else parts.push(encodeWildcards(m[0])); // not a variable: keep as written
    }
    any = true;
    last = m.index + m[0].length;
  }
  if (!any) return undefined;
  const rest = encodeWildcards(raw.slice(last));
  if (rest) parts.push(rest);
  return parts;
}

/** Looks up a context key (already lower-cased). */
export type Lookup = (lowerKey: string) => string[] | undefined;

/**
 * Resolves a template to an encoded pattern. Substituted values are literal (never wildcards).
 * Returns undefined when a variable has no value and no default: AWS then treats that policy
 * value as not matching.
 */
export function resolveTemplate(t: Template, lookup: Lookup): string | undefined {
  let out = '';
  for (const p of t) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const v = lookup(p.key);
    if (v !== undefined && v.length === 1) out += v[0]!;
    else if (p.fallback !== undefined) out += p.fallback;
    else return undefined;
  }
  return out;
}

/** Resolves a template into plain text (for traces and non-wildcard operators). */
export function decodeWildcards(enc: string): string {
  let out = '';
  for (let i = 0; i < enc.length; i++) {
    const c = enc.charCodeAt(i);
    out += c === STAR_CODE ? '*' : c === QMARK_CODE ? '?' : enc[i]!;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resources and ARNs: case-sensitive; wildcards stay inside one of the first five
// colon-separated segments (arn:partition:service:region:account); the sixth (the resource
// part) is matched as a whole and may itself contain colons and slashes.

/** Splits an ARN into its 6 parts (the last keeps any further colons); undefined if not an ARN. */
export function splitArn(s: string): string[] | undefined {
  const out: string[] = [];
  let from = 0;
  for (let k = 0; k < 5; k++) {
    const i = s.indexOf(':', from);
    if (i < 0) return undefined;
    out.push(s.slice(from, i));
    from = i + 1;
  }
  out.push(s.slice(from));
  return out;
}

export interface ResourcePattern {
  raw: string;
  /** Compiled per-segment globs when the pattern is a 6-part ARN and has no variable. */
  segs?: Glob[];
  /** Whole-string glob (used for "*", non-ARN patterns). */
  whole: Glob;
  /** Set when the pattern has policy variables (resolved per request). */
  template?: Template;
}

function compileArnSegments(enc: string): Glob[] | undefined {
  const parts = splitArn(enc);
  return parts?.map(globFromEncoded);
}

export function compileResource(raw: string, variables: boolean): ResourcePattern {
  const template = variables ? parseTemplate(raw) : undefined;
  if (template) return { raw, whole: { kind: GlobKind.General, text: '' }, template };
  const enc = encodeWildcards(raw);
  const whole = globFromEncoded(enc);
  if (whole.kind === GlobKind.Any) return { raw, whole };
  const segs = compileArnSegments(enc);
  return segs ? { raw, segs, whole } : { raw, whole };
}

/** Matches a compiled segment list against an ARN already split into 6 parts. */
function segsMatch(segs: Glob[], arnParts: string[]): boolean {
  for (let i = 0; i < 6; i++) if (!globMatch(segs[i]!, arnParts[i]!)) return false;
  return true;
}

/**
 * Matches an encoded pattern against a resource. `parts` is splitArn(resource) (pass it when
 * you have it, to avoid re-splitting).
 */
const resolvedCache = new Map<string, { whole: Glob; segs: Glob[] | undefined }>();

/** Compiles a resolved (variables substituted) encoded pattern; memoised, the text is the key. */
function compileResolved(enc: string): { whole: Glob; segs: Glob[] | undefined } {
  let c = resolvedCache.get(enc);
  if (!c) {
    const whole = globFromEncoded(enc);
    c = { whole, segs: whole.kind === GlobKind.Any ? undefined : compileArnSegments(enc) };
    if (resolvedCache.size >= 10_000) resolvedCache.clear();
    resolvedCache.set(enc, c);
  }
  return c;
}

/** Matches an encoded pattern against a resource (`parts` = splitArn(resource)). */
function encodedResourceMatch(enc: string, resource: string, parts: string[] | undefined): boolean {
  const { whole, segs } = compileResolved(enc);
  if (whole.kind === GlobKind.Any) return true;
  if (segs && parts) return segsMatch(segs, parts);
  if (segs || parts) return false; // an ARN pattern never matches a non-ARN resource, and vice versa
  return globMatch(whole, resource);
}

/**
 * Does a compiled Resource pattern match the request's resource?
 * A request resource "*" (actions without a resource type, e.g. s3:ListAllMyBuckets) is matched
 * only by "*" — and, for S3, by "arn:aws:s3:::*", which AWS's own examples use (see §4.4).
 */
export function resourcePatternMatches(
  p: ResourcePattern,
  resource: string,
  parts: string[] | undefined,
  service: string,
  lookup: Lookup | undefined,
): boolean {
  if (p.template) {
    if (!lookup) return false;
    const enc = resolveTemplate(p.template, lookup);
    if (enc === undefined) return false;
    if (resource === '*') return wildcardOnlyAccepts(decodeWildcards(enc), enc, service);
    return encodedResourceMatch(enc, resource, parts);
  }
  if (p.whole.kind === GlobKind.Any) return true;
  if (resource === '*') return wildcardOnlyAccepts(p.raw, undefined, service);
  if (p.segs && parts) return segsMatch(p.segs, parts);
  if (p.segs || parts) return false;
  return globMatch(p.whole, resource);
}

function wildcardOnlyAccepts(raw: string, enc: string | undefined, service: string): boolean {
  if (enc !== undefined) {
    // A pattern made only of wildcards (after substitution) matches everything.
    if (globFromEncoded(enc).kind === GlobKind.Any) return true;
    if (enc !== encodeWildcards(raw)) return false; // substituted literal '*' is not a wildcard
  }
  return service === 's3' && raw === 'arn:aws:s3:::*';
}

/** Does a Resource pattern (as written in a policy, no variables) match a resource ARN? Case-sensitive. */
export function resourceMatches(pattern: string, arn: string): boolean {
  const service = arn === '*' ? '' : (splitArn(arn)?.[2] ?? '');
  return resourcePatternMatches(compileResource(pattern, false), arn, splitArn(arn), service, undefined);
}

/** ArnLike/ArnEquals semantics for conditions: per-segment, case-sensitive. */
export function arnLike(encPattern: string, value: string): boolean {
  const vParts = splitArn(value);
  const pParts = splitArn(encPattern);
  if (!vParts || !pParts) {
    const g = globFromEncoded(encPattern);
    return g.kind === GlobKind.Any || (!vParts && !pParts && globMatch(g, value));
  }
  for (let i = 0; i < 6; i++) if (!globMatch(globFromEncoded(pParts[i]!), vParts[i]!)) return false;
  return true;
}
