// The real-account Backend: CallRequest → `<Operation>Command` of the AWS SDK for JavaScript v3
// (member names are the API's on both sides), outputs normalised to the simulated account's shapes
// (src/real/normalize.ts), errors to AwsError (src/real/errors.ts).
//
// Credentials: the request's own (the shell resolved exported variables or profile keys itself),
// else the SDK's standard chain for the chosen profile (environment, shared files, SSO, role_arn
// profiles with an MFA prompt, credential_process, container/instance metadata).
// Endpoints: AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > the profile's config (SDK-native).
// Writes: before the first write in an account the backend shows who is calling and asks
// (`confirmWrite`); everything a lab creates is tagged `iamlab:lab=<id>`.
import { createHash } from 'node:crypto';
import type { Backend, CallRequest, CallResult, Credentials, ServiceName } from '../backend/types.js';
import { configuredEndpoint, defaultEndpoint } from './endpoints.js';
import { CLIENT_CODES, NOT_AWS, client, toAwsError, type RealAwsError } from './errors.js';
import { normalizeOutput } from './normalize.js';
import { awsConfigFile, awsCredentialsFile, profileName, resolveRegion } from './profiles.js';
import { RealRetryStrategy, type RetryOptions } from './retry.js';
import type { RealEventLog } from './events.js';
import { clientClass, commandClass, nodeProviderChain, type CredentialProvider, type RealService, type SdkClient, type SdkLogger, type SdkService } from './sdk.js';

/** A CallRequest for any service real mode calls (CloudTrail too: the checks read it with send()). */
export type RealCallRequest = Omit<CallRequest, 'service'> & { service: RealService };

export const LAB_TAG_KEY = 'iamlab:lab';

export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
  /** For credentials this backend saw minted (AssumeRole …): when, and until when. */
  issuedAt?: Date;
  expiration?: Date;
}

export interface WriteConfirmation extends CallerIdentity {
  service: ServiceName;
  operation: string;
  /** The region the write goes to. */
  region: string;
}

export interface RealBackendOptions {
  /** --profile: the profile whose chain answers requests that carry no credentials. */
  profile?: string;
  /** --region: default region when a request names none. */
  region?: string;
  /** Environment for endpoints, region and file locations (default process.env). */
  env?: Record<string, string | undefined>;
  /** One endpoint for every service (beats the environment; tests use it). */
  endpoint?: string;
  /** The lab being done: what it creates is tagged iamlab:lab=<labId>. */
  labId?: string;
  /** Asked once per account before the first write; false = do not write. Absent = no question. */
  confirmWrite?: (who: WriteConfirmation) => Promise<boolean>;
  /** For role_arn profiles with mfa_serial: ask the learner for a code. */
  mfaCodeProvider?: (serial: string) => Promise<string>;
  retry?: RetryOptions;
  /** Connect timeout (default 5 s) and whole-request timeout (default 30 s). */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Notes for the learner that are not errors (an untagged resource, an SDK warning). */
  onNotice?: (text: string) => void;
  /** Replaces the standard chain (tests; the app's own provider). */
  credentialProvider?: CredentialProvider;
  /** Where `call` records every call and its answer (the shell's audit log for event checks). */
  eventLog?: RealEventLog;
  /** Wall clock for event times (tests inject). */
  now?: () => Date;
  /** Added to the SDK's User-Agent (CloudTrail records it): the checker marks its own calls so they never count as the learner's. */
  userAgent?: string;
}

/** Operations that change nothing in the account (no confirmation asked). */
export function isWrite(service: ServiceName, operation: string): boolean {
  if (service === 'sts') return false; // AssumeRole & co. mint credentials, change no resource
  if (service === 'account') return !/^(Get|List)/.test(operation);
  return !/^(Get|List|Describe|Head|Simulate|Generate|Decode)/.test(operation);
}

/** IAM create operations that accept Tags. */
const IAM_TAG_ON_CREATE = new Set(['CreateRole', 'CreateUser', 'CreatePolicy', 'CreateInstanceProfile', 'CreateVirtualMFADevice', 'CreateOpenIDConnectProvider', 'CreateSAMLProvider']);
/** Create operations whose resource cannot carry tags at all. */
const UNTAGGABLE_CREATE: Record<string, string> = { CreateGroup: 'IAM groups cannot carry tags' };

interface ClientEntry {
  client: SdkClient;
  lastUse: number;
}

const MAX_CLIENTS = 24;

export class RealBackend implements Backend {
  readonly kind = 'real' as const;
  readonly profile: string | undefined;
  readonly env: Record<string, string | undefined>;
  private readonly o: RealBackendOptions;
  private readonly clients = new Map<string, ClientEntry>();
  private chain: CredentialProvider | undefined;
  private readonly profileChains = new Map<string, Promise<CredentialProvider>>();
  private readonly identities = new Map<string, Promise<CallerIdentity | RealAwsError>>();
  private readonly confirmed = new Map<string, Promise<boolean>>();
  private readonly logger: SdkLogger;
  private defaultRegionCache: string | undefined;

  constructor(opts: RealBackendOptions = {}) {
    this.o = opts;
    this.profile = opts.profile;
    this.env = opts.env ?? process.env;
    const notice = (...a: unknown[]) => this.o.onNotice?.(a.map(String).join(' '));
    this.logger = { debug() {}, info() {}, warn: notice, error() {} };
  }

  /** The region used when a request names none: --region, AWS_REGION, AWS_DEFAULT_REGION, profile, us-east-1. */
  defaultRegion(): string {
    if (!this.defaultRegionCache) {
      let r: string | undefined;
      try {
        r = resolveRegion(this.o.region, this.profile, this.env);
      } catch {
        r = undefined; // an unreadable config file: the SDK will say more when it reads it
      }
      this.defaultRegionCache = r ?? 'us-east-1';
    }
    return this.defaultRegionCache;
  }

  /** The profile name the chain uses (for messages). */
  chainProfile(): string {
    return profileName(this.profile, this.env);
  }

  endpointFor(service: RealService, region: string): string {
    return configuredEndpoint(service, this.env, this.o.endpoint) ?? defaultEndpoint(service, region);
  }

  private async chainProvider(): Promise<CredentialProvider> {
    if (this.o.credentialProvider) return this.o.credentialProvider;
    if (!this.chain) {
      this.chain = await nodeProviderChain({
        profile: this.profile,
        mfaCodeProvider: this.o.mfaCodeProvider,
        filepath: this.env.AWS_SHARED_CREDENTIALS_FILE ? awsCredentialsFile(this.env) : undefined,
        configFilepath: this.env.AWS_CONFIG_FILE ? awsConfigFile(this.env) : undefined,
        clientConfig: { region: this.defaultRegion() },
        logger: this.logger,
      });
    }
    return this.chain;
  }

  /**
   * Credentials of the standard chain for the backend's profile (the shell uses this for a profile
   * it cannot resolve itself: SSO, credential_process, role_arn with MFA). Throws a RealAwsError-shaped
   * object { code, message, status: 0 } when there are none.
   */
  async chainCredentials(): Promise<Credentials & { expiration?: Date }> {
    try {
      const c = await (await this.chainProvider())();
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration };
    } catch (err) {
      throw toAwsError(err, { service: 'sts', operation: 'GetCallerIdentity', profile: this.chainProfile() });
    }
  }

  /** Credentials of a named profile through the standard chain (SSO, credential_process, role_arn …). */
  async credentialsForProfile(profile: string): Promise<Credentials & { expiration?: Date }> {
    if (profile === (this.profile ?? this.chainProfile())) return this.chainCredentials();
    let p = this.profileChains.get(profile);
    if (!p) {
      p = nodeProviderChain({
        profile,
        mfaCodeProvider: this.o.mfaCodeProvider,
        filepath: this.env.AWS_SHARED_CREDENTIALS_FILE ? awsCredentialsFile(this.env) : undefined,
        configFilepath: this.env.AWS_CONFIG_FILE ? awsConfigFile(this.env) : undefined,
        clientConfig: { region: this.defaultRegion() },
        logger: this.logger,
      });
      this.profileChains.set(profile, p);
    }
    try {
      const c = await (await p)();
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}), ...(c.expiration ? { expiration: c.expiration } : {}) };
    } catch (err) {
      throw toAwsError(err, { service: 'sts', operation: 'GetCallerIdentity', profile });
    }
  }

  private credKey(creds: Credentials | undefined): string {
    if (!creds) return `chain:${this.chainProfile()}`;
    const h = createHash('sha256').update(`${creds.accessKeyId}\0${creds.secretAccessKey}\0${creds.sessionToken ?? ''}`).digest('hex').slice(0, 16);
    return `key:${creds.accessKeyId}:${h}`;
  }

  private async clientFor(service: SdkService, region: string, creds: Credentials | undefined): Promise<SdkClient> {
    const key = `${service}|${region}|${this.credKey(creds)}`;
    const hit = this.clients.get(key);
    if (hit) {
      hit.lastUse = Date.now();
      return hit.client;
    }
    const Ctor = await clientClass(service);
    const endpoint = configuredEndpoint(service, this.env, this.o.endpoint);
    const retry = new RealRetryStrategy(this.o.retry);
    const config: Record<string, unknown> = {
      region,
      credentials: creds
        ? { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}) }
        : await this.chainProvider(),
      retryStrategy: retry,
      maxAttempts: retry.maxAttempts,
      logger: this.logger,
      requestHandler: { connectionTimeout: this.o.connectionTimeoutMs ?? 5_000, requestTimeout: this.o.requestTimeoutMs ?? 30_000 },
    };
    if (this.profile) config.profile = this.profile;
    if (endpoint) config.endpoint = endpoint;
    if (this.o.userAgent) config.customUserAgent = this.o.userAgent;
    if (service === 's3') {
      config.followRegionRedirects = true;
      if (endpoint) config.forcePathStyle = true; // custom endpoints are addressed path-style, as the CLI does
    }
    const c = new Ctor(config);
    c.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          const r = args.request;
          if (err && typeof err === 'object' && r?.hostname) {
            (err as { $iamlabEndpoint?: string }).$iamlabEndpoint = `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path ?? '/'}`;
          }
          throw err;
        }
      },
      { step: 'build', name: 'iamlabEndpointCapture' },
    );
    // A 2xx HTML page (a captive portal, a proxy, a web server on the wrong port) would parse as an
    // empty AWS answer ("no roles"): refuse it before the SDK's deserializer sees it.
    // (S3 is exempt except for its listings: GetObject may be any type, and empty-bodied answers
    // such as CreateBucket carry whatever content-type the server likes.)
    c.middlewareStack.add(
      (next, context) => async (args) => {
        const r = (await next(args)) as { response?: { statusCode?: number; headers?: Record<string, string> } };
        if (service === 's3' && !/^(List|GetBucket)/.test(context?.commandName ?? '')) return r;
        const status = r.response?.statusCode ?? 0;
        const type = Object.entries(r.response?.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
        if (status >= 200 && status < 300 && /html/i.test(type)) {
          throw Object.assign(new Error(`content-type ${type}`), { name: NOT_AWS, $metadata: { httpStatusCode: status } });
        }
        return r;
      },
      { step: 'deserialize', name: 'iamlabNotAws', priority: 'low' },
    );
    if (this.clients.size >= MAX_CLIENTS) {
      let oldest: [string, ClientEntry] | undefined;
      for (const e of this.clients) if (!oldest || e[1].lastUse < oldest[1].lastUse) oldest = e;
      if (oldest) {
        oldest[1].client.destroy();
        this.clients.delete(oldest[0]);
      }
    }
    this.clients.set(key, { client: c, lastUse: Date.now() });
    return c;
  }

  /** sts:GetCallerIdentity for these credentials (or the chain's), cached per credentials. */
  async identity(creds?: Credentials): Promise<CallerIdentity | RealAwsError> {
    const key = this.credKey(creds);
    let p = this.identities.get(key);
    if (!p) {
      p = this.send({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: creds }).then((r) =>
        r.ok ? { accountId: String(r.output.Account), arn: String(r.output.Arn), userId: String(r.output.UserId) } : (r.error as RealAwsError),
      );
      this.identities.set(key, p);
      void p.then((x) => {
        if ('code' in x) this.identities.delete(key); // do not cache failures
      });
    }
    return p;
  }

  /** Remembers who a set of credentials is (from an STS answer), so no GetCallerIdentity is needed. */
  seedIdentity(creds: Credentials, who: CallerIdentity): void {
    this.identities.set(this.credKey(creds), Promise.resolve(who));
  }

  async call(req: CallRequest): Promise<CallResult> {
    const r = await this.callInner(req);
    if (r.ok && req.service === 'sts') await this.learnCredentials(req, r.output);
    if (this.o.eventLog) {
      let caller: CallerIdentity | undefined;
      if (!(r.ok === false && r.error.status === 0 && !r.error.code.startsWith('Write'))) {
        const who = await this.identity(req.credentials);
        if (!('code' in who)) caller = who;
      }
      this.o.eventLog.record(req, r, caller, this.o.now?.() ?? new Date());
    }
    return r;
  }

  /** STS answers that mint credentials tell us whose they are. */
  private async learnCredentials(req: CallRequest, out: Record<string, unknown>): Promise<void> {
    const c = out.Credentials as { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined;
    if (!c?.AccessKeyId || !c.SecretAccessKey) return;
    const when = { issuedAt: this.o.now?.() ?? new Date(), ...(c.Expiration instanceof Date ? { expiration: c.Expiration } : {}) };
    const creds: Credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
    const assumed = out.AssumedRoleUser as { Arn?: string; AssumedRoleId?: string } | undefined;
    const fed = out.FederatedUser as { Arn?: string; FederatedUserId?: string } | undefined;
    const arn = assumed?.Arn ?? fed?.Arn;
    if (arn) {
      const accountId = /^arn:aws[\w-]*:sts::(\d{12}):/.exec(arn)?.[1];
      if (accountId) this.seedIdentity(creds, { accountId, arn, userId: assumed?.AssumedRoleId ?? fed?.FederatedUserId ?? '', ...when });
      return;
    }
    if (req.operation === 'GetSessionToken') {
      const who = await this.identity(req.credentials);
      if (!('code' in who)) this.seedIdentity(creds, { ...who, ...when });
    }
  }

  private async callInner(req: CallRequest): Promise<CallResult> {
    if (this.o.confirmWrite && isWrite(req.service, req.operation) && req.service !== 'account') {
      const who = await this.identity(req.credentials);
      if ('code' in who) return { ok: false, error: who, requestId: '' };
      let ok = this.confirmed.get(who.accountId);
      if (!ok) {
        const region = req.region ?? this.defaultRegion();
        ok = this.o.confirmWrite({ ...who, service: req.service, operation: req.operation, region }).catch(() => false);
        this.confirmed.set(who.accountId, ok);
        void ok.then((yes) => {
          if (!yes) this.confirmed.delete(who.accountId); // ask again next time
        });
      }
      if (!(await ok)) {
        return {
          ok: false,
          error: client(CLIENT_CODES.declined, `Not sent: changes to AWS account ${who.accountId} (as ${who.arn}) were not confirmed. Nothing was changed.`),
          requestId: '',
        };
      }
    }
    const labId = this.o.labId;
    if (labId && req.service === 'iam' && IAM_TAG_ON_CREATE.has(req.operation)) return this.createTagged(req, labId);
    const r = await this.send(req);
    if (labId && r.ok) {
      if (req.service === 's3' && req.operation === 'CreateBucket') {
        const t = await this.send({ ...req, operation: 'PutBucketTagging', input: { Bucket: req.input.Bucket, Tagging: { TagSet: [{ Key: LAB_TAG_KEY, Value: labId }] } } });
        if (!t.ok) this.o.onNotice?.(`Bucket ${String(req.input.Bucket)} was created but could not be tagged ${LAB_TAG_KEY}=${labId} (${t.error.code}); iamlab cleanup will not find it — delete it yourself when done.`);
      } else if (req.service === 'iam' && UNTAGGABLE_CREATE[req.operation]) {
        this.o.onNotice?.(`${UNTAGGABLE_CREATE[req.operation]}: iamlab cleanup ${labId} --real finds this one only if the lab declares it.`);
      }
    }
    return r;
  }

  /** An IAM create with the lab tag added; if the caller may create but not tag, create untagged and say so. */
  private async createTagged(req: CallRequest, labId: string): Promise<CallResult> {
    const given = Array.isArray(req.input.Tags) ? (req.input.Tags as Array<{ Key?: unknown; Value?: unknown }>) : [];
    const tags = [...given.filter((t) => t.Key !== LAB_TAG_KEY), { Key: LAB_TAG_KEY, Value: labId }];
    const r = await this.send({ ...req, input: { ...req.input, Tags: tags } });
    if (!r.ok && /^(AccessDenied|AccessDeniedException)$/.test(r.error.code) && /iam:Tag/i.test(r.error.message)) {
      const plain = await this.send(req);
      if (plain.ok) this.o.onNotice?.(`Created without the ${LAB_TAG_KEY}=${labId} tag: this identity may not tag (iam:Tag…). iamlab cleanup will not find it — delete it yourself when done.`);
      return plain;
    }
    return r;
  }

  /** One SDK call, no confirmation, no tagging. */
  async send(req: RealCallRequest): Promise<CallResult> {
    const region = req.region ?? this.defaultRegion();
    const ctx = {
      service: req.service,
      operation: req.operation,
      profile: req.credentials ? undefined : this.chainProfile(),
      explicitCredentials: Boolean(req.credentials),
      endpoint: this.endpointFor(req.service, region),
    };
    if (req.service === 'account') {
      return {
        ok: false,
        error: client(
          CLIENT_CODES.unsupported,
          `${req.operation} (account:${req.operation}) is the AWS console's Account page; iamlab does not call it on a real account. Open the Account page of the console in your browser instead.`,
        ),
        requestId: '',
      };
    }
    const Cmd = await commandClass(req.service, req.operation);
    if (!Cmd) {
      return { ok: false, error: client(CLIENT_CODES.unsupported, `The ${req.service} API has no operation named ${req.operation}.`), requestId: '' };
    }
    try {
      const c = await this.clientFor(req.service, region, req.credentials);
      const out = await c.send(new Cmd({ ...req.input }));
      const meta = out.$metadata as { requestId?: string } | undefined;
      return { ok: true, output: await normalizeOutput(req.service, out), requestId: meta?.requestId ?? '' };
    } catch (err) {
      const captured = (err as { $iamlabEndpoint?: string } | undefined)?.$iamlabEndpoint;
      const error = toAwsError(err, captured ? { ...ctx, endpoint: captured } : ctx);
      const meta = (err as { $metadata?: { requestId?: string } } | undefined)?.$metadata;
      return { ok: false, error, requestId: meta?.requestId ?? '' };
    }
  }

  /** Closes every SDK client (sockets) this backend opened. */
  close(): void {
    for (const e of this.clients.values()) e.client.destroy();
    this.clients.clear();
  }
}
