// Principal references in checks (user/James, prod:role/X, assumed-role/R/*, root, full ARNs)
// and the semantic normalisation of trust-policy principals (root ARN ≡ account id, role and
// user paths ignored for naming, unique ids of deleted principals recognised).

export type PrincipalKind = 'user' | 'role' | 'root' | 'assumed-role' | 'federated-user' | 'everyone' | 'service' | 'unique-id' | 'other';

export interface PrincipalPattern {
  /** As written in the lab. */
  raw: string;
  kind: PrincipalKind;
  accountId: string;
  name?: string;
  /** For assumed-role: the session name, or '*' for any. */
  session?: string;
  /** Canonical ARN (with * for a wildcard session). */
  arn: string;
  /** Short learner-facing form: user/James, assumed-role/temp-user/*, account 123456789012. */
  display: string;
}

export interface ResolveContext {
  /** account key → id */
  accounts: Record<string, string>;
  /** id of the default (first) account */
  defaultAccount: string;
}

const NAME = '[\\w+=,.@-]+';

/** Parse a principal reference from a lab file. Throws on nonsense (the loader already rejected it). */
export function resolvePrincipal(ref: string, ctx: ResolveContext): PrincipalPattern {
  const raw = ref;
  if (ref.startsWith('arn:')) return fromArn(ref, raw, ctx.defaultAccount);
  let acct = ctx.defaultAccount;
  const pre = /^([a-z][a-z0-9-]*):(.*)$/.exec(ref);
  if (pre && !ref.startsWith('arn:')) {
    const id = ctx.accounts[pre[1]!];
    if (id) {
      acct = id;
      ref = pre[2]!;
    }
  }
  if (/^\d{12}$/.test(ref)) return root(ref, raw, ctx.defaultAccount);
  if (ref === 'root' || ref === 'account') return root(acct, raw, ctx.defaultAccount);
  if (ref === '*') return { raw, kind: 'everyone', accountId: acct, arn: '*', display: 'everyone (*)' };
  let m = new RegExp(`^user/(?:.*/)?(${NAME})$`).exec(ref);
  if (m) return mk('user', acct, m[1]!, `arn:aws:iam::${acct}:user/${m[1]}`, raw, ctx.defaultAccount);
  m = new RegExp(`^role/(?:.*/)?(${NAME})$`).exec(ref);
  if (m) return mk('role', acct, m[1]!, `arn:aws:iam::${acct}:role/${m[1]}`, raw, ctx.defaultAccount);
  m = new RegExp(`^assumed-role/(${NAME})/(${NAME}|\\*)$`).exec(ref);
  if (m) {
    const p = mk('assumed-role', acct, m[1]!, `arn:aws:sts::${acct}:assumed-role/${m[1]}/${m[2]}`, raw, ctx.defaultAccount);
    p.session = m[2]!;
    return p;
  }
  throw new Error(`'${raw}' is not a principal reference`);
}

function root(acct: string, raw: string, def: string): PrincipalPattern {
  return { raw, kind: 'root', accountId: acct, arn: `arn:aws:iam::${acct}:root`, display: acct === def ? `the whole account ${acct} (root)` : `the whole account ${acct} (root)` };
}

function mk(kind: PrincipalKind, acct: string, name: string, arn: string, raw: string, def: string): PrincipalPattern {
  const short = kind === 'assumed-role' ? arn.replace(/^arn:aws:sts::\d{12}:/, '') : arn.replace(/^arn:aws:iam::\d{12}:/, '');
  return { raw, kind, accountId: acct, name, arn, display: acct === def ? short : `${short} (account ${acct})` };
}

function fromArn(arn: string, raw: string, def: string): PrincipalPattern {
  let m = /^arn:aws:iam::(\d{12}):root$/.exec(arn);
  if (m) return root(m[1]!, raw, def);
  m = new RegExp(`^arn:aws:iam::(\\d{12}):(user|role)/(?:.*/)?(${NAME})$`).exec(arn);
  if (m) return mk(m[2] as 'user' | 'role', m[1]!, m[3]!, `arn:aws:iam::${m[1]}:${m[2]}/${m[3]}`, raw, def);
  m = new RegExp(`^arn:aws:sts::(\\d{12}):assumed-role/(${NAME})/(${NAME}|\\*)$`).exec(arn);
  if (m) {
    const p = mk('assumed-role', m[1]!, m[2]!, arn, raw, def);
    p.session = m[3]!;
    return p;
  }
  m = new RegExp(`^arn:aws:sts::(\\d{12}):federated-user/(${NAME})$`).exec(arn);
  if (m) return mk('federated-user', m[1]!, m[2]!, arn, raw, def);
  return { raw, kind: 'other', accountId: def, arn, display: arn };
}

/** Does a caller ARN (user, root, assumed-role session) match the pattern? Names are case-sensitive, as in AWS. */
export function callerMatches(p: PrincipalPattern, callerArn: string | undefined): boolean {
  if (!callerArn) return false;
  if (p.kind === 'everyone') return true;
  const c = describeArn(callerArn);
  if (!c) return p.arn === callerArn;
  if (c.accountId !== p.accountId) return false;
  switch (p.kind) {
    case 'root':
      return c.kind === 'root';
    case 'user':
      return c.kind === 'user' && c.name === p.name;
    case 'role':
      // A role pattern matches the role itself and any of its sessions.
      return (c.kind === 'role' || c.kind === 'assumed-role') && c.name === p.name;
    case 'assumed-role':
      return c.kind === 'assumed-role' && c.name === p.name && (p.session === '*' || c.session === p.session);
    case 'federated-user':
      return c.kind === 'federated-user' && c.name === p.name;
    default:
      return p.arn === callerArn;
  }
}

export interface DescribedArn {
  kind: PrincipalKind;
  accountId: string;
  name?: string;
  session?: string;
  path?: string;
}

/** Kind, account and name of an ARN (or account id / unique id / service / *). */
export function describeArn(arn: string): DescribedArn | undefined {
  if (/^\d{12}$/.test(arn)) return { kind: 'root', accountId: arn };
  let m = /^arn:aws:iam::(\d{12}):root$/.exec(arn);
  if (m) return { kind: 'root', accountId: m[1]! };
  m = new RegExp(`^arn:aws:iam::(\\d{12}):(user|role)(/(?:.*/)?)?(${NAME})$`).exec(arn);
  if (m) return { kind: m[2] as 'user' | 'role', accountId: m[1]!, name: m[4]!, path: m[3] ?? '/' };
  m = new RegExp(`^arn:aws:sts::(\\d{12}):assumed-role/(${NAME})/(${NAME})$`).exec(arn);
  if (m) return { kind: 'assumed-role', accountId: m[1]!, name: m[2]!, session: m[3]! };
  m = new RegExp(`^arn:aws:sts::(\\d{12}):federated-user/(${NAME})$`).exec(arn);
  if (m) return { kind: 'federated-user', accountId: m[1]!, name: m[2]! };
  if (arn === '*') return { kind: 'everyone', accountId: '' };
  if (/^A(IDA|ROA)[A-Z0-9]{12,}$/.test(arn)) return { kind: 'unique-id', accountId: '' };
  return undefined;
}

/** Short learner-facing name of an ARN relative to a default account. */
export function shortArn(arn: string | undefined, defaultAccount: string): string {
  if (!arn) return 'an unknown caller';
  const d = describeArn(arn);
  if (!d) return arn;
  const where = d.accountId && d.accountId !== defaultAccount ? ` (account ${d.accountId})` : '';
  switch (d.kind) {
    case 'root':
      return `the account ${d.accountId} (root)`;
    case 'user':
      return `user/${d.name}${where}`;
    case 'role':
      return `role/${d.name}${where}`;
    case 'assumed-role':
      return `assumed-role/${d.name}/${d.session}${where}`;
    case 'federated-user':
      return `federated-user/${d.name}${where}`;
    case 'everyone':
      return 'everyone (*)';
    case 'unique-id':
      return `${arn} (the unique id of a deleted user or role)`;
    default:
      return arn;
  }
}

/** A principal as a trust policy names it, normalised. */
export interface TrustPrincipal {
  /** As written: "123456789012", "arn:aws:iam::…:root", "ec2.amazonaws.com" … */
  raw: string;
  /** 'AWS' | 'Service' | 'Federated' | '*' */
  type: string;
  described?: DescribedArn;
}

/** Does a trust-policy principal name the expected principal? Root ARN ≡ account id; user/role paths ignored. */
export function trustNames(tp: TrustPrincipal, want: PrincipalPattern): boolean {
  if (tp.type === '*' || tp.raw === '*') return want.kind === 'everyone';
  if (tp.type !== 'AWS' || !tp.described) return false;
  const d = tp.described;
  if (d.kind !== want.kind) return false;
  if (d.accountId !== want.accountId) return false;
  if (want.kind === 'root') return true;
  if (want.kind === 'assumed-role') return d.name === want.name && (want.session === '*' || d.session === want.session);
  return d.name === want.name;
}

export function trustPrincipalDisplay(tp: TrustPrincipal, defaultAccount: string): string {
  if (tp.type === 'Service') return `the service ${tp.raw}`;
  if (tp.type === 'Federated') return `the identity provider ${tp.raw}`;
  if (tp.raw === '*' || tp.type === '*') return 'everyone (*)';
  if (tp.described?.kind === 'root') return `account ${tp.described.accountId} (root)`;
  return shortArn(tp.raw, defaultAccount);
}

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (!m) return n;
  if (!n) return m;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const c = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + c);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

/** The closest candidate within a small distance (case differences count as close). */
export function closestName(want: string, candidates: Iterable<string>, maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bd = Infinity;
  const lw = want.toLowerCase();
  for (const c of candidates) {
    if (c === want) continue;
    const lc = c.toLowerCase();
    let d = lc === lw ? 0.5 : editDistance(c, want);
    // A name cut short or extended (James-custom-S3 vs James-custom-S3-role) is a near miss too.
    const [short, long] = lc.length < lw.length ? [lc, lw] : [lw, lc];
    if (d > maxDistance && short.length >= 6 && long.startsWith(short) && short.length / long.length >= 0.6) d = maxDistance;
    if (d < bd) [bd, best] = [d, c];
  }
  // Very short names are only near misses in letter case; longer ones allow about one edit in three letters.
  const limit = want.length <= 3 ? 0.5 : Math.min(maxDistance, Math.max(1, Math.floor(want.length / 3)));
  return bd <= limit ? best : undefined;
}
