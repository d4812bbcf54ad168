// Bad input as the AWS CLI reports it, with its exit statuses (0, 252, 253, 254, 255), and
// the rule that a failed command changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAll, seed002, shell, USAGE_TAIL } from './helpers.js';

async function james() {
  const { s, key } = seed002();
  const sh = shell(s);
  sh.state.credentials.default = { aws_access_key_id: key.accessKeyId, aws_secret_access_key: key.secretAccessKey };
  sh.state.config.default = { region: 'us-east-1' };
  return { s, sh };
}

describe('the CLI’s messages for bad input', () => {
  it('unknown operation: "Found invalid choice" with the closest names (252)', async () => {
    const { sh } = await james();
    const r = await sh.run('aws sts asume-role --role-arn x --role-session-name y');
    assert.equal(r.exitCode, 252);
    assert.equal(r.stderr, `\naws: [ERROR]: An error occurred (ParamValidation): argument operation: Found invalid choice 'asume-role'\n\nMaybe you meant:\n\n  * assume-role${USAGE_TAIL}`);
    assert.equal(r.calls.length, 0);
  });

  it('unknown service with a suggestion; a real service the simulation lacks; an operation it lacks', async () => {
    const { sh } = await james();
    const r = await sh.run('aws iamm list-users');
    assert.equal(r.exitCode, 252);
    assert.match(r.stderr, /argument command: Found invalid choice 'iamm'\n\nMaybe you meant:\n\n {2}\* iam\n/);
    const lambda = await sh.run('aws lambda list-functions');
    assert.equal(lambda.exitCode, 255);
    assert.match(lambda.stderr, /real AWS CLI command, but the simulated account has no lambda service/);
    const op = await sh.run('aws iam list-instance-profiles');
    assert.equal(op.exitCode, 255);
    assert.match(op.stderr, /IAM ListInstanceProfiles\), but the simulated account does not implement it/);
  });

  it('missing required parameters, all named, in the CLI’s order (252)', async () => {
    const { sh } = await james();
    const r = await sh.run('aws sts assume-role');
    assert.equal(r.stderr, `\naws: [ERROR]: An error occurred (ParamValidation): the following arguments are required: --role-arn, --role-session-name${USAGE_TAIL}`);
    const one = await sh.run('aws sts assume-role --role-arn arn:aws:iam::123456789012:role/James-custom-S3-role');
    assert.match(one.stderr, /the following arguments are required: --role-session-name\n/);
    assert.equal(one.exitCode, 252);
    const typo = await sh.run('aws iam get-role --rolename x');
    assert.match(typo.stderr, /the following arguments are required: --role-name\n/);
    assert.match(typo.stderr, /iamlab: --rolename is not an option here; did you mean --role-name\?\n$/);
  });

  it('unknown options: usage first, then the error, then the closest names (252)', async () => {
    const { sh } = await james();
    const r = await sh.run('aws sts get-caller-identity --rgion us-east-1');
    assert.equal(r.exitCode, 252);
    assert.equal(
      r.stderr,
      '\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n\n\naws: [ERROR]: Unknown options: --rgion, us-east-1\niamlab: --rgion is not an option here; did you mean --region or --version?\n',
    );
    const stray = await sh.run('aws sts get-caller-identity extra');
    assert.match(stray.stderr, /aws: \[ERROR\]: Unknown options: extra\n$/);
  });

  it('malformed JSON in a parameter says where (Python json messages, line and column)', async () => {
    const { sh } = await james();
    const r = await sh.run(`aws iam tag-role --role-name James-custom-S3-role --tags '[{"Key": "team", "Value": "blue"},]'`);
    assert.equal(r.exitCode, 252);
    assert.equal(
      r.stderr,
      `\naws: [ERROR]: An error occurred (ParamValidation): Error parsing parameter '--tags': Invalid JSON: Illegal trailing comma before end of array: line 1 column 34 (char 33)\nJSON received: [{"Key": "team", "Value": "blue"},]\n`,
    );
    await sh.run(`cat > tags.json <<'EOF'\n[\n  {"Key": "team"\n   "Value": "blue"}\n]\nEOF`);
    const f = await sh.run('aws iam tag-role --role-name James-custom-S3-role --tags file://tags.json');
    assert.match(f.stderr, /Invalid JSON: Expecting ',' delimiter: line 3 column 4 \(char 22\)\n/);
    assert.equal(f.calls.length, 0);
  });

  it('a policy document with a syntax error: the service’s error, then where it is', async () => {
    const { s, sh } = await james();
    sh.state.credentials.default = { ...s.world.rootCredentials('123456789012') } as never;
    const root = s.world.rootCredentials('123456789012');
    sh.state.credentials.default = { aws_access_key_id: root.accessKeyId, aws_secret_access_key: root.secretAccessKey };
    await sh.run(`cat > trust.json <<'EOF'\n{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow" "Action": "sts:AssumeRole", "Principal": {"AWS": "123456789012"}}\n  ]\n}\nEOF`);
    const r = await sh.run('aws iam create-role --role-name r1 --assume-role-policy-document file://trust.json');
    assert.equal(r.exitCode, 254);
    const lines = r.stderr.split('\n');
    assert.equal(lines[1], 'aws: [ERROR]: An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: Syntax errors in policy.');
    assert.match(lines[2]!, /^iamlab: file:\/\/trust\.json \(--assume-role-policy-document\): line 4, column \d+: Expecting ',' delimiter$/);
    assert.equal(lines[3], '      {"Effect": "Allow" "Action": "sts:AssumeRole", "Principal": {"AWS": "123456789012"}}');
    assert.equal(s.world.iam.role('123456789012', 'r1'), undefined, 'a failed command changes nothing');
  });

  it('client-side minimums exactly as botocore: lengths and values (252, nothing sent)', async () => {
    const { sh } = await james();
    const r = await sh.run('aws sts assume-role --role-arn arn:a --role-session-name x --duration-seconds 100');
    assert.equal(r.exitCode, 252);
    assert.equal(
      r.stderr,
      '\naws: [ERROR]: An error occurred (ParamValidation): Parameter validation failed:\nInvalid length for parameter RoleArn, value: 5, valid min length: 20\nInvalid length for parameter RoleSessionName, value: 1, valid min length: 2\nInvalid value for parameter DurationSeconds, value: 100, valid min value: 900\n',
    );
    assert.equal(r.calls.length, 0);
    const bad = await sh.run('aws sts assume-role --role-arn arn:aws:iam::123456789012:role/x --role-session-name ab --duration-seconds abc');
    assert.equal(bad.exitCode, 255);
    assert.equal(bad.stderr, "\naws: [ERROR]: invalid literal for int() with base 10: 'abc'\n");
    const longName = await sh.run(`aws sts assume-role --role-arn arn:aws:iam::123456789012:role/James-custom-S3-role --role-session-name ${'x'.repeat(65)}`);
    assert.equal(longName.exitCode, 254, 'maximums are the service’s to check');
    assert.match(longName.stderr, /ValidationError/);
  });

  it('shorthand syntax errors and unknown keys', async () => {
    const { sh } = await james();
    const r = await sh.run('aws iam tag-role --role-name James-custom-S3-role --tags Key');
    assert.equal(r.exitCode, 252);
    assert.equal(r.stderr, "\naws: [ERROR]: An error occurred (ParamValidation): Error parsing parameter '--tags': Expected: '=', received: 'EOF' for input:\n Key\n   ^\n");
    const k = await sh.run('aws iam tag-role --role-name James-custom-S3-role --tags Kee=a,Value=b');
    assert.match(k.stderr, /Parameter validation failed:\nMissing required parameter in Tags\[0\]: "Key"\nUnknown parameter in Tags\[0\]: "Kee", must be one of: Key, Value\n/);
  });

  it('exit status 0 for success, 254 for a service error, in && chains', async () => {
    const { sh } = await james();
    const r = await sh.run('aws s3 ls && echo never || echo "denied: $?"');
    assert.equal(r.stdout, 'denied: 254\n');
    assert.equal(r.exitCode, 0);
    const ok = await sh.run('aws sts get-caller-identity > me.json && cat me.json | jq -r .Arn');
    assert.equal(ok.stdout, 'arn:aws:iam::123456789012:user/James\n');
    assert.equal(ok.exitCode, 0);
  });

  it('bad --query and --output values', async () => {
    const { sh } = await james();
    const q = await sh.run('aws sts get-caller-identity --query "Arn["');
    assert.equal(q.exitCode, 252);
    assert.match(q.stderr, /^\naws: \[ERROR\]: An error occurred \(ParamValidation\): Bad value for --query Arn\[: /);
    const o = await sh.run('aws sts get-caller-identity --output xml');
    assert.equal(o.exitCode, 252);
    assert.match(o.stderr, /argument --output: Found invalid choice 'xml'/);
  });

  it('shell-level mistakes: a pasted prompt, unknown commands, unterminated quotes, files outside the workspace', async () => {
    const { sh } = await james();
    const p = await sh.run('$ aws sts get-caller-identity');
    assert.equal(p.exitCode, 127);
    assert.match(p.stderr, /'\$' is the prompt of the tutorial you copied from; leave it out and type: aws sts get-caller-identity/);
    const u = await sh.run('awss sts get-caller-identity');
    assert.match(u.stderr, /iamlab: awss: command not found\. Did you mean: aws/);
    const q = await sh.run('echo "unterminated');
    assert.equal(q.exitCode, 2);
    assert.match(q.stderr, /unexpected end of input: unterminated double quote/);
    assert.equal(sh.needsMore('echo "unterminated'), true);
    const esc = await sh.run('cat ../../etc/passwd');
    assert.equal(esc.exitCode, 1);
    assert.match(esc.stderr, /outside the workspace/);
    const w = await sh.run('echo hi > ../x.txt');
    assert.match(w.stderr, /outside the workspace/);
  });

  it('never a stack trace: a sweep of odd inputs gives messages and statuses', async () => {
    const { sh } = await james();
    const inputs = [
      'aws',
      'aws sts',
      'aws --output',
      'aws sts get-caller-identity --output',
      'aws iam tag-role --role-name x --tags',
      "aws iam tag-role --role-name x --tags '{'",
      'aws iam list-roles --max-items x',
      'aws iam list-roles --starting-token notbase64',
      'aws s3 mb bucket',
      'aws s3 mb s3://Bad_Bucket!',
      'aws s3 cp nope.txt s3://b/',
      'aws s3api get-object --bucket james-reports --key k',
      'aws configure get',
      'aws configure set region',
      'console',
      'console open nowhere',
      'console switch-role --role-name x',
      'explain',
      'jq .a',
      'echo "$(aws sts nope)"',
      'export 1A=2',
      ')',
      'cat <<',
      'a && && b',
    ];
    for (const line of inputs) {
      const r = await sh.run(line);
      assert.ok(!/\n\s+at .+\(.+:\d+:\d+\)/.test(r.stderr), `${line}: ${r.stderr}`);
      assert.equal(typeof r.exitCode, 'number');
    }
    const results = await runAll(sh, ['aws', 'aws sts']);
    assert.match(results[0]!.stderr, /the following arguments are required: command/);
    assert.match(results[1]!.stderr, /the following arguments are required: operation/);
  });
});
