// The console flows of seed 000 (balu: sign-in, account page denied, switch role to temp-user
// in Orange, account page works, switch back) and seed 003 (sts_user: EC2 console fails,
// switch-role link, switch to AWSEC2FULLACCESS, EC2 works, switch back).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seed000, seed003, shell } from './helpers.js';

describe('seed 000 — balu switches to temp-user in the console', () => {
  it('sign-in, account page denied, switch role (Orange), account page works, switch back', async () => {
    const s = seed000();
    const sh = shell(s);
    const since = s.world.audit.events().length;

    const signin = await sh.run('console sign-in balu');
    assert.equal(signin.exitCode, 0, signin.stderr);
    assert.equal(signin.stdout, 'Signed in to the AWS Management Console as IAM user balu (account 0896-6520-4192).\n');
    assert.deepEqual(
      { accountId: sh.state.console.signedIn?.accountId, userName: sh.state.console.signedIn?.userName, arn: sh.state.console.signedIn?.arn },
      { accountId: '089665204192', userName: 'balu', arn: 'arn:aws:iam::089665204192:user/balu' },
    );

    const denied = await sh.run('console open account');
    assert.equal(denied.exitCode, 1);
    assert.equal(
      denied.stdout,
      "[account console — as balu]\nAccount settings\n  You don't have the account:GetAccountInformation permission required to view your account's settings.\n",
    );
    assert.equal(denied.calls[0]!.request.via, 'console');
    assert.equal(sh.lastExplanation()?.reason, 'implicit-deny');

    const sw = await sh.run('console switch-role --account 089665204192 --role-name temp-user --color Orange');
    assert.equal(sw.exitCode, 0, sw.stderr);
    const call = sw.calls[0]!;
    assert.equal(call.request.operation, 'AssumeRole');
    assert.equal(call.request.via, 'console');
    assert.equal(call.request.input.RoleSessionName, 'balu');
    const active = sh.state.console.active!;
    assert.equal(active.arn, 'arn:aws:sts::089665204192:assumed-role/temp-user/balu');
    assert.equal(active.displayName, 'temp-user @ 089665204192');
    assert.equal(active.color, 'Orange');
    assert.deepEqual(sh.state.console.roleHistory, [{ accountId: '089665204192', roleName: 'temp-user', displayName: 'temp-user @ 089665204192', color: 'Orange' }]);

    const who = await sh.run('console whoami');
    assert.equal(
      who.stdout,
      [
        'Currently active as: temp-user',
        '  Account ID: 0896-6520-4192',
        '  Display name: temp-user @ 089665204192   Color: Orange',
        '  Identity: arn:aws:sts::089665204192:assumed-role/temp-user/balu',
        'Signed in as: balu',
        '  Account ID: 0896-6520-4192',
        '  Identity: arn:aws:iam::089665204192:user/balu',
        'Role history: temp-user @ 089665204192 (Orange)',
        '',
      ].join('\n'),
    );

    const works = await sh.run('console open account');
    assert.equal(works.exitCode, 0, works.stdout);
    assert.match(works.stdout, /^\[account console — as temp-user @ 089665204192\]\nAccount settings\n {2}Account ID: {4}0896-6520-4192\n/);

    const back = await sh.run('console switch-back');
    assert.equal(back.stdout, 'Switched back to balu (account 0896-6520-4192).\n');
    assert.equal(sh.state.console.active, undefined);
    assert.equal(sh.state.console.roleHistory.length, 1, 'the role history stays');

    // The audit log has each console call with via 'console', by the right identity.
    const events = s.world.audit.events().slice(since).filter((e) => e.via === 'console');
    const summary = events.map((e) => `${e.eventName}:${e.outcome}:${e.userIdentity.arn}`);
    assert.deepEqual(summary, [
      'ConsoleLogin:success:arn:aws:iam::089665204192:user/balu',
      'GetAccountInformation:failure:arn:aws:iam::089665204192:user/balu',
      'AssumeRole:success:arn:aws:iam::089665204192:user/balu',
      'GetAccountInformation:success:arn:aws:sts::089665204192:assumed-role/temp-user/balu',
    ]);
  });

  it('the console never chains: a second switch uses the user, not the active role', async () => {
    const s = seed000();
    const sh = shell(s);
    await sh.run('console sign-in balu');
    await sh.run('console switch-role --account 089665204192 --role-name temp-user');
    const again = await sh.run('console switch-role --account 089665204192 --role-name temp-user --display-name Admin --color red');
    assert.equal(again.exitCode, 0);
    assert.equal(again.calls[0]!.request.credentials?.accessKeyId, sh.state.console.signedIn?.credentials?.accessKeyId);
    assert.deepEqual(
      sh.state.console.roleHistory.map((h) => `${h.displayName}/${h.color ?? ''}`),
      ['Admin/Red'],
      'the same role moves to the front, not duplicated',
    );
  });

  it('switching to a role the user may not assume shows the console message; nothing changes', async () => {
    const s = seed000();
    s.root('089665204192', 'iam', 'DeleteUserPolicy', { UserName: 'balu', PolicyName: 'balu-inline' });
    const sh = shell(s);
    await sh.run('console sign-in balu');
    const r = await sh.run('console switch-role --account 089665204192 --role-name temp-user');
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^Invalid information in one or more fields\. Check your information or contact your administrator\.\n/);
    assert.equal(sh.state.console.active, undefined);
    assert.deepEqual(sh.state.console.roleHistory, []);
    assert.equal(sh.lastExplanation()?.request.action, 'sts:AssumeRole');
  });

  it('sign-in needs a console password; unknown colours are refused', async () => {
    const s = seed000();
    s.user('089665204192', 'nopass');
    const sh = shell(s);
    const r = await sh.run('console sign-in nopass');
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /no console password/);
    assert.equal(sh.state.console.signedIn, undefined);
    await sh.run('console sign-in balu');
    const c = await sh.run('console switch-role --account 089665204192 --role-name temp-user --color purple');
    assert.equal(c.exitCode, 2);
    assert.equal(c.calls.length, 0);
  });
});

describe('seed 003 — sts_user switches to AWSEC2FULLACCESS', () => {
  it('EC2 console fails, the switch-role link, switch with a display name, EC2 works, switch back', async () => {
    const s = seed003();
    const sh = shell(s);
    assert.equal((await sh.run('console sign-in sts_user')).exitCode, 0);
    const ec2 = await sh.run('console open ec2');
    assert.equal(ec2.exitCode, 1);
    assert.equal(ec2.stdout, '[ec2 console — as sts_user]\nInstances\n  API Error: You are not authorized to perform this operation. (ec2:DescribeInstances)\n');
    const link = await sh.run('console switch-role-link --role-name AWSEC2FULLACCESS');
    assert.equal(link.stdout, 'https://signin.aws.amazon.com/switchrole?roleName=AWSEC2FULLACCESS&account=111122223333\n');
    const sw = await sh.run('console switch-role --account 111122223333 --role-name AWSEC2FULLACCESS --display-name "EC2 admin"');
    assert.equal(sw.exitCode, 0, sw.stderr);
    assert.equal(sh.state.console.active?.displayName, 'EC2 admin');
    assert.equal(sh.state.console.active?.arn, 'arn:aws:sts::111122223333:assumed-role/AWSEC2FULLACCESS/sts_user');
    const ok = await sh.run('console open ec2');
    assert.equal(ok.exitCode, 0);
    assert.match(ok.stdout, /^\[ec2 console — as EC2 admin\]\nInstances \(1\)\n/);
    assert.match(ok.stdout, /web-1 +i-0123456789abcdef0 +running +t3\.micro/);
    const s3 = await sh.run('console open s3');
    assert.equal(s3.exitCode, 1, 'the role has no S3 permissions: not cumulative with the user');
    assert.match(s3.stdout, /Insufficient permissions to list buckets\n {2}After you or your AWS administrator has updated your permissions to allow the s3:ListAllMyBuckets action, refresh this page\.\n$/);
    await sh.run('console switch-back');
    assert.equal((await sh.run('console open ec2')).exitCode, 1);
  });

  it('in real mode a console action says it is a browser action and shows the CLI way', async () => {
    const s = seed003();
    const sh = shell(s);
    const real = new (sh.constructor as typeof import('../../src/shell/index.js').ShellSession)({
      backend: { kind: 'real', call: async () => ({ ok: false, error: { code: 'X', message: 'x', status: 500, type: 'Receiver' }, requestId: '' }) },
      workspaceDir: sh.workspace.dir,
    });
    const r = await real.run('console switch-role --account 111122223333 --role-name AWSEC2FULLACCESS');
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /is a browser action/);
    assert.match(r.stderr, /aws sts assume-role --role-arn arn:aws:iam::111122223333:role\/AWSEC2FULLACCESS --role-session-name me/);
  });
});
