// `iamlab serve` throughput and latency from a real SDK v3 client over loopback, with SigV4
// verified on every request, at 50 concurrent requests; the same load against moto_server
// (started here on a free loopback port, with its IAM auth switched on so it verifies
// signatures too) is the same-run baseline. The endpoint runs in a worker thread so that
// client and server do not share one event loop (moto runs in its own process).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { percentile, type Bench, type BenchResult } from './harness.js';

const CONCURRENCY = 50;
const TOTAL = 3000; // requests per figure (bounded)
const MAX_MS = 15_000; // and bounded in time
const ACCOUNT = '123456789012';

interface Endpoint {
  url: string;
  creds: { accessKeyId: string; secretAccessKey: string };
  roleArn: string;
}

// ---------------------------------------------------------------- the endpoint, in a worker

if (!isMainThread && (workerData as { iamlabServeBench?: boolean } | null)?.iamlabServeBench) {
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
  const server = await startServer({ world, limits: { onTiming: (ms) => timings.push(ms) } });
  parentPort!.on('message', async (m: string) => {
    if (m === 'timings') {
      parentPort!.postMessage({ timings });
      timings = [];
    } else if (m === 'close') {
      await server.close();
      parentPort!.postMessage({ closed: true });
    }
  });
  parentPort!.postMessage({ ready: { url: server.url, creds: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }, roleArn: role.Arn } });
}

function startWorker(): Promise<{ worker: Worker; ep: Endpoint }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { execArgv: ['--import', 'tsx'], workerData: { iamlabServeBench: true } });
    worker.once('error', reject);
    worker.on('message', (m: { ready?: Endpoint }) => {
      if (m.ready) resolve({ worker, ep: m.ready });
    });
  });
}

function ask<T>(worker: Worker, msg: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        worker.off('message', on);
        resolve(m[key] as T);
      }
    };
    worker.on('message', on);
    worker.postMessage(msg);
  });
}

// ---------------------------------------------------------------- moto_server

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function motoInstalled(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

async function startMoto(): Promise<{ proc: ChildProcess; ep: Endpoint } | undefined> {
  if (!motoInstalled()) return undefined;
  const port = await freePort();
  // The first 4 requests bootstrap a user and a role; from then on moto authenticates (re-signs) every request.
  const proc = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '4' } });
  if (!(await waitForPort(port, 20_000))) {
    proc.kill();
    return undefined;
  }
  const url = `http://127.0.0.1:${port}`;
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
  return { proc, ep: { url, creds: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, roleArn: role.Role!.Arn! } };
}

// ---------------------------------------------------------------- load

interface Load {
  rps: number;
  p99: number;
  p50: number;
  n: number;
  errors: number;
}

async function load(ep: Endpoint, op: 'gci' | 'assume'): Promise<Load> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const client = new STSClient({ endpoint: ep.url, region: 'us-east-1', credentials: ep.creds, maxAttempts: 1 });
  let i = 0;
  const send = () =>
    op === 'gci' ? client.send(new GetCallerIdentityCommand({})) : client.send(new AssumeRoleCommand({ RoleArn: ep.roleArn, RoleSessionName: `s${i++}` }));
  // warm-up (connections, JIT)
  await Promise.all(Array.from({ length: CONCURRENCY }, () => send()));
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

interface Figures {
  gci: Load;
  assume: Load;
  serverP99: number;
  serverP50: number;
  moto?: { gci: Load; assume: Load };
}

let figures: Promise<Figures> | undefined;

function measure(): Promise<Figures> {
  figures ??= (async () => {
    const { worker, ep } = await startWorker();
    let out: Figures;
    try {
      await ask<number[]>(worker, 'timings', 'timings');
      const gci = await load(ep, 'gci');
      const t = await ask<number[]>(worker, 'timings', 'timings');
      const assume = await load(ep, 'assume');
      out = { gci, assume, serverP99: percentile(t, 99), serverP50: percentile(t, 50) };
    } finally {
      await ask(worker, 'close', 'closed');
      await worker.terminate();
    }
    const moto = await startMoto();
    if (moto) {
      try {
        out.moto = { gci: await load(moto.ep, 'gci'), assume: await load(moto.ep, 'assume') };
      } finally {
        moto.proc.kill('SIGTERM');
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
        note: `SDK v3 STSClient, ${CONCURRENCY} concurrent, ${f.gci.n} requests, SigV4 verified; client p50 ${f.gci.p50.toFixed(1)} ms${motoNote(f)}`,
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
        note: `AssumeRole (trust + identity evaluated), ${CONCURRENCY} concurrent, ${f.assume.n} requests${motoNote(f)}`,
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
        note: `server time per request (first byte to response end) under the ${CONCURRENCY}-concurrent GetCallerIdentity load, p50 ${f.serverP50.toFixed(2)} ms; client-observed p99 ${f.gci.p99.toFixed(1)} ms${f.moto ? ` (moto ${f.moto.gci.p99.toFixed(1)} ms)` : ''} includes queueing behind ${CONCURRENCY} in-flight requests`,
      };
    },
  },
  {
    name: 'serve.vs_moto_ratio',
    async run(): Promise<BenchResult> {
      const f = await measure();
      if (!f.moto) return { value: NaN, unit: '×', better: 'higher', aim: 5, note: 'moto_server not installed' };
      const ratio = Math.min(f.gci.rps / f.moto.gci.rps, f.assume.rps / f.moto.assume.rps);
      return {
        value: ratio,
        unit: '×',
        better: 'higher',
        aim: 5,
        note: `min of GetCallerIdentity ${(f.gci.rps / f.moto.gci.rps).toFixed(1)}× and AssumeRole ${(f.assume.rps / f.moto.assume.rps).toFixed(1)}× (both verify SigV4)`,
      };
    },
  },
];
