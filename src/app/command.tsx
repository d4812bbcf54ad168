// `iamlab` and `iamlab start <lab>`: the Ink tutor. Without a terminal on both ends it says
// what to use instead and exits 2 (never Ink's raw-mode crash). The labs, the shell and the
// simulated account load after the first frame (the controller imports them lazily), and so
// does Ink itself: the catalog's first frame is written before Ink is imported (paint.ts).
import { AppController } from './controller.js';
import { prePaint } from './paint.js';
import { Runner } from './runner.js';
import { initialState } from './state.js';
import { colorEnabled, noTerminalMessage, terminalProblem, type AppIo } from './tty.js';

export type { AppIo };

export interface AppCommandOptions {
  lab?: string | undefined;
  real?: boolean;
  profile?: string | undefined;
  /** The second account's profile, for two-account labs on a real account (--profile2). */
  profile2?: string | undefined;
  region?: string | undefined;
  /** Workshop room URL (`iamlab workshop serve` prints it) and the learner's display name. */
  workshop?: string | undefined;
  name?: string | undefined;
  workshopKey?: string | undefined;
  /** Linear, screen-reader friendly mode: no full-screen UI. */
  plain?: boolean;
}


export async function appCommand(opts: AppCommandOptions, io: AppIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  if (opts.plain) {
    // the linear mode is the shell itself: one line per event, no redraws
    if (opts.lab) {
      const { shellCommand } = await import('../shell/command.js');
      return shellCommand({ lab: opts.lab, real: Boolean(opts.real), profile: opts.profile, profile2: opts.profile2, region: opts.region });
    }
    io.stdout.write(
      [
        'iamlab --plain: work through a lab in the shell, one line per event:',
        '  iamlab labs                  the lab ids and your progress',
        '  iamlab shell --lab <lab>     the lab; `lab status`, `hint`, `lab check`, `answer TEXT`',
        '  iamlab start <lab> --plain   the same',
        '',
      ].join('\n'),
    );
    return 0;
  }
  const problem = terminalProblem(io);
  if (problem) {
    io.stderr.write(noTerminalMessage(opts.lab, problem));
    return 2;
  }

  // The app owns the terminal: the AWS SDK's Node-version warning (process.emitWarning, straight to
  // stderr) would be written across the screen. bin/iamlab.js sets this too; this covers other entries.
  if (opts.real) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AppController({
    region: opts.region,
    ...(opts.profile2 ? { profile2: opts.profile2 } : {}),
    columns: io.stdout.columns || 80,
    // the room's key: --workshop-key, else IAMLAB_WORKSHOP_KEY (as the room and `iamlab report` read it)
    workshop: opts.workshop ? { url: opts.workshop, name: opts.name, key: opts.workshopKey || io.env.IAMLAB_WORKSHOP_KEY || undefined } : undefined,
  });
  let setupError: string | undefined;
  if (opts.name?.trim() && !opts.workshop) {
    // --name alone: the name `iamlab report` puts on the learner's reports from now on
    const [{ rememberLearnerName }, { iamlabHome }] = await Promise.all([import('../report/learner.js'), import('../workshop/home.js')]);
    rememberLearnerName(opts.name, iamlabHome(io.env));
  }
  try {
    await controller.connectWorkshop();
  } catch (e) {
    setupError = (e as Error).message;
  }
  if (setupError) {
    io.stderr.write(`iamlab: ${setupError}\n`);
    return 2;
  }
  const runner = new Runner(controller);
  const entries = controller.quickCatalog();
  const init = initialState({
    ...(entries ? { entries } : {}),
    columns: io.stdout.columns || 80,
    rows: io.stdout.rows || 24,
    lab: opts.lab,
    real: Boolean(opts.real),
    profile: opts.profile,
    color: colorEnabled(io.env),
  });
  let exitCode = 0;
  // the catalog on screen now; keys typed meanwhile wait (raw mode: not echoed) until Ink reads them
  if (prePaint(init, io.stdout)) io.stdin.setRawMode(true);
  const { mountApp } = await import('./ui/mount.js');
  const inst = mountApp(init, runner, io, (s) => (exitCode = s.exitCode));
  // a closed terminal or a kill still saves (the runner's quit path saves everything)
  const onSignal = () => void runner.submit({ id: -1, kind: 'quit' });
  process.once('SIGHUP', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await inst.waitUntilExit();
  } finally {
    process.off('SIGHUP', onSignal);
    process.off('SIGTERM', onSignal);
    await controller.dispose();
  }
  io.stdout.write('Progress saved. Run `iamlab` to continue where you left off.\n');
  // what leaving a lab on a real account could not do (an access key iamlab made, left behind)
  for (const n of controller.exitNotes) io.stderr.write(`iamlab: ${n}\n`);
  return exitCode;
}
