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
// - a state for disk without any secret; the link the real-mode checks read the shell through;
// - no secret reaches the workspace folder: a redirection (`> f.json`, `>> f`), a here-document
//   (`cat > f <<EOF` with a pasted key), an s3 download, anything the shell writes there holds
//   `****…WXYZ` in place of each secret; reading the file back in this shell gives the secrets
//   back (in memory), so `jq -r .Credentials.SecretAccessKey creds.json` still works;
// - who the shell runs as (the prompt, `whoami`, the app's header) is asked without a call the
//   lab's checks could see (a recorded GetCallerIdentity would pass "run get-caller-identity as X").
import type { CallRequest, CallResult, Credentials } from '../backend/types.js';
import { ShellSession } from '../shell/session.js';
import { Workspace } from '../shell/workspace.js';
import type { ShellOptions, ShellResult, ShellState } from '../shell/types.js';
import { CliError } from '../shell/aws/errors.js';
import { effectiveProfile, envCredentials, resolveCredentials, type ConfigHost } from '../shell/aws/config.js';
import type { RealBackend } from './backend.js';
import type { RealAwsError } from './errors.js';
import type { RealShellLink } from './checks.js';
import { describeProfileSource, loadRealProfiles, type RealProfiles } from './profiles.js';
import { Redactor, persistableShellState, redactSecret } from './redact.js';

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

/**
 * Secret values written next to the names that mark them (typed or pasted text the shell has not
 * seen from AWS): `aws_secret_access_key = …`, `AWS_SESSION_TOKEN=…`, `"SecretAccessKey": "…"`,
 * `SessionToken: …`. Only values that look like real secrets (16+ characters of the base64
 * alphabet) count, so `$AWS_SECRET_ACCESS_KEY` or `YOUR_SECRET_HERE` stay as written.
 */
const NAMED_SECRET = /(?:aws_secret_access_key|aws_session_token|aws_security_token|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN|SecretAccessKey|SessionToken)["']?\s*[=:]\s*["']?([A-Za-z0-9/+=]{16,})/g;

/** Secret-looking values in text next to a secret's name. */
export function namedSecrets(text: string): string[] {
  return [...text.matchAll(NAMED_SECRET)].map((m) => m[1]!);
}

/** Replaces each occurrence of each secret (ASCII) in bytes that are not text. */
function replaceBytes(data: Uint8Array, secrets: string[]): { data: Uint8Array; hidden: string[] } {
  let buf = Buffer.from(data);
  const hidden: string[] = [];
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    const needle = Buffer.from(s, 'latin1');
    let i = buf.indexOf(needle);
    if (i < 0) continue;
    hidden.push(s);
    const with_ = Buffer.from(redactSecret(s), 'utf8');
    const parts: Buffer[] = [];
    let from = 0;
    while (i >= 0) {
      parts.push(buf.subarray(from, i), with_);
      from = i + needle.length;
      i = buf.indexOf(needle, from);
    }
    parts.push(buf.subarray(from));
    buf = Buffer.concat(parts);
  }
  return { data: buf, hidden };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function asText(data: Uint8Array): string | undefined {
  try {
    return utf8.decode(data);
  } catch {
    return undefined;
  }
}

/** What the real shell's workspace asks of the shell: make text safe for disk, and put secrets back when it is read. */
interface SecretGuard {
  /** The text (or bytes) to write instead, and the secrets it hid. */
  toDisk(name: string, data: string | Uint8Array): string | Uint8Array;
  /** A file's bytes with `****…WXYZ` put back to the secrets this session knows. */
  fromDisk(name: string, data: Buffer): Buffer;
}

/** The workspace of a real-account shell: never writes a secret the shell knows or sees named in the text. */
class GuardedWorkspace extends Workspace {
  constructor(
    dir: string,
    private readonly guard: SecretGuard,
  ) {
    super(dir);
  }

  override write(p: string, data: string | Uint8Array, append = false): void {
    super.write(p, this.guard.toDisk(p, data), append);
  }

  override read(p: string): Buffer {
    return this.guard.fromDisk(p, super.read(p));
  }
}

export class RealShellSession extends ShellSession {
  readonly redactor = new Redactor();
  readonly realBackend: RealBackend;
  readonly profiles: RealProfiles;
  private readonly redacting: boolean;
  /** In-memory credentials obtained from the chain for chain-only profiles, with their expiry. */
  private readonly chainCreds = new Map<string, { creds: Credentials; expiration?: Date }>();
  /** Files of the running line that hold hidden secrets, and files read with secrets no longer known. */
  private readonly diskNotes = { hidden: new Map<string, string[]>(), lost: new Map<string, string[]>() };
  /** The long explanation of hidden secrets in files is given once per session. */
  private diskExplained = false;

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
    // The shell's one workspace object (redirections, here-documents, s3 cp, file:// reads) is
    // replaced by one that keeps secrets off the disk.
    (this as unknown as { workspace: Workspace }).workspace = new GuardedWorkspace(opts.workspaceDir, {
      toDisk: (name, data) => this.toDisk(name, data),
      fromDisk: (name, data) => this.fromDisk(name, data),
    });
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

  /** Every call of a line: its secrets are known before a redirection writes the output. */
  override async call(req: CallRequest): Promise<CallResult> {
    const r = await super.call(req);
    if (r.ok) this.redactor.rememberOutput(r.output);
    return r;
  }

  private toDisk(name: string, data: string | Uint8Array): string | Uint8Array {
    if (!this.redacting) return data;
    this.redactor.rememberState(this.state);
    const text = typeof data === 'string' ? data : asText(data);
    if (text === undefined) {
      const r = replaceBytes(data as Uint8Array, this.redactor.secretsForScrubbing());
      if (r.hidden.length) this.noteHidden(name, r.hidden);
      return r.data;
    }
    for (const s of namedSecrets(text)) this.redactor.remember(s);
    const hidden = this.redactor.secretsForScrubbing().filter((s) => text.includes(s));
    if (!hidden.length) return data;
    // apply() keeps the full text for `reveal`
    const safe = this.redactor.apply(text);
    this.noteHidden(name, hidden);
    return typeof data === 'string' ? safe : Buffer.from(safe, 'utf8');
  }

  private noteHidden(name: string, secrets: string[]): void {
    const shown = secrets.map(redactSecret);
    const have = this.diskNotes.hidden.get(name) ?? [];
    this.diskNotes.hidden.set(name, [...new Set([...have, ...shown])]);
  }

  private fromDisk(name: string, data: Buffer): Buffer {
    if (!this.redacting || !data.includes('****')) return data;
    const text = asText(data);
    if (text === undefined) return data;
    const x = this.redactor.expandRedacted(text);
    if (x.unknown.length) this.diskNotes.lost.set(name, [...new Set([...(this.diskNotes.lost.get(name) ?? []), ...x.unknown])]);
    return x.expanded ? Buffer.from(x.line, 'utf8') : data;
  }

  /** What the line's file writes and reads hid or could not restore, for stderr (then forgotten). */
  private takeDiskNotes(): string {
    let out = '';
    const hidden = [...this.diskNotes.hidden.entries()];
    if (hidden.length) {
      const what = hidden.map(([f, v]) => `${f} holds ${v.join(', ')}`).join('; ');
      if (!this.diskExplained) {
        out += `iamlab: secrets are not written to disk in a real account; ${what} in their place — type \`reveal\` to see them in full (reading the file in this shell gives them back until you leave it).\n`;
        this.diskExplained = true;
      } else {
        out += `iamlab: ${what} in place of the secrets (not written to disk).\n`;
      }
    }
    for (const [f, v] of this.diskNotes.lost) {
      const one = v.length === 1;
      out += `iamlab: ${f} holds ${v.join(', ')} where ${one ? 'a secret was' : 'secrets were'}; secrets are never written to disk, and ${one ? 'this one is' : 'these are'} no longer in memory (they are kept only while the shell runs) — run the command that made the file again.\n`;
    }
    this.diskNotes.hidden.clear();
    this.diskNotes.lost.clear();
    return out;
  }

  /** A profile only the SDK's chain can resolve (SSO, credential_process…) is fetched first, in memory. */
  protected override async identityCredentials(): ReturnType<ShellSession['identityCredentials']> {
    try {
      if (!envCredentials(this.state.env)) {
        const { name } = effectiveProfile(this.state.env);
        if (chainOnly(this.profiles, name) && (await this.prepareChainProfiles(''))) return undefined;
      }
    } catch {
      return undefined;
    }
    return super.identityCredentials();
  }

  /**
   * The identity comes from the backend's cached, unrecorded GetCallerIdentity: asking who the
   * shell runs as (prompt, whoami, the app's header) is not something the learner did, so it must
   * never appear in the call log that event checks read.
   */
  protected override async identify(creds: Credentials, source: string): Promise<{ arn: string; accountId: string; source: string } | undefined> {
    const who = await this.realBackend.identity(creds);
    return 'code' in who ? undefined : { arn: who.arn, accountId: who.accountId, source };
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
    // a secret typed or pasted next to its name is one from now on (hidden in output, history and files)
    for (const secret of namedSecrets(line)) this.redactor.remember(secret);
    if (x.unknown.length) pre += `iamlab: ${x.unknown.join(', ')} ${x.unknown.length === 1 ? 'is a hidden value' : 'are hidden values'} iamlab cannot match to a secret it knows; type \`reveal\` to see the last secrets in full.\n`;
    const problem = await this.prepareChainProfiles(line);
    if (problem) return { stdout: '', stderr: pre + problem, exitCode: 253, calls: [] };
    const r = await super.run(line);
    let stderr = r.stderr + this.takeDiskNotes();
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
