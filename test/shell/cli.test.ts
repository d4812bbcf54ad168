// `iamlab shell` end to end through the built CLI, without a terminal: commands from stdin
// (a here-document spanning lines included), outputs on stdout/stderr, the exit status of the
// last command, and the sandbox world kept under IAMLAB_HOME across runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tmp } from './helpers.js';
import { ensureBuilt } from '../build.js';

const ROOT = join(import.meta.dirname, '..', '..');


before(() => ensureBuilt());

function shell(home: string, input: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'iamlab.js'), 'shell', ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, IAMLAB_HOME: home, TZ: 'UTC', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('iamlab shell without a terminal', () => {
  it('runs one command per line, here-documents included, and exits with the last status', () => {
    const home = tmp();
    const r = shell(
      home,
      [
        'aws sts get-caller-identity --query Arn --output text',
        "cat > trust.json <<'EOF'",
        '{',
        '  "Version": "2012-10-17",',
        '  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]',
        '}',
        'EOF',
        'aws iam create-role --role-name s3-reader --assume-role-policy-document file://trust.json --query Role.Arn --output text',
        'aws iam attach-role-policy --role-name s3-reader --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        'aws s3 mb s3://sandbox-bucket',
        'aws sts assume-role --role-arn arn:aws:iam::123456789012:role/s3-reader --role-session-name lab --query AssumedRoleUser.Arn --output text',
        'aws s3 ls',
        'aws sts asume-role',
      ].join('\n') + '\n',
    );
    assert.equal(r.status, 252, r.stderr);
    assert.equal(
      r.stdout,
      [
        'arn:aws:iam::123456789012:user/admin',
        'arn:aws:iam::123456789012:role/s3-reader',
        'make_bucket: sandbox-bucket',
        'arn:aws:sts::123456789012:assumed-role/s3-reader/lab',
      ].join('\n') + '\n' + r.stdout.split('\n').slice(4).join('\n'),
    );
    assert.match(r.stdout.split('\n')[4]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d sandbox-bucket$/);
    assert.match(r.stderr, /Found invalid choice 'asume-role'\n\nMaybe you meant:\n\n {2}\* assume-role/);

    // The world and the shell state survive a restart.
    const again = shell(home, 'aws iam get-role --role-name s3-reader --query Role.RoleName --output text\nhistory 2\nexport X=1\n');
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout.split('\n')[0], 's3-reader');
    // the here-document is one history entry, as in bash; history shows itself last
    assert.equal(again.stdout.split('\n').slice(1).join('\n'), '    9  aws iam get-role --role-name s3-reader --query Role.RoleName --output text\n   10  history 2\n');
    const third = shell(home, 'echo "X=$X"\nexit 3\necho not reached\n');
    assert.equal(third.stdout, 'X=1\n');
    assert.equal(third.status, 3);
    assert.ok(existsSync(join(home, 'shell', 'world.json')));
    assert.ok(existsSync(join(home, 'shell', 'workspace', 'trust.json')));
  });

  it('a corrupt world file is set aside with a message, never a stack trace', () => {
    const home = tmp();
    shell(home, 'echo hi\n');
    spawnSync('sh', ['-c', `echo '{not json' > ${join(home, 'shell', 'world.json')}`]);
    const r = shell(home, 'aws sts get-caller-identity --query Account --output text\n');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '123456789012\n');
    assert.match(r.stderr, /iamlab: The sandbox world .* could not be read: .*it was moved to .*world\.json\.corrupt-/);
  });

  it('a world file of the wrong shape is set aside naming the place (zod, loaded only for this)', () => {
    const home = tmp();
    shell(home, 'echo hi\n');
    const file = join(home, 'shell', 'world.json');
    const world = JSON.parse(readFileSync(file, 'utf8')) as { accounts: Record<string, { users: Record<string, { accessKeys: unknown }> }> };
    world.accounts['123456789012']!.users['admin']!.accessKeys = 'nope';
    writeFileSync(file, JSON.stringify(world));
    const r = shell(home, 'aws sts get-caller-identity --query Account --output text\n');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '123456789012\n');
    assert.match(r.stderr, /The world snapshot is corrupt: at accounts\.123456789012\.users\.admin\.accessKeys: Invalid input: expected array, received string\. The file was left unchanged\.; it was moved to .*world\.json\.corrupt-/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('--lab with an unknown lab says so and lists the labs', () => {
    const r = shell(tmp(), 'echo hi\n', ['--lab', 'no-such-lab']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no-such-lab/);
    assert.equal(r.stdout, '');
  });
});
