// Secrets in real mode: what the screen shows and what iamlab keeps on disk.
//
// Display: secret access keys and session tokens show as `****…WXYZ` (last four characters),
// in any output format (JSON, text, table, YAML, `env`, `aws configure list`), because the
// redactor replaces every *known* secret value in the text rather than parsing formats. A
// learner who copies a redacted value into `export …=****…WXYZ` gets the real secret back
// (expandRedacted), so the tutorial's copy-and-export flow still works without the secret ever
// being printed; `reveal` prints the last output in full on request.
//
// Disk: persistableShellState() drops secret values from a shell state before it is saved
// (exported variables, profile keys, and secrets typed into history lines).

/** Exported variables whose values are secrets. */
export const SECRET_ENV_KEYS = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const;
/** Profile keys (~/.aws/credentials and config) whose values are secrets. */
export const SECRET_PROFILE_KEYS = ['aws_secret_access_key', 'aws_session_token', 'aws_security_token'] as const;
/** Output members holding secrets (STS credentials, CreateAccessKey, CreateServiceSpecificCredential). */
export const SECRET_OUTPUT_KEYS = ['SecretAccessKey', 'SessionToken', 'ServicePassword'] as const;

const ELLIPSIS = '…';
const REDACTED_RE = /\*{4}(?:…|\.\.\.)([A-Za-z0-9+/=_-]{4})/g;

/** `****…WXYZ` (short values: `****`). */
export function redactSecret(value: string): string {
  if (value.length < 12) return '****';
  return `****${ELLIPSIS}${value.slice(-4)}`;
}

/** Shell state as the shell helper defines it (src/shell/types.ts), structurally. */
export interface ShellStateLike {
  env: Record<string, string>;
  config: Record<string, Record<string, string>>;
  credentials: Record<string, Record<string, string>>;
  history: string[];
  console?: unknown;
  vars?: Record<string, string>;
  cliCache?: unknown;
}

const SECRET_ASSIGN = new RegExp(`\\b(${SECRET_ENV_KEYS.join('|')})=("[^"]*"|'[^']*'|\\S+)`, 'g');
const SECRET_CONFIGURE = new RegExp(`\\b(configure\\s+set\\s+(?:[\\w-]+\\.)?(?:${SECRET_PROFILE_KEYS.join('|')}))\\s+("[^"]*"|'[^']*'|\\S+)`, 'gi');
const LOOKS_SECRET = /SecretAccessKey|SessionToken|aws_secret_access_key|aws_session_token/i;

/** A history line with secret values replaced by `<redacted>` (assignments, configure set, and any known secret). */
export function redactHistoryLine(line: string, secrets: Iterable<string> = []): string {
  let out = line.replace(SECRET_ASSIGN, '$1=<redacted>').replace(SECRET_CONFIGURE, '$1 <redacted>');
  for (const s of secrets) if (s.length >= 12 && out.includes(s)) out = out.split(s).join('<redacted>');
  return out;
}

function stripCredentials(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(stripCredentials);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'credentials' || k === 'Credentials' || (SECRET_OUTPUT_KEYS as readonly string[]).includes(k)) continue;
    out[k] = stripCredentials(x);
  }
  return out;
}

/**
 * The state to write to disk for a real lab: secret variables and profile secrets removed,
 * console sessions without their credentials, the CLI's assume-role cache dropped, shell
 * variables that hold a secret dropped, history lines scrubbed. Access key ids, profile names and
 * the rest stay (they are not secrets). `secrets` are values known to be secret (the redactor's).
 */
export function persistableShellState<T extends ShellStateLike>(state: T, secrets: Iterable<string> = []): T {
  const known = [...secrets].filter((s) => s.length >= 12);
  const holdsSecret = (v: string) => known.some((s) => v.includes(s));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.env)) if (!(SECRET_ENV_KEYS as readonly string[]).includes(k) && !holdsSecret(v)) env[k] = v;
  const scrub = (ini: Record<string, Record<string, string>>) => {
    const out: Record<string, Record<string, string>> = {};
    for (const [name, kv] of Object.entries(ini)) {
      out[name] = {};
      for (const [k, v] of Object.entries(kv)) if (!(SECRET_PROFILE_KEYS as readonly string[]).includes(k.toLowerCase()) && !holdsSecret(v)) out[name]![k] = v;
    }
    return out;
  };
  const out: T = { ...state, env, config: scrub(state.config), credentials: scrub(state.credentials), history: state.history.map((l) => redactHistoryLine(l, known)) };
  if (state.console !== undefined) out.console = stripCredentials(state.console);
  if (state.vars) {
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(state.vars)) if (!LOOKS_SECRET.test(v) && !holdsSecret(v)) vars[k] = v;
    out.vars = vars;
  }
  if ('cliCache' in out) delete out.cliCache;
  return out;
}

/** Remembers secret values seen in a session and hides them in anything displayed. */
export class Redactor {
  private readonly secrets = new Set<string>();
  private lastFull: string | undefined;

  /** A secret to hide from now on (ignored when too short to be a real secret). */
  remember(value: unknown): void {
    if (typeof value === 'string' && value.length >= 12) this.secrets.add(value);
  }

  /** Every secret in a call output (STS Credentials, CreateAccessKey's AccessKey …). */
  rememberOutput(output: unknown, depth = 0): void {
    if (!output || typeof output !== 'object' || depth > 6) return;
    if (Array.isArray(output)) {
      for (const x of output) this.rememberOutput(x, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(output as Record<string, unknown>)) {
      if ((SECRET_OUTPUT_KEYS as readonly string[]).includes(k)) this.remember(v);
      else if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) this.rememberOutput(v, depth + 1);
    }
  }

  /** Secrets held in a shell state (exported variables, profile keys). */
  rememberState(state: Pick<ShellStateLike, 'env' | 'config' | 'credentials'>): void {
    for (const k of SECRET_ENV_KEYS) this.remember(state.env[k]);
    for (const ini of [state.config, state.credentials]) for (const kv of Object.values(ini)) for (const [k, v] of Object.entries(kv)) if ((SECRET_PROFILE_KEYS as readonly string[]).includes(k.toLowerCase())) this.remember(v);
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The text with every remembered secret shown as `****…WXYZ`. Remembers the full text for reveal(). */
  apply(text: string, opts: { remember?: boolean } = {}): string {
    if (this.secrets.size === 0 || text === '') return text;
    let out = text;
    // Longest first, so a token containing a shorter secret is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(redactSecret(s));
    }
    if (out !== text && opts.remember !== false) this.lastFull = text;
    return out;
  }

  /** The secrets known so far (to scrub them from what is saved). */
  secretsForScrubbing(): string[] {
    return [...this.secrets];
  }

  /** The last text apply() had to redact, in full (for `reveal`); undefined when nothing was hidden. */
  lastRedacted(): string | undefined {
    return this.lastFull;
  }

  /**
   * A command line with `****…WXYZ` tokens replaced by the one remembered secret they stand for.
   * Tokens that match no secret, or more than one, are left as typed (and listed in `unknown`).
   */
  expandRedacted(line: string): { line: string; expanded: number; unknown: string[] } {
    let expanded = 0;
    const unknown: string[] = [];
    const out = line.replace(REDACTED_RE, (tok, last4: string) => {
      const matches = [...this.secrets].filter((s) => s.length >= 12 && s.endsWith(last4));
      if (matches.length === 1) {
        expanded++;
        return matches[0]!;
      }
      unknown.push(tok);
      return tok;
    });
    return { line: out, expanded, unknown };
  }
}
