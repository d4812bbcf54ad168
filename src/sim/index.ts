// The simulated AWS account: public API (see notes/sim-api.md).
export { World, WorldSnapshotError, revokeSessionsPolicy, REVOKE_SESSIONS_POLICY_NAME, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from './world.js';
export type {
  WorldSnapshot,
  CallerInfo,
  WorldClock,
  WorldCreateOptions,
  IamReadView,
  UserView,
  RoleView,
  GroupView,
  CustomerPolicyView,
  BucketView,
  InstanceView,
  AccountView,
} from './world.js';
export { SimBackend, simOperations, WIRE_ONLY_OPERATIONS } from './backend.js';
export type { SimCallRequest, SimServiceName } from './ops-common.js';
export { toLookupEvent } from './cloudtrail.js';
export type { CloudTrailLookupEvent, CloudTrailResource } from './cloudtrail.js';
export type { AuditEvent, AuditLog, AuditQuery } from './audit.js';
export { loadWorldFile, saveWorldFile } from './persist.js';
export { AWS_MANAGED, MANAGED_POLICIES_SOURCE, awsManagedByName } from './managed.js';
export type { AwsManagedPolicy } from './managed.js';
export { totp } from './totp.js';
