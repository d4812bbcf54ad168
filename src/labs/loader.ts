// Loads labs/<id>/lab.yaml files: YAML with positions, zod validation, and the loader rules of
// lab-format §5.7. A broken file yields a LabLoadError naming the file, line:column and what is
// wrong; the other labs still load.
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { LabLoadError, LabNotFoundError, closest, defaultLabsDir, labIds, type LabProblem } from './lab-files.js';

export { LabLoadError, LabNotFoundError, defaultLabsDir, labIds, levenshtein, type LabProblem } from './lab-files.js';
import { parseDocument, LineCounter, isMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { LabFileSchema, type Lab, type LabFile, type Step } from './schema.js';
import type { CheckSpec } from '../checks/spec.js';
import { checkAsksConsole } from './console-checks.js';
import { checkKind, COMBINATOR_KINDS } from '../checks/kinds.js';
import { TEMPLATE_VARS } from '../checks/template.js';
import { parseScript, Incomplete } from '../shell/lexer.js';
import { BUILTINS } from '../shell/builtins.js';

/** Commands a solution may use: the aws CLI, the console, the shell's builtins and the lab's own. */
function knownCommands(): Set<string> {
  return new Set(['aws', 'console', 'lab', 'hint', 'answer', ...Object.keys(BUILTINS)]);
}

/** Why the shell cannot run this solution command (syntax, unknown command), or undefined. */
export function solutionCommandProblem(cmd: string): string | undefined {
  const text = cmd.replace(/\{([A-Za-z_][\w.]*)\}/g, 'x');
  let script;
  try {
    script = parseScript(text);
  } catch (e) {
    if (e instanceof Incomplete) return `the shell cannot parse it: it is unfinished (${e.message || 'an open quote, here-document or $('})`;
    return `the shell cannot parse it: ${(e as Error).message}`;
  }
  const known = knownCommands();
  for (const ao of script) {
    for (const p of [ao.first, ...ao.rest.map((r) => r.p)]) {
      for (const c of p.cmds) {
        const w = c.words[0];
        if (!w) continue;
        const name = w.parts.every((x) => x.k === 'lit') ? w.parts.map((x) => (x as { v: string }).v).join('') : undefined;
        if (name !== undefined && !known.has(name)) return `'${name}' is not a command of the iamlab shell`;
      }
    }
  }
  return undefined;
}

export const SUPPORTED_FORMAT = 1;

export interface LoadedLabs {
  labs: Lab[];
  errors: LabLoadError[];
}

/** Every lab in the folder; a broken one is reported in `errors` and the others still load. */
export function loadLabs(labsDir = defaultLabsDir()): LoadedLabs {
  const labs: Lab[] = [];
  const errors: LabLoadError[] = [];
  for (const id of labIds(labsDir)) {
    try {
      labs.push(loadLabFile(join(labsDir, id, 'lab.yaml'), id));
    } catch (e) {
      if (e instanceof LabLoadError) errors.push(e);
      else errors.push(new LabLoadError(join(labsDir, id, 'lab.yaml'), [{ line: 1, column: 1, path: '', message: (e as Error).message, severity: 'error' }], id));
    }
  }
  return { labs: sortLabs(labs), errors };
}

function sortLabs(labs: Lab[]): Lab[] {
  return labs.sort((a, b) => (a.seed ?? '999').localeCompare(b.seed ?? '999') || a.id.localeCompare(b.id));
}

/** One lab by id; throws LabNotFoundError or LabLoadError. */
export function loadLab(id: string, labsDir = defaultLabsDir()): Lab {
  const file = join(labsDir, id, 'lab.yaml');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !existsSync(file)) throw new LabNotFoundError(id, labIds(labsDir));
  return loadLabFile(file, id);
}

/** Parse and validate one lab.yaml. */
export function loadLabFile(file: string, expectedId?: string): Lab {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabLoadError(file, [{ line: 1, column: 1, path: '', message: `cannot read the file: ${(e as Error).message}`, severity: 'error' }], expectedId);
  }
  return parseLab(text, file, expectedId);
}

/**
 * Parse YAML text and validate it against a zod schema, with every problem placed at its
 * line:column (a LabLoadError naming the file). `where` places later, semantic problems.
 * Used for lab.yaml and for a lab's tests/mistakes.yaml.
 */
export function parseYamlWith<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  expectedId?: string,
): { data: z.infer<S>; where: (path: PropertyKey[], key?: string) => { line: number; column: number } } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const problems: LabProblem[] = [];
  const at = (offset: number) => {
    const p = lc.linePos(offset);
    return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
  };
  for (const err of doc.errors) {
    problems.push({ ...at(err.pos[0]), path: '', message: `YAML: ${firstLine(err.message)}`, severity: 'error' });
  }
  if (problems.length) throw new LabLoadError(file, problems, expectedId);

  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const where = (path: PropertyKey[], key?: string) => locate(doc, path, key, at);

  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    for (const issue of flattenIssues(parsed.error.issues)) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) {
          problems.push({ ...where(issue.path, k), path: fmtPath(issue.path), message: `unknown field '${k}'${suggestKey(k)}`, severity: 'error' });
        }
      } else {
        problems.push({ ...where(issue.path), path: fmtPath(issue.path), message: issueMessage(issue, data), severity: 'error' });
      }
      if (problems.length >= 20) break;
    }
    throw new LabLoadError(file, problems, expectedId);
  }
  return { data: parsed.data as z.infer<S>, where };
}

/** Parse and validate lab text (exported for tests and for `lab test` tooling). */
export function parseLab(text: string, file: string, expectedId?: string): Lab {
  const { data: lab, where } = parseYamlWith(text, file, LabFileSchema, expectedId);
  const rulesProblems = checkRules(lab, file, where, expectedId);
  const errorsOnly = rulesProblems.filter((p) => p.severity === 'error');
  if (errorsOnly.length) throw new LabLoadError(file, errorsOnly, expectedId);

  // Resolve step texts and compute the content hash.
  const hash = createHash('sha256').update(text);
  const steps: Step[] = lab.steps.map((s) => {
    if (/^steps\/[\w.-]+\.md$/.test(s.text.trim())) {
      const p = join(dirname(file), s.text.trim());
      const md = readFileSync(p, 'utf8');
      hash.update(`\0${s.text}\0${md}`);
      return { ...s, text: md };
    }
    return s;
  });
  return { ...lab, steps, dir: dirname(file), file, contentHash: hash.digest('hex') };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function fmtPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += (out ? '.' : '') + String(p);
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/** For union errors, keep the branch that got furthest (deepest path, fewest issues at the root). */
function flattenIssues(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const i of issues) {
    if (i.code === 'invalid_union' && i.errors.length) {
      const scored = i.errors.map((branch) => {
        const flat = flattenIssues(branch.map((b) => ({ ...b, path: [...i.path, ...b.path] }) as Issue));
        const depth = Math.max(0, ...flat.map((f) => f.path.length));
        const rootType = flat.some((f) => f.code === 'invalid_type' && f.path.length === i.path.length);
        return { flat, score: (rootType ? 0 : 1000) + depth * 10 - flat.length };
      });
      scored.sort((a, b) => b.score - a.score);
      const best = scored[0]!;
      if (best.score < 1000) {
        // Every branch failed at the root type: say what is accepted.
        out.push({ ...i, message: unionMessage(i) } as Issue);
      } else out.push(...best.flat);
    } else out.push(i);
  }
  return out;
}

function unionMessage(i: Issue): string {
  if (i.code !== 'invalid_union') return i.message;
  const kinds = new Set<string>();
  for (const b of i.errors) for (const e of b) if (e.code === 'invalid_type' && e.path.length === 0) kinds.add(String(e.expected));
  return kinds.size ? `expected ${[...kinds].join(' or ')}` : i.message;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const p of path) {
    if (v && typeof v === 'object') v = (v as Record<PropertyKey, unknown>)[p as string];
    else return undefined;
  }
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function issueMessage(i: Issue, data: unknown): string {
  const got = valueAt(data, i.path);
  switch (i.code) {
    case 'invalid_type':
      if (got === undefined) return `missing required field (expected ${i.expected})`;
      return `expected ${i.expected}, found ${describe(got)}`;
    case 'invalid_value':
      return `expected one of ${i.values.map((x) => JSON.stringify(x)).join(', ')}, found ${describe(got)}`;
    case 'too_small':
      if (i.origin === 'string') return 'must not be empty';
      if (i.origin === 'array') return `needs at least ${String(i.minimum)} item${Number(i.minimum) === 1 ? '' : 's'}`;
      return `must be at least ${String(i.minimum)}, found ${describe(got)}`;
    case 'too_big':
      return `must be at most ${String(i.maximum)}, found ${describe(got)}`;
    case 'invalid_format':
      return `${i.message.replace(/^Invalid string: /, '')}, found ${describe(got)}`;
    default:
      return i.message;
  }
}

function suggestKey(k: string): string {
  const candidates = ['title', 'text', 'check', 'hints', 'solution', 'diagnose', 'why', 'kind', 'prompt', 'questions', 'commands', 'files', 'answers', 'principal', 'role', 'user', 'policy', 'action', 'resource', 'expect', 'reason', 'account', 'name', 'trust', 'policies', 'inline', 'login_profile', 'access_keys', 'can_assume', 'cannot_assume', 'decision', 'attached', 'identity', 'event', 'session', 'answer', 'url', 'since', 'outcome', 'via', 'params', 'summary', 'minutes', 'level', 'tags', 'world', 'steps', 'finish', 'start_as', 'accounts', 'users', 'roles', 'buckets', 'instances', 'groups', 'description', 'document', 'objects', 'skip', 'after', 'attempts', 'seconds', 'show', 'run', 'capture', 'expect_fail', 'when', 'say', 'hint', 'console', 'shell', 'profiles', 'display', 'colour', 'history', 'signed_in', 'active', 'switched', 'credentials_of', 'policy_grants', 'allows', 'none_match', 'no_access', 'equals', 'query', 'set', 'arn', 'normalize', 'question', 'choices', 'accept', 'explain', 'all', 'any', 'not', 'count'];
  const c = closest(k, candidates.filter((x) => x !== k));
  if (c) return ` — did you mean '${c}'?`;
  if (k === 'color') return " — write 'colour'";
  return '';
}

/** line:column of the node at path (or of the key `key` inside it); falls back to the nearest existing parent. */
function locate(doc: Document, path: readonly PropertyKey[], key: string | undefined, at: (o: number) => { line: number; column: number }): { line: number; column: number } {
  let p = path.map((x) => (typeof x === 'symbol' ? String(x) : x)) as Array<string | number>;
  while (true) {
    const node = (p.length ? doc.getIn(p, true) : doc.contents) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      if (key !== undefined && isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === key);
        const k = pair?.key as YamlNode | undefined;
        if (k?.range) return at(k.range[0]);
      }
      // For a missing field, point at the parent mapping's key when we can.
      return at(node.range[0]);
    }
    if (p.length === 0) return { line: 1, column: 1 };
    // The key itself may exist with a null value; point at the pair's key.
    const parentPath = p.slice(0, -1);
    const parent = (parentPath.length ? doc.getIn(parentPath, true) : doc.contents) as YamlNode | undefined;
    const last = p[p.length - 1]!;
    if (parent && isMap(parent)) {
      const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(last));
      const k = pair?.key as YamlNode | undefined;
      if (k?.range) return at(k.range[0]);
    } else if (parent && isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last] as YamlNode | undefined;
      if (item && 'range' in item && item.range) return at(item.range[0]);
    }
    key = undefined;
    p = parentPath;
  }
}

// ---- §5.7 rules ----

type Where = (path: PropertyKey[], key?: string) => { line: number; column: number };

function checkRules(lab: LabFile, file: string, where: Where, expectedId?: string): LabProblem[] {
  const out: LabProblem[] = [];
  const add = (path: PropertyKey[], message: string, severity: 'error' | 'warning' = 'error', key?: string) =>
    out.push({ ...where(path, key), path: fmtPath(path), message, severity });

  if (lab.format !== SUPPORTED_FORMAT) add(['format'], `format ${lab.format} is not supported by this iamlab (it reads format ${SUPPORTED_FORMAT}); update iamlab or the lab`);
  if (expectedId !== undefined && lab.id !== expectedId) add(['id'], `id '${lab.id}' does not match its folder name '${expectedId}'`);

  const accountKeys = new Set(Object.keys(lab.world.accounts));
  const acctOk = (path: PropertyKey[], a: string | undefined) => {
    if (a !== undefined && !accountKeys.has(a) && !/^\d{12}$/.test(a)) add(path, `unknown account '${a}' (world.accounts has ${[...accountKeys].join(', ')})`);
  };
  const w = lab.world;
  const userNames = new Set<string>();
  w.users?.forEach((u, i) => {
    acctOk(['world', 'users', i, 'account'], u.account);
    userNames.add(`${u.account ?? ''}/${u.name}`);
  });
  w.roles?.forEach((r, i) => acctOk(['world', 'roles', i, 'account'], r.account));
  w.groups?.forEach((g, i) => acctOk(['world', 'groups', i, 'account'], g.account));
  w.policies?.forEach((p, i) => acctOk(['world', 'policies', i, 'account'], p.account));
  w.buckets?.forEach((b, i) => acctOk(['world', 'buckets', i, 'account'], b.account));
  w.instances?.forEach((b, i) => acctOk(['world', 'instances', i, 'account'], b.account));
  const firstKey = Object.keys(lab.world.accounts)[0]!;
  const userExists = (account: string | undefined, name: string) =>
    (w.users ?? []).some((u) => u.name === name && (u.account ?? firstKey) === (account ?? firstKey));
  const sa = w.start_as;
  const checkIdent = (path: PropertyKey[], ref: { account?: string; user?: string; root?: true } | undefined) => {
    if (!ref) return;
    acctOk([...path, 'account'], ref.account);
    if ('user' in ref && ref.user && !userExists(ref.account, ref.user)) add([...path, 'user'], `start_as names user '${ref.user}', which world.users does not create`);
  };
  checkIdent(['world', 'start_as', 'shell'], sa?.shell as never);
  for (const [name, ref] of Object.entries(sa?.profiles ?? {})) checkIdent(['world', 'start_as', 'profiles', name], ref as never);
  if (sa?.console) {
    checkIdent(['world', 'start_as', 'console'], sa.console);
    const u = (w.users ?? []).find((x) => x.name === sa.console!.user);
    if (u && !u.login_profile) add(['world', 'start_as', 'console', 'user'], `user '${u.name}' signs in to the console but has no login_profile: true`);
  }

  const real = (lab.backends ?? ['sim']).includes('real');
  const stepIds = new Map<string, number>();
  const captures = new Set<string>();
  lab.steps.forEach((s, si) => {
    const sp: PropertyKey[] = ['steps', si];
    if (stepIds.has(s.id)) add([...sp, 'id'], `duplicate step id '${s.id}' (also steps[${stepIds.get(s.id)}])`);
    stepIds.set(s.id, si);
    const kind = s.kind ?? 'task';
    if (kind === 'quiz') {
      if (!s.questions?.length) add([...sp], `a quiz step needs questions`, 'error', 'kind');
      const qids = new Set<string>();
      s.questions?.forEach((q, qi) => {
        if (qids.has(q.id)) add([...sp, 'questions', qi, 'id'], `duplicate question id '${q.id}'`);
        qids.add(q.id);
        if (!q.accept.equals && !q.accept.set && !q.accept.arn && !q.accept.from) add([...sp, 'questions', qi, 'accept'], 'accept needs equals, set, arn or from');
      });
    } else if (s.questions) add([...sp, 'questions'], `questions belong to quiz steps (this step is kind: ${kind})`);
    if (kind !== 'read' && kind !== 'quiz' && !s.check) add(sp, `step '${s.id}' has no check (only kind: read steps may omit it)`, 'error', 'id');
    if (kind === 'answer' && !s.prompt) add(sp, `an answer step needs a prompt`, 'error', 'id');

    const hintIds = new Set<string>();
    s.hints?.forEach((h, hi) => {
      if (hintIds.has(h.id)) add([...sp, 'hints', hi, 'id'], `duplicate hint id '${h.id}'`);
      hintIds.add(h.id);
      templateVars(h.text, [...sp, 'hints', hi, 'text'], 'text');
    });
    const diagIds = new Set<string>();
    s.diagnose?.forEach((d, di) => {
      if (diagIds.has(d.id)) add([...sp, 'diagnose', di, 'id'], `duplicate diagnosis id '${d.id}'`);
      diagIds.add(d.id);
      if (d.hint && !hintIds.has(d.hint)) add([...sp, 'diagnose', di, 'hint'], `hint '${d.hint}' is not a hint of step '${s.id}'${hintIds.size ? ` (hints: ${[...hintIds].join(', ')})` : ''}`);
      walkCheck(d.when, [...sp, 'diagnose', di, 'when'], new Set());
      templateVars(d.say, [...sp, 'diagnose', di, 'say'], 'message');
    });
    if (s.check) walkCheck(s.check, [...sp, 'check'], new Set());
    if (s.solution?.show === 'never' && (s.skip ?? 'allowed') === 'allowed') add([...sp, 'solution', 'show'], 'solution.show: never cannot go with skip: allowed (a skip runs and shows the solution); set skip: forbidden');
    if ((s.skip ?? 'allowed') === 'allowed' && kind !== 'read' && !s.solution) add(sp, `step '${s.id}' can be skipped but has no solution to run`, 'error', 'id');
    // On a real account the console is the learner's browser, which iamlab cannot see: such a
    // check is an error there (never pass, never fail), so the step can only be skipped.
    if (real && s.skip === 'forbidden' && checkAsksConsole(s.check)) {
      add([...sp, 'skip'], `step '${s.id}' checks the console, which iamlab cannot see on a real account, so there it can only be skipped: allow skip, or remove real from backends`);
    }
    s.solution?.commands?.forEach((c, ci) => {
      const cmd = typeof c === 'string' ? c : c.run;
      templateVars(cmd, [...sp, 'solution', 'commands', ci], 'solution', captures);
      const bad = solutionCommandProblem(cmd);
      if (bad) add([...sp, 'solution', 'commands', ci, ...(typeof c === 'string' ? [] : ['run'])], `solution command \`${cmd}\`: ${bad}`);
      if (typeof c !== 'string') for (const k of Object.keys(c.capture ?? {})) captures.add(k);
    });
    for (const [name, body] of Object.entries(s.solution?.files ?? {})) {
      if (!/^[\w.-]+$/.test(name)) add([...sp, 'solution', 'files'], `file name '${name}' must be a plain name (letters, digits, . _ -)`, 'error', name);
      templateVars(body, [...sp, 'solution', 'files', name], 'solution', captures);
    }
    if (kind === 'quiz' && s.solution) {
      for (const q of s.questions ?? []) if (!s.solution.answers?.[q.id]) add([...sp, 'solution', 'answers'], `the solution has no answer for question '${q.id}'`);
    }
    if (kind === 'answer' && s.solution && !s.solution.answers?.answer) add([...sp, 'solution'], `an answer step's solution needs answers: { answer: … }`);
  });

  function walkCheck(c: CheckSpec, path: PropertyKey[], leafIds: Set<string>) {
    if (c.id) {
      if (leafIds.has(c.id)) add([...path, 'id'], `duplicate check id '${c.id}'`);
      leafIds.add(c.id);
    }
    if (c.fail) templateVars(c.fail, [...path, 'fail'], 'message');
    const k = checkKind(c);
    if ((COMBINATOR_KINDS as readonly string[]).includes(k)) {
      if (k === 'not') walkCheck(c.not!, [...path, 'not'], leafIds);
      else if (k === 'count') c.count!.of.forEach((x, i) => walkCheck(x, [...path, 'count', 'of', i], leafIds));
      else (c[k as 'all' | 'any'] as CheckSpec[]).forEach((x, i) => walkCheck(x, [...path, k, i], leafIds));
      return;
    }
    const body = (c as Record<string, unknown>)[k] as Record<string, unknown>;
    // account references and placeholders inside leaf values
    const visit = (v: unknown, p: PropertyKey[]) => {
      if (typeof v === 'string') templateVars(v, p, 'value');
      else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...p, i]));
      else if (v && typeof v === 'object') for (const [kk, vv] of Object.entries(v)) visit(vv, [...p, kk]);
    };
    visit(body, [...path, k]);
    if (typeof body.account === 'string') acctOk([...path, k, 'account'], body.account);
    for (const f of ['principal', 'shell', 'credentials_of', 'arn']) {
      const v = body[f];
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') principalOk(x, [...path, k, f]);
    }
    if (k === 'policy' && !body.name && !body.arn) add([...path, k], 'policy: needs name or arn');
    if (k === 'instance' && !body.name && !body.id) add([...path, k], 'instance: needs name or id');
    if ((k === 'attached' || k === 'inline') && ['user', 'role', 'group'].filter((x) => body[x] !== undefined).length !== 1) add([...path, k], `${k}: name exactly one of user, role, group`);
  }

  function principalOk(x: string, path: PropertyKey[]) {
    const m = /^(?:([a-z][a-z0-9-]*):)?(user\/|role\/|assumed-role\/|root$|account$|\*$)/.exec(x);
    if (x.startsWith('arn:') || x.startsWith('{') || /^\d{12}$/.test(x)) return;
    if (!m) add(path, `'${x}' is not a principal reference (user/NAME, role/NAME, root, assumed-role/ROLE/SESSION, or an ARN)`);
    else if (m[1] && !accountKeys.has(m[1])) add(path, `unknown account '${m[1]}' in '${x}'`);
  }

  function templateVars(s: string, path: PropertyKey[], where: 'message' | 'value' | 'solution' | 'text', caps?: Set<string>) {
    for (const m of s.matchAll(/\{([A-Za-z_][\w.]*)\}/g)) {
      const v = m[1]!;
      if (v.startsWith('account.')) {
        if (!accountKeys.has(v.slice(8))) add(path, `placeholder {${v}} names an unknown account (world.accounts has ${[...accountKeys].join(', ')})`);
        continue;
      }
      if (v === 'now' && (where === 'solution' || where === 'value')) continue;
      if (where === 'message' && (TEMPLATE_VARS as readonly string[]).includes(v)) continue;
      if (where === 'solution' && caps?.has(v)) continue;
      add(path, `placeholder {${v}} has no source${where === 'solution' ? ' (capture it in an earlier command, or use {account.KEY} / {now})' : where === 'message' ? ` (known: ${TEMPLATE_VARS.map((t) => `{${t}}`).join(' ')} {account.KEY})` : ' (use {account.KEY})'}`);
    }
  }

  void file;
  void userNames;
  return out;
}
