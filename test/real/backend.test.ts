// The real-account Backend over SDK v3, against moto_server (when on PATH) and small scripted
// endpoints for the failures: no credentials, expired credentials, no network, throttling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { RealBackend, isWrite } from '../../src/real/backend.js';
import { configuredEndpoint } from '../../src/real/endpoints.js';
import type { RealAwsError } from '../../src/real/errors.js';
import type { RetryInfo } from '../../src/real/retry.js';
import type { CallResult } from '../../src/backend/types.js';
import {
  callerIdentityOk,
  closedPort,
  motoPath,
  noAwsEnv,
  queryError,
  startMoto,
  startScripted,
  tempAwsFiles,
  withEnv,
  type Running,
} from './helpers.js';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const noSleep = { sleep: async () => {} };
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] });

function ok(r: CallResult): Record<string, unknown> {
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r.output;
}
function err(r: CallResult): RealAwsError {
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.output)}`);
  return r.error as RealAwsError;
}

describe('operation classification and endpoint precedence', () => {
  test('reads are not writes; STS calls never ask', () => {
    assert.equal(isWrite('iam', 'CreateRole'), true);
    assert.equal(isWrite('iam', 'AttachRolePolicy'), true);
    assert.equal(isWrite('iam', 'GetAccountAuthorizationDetails'), false);
    assert.equal(isWrite('iam', 'SimulatePrincipalPolicy'), false);
    assert.equal(isWrite('s3', 'PutObject'), true);
    assert.equal(isWrite('s3', 'HeadBucket'), false);
    assert.equal(isWrite('ec2', 'DescribeInstances'), false);
    assert.equal(isWrite('sts', 'AssumeRole'), false);
  });

  test('explicit > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS disables the variables', () => {
    const env = { AWS_ENDPOINT_URL: 'http://g', AWS_ENDPOINT_URL_STS: 'http://s' };
    assert.equal(configuredEndpoint('sts', env), 'http://s');
    assert.equal(configuredEndpoint('iam', env), 'http://g');
    assert.equal(configuredEndpoint('iam', env, 'http://x'), 'http://x');
    assert.equal(configuredEndpoint('sts', { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), undefined);
    assert.equal(configuredEndpoint('s3', {}), undefined);
  });
});

describe('against moto_server', { skip: motoPath() ? false : 'moto_server is not on PATH — install moto[server] to run these' }, () => {
  let moto: Running;
  let b: RealBackend;
  before(async () => {
    moto = await startMoto();
    b = new RealBackend({ endpoint: moto.url, region: 'us-east-1', retry: noSleep });
  });
  after(async () => {
    b?.close();
    await moto?.stop();
  });

  test('sts GetCallerIdentity with explicit credentials', async () => {
    const out = ok(await b.call({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: KEYS }));
    assert.equal(out.Account, '123456789012');
    assert.match(String(out.Arn), /^arn:aws:sts::123456789012:user\//);
    assert.equal('$metadata' in out, false);
  });

  test('iam CreateRole / GetRole: policy documents come back decoded, dates as Date', async () => {
    ok(await b.call({ service: 'iam', operation: 'CreateRole', input: { RoleName: 'decoded', AssumeRolePolicyDocument: TRUST }, credentials: KEYS }));
    const role = ok(await b.call({ service: 'iam', operation: 'GetRole', input: { RoleName: 'decoded' }, credentials: KEYS })).Role as Record<string, unknown>;
    assert.deepEqual(JSON.parse(String(role.AssumeRolePolicyDocument)), JSON.parse(TRUST));
    assert.ok(role.CreateDate instanceof Date);
    ok(await b.call({ service: 'iam', operation: 'PutRolePolicy', input: { RoleName: 'decoded', PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' }, credentials: KEYS }));
    const pol = ok(await b.call({ service: 'iam', operation: 'GetRolePolicy', input: { RoleName: 'decoded', PolicyName: 'p' }, credentials: KEYS }));
    assert.equal(JSON.parse(String(pol.PolicyDocument)).Statement[0].Action, 's3:*');
  });

  test('AWS errors keep code, message, status and type', async () => {
    const e = err(await b.call({ service: 'iam', operation: 'GetRole', input: { RoleName: 'nope' }, credentials: KEYS }));
    assert.deepEqual({ code: e.code, message: e.message, status: e.status, type: e.type }, { code: 'NoSuchEntity', message: 'Role nope not found', status: 404, type: 'Sender' });
    const s3e = err(await b.call({ service: 's3', operation: 'GetBucketPolicy', input: { Bucket: 'no-such-bucket-here' }, credentials: KEYS }));
    assert.equal(s3e.code, 'NoSuchBucket');
    assert.equal(s3e.status, 404);
  });

  test('s3 CreateBucket / PutObject / GetObject (Body as Uint8Array) / ListBuckets, ec2 DescribeInstances', async () => {
    ok(await b.call({ service: 's3', operation: 'CreateBucket', input: { Bucket: 'real-bucket' }, credentials: KEYS }));
    ok(await b.call({ service: 's3', operation: 'PutObject', input: { Bucket: 'real-bucket', Key: 'a b.txt', Body: new TextEncoder().encode('hello') }, credentials: KEYS }));
    const got = ok(await b.call({ service: 's3', operation: 'GetObject', input: { Bucket: 'real-bucket', Key: 'a b.txt' }, credentials: KEYS }));
    assert.ok(got.Body instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(got.Body as Uint8Array), 'hello');
    const list = ok(await b.call({ service: 's3', operation: 'ListBuckets', input: {}, credentials: KEYS }));
    assert.ok((list.Buckets as Array<{ Name: string }>).some((x) => x.Name === 'real-bucket'));
    const ec2 = ok(await b.call({ service: 'ec2', operation: 'DescribeInstances', input: {}, credentials: KEYS }));
    assert.deepEqual(ec2.Reservations, []);
  });

  test('labId tags what is created (IAM on create, S3 afterwards); the learner\'s own tags are kept', async () => {
    const t = new RealBackend({ endpoint: moto.url, region: 'us-east-1', labId: 'tag-lab', retry: noSleep });
    try {
      ok(await t.call({ service: 'iam', operation: 'CreateUser', input: { UserName: 'tagged-user', Tags: [{ Key: 'team', Value: 'a' }] }, credentials: KEYS }));
      const tags = ok(await t.call({ service: 'iam', operation: 'ListUserTags', input: { UserName: 'tagged-user' }, credentials: KEYS })).Tags;
      assert.deepEqual(tags, [{ Key: 'team', Value: 'a' }, { Key: 'iamlab:lab', Value: 'tag-lab' }]);
      ok(await t.call({ service: 'iam', operation: 'CreatePolicy', input: { PolicyName: 'tagged-pol', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}' }, credentials: KEYS }));
      const pol = ok(await t.call({ service: 'iam', operation: 'ListPolicyTags', input: { PolicyArn: 'arn:aws:iam::123456789012:policy/tagged-pol' }, credentials: KEYS }));
      assert.deepEqual(pol.Tags, [{ Key: 'iamlab:lab', Value: 'tag-lab' }]);
      ok(await t.call({ service: 's3', operation: 'CreateBucket', input: { Bucket: 'tagged-bucket' }, credentials: KEYS }));
      const bt = ok(await t.call({ service: 's3', operation: 'GetBucketTagging', input: { Bucket: 'tagged-bucket' }, credentials: KEYS }));
      assert.deepEqual(bt.TagSet, [{ Key: 'iamlab:lab', Value: 'tag-lab' }]);
    } finally {
      t.close();
    }
  });

  test('before the first write in an account: asked once with account id and caller ARN; a "no" changes nothing', async () => {
    const asked: Array<{ accountId: string; arn: string; operation: string }> = [];
    let answer = false;
    const c = new RealBackend({ endpoint: moto.url, region: 'us-east-1', retry: noSleep, confirmWrite: async (w) => (asked.push(w), answer) });
    try {
      ok(await c.call({ service: 'iam', operation: 'ListRoles', input: {}, credentials: KEYS }));
      assert.equal(asked.length, 0, 'reads never ask');
      const e = err(await c.call({ service: 'iam', operation: 'CreateRole', input: { RoleName: 'declined', AssumeRolePolicyDocument: TRUST }, credentials: KEYS }));
      assert.equal(e.code, 'WriteNotConfirmed');
      assert.equal(e.status, 0);
      assert.match(e.message, /123456789012/);
      assert.equal(asked.length, 1);
      assert.equal(asked[0]!.accountId, '123456789012');
      assert.match(asked[0]!.arn, /^arn:aws:sts::123456789012:/);
      assert.equal(asked[0]!.operation, 'CreateRole');
      assert.equal(err(await b.call({ service: 'iam', operation: 'GetRole', input: { RoleName: 'declined' }, credentials: KEYS })).code, 'NoSuchEntity');
      answer = true;
      ok(await c.call({ service: 'iam', operation: 'CreateRole', input: { RoleName: 'declined', AssumeRolePolicyDocument: TRUST }, credentials: KEYS }));
      ok(await c.call({ service: 'iam', operation: 'DeleteRole', input: { RoleName: 'declined' }, credentials: KEYS }));
      assert.equal(asked.length, 2, 'asked again after a no, then never again for this account');
    } finally {
      c.close();
    }
  });

  test('profiles from the shared files through the standard chain: static keys, and role_arn + source_profile (AssumeRole at AWS_ENDPOINT_URL)', async () => {
    const files = tempAwsFiles({
      credentials: `[learner]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n`,
      config: `[profile learner]\nregion = eu-west-1\n\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/chain-admin\nsource_profile = learner\nrole_session_name = via-profile\n`,
    });
    const restore = withEnv(noAwsEnv({ ...files.env, AWS_ENDPOINT_URL: moto.url }));
    try {
      ok(await b.call({ service: 'iam', operation: 'CreateRole', input: { RoleName: 'chain-admin', AssumeRolePolicyDocument: TRUST }, credentials: KEYS }));
      const learner = new RealBackend({ profile: 'learner', retry: noSleep });
      const admin = new RealBackend({ profile: 'admin', region: 'us-east-1', retry: noSleep });
      try {
        assert.equal(learner.defaultRegion(), 'eu-west-1', 'region from the profile');
        const me = ok(await learner.call({ service: 'sts', operation: 'GetCallerIdentity', input: {} }));
        assert.equal(me.Account, '123456789012');
        const role = ok(await admin.call({ service: 'sts', operation: 'GetCallerIdentity', input: {} }));
        assert.equal(role.Arn, 'arn:aws:sts::123456789012:assumed-role/chain-admin/via-profile');
      } finally {
        learner.close();
        admin.close();
      }
    } finally {
      restore();
      files.cleanup();
    }
  });
});

describe('failures, each a clear message and never a success', () => {
  test('no credentials anywhere: says which profile and what to run', async () => {
    const files = tempAwsFiles({});
    const restore = withEnv(noAwsEnv(files.env));
    const b = new RealBackend({ profile: 'dev', endpoint: 'http://127.0.0.1:9', region: 'us-east-1', retry: noSleep });
    try {
      const e = err(await b.call({ service: 'sts', operation: 'GetCallerIdentity', input: {} }));
      assert.equal(e.code, 'NoCredentialsError');
      assert.equal(e.status, 0);
      assert.match(e.message, /No AWS credentials found for profile "dev"/);
      assert.match(e.message, /aws configure/);
      assert.match(e.message, /aws sso login --profile dev/);
      await assert.rejects(b.chainCredentials(), (x: RealAwsError) => x.code === 'NoCredentialsError');
    } finally {
      b.close();
      restore();
      files.cleanup();
    }
  });

  test('no network: a closed port is named in the message, retried at most once, quickly', async () => {
    const port = await closedPort();
    const retries: RetryInfo[] = [];
    const b = new RealBackend({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', retry: { ...noSleep, onRetry: (i) => retries.push(i) } });
    try {
      for (const service of ['sts', 'iam', 's3', 'ec2'] as const) {
        const op = { sts: 'GetCallerIdentity', iam: 'ListRoles', s3: 'ListBuckets', ec2: 'DescribeInstances' }[service];
        const e = err(await b.call({ service, operation: op, input: {}, credentials: KEYS }));
        assert.equal(e.code, 'EndpointConnectionError', service);
        assert.equal(e.status, 0);
        assert.match(e.message, new RegExp(`Could not connect to the endpoint URL: "http://127\\.0\\.0\\.1:${port}/`));
        assert.match(e.message, /connection refused/);
        assert.equal(e.attempts, 2);
        assert.match(e.hint ?? "", /nothing was changed/);
      }
      assert.ok(retries.every((r) => r.kind === 'network' && r.code === 'ECONNREFUSED'));
    } finally {
      b.close();
    }
  });

  test('the per-service variable beats AWS_ENDPOINT_URL (one service reaches its endpoint, the other the closed one)', async () => {
    const port = await closedPort();
    const srv = await startScripted((_r, res) => callerIdentityOk(res));
    const b = new RealBackend({ env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ENDPOINT_URL_STS: srv.url }, region: 'us-east-1', retry: noSleep });
    try {
      assert.equal(ok(await b.call({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: KEYS })).Account, '111122223333');
      const e = err(await b.call({ service: 'iam', operation: 'ListRoles', input: {}, credentials: KEYS }));
      assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    } finally {
      b.close();
      await srv.stop();
    }
  });

  test('throttling: backs off and retries, then succeeds', async () => {
    const srv = await startScripted((r, res) => (r.n <= 2 ? queryError(res, 400, 'Throttling', 'Rate exceeded') : callerIdentityOk(res)));
    const retries: RetryInfo[] = [];
    const slept: number[] = [];
    const b = new RealBackend({ endpoint: srv.url, region: 'us-east-1', retry: { sleep: async (ms) => void slept.push(ms), random: () => 1, onRetry: (i) => retries.push(i) } });
    try {
      const out = ok(await b.call({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: KEYS }));
      assert.equal(out.Arn, 'arn:aws:iam::111122223333:user/alice');
      assert.equal(srv.requests.length, 3);
      assert.deepEqual(retries.map((r) => [r.attempt, r.kind, r.code]), [[1, 'throttling', 'Throttling'], [2, 'throttling', 'Throttling']]);
      assert.deepEqual(slept, [500, 1000], 'exponential backoff from the throttling base');
    } finally {
      b.close();
      await srv.stop();
    }
  });

  test('still throttled after 5 attempts: AWS\'s code and text, plus a note saying so', async () => {
    const srv = await startScripted((_r, res) => queryError(res, 400, 'Throttling', 'Rate exceeded', 'iam'));
    const b = new RealBackend({ endpoint: srv.url, region: 'us-east-1', retry: noSleep });
    try {
      const e = err(await b.call({ service: 'iam', operation: 'ListRoles', input: {}, credentials: KEYS }));
      assert.deepEqual([e.code, e.message, e.status], ['Throttling', 'Rate exceeded', 400]);
      assert.equal(srv.requests.length, 5);
      assert.equal(e.attempts, 5);
      assert.match(e.hint ?? '', /throttling this request after 5 attempts/);
    } finally {
      b.close();
      await srv.stop();
    }
  });

  test('expired and unknown credentials: AWS text unchanged, an iamlab note on what to do', async () => {
    const srv = await startScripted((r, res) =>
      r.n === 1
        ? queryError(res, 403, 'ExpiredToken', 'The security token included in the request is expired')
        : queryError(res, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.'),
    );
    const b = new RealBackend({ endpoint: srv.url, region: 'us-east-1', retry: noSleep });
    try {
      const e = err(await b.call({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: { ...KEYS, accessKeyId: 'ASIAEXAMPLE', sessionToken: 'tok' } }));
      assert.deepEqual([e.code, e.message, e.status, e.type], ['ExpiredToken', 'The security token included in the request is expired', 403, 'Sender']);
      assert.match(e.hint ?? '', /expired/);
      assert.match(e.hint ?? '', /assume-role/);
      const e2 = err(await b.call({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: { ...KEYS, accessKeyId: 'AKIAOTHER' } }));
      assert.equal(e2.code, 'InvalidClientTokenId');
      assert.match(e2.hint ?? '', /does not recognise the access key/);
    } finally {
      b.close();
      await srv.stop();
    }
  });

  test('an endpoint that is not AWS (an HTML page, 200 or 502) is named, never read as an empty success', async () => {
    const srv = await startScripted((r, res) => {
      res.writeHead(r.n === 1 ? 200 : 502, { 'content-type': 'text/html' });
      res.end('<html><body>Sign in to the hotel wifi</body></html>');
    });
    const b = new RealBackend({ endpoint: srv.url, region: 'us-east-1', retry: { ...noSleep, maxAttempts: 1 } });
    try {
      for (const status of [200, 502]) {
        const e = err(await b.call({ service: 'iam', operation: 'ListRoles', input: {}, credentials: KEYS }));
        assert.equal(e.code, 'UnexpectedResponseError');
        assert.equal(e.status, 0);
        assert.match(e.message, new RegExp(`"${srv.url}/" answered HTTP ${status} with something that is not an AWS iam response`));
      }
    } finally {
      b.close();
      await srv.stop();
    }
  });

  test('the console\'s account page and unknown operations are refused before any request', async () => {
    const b = new RealBackend({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', retry: noSleep });
    const e = err(await b.call({ service: 'account', operation: 'GetAccountInformation', input: {}, credentials: KEYS }));
    assert.equal(e.code, 'UnsupportedOperation');
    assert.match(e.message, /console/);
    assert.equal(err(await b.call({ service: 'iam', operation: 'constructor', input: {}, credentials: KEYS })).code, 'UnsupportedOperation');
    assert.equal(err(await b.call({ service: 'iam', operation: 'LaunchRocket', input: {}, credentials: KEYS })).code, 'UnsupportedOperation');
    b.close();
  });
});

test('the SDK\'s Node-version warning never reaches the screen', () => {
  const script = `
    const { RealBackend } = await import(${JSON.stringify(new URL('../../src/real/backend.ts', import.meta.url).href)});
    const b = new RealBackend({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', retry: { sleep: async () => {} } });
    for (const s of ['sts', 'iam', 's3', 'ec2']) await b.call({ service: s, operation: s === 'sts' ? 'GetCallerIdentity' : s === 'iam' ? 'ListRoles' : s === 's3' ? 'ListBuckets' : 'DescribeInstances', input: {}, credentials: { accessKeyId: 'AKIA', secretAccessKey: 'x' } });
    b.close();
    console.log('done');
  `;
  const env = { ...process.env };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done/);
  assert.doesNotMatch(r.stderr + r.stdout, /NodeVersionSupportWarning|require node >=22/);
});
