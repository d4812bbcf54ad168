// The AWS CLI's high-level `aws s3` commands on the simulated account: ls (buckets and
// objects, in the CLI's own format with local times), mb, rb, cp (upload/download with the
// workspace) and rm.

import type { CallRequest } from '../../backend/types.js';
import { S3_COMMANDS } from '../../model/index.js';
import { parseArgs, invalidChoice, requiredMissing, type OptSpec } from './argparse.js';
import { CLI_VERSION, type AwsHost, type CmdOutput, type Globals } from './cli.js';
import { effectiveProfile, resolveCredentials, resolveRegion } from './config.js';
import { CliError, clientError, paramValidation, USAGE } from './errors.js';
import { validateBucketName } from './params.js';

const OPTS: Record<string, OptSpec[]> = {
  ls: [
    { name: 'recursive', nargs: 'flag' },
    { name: 'page-size', nargs: 'value' },
    { name: 'human-readable', nargs: 'flag' },
    { name: 'summarize', nargs: 'flag' },
    { name: 'request-payer', nargs: 'value' },
    { name: 'bucket-name-prefix', nargs: 'value' },
    { name: 'bucket-region', nargs: 'value' },
  ],
  mb: [{ name: 'tags', nargs: 'list' }],
  rb: [{ name: 'force', nargs: 'flag' }],
  cp: [{ name: 'content-type', nargs: 'value' }, { name: 'recursive', nargs: 'flag' }, { name: 'dryrun', nargs: 'flag' }],
  rm: [{ name: 'recursive', nargs: 'flag' }, { name: 'dryrun', nargs: 'flag' }],
};

type Caller = (operation: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

async function makeCaller(globals: Globals, host: AwsHost): Promise<Caller> {
  const profile = effectiveProfile(host.env, globals.profile).name;
  const region = resolveRegion(host, profile, globals.region);
  const creds = globals.noSignRequest ? undefined : (await resolveCredentials(host, globals.profile, region)).credentials;
  return async (operation, input) => {
    const req: CallRequest = { service: 's3', operation, input, region: region ?? host.defaultRegion, via: 'shell', userAgent: CLI_VERSION };
    if (creds) req.credentials = creds;
    const res = await host.call(req);
    if (!res.ok) {
      if (operation.startsWith('Head')) throw clientError(String(res.error.status), res.error.status === 404 ? 'Not Found' : res.error.status === 403 ? 'Forbidden' : res.error.message, operation);
      throw clientError(res.error.code, res.error.message, operation);
    }
    return res.output;
  };
}

/** "2026-01-01 09:00:00" in the local time zone, as the CLI prints LastModified/CreationDate. */
export function s3Time(v: unknown): string {
  const d = v instanceof Date ? v : new Date(String(v));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`.padEnd(19);
}

function humanSize(n: number): string {
  const units = ['Bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  if (n === 1) return '1 Byte';
  if (n < 1024) return `${n} Bytes`;
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function splitS3(path: string): { bucket: string; key: string } {
  const p = path.startsWith('s3://') ? path.slice(5) : path;
  const i = p.indexOf('/');
  return i < 0 ? { bucket: p, key: '' } : { bucket: p.slice(0, i), key: p.slice(i + 1) };
}

export async function runS3(words: string[], globals: Globals, host: AwsHost): Promise<CmdOutput> {
  const names = S3_COMMANDS.map((c) => c.name);
  const first = words.findIndex((w) => !w.startsWith('-'));
  if (first < 0) {
    return { stdout: '', stderr: `\nusage: aws [options] s3 <subcommand> [parameters]\n${USAGE.split('\n').slice(1).join('\n')}\n\naws: [ERROR]: too few arguments\n`, code: 252 };
  }
  const sub = words[first]!;
  const rest = [...words.slice(0, first), ...words.slice(first + 1)];
  const real = ['ls', 'mb', 'rb', 'cp', 'rm', 'mv', 'sync', 'presign', 'website'];
  if (!real.includes(sub) && sub !== 'help') throw invalidChoice('subcommand', sub, [...real, 'help']);
  if (sub === 'help') {
    return { stdout: `aws s3 <subcommand>\n\n${S3_COMMANDS.map((c) => `  ${c.name.padEnd(4)} ${c.usage}\n       ${c.summary}`).join('\n')}\n`, stderr: '', code: 0 };
  }
  if (!names.includes(sub)) {
    return { stdout: '', stderr: `iamlab: \`aws s3 ${sub}\` is not available in the simulated shell (it has ${names.join(', ')}).\n`, code: 255 };
  }
  const r = parseArgs(rest, OPTS[sub]!);
  const v = r.values;
  if (r.extras.length) throw new CliError('UnknownArgument', `Unknown options: ${r.extras.join(', ')}`);
  const call = await makeCaller(globals, host);
  switch (sub) {
    case 'ls':
      return ls(r.positionals, v, call);
    case 'mb':
    case 'rb': {
      const path = r.positionals[0];
      if (path === undefined) throw requiredMissing(['path']);
      if (r.positionals.length > 1) throw new CliError('UnknownArgument', `Unknown options: ${r.positionals.slice(1).join(', ')}`);
      if (!path.startsWith('s3://')) throw paramValidation('<S3Uri>\nError: Invalid argument type');
      const { bucket, key } = splitS3(path);
      if (sub === 'rb' && key) throw paramValidation(`Please specify a valid bucket name only. E.g. s3://${bucket}`);
      const region = resolveRegion(host, effectiveProfile(host.env, globals.profile).name, globals.region) ?? host.defaultRegion;
      const input: Record<string, unknown> = { Bucket: bucket };
      if (sub === 'mb' && region !== 'us-east-1') input.CreateBucketConfiguration = { LocationConstraint: region };
      try {
        validateBucketName(input);
        await call(sub === 'mb' ? 'CreateBucket' : 'DeleteBucket', input);
        return { stdout: `${sub === 'mb' ? 'make_bucket' : 'remove_bucket'}: ${bucket}\n`, stderr: '', code: 0 };
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        return { stdout: '', stderr: `${sub === 'mb' ? 'make_bucket' : 'remove_bucket'} failed: ${path} ${e.message}\n`, code: 1 };
      }
    }
    case 'cp':
      return cp(r.positionals, v, call, host);
    case 'rm': {
      const path = r.positionals[0];
      if (path === undefined) throw requiredMissing(['paths']);
      if (!path.startsWith('s3://')) throw paramValidation('<S3Uri>\nError: Invalid argument type');
      const { bucket, key } = splitS3(path);
      try {
        await call('DeleteObject', { Bucket: bucket, Key: key });
        return { stdout: `delete: ${path}\n`, stderr: '', code: 0 };
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        return { stdout: '', stderr: `delete failed: ${path} ${e.message}\n`, code: 1 };
      }
    }
  }
  return { stdout: '', stderr: '', code: 0 };
}

async function ls(positionals: string[], v: Map<string, unknown>, call: Caller): Promise<CmdOutput> {
  if (positionals.length > 1) throw new CliError('UnknownArgument', `Unknown options: ${positionals.slice(1).join(', ')}`);
  const path = positionals[0] ?? 's3://';
  const { bucket, key } = splitS3(path);
  const pageSize = typeof v.get('page-size') === 'string' ? Number(v.get('page-size')) : undefined;
  let out = '';
  if (!bucket) {
    let token: string | undefined;
    do {
      const input: Record<string, unknown> = {};
      if (pageSize) input.MaxBuckets = pageSize;
      if (token) input.ContinuationToken = token;
      if (typeof v.get('bucket-name-prefix') === 'string') input.Prefix = v.get('bucket-name-prefix');
      if (typeof v.get('bucket-region') === 'string') input.BucketRegion = v.get('bucket-region');
      const raw = await call('ListBuckets', input);
      for (const b of (raw.Buckets as Array<Record<string, unknown>> | undefined) ?? []) out += `${s3Time(b.CreationDate)} ${String(b.Name)}\n`;
      token = typeof raw.ContinuationToken === 'string' && raw.ContinuationToken ? raw.ContinuationToken : undefined;
    } while (token);
    return { stdout: out, stderr: '', code: 0 };
  }
  const recursive = v.get('recursive') === true;
  const human = v.get('human-readable') === true;
  let token: string | undefined;
  let empty = true;
  let totalObjects = 0;
  let totalSize = 0;
  do {
    const input: Record<string, unknown> = { Bucket: bucket, Prefix: key };
    if (!recursive) input.Delimiter = '/';
    if (pageSize) input.MaxKeys = pageSize;
    if (token) input.ContinuationToken = token;
    validateBucketName(input);
    const raw = await call('ListObjectsV2', input);
    const prefixes = (raw.CommonPrefixes as Array<Record<string, unknown>> | undefined) ?? [];
    const contents = (raw.Contents as Array<Record<string, unknown>> | undefined) ?? [];
    if (prefixes.length || contents.length) empty = false;
    for (const cp of prefixes) {
      const parts = String(cp.Prefix).split('/');
      out += `${'PRE'.padStart(30)} ${parts[parts.length - 2] ?? ''}/\n`;
    }
    for (const c of contents) {
      const size = Number(c.Size ?? 0);
      totalObjects++;
      totalSize += size;
      const sizeStr = (human ? humanSize(size) : String(size)).padStart(10);
      const name = recursive ? String(c.Key) : String(c.Key).split('/').pop()!;
      out += `${s3Time(c.LastModified)} ${sizeStr} ${name}\n`;
    }
    token = raw.IsTruncated === true && typeof raw.NextContinuationToken === 'string' ? raw.NextContinuationToken : undefined;
  } while (token);
  if (v.get('summarize') === true) {
    out += `${'\nTotal Objects: '.padStart(15)}${totalObjects}\n${'Total Size: '.padStart(15)}${human ? humanSize(totalSize) : totalSize}\n`;
  }
  return { stdout: out, stderr: '', code: key && empty ? 1 : 0 };
}

async function cp(positionals: string[], v: Map<string, unknown>, call: Caller, host: AwsHost): Promise<CmdOutput> {
  if (positionals.length < 2) throw requiredMissing(positionals.length === 0 ? ['paths'] : ['paths']);
  const [src, dst] = positionals as [string, string];
  if (src.startsWith('s3://') && !dst.startsWith('s3://')) {
    const { bucket, key } = splitS3(src);
    const localName = dst.endsWith('/') || host.workspace.isDir(dst) ? `${dst.replace(/\/$/, '')}/${key.split('/').pop()}` : dst;
    try {
      const out = await call('GetObject', { Bucket: bucket, Key: key });
      const body = out.Body instanceof Uint8Array ? out.Body : Buffer.from(String(out.Body ?? ''));
      host.workspace.write(localName, body);
      return { stdout: `download: ${src} to ${localName}\n`, stderr: '', code: 0 };
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      return { stdout: '', stderr: `download failed: ${src} to ${localName} ${e.message}\n`, code: 1 };
    }
  }
  if (!src.startsWith('s3://') && dst.startsWith('s3://')) {
    let { bucket, key } = splitS3(dst);
    if (!key || key.endsWith('/')) key += src.split('/').pop();
    let data: Buffer;
    try {
      data = host.workspace.read(src);
    } catch {
      throw paramValidation(`The user-provided path ${src} does not exist.`);
    }
    const input: Record<string, unknown> = { Bucket: bucket, Key: key, Body: new Uint8Array(data) };
    if (typeof v.get('content-type') === 'string') input.ContentType = v.get('content-type');
    try {
      await call('PutObject', input);
      return { stdout: `upload: ${src} to s3://${bucket}/${key}\n`, stderr: '', code: 0 };
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      return { stdout: '', stderr: `upload failed: ${src} to s3://${bucket}/${key} ${e.message}\n`, code: 1 };
    }
  }
  if (src.startsWith('s3://') && dst.startsWith('s3://')) {
    return { stdout: '', stderr: 'iamlab: copying between buckets is not available in the simulated shell.\n', code: 255 };
  }
  throw paramValidation('Error: Invalid argument type');
}

