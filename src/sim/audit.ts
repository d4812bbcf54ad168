// The account's audit log, shaped like CloudTrail events.
import type { Explanation } from '../policy/types.js';

export interface AuditEvent {
  eventId: string;
  eventTime: Date;
  /** 'sts.amazonaws.com', 'iam.amazonaws.com', 's3.amazonaws.com', 'ec2.amazonaws.com', 'account.amazonaws.com', 'signin.amazonaws.com' */
  eventSource: string;
  /** API operation: 'AssumeRole', 'ListBuckets', 'ConsoleLogin' */
  eventName: string;
  /** IAM action evaluated: 'sts:AssumeRole', 's3:ListAllMyBuckets' ('' when none, e.g. GetCallerIdentity has 'sts:GetCallerIdentity') */
  action: string;
  awsRegion: string;
  recipientAccountId: string;
  userIdentity: {
    type: 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser' | 'Unknown';
    arn?: string;
    accountId?: string;
    principalId?: string;
    accessKeyId?: string;
    userName?: string;
    sessionIssuerArn?: string;
  };
  via: 'shell' | 'console' | 'serve' | 'check' | 'api';
  /** Request parameters with secrets removed (passwords, secret keys, tokens, MFA codes, object bodies). */
  requestParameters: Record<string, unknown>;
  /** ARNs the call was about (role, bucket, object, user…). */
  resources: string[];
  outcome: 'success' | 'failure';
  errorCode?: string;
  errorMessage?: string;
  /** The client's User-Agent, when the call came over HTTP (`iamlab serve`), as CloudTrail records it. */
  userAgent?: string;
  explanation?: Explanation;
}

export interface AuditQuery {
  since?: Date;
  /**
   * Exact principal ARN, or a pattern with * (e.g. 'arn:aws:sts::*:assumed-role/James-custom-S3-role/*').
   * Without the leading 'arn:' it is matched against the ARN's resource part: 'user/James',
   * 'assumed-role/James-custom-S3-role/*', 'root'.
   */
  principal?: string;
  eventName?: string;
  /** IAM action, compared case-insensitively. */
  action?: string;
  outcome?: 'success' | 'failure';
  accountId?: string;
  via?: AuditEvent['via'];
}

export type AuditEventJSON = Omit<AuditEvent, 'eventTime'> & { eventTime: string };

/** Ring buffer of the most recent events (AWS keeps 90 days; the labs need far less). */
export class AuditLog {
  private buf: AuditEvent[] = [];
  /**
   * @param limit events kept (oldest dropped first)
   * @param explanationLimit only the newest events keep their full explanation (the tutor shows
   *   recent "why"s; keeping thousands of traces would only cost memory)
   */
  constructor(
    private readonly limit = 10_000,
    private readonly explanationLimit = 200,
  ) {}

  /** @internal */
  record(e: AuditEvent): void {
    this.buf.push(e);
    const old = this.buf[this.buf.length - 1 - this.explanationLimit];
    if (old?.explanation) old.explanation = undefined; // (assignment keeps the object's shape; delete would not)
    if (this.buf.length > this.limit * 1.25) this.buf.splice(0, this.buf.length - this.limit);
  }

  /** All kept events, oldest first (a copy of the list). */
  events(): AuditEvent[] {
    return this.buf.slice(-this.limit);
  }

  /** Events at or after `date`. */
  since(date: Date): AuditEvent[] {
    const t = date.getTime();
    return this.events().filter((e) => e.eventTime.getTime() >= t);
  }

  /** The most recent event, if any. */
  last(): AuditEvent | undefined {
    return this.buf[this.buf.length - 1];
  }

  query(q: AuditQuery): AuditEvent[] {
    const t = q.since?.getTime();
    const re = q.principal?.includes('*') ? globRe(q.principal) : undefined;
    const partial = q.principal !== undefined && !q.principal.startsWith('arn:');
    const subject = (arn: string | undefined): string => (partial ? (arn ?? '').split(':').slice(5).join(':') : arn ?? '');
    const action = q.action?.toLowerCase();
    return this.events().filter(
      (e) =>
        (t === undefined || e.eventTime.getTime() >= t) &&
        (q.principal === undefined || (re ? re.test(subject(e.userIdentity.arn)) : subject(e.userIdentity.arn) === q.principal)) &&
        (q.eventName === undefined || e.eventName === q.eventName) &&
        (action === undefined || e.action.toLowerCase() === action) &&
        (q.outcome === undefined || e.outcome === q.outcome) &&
        (q.accountId === undefined || e.recipientAccountId === q.accountId || e.userIdentity.accountId === q.accountId) &&
        (q.via === undefined || e.via === q.via),
    );
  }

  get size(): number {
    return Math.min(this.buf.length, this.limit);
  }

  /** @internal */
  toJSON(max: number): AuditEventJSON[] {
    return this.events()
      .slice(-max)
      .map((e) => {
        const o = { ...e, eventTime: e.eventTime.toISOString() };
        if (o.explanation === undefined) delete o.explanation;
        return o;
      });
  }

  /** @internal */
  load(events: AuditEventJSON[]): void {
    this.buf = events.map((e) => ({ ...e, eventTime: new Date(e.eventTime) }));
  }
}

function globRe(p: string): RegExp {
  return new RegExp('^' + p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}
