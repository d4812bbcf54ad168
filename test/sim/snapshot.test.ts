// Snapshot checking: the quick structural test that lets a well-formed world load without zod
// must never accept what the zod schema refuses, and should accept what zod accepts (else loads
// get slow again). Every place in a rich snapshot is replaced by wrong values and both verdicts
// are compared; error messages stay zod's.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { World, WorldSnapshotError } from '../../src/sim/index.js';
import { quickCheck, zodProblem } from '../../src/sim/snapshot.js';
import { Lab, A, B, trust, allow, userArn, POLICY } from './helpers.js';

/** A world that uses every optional part of the snapshot format. */
function rich(): Record<string, unknown> {
  const l = new Lab({ accounts: [A, B] });
  const alice = l.user('alice', A, { inline: allow('sts:AssumeRole') });
  l.ok('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'Passw0rd-Alice' });
  l.ok('iam', 'TagUser', { UserName: 'alice', Tags: [{ Key: 'team', Value: 'blue' }] });
  l.ok('iam', 'CreateGroup', { GroupName: 'g' });
  l.ok('iam', 'AddUserToGroup', { GroupName: 'g', UserName: 'alice' });
  l.ok('iam', 'PutGroupPolicy', { GroupName: 'g', PolicyName: 'gi', PolicyDocument: JSON.stringify(allow('s3:ListAllMyBuckets')) });
  const p = l.ok('iam', 'CreatePolicy', { PolicyName: 'p', Description: 'd', PolicyDocument: JSON.stringify(allow('s3:*')), Tags: [{ Key: 'k', Value: 'v' }] });
  const pArn = (p['Policy'] as Record<string, string>)['Arn']!;
  const r = l.role('x', trust({ AWS: `arn:aws:iam::${A}:root` }), { acct: B, attach: [POLICY.s3full] });
  l.ok('iam', 'UpdateRoleDescription', { RoleName: 'x', Description: 'the x role' }, l.rootOf(B));
  l.ok('iam', 'TagRole', { RoleName: 'x', Tags: [{ Key: 'env', Value: 'lab' }] }, l.rootOf(B));
  l.ok('s3', 'CreateBucket', { Bucket: 'persist-me' }, l.rootOf(B));
  l.ok('s3', 'PutBucketPolicy', { Bucket: 'persist-me', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('alice') }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::persist-me/*' }] }) }, l.rootOf(B));
  l.ok('s3', 'PutObject', { Bucket: 'persist-me', Key: 'k', Body: new Uint8Array([0, 1, 2, 255]) }, l.rootOf(B));
  l.w.addInstance(A, { name: 'i' });
  const dev = l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice' })['VirtualMFADevice'] as Record<string, string>;
  const serial = dev['SerialNumber']!;
  l.ok('iam', 'EnableMFADevice', { UserName: 'alice', SerialNumber: serial, AuthenticationCode1: l.w.mfaCode(serial), AuthenticationCode2: l.w.mfaCode(serial, 1) });
  l.ok('iam', 'CreateAccountAlias', { AccountAlias: 'rich-lab' });
  assert.ok(l.w.consoleSignIn(A, 'alice', 'Passw0rd-Alice', { mfaCode: l.w.mfaCode(serial) }).ok);
  l.assume(alice, r);
  // an old session (tombstoned in the snapshot) next to a live one
  l.ok('sts', 'GetSessionToken', { DurationSeconds: 900 }, alice);
  l.w.clock.advance(2 * 86_400_000);
  l.assume(alice, r, 'later');
  l.ok('iam', 'PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: pArn });
  const snap = JSON.parse(JSON.stringify(l.w.toJSON())) as Record<string, unknown>;
  assert.ok(snap['expiredSessions'], 'the rich world has tombstones');
  return snap;
}

/** Every path (to objects, arrays and leaves) in a JSON value. */
function paths(v: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

const DELETE = Symbol('delete');
const REPLACEMENTS: unknown[] = [DELETE, undefined, null, 0, 1.5, -1, '', 'x', 'not a date', 'AKIA', true, [], [1], {}, { a: 1 }, Number.NaN, Number.POSITIVE_INFINITY];

/** Calls fn with the value at path replaced (or deleted), then puts the original back. */
function withMutation(base: Record<string, unknown>, path: Array<string | number>, value: unknown, fn: (x: unknown) => void): void {
  if (path.length === 0) return fn(value === DELETE ? {} : value);
  let o = base as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const had = Object.prototype.hasOwnProperty.call(o, last);
  const old = o[last];
  if (value === DELETE) {
    if (Array.isArray(o)) o.splice(last as number, 1);
    else delete o[last];
  } else o[last] = value;
  try {
    fn(base);
  } finally {
    if (value === DELETE && Array.isArray(o)) o.splice(last as number, 0, old);
    else if (had) o[last] = old;
    else delete o[last];
  }
}

describe('snapshot checking', () => {
  test('the quick test accepts real snapshots (so zod is not needed to load them)', () => {
    assert.equal(quickCheck(rich()), true);
    assert.equal(zodProblem(rich()), undefined);
    const fresh = World.create();
    assert.equal(quickCheck(JSON.parse(JSON.stringify(fresh.toJSON()))), true);
  });

  test('the quick test never accepts what zod refuses, and agrees with zod on every single-place corruption', () => {
    const base = rich();
    // a few audit events are enough (each has the same shape)
    base['audit'] = (base['audit'] as unknown[]).slice(-3);
    const pristine = JSON.stringify(base);
    const all = paths(base);
    assert.ok(all.length > 300, `the rich snapshot has ${all.length} places`);
    let compared = 0;
    const slower = new Set<string>();
    for (const p of all) {
      for (const r of REPLACEMENTS) {
        withMutation(base, p, r, (x) => {
          const quick = quickCheck(x);
          const problem = zodProblem(x);
          compared++;
          const what = `${p.join('.')} = ${r === DELETE ? '(deleted)' : typeof r === 'number' && !Number.isFinite(r) ? String(r) : JSON.stringify(r)}`;
          if (quick && problem !== undefined) assert.fail(`the quick test accepts what zod refuses: ${what}: ${problem}`);
          if (!quick && problem === undefined) slower.add(what);
        });
      }
    }
    assert.equal(JSON.stringify(base), pristine, 'every mutation was undone');
    assert.ok(compared > 5000, `${compared} comparisons`);
    // No corruption of one place makes the quick test refuse what zod accepts.
    assert.deepEqual([...slower], []);
  });

  test('a snapshot the quick test refuses but zod accepts still loads (zod is the judge)', () => {
    // The quick test wants plain objects; zod's z.object takes any non-array object.
    const s = rich() as { accounts: Record<string, { users: Record<string, object> }> };
    class NotPlain {}
    s.accounts[A]!.users['alice'] = Object.assign(new NotPlain(), s.accounts[A]!.users['alice']);
    assert.equal(quickCheck(s), false);
    assert.equal(zodProblem(s), undefined);
    const w = World.fromJSON(s);
    assert.equal(w.iam.user(A, 'alice')?.arn, userArn('alice'));
  });

  test('corrupt snapshots keep zod\'s message, path and problem count', () => {
    const s = rich() as { accounts: Record<string, { users: Record<string, Record<string, unknown>>; roles: Record<string, Record<string, unknown>> }> };
    s.accounts[A]!.users['alice']!['accessKeys'] = 'nope';
    s.accounts[B]!.roles['x']!['maxSessionDuration'] = 'long';
    assert.throws(
      () => World.fromJSON(s),
      (e: unknown) => e instanceof WorldSnapshotError && /^The world snapshot is corrupt: at accounts\.123456789012\.users\.alice\.accessKeys: .+ \(and 1 more problem\)\.$/.test((e as Error).message),
    );
    const t = rich() as { rng: unknown };
    t.rng = [1, 2, 3];
    assert.throws(() => World.fromJSON(t), (e: unknown) => e instanceof WorldSnapshotError && /corrupt: at rng: /.test((e as Error).message));
  });

  test('World.fromJSON does not change or keep the object it was given', () => {
    const s = rich();
    const before = JSON.stringify(s);
    const w = World.fromJSON(s);
    assert.equal(JSON.stringify(s), before);
    const sessions = (s['sessions'] as Record<string, { expiration: string }>);
    for (const v of Object.values(sessions)) v.expiration = '2000-01-01T00:00:00.000Z';
    assert.ok(w.iam.sessions().length > 0, 'the world did not share the caller\'s session objects');
  });

  test('the simulated account and the shell import zod only as a type (start-up speed)', () => {
    const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name)) {
          const text = readFileSync(p, 'utf8');
          if (/^import\s+(?!type\b)[^;]*from\s+'zod'/m.test(text) || /import\('zod'\)/.test(text)) offenders.push(p);
        }
      }
    };
    walk(join(root, 'sim'));
    walk(join(root, 'shell'));
    assert.deepEqual(offenders, []);
  });
});
