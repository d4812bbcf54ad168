// Retry policy for SDK clients in real mode: a RetryStrategyV2 (the interface the SDK's retry
// middleware drives), so the SDK still classifies each failure (THROTTLING, TRANSIENT,
// SERVER_ERROR, CLIENT_ERROR) and we decide how long to wait — exponential backoff with full
// jitter, like the SDK's standard mode, but with an injectable sleep/random so tests do not sleep,
// and an onRetry callback so the UI can say "AWS is throttling; retrying in 1.2 s (attempt 2 of 5)".
//
// Network failures (connection refused, unknown host) are retried at most once: a closed port or a
// missing network will not fix itself in the next second, and the learner should hear so quickly.

export interface RetryOptions {
  /** Total attempts including the first (default 5). */
  maxAttempts?: number;
  /** Backoff base for transient errors, ms (default 100). */
  baseDelayMs?: number;
  /** Backoff base for throttling errors, ms (default 500). */
  throttleBaseDelayMs?: number;
  /** Cap for one wait, ms (default 20000). */
  maxDelayMs?: number;
  /** Retries allowed for network errors (ECONNREFUSED, ENOTFOUND, …): default 1. */
  networkRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  kind: 'throttling' | 'transient' | 'network';
  /** Error name/code of the failure (Throttling, ECONNREFUSED, …). */
  code: string;
}

/** Shapes of the SDK's RetryStrategyV2 / RetryToken / RetryErrorInfo (structural, no SDK import). */
interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
}
interface ErrorInfo {
  errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  error?: unknown;
  retryAfterHint?: Date;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

export function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  // AggregateError (happy eyeballs: ::1 and 127.0.0.1 both refused)
  const errors = (err as { errors?: unknown }).errors;
  if (Array.isArray(errors)) for (const e of errors) {
    const c = networkCode(e, depth + 1);
    if (c) return c;
  }
  return networkCode((err as { cause?: unknown }).cause, depth + 1);
}

class RetryToken implements Token {
  constructor(
    private readonly count: number,
    readonly networkRetries: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return 0; // we wait inside refreshRetryTokenForRetry, with the injected sleep
  }
}

export class RealRetryStrategy {
  readonly mode = 'standard';
  readonly maxAttempts: number;
  private readonly o: Required<Omit<RetryOptions, 'onRetry'>> & Pick<RetryOptions, 'onRetry'>;

  constructor(opts: RetryOptions = {}) {
    this.o = {
      maxAttempts: opts.maxAttempts ?? 5,
      baseDelayMs: opts.baseDelayMs ?? 100,
      throttleBaseDelayMs: opts.throttleBaseDelayMs ?? 500,
      maxDelayMs: opts.maxDelayMs ?? 20_000,
      networkRetries: opts.networkRetries ?? 1,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      random: opts.random ?? Math.random,
      onRetry: opts.onRetry,
    };
    this.maxAttempts = this.o.maxAttempts;
  }

  async acquireInitialRetryToken(_scope: string): Promise<Token> {
    return new RetryToken(0, 0);
  }

  async refreshRetryTokenForRetry(token: Token, info: ErrorInfo): Promise<Token> {
    const t = token as RetryToken;
    const attempt = t.getRetryCount() + 1; // the attempt that just failed
    if (attempt >= this.o.maxAttempts) throw new Error('retry attempts exhausted');
    const net = networkCode(info.error);
    let kind: RetryInfo['kind'];
    if (info.errorType === 'THROTTLING') kind = 'throttling';
    else if (net) kind = 'network';
    else if (info.errorType === 'TRANSIENT') kind = 'transient';
    else throw new Error('not retryable');
    if (kind === 'network' && t.networkRetries >= this.o.networkRetries) throw new Error('network retries exhausted');
    const base = kind === 'throttling' ? this.o.throttleBaseDelayMs : this.o.baseDelayMs;
    let delay = Math.floor(this.o.random() * Math.min(this.o.maxDelayMs, base * 2 ** (attempt - 1)));
    if (info.retryAfterHint instanceof Date) {
      const hinted = info.retryAfterHint.getTime() - Date.now();
      delay = Math.max(delay, Math.min(hinted, delay + 5_000, this.o.maxDelayMs));
    }
    const e = info.error as { name?: string; Code?: string } | undefined;
    this.o.onRetry?.({ attempt, maxAttempts: this.o.maxAttempts, delayMs: delay, kind, code: net ?? e?.Code ?? e?.name ?? 'Error' });
    if (delay > 0) await this.o.sleep(delay);
    return new RetryToken(attempt, t.networkRetries + (kind === 'network' ? 1 : 0));
  }

  recordSuccess(_token: Token): void {}
}
