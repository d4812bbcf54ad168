// `iamlab reset <lab> --step <id>`: back to a reached step to redo it. That step's progress and the
// later steps' are cleared, the earlier steps keep theirs, and the simulated account and the shell go
// back to how they were when the step began (kept as they are where iamlab has no copy of that).
// In process through resetCommand (with the y/N question answered by the test), and through the built CLI.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openLab, ProgressStore } from '../../src/labs/index.js';
import { resetCommand } from '../../src/labs/commands.js';
import { LABS_DIR, ensureBuilt, iamlabCli, sink, tempHome } from './helpers.js';

const LAB = 'switch-role-admin';

/** A learner who skipped the first `n` steps of the lab (after asking for a hint on create-balu). */
async function learner(home: string, n: number, lab = LAB): Promise<void> {
  const s = await openLab(lab, { home, labsDir: LABS_DIR, realTime: false });
  for (let i = 0; i < n; i++) {
    if (s.progress.current === 'create-balu') {
      await s.checkStep(); // a failed check: one attempt
      assert.equal(s.hint().ok, true);
    }
    await s.skip();
  }
  await s.close();
}

async function reset(home: string, step: string, o: { yes?: boolean; confirm?: (q: string) => Promise<boolean>; lab?: string } = {}) {
  const out = sink();
  const err = sink();
  const code = await resetCommand({ lab: o.lab ?? LAB, step, home, labsDir: LABS_DIR, out, err, ...(o.yes !== undefined ? { yes: o.yes } : {}), ...(o.confirm ? { confirm: o.confirm } : {}) });
  return { code, stdout: out.text(), stderr: err.text() };
}

const progress = (home: string, lab = LAB) => new ProgressStore(home).get(lab)!;

describe('iamlab reset --step (in process)', () => {
  it('clears that step and the later ones, keeps the earlier ones, and takes the world back to the start of that step', async () => {
    const t = tempHome();
    try {
      await learner(t.home, 3);
      const before = progress(t.home);
      const r = await reset(t.home, 'create-balu', { yes: true });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        [
          'Lab switch-role-admin is back at step 2 of 6: Create the user balu, with a console password and no permissions (create-balu).',
          'Cleared the progress of: create-balu, balu-sts-policy, balu-account-page.',
          'Earlier steps stay as they were: create-temp-user-role (skipped).',
          'The simulated account and the shell are back as they were when this step began: what you did in it and in the later steps is undone. Your workspace files were kept.',
          '(`iamlab reset switch-role-admin` without --step starts the whole lab over: a fresh world and no progress.)',
          '',
        ].join('\n'),
      );
      const after = progress(t.home);
      assert.equal(after.current, 'create-balu');
      assert.deepEqual(after.steps['create-temp-user-role'], before.steps['create-temp-user-role']);
      assert.equal(after.steps['balu-sts-policy'], undefined);
      const s = await openLab(LAB, { home: t.home, labsDir: LABS_DIR, realTime: false });
      // step 1's work (the skip ran its solution) is there; balu, made by step 2's skip, is gone
      assert.ok(s.world.iam.role(s.accounts.main!, 'temp-user'));
      assert.equal(s.world.iam.user(s.accounts.main!, 'balu'), undefined);
      const line = await s.run('aws sts get-caller-identity');
      assert.equal(line.passed, undefined, 'nothing passes on its own: the step is to be done again');
      assert.equal(s.progress.current, 'create-balu');
      await s.close();
    } finally {
      t.done();
    }
  });

  it('without a copy of the world from when the step began (progress from an older iamlab), the world is kept, and it says so', async () => {
    const t = tempHome();
    try {
      await learner(t.home, 3);
      rmSync(join(new ProgressStore(t.home).labDir(LAB), 'snapshots'), { recursive: true, force: true });
      const before = progress(t.home);
      assert.equal(before.current, 'balu-account-page');
      assert.equal(before.steps['create-balu']!.attempts, 1);
      assert.equal(before.steps['create-balu']!.hints_shown.length, 1);

      const r = await reset(t.home, 'create-balu', { yes: true });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(
        r.stdout,
        [
          'Lab switch-role-admin is back at step 2 of 6: Create the user balu, with a console password and no permissions (create-balu).',
          'Cleared the progress of: create-balu, balu-sts-policy, balu-account-page.',
          'Earlier steps stay as they were: create-temp-user-role (skipped).',
          'The simulated account was kept as it is (iamlab has no copy of it from when this step began): what you created or changed is still there.',
          '(`iamlab reset switch-role-admin` without --step starts the whole lab over: a fresh world and no progress.)',
          'Already true in the kept world, so these pass again at their next check: create-balu, balu-sts-policy. To do them from scratch, undo that work in the shell first (or reset the whole lab).',
          '',
        ].join('\n'),
      );

      const after = progress(t.home);
      assert.equal(after.current, 'create-balu');
      assert.deepEqual(after.steps['create-temp-user-role'], before.steps['create-temp-user-role']);
      const redo = after.steps['create-balu']!;
      assert.deepEqual([redo.attempts, redo.hints_shown, redo.skipped, redo.solution_viewed, redo.passed_at], [0, [], false, false, undefined]);
      assert.ok(redo.started_at && redo.started_at >= before.steps['create-balu']!.started_at!);
      assert.equal(after.steps['balu-sts-policy'], undefined);
      assert.equal(after.steps['balu-account-page'], undefined);

      // the world was kept: balu and its policy are still there, and the learner carries on from create-balu
      const s = await openLab(LAB, { home: t.home, labsDir: LABS_DIR, realTime: false });
      assert.ok(s.world.iam.user(s.accounts.main!, 'balu'));
      assert.equal(s.progress.current, 'create-balu');
      const line = await s.run('aws sts get-caller-identity');
      assert.deepEqual(line.passed?.map((x) => x.stepId), ['create-balu', 'balu-sts-policy']);
      assert.equal(s.progress.current, 'balu-account-page');
      await s.close();
    } finally {
      t.done();
    }
  });

  it('an answer step loses its answer, so it is asked again (the world cannot answer it)', async () => {
    const t = tempHome();
    try {
      await learner(t.home, 3, 'zero-permission-user');
      assert.equal(progress(t.home, 'zero-permission-user').steps['note-user-arn']!.skipped, true);
      const r = await reset(t.home, 'note-user-arn', { yes: true, lab: 'zero-permission-user' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Lab zero-permission-user is back at step 2 of 7: .* \(note-user-arn\)\.\nCleared the progress of: note-user-arn, role-trusts-user, switch-role-link\.\n/);
      assert.match(r.stdout, /The simulated account and the shell are back as they were when this step began/);
      const p = progress(t.home, 'zero-permission-user');
      assert.equal(p.current, 'note-user-arn');
      assert.equal(p.steps['note-user-arn']!.answer, undefined);
      assert.ok(p.steps['create-sts-user']!.skipped);
    } finally {
      t.done();
    }
  });

  it('a step whose clock moves on (+10m) moves it once when done again, from where it began', async () => {
    const t = tempHome();
    try {
      const lab = 'cross-account-cli';
      const s = await openLab(lab, { home: t.home, labsDir: LABS_DIR, realTime: false });
      while (s.progress.current !== 'revoke-sessions') await s.skip();
      const began = s.world.clock.now().getTime();
      await s.skip();
      await s.close();
      const r = await reset(t.home, 'revoke-sessions', { yes: true, lab });
      assert.equal(r.code, 0, r.stderr);
      const again = await openLab(lab, { home: t.home, labsDir: LABS_DIR, realTime: false });
      assert.equal(again.progress.current, 'revoke-sessions');
      // the same moment as the first time (give or take the milliseconds calls take), not ten minutes on
      const drift = again.world.clock.now().getTime() - began;
      assert.ok(drift >= 0 && drift < 1000, `${drift} ms`);
      await again.close();
    } finally {
      t.done();
    }
  });

  it('an unknown step id: the steps are listed, exit 2, nothing changes', async () => {
    const t = tempHome();
    try {
      await learner(t.home, 2);
      const before = progress(t.home);
      const r = await reset(t.home, 'create-balo', { yes: true });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        [
          "iamlab: lab switch-role-admin has no step 'create-balo'. Did you mean 'create-balu'? Its steps:",
          '   1  create-temp-user-role  Create the role temp-user, trusted by this account',
          '   2  create-balu            Create the user balu, with a console password and no permissions',
          '   3  balu-sts-policy        Give balu an inline policy that allows every STS action',
          '   4  balu-account-page      Sign in as balu and open the account page',
          '   5  switch-to-temp-user    Switch role to temp-user, with an orange badge',
          '   6  account-page-as-role   Open the account page as the role, then switch back',
          '',
        ].join('\n'),
      );
      assert.deepEqual(progress(t.home), before);
    } finally {
      t.done();
    }
  });

  it('a step not reached yet, or a lab not started: exit 2 with the reason', async () => {
    const t = tempHome();
    try {
      let r = await reset(t.home, 'create-balu', { yes: true });
      assert.equal(r.code, 2);
      assert.equal(r.stderr, "iamlab: lab switch-role-admin has not been started yet, so there is no step to go back to. Start it with `iamlab start switch-role-admin`.\n");
      assert.equal(new ProgressStore(t.home).get(LAB), undefined);
      await learner(t.home, 1);
      r = await reset(t.home, 'balu-sts-policy', { yes: true });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^iamlab: step balu-sts-policy has not been reached yet: the earlier step create-balu \("Create the user balu[^"]*"\) has not passed or been skipped\. reset --step goes back to a step you have reached\.\n$/);
      assert.equal(progress(t.home).current, 'create-balu');
    } finally {
      t.done();
    }
  });

  it('asks first like plain reset: no leaves everything as it was (exit 1), yes goes back', async () => {
    const t = tempHome();
    try {
      await learner(t.home, 2);
      const before = progress(t.home);
      const questions: string[] = [];
      let r = await reset(t.home, 'create-temp-user-role', { confirm: async (q) => (questions.push(q), false) });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, 'Nothing was changed.\n');
      assert.deepEqual(progress(t.home), before);
      assert.equal(
        questions[0],
        'Go back to step 1 of lab switch-role-admin (create-temp-user-role)? This clears the progress of step create-temp-user-role and the 5 later steps (passes, skips, attempts, hints, answers); the simulated account and the shell go back to how they were when that step began. [y/N] ',
      );
      r = await reset(t.home, 'create-temp-user-role', { confirm: async () => true });
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /Earlier steps/);
      assert.equal(progress(t.home).current, 'create-temp-user-role');
    } finally {
      t.done();
    }
  });
});

describe('iamlab reset --step (built CLI)', () => {
  before(() => ensureBuilt());

  it('without --yes off a terminal it refuses; with --yes it goes back, and check sees the world of that step\'s start', async () => {
    const t = tempHome();
    try {
      await learner(t.home, 3);
      const no = iamlabCli(['reset', LAB, '--step', 'create-balu'], t.home);
      assert.equal(no.code, 2);
      assert.match(no.stderr, /Not on a terminal, so not asking: run `iamlab reset switch-role-admin --step create-balu --yes`\.\n$/);
      assert.equal(progress(t.home).current, 'balu-account-page');

      const yes = iamlabCli(['reset', LAB, '--step', 'create-balu', '--yes'], t.home);
      assert.equal(yes.code, 0, yes.stderr);
      assert.match(yes.stdout, /^Lab switch-role-admin is back at step 2 of 6: .*\nCleared the progress of: create-balu, balu-sts-policy, balu-account-page\.\n/);
      assert.match(yes.stdout, /The simulated account and the shell are back as they were when this step began/);
      assert.equal(progress(t.home).current, 'create-balu');
      const check = JSON.parse(iamlabCli(['check', LAB, '--json'], t.home).stdout) as { steps: Array<{ id: string; passed: boolean }> };
      assert.deepEqual(check.steps.map((x) => x.passed), [true, false, false, false, false, false]);

      const bad = iamlabCli(['reset', LAB, '--step', 'nope', '--yes'], t.home);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^iamlab: lab switch-role-admin has no step 'nope'\. Its steps:\n {3}1  create-temp-user-role/);
    } finally {
      t.done();
    }
  });
});
