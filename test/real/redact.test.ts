import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor, persistableShellState, redactHistoryLine, redactSecret } from '../../src/real/redact.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEBYaDHqa0AP1/6lTB5kBIyKlAZ9+token+tail9Zq';

test('redactSecret keeps only the last four characters', () => {
  assert.equal(redactSecret(SECRET), '****…EKEY');
  assert.equal(redactSecret('short'), '****');
});

test('known secrets are hidden in every output format, and reveal gives the full text back', () => {
  const r = new Redactor();
  r.rememberOutput({ Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: new Date() }, AssumedRoleUser: { Arn: 'arn:aws:sts::1:assumed-role/r/s' } });
  assert.equal(r.size, 2);
  const json = JSON.stringify({ Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: SECRET, SessionToken: TOKEN } }, null, 4);
  const shown = r.apply(json);
  assert.ok(!shown.includes(SECRET) && !shown.includes(TOKEN));
  assert.match(shown, /"SecretAccessKey": "\*\*\*\*…EKEY"/);
  assert.match(shown, /"SessionToken": "\*\*\*\*…l9Zq"/);
  assert.match(shown, /ASIAEXAMPLE/, 'access key ids are not secrets');
  const text = r.apply(`CREDENTIALS\tASIAEXAMPLE\t2026-01-01T00:00:00Z\t${SECRET}\t${TOKEN}\n`);
  assert.equal(text, 'CREDENTIALS\tASIAEXAMPLE\t2026-01-01T00:00:00Z\t****…EKEY\t****…l9Zq\n');
  assert.equal(r.lastRedacted(), `CREDENTIALS\tASIAEXAMPLE\t2026-01-01T00:00:00Z\t${SECRET}\t${TOKEN}\n`);
  assert.equal(r.apply('nothing secret here'), 'nothing secret here');
});

test('secrets from the shell state (env and profiles) are remembered', () => {
  const r = new Redactor();
  r.rememberState({ env: { AWS_SECRET_ACCESS_KEY: SECRET, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }, config: {}, credentials: { dev: { aws_secret_access_key: TOKEN } } });
  assert.equal(r.apply(`AWS_SECRET_ACCESS_KEY=${SECRET}\nsecret ${TOKEN}`), 'AWS_SECRET_ACCESS_KEY=****…EKEY\nsecret ****…l9Zq');
});

test('a pasted redacted value expands to the one secret it stands for', () => {
  const r = new Redactor();
  r.remember(SECRET);
  r.remember(TOKEN);
  const e = r.expandRedacted('export AWS_SECRET_ACCESS_KEY=****…EKEY AWS_SESSION_TOKEN=****...l9Zq X=****…NONE');
  assert.equal(e.line, `export AWS_SECRET_ACCESS_KEY=${SECRET} AWS_SESSION_TOKEN=${TOKEN} X=****…NONE`);
  assert.equal(e.expanded, 2);
  assert.deepEqual(e.unknown, ['****…NONE']);
  // ambiguous: two secrets with the same last four characters are never guessed
  r.remember('another-secret-value-EKEY');
  const amb = r.expandRedacted('export AWS_SECRET_ACCESS_KEY=****…EKEY');
  assert.equal(amb.expanded, 0);
  assert.deepEqual(amb.unknown, ['****…EKEY']);
});

test('persistable state: no secret values in env, profiles or history', () => {
  const state = {
    env: { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN, AWS_REGION: 'eu-west-1' },
    config: { default: { region: 'eu-west-1' }, dev: { aws_session_token: TOKEN, role_arn: 'arn:aws:iam::1:role/r' } },
    credentials: { default: { aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: SECRET } },
    console: { roleHistory: [] },
    history: [`export AWS_SECRET_ACCESS_KEY=${SECRET}`, `export AWS_SESSION_TOKEN="${TOKEN}"`, `aws configure set aws_secret_access_key ${SECRET} --profile dev`, 'aws sts get-caller-identity'],
  };
  const p = persistableShellState(state);
  const disk = JSON.stringify(p);
  assert.ok(!disk.includes(SECRET) && !disk.includes(TOKEN), disk);
  assert.deepEqual(p.env, { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_REGION: 'eu-west-1' });
  assert.deepEqual(p.credentials, { default: { aws_access_key_id: 'AKIAEXAMPLE' } });
  assert.deepEqual(p.config.dev, { role_arn: 'arn:aws:iam::1:role/r' });
  assert.deepEqual(p.history, ['export AWS_SECRET_ACCESS_KEY=<redacted>', 'export AWS_SESSION_TOKEN=<redacted>', 'aws configure set aws_secret_access_key <redacted> --profile dev', 'aws sts get-caller-identity']);
  assert.deepEqual(p.console, state.console);
  assert.equal(redactHistoryLine('aws configure set default.aws_session_token abc'), 'aws configure set default.aws_session_token <redacted>');
});

test('persistable state: console sessions lose their credentials, the CLI cache and secret-holding variables are dropped', () => {
  const creds = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN };
  const state = {
    env: { MY_COPY: `x${SECRET}`, AWS_REGION: 'us-east-1' },
    config: {},
    credentials: {},
    console: { signedIn: { accountId: '1', userName: 'u', arn: 'arn', credentials: creds }, active: { accountId: '1', roleName: 'r', arn: 'a', displayName: 'd', credentials: creds }, roleHistory: [{ accountId: '1', roleName: 'r', displayName: 'd' }] },
    history: [`echo ${TOKEN}`],
    vars: { creds: JSON.stringify({ Credentials: { SecretAccessKey: SECRET } }), role: 'arn:aws:iam::1:role/r', pasted: `k=${TOKEN}` },
    cliCache: { abc: { credentials: creds, expiration: '2030-01-01T00:00:00Z', assumedRoleArn: 'arn' } },
  };
  const p = persistableShellState(state, [SECRET, TOKEN]);
  const disk = JSON.stringify(p);
  assert.ok(!disk.includes(SECRET) && !disk.includes(TOKEN), disk);
  assert.deepEqual(p.env, { AWS_REGION: 'us-east-1' });
  assert.deepEqual(p.vars, { role: 'arn:aws:iam::1:role/r' });
  assert.equal('cliCache' in p, false);
  assert.deepEqual(p.console, { signedIn: { accountId: '1', userName: 'u', arn: 'arn' }, active: { accountId: '1', roleName: 'r', arn: 'a', displayName: 'd' }, roleHistory: [{ accountId: '1', roleName: 'r', displayName: 'd' }] });
  assert.deepEqual(p.history, ['echo <redacted>']);
});
