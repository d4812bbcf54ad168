// A small lab-like world for the endpoint tests, built through the simulated account's own
// API (as the account's root user), and the endpoint on an ephemeral 127.0.0.1 port.
import { World, SimBackend } from '../../src/sim/index.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/serve/index.js';
import type { Credentials } from '../../src/backend/types.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const ACCOUNT = '123456789012';

export const trustFor = (principal: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] });

export interface Fixture {
  world: World;
  server: RunningServer;
  url: string;
  root: Credentials;
  alice: Credentials;
  bob: Credentials;
  readerRoleArn: string;
  changes: { n: number };
}

export async function startFixture(limits?: StartServerOptions['limits']): Promise<Fixture> {
  const world = World.create({ seed: 'serve-tests', now: new Date() });
  world.createAccount(ACCOUNT, { alias: 'lab' });
  world.addBucket(ACCOUNT, 'lab-bucket', { objects: { 'hello.txt': 'hello from the lab' } });
  world.addInstance(ACCOUNT, { name: 'web', instanceId: 'i-0123456789abcdef0' });
  const root = world.rootCredentials(ACCOUNT);
  const sim = new SimBackend(world);
  const call = (operation: string, input: Record<string, unknown>) => {
    const r = sim.callSync({ service: 'iam', operation, input, credentials: root, via: 'api' });
    if (!r.ok) throw new Error(`${operation}: ${r.error.code}: ${r.error.message}`);
    return r.output;
  };
  const user = (name: string): Credentials => {
    call('CreateUser', { UserName: name });
    const k = call('CreateAccessKey', { UserName: name }).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey };
  };
  const alice = user('alice');
  const bob = user('bob');
  const role = call('CreateRole', { RoleName: 's3-reader', AssumeRolePolicyDocument: trustFor(`arn:aws:iam::${ACCOUNT}:user/alice`) }).Role as { Arn: string };
  call('AttachRolePolicy', { RoleName: 's3-reader', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  const changes = { n: 0 };
  const server = await startServer({ world, onChange: () => changes.n++, ...(limits ? { limits } : {}) });
  return { world, server, url: server.url, root, alice, bob, readerRoleArn: role.Arn, changes };
}

export function clientConfig(f: Fixture, credentials: Credentials, extra: Record<string, unknown> = {}) {
  return { endpoint: f.url, region: 'us-east-1', credentials, maxAttempts: 1, ...extra };
}
