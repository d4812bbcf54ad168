// Pagination as the CLI does it (--max-items, --starting-token, --page-size, --no-paginate,
// text output page by page with NEXTTOKEN), the `aws s3` commands, s3api bodies and files,
// and the output settings (--output off, AWS_DEFAULT_OUTPUT, the profile's output).
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAll, shell, world } from './helpers.js';

function admin() {
  const s = world('output', ['123456789012']);
  const root = s.world.rootCredentials('123456789012');
  for (const u of ['alice', 'bob', 'carol']) s.user('123456789012', u);
  const sh = shell(s);
  sh.state.credentials.default = { aws_access_key_id: root.accessKeyId, aws_secret_access_key: root.secretAccessKey };
  sh.state.config.default = { region: 'us-east-1' };
  return { s, sh };
}

describe('pagination', () => {
  it('--max-items and --starting-token resume where the last page stopped', async () => {
    const { sh } = admin();
    const first = await sh.run('aws iam list-users --max-items 2 --query "[Users[].UserName, NextToken]"');
    const [names, token] = JSON.parse(first.stdout) as [string[], string];
    assert.deepEqual(names, ['alice', 'bob']);
    assert.deepEqual(JSON.parse(Buffer.from(token, 'base64').toString()), { Marker: null, boto_truncate_amount: 2 });
    const rest = await sh.run(`aws iam list-users --starting-token ${token} --query "Users[].UserName" --output text`);
    assert.equal(rest.stdout, 'carol\n');
  });

  it('text output goes page by page, the query applies to each page, NEXTTOKEN last', async () => {
    const { sh } = admin();
    assert.equal((await sh.run('aws iam list-users --page-size 1 --query "Users[].UserName" --output text')).stdout, 'alice\nbob\ncarol\n');
    assert.equal((await sh.run('aws iam list-users --query "Users[].UserName" --output text')).stdout, 'alice\tbob\tcarol\n');
    const t = await sh.run('aws iam list-users --max-items 1 --query "Users[].UserName" --output text');
    assert.match(t.stdout, /^alice\nNEXTTOKEN\t[A-Za-z0-9+/=]+\n$/);
    const pages = await sh.run('aws iam list-users --page-size 2');
    assert.equal(pages.calls.length, 2, 'two pages, two calls');
    assert.deepEqual(pages.calls.map((c) => c.request.input.MaxItems), [2, 2]);
    assert.deepEqual(JSON.parse(pages.stdout).Users.map((u: { UserName: string }) => u.UserName), ['alice', 'bob', 'carol']);
    assert.deepEqual(Object.keys(JSON.parse(pages.stdout)), ['Users'], 'no IsTruncated/Marker in the merged result');
  });

  it('--no-paginate returns the raw page; a manual --marker turns pagination off', async () => {
    const { sh } = admin();
    const raw = JSON.parse((await sh.run('aws iam list-users --no-paginate --max-items 1')).stdout);
    assert.equal(raw.IsTruncated, true);
    assert.equal(raw.Users.length, 1);
    assert.equal(typeof raw.Marker, 'string');
    const m = JSON.parse((await sh.run(`aws iam list-users --marker ${raw.Marker}`)).stdout);
    assert.deepEqual(m.Users.map((u: { UserName: string }) => u.UserName), ['bob', 'carol']);
    const bad = await sh.run('aws iam list-users --no-paginate --starting-token x');
    assert.equal(bad.exitCode, 252);
    assert.match(bad.stderr, /Cannot specify --no-paginate along with pagination arguments: --starting-token/);
  });
});

describe('aws s3 and s3api with the workspace', () => {
  it('mb, cp up and down, ls (buckets, prefixes, recursive), rm, rb', async () => {
    const { sh } = admin();
    const r = await runAll(sh, [
      'aws s3 mb s3://lab-bucket',
      "printf 'hello\\n' > hello.txt",
      'aws s3 cp hello.txt s3://lab-bucket/dir/',
      'aws s3 cp hello.txt s3://lab-bucket/top.txt',
      'aws s3 ls',
      'aws s3 ls s3://lab-bucket',
      'aws s3 ls s3://lab-bucket --recursive --summarize',
      'aws s3 cp s3://lab-bucket/top.txt copy.txt',
      'cat copy.txt',
      'aws s3 rm s3://lab-bucket/top.txt',
      'aws s3 rb s3://lab-bucket',
      'aws s3 mb lab-bucket',
    ]);
    assert.deepEqual(
      r.map((x) => x.stdout),
      [
        'make_bucket: lab-bucket\n',
        '',
        'upload: hello.txt to s3://lab-bucket/dir/hello.txt\n',
        'upload: hello.txt to s3://lab-bucket/top.txt\n',
        '2026-01-01 09:00:00 lab-bucket\n',
        '                           PRE dir/\n2026-01-01 09:00:00          6 top.txt\n',
        '2026-01-01 09:00:00          6 dir/hello.txt\n2026-01-01 09:00:00          6 top.txt\n\nTotal Objects: 2\n   Total Size: 12\n',
        'download: s3://lab-bucket/top.txt to copy.txt\n',
        'hello\n',
        'delete: s3://lab-bucket/top.txt\n',
        '',
        '',
      ],
    );
    assert.equal(r[10]!.exitCode, 1, 'rb of a bucket that still has objects fails');
    assert.match(r[10]!.stderr, /^remove_bucket failed: s3:\/\/lab-bucket An error occurred \(BucketNotEmpty\) when calling the DeleteBucket operation: /);
    assert.equal(r[11]!.exitCode, 252);
    assert.equal(r[11]!.stderr, '\naws: [ERROR]: An error occurred (ParamValidation): <S3Uri>\nError: Invalid argument type\n');
    const none = await sh.run('aws s3 ls s3://lab-bucket/nothing-here');
    assert.equal(none.exitCode, 1, 'a prefix with nothing under it');
  });

  it('s3api put-object --body FILE, get-object OUTFILE (the body goes to the file, not the output)', async () => {
    const { sh } = admin();
    await runAll(sh, ['aws s3api create-bucket --bucket lab-bucket', "printf 'data' > in.txt"]);
    const put = await sh.run('aws s3api put-object --bucket lab-bucket --key k --body in.txt');
    assert.equal(put.exitCode, 0, put.stderr);
    assert.deepEqual(Object.keys(JSON.parse(put.stdout)), ['ETag']);
    const get = await sh.run('aws s3api get-object --bucket lab-bucket --key k out.txt');
    assert.equal(get.exitCode, 0, get.stderr);
    assert.equal(JSON.parse(get.stdout).Body, undefined);
    assert.equal(JSON.parse(get.stdout).ContentLength, 4);
    assert.equal((await sh.run('cat out.txt')).stdout, 'data');
    const missing = await sh.run('aws s3api get-object --bucket lab-bucket --key k');
    assert.match(missing.stderr, /the following arguments are required: outfile/);
    const head = await sh.run('aws s3api head-bucket --bucket no-such-bucket-here');
    assert.equal(head.stderr, '\naws: [ERROR]: An error occurred (404) when calling the HeadBucket operation: Not Found\n');
    const name = await sh.run('aws s3api create-bucket --bucket "bad name"');
    assert.equal(name.exitCode, 252);
    assert.match(name.stderr, /Invalid bucket name "bad name": Bucket name must match the regex/);
  });
});

describe('output settings', () => {
  it('--output off, AWS_DEFAULT_OUTPUT, the profile output, and --output beating both', async () => {
    const { sh } = admin();
    assert.equal((await sh.run('aws sts get-caller-identity --output off')).stdout, '');
    sh.state.config.default!.output = 'text';
    assert.equal((await sh.run('aws sts get-caller-identity --query Account')).stdout, '123456789012\n');
    assert.equal((await sh.run('AWS_DEFAULT_OUTPUT=json aws sts get-caller-identity --query Account')).stdout, '"123456789012"\n');
    assert.equal((await sh.run('AWS_DEFAULT_OUTPUT=json aws sts get-caller-identity --query Account --output yaml')).stdout, '"123456789012"\n');
    assert.equal((await sh.run('aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess')).stdout, '', 'no output for an empty response');
  });

  it('yaml output of a response', async () => {
    const { sh } = admin();
    const r = await sh.run('aws iam list-attached-user-policies --user-name alice --output yaml');
    assert.equal(r.stdout, 'AttachedPolicies: []\n');
    await sh.run('aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess');
    const y = await sh.run('aws iam list-attached-user-policies --user-name alice --output yaml');
    assert.equal(y.stdout, 'AttachedPolicies:\n- PolicyName: ReadOnlyAccess\n  PolicyArn: arn:aws:iam::aws:policy/ReadOnlyAccess\n');
  });

  it('--generate-cli-skeleton and --cli-input-json (command-line values win)', async () => {
    const { sh } = admin();
    const sk = await sh.run('aws iam tag-user --generate-cli-skeleton');
    assert.equal(sk.stdout, '{\n    "UserName": "",\n    "Tags": [\n        {\n            "Key": "",\n            "Value": ""\n        }\n    ]\n}\n');
    assert.equal(sk.calls.length, 0);
    await sh.run(`cat > in.json <<'EOF'\n{"UserName": "alice", "Tags": [{"Key": "team", "Value": "red"}]}\nEOF`);
    const r = await sh.run('aws iam tag-user --cli-input-json file://in.json --user-name bob');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.calls[0]!.request.input.UserName, 'bob');
    assert.deepEqual(r.calls[0]!.request.input.Tags, [{ Key: 'team', Value: 'red' }]);
    const miss = await sh.run(`aws iam tag-user --cli-input-json '{"UserName": "bob"}'`);
    assert.equal(miss.stderr, '\naws: [ERROR]: An error occurred (ParamValidation): Parameter validation failed:\nMissing required parameter in input: "Tags"\n');
    const out = await sh.run('aws sts get-caller-identity --generate-cli-skeleton output');
    assert.equal(out.stdout, '{\n    "UserId": "UserId",\n    "Account": "Account",\n    "Arn": "Arn"\n}\n');
    assert.equal(out.calls.length, 0);
  });

  it('pipes into head, wc, sort, grep', async () => {
    const { sh } = admin();
    const r = await sh.run('aws iam list-users --query "Users[].UserName" --output text | tr 2>/dev/null; aws iam list-users --query "Users[].[UserName]" --output text | sort -r | head -n 2');
    assert.equal(r.stdout, 'carol\nbob\n');
    assert.equal((await sh.run('aws iam list-users --query "Users[].[UserName]" --output text | grep -v bob | wc -l')).stdout, '2\n');
  });

  it('completion: services, operations, parameters, profiles, files', async () => {
    const { sh } = admin();
    sh.state.config.dev = { region: 'eu-west-1' };
    await sh.run('touch trust.json');
    assert.deepEqual(sh.complete('aws st').candidates, ['sts']);
    assert.deepEqual(sh.complete('aws sts assume').candidates, ['assume-role']);
    assert.deepEqual(sh.complete('aws sts assume-role --role-s').candidates, ['--role-session-name']);
    const c = sh.complete('aws sts get-caller-identity --profile d');
    assert.deepEqual(c, { replaceFrom: 'aws sts get-caller-identity --profile '.length, candidates: ['default', 'dev'].filter((x) => x.startsWith('d')) });
    assert.deepEqual(sh.complete('aws iam create-role --assume-role-policy-document file://tr').candidates, ['file://trust.json']);
    assert.deepEqual(sh.complete('cons').candidates, ['console']);
    assert.deepEqual(sh.complete('console open e').candidates, ['ec2']);
    assert.ok(sh.complete('aws iam list-roles --').candidates.includes('--max-items'));
    assert.ok(!sh.complete('aws iam list-roles --').candidates.includes('--marker'), 'undocumented paging members are not offered');
  });
});
