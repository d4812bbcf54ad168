// The tutor's speed as a learner feels it.
//  app.first_frame_ms_p50: process start → the lab catalog drawn, in a pseudo-terminal
//    (script(1)), the built app (`node bin/iamlab.js`). Baseline: a minimal Ink "hello"
//    bundled the same way, in the same pseudo-terminal, in the same run.
//  app.keypress_ms_p95: a key typed into the shell pane → the redrawn frame written to the
//    terminal, with 1,000 lines of scrollback; the real App, reducer and Ink renderer
//    (not debug mode: Ink's own throttle and log-update are in the path). Baseline: the same
//    with an empty scrollback.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, type Bench } from './harness.js';

const ROOT = new URL('..', import.meta.url).pathname;

function ensureBuilt(): void {
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr.toString()}`);
}

/** Milliseconds from spawning `cmd` in a pseudo-terminal until its output matches `marker`. */
async function timeToMarker(cmd: string, marker: RegExp, env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<number> {
  return (await timeToMarkers(cmd, [marker], env, timeoutMs))[0]!;
}

/** Milliseconds from spawning `cmd` in a pseudo-terminal until its output matches each marker (in the order given). */
function timeToMarkers(cmd: string, markers: RegExp[], env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('script', ['-qfec', `stty cols 80 rows 24; ${cmd}`, '/dev/null'], { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const times: number[] = [];
    const finish = (err?: Error, ms?: number[]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      if (err) reject(err);
      else resolve(ms!);
    };
    const timer = setTimeout(() => finish(new Error(`no ${markers[times.length]} within ${timeoutMs} ms; output: ${out.slice(-300)}`)), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      while (times.length < markers.length && markers[times.length]!.test(out)) times.push(performance.now() - t0);
      if (times.length === markers.length) finish(undefined, times);
    });
    child.on('error', (e) => finish(e));
  });
}

async function firstFrame(): Promise<import('./harness.js').BenchResult> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'iamlab-bench-app-'));
  try {
    // the baseline: a minimal Ink app, bundled like ours
    writeFileSync(join(dir, 'hello.mjs'), "import React from 'react'; import { render, Text } from 'ink'; render(React.createElement(Text, null, 'hello-ink-ready'));\n");
    await bundleLikeTheApp(dir, 'hello.mjs', 'hello.js');
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'false', TERM: 'xterm-256color', IAMLAB_HOME: join(dir, 'home') };
    delete env.NO_COLOR;
    const app = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/iamlab.js'))}`;
    const hello = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(dir, 'hello.js'))}`;
    const appMarker = /\d+ steps · not started|continue|✓ complete/;
    // the very first start has no catalog cache (it loads every lab file once); then alternate
    // The catalog is written before Ink loads (src/app/paint.ts); Ink's own first render hides the
    // cursor (ESC[?25l): from then on keys are read. Both are timed in the same runs.
    const inkReady = /\x1b\[\?25l/;
    const cold = await timeToMarker(app, appMarker, env);
    await timeToMarker(hello, /hello-ink-ready/, env);
    const a: number[] = [];
    const ready: number[] = [];
    const h: number[] = [];
    for (let i = 0; i < 15; i++) {
      const [frame, keys] = await timeToMarkers(app, [appMarker, inkReady], env);
      a.push(frame!);
      ready.push(keys!);
      h.push(await timeToMarker(hello, /hello-ink-ready/, env));
    }
    const nodeOnly: number[] = [];
    for (let i = 0; i < 5; i++) nodeOnly.push(await timeToMarker(`${JSON.stringify(process.execPath)} -e "console.log('node-ready')"`, /node-ready/, env));
    return {
      value: percentile(a, 50),
      unit: 'ms',
      better: 'lower',
      baseline: { name: 'Ink hello bundle, same PTY', value: percentile(h, 50) },
      aim: 200,
      note: `keys read (Ink mounted) at ${percentile(ready, 50).toFixed(0)} ms; node -e alone ${percentile(nodeOnly, 50).toFixed(0)} ms; p90 ${percentile(a, 90).toFixed(0)} ms; first run (no catalog cache) ${cold.toFixed(0)} ms; load avg ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------

/**
 * The keypress driver, bundled like the shipped app (esbuild, NODE_ENV=production) and run in
 * its own process: the real App, reducer, controller and Ink renderer (not debug mode, so Ink's
 * throttle and log-update are in the path), with a terminal stand-in that records when the
 * frame is written.
 */
const DRIVER = (root: string) => `
import React from 'react';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink';
import { App } from ${JSON.stringify(join(root, 'src/app/ui/App.tsx'))};
import { Runner } from ${JSON.stringify(join(root, 'src/app/runner.ts'))};
import { AppController } from ${JSON.stringify(join(root, 'src/app/controller.ts'))};
import { initialState, reducer } from ${JSON.stringify(join(root, 'src/app/state.ts'))};

class FakeStdout extends EventEmitter {
  isTTY = true; columns = 80; rows = 24; onWrite;
  write() { const f = this.onWrite; this.onWrite = undefined; f?.(); return true; }
}
class FakeStdin extends EventEmitter {
  isTTY = true; queue = [];
  setRawMode() {} setEncoding() {} ref() {} unref() {} resume() {} pause() {}
  read() { return this.queue.shift() ?? null; }
  type(s) { this.queue.push(s); this.emit('readable'); }
}
const scrollback = Number(process.argv[2]);
const home = mkdtempSync(join(tmpdir(), 'iamlab-bench-keys-'));
const controller = new AppController({ home, labsDir: ${JSON.stringify(join(root, 'labs'))} });
let s = initialState({ columns: 80, rows: 24 });
s = reducer(s, { type: 'intents-taken', ids: s.intents.map((i) => i.id) });
s = reducer(s, { type: 'lab-opened', lab: await controller.open('switch-role-admin', 'sim') });
const out = Array.from({ length: scrollback }, (_, i) => '{"Arn": "arn:aws:iam::123456789012:role/role-' + i + '", "RoleName": "role-' + i + '"}').join('\\n');
s = reducer(s, { type: 'run-done', line: 'x', output: { stdout: out, stderr: '', exitCode: 0 }, snap: await controller.snapshot() });
const stdout = new FakeStdout();
const stdin = new FakeStdin();
const inst = render(React.createElement(App, { init: s, runner: new Runner(controller), toastMs: 0 }), { stdout, stdin, debug: false, exitOnCtrlC: false, patchConsole: false });
await new Promise((r) => setTimeout(r, 200));
const keys = 'aws iam list-roles --query Roles[].Arn ';
const times = [];
for (let i = 0; i < 240; i++) {
  const ch = i % 40 === 39 ? '\\x7f' : keys[i % keys.length];
  times.push(await new Promise((resolve) => {
    const t0 = performance.now();
    stdout.onWrite = () => resolve(performance.now() - t0);
    stdin.type(ch);
  }));
  await new Promise((r) => setTimeout(r, 40)); // a fast typist: 25 keys a second
}
inst.unmount();
rmSync(home, { recursive: true, force: true });
process.stdout.write(JSON.stringify(times.slice(20)) + '\\n');
process.exit(0);
`;

async function buildDriver(dir: string): Promise<string> {
  writeFileSync(join(dir, 'driver.mjs'), DRIVER(ROOT));
  return bundleLikeTheApp(dir, 'driver.mjs', 'driver.js');
}

/** One esbuild bundle made the way scripts/build.mjs makes the app's (production React, no devtools, the AWS SDK external). */
async function bundleLikeTheApp(dir: string, entry: string, out: string): Promise<string> {
  writeFileSync(join(dir, 'stub.mjs'), 'export default {};\n');
  const { build } = await import('esbuild');
  const outfile = join(dir, out);
  await build({
    entryPoints: [join(dir, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    nodePaths: [join(ROOT, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'react-devtools-core': join(dir, 'stub.mjs') },
    external: ['@aws-sdk/*', '@smithy/*'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

function keypressWith(driver: string, scrollback: number): number[] {
  const r = spawnSync(process.execPath, [driver, String(scrollback)], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`keypress driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as number[];
}

async function keypress(): Promise<import('./harness.js').BenchResult> {
  // inside the checkout, like dist/: the packages the bundle leaves external (the AWS SDK's, which
  // the endpoint's SigV4 check loads) resolve from its node_modules
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'iamlab-bench-kp-'));
  try {
    const driver = await buildDriver(dir);
    const empty = keypressWith(driver, 0);
    const full = keypressWith(driver, 1000);
    return {
      value: percentile(full, 95),
      unit: 'ms',
      better: 'lower',
      baseline: { name: 'same, empty scrollback', value: percentile(empty, 95) },
      aim: 16,
      note: `p50 ${percentile(full, 50).toFixed(2)} ms; 220 keys at 25/s, 80×24, production bundle; load avg ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benches: Bench[] = [
  { name: 'app.first_frame_ms_p50', run: firstFrame },
  { name: 'app.keypress_ms_p95', run: keypress },
];
