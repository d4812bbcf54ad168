// Compiles a normalised PolicyDocument once (cached per document object) into matchers that the
// evaluator can run without allocating: action globs indexed by service prefix, per-segment
// resource globs, principal sets, parsed condition values.

import { compileCondition, type CompiledCondition } from './conditions.js';
import { compileAction, compileResource, type Glob, type ResourcePattern } from './match.js';
import type { PolicyDocument, PrincipalBlock, Statement } from './types.js';

export interface CompiledPrincipal {
  everyone: boolean;
  /** Account ids named by a 12-digit id or an arn:aws:iam::ACCT:root. */
  accounts: Set<string>;
  /** Exact user/role/session/federated-user ARNs. */
  arns: Set<string>;
  uniqueIds: Set<string>;
  services: Set<string>;
  federated: Set<string>;
}

export interface CompiledStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  notAction: boolean;
  /** Action globs (lower-case) keyed by the literal service prefix. */
  bySvc: Map<string, Glob[]>;
  /** Action globs whose service prefix has a wildcard ("*", "s3*:Get*", …). */
  anySvc: Glob[];
  actions: string[];
  notResource: boolean;
  /** undefined when the statement has no Resource/NotResource (trust policies). */
  resources?: ResourcePattern[];
  principal?: CompiledPrincipal;
  notPrincipal: boolean;
  conditions: CompiledCondition[];
  source: Statement;
}

export interface CompiledPolicy {
  variables: boolean;
  statements: CompiledStatement[];
}

const cache = new WeakMap<PolicyDocument, CompiledPolicy>();

const arr = (x: string[] | string | undefined): string[] | undefined => (typeof x === 'string' ? [x] : x);

const ROOT_ARN = /^arn:aws:iam::(\d{12}):root$/;

function compilePrincipal(p: PrincipalBlock): CompiledPrincipal {
  const cp: CompiledPrincipal = {
    everyone: p === '*',
    accounts: new Set(),
    arns: new Set(),
    uniqueIds: new Set(),
    services: new Set(),
    federated: new Set(),
  };
  if (p === '*') return cp;
  const loose = p as Partial<Record<string, string[] | string>>;
  const list = (k: string): string[] => arr(loose[k]) ?? [];
  for (const v of list('AWS')) {
    if (v === '*') cp.everyone = true;
    else if (/^\d{12}$/.test(v)) cp.accounts.add(v);
    else {
      const m = ROOT_ARN.exec(v);
      if (m) cp.accounts.add(m[1]!);
      else if (/^A[A-Z]{3}[A-Z0-9]+$/.test(v)) cp.uniqueIds.add(v);
      else cp.arns.add(v);
    }
  }
  for (const v of list('Service')) cp.services.add(v);
  for (const v of list('Federated')) cp.federated.add(v);
  return cp;
}

function normaliseLoose(st: Statement): Statement {
  const loose = st as unknown as Record<string, string[] | string | undefined>;
  if (['Action', 'NotAction', 'Resource', 'NotResource'].every((k) => typeof loose[k] !== 'string')) return st;
  const out: Statement = { ...st };
  const a = arr(loose.Action);
  if (a) out.Action = a;
  const na = arr(loose.NotAction);
  if (na) out.NotAction = na;
  const r = arr(loose.Resource);
  if (r) out.Resource = r;
  const nr = arr(loose.NotResource);
  if (nr) out.NotResource = nr;
  return out;
}

export function compilePolicy(doc: PolicyDocument): CompiledPolicy {
  const hit = cache.get(doc);
  if (hit) return hit;
  const variables = doc.Version === '2012-10-17';
  // Documents should come from validatePolicy (normalised); tolerate single strings anyway.
  const rawStatements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Statement[];
  const statements = rawStatements.map((raw, index): CompiledStatement => {
    const st = normaliseLoose(raw);
    const actions = st.Action ?? st.NotAction ?? [];
    const bySvc = new Map<string, Glob[]>();
    const anySvc: Glob[] = [];
    for (const a of actions) {
      const g = compileAction(a);
      const colon = a.indexOf(':');
      const svc = colon < 0 ? undefined : a.slice(0, colon).toLowerCase();
      if (svc === undefined || /[*?]/.test(svc)) anySvc.push(g);
      else {
        const list = bySvc.get(svc);
        if (list) list.push(g);
        else bySvc.set(svc, [g]);
      }
    }
    const res = st.Resource ?? st.NotResource;
    const conditions: CompiledCondition[] = [];
    for (const [op, block] of Object.entries(st.Condition ?? {})) {
      for (const [key, raw] of Object.entries(block)) {
        const values = Array.isArray(raw) ? raw.map(String) : [String(raw)];
        const c = compileCondition(op, key, values, variables);
        // Unknown operators are rejected by validatePolicy; an unvalidated document with one
        // gets a condition that never holds, so it can never grant access by mistake.
        conditions.push(
          c ?? {
            operator: op,
            key,
            lowerKey: key.toLowerCase(),
            op: { operator: op, base: { family: 'Null', cmp: 'eq', negated: false }, baseName: op, set: undefined, ifExists: false },
            values,
            compiled: [],
          },
        );
      }
    }
    const cs: CompiledStatement = {
      index,
      effect: st.Effect,
      notAction: st.Action === undefined && st.NotAction !== undefined,
      bySvc,
      anySvc,
      actions,
      notResource: st.Resource === undefined && st.NotResource !== undefined,
      notPrincipal: st.Principal === undefined && st.NotPrincipal !== undefined,
      conditions,
      source: st,
    };
    if (st.Sid !== undefined && st.Sid !== '') cs.sid = st.Sid;
    if (res) cs.resources = res.map((r) => compileResource(r, variables));
    const p = st.Principal ?? st.NotPrincipal;
    if (p) cs.principal = compilePrincipal(p);
    return cs;
  });
  const cp: CompiledPolicy = { variables, statements };
  cache.set(doc, cp);
  return cp;
}
