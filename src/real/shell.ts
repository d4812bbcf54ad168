// The iamlab shell on a real account: the shell helper's ShellSession over a RealBackend, with
// what real mode adds around it —
// - profiles are the learner's real ~/.aws files (read once, in memory, never written back);
//   profiles the shell cannot resolve itself (SSO, credential_process, web identity) get their
//   credentials from the SDK's chain, in memory only;
// - secrets are shown as ****…WXYZ in every output (`reveal` prints the last output in full,
//   `--reveal` at the end of a line shows that line's output in full), and a pasted redacted value
//   is put back to the real secret it stands for;
// - iamlab's notes under an error (expired credentials, throttling, no network) and client-side
//   failures printed as the CLI prints its own errors, not as if AWS had answered;
// - a state for disk without any secret; the link the real-mode checks read the shell through.
import type { Credentials } from '../backend/types.js';
import { ShellSession } from '../shell/session.js';
import type { ShellOptions, ShellResult, ShellState } from '../shell/types.js';
import { CliError } from '../shell/aws/errors.js';
import { effectiveProfile, resolveCredentials, type ConfigHost } from '../shell/aws/config.js';
import type { RealBackend } from './backend.js';
import type { RealAwsError } from './errors.js';
import type { RealShellLink } from './checks.js';
import { describeProfileSource, loadRealProfiles, type RealProfiles } from './profiles.js';
import { Redactor, persistableShellState } from './redact.js';

export interface RealShellOptions extends Omit<ShellOptions, 'backend' | 'world' | 'state'> {
  backend: RealBackend;
  /** The lab's saved shell state (secret-free); exported variables and history carry over. */
  state?: ShellState;
  /** The learner's profiles (default: read from ~/.aws, or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). */
  profiles?: RealProfiles;
  /** --profile: exported as AWS_PROFILE when the state names none. */
  profile?: string;
  /** --region: exported as AWS_REGION and AWS_DEFAULT_REGION. */
  region?: string;
  /** Hide secrets in output (default true). */
  redact?: boolean;
  /**
   * Profiles the lab adds for this session only (setupRealLab's profiles): credentials of lab users
   * (in memory, never saved), or 'self' for the learner's own identity (the chosen profile's).
   */
  extraProfiles?: Record<string, Credentials | 'self'>;
}

const REVEAL_FLAG = /(^|\s)--reveal(?=\s*$)/;
/** Profiles whose credentials only the SDK's chain can produce. */
function chainOnly(p: RealProfiles, name: string): boolean {
  const c = p.config[name] ?? {};
  const k = p.credentials[name] ?? {};
  if (k.aws_access_key_id || c.aws_access_key_id || c.role_arn) return false;
  return Boolean(c.sso_session || c.sso_start_url || c.credential_process || c.web_identity_token_file || k.credential_process);
}

export class RealShellSession extends ShellSession {
  readonly redactor = new Redactor();
  readonly realBackend: RealBackend;
  readonly profiles: RealProfiles;
  private readonly redacting: boolean;
  /** In-memory credentials obtained from the chain for chain-only profiles, with their expiry. */
  private readonly chainCreds = new Map<string, { creds: Credentials; expiration?: Date }>();

  constructor(opts: RealShellOptions) {
    const profiles = opts.profiles ?? loadRealProfiles(opts.backend.env);
    const saved: Partial<ShellState> = opts.state ?? {};
    const state: ShellState = {
      env: { ...(saved.env ?? {}) },
      // The real files, copied: `aws configure set` changes this copy only, never ~/.aws.
      config: structuredClone(profiles.config),
      credentials: structuredClone(profiles.credentials),
      console: saved.console ?? { roleHistory: [] },
      history: [...(saved.history ?? [])],
      ...(saved.vars ? { vars: { ...saved.vars } } : {}),
    };
    if (opts.profile && !state.env.AWS_PROFILE) state.env.AWS_PROFILE = opts.profile;
    if (opts.region) {
      state.env.AWS_REGION = opts.region;
      state.env.AWS_DEFAULT_REGION = opts.region;
    }
    // 'self' aliases first (they copy the learner's own profile), then lab users' keys.
    const extras = Object.entries(opts.extraProfiles ?? {}).sort(([, a], [, b]) => (a === 'self' ? 0 : 1) - (b === 'self' ? 0 : 1));
    for (const [name, c] of extras) {
      if (c === 'self') {
        const own = opts.profile ?? state.env.AWS_PROFILE ?? 'default';
        if (name === own) continue;
        // the learner's own identity under the lab's profile name: a role_arn-free alias of it
        state.config[name] = { ...(state.config[own] ?? {}) };
        if (state.credentials[own]) state.credentials[name] = { ...state.credentials[own]! };
        else if (chainOnly(profiles, own)) profiles.config[name] = { ...(profiles.config[own] ?? {}) };
        continue;
      }
      state.credentials[name] = { aws_access_key_id: c.accessKeyId, aws_secret_access_key: c.secretAccessKey, ...(c.sessionToken ? { aws_session_token: c.sessionToken } : {}) };
      state.config[name] ??= { region: opts.region ?? opts.backend.defaultRegion() };
    }
    const { backend, profiles: _p, profile: _pr, region: _r, redact: _red, state: _s, extraProfiles: _x, ...rest } = opts;
    super({ ...rest, backend, state, defaultRegion: opts.region ?? opts.defaultRegion ?? backend.defaultRegion() });
    this.realBackend = backend;
    this.profiles = profiles;
    this.redacting = opts.redact ?? true;
    this.registerCommand('reveal', 'reveal — print the last output again with secret keys and tokens in full (they are hidden as ****…WXYZ)', async () => {
      const full = this.redactor.lastRedacted();
      if (!full) return { stdout: '', stderr: 'iamlab: nothing was hidden in the last output.\n', exitCode: 1 };
      return { stdout: full, stderr: '', exitCode: 0 };
    });
    this.registerCommand('whoami-real', 'whoami-real — the AWS account and identity this shell runs as, and where its credentials come from', async () => {
      const link = this.link();
      const r = await link.credentials();
      if (!r.credentials) return { stdout: '', stderr: `iamlab: no credentials: ${r.problem ?? 'nothing configured'}\n`, exitCode: 1 };
      const who = await this.realBackend.identity(r.credentials);
      if ('code' in who) return { stdout: '', stderr: `iamlab: ${who.message}${who.hint ? `\n${who.hint}` : ''}\n`, exitCode: 1 };
      return { stdout: `${who.arn}\naccount ${who.accountId} (credentials from ${r.source})\n`, stderr: '', exitCode: 0 };
    });
  }

  /** Profiles a line will use that only the SDK's chain can resolve: fetch their credentials (in memory). */
  private async prepareChainProfiles(line: string): Promise<string | undefined> {
    const names = new Set<string>();
    names.add(effectiveProfile(this.state.env).name);
    for (const m of line.matchAll(/--profile[\s=]+([\w.@+-]+)/g)) names.add(m[1]!);
    for (const name of names) {
      if (!chainOnly(this.profiles, name)) continue;
      const have = this.chainCreds.get(name);
      if (have && (!have.expiration || have.expiration.getTime() - Date.now() > 5 * 60_000)) continue;
      try {
        const c = await this.realBackend.credentialsForProfile(name);
        this.chainCreds.set(name, { creds: c, ...(c.expiration ? { expiration: c.expiration } : {}) });
        const sec: Record<string, string> = { ...(this.state.credentials[name] ?? {}), aws_access_key_id: c.accessKeyId, aws_secret_access_key: c.secretAccessKey };
        if (c.sessionToken) sec.aws_session_token = c.sessionToken;
        this.state.credentials[name] = sec;
      } catch (e) {
        const err = e as RealAwsError;
        return `iamlab: profile ${name} (${describeProfileSource(name, this.profiles) ?? 'no credentials'}): ${err.message ?? String(e)}${err.hint ? `\n${err.hint}` : ''}\n`;
      }
    }
    return undefined;
  }

  override async run(text: string): Promise<ShellResult> {
    let line = text;
    let reveal = !this.redacting || /^\s*reveal\s*$/.test(text);
    if (REVEAL_FLAG.test(line)) {
      line = line.replace(REVEAL_FLAG, '');
      reveal = true;
    }
    let pre = '';
    this.redactor.rememberState(this.state);
    const x = this.redactor.expandRedacted(line);
    line = x.line;
    if (x.unknown.length) pre += `iamlab: ${x.unknown.join(', ')} ${x.unknown.length === 1 ? 'is a hidden value' : 'are hidden values'} iamlab cannot match to a secret it knows; type \`reveal\` to see the last secrets in full.\n`;
    const problem = await this.prepareChainProfiles(line);
    if (problem) return { stdout: '', stderr: pre + problem, exitCode: 253, calls: [] };
    const r = await super.run(line);
    let stderr = r.stderr;
    for (const c of r.calls) {
      if (c.result.ok) {
        this.redactor.rememberOutput(c.result.output);
        continue;
      }
      const e = c.result.error as RealAwsError;
      if (e.status === 0) {
        // A failure that never reached AWS: the CLI prints its own message, not "An error occurred (…)".
        const aws = `An error occurred (${e.code}) when calling the ${c.request.operation} operation: ${e.message}`;
        stderr = stderr.includes(aws) ? stderr.replace(aws, e.message) : stderr;
      }
      if (e.hint && !stderr.includes(e.hint)) stderr += `iamlab: ${e.hint}\n`;
    }
    this.redactor.rememberState(this.state);
    if (reveal) return { ...r, stderr: pre + stderr };
    const stdout = this.redactor.apply(r.stdout);
    return { ...r, stdout, stderr: this.redactor.apply(pre + stderr, { remember: false }) };
  }

  /** The state to save for this lab: no secret values, no copy of the real profiles. */
  persistableState(): ShellState {
    const p = persistableShellState(this.state, this.redactor.secretsForScrubbing());
    return { ...p, config: {}, credentials: {} };
  }

  /** What the real-mode checks read the shell through. */
  link(): RealShellLink {
    return {
      env: () => ({ ...this.state.env }),
      profileCredentials: async (name) => {
        await this.prepareChainProfiles(`--profile ${name}`);
        const k = this.state.credentials[name] ?? {};
        const c = this.state.config[name] ?? {};
        const id = k.aws_access_key_id ?? c.aws_access_key_id;
        const secret = k.aws_secret_access_key ?? c.aws_secret_access_key;
        if (!id || !secret) return undefined;
        const token = k.aws_session_token ?? c.aws_session_token;
        return { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
      },
      credentials: async () => {
        const name = effectiveProfile(this.state.env).name;
        const problem = await this.prepareChainProfiles('');
        if (problem) return { source: `profile:${name}`, problem: problem.replace(/^iamlab: /, '').trim() };
        const host: ConfigHost = {
          state: this.state,
          env: this.state.env,
          now: () => new Date(),
          call: (req) => this.realBackend.call({ ...req, via: 'check' }),
          defaultRegion: this.defaultRegion,
        };
        try {
          const r = await resolveCredentials(host, undefined, this.state.env.AWS_REGION ?? this.state.config[name]?.region);
          return { credentials: r.credentials, source: r.method === 'env' ? 'env' : `profile:${r.profile ?? name}` };
        } catch (e) {
          if (e instanceof CliError) return { source: this.state.env.AWS_ACCESS_KEY_ID ? 'env' : `profile:${name}`, problem: e.message };
          throw e;
        }
      },
    };
  }
}
