// sts.assume_role_per_s: AssumeRole calls per second through SimBackend.callSync, on a
// realistic world (caller with an inline policy, a group and ViewOnlyAccess attached; a role
// with a conditioned trust policy and AdministratorAccess). Each call authenticates, validates
// the parameters, evaluates trust + identity policies, creates a session and writes an audit event.
//
// Baseline (same run, same calls): the naive approach of re-validating and re-parsing every
// stored policy document on every call (the simulated account's parsed-document cache turned off).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from './harness.js';
import { opsPerSecond, percentile, timeEach } from './harness.js';
import { World, SimBackend, loadWorldFile, saveWorldFile } from '../src/sim/index.js';
import { zodProblem } from '../src/sim/snapshot.js';
import { setDocumentCache } from '../src/sim/engine.js';
import type { CallRequest, Credentials } from '../src/backend/types.js';

const ACCT = '123456789012';

export function setup(): { backend: SimBackend; req: CallRequest } {
  const w = World.create({ seed: 'bench', now: '2025-01-01T00:00:00Z' });
  w.createAccount(ACCT);
  const b = new SimBackend(w);
  const root = w.rootCredentials(ACCT);
  const call = (service: CallRequest['service'], operation: string, input: Record<string, unknown>) => {
    const r = b.callSync({ service, operation, input, credentials: root });
    if (!r.ok) throw new Error(`${operation}: ${r.error.message}`);
    return r.output;
  };
  call('iam', 'CreateUser', { UserName: 'alice' });
  call('iam', 'PutUserPolicy', {
    UserName: 'alice',
    PolicyName: 'assume',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Assume', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCT}:role/*` },
        { Sid: 'NoProd', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCT}:role/prod-*` },
      ],
    }),
  });
  call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' });
  call('iam', 'CreateGroup', { GroupName: 'devs' });
  call('iam', 'AttachGroupPolicy', { GroupName: 'devs', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  call('iam', 'AddUserToGroup', { GroupName: 'devs', UserName: 'alice' });
  const key = call('iam', 'CreateAccessKey', { UserName: 'alice' })['AccessKey'] as Record<string, string>;
  call('iam', 'CreateRole', {
    RoleName: 'reader',
    MaxSessionDuration: 7200,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringLike: { 'sts:RoleSessionName': 'blocked-*' } } },
      ],
    }),
  });
  call('iam', 'AttachRolePolicy', { RoleName: 'reader', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  const credentials: Credentials = { accessKeyId: key['AccessKeyId']!, secretAccessKey: key['SecretAccessKey']! };
  const req: CallRequest = {
    service: 'sts',
    operation: 'AssumeRole',
    input: { RoleArn: `arn:aws:iam::${ACCT}:role/reader`, RoleSessionName: 'bench', DurationSeconds: 3600 },
    credentials,
    via: 'api',
  };
  const first = b.callSync(req);
  if (!first.ok) throw new Error(`AssumeRole: ${first.error.message}`);
  return { backend: b, req };
}

/** AssumeRole calls per wall-clock second (and per CPU-second) on a fresh world. */
function measure(ms: number): { perSecond: number; perCpuSecond: number } {
  const f = setup();
  const perSecond = opsPerSecond(() => {
    f.backend.callSync(f.req);
  }, ms);
  // The same loop per CPU-second of this process (all its threads, GC included): a steadier
  // figure when other work shares the machine.
  const c0 = process.cpuUsage();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms / 2) {
    for (let i = 0; i < 100; i++) f.backend.callSync(f.req);
    n += 100;
  }
  const cpu = process.cpuUsage(c0);
  return { perSecond, perCpuSecond: n / ((cpu.user + cpu.system) / 1e6) };
}

export const benches: Bench[] = [
  {
    name: 'sts.assume_role_per_s',
    async run() {
      // The real (cached) path first, on a fresh heap; then the naive baseline on its own world.
      setDocumentCache(true);
      const real = measure(1500);
      setDocumentCache(false);
      let naive: { perSecond: number };
      try {
        naive = measure(800);
      } finally {
        setDocumentCache(true);
      }
      return {
        value: real.perSecond,
        unit: 'calls/s',
        better: 'higher',
        aim: 20000,
        baseline: { name: 're-parse every policy per call', value: naive.perSecond },
        note: `AssumeRole via SimBackend.callSync (auth, validation, trust+identity evaluation, session, audit); ${Math.round(real.perCpuSecond).toLocaleString('en-US')} per CPU-second`,
      };
    },
  },
  {
    // sim.load_world_ms_p50: loadWorldFile of a lab-sized world (every `iamlab shell` and
    // `iamlab check` starts with one). Baseline: reading and JSON.parse of the same file alone,
    // the floor any loader pays. The note gives the full zod check of the same snapshot, which
    // loading used to run every time (now only when the quick structural check refuses a file).
    name: 'sim.load_world_ms_p50',
    async run() {
      const { backend, req } = setup();
      for (let i = 0; i < 300; i++) backend.callSync(req); // sessions and audit events, as after a lab
      const dir = mkdtempSync(join(tmpdir(), 'iamlab-bench-world-'));
      try {
        const file = join(dir, 'world.json');
        saveWorldFile(file, backend.world);
        const bytes = readFileSync(file).length;
        const parse = () => JSON.parse(readFileSync(file, 'utf8')) as unknown;
        // First calls in this process: what a start-up pays (cold code; zod loaded on first use).
        const [coldLoad] = timeEach(() => loadWorldFile(file), 1);
        const data = parse();
        const [coldZod] = timeEach(() => zodProblem(data), 1);
        for (let i = 0; i < 20; i++) {
          loadWorldFile(file);
          parse();
        }
        const load = timeEach(() => loadWorldFile(file), 200);
        const floor = timeEach(parse, 200);
        const zod = timeEach(() => zodProblem(data), 50);
        return {
          value: percentile(load, 50),
          unit: 'ms',
          better: 'lower',
          baseline: { name: 'read + JSON.parse only', value: percentile(floor, 50) },
          note: `${Math.round(bytes / 1024)} KB world, 300 sessions; first load ${coldLoad!.toFixed(1)} ms; the zod check it no longer runs: first use ${coldZod!.toFixed(1)} ms, then ${percentile(zod, 50).toFixed(2)} ms`,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
