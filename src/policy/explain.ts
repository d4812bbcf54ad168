// Rendering an Explanation for people (the shell's `explain`, the app) and AWS's AccessDenied text.

import type { ConditionTrace, Explanation, PolicyKind, PolicyTrace, StatementTrace } from './types.js';

export interface RenderOptions {
  /** Wrap marks and verdicts in ANSI colours (the words stay, so it reads without colour too). */
  color?: boolean;
}

const KIND_WORDS: Record<PolicyKind, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  trust: 'trust policy',
  boundary: 'permissions boundary',
  session: 'session policy',
};

function quoteList(xs: string[] | undefined): string {
  if (xs === undefined) return 'absent';
  if (xs.length === 0) return '(empty)';
  return xs.map((x) => JSON.stringify(x)).join(', ');
}

/** A plain-text tree: decision, summary, then policies → statements → conditions. */
export function renderExplanation(e: Explanation, opts: RenderOptions = {}): string {
  const c = opts.color === true;
  const paint = (code: string, s: string) => (c ? `\u001b[${code}m${s}\u001b[0m` : s);
  const ok = (s: string) => paint('32', s);
  const bad = (s: string) => paint('31', s);
  const dim = (s: string) => paint('2', s);
  const bold = (s: string) => paint('1', s);
  const mark = (b: boolean) => (b ? ok('✓') : bad('✗'));

  const lines: string[] = [];
  const verdict =
    e.decision === 'Allow'
      ? ok(e.reason === 'root-user' ? 'ALLOWED (root user)' : 'ALLOWED')
      : bad(e.reason === 'explicit-deny' ? 'DENIED (explicit deny)' : 'DENIED (implicit deny)');
  lines.push(`${bold(verdict)}  ${e.request.principal} → ${e.request.action} on ${e.request.resource}${e.crossAccount ? ' (cross-account)' : ''}`);
  lines.push(e.summary);
  if (e.policies.length === 0) {
    lines.push(dim('(no policies were evaluated' + (e.reason === 'root-user' ? ': the root user needs none)' : ')')));
    return lines.join('\n');
  }
  lines.push('');
  lines.push('Policies considered:');
  const decidingKey = new Set(e.deciding.map((d) => `${d.kind}\u0000${d.policy}\u0000${d.index}`));
  e.policies.forEach((p, pi) => {
    const lastP = pi === e.policies.length - 1;
    lines.push(`${lastP ? '└─' : '├─'} ${policyHeading(p, { ok, bad, dim })}`);
    const pre = lastP ? '   ' : '│  ';
    p.statements.forEach((s, si) => {
      const lastS = si === p.statements.length - 1;
      const decides = decidingKey.has(`${p.kind}\u0000${p.name}\u0000${s.index}`);
      lines.push(`${pre}${lastS ? '└─' : '├─'} ${mark(s.applies)} ${statementLine(s, p.kind !== 'trust')}${decides ? bold(e.decision === 'Allow' ? '  ← grants' : '  ← denies') : ''}`);
      const pre2 = pre + (lastS ? '   ' : '│  ');
      s.conditions.forEach((ct, ci) => {
        const lastC = ci === s.conditions.length - 1;
        lines.push(`${pre2}${lastC ? '└─' : '├─'} ${mark(ct.result)} ${conditionLine(ct)}`);
      });
    });
  });
  return lines.join('\n');
}

function policyHeading(p: PolicyTrace, f: { ok: (s: string) => string; bad: (s: string) => string; dim: (s: string) => string }): string {
  const where = [p.source, p.attachedTo].filter(Boolean).join(', ');
  const outcome =
    p.outcome === 'deny' ? f.bad('a Deny applies') : p.outcome === 'allow' ? f.ok('an Allow applies') : f.dim('no statement applies');
  const kindWords = KIND_WORDS[p.kind];
  const title = p.name.toLowerCase().includes(kindWords.replace('-based', '').split(' ').pop()!) ? p.name : `${kindWords} ${p.name}`;
  return `${title}${where ? ` (${where})` : ''} — ${outcome}`;
}

function statementLine(s: StatementTrace, hasResource: boolean): string {
  const name = s.sid !== undefined ? `${s.sid} [${s.index}]` : `Statement[${s.index}]`;
  const parts: string[] = [`action ${s.actionMatched ? 'matches' : 'does not match'}`];
  if (hasResource) parts.push(`resource ${s.resourceMatched ? 'matches' : 'does not match'}`);
  if (s.principalMatched !== undefined) parts.push(`principal ${s.principalMatched ? 'matches' : 'does not match'}`);
  if (s.conditions.length) parts.push(`conditions ${s.conditions.every((c) => c.result) ? 'met' : 'not met'}`);
  return `${name}: ${s.note} (${parts.join('; ')})`;
}

function conditionLine(ct: ConditionTrace): string {
  return `${ct.operator} ${ct.key} ∈ [${quoteList(ct.values)}]; request: ${quoteList(ct.requestValues)} — ${ct.result ? 'met' : 'not met'}`;
}

export interface DeniedMessageOptions {
  /** STS AssumeRole's form: no "because …" suffix (reference §1.10). */
  bare?: boolean;
}

/**
 * AWS's AccessDenied message for a denied request (reference §4.8):
 * "User: X is not authorized to perform: A on resource: R because no identity-based policy
 * allows the A action" / "… with an explicit deny in a permissions boundary: <policy ARN>" …
 * An empty `resourceText` leaves out "on resource: …". Returns '' for an allowed request.
 *
 * Policy ARNs (AWS Security Blog, "Enhanced access denied error messages with policy ARNs";
 * IAM User Guide, troubleshoot_access-denied-authorization-id): AWS appends ": <ARN of the denying
 * policy>" to an explicit deny in an identity-based policy, a permissions boundary or a session
 * policy, only when the request stays within the account (or organization). One rule here for all
 * three types: explicit deny, same account, and the first denying policy of the reported type is
 * a managed policy (inline and inline session policies have no ARN, so nothing is appended).
 * Resource-based and trust policies never get one.
 */
export function awsDeniedMessage(e: Explanation, callerArn: string, action: string, resourceText: string | undefined, opts: DeniedMessageOptions = {}): string {
  if (e.decision === 'Allow') return '';
  const head = `User: ${callerArn} is not authorized to perform: ${action}${resourceText ? ` on resource: ${resourceText}` : ''}`;
  if (opts.bare) return head;
  const kind = e.deniedBy[0] ?? 'identity';
  if (e.reason === 'explicit-deny') {
    switch (kind) {
      case 'identity':
        return `${head} with an explicit deny in an identity-based policy${denyingPolicyArn(e, kind)}`;
      case 'resource':
        return `${head} with an explicit deny in a resource-based policy`;
      case 'boundary':
        return `${head} with an explicit deny in a permissions boundary${denyingPolicyArn(e, kind)}`;
      case 'session':
        return `${head} with an explicit deny in a session policy${denyingPolicyArn(e, kind)}`;
      case 'trust':
        return `${head} with an explicit deny in the role trust policy`;
    }
  }
  switch (kind) {
    case 'identity':
      return `${head} because no identity-based policy allows the ${action} action`;
    case 'resource':
      return `${head} because no resource-based policy allows the ${action} action`;
    case 'boundary':
      return `${head} because no permissions boundary allows the ${action} action`;
    case 'session':
      return `${head} because no session policy allows the ${action} action`;
    case 'trust':
      return `${head} because no role trust policy allows the ${action} action`;
  }
}

/** ": <ARN>" of the first denying policy of `kind` when it is a managed policy and the request stayed in one account; else "". */
function denyingPolicyArn(e: Explanation, kind: PolicyKind): string {
  if (e.crossAccount) return '';
  const d = e.deciding.find((x) => x.effect === 'Deny' && x.kind === kind);
  return d?.arn ? `: ${d.arn}` : '';
}
