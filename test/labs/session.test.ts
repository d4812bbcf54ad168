// Lab sessions: progress kept across runs, damaged files kept aside and reported, the step
// rules (no advancing past an unpassed step except by skip), hints with gating, answers, and the
// lab commands inside the shell.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLab, ProgressStore, LabNotReadyError, progressSummary } from '../../src/labs/index.js';
import { LABS_DIR, tempHome, doStep } from './helpers.js';

const open = (id: string, home: string, extra = {}) => openLab(id, { home, labsDir: LABS_DIR, realTime: false, ...extra });

describe('lab sessions', () => {
  it('keeps progress and the world between runs, in files under the home', async () => {
    const t = tempHome();
    try {
      const s1 = await open('zero-permission-user', t.home);
      const r = await s1.run('aws iam create-user --user-name sts_user');
      assert.equal(r.exitCode, 0);
      const r2 = await s1.run("aws iam create-login-profile --user-name sts_user --password 'Sts-User-Pass-1!'");
      assert.equal(r2.exitCode, 0);
      assert.equal(r2.advancedTo, 'note-user-arn');
      assert.equal(r2.passed?.[0]?.stepId, 'create-sts-user');
      assert.ok(existsSync(join(t.home, 'config.json')));
      assert.ok(existsSync(join(t.home, 'labs', 'zero-permission-user', 'world.json')));
      assert.ok(existsSync(join(t.home, 'labs', 'zero-permission-user', 'shell.json')));

      const s2 = await open('zero-permission-user', t.home);
      assert.equal(s2.progress.current, 'note-user-arn');
      assert.ok(s2.progress.steps['create-sts-user']?.passed_at);
      assert.ok(s2.world.iam.user(s2.accounts.main!, 'sts_user'));
      assert.deepEqual(s2.warnings, []);
      const sum = progressSummary(t.home);
      assert.deepEqual(sum['zero-permission-user'], { passed: 1, skipped: 0, total: 2, current: 'note-user-arn', finished: false });
    } finally {
      t.done();
    }
  });

  it('the shell, serve and check share one world: a second session sees the first one’s changes', async () => {
    const t = tempHome();
    try {
      const a = await open('switch-role-admin', t.home);
      const b = await open('switch-role-admin', t.home);
      await a.run('aws iam create-user --user-name balu');
      assert.equal(b.world.iam.user(b.accounts.main!, 'balu'), undefined);
      assert.equal(b.sync(), true);
      assert.ok(b.world.iam.user(b.accounts.main!, 'balu'));
      const c = await open('switch-role-admin', t.home, { readOnly: true });
      assert.ok(c.world.iam.user(c.accounts.main!, 'balu'));
    } finally {
      t.done();
    }
  });

  it('a damaged progress file is kept aside and reported, never silently dropped', async () => {
    const t = tempHome();
    try {
      const s1 = await open('switch-role-admin', t.home);
      s1.save();
      writeFileSync(join(t.home, 'config.json'), '{"labs": {"switch-role-admin": {"id": "switch');
      const s2 = await open('switch-role-admin', t.home);
      const aside = readdirSync(t.home).filter((f) => f.startsWith('config.json.corrupt-'));
      assert.equal(aside.length, 1);
      assert.equal(readFileSync(join(t.home, aside[0]!), 'utf8'), '{"labs": {"switch-role-admin": {"id": "switch');
      assert.match(s2.warnings.join('\n'), new RegExp(`progress file .*config\\.json was damaged \\(not valid JSON\\)\\. It was kept as .*${aside[0]!.replace(/[.]/g, '\\.')}`));
      assert.equal(s2.progress.current, 'create-temp-user-role');
    } finally {
      t.done();
    }
  });

  it('a lab record with the wrong shape is written aside and reported', async () => {
    const t = tempHome();
    try {
      writeFileSync(join(t.home, 'config.json'), JSON.stringify({ labs: { 'switch-role-admin': { id: 'switch-role-admin', steps: 'lots' } } }));
      const store = new ProgressStore(t.home);
      assert.equal(store.get('switch-role-admin'), undefined);
      assert.match(store.warnings.join('\n'), /The progress of lab switch-role-admin in .*config\.json was damaged .*kept as .*progress\.corrupt-.*\.json/);
      const dir = join(t.home, 'labs', 'switch-role-admin');
      const kept = readdirSync(dir).filter((f) => f.startsWith('progress.corrupt-'));
      assert.equal(kept.length, 1);
      assert.deepEqual(JSON.parse(readFileSync(join(dir, kept[0]!), 'utf8')), { id: 'switch-role-admin', steps: 'lots' });
    } finally {
      t.done();
    }
  });

  it('a damaged world file is kept aside and the world rebuilt; check (read-only) refuses and leaves it', async () => {
    const t = tempHome();
    try {
      const s1 = await open('switch-role-admin', t.home);
      await s1.run('aws iam create-user --user-name balu');
      const wf = s1.paths.world;
      writeFileSync(wf, '{"format": "iamlab-world", "version": 1, "accounts": ');
      await assert.rejects(open('switch-role-admin', t.home, { readOnly: true }), (e: unknown) => e instanceof LabNotReadyError && /not valid JSON/.test(e.message) && /iamlab reset switch-role-admin/.test(e.message));
      assert.equal(readFileSync(wf, 'utf8'), '{"format": "iamlab-world", "version": 1, "accounts": ');
      const s2 = await open('switch-role-admin', t.home);
      const aside = readdirSync(s1.paths.dir).filter((f) => f.startsWith('world.json.corrupt-'));
      assert.equal(aside.length, 1);
      assert.match(s2.warnings.join('\n'), /could not be read: .*It was kept as .*world\.json\.corrupt-.*the lab's world was rebuilt/);
      assert.equal(s2.world.iam.user(s2.accounts.main!, 'balu'), undefined);
      assert.equal(s2.progress.current, 'create-temp-user-role');
    } finally {
      t.done();
    }
  });

  it('a damaged shell state is kept aside; the starting profiles come back', async () => {
    const t = tempHome();
    try {
      const s1 = await open('cross-account-cli', t.home);
      await s1.run('export AWS_PROFILE=prod-admin');
      writeFileSync(s1.paths.shell, 'not json');
      const s2 = await open('cross-account-cli', t.home);
      assert.match(s2.warnings.join('\n'), /shell state of lab cross-account-cli .* was damaged and was kept as .*shell\.json\.corrupt-/);
      const who = await s2.run('aws sts get-caller-identity --query Arn --output text');
      assert.equal(who.stdout.trim(), 'arn:aws:iam::123456789012:user/learner');
      const admin = await s2.run('aws sts get-caller-identity --profile prod-admin --query Arn --output text');
      assert.equal(admin.stdout.trim(), 'arn:aws:iam::444455556666:user/admin');
    } finally {
      t.done();
    }
  });

  it('does not move past an unpassed step except by an explicit skip, which runs the solution', async () => {
    const t = tempHome();
    try {
      const s = await open('zero-permission-user', t.home);
      const adv = await s.advance();
      assert.equal(adv.ok, false);
      assert.match(adv.ok ? '' : adv.reason, /has not passed yet: There is no user named sts_user yet\..*lab skip/);
      assert.equal(s.goTo('role-trusts-user').ok, false);
      await assert.rejects(s.skip('role-trusts-user'), /only the current step can be skipped/);
      const sk = await s.skip();
      assert.equal(sk.ok, true);
      assert.match(sk.output, /\$ aws iam create-user --user-name sts_user/);
      assert.equal(sk.advancedTo, 'note-user-arn');
      assert.equal(s.progress.steps['create-sts-user']?.skipped, true);
      assert.equal(s.progress.steps['create-sts-user']?.solution_viewed, true);
      // an answer step skipped gets its answer filled in
      const sk2 = await s.skip();
      assert.equal(sk2.check.passed, true);
      assert.equal(s.progress.steps['note-user-arn']?.answer, 'arn:aws:iam::111122223333:user/sts_user');
      // going back to redo a step is allowed
      assert.equal(s.goTo('create-sts-user').ok, true);
      assert.equal(s.progress.current, 'create-sts-user');
    } finally {
      t.done();
    }
  });

  it('hints come in order, open after failed checks, and follow the diagnosed mistake', async () => {
    const t = tempHome();
    try {
      const s = await open('zero-permission-user', t.home, { autoAdvance: false });
      for (const step of s.lab.steps.slice(0, 2)) {
        await doStep(s, step);
        if (s.progress.current === step.id) assert.ok((await s.advance()).ok);
      }
      assert.equal(s.progress.current, 'role-trusts-user');
      const h1 = s.hint();
      assert.ok(h1.ok && h1.hint.id === 'your-arn' && h1.index === 1 && h1.total === 3);
      const gated = s.hint();
      assert.equal(gated.ok, false);
      assert.match(gated.ok ? '' : gated.reason, /opens after 1 failed check \(0 so far\)/);
      // the classic mistake: trust the account root
      writeFileSync(join(s.paths.workspace, 'root.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}');
      await s.run('aws iam create-role --role-name AWSEC2FULLACCESS --assume-role-policy-document file://root.json');
      const c = await s.checkStep();
      assert.equal(c.status, 'fail');
      assert.equal(c.diagnosis, 'trusts-root-not-user');
      assert.equal(c.hint, 'root-vs-user');
      assert.equal(s.progress.steps['role-trusts-user']?.attempts, 1);
      const h2 = s.hint();
      assert.ok(h2.ok && h2.hint.id === 'root-vs-user', JSON.stringify(h2));
      assert.deepEqual(s.progress.steps['role-trusts-user']?.hints_shown, ['your-arn', 'root-vs-user']);
    } finally {
      t.done();
    }
  });

  it('answers: a wrong one counts as an attempt, a right one moves on; a quiz goes question by question', async () => {
    const t = tempHome();
    try {
      const s = await open('trust-policy-control', t.home);
      for (const step of s.lab.steps.slice(0, 5)) await doStep(s, step);
      assert.equal(s.progress.current, 'sts-facts');
      const a1 = await s.answer('AssumeRole, GetCallerIdentity');
      assert.equal(a1.question, 'temporary-credentials');
      assert.equal(a1.passed, false);
      assert.match(a1.message, /GetCallerIdentity does not belong/);
      assert.equal(s.progress.steps['sts-facts']?.attempts, 1);
      const a2 = await s.answer('getsessiontoken, AssumeRole, GetFederationToken and AssumeRoleWithWebIdentity');
      assert.equal(a2.question, 'temporary-credentials');
      assert.equal(a2.passed, false);
      assert.match(a2.message, /^Right: .* No answer to question role-session-limits yet/);
      assert.equal(s.progress.steps['sts-facts']?.attempts, 1, 'an unanswered next question is not an attempt');
      const out = await s.run('answer GetSessionToken, GetFederationToken');
      assert.match(out.stdout, /✓ PASS/);
      assert.match(out.stdout, /Next question \[expired\]/);
      await s.answer('No');
      const last = await s.answer('user2, user1');
      assert.equal(last.passed, true);
      assert.equal(last.finished, true);
      assert.equal(s.progress.current, null);
      assert.ok(s.progress.finished_at);
      await assert.rejects(s.answer('x', { step: 'deny-user3' }), /is not a question/);
    } finally {
      t.done();
    }
  });

  it('lab status, lab check, hint and answer work inside the shell', async () => {
    const t = tempHome();
    try {
      const s = await open('zero-permission-user', t.home);
      const st = await s.run('lab status');
      assert.equal(st.exitCode, 0);
      assert.match(st.stdout, /→ NOW\s+1\. Create sts_user/);
      assert.match(st.stdout, /· TODO\s+2\. Note sts_user's ARN/);
      const ck = await s.run('lab check');
      assert.equal(ck.exitCode, 1);
      assert.match(ck.stdout, /✗ FAIL {2}Create sts_user — console access, zero permissions/);
      assert.match(ck.stdout, /There is no user named sts_user yet\./);
      assert.equal(s.progress.steps['create-sts-user']?.attempts, 1);
      // --evidence: each part, then what it read, indented under it
      const ev = await s.run('lab check --evidence');
      assert.equal(ev.exitCode, 1);
      assert.match(ev.stdout, /^ {2}✗ FAIL {2}\S.*\n {8}read: users: /m);
      const h = await s.run('hint');
      assert.match(h.stdout, /^Hint 1\/2: Console access is a login profile/);
      await s.run('lab skip');
      const a = await s.run('answer arn:aws:iam::111122223333:user/sts-user');
      assert.equal(a.exitCode, 1);
      assert.match(a.stdout, /✗ FAIL {2}That ARN names user\/sts-user; the user is called sts_user\./);
      const b = await s.run('answer --step note-user-arn "arn:aws:iam::111122223333:user/sts_user"');
      assert.equal(b.exitCode, 0, b.stdout + b.stderr);
      assert.match(b.stdout, /Next: Create AWSEC2FULLACCESS/);
      const bad = await s.run('lab frobnicate');
      assert.equal(bad.exitCode, 2);
      const sol = await s.run('lab solution');
      assert.match(sol.stdout, /"AWS": "arn:aws:iam::111122223333:user\/sts_user"/);
      assert.equal(s.progress.steps['role-trusts-user']?.solution_viewed, true);
    } finally {
      t.done();
    }
  });

  it('reset (fresh) starts the world and progress again', async () => {
    const t = tempHome();
    try {
      const s = await open('switch-role-admin', t.home);
      await s.skip();
      const r = await open('switch-role-admin', t.home, { fresh: true });
      assert.equal(r.progress.current, 'create-temp-user-role');
      assert.equal(r.world.iam.role(r.accounts.main!, 'temp-user'), undefined);
      assert.equal(existsSync(join(r.paths.workspace, 'trust.json')), false);
    } finally {
      t.done();
    }
  });
});
