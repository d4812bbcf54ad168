// `aws …` as the AWS CLI v2 runs it: global options, service and operation lookup with the
// CLI's suggestions, argument parsing and value unpacking, botocore's client-side
// validation, credential and region resolution, the call (with automatic pagination), the
// response processing and --query, then json/text/table/yaml output; errors with the CLI's
// wording and exit statuses.

import jmespath from 'jmespath';
import type { Backend, CallRequest, CallResult, ServiceName } from '../../backend/types.js';
import { CLI_COMMANDS, GLOBAL_OPTIONS, getService, xformName, type CliArg, type OperationModel } from '../../model/index.js';
import { getCloseMatches } from '../difflib.js';
import { pyJsonParse, PyJsonError, pyType } from '../pyjson.js';
import { formatJson, formatTable, formatText, formatYaml, processOutput, TableError } from '../format.js';
import type { Shape } from '../../model/index.js';
import type { PromptFn, ShellState, WorldLike } from '../types.js';
import { Workspace, WorkspaceError } from '../workspace.js';
import { invalidChoice, parseArgs, requiredMissing, type OptSpec } from './argparse.js';
import { effectiveProfile, resolveCredentials, resolveOutput, resolveRegion, type ConfigHost } from './config.js';
import { CliError, clientError, generalError, paramError, paramValidation, renderCliError, argParseError } from './errors.js';
import { ParamFiles, unpackArgument, validateBucketName, validateParams, wrapValueError, type RawValue } from './params.js';
import { PyValueError } from '../shorthand.js';
import { runConfigure } from './configure.js';
import { runS3 } from './s3.js';
import { awsHelp } from './help.js';

export const CLI_VERSION = 'aws-cli/2.36.7 Python/3.13.11 Linux/6.8.0 exe/x86_64 (iamlab simulated)';

export interface AwsHost extends ConfigHost {
  backend: Backend;
  world?: WorldLike;
  workspace: Workspace;
  columns: number;
  color: boolean;
  prompt?: PromptFn;
  state: ShellState;
}

export interface CmdOutput {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Globals {
  output?: string;
  query?: string;
  profile?: string;
  region?: string;
  noPaginate: boolean;
  noSignRequest: boolean;
  errorFormat?: string;
  color?: string;
  debug: boolean;
  version: boolean;
  endpointUrl?: string;
}

const GLOBAL_SPECS: OptSpec[] = GLOBAL_OPTIONS.map((g) => ({ name: g.name, nargs: g.nargs, ...(g.choices ? { choices: g.choices } : {}) }));

export function parseGlobals(argv: string[]): { globals: Globals; positionals: string[]; extras: string[]; order: string[] } {
  const r = parseArgs(argv, GLOBAL_SPECS);
  const v = r.values;
  const s = (k: string) => (typeof v.get(k) === 'string' ? (v.get(k) as string) : undefined);
  const globals: Globals = {
    noPaginate: v.get('no-paginate') === true,
    noSignRequest: v.get('no-sign-request') === true,
    debug: v.get('debug') === true,
    version: v.get('version') === true,
  };
  const set = <K extends keyof Globals>(k: K, val: Globals[K] | undefined) => {
    if (val !== undefined) globals[k] = val;
  };
  set('output', s('output'));
  set('query', s('query'));
  set('profile', s('profile'));
  set('region', s('region'));
  set('errorFormat', s('cli-error-format'));
  set('color', s('color'));
  set('endpointUrl', s('endpoint-url'));
  // argparse keeps unknown options and extra positionals in their original order.
  return { globals, positionals: r.positionals, extras: r.extras, order: r.rest };
}

/** The command table of `aws`: every real command, plus help. */
const MAIN_CHOICES = [...CLI_COMMANDS, 'help'];

export async function runAws(argv: string[], host: AwsHost): Promise<CmdOutput> {
  let errorFormat: string | undefined = host.env.AWS_CLI_ERROR_FORMAT;
  try {
    const { globals, positionals, order } = parseGlobals(argv);
    if (globals.errorFormat) errorFormat = globals.errorFormat;
    else {
      const prof = effectiveProfile(host.env, globals.profile).name;
      errorFormat ??= host.state.config[prof]?.cli_error_format;
    }
    if (globals.version) return { stdout: `${CLI_VERSION}\n`, stderr: '', code: 0 };
    if (globals.query !== undefined) {
      try {
        (jmespath as unknown as { compile(e: string): unknown }).compile(globals.query);
      } catch (e) {
        throw paramValidation(`Bad value for --query ${globals.query}: ${(e as Error).message}`);
      }
    }
    const command = positionals[0];
    if (command === undefined) throw requiredMissing(['command']);
    if (!MAIN_CHOICES.includes(command)) throw invalidChoice('command', command, MAIN_CHOICES);
    // everything after the command word, unknown options and words in order
    const idx = order.indexOf(command);
    const rest = [...order.slice(0, idx), ...order.slice(idx + 1)];
    if (command === 'help') return { stdout: awsHelp([]), stderr: '', code: 0 };
    if (command === 'configure') return await runConfigure(rest, globals, host);
    if (command === 's3') return await runS3(rest, globals, host);
    const svc = getService(command);
    if (!svc) {
      return {
        stdout: '',
        stderr: `iamlab: '${command}' is a real AWS CLI command, but the simulated account has no ${command} service. It simulates iam, sts, s3 (aws s3 and aws s3api), ec2 and account.\n`,
        code: 255,
      };
    }
    return await runOperation(svc.cliName, rest, globals, host);
  } catch (e) {
    return { stdout: '', stderr: await errorText(e, errorFormat), code: e instanceof CliError ? e.exitCode : 255 };
  }
}

export async function errorText(e: unknown, errorFormat: string | undefined): Promise<string> {
  if (e instanceof CliError) return renderCliError(e, errorFormat);
  if (e instanceof PyValueError || e instanceof TableError) return renderCliError(generalError(e.message), errorFormat);
  if (e instanceof WorkspaceError) return renderCliError(generalError(e.message), errorFormat);
  throw e;
}

async function runOperation(service: string, words: string[], globals: Globals, host: AwsHost): Promise<CmdOutput> {
  const svc = getService(service)!;
  // The service parser: one positional 'operation' among the real operations and help.
  const opChoices = [...svc.allOperationNames, 'help'];
  const firstPositional = words.findIndex((w) => !w.startsWith('-') || w === '-' || /^-\d/.test(w) || w.includes(' '));
  if (firstPositional < 0) throw requiredMissing(['operation']);
  const opWord = words[firstPositional]!;
  const opArgs = [...words.slice(0, firstPositional), ...words.slice(firstPositional + 1)];
  if (!opChoices.includes(opWord)) throw invalidChoice('operation', opWord, opChoices);
  if (opWord === 'help') return { stdout: awsHelp([service]), stderr: '', code: 0 };
  const op = svc.operations.get(opWord);
  if (!op) {
    const api = svc.apiNameOf.get(opWord)!;
    return {
      stdout: '',
      stderr: `iamlab: \`aws ${service} ${opWord}\` is a real AWS CLI command (${svc.service.toUpperCase()} ${api}), but the simulated account does not implement it. Type \`aws ${service} help\` for the operations it has.\n`,
      code: 255,
    };
  }
  return invokeOperation(op, opArgs, globals, host);
}

interface ParsedOp {
  params: Record<string, unknown>;
  /** member -> the file:// value it was read from */
  sources: Record<string, string>;
  paginate: boolean;
  paging: { startingToken?: string; pageSize?: number; maxItems?: number };
  outfile?: string;
  bootstrapMethod?: string;
  help: boolean;
  /** --generate-cli-skeleton input|output|yaml-input */
  skeleton?: string;
  /** --cli-input-json / --cli-input-yaml, loaded */
  cliInput?: { kind: 'json' | 'yaml'; text: string };
}

/** Parses an operation's arguments into API input (exported for the bench and completion). */
export function parseOperation(op: OperationModel, words: string[], globals: Globals, files: ParamFiles): ParsedOp {
  const args = [...op.args.values()];
  const specs: OptSpec[] = args
    .filter((a) => !a.positional)
    .map((a) => ({ name: a.name, nargs: a.nargs, ...(a.nargs === 'flag' ? { flagValue: a.flagValue ?? true, dest: a.member ?? a.name } : {}), ...(a.choices ? { choices: a.choices } : {}) }));
  // The CLI's own arguments on every operation (not where a positional outfile exists).
  const hasOutfile = op.args.has('outfile');
  if (!hasOutfile) {
    specs.push({ name: 'cli-input-json', nargs: 'value' }, { name: 'cli-input-yaml', nargs: 'value' });
    specs.push({ name: 'generate-cli-skeleton', nargs: 'optional', const: 'input', choices: ['input', 'output', 'yaml-input'] });
  }
  const r = parseArgs(words, specs);
  const skeleton = r.values.get('generate-cli-skeleton') as string | undefined;
  const cliInput = (['cli-input-json', 'cli-input-yaml'] as const).filter((k) => r.values.has(k));
  // These arguments make the operation's required arguments optional (the input may hold them).
  const overridesRequired = words.includes('--cli-input-json') || words.includes('--cli-input-yaml') || (words.includes('--generate-cli-skeleton') && skeleton !== 'output');
  const positionals = [...r.positionals];
  const posArgs = args.filter((a) => a.positional);
  const posValues = new Map<string, string>();
  for (const pa of posArgs) {
    const v = positionals.shift();
    if (v !== undefined) posValues.set(pa.name, v);
  }
  const helpWord = positionals.shift();
  const extras = [...r.extras, ...positionals];
  // required arguments (argparse checks them before anything else is reported)
  const missing: string[] = [];
  for (const a of args) {
    if (!a.required || (overridesRequired && !a.positional)) continue;
    if (a.positional ? !posValues.has(a.name) : !r.values.has(a.name)) missing.push(a.positional ? a.name : `--${a.name}`);
  }
  if (helpWord === 'help') return { params: {}, sources: {}, paginate: false, paging: {}, help: true };
  if (missing.length) {
    const e = requiredMissing(missing);
    const typos = r.extras.filter((x) => x.startsWith('--'));
    if (typos.length) e.hint = unknownOptions(typos, [...op.args.values()].filter((a) => !a.undocumented && !a.positional).map((a) => `--${a.name}`)).hint;
    throw e;
  }
  if (helpWord !== undefined) extras.push(helpWord);
  if (extras.length) throw unknownOptions(extras, [...op.args.values()].filter((a) => !a.undocumented && !a.positional).map((a) => `--${a.name}`));

  // Pagination: a manual paging argument (Marker, MaxItems …) turns it off, as --no-paginate does.
  let paginate = Boolean(op.paginator) && !globals.noPaginate;
  const p = op.paginator;
  if (p && paginate) {
    for (const t of [...p.it, ...(p.lk ? [p.lk] : [])]) {
      const a = [...op.args.values()].find((x) => x.member === t);
      if (a && a.name !== 'max-items' && r.values.has(a.name)) paginate = false;
    }
  }
  const paging: ParsedOp['paging'] = {};
  let table = op.args;
  if (p && !paginate) {
    const used = ['starting-token', 'page-size', 'max-items'].filter((n) => !op.shadowed.has(n) && r.values.has(n));
    if (used.length) throw paramValidation(`Cannot specify --no-paginate along with pagination arguments: ${used.map((u) => `--${u}`).join(', ')}`);
    table = new Map(op.args);
    for (const [n, a] of op.shadowed) table.set(n, a);
  }

  const params: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  let outfile: string | undefined;
  let bootstrapMethod: string | undefined;
  const ctx = { service: op.service.cliName, operation: op.cliName };
  for (const a of table.values()) {
    if (a.positional) {
      const v = posValues.get(a.name);
      if (v !== undefined && a.custom === 'outfile') outfile = v;
      continue;
    }
    const key = a.nargs === 'flag' ? a.member ?? a.name : a.name;
    if (!r.values.has(key)) continue;
    const raw = r.values.get(key)!;
    if (a.paging) {
      if (!paginate) continue;
      const v = raw as string;
      if (a.paging === 'starting-token') paging.startingToken = v;
      else paging[a.paging === 'page-size' ? 'pageSize' : 'maxItems'] = intArg(v);
      continue;
    }
    if (a.custom === 'outfile') {
      outfile = raw as string;
      continue;
    }
    if (a.custom === 'bootstrap-method') {
      bootstrapMethod = raw as string;
      continue;
    }
    if (a.nargs === 'flag') {
      if (a.flagValue === (raw as boolean)) params[a.member!] = raw;
      continue;
    }
    const rawS = Array.isArray(raw) ? (raw.length === 1 ? raw[0] : undefined) : typeof raw === 'string' ? raw : undefined;
    if (rawS !== undefined && /^fileb?:\/\//.test(rawS)) sources[a.member!] = rawS;
    try {
      params[a.member!] = unpackArgument(a as CliArg & { shape: NonNullable<CliArg['shape']> }, raw as RawValue, files, ctx);
    } catch (e) {
      wrapValueError(e);
    }
  }
  // Streaming blob arguments name a file (s3api put-object --body).
  for (const [k, v] of Object.entries(params)) {
    if (v && typeof v === 'object' && 'streamingPath' in (v as Record<string, unknown>)) {
      const sp = v as { streamingPath: string; cliName: string };
      try {
        params[k] = new Uint8Array(files.ws.read(sp.streamingPath));
      } catch (e) {
        if (e instanceof WorkspaceError) throw paramError(sp.cliName, 'Blob values must be a path to a file.');
        throw e;
      }
    }
  }
  const out: ParsedOp = { params, sources, paginate, paging, help: false };
  if (skeleton !== undefined) out.skeleton = skeleton;
  if (cliInput.length > 1) throw paramValidation('Only one --cli-input- parameter may be specified.');
  if (cliInput.length === 1) {
    const name = cliInput[0]!;
    const raw = r.values.get(name) as string;
    const loaded = files.load(raw, `--${name}`);
    out.cliInput = { kind: name === 'cli-input-json' ? 'json' : 'yaml', text: loaded === undefined ? raw : typeof loaded === 'string' ? loaded : Buffer.from(loaded).toString('utf8') };
  }
  if (outfile !== undefined) out.outfile = outfile;
  if (bootstrapMethod !== undefined) out.bootstrapMethod = bootstrapMethod;
  return out;
}

function intArg(v: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(v)) throw generalError(`invalid literal for int() with base 10: '${v}'`);
  return Number(v);
}

async function invokeOperation(op: OperationModel, words: string[], globals: Globals, host: AwsHost): Promise<CmdOutput> {
  const files = new ParamFiles(host.workspace);
  const parsed = parseOperation(op, words, globals, files);
  if (parsed.help) return { stdout: awsHelp([op.service.cliName, op.cliName]), stderr: '', code: 0 };
  if (parsed.skeleton === 'input') return { stdout: formatJson(skeletonOf(op.input, false)) || '{}\n', stderr: '', code: 0 };
  if (parsed.skeleton === 'yaml-input') return { stdout: (await formatYaml(skeletonOf(op.input, false))) || '{}\n', stderr: '', code: 0 };
  if (parsed.cliInput) {
    let loaded: unknown;
    if (parsed.cliInput.kind === 'json') {
      try {
        loaded = pyJsonParse(parsed.cliInput.text);
      } catch (e) {
        if (!(e instanceof PyJsonError)) throw e;
        const err = paramError('cli-input-json', 'Invalid JSON received.');
        err.hint = `iamlab: ${e.message}\n`;
        throw err;
      }
    } else {
      const { parse } = await import('yaml');
      try {
        loaded = parse(parsed.cliInput.text);
      } catch {
        throw paramError('cli-input-yaml', 'Invalid YAML received.');
      }
    }
    if (loaded === null || typeof loaded !== 'object' || Array.isArray(loaded)) {
      throw paramError(`--cli-input-${parsed.cliInput.kind}`, `Invalid type: expecting map, received ${pyType(loaded)}`);
    }
    for (const [k, v] of Object.entries(loaded as Record<string, unknown>)) if (!(k in parsed.params)) parsed.params[k] = v;
  }
  validateParams(parsed.params, op.input);
  if (op.service.service === 's3') validateBucketName(parsed.params);
  if (parsed.outfile !== undefined && op.service.service === 's3') host.workspace.resolve(parsed.outfile); // refuse paths outside early

  const profile = effectiveProfile(host.env, globals.profile).name;
  const region = resolveRegion(host, profile, globals.region);
  const output = resolveOutput(host, profile, globals.output);
  if (parsed.skeleton === 'output') {
    // validated input, a sample response with member names as values, no call
    return { stdout: await formatOutput(op.name, skeletonOf(op.output, true), output, globals.query, host), stderr: '', code: 0 };
  }
  if (!['json', 'text', 'table', 'yaml', 'yaml-stream', 'off'].includes(output)) {
    throw new CliError('Configuration', `Unknown output type: ${output}`);
  }
  if (!region && op.service.service === 'ec2') {
    throw new CliError('NoRegion', 'You must specify a region. You can also configure your region by running "aws configure".');
  }
  const creds = globals.noSignRequest ? undefined : (await resolveCredentials(host, globals.profile, region)).credentials;
  const base: Omit<CallRequest, 'input'> = {
    service: op.service.service as ServiceName,
    operation: op.name,
    region: region ?? host.defaultRegion,
    via: 'shell',
    userAgent: CLI_VERSION,
  };
  if (creds) base.credentials = creds;

  let pages: Awaited<ReturnType<typeof callPages>>;
  try {
    pages = await callPages(op, parsed, base, host);
  } catch (e) {
    if (e instanceof CliError && e.kind === 'Client' && e.position) e.hint = documentHint(op, parsed, e.position);
    throw e;
  }
  let result: unknown;
  const p = op.paginator;
  if (p && parsed.paginate) result = buildFullResult(op, pages.outputs, pages.resumeToken);
  else result = pages.outputs[0] ?? {};

  // Customizations that consume part of the response.
  if (op.service.service === 's3' && op.name === 'GetObject' && parsed.outfile !== undefined) {
    const body = (pages.raw[0] as Record<string, unknown> | undefined)?.Body;
    const bytes = body instanceof Uint8Array ? body : typeof body === 'string' ? Buffer.from(body) : new Uint8Array();
    host.workspace.write(parsed.outfile, bytes);
    delete (result as Record<string, unknown>).Body;
  }
  if (op.service.service === 'iam' && op.name === 'CreateVirtualMFADevice' && parsed.outfile !== undefined && parsed.bootstrapMethod) {
    const raw = (pages.raw[0] as Record<string, Record<string, unknown>> | undefined)?.VirtualMFADevice;
    const processed = (result as Record<string, Record<string, unknown>>).VirtualMFADevice;
    const seed = raw?.[parsed.bootstrapMethod];
    if (seed !== undefined) host.workspace.write(parsed.outfile, seed instanceof Uint8Array ? seed : String(seed));
    if (processed) {
      delete processed.QRCodePNG;
      delete processed.Base32StringSeed;
    }
  }
  if (output === 'text' && p && parsed.paginate) {
    // The CLI's text format prints a paginated response page by page (the query applies to
    // each page), then the resume token as NEXTTOKEN.
    let out = '';
    pages.outputs.forEach((page, i) => {
      const current: Record<string, unknown> = {};
      if (i === 0) for (const k of p.na ?? []) current[k] = (page as Record<string, unknown>)[k] ?? null;
      for (const k of p.rk) current[k] = (page as Record<string, unknown>)[k] ?? null;
      out += formatText(globals.query !== undefined ? jmespath.search(current, globals.query) : current);
    });
    if (pages.resumeToken !== undefined) out += formatText({ NextToken: { NextToken: pages.resumeToken } });
    return { stdout: out, stderr: '', code: 0 };
  }
  return { stdout: await formatOutput(op.name, result, output, globals.query, host), stderr: '', code: 0 };
}

export async function formatOutput(title: string, result: unknown, output: string, query: string | undefined, host: { columns: number; color: boolean }): Promise<string> {
  let data = result;
  if (query !== undefined) data = jmespath.search(data as object, query) as unknown;
  switch (output) {
    case 'off':
      return '';
    case 'text':
      return formatText(data);
    case 'table':
      return formatTable(title, data, host.columns, host.color);
    case 'yaml':
      return formatYaml(data);
    case 'yaml-stream':
      return formatYaml([data]);
    default:
      return formatJson(data);
  }
}

async function callPages(op: OperationModel, parsed: ParsedOp, base: Omit<CallRequest, 'input'>, host: AwsHost): Promise<{ outputs: unknown[]; raw: unknown[]; resumeToken?: string }> {
  const p = op.paginator;
  const call = async (input: Record<string, unknown>) => {
    const res: CallResult = await host.call({ ...base, input });
    if (!res.ok) throw serviceError(op, res);
    return res.output;
  };
  if (!p || !parsed.paginate) {
    const raw = await call(parsed.params);
    return { outputs: [processOutput(raw, op.output)], raw: [raw] };
  }
  // botocore's PageIterator, with --starting-token / --page-size / --max-items.
  const outputs: unknown[] = [];
  const raws: unknown[] = [];
  let token: Record<string, unknown> = {};
  let startTrunc = 0;
  if (parsed.paging.startingToken !== undefined) {
    const t = decodeToken(parsed.paging.startingToken);
    startTrunc = typeof t.boto_truncate_amount === 'number' ? t.boto_truncate_amount : 0;
    delete t.boto_truncate_amount;
    token = t;
  }
  const primary = p.rk[0]!;
  let total = 0;
  let resume: Record<string, unknown> | undefined;
  const maxItems = parsed.paging.maxItems;
  for (let page = 0; page < 1000; page++) {
    const input: Record<string, unknown> = { ...parsed.params };
    for (const [k, v] of Object.entries(token)) if (v !== null && v !== undefined) input[k] = v;
    if (parsed.paging.pageSize !== undefined && p.lk) input[p.lk] = parsed.paging.pageSize;
    const raw = await call(input);
    raws.push(raw);
    const out = processOutput(raw, op.output) as Record<string, unknown>;
    const list = Array.isArray(out[primary]) ? (out[primary] as unknown[]) : [];
    if (startTrunc > 0 && page === 0) {
      out[primary] = list.slice(startTrunc);
    }
    const current = Array.isArray(out[primary]) ? (out[primary] as unknown[]) : [];
    const truncateAmount = maxItems !== undefined ? total + current.length - maxItems : 0;
    if (truncateAmount > 0) {
      const keep = current.length - truncateAmount;
      out[primary] = current.slice(0, keep);
      resume = { ...tokenDict(p.it, token), boto_truncate_amount: keep + (page === 0 ? startTrunc : 0) };
      outputs.push(out);
      break;
    }
    outputs.push(out);
    total += current.length;
    const next = nextToken(p, raw as Record<string, unknown>);
    if (!next) break;
    if (maxItems !== undefined && total === maxItems) {
      resume = next;
      break;
    }
    token = next;
  }
  const r: { outputs: unknown[]; raw: unknown[]; resumeToken?: string } = { outputs, raw: raws };
  if (resume) r.resumeToken = encodeToken(resume);
  return r;
}

function tokenDict(inputTokens: string[], token: Record<string, unknown>): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  for (const t of inputTokens) d[t] = token[t] ?? null;
  return d;
}

function nextToken(p: NonNullable<OperationModel['paginator']>, raw: Record<string, unknown>): Record<string, unknown> | undefined {
  if (p.mr && raw[p.mr] !== true) return undefined;
  const d: Record<string, unknown> = {};
  let any = false;
  p.it.forEach((name, i) => {
    const expr = p.ot[i] ?? p.ot[0]!;
    let v: unknown;
    if (expr.includes('||')) {
      for (const alt of expr.split('||').map((s) => s.trim())) {
        v = jmespath.search(raw as object, alt);
        if (v !== null && v !== undefined) break;
      }
    } else v = raw[expr];
    if (v !== null && v !== undefined && v !== '') any = true;
    d[name] = v ?? null;
  });
  return any ? d : undefined;
}

function encodeToken(t: Record<string, unknown>): string {
  // json.dumps' default separators
  const body = Object.entries(t)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ');
  return Buffer.from(`{${body}}`).toString('base64');
}

function decodeToken(t: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(t, 'base64').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw generalError(`Unable to parse the starting token: ${t}`);
}

/** build_full_result: result keys merged across pages, then the non-aggregate keys, then NextToken. */
function buildFullResult(op: OperationModel, pages: unknown[], resumeToken: string | undefined): Record<string, unknown> {
  const p = op.paginator!;
  const out: Record<string, unknown> = {};
  for (const page of pages as Array<Record<string, unknown>>) {
    for (const k of p.rk) {
      const v = page[k];
      if (v === undefined || v === null) continue;
      if (out[k] === undefined) out[k] = Array.isArray(v) ? [...v] : v;
      else if (Array.isArray(v)) (out[k] as unknown[]).push(...v);
      else if (typeof v === 'number' || typeof v === 'string') out[k] = (out[k] as number) + (v as number);
    }
  }
  const first = (pages[0] ?? {}) as Record<string, unknown>;
  for (const k of p.na ?? []) out[k] = first[k] ?? null;
  if (resumeToken !== undefined) out.NextToken = resumeToken;
  return out;
}

const HTTP_REASON: Record<number, string> = { 301: 'Moved Permanently', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };

/** botocore's ArgumentGenerator: a sample value for a shape. */
function skeletonOf(shape: Shape | undefined, memberNames: boolean, name = '', stack: string[] = []): unknown {
  if (!shape) return {};
  stack.push(shape.name);
  try {
    switch (shape.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        if (stack.filter((n) => n === shape.name).length > 1) return out;
        for (const [m, ms] of Object.entries(shape.members ?? {})) out[m] = skeletonOf(ms, memberNames, m, stack);
        return out;
      }
      case 'list':
        return [skeletonOf(shape.member!, memberNames, memberNames ? shape.member!.name : '', stack)];
      case 'map':
        return { KeyName: skeletonOf(shape.value!, memberNames, '', stack) };
      case 'string':
        return memberNames ? name : shape.enum?.[0] ?? '';
      case 'integer':
      case 'long':
        return 0;
      case 'float':
      case 'double':
        return 0.0;
      case 'boolean':
        return true;
      case 'timestamp':
        return '1970-01-01T00:00:00';
      default:
        return undefined;
    }
  } finally {
    stack.pop();
  }
}

/** Where in which document a MalformedPolicyDocument was found (the service says only "Syntax errors in policy."). */
function documentHint(op: OperationModel, parsed: ParsedOp, pos: { line: number; column: number }): string | undefined {
  const members = op.input?.members ?? {};
  const candidates = Object.keys(parsed.params).filter((m) => typeof parsed.params[m] === 'string' && (members[m]?.policyDocument || /Polic(y|yDocument)$/.test(m)));
  const member = candidates[0];
  if (!member) return undefined;
  const doc = parsed.params[member] as string;
  const arg = `--${xformName(member)}`;
  const where = parsed.sources[member] ? `${parsed.sources[member]} (${arg})` : `the document in ${arg}`;
  const line = doc.split('\n')[pos.line - 1];
  let detail = '';
  try {
    pyJsonParse(doc);
  } catch (err) {
    if (err instanceof PyJsonError) detail = `: ${err.msg}`;
  }
  let out = `iamlab: ${where}: line ${pos.line}, column ${pos.column}${detail}\n`;
  if (line !== undefined) out += `  ${line}\n  ${' '.repeat(Math.max(0, pos.column - 1))}^\n`;
  return out;
}

/** "Unknown options" with the closest valid names (the CLI itself gives none). */
function unknownOptions(extras: string[], valid: string[]): CliError {
  const e = new CliError('UnknownArgument', `Unknown options: ${extras.join(', ')}`);
  const hints: string[] = [];
  for (const x of extras) {
    if (!x.startsWith('--')) continue;
    const close = getCloseMatches(x.split('=')[0]!, [...valid, ...GLOBAL_OPTIONS.map((g) => `--${g.name}`)], 3, 0.75);
    if (close.length) hints.push(`iamlab: ${x.split('=')[0]} is not an option here; did you mean ${close.join(' or ')}?`);
  }
  if (hints.length) e.hint = `${hints.join('\n')}\n`;
  return e;
}

function serviceError(op: OperationModel, res: Extract<CallResult, { ok: false }>): CliError {
  const e = res.error;
  // HEAD responses have no body: botocore reports the status code and its reason phrase.
  if (op.service.service === 's3' && op.name.startsWith('Head')) {
    return clientError(String(e.status), HTTP_REASON[e.status] ?? e.message, op.name);
  }
  const err = clientError(e.code, e.message, op.name);
  if (e.position) err.position = e.position;
  return err;
}

export { argParseError };
