// Drains the reducer's intents: calls the port (the controller) one intent at a time, in
// order, and answers each with result actions. Errors become a message, never a stack trace.
// No React here; the App hands over dispatch and exit.
import type { AwsProfile } from './aws-config.js';
import type { CatalogEntry, EndpointActivity, EndpointView, RoomView, LabOpened, LabSnapshot, RunOutput, StepView } from './model.js';
import type { Action, Intent, Tone } from './state.js';

/** What the app needs from the outside world. src/app/controller.ts implements it. */
export interface AppPort {
  catalog(): Promise<CatalogEntry[]>;
  profiles(): Promise<AwsProfile[]>;
  /** Opens a lab; rejects with a learner-facing message (e.g. real mode not available). */
  open(labId: string, backend: 'sim' | 'real', profile?: string): Promise<LabOpened>;
  run(line: string): Promise<{ output: RunOutput; snap: LabSnapshot; prompt: string; needsMore: boolean }>;
  complete(line: string, cursor: number): Promise<{ replaceFrom: number; candidates: string[] }>;
  check(): Promise<LabSnapshot>;
  /** The open lab's state as it is now, without checking anything. */
  snapshot(): Promise<LabSnapshot>;
  hint(stepId: string): Promise<{ snap: LabSnapshot; note?: { text: string; tone: Tone } }>;
  /** Records that the solution was viewed; returns it with the lab's placeholders filled. */
  solution(stepId: string): Promise<{ snap: LabSnapshot; solution: NonNullable<StepView['solution']> }>;
  skip(stepId: string): Promise<{ snap: LabSnapshot; output: string }>;
  reset(labId: string): Promise<void>;
  /** Leaves the lab (saves; on a real account also removes the session's temporary keys); returns problems to show. */
  closeLab(): Promise<string[] | void>;
  /** Saves everything; called once on quit. */
  quit(): Promise<void>;
  /** Installs who answers the shell's questions while a command runs. */
  setAsk?(fn: (question: string, secret: boolean) => Promise<string | undefined>): void;
  /** Installs who hears what a slow call waits for ("AWS is throttling; retrying in 1.2 s"). */
  setNotify?(fn: (text: string) => void): void;
  /**
   * The open lab's simulated account on 127.0.0.1 for the learner's own aws CLI: 'show' starts it
   * (or refreshes what to paste), 'stop' stops it (null). Rejects with a learner-facing message.
   */
  endpoint?(action: 'show' | 'stop'): Promise<EndpointView | null>;
  /** What the endpoint's calls did since the last look, after checking the step as a command would. */
  endpointSync?(): Promise<EndpointActivity | null>;
  /** Installs who hears that calls reached the endpoint (debounced by the port). */
  setEndpointActivity?(fn: () => void): void;
  /** With --workshop: whether progress reaches the room, now and on every change. */
  roomStatus?(): RoomView | undefined;
  setRoomStatus?(fn: (r: RoomView) => void): void;
  /** Back to a step (its start, as far as the account allows), to do it again. Rejects with a learner-facing reason. */
  redo?(stepId: string): Promise<{ snap: LabSnapshot; prompt: string; note: string }>;
}

/** Intents the learner waits for (a spinner shows while they run): everything that may call AWS. */
const SLOW: ReadonlySet<Intent['kind']> = new Set(['open-lab', 'run', 'check', 'hint', 'solution', 'skip', 'reset', 'redo', 'close-lab']);

export class Runner {
  private chain: Promise<void> = Promise.resolve();
  private dispatch: (a: Action) => void = () => {};
  private exit: () => void = () => {};
  private pendingAsk: ((answer: string | undefined) => void) | undefined;

  constructor(private readonly port: AppPort) {
    port.setAsk?.(
      (question, secret) =>
        new Promise<string | undefined>((resolve) => {
          this.pendingAsk = resolve;
          this.dispatch({ type: 'ask', question, secret });
        }),
    );
    port.setNotify?.((text) => this.dispatch({ type: 'work-notice', text }));
    port.setEndpointActivity?.(() => this.dispatch({ type: 'endpoint-activity' }));
    port.setRoomStatus?.((room) => this.dispatch({ type: 'room', room }));
  }

  attach(dispatch: (a: Action) => void, exit: () => void): void {
    this.dispatch = dispatch;
    this.exit = exit;
    const room = this.port.roomStatus?.();
    if (room) dispatch({ type: 'room', room });
  }

  /** Queues an intent; resolves when it (and everything before it) is done. */
  submit(intent: Intent): Promise<void> {
    if (intent.kind === 'reply') {
      // answers the command that is running now, so it cannot wait behind it
      const r = this.pendingAsk;
      this.pendingAsk = undefined;
      r?.(intent.text);
      return Promise.resolve();
    }
    this.chain = this.chain.then(() => this.handle(intent)).catch(() => {});
    return this.chain;
  }

  /** Resolves when every queued intent is done (tests, the quit path). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async handle(i: Intent): Promise<void> {
    const slow = SLOW.has(i.kind);
    if (slow) this.dispatch({ type: 'work', on: true });
    try {
      await this.handleOne(i);
    } finally {
      if (slow) this.dispatch({ type: 'work', on: false });
    }
  }

  private async handleOne(i: Intent): Promise<void> {
    const d = (a: Action) => this.dispatch(a);
    try {
      switch (i.kind) {
        case 'load-catalog':
          d({ type: 'catalog-loaded', entries: await this.port.catalog() });
          return;
        case 'load-profiles':
          d({ type: 'profiles-loaded', profiles: await this.port.profiles() });
          return;
        case 'open-lab':
          try {
            d({ type: 'lab-opened', lab: await this.port.open(i.labId, i.backend, i.profile) });
          } catch (e) {
            d({ type: 'open-failed', message: messageOf(e) });
          }
          return;
        case 'run': {
          d({ type: 'run-started', line: i.line });
          try {
            const r = await this.port.run(i.line);
            d({ type: 'run-done', line: i.line, output: r.output, snap: r.snap, prompt: r.prompt, needsMore: r.needsMore });
          } catch (e) {
            // the line failed inside iamlab (not an AWS error): say so and keep the shell usable
            d({ type: 'run-done', line: i.line, output: { stdout: '', stderr: `iamlab: ${messageOf(e)}`, exitCode: 1 }, snap: await this.port.snapshot() });
          }
          return;
        }
        case 'complete': {
          const r = await this.port.complete(i.line, i.cursor);
          d({ type: 'completions', line: i.line, cursor: i.cursor, replaceFrom: r.replaceFrom, candidates: r.candidates });
          return;
        }
        case 'check':
          d({ type: 'snapshot', snap: await this.port.check() });
          return;
        case 'hint': {
          const r = await this.port.hint(i.stepId);
          d({ type: 'snapshot', snap: r.snap, ...(r.note ? { note: r.note } : {}) });
          return;
        }
        case 'solution': {
          const r = await this.port.solution(i.stepId);
          d({ type: 'solution-shown', stepId: i.stepId, solution: r.solution, snap: r.snap });
          return;
        }
        case 'skip': {
          const r = await this.port.skip(i.stepId);
          d({ type: 'snapshot', snap: r.snap, ...(r.output ? { note: { text: r.output, tone: 'dim' as Tone } } : {}) });
          return;
        }
        case 'reset':
          await this.port.reset(i.labId);
          d({ type: 'catalog-loaded', entries: await this.port.catalog() });
          return;
        case 'close-lab': {
          const notes = (await this.port.closeLab()) ?? [];
          d({ type: 'lab-closed', ...(notes.length ? { notes } : {}) });
          return;
        }
        case 'endpoint': {
          if (!this.port.endpoint) {
            d({ type: 'failed', message: 'This app cannot start the endpoint; run `iamlab serve --lab <id>` in another terminal.' });
            return;
          }
          d({ type: 'endpoint', view: await this.port.endpoint(i.action) });
          return;
        }
        case 'redo': {
          if (!this.port.redo) return;
          const r = await this.port.redo(i.stepId);
          d({ type: 'redone', stepId: i.stepId, ...r });
          return;
        }
        case 'endpoint-sync':
        {
          const activity = await this.port.endpointSync?.();
          if (activity) d({ type: 'endpoint-synced', activity });
          return;
        }
        case 'reply':
          return;
        case 'quit':
          try {
            await this.port.quit();
          } finally {
            this.exit();
          }
          return;
      }
    } catch (e) {
      d({ type: 'failed', message: messageOf(e) });
    }
  }
}

export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
