// Every row of the decision matrix of reference §2.2 (who may assume a role).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, awsDeniedMessage } from '../../src/policy/index.js';
import { ACCT, OTHER, allow, assumeInput, denyDoc, doc, identity, roleArn, session, trustOf, trusting, user } from './helpers.js';

const alice = user('alice');
const aliceArn = alice.arn;

test('row 1: trust names the user ARN, no identity policy → Allowed (resource policy naming the user is enough in the same account)', () => {
  const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn })])));
  assert.equal(e.decision, 'Allow');
  assert.equal(e.reason, 'allowed');
  assert.deepEqual(e.deniedBy, []);
  assert.equal(e.summary, 'Allowed: the trust policy of role r names user alice directly, which is enough in the same account.');
  assert.deepEqual(e.deciding, [{ policy: 'trust policy of role r', kind: 'trust', index: 0, effect: 'Allow' }]);
});

test('row 2: trust names the account root ARN, no identity policy → Denied (implicit), identity side missing', () => {
  const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: `arn:aws:iam::${ACCT}:root` })])));
  assert.equal(e.decision, 'Deny');
  assert.equal(e.reason, 'implicit-deny');
  assert.deepEqual(e.deniedBy, ['identity']);
  assert.match(e.summary, /^Denied \(implicit\): the trust policy of role r trusts account 123456789012, which leaves the decision to that account's identity-based policies, but no identity-based policy of user alice allows sts:AssumeRole on role r\./);
});

test('row 3: trust names the bare account id, no identity policy → Denied, same as the root ARN', () => {
  const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: ACCT })])));
  assert.equal(e.decision, 'Deny');
  assert.deepEqual(e.deniedBy, ['identity']);
});

test('row 4: trust names the account (root ARN or id) and the identity policy allows sts:AssumeRole on the role or * → Allowed', () => {
  for (const p of [`arn:aws:iam::${ACCT}:root`, ACCT]) {
    for (const res of [roleArn('r'), '*', `arn:aws:iam::${ACCT}:role/*`]) {
      const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: p })]), [identity('assume', allow('sts:AssumeRole', res), 'user alice')]));
      assert.equal(e.decision, 'Allow', `${p} / ${res}`);
      assert.equal(e.summary, 'Allowed: the trust policy of role r trusts account 123456789012, and Statement[0] of policy assume (attached to user alice) allows sts:AssumeRole on role r.');
      assert.deepEqual(
        e.deciding.map((d) => d.kind),
        ['identity', 'trust'],
      );
    }
  }
});

test('row 5: trust names only bob, the identity policy allows → Denied (implicit) by the trust policy', () => {
  const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: `arn:aws:iam::${ACCT}:user/bob` })]), [identity('assume', allow('sts:AssumeRole'))]));
  assert.equal(e.decision, 'Deny');
  assert.equal(e.reason, 'implicit-deny');
  assert.deepEqual(e.deniedBy, ['trust']);
  assert.match(e.summary, /does not allow user alice to call sts:AssumeRole; a role's trust policy must name the caller \(or its account\) explicitly\. It trusts user bob\./);
  assert.match(awsDeniedMessage(e, aliceArn, 'sts:AssumeRole', roleArn('r')), /because no role trust policy allows the sts:AssumeRole action$/);
});

test('row 6: trust allows the account but a trust Deny names alice (or the account) → Denied (explicit) even with an identity Allow', () => {
  for (const denied of [aliceArn, ACCT, `arn:aws:iam::${ACCT}:root`]) {
    const trust = trustOf('MyRole', [
      trusting({ AWS: `arn:aws:iam::${ACCT}:root` }, 'sts:AssumeRole', { Sid: 'AllowAccount' }),
      { Sid: 'DenyUser3', Effect: 'Deny', Principal: { AWS: denied }, Action: 'sts:AssumeRole' },
    ]);
    const e = authorize(assumeInput(alice, 'MyRole', trust, [identity('assume', allow('sts:AssumeRole'))]));
    assert.equal(e.decision, 'Deny');
    assert.equal(e.reason, 'explicit-deny');
    assert.deepEqual(e.deniedBy, ['trust']);
    assert.deepEqual(e.deciding, [{ policy: 'trust policy of role MyRole', kind: 'trust', index: 1, sid: 'DenyUser3', effect: 'Deny' }]);
    assert.match(e.summary, /^Denied \(explicit\): statement DenyUser3 of the trust policy of role MyRole denies sts:AssumeRole\. An explicit Deny overrides every Allow\.$/);
    assert.equal(
      awsDeniedMessage(e, aliceArn, 'sts:AssumeRole', roleArn('MyRole')),
      `User: ${aliceArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn('MyRole')} with an explicit deny in the role trust policy`,
    );
  }
});

test('row 7: trust names alice, her identity policy explicitly denies sts:AssumeRole → Denied (explicit)', () => {
  const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn })]), [identity('no-assume', denyDoc('sts:AssumeRole'))]));
  assert.equal(e.decision, 'Deny');
  assert.equal(e.reason, 'explicit-deny');
  assert.deepEqual(e.deniedBy, ['identity']);
  assert.match(awsDeniedMessage(e, aliceArn, 'sts:AssumeRole', roleArn('r')), /with an explicit deny in an identity-based policy$/);
});

test('row 8: trust names alice, but her permissions boundary does not allow sts:AssumeRole → Denied (implicit) by the boundary', () => {
  const boundary = { kind: 'boundary' as const, name: 'S3Only', arn: `arn:aws:iam::${ACCT}:policy/S3Only`, document: allow('s3:*') };
  const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn })]), [], { boundary }));
  assert.equal(e.decision, 'Deny');
  assert.equal(e.reason, 'implicit-deny');
  assert.deepEqual(e.deniedBy, ['boundary']);
  assert.match(e.summary, /names user alice directly, but user alice has the permissions boundary S3Only, which does not allow sts:AssumeRole/);
  assert.match(awsDeniedMessage(e, aliceArn, 'sts:AssumeRole', roleArn('r')), /because no permissions boundary allows the sts:AssumeRole action$/);
  // A boundary that allows sts:AssumeRole lets the trust policy's direct grant through.
  const ok = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn })]), [], { boundary: { ...boundary, document: allow(['s3:*', 'sts:AssumeRole']) } }));
  assert.equal(ok.decision, 'Allow');
});

test('row 9: "AWS":"*" or "Principal":"*" trusts everyone; a same-account user needs no identity policy', () => {
  for (const p of ['*', { AWS: '*' }]) {
    const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting(p)])));
    assert.equal(e.decision, 'Allow');
    assert.match(e.summary, /allows every principal \("\*"\)/);
  }
});

test('row 10: a typo or wrong case in the role ARN or the user ARN is a denial like any other (ARNs are case-sensitive)', () => {
  // Identity policy grants the role with a different case; trust delegates to the account.
  const e1 = authorize(assumeInput(alice, 'myrole', trustOf('myrole', [trusting({ AWS: ACCT })]), [identity('assume', allow('sts:AssumeRole', roleArn('MyRole')))]));
  assert.equal(e1.decision, 'Deny');
  assert.deepEqual(e1.deniedBy, ['identity']);
  // Trust names "Alice" while the caller is "alice".
  const e2 = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: `arn:aws:iam::${ACCT}:user/Alice` })])));
  assert.equal(e2.decision, 'Deny');
  assert.deepEqual(e2.deniedBy, ['trust']);
  // STS's own message never says why (gotcha 3): the bare form is the same for every cause.
  const e3 = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ AWS: aliceArn })]), [identity('d', denyDoc('sts:*'))]));
  const bare = [e1, e2, e3].map((e) => awsDeniedMessage(e, aliceArn, 'sts:AssumeRole', roleArn('r'), { bare: true }));
  assert.deepEqual(new Set(bare).size, 1);
  assert.equal(bare[0], `User: ${aliceArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn('r')}`);
});

test('row 11: cross-account — role in 999999999999 trusts 123456789012, alice allowed sts:AssumeRole on it → Allowed; without the identity allow → Denied', () => {
  const learner = user('learner');
  const trust = trustOf('x', [trusting({ AWS: ACCT })]);
  const yes = authorize(assumeInput(learner, 'x', trust, [identity('assume-x', allow('sts:AssumeRole', roleArn('x', OTHER)))], {}, OTHER));
  assert.equal(yes.decision, 'Allow');
  assert.equal(yes.crossAccount, true);
  assert.match(yes.summary, /across accounts both are needed/);
  const no = authorize(assumeInput(learner, 'x', trust, [], {}, OTHER));
  assert.equal(no.decision, 'Deny');
  assert.deepEqual(no.deniedBy, ['identity']);
  assert.equal(no.summary, 'Denied: the role trusts account 123456789012, but no identity-based policy in account 123456789012 allows user learner to call sts:AssumeRole on it.');
  // Trust with the root ARN behaves the same.
  const rootForm = authorize(assumeInput(learner, 'x', trustOf('x', [trusting({ AWS: `arn:aws:iam::${ACCT}:root` })]), [identity('a', allow('sts:AssumeRole'))], {}, OTHER));
  assert.equal(rootForm.decision, 'Allow');
  // The role's account does not trust the caller's account at all.
  const none = authorize(assumeInput(learner, 'x', trustOf('x', [trusting({ AWS: '111111111111' })]), [identity('a', allow('sts:AssumeRole'))], {}, OTHER));
  assert.equal(none.decision, 'Deny');
  assert.deepEqual(none.deniedBy, ['trust']);
  const neither = authorize(assumeInput(learner, 'x', trustOf('x', [trusting({ AWS: '111111111111' })]), [], {}, OTHER));
  assert.deepEqual(neither.deniedBy, ['identity', 'trust']);
});

test('row 12: cross-account trust naming alice directly still needs her identity allow', () => {
  const trust = trustOf('x', [trusting({ AWS: aliceArn })]);
  const e = authorize(assumeInput(alice, 'x', trust, [], {}, OTHER));
  assert.equal(e.decision, 'Deny');
  assert.deepEqual(e.deniedBy, ['identity']);
  assert.match(e.summary, /names user alice directly, but across accounts that is not enough/);
  assert.equal(authorize(assumeInput(alice, 'x', trust, [identity('a', allow('sts:AssumeRole', roleArn('x', OTHER)))], {}, OTHER)).decision, 'Allow');
});

test('row 13: a session of role A; trust of B names role A → Allowed, limited by A\'s boundary and the session policy', () => {
  const a = session('A', 'lab');
  const trust = trustOf('B', [trusting({ AWS: roleArn('A') })]);
  const plain = authorize(assumeInput(a, 'B', trust));
  assert.equal(plain.decision, 'Allow');
  assert.match(plain.summary, /names role A \(the role of this session\) directly/);
  const boundary = { kind: 'boundary' as const, name: 'NoSts', document: allow('s3:*') };
  const b = authorize(assumeInput(a, 'B', trust, [], { boundary }));
  assert.equal(b.decision, 'Deny');
  assert.deepEqual(b.deniedBy, ['boundary']);
  const sess = [{ kind: 'session' as const, name: 'session policy', document: allow('s3:ListAllMyBuckets') }];
  const s = authorize(assumeInput(a, 'B', trust, [], { session: sess }));
  assert.equal(s.decision, 'Deny');
  assert.deepEqual(s.deniedBy, ['session']);
  assert.match(awsDeniedMessage(s, a.arn, 'sts:AssumeRole', roleArn('B')), /because no session policy allows the sts:AssumeRole action$/);
  const sOk = authorize(assumeInput(a, 'B', trust, [], { session: [{ kind: 'session', name: 'session policy', document: allow('sts:AssumeRole') }] }));
  assert.equal(sOk.decision, 'Allow');
  // Naming the session ARN itself is not limited by the session policy or the boundary (§4.2).
  const direct = trustOf('B', [trusting({ AWS: a.arn })]);
  const d = authorize(assumeInput(a, 'B', direct, [], { session: sess, boundary }));
  assert.equal(d.decision, 'Allow');
  assert.match(d.summary, /names this session/);
  // The role's unique id names every session of it too.
  assert.equal(authorize(assumeInput(a, 'B', trustOf('B', [trusting({ AWS: a.uniqueId })]))).decision, 'Allow');
});

test('row 14: a role assuming itself needs an explicit trust statement (no implicit self-trust)', () => {
  const a = session('A', 'again');
  assert.equal(authorize(assumeInput(a, 'A', trustOf('A', [trusting({ AWS: aliceArn })]), [identity('A-admin', allow('*'))])).decision, 'Deny');
  assert.equal(authorize(assumeInput(a, 'A', trustOf('A', [trusting({ AWS: roleArn('A') })]))).decision, 'Allow');
  assert.equal(authorize(assumeInput(a, 'A', trustOf('A', [trusting({ AWS: ACCT })]), [identity('A-assume', allow('sts:AssumeRole'))])).decision, 'Allow');
  assert.equal(authorize(assumeInput(a, 'A', trustOf('A', [trusting({ AWS: ACCT })]))).decision, 'Deny');
});

test('row 15: trust conditions are evaluated against the AssumeRole request context', () => {
  const trust = trustOf('r', [trusting({ AWS: aliceArn }, 'sts:AssumeRole', { Sid: 'WithExternalId', Condition: { StringEquals: { 'sts:ExternalId': 'abc-123' } } })]);
  const base = assumeInput(alice, 'r', trust);
  const withId = { ...base, request: { ...base.request, context: { 'sts:ExternalId': 'abc-123' } } };
  assert.equal(authorize(withId).decision, 'Allow');
  const wrong = authorize({ ...base, request: { ...base.request, context: { 'sts:ExternalId': 'nope' } } });
  assert.equal(wrong.decision, 'Deny');
  assert.match(wrong.summary, /Statement WithExternalId names the caller, but its condition StringEquals sts:ExternalId is not met \(sts:ExternalId is "nope"\)/);
  const missing = authorize(base);
  assert.equal(missing.decision, 'Deny');
  assert.match(missing.summary, /sts:ExternalId is absent from the request/);
  // MFA required by the trust: long-term keys have no aws:MultiFactorAuthPresent at all.
  const mfaTrust = trustOf('r', [trusting({ AWS: aliceArn }, 'sts:AssumeRole', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': true } } })]);
  assert.equal(authorize(assumeInput(alice, 'r', mfaTrust)).decision, 'Deny');
  const mfa = assumeInput(alice, 'r', mfaTrust);
  assert.equal(authorize({ ...mfa, request: { ...mfa.request, context: { 'aws:MultiFactorAuthPresent': 'true' } } }).decision, 'Allow');
});

test('the role trust policy must allow explicitly: an identity Allow of sts:* and AdministratorAccess are not enough', () => {
  const admin = identity('AdministratorAccess', doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));
  const e = authorize(assumeInput(alice, 'r', trustOf('r', [trusting({ Service: 'ec2.amazonaws.com' })]), [admin]));
  assert.equal(e.decision, 'Deny');
  assert.deepEqual(e.deniedBy, ['trust']);
  assert.match(e.summary, /It trusts the service ec2\.amazonaws\.com\./);
});

test('the root user cannot assume roles', () => {
  const e = authorize(assumeInput({ type: 'Account', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, principalArn: `arn:aws:iam::${ACCT}:root`, userId: ACCT }, 'r', trustOf('r', [trusting({ AWS: ACCT })])));
  assert.equal(e.decision, 'Deny');
  assert.match(e.summary, /Roles may not be assumed by root accounts\./);
});
