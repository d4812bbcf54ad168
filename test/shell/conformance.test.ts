// Conformance of the shell with /work/shared/spec/cli.md ("The shell's language") and with the
// shell commands of the five tutorials (seeds): each checklist item below is run through a real
// ShellSession on the simulated account and compared with what bash and the AWS CLI v2 print
// and return. Where output layout could be in doubt, the last suite runs the real `aws` CLI
// (v1, on PATH) against `iamlab serve` on the same world and compares (skipped without it).
//
// Checklist (C = cli.md, S = seeds, B = the brief's known gaps):
//  C1  aws <service> <operation> with CLI names            C2  shorthand and JSON values
//  C3  file:// and fileb:// arguments                       C4  --output json|text|table|yaml
//  C5  --query (JMESPath)                                   C6  --profile
//  C7  --region overrides env and profile                   C8  --no-cli-pager
//  C9  service errors: CLI text, status 254                 C10 usage errors: CLI text, status 252
//  C11 no credentials: 253; unknown profile: 255            C12 aws configure set/get/list
//  C13 role_arn + source_profile profiles                   C14 export / unset / env
//  C15 exported keys change the identity, AWS_PROFILE too   C16 console actions
//  C17 workspace files: ls, cat, file://, edit without a terminal
//  C18 help                                                 C19 history
//  C20 completion of services, operations, parameters      C21 credential precedence
//  B1  tee                B2  echo -n / -e             B3  printf (bash formats)
//  B4  cat FILE           B5  > >> 2>&1 1>&2 &>         B6  && || ; and !
//  B7  export VAR=$(aws … --query … --output text)     B8  read
//  B9  env | grep AWS     B10 aws --version             B11 --debug does not break the call
//  B12 get-caller-identity --query Account --output text
//  B13 jq -r '.Credentials.AccessKeyId' (paths, commas, files)
//  B14 backslash continuation                           B15 quoting and expansion
//  B16 grep options       B17 eval                      B18 exit statuses (127, 2, $?)
//  B19 unknown commands and compound commands: a message, never a stack trace
//  S0  seed 000 console   S1 seed 001 console          S2 seed 002 CLI
//  S3  seed 003 console   S4 seed 004 CLI
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Credentials } from '../../src/backend/types.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { World } from '../../src/sim/index.js';
import { awsEnv, hasAws, runAws } from '../serve/aws-cli.js';
import { runAll, seed000, seed002, seed003, seed004, Setup, shell, USAGE_TAIL, world } from './helpers.js';

const A = '123456789012';
const B = '210987654321';
const ROLE_B = `arn:aws:iam::${B}:role/MyRoleName`;

/** A learner with keys exported (seed 004: may assume MyRoleName in the other account). */
async function learner() {
  const { s, key } = seed004();
  const sh = shell(s);
  const r = await sh.run(`export AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`);
  assert.equal(r.exitCode, 0);
  return { s, sh, key };
}

/** An administrator of account A, with keys in the default profile. */
async function admin() {
  const s = world('conformance', [A]);
  const key = s.user(A, 'admin', { policies: ['arn:aws:iam::aws:policy/AdministratorAccess'], key: true }) as Required<ReturnType<Setup['user']>>;
  const sh = shell(s);
  await runAll(sh, [`aws configure set aws_access_key_id ${key.accessKeyId}`, `aws configure set aws_secret_access_key ${key.secretAccessKey}`]);
  return { s, sh, key };
}

const noTrace = (text: string) => assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(text), text);

describe('conformance: aws commands (cli.md)', () => {
  it('C1 C4 C12 B12: get-caller-identity in every output format; --query Account --output text', async () => {
    const { sh, s } = await learner();
    const id = s.world.iam.user(A, 'learner')!.id;
    const json = await sh.run('aws sts get-caller-identity');
    assert.equal(json.stdout, `{\n    "UserId": "${id}",\n    "Account": "${A}",\n    "Arn": "arn:aws:iam::${A}:user/learner"\n}\n`);
    assert.equal((await sh.run('aws sts get-caller-identity --output text')).stdout, `${A}\tarn:aws:iam::${A}:user/learner\t${id}\n`);
    assert.equal((await sh.run('aws sts get-caller-identity --output yaml')).stdout, `UserId: ${id}\nAccount: '${A}'\nArn: arn:aws:iam::${A}:user/learner\n`);
    const table = (await sh.run('aws sts get-caller-identity --output table')).stdout.split('\n');
    assert.match(table[1]!, /^\|\s+GetCallerIdentity\s+\|$/);
    assert.ok(table.some((l) => /^\|\s+Account\s*\|\s+123456789012\s+\|$/.test(l)), table.join('\n'));
    const acct = await sh.run('aws sts get-caller-identity --query Account --output text');
    assert.deepEqual([acct.stdout, acct.stderr, acct.exitCode], [`${A}\n`, '', 0]);
  });

  it('C2 C3 C5: shorthand, JSON and file:// values; JMESPath filters and projections', async () => {
    const { sh } = await admin();
    await sh.run(`cat > trust.json <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${A}:root"}, "Action": "sts:AssumeRole"}]}
EOF`);
    const created = await sh.run('aws iam create-role --role-name r1 --assume-role-policy-document file://trust.json --tags Key=team,Value=blue --query Role.Tags --output json');
    assert.equal(created.exitCode, 0, created.stderr);
    assert.deepEqual(JSON.parse(created.stdout), [{ Key: 'team', Value: 'blue' }]);
    const viaJson = await sh.run(`aws iam tag-role --role-name r1 --tags '[{"Key": "env", "Value": "dev"}]'`);
    assert.equal(viaJson.exitCode, 0, viaJson.stderr);
    const q = await sh.run(`aws iam list-role-tags --role-name r1 --query "Tags[?Key=='env'].Value | [0]" --output text`);
    assert.equal(q.stdout, 'dev\n');
    const names = await sh.run("aws iam list-roles --query 'Roles[].RoleName' --output text");
    assert.equal(names.stdout, 'r1\n');
    const missing = await sh.run('aws iam create-role --role-name r2 --assume-role-policy-document file://nope.json');
    assert.equal(missing.exitCode, 252);
    assert.match(missing.stderr, /Error parsing parameter '--assume-role-policy-document': Unable to load paramfile file:\/\/nope\.json/);
  });

  it('C6 C11 C21: --profile beats exported keys; an unknown profile fails even with exported keys (255)', async () => {
    const { sh, key } = await learner();
    await runAll(sh, ['aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE --profile other', 'aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG --profile other']);
    const other = await sh.run('aws sts get-caller-identity --profile other');
    assert.equal(other.exitCode, 254);
    assert.match(other.stderr, /\(InvalidClientTokenId\) when calling the GetCallerIdentity operation: The security token included in the request is invalid/);
    // the real CLI (v1 and v2) reads the named profile first: "The config profile (nope) could not be found"
    for (const line of ['aws sts get-caller-identity --profile nope', 'AWS_PROFILE=nope aws sts get-caller-identity']) {
      const r = await sh.run(line);
      assert.deepEqual([r.stdout, r.stderr, r.exitCode], ['', '\naws: [ERROR]: The config profile (nope) could not be found\n', 255], line);
    }
    assert.equal((await sh.run('aws sts get-caller-identity --query Arn --output text')).stdout, `arn:aws:iam::${A}:user/learner\n`);
    // unset the keys: no credentials at all (253)
    const none = await sh.run('unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; aws sts get-caller-identity');
    assert.equal(none.exitCode, 253);
    assert.match(none.stderr, /Unable to locate credentials/);
    assert.ok(key.accessKeyId);
  });

  it('C7: --region beats AWS_REGION, which beats AWS_DEFAULT_REGION, which beats the profile', async () => {
    const { sh } = await admin();
    const region = async (line: string) => (await sh.run(line)).calls.at(-1)?.request.region;
    await sh.run('aws configure set region eu-west-1');
    assert.equal(await region('aws sts get-caller-identity'), 'eu-west-1');
    assert.equal(await region('AWS_DEFAULT_REGION=eu-north-1 aws sts get-caller-identity'), 'eu-north-1');
    assert.equal(await region('AWS_DEFAULT_REGION=eu-north-1 AWS_REGION=ap-south-1 aws sts get-caller-identity'), 'ap-south-1');
    assert.equal(await region('AWS_REGION=ap-south-1 aws sts get-caller-identity --region eu-west-2'), 'eu-west-2');
  });

  it('C8 B10 B11: --no-cli-pager, aws --version, --debug leave the output as it is', async () => {
    const { sh } = await learner();
    const plain = (await sh.run('aws sts get-caller-identity --output text')).stdout;
    assert.equal((await sh.run('aws sts get-caller-identity --output text --no-cli-pager')).stdout, plain);
    const dbg = await sh.run('aws sts get-caller-identity --output text --debug');
    assert.deepEqual([dbg.stdout, dbg.exitCode], [plain, 0]);
    noTrace(dbg.stderr);
    const v = await sh.run('aws --version');
    assert.equal(v.exitCode, 0);
    assert.match(v.stdout, /^aws-cli\/2\.\d+\.\d+ Python\/3\.\d+\.\d+ /);
  });

  it('C9: a service error prints the CLI line and exits 254', async () => {
    const { sh } = await learner();
    const r = await sh.run('aws s3 ls');
    assert.equal(r.exitCode, 254);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^\naws: \[ERROR\]: An error occurred \(AccessDenied\) when calling the ListBuckets operation: User: arn:aws:iam::123456789012:user\/learner is not authorized to perform: s3:ListAllMyBuckets/);
  });

  it('C10 B19: unknown commands, operations and options are usage errors (252), never a stack trace', async () => {
    const { sh } = await learner();
    const unknownCmd = await sh.run('aws foo bar');
    assert.equal(unknownCmd.exitCode, 252);
    assert.match(unknownCmd.stderr, /argument command: Found invalid choice 'foo'/);
    assert.ok(unknownCmd.stderr.endsWith(USAGE_TAIL.slice(2)), unknownCmd.stderr);
    const typo = await sh.run('aws sts asume-role');
    assert.equal(typo.exitCode, 252);
    assert.match(typo.stderr, /argument operation: Found invalid choice 'asume-role'[\s\S]*Maybe you meant:[\s\S]*\* assume-role/);
    const required = await sh.run('aws sts assume-role');
    assert.equal(required.exitCode, 252);
    assert.match(required.stderr, /the following arguments are required: --role-arn, --role-session-name/);
    const bad = await sh.run('aws sts get-caller-identity --bogus');
    assert.equal(bad.exitCode, 252);
    assert.match(bad.stderr, /^\nusage: aws \[options\] <command> <subcommand> \[<subcommand> \.\.\.\] \[parameters\]\n[\s\S]*Unknown options: --bogus\n$/);
    const badOutput = await sh.run('aws sts get-caller-identity --output xml');
    assert.equal(badOutput.exitCode, 252);
    assert.match(badOutput.stderr, /argument --output: Found invalid choice 'xml'/);
    for (const r of [unknownCmd, typo, required, bad, badOutput]) noTrace(r.stderr);
    const notFound = await sh.run('awss sts get-caller-identity');
    assert.equal(notFound.exitCode, 127);
    assert.match(notFound.stderr, /^iamlab: awss: command not found\. Did you mean: aws\?\n/);
    assert.match((await sh.run('awssts get-caller-identity')).stderr, /^iamlab: awssts: command not found\. Did you mean: aws sts\?\n/);
    for (const line of ['for r in a b; do echo $r; done', 'if true; then echo yes; fi', '{ echo a; }']) {
      const r = await sh.run(line);
      assert.equal(r.exitCode, 2, line);
      assert.match(r.stderr, /starts a compound command/, line);
      assert.equal(r.stderr.split('\n').length, 2, `one message: ${r.stderr}`);
    }
  });

  it('C12: aws configure set / get / list', async () => {
    const { sh, key } = await admin();
    const get = await sh.run('aws configure get aws_access_key_id');
    assert.deepEqual([get.stdout, get.exitCode], [`${key.accessKeyId}\n`, 0]);
    const unset = await sh.run('aws configure get region');
    assert.deepEqual([unset.stdout, unset.stderr, unset.exitCode], ['', '', 1]);
    await sh.run('aws configure set region eu-west-3 --profile dev');
    assert.equal((await sh.run('aws configure get region --profile dev')).stdout, 'eu-west-3\n');
    assert.equal((await sh.run('aws configure get profile.dev.region')).stdout, 'eu-west-3\n');
    const list = (await sh.run('aws configure list')).stdout.split('\n');
    assert.match(list[0]!, /^NAME\s+: VALUE\s+: TYPE\s+: LOCATION$/);
    assert.match(list.find((l) => l.startsWith('access_key'))!, new RegExp(`: \\*{16}${key.accessKeyId.slice(-4)}\\s+: shared-credentials-file`));
  });

  it('C13: a role_arn + source_profile profile assumes the role on first use', async () => {
    const { s, key } = seed004();
    const sh = shell(s);
    await runAll(sh, [
      `aws configure set aws_access_key_id ${key.accessKeyId} --profile learner`,
      `aws configure set aws_secret_access_key ${key.secretAccessKey} --profile learner`,
      `aws configure set role_arn ${ROLE_B} --profile partner`,
      'aws configure set source_profile learner --profile partner',
      'aws configure set role_session_name lab --profile partner',
    ]);
    const r = await sh.run('aws sts get-caller-identity --profile partner --query Arn --output text');
    assert.deepEqual([r.stdout, r.exitCode], [`arn:aws:sts::${B}:assumed-role/MyRoleName/lab\n`, 0]);
    assert.deepEqual(r.calls.map((c) => c.request.operation), ['AssumeRole', 'GetCallerIdentity']);
    const ls = await sh.run('AWS_PROFILE=partner aws s3 ls');
    assert.equal(ls.exitCode, 0, ls.stderr);
    assert.match(ls.stdout, /partner-data\n/);
  });
});

describe('conformance: the shell language (bash)', () => {
  it('C14 C15 B9: export, env | grep AWS, unset; the exported keys decide who calls', async () => {
    const { sh, key } = await learner();
    const env = await sh.run('env | grep AWS');
    assert.equal(env.stdout, `AWS_ACCESS_KEY_ID=${key.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${key.secretAccessKey}\n`);
    await sh.run('LOCAL=1; export EXPORTED=2');
    assert.equal((await sh.run('env | grep -c ED=')).stdout, '1\n');
    assert.equal((await sh.run('echo $LOCAL$EXPORTED')).stdout, '12\n');
    await sh.run('unset LOCAL EXPORTED');
    assert.equal((await sh.run('echo "[$LOCAL$EXPORTED]"')).stdout, '[]\n');
    assert.equal((await sh.run('printenv AWS_ACCESS_KEY_ID')).stdout, `${key.accessKeyId}\n`);
  });

  it('B1: tee copies its input to files and to stdout; -a appends', async () => {
    const { sh } = await learner();
    const r = await sh.run('aws sts get-caller-identity --query Account --output text | tee account.txt');
    assert.deepEqual([r.stdout, r.exitCode], [`${A}\n`, 0]);
    assert.equal((await sh.run('cat account.txt')).stdout, `${A}\n`);
    await sh.run('echo more | tee -a account.txt > /dev/null');
    assert.equal((await sh.run('cat account.txt')).stdout, `${A}\nmore\n`);
    assert.equal((await sh.run('echo x | tee a.txt b.txt')).stdout, 'x\n');
    assert.equal((await sh.run('cat b.txt')).stdout, 'x\n');
    const outside = await sh.run('echo x | tee /etc/passwd');
    assert.equal(outside.exitCode, 1);
    assert.equal(outside.stdout, 'x\n');
    assert.match(outside.stderr, /^tee: \/etc\/passwd: outside the workspace/);
  });

  it('B2: echo, echo -n, echo -e', async () => {
    const { sh } = await learner();
    assert.equal((await sh.run('echo -n a; echo b')).stdout, 'ab\n');
    assert.equal((await sh.run("echo -e 'a\\tb'; echo 'a\\tb'")).stdout, 'a\tb\na\\tb\n');
    assert.equal((await sh.run('echo')).stdout, '\n');
    assert.equal((await sh.run('echo -- -n')).stdout, '-- -n\n');
  });

  it('B3: printf as bash prints it', async () => {
    const { sh } = await learner();
    const cases: Array<[string, string, number?]> = [
      [`printf '%s\\n' a b`, 'a\nb\n'],
      [`printf 'x%5sy %-4d| %05.1f\\n' ab 3 2.5`, 'x   aby 3   | 002.5\n'],
      [`printf '%s=%s ' K1 v1 K2`, 'K1=v1 K2= '],
      [`printf '%d %x %o %e\\n' 42 255 8 1234.5`, '42 ff 10 1.234500e+03\n'],
      [`printf '%q\\n' 'a b'`, 'a\\ b\n'],
      [`printf '%b' 'tab\\there\\n'`, 'tab\there\n'],
      [`printf '%%d\\n'`, '%d\n'],
      [`printf '%d\\n' abc`, '0\n', 1],
    ];
    for (const [line, out, code] of cases) {
      const r = await sh.run(line);
      assert.equal(r.stdout, out, line);
      assert.equal(r.exitCode, code ?? 0, line);
    }
    assert.equal((await sh.run(`printf '%d\\n' abc`)).stderr, 'iamlab: printf: abc: invalid number\n');
    await sh.run(`printf -v GREETING 'hi %s' there`);
    assert.equal((await sh.run('echo "$GREETING"')).stdout, 'hi there\n');
    // the tutorials' one-liner: the three values in one export
    const r = await sh.run(
      `export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" $(aws sts assume-role --role-arn ${ROLE_B} --role-session-name one-liner --query "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]" --output text)) && aws sts get-caller-identity --query Arn --output text`,
    );
    assert.deepEqual([r.stdout, r.exitCode], [`arn:aws:sts::${B}:assumed-role/MyRoleName/one-liner\n`, 0]);
  });

  it('B4 B5: cat FILE, >, >>, 2>&1, 1>&2, >&2, &>, 2>/dev/null, < FILE', async () => {
    const { sh } = await learner();
    await sh.run('echo one > f.txt; echo two >> f.txt');
    assert.equal((await sh.run('cat f.txt')).stdout, 'one\ntwo\n');
    const missing = await sh.run('cat f.txt nofile');
    assert.deepEqual([missing.stdout, missing.stderr, missing.exitCode], ['one\ntwo\n', 'cat: nofile: No such file or directory\n', 1]);
    const toErr = await sh.run('echo warn 1>&2');
    assert.deepEqual([toErr.stdout, toErr.stderr], ['', 'warn\n']);
    const toErr2 = await sh.run('echo warn >&2 2>/dev/null');
    assert.deepEqual([toErr2.stdout, toErr2.stderr], ['', 'warn\n'], 'fd 1 copies fd 2 before fd 2 moves');
    const merged = await sh.run('aws s3 ls 2>&1 | grep -c AccessDenied');
    assert.deepEqual([merged.stdout, merged.stderr], ['1\n', '']);
    const order = await sh.run('aws s3 ls 2>&1 > out.txt');
    assert.match(order.stdout, /AccessDenied/, '2>&1 first: stderr still goes to the terminal');
    assert.equal((await sh.run('cat out.txt')).stdout, '');
    await sh.run('aws s3 ls > both.txt 2>&1');
    assert.match((await sh.run('cat both.txt')).stdout, /AccessDenied/);
    await sh.run('aws s3 ls &> all.txt');
    assert.match((await sh.run('cat all.txt')).stdout, /AccessDenied/);
    const quiet = await sh.run('aws s3 ls 2>/dev/null');
    assert.deepEqual([quiet.stdout, quiet.stderr, quiet.exitCode], ['', '', 254]);
    assert.equal((await sh.run('grep two < f.txt')).stdout, 'two\n');
    const noInput = await sh.run('cat < nofile');
    assert.equal(noInput.exitCode, 1);
    assert.match(noInput.stderr, /nofile: No such file or directory/);
  });

  it('B6 B18: && || ; ! and the exit statuses $? reports', async () => {
    const { sh } = await learner();
    assert.equal((await sh.run('false || echo no; true && echo yes; false; echo $?')).stdout, 'no\nyes\n1\n');
    assert.equal((await sh.run('aws s3 ls 2>/dev/null || echo "denied: $?"')).stdout, 'denied: 254\n');
    assert.equal((await sh.run('! false && echo negated')).stdout, 'negated\n');
    assert.equal((await sh.run('nosuchcmd 2>/dev/null; echo $?')).stdout, '127\n');
    const syntax = await sh.run('echo a |');
    assert.equal(syntax.exitCode, 2);
    const semi = await sh.run('; echo x');
    assert.deepEqual([semi.stderr, semi.exitCode], ["iamlab: syntax error near unexpected token `;'\n", 2]);
    assert.equal((await sh.run('echo a | grep -q b; echo $?')).stdout, '1\n');
  });

  it('B7: export VAR=$(aws … --query … --output text), assignments keep the status of $(…)', async () => {
    const { sh } = await learner();
    const r = await sh.run(`export ACCT=$(aws sts get-caller-identity --query Account --output text); echo "acct=$ACCT"`);
    assert.equal(r.stdout, `acct=${A}\n`);
    const failed = await sh.run('CREDS=$(aws s3 ls 2>/dev/null); echo $?');
    assert.equal(failed.stdout, '254\n');
    const exported = await sh.run('export X=$(false); echo $?');
    assert.equal(exported.stdout, '0\n', 'export itself succeeds');
  });

  it('B8: read splits a line into variables (-r, REPLY, <<<, pipes run in a subshell)', async () => {
    const { sh } = await learner();
    assert.equal((await sh.run('read A B <<< "one two three"; echo "$A|$B"')).stdout, 'one|two three\n');
    assert.equal((await sh.run('read <<< "  spaced  "; echo "[$REPLY]"')).stdout, '[  spaced  ]\n');
    assert.equal((await sh.run(`read X <<< 'a\\ b'; echo "$X"`)).stdout, 'a b\n');
    assert.equal((await sh.run(`read -r X <<< 'a\\ b'; echo "$X"`)).stdout, 'a\\ b\n');
    const eof = await sh.run('read X < /dev/null; echo $?');
    assert.equal(eof.stdout, '1\n');
    const r = await sh.run(
      `read -r KEY SECRET TOKEN <<< "$(aws sts assume-role --role-arn ${ROLE_B} --role-session-name via-read --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)" && export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN && aws sts get-caller-identity --query Arn --output text`,
    );
    assert.deepEqual([r.stdout, r.exitCode], [`arn:aws:sts::${B}:assumed-role/MyRoleName/via-read\n`, 0]);
    const piped = await sh.run('echo piped | read P; echo "[$P]"');
    assert.equal(piped.stdout, '[]\n', 'bash runs the read of a pipeline in a subshell');
    assert.match(piped.stderr, /sets nothing, as in bash/);
  });

  it('B13: jq -r paths, commas, pipes, files', async () => {
    const { sh } = await learner();
    const r = await sh.run(`aws sts assume-role --role-arn ${ROLE_B} --role-session-name jq | jq -r '.Credentials.AccessKeyId'`);
    assert.match(r.stdout, /^ASIA[A-Z0-9]{16}\n$/);
    await sh.run(`aws sts get-caller-identity > id.json`);
    assert.equal((await sh.run(`jq -r '.Account, .Arn' id.json`)).stdout, `${A}\narn:aws:iam::${A}:user/learner\n`);
    assert.equal((await sh.run(`cat id.json | jq '.Account'`)).stdout, `"${A}"\n`);
    assert.equal((await sh.run(`jq -r '. | keys | length' < id.json`)).stdout, '3\n');
    const missing = await sh.run('jq . nofile.json');
    assert.deepEqual([missing.stderr, missing.exitCode], ['jq: error: Could not open nofile.json: No such file or directory\n', 2]);
  });

  it('B14: backslash continuation across lines', async () => {
    const { sh } = await learner();
    assert.equal(sh.needsMore('aws sts get-caller-identity \\'), true);
    const r = await sh.run('aws sts get-caller-identity \\\n  --query Arn \\\n  --output text');
    assert.deepEqual([r.stdout, r.exitCode], [`arn:aws:iam::${A}:user/learner\n`, 0]);
  });

  it('B15: quoting and expansion', async () => {
    const { sh } = await learner();
    await sh.run('X="1 2  3"');
    assert.equal((await sh.run('echo $X; echo "$X"; echo \'$X\'')).stdout, '1 2 3\n1 2  3\n$X\n');
    assert.equal((await sh.run('echo ${UNSET:-dflt} ${#X} e\\ \\ f "a\\"b" $\'t\\tu\'')).stdout, 'dflt 6 e  f a"b t\tu\n');
    assert.equal((await sh.run('echo `echo back`tick $(echo $(echo nested))')).stdout, 'backtick nested\n');
    assert.equal((await sh.run("cat <<EOF\nacct=$(echo 1) \\$HOME\nEOF")).stdout, 'acct=1 $HOME\n');
    assert.equal((await sh.run("cat <<'EOF'\n$X\nEOF")).stdout, '$X\n');
    assert.equal((await sh.run('echo a # a comment')).stdout, 'a\n');
  });

  it('B16: grep -i -v -c -o -q -n -w -E -F, basic expressions, files', async () => {
    const { sh } = await learner();
    await sh.run("printf 'AWS_ACCESS_KEY_ID=x\\naws_region=y\\nfoo|bar\\nfoo+bar\\n' > g.txt");
    const g = async (line: string) => (await sh.run(line)).stdout;
    assert.equal(await g('grep -i aws g.txt'), 'AWS_ACCESS_KEY_ID=x\naws_region=y\n');
    assert.equal(await g('grep -v -i aws g.txt'), 'foo|bar\nfoo+bar\n');
    assert.equal(await g("grep 'foo|bar' g.txt"), 'foo|bar\n', 'a basic expression: | is literal');
    assert.equal(await g("grep -E 'foo|bar' g.txt | wc -l"), '2\n');
    assert.equal(await g("grep -F 'foo+bar' g.txt"), 'foo+bar\n');
    assert.equal(await g("grep -o 'ACCESS_[A-Z_]*' g.txt"), 'ACCESS_KEY_ID\n');
    assert.equal(await g('grep -n bar g.txt'), '3:foo|bar\n4:foo+bar\n');
    assert.equal(await g('grep -c foo g.txt'), '2\n');
    const bad = await sh.run('grep -j x g.txt');
    assert.deepEqual([bad.stderr, bad.exitCode], ["grep: invalid option -- 'j'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2]);
    const none = await sh.run('grep nothing g.txt');
    assert.equal(none.exitCode, 1);
  });

  it('B17: eval runs its arguments as a command line', async () => {
    const { sh } = await learner();
    const r = await sh.run(`eval "$(echo 'export FROM_EVAL=yes; echo inside')"; echo $FROM_EVAL`);
    assert.equal(r.stdout, 'inside\nyes\n');
  });

  it('C17: workspace files — ls, cat, file://, edit without a terminal says how to write a file', async () => {
    const { sh } = await learner();
    await sh.run("cat > p.json <<'EOF'\n{}\nEOF");
    assert.equal((await sh.run('ls')).stdout, 'p.json\n');
    const edit = await sh.run('edit p.json');
    assert.equal(edit.exitCode, 1);
    assert.match(edit.stderr, /edit needs a terminal/);
  });

  it('C18 C19 C20: help, history, completion', async () => {
    const { sh } = await learner();
    const help = await sh.run('help');
    assert.match(help.stdout, /aws <service> <operation>/);
    assert.match(help.stdout, /tee \[-a\] FILE/);
    assert.match((await sh.run('help read')).stdout, /^read /);
    await sh.run('echo one');
    const h = await sh.run('history 2');
    assert.match(h.stdout, /^\s+\d+ {2}echo one\n\s+\d+ {2}history 2\n$/);
    assert.deepEqual(sh.complete('aws st').candidates, ['sts']);
    assert.deepEqual(sh.complete('aws sts get-caller-id').candidates, ['get-caller-identity']);
    assert.deepEqual(sh.complete('aws sts assume-role --role-a').candidates, ['--role-arn']);
    assert.ok(sh.complete('te').candidates.includes('tee'));
  });
});

describe('conformance: the tutorials (seeds)', () => {
  it('S2: seed 002 — James: identity, s3 ls denied, list-roles --query, assume-role, exports, s3 ls allowed', async () => {
    const { s, key } = seed002();
    const sh = shell(s);
    await runAll(sh, [`aws configure set aws_access_key_id ${key.accessKeyId}`, `aws configure set aws_secret_access_key ${key.secretAccessKey}`]);
    assert.match((await sh.run('aws sts get-caller-identity')).stdout, /"Arn": "arn:aws:iam::123456789012:user\/James"/);
    assert.equal((await sh.run('aws s3 ls')).exitCode, 254);
    const roles = await sh.run(`aws iam list-roles --query "Roles[?RoleName == 'James-custom-S3-role'].[RoleName, Arn]"`);
    assert.equal(roles.stdout, `[\n    [\n        "James-custom-S3-role",\n        "arn:aws:iam::${A}:role/James-custom-S3-role"\n    ]\n]\n`);
    // as printed in the tutorial: en dashes and curly quotes, explained (and 252 as the CLI would refuse it)
    const pasted = await sh.run('aws iam list-roles –query “Roles[?RoleName == ‘James-custom-S3-role’].[RoleName, Arn]”');
    assert.equal(pasted.exitCode, 252);
    assert.match(pasted.stderr, /With plain ASCII it reads:\n {2}aws iam list-roles --query "Roles\[\?RoleName == 'James-custom-S3-role'\]\.\[RoleName, Arn\]"\n/);
    const assumed = await sh.run(`aws sts assume-role --role-arn "arn:aws:iam::${A}:role/James-custom-S3-role" --role-session-name Radkowski-CLI-test`);
    assert.equal(assumed.exitCode, 0, assumed.stderr);
    const c = JSON.parse(assumed.stdout).Credentials as Record<string, string>;
    await runAll(sh, [`export AWS_ACCESS_KEY_ID=${c.AccessKeyId}`, `export AWS_SECRET_ACCESS_KEY=${c.SecretAccessKey}`, `export AWS_SESSION_TOKEN=${c.SessionToken}`]);
    assert.match((await sh.run('aws sts get-caller-identity')).stdout, /assumed-role\/James-custom-S3-role\/Radkowski-CLI-test/);
    const ls = await sh.run('aws s3 ls');
    assert.equal(ls.exitCode, 0, ls.stderr);
    assert.match(ls.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d company-logs\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d james-reports\n$/);
  });

  it('S4: seed 004 — assume-role (pasted with en dashes, then typed), export, aws s3 ls', async () => {
    const { sh } = await learner();
    const pasted = await sh.run(`aws sts assume-role –role-arn ${ROLE_B} –role-session-name MySessionName`);
    assert.equal(pasted.exitCode, 252);
    assert.match(pasted.stderr, /'–role-arn' starts with an en dash \(U\+2013\)/);
    const creds = await sh.run(`CREDS=$(aws sts assume-role --role-arn ${ROLE_B} --role-session-name MySessionName)`);
    assert.equal(creds.exitCode, 0, creds.stderr);
    await sh.run(
      'export AWS_ACCESS_KEY_ID=$(echo "$CREDS" | jq -r .Credentials.AccessKeyId) AWS_SECRET_ACCESS_KEY=$(echo "$CREDS" | jq -r .Credentials.SecretAccessKey) AWS_SESSION_TOKEN=$(echo "$CREDS" | jq -r .Credentials.SessionToken)',
    );
    const ls = await sh.run('aws s3 ls');
    assert.equal(ls.exitCode, 0, ls.stderr);
    assert.match(ls.stdout, / partner-data\n.* partner-logs\n$/);
  });

  it('S0 S1: seeds 000/001 — sign in as balu, switch to temp-user, the account page, switch back', async () => {
    const s = seed000();
    const sh = shell(s);
    const r = await runAll(sh, ['console sign-in balu', 'console switch-role --account 089665204192 --role-name temp-user --display-name Admin --color orange', 'console whoami', 'console open account', 'console switch-back', 'console whoami']);
    for (const x of r) assert.equal(x.exitCode, 0, x.stderr);
    assert.match(r[2]!.stdout, /temp-user/);
    assert.doesNotMatch(r[5]!.stdout, /Currently active as/);
  });

  it('S3: seed 003 — sts_user switches to AWSEC2FULLACCESS and sees the instances', async () => {
    const s = seed003();
    const sh = shell(s);
    const r = await runAll(sh, ['console sign-in sts_user', 'console open ec2', 'console switch-role --account 111122223333 --role-name AWSEC2FULLACCESS', 'console open ec2', 'console switch-back']);
    assert.equal(r[0]!.exitCode, 0, r[0]!.stderr);
    assert.doesNotMatch(r[1]!.stdout, /web-1/);
    assert.equal(r[2]!.exitCode, 0, r[2]!.stderr);
    assert.match(r[3]!.stdout, /web-1|i-0123456789abcdef0/);
    assert.equal(r[4]!.exitCode, 0);
  });
});

// ---- bash's printf and GNU grep themselves, where they are on this machine ----

const hasBash = spawnSync('bash', ['-c', 'true'], { stdio: 'ignore' }).status === 0;
const hasGnuGrep = /GNU grep/.test(spawnSync('grep', ['--version'], { encoding: 'utf8' }).stdout ?? '');

describe('conformance: printf and grep compared with bash and GNU grep', () => {
  it('B3: printf formats give what bash prints (stdout, stderr, status)', async (t) => {
    if (!hasBash) return t.skip('bash not on PATH');
    const cases: string[][] = [
      ['x%5sy %-4d| %05.1f\\n', 'ab', '3', '2.5'],
      ['%d %i %u %o %x %X %#x %#o\\n', '42', '-7', '10', '8', '255', '255', '255', '8'],
      ['%e %E %g %G %g %g\\n', '12345.678', '0.000123', '0.0001', '1e10', '100000', '1234567'],
      ['%.3s|%10.2f|%-10s|%+d|% d\\n', 'abcdef', '3.14159', 'hi', '5', '5'],
      ['%c%c\\n', 'hello', 'world'],
      ['%b\\n', 'a\\tb\\n\\0101'],
      ['%5.3d|%-5d|%05d\\n', '7', '7', '-7'],
      ['%*d|%-*s|\\n', '5', '3', '4', 'x'],
      ['%d\\n', 'abc'],
      ['%d\\n', '12abc'],
      ["%d %d\\n", "'A", '0x1f'],
      ['no args %s %d|\\n'],
      ['\\101\\x41\\n'],
      ['%b|%s\\n', 'x\\cy', 'z'],
      ['%y'],
      ['a%'],
      ['%s=%s;', 'a', 'b', 'c'],
    ];
    const { sh } = await learner();
    const q = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
    for (const c of cases) {
      const b = spawnSync('bash', ['-c', 'printf "$@"', 'bash', ...c], { encoding: 'utf8' });
      const mine = await sh.run(`printf ${c.map(q).join(' ')}`);
      const line = JSON.stringify(c);
      assert.equal(mine.stdout, b.stdout, line);
      assert.equal(mine.exitCode, b.status, line);
      assert.equal(mine.stderr, b.stderr.replace(/^bash: line \d+: /gm, 'iamlab: '), line);
    }
  });

  it('B16: grep gives what GNU grep gives', async (t) => {
    if (!hasGnuGrep) return t.skip('GNU grep not on PATH');
    const input = 'AWS_ACCESS_KEY_ID=AKIA1\nAWS_SECRET=x\n"Arn": "arn:aws:iam::1:user/a",\nfoo+bar\nfoo|bar\nHello world\nhello_world 42\n\n(x)\n';
    const dir = mkdtempSync(join(tmpdir(), 'iamlab-grep-'));
    writeFileSync(join(dir, 'in.txt'), input);
    const { sh } = await learner();
    await sh.run(`cat > in.txt <<'EOF'\n${input}EOF`);
    const cases = [['AWS'], ['-i', 'hello'], ['-v', 'AWS'], ['-c', 'AWS'], ['-o', '"Arn[^,]*'], ['-q', 'AWS'], ['-n', 'foo'], ['-w', 'hello'], ['-x', 'foo+bar'], ['foo+bar'], ['-E', 'foo+bar'], ['foo|bar'], ['-E', 'foo|bar'], ['foo\\|Hello'], ['-F', '(x)'], ['(x)'], ['-E', '\\(x\\)'], ['-e', 'AWS', '-e', 'Hello'], ['[[:digit:]]\\+'], ['-oE', '[[:digit:]]+'], ['^$'], ['-vc', '^$'], ['-in', 'WORLD'], ['-o', 'o*'], ['-j', 'x'], ['--bogus', 'x']];
    try {
      for (const c of cases) {
        const g = spawnSync('grep', [...c, 'in.txt'], { cwd: dir, encoding: 'utf8' });
        const mine = await sh.run(`grep ${c.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')} in.txt`);
        const line = JSON.stringify(c);
        assert.deepEqual([mine.stdout, mine.stderr, mine.exitCode], [g.stdout, g.stderr, g.status], line);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- the real aws CLI (v1) on the same world, through `iamlab serve` ----


// one at a time: a call made by one comparison (RoleLastUsed) must not land between the two runs of another
describe('conformance: output compared with the real aws CLI on the same world', () => {
  let server: RunningServer;
  let dir: string;
  let w: World;
  let key: Credentials;
  let roleKey: Credentials;

  before(async () => {
    if (!hasAws) return;
    w = World.create({ seed: 'conformance-real', now: new Date(), realTime: true });
    w.createAccount(A);
    const setup = new Setup(w);
    setup.role(A, 'reader', { AWS: `arn:aws:iam::${A}:root` }, ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess']);
    const k = setup.user(A, 'dev', { inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'iam:List*', 'iam:Get*'], Resource: '*' }] }, key: true });
    key = { accessKeyId: k.accessKeyId!, secretAccessKey: k.secretAccessKey! };
    w.addBucket(A, 'conformance-a', { objects: { 'notes/a.txt': 'A\n' } });
    w.addBucket(A, 'conformance-b');
    const assumed = setup.sim.callSync({ service: 'sts', operation: 'AssumeRole', input: { RoleArn: `arn:aws:iam::${A}:role/reader`, RoleSessionName: 'cmp' }, credentials: key, via: 'api' });
    assert.ok(assumed.ok);
    const c = assumed.output.Credentials as Record<string, string>;
    roleKey = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    server = await startServer({ world: w });
    dir = mkdtempSync(join(tmpdir(), 'iamlab-conformance-'));
    // v1 prints timestamps as the wire has them unless told to use ISO 8601, v2's default
    writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\ncli_timestamp_format = iso8601\n');
    writeFileSync(join(dir, 'credentials'), '');
  });
  after(async () => {
    if (!hasAws) return;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function realAws(args: string[], as: Credentials) {
    return runAws(args, awsEnv(dir, { endpoint: server.url, credentials: as, extra: { TZ: 'UTC' } }));
  }


  async function ours(line: string, as: Credentials) {
    const sh = shell(new Setup(w));
    await sh.run(`export AWS_ACCESS_KEY_ID=${as.accessKeyId} AWS_SECRET_ACCESS_KEY=${as.secretAccessKey}${as.sessionToken ? ` AWS_SESSION_TOKEN=${as.sessionToken}` : ''}`);
    return sh.run(line);
  }

  const same: Array<[string, string[], 'user' | 'role']> = [
    ['json', ['sts', 'get-caller-identity'], 'user'],
    ['text', ['sts', 'get-caller-identity', '--output', 'text'], 'user'],
    ['table', ['sts', 'get-caller-identity', '--output', 'table'], 'role'],
    ['json with a query', ['iam', 'list-roles', '--query', "Roles[?RoleName == 'reader'].[RoleName, Arn]"], 'user'],
    ['text of nested lists', ['iam', 'list-attached-role-policies', '--role-name', 'reader', '--output', 'text'], 'user'],
    ['table of a list', ['iam', 'list-attached-role-policies', '--role-name', 'reader', '--output', 'table'], 'user'],
    ['get-role as json (the trust policy decoded)', ['iam', 'get-role', '--role-name', 'reader'], 'user'],
    ['get-role as text', ['iam', 'get-role', '--role-name', 'reader', '--output', 'text'], 'user'],
    ['get-role as a table', ['iam', 'get-role', '--role-name', 'reader', '--output', 'table'], 'user'],
    ['s3 ls', ['s3', 'ls'], 'role'],
    ['s3 ls of a prefix', ['s3', 'ls', 's3://conformance-a/', '--recursive'], 'role'],
    ['a query of a scalar as text', ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'], 'role'],
  ];
  for (const [what, args, who] of same) {
    it(`${what}: aws ${args.join(' ')}`, async (t) => {
      if (!hasAws) return t.skip('aws CLI not on PATH');
      const as = who === 'user' ? key : roleKey;
      const real = await realAws(args, as);
      assert.equal(real.code, 0, real.stderr);
      const quoted = args.map((a) => (/^[\w./:=-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
      const mine = await ours(`aws ${quoted}`, as);
      assert.equal(mine.exitCode, 0, mine.stderr);
      assert.equal(mine.stdout, real.stdout);
    });
  }

  it('a service error: the same message (v2 adds "aws: [ERROR]: " and exits 254 where v1 exits 255)', async (t) => {
    if (!hasAws) return t.skip('aws CLI not on PATH');
    const real = await realAws(['s3', 'ls'], key);
    const mine = await ours('aws s3 ls', key);
    assert.equal(real.code, 255);
    assert.equal(mine.exitCode, 254);
    assert.equal(mine.stderr.replace('aws: [ERROR]: ', ''), real.stderr);
  });

  it('an unknown option: the same usage block and message (252 on v2)', async (t) => {
    if (!hasAws) return t.skip('aws CLI not on PATH');
    const real = await realAws(['sts', 'get-caller-identity', '--bogus'], key);
    const mine = await ours('aws sts get-caller-identity --bogus', key);
    assert.equal(mine.exitCode, 252);
    const usage = (s: string) => /usage: aws \[options\][^\n]*\n(?:[^\n]*\n){5}/.exec(s)?.[0];
    assert.ok(usage(real.stderr));
    assert.equal(usage(mine.stderr), usage(real.stderr));
    assert.match(real.stderr, /\nUnknown options: --bogus\n$/);
    assert.match(mine.stderr, /Unknown options: --bogus\n$/);
  });
});
