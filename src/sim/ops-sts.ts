// STS: AssumeRole, GetCallerIdentity, GetSessionToken, GetFederationToken, DecodeAuthorizationMessage.
import { deflateRawSync } from 'node:zlib';
import type { ContextValues, Explanation } from '../policy/types.js';
import type { OpCtx, OpDef } from './ops-common.js';
import { authorize, denial, str, num, list, validateTags, readTags, decodeAuthorizationMessage } from './ops-common.js';
import { assumeRoleDecision, baseContext, timeStrings } from './actor.js';
import { awsError, accessDenied, Validator, P } from './errors.js';
import { validateOrThrow } from './engine.js';
import { sessionArn, federatedArn } from './arn.js';
import type { SessionState, Tag, UserState } from './model.js';
import { totp } from './totp.js';

const ARN_CONSTRAINT = { min: 20, max: 2048, pattern: P.anyText };

function validateSessionPolicyParams(input: Record<string, unknown>, v: Validator): void {
  // "The plaintext that you use for both inline and managed session policies can't exceed 2,048
  // characters"; STS answers an oversized Policy with the model-template ValidationError.
  v.string('Policy', input['Policy'], { min: 1, max: 2048, pattern: P.sessionPolicy });
  const arns = v.list('PolicyArns', input['PolicyArns'], { max: 10 });
  arns.forEach((p, i) => {
    const o = (p ?? {}) as Record<string, unknown>;
    v.string(`PolicyArns.${i + 1}.Arn`, o['arn'] ?? o['Arn'], ARN_CONSTRAINT);
  });
}

function policyArnsOf(input: Record<string, unknown>): string[] {
  return list<Record<string, unknown>>(input, 'PolicyArns').map((o) => String(o?.['arn'] ?? o?.['Arn'] ?? ''));
}

/** Session policies: validated (grammar + 2,048 plaintext characters together), resolved to documents. */
function sessionPolicies(ctx: OpCtx, accountId: string): { inline?: string; docs: Array<{ name: string; arn: string; document: string }> } {
  const inline = str(ctx.input, 'Policy');
  const arns = policyArnsOf(ctx.input);
  const docs: Array<{ name: string; arn: string; document: string }> = [];
  if (inline !== undefined) validateOrThrow(inline, 'session');
  for (const arn of arns) {
    const m = ctx.w.managedPolicy(arn);
    const own = /^arn:aws:iam::aws:policy\//.test(arn) || arn.startsWith(`arn:aws:iam::${accountId}:policy/`);
    if (!m || !own) throw awsError('InvalidParameterValue', 400, `The policy ${arn} does not exist or is not in the same account as the role.`); // ⚠ text unverified
    docs.push({ name: m.name, arn, document: m.document });
  }
  return { ...(inline !== undefined ? { inline } : {}), docs };
}

/**
 * PackedPolicySize: the percentage of the packed (compressed) allowance the session policies and
 * tags use. AWS does not publish the packing; iamlab deflates the minified text against 2,048 bytes.
 */
function packedPercent(inline: string | undefined, arns: string[], tags: Tag[]): number {
  const text = (inline ? JSON.stringify(JSON.parse(inline)) : '') + arns.join(',') + tags.map((t) => `${t.Key}=${t.Value}`).join(',');
  if (!text) return 0;
  const packed = deflateRawSync(Buffer.from(text, 'utf8')).length;
  return Math.max(1, Math.ceil((packed * 100) / 2048));
}

/** Over 100 %: PackedPolicyTooLarge, worded as STS words it for session tags (real text). */
function checkPacked(percent: number, tags: Tag[], hasPolicies: boolean): void {
  if (percent <= 100) return;
  const what = tags.length && !hasPolicies ? 'session tags' : tags.length ? 'session policies and session tags' : 'session policies';
  throw awsError('PackedPolicyTooLarge', 400, `Packed size of ${what} consumes ${percent}% of allotted space.`);
}

function creds(s: SessionState): Record<string, unknown> {
  return { AccessKeyId: s.accessKeyId, SecretAccessKey: s.secret, SessionToken: s.token, Expiration: new Date(s.expiration) };
}

function checkMfa(ctx: OpCtx, user: UserState | undefined, serial: string, code: string): boolean {
  const acct = ctx.actor.account;
  const dev = acct.mfaDevices[serial];
  if (!dev || !user || dev.user !== user.name) return false;
  for (const o of [-1, 0, 1]) if (totp(dev.seed, ctx.now, o) === code) return true;
  return false;
}

function newSession(ctx: OpCtx, fields: Omit<SessionState, 'accessKeyId' | 'secret' | 'token' | 'issuedAt' | 'expiration'>, durationSeconds: number, capAt?: number): SessionState {
  const w = ctx.w;
  const issued = ctx.now.getTime();
  let exp = Math.floor(issued / 1000) * 1000 + durationSeconds * 1000;
  if (capAt !== undefined && capAt < exp) exp = capAt;
  const full = fields as SessionState;
  full.accessKeyId = w.newAccessKeyId(true);
  full.secret = w.rng.secret(40);
  full.token = w.newSessionToken();
  full.issuedAt = timeStrings(issued).iso;
  full.expiration = new Date(exp).toISOString();
  w.sessions.set(full.accessKeyId, full);
  return full;
}

const assumeRole: OpDef = {
  validate(input, v) {
    v.string('RoleArn', input['RoleArn'], ARN_CONSTRAINT, true);
    v.string('RoleSessionName', input['RoleSessionName'], { min: 2, max: 64, pattern: P.nameStar }, true);
    validateSessionPolicyParams(input, v);
    v.number('DurationSeconds', input['DurationSeconds'], { minValue: 900, maxValue: 43200 });
    validateTags(v, 'Tags', input['Tags']);
    const tk = v.list('TransitiveTagKeys', input['TransitiveTagKeys'], { max: 50 });
    tk.forEach((k, i) => v.string(`TransitiveTagKeys.${i + 1}`, k, { min: 1, max: 128, pattern: P.tagKey }));
    v.string('ExternalId', input['ExternalId'], { min: 2, max: 1224, pattern: P.externalId });
    v.string('SerialNumber', input['SerialNumber'], { min: 9, max: 256, pattern: P.serialNumber });
    v.string('TokenCode', input['TokenCode'], { min: 6, max: 6, pattern: P.tokenCode });
    v.string('SourceIdentity', input['SourceIdentity'], { min: 2, max: 64, pattern: P.nameStar });
  },
  run(ctx) {
    const { w, input, actor } = ctx;
    const roleArnText = str(input, 'RoleArn')!;
    const sessionName = str(input, 'RoleSessionName')!;
    ctx.action = 'sts:AssumeRole';
    ctx.resources.push(roleArnText);
    const target = w.roleRef(roleArnText);
    if (target) ctx.recipient = target.account.id;
    if (actor.principal.type === 'Account') throw accessDenied('Roles may not be assumed by root accounts.');
    if (actor.kind === 'federated') {
      throw accessDenied(`User: ${actor.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArnText}`);
    }
    // MFA
    const serial = str(input, 'SerialNumber');
    const code = str(input, 'TokenCode');
    let mfa = actor.session?.mfa ?? false;
    let mfaAuthTime = actor.session?.mfaAuthTime;
    if ((serial === undefined) !== (code === undefined)) {
      throw accessDenied('MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.');
    }
    if (serial !== undefined && code !== undefined) {
      if (!checkMfa(ctx, actor.user, serial, code)) throw accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code.');
      mfa = true;
      mfaAuthTime = ctx.now.toISOString();
    }
    // Session policies are checked as request parameters (MalformedPolicyDocument before any AccessDenied).
    const sp = sessionPolicies(ctx, target?.account.id ?? actor.account.id);
    // Context of the AssumeRole request
    const tags = readTags(input['Tags']);
    const transitive = list<string>(input, 'TransitiveTagKeys').map(String);
    const inherited: Tag[] = [];
    const callerSession = actor.kind === 'role' ? actor.session : undefined;
    for (const k of callerSession?.transitiveTagKeys ?? []) {
      const t = callerSession?.tags?.find((x) => x.Key.toLowerCase() === k.toLowerCase());
      if (t) inherited.push(t);
    }
    for (const t of tags) {
      if (inherited.some((x) => x.Key.toLowerCase() === t.Key.toLowerCase())) {
        // ⚠ AWS documents that this fails; the exact text is not published.
        throw awsError('InvalidParameterValue', 400, `The session tag key ${t.Key} is already set as a transitive tag by the calling session and cannot be overridden.`);
      }
    }
    const sourceIdentity = str(input, 'SourceIdentity') ?? callerSession?.sourceIdentity;
    if (callerSession?.sourceIdentity && str(input, 'SourceIdentity') !== undefined && str(input, 'SourceIdentity') !== callerSession.sourceIdentity) {
      throw accessDenied(`User: ${actor.arn} is not authorized to perform: sts:SetSourceIdentity on resource: ${roleArnText}`); // a session's source identity cannot change
    }
    const extra: ContextValues = { 'sts:RoleSessionName': sessionName };
    const ext = str(input, 'ExternalId');
    if (ext !== undefined) extra['sts:ExternalId'] = ext;
    if (sourceIdentity !== undefined) extra['sts:SourceIdentity'] = sourceIdentity;
    if (tags.length) {
      for (const t of tags) extra[`aws:RequestTag/${t.Key}`] = t.Value;
      extra['aws:TagKeys'] = tags.map((t) => t.Key);
    }
    if (transitive.length) extra['sts:TransitiveTagKeys'] = transitive;
    if (serial !== undefined) {
      extra['aws:MultiFactorAuthPresent'] = 'true';
      extra['aws:MultiFactorAuthAge'] = '0';
    }
    const context = baseContext(w, actor, ctx.env);
    for (const k in extra) context[k] = extra[k];
    const check = (action: string): Explanation => {
      const e = assumeRoleDecision(w, actor, roleArnText, context, action);
      ctx.explanation = e;
      if (e.decision !== 'Allow') throw denial(ctx, e, action, roleArnText, { deny: { style: 'sts-bare', resourceText: roleArnText } });
      return e;
    };
    const main = check('sts:AssumeRole');
    if (tags.length || transitive.length) check('sts:TagSession');
    if (sourceIdentity !== undefined) check('sts:SetSourceIdentity');
    ctx.explanation = main;

    const role = { accountId: target!.account.id };
    const roleState = target!.role;
    // Duration (after authorization)
    const duration = num(input, 'DurationSeconds') ?? 3600;
    const chained = actor.kind === 'role' || actor.kind === 'user-session';
    if (chained && duration > 3600) throw awsError('ValidationError', 400, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    if (duration > roleState.maxSessionDuration) throw awsError('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const allTags = inherited.length ? [...inherited, ...tags] : tags;
    const hasPolicies = sp.inline !== undefined || sp.docs.length > 0;
    const packed = hasPolicies || tags.length ? packedPercent(sp.inline, policyArnsOf(input), allTags) : undefined;
    if (packed !== undefined) checkPacked(packed, allTags, hasPolicies);
    const fields: Omit<SessionState, 'accessKeyId' | 'secret' | 'token' | 'issuedAt' | 'expiration'> = {
      kind: 'role',
      accountId: role.accountId,
      mfa,
      roleId: roleState.id,
      roleName: roleState.name,
      rolePath: roleState.path,
      sessionName,
    };
    if (mfaAuthTime) fields.mfaAuthTime = mfaAuthTime;
    if (sp.inline !== undefined) fields.sessionPolicy = sp.inline;
    if (sp.docs.length) fields.sessionPolicyDocs = sp.docs;
    if (allTags.length) fields.tags = allTags;
    if (transitive.length || inherited.length) fields.transitiveTagKeys = [...new Set([...inherited.map((t) => t.Key), ...transitive])];
    if (sourceIdentity !== undefined) fields.sourceIdentity = sourceIdentity;
    if (chained) fields.chained = true;
    const session = newSession(ctx, fields, duration, actor.kind === 'console' ? Date.parse(actor.session!.expiration) : undefined);
    roleState.lastUsed = { date: ctx.now.toISOString(), region: ctx.env.region };
    const out: Record<string, unknown> = {
      Credentials: creds(session),
      AssumedRoleUser: { AssumedRoleId: `${roleState.id}:${sessionName}`, Arn: sessionArn(role.accountId, roleState.name, sessionName) },
    };
    if (packed !== undefined) out['PackedPolicySize'] = packed;
    if (str(input, 'SourceIdentity') !== undefined) out['SourceIdentity'] = sourceIdentity;
    return out;
  },
};

const getCallerIdentity: OpDef = {
  run(ctx) {
    ctx.action = 'sts:GetCallerIdentity';
    const a = ctx.actor;
    return { UserId: a.principal.userId, Account: a.account.id, Arn: a.arn };
  },
};

function longTermOnly(ctx: OpCtx, op: string): void {
  if (ctx.actor.temporary) throw accessDenied(`Cannot call ${op} with session credentials`);
}

const getSessionToken: OpDef = {
  validate(input, v) {
    v.number('DurationSeconds', input['DurationSeconds'], { minValue: 900, maxValue: 129600 });
    v.string('SerialNumber', input['SerialNumber'], { min: 9, max: 256, pattern: P.serialNumber });
    v.string('TokenCode', input['TokenCode'], { min: 6, max: 6, pattern: P.tokenCode });
  },
  run(ctx) {
    ctx.action = 'sts:GetSessionToken';
    longTermOnly(ctx, 'GetSessionToken');
    const a = ctx.actor;
    const serial = str(ctx.input, 'SerialNumber');
    const code = str(ctx.input, 'TokenCode');
    let mfa = false;
    if ((serial === undefined) !== (code === undefined)) throw accessDenied('MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.');
    if (serial !== undefined && code !== undefined) {
      if (!checkMfa(ctx, a.user, serial, code))
        throw accessDenied('MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
      mfa = true;
    }
    const root = a.kind === 'root';
    let duration = num(ctx.input, 'DurationSeconds') ?? 43200;
    if (root) duration = Math.min(duration, 3600); // root: longer values default to one hour
    const s = newSession(
      ctx,
      {
        kind: 'user-session',
        accountId: a.account.id,
        mfa,
        ...(mfa ? { mfaAuthTime: ctx.now.toISOString() } : {}),
        ...(root ? { root: true } : { userName: a.user!.name, userId: a.user!.id }),
      },
      duration,
    );
    return { Credentials: creds(s) };
  },
};

const getFederationToken: OpDef = {
  validate(input, v) {
    v.string('Name', input['Name'], { min: 2, max: 32, pattern: P.federationName }, true);
    validateSessionPolicyParams(input, v);
    v.number('DurationSeconds', input['DurationSeconds'], { minValue: 900, maxValue: 129600 });
    validateTags(v, 'Tags', input['Tags']);
  },
  run(ctx) {
    ctx.action = 'sts:GetFederationToken';
    longTermOnly(ctx, 'GetFederationToken');
    const a = ctx.actor;
    const name = str(ctx.input, 'Name')!;
    const fedArn = federatedArn(a.account.id, name);
    ctx.resources.push(fedArn);
    const tags = readTags(ctx.input['Tags']);
    const extra: ContextValues = {};
    if (tags.length) {
      for (const t of tags) extra[`aws:RequestTag/${t.Key}`] = t.Value;
      extra['aws:TagKeys'] = tags.map((t) => t.Key);
    }
    authorize(ctx, 'sts:GetFederationToken', fedArn, { context: extra, deny: { style: 'iam', resourceText: fedArn } });
    if (tags.length) authorize(ctx, 'sts:TagSession', fedArn, { context: extra, deny: { style: 'iam', resourceText: fedArn } });
    const sp = sessionPolicies(ctx, a.account.id);
    const packed = packedPercent(sp.inline, policyArnsOf(ctx.input), tags);
    checkPacked(packed, tags, sp.inline !== undefined || sp.docs.length > 0);
    const root = a.kind === 'root';
    let duration = num(ctx.input, 'DurationSeconds') ?? 43200;
    if (root) duration = Math.min(duration, 3600);
    const s = newSession(
      ctx,
      {
        kind: 'federated',
        accountId: a.account.id,
        mfa: false,
        federatedName: name,
        ...(root ? { root: true } : { userName: a.user!.name, userId: a.user!.id }),
        ...(sp.inline !== undefined ? { sessionPolicy: sp.inline } : {}),
        sessionPolicyDocs: sp.docs,
        ...(tags.length ? { tags } : {}),
      },
      duration,
    );
    return {
      Credentials: creds(s),
      FederatedUser: { FederatedUserId: `${a.account.id}:${name}`, Arn: fedArn },
      PackedPolicySize: packed,
    };
  },
};

const decodeAuthorizationMessageOp: OpDef = {
  validate(input, v) {
    v.string('EncodedMessage', input['EncodedMessage'], { min: 1, max: 10240, pattern: P.encodedMessage }, true);
  },
  run(ctx) {
    ctx.action = 'sts:DecodeAuthorizationMessage';
    authorize(ctx, 'sts:DecodeAuthorizationMessage', '*', { deny: { style: 'iam', resourceText: '' } }); // wildcard-only: no "on resource" part
    const decoded = decodeAuthorizationMessage(ctx.w, str(ctx.input, 'EncodedMessage')!);
    if (decoded === undefined) {
      throw awsError('InvalidAuthorizationMessageException', 400, 'The encoded authorization message is not valid: it may contain invalid characters such as line breaks, or it may have been truncated.'); // ⚠ text unverified
    }
    return { DecodedMessage: decoded };
  },
};

export const STS_OPS: Record<string, OpDef> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetSessionToken: getSessionToken,
  GetFederationToken: getFederationToken,
  DecodeAuthorizationMessage: decodeAuthorizationMessageOp,
};
