// `iamlab serve` throughput and latency from a real SDK v3 client over loopback, with SigV4
// verified on every request, at 50 concurrent requests; the same load against moto_server
// (started here on a free loopback port, with its IAM auth switched on so it verifies
// signatures too) is the same-run baseline. The endpoint runs in its own process, like
// moto, so client and server do not share an event loop and each server's CPU time can be
// read from /proc the same way.
import { fileURLToPath } from 'node:url';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { percentile, type Bench, type BenchResult } from './harness.js';
import { motoPath, startMoto, type Running } from '../test/moto.js';

const CONCURRENCY = 50;
const TOTAL = 3000; // requests per figure (bounded)
const MAX_MS = 15_000; // and bounded in time
const ACCOUNT = '123456789012';

interface Endpoint {
  url: string;
  creds: { accessKeyId: string; secretAccessKey: string };
  roleArn: string;
}

// ---------------------------------------------------------------- the endpoint, in a child process

if (process.env.IAMLAB_SERVE_BENCH_CHILD === '1' && process.send) {
  const { World, SimBackend } = await import('../src/sim/index.js');
  const { startServer } = await import('../src/serve/index.js');
  const world = World.create({ seed: 'serve-bench', now: new Date() });
  world.createAccount(ACCOUNT);
  const root = world.rootCredentials(ACCOUNT);
  const be = new SimBackend(world);
  const call = (service: 'iam' | 'sts', operation: string, input: Record<string, unknown>) => {
    const r = be.callSync({ service, operation, input, credentials: root });
    if (!r.ok) throw new Error(`${operation}: ${r.error.code} ${r.error.message}`);
    return r.output;
  };
  call('iam', 'CreateUser', { UserName: 'bench' });
  call('iam', 'PutUserPolicy', { UserName: 'bench', PolicyName: 'all', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) });
  const key = call('iam', 'CreateAccessKey', { UserName: 'bench' }).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  const role = call('iam', 'CreateRole', {
    RoleName: 'bench-role',
    AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bench` }, Action: 'sts:AssumeRole' }] }),
  }).Role as { Arn: string };
  let timings: number[] = [];
  let service: number[] = [];
  const server = await startServer({
    world,
    limits: {
      onTiming: (total, own) => {
        timings.push(total);
        service.push(own);
      },
    },
  });
  process.on('message', async (m: string) => {
    if (m === 'mark') {
      timings = [];
      service = [];
      process.send!({ marked: true });
    } else if (m === 'report') {
      process.send!({ report: { timings, service } });
    } else if (m === 'close') {
      await server.close();
      process.send!({ closed: true });
      process.disconnect();
    }
  });
  process.send({ ready: { url: server.url, creds: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }, roleArn: role.Arn } });
}

function startChild(): Promise<{ child: ChildProcess; ep: Endpoint }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, IAMLAB_SERVE_BENCH_CHILD: '1' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench endpoint exited with ${code}`)));
    child.on('message', (m: { ready?: Endpoint }) => {
      if (m.ready) resolve({ child, ep: m.ready });
    });
  });
}

function ask<T>(child: ChildProcess, msg: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

// ---------------------------------------------------------------- moto_server

async function startBenchMoto(): Promise<{ server: Running; ep: Endpoint } | undefined> {
  if (!motoPath()) return undefined;
  // The first 4 requests bootstrap a user and a role; from then on moto authenticates (re-signs) every request.
  const moto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: '4' }).catch(() => undefined);
  if (!moto) return undefined;
  const url = moto.url;
  const { IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand, CreateRoleCommand } = await import('@aws-sdk/client-iam');
  const boot = new IAMClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
  await boot.send(new CreateUserCommand({ UserName: 'bench' }));
  await boot.send(new PutUserPolicyCommand({ UserName: 'bench', PolicyName: 'all', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
  const key = (await boot.send(new CreateAccessKeyCommand({ UserName: 'bench' }))).AccessKey!;
  const role = await boot.send(
    new CreateRoleCommand({
      RoleName: 'bench-role',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bench` }, Action: 'sts:AssumeRole' }] }),
    }),
  );
  boot.destroy();
  return { server: moto, ep: { url, creds: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, roleArn: role.Role!.Arn! } };
}

// ---------------------------------------------------------------- load

interface Load {
  rps: number;
  p99: number;
  p50: number;
  n: number;
  errors: number;
}

/** CPU seconds (user + system) used so far by a Linux process, from /proc; undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
    return ticks / 100; // USER_HZ
  } catch {
    return undefined;
  }
}

async function load(ep: Endpoint, op: 'gci' | 'assume', hooks: { start?: () => Promise<void> } = {}): Promise<Load> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const client = new STSClient({ endpoint: ep.url, region: 'us-east-1', credentials: ep.creds, maxAttempts: 1 });
  let i = 0;
  const send = () =>
    op === 'gci' ? client.send(new GetCallerIdentityCommand({})) : client.send(new AssumeRoleCommand({ RoleArn: ep.roleArn, RoleSessionName: `s${i++}` }));
  // warm-up (connections, JIT on both sides): 10 rounds of 50
  for (let r = 0; r < 10; r++) await Promise.all(Array.from({ length: CONCURRENCY }, () => send()));
  await hooks.start?.();
  const lat: number[] = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const deadline = start + MAX_MS;
  const loop = async () => {
    while (sent < TOTAL && performance.now() < deadline) {
      sent++;
      const t = performance.now();
      try {
        await send();
      } catch {
        errors++;
      }
      lat.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const elapsed = performance.now() - start;
  client.destroy();
  if (errors > 0) throw new Error(`${errors} of ${lat.length} requests failed against ${ep.url}`);
  return { rps: (lat.length * 1000) / elapsed, p99: percentile(lat, 99), p50: percentile(lat, 50), n: lat.length, errors };
}

// ---------------------------------------------------------------- figures (measured once, reported by four benches)

interface Capacity {
  /** requests per second of server CPU (event-loop active time for iamlab serve, process CPU time for moto) */
  gci: number;
  assume: number;
}

interface Figures {
  gci: Load;
  assume: Load;
  serverP99: number;
  serverP50: number;
  sojournP99: number;
  capacity?: Capacity;
  moto?: { gci: Load; assume: Load; capacity?: Capacity };
}

let figures: Promise<Figures> | undefined;

function measure(): Promise<Figures> {
  figures ??= (async () => {
    const { child, ep } = await startChild();
    let out: Figures;
    try {
      let c0: number | undefined;
      let c2: number | undefined;
      const mark = (set: (c: number | undefined) => void) => () => ask<boolean>(child, 'mark', 'marked').then(() => set(cpuSeconds(child.pid)));
      const report = () => ask<{ timings: number[]; service: number[] }>(child, 'report', 'report');
      const gci = await load(ep, 'gci', { start: mark((c) => (c0 = c)) });
      const c1 = cpuSeconds(child.pid);
      const r1 = await report();
      const assume = await load(ep, 'assume', { start: mark((c) => (c2 = c)) });
      const c3 = cpuSeconds(child.pid);
      out = {
        gci,
        assume,
        serverP99: percentile(r1.service, 99),
        serverP50: percentile(r1.service, 50),
        sojournP99: percentile(r1.timings, 99),
        ...(c0 !== undefined && c1 !== undefined && c2 !== undefined && c3 !== undefined && c1 > c0 && c3 > c2 ? { capacity: { gci: gci.n / (c1 - c0), assume: assume.n / (c3 - c2) } } : {}),
      };
    } finally {
      child.removeAllListeners('exit');
      await ask(child, 'close', 'closed').catch(() => undefined);
      child.kill();
    }
    const moto = await startBenchMoto();
    if (moto) {
      try {
        let c0: number | undefined;
        const gci = await load(moto.ep, 'gci', { start: async () => void (c0 = cpuSeconds(moto.server.pid!)) });
        const c1 = cpuSeconds(moto.server.pid!);
        let c2: number | undefined;
        const assume = await load(moto.ep, 'assume', { start: async () => void (c2 = cpuSeconds(moto.server.pid!)) });
        const c3 = cpuSeconds(moto.server.pid!);
        const capacity = c0 !== undefined && c1 !== undefined && c2 !== undefined && c3 !== undefined && c1 > c0 && c3 > c2 ? { gci: gci.n / (c1 - c0), assume: assume.n / (c3 - c2) } : undefined;
        out.moto = { gci, assume, ...(capacity ? { capacity } : {}) };
      } finally {
        await moto.server.stop();
      }
    }
    return out;
  })();
  return figures;
}

const motoNote = (f: Figures) => (f.moto ? '' : ' (moto_server not installed: no baseline)');

export const benches: Bench[] = [
  {
    name: 'serve.get_caller_identity_rps',
    async run(): Promise<BenchResult> {
      const f = await measure();
      return {
        value: f.gci.rps,
        unit: 'req/s',
        better: 'higher',
        ...(f.moto ? { baseline: { name: 'moto_server', value: f.moto.gci.rps } } : {}),
        note: `SDK v3 STSClient, ${CONCURRENCY} concurrent, ${f.gci.n} requests, SigV4 verified; one SDK client drives the load${f.capacity ? ` (server CPU busy ${((f.gci.rps / f.capacity.gci) * 100).toFixed(0)}% of the time)` : ''}${motoNote(f)}`,
      };
    },
  },
  {
    name: 'serve.assume_role_rps',
    async run(): Promise<BenchResult> {
      const f = await measure();
      return {
        value: f.assume.rps,
        unit: 'req/s',
        better: 'higher',
        ...(f.moto ? { baseline: { name: 'moto_server', value: f.moto.assume.rps } } : {}),
        note: `AssumeRole (trust + identity evaluated), ${CONCURRENCY} concurrent, ${f.assume.n} requests${f.capacity ? `; server CPU busy ${((f.assume.rps / f.capacity.assume) * 100).toFixed(0)}% of the time` : ''}${motoNote(f)}`,
      };
    },
  },
  {
    name: 'serve.p99_ms',
    async run(): Promise<BenchResult> {
      const f = await measure();
      return {
        value: f.serverP99,
        unit: 'ms',
        better: 'lower',
        aim: 5,
        note: `service time per request (complete request → response written: SigV4, decode, simulated account, XML) under the ${CONCURRENCY}-concurrent GetCallerIdentity load, p50 ${f.serverP50.toFixed(2)} ms; with the wait behind the other in-flight requests p99 ${f.sojournP99.toFixed(1)} ms; client-observed p99 ${f.gci.p99.toFixed(0)} ms${f.moto ? ` (moto ${f.moto.gci.p99.toFixed(0)} ms)` : ''}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
      };
    },
  },
  {
    name: 'serve.vs_moto_ratio',
    async run(): Promise<BenchResult> {
      const f = await measure();
      if (!f.moto) return { value: NaN, unit: '×', better: 'higher', aim: 5, note: 'moto_server not installed' };
      const observed = `observed with the one shared SDK client: GetCallerIdentity ${(f.gci.rps / f.moto.gci.rps).toFixed(1)}×, AssumeRole ${(f.assume.rps / f.moto.assume.rps).toFixed(1)}× (client-bound)`;
      if (!f.moto.capacity || !f.capacity) {
        return { value: Math.min(f.gci.rps / f.moto.gci.rps, f.assume.rps / f.moto.assume.rps), unit: '×', better: 'higher', aim: 5, note: `${observed}; moto CPU time unavailable (no /proc)` };
      }
      const g = f.capacity.gci / f.moto.capacity.gci;
      const a = f.capacity.assume / f.moto.capacity.assume;
      return {
        value: Math.min(g, a),
        unit: '×',
        better: 'higher',
        aim: 5,
        note: `server capacity, requests per server-CPU second under the same SDK load: GetCallerIdentity ${Math.round(f.capacity.gci)} vs moto ${Math.round(f.moto.capacity.gci)} (${g.toFixed(1)}×), AssumeRole ${Math.round(f.capacity.assume)} vs ${Math.round(f.moto.capacity.assume)} (${a.toFixed(1)}×); ${observed}`,
      };
    },
  },
];
