// The real-account mode's audit log: the shell's own record of the AWS calls it made (CloudTrail
// would take minutes and a trail; the shell knows at once). One event per call, shaped like the
// simulated account's events (src/checks/types.ts EventView), without secrets, so it can be kept
// on disk beside the lab's progress and read by `iamlab check --real` later.
import { appendFileSync, readFileSync } from 'node:fs';
import type { CallRequest, CallResult } from '../backend/types.js';
import type { EventMark, EventView } from '../checks/types.js';
import type { Explanation, PolicyKind } from '../policy/types.js';
import { SECRET_OUTPUT_KEYS } from './redact.js';

/** One line of the real-mode call log: an EventView (what checks read) as JSON — time as ISO text. */
export type RealEventRecord = Omit<EventView, 'time' | 'seq' | 'explanation'> & {
  seq: number;
  /** ISO wall-clock time of the answer. */
  time: string;
  service: string;
};

const S3_ACTIONS: Record<string, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  ListObjectsV2: 's3:ListBucket',
  ListObjects: 's3:ListBucket',
  HeadBucket: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  GetObject: 's3:GetObject',
  ListObjectVersions: 's3:ListBucketVersions',
  DeleteObjects: 's3:DeleteObject',
  CopyObject: 's3:PutObject',
};

/** The IAM action an API operation is authorized as (API name = action name except in S3). */
export function actionOf(service: string, operation: string): string {
  if (service === 's3') return S3_ACTIONS[operation] ?? `s3:${operation}`;
  return `${service}:${operation}`;
}

const NEVER_RECORD = new Set(['Password', 'NewPassword', 'OldPassword', 'TokenCode', 'AuthenticationCode1', 'AuthenticationCode2', 'Body', 'SAMLAssertion', 'WebIdentityToken', ...SECRET_OUTPUT_KEYS]);

function scrubParams(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (NEVER_RECORD.has(k)) continue;
    if (v instanceof Uint8Array) continue;
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

function arnAccount(arn: unknown): string | undefined {
  return typeof arn === 'string' ? /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] : undefined;
}

/** The resources a call touched, as ARNs (best effort from the request). */
function resourcesOf(req: CallRequest, callerAccount: string | undefined): string[] {
  const i = req.input;
  const s = (k: string) => (typeof i[k] === 'string' ? (i[k] as string) : undefined);
  if (req.service === 'sts' && s('RoleArn')) return [s('RoleArn')!];
  if (req.service === 's3' && s('Bucket')) return [`arn:aws:s3:::${s('Bucket')}${s('Key') ? `/${s('Key')}` : ''}`];
  if (req.service === 'iam') {
    if (s('PolicyArn')) return [s('PolicyArn')!];
    const acct = callerAccount ?? '';
    if (s('RoleName')) return [`arn:aws:iam::${acct}:role/${s('RoleName')}`];
    if (s('UserName')) return [`arn:aws:iam::${acct}:user/${s('UserName')}`];
    if (s('GroupName')) return [`arn:aws:iam::${acct}:group/${s('GroupName')}`];
  }
  return [];
}

/** The principal type of a caller ARN, as CloudTrail names it. */
export function principalTypeOf(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  if (/:root$/.test(arn)) return 'Root';
  if (/:assumed-role\//.test(arn)) return 'AssumedRole';
  if (/:federated-user\//.test(arn)) return 'FederatedUser';
  if (/:user\//.test(arn)) return 'IAMUser';
  return 'Unknown';
}

/**
 * What AWS's own AccessDenied text says about why (AWS's current messages end with "because no
 * identity-based policy allows …" or "with an explicit deny in a … policy"). Older or terser texts
 * (AssumeRole's, moto's) say nothing: then undefined.
 */
export function explanationFromMessage(message: string | undefined, principal: string, action: string, resource: string): Explanation | undefined {
  if (!message) return undefined;
  const kinds: Array<[RegExp, PolicyKind]> = [
    [/identity-based policy/i, 'identity'],
    [/resource-based policy/i, 'resource'],
    [/permissions boundary/i, 'boundary'],
    [/session policy/i, 'session'],
  ];
  let reason: 'explicit-deny' | 'implicit-deny';
  if (/with an explicit deny in an? /i.test(message)) reason = 'explicit-deny';
  else if (/because no .* allows/i.test(message)) reason = 'implicit-deny';
  else return undefined;
  const deniedBy = kinds.filter(([re]) => re.test(message)).map(([, k]) => k);
  return {
    decision: 'Deny',
    reason,
    request: { principal, action, resource },
    deniedBy,
    crossAccount: false,
    policies: [],
    deciding: [],
    summary: `AWS answered: ${message}`,
  };
}

export class RealEventLog {
  private readonly records: RealEventRecord[] = [];
  private seq = 0;

  /** file: a JSON-lines file to append each event to (and to load from). */
  constructor(private readonly file?: string) {
    if (file) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const r = JSON.parse(line) as RealEventRecord;
          if (typeof r.time === 'string' && typeof r.eventName === 'string') this.records.push(r);
        } catch {
          /* a torn last line (crash mid-write): skip it */
        }
      }
      this.seq = this.records.reduce((m, r) => Math.max(m, r.seq), 0);
    }
  }

  /** Records one call and its answer. caller: who made it (GetCallerIdentity of its credentials). */
  record(req: CallRequest, result: CallResult, caller: { arn: string; accountId: string } | undefined, at: Date = new Date()): RealEventRecord {
    const roleAcct = req.service === 'sts' ? arnAccount(req.input.RoleArn) : undefined;
    const rec: RealEventRecord = {
      seq: ++this.seq,
      time: at.toISOString(),
      service: req.service,
      eventName: req.operation,
      action: actionOf(req.service, req.operation),
      recipientAccountId: roleAcct ?? caller?.accountId ?? '',
      outcome: result.ok ? 'success' : 'failure',
      resources: resourcesOf(req, caller?.accountId),
      requestParameters: scrubParams(req.input),
    };
    if (caller) {
      rec.principalArn = caller.arn;
      const t = principalTypeOf(caller.arn);
      if (t) rec.principalType = t;
    }
    if (req.via) rec.via = req.via;
    if (!result.ok) {
      rec.errorCode = result.error.code;
      rec.errorMessage = result.error.message;
    }
    this.records.push(rec);
    if (this.file) appendFileSync(this.file, JSON.stringify(rec) + '\n', { mode: 0o600 });
    return rec;
  }

  get length(): number {
    return this.records.length;
  }

  mark(at: Date = new Date()): EventMark {
    return { at: at.toISOString(), seq: this.seq };
  }

  /** Events after the mark, oldest first (by sequence when the mark has one, else by time). */
  events(since: EventMark): EventView[] {
    const t = Date.parse(since.at);
    return this.records
      .filter((r) => (since.seq !== undefined ? r.seq > since.seq : Date.parse(r.time) >= t))
      .map((r) => {
        const v: EventView = {
          time: new Date(r.time),
          seq: r.seq,
          eventName: r.eventName,
          action: r.action,
          recipientAccountId: r.recipientAccountId,
          outcome: r.outcome,
          resources: r.resources,
          requestParameters: r.requestParameters,
        };
        if (r.principalArn) v.principalArn = r.principalArn;
        if (r.principalType) v.principalType = r.principalType;
        if (r.via) v.via = r.via;
        if (r.errorCode) v.errorCode = r.errorCode;
        if (r.errorMessage) v.errorMessage = r.errorMessage;
        const ex = r.outcome === 'failure' ? explanationFromMessage(r.errorMessage, r.principalArn ?? '', r.action, r.resources[0] ?? '*') : undefined;
        if (ex) v.explanation = ex;
        return v;
      });
  }
}
