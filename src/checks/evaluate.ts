// Evaluates a declarative check (src/checks/spec.ts) against a CheckBackend. Every result says,
// in the learner's words, what holds or what is missing or wrong — never just "failed" — and
// lists what it read (evidence). Decisions come from the backend's engine; nothing here
// re-implements IAM's evaluation logic.
import type { Explanation, PolicyDocument } from '../policy/types.js';
import type { CheckSpec } from './spec.js';
import { checkKind } from './kinds.js';
import type { CheckBackend, CheckResult, CheckStatus, EventMark, EventView, Evidence, RoleView, UserView, ManagedPolicyView, GroupView } from './types.js';
import {
  resolvePrincipal,
  callerMatches,
  describeArn,
  shortArn,
  trustNames,
  trustPrincipalDisplay,
  closestName,
  type PrincipalPattern,
  type ResolveContext,
  type TrustPrincipal,
} from './principals.js';
import { fillTemplate, accountVars } from './template.js';
import { docDecision, actionsMatching, allowedMatching, accessLevel, statementLine } from './policy-util.js';
import * as policy from '../policy/index.js';

export interface CheckContext extends ResolveContext {
  /** Where the step began (event checks default to it). */
  stepMark?: EventMark;
  /** Where the lab began. */
  labMark?: EventMark;
  /** The learner's answers for this step: the typed answer, and quiz answers by question id. */
  answers?: { answer?: string; questions?: Record<string, string> };
}

interface Out {
  status: CheckStatus;
  message: string;
  evidence: Evidence[];
  vars?: Record<string, string>;
  diagnosis?: string;
  children?: CheckResult[];
}

const pass = (message: string, evidence: Evidence[] = [], vars?: Record<string, string>): Out => ({ status: 'pass', message, evidence, ...(vars ? { vars } : {}) });
const fail = (message: string, evidence: Evidence[] = [], vars?: Record<string, string>, diagnosis?: string): Out => ({
  status: 'fail',
  message,
  evidence,
  ...(vars ? { vars } : {}),
  ...(diagnosis ? { diagnosis } : {}),
});
const error = (message: string, evidence: Evidence[] = []): Out => ({ status: 'error', message, evidence });

/** Evaluate one check (leaf or combinator). Never throws for learner-caused states; a checker fault becomes status 'error'. */
export async function evaluateCheck(spec: CheckSpec, backend: CheckBackend, ctx: CheckContext): Promise<CheckResult> {
  let out: Out;
  try {
    out = await evalInner(spec, backend, ctx);
  } catch (e) {
    out = error(`The checker could not check this: ${(e as Error).message}`);
  }
  const res: CheckResult = { status: out.status, message: out.message, evidence: out.evidence };
  if (spec.id) res.id = spec.id;
  if (spec.label) res.label = spec.label;
  if (out.diagnosis) res.diagnosis = out.diagnosis;
  if (out.children) res.children = out.children;
  if (out.status === 'fail' && spec.fail) {
    res.message = fillTemplate(spec.fail, { ...accountVars(ctx.accounts), why: out.message, ...(out.vars ?? {}) });
  }
  return res;
}

async function evalInner(spec: CheckSpec, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const kind = checkKind(spec);
  switch (kind) {
    case 'all':
      return combineAll(await evalChildren(spec.all!, b, ctx));
    case 'any':
      return combineAny(await evalChildren(spec.any!, b, ctx));
    case 'not': {
      const [c] = await evalChildren([spec.not!], b, ctx);
      if (c!.status === 'pass') return { ...fail(`This must not hold, but it does: ${c!.message}`, c!.evidence), children: [c!] };
      if (c!.status === 'fail') return { ...pass(`As required, this does not hold: ${c!.message}`, c!.evidence), children: [c!] };
      return { status: c!.status, message: c!.message, evidence: c!.evidence, children: [c!] };
    }
    case 'count': {
      const cs = await evalChildren(spec.count!.of, b, ctx);
      const n = cs.filter((c) => c.status === 'pass').length;
      const min = spec.count!.min;
      if (n >= min) return { ...pass(`${n} of ${cs.length} hold (at least ${min} needed).`), children: cs };
      const firstBad = cs.find((c) => c.status !== 'pass');
      if (cs.some((c) => c.status === 'error') && n + cs.filter((c) => c.status === 'error').length >= min) return { ...error(firstBad!.message), children: cs };
      return { ...fail(`Only ${n} of ${cs.length} hold (at least ${min} needed). ${firstBad?.message ?? ''}`.trim()), children: cs };
    }
    case 'user':
      return userLeaf(spec.user!, b, ctx);
    case 'role':
      return roleLeaf(spec.role!, b, ctx);
    case 'policy':
      return policyLeaf(spec.policy!, b, ctx);
    case 'bucket':
      return bucketLeaf(spec.bucket!, b, ctx);
    case 'instance':
      return instanceLeaf(spec.instance!, b, ctx);
    case 'attached':
      return attachedLeaf(spec.attached!, b, ctx);
    case 'inline':
      return inlineLeaf(spec.inline!, b, ctx);
    case 'trust':
      return trustLeaf(spec.trust!, b, ctx);
    case 'decision':
      return decisionLeaf(spec.decision!, b, ctx);
    case 'can_assume':
      return assumeLeaf(spec.can_assume!, 'allowed', b, ctx);
    case 'cannot_assume':
      return assumeLeaf(spec.cannot_assume!, 'denied', b, ctx);
    case 'policy_grants':
      return grantsLeaf(spec.policy_grants!, b, ctx);
    case 'identity':
      return identityLeaf(spec.identity!, b, ctx);
    case 'env':
      return envLeaf(spec.env!, b, ctx);
    case 'event':
      return eventLeaf(spec.event!, b, ctx);
    case 'session':
      return sessionLeaf(spec.session!, b, ctx);
    case 'answer':
      return answerLeaf(spec.answer!, b, ctx);
    case 'url':
      return urlLeaf(spec.url!, ctx);
  }
}

async function evalChildren(specs: CheckSpec[], b: CheckBackend, ctx: CheckContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const s of specs) out.push(await evaluateCheck(s, b, ctx));
  return out;
}

function combineAll(cs: CheckResult[]): Out {
  const evidence = cs.flatMap((c) => c.evidence);
  const f = cs.find((c) => c.status === 'fail');
  if (f) return { status: 'fail', message: f.message, evidence, children: cs, ...(f.diagnosis ? { diagnosis: f.diagnosis } : {}) };
  const e = cs.find((c) => c.status === 'error');
  if (e) return { status: 'error', message: e.message, evidence, children: cs };
  const p = cs.find((c) => c.status === 'pending');
  if (p) return { status: 'pending', message: p.message, evidence, children: cs };
  return { status: 'pass', message: cs.map((c) => c.message).join(' '), evidence, children: cs };
}

function combineAny(cs: CheckResult[]): Out {
  const evidence = cs.flatMap((c) => c.evidence);
  const ok = cs.find((c) => c.status === 'pass');
  if (ok) return { status: 'pass', message: ok.message, evidence, children: cs };
  const e = cs.find((c) => c.status === 'error' || c.status === 'pending');
  if (e) return { status: e.status, message: e.message, evidence, children: cs };
  const first = cs[0]!;
  return { status: 'fail', message: first.message, evidence, children: cs, ...(first.diagnosis ? { diagnosis: first.diagnosis } : {}) };
}

// ------------------------------------------------------------------ helpers

function acct(ref: string | undefined, ctx: CheckContext): string {
  if (ref === undefined) return ctx.defaultAccount;
  if (/^\d{12}$/.test(ref)) return ref;
  const id = ctx.accounts[ref];
  if (!id) throw new Error(`unknown account '${ref}'`);
  return id;
}

function inAcct(id: string, ctx: CheckContext): string {
  return id === ctx.defaultAccount && Object.keys(ctx.accounts).length <= 1 ? '' : ` in account ${id}`;
}

function acctLabel(id: string, ctx: CheckContext): string {
  const key = Object.entries(ctx.accounts).find(([, v]) => v === id)?.[0];
  return key && Object.keys(ctx.accounts).length > 1 ? `${id} (${key})` : id;
}

function listOr(xs: string[], none = 'none'): string {
  return xs.length ? xs.join(', ') : none;
}

function matchNumber(m: number | { eq?: number; lt?: number; lte?: number; gt?: number; gte?: number }, v: number): string | undefined {
  if (typeof m === 'number') return v === m ? undefined : `exactly ${m}`;
  if (m.eq !== undefined && v !== m.eq) return `exactly ${m.eq}`;
  if (m.lt !== undefined && !(v < m.lt)) return `fewer than ${m.lt}`;
  if (m.lte !== undefined && !(v <= m.lte)) return `at most ${m.lte}`;
  if (m.gt !== undefined && !(v > m.gt)) return `more than ${m.gt}`;
  if (m.gte !== undefined && !(v >= m.gte)) return `at least ${m.gte}`;
  return undefined;
}

/** "There is no role X in account A — did you mean Y? / account B has one." */
async function missing(kind: 'user' | 'role' | 'group', name: string, accountId: string, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const list = kind === 'user' ? await b.listUsers(accountId) : kind === 'role' ? await b.listRoles(accountId) : [];
  const names = list.map((x) => x.name);
  const near = closestName(name, names);
  let msg = `There is no ${kind} named ${name}${inAcct(accountId, ctx)} yet.`;
  let diagnosis: string | undefined;
  if (near) {
    msg = `There is no ${kind} named ${name}${inAcct(accountId, ctx)}, but there is a ${kind} named ${near} — check the spelling (IAM names are case-sensitive when used).`;
    diagnosis = 'name-typo';
  } else {
    for (const other of b.accounts()) {
      if (other.id === accountId) continue;
      const o = kind === 'user' ? await b.getUser(other.id, name) : kind === 'role' ? await b.getRole(other.id, name) : await b.getGroup(other.id, name);
      if (o) {
        msg = `There is no ${kind} named ${name} in account ${acctLabel(accountId, ctx)}; there is one in account ${acctLabel(other.id, ctx)} — it was created with the other account's credentials (check --profile).`;
        diagnosis = 'wrong-account';
        break;
      }
    }
  }
  return fail(msg, [{ kind: 'read', text: `${kind}s${inAcct(accountId, ctx)}: ${listOr(names)}` }], { found: near ?? '', expected: name, closest: near ?? '' }, diagnosis);
}

async function findPolicy(ref: string, accountId: string, b: CheckBackend): Promise<ManagedPolicyView | undefined> {
  if (ref.startsWith('arn:')) return b.getManagedPolicy(ref);
  return (
    (await b.getManagedPolicy(`arn:aws:iam::${accountId}:policy/${ref}`)) ??
    (await b.getManagedPolicy(`arn:aws:iam::aws:policy/${ref}`)) ??
    (await b.getManagedPolicy(`arn:aws:iam::aws:policy/job-function/${ref}`)) ??
    (await b.getManagedPolicy(`arn:aws:iam::aws:policy/service-role/${ref}`)) ??
    (await (async () => (await b.listPolicies(accountId)).find((p) => p.name === ref))())
  );
}

function policyNameOf(ref: string): string {
  return ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
}

function docLines(doc: PolicyDocument): string {
  return doc.Statement.map(statementLine).join('; ') || '(no statements)';
}

function whyText(e: Explanation): string {
  const t = e.summary.replace(/^(Denied|Allowed):\s*/, '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function decidingText(e: Explanation): string {
  if (!e.deciding.length) return e.summary;
  return e.deciding.map((d) => `${d.policy}${d.sid ? ` (statement ${d.sid})` : ` (statement ${d.index + 1})`}`).join(' and ');
}

const KIND_WORDS: Record<string, string> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  trust: 'the role trust policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
};

// ------------------------------------------------------------------ resource leaves

async function userLeaf(s: NonNullable<CheckSpec['user']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const u = await b.getUser(a, s.name);
  if (s.exists === false) {
    return u ? fail(`User ${s.name} still exists${inAcct(a, ctx)}; it should not.`, [{ kind: 'read', text: `user ${u.arn}` }]) : pass(`There is no user ${s.name}, as required.`);
  }
  if (!u) return missing('user', s.name, a, b, ctx);
  const ev: Evidence[] = [{ kind: 'read', text: userSummary(u) }];
  if (s.login_profile === true && !u.hasLoginProfile)
    return fail(`User ${s.name} has no console password (login profile), so it cannot sign in to the console. Create one with \`aws iam create-login-profile\`.`, ev, {}, 'no-console-access');
  if (s.login_profile === false && u.hasLoginProfile) return fail(`User ${s.name} has console access (a login profile), but this step wants it without.`, ev);
  if (s.active_access_keys !== undefined) {
    const n = u.accessKeys.filter((k) => k.status === 'Active').length;
    const want = matchNumber(s.active_access_keys, n);
    if (want) return fail(`User ${s.name} has ${n} active access key${n === 1 ? '' : 's'}; it should have ${want}. ${n === 0 ? 'Create one with `aws iam create-access-key`.' : ''}`.trim(), ev, {}, n === 0 ? 'no-access-key' : undefined);
  }
  if (s.attached_policies !== undefined) {
    const n = u.attached.length;
    const want = matchNumber(s.attached_policies, n);
    if (want && n > 0 && (s.attached_policies === 0 || (typeof s.attached_policies === 'object' && (s.attached_policies.eq === 0 || s.attached_policies.lte === 0 || s.attached_policies.lt === 1))))
      return fail(`User ${s.name} should have no managed policies, but ${u.attached.map((p) => p.name).join(' and ')} ${n === 1 ? 'is' : 'are'} attached.`, ev, { attached: listOr(u.attached.map((p) => p.name)) }, 'user-has-permissions');
    if (want) return fail(`User ${s.name} has ${n ? `${n} managed polic${n === 1 ? 'y' : 'ies'} attached (${u.attached.map((p) => p.name).join(', ')})` : 'no managed policies attached'}; it should have ${want}.`, ev, { attached: listOr(u.attached.map((p) => p.name)) }, n ? 'user-has-permissions' : undefined);
  }
  if (s.groups !== undefined) {
    const want = matchNumber(s.groups, u.groups.length);
    if (want) return fail(`User ${s.name} is in ${u.groups.length ? `the groups ${u.groups.join(', ')}` : 'no group'}; it should be in ${want}.`, ev);
  }
  if (s.no_permissions) {
    const what = [
      ...u.attached.map((p) => `${p.name} is attached`),
      ...u.inline.map((p) => `it has the inline policy ${p.name}`),
      ...u.groups.map((g) => `it is in group ${g}`),
    ];
    if (what.length) return fail(`User ${s.name} should have no permissions at all, but ${what.join(', ')}.`, ev, { attached: listOr(u.attached.map((p) => p.name)) }, 'user-has-permissions');
  }
  const props = [s.login_profile ? 'console access' : '', s.active_access_keys !== undefined ? 'an active access key' : '', s.no_permissions ? 'no permissions' : ''].filter(Boolean);
  return pass(`User ${s.name} exists${props.length ? ` (${props.join(', ')})` : ''}.`, ev);
}

function userSummary(u: UserView): string {
  return `user ${u.arn}: console ${u.hasLoginProfile ? 'yes' : 'no'}, access keys ${u.accessKeys.map((k) => `${k.accessKeyId} ${k.status}`).join(', ') || 'none'}, attached ${listOr(u.attached.map((p) => p.name))}, inline ${listOr(u.inline.map((p) => p.name))}, groups ${listOr(u.groups)}`;
}

function roleSummary(r: RoleView): string {
  return `role ${r.arn}: trust ${docLines(r.trust)}; attached ${listOr(r.attached.map((p) => p.name))}; inline ${listOr(r.inline.map((p) => p.name))}${r.description ? `; description "${r.description}"` : ''}`;
}

async function roleLeaf(s: NonNullable<CheckSpec['role']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const r = await b.getRole(a, s.name);
  if (s.exists === false) return r ? fail(`Role ${s.name} still exists${inAcct(a, ctx)}; it should not.`) : pass(`There is no role ${s.name}, as required.`);
  if (!r) return missing('role', s.name, a, b, ctx);
  const ev: Evidence[] = [{ kind: 'read', text: roleSummary(r) }];
  if (s.description !== undefined) {
    if (!r.description) return fail(`Role ${s.name} has no description yet. Give it one (\`--description\` on create-role, or \`aws iam update-role --description\`).`, ev, {}, 'no-description');
    if (s.description !== true && r.description !== s.description) return fail(`Role ${s.name}'s description is "${r.description}", not "${s.description}".`, ev);
  }
  if (s.max_session !== undefined) {
    const want = matchNumber(s.max_session, r.maxSessionDuration);
    if (want) return fail(`Role ${s.name}'s maximum session duration is ${r.maxSessionDuration} seconds; it should be ${want}.`, ev);
  }
  return pass(`Role ${s.name} exists${inAcct(a, ctx)}.`, ev);
}

async function policyLeaf(s: NonNullable<CheckSpec['policy']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const name = s.name ?? policyNameOf(s.arn!);
  const p = s.arn ? await b.getManagedPolicy(s.arn) : await b.getManagedPolicy(`arn:aws:iam::${a}:policy/${name}`) ?? (await b.listPolicies(a)).find((x) => x.name === name);
  if (s.exists === false) return p ? fail(`The policy ${name} still exists; it should not.`) : pass(`There is no policy ${name}, as required.`);
  if (p) return pass(`The customer managed policy ${p.name} exists.`, [{ kind: 'read', text: `policy ${p.arn}: ${docLines(p.document)}` }]);
  const mine = (await b.listPolicies(a)).map((x) => x.name);
  const near = closestName(name, mine);
  const ev: Evidence[] = [{ kind: 'read', text: `customer managed policies${inAcct(a, ctx)}: ${listOr(mine)}` }];
  if (near) return fail(`There is no customer managed policy named ${name}, but there is one named ${near} — check the spelling.`, ev, { found: near, closest: near, expected: name }, 'name-typo');
  return fail(`There is no customer managed policy named ${name}${inAcct(a, ctx)} yet. Create it with \`aws iam create-policy --policy-name ${name} --policy-document file://…\`.`, ev);
}

async function bucketLeaf(s: NonNullable<CheckSpec['bucket']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const all = await b.listBuckets(a);
  const bk = all.find((x) => x.name === s.name);
  if (s.exists === false) return bk ? fail(`Bucket ${s.name} still exists; it should not.`) : pass(`There is no bucket ${s.name}, as required.`);
  const ev: Evidence[] = [{ kind: 'read', text: `buckets${inAcct(a, ctx)}: ${listOr(all.map((x) => x.name))}` }];
  if (!bk) return fail(`There is no bucket named ${s.name}${inAcct(a, ctx)}.`, ev);
  if (s.objects !== undefined) {
    const want = matchNumber(s.objects, bk.objectCount);
    if (want) return fail(`Bucket ${s.name} holds ${bk.objectCount} objects; it should hold ${want}.`, ev);
  }
  return pass(`Bucket ${s.name} exists.`, ev);
}

async function instanceLeaf(s: NonNullable<CheckSpec['instance']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const all = await b.listInstances(a);
  const it = all.find((x) => (s.id ? x.instanceId === s.id : x.name === s.name));
  const label = s.id ?? s.name!;
  if (s.exists === false) return it ? fail(`Instance ${label} still exists; it should not.`) : pass(`There is no instance ${label}, as required.`);
  const ev: Evidence[] = [{ kind: 'read', text: `instances${inAcct(a, ctx)}: ${listOr(all.map((x) => `${x.instanceId}${x.name ? ` (${x.name})` : ''} ${x.state ?? ''}`))}` }];
  if (!it) return fail(`There is no EC2 instance ${label}${inAcct(a, ctx)}.`, ev);
  if (s.state && it.state !== s.state) return fail(`Instance ${label} is ${it.state}, not ${s.state}.`, ev);
  return pass(`Instance ${label} exists${s.state ? ` and is ${s.state}` : ''}.`, ev);
}

type Entity = { kind: 'user' | 'role' | 'group'; name: string; view: UserView | RoleView | GroupView };

async function entity(s: { user?: string; role?: string; group?: string }, a: string, b: CheckBackend, ctx: CheckContext): Promise<Entity | Out> {
  if (s.user !== undefined) {
    const v = await b.getUser(a, s.user);
    return v ? { kind: 'user', name: s.user, view: v } : missing('user', s.user, a, b, ctx);
  }
  if (s.role !== undefined) {
    const v = await b.getRole(a, s.role);
    return v ? { kind: 'role', name: s.role, view: v } : missing('role', s.role, a, b, ctx);
  }
  const v = await b.getGroup(a, s.group!);
  return v ? { kind: 'group', name: s.group!, view: v } : missing('group', s.group!, a, b, ctx);
}

function isOut(x: Entity | Out): x is Out {
  return 'status' in x;
}

async function attachedLeaf(s: NonNullable<CheckSpec['attached']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const ent = await entity(s, a, b, ctx);
  if (isOut(ent)) return ent;
  const pname = policyNameOf(s.policy);
  const has = (list: Array<{ name: string; arn: string }>) => list.some((p) => (s.policy.startsWith('arn:') ? p.arn === s.policy : p.name === s.policy));
  const att = ent.view.attached;
  const ev: Evidence[] = [{ kind: 'read', text: `${ent.kind} ${ent.name}: attached ${listOr(att.map((p) => p.name))}; inline ${listOr(ent.view.inline.map((p) => p.name))}` }];
  const vars = { attached: listOr(att.map((p) => p.name)), policy: pname, [ent.kind]: ent.name };
  if (s.attached === false) {
    return has(att) ? fail(`${pname} is attached to ${ent.kind} ${ent.name}; it should not be.`, ev, vars) : pass(`${pname} is not attached to ${ent.kind} ${ent.name}, as required.`, ev, vars);
  }
  if (has(att)) return pass(`${pname} is attached to ${ent.kind} ${ent.name}.`, ev, vars);
  if (ent.view.inline.some((p) => p.name === pname)) {
    return fail(`${ent.kind[0]!.toUpperCase() + ent.kind.slice(1)} ${ent.name} has an inline policy named ${pname}, but the step asks for the managed policy ${pname} to be attached (\`aws iam attach-${ent.kind}-policy\`).`, ev, vars, 'inline-instead-of-managed');
  }
  // Nothing attached to the target, but the policy sits on another user or role: the usual slip.
  if (!att.length) {
    const elsewhere: string[] = [];
    for (const u of await b.listUsers(a)) if (has(u.attached)) elsewhere.push(`user ${u.name}`);
    for (const r of await b.listRoles(a)) if (has(r.attached)) elsewhere.push(`role ${r.name}`);
    if (elsewhere.length) {
      return fail(`${pname} is attached to ${elsewhere.join(' and ')}, not to ${ent.kind} ${ent.name}.`, ev, { ...vars, found: elsewhere.join(', ') }, 'attached-to-wrong-entity');
    }
  }
  const other = att.length ? ` (attached to it: ${att.map((p) => p.name).join(', ')})` : '';
  const pol = await findPolicy(s.policy, a, b);
  const exists = pol ? '' : ` There is no policy named ${pname} yet.`;
  return fail(`${pname} is not attached to ${ent.kind} ${ent.name}${other}.${exists}`, ev, vars, att.length ? 'other-policy-attached' : undefined);
}

async function inlineLeaf(s: NonNullable<CheckSpec['inline']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const ent = await entity(s, a, b, ctx);
  if (isOut(ent)) return ent;
  const inl = ent.view.inline;
  const who = `${ent.kind} ${ent.name}`;
  const Who = who[0]!.toUpperCase() + who.slice(1);
  const ev: Evidence[] = inl.length ? inl.map((p) => ({ kind: 'read' as const, text: `${who} inline ${p.name}: ${docLines(p.document)}` })) : [{ kind: 'read', text: `${who}: no inline policies` }];
  const candidates = s.name ? inl.filter((p) => p.name === s.name) : inl;
  if (s.exists === false) return candidates.length ? fail(`${Who} has the inline policy ${candidates[0]!.name}; it should not.`, ev) : pass(`${Who} has no such inline policy, as required.`, ev);
  if (!candidates.length) {
    const attached = ent.view.attached.map((p) => p.name);
    if (s.name && inl.length) return fail(`${Who} has no inline policy named ${s.name} (its inline policies: ${inl.map((p) => p.name).join(', ')}).`, ev);
    if (attached.length) return fail(`${Who} has no inline policy${s.name ? ` named ${s.name}` : ''}; it has managed policies attached (${attached.join(', ')}), but this step asks for an inline policy (\`aws iam put-${ent.kind}-policy\`).`, ev, {}, 'managed-instead-of-inline');
    return fail(`${Who} has no inline policy yet. Add one with \`aws iam put-${ent.kind}-policy\`.`, ev, {}, 'no-inline-policy');
  }
  for (const [want, effect] of [
    [s.allows, 'allow'],
    [s.denies, 'deny'],
  ] as const) {
    if (!want) continue;
    const res = want.resource ?? '*';
    const hit = candidates.find((p) => docDecision(p.document, want.action, res, a, p.name) === effect);
    if (!hit) {
      const verb = effect === 'allow' ? 'allows' : 'denies';
      return fail(
        `No inline policy of ${who} ${verb} ${want.action} on ${res}. ${candidates.map((p) => `${p.name} says: ${docLines(p.document)}`).join('; ')}.`,
        ev,
        { found: candidates.map((p) => docLines(p.document)).join('; '), expected: `${want.action} on ${res}`, action: want.action, resource: res },
        effect === 'allow' ? 'inline-does-not-allow' : 'inline-does-not-deny',
      );
    }
  }
  const what = s.allows ? ` that allows ${s.allows.action} on ${s.allows.resource ?? '*'}` : s.denies ? ` that denies ${s.denies.action}` : '';
  return pass(`${Who} has an inline policy${what}.`, ev);
}

// ------------------------------------------------------------------ trust

function trustPrincipals(doc: PolicyDocument, effect: 'Allow' | 'Deny'): TrustPrincipal[] {
  const out: TrustPrincipal[] = [];
  for (const st of doc.Statement) {
    if (st.Effect !== effect) continue;
    const acts = st.Action ?? [];
    const covers = st.NotAction ? !st.NotAction.some((p) => policy.actionMatches(p, 'sts:AssumeRole')) : acts.some((p) => policy.actionMatches(p, 'sts:AssumeRole'));
    if (!covers) continue;
    if (st.Principal === '*') {
      out.push({ raw: '*', type: '*' });
      continue;
    }
    for (const [type, vals] of Object.entries(st.Principal ?? {})) {
      for (const v of vals ?? []) {
        const d = type === 'AWS' ? describeArn(v) : undefined;
        out.push({ raw: v, type: v === '*' && type === 'AWS' ? '*' : type, ...(d ? { described: d } : {}) });
      }
    }
  }
  return out;
}

/** A named principal whose name is a near miss of the wanted one and that does not exist itself (so a typo, not another real principal). */
async function nearMiss(named: TrustPrincipal[], w: PrincipalPattern, b: CheckBackend): Promise<TrustPrincipal | undefined> {
  for (const t of named) {
    const d = t.described;
    if (!d || d.kind !== w.kind || d.accountId !== w.accountId || !d.name || !w.name || !closestName(w.name, [d.name], 3)) continue;
    const exists = d.kind === 'user' ? await b.getUser(d.accountId, d.name) : d.kind === 'role' ? await b.getRole(d.accountId, d.name) : undefined;
    if (!exists) return t;
  }
  return undefined;
}

async function trustLeaf(s: NonNullable<CheckSpec['trust']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const r = await b.getRole(a, s.role);
  if (!r) return missing('role', s.role, a, b, ctx);
  const effect = s.effect ?? 'Allow';
  const named = trustPrincipals(r.trust, effect);
  const shown = named.map((p) => trustPrincipalDisplay(p, ctx.defaultAccount));
  const ev: Evidence[] = [{ kind: 'read', text: `trust policy of ${s.role}: ${docLines(r.trust)}` }];
  const verb = effect === 'Allow' ? 'allows' : 'denies';
  const names = shown.length ? shown.join(', ') : effect === 'Allow' ? 'nobody' : 'nobody';
  const vars: Record<string, string> = { found: names, role: s.role };

  if (s.principal_account !== undefined) {
    const want = acct(s.principal_account, ctx);
    const hit = named.some((p) => p.described && p.described.accountId === want);
    if (!hit) {
      const accts = [...new Set(named.map((p) => p.described?.accountId).filter((x): x is string => !!x))];
      const near = accts.find((x) => closestName(want, [x], 2));
      return fail(
        `The trust policy of ${s.role} ${verb} sts:AssumeRole for ${names}, but no principal of account ${want}.${near ? ` Account ${near} looks like a typo of ${want}.` : ''}`,
        ev,
        { ...vars, expected: `account ${want}` },
        near ? 'account-typo' : 'wrong-account-trusted',
      );
    }
  }

  const wants = s.principal === undefined ? [] : (Array.isArray(s.principal) ? s.principal : [s.principal]).map((p) => resolvePrincipal(p, ctx));
  for (const w of wants) {
    const hit = named.some((p) => trustNames(p, w));
    if (s.names === false) {
      if (hit) return fail(`The trust policy of ${s.role} still ${verb} ${w.display}; it should not.`, ev, { ...vars, expected: w.display });
      continue;
    }
    if (hit) continue;
    vars.expected = w.display;
    // Why not? A near miss (typo), the account instead of the user, or something else.
    const near = await nearMiss(named, w, b);
    if (near) {
      const nd = trustPrincipalDisplay(near, ctx.defaultAccount);
      return fail(`The trust policy of ${s.role} names ${nd} but not ${w.display} — a typo?`, ev, { ...vars, found: nd, closest: nd }, 'arn-typo');
    }
    const rootOf = named.find((p) => p.described?.kind === 'root' && p.described.accountId === w.accountId);
    if (rootOf && (w.kind === 'user' || w.kind === 'role')) {
      return fail(
        `The trust policy of ${s.role} names the whole account ${w.accountId} (root), not ${w.display}. Trusting the account only delegates to that account's own policies; the step asks for ${w.display} itself.`,
        ev,
        { ...vars, found: `account ${w.accountId} (root)` },
        'trusts-account-not-principal',
      );
    }
    const deleted = named.find((p) => p.described?.kind === 'unique-id');
    if (deleted) {
      return fail(`The trust policy of ${s.role} names ${deleted.raw}, the unique id of a deleted user or role — re-save the trust policy with ${w.display}'s ARN.`, ev, { ...vars, found: deleted.raw }, 'deleted-principal');
    }
    const other = effect === 'Allow' ? trustPrincipals(r.trust, 'Deny').filter((p) => trustNames(p, w)) : [];
    if (other.length) return fail(`The trust policy of ${s.role} names ${w.display}, but in a Deny statement, not an Allow.`, ev, vars, 'deny-instead-of-allow');
    return fail(`The trust policy of ${s.role} ${verb} sts:AssumeRole for ${names}, but not for ${w.display}.`, ev, vars, 'principal-missing');
  }
  if (s.only) {
    const extra = named.filter((p) => !wants.some((w) => trustNames(p, w)));
    if (extra.length) {
      const ex = extra.map((p) => trustPrincipalDisplay(p, ctx.defaultAccount)).join(', ');
      return fail(`The trust policy of ${s.role} also ${verb} ${ex}; it should name only ${wants.map((w) => w.display).join(' and ')}.`, ev, { ...vars, found: ex }, 'extra-principal');
    }
  }
  const what = wants.length ? wants.map((w) => w.display).join(' and ') : s.principal_account ? `account ${acct(s.principal_account, ctx)}` : names;
  return pass(`The trust policy of ${s.role} ${verb} sts:AssumeRole for ${what}.`, ev, vars);
}

// ------------------------------------------------------------------ decisions

async function principalExists(p: PrincipalPattern, b: CheckBackend, ctx: CheckContext): Promise<Out | undefined> {
  if (p.kind === 'user' && !(await b.getUser(p.accountId, p.name!))) return missing('user', p.name!, p.accountId, b, ctx);
  if ((p.kind === 'role' || p.kind === 'assumed-role') && !(await b.getRole(p.accountId, p.name!))) return missing('role', p.name!, p.accountId, b, ctx);
  return undefined;
}

function matchesReason(e: Explanation, reason: 'explicit' | 'implicit' | undefined, deniedBy: string | undefined): string | undefined {
  if (reason === 'explicit' && e.reason !== 'explicit-deny') return 'implicit';
  if (reason === 'implicit' && e.reason !== 'implicit-deny') return 'explicit';
  if (deniedBy && !e.deniedBy.includes(deniedBy as never)) return 'where';
  return undefined;
}

function denialWords(e: Explanation): string {
  if (e.reason === 'explicit-deny') return `an explicit Deny in ${e.deniedBy.map((k) => KIND_WORDS[k] ?? k).join(' and ')} (${decidingText(e)})`;
  const kinds = e.deniedBy.map((k) => (KIND_WORDS[k] ?? k).replace(/^(an?|the) /, ''));
  return `an implicit deny (no ${kinds.length ? kinds.join(' or ') : 'policy'} allows it)`;
}

async function decisionLeaf(s: NonNullable<CheckSpec['decision']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const p = resolvePrincipal(s.principal, ctx);
  const gone = await principalExists(p, b, ctx);
  if (gone) return gone;
  const resource = s.resource ?? '*';
  const e = await b.decide({ principal: p.arn, action: s.action, resource, ...(s.context ? { context: s.context } : {}) });
  const expect = s.expect ?? 'allowed';
  const ev: Evidence[] = [{ kind: 'decision', text: `${p.display} ${s.action} on ${resource}: ${e.decision} — ${e.summary}` }];
  const vars = { why: whyText(e), principal: p.display, action: s.action, resource };
  const what = `${p.display} → ${s.action}${resource === '*' ? '' : ` on ${resource}`}`;
  if (expect === 'allowed') {
    if (e.decision === 'Allow') return pass(`${what} is allowed.`, ev, vars);
    return fail(`${what} is denied: ${whyText(e)}`, ev, vars, e.reason === 'explicit-deny' ? 'explicitly-denied' : 'not-allowed');
  }
  if (e.decision === 'Allow') return fail(`${what} is allowed, but should be denied. Allowed by ${decidingText(e)}.`, ev, vars, 'still-allowed');
  const mism = matchesReason(e, s.reason, s.denied_by);
  if (mism) {
    const want = s.reason === 'explicit' ? `an explicit Deny${s.denied_by ? ` in ${KIND_WORDS[s.denied_by]}` : ''}` : s.reason === 'implicit' ? 'an implicit deny (no policy allows it)' : `a denial by ${KIND_WORDS[s.denied_by!]}`;
    return fail(`${what} is denied, but by ${denialWords(e)} — the step expects ${want}.`, ev, vars, 'denied-for-another-reason');
  }
  return pass(`${what} is denied (${e.reason === 'explicit-deny' ? 'explicit deny' : 'implicit deny'}): ${whyText(e)}`, ev, vars);
}

async function roleArnFor(role: string, account: string | undefined, b: CheckBackend, ctx: CheckContext): Promise<{ arn: string; view?: RoleView; accountId: string; name: string }> {
  if (role.startsWith('arn:')) {
    const d = describeArn(role);
    const name = d?.name ?? role;
    const accountId = d?.accountId ?? ctx.defaultAccount;
    const view = await b.getRole(accountId, name);
    return { arn: view?.arn ?? role, ...(view ? { view } : {}), accountId, name };
  }
  const a = acct(account, ctx);
  const view = await b.getRole(a, role);
  return { arn: view?.arn ?? `arn:aws:iam::${a}:role/${role}`, ...(view ? { view } : {}), accountId: a, name: role };
}

async function assumeLeaf(s: NonNullable<CheckSpec['can_assume']>, expect: 'allowed' | 'denied', b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const p = resolvePrincipal(s.principal, ctx);
  const gone = await principalExists(p, b, ctx);
  if (gone) return gone;
  const role = await roleArnFor(s.role, s.account, b, ctx);
  if (!role.view) {
    if (expect === 'denied') return pass(`${p.display} cannot assume ${role.name}: there is no such role${inAcct(role.accountId, ctx)}.`);
    return missing('role', role.name, role.accountId, b, ctx);
  }
  const e = await b.canAssume({ principal: p.arn, roleArn: role.arn, ...(s.context ? { context: s.context } : {}) });
  const ev: Evidence[] = [
    { kind: 'decision', text: `${p.display} sts:AssumeRole on ${role.arn}: ${e.decision} — ${e.summary}` },
    { kind: 'read', text: `trust policy of ${role.name}: ${docLines(role.view.trust)}` },
  ];
  const vars: Record<string, string> = { why: whyText(e), principal: p.display, role: role.name };
  if (expect === 'allowed') {
    if (e.decision === 'Allow') return pass(`${p.display} can assume ${role.name}.`, ev, vars);
    const { message, diagnosis } = await explainAssumeDenial(p, role.view, e, b, ctx);
    return fail(message, ev, vars, diagnosis);
  }
  if (e.decision === 'Allow') return fail(`${p.display} can still assume ${role.name} — allowed by ${decidingText(e)}.`, ev, vars, 'still-can-assume');
  const mism = matchesReason(e, s.reason, s.denied_by);
  if (mism) {
    const want = s.reason === 'explicit' ? `an explicit Deny${s.denied_by ? ` in ${KIND_WORDS[s.denied_by]}` : ''}` : s.reason === 'implicit' ? 'an implicit deny' : `${KIND_WORDS[s.denied_by!]}`;
    return fail(`${p.display} cannot assume ${role.name}, but because of ${denialWords(e)} — the step asks for ${want}.`, ev, vars, 'denied-for-another-reason');
  }
  return pass(`${p.display} cannot assume ${role.name}: ${whyText(e)}`, ev, vars);
}

/** Phrase a denied AssumeRole for the learner: which side is missing, and the likely mistake. */
async function explainAssumeDenial(p: PrincipalPattern, role: RoleView, e: Explanation, b: CheckBackend, ctx: CheckContext): Promise<{ message: string; diagnosis?: string }> {
  const head = `${p.display} cannot assume ${role.name}`;
  if (e.reason === 'explicit-deny') return { message: `${head}: ${denialWords(e)}.`, diagnosis: 'explicitly-denied' };
  const allows = trustPrincipals(role.trust, 'Allow');
  const trustNamesP = allows.some((t) => trustNames(t, p));
  const trustsAcct = allows.some((t) => t.described?.kind === 'root' && t.described.accountId === p.accountId);
  const sameAccount = p.accountId === role.accountId;
  const shown = allows.map((t) => trustPrincipalDisplay(t, ctx.defaultAccount));
  if (e.deniedBy.includes('trust') && !trustNamesP && !trustsAcct) {
    const near = await nearMiss(allows, p, b);
    if (near) return { message: `${head}: the trust policy names ${trustPrincipalDisplay(near, ctx.defaultAccount)}, not ${p.display} — a typo?`, diagnosis: 'arn-typo' };
    return {
      message: `${head}: the trust policy of ${role.name} does not allow ${p.display} (it allows ${shown.length ? shown.join(', ') : 'nobody'}).`,
      diagnosis: 'not-trusted',
    };
  }
  if (e.deniedBy.includes('identity')) {
    if (!sameAccount) {
      return {
        message: `${head}: this is cross-account, so both sides must allow it. The trust policy in account ${role.accountId} ${trustNamesP || trustsAcct ? 'does' : 'does not'} allow it, but no identity-based policy of ${p.display} in account ${p.accountId} allows sts:AssumeRole on ${role.arn}.`,
        diagnosis: 'cross-account-identity-missing',
      };
    }
    if (trustsAcct && !trustNamesP) {
      return {
        message: `${head}: the trust policy trusts the whole account ${role.accountId} (root), which only delegates to the account's own policies — and no identity-based policy of ${p.display} allows sts:AssumeRole on ${role.name}. Name ${p.display} in the trust policy, or give it a policy that allows sts:AssumeRole.`,
        diagnosis: 'trusts-account-no-identity-policy',
      };
    }
  }
  if (e.deniedBy.includes('boundary')) return { message: `${head}: a permissions boundary does not allow sts:AssumeRole.`, diagnosis: 'boundary' };
  return { message: `${head}: ${whyText(e)}`, diagnosis: 'not-allowed' };
}

async function grantsLeaf(s: NonNullable<CheckSpec['policy_grants']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const a = acct(s.account, ctx);
  const pol = await findPolicy(s.policy, a, b);
  const pname = policyNameOf(s.policy);
  if (!pol) {
    return policyLeaf({ name: pname, ...(s.account ? { account: s.account } : {}) }, b, ctx);
  }
  const ev: Evidence[] = [{ kind: 'read', text: `policy ${pol.arn}: ${docLines(pol.document)}` }];
  for (const act of s.allows ?? []) {
    if (docDecision(pol.document, act, '*', a, pol.name) !== 'allow') {
      return fail(`${pol.name} does not allow ${act}, which it should.`, ev, { policy: pol.name, action: act, expected: act }, 'missing-action');
    }
  }
  const noneMatch = s.none_match === undefined ? [] : Array.isArray(s.none_match) ? s.none_match : [s.none_match];
  for (const pattern of noneMatch) {
    const bad = allowedMatching(pol.document, pattern);
    ev.push({ kind: 'decision', text: `${pol.name} allows ${bad.length} of the ${actionsMatching(pattern).length} catalogue actions matching ${pattern}` });
    if (bad.length) {
      const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
      return fail(`${pol.name} still allows ${bad.length} action${bad.length === 1 ? '' : 's'} matching ${pattern}: ${shown}.`, ev, { policy: pol.name, found: shown }, 'grants-forbidden-actions');
    }
  }
  if (s.no_access) {
    const levels = s.no_access;
    const bad = allowedMatching(pol.document, '*').filter((x) => (levels as readonly string[]).includes(accessLevel(x) ?? ''));
    ev.push({ kind: 'decision', text: `${pol.name} allows ${bad.length} catalogue actions of access level ${levels.join(' / ')}` });
    if (bad.length) {
      const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
      return fail(`${pol.name} allows ${bad.length} action${bad.length === 1 ? '' : 's'} that change things (${levels.join(', ')}): ${shown}. A view-only policy should only list and read.`, ev, { policy: pol.name, found: shown }, 'grants-write-actions');
    }
  }
  const parts = [
    s.allows?.length ? `allows ${s.allows.join(', ')}` : '',
    noneMatch.length ? `allows nothing matching ${noneMatch.join(', ')}` : '',
    s.no_access ? `allows nothing of access level ${s.no_access.join(', ')}` : '',
  ].filter(Boolean);
  return pass(`${pol.name} ${parts.join(', and ')}.`, ev);
}

// ------------------------------------------------------------------ identities

const COLOURS: Record<string, string> = {
  f2b0a9: 'red',
  '83d4e8': 'blue',
  '99bce3': 'blue',
  b7ca9d: 'green',
  efda95: 'yellow',
  fad791: 'yellow',
  fbc8aa: 'orange',
  fbbf93: 'orange',
};

/** Colour names and the console's hex values compared as the same colour. */
export function colourName(c: string | undefined): string | undefined {
  if (!c) return undefined;
  const x = c.trim().toLowerCase().replace(/^#/, '');
  return COLOURS[x] ?? x;
}

async function identityLeaf(s: NonNullable<CheckSpec['identity']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const ev: Evidence[] = [];
  const msgs: string[] = [];
  if (s.shell) {
    const want = resolvePrincipal(s.shell, ctx);
    const id = await b.shellIdentity();
    ev.push({ kind: 'identity', text: `shell: ${id.caller ? id.caller.arn : 'no working credentials'} (from ${id.source})` });
    if (!id.caller) return fail(`Your shell has no working credentials: ${id.problem ?? 'nothing is configured'}.`, ev, { expected: want.display }, 'no-credentials');
    if (!callerMatches(want, id.caller.arn)) {
      const found = shortArn(id.caller.arn, ctx.defaultAccount);
      let tip = '';
      let diagnosis = 'wrong-identity';
      if (want.kind === 'assumed-role' && id.caller.type !== 'AssumedRole') {
        if (!id.env.accessKeyId) {
          tip = ' Nothing is exported: copy AccessKeyId, SecretAccessKey and SessionToken from the assume-role output into AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN with `export`.';
          diagnosis = 'credentials-not-exported';
        } else if (!id.env.hasSessionToken) {
          tip = ' Did you export AWS_SESSION_TOKEN?';
          diagnosis = 'session-token-missing';
        }
      }
      return fail(`Your shell runs as ${found}, not ${want.display}.${tip}`, ev, { found, expected: want.display }, diagnosis);
    }
    msgs.push(`Your shell runs as ${shortArn(id.caller.arn, ctx.defaultAccount)}.`);
  }
  if (s.console) {
    const c = await b.console();
    if (!c) return error('The console is not available on this backend, so it cannot be checked here.');
    const active = c.active ? `assumed-role/${c.active.roleName} (${c.active.displayName}${c.active.color ? `, ${colourName(c.active.color)}` : ''}) in ${c.active.accountId}` : c.signedIn ? `user/${c.signedIn.userName}` : 'nobody';
    ev.push({ kind: 'identity', text: `console: signed in as ${c.signedIn ? c.signedIn.arn : 'nobody'}; active as ${active}; role history ${listOr(c.roleHistory.map((h) => `${h.roleName}@${h.accountId} (${h.displayName}${h.color ? `, ${colourName(h.color)}` : ''})`))}` });
    const cs = s.console;
    if (cs.signed_in) {
      const want = resolvePrincipal(cs.signed_in, ctx);
      if (!c.signedIn) return fail(`Nobody is signed in to the console. Sign in with \`console sign-in ${want.name ?? ''}\`.`.replace(' ``', ''), ev, { expected: want.display }, 'not-signed-in');
      if (!callerMatches(want, c.signedIn.arn)) {
        const found = shortArn(c.signedIn.arn, ctx.defaultAccount);
        return fail(`The console is signed in as ${found}, not ${want.display}.`, ev, { found, expected: want.display }, 'wrong-console-user');
      }
      msgs.push(`The console is signed in as ${want.display}.`);
    }
    if (cs.active || cs.display !== undefined || cs.colour !== undefined) {
      const want = cs.active ? resolvePrincipal(cs.active, ctx) : undefined;
      const activeArn = c.active ? `arn:aws:sts::${c.active.accountId}:assumed-role/${c.active.roleName}/${c.signedIn?.userName ?? 'session'}` : c.signedIn?.arn;
      if (want) {
        if (!activeArn) return fail(`Nobody is signed in to the console, so it cannot act as ${want.display}.`, ev, { expected: want.display }, 'not-signed-in');
        const ok = want.kind === 'assumed-role' ? !!c.active && c.active.roleName === want.name && c.active.accountId === want.accountId : callerMatches(want, activeArn);
        if (!ok) {
          const found = c.active ? `assumed-role/${c.active.roleName}` : shortArn(activeArn, ctx.defaultAccount);
          const tip = want.kind === 'assumed-role' && !c.active ? ' Use `console switch-role`.' : want.kind === 'user' && c.active ? ' Use `console switch-back`.' : '';
          return fail(`The console is active as ${found}, not ${want.display}.${tip}`, ev, { found, expected: want.display }, c.active && want.kind === 'user' ? 'still-switched' : 'wrong-console-identity');
        }
      }
      if (cs.display !== undefined || cs.colour !== undefined) {
        if (!c.active) return fail('The console is not switched to a role, so there is no display name or colour to show.', ev, {}, 'not-switched');
        if (cs.display !== undefined && (cs.display === true ? !c.active.displayName : c.active.displayName !== cs.display))
          return fail(`The console's display name is "${c.active.displayName}"${cs.display === true ? ', but a display name is needed' : `, not "${cs.display}"`}.`, ev, { found: c.active.displayName }, 'wrong-display-name');
        if (cs.colour !== undefined && colourName(c.active.color) !== colourName(cs.colour))
          return fail(`The console's colour is ${c.active.color ? colourName(c.active.color) : 'not set'}, not ${colourName(cs.colour)}.`, ev, { found: colourName(c.active.color) ?? 'none', expected: colourName(cs.colour) ?? '' }, 'wrong-colour');
      }
      if (want) msgs.push(`The console is active as ${want.display}${c.active ? ` ("${c.active.displayName}"${c.active.color ? `, ${colourName(c.active.color)}` : ''})` : ''}.`);
    }
    if (cs.switched === false && c.active) return fail(`The console is still switched to ${c.active.roleName}. Use \`console switch-back\`.`, ev, { found: c.active.roleName }, 'still-switched');
    if (cs.switched === true && !c.active) return fail('The console is not switched to any role.', ev, {}, 'not-switched');
    if (cs.history) {
      const h = cs.history;
      const a = acct(h.account, ctx);
      const entries = c.roleHistory.filter((x) => x.roleName === h.role && x.accountId === a);
      if (!entries.length) {
        const near = closestName(h.role, c.roleHistory.map((x) => x.roleName));
        return fail(
          `The console has not switched to ${h.role}${inAcct(a, ctx)} yet${c.roleHistory.length ? ` (it has switched to: ${c.roleHistory.map((x) => x.roleName).join(', ')})` : ''}.${near ? ` ${near} looks like a typo of ${h.role}.` : ''}`,
          ev,
          { expected: h.role },
          near ? 'name-typo' : 'not-switched',
        );
      }
      const good = entries.find((x) => (h.display === undefined || (h.display === true ? !!x.displayName : x.displayName === h.display)) && (h.colour === undefined || colourName(x.color) === colourName(h.colour)));
      if (!good) {
        const e0 = entries[0]!;
        if (h.colour !== undefined && colourName(e0.color) !== colourName(h.colour))
          return fail(`You switched to ${h.role} with colour ${e0.color ? colourName(e0.color) : 'none'}, not ${colourName(h.colour)}.`, ev, { found: colourName(e0.color) ?? 'none', expected: colourName(h.colour) ?? '' }, 'wrong-colour');
        return fail(`You switched to ${h.role} with the display name "${e0.displayName}"${h.display === true ? '' : `, not "${h.display}"`}.`, ev, { found: e0.displayName }, 'wrong-display-name');
      }
      msgs.push(`The console switched to ${h.role} ("${good.displayName}"${good.color ? `, ${colourName(good.color)}` : ''}).`);
    }
  }
  return pass(msgs.join(' ') || 'The identity is as expected.', ev);
}

async function envLeaf(s: NonNullable<CheckSpec['env']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const want = resolvePrincipal(s.credentials_of, ctx);
  if (s.profile !== undefined) {
    if (!b.profileCredentials) return error(`Shell profiles cannot be read on this backend, so profile ${s.profile} cannot be checked here.`);
    const c = await b.profileCredentials(s.profile);
    const pname = s.profile === 'default' ? 'The default profile' : `Profile ${s.profile}`;
    if (!c) return fail(`${pname} has no access keys. Configure it with \`aws configure${s.profile === 'default' ? '' : ` --profile ${s.profile}`}\`.`, [], { expected: want.display }, 'profile-empty');
    const who = await b.whoIs(c);
    const ev: Evidence[] = [{ kind: 'identity', text: `profile ${s.profile}: key ${c.accessKeyId} → ${who ? who.arn : 'not valid'}` }];
    if (!who) return fail(`${pname} holds keys that are not valid (unknown, mistyped or deactivated): ${c.accessKeyId}.`, ev, { expected: want.display }, 'invalid-credentials');
    if (!callerMatches(want, who.arn)) {
      const found = shortArn(who.arn, ctx.defaultAccount);
      return fail(`${pname} holds the keys of ${found}, not ${want.display}. Configure it with ${want.name ?? 'the right'}'s access key (\`aws configure\`).`, ev, { found, expected: want.display }, 'wrong-profile-keys');
    }
    return pass(`${pname} holds the keys of ${want.display}.`, ev);
  }
  const env = await b.shellEnv();
  const ev: Evidence[] = [
    {
      kind: 'identity',
      text: `exported: AWS_ACCESS_KEY_ID ${env.AWS_ACCESS_KEY_ID ? env.AWS_ACCESS_KEY_ID : 'not set'}, AWS_SECRET_ACCESS_KEY ${env.AWS_SECRET_ACCESS_KEY ? 'set' : 'not set'}, AWS_SESSION_TOKEN ${env.AWS_SESSION_TOKEN ? 'set' : 'not set'}${env.AWS_PROFILE ? `, AWS_PROFILE ${env.AWS_PROFILE}` : ''}`,
    },
  ];
  const vars = { expected: want.display };
  if (!env.AWS_ACCESS_KEY_ID) return fail(`No credentials are exported in your shell (AWS_ACCESS_KEY_ID is not set). Export the AccessKeyId, SecretAccessKey and SessionToken of ${want.display}.`, ev, vars, 'credentials-not-exported');
  if (!env.AWS_SECRET_ACCESS_KEY) return fail('AWS_ACCESS_KEY_ID is exported but AWS_SECRET_ACCESS_KEY is not.', ev, vars, 'secret-missing');
  if (env.AWS_ACCESS_KEY_ID.startsWith('ASIA') && !env.AWS_SESSION_TOKEN)
    return fail(`AWS_ACCESS_KEY_ID is a temporary key (ASIA…), but AWS_SESSION_TOKEN is not exported — did you export AWS_SESSION_TOKEN? Without it AWS rejects the key.`, ev, vars, 'session-token-missing');
  const who = await b.whoIs({ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) });
  if (!who) return fail('The exported credentials are not valid: unknown, mistyped (check every character) or expired.', ev, vars, 'invalid-credentials');
  ev.push({ kind: 'identity', text: `exported credentials belong to ${who.arn}` });
  if (!callerMatches(want, who.arn)) {
    const found = shortArn(who.arn, ctx.defaultAccount);
    return fail(`The exported credentials belong to ${found}, not ${want.display}.`, ev, { ...vars, found }, 'wrong-credentials-exported');
  }
  return pass(`Your shell has the credentials of ${shortArn(who.arn, ctx.defaultAccount)} exported.`, ev);
}

const HOW: Record<string, string> = {
  's3:listallmybuckets': 'list the buckets (`aws s3 ls`, or `console open s3`)',
  'ec2:describeinstances': 'open the EC2 instance list (`console open ec2`, or `aws ec2 describe-instances`)',
  'account:getaccountinformation': 'open the account page (`console open account`)',
  'sts:getcalleridentity': 'ask who you are (`aws sts get-caller-identity`)',
  'sts:assumerole': 'assume the role (`aws sts assume-role …`, or `console switch-role …`)',
  'iam:listroles': 'list the roles (`aws iam list-roles`)',
};

function eventLine(e: EventView, def: string): string {
  return `${e.time.toISOString()} ${shortArn(e.principalArn, def)} ${e.action || e.eventName} ${e.outcome}${e.errorCode ? ` (${e.errorCode})` : ''}${e.via ? ` via ${e.via}` : ''}${e.requestParameters.RoleSessionName ? ` session ${String(e.requestParameters.RoleSessionName)}` : ''}`;
}

/**
 * An `event` leaf: the backend's events since the mark, matched by matchEvents. When they hold no
 * match and the backend has a slower source (real mode: CloudTrail), its events are matched too,
 * by the same function; a miss the source may still deliver is `pending`, never `fail`.
 */
async function eventLeaf(s: NonNullable<CheckSpec['event']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const since = (s.since === 'lab_start' ? ctx.labMark : ctx.stepMark ?? ctx.labMark) ?? { at: new Date(0).toISOString(), seq: 0 };
  const own = (e: EventView) => e.via !== 'check' && e.via !== 'api';
  const local = (await b.events(since)).filter(own);
  const first = matchEvents(s, local, ctx);
  if (first.status === 'pass' || !b.lateEvents) return first;
  const late = await b.lateEvents(since, { action: s.action, ...(s.via ? { via: s.via } : {}), ...(s.poll ? { poll: s.poll } : {}) });
  const merged = [...local, ...late.events.filter(own)].sort((x, y) => x.time.getTime() - y.time.getTime());
  const second = matchEvents(s, merged, ctx);
  const evidence = [...second.evidence, ...late.evidence];
  if (second.status === 'pass') return { ...second, evidence };
  if (late.unavailable && s.via === 'console') return error(late.unavailable, evidence);
  if (late.pending) return { status: 'pending', message: `${late.pending} So far: ${second.message}`, evidence };
  return { ...second, evidence };
}

/** The event leaf's matcher (one for every backend): the newest event meeting every criterion, else the closest one's reason. */
function matchEvents(s: NonNullable<CheckSpec['event']>, all: EventView[], ctx: CheckContext): Out {
  const sinceWords = s.since === 'lab_start' ? 'since the lab began' : 'since this step began';
  const act = s.action.toLowerCase();
  const cands = all.filter((e) => (e.action || '').toLowerCase() === act || (!e.action && e.eventName.toLowerCase() === act.split(':')[1]));
  const want = s.principal ? resolvePrincipal(s.principal, ctx) : undefined;
  const recipient = s.account ? acct(s.account, ctx) : undefined;
  const ev: Evidence[] = [{ kind: 'event', text: `${cands.length} ${s.action} event${cands.length === 1 ? '' : 's'} ${sinceWords}${cands.length ? ': ' + cands.slice(-5).map((e) => eventLine(e, ctx.defaultAccount)).join('; ') : ''}` }];
  const who = want ? ` as ${want.display}` : '';
  const vars: Record<string, string> = { action: s.action, ...(want ? { expected: want.display } : {}) };
  const checks: Array<[string, (e: EventView) => boolean]> = [];
  if (want) checks.push(['principal', (e) => callerMatches(want, e.principalArn)]);
  if (s.via) checks.push(['via', (e) => e.via === s.via]);
  if (recipient) checks.push(['account', (e) => e.recipientAccountId === recipient]);
  if (s.resource) {
    const r = s.resource;
    checks.push(['resource', (e) => e.resources.some((x) => x === r || (r.includes('*') && policy.resourceMatches(r, x)))]);
  }
  for (const [k, v] of Object.entries(s.params ?? {})) checks.push([`param:${k}`, (e) => String(e.requestParameters[k] ?? '') === v]);
  if (s.outcome) checks.push(['outcome', (e) => e.outcome === s.outcome]);
  if (s.reason) checks.push(['reason', (e) => !!e.explanation && (s.reason === 'explicit' ? e.explanation.reason === 'explicit-deny' : e.explanation.reason === 'implicit-deny')]);

  const hit = [...cands].reverse().find((e) => checks.every(([, f]) => f(e)));
  if (hit) {
    const res = `${shortArn(hit.principalArn, ctx.defaultAccount)} called ${s.action} ${sinceWords}${hit.outcome === 'success' ? '' : ` and was denied (${hit.errorCode ?? 'error'})`}.`;
    return pass(res[0]!.toUpperCase() + res.slice(1), ev);
  }
  const how = HOW[act] ? ` — ${HOW[act]}` : '';
  if (!cands.length) {
    return fail(`Nobody has called ${s.action}${who} ${sinceWords}${how}.`, ev, vars, 'no-event');
  }
  // The closest event: the one that passes the most criteria, in order.
  let best = cands[cands.length - 1]!;
  let bestN = -1;
  for (const e of [...cands].reverse()) {
    let n = 0;
    for (const [, f] of checks) {
      if (!f(e)) break;
      n++;
    }
    if (n > bestN) [best, bestN] = [e, n];
  }
  const [failed] = checks[bestN]!;
  const found = shortArn(best.principalArn, ctx.defaultAccount);
  vars.found = found;
  switch (failed) {
    case 'principal': {
      const others = [...new Set(cands.map((e) => shortArn(e.principalArn, ctx.defaultAccount)))].join(', ');
      let tip = '';
      if (want?.kind === 'assumed-role' && cands.every((e) => e.principalType !== 'AssumedRole' && !/assumed-role/.test(e.principalArn ?? ''))) tip = ' Your credentials were not the role\'s: export the role session\'s credentials (or switch role) first.';
      return fail(`${s.action} was called ${sinceWords}, but as ${others}, not as ${want!.display}.${tip}`, ev, vars, 'event-wrong-principal');
    }
    case 'via':
      return fail(`${found} called ${s.action} ${sinceWords} from the ${best.via ?? 'API'}, but this step wants it done from the ${s.via}.`, ev, vars, 'event-wrong-place');
    case 'account':
      return fail(`${found} called ${s.action} ${sinceWords}, but in account ${best.recipientAccountId}, not ${recipient}.`, ev, vars, 'event-wrong-account');
    case 'resource':
      return fail(`${found} called ${s.action} ${sinceWords}, but on ${best.resources.join(', ') || 'no resource'}, not ${s.resource}.`, ev, vars, 'event-wrong-resource');
    case 'outcome':
      if (s.outcome === 'success') {
        const why = best.explanation ? ` ${whyText(best.explanation)}` : best.errorMessage ? ` (${best.errorMessage})` : '';
        return fail(`${found} called ${s.action} ${sinceWords}, but it was denied (${best.errorCode ?? 'error'}).${why}`, ev, { ...vars, why: why.trim() }, 'event-denied');
      }
      return fail(`${found} called ${s.action} ${sinceWords} and it succeeded; this step wants to see it denied.`, ev, vars, 'event-succeeded');
    case 'reason':
      return fail(`${found} was denied ${s.action} ${sinceWords}, but ${best.explanation ? `by ${denialWords(best.explanation)}` : 'for another reason'}; the step expects ${s.reason === 'explicit' ? 'an explicit Deny' : 'an implicit deny'}.`, ev, vars, 'event-other-reason');
    default: {
      const k = failed!.slice(6);
      const got = String(best.requestParameters[k] ?? '(none)');
      return fail(`${found} called ${s.action} ${sinceWords} with ${k} ${got}, not ${s.params![k]}.`, ev, { ...vars, found: got, expected: s.params![k]! }, 'event-wrong-parameter');
    }
  }
}

async function sessionLeaf(s: NonNullable<CheckSpec['session']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const { credentials, source } = await b.shellCredentials();
  const resource = s.resource ?? '*';
  const expect = s.expect ?? 'allowed';
  if (!credentials) return fail('Your shell has no credentials to test (nothing exported, no profile keys).', [], {}, 'no-credentials');
  const r = await b.decideWithCredentials(credentials, { action: s.action, resource });
  const ev: Evidence[] = [{ kind: 'decision', text: `credentials from ${source}${r.caller ? ` (${r.caller.arn}${r.caller.issuedAt ? `, issued ${r.caller.issuedAt.toISOString()}` : ''})` : ''}: ${s.action} on ${resource} → ${r.explanation ? `${r.explanation.decision} — ${r.explanation.summary}` : r.problem ?? 'no answer'}` }];
  const who = r.caller ? `Your shell's credentials (${shortArn(r.caller.arn, ctx.defaultAccount)}${r.caller.issuedAt ? `, issued ${r.caller.issuedAt.toISOString().replace('.000Z', 'Z')}` : ''})` : "Your shell's credentials";
  if (!r.explanation) {
    if (expect === 'denied') return pass(`${who} no longer work at all: ${r.problem ?? 'rejected'}.`, ev);
    return fail(`${who} do not work: ${r.problem ?? 'rejected'}.`, ev, {}, 'invalid-credentials');
  }
  const e = r.explanation;
  const vars = { why: whyText(e), action: s.action };
  if (expect === 'allowed') return e.decision === 'Allow' ? pass(`${who} are allowed ${s.action}.`, ev, vars) : fail(`${who} are denied ${s.action}: ${whyText(e)}`, ev, vars, 'session-denied');
  if (e.decision === 'Allow') return fail(`${who} are still allowed ${s.action} — allowed by ${decidingText(e)}.`, ev, vars, 'session-still-allowed');
  const mism = matchesReason(e, s.reason, undefined);
  if (mism) return fail(`${who} are denied ${s.action}, but by ${denialWords(e)}; the step expects ${s.reason === 'explicit' ? 'an explicit Deny' : 'an implicit deny'}.`, ev, vars, 'denied-for-another-reason');
  return pass(`${who} are now denied ${s.action}: ${whyText(e)}`, ev, vars);
}

// ------------------------------------------------------------------ answers

function normalize(s: string, how: readonly string[] | undefined): string {
  const steps = how ?? ['trim', 'collapse-space'];
  let x = s;
  if (steps.includes('trim')) x = x.trim().replace(/^["'`]+|["'`]+$/g, '').trim();
  if (steps.includes('collapse-space')) x = x.replace(/\s+/g, ' ');
  if (steps.includes('lowercase')) x = x.toLowerCase();
  return x;
}

function setOf(s: string, lower: boolean): string[] {
  return [...new Set(s.split(/[,;\n]+|\s+and\s+/).map((x) => x.trim().replace(/^["'`]+|["'`]+$/g, '')).filter(Boolean).map((x) => (lower ? x.toLowerCase() : x)))];
}

function givenAnswer(q: string | undefined, ctx: CheckContext): string | undefined {
  return q ? ctx.answers?.questions?.[q] : ctx.answers?.answer;
}

async function answerLeaf(s: NonNullable<CheckSpec['answer']>, b: CheckBackend, ctx: CheckContext): Promise<Out> {
  const given = givenAnswer(s.question, ctx);
  const qname = s.question ? ` to question ${s.question}` : '';
  if (given === undefined || given.trim() === '') return fail(`No answer${qname} yet. Type \`answer${s.question ? ` --question ${s.question}` : ''} <your answer>\`.`, [], {}, 'no-answer');
  const ev: Evidence[] = [{ kind: 'answer', text: `answer${qname}: ${given}` }];
  const lower = s.normalize?.includes('lowercase') ?? false;
  const vars: Record<string, string> = { given };

  if (s.arn) {
    const want = resolvePrincipal(s.arn, ctx);
    const g = normalize(given, ['trim']);
    const d = describeArn(g);
    if (d && d.kind === want.kind && d.accountId === want.accountId && d.name === want.name && g.startsWith('arn:')) return pass(`Right: ${g} is the ARN of ${want.display}.`, ev);
    if (!g.startsWith('arn:') || !d) return fail(`"${g}" is not an ARN; it should look like arn:aws:iam::ACCOUNT-ID:user/NAME.`, ev, vars, 'not-an-arn');
    if (d.kind !== want.kind) return fail(`That is the ARN of ${shortArn(g, ctx.defaultAccount)}, not of ${want.display}.`, ev, vars, 'wrong-kind');
    if (d.accountId !== want.accountId) return fail(`That ARN is in account ${d.accountId}; ${want.display} is in account ${want.accountId}.`, ev, vars, 'wrong-account');
    return fail(`That ARN names ${d.kind}/${d.name}; the ${want.kind} is called ${want.name}.`, ev, vars, 'name-typo');
  }
  if (s.from) {
    const f = s.from.who_can_assume;
    const role = await roleArnFor(f.role, f.account, b, ctx);
    const a = role.accountId;
    const candidates = f.among ?? (await b.listUsers(a)).map((u) => u.name);
    const who: string[] = [];
    for (const n of candidates) {
      const e = await b.canAssume({ principal: `arn:aws:iam::${a}:user/${n}`, roleArn: role.arn });
      if (e.decision === 'Allow') who.push(n);
    }
    ev.push({ kind: 'decision', text: `who can assume ${role.name} now: ${listOr(who)}` });
    return compareSets(setOf(given, true), who.map((x) => x.toLowerCase()), ev, vars, who, setOf(given, false));
  }
  if (s.set) {
    return compareSets(setOf(given, lower), s.set.map((x) => (lower ? x.toLowerCase() : x)), ev, vars, s.set, setOf(given, false));
  }
  const accepted = s.equals === undefined ? [] : Array.isArray(s.equals) ? s.equals : [s.equals];
  const g = normalize(given, s.normalize);
  if (accepted.some((x) => normalize(fillTemplate(x, accountVars(ctx.accounts)), s.normalize) === g)) return pass(`Right${qname}.`, ev);
  return fail(`"${given.trim()}" is not the right answer${qname}.`, ev, vars, 'wrong-answer');
}

function compareSets(got: string[], want: string[], ev: Evidence[], vars: Record<string, string>, display: string[], raw: string[]): Out {
  const missingOnes = want.filter((x) => !got.includes(x));
  const extra = got.filter((x) => !want.includes(x)).map((x) => raw[got.indexOf(x)] ?? x);
  if (!missingOnes.length && !extra.length) return pass(`Right: ${display.join(', ') || 'none'}.`, ev);
  const parts = [missingOnes.length ? `${missingOnes.length} right item${missingOnes.length === 1 ? ' is' : 's are'} missing` : '', extra.length ? `${extra.join(', ')} ${extra.length === 1 ? 'does' : 'do'} not belong` : ''].filter(Boolean);
  return fail(`Not quite: ${parts.join('; ')}.`, ev, { ...vars, diff: parts.join('; ') }, 'wrong-answer');
}

function urlLeaf(s: NonNullable<CheckSpec['url']>, ctx: CheckContext): Out {
  const given = givenAnswer(s.question, ctx);
  if (given === undefined || given.trim() === '') return fail('No link entered yet. Type `answer <link>`.', [], {}, 'no-answer');
  const g = given.trim().replace(/^["'<]+|["'>]+$/g, '');
  const ev: Evidence[] = [{ kind: 'answer', text: `link: ${g}` }];
  let u: URL;
  try {
    u = new URL(g);
  } catch {
    return fail(`"${g}" is not a link; it should start with https://.`, ev, { given: g, diff: 'is not a link' }, 'not-a-url');
  }
  const want = new URL(fillTemplate(s.equals, accountVars(ctx.accounts)));
  const base = (x: URL) => `${x.protocol}//${x.host.toLowerCase()}${x.pathname.replace(/\/+$/, '')}`;
  if (base(u) !== base(want)) {
    const diff = `goes to ${base(u)}, not ${base(want)}`;
    return fail(`That link ${diff}.`, ev, { given: g, diff }, 'wrong-url');
  }
  for (const [k, v0] of Object.entries(s.query ?? {})) {
    const v = fillTemplate(v0, accountVars(ctx.accounts));
    const got = u.searchParams.get(k);
    if (got === null) {
      const near = [...u.searchParams.keys()].find((x) => x.toLowerCase() === k.toLowerCase());
      const diff = near ? `has ${near}= where the console expects ${k}=` : `has no ${k} parameter (it should be ${k}=${v})`;
      return fail(`That link ${diff}.`, ev, { given: g, diff }, 'url-missing-parameter');
    }
    if (got !== v) {
      const diff = `has ${k}=${got}, but it should be ${k}=${v}`;
      return fail(`That link ${diff}.`, ev, { given: g, diff, found: got, expected: v }, 'url-wrong-parameter');
    }
  }
  return pass(`Right: the link opens Switch Role for ${Object.entries(s.query ?? {}).map(([k, v]) => `${k}=${fillTemplate(v, accountVars(ctx.accounts))}`).join(', ')}.`, ev);
}
