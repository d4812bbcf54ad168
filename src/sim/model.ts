// The simulated world's state: plain JSON-able data (dates as ISO strings), so a snapshot is
// just this object. Indexes and caches live outside it (see world.ts).
import type { RngState } from './rng.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface InlinePolicy {
  name: string;
  document: string;
}

export interface AccessKeyState {
  id: string;
  secret: string;
  status: 'Active' | 'Inactive';
  createDate: string;
  lastUsed?: { date: string; service: string; region: string };
}

export interface LoginProfileState {
  createDate: string;
  /** scrypt-free, salted SHA-256 of the simulated password (never the password itself). */
  passwordHash: string;
  salt: string;
  passwordResetRequired: boolean;
}

export interface UserState {
  name: string;
  path: string;
  id: string;
  createDate: string;
  passwordLastUsed?: string;
  tags: Tag[];
  loginProfile?: LoginProfileState;
  accessKeys: AccessKeyState[];
  inline: InlinePolicy[];
  attached: string[];
  /** Group names (case as created), in the order the user was added. */
  groups: string[];
  boundary?: string;
  /** Serial numbers of MFA devices enabled for this user. */
  mfa: Array<{ serial: string; enableDate: string }>;
}

export interface GroupState {
  name: string;
  path: string;
  id: string;
  createDate: string;
  inline: InlinePolicy[];
  attached: string[];
}

export interface RoleState {
  name: string;
  path: string;
  id: string;
  createDate: string;
  /** Trust policy text as stored (principals of deleted users/roles replaced by their unique ids). */
  trust: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  inline: InlinePolicy[];
  attached: string[];
  boundary?: string;
  lastUsed?: { date: string; region: string };
}

export interface PolicyVersionState {
  versionId: string;
  document: string;
  createDate: string;
}

export interface ManagedPolicyState {
  name: string;
  path: string;
  id: string;
  createDate: string;
  updateDate: string;
  description?: string;
  defaultVersionId: string;
  versions: PolicyVersionState[];
  /** Next version number to hand out (AWS never reuses version ids). */
  nextVersion: number;
  tags: Tag[];
}

export interface MfaDeviceState {
  serial: string;
  /** Virtual device name with path, e.g. /alice-phone */
  path: string;
  name: string;
  seed: string; // base32
  createDate: string;
  user?: string; // user name once enabled
  enableDate?: string;
  tags: Tag[];
}

export interface InstanceState {
  instanceId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  state: string;
  region: string;
  availabilityZone: string;
  launchTime: string;
  privateIp: string;
  tags: Tag[];
}

export interface AccountState {
  id: string;
  alias?: string;
  name: string;
  email: string;
  createdDate: string;
  rootKeys: AccessKeyState[];
  /** Keys are lower-cased names (IAM names are unique case-insensitively). */
  users: Record<string, UserState>;
  groups: Record<string, GroupState>;
  roles: Record<string, RoleState>;
  policies: Record<string, ManagedPolicyState>;
  mfaDevices: Record<string, MfaDeviceState>;
  instances: InstanceState[];
  /** Attachment counts of AWS managed policies are derived; nothing stored. */
}

export interface ObjectState {
  key: string;
  /** base64 */
  body: string;
  contentType: string;
  lastModified: string;
  etag: string;
  size: number;
}

export interface BucketState {
  name: string;
  owner: string;
  region: string;
  creationDate: string;
  policy?: string;
  objects: Record<string, ObjectState>;
}

export type SessionKind = 'role' | 'user-session' | 'federated' | 'console';

export interface SessionState {
  accessKeyId: string;
  secret: string;
  token: string;
  kind: SessionKind;
  accountId: string;
  issuedAt: string;
  expiration: string;
  mfa: boolean;
  mfaAuthTime?: string;
  /** role sessions */
  roleId?: string;
  roleName?: string;
  rolePath?: string;
  sessionName?: string;
  /** user-session / console / federated: the IAM user (name + id) that asked; root when absent */
  userName?: string;
  userId?: string;
  root?: boolean;
  /** federated user name */
  federatedName?: string;
  /** Session policies: the inline text, and the managed ones (ARN + document at issue time). */
  sessionPolicy?: string;
  sessionPolicyDocs?: Array<{ name: string; arn: string; document: string }>;
  tags?: Tag[];
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  /** The credentials came from AssumeRole called with role-session credentials (role chaining). */
  chained?: boolean;
}

export interface WorldState {
  format: 'iamlab-world';
  version: 1;
  seed: string;
  now: string;
  rng: RngState;
  reqRng: RngState;
  accounts: Record<string, AccountState>;
  buckets: Record<string, BucketState>;
  sessions: Record<string, SessionState>;
  /**
   * Sessions expired for more than a day, kept as access key id → expiration only: they keep
   * answering ExpiredToken (as AWS's self-describing tokens do) without keeping their secrets.
   */
  expiredSessions?: Record<string, string>;
}
