// `iamlab labs`, `iamlab check` and `iamlab reset` end to end, through the built CLI
// (node bin/iamlab.js) with IAMLAB_HOME in a temporary folder.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openLab } from '../../src/labs/index.js';
import { LABS_DIR, iamlabCli, tempHome } from './helpers.js';
import { ensureBuilt } from '../build.js';



const iamlab = (args: string[], home: string) => iamlabCli(args, home);

describe('iamlab labs / check / reset (built CLI)', () => {
  before(() => ensureBuilt());

  it('check --json on a lab not started: every step fails, exit 1', () => {
    const t = tempHome();
    try {
      const r = iamlab(['check', 'zero-permission-user', '--json'], t.home);
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as { lab: string; steps: Array<{ id: string; title: string; passed: boolean; message: string }> };
      assert.equal(j.lab, 'zero-permission-user');
      assert.equal(j.steps.length, 7);
      assert.deepEqual(
        j.steps.map((s) => [s.id, s.passed]),
        ['create-sts-user', 'note-user-arn', 'role-trusts-user', 'switch-role-link', 'ec2-denied', 'switch-and-open-ec2', 'switch-back'].map((id) => [id, false]),
      );
      assert.equal(j.steps[0]!.title, 'Create sts_user — console access, zero permissions');
      assert.equal(j.steps[0]!.message, 'There is no user named sts_user yet.');
      // check only reads: no world was written
      assert.equal(existsSync(join(t.home, 'labs', 'zero-permission-user', 'world.json')), false);
      // each step's parts, with what they read
      const leaves = (j.steps[0] as unknown as { leaves: Array<{ id: string; status: string; evidence: Array<{ kind: string; text: string }> }> }).leaves;
      assert.ok(leaves.length >= 1);
      assert.ok(leaves.every((l) => l.status === 'fail' && l.evidence.length > 0), JSON.stringify(leaves));
      assert.ok(leaves[0]!.evidence.some((e) => e.kind === 'read' && /users: /.test(e.text)), JSON.stringify(leaves[0]));
      // --evidence prints them under each step
      const ev = iamlab(['check', 'zero-permission-user', '--evidence'], t.home);
      assert.equal(ev.code, 1);
      const lines = ev.stdout.split('\n');
      const at = lines.findIndex((l) => /^ 1 {2}create-sts-user +✗ FAIL/.test(l));
      assert.ok(at >= 0, ev.stdout);
      assert.match(lines[at + 1]!, /^ +There is no user named sts_user yet\.$/);
      assert.match(lines[at + 2]!, /^ +✗ \S/);
      assert.match(lines[at + 3]!, /^ + read: users: /);
    } finally {
      t.done();
    }
  });

  it('check sees the world the shell changed; exit 0 only when every step passes', async () => {
    const t = tempHome();
    try {
      const s = await openLab('cross-account-cli', { home: t.home, labsDir: LABS_DIR, realTime: false });
      for (let i = 0; i < 3; i++) await s.skip();
      let r = iamlab(['check', 'cross-account-cli', '--json'], t.home);
      assert.equal(r.code, 1);
      let j = JSON.parse(r.stdout) as { steps: Array<{ id: string; passed: boolean; message: string }> };
      assert.deepEqual(j.steps.map((x) => x.passed), [true, true, true, false, false, false]);
      assert.match(j.steps[3]!.message, /No credentials are exported in your shell/);
      while (s.currentStep()) await s.skip();
      r = iamlab(['check', 'cross-account-cli', '--json'], t.home);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      j = JSON.parse(r.stdout) as { steps: Array<{ id: string; passed: boolean; message: string }> };
      assert.ok(j.steps.every((x) => x.passed));
      const table = iamlab(['check', 'cross-account-cli'], t.home);
      assert.equal(table.code, 0);
      assert.match(table.stdout, / 1 {2}create-role-in-prod +✓ PASS {2}In the second account, create MyRoleName trusting your account/);
      assert.match(table.stdout, /All 6 steps pass\./);
    } finally {
      t.done();
    }
  });

  it('an unknown lab is a clear message and exit 2', () => {
    const t = tempHome();
    try {
      const r = iamlab(['check', 'switch-role-admn'], t.home);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^iamlab: there is no lab 'switch-role-admn'\. Labs: .*Did you mean 'switch-role-admin'\?\n$/);
    } finally {
      t.done();
    }
  });

  it('labs --json lists the catalog with progress', async () => {
    const t = tempHome();
    try {
      const s = await openLab('switch-role-admin', { home: t.home, labsDir: LABS_DIR, realTime: false });
      await s.skip();
      const r = iamlab(['labs', '--json'], t.home);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { labs: Array<{ id: string; steps: number; progress: { started: boolean; done: number; current: string | null } }>; errors: unknown[] };
      assert.deepEqual(j.errors, []);
      assert.equal(j.labs.length, 5);
      const sra = j.labs.find((l) => l.id === 'switch-role-admin')!;
      assert.deepEqual(sra.progress, { started: true, done: 1, total: 6, current: 'create-balu', finished: false });
      assert.equal(j.labs.find((l) => l.id === 'cross-account-cli')!.progress.started, false);
    } finally {
      t.done();
    }
  });

  it('reset refuses without --yes when not on a terminal, and with --yes starts afresh', async () => {
    const t = tempHome();
    try {
      const s = await openLab('switch-role-admin', { home: t.home, labsDir: LABS_DIR, realTime: false });
      await s.skip();
      const no = iamlab(['reset', 'switch-role-admin'], t.home);
      assert.equal(no.code, 2);
      assert.match(no.stderr, /run `iamlab reset switch-role-admin --yes`/);
      assert.equal(JSON.parse(iamlab(['check', 'switch-role-admin', '--json'], t.home).stdout).steps[0].passed, true);
      const yes = iamlab(['reset', 'switch-role-admin', '--yes'], t.home);
      assert.equal(yes.code, 0, yes.stderr);
      assert.match(yes.stdout, /Lab switch-role-admin was reset/);
      assert.equal(JSON.parse(iamlab(['check', 'switch-role-admin', '--json'], t.home).stdout).steps[0].passed, false);
      assert.equal(iamlab(['reset', 'nope', '--yes'], t.home).code, 2);
    } finally {
      t.done();
    }
  });
});
