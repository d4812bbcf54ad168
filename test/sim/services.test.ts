// The probe services: S3 (buckets, objects, bucket policies, cross-account), EC2
// (DescribeInstances, encoded authorization messages → DecodeAuthorizationMessage) and the
// console's account page.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, A, B, trust, allow, userArn, rootArn, POLICY } from './helpers.js';

describe('S3', () => {
  test('ListBuckets lists the caller account buckets with Owner; CreateBucket names are global', () => {
    const l = new Lab({ accounts: [A, B] });
    l.ok('s3', 'CreateBucket', { Bucket: 'bravo-bucket' });
    l.ok('s3', 'CreateBucket', { Bucket: 'alpha-bucket' });
    l.ok('s3', 'CreateBucket', { Bucket: 'other-account' }, l.rootOf(B));
    const o = l.ok('s3', 'ListBuckets');
    assert.deepEqual(Object.keys(o), ['Buckets', 'Owner']);
    assert.deepEqual(o['Buckets'], [
      { Name: 'alpha-bucket', CreationDate: new Date('2025-03-01T12:00:00Z') },
      { Name: 'bravo-bucket', CreationDate: new Date('2025-03-01T12:00:00Z') },
    ]);
    const own = l.err('s3', 'CreateBucket', { Bucket: 'alpha-bucket' });
    assert.deepEqual([own.code, own.status], ['BucketAlreadyOwnedByYou', 409]);
    const taken = l.err('s3', 'CreateBucket', { Bucket: 'alpha-bucket' }, l.rootOf(B));
    assert.deepEqual([taken.code, taken.status], ['BucketAlreadyExists', 409]);
    assert.equal(l.err('s3', 'CreateBucket', { Bucket: 'Bad_Name' }).code, 'InvalidBucketName');
  });

  test('objects: PutObject, ListObjectsV2 (prefix, delimiter, paging), GetObject Body bytes, DeleteObject', () => {
    const l = new Lab();
    l.ok('s3', 'CreateBucket', { Bucket: 'docs' });
    for (const k of ['a.txt', 'dir/b.txt', 'dir/c.txt', 'z.txt']) l.ok('s3', 'PutObject', { Bucket: 'docs', Key: k, Body: `body of ${k}` });
    const all = l.ok('s3', 'ListObjectsV2', { Bucket: 'docs' });
    assert.deepEqual((all['Contents'] as Array<Record<string, unknown>>).map((c) => c['Key']), ['a.txt', 'dir/b.txt', 'dir/c.txt', 'z.txt']);
    assert.equal(all['KeyCount'], 4);
    const top = l.ok('s3', 'ListObjectsV2', { Bucket: 'docs', Delimiter: '/' });
    assert.deepEqual(top['CommonPrefixes'], [{ Prefix: 'dir/' }]);
    const p1 = l.ok('s3', 'ListObjectsV2', { Bucket: 'docs', MaxKeys: 2 });
    assert.equal(p1['IsTruncated'], true);
    const p2 = l.ok('s3', 'ListObjectsV2', { Bucket: 'docs', MaxKeys: 2, ContinuationToken: p1['NextContinuationToken'] });
    assert.deepEqual((p2['Contents'] as Array<Record<string, unknown>>).map((c) => c['Key']), ['dir/c.txt', 'z.txt']);
    const g = l.ok('s3', 'GetObject', { Bucket: 'docs', Key: 'a.txt' });
    assert.ok(g['Body'] instanceof Uint8Array);
    assert.equal(Buffer.from(g['Body'] as Uint8Array).toString('utf8'), 'body of a.txt');
    assert.equal(g['ContentLength'], 'body of a.txt'.length);
    assert.match(String(g['ETag']), /^"[0-9a-f]{32}"$/);
    l.ok('s3', 'DeleteObject', { Bucket: 'docs', Key: 'a.txt' });
    const miss = l.err('s3', 'GetObject', { Bucket: 'docs', Key: 'a.txt' });
    assert.deepEqual([miss.code, miss.status, miss.message], ['NoSuchKey', 404, 'The specified key does not exist.']);
    const nb = l.err('s3', 'ListObjectsV2', { Bucket: 'nope-bucket' });
    assert.deepEqual([nb.code, nb.status, nb.message], ['NoSuchBucket', 404, 'The specified bucket does not exist']);
    assert.equal(l.err('s3', 'DeleteBucket', { Bucket: 'docs' }).code, 'BucketNotEmpty');
  });

  test('a missing key without s3:ListBucket is 403, with it 404', () => {
    const l = new Lab();
    l.ok('s3', 'CreateBucket', { Bucket: 'docs' });
    const getter = l.user('getter', A, { inline: allow('s3:GetObject', 'arn:aws:s3:::docs/*') });
    assert.deepEqual([l.err('s3', 'GetObject', { Bucket: 'docs', Key: 'none' }, getter).code], ['AccessDenied']);
    const lister = l.user('lister', A, { inline: allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::docs/*', 'arn:aws:s3:::docs']) });
    assert.equal(l.err('s3', 'GetObject', { Bucket: 'docs', Key: 'none' }, lister).code, 'NoSuchKey');
  });

  test('AccessDenied: same-account enhanced message with the quoted ARN; ListAllMyBuckets without resource', () => {
    const l = new Lab();
    l.ok('s3', 'CreateBucket', { Bucket: 'docs' });
    const u = l.user('u');
    const e = l.err('s3', 'ListObjectsV2', { Bucket: 'docs' }, u);
    assert.deepEqual([e.code, e.status, e.message], ['AccessDenied', 403, `User: ${userArn('u')} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::docs" because no identity-based policy allows the s3:ListBucket action`]);
    const lb = l.err('s3', 'ListBuckets', {}, u);
    assert.equal(lb.message, `User: ${userArn('u')} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`);
  });

  test('bucket policy: grants a same-account user without identity policy; explicit deny in it; validated as a resource policy', () => {
    const l = new Lab();
    l.ok('s3', 'CreateBucket', { Bucket: 'shared' });
    const u = l.user('u');
    const v = l.user('v', A, { inline: allow('s3:*') });
    l.ok('s3', 'PutBucketPolicy', {
      Bucket: 'shared',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: userArn('u') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::shared' },
          { Effect: 'Deny', Principal: { AWS: userArn('v') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::shared' },
        ],
      }),
    });
    l.ok('s3', 'ListObjectsV2', { Bucket: 'shared' }, u);
    const d = l.err('s3', 'ListObjectsV2', { Bucket: 'shared' }, v);
    assert.equal(d.message, `User: ${userArn('v')} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::shared" with an explicit deny in a resource-based policy`);
    const bad = l.err('s3', 'PutBucketPolicy', { Bucket: 'shared', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('ghost') }, Action: 's3:*', Resource: 'arn:aws:s3:::shared' }] }) });
    assert.deepEqual([bad.code, bad.status, bad.message], ['MalformedPolicy', 400, 'Invalid principal in policy']);
    assert.equal(typeof l.ok('s3', 'GetBucketPolicy', { Bucket: 'shared' })['Policy'], 'string');
    l.ok('s3', 'DeleteBucketPolicy', { Bucket: 'shared' });
    assert.equal(l.err('s3', 'GetBucketPolicy', { Bucket: 'shared' }).code, 'NoSuchBucketPolicy');
  });

  test('cross-account bucket access needs both the bucket policy and the identity policy; denial text is plain "Access Denied"', () => {
    const l = new Lab({ accounts: [A, B] });
    l.ok('s3', 'CreateBucket', { Bucket: 'b-data' }, l.rootOf(B));
    const u = l.user('u');
    assert.deepEqual([l.err('s3', 'ListObjectsV2', { Bucket: 'b-data' }, u).message], ['Access Denied']);
    l.ok('s3', 'PutBucketPolicy', { Bucket: 'b-data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: rootArn(A) }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b-data' }] }) }, l.rootOf(B));
    assert.equal(l.err('s3', 'ListObjectsV2', { Bucket: 'b-data' }, u).code, 'AccessDenied');
    l.ok('iam', 'PutUserPolicy', { UserName: 'u', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:ListBucket', 'arn:aws:s3:::b-data')) });
    l.ok('s3', 'ListObjectsV2', { Bucket: 'b-data' }, u);
  });
});

describe('S3 bucket policy operations', () => {
  test('the owner root can always read, replace and delete the bucket policy, even when it denies everything', () => {
    const l = new Lab();
    l.ok('s3', 'CreateBucket', { Bucket: 'locked' });
    const lock = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::locked', 'arn:aws:s3:::locked/*'] }] };
    l.ok('s3', 'PutBucketPolicy', { Bucket: 'locked', Policy: JSON.stringify(lock) });
    assert.equal(l.err('s3', 'ListObjectsV2', { Bucket: 'locked' }).code, 'AccessDenied');
    l.ok('s3', 'GetBucketPolicy', { Bucket: 'locked' });
    l.ok('s3', 'DeleteBucketPolicy', { Bucket: 'locked' });
    l.ok('s3', 'ListObjectsV2', { Bucket: 'locked' });
  });

  test('another account never gets at the bucket policy: 403 without permission, 405 MethodNotAllowed with it', () => {
    const l = new Lab({ accounts: [A, B] });
    l.ok('s3', 'CreateBucket', { Bucket: 'b-owned' }, l.rootOf(B));
    for (const op of ['GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy']) {
      const e = l.err('s3', op, { Bucket: 'b-owned', Policy: '{}' });
      assert.deepEqual([e.code, e.status, e.message], ['AccessDenied', 403, 'Access Denied'], op);
    }
    const grant = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: rootArn(A) }, Action: 's3:*', Resource: 'arn:aws:s3:::b-owned' }] };
    l.ok('s3', 'PutBucketPolicy', { Bucket: 'b-owned', Policy: JSON.stringify(grant) }, l.rootOf(B));
    for (const op of ['GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy']) {
      const e = l.err('s3', op, { Bucket: 'b-owned', Policy: '{}' });
      assert.deepEqual([e.code, e.status, e.message], ['MethodNotAllowed', 405, 'The specified method is not allowed against this resource.'], op);
    }
  });
});

describe('EC2 and the account page', () => {
  test('DescribeInstances: Reservations[].Instances[] of the caller account in the request region; filters; not found', () => {
    const l = new Lab({ accounts: [A, B] });
    const i1 = l.w.addInstance(A, { name: 'web', instanceType: 't3.micro' });
    l.w.addInstance(A, { name: 'db', state: 'stopped' });
    l.w.addInstance(A, { name: 'eu', region: 'eu-west-1' });
    l.w.addInstance(B, { name: 'theirs' });
    const o = l.ok('ec2', 'DescribeInstances');
    const inst = (o['Reservations'] as Array<Record<string, unknown>>).flatMap((r) => r['Instances'] as Array<Record<string, unknown>>);
    assert.deepEqual(inst.map((i) => (i['Tags'] as Array<Record<string, string>>)[0]!['Value']), ['web', 'db']);
    assert.deepEqual(inst[0]!['State'], { Code: 16, Name: 'running' });
    assert.equal((o['Reservations'] as Array<Record<string, unknown>>)[0]!['OwnerId'], A);
    const f = l.ok('ec2', 'DescribeInstances', { Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] });
    assert.equal((f['Reservations'] as unknown[]).length, 1);
    assert.equal((l.ok('ec2', 'DescribeInstances', { InstanceIds: [i1] })['Reservations'] as unknown[]).length, 1);
    const nf = l.err('ec2', 'DescribeInstances', { InstanceIds: ['i-0123456789abcdef0'] });
    assert.deepEqual([nf.code, nf.message], ['InvalidInstanceID.NotFound', "The instance ID 'i-0123456789abcdef0' does not exist"]);
    const eu = l.b.callSync({ service: 'ec2', operation: 'DescribeInstances', input: {}, credentials: l.root, region: 'eu-west-1' });
    assert.ok(eu.ok);
    assert.equal((eu.output['Reservations'] as unknown[]).length, 1);
    assert.ok((l.ok('ec2', 'DescribeRegions')['Regions'] as unknown[]).length > 10);
  });

  test('UnauthorizedOperation: plain text for Describe*, encoded message for mutating calls; DecodeAuthorizationMessage needs its permission', () => {
    const l = new Lab();
    const id = l.w.addInstance(A, { name: 'web' });
    const u = l.user('u');
    const d = l.err('ec2', 'DescribeInstances', {}, u);
    assert.deepEqual([d.code, d.status, d.message], ['UnauthorizedOperation', 403, 'You are not authorized to perform this operation.']);
    const stop = l.err('ec2', 'StopInstances', { InstanceIds: [id] }, u);
    assert.equal(stop.code, 'UnauthorizedOperation');
    const m = /^You are not authorized to perform this operation\. Encoded authorization failure message: (\S+)$/.exec(stop.message);
    assert.ok(m, stop.message);
    const noPerm = l.err('sts', 'DecodeAuthorizationMessage', { EncodedMessage: m[1]! }, u);
    assert.equal(noPerm.message, `User: ${userArn('u')} is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action`);
    const admin = l.user('admin', A, { inline: allow('sts:DecodeAuthorizationMessage') });
    const dec = JSON.parse(String(l.ok('sts', 'DecodeAuthorizationMessage', { EncodedMessage: m[1]! }, admin)['DecodedMessage']));
    assert.equal(dec.allowed, false);
    assert.equal(dec.explicitDeny, false);
    assert.equal(dec.context.action, 'ec2:StopInstances');
    assert.equal(dec.context.resource, `arn:aws:ec2:us-east-1:${A}:instance/${id}`);
    assert.equal(dec.context.principal.arn, userArn('u'));
    assert.equal(l.err('sts', 'DecodeAuthorizationMessage', { EncodedMessage: 'not-a-message' }, admin).code, 'InvalidAuthorizationMessageException');
    l.ok('ec2', 'StopInstances', { InstanceIds: [id] });
    assert.equal(l.w.iam.instances(A)[0]!.state, 'stopped');
  });

  test('account:GetAccountInformation: AccessDeniedException when not allowed; AccountId, AccountName, AccountCreatedDate, AccountState', () => {
    const l = new Lab();
    l.w.createAccount('089665204192', { name: 'Balu Lab' });
    const root = l.rootOf('089665204192');
    l.ok('iam', 'CreateUser', { UserName: 'balu' }, root);
    const k = l.ok('iam', 'CreateAccessKey', { UserName: 'balu' }, root)['AccessKey'] as Record<string, string>;
    const balu = { accessKeyId: k['AccessKeyId']!, secretAccessKey: k['SecretAccessKey']! };
    const e = l.err('account', 'GetAccountInformation', {}, balu);
    assert.deepEqual([e.code, e.status], ['AccessDeniedException', 403]);
    assert.equal(e.message, 'User: arn:aws:iam::089665204192:user/balu is not authorized to perform: account:GetAccountInformation on resource: arn:aws:account::089665204192:account because no identity-based policy allows the account:GetAccountInformation action');
    const o = l.ok('account', 'GetAccountInformation', {}, root);
    assert.deepEqual(o, { AccountId: '089665204192', AccountName: 'Balu Lab', AccountCreatedDate: new Date('2025-03-01T12:00:00Z'), AccountState: 'ACTIVE' });
    assert.deepEqual(Object.keys(o), ['AccountId', 'AccountName', 'AccountCreatedDate', 'AccountState']);
    void POLICY;
    void trust;
  });
});

test('S3 HeadObject and GetBucketLocation', () => {
  const l = new Lab();
  l.ok('s3', 'CreateBucket', { Bucket: 'meta' });
  l.ok('s3', 'CreateBucket', { Bucket: 'meta-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } });
  l.ok('s3', 'PutObject', { Bucket: 'meta', Key: 'k', Body: 'abc', ContentType: 'text/plain' });
  const h = l.ok('s3', 'HeadObject', { Bucket: 'meta', Key: 'k' });
  assert.equal(h['ContentLength'], 3);
  assert.equal(h['ContentType'], 'text/plain');
  assert.equal('Body' in h, false);
  assert.deepEqual([l.err('s3', 'HeadObject', { Bucket: 'meta', Key: 'missing' }).status], [404]);
  assert.deepEqual(l.ok('s3', 'GetBucketLocation', { Bucket: 'meta' }), {});
  assert.deepEqual(l.ok('s3', 'GetBucketLocation', { Bucket: 'meta-eu' }), { LocationConstraint: 'eu-west-1' });
  const u = l.user('u');
  const f = l.err('s3', 'HeadObject', { Bucket: 'meta', Key: 'k' }, u);
  assert.deepEqual([f.code, f.status, f.message], ['Forbidden', 403, 'Forbidden']);
});
