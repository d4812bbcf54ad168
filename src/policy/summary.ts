// The learner-facing one- or two-sentence summary of a decision.

import { compilePolicy, type CompiledStatement } from './compile.js';
import type { PolicyEval, PrincipalMatch } from './evaluate.js';
import { globMatch } from './match.js';
import type { DecisionReason, EvaluationInput, PolicyInput, PolicyKind, PrincipalInfo } from './types.js';

export interface DecisionPath {
  decision: 'Allow' | 'Deny';
  reason: DecisionReason;
  deniedBy: PolicyKind[];
  via:
    | 'explicit'
    | 'root'
    | 'root-trust'
    | 'trust-missing'
    | 'resource-direct'
    | 'boundary-trust-direct'
    | 'boundary'
    | 'session'
    | 'session-required'
    | 'identity'
    | 'identity-after-account-trust'
    | 'cross-both'
    | 'cross-resource'
    | 'cross-identity'
    | 'cross'
    | 'anonymous';
  /** Policies whose applying statements decided (Denies for explicit, Allows for allowed). */
  deciding: PolicyEval[];
  /** Policies that explain an implicit deny (e.g. the trust policy that named the user). */
  context?: PolicyEval[];
  crossAccount: boolean;
}

export interface SummaryContext {
  input: EvaluationInput;
  identity: PolicyEval[];
  resource?: PolicyEval;
  boundary?: PolicyEval;
  session?: PolicyEval[];
  resourceAccount: string;
}

// ---------------------------------------------------------------------------------------------
// Labels

function afterLast(s: string, sep: string): string {
  const i = s.lastIndexOf(sep);
  return i < 0 ? s : s.slice(i + 1);
}

/** "user balu", "session lab of role s3-reader", "the root user of account 1234…". */
export function callerLabel(p: PrincipalInfo): string {
  switch (p.type) {
    case 'User':
      return `user ${p.username ?? afterLast(p.arn, '/')}`;
    case 'AssumedRole': {
      const m = /assumed-role\/([^/]+)\/(.+)$/.exec(p.arn);
      return m ? `session ${m[2]} of role ${m[1]}` : `role session ${p.arn}`;
    }
    case 'Account':
      return `the root user of account ${p.accountId}`;
    case 'FederatedUser':
      return `federated user ${afterLast(p.arn, '/')}`;
    case 'Anonymous':
      return 'an anonymous caller';
  }
}

/** Whose identity-based policies apply: "user balu", "role s3-reader". */
export function ownerLabel(p: PrincipalInfo): string {
  if (p.type === 'AssumedRole') {
    const m = /assumed-role\/([^/]+)\//.exec(p.arn);
    if (m) return `role ${m[1]}`;
  }
  return callerLabel(p);
}

/** "role MyRole" for a role ARN; "bucket b" for a bucket; otherwise the ARN. */
export function resourceLabel(arn: string): string {
  let m = /^arn:aws:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (m) return `role ${m[1]}`;
  m = /^arn:aws:s3:::([^/]+)$/.exec(arn);
  if (m) return `bucket ${m[1]}`;
  return arn;
}

/** "the trust policy of role MyRole", "policy sts-all (attached to user balu)", … */
export function policyLabel(pi: PolicyInput, resourceArn?: string): string {
  switch (pi.kind) {
    case 'identity':
      if (!pi.attachedTo) return `policy ${pi.name}`;
      return pi.source === 'inline' ? `inline policy ${pi.name} of ${pi.attachedTo}` : `policy ${pi.name} (attached to ${pi.attachedTo})`;
    case 'trust':
      if (/trust policy/i.test(pi.name)) return `the ${pi.name.replace(/^the /i, '')}`;
      if (pi.attachedTo) return `the trust policy of ${pi.attachedTo}`;
      if (resourceArn && resourceArn !== '*') return `the trust policy of ${resourceLabel(resourceArn)}`;
      return `the trust policy ${pi.name}`;
    case 'resource':
      if (/polic/i.test(pi.name)) return `the ${pi.name.replace(/^the /i, '')}`;
      if (pi.attachedTo) return `the resource-based policy of ${pi.attachedTo}`;
      return `the resource-based policy ${pi.name}`;
    case 'boundary':
      return `the permissions boundary ${pi.name}`;
    case 'session':
      return /session policy/i.test(pi.name) || !pi.name ? 'the session policy' : `the session policy ${pi.name}`;
  }
}

export function statementLabel(cs: { sid?: string; index: number }): string {
  return cs.sid !== undefined ? `statement ${cs.sid}` : `Statement[${cs.index}]`;
}

/** Describes one AWS principal value: "account 1234…", "user bob", "role r", "everyone". */
function describePrincipalValue(v: string): string {
  if (v === '*') return 'everyone ("*")';
  let m = /^(\d{12})$/.exec(v) ?? /^arn:aws:iam::(\d{12}):root$/.exec(v);
  if (m) return `account ${m[1]}`;
  m = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(v);
  if (m) return `user ${m[1]}`;
  m = /^arn:aws:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(v);
  if (m) return `role ${m[1]}`;
  m = /^arn:aws:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(v);
  if (m) return `session ${m[2]} of role ${m[1]}`;
  if (/^AIDA/.test(v)) return `the deleted user with id ${v}`;
  if (/^AROA/.test(v)) return `the deleted role with id ${v}`;
  return v;
}

/** Who the Allow statements of a resource policy trust for this action (for hints). */
function trustedPrincipals(pe: PolicyEval, action: string): string[] {
  const act = action.toLowerCase();
  const svc = act.slice(0, Math.max(0, act.indexOf(':')));
  const out: string[] = [];
  for (const cs of compilePolicy(pe.input.document).statements) {
    if (cs.effect !== 'Allow' || !coversAction(cs, act, svc)) continue;
    const p = cs.source.Principal;
    if (p === undefined) continue;
    if (p === '*') out.push('everyone ("*")');
    else {
      for (const v of p.AWS ?? []) out.push(describePrincipalValue(v));
      for (const v of p.Service ?? []) out.push(`the service ${v}`);
      for (const v of p.Federated ?? []) out.push(`identity provider ${v}`);
    }
  }
  return [...new Set(out)];
}

function coversAction(cs: CompiledStatement, act: string, svc: string): boolean {
  let hit = false;
  for (const g of cs.bySvc.get(svc) ?? []) if (globMatch(g, act)) hit = true;
  for (const g of cs.anySvc) if (globMatch(g, act)) hit = true;
  return cs.notAction ? !hit : hit;
}

function joinOr(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

function firstStatement(e: PolicyEval, effect: 'Allow' | 'Deny'): CompiledStatement | undefined {
  return effect === 'Allow' ? e.allow[0] : e.deny[0];
}

function namedHow(m: PrincipalMatch | undefined, p: PrincipalInfo): string {
  switch (m) {
    case 'user':
      return `names ${callerLabel(p)} directly`;
    case 'role':
      return `names ${ownerLabel(p)} (the role of this session) directly`;
    case 'federating-user':
      return `names user ${afterLast(p.federatedBy ?? '', '/')}, who created this federated session`;
    case 'session':
      return `names this session (${p.arn}) directly`;
    case 'service':
      return `names the service ${p.service ?? ''}`;
    case 'federated':
      return `names the identity provider ${p.federated ?? ''}`;
    case 'everyone':
      return 'allows every principal ("*")';
    case 'account':
    case undefined:
      return `trusts account ${p.accountId}`;
  }
}

// ---------------------------------------------------------------------------------------------

export function buildSummary(path: DecisionPath, ctx: SummaryContext): string {
  const s = decisionSummary(path, ctx);
  const p = ctx.input.request.principal;
  if (path.decision === 'Deny' && path.reason === 'implicit-deny' && p.type === 'AssumedRole' && p.roleDeleted) {
    const role = ownerLabel(p);
    return `${s} This session belongs to a ${role} that has since been deleted: its policies are gone, and a policy naming ${role}'s ARN names the role that holds that name now (another unique id), not this session's role.`;
  }
  return s;
}

function decisionSummary(path: DecisionPath, ctx: SummaryContext): string {
  const req = ctx.input.request;
  const p = req.principal;
  const action = req.action;
  const onRes = req.resource === '*' ? '' : ` on ${resourceLabel(req.resource)}`;
  const caller = callerLabel(p);
  const owner = ownerLabel(p);
  const res = ctx.resource;
  const resLabel = res ? policyLabel(res.input, req.resource) : 'the resource-based policy';
  const isTrust = res?.input.kind === 'trust';
  const boundaryName = ctx.boundary ? policyLabel(ctx.boundary.input) : 'the permissions boundary';
  const limitsNote = (): string => {
    let s = '';
    if (ctx.boundary && ctx.boundary.allow.length) s += ` ${cap(boundaryName)} allows it too.`;
    if (ctx.session && ctx.session.some((e) => e.allow.length)) s += ' The session policy allows it too.';
    return s;
  };

  switch (path.via) {
    case 'explicit': {
      const e = path.deciding[0]!;
      const cs = firstStatement(e, 'Deny')!;
      const n = path.deciding.reduce((k, d) => k + d.deny.length, 0) - 1;
      const more = n > 0 ? ` (${n} more Deny statement${n > 1 ? 's' : ''} also appl${n > 1 ? 'y' : 'ies'}.)` : '';
      // A trust policy is the role's own: "on role X" would repeat its name.
      const where = e.input.kind === 'trust' ? '' : onRes;
      const np = e.notPrincipalWhy?.get(cs.index);
      const why = np !== undefined ? ` Its NotPrincipal does not exclude ${caller}: ${np}.` : '';
      return `Denied (explicit): ${statementLabel(cs)} of ${policyLabel(e.input, req.resource)} denies ${action}${where}.${why} An explicit Deny overrides every Allow.${more}`;
    }
    case 'anonymous':
      return `Denied (implicit): ${caller} has no identity-based policies, so only a resource-based policy that allows every principal ("*") could let it in, and ${res ? `${resLabel} does not` : 'there is none'}.`;
    case 'root':
      return `Allowed: ${caller} has full access to everything in its own account; no policy is needed.`;
    case 'root-trust':
      return `Denied: the root user cannot assume roles ("Roles may not be assumed by root accounts."). Sign in as an IAM user and assume the role from there.`;
    case 'trust-missing': {
      const trusted = res ? trustedPrincipals(res, action) : [];
      const hint = conditionHint(res);
      const who = trusted.length ? ` It trusts ${joinOr(trusted)}.` : ` No statement of it allows ${action}.`;
      return `Denied (implicit): ${resLabel} does not allow ${caller} to call ${action}; a role's trust policy must name the caller (or its account) explicitly.${hint ?? who}`;
    }
    case 'resource-direct': {
      const how = namedHow(res!.match, p);
      if (res!.match === 'everyone' && (p.type === 'AssumedRole' || p.type === 'FederatedUser') && (ctx.boundary || ctx.session)) {
        const limits = [...(ctx.session ? ['its session policy'] : []), ...(ctx.boundary ? [boundaryName] : [])];
        const none = limits.length === 2 ? `neither ${limits[0]} nor ${limits[1]} limits it` : `${limits[0]} does not limit it`;
        return `Allowed: ${resLabel} ${how}, which is enough in the same account. A grant to "*" reaches this session directly, so ${none} (only an explicit Deny could).`;
      }
      return `Allowed: ${resLabel} ${how}, which is enough in the same account.${limitsNote()}`;
    }
    case 'boundary-trust-direct':
      return `Denied (implicit): ${resLabel} names ${caller} directly, but ${caller} has ${boundaryName}, which does not allow ${action}. When a user has a permissions boundary, the boundary must allow sts:AssumeRole too.`;
    case 'boundary':
      return `Denied (implicit): ${boundaryName} of ${owner} does not allow ${action}${onRes}. A boundary only limits: both it and a policy that grants must allow the action.`;
    case 'session':
      return `Denied (implicit): the session policy of ${caller} does not allow ${action}${onRes}. A session can do only what both ${owner}'s policies and its session policy allow.`;
    case 'session-required':
      return `Denied (implicit): ${caller} was created without a session policy, so it has no permissions.`;
    case 'identity':
      if (path.decision === 'Allow') return identityAllowSummary(path, ctx, action, onRes, limitsNote());
      return `Denied (implicit): no identity-based policy of ${owner} allows ${action}${onRes}.${identityConditionHint(ctx.identity, action) ?? ''}`;
    case 'identity-after-account-trust':
      return `Denied (implicit): ${resLabel} ${isTrust ? 'trusts' : 'allows'} account ${p.accountId}, which leaves the decision to that account's identity-based policies, but no identity-based policy of ${owner} allows ${action}${onRes}.${identityConditionHint(ctx.identity, action) ?? ''} To let ${caller} in without one, name ${caller}'s ARN in the ${isTrust ? 'trust policy' : 'policy'}.`;
    case 'cross-both':
      if (!res)
        return `Denied: across accounts both sides must allow, and neither does: ${noResourcePolicy(req.resource, ctx.resourceAccount)}, so nothing in account ${ctx.resourceAccount} allows ${caller} or account ${p.accountId}, and no identity-based policy in account ${p.accountId} allows ${caller} to call ${action} on it.`;
      return `Denied: across accounts both sides must allow, and neither does: ${resLabel} (account ${ctx.resourceAccount}) does not ${isTrust ? 'trust' : 'allow'} ${caller} or account ${p.accountId}, and no identity-based policy in account ${p.accountId} allows ${caller} to call ${action} on it.`;
    case 'cross-resource':
      if (!res)
        return `Denied: ${noResourcePolicy(req.resource, ctx.resourceAccount)}, so nothing in account ${ctx.resourceAccount} allows ${caller} or account ${p.accountId}; across accounts the resource's own policy must allow the call too (the identity-based policies of account ${p.accountId} are not enough).`;
      return `Denied: ${resLabel} (account ${ctx.resourceAccount}) does not ${isTrust ? 'trust' : 'allow'} ${caller} or account ${p.accountId}; across accounts the ${isTrust ? "role's" : "resource's"} own policy must allow the call too.`;
    case 'cross-identity': {
      const m = res?.match;
      const subject = isTrust ? 'the role' : resLabel;
      const hint = identityConditionHint(ctx.identity, action) ?? '';
      if (m === 'account' || m === undefined)
        return `Denied: ${subject} ${isTrust ? 'trusts' : 'allows'} account ${p.accountId}, but no identity-based policy in account ${p.accountId} allows ${caller} to call ${action} on it.${hint}`;
      return `Denied: ${resLabel} ${namedHow(m, p)}, but across accounts that is not enough: no identity-based policy in account ${p.accountId} allows ${caller} to call ${action} on it.${hint}`;
    }
    case 'cross': {
      const idp = ctx.identity.find((e) => e.allow.length > 0);
      const grant = idp ? `${statementLabel(idp.allow[0]!)} of ${policyLabel(idp.input)}` : `${caller}'s own account`;
      return `Allowed: ${resLabel} (account ${ctx.resourceAccount}) ${namedHow(res!.match, p)}, and ${grant} in account ${p.accountId} allows ${action} on it; across accounts both are needed.${limitsNote()}`;
    }
  }
}

function identityAllowSummary(path: DecisionPath, ctx: SummaryContext, action: string, onRes: string, limits: string): string {
  const idp = path.deciding.find((e) => e.input.kind === 'identity')!;
  const cs = idp.allow[0]!;
  const p = ctx.input.request.principal;
  const trust = ctx.resource && ctx.resource.allow.length > 0 ? ctx.resource : undefined;
  const trustPart = trust ? `${policyLabel(trust.input, ctx.input.request.resource)} ${trust.input.kind === 'trust' ? 'trusts' : 'allows'} account ${p.accountId}, and ` : '';
  return `Allowed: ${trustPart}${statementLabel(cs)} of ${policyLabel(idp.input)} allows ${action}${onRes}.${limits}`;
}

/** "bucket b (account 1234…) has no bucket policy" — for a resource that has no resource-based policy at all. */
function noResourcePolicy(resourceArn: string, account: string): string {
  const m = /^arn:aws:s3:::([^/]+)/.exec(resourceArn);
  if (m) return `bucket ${m[1]} (account ${account}) has no bucket policy`;
  return `${resourceArn === '*' ? 'the resource' : resourceLabel(resourceArn)} (account ${account}) has no resource-based policy`;
}

function conditionHint(res: PolicyEval | undefined): string | undefined {
  const t = res?.trace;
  if (!t) return undefined;
  for (const st of t.statements) {
    if (st.effect !== 'Allow' || !st.actionMatched || st.principalMatched !== true || st.applies) continue;
    const failed = st.conditions.find((c) => !c.result);
    if (!failed) continue;
    const got = failed.requestValues === undefined ? 'is absent from the request' : `is ${failed.requestValues.map((v) => `"${v}"`).join(', ')}`;
    return ` ${cap(statementLabel(st))} names the caller, but its condition ${failed.operator} ${failed.key} is not met (${failed.key} ${got}).`;
  }
  return undefined;
}

/** " Statement[0] of policy p covers A, but its condition … is not met (…)." for the first identity Allow stopped only by a condition. */
function identityConditionHint(identity: PolicyEval[], action: string): string | undefined {
  for (const e of identity) {
    const t = e.trace;
    if (!t) continue;
    for (const st of t.statements) {
      if (st.effect !== 'Allow' || !st.actionMatched || !st.resourceMatched || st.applies) continue;
      const failed = st.conditions.find((c) => !c.result);
      if (!failed) continue;
      const got = failed.requestValues === undefined ? 'is absent from the request' : `is ${failed.requestValues.map((v) => `"${v}"`).join(', ')}`;
      return ` ${cap(statementLabel(st))} of ${policyLabel(e.input)} covers ${action}, but its condition ${failed.operator} ${failed.key} is not met (${failed.key} ${got}).`;
    }
  }
  return undefined;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
