// The shell's public types (re-exported from src/shell/index.ts).

import type { AwsError, Backend, CallRequest, CallResult, Credentials } from '../backend/types.js';
import type { Explanation } from '../policy/types.js';

export interface ShellState {
  /** exported variables (AWS_ACCESS_KEY_ID …) */
  env: Record<string, string>;
  /** ~/.aws/config profiles, key = profile name ('default', 'dev') */
  config: Record<string, Record<string, string>>;
  /** ~/.aws/credentials profiles */
  credentials: Record<string, Record<string, string>>;
  console: ConsoleState;
  history: string[];
  /** shell variables that are not exported (creds=$(…)); optional extension */
  vars?: Record<string, string>;
  /** the CLI's assume-role cache (~/.aws/cli/cache), by cache key; optional extension */
  cliCache?: Record<string, CachedRoleCredentials>;
}

export interface CachedRoleCredentials {
  credentials: Credentials;
  /** ISO 8601 */
  expiration: string;
  assumedRoleArn: string;
}

export interface ConsoleState {
  signedIn?: { accountId: string; userName: string; arn: string; credentials?: Credentials };
  /** The role the console is switched to, if any. */
  active?: { accountId: string; roleName: string; arn: string; displayName: string; color?: string; credentials?: Credentials; expiration?: string };
  /** Recently used roles, most recent first (the console keeps 5). */
  roleHistory: Array<{ accountId: string; roleName: string; displayName: string; color?: string }>;
}

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Every AWS call the line made (a role_arn profile makes two), with the backend's answer. */
  calls: Array<{ request: CallRequest; result: CallResult }>;
}

export type CommandOutput = Omit<ShellResult, 'calls'> & { calls?: ShellResult['calls'] };

/** Asks the user something (MFA code, aws configure prompts); undefined = no answer (EOF). */
export type PromptFn = (question: string, opts?: { secret?: boolean }) => Promise<string | undefined>;

/** Who a set of credentials belongs to, as the simulated world answers it. */
export interface CallerInfoLike {
  accountId: string;
  arn: string;
  userId?: string;
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser';
  sessionIssuer?: string;
  expiration?: Date;
  credentialKind?: 'long-term' | 'session' | 'console';
}

/** The part of the simulated World (src/sim) the shell uses. */
export interface WorldLike {
  readonly clock: { now(): Date };
  accountIds(): string[];
  mfaCode(serialNumber: string, stepOffset?: number): string;
  consoleSignIn(accountId: string, userName: string, password?: string, opts?: { mfaCode?: string }): { ok: true; credentials: Credentials } | { ok: false; error: AwsError };
  whoIs(credentials: Credentials): CallerInfoLike | undefined;
  /** read-only IAM view (to find which account has a user, and whether it has a console password) */
  readonly iam?: { user(accountId: string, name: string): { readonly loginProfile?: unknown } | undefined };
}

export interface ShellOptions {
  backend: Backend;
  /** The simulated world when backend is the sim (console actions, mfa codes); undefined in real mode. */
  world?: WorldLike;
  /** Folder backing `ls`, `cat`, `cat > f <<EOF`, `edit`, and file:// paths. */
  workspaceDir: string;
  state?: ShellState;
  /** Region used when neither the command, the environment nor the profile gives one. */
  defaultRegion?: string;
  /** `edit` on a TTY spawns $EDITOR; false in the app/tests. */
  interactiveEditor?: boolean;
  /** Terminal width for --output table (the CLI uses 80 when it cannot tell). */
  columns?: number;
  /** Colour table output as the CLI does on a terminal. */
  color?: boolean;
  /** Answers prompts (MFA code, `aws configure`); without it those commands explain what to do instead. */
  prompt?: PromptFn;
  /** Clock for the shell's own timestamps when there is no world (real mode). */
  now?: () => Date;
}

export type { Explanation };
