// The audit log as CloudTrail's Event history shows it (LookupEvents). One AuditEvent becomes one
// CloudTrail `Event` (API reference, API_Event): EventId, EventName, ReadOnly, AccessKeyId,
// EventTime, EventSource, Username, Resources, and CloudTrailEvent — the record as a JSON string
// (user guide, "CloudTrail record contents" and "CloudTrail userIdentity element").
//
// What Event history holds, and so what this keeps:
// - management events only: S3 object-level calls (GetObject, PutObject, ListObjects …) are data
//   events, which Event history never shows;
// - console sign-in is eventSource signin.amazonaws.com, eventType AwsConsoleSignIn: ConsoleLogin
//   (responseElements {ConsoleLogin: Success|Failure}), and the console's Switch Role is a
//   SwitchRole event whose userIdentity is the *new* role session, with the identity it switched
//   from in additionalEventData.SwitchFrom — not an sts AssumeRole event;
// - API calls made from the console carry sessionCredentialFromConsole: "true";
// - global services (IAM, sign-in, the Account API) record their events in us-east-1.
import type { AuditEvent } from './audit.js';
import type { World } from './world.js';
import { isoSeconds, parseStsArn } from './arn.js';

export interface CloudTrailResource {
  ResourceType?: string;
  ResourceName?: string;
}

/** One LookupEvents `Event`, in the API's member order. */
export interface CloudTrailLookupEvent {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: Date;
  EventSource: string;
  Username?: string;
  Resources: CloudTrailResource[];
  CloudTrailEvent: string;
}

/** S3 operations CloudTrail logs as data events (not in Event history). */
const S3_DATA_EVENTS = new Set([
  'GetObject',
  'PutObject',
  'DeleteObject',
  'DeleteObjects',
  'HeadObject',
  'CopyObject',
  'ListObjects',
  'ListObjectsV2',
  'ListObjectVersions',
  'GetObjectAttributes',
  'GetObjectTagging',
  'PutObjectTagging',
]);

const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'signin.amazonaws.com', 'account.amazonaws.com']);

/** The console's Switch Role is the sim's AssumeRole made through the console (src/shell/console.ts). */
function isSwitchRole(e: AuditEvent): boolean {
  return e.via === 'console' && e.eventSource === 'sts.amazonaws.com' && e.eventName === 'AssumeRole';
}

/** Whether Event history shows this event at all. */
export function inEventHistory(e: AuditEvent): boolean {
  if (e.eventSource === 's3.amazonaws.com' && S3_DATA_EVENTS.has(e.eventName)) return false;
  // a call whose key AWS did not know belongs to no account's history
  return e.recipientAccountId !== '' || e.userIdentity.accountId !== undefined;
}

/** The region whose Event history holds the event. */
export function eventRegion(e: AuditEvent): string {
  return GLOBAL_SOURCES.has(e.eventSource) || isSwitchRole(e) ? 'us-east-1' : e.awsRegion;
}

function readOnly(e: AuditEvent): boolean {
  if (e.eventSource === 'signin.amazonaws.com' || isSwitchRole(e)) return false;
  if (e.eventSource === 'sts.amazonaws.com') return true; // STS mints credentials, changes no resource
  return /^(Get|List|Describe|Head|Lookup|Decode|Simulate|Generate)/.test(e.eventName);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

type Identity = Record<string, unknown>;

/** The record's userIdentity for an actor as the audit log saw it. */
function userIdentity(w: World, e: AuditEvent): Identity {
  const u = e.userIdentity;
  const out: Identity = { type: u.type === 'Unknown' ? 'Unknown' : u.type };
  if (u.principalId) out.principalId = u.principalId;
  if (u.arn) out.arn = u.arn;
  if (u.accountId) out.accountId = u.accountId;
  if (u.accessKeyId) out.accessKeyId = u.accessKeyId;
  if (u.userName) out.userName = u.userName;
  const s = u.accessKeyId ? w.sessions.get(u.accessKeyId) : undefined;
  if (u.type === 'AssumedRole' && u.sessionIssuerArn) {
    const ref = w.roleRef(u.sessionIssuerArn);
    out.sessionContext = {
      sessionIssuer: { type: 'Role', principalId: ref?.role.id ?? '', arn: u.sessionIssuerArn, accountId: u.accountId ?? '', userName: ref?.role.name ?? u.sessionIssuerArn.split('/').pop() },
      attributes: { creationDate: s ? isoSeconds(new Date(s.issuedAt)) : isoSeconds(e.eventTime), mfaAuthenticated: String(s?.mfa ?? false) },
    };
  } else if (s) {
    out.sessionContext = { attributes: { creationDate: isoSeconds(new Date(s.issuedAt)), mfaAuthenticated: String(s.mfa) } };
  }
  return out;
}

/** The role session a successful switch produced: userIdentity of the SwitchRole event. */
function switchedIdentity(w: World, e: AuditEvent): { identity: Identity; arn?: string; session?: string; account?: string } {
  const roleArn = str(e.requestParameters.RoleArn);
  const session = str(e.requestParameters.RoleSessionName);
  const ref = roleArn ? w.roleRef(roleArn) : undefined;
  const m = roleArn ? /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn) : null;
  if (!roleArn || !session || !m) return { identity: userIdentity(w, e) };
  const account = m[1]!;
  const roleName = ref?.role.name ?? m[2]!;
  const arn = `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`;
  const identity: Identity = {
    type: 'AssumedRole',
    principalId: `${ref?.role.id ?? ''}:${session}`,
    arn,
    accountId: account,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: ref?.role.id ?? '', arn: roleArn, accountId: account, userName: roleName },
      attributes: { creationDate: isoSeconds(e.eventTime), mfaAuthenticated: 'false' },
    },
  };
  return { identity, arn, session, account };
}

function resourceOf(arn: string): { type: string; name: string } {
  if (arn.startsWith('arn:aws:s3:::')) return { type: 'AWS::S3::Bucket', name: arn.slice('arn:aws:s3:::'.length).split('/')[0]! };
  const iam = /^arn:aws:iam::(?:\d{12}|aws):(role|user|group|policy|instance-profile|mfa)\//.exec(arn);
  if (iam) {
    const t: Record<string, string> = { role: 'Role', user: 'User', group: 'Group', policy: 'ManagedPolicy', 'instance-profile': 'InstanceProfile', mfa: 'VirtualMFADevice' };
    return { type: `AWS::IAM::${t[iam[1]!]}`, name: arn };
  }
  const ec2 = /^arn:aws:ec2:[^:]*:\d{12}:instance\/(.+)$/.exec(arn);
  if (ec2) return { type: 'AWS::EC2::Instance', name: ec2[1]! };
  return { type: 'AWS::Resource', name: arn };
}

/** One audit event as LookupEvents returns it. */
export function toLookupEvent(w: World, e: AuditEvent): CloudTrailLookupEvent {
  const switched = isSwitchRole(e);
  const signIn = e.eventSource === 'signin.amazonaws.com';
  const ok = e.outcome === 'success';
  const sw = switched && ok ? switchedIdentity(w, e) : undefined;
  const identity = sw ? sw.identity : userIdentity(w, e);
  const eventName = switched ? 'SwitchRole' : e.eventName;
  const eventSource = switched ? 'signin.amazonaws.com' : e.eventSource;
  const ro = readOnly(e);
  const record: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: isoSeconds(e.eventTime),
    eventSource,
    eventName,
    awsRegion: eventRegion(e),
    sourceIPAddress: '127.0.0.1',
    userAgent: e.userAgent ?? (e.via === 'console' ? 'Mozilla/5.0 (iamlab console)' : e.via === 'shell' ? 'aws-cli/2 (iamlab shell)' : 'iamlab'),
  };
  if (!ok && e.errorCode) record.errorCode = e.errorCode;
  if (!ok && e.errorMessage) record.errorMessage = e.errorMessage;
  if (signIn || switched) {
    record.requestParameters = null;
    record.responseElements = switched ? { SwitchRole: ok ? 'Success' : 'Failure' } : { ConsoleLogin: ok ? 'Success' : 'Failure' };
    record.additionalEventData = switched
      ? { SwitchFrom: e.userIdentity.arn ?? '', RedirectTo: 'https://console.aws.amazon.com/console/home', ...(str(e.requestParameters.RoleArn) ? { SwitchTo: str(e.requestParameters.RoleArn) } : {}) }
      : { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' };
  } else {
    record.requestParameters = Object.keys(e.requestParameters).length ? e.requestParameters : null;
    record.responseElements = null;
  }
  record.requestID = e.eventId;
  record.eventID = e.eventId;
  record.readOnly = ro;
  if (e.resources.length) record.resources = e.resources.map((arn) => ({ accountId: /^arn:aws:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1], type: resourceOf(arn).type, ARN: arn }));
  record.eventType = signIn || switched ? 'AwsConsoleSignIn' : 'AwsApiCall';
  record.managementEvent = true;
  record.recipientAccountId = sw?.account ?? e.recipientAccountId;
  if (e.via === 'console' && !signIn && !switched) record.sessionCredentialFromConsole = 'true';
  record.eventCategory = 'Management';

  const accessKeyId = sw ? undefined : e.userIdentity.accessKeyId;
  let username: string | undefined;
  if (sw) username = sw.session;
  else if (e.userIdentity.type === 'Root') username = 'root';
  else if (e.userIdentity.type === 'AssumedRole' || e.userIdentity.type === 'FederatedUser') username = e.userIdentity.arn ? parseStsArn(e.userIdentity.arn)?.session : undefined;
  else username = e.userIdentity.userName;
  return {
    EventId: e.eventId,
    EventName: eventName,
    ReadOnly: String(ro),
    ...(accessKeyId ? { AccessKeyId: accessKeyId } : {}),
    EventTime: e.eventTime,
    EventSource: eventSource,
    ...(username ? { Username: username } : {}),
    Resources: e.resources.map((arn) => {
      const r = resourceOf(arn);
      return { ResourceType: r.type, ResourceName: r.name };
    }),
    CloudTrailEvent: JSON.stringify(record),
  };
}
