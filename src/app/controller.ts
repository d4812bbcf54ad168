// The app's link to the labs, the shell and the simulated account (AppPort for the runner).
// It turns a LabSession into the plain view data of model.ts. No React, no Ink. The labs
// module (and with it the shell and the simulated account) is imported lazily, after the
// catalog's first frame.

import type { Explanation } from '../policy/types.js';
import type { CallResult } from '../backend/types.js';
import type { AppPort } from './runner.js';
import { readAwsProfiles, type AwsProfile } from './aws-config.js';
import type { CatalogEntry, CheckView, IdentityView, LabOpened, LabSnapshot, MapView, RunOutput, StepProgress, StepView, Summary } from './model.js';
import type { Tone } from './state.js';
import { ruleOf } from './map.js';
import { arnLabel, promptFor } from './identity.js';
import { CACHE_FORMAT, cachePath, catalogEntries, homeOf, labStamps, progressPath, readCatalogCache, readProgressRecords, writeCatalogCache, type CachedLab } from './catalog-cache.js';
import { VERSION } from '../version.js';
import { resolve } from 'node:path';

type LabsModule = typeof import('../labs/index.js');
type LabSession = Awaited<ReturnType<LabsModule['openLab']>>;
type Lab = LabSession['lab'];
type LabStep = Lab['steps'][number];
type StepCheck = Awaited<ReturnType<LabSession['checkStep']>>;
type WorkshopClient = import('../workshop/client.js').WorkshopClient;
type WorkshopEvent = import('../workshop/protocol.js').WorkshopEvent;

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
}

export class AppController implements AppPort {
  private mod?: LabsModule;
  private session: LabSession | undefined;
  private backendKind: 'sim' | 'real' = 'sim';
  private denied: LabSnapshot['denied'];
  private lastCheck: CheckView | undefined;
  private workshop: WorkshopClient | undefined;
  private reported = new Map<string, string>(); // step id → last status sent to the room

  /** Answers the shell's questions (`aws configure`, MFA codes); the runner installs the real one. */
  private askFn: (question: string, secret: boolean) => Promise<string | undefined> = async () => undefined;

  constructor(private readonly opts: ControllerOptions = {}) {}

  setAsk(fn: (question: string, secret: boolean) => Promise<string | undefined>): void {
    this.askFn = fn;
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
    let name = w.name;
    if (!name) {
      try {
        name = userInfo().username;
      } catch {
        name = 'learner';
      }
    }
    this.workshop = createWorkshopClient({ url: w.url, name, ...(w.key ? { key: w.key } : {}) });
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
    return catalogEntries(c.labs, c.errors, readProgressRecords(progressPath(this.home)));
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
    return catalogEntries(cached, errs, readProgressRecords(progressPath(this.home)));
  }

  profiles(): Promise<AwsProfile[]> {
    return readAwsProfiles(this.opts.env);
  }

  // ------------------------------------------------------------------ a lab

  async open(labId: string, backend: 'sim' | 'real', profile?: string): Promise<LabOpened> {
    const m = await this.labs();
    if (this.session) await this.closeLab();
    // The real-account path arrives with its own work: the option is passed through, and a
    // labs module that does not know it answers with the simulated backend, which we refuse.
    const options = {
      ...(this.home ? { home: this.home } : {}),
      ...(this.opts.labsDir ? { labsDir: this.opts.labsDir } : {}),
      ...(this.opts.now ? { now: this.opts.now } : {}),
      interactiveEditor: false,
      color: false,
      columns: Math.max(40, (this.opts.columns ?? 80) - 1),
      prompt: (question: string, o?: { secret?: boolean }) => this.askFn(question, Boolean(o?.secret)),
      ...(backend === 'real' ? { backend: 'real', ...(profile ? { profile } : {}), ...(this.opts.region ? { region: this.opts.region } : {}) } : {}),
    } as Parameters<LabsModule['openLab']>[1];
    const session = await m.openLab(labId, options);
    if (backend === 'real' && (session.backend as { kind?: string }).kind !== 'real') {
      throw new Error('Real-account mode is not available in this build yet. The simulated account has every lab (press a to switch).');
    }
    this.session = session;
    this.backendKind = backend;
    this.denied = undefined;
    this.lastCheck = undefined;
    this.reported.clear();
    const lab = session.lab;
    const steps = lab.steps.map((x) => stepView(x, session.accounts));
    const snap = await this.snapshot();
    for (const [id, p] of Object.entries(snap.progress)) {
      this.reported.set(id, p.status);
      this.reported.set(`attempts:${id}`, String(p.attempts));
    }
    const banner = [
      `${lab.title} — ${steps.length} steps. This shell is the lab's ${backend === 'sim' ? 'simulated AWS account' : 'AWS account'}: type \`help\` for commands.`,
      ...session.warnings.map((w) => `! ${w}`),
    ];
    this.send({ kind: 'started', lab: lab.id, steps_total: steps.length, ...(snap.current < steps.length ? { step: steps[snap.current]!.id, step_index: snap.current } : {}) });
    const accounts = session.world.accountIds();
    return {
      id: lab.id,
      title: lab.title,
      account: { kind: backend, label: backend === 'sim' ? `simulated · ${accounts.join(', ')}` : `real${profile ? ` · ${profile}` : ''}` },
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
    return { output: { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }, snap, prompt: promptFor(snap.identity), needsMore: false };
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
    return { snap, output: r.output };
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

  async closeLab(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    s?.save();
  }

  async quit(): Promise<void> {
    this.session?.save();
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
    if (this.backendKind === 'sim') snap.map = mapOf(s);
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
    leaves: r.leaves.map((l) => ({ id: l.id ?? '', ...(l.label ? { label: l.label } : {}), status: l.status, message: l.message })),
    ...(r.hint ? { hint: r.hint } : {}),
  };
}

function summaryOf(s: LabSession, progress: Record<string, StepProgress>): Summary {
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
    verify: [`iamlab check ${lab.id}`, `iamlab report --lab ${lab.id}`],
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
