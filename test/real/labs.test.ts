// Every lab's checks on a "real" account: the lab's starting world served by the project's own
// AWS endpoint (src/serve) on an ephemeral port, the shell on the real backend (SDK v3 over the
// wire), the real-mode CheckBackend. Each step is checked before and after its solution runs,
// and every verdict is compared with the same sequence on the simulated account: the real mode
// must agree with the simulated one — except steps that happen in the console, which real mode
// must report as errors or, where CloudTrail could show them, as pending (never pass, never fail),
// and a missing event before its solution, which CloudTrail may still show (pending, not fail).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabs } from '../../src/labs/loader.js';
import { buildWorld } from '../../src/labs/world-build.js';
import { runSolution } from '../../src/labs/solution.js';
import type { Lab } from '../../src/labs/schema.js';
import { SimBackend, type World } from '../../src/sim/index.js';
import { ShellSession } from '../../src/shell/index.js';
import { SimCheckBackend } from '../../src/checks/sim-backend.js';
import { checkStepSpec, stepCheckSpec, type StepCheck, type StepLike } from '../../src/checks/step.js';
import type { CheckSpec } from '../../src/checks/spec.js';
import type { EventMark } from '../../src/checks/types.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { RealBackend } from '../../src/real/backend.js';
import { RealEventLog } from '../../src/real/events.js';
import { RealCheckBackend, realModeSpec, CONSOLE_IN_REAL_MODE } from '../../src/real/checks.js';
import { RealShellSession } from '../../src/real/shell.js';
import { loadRealProfiles } from '../../src/real/profiles.js';

const { labs } = loadLabs();

/** Does the step's check depend on the console (which real mode cannot see)? */
function consoleDependent(spec: CheckSpec | undefined): boolean {
  if (!spec) return false;
  const s = spec as Record<string, unknown>;
  for (const k of ['all', 'any'] as const) if (Array.isArray(s[k]) && (s[k] as CheckSpec[]).some(consoleDependent)) return true;
  if (s.not && consoleDependent(s.not as CheckSpec)) return true;
  if (s.count && (s.count as { of: CheckSpec[] }).of.some(consoleDependent)) return true;
  if ((s.identity as { console?: unknown } | undefined)?.console) return true;
  if ((s.event as { via?: string } | undefined)?.via === 'console') return true;
  return false;
}

/** Does the check have an `event` leaf (which real mode may also look for in CloudTrail)? */
function hasEventLeaf(spec: CheckSpec | undefined): boolean {
  if (!spec) return false;
  const s = spec as Record<string, unknown>;
  for (const k of ['all', 'any'] as const) if (Array.isArray(s[k]) && (s[k] as CheckSpec[]).some(hasEventLeaf)) return true;
  if (s.not && hasEventLeaf(s.not as CheckSpec)) return true;
  if (s.count && (s.count as { of: CheckSpec[] }).of.some(hasEventLeaf)) return true;
  return s.event !== undefined;
}

function ini(sections: Record<string, Record<string, string>>, config: boolean): string {
  return Object.entries(sections)
    .map(([name, kv]) => `[${config && name !== 'default' ? `profile ${name}` : name}]\n${Object.entries(kv).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`)
    .join('\n');
}

interface Side {
  verdict(step: StepLike, mark: EventMark | undefined, answers: { answer?: string; questions?: Record<string, string> } | undefined): Promise<StepCheck>;
  mark(): EventMark;
  run(text: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  world: World;
  workspace: string;
}

function clockMs(s: string): number {
  const m = /^\+(\d+)([smh])$/.exec(s)!;
  return Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 3_600_000);
}

for (const lab of labs) {
  describe(`lab ${lab.id} on a real account (the project's endpoint) agrees with the simulated account`, () => {
    let server: RunningServer;
    const dirs: string[] = [];
    let sim: Side;
    let real: Side;
    let backends: RealBackend[] = [];

    before(async () => {
      const tmp = () => {
        const d = mkdtempSync(join(tmpdir(), `iamlab-real-${lab.id}-`));
        dirs.push(d);
        return d;
      };
      const accounts = Object.values(buildWorld(lab).accounts);
      const keys = Object.keys(lab.world.accounts);
      // --- the simulated account
      const s = buildWorld(lab);
      const simShell = new ShellSession({ backend: new SimBackend(s.world), world: s.world, workspaceDir: tmp(), state: structuredClone(s.shell) as never });
      const simChecks = new SimCheckBackend(s.world, { accountKeys: s.accounts, shell: simShell });
      const ctx = (w: World) => ({ accounts: s.accounts, defaultAccount: accounts[0]! , _w: w });
      sim = {
        world: s.world,
        workspace: simShell.workspace.dir,
        mark: () => simChecks.mark(),
        run: (t) => simShell.run(t),
        verdict: (step, mark, answers) => {
          const { _w, ...c } = ctx(s.world);
          void _w;
          return checkStepSpec(step, simChecks, { ...c, ...(mark ? { stepMark: mark } : {}), ...(answers ? { answers } : {}) });
        },
      };
      // --- the "real" account: the same starting world, served over HTTP
      const r = buildWorld(lab);
      server = await startServer({ world: r.world });
      const files = tmp();
      const credentials: Record<string, Record<string, string>> = structuredClone(r.shell.credentials);
      keys.forEach((k, i) => {
        const root = r.world.rootCredentials(accounts[i]!);
        credentials[`checker-${k}`] = { aws_access_key_id: root.accessKeyId, aws_secret_access_key: root.secretAccessKey };
      });
      writeFileSync(join(files, 'credentials'), ini(credentials, false));
      writeFileSync(join(files, 'config'), ini(r.shell.config, true));
      const env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(files, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(files, 'credentials'), HOME: files };
      const now = () => r.world.clock.now();
      const log = new RealEventLog(join(files, 'events.jsonl'));
      const opts = { env, retry: { sleep: async () => {} }, now };
      const shellBackend = new RealBackend({ ...opts, labId: lab.id, confirmWrite: async () => true, eventLog: log });
      const checker = new RealBackend({ ...opts, profile: `checker-${keys[0]}` });
      const more = keys.slice(1).map((k) => ({ backend: new RealBackend({ ...opts, profile: `checker-${k}` }), key: k }));
      backends = [shellBackend, checker, ...more.map((m) => m.backend)];
      const realShell = new RealShellSession({ backend: shellBackend, workspaceDir: tmp(), state: { env: {}, config: {}, credentials: {}, console: { roleHistory: [] }, history: [] }, profiles: loadRealProfiles(env), now });
      const realChecks = new RealCheckBackend({ backend: checker, more, keys, shell: realShell.link(), events: log });
      real = {
        world: r.world,
        workspace: realShell.workspace.dir,
        mark: () => realChecks.mark(),
        run: (t) => realShell.run(t),
        verdict: async (step, mark, answers) => {
          await realChecks.begin();
          const spec = stepCheckSpec(step);
          const realStep: StepLike = { ...step, ...(spec ? { check: realModeSpec(spec) } : {}), ...(step.diagnose ? { diagnose: step.diagnose.map((d) => ({ ...d, when: realModeSpec(d.when) })) } : {}) };
          return checkStepSpec(realStep, realChecks, { accounts: r.accounts, defaultAccount: accounts[0]!, ...(mark ? { stepMark: mark } : {}), ...(answers ? { answers } : {}) });
        },
      };
    });

    after(async () => {
      for (const b of backends) b.close();
      await server?.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    test('each step: the same verdict before and after its solution; console steps are errors that say why', async (t) => {
      const vars = { sim: {} as Record<string, string>, real: {} as Record<string, string> };
      const accounts = Object.fromEntries(Object.entries(lab.world.accounts).map(([k, a]) => [k, a.id]));
      let compared = 0;
      let realPasses = 0;
      const consoleSteps: string[] = [];
      const failedBefore: string[] = [];
      for (const step of lab.steps as unknown as Array<StepLike & Lab['steps'][number]>) {
        if (step.clock) for (const w of [sim.world, real.world]) w.clock.advance(clockMs(step.clock));
        const marks = { sim: sim.mark(), real: real.mark() };
        const spec = stepCheckSpec(step);
        const onConsole = consoleDependent(spec) || (step.diagnose ?? []).some((d) => consoleDependent(d.when as CheckSpec));
        const answers = step.solution?.answers
          ? step.kind === 'quiz'
            ? { questions: Object.fromEntries(Object.entries(step.solution.answers).map(([k, v]) => [k, v.replace(/\{account\.(\w+)\}/g, (_m, key: string) => accounts[key] ?? '')])) }
            : { answer: (step.solution.answers.answer ?? '').replace(/\{account\.(\w+)\}/g, (_m, key: string) => accounts[key] ?? '') }
          : undefined;

        const beforeSim = await sim.verdict(step, marks.sim, undefined);
        const beforeReal = await real.verdict(step, marks.real, undefined);
        if (step.solution) {
          const sr = await runSolution(step.solution, sim, { workspaceDir: sim.workspace, accounts, now: () => sim.world.clock.now(), vars: vars.sim });
          assert.ok(sr.ok, `${step.id}: the solution fails on the simulated account:\n${sr.transcript}`);
          const rr = await runSolution(step.solution, real, { workspaceDir: real.workspace, accounts, now: () => real.world.clock.now(), vars: vars.real });
          if (!onConsole) assert.ok(rr.ok, `${step.id}: the solution fails on the real backend:\n${rr.transcript}`);
        }
        const afterSim = await sim.verdict(step, marks.sim, answers);
        const afterReal = await real.verdict(step, marks.real, answers);

        if (onConsole) {
          // nobody used the console of this "real" account: what CloudTrail could show is still
          // pending (its window has not passed); what it cannot show is an error that says so
          for (const v of [beforeReal, afterReal]) {
            assert.ok(v.status === 'error' || v.status === 'pending', `${step.id}: a console step must be an error or pending in real mode, got ${v.status}: ${v.message}`);
            if (v.status === 'error') assert.ok(v.message.includes(CONSOLE_IN_REAL_MODE), `${step.id}: ${v.message}`);
            else assert.match(v.message, /CloudTrail can take a few minutes/, step.id);
          }
          consoleSteps.push(step.id);
          continue;
        }
        if (beforeSim.status === 'fail' && beforeReal.status === 'pending') {
          // a missing event the shell did not make: CloudTrail may still show it (another terminal)
          assert.match(beforeReal.message, /CloudTrail can take a few minutes/, `${step.id}: ${beforeReal.message}`);
          assert.ok(hasEventLeaf(spec), `${step.id}: only an event leaf may wait for CloudTrail`);
          assert.equal(afterReal.status, afterSim.status, `${step.id} after its solution: real ${afterReal.status} (${afterReal.message}) vs sim ${afterSim.status} (${afterSim.message})`);
          compared++;
          if (afterReal.status === 'pass') realPasses++;
          continue;
        }
        assert.equal(beforeReal.status, beforeSim.status, `${step.id} before its solution: real ${beforeReal.status} (${beforeReal.message}) vs sim ${beforeSim.status} (${beforeSim.message})`);
        assert.equal(afterReal.status, afterSim.status, `${step.id} after its solution: real ${afterReal.status} (${afterReal.message}) vs sim ${afterSim.status} (${afterSim.message})`);
        assert.equal(afterSim.status, 'pass', `${step.id}: the solution passes on the simulated account`);
        if (beforeSim.status === 'fail') assert.equal(beforeReal.diagnosis, beforeSim.diagnosis, `${step.id}: same diagnosis before the solution`);
        compared++;
        if (beforeReal.status === 'fail') failedBefore.push(step.id);
        if (afterReal.status === 'pass') realPasses++;
      }
      t.diagnostic(`${compared} steps compared with the simulated account (${failedBefore.length} failed before their solution: ${failedBefore.join(', ')}); console steps reported as errors: ${consoleSteps.join(', ') || 'none'}`);
      assert.ok(compared > 0, 'at least one step compared');
      assert.equal(realPasses, compared);
    });
  });
}
