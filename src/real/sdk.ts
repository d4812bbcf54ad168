// The only place iamlab loads the AWS SDK for JavaScript v3: lazily, on the real-account path.
// The Node-version warning the SDK prints on Node 20 (ink-notes.md §0) is switched off before the
// first module is evaluated, so it never lands on the learner's screen.
import type { ServiceName } from '../backend/types.js';

/** The services real mode calls: the shared ones, plus CloudTrail (read by the checks for work done outside the shell). */
export type RealService = ServiceName | 'cloudtrail';
export type SdkService = Exclude<RealService, 'account'>;

/** What iamlab uses of an SDK client. */
export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>;
  destroy(): void;
  middlewareStack: {
    add(
      mw: (next: (args: MiddlewareArgs) => Promise<unknown>, context?: { commandName?: string }) => (args: MiddlewareArgs) => Promise<unknown>,
      opts: { step: string; name: string; priority?: string },
    ): void;
  };
}
export interface MiddlewareArgs {
  request?: { protocol?: string; hostname?: string; port?: number; path?: string };
  input?: unknown;
}
export type SdkClientCtor = new (config: Record<string, unknown>) => SdkClient;
export type SdkCommandCtor = new (input: Record<string, unknown>) => unknown;

const CLIENT_EXPORT: Record<SdkService, string> = { sts: 'STSClient', iam: 'IAMClient', s3: 'S3Client', ec2: 'EC2Client', cloudtrail: 'CloudTrailClient' };

const loaded = new Map<SdkService, Promise<Record<string, unknown>>>();

function quietSdk(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

/** Imports a service's client package once (dynamic import: only the real-account path pays). */
export function loadService(service: SdkService): Promise<Record<string, unknown>> {
  let p = loaded.get(service);
  if (!p) {
    quietSdk();
    switch (service) {
      case 'sts':
        p = import('@aws-sdk/client-sts') as Promise<Record<string, unknown>>;
        break;
      case 'iam':
        p = import('@aws-sdk/client-iam') as Promise<Record<string, unknown>>;
        break;
      case 's3':
        p = import('@aws-sdk/client-s3') as Promise<Record<string, unknown>>;
        break;
      case 'ec2':
        p = import('@aws-sdk/client-ec2') as Promise<Record<string, unknown>>;
        break;
      case 'cloudtrail':
        p = import('@aws-sdk/client-cloudtrail') as Promise<Record<string, unknown>>;
        break;
    }
    loaded.set(service, p);
  }
  return p;
}

export async function clientClass(service: SdkService): Promise<SdkClientCtor> {
  const mod = await loadService(service);
  quietSdk(); // the warning is printed when a client is constructed: keep it off even if someone unset it
  return mod[CLIENT_EXPORT[service]] as SdkClientCtor;
}

/** The `<Operation>Command` class, or undefined when the package has no such operation. */
export async function commandClass(service: SdkService, operation: string): Promise<SdkCommandCtor | undefined> {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(operation)) return undefined;
  const mod = await loadService(service);
  const c = mod[`${operation}Command`];
  return typeof c === 'function' && Object.prototype.hasOwnProperty.call(mod, `${operation}Command`) ? (c as SdkCommandCtor) : undefined;
}

export interface ChainInit {
  profile?: string;
  mfaCodeProvider?: (serial: string) => Promise<string>;
  filepath?: string;
  configFilepath?: string;
  clientConfig?: Record<string, unknown>;
  logger?: SdkLogger;
}
export interface SdkLogger {
  debug(...a: unknown[]): void;
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
}
export interface ChainCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialProvider = (opts?: { forceRefresh?: boolean }) => Promise<ChainCredentials>;

/** The SDK's standard credential chain (env, shared files, SSO, role_arn profiles, process, IMDS). */
export async function nodeProviderChain(init: ChainInit): Promise<CredentialProvider> {
  quietSdk();
  const mod = (await import('@aws-sdk/credential-providers')) as unknown as { fromNodeProviderChain: (i: ChainInit) => CredentialProvider };
  return mod.fromNodeProviderChain(init);
}
