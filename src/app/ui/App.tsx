// The root component: one reducer, one input handler, one intent runner. It renders the
// state and dispatches; everything else lives in state.ts (what keys mean, what happens)
// and runner.ts (the outside world).
import React, { useEffect, useReducer, useRef } from 'react';
import { useApp, useInput, useStdin, useStdout } from 'ink';
import { keyEvents } from '../keys.js';
import { reducer, type AppState } from '../state.js';
import type { Runner } from '../runner.js';
import { Screen } from './views.js';

export interface AppProps {
  init: AppState;
  runner: Runner;
  /** Called with the final state right before the app exits (for the exit code). */
  onExit?: (s: AppState) => void;
  /** Milliseconds a toast stays up (0 = until the next key). */
  toastMs?: number;
  /** Milliseconds per spinner frame (0 = no animation). */
  spinMs?: number;
}

export function App({ init, runner, onExit, toastMs = 4000, spinMs = 120 }: AppProps) {
  const [s, dispatch] = useReducer(reducer, init);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { isRawModeSupported } = useStdin();
  const latest = useRef(s);
  latest.current = s;

  useEffect(() => {
    runner.attach(dispatch, () => {
      onExit?.(latest.current);
      exit();
    });
  }, [runner, exit, onExit]);

  // the terminal's size, now and on every resize
  useEffect(() => {
    const on = () => {
      if (stdout.columns && stdout.rows) dispatch({ type: 'resize', columns: stdout.columns, rows: stdout.rows });
    };
    on();
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
  }, [stdout]);

  // hand queued intents to the runner, in order
  useEffect(() => {
    if (s.intents.length === 0) return;
    const batch = s.intents;
    dispatch({ type: 'intents-taken', ids: batch.map((i) => i.id) });
    for (const i of batch) void runner.submit(i);
  }, [s.intents, runner]);

  // the spinner turns while something the learner waits for runs (a real AWS call can take seconds)
  const spinning = Boolean(s.work || s.busy);
  useEffect(() => {
    if (!spinning || spinMs <= 0) return;
    const t = setInterval(() => dispatch({ type: 'tick' }), spinMs);
    return () => clearInterval(t);
  }, [spinning, spinMs]);

  useEffect(() => {
    if (!s.toast || toastMs <= 0) return;
    const t = setTimeout(() => dispatch({ type: 'toast-clear' }), toastMs);
    return () => clearTimeout(t);
  }, [s.toast, toastMs]);

  useInput(
    (input, key) => {
      for (const ev of keyEvents(input, key)) dispatch({ type: 'key', ev });
    },
    { isActive: isRawModeSupported === true },
  );

  return <Screen s={s} />;
}
