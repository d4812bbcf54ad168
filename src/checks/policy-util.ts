// Questions checks ask about a single policy document, answered by the one policy engine
// (src/policy): does it allow this action on this resource? which catalogue actions does it allow?
import * as policy from '../policy/index.js';
import type { PolicyDocument, PolicyInput, PrincipalInfo, Statement } from '../policy/types.js';

const cache = new Map<string, PolicyDocument>();

/** Parse a stored policy text (already validated by IAM) into the engine's normalised form. */
export function parseDoc(text: string, kind: 'identity' | 'trust' | 'resource' = 'identity'): PolicyDocument {
  const key = kind[0] + '\u0000' + text;
  const hit = cache.get(key);
  if (hit) return hit;
  const r = policy.validatePolicy(text, kind, { principalExists: () => true });
  const doc: PolicyDocument = r.ok ? r.document : { Version: '2012-10-17', Statement: [] };
  if (cache.size > 5000) cache.clear();
  cache.set(key, doc);
  return doc;
}

function probe(accountId: string): PrincipalInfo {
  return {
    type: 'User',
    accountId,
    arn: `arn:aws:iam::${accountId}:user/iamlab-check`,
    principalArn: `arn:aws:iam::${accountId}:user/iamlab-check`,
    userId: 'AIDAIAMLABCHECKPROBE0',
    username: 'iamlab-check',
  };
}

/**
 * Does this document, alone, allow (and not deny) `action` on `resource`? Evaluated by the
 * engine as an identity policy of a probe user in `accountId` (conditions see an empty context,
 * so a conditional Allow counts as not allowing).
 */
export function docDecision(doc: PolicyDocument, action: string, resource: string, accountId: string, name = 'policy'): 'allow' | 'deny' | 'none' {
  const input: PolicyInput = { kind: 'identity', name, document: doc };
  const e = policy.authorize(
    {
      request: { principal: probe(accountId), action, resource, resourceAccount: resourceAccountOf(resource) ?? accountId, context: {} },
      identity: [input],
    },
    { trace: false },
  );
  if (e.decision === 'Allow') return 'allow';
  return e.reason === 'explicit-deny' ? 'deny' : 'none';
}

function resourceAccountOf(resource: string): string | undefined {
  const m = /^arn:aws:[^:]+:[^:]*:(\d{12}):/.exec(resource);
  return m ? m[1] : undefined;
}

/** The action catalogue (every known IAM action, service:Action), from the policy engine. */
export function catalogue(): readonly string[] {
  return policy.knownActions();
}

/** Catalogue actions matching a pattern (service:Act*, case-insensitive as IAM matches actions). */
export function actionsMatching(pattern: string): string[] {
  return catalogue().filter((a) => policy.actionMatches(pattern, a));
}

/**
 * Catalogue actions matching `pattern` that the document allows on some resource (a conditional
 * Allow counts: it allows in some context; only unconditional Denies on * take actions away).
 */
export function allowedMatching(doc: PolicyDocument, pattern: string): string[] {
  return policy.policyAllowsActions(doc, pattern, { anyResource: true });
}

/** Access level of a catalogue action (List, Read, Write, Permissions management, Tagging). */
export function accessLevel(action: string): string | undefined {
  return policy.actionInfo(action)?.access;
}

/** One line per statement, for evidence: "Allow sts:* on *", "Deny sts:AssumeRole for user/User3". */
export function statementLine(s: Statement): string {
  const list = (xs: string[] | undefined) => (xs && xs.length ? (xs.length > 4 ? `${xs.slice(0, 4).join(', ')} … (${xs.length})` : xs.join(', ')) : '');
  const act = s.Action ? list(s.Action) : s.NotAction ? `everything except ${list(s.NotAction)}` : '(no action)';
  const res = s.Resource ? ` on ${list(s.Resource)}` : s.NotResource ? ` on everything except ${list(s.NotResource)}` : '';
  let who = '';
  if (s.Principal) who = s.Principal === '*' ? ' for everyone' : ` for ${Object.entries(s.Principal).map(([k, v]) => `${k}: ${list(v)}`).join('; ')}`;
  const cond = s.Condition && Object.keys(s.Condition).length ? ` when ${Object.entries(s.Condition).map(([op, kv]) => Object.entries(kv).map(([k, v]) => `${op} ${k} ${v.join('|')}`).join(', ')).join(', ')}` : '';
  return `${s.Effect} ${act}${res}${who}${cond}${s.Sid ? ` (Sid ${s.Sid})` : ''}`;
}
