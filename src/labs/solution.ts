// Runs a step's solution through the shell: writes its files into the workspace, then runs its
// commands one by one, filling {account.KEY}, {now} and {NAME} captured from earlier output.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Solution } from './schema.js';
import { fillTemplate } from '../checks/template.js';

export interface ShellRunner {
  run(text: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

export interface SolutionRun {
  ok: boolean;
  /** What ran and what it printed, like a terminal transcript. */
  transcript: string;
  /** Set when a command failed that was not expected to. */
  failed?: { command: string; exitCode: number; stderr: string };
}

/** Path into parsed JSON output: Credentials.AccessKeyId, Roles[0].Arn. */
export function jsonPath(v: unknown, path: string): unknown {
  let cur = v;
  for (const part of path.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[m[1]!] : undefined;
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) cur = Array.isArray(cur) ? cur[Number(idx[1])] : undefined;
  }
  return cur;
}

export function solutionVars(accounts: Record<string, string>, now: Date, vars: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...vars, now: now.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  for (const [k, id] of Object.entries(accounts)) out[`account.${k}`] = id;
  return out;
}

export async function runSolution(
  sol: Solution,
  shell: ShellRunner,
  opts: { workspaceDir: string; accounts: Record<string, string>; now: () => Date; vars: Record<string, string> },
): Promise<SolutionRun> {
  let transcript = '';
  const fill = (s: string) => fillTemplate(s, solutionVars(opts.accounts, opts.now(), opts.vars));
  const files = Object.entries(sol.files ?? {});
  if (files.length) mkdirSync(opts.workspaceDir, { recursive: true });
  for (const [name, body] of files) {
    writeFileSync(join(opts.workspaceDir, name), fill(body));
    transcript += `# wrote ${name}\n`;
  }
  for (const c of sol.commands ?? []) {
    const spec = typeof c === 'string' ? { run: c } : c;
    const cmd = fill(spec.run);
    const r = await shell.run(cmd);
    transcript += `$ ${cmd}\n${r.stdout}${r.stdout && !r.stdout.endsWith('\n') ? '\n' : ''}${r.stderr}${r.stderr && !r.stderr.endsWith('\n') ? '\n' : ''}`;
    if (r.exitCode !== 0 && !('expect_fail' in spec && spec.expect_fail)) {
      return { ok: false, transcript, failed: { command: cmd, exitCode: r.exitCode, stderr: r.stderr } };
    }
    if ('capture' in spec && spec.capture) {
      let out: unknown;
      try {
        out = JSON.parse(r.stdout);
      } catch {
        return { ok: false, transcript, failed: { command: cmd, exitCode: r.exitCode, stderr: 'the output is not JSON, so nothing could be captured from it' } };
      }
      for (const [name, path] of Object.entries(spec.capture)) {
        const v = jsonPath(out, path);
        if (typeof v !== 'string') return { ok: false, transcript, failed: { command: cmd, exitCode: r.exitCode, stderr: `the output has no ${path}` } };
        opts.vars[name] = v;
      }
    }
  }
  return { ok: true, transcript };
}
