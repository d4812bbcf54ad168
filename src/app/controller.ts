// The app's link to the labs, the shell and the account (AppPort for the runner): the simulated
// account, or a real AWS account (openLab with backend 'real'). It turns a LabSession into the
// plain view data of model.ts. No React, no Ink. The labs module (and with it the shell and the
// simulated account; on a real account the AWS SDK) is imported lazily, after the catalog's first
// frame.

import type { Explanation } from '../policy/types.js';
import type { CallResult } from '../backend/types.js';
import type { AppPort } from './runner.js';
import { readAwsProfiles, type AwsProfile } from './aws-config.js';
import type { CatalogEntry, CheckView, EndpointActivity, EndpointView, RoomView, IdentityView, LabOpened, LabSnapshot, MapView, RunOutput, StepProgress, StepView, Summary } from './model.js';
import type { Tone } from './state.js';
import { ruleOf } from './map.js';
import { arnLabel, promptFor } from './identity.js';
import { CACHE_FORMAT, cachePath, catalogEntries, homeOf, labStamps, progressPath, readCatalogCache, readProgressRecords, writeCatalogCache, type CachedLab } from './catalog-cache.js';
import { VERSION } from '../version.js';
import { resolve, join } from 'node:path';
import { rmSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.js';

type LabsModule = typeof import('../labs/index.js');
type LabSession = Awaited<ReturnType<LabsModule['openLab']>>;
type Lab = LabSession['lab'];
type LabStep = Lab['steps'][number];
type StepCheck = Awaited<ReturnType<LabSession['checkStep']>>;
type WorkshopClient = import('../workshop/client.js').WorkshopClient;
type WorkshopEvent = import('../workshop/protocol.js').WorkshopEvent;
type RunningServer = import('../serve/index.js').RunningServer;
type CallRequest = import('../backend/types.js').CallRequest;

/** Calls through the endpoint are looked at this long after the last one (a script's burst is one look). */
const ENDPOINT_SETTLE_MS = 100;
/** At most this many endpoint calls are listed in the shell per look (a loop would flood it). */
const ENDPOINT_LINES = 20;

export interface ControllerOptions {
  /** $IAMLAB_HOME override (tests). */
  home?: string | undefined;
  labsDir?: string | undefined;
  now?: () => Date;
  region?: string | undefined;
  env?: NodeJS.ProcessEnv;
  workshop?: { url: string; name?: string | undefined; key?: string | undefined } | undefined;
  /** Terminal width, for the shell's table output. */
  columns?: number;
  /** Real account: the second account's profile, for two-account labs (--profile2). */
  profile2?: string | undefined;
  /**
   * Real account, tests: extra options for the AWS backends (e.g. a retry that does not sleep).
   * `env` (endpoint, config files) comes from `env` above when it is given.
   */
  realBackendOptions?: import('../real/backend.js').RealBackendOptions;
}

/** `working…` text for a retry the SDK is waiting out. */
export function retryNotice(info: { attempt: number; maxAttempts: number; delayMs: number; kind: string; code: string }): string {
  const wait = info.delayMs < 1000 ? `${Math.max(0, Math.round(info.delayMs))} ms` : `${(info.delayMs / 1000).toFixed(1)} s`;
  const what = info.kind === 'throttling' ? `AWS is throttling (${info.code})` : info.kind === 'network' ? `no answer from AWS (${info.code})` : `AWS answered ${info.code}`;
  return `${what}; retrying in ${wait} (attempt ${info.attempt + 1} of ${info.maxAttempts})`;
}

export class AppController implements AppPort {
  private mod?: LabsModule;
  private session: LabSession | undefined;
  private denied: LabSnapshot['denied'];
  private lastCheck: CheckView | undefined;
  private workshop: WorkshopClient | undefined;
  private reported = new Map<string, string>(); // step id → last status sent to the room

  /** Answers the shell's questions (`aws configure`, MFA codes); the runner installs the real one. */
  private askFn: (question: string, secret: boolean) => Promise<string | undefined> = async () => undefined;
  /** Says what a slow real call is waiting for ("throttled, retrying in …"); the runner installs it. */
  private notifyFn: (text: string) => void = () => {};
  /** Notes of the AWS backend (an untagged resource, …) waiting for the next output. */
  private notices: string[] = [];
  /** What closing the last lab could not do (an access key left behind), for after the app exits. */
  readonly exitNotes: string[] = [];
  /** The text real-mode console checks carry (loaded with the real-account modules). */
  private consoleText: string | undefined;
  /** The open lab's simulated account on 127.0.0.1, while the learner has it on. */
  private server: RunningServer | undefined;
  private serverFile: string | undefined;
  /** Endpoint calls not yet shown: one line each (the newest ENDPOINT_LINES) and how many there were. */
  private served: { lines: string[]; count: number } = { lines: [], count: 0 };
  private servedTimer: NodeJS.Timeout | undefined;
  private activityFn: () => void = () => {};
  private roomFn: (r: RoomView) => void = () => {};
  private roomName = '';

  constructor(private readonly opts: ControllerOptions = {}) {}

  setAsk(fn: (question: string, secret: boolean) => Promise<string | undefined>): void {
    this.askFn = fn;
  }

  setNotify(fn: (text: string) => void): void {
    this.notifyFn = fn;
  }

  setEndpointActivity(fn: () => void): void {
    this.activityFn = fn;
  }

  setRoomStatus(fn: (r: RoomView) => void): void {
    this.roomFn = fn;
  }

  /** Whether progress reaches the instructor's room, or undefined without --workshop. */
  roomStatus(): RoomView | undefined {
    const w = this.workshop;
    if (!w) return undefined;
    const st = w.status();
    return { url: w.url, name: this.roomName, connected: st.connected, queued: st.queued, delivered: st.delivered, ...(st.lastError ? { lastError: st.lastError } : {}) };
  }

  private async labs(): Promise<LabsModule> {
    this.mod ??= await import('../labs/index.js');
    return this.mod;
  }

  private get home(): string | undefined {
    return this.opts.home ?? homeOf(this.opts.env ?? process.env);
  }

  // ------------------------------------------------------------------ workshop

  async connectWorkshop(): Promise<void> {
    const w = this.opts.workshop;
    if (!w) return;
    const { createWorkshopClient } = await import('../workshop/client.js');
    const { userInfo } = await import('node:os');
    // --name, else the name given last time (also what `iamlab report` signs), else the login name
    const learner = await import('../report/learner.js');
    const home = this.home ?? (await import('../workshop/home.js')).iamlabHome(this.opts.env ?? process.env);
    let name = w.name?.trim() || learner.storedLearnerName(home);
    if (w.name?.trim()) learner.rememberLearnerName(w.name, home);
    if (!name) {
      try {
        name = userInfo().username;
      } catch {
        name = 'learner';
      }
    }
    this.roomName = name;
    this.workshop = createWorkshopClient({ url: w.url, name, ...(w.key ? { key: w.key } : {}) });
    this.workshop.onStatus(() => {
      const r = this.roomStatus();
      if (r) this.roomFn(r);
    });
  }

  private send(e: WorkshopEvent): void {
    this.workshop?.send(e);
  }

  async dispose(): Promise<void> {
    await this.workshop?.close();
  }

  // ------------------------------------------------------------------ catalog

  /** The catalog from the cache, without loading any lab (undefined when the cache is stale). */
  quickCatalog(): CatalogEntry[] | undefined {
    const c = readCatalogCache(cachePath(this.home), VERSION);
    if (!c || (this.opts.labsDir && resolve(this.opts.labsDir) !== c.labsDir)) return undefined;
    return catalogEntries(c.labs, c.errors, readProgressRecords(progressPath(this.home)), readProgressRecords(progressPath(this.home), 'real'));
  }

  async catalog(): Promise<CatalogEntry[]> {
    const quick = this.quickCatalog();
    if (quick) return quick;
    const m = await this.labs();
    const labsDir = resolve(this.opts.labsDir ?? m.defaultLabsDir());
    const stamps = labStamps(labsDir);
    const { labs, errors } = m.loadLabs(labsDir);
    const cached: CachedLab[] = labs.map((lab) => ({
      id: lab.id,
      title: lab.title,
      summary: lab.summary,
      level: lab.level,
      minutes: lab.minutes,
      backends: (lab.backends ?? ['sim']) as Array<'sim' | 'real'>,
      steps: lab.steps.map((x) => ({ id: x.id, title: x.title })),
    }));
    const errs = errors.map((e) => ({ id: /labs[\\/]([^\\/]+)[\\/]/.exec(e.message)?.[1] ?? 'lab', message: e.message }));
    writeCatalogCache(cachePath(this.home), { format: CACHE_FORMAT, version: VERSION, labsDir, stamps, labs: cached, errors: errs });
    return catalogEntries(cached, errs, readProgressRecords(progressPath(this.home)), readProgressRecords(progressPath(this.home), 'real'));
  }

  profiles(): Promise<AwsProfile[]> {
    return readAwsProfiles(this.opts.env);
  }

  // ------------------------------------------------------------------ a lab

  async open(labId: string, backend: 'sim' | 'real', profile?: string): Promise<LabOpened> {
    const m = await this.labs();
    if (this.session) this.exitNotes.push(...(await this.closeLab()));
    this.notices = [];
    const real = backend === 'real';
    // the app owns the terminal: the SDK's Node-version warning would be written across the screen
    if (real) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const o = this.opts;
    const realOpts = o.realBackendOptions ?? {};
    const options: Parameters<LabsModule['openLab']>[1] = {
      ...(this.home ? { home: this.home } : {}),
      ...(o.labsDir ? { labsDir: o.labsDir } : {}),
      ...(o.now ? { now: o.now } : {}),
      interactiveEditor: false,
      color: false,
      columns: Math.max(40, (o.columns ?? 80) - 1),
      // questions (aws configure, MFA codes, on a real account the write confirmation) are answered in the app
      prompt: (question: string, q?: { secret?: boolean }) => this.askFn(question, Boolean(q?.secret)),
      ...(real
        ? {
            backend: 'real' as const,
            ...(profile ? { profile } : {}),
            ...(o.region ? { region: o.region } : {}),
            ...(o.profile2 ? { profile2: o.profile2 } : {}),
            realBackendOptions: {
              ...realOpts,
              ...(o.env ? { env: o.env } : {}),
              retry: { ...(realOpts.retry ?? {}), onRetry: (info) => this.notifyFn(retryNotice(info)) },
              onNotice: (text: string) => {
                this.notices.push(text);
                realOpts.onNotice?.(text);
              },
            },
          }
        : {}),
    };
    let session: LabSession;
    try {
      session = await m.openLab(labId, options);
    } catch (e) {
      throw new Error(openProblem(e, labId, real));
    }
    this.session = session;
    this.denied = undefined;
    this.lastCheck = undefined;
    this.reported.clear();
    if (session.kind === 'real') this.consoleText ??= (await import('../real/checks.js')).CONSOLE_IN_REAL_MODE;
    const lab = session.lab;
    const steps = lab.steps.map((x) => stepView(x, session.accounts));
    const snap = await this.snapshot();
    for (const [id, p] of Object.entries(snap.progress)) {
      this.reported.set(id, p.status);
      this.reported.set(`attempts:${id}`, String(p.attempts));
    }
    const accounts = Object.values(session.accounts);
    const banner =
      session.kind === 'sim'
        ? [`${lab.title} — ${steps.length} steps. This shell is the lab's simulated AWS account: type \`help\` for commands.`]
        : realBanner(lab.title, lab.id, steps.length, session.real!);
    banner.push(...session.warnings.map((w) => `! ${w}`));
    // what the AWS backend noted while the lab was set up (a resource it could not tag …)
    banner.push(...this.notices.splice(0).map((n) => `! ${n}`));
    this.send({ kind: 'started', lab: lab.id, steps_total: steps.length, ...(snap.current < steps.length ? { step: steps[snap.current]!.id, step_index: snap.current } : {}) });
    if (snap.current < steps.length) this.reported.set('__current', steps[snap.current]!.id);
    const who = session.real?.profile ?? profile;
    return {
      id: lab.id,
      title: lab.title,
      account: { kind: session.kind, label: session.kind === 'sim' ? `simulated · ${accounts.join(', ')}` : `AWS account ${accounts.join(', ')}${who ? ` · ${who}` : ''}` },
      steps,
      snapshot: snap,
      history: [...session.shell.state.history],
      banner,
      prompt: promptFor(snap.identity),
    };
  }

  private need(): LabSession {
    if (!this.session) throw new Error('No lab is open.');
    return this.session;
  }

  async run(line: string): Promise<{ output: RunOutput; snap: LabSnapshot; prompt: string; needsMore: boolean }> {
    const s = this.need();
    if (s.shell.needsMore(line)) {
      return { output: { stdout: '', stderr: '', exitCode: 0 }, snap: await this.snapshot(), prompt: '> ', needsMore: true };
    }
    const before = s.currentStep()?.id;
    const r = await s.run(line);
    this.noteCalls(line, r.calls);
    // A failing check is news only for the step the learner was working on; a step that has
    // just opened is not "failed" yet.
    if (r.step) this.lastCheck = r.step.stepId === before || r.step.passed ? checkView(r.step) : undefined;
    // no check ran (a question step answers for itself): an older verdict is stale now
    else if (line.trim()) this.lastCheck = undefined;
    const snap = await this.snapshot();
    this.report(snap);
    return { output: { stdout: r.stdout, stderr: r.stderr + this.takeNotices(), exitCode: r.exitCode }, snap, prompt: promptFor(snap.identity), needsMore: false };
  }

  /** Remembers the last denied call (for the Why panel). */
  private noteCalls(line: string, calls: Array<{ result: CallResult }>): void {
    for (const c of calls) {
      const res = c.result;
      if (!res.ok && res.explanation && res.explanation.decision === 'Deny') {
        this.denied = { explanation: res.explanation, command: line, error: res.error.code };
      }
    }
  }

  async complete(line: string, cursor: number): Promise<{ replaceFrom: number; candidates: string[] }> {
    const s = this.need();
    const r = s.shell.complete(line.slice(0, cursor));
    return { replaceFrom: r.replaceFrom, candidates: r.candidates };
  }

  async check(): Promise<LabSnapshot> {
    const s = this.need();
    const cur = s.currentStep();
    if (!cur) return this.snapshot();
    const r = await s.checkStep(cur.id);
    this.lastCheck = checkView(r);
    if (r.passed && s.currentStep()?.id === cur.id) await s.advance();
    s.save();
    const snap = await this.snapshot();
    this.report(snap);
    return snap;
  }

  async hint(stepId: string): Promise<{ snap: LabSnapshot; note?: { text: string; tone: Tone } }> {
    const s = this.need();
    const r = s.hint(stepId);
    if (!r.ok) return { snap: await this.snapshot(), note: { text: `No hint yet: ${r.reason}.`, tone: 'warn' } };
    this.send({ kind: 'hint', lab: s.lab.id, step: stepId, hint: r.hint.id });
    return { snap: await this.snapshot(), note: { text: `Hint ${r.index}/${r.total}: ${r.hint.text.trim()}`, tone: 'info' } };
  }

  async solution(stepId: string): Promise<{ snap: LabSnapshot; solution: NonNullable<StepView['solution']> }> {
    const s = this.need();
    const sol = s.viewSolution(stepId);
    this.send({ kind: 'solution', lab: s.lab.id, step: stepId });
    const lines = (sol.commands ?? []).map((c) => (typeof c === 'string' ? c : c.run));
    for (const [q, a] of Object.entries(sol.answers ?? {})) lines.push(q === 'answer' ? `answer ${a}` : `answer --question ${q} ${a}`);
    return {
      snap: await this.snapshot(),
      solution: { commands: lines, ...(sol.files ? { files: sol.files } : {}), show: sol.show ?? 'on_request' },
    };
  }

  async skip(stepId: string): Promise<{ snap: LabSnapshot; output: string }> {
    const s = this.need();
    const r = await s.skip(stepId);
    if (!r.ok) throw new Error(`Could not skip: ${r.check.message || r.output}`);
    const snap = await this.snapshot();
    this.report(snap);
    return { snap, output: r.output + this.takeNotices() };
  }

  /** The AWS backend's notes since the last output, as shell lines. */
  private takeNotices(): string {
    const n = this.notices.splice(0);
    return n.map((t) => `iamlab: ${t}\n`).join('');
  }

  async reset(labId: string): Promise<void> {
    const m = await this.labs();
    if (this.session?.lab.id === labId) this.session = undefined;
    const s = await m.openLab(labId, {
      ...(this.home ? { home: this.home } : {}),
      ...(this.opts.labsDir ? { labsDir: this.opts.labsDir } : {}),
      ...(this.opts.now ? { now: this.opts.now } : {}),
      fresh: true,
      interactiveEditor: false,
    });
    s.save();
  }

  /**
   * Leaves the lab: saves, and on a real account deletes the access keys opening it made for lab
   * users and closes the AWS clients. Returns what could not be done (to show the learner).
   */
  async closeLab(): Promise<string[]> {
    await this.stopEndpoint();
    const s = this.session;
    this.session = undefined;
    if (!s) return [];
    try {
      return await s.close();
    } catch (e) {
      return [(e as Error).message];
    }
  }

  async quit(): Promise<void> {
    this.exitNotes.push(...(await this.closeLab()));
  }

  /** Back to a step reached before (or the current one's start), to do it again: reset --step inside the app. */
  async redo(stepId: string): Promise<{ snap: LabSnapshot; prompt: string; note: string }> {
    const s = this.need();
    const r = s.redoFrom(stepId);
    if (!r.ok) throw new Error(`Could not go back: ${r.reason}.`);
    this.denied = undefined;
    this.lastCheck = undefined;
    const i = s.stepIndex(stepId);
    const note = r.restored
      ? `Back at step ${i + 1}: the simulated account and the shell are as they were when it began (your workspace files stay).`
      : s.kind === 'real'
        ? `Back at step ${i + 1}: its progress and the later steps' are cleared; your AWS account is as you left it.`
        : `Back at step ${i + 1}: its progress and the later steps' are cleared; the simulated account is as you left it (iamlab has no copy of it from when the step began).`;
    const snap = await this.snapshot();
    this.report(snap);
    return { snap, prompt: promptFor(snap.identity), note };
  }

  // ------------------------------------------------------------------ the endpoint

  /**
   * `iamlab serve` inside the app: the open lab's world (the very object the shell and the checks
   * use) on 127.0.0.1, SigV4 verified. 'show' starts it when it is off and says what to paste (the
   * shell's identity now); 'stop' stops it. Only the simulated account has a world to serve.
   */
  async endpoint(action: 'show' | 'stop'): Promise<EndpointView | null> {
    if (action === 'stop') {
      await this.stopEndpoint();
      return null;
    }
    const s = this.need();
    if (s.kind !== 'sim') throw new Error('The endpoint serves the simulated account only: on your AWS account, your own aws CLI already talks to AWS.');
    const serve = await import('../serve/index.js');
    if (!this.server) {
      this.server = await serve.startServer({
        world: s.world,
        port: 0,
        // the shell may have replaced the world (a reload, a reset): serve the one the lab has now
        beforeRequest: () => {
          const cur = this.session;
          if (cur && this.server && this.server.world !== cur.world) this.server.setWorld(cur.world);
        },
        onChange: (req, result) => this.noteServed(req, result),
      });
    }
    const state = s.shell.state;
    const credentials = serve.learnerCredentials(state);
    const region = serve.regionOf(state);
    let who: string | undefined;
    try {
      const id = await s.shell.shellIdentity();
      if (id) who = arnLabel(id.arn);
    } catch {
      who = undefined;
    }
    const url = this.server.url;
    const paste = serve.pasteBlock({ url, region, ...(credentials ? { credentials } : {}), ...(who ? { who } : {}) });
    // the export lines as a file to `source` (simulated keys only: the world file holds them anyway)
    const exports = paste.split('\n').filter((l) => /^(export|unset) /.test(l)).map((l) => l.replace(/\s+# .*$/, ''));
    let file: string | undefined;
    try {
      file = join(s.paths.dir, 'endpoint.sh');
      writeFileAtomic(file, `# iamlab: ${s.lab.title}, simulated account on ${url}\n${exports.join('\n')}\n`, { mode: 0o600 });
      this.serverFile = file;
    } catch {
      file = undefined;
    }
    return { url, region, paste, ...(file ? { file } : {}), ...(who ? { who } : {}) };
  }

  private async stopEndpoint(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (this.servedTimer) clearTimeout(this.servedTimer);
    this.servedTimer = undefined;
    this.served = { lines: [], count: 0 };
    if (this.serverFile) rmSync(this.serverFile, { force: true });
    this.serverFile = undefined;
    if (server) await server.close();
  }

  /** A call reached the world through the endpoint: note it, and look at the lab once calls settle. */
  private noteServed(req: CallRequest, result: CallResult): void {
    const what = `${req.service} ${req.operation}`;
    const line = `⇄ endpoint: ${what} → ${result.ok ? 'OK' : `${result.error.code} (${result.error.status})`}`;
    this.served.count++;
    this.served.lines.push(line);
    if (this.served.lines.length > ENDPOINT_LINES) this.served.lines.shift();
    this.noteCalls(`⇄ ${what}, a call through the endpoint`, [{ result }]);
    if (this.servedTimer) clearTimeout(this.servedTimer);
    this.servedTimer = setTimeout(() => {
      this.servedTimer = undefined;
      this.activityFn();
    }, ENDPOINT_SETTLE_MS);
  }

  /** The endpoint's calls since the last look: the step is checked (as after a command) and saved. */
  async endpointSync(): Promise<EndpointActivity | null> {
    const s = this.session;
    if (!s) return null; // the lab closed while the look waited its turn
    const { lines, count } = this.served;
    this.served = { lines: [], count: 0 };
    const shown = count > lines.length ? [`⇄ endpoint: ${count - lines.length} earlier calls not listed`, ...lines] : lines;
    const before = s.currentStep()?.id;
    const r = await s.afterOutsideCalls();
    if (r.step) this.lastCheck = r.step.stepId === before || r.step.passed ? checkView(r.step) : undefined;
    const snap = await this.snapshot();
    this.report(snap);
    return { lines: shown, snap };
  }

  // ------------------------------------------------------------------ snapshots

  async snapshot(): Promise<LabSnapshot> {
    const s = this.need();
    const lab = s.lab;
    const progress: Record<string, StepProgress> = {};
    for (const step of lab.steps) {
      const p = s.progress.steps[step.id];
      progress[step.id] = {
        status: p?.skipped ? 'skipped' : p?.passed_at ? 'passed' : 'open',
        hintsShown: [...(p?.hints_shown ?? [])],
        solutionViewed: Boolean(p?.solution_viewed),
        attempts: p?.attempts ?? 0,
      };
    }
    const cur = s.currentStep();
    const current = cur ? lab.steps.findIndex((x) => x.id === cur.id) : lab.steps.length;
    const identity = await this.identity(s);
    const snap: LabSnapshot = { progress, current, identity };
    if (this.denied) snap.denied = this.denied;
    if (this.lastCheck) snap.lastCheck = this.lastCheck;
    if (s.kind === 'sim') snap.map = mapOf(s);
    else if (cur && s.consoleStep(cur.id)) {
      const last = s.lastChecks.get(cur.id);
      if (s.consoleCheckable(cur.id)) {
        snap.consoleStep = {
          stepId: cur.id,
          checkable: true,
          message: 'this step happens in the AWS console in your browser (the `console` commands above are the simulated account\'s); iamlab sees what you do there in CloudTrail, which can take a few minutes to show it',
        };
      } else {
        snap.consoleStep = { stepId: cur.id, message: last?.status === 'error' && last.message ? last.message : (this.consoleText ?? 'this step happens in the AWS console, which iamlab cannot see on a real account') };
      }
    }
    if (!cur) snap.summary = summaryOf(s, progress);
    return snap;
  }

  private async identity(s: LabSession): Promise<IdentityView> {
    let shell: IdentityView['shell'];
    try {
      const who = await s.shell.shellIdentity();
      if (who) shell = { arn: who.arn, accountId: who.accountId, label: arnLabel(who.arn), source: who.source };
    } catch {
      shell = undefined;
    }
    const c = s.shell.state.console;
    const console: IdentityView['console'] = {};
    if (c.signedIn) console.signedIn = { accountId: c.signedIn.accountId, userName: c.signedIn.userName };
    if (c.active) console.active = { accountId: c.active.accountId, roleName: c.active.roleName, displayName: c.active.displayName, ...(c.active.color ? { color: c.active.color } : {}) };
    return shell ? { shell, console } : { console };
  }

  /** Sends the room what changed since the last report. */
  private report(snap: LabSnapshot): void {
    if (!this.workshop || !this.session) return;
    const lab = this.session.lab;
    lab.steps.forEach((step, i) => {
      const now = snap.progress[step.id]?.status ?? 'open';
      if (this.reported.get(step.id) === now) return;
      this.reported.set(step.id, now);
      if (now === 'passed') this.send({ kind: 'passed', lab: lab.id, step: step.id, step_index: i, steps_total: lab.steps.length });
      if (now === 'skipped') this.send({ kind: 'skip', lab: lab.id, step: step.id, step_index: i, steps_total: lab.steps.length });
    });
    // the step the learner is on now (the room shows it): after a pass, a skip, or going back
    const cur = lab.steps[snap.current];
    if (cur && this.reported.get('__current') !== cur.id) {
      this.reported.set('__current', cur.id);
      this.send({ kind: 'started', lab: lab.id, steps_total: lab.steps.length, step: cur.id, step_index: snap.current });
    }
    // an attempt is what the labs count as one (a failed `lab check` or wrong answer), not every command
    for (const step of lab.steps) {
      const n = snap.progress[step.id]?.attempts ?? 0;
      const key = `attempts:${step.id}`;
      const before = Number(this.reported.get(key) ?? 0);
      if (n > before) this.send({ kind: 'attempt', lab: lab.id, step: step.id });
      this.reported.set(key, String(n));
    }
    if (snap.current >= lab.steps.length && this.reported.get('__finished') !== 'yes') {
      this.reported.set('__finished', 'yes');
      this.send({ kind: 'finished', lab: lab.id, steps_total: lab.steps.length });
    }
  }
}

// ------------------------------------------------------------------ pure helpers

type RealInfo = NonNullable<LabSession['real']>;

/** The shell pane's greeting on a real account: where, as whom, and what opening the lab did there. */
export function realBanner(title: string, labId: string, steps: number, info: RealInfo): string[] {
  const ids = Object.values(info.accounts);
  const out = [`${title} — ${steps} steps, on AWS account ${ids.join(' and ')}${info.callerArn ? ` as ${info.callerArn}` : ''}. Commands here call AWS for real.`];
  if (info.created.length) out.push(`Set up in your account: ${info.created.join('; ')}.`);
  if (info.kept.length) out.push(`Already there (kept as they are): ${info.kept.join('; ')}.`);
  if (info.skipped.length) out.push(`Not set up: ${groupReasons(info.skipped).join('; ')}.`);
  if (!info.created.length && !info.kept.length) out.push('Opening the lab changed nothing in your account.');
  out.push(
    `Secret keys and tokens show as ****…WXYZ (\`reveal\` shows the last ones) and never go to disk. Everything the lab creates is tagged iamlab:lab=${labId}; \`iamlab cleanup ${labId} --real\` removes it when you are done. Type \`help\` for commands.`,
  );
  return out;
}

/** "user a: why; user b: why" → "user a, user b: why" (setup's notes share their reasons). */
function groupReasons(items: string[]): string[] {
  const by = new Map<string, string[]>();
  for (const x of items) {
    const m = /^(\S+ [^:]+): (.+)$/.exec(x);
    const [what, why] = m ? [m[1]!, m[2]!] : [x, ''];
    by.set(why, [...(by.get(why) ?? []), what]);
  }
  return [...by].map(([why, whats]) => (why ? `${whats.join(', ')}: ${why}` : whats.join(', ')));
}

/** What to show when a lab does not open. */
export function openProblem(e: unknown, labId: string, real: boolean): string {
  const msg = e instanceof Error ? e.message : String(e);
  // the app has no profile2 chooser: say how to give one
  if (real && /--profile2/.test(msg)) return `${msg} In the app: iamlab start ${labId} --real --profile2 <profile of the second account>.`;
  return msg;
}

/** Fills {account.KEY} placeholders with the lab's account ids. */
export function fillAccounts(text: string, accounts: Record<string, string>): string {
  return text.replace(/\{account\.([a-z][a-z0-9-]*)\}/g, (m, k: string) => accounts[k] ?? m);
}

export function stepView(step: LabStep, accounts: Record<string, string> = {}): StepView {
  const fill = (t: string) => fillAccounts(t, accounts);
  let text = step.text;
  if (step.questions?.length) {
    const qs = step.questions.map((q, i) => {
      const choices = (q.choices ?? []).map((c) => `   - ${c}`).join('\n');
      return `${i + 1}. ${q.text.replace(/\n/g, ' ')}${choices ? `\n${choices}` : ''}`;
    });
    text = `${text}\n\n${qs.join('\n')}`;
  }
  if (step.kind === 'answer' && step.prompt) text = `${text}\n\n**${step.prompt.trim()}**`;
  const sol = step.solution;
  return {
    id: step.id,
    title: step.title,
    kind: step.kind ?? 'task',
    text: fill(text),
    hints: (step.hints ?? []).map((h) => ({ id: h.id, text: fill(h.text) })),
    ...(sol
      ? {
          solution: {
            commands: (sol.commands ?? []).map((c) => fill(typeof c === 'string' ? c : c.run)),
            ...(sol.files ? { files: Object.fromEntries(Object.entries(sol.files).map(([k, v]) => [k, fill(v)])) } : {}),
            show: sol.show ?? 'on_request',
          },
        }
      : {}),
    skip: step.skip ?? 'allowed',
    ...(step.why ? { why: fill(step.why) } : {}),
    ...(step.prompt ? { prompt: fill(step.prompt) } : {}),
  };
}

export function checkView(r: StepCheck): CheckView {
  return {
    stepId: r.stepId,
    status: r.status,
    message: r.message,
    leaves: r.leaves.map((l) => {
      // what the check read or decided, once each, in the order it did
      const evidence = [...new Set(l.evidence.map((e) => e.text))];
      return { id: l.id ?? '', ...(l.label ? { label: l.label } : {}), status: l.status, message: l.message, ...(evidence.length ? { evidence } : {}) };
    }),
    ...(r.hint ? { hint: r.hint } : {}),
  };
}

function summaryOf(s: LabSession, progress: Record<string, StepProgress>): Summary {
  const onReal = s.kind === 'real' ? ' --real' : '';
  const lab = s.lab;
  const p = s.progress;
  const skipped = lab.steps.filter((x) => progress[x.id]?.status === 'skipped').map((x) => x.id);
  const hints = Object.values(progress).reduce((n, x) => n + x.hintsShown.length, 0);
  const sols = Object.values(progress).filter((x) => x.solutionViewed).length;
  const started = p.started_at;
  const finished = p.finished_at;
  const duration = started && finished ? Date.parse(finished) - Date.parse(started) : undefined;
  return {
    labId: lab.id,
    title: lab.title,
    ...(started ? { startedAt: started } : {}),
    ...(finished ? { completedAt: finished } : {}),
    ...(duration !== undefined && Number.isFinite(duration) ? { durationMs: duration } : {}),
    hintsUsed: hints,
    solutionsViewed: sols,
    skipped,
    steps: lab.steps.length,
    ...(lab.finish?.text ? { finishText: lab.finish.text } : {}),
    ...(lab.finish?.next?.length ? { next: lab.finish.next } : {}),
    verify: [`iamlab check ${lab.id}${onReal}`, `iamlab report --lab ${lab.id}`],
  };
}

/** Users and roles of the world, and who may assume which role (by the world's own engine). */
export function mapOf(s: Pick<LabSession, 'world'>): MapView {
  const w = s.world;
  const accounts = w.iam.accounts().map((a) => ({ id: a.id, ...(a.alias ? { alias: a.alias } : {}) }));
  const users = w.iam.users();
  const roles = w.iam.roles();
  const nodes: MapView['nodes'] = [
    ...users.map((u) => ({ arn: u.arn, kind: 'user' as const, name: u.name, accountId: u.accountId })),
    ...roles.map((r) => ({ arn: r.arn, kind: 'role' as const, name: r.name, accountId: r.accountId })),
  ];
  const edges: MapView['edges'] = [];
  for (const role of roles) {
    for (const u of users) edges.push(edge(u.arn, role.arn, w.canAssume({ principal: u.arn, roleArn: role.arn })));
    // role chaining: only drawn where it is allowed, to keep the picture readable
    for (const r of roles) {
      if (r.arn === role.arn) continue;
      const e = w.canAssume({ principal: r.arn, roleArn: role.arn });
      if (e.decision === 'Allow') edges.push(edge(r.arn, role.arn, e));
    }
  }
  return { accounts, nodes, edges };
}

function edge(from: string, to: string, e: Explanation): MapView['edges'][number] {
  return { from, to, decision: e.decision, reason: e.reason, rule: ruleOf(e), summary: e.summary };
}
