// iamlab's command line: parses argv and hands each command to its own module, loaded
// lazily so that `iamlab shell` never pays for Ink and only --real loads the AWS SDK.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VERSION } from './version.js';

const HELP = `iamlab ${VERSION} — hands-on AWS IAM role and sts:AssumeRole labs in your terminal

Usage
  iamlab                               the tutor: pick a lab, follow its steps
  iamlab start <lab> [--real [--profile P] [--profile2 P2] [--region R]]
                                       the tutor, straight into a lab
  iamlab labs [--json]                 the lab catalog with your progress
  iamlab shell [--lab <lab>]           the aws shell on a lab's simulated account
  iamlab check <lab> [--json] [--evidence] [--real [--profile P] [--profile2 P2] [--region R]]
                                       check every step of a lab (exit 0 when all pass);
                                       --evidence lists each part of each check and what it read
  iamlab reset <lab> [--yes]           a fresh world and progress for a lab
  iamlab reset <lab> --step <step> [--yes]
                                       redo from a step: its progress and the later steps'
                                       are cleared, the world goes back to that step's start
  iamlab lab test <lab | folder | lab.yaml> [--json]
                                       a lab author's self-test in a throwaway home: fresh
                                       world, solutions, recorded mistakes (exit 0 when all hold)
  iamlab serve --lab <lab> [--port N]  the lab's simulated account as an AWS endpoint on 127.0.0.1
  iamlab cleanup <lab> --real          delete what a lab created in a real account
  iamlab report [--lab L] [--format json|md|junit] [--workshop-key K]
  iamlab verify <report…> [--workshop-key K] [--require-signed] [--real --profile P]
  iamlab roster <report…> [--format md|csv]
  iamlab workshop serve [--port N] [--host H] [--workshop-key K] [--plain]
  iamlab --workshop URL --name NAME    the tutor, reporting progress to an instructor's room

Options
  --help, -h      show this help
  --version, -v   show the version

--profile2 names the second account's profile for labs that span two accounts (cross-account-cli).
State lives under $IAMLAB_HOME when set, else in your config directory.`;

type Values = Record<string, string | boolean | undefined>;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  lab: { type: 'string' },
  real: { type: 'boolean' },
  profile: { type: 'string' },
  profile2: { type: 'string' },
  region: { type: 'string' },
  port: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  format: { type: 'string' },
  'workshop-key': { type: 'string' },
  workshop: { type: 'string' },
  name: { type: 'string' },
  step: { type: 'string' },
  plain: { type: 'boolean' },
  host: { type: 'string' },
  'require-signed': { type: 'boolean' },
  'stuck-minutes': { type: 'string' },
  evidence: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

export class UsageError extends Error {}

function str(v: Values, k: string): string | undefined {
  const x = v[k];
  return typeof x === 'string' ? x : undefined;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`iamlab: ${(e as Error).message.replace(/^.*?: /, '')}\nRun 'iamlab --help' for usage.\n`);
    return 2;
  }
  const v = parsed.values as Values;
  const [cmd, ...rest] = parsed.positionals;
  if (v.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (v.help || cmd === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const common = { real: Boolean(v.real), profile: str(v, 'profile'), profile2: str(v, 'profile2'), region: str(v, 'region') };
  try {
    switch (cmd) {
      case undefined:
      case 'start': {
        const { appCommand } = await import('./app/command.js');
        return await appCommand({ lab: cmd === 'start' ? need(rest[0], 'start <lab>') : undefined, ...common, workshop: str(v, 'workshop'), workshopKey: str(v, 'workshop-key'), name: str(v, 'name'), plain: Boolean(v.plain) });
      }
      case 'shell': {
        const { shellCommand } = await import('./shell/command.js');
        return await shellCommand({ lab: str(v, 'lab') ?? rest[0], ...common });
      }
      case 'labs': {
        const { labsCommand } = await import('./labs/commands.js');
        return await labsCommand({ json: Boolean(v.json) });
      }
      case 'check': {
        const { checkCommand } = await import('./labs/commands.js');
        return await checkCommand({ lab: need(rest[0] ?? str(v, 'lab'), 'check <lab>'), json: Boolean(v.json), evidence: Boolean(v.evidence), ...common });
      }
      case 'reset': {
        const { resetCommand } = await import('./labs/commands.js');
        return await resetCommand({ lab: need(rest[0] ?? str(v, 'lab'), 'reset <lab>'), yes: Boolean(v.yes), step: str(v, 'step') });
      }
      case 'lab': {
        if (rest[0] !== 'test') throw new UsageError(`unknown lab command '${rest[0] ?? ''}': iamlab lab test <lab | folder | lab.yaml> [--json]`);
        const { labTestCommand } = await import('./labs/lab-test.js');
        return await labTestCommand({ target: need(rest[1], 'lab test <lab | folder | lab.yaml>'), json: Boolean(v.json) });
      }
      case 'serve': {
        const { serveCommand } = await import('./serve/command.js');
        return await serveCommand({ lab: str(v, 'lab') ?? rest[0], port: str(v, 'port') });
      }
      case 'cleanup': {
        const { cleanupCommand } = await import('./real/commands.js');
        if (!v.real) throw new UsageError('cleanup works on a real account: iamlab cleanup <lab> --real [--profile P] (a simulated lab is reset with iamlab reset <lab>)');
        return await cleanupCommand({ lab: need(rest[0] ?? str(v, 'lab'), 'cleanup <lab> --real'), profile: common.profile, region: common.region, yes: Boolean(v.yes) });
      }
      case 'report': {
        const { reportCommand } = await import('./report/commands.js');
        return await reportCommand({ lab: str(v, 'lab') ?? rest[0], format: str(v, 'format'), workshopKey: str(v, 'workshop-key'), name: str(v, 'name') });
      }
      case 'verify': {
        const { verifyCommand } = await import('./report/commands.js');
        if (rest.length === 0) throw new UsageError('missing argument: iamlab verify <report…>');
        return await verifyCommand({ files: rest, workshopKey: str(v, 'workshop-key'), ...common, requireSigned: Boolean(v['require-signed']) });
      }
      case 'roster': {
        const { rosterCommand } = await import('./report/commands.js');
        if (rest.length === 0) throw new UsageError('missing argument: iamlab roster <report…>');
        return await rosterCommand({ files: rest, format: str(v, 'format'), workshopKey: str(v, 'workshop-key') });
      }
      case 'workshop': {
        if (rest[0] !== 'serve') throw new UsageError(`unknown workshop command '${rest[0] ?? ''}': iamlab workshop serve [--port N]`);
        const { workshopServeCommand } = await import('./workshop/commands.js');
        const stuck = str(v, 'stuck-minutes');
        return await workshopServeCommand({ port: str(v, 'port'), host: str(v, 'host'), workshopKey: str(v, 'workshop-key'), plain: Boolean(v.plain), stuckMinutes: stuck === undefined ? undefined : Number(stuck) });
      }
      default:
        process.stderr.write(`iamlab: unknown command '${cmd}'. Run 'iamlab --help' for the list.\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`iamlab: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function need(x: string | undefined, usage: string): string {
  if (!x) throw new UsageError(`missing argument: iamlab ${usage}`);
  return x;
}
