// policy.decisions_per_s: authorize() on a realistic mix of requests (AdministratorAccess,
// ViewOnlyAccess's 372-action statement, conditions, trust policies same- and cross-account,
// boundaries, session policies), against a naive evaluator measured in the same run (regex
// compiled per match, no caching, same decision logic).
import { existsSync, readFileSync } from 'node:fs';
import { authorize, validatePolicy } from '../src/policy/index.js';
import type { EvaluationInput, PolicyDocument, PolicyInput, PrincipalInfo, Statement } from '../src/policy/types.js';
import { VIEW_ONLY_ACCESS } from '../test/policy/fixtures/view-only.js';
import { opsPerSecond, type Bench } from './harness.js';

const ACCT = '123456789012';
const OTHER = '999999999999';

function doc(d: unknown, kind: 'identity' | 'trust' | 'managed' = 'identity'): PolicyDocument {
  const r = validatePolicy(JSON.stringify(d), kind);
  if (!r.ok) throw new Error(`bench fixture invalid: ${r.problem.message} ${r.problem.detail ?? ''}`);
  return r.document;
}

/** ViewOnlyAccess from the simulated account's data when present, else Appendix A. */
function viewOnly(): PolicyDocument {
  const path = new URL('../src/sim/data/managed-policies.json', import.meta.url);
  if (existsSync(path)) {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { policies: Array<{ name: string; document: unknown }> };
    const p = data.policies.find((x) => x.name === 'ViewOnlyAccess');
    if (p) return doc(p.document, 'managed');
  }
  return doc(VIEW_ONLY_ACCESS, 'managed');
}

function user(name: string, account = ACCT): PrincipalInfo {
  const arn = `arn:aws:iam::${account}:user/${name}`;
  return { type: 'User', accountId: account, arn, principalArn: arn, userId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`, username: name };
}

export function mix(): EvaluationInput[] {
  const admin: PolicyInput = { kind: 'identity', name: 'AdministratorAccess', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, 'managed') };
  const view: PolicyInput = { kind: 'identity', name: 'ViewOnlyAccess', document: viewOnly() };
  const stsAll: PolicyInput = { kind: 'identity', name: 'sts-all', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }) };
  const mfaGuard: PolicyInput = {
    kind: 'identity',
    name: 'mfa-guard',
    document: doc({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyWithoutMfa', Effect: 'Deny', NotAction: ['iam:ChangePassword', 'sts:GetSessionToken'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
        { Sid: 'Office', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::lab-bucket', 'arn:aws:s3:::lab-bucket/home/${aws:username}/*'], Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '127.0.0.0/8'] } } },
      ],
    }),
  };
  const trustUser: PolicyInput = { kind: 'trust', name: 'trust policy of role AWSEC2FULLACCESS', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:user/sts_user` }, Action: 'sts:AssumeRole' }] }, 'trust') };
  const trustAccount: PolicyInput = {
    kind: 'trust',
    name: 'trust policy of role MyRole',
    document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' }, { Sid: 'DenyUser3', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCT}:user/User3` }, Action: 'sts:AssumeRole' }] }, 'trust'),
  };
  const trustCross: PolicyInput = { kind: 'trust', name: 'trust policy of role x', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'lab-42' } } }] }, 'trust') };
  const boundary: PolicyInput = { kind: 'boundary', name: 'S3AndSts', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sts:*', 'ec2:Describe*'], Resource: '*' }] }, 'managed') };
  const sess: PolicyInput = { kind: 'session', name: 'session policy', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:List*', Resource: '*' }] }) };
  const role = (name: string, s: string): PrincipalInfo => ({ type: 'AssumedRole', accountId: ACCT, arn: `arn:aws:sts::${ACCT}:assumed-role/${name}/${s}`, principalArn: `arn:aws:iam::${ACCT}:role/${name}`, userId: `AROAEXAMPLEROLEID123:${s}` });
  const req = (principal: PrincipalInfo, action: string, resource: string, rest: Partial<EvaluationInput> = {}, context: EvaluationInput['request']['context'] = {}, resourceAccount?: string): EvaluationInput => ({
    request: { principal, action, resource, context, ...(resourceAccount ? { resourceAccount } : {}) },
    identity: [],
    ...rest,
  });
  const james = user('James');
  const balu = user('balu');
  const ctx = { 'aws:SourceIp': '127.0.0.1', 'aws:SecureTransport': 'false', 'aws:CurrentTime': '2026-05-01T10:00:00Z' };
  return [
    req(user('admin'), 'iam:CreateRole', `arn:aws:iam::${ACCT}:role/temp-user`, { identity: [admin] }, ctx),
    req(user('admin'), 's3:ListAllMyBuckets', '*', { identity: [admin] }, ctx),
    req(james, 'ec2:DescribeInstances', '*', { identity: [view] }, ctx),
    req(james, 's3:GetObject', 'arn:aws:s3:::lab-bucket/a.txt', { identity: [view] }, ctx),
    req(james, 'iam:ListRoles', '*', { identity: [view] }, ctx),
    req(james, 'sts:AssumeRole', `arn:aws:iam::${ACCT}:role/MyRole`, { identity: [view], resource: trustAccount }, ctx),
    req(balu, 'account:GetAccountInformation', '*', { identity: [stsAll] }, ctx),
    req(balu, 's3:GetObject', 'arn:aws:s3:::lab-bucket/home/balu/notes.txt', { identity: [mfaGuard] }, { ...ctx, 'aws:MultiFactorAuthPresent': 'true' }),
    req(balu, 's3:GetObject', 'arn:aws:s3:::lab-bucket/home/balu/notes.txt', { identity: [mfaGuard] }, ctx),
    req(user('sts_user'), 'sts:AssumeRole', `arn:aws:iam::${ACCT}:role/AWSEC2FULLACCESS`, { resource: trustUser }, ctx),
    req(user('User3'), 'sts:AssumeRole', `arn:aws:iam::${ACCT}:role/MyRole`, { identity: [stsAll], resource: trustAccount }, ctx),
    req(user('User1'), 'sts:AssumeRole', `arn:aws:iam::${ACCT}:role/MyRole`, { identity: [stsAll], resource: trustAccount }, ctx),
    req(user('learner'), 'sts:AssumeRole', `arn:aws:iam::${OTHER}:role/x`, { identity: [stsAll], resource: trustCross }, { ...ctx, 'sts:ExternalId': 'lab-42' }, OTHER),
    req(user('learner'), 'sts:AssumeRole', `arn:aws:iam::${OTHER}:role/x`, { resource: trustCross }, ctx, OTHER),
    req(balu, 'ec2:RunInstances', '*', { identity: [admin], boundary }, ctx),
    req(balu, 's3:ListBucket', 'arn:aws:s3:::lab-bucket', { identity: [admin], boundary }, ctx),
    req(role('ops', 'lab'), 's3:ListBucket', 'arn:aws:s3:::lab-bucket', { identity: [admin, view], session: [sess] }, ctx),
    req(role('ops', 'lab'), 'ec2:DescribeInstances', '*', { identity: [admin, view], session: [sess] }, ctx),
  ];
}

// ---------------------------------------------------------------------------------------------
// Naive baseline: the same decision logic written the obvious way.

const esc = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
const like = (p: string, s: string, flags = '') => new RegExp(`^${esc(p)}$`, flags).test(s);

function naiveVars(p: string, i: EvaluationInput): string | undefined {
  if (!p.includes('${')) return p;
  const u = i.request.principal.username;
  return u === undefined ? undefined : p.replace(/\$\{aws:username\}/gi, u);
}

function naiveCond(st: Statement, i: EvaluationInput): boolean {
  const ctx: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(i.request.context)) if (v !== undefined) ctx[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  for (const [op, block] of Object.entries(st.Condition ?? {})) {
    for (const [key, vals] of Object.entries(block)) {
      const rv = ctx[key.toLowerCase()];
      const ifExists = op.endsWith('IfExists');
      if (rv === undefined) {
        if (!ifExists) return false;
        continue;
      }
      const base = op.replace(/IfExists$/, '');
      let ok = false;
      for (const r of rv) {
        for (const v of vals) {
          if (base === 'Bool' && r.toLowerCase() === v.toLowerCase()) ok = true;
          if (base === 'StringEquals' && r === v) ok = true;
          if (base === 'IpAddress') {
            const [net, bits] = v.split('/');
            const n = (ip: string) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
            const m = 2 ** (32 - Number(bits ?? 32));
            if (Math.floor(n(r) / m) === Math.floor(n(net!) / m)) ok = true;
          }
        }
      }
      if (!ok) return false;
    }
  }
  return true;
}

function naiveApplies(st: Statement, i: EvaluationInput, principal: boolean): boolean {
  const acts = st.Action ?? st.NotAction ?? [];
  const aHit = acts.some((a) => like(a, i.request.action, 'i'));
  if (st.NotAction ? aHit : !aHit) return false;
  if (st.Resource || st.NotResource) {
    const rHit = (st.Resource ?? st.NotResource ?? []).some((r) => {
      const p = naiveVars(r, i);
      return p !== undefined && (p === '*' || like(p, i.request.resource));
    });
    if (st.NotResource ? rHit : !rHit) return false;
  }
  if (principal) {
    const p = st.Principal;
    const pr = i.request.principal;
    const m = p === '*' || (p?.AWS ?? []).some((v) => v === '*' || v === pr.arn || v === pr.principalArn || v === pr.accountId || v === `arn:aws:iam::${pr.accountId}:root`);
    if (!m) return false;
  }
  return naiveCond(st, i);
}

export function naiveAuthorize(i: EvaluationInput): 'Allow' | 'Deny' {
  const ev = (p: PolicyInput | undefined, principal = false) => {
    const out = { allow: false, deny: false, direct: false };
    if (!p) return out;
    for (const st of p.document.Statement) {
      if (!naiveApplies(st, i, principal)) continue;
      if (st.Effect === 'Deny') out.deny = true;
      else {
        out.allow = true;
        const pr = i.request.principal;
        if (principal && st.Principal !== '*' && (st.Principal?.AWS ?? []).some((v) => v === pr.arn || v === pr.principalArn)) out.direct = true;
      }
    }
    return out;
  };
  const ids = i.identity.map((p) => ev(p));
  const res = ev(i.resource, true);
  const b = ev(i.boundary);
  const ss = (i.session ?? []).map((p) => ev(p));
  if (ids.some((x) => x.deny) || res.deny || b.deny || ss.some((x) => x.deny)) return 'Deny';
  const bOk = !i.boundary || b.allow;
  const sOk = !i.session || ss.some((x) => x.allow);
  const idAllow = ids.some((x) => x.allow);
  const cross = (i.request.resourceAccount ?? i.request.principal.accountId) !== i.request.principal.accountId;
  if (cross) return res.allow && idAllow && bOk && sOk ? 'Allow' : 'Deny';
  if (i.resource?.kind === 'trust' && !res.allow) return 'Deny';
  if (res.direct) return bOk && sOk ? 'Allow' : 'Deny';
  return idAllow && bOk && sOk ? 'Allow' : 'Deny';
}

function run(trace: boolean): () => Promise<{ value: number; unit: string; better: 'higher'; baseline: { name: string; value: number }; aim: number; note: string }> {
  return async () => {
    const inputs = mix();
    for (const i of inputs) {
      const a = authorize(i).decision;
      const b = naiveAuthorize(i);
      if (a !== b) throw new Error(`engine and naive baseline disagree on ${i.request.principal.arn} ${i.request.action}: ${a} vs ${b}`);
    }
    let k = 0;
    const opts = { trace };
    const value = opsPerSecond(() => {
      authorize(inputs[k++ % inputs.length]!, opts);
    }, 1500);
    k = 0;
    const base = opsPerSecond(() => {
      naiveAuthorize(inputs[k++ % inputs.length]!);
    }, 1500);
    const allows = inputs.filter((i) => authorize(i).decision === 'Allow').length;
    return {
      value,
      unit: 'decisions/s',
      better: 'higher',
      baseline: { name: 'naive: regex per match, no cache', value: base },
      aim: trace ? 50_000 : 200_000,
      note: `${inputs.length}-request mix (${allows} allowed), ${trace ? 'full explanation' : 'trace:false fast path'}`,
    };
  };
}

export const benches: Bench[] = [
  { name: 'policy.decisions_per_s', run: run(false) },
  { name: 'policy.explained_decisions_per_s', run: run(true) },
];
