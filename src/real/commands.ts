// Real-account commands: `iamlab cleanup <lab> --real [--profile P] [--region R] [--yes]`.
// (`check --real` lives with the labs' commands and calls checkReal in src/real/checks.ts.)
import { createInterface } from 'node:readline/promises';
import { RealBackend, LAB_TAG_KEY, type RealBackendOptions } from './backend.js';
import { deleteLabResources, scanLabResources, type LabResource } from './cleanup.js';
import type { RealAwsError } from './errors.js';

export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
  /** A yes/no question to the learner; undefined when nobody can answer (stdin is not a terminal). */
  confirm?: (question: string) => Promise<boolean>;
  /** A line of input (an MFA code); undefined when stdin is not a terminal. */
  ask?: (question: string) => Promise<string>;
}

export interface CleanupOptions {
  lab?: string;
  /** The CLI passes the --real flag through; only an explicit false is refused (cleanup is real-only). */
  real?: boolean;
  profile?: string;
  region?: string;
  /** Delete without asking (scripts, CI). */
  yes?: boolean;
}

/** Terminal IO on process.stdin/stdout/stderr; questions only when stdin is a TTY. */
export function terminalIO(): CommandIO {
  const tty = Boolean(process.stdin.isTTY);
  const ask = async (q: string): Promise<string> => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(q);
    } finally {
      rl.close();
    }
  };
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    ...(tty ? { ask, confirm: async (q: string) => /^y(es)?$/i.test((await ask(`${q} [y/N] `)).trim()) } : {}),
  };
}

const KIND_LABEL: Record<LabResource['kind'], string> = {
  user: 'user',
  role: 'role',
  policy: 'policy',
  'instance-profile': 'instance profile',
  'mfa-device': 'MFA device',
  bucket: 'bucket',
};

function table(resources: LabResource[]): string {
  const w1 = Math.max(...resources.map((r) => KIND_LABEL[r.kind].length));
  const w2 = Math.max(...resources.map((r) => r.name.length));
  return resources
    .map((r) => `  ${KIND_LABEL[r.kind].padEnd(w1)}  ${r.name.padEnd(w2)}  ${r.arn}${r.alsoDoes.length ? `\n  ${' '.repeat(w1)}  ${' '.repeat(w2)}  also: ${r.alsoDoes.join('; ')}` : ''}`)
    .join('\n');
}

function errorText(e: RealAwsError): string {
  return `${e.status === 0 ? e.message : `An error occurred (${e.code}): ${e.message}`}${e.hint ? `\n${e.hint}` : ''}`;
}

/**
 * `iamlab cleanup <lab> --real`: lists what is tagged iamlab:lab=<lab>, asks, deletes it, then
 * lists survivors. Exit 0 when nothing tagged is left (and the scan was complete), 1 when
 * something survived or could not be read, 2 for usage errors.
 */
export async function cleanupCommand(opts: CleanupOptions, io: CommandIO = terminalIO(), backendOptions: RealBackendOptions = {}): Promise<number> {
  const lab = opts.lab;
  if (!lab) {
    io.err('iamlab: missing argument: iamlab cleanup <lab> --real\n');
    return 2;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(lab)) {
    io.err(`iamlab: '${lab}' is not a lab id (letters, digits, '-', '_', '.').\n`);
    return 2;
  }
  if (opts.real === false) {
    io.err(`iamlab: cleanup deletes what a lab created in a real AWS account; add --real.\nA simulated lab is started afresh with: iamlab reset ${lab}\n`);
    return 2;
  }
  const b = new RealBackend({
    ...backendOptions,
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.region ? { region: opts.region } : {}),
    ...(io.ask && !backendOptions.mfaCodeProvider ? { mfaCodeProvider: (serial: string) => io.ask!(`MFA code for ${serial}: `) } : {}),
  });
  try {
    io.err(`Looking for resources tagged ${LAB_TAG_KEY}=${lab}…\n`);
    let scan;
    try {
      scan = await scanLabResources(b, lab);
    } catch (e) {
      const err = (e as { error?: RealAwsError }).error;
      io.err(`iamlab: ${err ? errorText(err) : (e as Error).message}\n`);
      return 1;
    }
    io.out(`AWS account ${scan.accountId}, as ${scan.callerArn}${b.profile ? ` (profile ${b.profile})` : ''}\n`);
    for (const p of scan.problems) io.err(`warning: could not read ${p} — the list below may be incomplete.\n`);
    if (scan.resources.length === 0) {
      io.out(`Nothing tagged ${LAB_TAG_KEY}=${lab} in this account.\n`);
      return scan.problems.length ? 1 : 0;
    }
    const n = scan.resources.length;
    io.out(`Tagged ${LAB_TAG_KEY}=${lab} (${n} resource${n === 1 ? '' : 's'}):\n${table(scan.resources)}\n`);
    if (!opts.yes) {
      if (!io.confirm) {
        io.err('iamlab: not deleting: there is no terminal to ask on. Run it again with --yes to delete the resources listed above.\n');
        return 1;
      }
      if (!(await io.confirm(`Delete ${n === 1 ? 'this resource' : `these ${n} resources`} from account ${scan.accountId}?`))) {
        io.out('Nothing was deleted.\n');
        return 1;
      }
    }
    await deleteLabResources(b, scan.resources, undefined, (s) => {
      io.out(`${s.ok ? 'deleted' : 'FAILED '} ${KIND_LABEL[s.resource.kind]} ${s.resource.name}${s.lines.length ? `: ${s.lines.join('; ')}` : ''}\n`);
    });
    const after = await scanLabResources(b, lab).catch(() => undefined);
    if (!after) {
      io.err('warning: could not list the account again to confirm; run iamlab cleanup again to see what is left.\n');
      return 1;
    }
    if (after.resources.length) {
      io.out(`Still there (${after.resources.length}):\n${table(after.resources)}\n`);
      return 1;
    }
    io.out(`Done: nothing tagged ${LAB_TAG_KEY}=${lab} is left in account ${after.accountId}.\n`);
    return after.problems.length ? 1 : 0;
  } finally {
    b.close();
  }
}
