// Real mode's second source of `event` evidence: CloudTrail's Event history (LookupEvents), for
// work done outside iamlab's shell — in the AWS console (sign-in, switch role, console pages) or
// in the learner's own terminal. The shell's own call log stays the first, instant source
// (src/real/events.ts); this one is read only when that log holds no match.
//
// A CloudTrail record becomes the same EventView the checks read everywhere, so the `event` leaf's
// one matcher (src/checks/evaluate.ts) decides:
// - SwitchRole (signin.amazonaws.com) is the console's AssumeRole: the principal is the identity
//   it switched from (additionalEventData.SwitchFrom), the resource the role (sessionIssuer);
// - ConsoleLogin keeps eventName ConsoleLogin and no action, like the simulated account's;
// - other records: the action from the event source and name (S3's API names mapped to IAM
//   actions, as for the shell's log); via 'console' when sessionCredentialFromConsole is "true".
// CloudTrail takes minutes to show a call (Event history is not instant), so a miss is `pending`
// until the leaf's poll window — default DEFAULT_POLL_MS — has passed.
import type { EventView } from '../checks/types.js';
import { actionOf, explanationFromMessage, principalTypeOf } from './events.js';

/** How long a miss stays `pending` when the leaf declares no `poll` (CloudTrail usually delivers within minutes). */
export const DEFAULT_POLL_MS = 5 * 60_000;

/** A `poll.for` duration ("90s", "5m", "1h", "500ms", "2m30s") in milliseconds; undefined when unreadable. */
export function durationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let seen = '';
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 3_600_000);
    seen += m[0];
  }
  return seen === text.replace(/\s+/g, '') && seen ? total : undefined;
}

/** S3 operations by the IAM action they are authorized as (the reverse of events.ts actionOf). */
const S3_OPERATIONS: Record<string, string[]> = {
  's3:listallmybuckets': ['ListBuckets'],
  's3:listbucket': ['ListObjects', 'ListObjectsV2', 'HeadBucket'],
  's3:getobject': ['GetObject', 'HeadObject'],
};

/** The CloudTrail event names that can show a leaf's action. */
export function eventNamesFor(action: string): string[] {
  const a = action.toLowerCase();
  const [svc, op = ''] = action.split(':');
  if (S3_OPERATIONS[a]) return S3_OPERATIONS[a]!;
  if (a === 'sts:assumerole') return ['AssumeRole', 'SwitchRole'];
  if (svc?.toLowerCase() === 'signin') return [op];
  return op ? [op] : [];
}

/**
 * Actions a console step leaves in CloudTrail where iamlab can read them: the switch role, the
 * sign-in, and the management calls the console pages of the labs make. Anything else a console
 * step does (display name, colour, which identity the browser shows now) is not in CloudTrail.
 */
const CONSOLE_VISIBLE = new Set(['sts:assumerole', 'signin:consolelogin', 's3:listallmybuckets', 'ec2:describeinstances']);

/** What the checker adds to its User-Agent, so CloudTrail tells its calls from the learner's. */
export const CHECKER_USER_AGENT = 'iamlab-checker';

export function consoleVisibleInCloudTrail(action: string): boolean {
  return CONSOLE_VISIBLE.has(action.toLowerCase());
}

type Rec = Record<string, any>;

/** One LookupEvents Event as an EventView (undefined when its record cannot be read). */
export function eventViewFromCloudTrail(ev: Record<string, unknown>): EventView | undefined {
  let r: Rec;
  try {
    r = JSON.parse(String(ev.CloudTrailEvent ?? '')) as Rec;
  } catch {
    return undefined;
  }
  if (!r || typeof r !== 'object') return undefined;
  // the checker's own reads (made with the learner's credentials) are never the learner's work
  if (typeof r.userAgent === 'string' && r.userAgent.includes(CHECKER_USER_AGENT)) return undefined;
  const time = ev.EventTime instanceof Date ? ev.EventTime : new Date(String(r.eventTime ?? ev.EventTime ?? ''));
  if (Number.isNaN(time.getTime())) return undefined;
  const name = String(r.eventName ?? ev.EventName ?? '');
  const source = String(r.eventSource ?? ev.EventSource ?? '');
  const id = (r.userIdentity ?? {}) as Rec;
  const params = (r.requestParameters && typeof r.requestParameters === 'object' ? r.requestParameters : {}) as Record<string, unknown>;
  const resources: string[] = Array.isArray(r.resources) ? (r.resources as Rec[]).map((x) => String(x.ARN ?? x.arn ?? '')).filter(Boolean) : [];
  const recipient = String(r.recipientAccountId ?? id.accountId ?? '');
  const base = { time, recipientAccountId: recipient };
  if (source === 'signin.amazonaws.com' && name === 'SwitchRole') {
    const from = String(r.additionalEventData?.SwitchFrom ?? '');
    const issuer = String(id.sessionContext?.sessionIssuer?.arn ?? r.additionalEventData?.SwitchTo ?? '');
    const session = /:assumed-role\/[^/]+\/(.+)$/.exec(String(id.arn ?? ''))?.[1];
    const ok = r.responseElements?.SwitchRole === 'Success' && !r.errorCode;
    const v: EventView = {
      ...base,
      via: 'console',
      eventName: 'SwitchRole',
      action: 'sts:AssumeRole',
      outcome: ok ? 'success' : 'failure',
      resources: issuer ? [issuer] : resources,
      requestParameters: { ...(issuer ? { RoleArn: issuer } : {}), ...(session ? { RoleSessionName: session } : {}) },
    };
    if (from) {
      v.principalArn = from;
      const t = principalTypeOf(from);
      if (t) v.principalType = t;
    }
    if (r.errorCode) v.errorCode = String(r.errorCode);
    if (r.errorMessage) v.errorMessage = String(r.errorMessage);
    return v;
  }
  const signIn = source === 'signin.amazonaws.com';
  const service = source.replace(/\.amazonaws\.com$/, '');
  const failed = Boolean(r.errorCode) || (signIn && r.responseElements?.ConsoleLogin === 'Failure');
  const v: EventView = {
    ...base,
    eventName: name,
    action: signIn ? '' : actionOf(service, name),
    outcome: failed ? 'failure' : 'success',
    resources,
    requestParameters: params,
  };
  if (signIn || r.sessionCredentialFromConsole === 'true') v.via = 'console';
  if (id.arn) {
    v.principalArn = String(id.arn);
    v.principalType = String(id.type ?? principalTypeOf(String(id.arn)) ?? 'Unknown');
  }
  if (r.errorCode) v.errorCode = String(r.errorCode);
  if (r.errorMessage) v.errorMessage = String(r.errorMessage);
  if (failed && v.principalArn) {
    const ex = explanationFromMessage(v.errorMessage, v.principalArn, v.action, resources[0] ?? '*');
    if (ex) v.explanation = ex;
  }
  return v;
}
