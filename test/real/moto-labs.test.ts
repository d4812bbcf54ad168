// Every single-account lab on moto_server as the "real" account: the lab's world created in it by
// setupRealLab (tagged, account id = moto's, not the lab's), the solutions run through the shell
// on the real backend, and each step's verdict compared with the simulated account's.
// moto does not enforce IAM policies, so steps whose verdict depends on AWS refusing a call
// (a denied event, a session that must be refused) cannot agree there: they are listed, not
// compared. Console steps must be errors. Finally `iamlab cleanup` removes what the lab created.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabs } from '../../src/labs/loader.js';
import { buildWorld } from '../../src/labs/world-build.js';
import { runSolution } from '../../src/labs/solution.js';
import type { Lab } from '../../src/labs/schema.js';
import { SimBackend } from '../../src/sim/index.js';
import { ShellSession } from '../../src/shell/index.js';
import { SimCheckBackend } from '../../src/checks/sim-backend.js';
import { checkStepSpec, stepCheckSpec, type StepLike } from '../../src/checks/step.js';
import type { CheckSpec } from '../../src/checks/spec.js';
import { RealBackend } from '../../src/real/backend.js';
import { RealEventLog } from '../../src/real/events.js';
import { RealCheckBackend, realModeSpec, CONSOLE_IN_REAL_MODE } from '../../src/real/checks.js';
import { RealShellSession } from '../../src/real/shell.js';
import { setupRealLab } from '../../src/real/setup.js';
import { scanLabResources } from '../../src/real/cleanup.js';
import { cleanupCommand } from '../../src/real/commands.js';
import { motoPath, startMoto, withEnv, noAwsEnv, type Running } from './helpers.js';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const MOTO_ACCOUNT = '123456789012';
const { labs } = loadLabs();
const moto = motoPath();

function walk(spec: CheckSpec | undefined, f: (leaf: Record<string, unknown>) => boolean): boolean {
  if (!spec) return false;
  const s = spec as Record<string, unknown>;
  for (const k of ['all', 'any'] as const) if (Array.isArray(s[k]) && (s[k] as CheckSpec[]).some((c) => walk(c, f))) return true;
  if (s.not && walk(s.not as CheckSpec, f)) return true;
  if (s.count && (s.count as { of: CheckSpec[] }).of.some((c) => walk(c, f))) return true;
  return f(s);
}
const onConsole = (s: CheckSpec | undefined) => walk(s, (l) => Boolean((l.identity as { console?: unknown } | undefined)?.console) || (l.event as { via?: string } | undefined)?.via === 'console');
const needsEnforcement = (s: CheckSpec | undefined) => walk(s, (l) => (l.event as { outcome?: string } | undefined)?.outcome === 'failure' || Boolean(l.session));

const single = labs.filter((l) => Object.keys(l.world.accounts).length === 1);
const two = labs.filter((l) => Object.keys(l.world.accounts).length > 1);

describe('labs on moto_server (one server; each lab cleans up after itself)', { skip: moto ? false : 'moto_server is not on PATH — install moto[server] to run these' }, () => {
  let server: Running;
  let dir: string;
  let restore: () => void;
  const backends: RealBackend[] = [];

  before(async () => {
    server = await startMoto({ MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' });
    dir = mkdtempSync(join(tmpdir(), 'iamlab-moto-labs-'));
    writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n`);
    writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n');
    restore = withEnv(noAwsEnv({ AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir }));
  });
  after(async () => {
    for (const b of backends) b.close();
    restore?.();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const lab of two) test(`lab ${lab.id}`, { skip: 'two accounts: moto_server serves one account here (covered on iamlab serve in labs.test.ts)' }, () => {});

  for (const lab of single) {
    test(`lab ${lab.id}: setup in the account, each step before and after its solution agrees with the simulated account, cleanup leaves nothing`, async (t) => {
      const opts = { retry: { sleep: async () => {} } };
      const admin = new RealBackend({ ...opts, labId: lab.id, confirmWrite: async () => true });
      backends.push(admin);
      const setup = await setupRealLab(lab as Lab, { [Object.keys(lab.world.accounts)[0]!]: admin });
      assert.equal(setup.failed, undefined, setup.failed);
      const key = Object.keys(lab.world.accounts)[0]!;
      assert.equal(setup.accounts[key], MOTO_ACCOUNT, 'the lab account becomes the real one');
      t.diagnostic(`setup: created ${setup.created.join(', ') || 'nothing'}; skipped ${setup.skipped.length}`);

      const log = new RealEventLog();
      const shellBackend = new RealBackend({ ...opts, labId: lab.id, confirmWrite: async () => true, eventLog: log });
      const checker = new RealBackend(opts);
      backends.push(shellBackend, checker);
      const shell = new RealShellSession({ backend: shellBackend, workspaceDir: join(dir, lab.id, 'ws'), extraProfiles: setup.profiles });
      const checks = new RealCheckBackend({ backend: checker, keys: [key], shell: shell.link(), events: log });

      const s = buildWorld(lab);
      const simShell = new ShellSession({ backend: new SimBackend(s.world), world: s.world, workspaceDir: join(dir, lab.id, 'simws'), state: structuredClone(s.shell) as never });
      const simChecks = new SimCheckBackend(s.world, { accountKeys: s.accounts, shell: simShell });
      const realAccounts = setup.accounts;
      const vars = { sim: {} as Record<string, string>, real: {} as Record<string, string> };
      const compared: string[] = [];
      const notCompared: string[] = [];
      for (const step of lab.steps as unknown as Array<StepLike & Lab['steps'][number]>) {
        const spec = stepCheckSpec(step);
        const consoleStep = onConsole(spec) || (step.diagnose ?? []).some((d) => onConsole(d.when as CheckSpec));
        const marks = { sim: simChecks.mark(), real: checks.mark() };
        const answersFor = (accts: Record<string, string>) =>
          step.solution?.answers
            ? step.kind === 'quiz'
              ? { questions: Object.fromEntries(Object.entries(step.solution.answers).map(([k, v]) => [k, v.replace(/\{account\.(\w+)\}/g, (_m, a: string) => accts[a] ?? '')])) }
              : { answer: (step.solution.answers.answer ?? '').replace(/\{account\.(\w+)\}/g, (_m, a: string) => accts[a] ?? '') }
            : undefined;
        const realVerdict = async (answers?: ReturnType<typeof answersFor>) => {
          await checks.begin();
          const rs: StepLike = { ...step, ...(spec ? { check: realModeSpec(spec) } : {}), ...(step.diagnose ? { diagnose: step.diagnose.map((d) => ({ ...d, when: realModeSpec(d.when as CheckSpec) })) } : {}) };
          return checkStepSpec(rs, checks, { accounts: realAccounts, defaultAccount: MOTO_ACCOUNT, stepMark: marks.real, ...(answers ? { answers } : {}) });
        };
        const simVerdict = (answers?: ReturnType<typeof answersFor>) => checkStepSpec(step, simChecks, { accounts: s.accounts, defaultAccount: Object.values(s.accounts)[0]!, stepMark: marks.sim, ...(answers ? { answers } : {}) });

        const beforeSim = await simVerdict();
        const beforeReal = await realVerdict();
        if (step.solution) {
          await runSolution(step.solution, simShell, { workspaceDir: join(dir, lab.id, 'simws'), accounts: s.accounts, now: () => s.world.clock.now(), vars: vars.sim });
          const rr = await runSolution(step.solution, shell, { workspaceDir: shell.workspace.dir, accounts: realAccounts, now: () => new Date(), vars: vars.real });
          if (!consoleStep && !needsEnforcement(spec)) assert.ok(rr.ok, `${step.id}: the solution fails on moto:\n${rr.transcript}`);
        }
        const afterSim = await simVerdict(answersFor(s.accounts));
        const afterReal = await realVerdict(answersFor(realAccounts));
        if (consoleStep) {
          for (const v of [beforeReal, afterReal]) {
            assert.equal(v.status, 'error', `${step.id}: ${v.status} ${v.message}`);
            assert.ok(v.message.includes(CONSOLE_IN_REAL_MODE));
          }
          continue;
        }
        if (needsEnforcement(spec)) {
          assert.notEqual(afterReal.status, 'error', `${step.id}: ${afterReal.message}`);
          notCompared.push(step.id);
          continue;
        }
        assert.equal(beforeReal.status, beforeSim.status, `${step.id} before: real ${beforeReal.status} (${beforeReal.message}) vs sim ${beforeSim.status} (${beforeSim.message})`);
        assert.equal(afterReal.status, afterSim.status, `${step.id} after: real ${afterReal.status} (${afterReal.message}) vs sim ${afterSim.status} (${afterSim.message})`);
        assert.equal(afterReal.status, 'pass');
        compared.push(step.id);
      }
      t.diagnostic(`compared with the simulated account: ${compared.join(', ')}; not comparable on moto (it does not enforce IAM): ${notCompared.join(', ') || 'none'}`);
      assert.ok(compared.length > 0);

      // cleanup: exactly what the lab created, then nothing tagged is left
      const before = await scanLabResources(checker, lab.id);
      assert.ok(before.resources.length > 0, 'the lab created tagged resources');
      const out = { s: '' };
      const code = await cleanupCommand({ lab: lab.id, real: true, yes: true }, { out: (x) => void (out.s += x), err: (x) => void (out.s += x) }, opts);
      assert.equal(code, 0, out.s);
      assert.equal((await scanLabResources(checker, lab.id)).resources.length, 0);
    });
  }
});
