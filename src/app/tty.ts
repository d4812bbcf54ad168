// Whether the tutor can run here, and what to say when it cannot. Pure.

export interface AppIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** The message for a non-interactive terminal (pure, tested). */
export function noTerminalMessage(lab: string | undefined, why: string): string {
  const id = lab ?? '<lab>';
  return [
    `iamlab: the tutor needs an interactive terminal (${why}).`,
    'Without one, use the same labs from scripts:',
    `  iamlab shell --lab ${id}      the lab's shell; reads commands from stdin, one per line`,
    `                               (\`lab status\`, \`lab check\`, \`hint\`, \`answer TEXT\` work there)`,
    `  iamlab check ${id}            check every step of the lab (exit 0 when all pass)`,
    '  iamlab labs                  the lab ids and your progress',
    '',
  ].join('\n');
}

export function terminalProblem(io: Pick<AppIo, 'stdin' | 'stdout' | 'env'>): string | undefined {
  if (!io.stdin.isTTY && !io.stdout.isTTY) return 'stdin and stdout are not terminals';
  if (!io.stdin.isTTY) return 'stdin is not a terminal';
  if (!io.stdout.isTTY) return 'stdout is not a terminal';
  if (typeof io.stdin.setRawMode !== 'function') return 'stdin does not support raw mode';
  if (io.env.TERM === 'dumb') return 'TERM=dumb';
  return undefined;
}

export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return true;
}

