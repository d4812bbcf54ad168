// Grammar validation with AWS's messages (reference §5.1–5.4, §2.4; gotchas 12 and 14) and
// JSON syntax errors with line:column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicyText, policySize, validatePolicy, type ValidationKind } from '../../src/policy/index.js';

function problem(text: string | unknown, kind: ValidationKind = 'identity', opts = {}) {
  const r = validatePolicy(typeof text === 'string' ? text : JSON.stringify(text), kind, opts);
  assert.equal(r.ok, false, `expected a problem for ${(typeof text === 'string' ? text : JSON.stringify(text)).slice(0, 200)}`);
  if (r.ok) throw new Error('unreachable');
  assert.ok(r.problem.detail && r.problem.detail.length > 10, 'every problem has a detail sentence');
  assert.deepEqual(r.problems, [r.problem]);
  return r.problem;
}

const S = (st: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ Version: '2012-10-17', Statement: [st], ...extra });
const ok = (text: string | unknown, kind: ValidationKind = 'identity', opts = {}) => {
  const r = validatePolicy(typeof text === 'string' ? text : JSON.stringify(text), kind, opts);
  if (!r.ok) assert.fail(`${r.problem.message} — ${r.problem.detail}`);
  return r;
};

test('JSON syntax errors report line:column and a readable message', () => {
  const text = '{\n  "Version": "2012-10-17",\n  "Statement": {\n    "Effect": "Allow"\n    "Action": "s3:*"\n  }\n}';
  const p = problem(text);
  assert.equal(p.message, 'Syntax errors in policy.');
  assert.equal(p.code, 'MalformedPolicyDocument');
  assert.deepEqual([p.line, p.column], [5, 5]);
  assert.equal(p.detail, `Expected ',' or '}' after property value at line 5, column 5 (found '"').`);
  const cases: Array<[string, number, number, RegExp]> = [
    ['', 1, 1, /empty/],
    ['{"a": [1, 2,]}', 1, 13, /trailing comma/],
    ['{"a": 1,}', 1, 9, /trailing comma/],
    ["{'Version': '2012-10-17'}", 1, 2, /single quote/],
    ['{"Version": "2012-10-17}', 1, 13, /Unterminated string/],
    ['{"a": tru}', 1, 7, /Unexpected word 'tru'/],
    ['{"a" 1}', 1, 6, /Expected ':' after property name "a"/],
    ['{"a": 1} x', 1, 10, /after the end of the JSON document/],
    ['{\r\n"a": \u201cx\u201d}', 2, 6, /typographic quote/],
    ['{"a": "bad \\x escape"}', 1, 12, /Invalid escape/],
    ['{"a": [1 2]}', 1, 10, /Expected ',' or ']'/],
    ['{"a": -}', 1, 8, /digit/],
    ['\n\n   [', 3, 5, /Expected a value/],
  ];
  for (const [t, line, column, re] of cases) {
    const r = parsePolicyText(t);
    assert.equal(r.ok, false, t);
    if (r.ok) continue;
    assert.deepEqual([r.problem.line, r.problem.column], [line, column], `${JSON.stringify(t)}: ${r.problem.detail}`);
    assert.match(r.problem.detail!, re);
  }
});

test('parsePolicyText locates elements by path (key position for members, value position for list items)', () => {
  const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n    {\n      "Effect": "allow"\n    }\n  ]\n}';
  const r = parsePolicyText(text);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual(r.locate(['Version']), { line: 2, column: 3 });
  assert.deepEqual(r.locate(['Statement', 0]), { line: 4, column: 5 });
  assert.deepEqual(r.locate(['Statement', 0, 'Action']), { line: 4, column: 25 });
  assert.deepEqual(r.locate(['Statement', 1, 'Effect']), { line: 6, column: 7 });
  assert.deepEqual(r.locate([]), { line: 1, column: 1 });
  assert.equal(r.locate(['Nope']), undefined);
  assert.deepEqual(r.value, JSON.parse(text));
});

test('grammar problems point at the offending element', () => {
  const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n    {\n      "Effect": "allow", "Action": "s3:*", "Resource": "*"\n    }\n  ]\n}';
  const p = problem(text);
  assert.equal(p.message, 'The policy failed legacy parsing');
  assert.deepEqual([p.line, p.column], [6, 7]);
  assert.match(p.detail!, /Statement\[1\]\.Effect is "allow"; it is case-sensitive/);
});

test('Version rules: managed policies need 2012-10-17; inline and trust policies accept none; other values are syntax errors', () => {
  const st = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
  assert.equal(problem({ Statement: [st] }, 'managed').message, 'Policy document must be version 2012-10-17 or greater.');
  assert.equal(problem({ Version: '2008-10-17', Statement: [st] }, 'managed').message, 'Policy document must be version 2012-10-17 or greater.');
  assert.equal(ok({ Statement: [st] }, 'identity').document.Version, '2008-10-17');
  ok({ Statement: [{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }] }, 'trust');
  assert.equal(problem({ Version: '2024-01-01', Statement: [st] }).message, 'Syntax errors in policy.');
});

test('Statement may be one object or a list; single strings become lists; conditions become strings', () => {
  const r = ok({ Version: '2012-10-17', Id: 'x', Statement: { Sid: 'One', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } } } }, 'managed');
  assert.deepEqual(r.document, {
    Version: '2012-10-17',
    Id: 'x',
    Statement: [{ Sid: 'One', Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'], Condition: { Bool: { 'aws:SecureTransport': ['true'] }, NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] } } }],
  });
  const t = ok({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root', Service: ['ec2.amazonaws.com'] }, Action: ['sts:AssumeRole'] }] }, 'trust');
  assert.deepEqual(t.document.Statement.map((s) => s.Principal), ['*', { AWS: ['arn:aws:iam::123456789012:root'], Service: ['ec2.amazonaws.com'] }]);
});

test('syntax errors: unknown elements, wrong types, missing Effect, both Action and NotAction, empty Statement, unknown operators', () => {
  const st = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
  const cases: Array<[unknown, RegExp]> = [
    [[st], /must be a JSON object/],
    [{ Version: '2012-10-17', Statment: [st] }, /Unknown element "Statment".*did you mean "Statement"/],
    [{ Version: '2012-10-17' }, /no Statement/],
    [{ Version: '2012-10-17', Statement: [] }, /empty list/],
    [{ Version: '2012-10-17', Statement: 'x' }, /object or a list/],
    [S({ Action: 's3:*', Resource: '*' }), /has no Effect/],
    [S({ ...st, Effect: 'Permit' }), /must be "Allow" or "Deny"/],
    [S({ ...st, Effects: 'Allow' }), /unknown element "Effects"/],
    [S({ ...st, action: 's3:*' }), /unknown element "action".*did you mean "Action"/],
    [S({ ...st, NotAction: 'iam:*' }), /both Action and NotAction/],
    [S({ ...st, NotResource: 'x' }), /both Resource and NotResource/],
    [S({ ...st, Resource: null }), /Resource must be a string or a list of strings, not null/],
    [S({ ...st, Action: ['s3:Get*', 5] }), /Action\[1\] must be a string/],
    [S({ ...st, Sid: 7 }), /Sid must be a string/],
    [S({ ...st, Condition: { StringEqualz: { 'aws:username': 'a' } } }), /"StringEqualz" is not a condition operator/],
    [S({ ...st, Condition: { stringequals: { 'aws:username': 'a' } } }), /did you mean "StringEquals"\? operator names are case-sensitive/],
    [S({ ...st, Condition: { StringEquals: 'a' } }), /must be an object/],
    [S({ ...st, Condition: { StringEquals: { 'aws:username': { x: 1 } } } }), /must be a string, number, boolean/],
    [{ Version: '2012-10-17', Statement: [st], Id: 5 }, /Id must be a string/],
  ];
  for (const [d, re] of cases) {
    const p = problem(d);
    assert.equal(p.message, 'Syntax errors in policy.', JSON.stringify(d));
    assert.match(p.detail!, re);
  }
  // An empty block under an unknown operator is tolerated (as IAM does).
  ok(S({ ...st, Condition: { Whatever: {} } }));
});

test('identity-policy rules: actions and resources required, no principal, vendor prefixes, ARN formats', () => {
  const cases: Array<[unknown, string]> = [
    [S({ Effect: 'Allow', Resource: '*' }), 'Policy statement must contain actions.'],
    [S({ Effect: 'Allow', Action: [], Resource: '*' }), 'Policy statement must contain actions.'],
    [S({ Effect: 'Allow', Action: 's3:*' }), 'Policy statement must contain resources.'],
    [S({ Effect: 'Allow', Action: 's3:*', Resource: [] }), 'Policy statement must contain resources.'],
    [S({ Effect: 'Allow', Action: 's3:*', Resource: '*', Principal: { AWS: '*' } }), 'Policy document should not specify a principal.'],
    [S({ Effect: 'Deny', Action: 's3:*', Resource: '*', NotPrincipal: { AWS: '*' } }), 'Policy document should not specify a principal.'],
    [S({ Effect: 'Allow', Action: 'ListAllMyBuckets', Resource: '*' }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
    [S({ Effect: 'Allow', Action: 's3:a:b', Resource: '*' }), 'Actions/Condition can contain only one colon.'],
    [S({ Effect: 'Allow', Action: 's3 :Get', Resource: '*' }), 'Vendor s3  is not valid'],
    [S({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { username: 'x' } } }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
    [S({ Effect: 'Allow', Action: 's3:*', Resource: 'my-bucket' }), 'Resource my-bucket must be in ARN format or "*".'],
    [S({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam:us-east-1:123456789012:role/x' }), 'IAM resource arn:aws:iam:us-east-1:123456789012:role/x cannot contain region information.'],
    [S({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:us-east-1::b' }), 'Resource arn:aws:s3:us-east-1::b can not contain region information.'],
    [S({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws-cn:s3:::b' }), 'Partition "aws-cn" is not valid for resource "arn:aws-cn:s3:*:*:b".'],
    [S({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s*:::b' }), 'Resource vendor must be fully qualified and cannot contain regexes.'],
    [S({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::123456789012:roles/x' }), 'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.'],
    [S({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws::::b' }), 'The policy failed legacy parsing'],
  ];
  for (const [d, msg] of cases) assert.equal(problem(d).message, msg, JSON.stringify(d));
  for (const kind of ['managed', 'boundary', 'session'] as const) {
    assert.equal(problem(S({ Effect: 'Allow', Action: 's3:*', Resource: '*', Principal: '*' }), kind).message, 'Policy document should not specify a principal.', kind);
    assert.equal(problem(S({ Effect: 'Allow', Action: 's3:*' }), kind).message, 'Policy statement must contain resources.', kind);
  }
  ok(S({ Effect: 'Allow', Action: '*', Resource: ['arn:aws:s3:::b/*', 'arn:aws:iam::123456789012:user/${aws:username}', 'arn:aws:ec2:*:*:instance/*'] }));
});

test('Sid rules: alphanumeric and unique', () => {
  const st = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
  const dup = problem({ Version: '2012-10-17', Statement: [{ ...st, Sid: 'A1' }, { ...st, Sid: 'A1' }] });
  assert.equal(dup.message, 'Statement IDs (SID) in a single policy must be unique.');
  assert.match(dup.detail!, /Statement\[1\] repeats the Sid "A1" of Statement\[0\]/);
  const bad = problem(S({ ...st, Sid: 'allow-s3 read' }));
  assert.equal(bad.message, 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
  assert.match(bad.detail!, /"-", a space/);
  ok({ Version: '2012-10-17', Statement: [{ ...st, Sid: '' }, { ...st, Sid: '' }] });
  ok(S({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Sid: 'public read' }), 'resource');
});

test('trust-policy rules (gotcha 12): Principal required, Resource prohibited, NotPrincipal forbidden, principals valid and existing', () => {
  const tr = (st: Record<string, unknown>) => S({ Effect: 'Allow', Action: 'sts:AssumeRole', ...st });
  assert.equal(problem(tr({ Principal: { AWS: '123456789012' }, Resource: '*' }), 'trust').message, 'Has prohibited field Resource');
  assert.equal(problem(tr({ Principal: { AWS: '123456789012' }, NotResource: '*' }), 'trust').message, 'Has prohibited field NotResource');
  assert.equal(problem(tr({}), 'trust').message, 'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!');
  assert.equal(problem(S({ Effect: 'Deny', NotPrincipal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }), 'trust').message, 'Has prohibited field NotPrincipal');
  const missing = problem(tr({ Principal: { AWS: 'arn:aws:iam::123456789012:user/ghost' } }), 'trust', { principalExists: (a: string) => a.endsWith('/alice') });
  assert.equal(missing.message, 'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/ghost"');
  assert.match(missing.detail!, /No user arn:aws:iam::123456789012:user\/ghost exists/);
  ok(tr({ Principal: { AWS: 'arn:aws:iam::123456789012:user/alice' } }), 'trust', { principalExists: (a: string) => a.endsWith('/alice') });
  const calls: string[] = [];
  ok(tr({ Principal: { AWS: ['123456789012', 'arn:aws:iam::123456789012:root', '*', 'arn:aws:iam::123456789012:role/path/r'] } }), 'trust', { principalExists: (a: string) => (calls.push(a), true) });
  assert.deepEqual(calls, ['arn:aws:iam::123456789012:role/path/r'], 'accounts and "*" need no existence check');
  assert.equal(problem(tr({ Principal: { AWS: 'arn:aws:iam::123456789012:user/*' } }), 'trust').message, 'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*"');
  assert.match(problem(tr({ Principal: { AWS: 'arn:aws:iam::123456789012:user/*' } }), 'trust').detail!, /wildcard inside a principal ARN/);
  assert.equal(problem(tr({ Principal: { AWS: 'alice' } }), 'trust').message, 'Invalid principal in policy: "AWS":"alice"');
  assert.equal(problem(tr({ Principal: { AWS: 'arn:aws:iam::12345:root' } }), 'trust').message, 'Invalid principal in policy: "AWS":"arn:aws:iam::12345:root"');
  assert.equal(problem(tr({ Principal: { Service: 'ec2' } }), 'trust').message, 'Invalid principal in policy: "SERVICE":"ec2"');
  assert.equal(problem(tr({ Principal: { AWS: 'AIDAOLDOLDOLDOLDOLD12' } }), 'trust', { principalExists: () => false }).message, 'Invalid principal in policy: "AWS":"AIDAOLDOLDOLDOLDOLD12"');
  assert.equal(problem(tr({ Principal: 'arn:aws:iam::123456789012:root' }), 'trust').message, 'Syntax errors in policy.');
  assert.equal(problem(tr({ Principal: { User: 'x' } }), 'trust').message, 'Syntax errors in policy.');
  // The same statement as an identity policy: the principal is the problem there.
  assert.equal(problem(tr({ Principal: { AWS: '123456789012' } }), 'identity').message, 'Policy document should not specify a principal.');
  // Bucket policies need a Principal too (S3's wording).
  assert.equal(problem(S({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }), 'resource').message, 'Missing required field Principal');
});

test('sizes are counted without whitespace; maxSize gives LimitExceeded with the text for the kind (gotcha 14)', () => {
  const admin = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
  assert.equal(policySize(admin), 85);
  assert.equal(policySize(JSON.stringify(JSON.parse(admin), null, 4)), 85);
  assert.equal(policySize('{"Sid": "a b"}'), 13, 'whitespace inside strings counts');
  assert.equal(ok(admin).size, 85);
  const big = JSON.stringify(S({ Effect: 'Allow', Action: Array.from({ length: 600 }, (_, i) => `s3:Action${i}`), Resource: '*' }));
  const m = problem(big, 'managed', { maxSize: 6144 });
  assert.equal(m.code, 'LimitExceeded');
  assert.equal(m.message, 'Cannot exceed quota for PolicySize: 6144');
  const trustBig = JSON.stringify(S({ Effect: 'Allow', Principal: { AWS: Array.from({ length: 200 }, (_, i) => String(100000000000 + i)) }, Action: 'sts:AssumeRole' }));
  assert.equal(problem(trustBig, 'trust', { maxSize: 2048 }).message, 'Cannot exceed quota for ACLSizePerRole: 2048');
  assert.equal(problem(big, 'identity', { maxSize: 2048, owner: 'user balu' }).message, 'Maximum policy size of 2048 bytes exceeded for user balu');
  ok(admin, 'managed', { maxSize: 85 });
});

test('an already-parsed value validates too (no positions)', () => {
  const r = validatePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: 's3:*', Resource: '*' }] }, 'identity');
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.problem.message, 'The policy failed legacy parsing');
    assert.equal(r.problem.line, undefined);
  }
});
