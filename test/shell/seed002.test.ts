// Seed 002, steps 17–20 (the CLI part): configure James's keys, get-caller-identity as James,
// `aws s3 ls` denied, list-roles --query, assume-role, the three exports, identity as the role,
// `aws s3 ls` allowed — exact output in json, text and table.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAll, seed002, shell } from './helpers.js';

const A = '123456789012';
const ROLE_ARN = `arn:aws:iam::${A}:role/James-custom-S3-role`;
const QUERY = `--query "Roles[?RoleName == 'James-custom-S3-role'].[RoleName, Arn]"`;

async function asJames() {
  const { s, key } = seed002();
  const sh = shell(s);
  const r = await runAll(sh, [
    `aws configure set aws_access_key_id ${key.accessKeyId}`,
    `aws configure set aws_secret_access_key ${key.secretAccessKey}`,
    'aws configure set region us-east-1',
  ]);
  for (const x of r) assert.equal(x.exitCode, 0);
  const james = s.world.iam.user(A, 'James')!;
  const role = s.world.iam.role(A, 'James-custom-S3-role')!;
  return { s, sh, key, jamesId: james.id, roleId: role.id };
}

describe('seed 002 — CLI as James, then as James-custom-S3-role', () => {
  it('step 17/18: identity as James (json, text, table)', async () => {
    const { sh, jamesId } = await asJames();
    const json = await sh.run('aws sts get-caller-identity');
    assert.equal(json.exitCode, 0);
    assert.equal(json.stderr, '');
    assert.equal(json.stdout, `{\n    "UserId": "${jamesId}",\n    "Account": "${A}",\n    "Arn": "arn:aws:iam::${A}:user/James"\n}\n`);
    const text = await sh.run('aws sts get-caller-identity --output text');
    assert.equal(text.stdout, `${A}\tarn:aws:iam::${A}:user/James\t${jamesId}\n`);
    // 83 columns as a row table, wider than the 80-column default: the CLI turns it vertical.
    const table = await sh.run('aws sts get-caller-identity --output table');
    assert.equal(
      table.stdout,
      [
        '-----------------------------------------------------',
        '|                 GetCallerIdentity                 |',
        '+---------+-----------------------------------------+',
        `|  Account|  ${A}                           |`,
        `|  Arn    |  arn:aws:iam::${A}:user/James   |`,
        `|  UserId |  ${jamesId}                  |`,
        '+---------+-----------------------------------------+',
        '',
      ].join('\n'),
    );
  });

  it('step 18: identity as James on a wide terminal (one row under column headers)', async () => {
    const { s, sh, jamesId } = await asJames();
    const wide = shell(s, { columns: 200, state: sh.state });
    const table = await wide.run('aws sts get-caller-identity --output table');
    assert.equal(
      table.stdout,
      [
        '-'.repeat(83),
        `|${' '.repeat(32)}GetCallerIdentity${' '.repeat(32)}|`,
        `+${'-'.repeat(14)}+${'-'.repeat(40)}+${'-'.repeat(25)}+`,
        `|    Account   |${' '.repeat(18)}Arn${' '.repeat(19)}|${' '.repeat(9)}UserId${' '.repeat(10)}|`,
        `+${'-'.repeat(14)}+${'-'.repeat(40)}+${'-'.repeat(25)}+`,
        `|  ${A}|  arn:aws:iam::${A}:user/James  |  ${jamesId}  |`,
        `+${'-'.repeat(14)}+${'-'.repeat(40)}+${'-'.repeat(25)}+`,
        '',
      ].join('\n'),
    );
  });

  it('step 18: aws s3 ls is denied to James (exit 254, the CLI error line)', async () => {
    const { sh } = await asJames();
    const r = await sh.run('aws s3 ls');
    assert.equal(r.exitCode, 254);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^\naws: \[ERROR\]: An error occurred \(AccessDenied\) when calling the ListBuckets operation: .+\n$/);
    assert.match(r.stderr, /arn:aws:iam::123456789012:user\/James/);
    assert.equal(r.calls.length, 1);
    assert.equal(r.calls[0]!.request.operation, 'ListBuckets');
    assert.equal(r.calls[0]!.request.via, 'shell');
    const ex = sh.lastExplanation();
    assert.equal(ex?.decision, 'Deny');
    assert.equal(ex?.request.action, 's3:ListAllMyBuckets');
  });

  it('step 19: list-roles --query in json, text and table', async () => {
    const { sh } = await asJames();
    const [json, text, table] = await runAll(sh, [`aws iam list-roles ${QUERY}`, `aws iam list-roles ${QUERY} --output text`, `aws iam list-roles ${QUERY} --output table`]);
    assert.equal(json!.stdout, `[\n    [\n        "James-custom-S3-role",\n        "${ROLE_ARN}"\n    ]\n]\n`);
    assert.equal(text!.stdout, `James-custom-S3-role\t${ROLE_ARN}\n`);
    assert.equal(
      table!.stdout,
      [
        '---------------------------------------------------------------------------------',
        '|                                   ListRoles                                   |',
        '+-----------------------+-------------------------------------------------------+',
        `|  James-custom-S3-role |  ${ROLE_ARN}  |`,
        '+-----------------------+-------------------------------------------------------+',
        '',
      ].join('\n'),
    );
    const none = await sh.run(`aws iam list-roles --query "Roles[?RoleName == 'james-custom-s3-role'].[RoleName, Arn]"`);
    assert.equal(none.stdout, '[]\n', 'the filter is case-sensitive; no match prints []');
    assert.equal(none.exitCode, 0);
  });

  it('step 19: assume-role prints the credentials (json and text)', async () => {
    const { sh, roleId } = await asJames();
    const r = await sh.run(`aws sts assume-role --role-arn "${ROLE_ARN}" --role-session-name Radkowski-CLI-test`);
    assert.equal(r.exitCode, 0, r.stderr);
    const m = /"AccessKeyId": "(ASIA[A-Z0-9]{16})",\n {8}"SecretAccessKey": "([^"]{40})",\n {8}"SessionToken": "([^"]+)"/.exec(r.stdout);
    assert.ok(m, r.stdout);
    const [, ak, sk, st] = m;
    assert.equal(
      r.stdout,
      `{
    "Credentials": {
        "AccessKeyId": "${ak}",
        "SecretAccessKey": "${sk}",
        "SessionToken": "${st}",
        "Expiration": "2026-01-01T10:00:00+00:00"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "${roleId}:Radkowski-CLI-test",
        "Arn": "arn:aws:sts::${A}:assumed-role/James-custom-S3-role/Radkowski-CLI-test"
    }
}
`,
    );
    const t = await sh.run(`aws sts assume-role --role-arn ${ROLE_ARN} --role-session-name Radkowski-CLI-test --output text`);
    const lines = t.stdout.split('\n');
    assert.equal(lines[0], `ASSUMEDROLEUSER\tarn:aws:sts::${A}:assumed-role/James-custom-S3-role/Radkowski-CLI-test\t${roleId}:Radkowski-CLI-test`);
    assert.match(lines[1]!, /^CREDENTIALS\tASIA[A-Z0-9]{16}\t2026-01-01T10:00:00\+00:00\t\S{40}\t\S+$/);
    assert.equal(lines[2], '');
    assert.equal(lines.length, 3);
  });

  it('step 20: the three exports, identity as the role, s3 ls allowed (and table output of the role identity)', async () => {
    const { sh, roleId } = await asJames();
    const assumed = await sh.run(`aws sts assume-role --role-arn "${ROLE_ARN}" --role-session-name Radkowski-CLI-test`);
    const c = JSON.parse(assumed.stdout).Credentials as Record<string, string>;
    // Pasted as the tutorial does it, one export per line.
    const ex = await runAll(sh, [`export AWS_ACCESS_KEY_ID=${c.AccessKeyId}`, `export AWS_SECRET_ACCESS_KEY=${c.SecretAccessKey}`, `export AWS_SESSION_TOKEN=${c.SessionToken}`]);
    for (const x of ex) assert.equal(x.exitCode, 0);
    const who = await sh.run('aws sts get-caller-identity');
    const arn = `arn:aws:sts::${A}:assumed-role/James-custom-S3-role/Radkowski-CLI-test`;
    assert.equal(who.stdout, `{\n    "UserId": "${roleId}:Radkowski-CLI-test",\n    "Account": "${A}",\n    "Arn": "${arn}"\n}\n`);
    const table = await sh.run('aws sts get-caller-identity --output table');
    const uid = `${roleId}:Radkowski-CLI-test`;
    assert.equal(
      table.stdout,
      [
        '-'.repeat(95),
        `|${' '.repeat(38)}GetCallerIdentity${' '.repeat(38)}|`,
        `+---------+${'-'.repeat(83)}+`,
        `|  Account|  ${A}${' '.repeat(69)}|`,
        `|  Arn    |  ${arn}${' '.repeat(3)}|`,
        `|  UserId |  ${uid}${' '.repeat(41)}|`,
        `+---------+${'-'.repeat(83)}+`,
        '',
      ].join('\n'),
    );
    const ls = await sh.run('aws s3 ls');
    assert.equal(ls.exitCode, 0, ls.stderr);
    assert.equal(ls.stdout, '2026-01-01 09:00:00 company-logs\n2026-01-01 09:00:00 james-reports\n');
    const text = await sh.run('aws s3api list-buckets --query "Buckets[].Name" --output text');
    assert.equal(text.stdout, 'company-logs\tjames-reports\n');
    // unset switches back to James (the default profile)
    await sh.run('unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN');
    assert.equal((await sh.run('aws s3 ls')).exitCode, 254);
  });

  it("step 20: the tutorials' creds=$(… --query Credentials) and jq pattern", async () => {
    const { sh } = await asJames();
    const r = await runAll(sh, [
      `creds=$(aws sts assume-role --role-arn ${ROLE_ARN} --role-session-name Radkowski-CLI-test --query Credentials --output json)`,
      'export AWS_ACCESS_KEY_ID=$(echo "$creds" | jq -r .AccessKeyId)',
      'export AWS_SECRET_ACCESS_KEY=$(echo "$creds" | jq -r .SecretAccessKey)',
      'export AWS_SESSION_TOKEN=$(echo "$creds" | jq -r .SessionToken)',
      'aws sts get-caller-identity --query Arn --output text',
    ]);
    assert.equal(r[0]!.exitCode, 0);
    assert.equal(r[0]!.calls.length, 1, 'the substitution made the AssumeRole call');
    assert.equal(r[4]!.stdout, `arn:aws:sts::${A}:assumed-role/James-custom-S3-role/Radkowski-CLI-test\n`);
    assert.equal(sh.state.vars?.creds?.startsWith('{'), true, 'creds is a shell variable, not exported');
    assert.equal(sh.state.env.creds, undefined);
  });

  it('the tutorial as printed (en dashes, curly quotes) is explained, not run', async () => {
    const { sh } = await asJames();
    const r = await sh.run('aws iam list-roles –query “Roles[?RoleName == ‘James-custom-S3-role’].[RoleName, Arn]”');
    assert.equal(r.exitCode, 252);
    assert.equal(r.calls.length, 0);
    assert.match(r.stderr, /'–query' starts with an en dash \(U\+2013\), not two ASCII hyphens \(--\)/);
    assert.match(r.stderr, /curly quote “ \(U\+201C\)/);
    assert.ok(r.stderr.endsWith(`  aws iam list-roles ${QUERY}\n`), r.stderr);
    const r2 = await sh.run(`aws sts assume-role –role-arn “${ROLE_ARN}” –role-session-name Radkowski-CLI-test`);
    assert.equal(r2.exitCode, 252);
    assert.ok(r2.stderr.endsWith(`  aws sts assume-role --role-arn "${ROLE_ARN}" --role-session-name Radkowski-CLI-test\n`), r2.stderr);
  });
});
