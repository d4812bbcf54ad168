// Ink and the App, loaded only once the first frame is on screen (see ../paint.ts).
import React from 'react';
import { render, type Instance } from 'ink';
import { App } from './App.js';
import type { Runner } from '../runner.js';
import type { AppState } from '../state.js';
import type { AppIo } from '../tty.js';

export function mountApp(init: AppState, runner: Runner, io: AppIo, onExit: (s: AppState) => void): Instance {
  return render(<App init={init} runner={runner} onExit={onExit} />, {
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    exitOnCtrlC: false,
    patchConsole: true,
  });
}
