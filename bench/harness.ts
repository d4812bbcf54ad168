// Shared shape of every benchmark. Each bench/*.bench.ts exports `benches: Bench[]`.
// A figure is measured together with a baseline measured in the same run, so the
// printed ratio means something on any machine.

export interface BenchResult {
  /** The figure itself, e.g. 412000 (decisions/s) or 0.4 (ms). */
  value: number;
  unit: string;
  /** 'higher' if bigger is better (throughput), 'lower' for latencies. */
  better: 'higher' | 'lower';
  /** A naive or reference implementation measured in the same run, same unit. */
  baseline?: { name: string; value: number };
  /** The aim, same unit, for the table ("aim ≥ 200000"). */
  aim?: number;
  note?: string;
}

export interface Bench {
  name: string; // e.g. 'policy.decisions_per_s'
  run(): Promise<BenchResult>;
}

/** Calls fn repeatedly for about `ms` milliseconds; returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000): number {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** Runs fn n times; returns each run's milliseconds. */
export function timeEach(fn: () => unknown, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Percentile (0–100) of a list of numbers. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}
