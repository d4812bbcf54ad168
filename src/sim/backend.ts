// SimBackend: answers CallRequests against a World. Every call (success or failure, including
// authentication failures) lands in the audit log; secrets are never recorded.
import type { Backend, CallResult, ServiceName } from '../backend/types.js';
import type { World } from './world.js';
import type { AuditEvent } from './audit.js';
import type { OpCtx, OpDef, SimCallRequest, SimServiceName } from './ops-common.js';
import { authenticate, temporaryLimit } from './actor.js';
import type { Actor, RequestEnv } from './actor.js';
import { SimError, Validator, authError, awsError, accessDenied } from './errors.js';
import { STS_OPS } from './ops-sts.js';
import { IAM_OPS } from './ops-iam.js';
import { S3_OPS } from './ops-s3.js';
import { EC2_OPS, ACCOUNT_OPS } from './ops-ec2.js';
import { CLOUDTRAIL_OPS } from './ops-cloudtrail.js';

const OPS: Record<SimServiceName, Record<string, OpDef>> = { sts: STS_OPS, iam: IAM_OPS, s3: S3_OPS, ec2: EC2_OPS, account: ACCOUNT_OPS, cloudtrail: CLOUDTRAIL_OPS };

const SOURCES: Record<SimServiceName, string> = {
  sts: 'sts.amazonaws.com',
  iam: 'iam.amazonaws.com',
  s3: 's3.amazonaws.com',
  ec2: 'ec2.amazonaws.com',
  account: 'account.amazonaws.com',
  cloudtrail: 'cloudtrail.amazonaws.com',
};

/** Request members never written to the audit log. */
const SECRET_KEYS = new Set(['Password', 'NewPassword', 'OldPassword', 'SecretAccessKey', 'SessionToken', 'TokenCode', 'AuthenticationCode1', 'AuthenticationCode2', 'Body']);

/**
 * S3 operations served for wire clients (the AWS CLI's `s3 cp` download and region lookup go
 * through `iamlab serve`) but not part of the shell's command set.
 */
export const WIRE_ONLY_OPERATIONS: Readonly<Record<string, readonly string[]>> = { s3: ['HeadObject', 'GetBucketLocation'] };

/** Operations served per service, for the shell's help and completion (without WIRE_ONLY_OPERATIONS). */
export function simOperations(): Record<ServiceName, string[]> {
  const without = (svc: string, ops: Record<string, OpDef>) => Object.keys(ops).filter((o) => !WIRE_ONLY_OPERATIONS[svc]?.includes(o));
  return {
    sts: without('sts', STS_OPS),
    iam: without('iam', IAM_OPS),
    s3: without('s3', S3_OPS),
    ec2: without('ec2', EC2_OPS),
    account: without('account', ACCOUNT_OPS),
  };
}

export class SimBackend implements Backend {
  readonly kind = 'sim' as const;
  constructor(readonly world: World) {}

  /** Answers a call (CloudTrail too: SimCallRequest is CallRequest with 'cloudtrail' among the services). */
  call(req: SimCallRequest): Promise<CallResult> {
    try {
      return Promise.resolve(this.callSync(req));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Same as call(), synchronously. */
  callSync(req: SimCallRequest): CallResult {
    const w = this.world;
    const requestId = w.reqRng.uuid();
    const service = req.service;
    const input = req.input ?? {};
    const env: RequestEnv = {
      region: req.region ?? 'us-east-1',
      sourceIp: req.sourceIp ?? '127.0.0.1',
      secureTransport: req.secureTransport ?? true,
      ...(req.userAgent !== undefined ? { userAgent: req.userAgent } : {}),
    };
    const now = w.clock.now();
    const auth = authenticate(w, service, req.credentials, req.signatureVerified ?? false);
    const actor = auth.ok ? auth.actor : undefined;
    const ctx: OpCtx = {
      w,
      req,
      input,
      service,
      op: req.operation,
      actor: actor as Actor,
      env,
      now,
      resources: [],
    };
    let output: Record<string, unknown> | undefined;
    let error: SimError | undefined;
    try {
      const def = OPS[service]?.[req.operation];
      if (!def) {
        throw service === 's3' || service === 'account'
          ? awsError('NotImplemented', 501, `iamlab's simulated account does not implement ${service} ${req.operation}.`)
          : service === 'cloudtrail'
            ? awsError('UnknownOperationException', 400, `iamlab's simulated account answers CloudTrail LookupEvents only, not ${req.operation}.`)
            : awsError('InvalidAction', 400, `The action ${req.operation} is not valid for this web service.`);
      }
      const v = new Validator();
      def.validate?.(input, v);
      v.throwIfAny();
      if (!auth.ok) throw authError(service, auth.failure);
      restrictions(ctx);
      output = def.run(ctx);
      if (actor?.kind === 'role' && actor.role) actor.role.lastUsed = { date: now.toISOString(), region: env.region };
    } catch (e) {
      if (e instanceof SimError) error = e;
      else {
        const m = e instanceof Error ? e.message : String(e);
        error = awsError('InternalFailure', 500, `iamlab's simulated account failed on ${service} ${req.operation}: ${m}`);
      }
    }
    this.record(ctx, auth.ok ? undefined : auth.accessKeyId, requestId, error);
    if (error) return { ok: false, error: error.aws, requestId, ...(ctx.explanation ? { explanation: ctx.explanation } : {}) };
    return { ok: true, output: output!, requestId, ...(ctx.explanation ? { explanation: ctx.explanation } : {}) };
  }

  private record(ctx: OpCtx, failedKey: string | undefined, requestId: string, error: SimError | undefined): void {
    const a = ctx.actor as Actor | undefined;
    const params: Record<string, unknown> = {};
    for (const k in ctx.input) if (!SECRET_KEYS.has(k)) params[k] = ctx.input[k];
    if (ctx.auditExtra) Object.assign(params, ctx.auditExtra);
    const e: AuditEvent = {
      eventId: requestId,
      eventTime: ctx.now,
      eventSource: SOURCES[ctx.service] ?? `${ctx.service}.amazonaws.com`,
      eventName: ctx.op,
      action: ctx.action ?? `${ctx.service}:${ctx.op}`,
      awsRegion: ctx.env.region,
      recipientAccountId: ctx.recipient ?? a?.account.id ?? '',
      userIdentity: a ? identityOf(a) : { type: 'Unknown', ...(failedKey ? { accessKeyId: failedKey } : {}) },
      via: ctx.req.via ?? 'api',
      requestParameters: params,
      resources: ctx.resources,
      outcome: error ? 'failure' : 'success',
      ...(error ? { errorCode: error.aws.code, errorMessage: error.aws.message } : {}),
      ...(ctx.req.userAgent ? { userAgent: ctx.req.userAgent.slice(0, 1000) } : {}),
      ...(ctx.explanation ? { explanation: ctx.explanation } : {}),
    };
    ctx.w.audit.record(e);
  }
}

function identityOf(a: Actor): AuditEvent['userIdentity'] {
  const base = { arn: a.arn, accountId: a.account.id, principalId: a.principal.userId, ...(a.accessKeyId ? { accessKeyId: a.accessKeyId } : {}) };
  switch (a.principal.type) {
    case 'Account':
      return { type: 'Root', ...base };
    case 'AssumedRole':
      return { type: 'AssumedRole', ...base, ...(a.roleArn ? { sessionIssuerArn: a.roleArn } : {}) };
    case 'FederatedUser':
      return {
        type: 'FederatedUser',
        ...base,
        ...(a.user ? { sessionIssuerArn: `arn:aws:iam::${a.account.id}:user${a.user.path}${a.user.name}` } : { sessionIssuerArn: `arn:aws:iam::${a.account.id}:root` }),
      };
    default:
      return { type: 'IAMUser', ...base, ...(a.user ? { userName: a.user.name } : {}) };
  }
}

/**
 * What temporary credentials may not call (STS API reference; actor.ts temporaryLimit):
 * GetSessionToken credentials: no IAM unless MFA was used; no STS but AssumeRole/GetCallerIdentity.
 * GetFederationToken credentials: no IAM; no STS but GetCallerIdentity.
 */
function restrictions(ctx: OpCtx): void {
  const limit = temporaryLimit(ctx.actor, ctx.service, ctx.op);
  if (limit === 'no-iam') throw authError('iam', 'unknown-key');
  if (limit === 'sts-op') throw accessDenied(`User: ${ctx.actor.arn} is not authorized to perform: sts:${ctx.op}`); // ⚠ text unverified
}
