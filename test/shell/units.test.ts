// The pieces the shell is built from, against the AWS CLI's documented behaviour: names
// (xform_name), Python's json error messages, shorthand syntax, "Maybe you meant" (difflib),
// the output formatters, and the shell language (quotes, expansion, here-documents).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getService, xformName } from '../../src/model/index.js';
import { getCloseMatches, ratio } from '../../src/shell/difflib.js';
import { formatJson, formatTable, formatText, formatYaml, processOutput } from '../../src/shell/format.js';
import { needsMore, parseScript } from '../../src/shell/lexer.js';
import { pyJsonParse, PyJsonError } from '../../src/shell/pyjson.js';
import { backCompat, ShorthandParser } from '../../src/shell/shorthand.js';
import { lookAlikes } from '../../src/shell/session.js';
import { runJq } from '../../src/shell/jq.js';
import { shell, world } from './helpers.js';
import { simOperations } from '../../src/sim/index.js';

describe('model: CLI names as botocore derives them', () => {
  it('operations and parameters', () => {
    const cases: Record<string, string> = {
      AssumeRole: 'assume-role',
      GetCallerIdentity: 'get-caller-identity',
      ListObjectsV2: 'list-objects-v2',
      CreateVirtualMFADevice: 'create-virtual-mfa-device',
      ListMFADevices: 'list-mfa-devices',
      AssumeRolePolicyDocument: 'assume-role-policy-document',
      PolicyArns: 'policy-arns',
      SSECustomerKeyMD5: 'sse-customer-key-md5',
      GetAccountInformation: 'get-account-information',
    };
    for (const [api, cli] of Object.entries(cases)) assert.equal(xformName(api), cli, api);
  });

  it('every served operation, with required parameters and pagination', () => {
    const sts = getService('sts')!;
    const ar = sts.operations.get('assume-role')!;
    assert.equal(ar.name, 'AssumeRole');
    const req = [...ar.args.values()].filter((a) => a.required).map((a) => a.name);
    assert.deepEqual(req, ['role-arn', 'role-session-name']);
    assert.equal(ar.args.get('duration-seconds')!.shape!.min, 900);
    assert.equal(ar.args.get('policy-arns')!.shape!.member!.members!.arn!.type, 'string');
    const lr = getService('iam')!.operations.get('list-roles')!;
    assert.deepEqual(lr.paginator!.rk, ['Roles']);
    assert.equal(lr.args.get('max-items')!.paging, 'max-items');
    assert.equal(lr.shadowed.get('max-items')!.member, 'MaxItems');
    assert.equal(getService('ec2')!.operations.get('describe-instances')!.args.get('no-dry-run')!.flagValue, false);
    assert.equal(getService('account')!.operations.has('get-account-information'), true);
    // every operation the simulated account serves has its CLI model
    for (const [svc, ops] of Object.entries(simOperations())) {
      const cli = svc === 's3' ? 's3api' : svc;
      for (const op of ops) assert.ok(getService(cli)!.operations.has(xformName(op)), `${cli} ${op}`);
    }
    assert.equal(getService('s3api')!.operations.get('get-object')!.args.get('outfile')!.positional, true);
  });
});

describe("Python's json messages", () => {
  const err = (s: string) => {
    try {
      pyJsonParse(s);
    } catch (e) {
      if (e instanceof PyJsonError) return e.message;
      throw e;
    }
    return 'no error';
  };
  it('positions and wording', () => {
    assert.equal(err('{"a": 1,}'), 'Illegal trailing comma before end of object: line 1 column 8 (char 7)');
    assert.equal(err("{'a': 1}"), 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)');
    assert.equal(err('{"a" 1}'), "Expecting ':' delimiter: line 1 column 6 (char 5)");
    assert.equal(err('{"a": 1 "b": 2}'), "Expecting ',' delimiter: line 1 column 9 (char 8)");
    assert.equal(err('[1, 2'), "Expecting ',' delimiter: line 1 column 6 (char 5)");
    assert.equal(err(''), 'Expecting value: line 1 column 1 (char 0)');
    assert.equal(err('{"a": }'), 'Expecting value: line 1 column 7 (char 6)');
    assert.equal(err('{"a": "b}'), 'Unterminated string starting at: line 1 column 7 (char 6)');
    assert.equal(err('{} x'), 'Extra data: line 1 column 4 (char 3)');
    assert.equal(err('"\\q"'), 'Invalid \\escape: line 1 column 2 (char 1)');
    assert.equal(err('{\n  "a": 1\n  "b": 2\n}'), "Expecting ',' delimiter: line 3 column 3 (char 13)");
    assert.deepEqual(pyJsonParse('{"a": [1, 2.5, true, null, "\\u00e9"]}'), { a: [1, 2.5, true, null, 'é'] });
  });
});

describe('shorthand syntax', () => {
  const p = new ShorthandParser();
  it('key=value pairs, lists, nested values, quotes', () => {
    assert.deepEqual(p.parse('Key=team,Value=blue'), { Key: 'team', Value: 'blue' });
    assert.deepEqual(p.parse('Name=instance-state-name,Values=running,stopped'), { Name: 'instance-state-name', Values: ['running', 'stopped'] });
    assert.deepEqual(p.parse('arn=arn:aws:iam::aws:policy/ReadOnlyAccess'), { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    assert.deepEqual(p.parse('a=[1,2],b={c=d}'), { a: ['1', '2'], b: { c: 'd' } });
    assert.deepEqual(p.parse(`Key="a,b",Value='x y'`), { Key: 'a,b', Value: 'x y' });
    assert.deepEqual(p.parse('Key=a\\,b'), { Key: 'a,b' });
    assert.throws(() => p.parse('Key=a,Key=b'), /Second instance of key "Key" encountered for input:\nKey=a,Key=b\n {6}\^\nThis is often because there is a preceding "," instead of a space\./);
  });
  it('model adjustments: scalars to lists, strings to integers and booleans', () => {
    const s = getService('ec2')!.operations.get('describe-instances')!.args.get('filters')!.shape!;
    const v = [p.parse('Name=tag:Name,Values=web')];
    backCompat(v, s);
    assert.deepEqual(v, [{ Name: 'tag:Name', Values: ['web'] }]);
  });
});

describe("difflib (the CLI's suggestions)", () => {
  it('ratio and close matches with cutoff 0.8', () => {
    assert.equal(ratio('assume-role', 'asume-role').toFixed(4), (20 / 21).toFixed(4));
    const ops = [...getService('sts')!.allOperationNames, 'help'];
    assert.deepEqual(getCloseMatches('asume-role', ops, 3, 0.8), ['assume-role']);
    assert.deepEqual(getCloseMatches('get-caller-identiy', ops, 3, 0.8), ['get-caller-identity']);
    assert.deepEqual(getCloseMatches('zzz', ops, 3, 0.8), []);
  });
});

describe('output formats', () => {
  it('json: 4 spaces, model order, ISO timestamps with +00:00, nothing for an empty response', () => {
    const op = getService('iam')!.operations.get('get-role')!;
    const out = processOutput(
      {
        Role: {
          RoleName: 'r',
          Path: '/',
          Arn: 'arn:aws:iam::1:role/r',
          RoleId: 'AROA',
          CreateDate: new Date('2026-01-01T09:00:00.123Z'),
          AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
          MaxSessionDuration: 3600,
        },
      },
      op.output,
    );
    assert.equal(
      formatJson(out),
      '{\n    "Role": {\n        "Path": "/",\n        "RoleName": "r",\n        "RoleId": "AROA",\n        "Arn": "arn:aws:iam::1:role/r",\n        "CreateDate": "2026-01-01T09:00:00+00:00",\n        "AssumeRolePolicyDocument": {\n            "Version": "2012-10-17",\n            "Statement": []\n        },\n        "MaxSessionDuration": 3600\n    }\n}\n',
    );
    assert.equal(formatJson({}), '');
    assert.equal(formatJson([]), '[]\n');
  });

  it('text: sorted keys, upper-cased section names, scalar lists tab-joined, Python str()', () => {
    assert.equal(
      formatText({ PackedPolicySize: 8, Credentials: { SessionToken: 'T', AccessKeyId: 'A', SecretAccessKey: 'S', Expiration: 'E' }, AssumedRoleUser: { Arn: 'ARN', AssumedRoleId: 'R' } }),
      '8\nASSUMEDROLEUSER\tARN\tR\nCREDENTIALS\tA\tE\tS\tT\n',
    );
    assert.equal(formatText({ PolicyNames: ['a', 'b'] }), 'POLICYNAMES\ta\nPOLICYNAMES\tb\n');
    assert.equal(formatText(['a', 'b']), 'a\tb\n');
    assert.equal(formatText({ Users: [{ UserName: 'x', Path: '/' }, { UserName: 'y', Tags: [{ Key: 'k', Value: 'v' }] }] }), 'USERS\t/\tx\nUSERS\t\ty\nTAGS\tk\tv\n');
    assert.equal(formatText({ IsTruncated: false, X: null }), 'False\tNone\n');
  });

  it("table: the CLI's boxes (iam-sts-reference §8.4)", () => {
    assert.equal(
      formatTable('ListRoles', [['s3-reader', 'arn:aws:iam::123456789012:role/s3-reader']]),
      [
        '-----------------------------------------------------------',
        '|                        ListRoles                        |',
        '+-----------+---------------------------------------------+',
        '|  s3-reader|  arn:aws:iam::123456789012:role/s3-reader   |',
        '+-----------+---------------------------------------------+',
        '',
      ].join('\n'),
    );
    assert.equal(formatTable('X', []), '');
    assert.throws(() => formatTable('X', [['a'], ['b', 'c']]), /Row should have 1 elements, instead it has 2/);
  });

  it('yaml: block style, unindented sequences, quoted timestamps and numbers', async () => {
    assert.equal(
      await formatYaml({ Users: [{ UserName: 'admin', UserId: '123456789012', CreateDate: '2026-01-01T09:00:00+00:00' }], IsTruncated: false }),
      "Users:\n- UserName: admin\n  UserId: '123456789012'\n  CreateDate: '2026-01-01T09:00:00+00:00'\nIsTruncated: false\n",
    );
    assert.equal(await formatYaml('arn'), '"arn"\n');
  });
});

describe('the shell language', () => {
  it('quotes, escapes, assignments, operators, comments', () => {
    const s = parseScript(`A=1 aws sts get-caller-identity --query 'Arn' "x y" a\\ b # comment\necho ok && echo two || echo three; echo four | jq .`);
    assert.equal(s.length, 3);
    const c = s[0]!.first.cmds[0]!;
    assert.deepEqual(c.assigns.map((a) => a.name), ['A']);
    assert.equal(c.words.length, 7);
    assert.equal(s[1]!.rest.length, 2);
    assert.equal(needsMore("cat > f <<'EOF'\n{"), true);
    assert.equal(needsMore("cat > f <<'EOF'\n{\nEOF"), false);
    assert.equal(needsMore('aws sts get-caller-identity \\'), true);
    assert.equal(needsMore('echo $(aws sts'), true);
    assert.equal(needsMore('echo a &&'), true);
  });

  it('expansion: $VAR, ${VAR}, defaults, $(…), word splitting, here-documents with and without expansion', async () => {
    const sh = shell(world('lang', ['123456789012']));
    const r = await sh.run(
      [
        'NAME="a b"',
        'export ROLE=r1',
        'echo $NAME ${ROLE} "${MISSING:-dflt}" "$NAME" \'$ROLE\'',
        'printf "%s|" $NAME; echo',
        "cat > q.json <<'EOF'\n{\"role\": \"$ROLE\"}\nEOF",
        'cat > e.json <<EOF\n{"role": "$ROLE", "n": "$(echo nested)"}\nEOF',
        'cat q.json e.json',
        'echo $(echo one two) "$(echo three)"',
        'X=$(false); echo "status $?"',
      ].join('\n'),
    );
    assert.equal(r.stdout, 'a b r1 dflt a b $ROLE\na|b|\n{"role": "$ROLE"}\n{"role": "r1", "n": "nested"}\none two three\nstatus 1\n');
    assert.equal(sh.state.env.ROLE, 'r1');
    assert.equal(sh.state.env.NAME, undefined);
    assert.equal(sh.state.vars?.NAME, 'a b');
  });

  it('look-alike characters from web pages are found and fixed', () => {
    assert.equal(lookAlikes('aws sts get-caller-identity --output text'), undefined);
    assert.equal(lookAlikes(`aws iam create-role --description "Role — for admins"`), undefined, 'inside quotes they are text');
    const x = lookAlikes('aws sts assume-role —role-arn x\u00a0--role-session-name y')!;
    assert.equal(x.fixed, 'aws sts assume-role --role-arn x --role-session-name y');
    assert.equal(x.problems.length, 2);
  });

  it('jq subset', () => {
    const doc = '{"Credentials": {"AccessKeyId": "ASIA1", "Tags": [{"Key": "a"}]}}';
    assert.equal(runJq(['-r', '.Credentials.AccessKeyId'], doc).stdout, 'ASIA1\n');
    assert.equal(runJq(['.Credentials.AccessKeyId'], doc).stdout, '"ASIA1"\n');
    assert.equal(runJq(['-r', '.Credentials.Tags[0].Key'], doc).stdout, 'a\n');
    assert.equal(runJq(['-c', '.Credentials.Tags[]'], doc).stdout, '{"Key":"a"}\n');
    assert.equal(runJq(['.x.y'], doc).stdout, 'null\n');
    assert.equal(runJq(['-r', '.Credentials | keys'], doc).stdout, '[\n  "AccessKeyId",\n  "Tags"\n]\n');
  });
});
