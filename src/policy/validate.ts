// Policy grammar as IAM enforces it (reference §5.1–5.4, §2.4), with AWS's message texts and a
// plain-words `detail` for the learner. The order of the checks follows the order in which IAM
// reports them (syntax, version, legacy parsing, Sids, actions, principals, resources, formats).

import { parseOperator } from './conditions.js';
import { parsePolicyText, type JsonPath, type Position } from './json.js';
import type { ConditionBlock, PolicyDocument, PolicyProblem, PrincipalBlock, Statement } from './types.js';

export type ValidationKind = 'identity' | 'trust' | 'resource' | 'boundary' | 'session' | 'managed';

export interface ValidateOptions {
  /** Does this IAM user/role ARN or unique id (AIDA…/AROA…) exist? Called for trust/resource principals. */
  principalExists?: (arn: string) => boolean;
  /** Size limit (characters, whitespace not counted); over it → LimitExceeded with AWS's text for the kind. */
  maxSize?: number;
  /** Learner-facing owner for the inline-policy size message, e.g. "user balu" → "… exceeded for user balu". */
  owner?: string;
}

export type ValidateResult =
  | { ok: true; document: PolicyDocument; size: number }
  /** `problems` holds the same first problem (IAM reports one problem at a time). */
  | { ok: false; problem: PolicyProblem; problems: PolicyProblem[] };

const SYNTAX = 'Syntax errors in policy.';
const LEGACY = 'The policy failed legacy parsing';
const TOP_ELEMENTS = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition'];
const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'];
const IAM_RESOURCE_STARTS = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
];

class Problem extends Error {
  constructor(
    readonly problem: PolicyProblem,
    readonly path: JsonPath | undefined,
  ) {
    super(problem.message);
  }
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string "${v}"`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function closest(word: string, options: string[]): string | undefined {
  const lw = word.toLowerCase();
  return options.find((o) => o.toLowerCase() === lw) ?? options.find((o) => lw.length > 3 && (o.toLowerCase().startsWith(lw.slice(0, 4)) || lw.startsWith(o.toLowerCase().slice(0, 4))));
}

/** Counts a policy's size as IAM does: characters, without the whitespace between JSON tokens. */
export function policySize(input: string | unknown): number {
  if (typeof input !== 'string') return JSON.stringify(input)?.length ?? 0;
  let n = 0;
  let inString = false;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (inString) {
      n++;
      if (c === 92) {
        n++;
        i++;
      } else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
      n++;
    } else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) n++;
  }
  return n;
}

function limitMessage(kind: ValidationKind, max: number, owner: string | undefined): string {
  switch (kind) {
    case 'trust':
      return `Cannot exceed quota for ACLSizePerRole: ${max}`;
    case 'identity':
      return `Maximum policy size of ${max} bytes exceeded${owner ? ` for ${owner}` : ''}`;
    default:
      return `Cannot exceed quota for PolicySize: ${max}`;
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const UNIQUE_ID = /^A(IDA|ROA)[A-Z0-9]{17}$/;

/** Checks one "AWS" principal value; returns a detail sentence if it is not a valid form. */
function awsPrincipalProblem(v: string): string | undefined {
  if (v === '*') return undefined;
  if (ACCOUNT_ID.test(v) || UNIQUE_ID.test(v)) return undefined;
  if (v.includes('*') || v.includes('?')) {
    return `"${v}" uses a wildcard inside a principal ARN; a principal must be "*" (everyone) or one exact ARN, account id or unique id.`;
  }
  if (/^arn:aws:iam::\d{12}:root$/.test(v)) return undefined;
  if (/^arn:aws:iam::\d{12}:(user|role)\/(.+\/)?[\w+=,.@-]+$/.test(v)) return undefined;
  if (/^arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/.test(v)) return undefined;
  if (/^arn:aws:sts::\d{12}:federated-user\/[\w+=,.@-]+$/.test(v)) return undefined;
  if (/^arn:aws:iam::\d{1,11}:/.test(v) || /^arn:aws:iam::\d{13,}:/.test(v)) return `"${v}" has an account id that is not 12 digits.`;
  if (/^arn:aws:iam:[^:]+:/.test(v)) return `"${v}" has a region; IAM ARNs have none (arn:aws:iam::ACCOUNT:…).`;
  if (/^arn:aws:iam::\d{12}:/.test(v)) return `"${v}" is not a user, role or account root ARN.`;
  return `"${v}" is not a principal: use an account id, arn:aws:iam::ACCOUNT:root, a user or role ARN, or "*".`;
}

function needsExistence(v: string): boolean {
  return UNIQUE_ID.test(v) || /^arn:aws:iam::\d{12}:(user|role)\//.test(v);
}

/**
 * Validates a policy document. `input` is the JSON text (preferred: problems then carry
 * line:column) or an already-parsed value.
 */
export function validatePolicy(input: string | unknown, kind: ValidationKind, opts: ValidateOptions = {}): ValidateResult {
  let value: unknown;
  let locate: (path: JsonPath) => Position | undefined = () => undefined;
  let size: number;
  if (typeof input === 'string') {
    const parsed = parsePolicyText(input);
    if (!parsed.ok) return { ok: false, problem: parsed.problem, problems: [parsed.problem] };
    value = parsed.value;
    locate = parsed.locate;
    size = policySize(input);
  } else {
    value = input;
    size = policySize(input);
  }
  try {
    const document = check(value, kind, opts);
    if (opts.maxSize !== undefined && size > opts.maxSize) {
      throw new Problem(
        {
          code: 'LimitExceeded',
          message: limitMessage(kind, opts.maxSize, opts.owner),
          detail: `The policy is ${size} characters long (whitespace not counted); the limit here is ${opts.maxSize}.`,
        },
        undefined,
      );
    }
    return { ok: true, document, size };
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    const problem = { ...e.problem };
    if (e.path) {
      const pos = locate(e.path);
      if (pos) {
        problem.line = pos.line;
        problem.column = pos.column;
        if (problem.detail) problem.detail = `${problem.detail} (line ${pos.line}, column ${pos.column})`;
      }
    }
    return { ok: false, problem, problems: [problem] };
  }
}

function check(value: unknown, kind: ValidationKind, opts: ValidateOptions): PolicyDocument {
  const fail = (message: string, detail: string, path?: JsonPath): never => {
    throw new Problem({ code: 'MalformedPolicyDocument', message, detail }, path);
  };
  const syntax = (detail: string, path?: JsonPath): never => fail(SYNTAX, detail, path);

  // ---- 1. Syntax ---------------------------------------------------------------------------
  if (!isPlainObject(value)) syntax(`A policy must be a JSON object { … }, but this is ${describeType(value)}.`, []);
  const doc = value as Record<string, unknown>;
  for (const k of Object.keys(doc)) {
    if (!TOP_ELEMENTS.includes(k)) {
      const near = closest(k, TOP_ELEMENTS);
      syntax(`Unknown element "${k}" at the top of the policy${near ? ` (did you mean "${near}"?)` : ''}; allowed are Version, Id and Statement.`, [k]);
    }
  }
  if ('Version' in doc) {
    const v = doc.Version;
    if (v !== '2012-10-17' && v !== '2008-10-17') {
      syntax(`Version must be "2012-10-17" (or the old "2008-10-17"), not ${describeType(v)}. It is a fixed date, not today's date.`, ['Version']);
    }
  }
  if ('Id' in doc && typeof doc.Id !== 'string') syntax(`Id must be a string, not ${describeType(doc.Id)}.`, ['Id']);
  if (!('Statement' in doc)) syntax('The policy has no Statement element.', []);
  const rawSt = doc.Statement;
  const single = isPlainObject(rawSt);
  if (!single && !Array.isArray(rawSt)) syntax(`Statement must be an object or a list of objects, not ${describeType(rawSt)}.`, ['Statement']);
  const rawStatements: unknown[] = single ? [rawSt] : (rawSt as unknown[]);
  if (rawStatements.length === 0) syntax('Statement is an empty list; a policy needs at least one statement.', ['Statement']);
  const stPath = (i: number): (string | number)[] => (single ? ['Statement'] : ['Statement', i]);
  const stName = (i: number): string => (single ? 'Statement' : `Statement[${i}]`);

  rawStatements.forEach((s, i) => {
    if (!isPlainObject(s)) syntax(`${stName(i)} must be an object { … }, not ${describeType(s)}.`, stPath(i));
    const st = s as Record<string, unknown>;
    for (const k of Object.keys(st)) {
      if (!STATEMENT_ELEMENTS.includes(k)) {
        const near = closest(k, STATEMENT_ELEMENTS);
        syntax(`${stName(i)} has an unknown element "${k}"${near ? ` (did you mean "${near}"? names are case-sensitive)` : ''}.`, [...stPath(i), k]);
      }
    }
    for (const [a, b] of [
      ['Action', 'NotAction'],
      ['Resource', 'NotResource'],
      ['Principal', 'NotPrincipal'],
    ] as const) {
      if (a in st && b in st) syntax(`${stName(i)} has both ${a} and ${b}; use exactly one of them.`, [...stPath(i), b]);
    }
    if (!('Effect' in st)) syntax(`${stName(i)} has no Effect; add "Effect": "Allow" or "Effect": "Deny".`, stPath(i));
    const eff = st.Effect;
    if (typeof eff !== 'string' || (eff.toLowerCase() !== 'allow' && eff.toLowerCase() !== 'deny')) {
      syntax(`${stName(i)}.Effect must be "Allow" or "Deny", not ${describeType(eff)}.`, [...stPath(i), 'Effect']);
    }
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource']) {
      if (!(k in st)) continue;
      const v = st[k];
      if (typeof v === 'string') continue;
      if (Array.isArray(v)) {
        v.forEach((x, j) => {
          if (typeof x !== 'string') syntax(`${stName(i)}.${k}[${j}] must be a string, not ${describeType(x)}.`, [...stPath(i), k, j]);
        });
        continue;
      }
      syntax(`${stName(i)}.${k} must be a string or a list of strings, not ${describeType(v)}.`, [...stPath(i), k]);
    }
    for (const k of ['Principal', 'NotPrincipal']) {
      if (!(k in st)) continue;
      const v = st[k];
      if (v === '*') continue;
      if (typeof v === 'string') {
        syntax(`${stName(i)}.${k} must be "*" or an object such as {"AWS": "${v}"}, not a bare string.`, [...stPath(i), k]);
      }
      if (!isPlainObject(v)) syntax(`${stName(i)}.${k} must be "*" or an object such as {"AWS": "arn:…"}, not ${describeType(v)}.`, [...stPath(i), k]);
      const pv = v as Record<string, unknown>;
      for (const [t, vals] of Object.entries(pv)) {
        if (!PRINCIPAL_TYPES.includes(t)) {
          const near = closest(t, PRINCIPAL_TYPES);
          syntax(`${stName(i)}.${k} has an unknown principal type "${t}"${near ? ` (did you mean "${near}"?)` : ''}; use AWS, Service, Federated or CanonicalUser.`, [...stPath(i), k, t]);
        }
        const list = typeof vals === 'string' ? [vals] : vals;
        if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
          syntax(`${stName(i)}.${k}.${t} must be a string or a list of strings, not ${describeType(vals)}.`, [...stPath(i), k, t]);
        }
      }
    }
    if ('Condition' in st) {
      const c = st.Condition;
      if (!isPlainObject(c)) syntax(`${stName(i)}.Condition must be an object {"Operator": {"key": "value"}}, not ${describeType(c)}.`, [...stPath(i), 'Condition']);
      for (const [op, block] of Object.entries(c as Record<string, unknown>)) {
        const here = [...stPath(i), 'Condition', op];
        if (!isPlainObject(block)) syntax(`${stName(i)}.Condition.${op} must be an object {"key": "value"}, not ${describeType(block)}.`, here);
        for (const [key, vals] of Object.entries(block as Record<string, unknown>)) {
          const list = Array.isArray(vals) ? vals : [vals];
          list.forEach((x) => {
            if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') {
              syntax(`The value of condition key "${key}" under ${op} must be a string, number, boolean or a list of them, not ${describeType(x)}.`, [...here, key]);
            }
          });
        }
        if (!parseOperator(op) && Object.keys(block as object).length > 0) {
          const known = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike', 'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals', 'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals', 'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null'];
          const stripped = op.replace(/^For(Any|All)Values?:/i, '').replace(/IfExists$/i, '');
          const near = closest(stripped, known);
          syntax(`"${op}" is not a condition operator${near ? ` (did you mean "${near}"? operator names are case-sensitive)` : ''}.`, here);
        }
      }
    }
    if ('Sid' in st && typeof st.Sid !== 'string') syntax(`${stName(i)}.Sid must be a string, not ${describeType(st.Sid)}.`, [...stPath(i), 'Sid']);
  });
  const statements = rawStatements as Record<string, unknown>[];

  // ---- 2. Version --------------------------------------------------------------------------
  if ((kind === 'managed' || kind === 'boundary') && doc.Version !== '2012-10-17') {
    fail(
      'Policy document must be version 2012-10-17 or greater.',
      doc.Version === undefined
        ? 'A managed policy needs "Version": "2012-10-17" as its first element.'
        : `A managed policy needs "Version": "2012-10-17"; "${String(doc.Version)}" is the old policy language.`,
      'Version' in doc ? ['Version'] : [],
    );
  }

  // ---- 3. Legacy parsing -------------------------------------------------------------------
  statements.forEach((st, i) => {
    const eff = st.Effect as string;
    if (eff !== 'Allow' && eff !== 'Deny') {
      fail(LEGACY, `${stName(i)}.Effect is "${eff}"; it is case-sensitive and must be exactly "Allow" or "Deny".`, [...stPath(i), 'Effect']);
    }
    const cond = st.Condition as Record<string, Record<string, unknown>> | undefined;
    for (const [op, block] of Object.entries(cond ?? {})) {
      const p = parseOperator(op);
      if (!p || p.base.family !== 'Date') continue;
      for (const [key, vals] of Object.entries(block)) {
        for (const x of Array.isArray(vals) ? vals : [vals]) {
          const s = String(x);
          if (!legacyDateOk(s)) {
            fail(LEGACY, `"${s}" under ${op} / ${key} is not a date: use ISO 8601 such as "2026-01-31T12:00:00Z" or an epoch time in seconds.`, [...stPath(i), 'Condition', op, key]);
          }
        }
      }
    }
    if (kind !== 'trust') {
      for (const k of ['Resource', 'NotResource']) {
        const list = st[k] === undefined ? [] : typeof st[k] === 'string' ? [st[k] as string] : (st[k] as string[]);
        list.forEach((r, j) => {
          if (r === '*' || !r.includes(':')) return;
          const parts = r.split(':');
          if ((r.includes('::') && parts.length < 6) || parts[2] === '') {
            fail(LEGACY, `${stName(i)}.${k} "${r}" is not a complete ARN (arn:partition:service:region:account:resource).`, [...stPath(i), k, ...(typeof st[k] === 'string' ? [] : [j])]);
          }
        });
      }
    }
  });

  // ---- 4. Statement ids --------------------------------------------------------------------
  const seen = new Map<string, number>();
  statements.forEach((st, i) => {
    const sid = st.Sid as string | undefined;
    if (!sid) return;
    const first = seen.get(sid);
    if (first !== undefined) {
      fail('Statement IDs (SID) in a single policy must be unique.', `${stName(i)} repeats the Sid "${sid}" of ${stName(first)}.`, [...stPath(i), 'Sid']);
    }
    seen.set(sid, i);
  });
  if (kind !== 'resource') {
    statements.forEach((st, i) => {
      const sid = st.Sid as string | undefined;
      if (sid !== undefined && !/^[0-9A-Za-z]*$/.test(sid)) {
        fail(
          'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
          `The Sid "${sid}" contains ${describeBadSidChars(sid)}; only letters A–Z, a–z and digits are allowed.`,
          [...stPath(i), 'Sid'],
        );
      }
    });
  }

  // ---- 5. Actions --------------------------------------------------------------------------
  statements.forEach((st, i) => {
    const a = st.Action ?? st.NotAction;
    if (a === undefined || (Array.isArray(a) && a.length === 0)) {
      fail('Policy statement must contain actions.', `${stName(i)} has no Action (or NotAction); say which API actions it is about, e.g. "sts:AssumeRole".`, a === undefined ? stPath(i) : [...stPath(i), 'Action' in st ? 'Action' : 'NotAction']);
    }
  });

  // ---- 6. Principals and resources per kind ------------------------------------------------
  statements.forEach((st, i) => {
    const hasP = 'Principal' in st;
    const hasNP = 'NotPrincipal' in st;
    switch (kind) {
      case 'identity':
      case 'managed':
      case 'boundary':
      case 'session':
        if (hasP || hasNP) {
          fail(
            'Policy document should not specify a principal.',
            `${stName(i)} has a ${hasP ? 'Principal' : 'NotPrincipal'}. An identity-based policy applies to whoever it is attached to; only resource policies such as a role's trust policy name principals.`,
            [...stPath(i), hasP ? 'Principal' : 'NotPrincipal'],
          );
        }
        break;
      case 'trust':
        if (hasNP) {
          fail('Has prohibited field NotPrincipal', `${stName(i)} uses NotPrincipal, which a role trust policy cannot use; name the trusted principals in Principal.`, [...stPath(i), 'NotPrincipal']);
        }
        for (const k of ['Resource', 'NotResource']) {
          if (k in st) {
            fail(`Has prohibited field ${k}`, `${stName(i)} has a ${k}. A trust policy is attached to the role itself, so it names no resource; remove "${k}".`, [...stPath(i), k]);
          }
        }
        if (!hasP) {
          fail(
            'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!',
            `${stName(i)} has no Principal. A trust policy must say who may assume the role, e.g. "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"}.`,
            stPath(i),
          );
        }
        break;
      case 'resource':
        if (!hasP && !hasNP) {
          fail('Missing required field Principal', `${stName(i)} has no Principal; a resource-based policy must say whom it applies to.`, stPath(i));
        }
        break;
    }
    if (kind !== 'trust') {
      const r = st.Resource ?? st.NotResource;
      if (r === undefined || (Array.isArray(r) && r.length === 0)) {
        fail(
          'Policy statement must contain resources.',
          `${stName(i)} has no Resource (or NotResource); use "Resource": "*" for all resources or name an ARN.`,
          r === undefined ? stPath(i) : [...stPath(i), 'Resource' in st ? 'Resource' : 'NotResource'],
        );
      }
    }
  });

  // ---- 7. Resource formats -----------------------------------------------------------------
  if (kind !== 'trust') {
    statements.forEach((st, i) => {
      for (const k of ['Resource', 'NotResource']) {
        if (!(k in st)) continue;
        const isStr = typeof st[k] === 'string';
        const list = isStr ? [st[k] as string] : (st[k] as string[]);
        list.forEach((r, j) => {
          const err = resourceFormatProblem(r);
          if (err) fail(err.message, `${stName(i)}.${k}${isStr ? '' : `[${j}]`}: ${err.detail}`, [...stPath(i), k, ...(isStr ? [] : [j])]);
        });
      }
    });
  }

  // ---- 8. Action and condition-key vendors --------------------------------------------------
  statements.forEach((st, i) => {
    for (const k of ['Action', 'NotAction']) {
      if (!(k in st)) continue;
      const isStr = typeof st[k] === 'string';
      const list = isStr ? [st[k] as string] : (st[k] as string[]);
      list.forEach((a, j) => {
        const path = [...stPath(i), k, ...(isStr ? [] : [j])];
        const parts = a.split(':');
        if (parts.length === 1 && a !== '*') {
          fail('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.', `"${a}" has no service prefix; write it as service:Action, e.g. "sts:AssumeRole" or "s3:ListAllMyBuckets".`, path);
        }
        if (parts.length > 2) fail('Actions/Condition can contain only one colon.', `"${a}" has more than one colon; an action is service:Action.`, path);
        if (a !== '*' && /[^a-zA-Z0-9\-.*?]/.test(parts[0]!)) fail(`Vendor ${parts[0]} is not valid`, `"${parts[0]}" in "${a}" is not a service prefix (letters, digits, "-" and "." only).`, path);
      });
    }
    const cond = st.Condition as Record<string, Record<string, unknown>> | undefined;
    for (const [op, block] of Object.entries(cond ?? {})) {
      for (const key of Object.keys(block)) {
        if (!key.includes(':')) {
          fail('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.', `The condition key "${key}" under ${op} has no prefix; condition keys look like "aws:SourceIp" or "sts:ExternalId".`, [...stPath(i), 'Condition', op, key]);
        }
      }
    }
  });

  // ---- 9. Principal values (trust and resource policies) -----------------------------------
  if (kind === 'trust' || kind === 'resource') {
    statements.forEach((st, i) => {
      for (const k of ['Principal', 'NotPrincipal']) {
        const pv = st[k];
        if (pv === undefined || pv === '*') continue;
        const block = pv as Record<string, unknown>;
        if (Object.keys(block).length === 0) {
          fail('Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!', `${stName(i)}.${k} is empty; name at least one principal.`, [...stPath(i), k]);
        }
        for (const [t, vals] of Object.entries(block)) {
          const isStr = typeof vals === 'string';
          const list = isStr ? [vals as string] : (vals as string[]);
          if (list.length === 0) fail(SYNTAX, `${stName(i)}.${k}.${t} is an empty list.`, [...stPath(i), k, t]);
          list.forEach((v, j) => {
            const path = [...stPath(i), k, t, ...(isStr ? [] : [j])];
            if (t === 'AWS') {
              const bad = awsPrincipalProblem(v);
              if (bad) fail(`Invalid principal in policy: "AWS":"${v}"`, bad, path);
              if (opts.principalExists && needsExistence(v) && !opts.principalExists(v)) {
                fail(
                  `Invalid principal in policy: "AWS":"${v}"`,
                  `No ${v.startsWith('arn:') ? (v.includes(':user/') ? 'user' : 'role') : 'user or role with the unique id'} ${v} exists${v.startsWith('arn:') ? ' (names are case-sensitive)' : ' (it was deleted)'}; a trust policy can only name principals that exist.`,
                  path,
                );
              }
            } else if (t === 'Service') {
              if (!/^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/.test(v)) {
                fail(`Invalid principal in policy: "SERVICE":"${v}"`, `"${v}" is not an AWS service principal; they look like "ec2.amazonaws.com".`, path);
              }
            } else if (t === 'Federated') {
              if (v.trim() === '' || v.includes('*')) fail(`Invalid principal in policy: "Federated":"${v}"`, `"${v}" is not an identity provider (an OIDC/SAML provider ARN or e.g. "cognito-identity.amazonaws.com").`, path);
            } else if (t === 'CanonicalUser' && kind === 'trust') {
              fail(`Invalid principal in policy: "CanonicalUser":"${v}"`, 'CanonicalUser principals exist only in S3 bucket policies, not in role trust policies.', path);
            }
          });
        }
      }
    });
  }

  // ---- Normalise ---------------------------------------------------------------------------
  const toList = (v: unknown): string[] => (typeof v === 'string' ? [v] : [...(v as string[])]);
  const out: PolicyDocument = {
    Version: (doc.Version as PolicyDocument['Version'] | undefined) ?? '2008-10-17',
    Statement: statements.map((st) => {
      const n: Statement = { Effect: st.Effect as 'Allow' | 'Deny' };
      if (typeof st.Sid === 'string') n.Sid = st.Sid;
      if ('Action' in st) n.Action = toList(st.Action);
      if ('NotAction' in st) n.NotAction = toList(st.NotAction);
      if ('Resource' in st) n.Resource = toList(st.Resource);
      if ('NotResource' in st) n.NotResource = toList(st.NotResource);
      if ('Principal' in st) n.Principal = normalisePrincipal(st.Principal);
      if ('NotPrincipal' in st) n.NotPrincipal = normalisePrincipal(st.NotPrincipal);
      if ('Condition' in st) {
        const c: ConditionBlock = {};
        for (const [op, block] of Object.entries(st.Condition as Record<string, Record<string, unknown>>)) {
          const b: Record<string, string[]> = {};
          for (const [key, vals] of Object.entries(block)) b[key] = (Array.isArray(vals) ? vals : [vals]).map((x) => String(x));
          c[op] = b;
        }
        n.Condition = c;
      }
      return n;
    }),
  };
  if (typeof doc.Id === 'string') out.Id = doc.Id;
  return out;
}

function normalisePrincipal(v: unknown): PrincipalBlock {
  if (v === '*') return '*';
  const out: Partial<Record<'AWS' | 'Service' | 'Federated' | 'CanonicalUser', string[]>> = {};
  for (const [t, vals] of Object.entries(v as Record<string, unknown>)) {
    out[t as 'AWS'] = typeof vals === 'string' ? [vals] : [...(vals as string[])];
  }
  return out;
}

function describeBadSidChars(sid: string): string {
  const bad = [...new Set(sid.replace(/[0-9A-Za-z]/g, ''))];
  return bad.map((c) => (c === ' ' ? 'a space' : `"${c}"`)).join(', ');
}

function legacyDateOk(s: string): boolean {
  const t = s.trim();
  if (/^\d+$/.test(t)) return true;
  return /^\d{4}(-\d{2}(-\d{2})?)?([Tt]\d{2}(:\d{2}(:\d{2}(\.\d{1,9})?)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?)?$/.test(t) && !Number.isNaN(Date.parse(t.length === 4 ? `${t}-01-01` : t));
}

/** AWS's resource-format checks (texts from IAM's validator as reproduced by moto). */
function resourceFormatProblem(r: string): { message: string; detail: string } | undefined {
  if (r === '*') return undefined;
  if (!r.includes(':')) {
    return { message: `Resource ${r} must be in ARN format or "*".`, detail: `"${r}" is not an ARN; use "*" or an ARN such as "arn:aws:s3:::my-bucket".` };
  }
  const parts = r.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) {
    return { message: `Resource ${r} must be in ARN format or "*".`, detail: `"${r}" is not an ARN; ARNs have the form arn:aws:service:region:account:resource.` };
  }
  if (parts[1] !== 'aws') {
    const [, p, s = '*', rg = '*', acct = '*', ...rest] = parts;
    return {
      message: `Partition "${p}" is not valid for resource "arn:${p}:${s || '*'}:${rg || '*'}:${acct || '*'}:${rest.join(':') || '*'}".`,
      detail: `The partition "${p}" is wrong; in this account ARNs start with "arn:aws:".`,
    };
  }
  const service = parts[2]!;
  if (/[*?]/.test(service)) {
    return { message: 'Resource vendor must be fully qualified and cannot contain regexes.', detail: `The service part "${service}" of "${r}" cannot use wildcards.` };
  }
  if (service === 'iam' && parts[3] !== '') {
    return { message: `IAM resource ${r} cannot contain region information.`, detail: `IAM is global: write arn:aws:iam::ACCOUNT:… with nothing between the two colons after "iam".` };
  }
  if (service === 's3' && parts[3] !== '') {
    return { message: `Resource ${r} can not contain region information.`, detail: `S3 bucket and object ARNs have no region: arn:aws:s3:::bucket/key.` };
  }
  if (service === 'iam') {
    const res = parts.slice(5).join(':');
    if (res !== 'root' && !IAM_RESOURCE_STARTS.some((s) => res.startsWith(s)) && !/^[*?]/.test(res)) {
      return {
        message: `IAM resource path must either be "*" or start with ${IAM_RESOURCE_STARTS.join(', ')}.`,
        detail: `"${res}" is not an IAM resource; IAM ARNs look like arn:aws:iam::123456789012:role/NAME or …:user/NAME.`,
      };
    }
  }
  return undefined;
}
