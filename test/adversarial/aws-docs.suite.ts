// Adversarial review, part 2: behaviours the reference does not cover (or marks ⚠) checked against
// AWS's own documentation (URL per test). AWS wins over the reference.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, Sim, allow, rootArn, stmts, trust, userArn } from './helpers.js';

describe('S3 bucket policy management (S3 API reference: PutBucketPolicy / GetBucketPolicy / DeleteBucketPolicy)', () => {
  test(
    'the bucket owner root can always Get/Put/DeleteBucketPolicy, even when the bucket policy explicitly denies it',
    () => {
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html — "To ensure that bucket owners don't
      // inadvertently lock themselves out of their own buckets, the root principal in a bucket owner's AWS account can
      // perform the GetBucketPolicy, PutBucketPolicy, and DeleteBucketPolicy API actions, even if their bucket policy
      // explicitly denies the root principal's access."
      const s = new Sim();
      const root = s.root();
      s.ok('s3', 'CreateBucket', { Bucket: 'locked-bucket' }, root);
      const lock = stmts({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::locked-bucket', 'arn:aws:s3:::locked-bucket/*'] });
      s.ok('s3', 'PutBucketPolicy', { Bucket: 'locked-bucket', Policy: JSON.stringify(lock) }, root);
      // other actions stay denied for root too (explicit deny in the bucket policy)
      assert.equal(s.fail('s3', 'ListObjectsV2', { Bucket: 'locked-bucket' }, root).code, 'AccessDenied');
      s.ok('s3', 'GetBucketPolicy', { Bucket: 'locked-bucket' }, root);
      s.ok('s3', 'PutBucketPolicy', { Bucket: 'locked-bucket', Policy: JSON.stringify(lock) }, root);
      s.ok('s3', 'DeleteBucketPolicy', { Bucket: 'locked-bucket' }, root);
      s.ok('s3', 'ListObjectsV2', { Bucket: 'locked-bucket' }, root);
    },
  );

  test(
    'another account can never read, replace or delete a bucket policy: 405 MethodNotAllowed even when both sides allow it',
    () => {
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html (same text in GetBucketPolicy and
      // DeleteBucketPolicy): "If you have the correct permissions, but you're not using an identity that belongs to the
      // bucket owner's account, Amazon S3 returns a 405 Method Not Allowed error."
      const s = new Sim();
      s.ok('s3', 'CreateBucket', { Bucket: 'b-owned' }, s.root(B));
      const pol = stmts({ Effect: 'Allow', Principal: { AWS: rootArn(A) }, Action: 's3:*', Resource: ['arn:aws:s3:::b-owned', 'arn:aws:s3:::b-owned/*'] });
      s.ok('s3', 'PutBucketPolicy', { Bucket: 'b-owned', Policy: JSON.stringify(pol) }, s.root(B));
      const alice = s.user('alice', { policy: allow('s3:*') });
      s.ok('s3', 'ListObjectsV2', { Bucket: 'b-owned' }, alice); // the grant itself works across accounts
      for (const [op, extra] of [
        ['GetBucketPolicy', {}],
        ['PutBucketPolicy', { Policy: JSON.stringify(pol) }],
        ['DeleteBucketPolicy', {}],
      ] as const) {
        const e = s.fail('s3', op, { Bucket: 'b-owned', ...extra }, alice);
        assert.deepEqual([e.code, e.status], ['MethodNotAllowed', 405], op);
      }
      assert.ok(s.w.iam.bucket('b-owned')?.policy, 'the owner policy is still there');
    },
  );
  test(
    'a caller of another account without any permission gets 403 AccessDenied, not 405 (405 is only for callers that have the permissions)',
    () => {
      // Same pages: "If you don't have PutBucketPolicy permissions, Amazon S3 returns a 403 Access Denied error. If you have
      // the correct permissions, but you're not using an identity that belongs to the bucket owner's account, Amazon S3
      // returns a 405 Method Not Allowed error."
      const s = new Sim();
      s.ok('s3', 'CreateBucket', { Bucket: 'b-closed' }, s.root(B));
      const nobody = s.user('nobody');
      for (const [op, extra] of [
        ['GetBucketPolicy', {}],
        ['PutBucketPolicy', { Policy: JSON.stringify(stmts({ Effect: 'Allow', Principal: { AWS: rootArn(A) }, Action: 's3:*', Resource: 'arn:aws:s3:::b-closed' })) }],
        ['DeleteBucketPolicy', {}],
      ] as const) {
        const e = s.fail('s3', op, { Bucket: 'b-closed', ...extra }, nobody);
        assert.deepEqual([e.code, e.status, e.message], ['AccessDenied', 403, 'Access Denied'], op);
      }
    },
  );
});

describe('NotPrincipal (IAM User Guide: reference_policies_elements_notprincipal)', () => {
  test(
    'Deny + NotPrincipal in a bucket policy always denies an IAM principal that has a permissions boundary',
    () => {
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html — "The NotPrincipal
      // element with a Deny effect will always deny any IAM principal that has a permissions boundary policy attached,
      // regardless of the values specified in the NotPrincipal element."
      const s = new Sim();
      const root = s.root();
      s.ok('s3', 'CreateBucket', { Bucket: 'np-bucket' }, root);
      const bob = s.user('bob', { policy: allow('s3:*') });
      const np = stmts({ Effect: 'Deny', NotPrincipal: { AWS: [userArn('bob'), rootArn()] }, Action: 's3:*', Resource: ['arn:aws:s3:::np-bucket', 'arn:aws:s3:::np-bucket/*'] });
      s.ok('s3', 'PutBucketPolicy', { Bucket: 'np-bucket', Policy: JSON.stringify(np) }, root);
      s.ok('s3', 'ListObjectsV2', { Bucket: 'np-bucket' }, bob); // excluded from the Deny: allowed by his identity policy
      const b = s.ok('iam', 'CreatePolicy', { PolicyName: 'b', PolicyDocument: JSON.stringify(allow('s3:*')) }, root)['Policy'] as Record<string, string>;
      s.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'bob', PermissionsBoundary: b['Arn']! }, root);
      const e = s.fail('s3', 'ListObjectsV2', { Bucket: 'np-bucket' }, bob);
      assert.equal(e.code, 'AccessDenied');
      assert.equal(e.explanation?.reason, 'explicit-deny');
    },
  );
});

describe('policy simulator (IAM API reference: SimulateCustomPolicy)', () => {
  test(
    'ResourceOwner given as the documented account ARN (arn:aws:iam::ACCOUNT:root) of the caller account is a same-account simulation',
    () => {
      // https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html — ResourceOwner: "An ARN
      // representing the AWS account ID … The ARN for an account uses the following syntax: arn:aws:iam::AWS-account-ID:root."
      const s = new Sim();
      const root = s.root();
      s.ok('iam', 'CreateUser', { UserName: 'u' }, root);
      const rp = JSON.stringify(stmts({ Effect: 'Allow', Principal: { AWS: userArn('u') }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' }));
      const input = {
        PolicyInputList: [JSON.stringify(allow('ec2:DescribeInstances'))],
        ActionNames: ['s3:ListBucket'],
        ResourceArns: ['arn:aws:s3:::b'],
        ResourcePolicy: rp,
        CallerArn: userArn('u'),
      };
      const plain = s.ok('iam', 'SimulateCustomPolicy', input, root)['EvaluationResults'] as Array<Record<string, unknown>>;
      assert.equal(plain[0]!['EvalDecision'], 'allowed', 'same account: a resource policy naming the user is enough');
      const withOwner = s.ok('iam', 'SimulateCustomPolicy', { ...input, ResourceOwner: `arn:aws:iam::${A}:root` }, root)['EvaluationResults'] as Array<Record<string, unknown>>;
      assert.equal(withOwner[0]!['EvalDecision'], 'allowed');
      const other = s.ok('iam', 'SimulateCustomPolicy', { ...input, ResourceOwner: `arn:aws:iam::${B}:root` }, root)['EvaluationResults'] as Array<Record<string, unknown>>;
      assert.equal(other[0]!['EvalDecision'], 'implicitDeny', 'another owner account: the identity side must allow too');
    },
  );
});

describe('MFA devices follow the user (IAM User Guide: id_credentials_mfa)', () => {
  test(
    'after UpdateUser renames a user, its MFA device still works for GetSessionToken and AssumeRole',
    () => {
      // An MFA device is associated with the IAM user entity (ListMFADevices already shows it under the new name);
      // renaming does not detach it (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html lists what a
      // rename changes: the name and the ARN in policies naming the user — not MFA).
      const s = new Sim();
      const root = s.root();
      const m = s.user('m');
      const dev = s.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'm' }, root)['VirtualMFADevice'] as Record<string, string>;
      const serial = dev['SerialNumber']!;
      s.ok('iam', 'EnableMFADevice', { UserName: 'm', SerialNumber: serial, AuthenticationCode1: s.w.mfaCode(serial, -1), AuthenticationCode2: s.w.mfaCode(serial, 0) }, root);
      s.ok('sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: s.w.mfaCode(serial) }, m);
      s.ok('iam', 'UpdateUser', { UserName: 'm', NewUserName: 'm2' }, root);
      s.w.clock.advance(30_000); // a fresh code (never reuse one)
      const listed = s.ok('iam', 'ListMFADevices', { UserName: 'm2' }, root)['MFADevices'] as Array<Record<string, string>>;
      assert.deepEqual(listed.map((x) => x['SerialNumber']), [serial]);
      s.ok('sts', 'GetSessionToken', { SerialNumber: serial, TokenCode: s.w.mfaCode(serial) }, m);
      const r = s.role('r', trust({ AWS: userArn('m2') }, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }));
      s.w.clock.advance(30_000);
      s.assume(m, r, { SerialNumber: serial, TokenCode: s.w.mfaCode(serial) });
    },
  );
});

describe('EC2 with expired session credentials (reference §9.3 marks it ⚠)', () => {
  test('RequestExpired 400 "Request has expired." (as real EC2 answers: aws-vault#394, aws-sdk-go-v2#1674)', () => {
    const s = new Sim();
    const alice = s.user('alice');
    const r = s.role('r', trust({ AWS: userArn('alice') }), { policy: allow('*') });
    const sess = s.assume(alice, r, { DurationSeconds: 900 });
    s.w.clock.advance(900_000);
    const e = s.fail('ec2', 'DescribeInstances', {}, sess);
    assert.deepEqual([e.code, e.status, e.message], ['RequestExpired', 400, 'Request has expired.']);
  });
});

describe('ABAC with resource tags (IAM User Guide: tutorial_attribute-based-access-control)', () => {
  test(
    'sts:AssumeRole conditioned on iam:ResourceTag / aws:ResourceTag of the role matches the role tags',
    () => {
      // The tutorial's TutorialAssumeRole statement: Allow sts:AssumeRole on role/access-* with
      // StringEquals {"iam:ResourceTag/access-project": "${aws:PrincipalTag/access-project}"}.
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_attribute-based-access-control.html
      const s = new Sim();
      const root = s.root();
      s.ok('iam', 'CreateUser', { UserName: 'alice', Tags: [{ Key: 'access-project', Value: 'peg' }] }, root);
      const k = s.ok('iam', 'CreateAccessKey', { UserName: 'alice' }, root)['AccessKey'] as Record<string, string>;
      const alice = { accessKeyId: k['AccessKeyId']!, secretAccessKey: k['SecretAccessKey']! };
      for (const [name, project] of [['access-peg', 'peg'], ['access-uni', 'uni']]) {
        s.ok('iam', 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust({ AWS: rootArn() })), Tags: [{ Key: 'access-project', Value: project }] }, root);
      }
      for (const key of ['iam:ResourceTag/access-project', 'aws:ResourceTag/access-project']) {
        const p = allow('sts:AssumeRole', `arn:aws:iam::${A}:role/access-*`, { Condition: { StringEquals: { [key]: '${aws:PrincipalTag/access-project}' } } });
        s.ok('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'abac', PolicyDocument: JSON.stringify(p) }, root);
        s.assume(alice, `arn:aws:iam::${A}:role/access-peg`, {}, 'alice');
        assert.equal(s.assumeDenied(alice, `arn:aws:iam::${A}:role/access-uni`).code, 'AccessDenied', key);
      }
    },
  );
});
