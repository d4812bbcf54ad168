// CloudTrail: LookupEvents over the world's audit log (Event history of the caller's account, in
// the call's region). CloudTrail API reference, LookupEvents:
// - LookupAttributes: at most one; keys EventId, EventName, ReadOnly, Username, ResourceType,
//   ResourceName, EventSource, AccessKeyId; values compared exactly (case-sensitive);
// - StartTime / EndTime: inclusive; a start after the end is InvalidTimeRangeException;
//   Event history keeps 90 days;
// - MaxResults: 1–50, default 50; NextToken only with the same parameters;
// - EventCategory: only 'insight' (no Insights events here: an empty answer);
// - events come newest first.
// Authorized as cloudtrail:LookupEvents on "*" by the one policy engine.
import type { OpCtx, OpDef } from './ops-common.js';
import { authorize, list, num, str } from './ops-common.js';
import { awsError } from './errors.js';
import { createHash } from 'node:crypto';
import { eventRegion, inEventHistory, toLookupEvent, type CloudTrailLookupEvent } from './cloudtrail.js';

const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'];
const HISTORY_DAYS = 90;

/** A timestamp member as the shell (Date), the wire (epoch seconds) or a caller (ISO text) gives it. */
function time(input: Record<string, unknown>, k: string): Date | undefined {
  const v = input[k];
  if (v === undefined || v === null || v === '') return undefined;
  const d = v instanceof Date ? v : typeof v === 'number' ? new Date(v * 1000) : /^\d+(\.\d+)?$/.test(String(v)) ? new Date(Number(v) * 1000) : new Date(String(v));
  if (Number.isNaN(d.getTime())) throw awsError('ValidationException', 400, `1 validation error detected: Value '${String(v)}' at '${k[0]!.toLowerCase()}${k.slice(1)}' failed to satisfy constraint: Member must be a timestamp`); // ⚠ paraphrase
  return d;
}

function matches(ev: CloudTrailLookupEvent, key: string, value: string): boolean {
  switch (key) {
    case 'EventId':
      return ev.EventId === value;
    case 'EventName':
      return ev.EventName === value;
    case 'ReadOnly':
      return ev.ReadOnly === value;
    case 'Username':
      return ev.Username === value;
    case 'EventSource':
      return ev.EventSource === value;
    case 'AccessKeyId':
      return ev.AccessKeyId === value;
    case 'ResourceType':
      return ev.Resources.some((r) => r.ResourceType === value);
    case 'ResourceName':
      return ev.Resources.some((r) => r.ResourceName === value);
  }
  return false;
}

/** The parameters a NextToken is bound to (a token used with other parameters is refused). */
function paramsKey(input: Record<string, unknown>, region: string, account: string): string {
  const t = (k: string) => time(input, k)?.toISOString() ?? '';
  return createHash('sha256')
    .update(JSON.stringify([region, account, input['LookupAttributes'] ?? null, t('StartTime'), t('EndTime'), input['EventCategory'] ?? null]))
    .digest('base64url')
    .slice(0, 16);
}

const lookupEvents: OpDef = {
  run(ctx: OpCtx) {
    ctx.action = 'cloudtrail:LookupEvents';
    authorize(ctx, 'cloudtrail:LookupEvents', '*', { deny: { style: 'json' } });
    const input = ctx.input;
    const attrs = list<Record<string, unknown>>(input, 'LookupAttributes');
    if (attrs.length > 1) throw awsError('InvalidLookupAttributesException', 400, 'You cannot specify more than one lookup attribute.'); // ⚠ paraphrase
    let attr: { key: string; value: string } | undefined;
    if (attrs.length === 1) {
      const key = str(attrs[0] ?? {}, 'AttributeKey');
      const value = str(attrs[0] ?? {}, 'AttributeValue');
      if (!key || !ATTRIBUTE_KEYS.includes(key)) throw awsError('InvalidLookupAttributesException', 400, `The attribute key '${key ?? ''}' is not valid. Valid keys: ${ATTRIBUTE_KEYS.join(', ')}.`); // ⚠ paraphrase
      if (value === undefined || value === '') throw awsError('InvalidLookupAttributesException', 400, `The attribute value for ${key} must not be empty.`); // ⚠ paraphrase
      attr = { key, value };
    }
    const max = num(input, 'MaxResults') ?? 50;
    if (!Number.isInteger(max) || max < 1 || max > 50) throw awsError('InvalidMaxResultsException', 400, 'MaxResults must be between 1 and 50.'); // ⚠ paraphrase
    const start = time(input, 'StartTime');
    const end = time(input, 'EndTime');
    if (start && end && start.getTime() > end.getTime()) throw awsError('InvalidTimeRangeException', 400, 'Start time must be before end time.'); // ⚠ paraphrase
    const category = str(input, 'EventCategory');
    if (category !== undefined && category !== 'insight') throw awsError('InvalidEventCategoryException', 400, `The event category '${category}' is not valid. The only valid value is insight.`); // ⚠ paraphrase

    const account = ctx.actor.account.id;
    const region = ctx.env.region;
    const key = paramsKey(input, region, account);
    const token = str(input, 'NextToken');
    let after: string | undefined;
    if (token !== undefined) {
      const [k, id] = Buffer.from(token, 'base64url').toString('utf8').split('|');
      if (k !== key || !id) throw awsError('InvalidNextTokenException', 400, 'The NextToken is not valid, or was used with other parameters.'); // ⚠ paraphrase
      after = id;
    }
    if (category === 'insight') return { Events: [] };

    const oldest = ctx.now.getTime() - HISTORY_DAYS * 86_400_000;
    const events: CloudTrailLookupEvent[] = [];
    const all = ctx.w.audit.events();
    for (let i = all.length - 1; i >= 0; i--) {
      const e = all[i]!;
      const t = e.eventTime.getTime();
      if (t < oldest || (start && t < start.getTime()) || (end && t > end.getTime())) continue;
      if (!inEventHistory(e) || eventRegion(e) !== region) continue;
      if (e.recipientAccountId !== account && e.userIdentity.accountId !== account) continue;
      const ev = toLookupEvent(ctx.w, e);
      if (attr && !matches(ev, attr.key, attr.value)) continue;
      events.push(ev);
    }
    // newest first; events of one instant keep the log's order, newest first
    events.sort((a, b) => b.EventTime.getTime() - a.EventTime.getTime());
    let from = 0;
    if (after !== undefined) {
      const i = events.findIndex((e) => e.EventId === after);
      if (i < 0) throw awsError('InvalidNextTokenException', 400, 'The NextToken is not valid, or was used with other parameters.'); // ⚠ paraphrase
      from = i + 1;
    }
    const page = events.slice(from, from + max);
    const more = from + max < events.length;
    return { Events: page, ...(more ? { NextToken: Buffer.from(`${key}|${page[page.length - 1]!.EventId}`, 'utf8').toString('base64url') } : {}) };
  },
};

export const CLOUDTRAIL_OPS: Record<string, OpDef> = { LookupEvents: lookupEvents };
