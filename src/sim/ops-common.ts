// Shared machinery of the operations: the per-call context, authorization through the engine
// with each service's denial shape, pagination and common validations.
import type { CallRequest, ServiceName } from '../backend/types.js';

/**
 * The services the simulated account answers: the shared ServiceName ones, plus CloudTrail, which
 * only wire clients (`iamlab serve`) and the real-mode checks ask (the shell has no `aws cloudtrail`).
 */
export type SimServiceName = ServiceName | 'cloudtrail';
/** A CallRequest for any service the simulated account answers. */
export type SimCallRequest = Omit<CallRequest, 'service'> & { service: SimServiceName };
import type { ContextValues, Explanation, PolicyInput } from '../policy/types.js';
import type { World } from './world.js';
import type { Actor, RequestEnv } from './actor.js';
import { baseContext, evaluationInput } from './actor.js';
import { evaluate, deniedMessage } from './engine.js';
import { awsError, SimError, Validator, P } from './errors.js';
import type { Tag } from './model.js';

export interface OpCtx {
  w: World;
  req: SimCallRequest;
  input: Record<string, unknown>;
  service: SimServiceName;
  op: string;
  actor: Actor;
  env: RequestEnv;
  now: Date;
  /** The last authorization's explanation (attached to the CallResult). */
  explanation?: Explanation;
  /** ARNs the call concerned, for the audit log. */
  resources: string[];
  /** Account whose resource was used (audit recipientAccountId). */
  recipient?: string;
  /** IAM action recorded in the audit log (defaults to service:Operation). */
  action?: string;
  /** Extra fields for the audit requestParameters (e.g. the bucket of an S3 call). */
  auditExtra?: Record<string, unknown>;
}

export interface OpDef {
  /** Parameter validation, before authentication (AWS answers ValidationError first). */
  validate?(input: Record<string, unknown>, v: Validator): void;
  run(ctx: OpCtx): Record<string, unknown>;
}

export type DenyStyle =
  | { style: 'iam'; resourceText: string } // "on resource: role NAME" / "user NAME" / ARN
  | { style: 'sts-bare'; resourceText: string } // AssumeRole: no "because" suffix
  | { style: 's3' }
  | { style: 'ec2'; encoded?: boolean }
  | { style: 'account' }
  | { style: 'json' }; // JSON services (CloudTrail): AccessDeniedException, no resource named

export interface AuthzOptions {
  resourcePolicy?: PolicyInput;
  resourceAccount?: string;
  context?: ContextValues;
  deny: DenyStyle;
}

/** Authorizes one action; throws the service's AccessDenied shape when denied. */
export function authorize(ctx: OpCtx, action: string, resource: string, opts: AuthzOptions): Explanation {
  const context = opts.context ? { ...baseContext(ctx.w, ctx.actor, ctx.env), ...opts.context } : baseContext(ctx.w, ctx.actor, ctx.env);
  const e = evaluate(evaluationInput(ctx.w, ctx.actor, action, resource, context, opts.resourcePolicy, opts.resourceAccount));
  ctx.explanation = e;
  if (e.decision === 'Allow') return e;
  throw denial(ctx, e, action, resource, opts);
}

export function denial(ctx: OpCtx, e: Explanation, action: string, resource: string, opts: { deny: DenyStyle; resourceAccount?: string }): SimError {
  const d = opts.deny;
  const arn = ctx.actor.arn;
  switch (d.style) {
    case 'iam':
      return awsError('AccessDenied', 403, deniedMessage(e, arn, action, d.resourceText));
    case 'sts-bare':
      return awsError('AccessDenied', 403, deniedMessage(e, arn, action, d.resourceText, true));
    case 's3': {
      // S3 adds the context only for requests within the same account (S3 User Guide, troubleshoot-403-errors).
      const same = opts.resourceAccount === undefined || opts.resourceAccount === ctx.actor.account.id;
      if (!same) return awsError('AccessDenied', 403, 'Access Denied');
      return awsError('AccessDenied', 403, deniedMessage(e, arn, action, resource === '*' ? undefined : `"${resource}"`));
    }
    case 'ec2': {
      let msg = 'You are not authorized to perform this operation.';
      if (d.encoded) msg += ` Encoded authorization failure message: ${encodeAuthorizationMessage(ctx, e, action, resource)}`;
      return awsError('UnauthorizedOperation', 403, msg);
    }
    case 'account':
      return awsError('AccessDeniedException', 403, deniedMessage(e, arn, action, resource));
    case 'json':
      return awsError('AccessDeniedException', 400, deniedMessage(e, arn, action, resource === '*' ? undefined : resource));
  }
}

// ---- encoded authorization messages (EC2 → sts:DecodeAuthorizationMessage) ----

import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

function messageKey(w: World): Buffer {
  return createHash('sha256').update('iamlab-authz-message\u0000' + w.st.seed).digest();
}

export function encodeAuthorizationMessage(ctx: OpCtx, e: Explanation, action: string, resource: string): string {
  const matched = e.deciding.map((d) => {
    const pol = e.policies.find((p) => p.name === d.policy && p.kind === d.kind);
    const st = pol?.statements[d.index];
    return {
      statementId: d.sid ?? '',
      effect: d.effect.toUpperCase(),
      principals: { items: [{ value: ctx.actor.principal.uniqueId ?? ctx.actor.principal.userId }] },
      principalGroups: { items: [] },
      actions: { items: (st ? [action] : []).map((value) => ({ value })) },
      resources: { items: [{ value: resource }] },
      conditions: { items: [] },
    };
  });
  const ctxValues = baseContext(ctx.w, ctx.actor, ctx.env);
  const payload = {
    allowed: false,
    explicitDeny: e.reason === 'explicit-deny',
    matchedStatements: { items: matched },
    failures: { items: [] },
    context: {
      principal: { id: ctx.actor.principal.userId, arn: ctx.actor.arn },
      action,
      resource,
      conditions: {
        items: Object.entries({ ...ctxValues, 'aws:Region': ctx.env.region, 'ec2:Region': ctx.env.region }).map(([key, v]) => ({
          key,
          values: { items: (Array.isArray(v) ? v : [v ?? '']).map((value) => ({ value })) },
        })),
      },
    },
  };
  const iv = ctx.w.reqRng.bytes(12);
  const c = createCipheriv('aes-256-gcm', messageKey(ctx.w), iv);
  const body = Buffer.concat([c.update(JSON.stringify(payload), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

export function decodeAuthorizationMessage(w: World, msg: string): string | undefined {
  try {
    const raw = Buffer.from(msg.trim(), 'base64url');
    if (raw.length < 29) return undefined;
    const d = createDecipheriv('aes-256-gcm', messageKey(w), raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

// ---- inputs ----

export function str(input: Record<string, unknown>, k: string): string | undefined {
  const v = input[k];
  return v === undefined || v === null ? undefined : String(v);
}

export function num(input: Record<string, unknown>, k: string): number | undefined {
  const v = input[k];
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'number' ? v : Number(v);
}

export function bool(input: Record<string, unknown>, k: string): boolean | undefined {
  const v = input[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  return String(v).toLowerCase() === 'true';
}

export function list<T = unknown>(input: Record<string, unknown>, k: string): T[] {
  const v = input[k];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

/** Tags given as [{Key, Value}]. */
export function validateTags(v: Validator, member: string, raw: unknown, max = 50): void {
  const tags = v.list(member, raw, { max });
  tags.forEach((t, i) => {
    const o = (t ?? {}) as Record<string, unknown>;
    v.string(`${member}.${i + 1}.Key`, o['Key'], { min: 1, max: 128, pattern: P.tagKey }, true);
    v.string(`${member}.${i + 1}.Value`, o['Value'], { min: 0, max: 256, pattern: P.tagValue }, true);
  });
}

export function readTags(raw: unknown): Tag[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((t) => {
    const o = (t ?? {}) as Record<string, unknown>;
    return { Key: String(o['Key']), Value: String(o['Value'] ?? '') };
  });
}

/** Merges tags (keys compared case-insensitively; the new value and key case win). */
export function mergeTags(cur: Tag[], add: Tag[]): Tag[] {
  const out = [...cur];
  for (const t of add) {
    const i = out.findIndex((x) => x.Key.toLowerCase() === t.Key.toLowerCase());
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

// ---- pagination (IAM Marker / MaxItems) ----

export function validatePaging(input: Record<string, unknown>, v: Validator): void {
  v.number('MaxItems', input['MaxItems'], { minValue: 1, maxValue: 1000 });
  v.string('Marker', input['Marker'], { min: 1, max: 320, pattern: P.marker });
}

/** Pages a sorted list. The marker is the (base64) sort key of the last item returned. */
export function page<T>(items: T[], keyOf: (t: T) => string, input: Record<string, unknown>, listName: string): Record<string, unknown> {
  const max = num(input, 'MaxItems') ?? 100;
  const marker = str(input, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    let after: string;
    try {
      after = Buffer.from(marker, 'base64url').toString('utf8');
    } catch {
      after = '';
    }
    start = items.findIndex((t) => keyOf(t) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  const out: Record<string, unknown> = { [listName]: slice, IsTruncated: truncated };
  if (truncated) out['Marker'] = Buffer.from(keyOf(slice[slice.length - 1]!), 'utf8').toString('base64url');
  return out;
}

export function d(iso: string): Date {
  return new Date(iso);
}
