// Reports and the workshop room: how fast a report is signed and checked, and how many
// progress events a room takes per second on loopback — each next to a baseline measured
// in the same run.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { opsPerSecond, type Bench } from './harness.js';
import { buildLabReport, buildReport } from '../src/report/build.js';
import { signReport, checkSignature } from '../src/report/sign.js';
import { renderReport } from '../src/report/render.js';
import { parseReportText } from '../src/report/parse.js';
import { startWorkshopServer } from '../src/workshop/server.js';
import { bodySignature, EVENTS_PATH } from '../src/workshop/protocol.js';

const KEY = 'bench-workshop-key';

function report() {
  const steps = Array.from({ length: 12 }, (_, i) => ({ id: `step-${i}`, title: `Step number ${i} of the lab` }));
  const lab = { id: 'bench-lab', version: '1.0.0', contentHash: 'ab'.repeat(32), title: 'Bench lab', steps };
  const progress = {
    backend: 'sim' as const,
    started_at: '2026-01-01T09:00:00.000Z',
    steps: Object.fromEntries(
      steps.map((s, i) => [s.id, { started_at: new Date(Date.parse('2026-01-01T09:00:00Z') + i * 60_000).toISOString(), passed_at: new Date(Date.parse('2026-01-01T09:00:30Z') + i * 60_000).toISOString(), attempts: i % 3, hints_shown: i % 2 ? ['h1'] : [], solution_viewed: false, skipped: false }]),
    ),
  };
  const recheck = { status: 'done' as const, at: new Date('2026-01-01T10:00:00Z'), results: steps.map((s) => ({ stepId: s.id, status: 'pass' as const })) };
  return buildReport([buildLabReport({ lab, progress, recheck }), buildLabReport({ lab: { ...lab, id: 'bench-lab-2' }, progress, recheck })], { learner: 'Bench', now: new Date('2026-01-01T10:00:01Z') });
}

export const benches: Bench[] = [
  {
    name: 'report.sign_and_check_per_s',
    async run() {
      const r = report();
      const value = opsPerSecond(() => {
        const s = signReport(r, KEY);
        if (checkSignature(s, KEY).state !== 'ok') throw new Error('signature');
      }, 700);
      // Baseline: HMAC over JSON.stringify (no canonical form: not order-independent).
      const baseline = opsPerSecond(() => {
        const a = createHmac('sha256', KEY).update(JSON.stringify(r)).digest('hex');
        const b = createHmac('sha256', KEY).update(JSON.stringify(r)).digest('hex');
        if (a !== b) throw new Error('hmac');
      }, 700);
      return { value, unit: 'reports/s', better: 'higher', baseline: { name: 'HMAC(JSON.stringify) ×2', value: baseline }, note: '2 labs × 12 steps' };
    },
  },
  {
    name: 'report.md_read_back_per_s',
    async run() {
      const md = renderReport(signReport(report(), KEY), 'md');
      const value = opsPerSecond(() => void parseReportText(md), 700);
      const json = renderReport(signReport(report(), KEY), 'json');
      const baseline = opsPerSecond(() => void parseReportText(json), 700);
      return { value, unit: 'reads/s', better: 'higher', baseline: { name: 'same report as JSON', value: baseline }, note: 'md read = decode + validate + re-render + compare' };
    },
  },
  {
    name: 'workshop.events_per_s',
    async run() {
      const server = await startWorkshopServer({ port: 0, key: KEY });
      const batch = (seq0: number) =>
        JSON.stringify({
          v: 1,
          learner: `L${seq0 % 30}`,
          client: `bench-client-${seq0 % 30}`,
          sent_at: new Date().toISOString(),
          events: Array.from({ length: 50 }, (_, i) => ({ seq: seq0 + i + 1, kind: i % 5 === 0 ? 'passed' : 'hint', lab: 'bench-lab', step: `step-${i % 12}`, hint: 'h1', at: new Date().toISOString() })),
        });
      const post = async (url: string, body: string, sign: boolean) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (sign) headers['x-iamlab-signature'] = bodySignature(KEY, body);
        const r = await fetch(url, { method: 'POST', headers, body });
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`status ${r.status}`);
      };
      const measure = async (url: string, sign: boolean) => {
        const t0 = performance.now();
        let n = 0;
        let seq = 0;
        while (performance.now() - t0 < 800) {
          await Promise.all(Array.from({ length: 4 }, () => post(url, batch((seq += 1000)), sign)));
          n += 4 * 50;
        }
        return (n * 1000) / (performance.now() - t0);
      };
      const value = await measure(server.url + EVENTS_PATH, true);
      await server.close();
      // Baseline: a bare node http server that only reads and JSON.parses the body.
      const bare = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        });
      });
      await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
      const baseline = await measure(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`, false);
      await new Promise<void>((r) => {
        bare.close(() => r());
        bare.closeAllConnections();
      });
      return { value, unit: 'events/s', better: 'higher', baseline: { name: 'bare http + JSON.parse', value: baseline }, aim: 1000, note: 'batches of 50, 4 in flight, HMAC-checked' };
    },
  },
];
