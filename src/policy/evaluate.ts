// AWS's policy evaluation logic for one request (reference §4.2, decision matrix §2.2).

import { evaluateCondition } from './conditions.js';
import { compilePolicy, type CompiledPolicy, type CompiledPrincipal, type CompiledStatement } from './compile.js';
import { globMatch, resourcePatternMatches, splitArn, type Lookup } from './match.js';
import { buildSummary, type DecisionPath } from './summary.js';
import type {
  ConditionTrace,
  EvaluationInput,
  EvaluationRequest,
  Explanation,
  PolicyInput,
  PolicyKind,
  PolicyTrace,
  PrincipalInfo,
  StatementTrace,
} from './types.js';

export interface AuthorizeOptions {
  /**
   * Build per-statement traces (default true). With false, `policies` is empty and `deciding`
   * lists the first applying statement per policy; decision, reason, deniedBy and summary are
   * the same as with traces.
   */
  trace?: boolean;
}

/** How a resource-based policy's Principal matched the caller, most direct first. */
export type PrincipalMatch = 'session' | 'user' | 'role' | 'federating-user' | 'service' | 'federated' | 'everyone' | 'account';
const MATCH_RANK: Record<PrincipalMatch, number> = { session: 7, user: 6, role: 5, 'federating-user': 5, service: 4, federated: 4, everyone: 3, account: 1 };

/** A session principal (role session or federated user): grants made to it directly are not limited by its boundary or session policy. */
function isSessionPrincipal(p: PrincipalInfo): boolean {
  return p.type === 'AssumedRole' || p.type === 'FederatedUser';
}

/**
 * How strongly a match grants, for this caller. For a session principal "*" ranks above its
 * role's ARN: IAM User Guide, reference_policies_evaluation-logic ("IAM role"): "Permissions
 * boundaries and session policies do not limit permissions granted using the aws:PrincipalArn
 * condition key with a wildcard(*) in the Principal element, unless the identity-based policies
 * contain an explicit deny." — "*" names the session itself.
 */
function matchRank(m: PrincipalMatch, p: PrincipalInfo): number {
  return m === 'everyone' && isSessionPrincipal(p) ? 6.5 : MATCH_RANK[m];
}

/** The request, prepared once per authorize() call. */
interface Prepared {
  req: EvaluationRequest;
  principal: PrincipalInfo;
  act: string;
  svc: string;
  resource: string;
  parts: string[] | undefined;
  lookup: Lookup;
  /** The caller has a permissions boundary (a Deny with NotPrincipal then always applies to it). */
  hasBoundary: boolean;
}

export interface PolicyEval {
  input: PolicyInput;
  compiled: CompiledPolicy;
  allow: CompiledStatement[];
  deny: CompiledStatement[];
  /** Best principal match among applying Allow statements (resource/trust policies only). */
  match?: PrincipalMatch;
  /** Why an applying Deny + NotPrincipal statement was not lifted for this caller, by statement index. */
  notPrincipalWhy?: Map<number, string>;
  trace?: PolicyTrace;
}

// ---------------------------------------------------------------------------------------------
// Request context

const NONE: string[] = [];

/** A principal-derived key (aws:PrincipalArn, aws:username, aws:PrincipalTag/x …), lower-cased name. */
function principalValue(p: PrincipalInfo, k: string): string[] | undefined {
  switch (k) {
    case 'aws:principalarn':
      return p.type === 'Anonymous' ? undefined : [p.principalArn];
    case 'aws:principalaccount':
      return p.type === 'Anonymous' ? undefined : [p.accountId];
    case 'aws:principaltype':
      return [p.type];
    case 'aws:userid':
      return [p.userId];
    case 'aws:username': {
      if (p.type !== 'User') return undefined;
      const u = p.username ?? lastPathPart(p.arn);
      return u === undefined ? undefined : [u];
    }
  }
  if (k.startsWith('aws:principaltag/') && p.tags) {
    const want = k.slice('aws:principaltag/'.length);
    for (const tk in p.tags) if (tk.toLowerCase() === want) return [p.tags[tk]!];
  }
  return undefined;
}

/** Case-insensitive context lookup; request values win over principal-derived ones. Memoised per request. */
function makeLookup(req: EvaluationRequest): Lookup {
  let m: Map<string, string[]> | undefined;
  return (k: string) => {
    if (m === undefined) {
      m = new Map();
      const ctx = req.context;
      for (const key in ctx) {
        const v = ctx[key];
        if (v !== undefined) m.set(key.toLowerCase(), Array.isArray(v) ? v : [v]);
      }
    }
    const hit = m.get(k);
    if (hit !== undefined) return hit === NONE ? undefined : hit;
    const pv = principalValue(req.principal, k);
    m.set(k, pv ?? NONE);
    return pv;
  };
}

/** The request context with aws:Principal* keys filled from the principal (caller's values win). */
export function buildContext(req: EvaluationRequest): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of Object.entries(req.context)) {
    if (v === undefined) continue;
    m.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  }
  const p = req.principal;
  const keys = ['aws:principalarn', 'aws:principalaccount', 'aws:principaltype', 'aws:userid', 'aws:username', ...Object.keys(p.tags ?? {}).map((t) => `aws:principaltag/${t.toLowerCase()}`)];
  for (const k of keys) {
    if (m.has(k)) continue;
    const v = principalValue(p, k);
    if (v !== undefined) m.set(k, v);
  }
  return m;
}

function lastPathPart(arn: string): string | undefined {
  const i = arn.lastIndexOf('/');
  return i < 0 ? undefined : arn.slice(i + 1);
}

// ---------------------------------------------------------------------------------------------
// Statement matching

function actionHit(cs: CompiledStatement, act: string, svc: string): boolean {
  const list = cs.bySvc.get(svc);
  if (list) for (let i = 0; i < list.length; i++) if (globMatch(list[i]!, act)) return true;
  const any = cs.anySvc;
  for (let i = 0; i < any.length; i++) if (globMatch(any[i]!, act)) return true;
  return false;
}

function resourceHit(cs: CompiledStatement, cp: CompiledPolicy, rq: Prepared): boolean {
  const rs = cs.resources!;
  for (let i = 0; i < rs.length; i++) {
    if (resourcePatternMatches(rs[i]!, rq.resource, rq.parts, rq.svc, cp.variables ? rq.lookup : undefined)) return true;
  }
  return false;
}

/**
 * Does the Principal block name a role session's role by its ARN? Not when that role has been
 * deleted: IAM keeps a role ARN in a policy as the unique id of the role that held the name when
 * the policy was saved, so after a delete (and a re-create under the same name) the ARN names
 * another role (IAM User Guide, reference_policies_elements_principal, "IAM role principals").
 */
function roleArnNames(cp: CompiledPrincipal, p: PrincipalInfo): boolean {
  return p.roleDeleted !== true && cp.arns.has(p.principalArn);
}

/** How (if at all) a Principal block names the caller. */
export function matchPrincipal(cp: CompiledPrincipal, p: PrincipalInfo): PrincipalMatch | undefined {
  if ((p.type === 'AssumedRole' || p.type === 'FederatedUser') && cp.arns.has(p.arn)) return 'session';
  // IAM User Guide, reference_policies_evaluation-logic: "if a resource-based policy grants
  // permission to the ARN of the IAM user who federated, then requests made by the federated user
  // during the session are limited by an implicit deny in a permission boundary or session policy".
  if (p.type === 'FederatedUser' && p.federatedBy !== undefined && cp.arns.has(p.federatedBy)) return 'federating-user';
  if (p.type === 'User' && (cp.arns.has(p.arn) || (p.uniqueId !== undefined && cp.uniqueIds.has(p.uniqueId)))) return 'user';
  if (p.type === 'AssumedRole' && (roleArnNames(cp, p) || (p.uniqueId !== undefined && cp.uniqueIds.has(p.uniqueId)))) return 'role';
  if (p.service !== undefined && cp.services.has(p.service)) return 'service';
  if (p.federated !== undefined && cp.federated.has(p.federated)) return 'federated';
  if (cp.everyone) return 'everyone';
  if (p.type !== 'Anonymous' && cp.accounts.has(p.accountId)) return 'account';
  return undefined;
}

/**
 * Whether a Deny statement with NotPrincipal applies to the caller: undefined when NotPrincipal
 * excludes the caller (the Deny does not apply), otherwise the learner-facing reason it applies.
 *
 * IAM User Guide, reference_policies_elements_notprincipal:
 * - "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
 *   permissions boundary policy attached, regardless of the values specified in the NotPrincipal
 *   element."
 * - "When you use NotPrincipal, you must also specify the account ARN of the not-denied
 *   principal. Otherwise, the policy might deny access to the entire account containing the
 *   principal." AWS may check the account first, then the user — for a role session the account,
 *   then the role, then the session. So a caller is excluded only when every level of it is
 *   listed: the account and the user; the account, the role and the session; the account and the
 *   federated user. (Where AWS's documentation says "might", the simulation denies: a wrong deny
 *   teaches less harm than a wrong allow.)
 */
export function notPrincipalDenyReason(cp: CompiledPrincipal, p: PrincipalInfo, hasBoundary: boolean): string | undefined {
  const missing: string[] = [];
  // A service principal listed by name is not an IAM principal: no boundary, no account chain.
  if (p.service !== undefined && cp.services.has(p.service)) return undefined;
  if (cp.everyone) {
    // NotPrincipal "*" excludes every principal (except, below, one with a permissions boundary).
  } else {
    switch (p.type) {
      case 'Anonymous':
        return 'an anonymous caller is not listed';
      case 'Account':
        if (!cp.accounts.has(p.accountId)) missing.push(`account ${p.accountId}`);
        break;
      case 'User':
        if (!cp.accounts.has(p.accountId)) missing.push(`account ${p.accountId}`);
        if (!cp.arns.has(p.arn) && !(p.uniqueId !== undefined && cp.uniqueIds.has(p.uniqueId))) missing.push(`the user (${p.arn})`);
        break;
      case 'AssumedRole':
        if (!cp.accounts.has(p.accountId)) missing.push(`account ${p.accountId}`);
        if (!roleArnNames(cp, p) && !(p.uniqueId !== undefined && cp.uniqueIds.has(p.uniqueId))) missing.push(`the role (${p.principalArn})`);
        if (!cp.arns.has(p.arn)) missing.push(`the session (${p.arn})`);
        break;
      case 'FederatedUser':
        if (!cp.accounts.has(p.accountId)) missing.push(`account ${p.accountId}`);
        if (!cp.arns.has(p.arn)) missing.push(`the federated user (${p.arn})`);
        break;
    }
  }
  if (missing.length) {
    const levels =
      p.type === 'AssumedRole' ? 'the account, the role and the session' : p.type === 'User' ? 'the account and the user' : p.type === 'FederatedUser' ? 'the account and the federated user' : 'the account';
    return `${joinAnd(missing)} ${missing.length > 1 ? 'are' : 'is'} not listed (to exclude this caller, NotPrincipal must list ${levels})`;
  }
  if (hasBoundary && (p.type === 'User' || p.type === 'AssumedRole' || p.type === 'FederatedUser')) {
    return 'the caller has a permissions boundary, and a Deny with NotPrincipal always applies to a principal with a permissions boundary, whatever NotPrincipal lists';
  }
  return undefined;
}

function joinAnd(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

const NO_STATEMENTS: CompiledStatement[] = [];

function evalPolicy(input: PolicyInput, rq: Prepared, trace: boolean): PolicyEval {
  const cp = compilePolicy(input.document);
  const ev: PolicyEval = { input, compiled: cp, allow: NO_STATEMENTS, deny: NO_STATEMENTS };
  const withPrincipal = input.kind === 'resource' || input.kind === 'trust';
  const traces: StatementTrace[] | undefined = trace ? [] : undefined;
  const sts = cp.statements;
  for (let si = 0; si < sts.length; si++) {
    const cs = sts[si]!;
    const aHit = actionHit(cs, rq.act, rq.svc);
    const actionMatched = cs.notAction ? !aHit : aHit;
    if (!traces && !actionMatched) continue;
    const resourceMatched = cs.resources === undefined ? true : cs.notResource ? !resourceHit(cs, cp, rq) : resourceHit(cs, cp, rq);
    if (!traces && !resourceMatched) continue;
    let principalMatched: boolean | undefined;
    let how: PrincipalMatch | undefined;
    let npWhy: string | undefined;
    if (withPrincipal) {
      if (cs.principal) {
        if (cs.notPrincipal && cs.effect === 'Deny') {
          npWhy = notPrincipalDenyReason(cs.principal, rq.principal, rq.hasBoundary);
          principalMatched = npWhy !== undefined;
        } else if (cs.notPrincipal) {
          // Allow + NotPrincipal ("not supported" by AWS today): grants everyone not named.
          principalMatched = matchPrincipal(cs.principal, rq.principal) === undefined;
          how = principalMatched ? 'everyone' : undefined;
        } else {
          const m = matchPrincipal(cs.principal, rq.principal);
          principalMatched = m !== undefined;
          how = m;
        }
      } else principalMatched = false;
      if (!traces && !principalMatched) continue;
    }
    let condOk = true;
    let ctrace: ConditionTrace[] | undefined;
    if (traces) ctrace = [];
    for (const c of cs.conditions) {
      const rv = rq.lookup(c.lowerKey);
      const r = evaluateCondition(c, rv, rq.lookup);
      if (ctrace) ctrace.push({ operator: c.operator, key: c.key, values: c.values, requestValues: rv, result: r });
      if (!r) {
        condOk = false;
        if (!ctrace) break;
      }
    }
    const applies = actionMatched && resourceMatched && principalMatched !== false && condOk;
    if (applies) {
      if (cs.effect === 'Deny') {
        if (ev.deny === NO_STATEMENTS) ev.deny = [cs];
        else ev.deny.push(cs);
        if (npWhy !== undefined) (ev.notPrincipalWhy ??= new Map()).set(cs.index, npWhy);
      } else {
        if (ev.allow === NO_STATEMENTS) ev.allow = [cs];
        else ev.allow.push(cs);
        if (how && (ev.match === undefined || matchRank(how, rq.principal) > matchRank(ev.match, rq.principal))) ev.match = how;
      }
    }
    if (traces) {
      const t: StatementTrace = {
        index: cs.index,
        effect: cs.effect,
        applies,
        actionMatched,
        resourceMatched,
        conditions: ctrace!,
        note: statementNote(cs, actionMatched, resourceMatched, principalMatched, ctrace!, applies, rq, npWhy),
      };
      if (cs.sid !== undefined) t.sid = cs.sid;
      if (principalMatched !== undefined) t.principalMatched = principalMatched;
      traces.push(t);
    }
  }
  if (traces) {
    const t: PolicyTrace = {
      kind: input.kind,
      name: input.name,
      outcome: ev.deny.length ? 'deny' : ev.allow.length ? 'allow' : 'none',
      statements: traces,
    };
    if (input.arn !== undefined) t.arn = input.arn;
    if (input.attachedTo !== undefined) t.attachedTo = input.attachedTo;
    if (input.source !== undefined) t.source = input.source;
    ev.trace = t;
  }
  return ev;
}

function list(xs: string[], max = 3): string {
  if (xs.length <= max) return xs.join(', ');
  return `${xs.slice(0, max).join(', ')} (+${xs.length - max} more)`;
}

function statementNote(
  cs: CompiledStatement,
  actionMatched: boolean,
  resourceMatched: boolean,
  principalMatched: boolean | undefined,
  conds: ConditionTrace[],
  applies: boolean,
  rq: Prepared,
  npWhy: string | undefined,
): string {
  const st = cs.source;
  const acts = cs.notAction ? `every action except ${list(cs.actions)}` : list(cs.actions);
  const res = st.Resource ? ` on ${list(st.Resource, 2)}` : st.NotResource ? ` on everything except ${list(st.NotResource, 2)}` : '';
  const head = `${cs.effect} ${acts}${res}`;
  if (applies) return npWhy !== undefined ? `${head} — applies (NotPrincipal does not exclude the caller: ${npWhy})` : `${head} — applies`;
  if (!actionMatched) return `${head} — does not cover ${rq.req.action}`;
  if (!resourceMatched) return `${head} — resource ${rq.resource} does not match`;
  if (principalMatched === false) return `${head} — ${cs.notPrincipal ? 'the caller is excluded by NotPrincipal' : 'does not name the caller'}`;
  const failed = conds.find((c) => !c.result);
  if (failed) {
    const got = failed.requestValues === undefined ? 'absent from the request' : `is ${failed.requestValues.map((v) => `"${v}"`).join(', ')}`;
    return `${head} — condition ${failed.operator} ${failed.key} not met (${failed.key} ${got})`;
  }
  return `${head} — does not apply`;
}

// ---------------------------------------------------------------------------------------------
// Decision

function prepare(input: EvaluationInput): Prepared {
  const req = input.request;
  const act = req.action.toLowerCase();
  const colon = act.indexOf(':');
  return {
    req,
    principal: req.principal,
    act,
    svc: colon < 0 ? act : act.slice(0, colon),
    resource: req.resource,
    parts: req.resource === '*' ? undefined : splitArn(req.resource),
    lookup: makeLookup(req),
    hasBoundary: input.boundary !== undefined,
  };
}

/**
 * Evaluates one request as AWS does: explicit deny anywhere wins; a role trust policy must
 * allow explicitly; a resource-based policy naming the caller directly can allow on its own in
 * the same account (within the limits of §4.2); otherwise identity ∩ boundary ∩ session;
 * across accounts both the resource policy and the caller's identity policies must allow.
 */
export function authorize(input: EvaluationInput, opts: AuthorizeOptions = {}): Explanation {
  const trace = opts.trace !== false;
  const rq = prepare(input);
  const p = rq.principal;
  const identity: PolicyEval[] = [];
  let idAllow = false;
  let anyDeny = false;
  for (const pi of input.identity) {
    const e = evalPolicy(pi, rq, trace);
    identity.push(e);
    if (e.allow.length) idAllow = true;
    if (e.deny.length) anyDeny = true;
  }
  const resource = input.resource ? evalPolicy(input.resource, rq, trace) : undefined;
  const boundary = input.boundary ? evalPolicy(input.boundary, rq, trace) : undefined;
  let session: PolicyEval[] | undefined;
  let sAllow = false;
  if (input.session) {
    session = [];
    for (const pi of input.session) {
      const e = evalPolicy(pi, rq, trace);
      session.push(e);
      if (e.allow.length) sAllow = true;
      if (e.deny.length) anyDeny = true;
    }
  }
  if ((resource && resource.deny.length) || (boundary && boundary.deny.length)) anyDeny = true;

  const resourceAccount = input.request.resourceAccount ?? p.accountId;
  const crossAccount = resourceAccount !== p.accountId;
  const resAllow = resource !== undefined && resource.allow.length > 0;
  const bOk = boundary === undefined || boundary.allow.length > 0;
  const sOk = session === undefined ? !input.sessionRequired : sAllow;
  const sKind: PolicyKind[] = ['session'];
  const all = (): PolicyEval[] => [...identity, ...(resource ? [resource] : []), ...(boundary ? [boundary] : []), ...(session ?? [])];

  let path: DecisionPath;
  if (anyDeny) {
    const denies = all().filter((e) => e.deny.length > 0);
    path = { decision: 'Deny', reason: 'explicit-deny', deniedBy: uniqueKinds(denies), via: 'explicit', deciding: denies, crossAccount };
  } else if (p.type === 'Anonymous') {
    // An anonymous caller has no identity policies: only a resource policy allowing "*" can let it in.
    if (resAllow) path = allow('resource-direct', [resource!], crossAccount);
    else path = deny([resource?.input.kind ?? 'resource'], 'anonymous', [], crossAccount);
  } else if (p.type === 'Account' && !crossAccount) {
    if (resource?.input.kind === 'trust') path = deny(['trust'], 'root-trust', [], crossAccount);
    else path = { decision: 'Allow', reason: 'root-user', deniedBy: [], via: 'root', deciding: [], crossAccount };
  } else if (!crossAccount) {
    const direct = resAllow && resource!.match !== undefined && resource!.match !== 'account';
    if (resource?.input.kind === 'trust' && !resAllow) {
      path = deny(['trust'], 'trust-missing', [], crossAccount);
    } else if (direct) {
      const m = resource!.match!;
      const grant = [resource!];
      if (m === 'session' || m === 'service' || m === 'federated' || (m === 'everyone' && isSessionPrincipal(p))) {
        path = allow('resource-direct', grant, crossAccount);
      } else if (p.type === 'User') {
        // A resource policy naming an IAM user is not limited by the user's boundary — except
        // a role trust policy: "If a permissions boundary is set for the user, then it must
        // allow the sts:AssumeRole action" (§2.2 row 8).
        if (resource!.input.kind === 'trust' && !bOk) path = deny(['boundary'], 'boundary-trust-direct', grant, crossAccount);
        else path = allow('resource-direct', withLimits(grant, resource!.input.kind === 'trust' ? boundary : undefined, undefined), crossAccount);
      } else {
        // Role ARN (or "*") for a role or federated session: limited by an implicit deny in the
        // boundary or in the session policy.
        if (!bOk) path = deny(['boundary'], 'boundary', grant, crossAccount);
        else if (!sOk) path = deny(sKind, session === undefined ? 'session-required' : 'session', grant, crossAccount);
        else path = allow('resource-direct', withLimits(grant, boundary, session), crossAccount);
      }
    } else if (!idAllow) {
      path = deny(['identity'], resAllow ? 'identity-after-account-trust' : 'identity', [], crossAccount);
    } else if (!bOk) {
      path = deny(['boundary'], 'boundary', [], crossAccount);
    } else if (!sOk) {
      path = deny(sKind, session === undefined ? 'session-required' : 'session', [], crossAccount);
    } else {
      path = allow('identity', withLimits([...identity, ...(resAllow ? [resource!] : [])], boundary, session), crossAccount);
    }
  } else {
    // Cross-account: the resource's account and the caller's account must both allow.
    const resKind: PolicyKind = resource?.input.kind ?? 'resource';
    const idSide = p.type === 'Account' ? true : idAllow;
    if (!resAllow && !idSide) path = deny(['identity', resKind], 'cross-both', [], crossAccount);
    else if (!resAllow) path = deny([resKind], 'cross-resource', [], crossAccount);
    else if (!idSide) path = deny(['identity'], 'cross-identity', [resource!], crossAccount);
    else if (!bOk) path = deny(['boundary'], 'boundary', [], crossAccount);
    else if (!sOk) path = deny(sKind, session === undefined ? 'session-required' : 'session', [], crossAccount);
    else path = allow('cross', withLimits([resource!, ...identity], boundary, session), crossAccount);
  }

  const deciding: Explanation['deciding'] = [];
  for (const e of path.deciding) {
    const stmts = path.decision === 'Deny' ? e.deny : e.allow;
    for (const cs of stmts) {
      const d: Explanation['deciding'][number] = { policy: e.input.name, kind: e.input.kind, index: cs.index, effect: cs.effect };
      if (cs.sid !== undefined) d.sid = cs.sid;
      if (e.input.arn !== undefined) d.arn = e.input.arn;
      deciding.push(d);
    }
  }
  const policies: PolicyTrace[] = [];
  if (trace) for (const e of all()) policies.push(e.trace!);
  // A trust denial's summary points at a trust statement whose condition failed; that needs
  // the statement traces, so on the fast path build them for the trust policy alone.
  if (!trace && path.via === 'trust-missing' && resource && input.resource) resource.trace = evalPolicy(input.resource, rq, true).trace;
  // Likewise an identity-side denial points at an identity statement whose condition failed.
  if (!trace && path.decision === 'Deny' && (path.via === 'identity' || path.via === 'identity-after-account-trust' || path.via === 'cross-identity')) {
    for (let i = 0; i < identity.length; i++) identity[i]!.trace = evalPolicy(input.identity[i]!, rq, true).trace;
  }
  const explanation: Explanation = {
    decision: path.decision,
    reason: path.reason,
    request: { principal: p.arn, action: input.request.action, resource: input.request.resource },
    deniedBy: path.deniedBy,
    crossAccount,
    policies,
    deciding,
    summary: buildSummary(path, { input, identity, resource, boundary, session, resourceAccount }),
  };
  return explanation;
}

function uniqueKinds(es: PolicyEval[]): PolicyKind[] {
  const out: PolicyKind[] = [];
  for (const e of es) if (!out.includes(e.input.kind)) out.push(e.input.kind);
  return out;
}

function deny(deniedBy: PolicyKind[], via: DecisionPath['via'], deciding: PolicyEval[], crossAccount: boolean): DecisionPath {
  return { decision: 'Deny', reason: 'implicit-deny', deniedBy, via, deciding: [], context: deciding, crossAccount };
}

function allow(via: DecisionPath['via'], deciding: PolicyEval[], crossAccount: boolean): DecisionPath {
  return { decision: 'Allow', reason: 'allowed', deniedBy: [], via, deciding: deciding.filter((e) => e.allow.length > 0), crossAccount };
}

function withLimits(grant: PolicyEval[], boundary: PolicyEval | undefined, session: PolicyEval[] | undefined): PolicyEval[] {
  return [...grant, ...(boundary ? [boundary] : []), ...(session ?? [])];
}
