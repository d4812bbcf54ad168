// Test helpers for the real-account mode: moto_server on a free loopback port (test/moto.ts), small scripted
// HTTP servers (throttling, expired tokens, closed ports), temporary AWS config files.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Running } from '../moto.js';
import type { SimBackend, World } from '../../src/sim/index.js';

export { closedPort, freePort, motoPath, startMoto, type Running } from '../moto.js';

export interface Scripted extends Running {
  /** Requests received: method, url, form body fields (awsQuery). */
  requests: Array<{ method: string; url: string; body: string; action?: string; authorization?: string }>;
}

/** A tiny HTTP server; `handler` answers each request given its parsed awsQuery Action. */
export async function startScripted(
  handler: (req: { method: string; url: string; body: string; action?: string; n: number }, res: ServerResponse) => void,
): Promise<Scripted> {
  const requests: Scripted['requests'] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const action = new URLSearchParams(body).get('Action') ?? undefined;
      const entry = { method: req.method ?? 'GET', url: req.url ?? '/', body, action, authorization: req.headers.authorization };
      requests.push(entry);
      handler({ ...entry, n: requests.length }, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export function queryError(res: ServerResponse, status: number, code: string, message: string, service: 'sts' | 'iam' = 'sts'): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-RequestId': 'req-err' });
  res.end(
    `<ErrorResponse xmlns="${service === 'sts' ? STS_NS : IAM_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>`,
  );
}

export function callerIdentityOk(res: ServerResponse, arn = 'arn:aws:iam::111122223333:user/alice'): void {
  res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-RequestId': 'req-ok' });
  res.end(
    `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><UserId>AIDAEXAMPLE</UserId><Account>${arn.split(':')[4]}</Account><Arn>${arn}</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>req-ok</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  );
}

/** A temporary directory with AWS config/credentials files; env points the SDK and iamlab at them. */
export function tempAwsFiles(files: { config?: string; credentials?: string }): { dir: string; env: Record<string, string>; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'iamlab-real-'));
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(config, files.config ?? '');
  writeFileSync(credentials, files.credentials ?? '');
  return {
    dir,
    env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Sets process.env for the duration of a test (the SDK's credential chain reads process.env).
 * Each test file runs in its own process; tests inside a file run one after another.
 */
export function withEnv(vars: Record<string, string | undefined>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(vars)) {
    saved[k] = process.env[k];
    if (vars[k] === undefined) delete process.env[k];
    else process.env[k] = vars[k];
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Every AWS_* variable unset, IMDS off, files pointing nowhere: a machine with no credentials. */
export function noAwsEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const vars: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') vars[k] = undefined;
  return { ...vars, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

/** An administrator (user `me`, AdministratorAccess) in a simulated account, and its access key: the learner's own profile in real-mode tests. */
export function adminIn(w: World, sim: SimBackend, account: string): { AccessKeyId: string; SecretAccessKey: string } {
  const root = w.rootCredentials(account);
  const call = (operation: string, input: Record<string, unknown>) => {
    const r = sim.callSync({ service: 'iam', operation, input, credentials: root, via: 'api' });
    if (!r.ok) throw new Error(r.error.message);
    return r.output;
  };
  call('CreateUser', { UserName: 'me' });
  call('AttachUserPolicy', { UserName: 'me', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  return call('CreateAccessKey', { UserName: 'me' }).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
}
