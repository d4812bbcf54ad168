// End to end: the BUILT app (`node bin/iamlab.js`) in a real pseudo-terminal (tmux), driven
// by keys as a learner would — a whole lab from the catalog to the completion screen, with a
// quit and a restart in the middle; plus no terminal, NO_COLOR and resize.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { awsEnv, hasAws } from '../serve/aws-cli.js';
import { ROOT, Terminals, hasTmux } from './tmux.js';
import { STEP1_LINES, TRUST_THIS_ACCOUNT } from './step1.js';

const term = new Terminals('iamlab-e2e');
const newHome = () => term.newHome();

before(() => term.setUp());
after(() => term.tearDown());

describe('the built app in a terminal (tmux)', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  it('a whole lab: catalog → six steps (paste, heredoc, dialogs) → quit midway, restart at the same step → completion → restart shows it complete', async (t) => {
    const home = newHome();
    let p = term.pane(home);
    t.after(() => p.kill());
    let s = await p.waitFor(/Switch from a powerless user to an admin role/);
    assert.match(s, /6 steps · not started/);
    p.keys('Enter');
    await p.waitFor(/Step 1 of 6 · Create the role temp-user/);

    // step 1: a paste — heredoc, then two commands — in one chunk
    p.text(
      [
        ...STEP1_LINES,
        '',
      ].join('\n'),
    );
    s = await p.waitFor(/Step 2 of 6 · Create the user balu/);
    assert.match(s, /✓ 1 Create the role/);

    // step 2: typed one by one
    await p.run('aws iam create-user --user-name balu', /"UserName": "balu"/);
    await p.run("aws iam create-login-profile --user-name balu --password 'Balu-Lab-Pass-1!'", /Step 3 of 6/);

    // step 3: a heredoc typed line by line
    await p.run('cat > sts-all.json <<EOF');
    await p.waitFor(/^>\s*$/m);
    p.text('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}');
    await p.waitFor(/^>.*"Resource":"\*"\}\]\}\s*$/m);
    p.keys('Enter');
    p.text('EOF');
    await p.waitFor(/^> EOF\s*$/m);
    p.keys('Enter');
    await p.run('aws iam put-user-policy --user-name balu --policy-name temp_policy --policy-document file://sts-all.json', /Step 4 of 6 · Sign in as balu/);

    // quit midway with Ctrl-C: everything is saved
    p.keys('C-c');
    s = await p.waitFor(/EXIT=\d+/);
    assert.match(s, /Progress saved/);
    assert.match(s, /EXIT=0/);
    p.kill();

    // restart: the catalog says where to continue, the lab opens at step 4 with the same world
    p = term.pane(home);
    s = await p.waitFor(/3\/6 · continue: Sign in as balu/);
    p.keys('Enter');
    await p.waitFor(/Step 4 of 6/);
    await p.run('aws iam get-user-policy --user-name balu --policy-name temp_policy --query PolicyName', /"temp_policy"/);

    // step 4: sign in through the dialog, then the account page
    await p.labKeys();
    p.text('u');
    await p.waitFor(/Sign in to the console as an IAM user/);
    p.text('balu');
    await p.waitFor(/IAM user name +balu/);
    p.keys('Enter');
    s = await p.waitFor(/Signed in to the AWS Management Console as IAM user balu/);
    assert.match(s.split('\n')[0]!, /balu @ 089665204192/);
    await p.run('console open account', /Step 5 of 6/);

    // step 5: switch role through the dialog, orange
    await p.labKeys();
    p.text('r');
    await p.waitFor(/Switch Role/);
    p.keys('Enter');
    p.text('temp-user');
    await p.waitFor(/IAM role name +temp-user/);
    p.keys('Tab');
    p.text('temp-user @ 089665204192');
    await p.waitFor(/Display name +temp-user @ 089665204192/);
    p.keys('Tab');
    await p.waitFor(/▸ Colour/);
    p.keys('Right', 'Right');
    await p.waitFor(/\[orange\]/);
    p.keys('Enter');
    s = await p.waitFor(/Step 6 of 6/);
    assert.match(s.split('\n')[0]!, /temp-user @ 089665204192/);

    // step 6: the account page as the role, then switch back (lab key b)
    await p.run('console open account', /Account name|account/);
    await p.labKeys();
    p.text('b');
    s = await p.waitFor(/Lab complete/);
    assert.match(s, /Steps +6 passed of 6/);
    assert.match(s, /\$ iamlab check switch-role-admin/);
    p.text('q');
    s = await p.waitFor(/EXIT=\d+/);
    assert.match(s, /EXIT=0/);
    p.kill();

    // restart once more: the catalog shows the lab complete
    p = term.pane(home);
    await p.waitFor(/✓ complete/);
    p.text('q');
    await p.waitFor(/EXIT=0/);
  });

  it('^X turns the endpoint on: the real aws CLI in another shell sources the file it names, does step 1 there, and the app checks it', { skip: hasAws ? false : 'the aws CLI is not on PATH' }, async (t) => {
    const home = newHome();
    const p = term.pane(home, { args: ['start', 'switch-role-admin'] });
    t.after(() => p.kill());
    await p.waitFor(/Step 1 of 6/);
    p.keys('C-x');
    let s = await p.waitFor(/Listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(s, /─ shell · endpoint 127\.0\.0\.1:\d+ /);
    const file = join(home, 'labs', 'switch-role-admin', 'endpoint.sh');
    // "another terminal": a clean environment that knows nothing but what the file exports
    const cfg = newHome();
    const env = awsEnv(cfg);
    const trust = TRUST_THIS_ACCOUNT;
    const out = execFileSync(
      'bash',
      ['-c', `source "$1" && aws sts get-caller-identity --query Arn --output text && aws iam create-role --role-name temp-user --assume-role-policy-document "$2" --query Role.Arn --output text && aws iam attach-role-policy --role-name temp-user --policy-arn arn:aws:iam::aws:policy/AdministratorAccess`, 'sh', file, trust],
      { env, encoding: 'utf8', timeout: 60_000 },
    );
    assert.deepEqual(out.trim().split('\n'), ['arn:aws:iam::089665204192:user/admin', 'arn:aws:iam::089665204192:role/temp-user']);
    s = await p.waitFor(/Step 2 of 6/);
    assert.match(s, /⇄ endpoint: iam AttachRolePolicy → OK/);
    assert.match(s, /✓ 1 Create the role/);
    p.keys('C-c');
    await p.waitFor(/EXIT=0/);
    const after = spawnSync('bash', ['-c', 'source "$1" && aws sts get-caller-identity', 'sh', file], { env, encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(after.status, 0, 'after quitting, the endpoint is gone (and so is its file)');
  });

  it('NO_COLOR: no colour codes on screen; without it there are', async (t) => {
    // CI=false (which Ink needs) makes chalk assume a CI log without colour, so both runs
    // force colour; NO_COLOR must still win (bin/iamlab.js maps it to FORCE_COLOR=0).
    const plain = term.pane(newHome(), { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    const coloured = term.pane(newHome(), { env: { FORCE_COLOR: '1' } });
    t.after(() => {
      plain.kill();
      coloured.kill();
    });
    await plain.waitFor(/not started/);
    await coloured.waitFor(/not started/);
    // eslint-disable-next-line no-control-regex
    const sgr = /\x1b\[[0-9;]*m/g;
    const colourCodes = (s: string) => (s.match(sgr) ?? []).filter((c) => /\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;|4[0-7]|48;)/.test(c));
    assert.deepEqual(colourCodes(plain.screen(true)), []);
    assert.ok(colourCodes(coloured.screen(true)).length > 0, 'the coloured run has colours');
    assert.match(plain.screen(), /▸ Switch from a powerless user/, 'the selection is still marked without colour');
  });

  it('resize: the frame redraws within the new size', async (t) => {
    const p = term.pane(newHome());
    t.after(() => p.kill());
    await p.waitFor(/not started/);
    p.keys('Enter');
    await p.waitFor(/Step 1 of 6/);
    term.tmux('resize-window', '-t', p.name, '-x', '60', '-y', '18');
    let s = await p.waitFor(/Step 1 of 6[\s\S]*Enter run/);
    const rows = s.replace(/\n+$/, '').split('\n');
    assert.ok(rows.length <= 18, `${rows.length} rows`);
    for (const r of rows) assert.ok([...r].length <= 60, `too wide: ${r}`);
    assert.match(rows[0]!, /iamlab/);
    term.tmux('resize-window', '-t', p.name, '-x', '100', '-y', '30');
    s = await p.waitFor(/^›▸ 1 Create the role temp-use[\s\S]*Esc lab keys/m);
    assert.ok(s.replace(/\n+$/, '').split('\n').length <= 30);
  });
});

describe('no terminal', () => {
  it('piped stdin/stdout: says what to use instead and exits 2, never a raw-mode crash', () => {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
    assert.equal(b.status, 0);
    const r = spawnSync(process.execPath, ['bin/iamlab.js', 'start', 'switch-role-admin'], { cwd: ROOT, input: '', encoding: 'utf8', env: { ...process.env, IAMLAB_HOME: newHome() } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs an interactive terminal \(stdin and stdout are not terminals\)/);
    assert.match(r.stderr, /iamlab shell --lab switch-role-admin/);
    assert.match(r.stderr, /iamlab check switch-role-admin/);
    assert.doesNotMatch(r.stderr + r.stdout, /Raw mode|at .*\.js:\d+/);
  });
});
