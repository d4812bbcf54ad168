// The data the app's screens show. The controller (src/app/controller.ts) builds these from
// the labs, the shell and the simulated world; the reducer (state.ts) holds them; the views
// only draw them. Plain JSON-like objects, no classes, no React.

import type { Explanation } from '../policy/types.js';

export type Level = 'beginner' | 'intermediate' | 'advanced' | string;

export interface CatalogEntry {
  id: string;
  title: string;
  summary?: string;
  level?: Level;
  minutes?: number;
  steps: number;
  passed: number;
  skipped: number;
  /** The title of the step the learner would resume at, when started and not finished. */
  resumeStep?: string;
  started: boolean;
  completed: boolean;
  /** Backends the lab supports. */
  backends: Array<'sim' | 'real'>;
  /** Progress on a real AWS account (its own record, apart from the simulated account's), when there is any. */
  real?: RealProgress;
  /** A lab file that failed to load: shown, not openable. */
  error?: string;
}

/** A lab's progress on a real AWS account (the catalog shows it when the account choice is real). */
export interface RealProgress {
  passed: number;
  skipped: number;
  started: boolean;
  completed: boolean;
  resumeStep?: string;
  /** The AWS account the progress was made in. */
  accountId?: string;
}

export type StepKind = 'task' | 'quiz' | 'answer' | 'read';

export interface StepView {
  id: string;
  title: string;
  kind: StepKind;
  /** Markdown. */
  text: string;
  hints: Array<{ id: string; text: string }>;
  solution?: { commands: string[]; files?: Record<string, string>; show: 'after_pass' | 'on_request' | 'never' };
  skip: 'allowed' | 'forbidden';
  /** "Why it matters", shown once the step passed. */
  why?: string;
  /** For answer/quiz steps: what to type (`answer TEXT` in the shell). */
  prompt?: string;
}

export type StepStatus = 'passed' | 'skipped' | 'open';

export interface StepProgress {
  status: StepStatus;
  /** Ids of the hints revealed, in the order they were revealed. */
  hintsShown: string[];
  solutionViewed: boolean;
  attempts: number;
}

export type CheckStatus = 'pass' | 'fail' | 'pending' | 'error';

export interface CheckView {
  stepId: string;
  status: CheckStatus;
  /** The first failing leaf's message (or the pass message). */
  message?: string;
  /** Per-leaf results, for "what was checked". */
  leaves?: Array<{ id: string; label?: string; status: CheckStatus; message?: string; evidence?: string[] }>;
  /** Hint id chosen by a diagnosis, if any. */
  hint?: string;
}

export interface ConsoleView {
  signedIn?: { accountId: string; userName: string };
  active?: { accountId: string; roleName: string; displayName: string; color?: string };
}

export interface IdentityView {
  /** Who the next `aws` command runs as, e.g. "balu @ 089665204192" or "assumed-role/temp-user/x". */
  shell?: { arn: string; accountId: string; label: string; source?: string };
  console: ConsoleView;
}

export interface MapNode {
  /** ARN of the user or role. */
  arn: string;
  kind: 'user' | 'role' | 'root';
  name: string;
  accountId: string;
}

export interface MapEdge {
  from: string; // principal ARN
  to: string; // role ARN
  decision: 'Allow' | 'Deny';
  reason: Explanation['reason'];
  /** The rule that decided, learner words: "trust policy of MyRole, statement 1 (Deny)". */
  rule: string;
  summary: string;
}

export interface MapView {
  accounts: Array<{ id: string; alias?: string }>;
  nodes: MapNode[];
  edges: MapEdge[];
}

export interface Summary {
  labId: string;
  title: string;
  startedAt?: string;
  completedAt?: string;
  /** Milliseconds from the first start to completion (active time when the labs record it). */
  durationMs?: number;
  hintsUsed: number;
  solutionsViewed: number;
  skipped: string[];
  steps: number;
  finishText?: string;
  next?: string[];
  /** Commands an instructor runs to verify. */
  verify: string[];
}

/** Everything the lab screen shows that the controller computes; sent after every action. */
export interface LabSnapshot {
  progress: Record<string, StepProgress>;
  /** Index of the first step neither passed nor skipped (= steps.length when all are). */
  current: number;
  identity: IdentityView;
  /** Last denied call's explanation and the command that made it. */
  denied?: { explanation: Explanation; command?: string; error?: string };
  map?: MapView;
  summary?: Summary;
  lastCheck?: CheckView;
  /**
   * On a real AWS account: the current step happens in the AWS console, which iamlab cannot see
   * there, so it can only be skipped (`message` is what its check says).
   */
  consoleStep?: {
    stepId: string;
    message: string;
    /** Its check can still pass: it asks only about console events, which iamlab reads in CloudTrail. */
    checkable?: boolean;
  };
}

export interface LabOpened {
  id: string;
  title: string;
  account: { kind: 'sim' | 'real'; label: string };
  steps: StepView[];
  snapshot: LabSnapshot;
  /** The shell's history, for ↑. */
  history: string[];
  /** A greeting printed into the shell pane. */
  banner?: string[];
  prompt: string;
}

export interface RunOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The instructor's room (`--workshop URL`): whether progress reaches it. */
export interface RoomView {
  url: string;
  name: string;
  /** undefined until the first delivery attempt finished. */
  connected: boolean | undefined;
  /** Events waiting for the room (it is unreachable or slow). */
  queued: number;
  delivered: number;
  lastError?: string;
}

/** The lab's simulated account served over the AWS wire protocol on 127.0.0.1 (`iamlab serve` inside the app). */
export interface EndpointView {
  url: string;
  region: string;
  /** What a learner pastes into another terminal (exports, then a profile snippet). */
  paste: string;
  /** A file holding the export lines: `source FILE` in another terminal does the same. */
  file?: string;
  /** Whose keys the paste block holds ("admin @ 089665204192"), when the shell has any. */
  who?: string;
}

/** What the endpoint's calls did since the last look: one line per call, then the lab's state. */
export interface EndpointActivity {
  lines: string[];
  snap: LabSnapshot;
}
