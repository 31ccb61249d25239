/** Small timing helpers shared by the benchmarks. */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A full garbage collection, so one run's garbage is not collected on the next's time. */
export function collectGarbage(): void {
  gc();
}

/** Milliseconds elapsed since `start` (from {@link now}). */
export function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A monotonic timestamp for {@link since}. */
export function now(): bigint {
  return process.hrtime.bigint();
}

/** The p-th percentile (0..100) of `samples` (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/**
 * Runs `fn` `warmup` times unmeasured, then up to `runs` times (a full GC before each, not
 * timed), stopping early once the runs took `budgetMs`; returns each run's milliseconds.
 */
export async function timeRuns(
  fn: () => Promise<unknown>,
  runs: number,
  warmup = 1,
  budgetMs = Infinity,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const t = now();
    await fn();
    out.push(since(t));
    if (out.reduce((a, b) => a + b, 0) >= budgetMs) break;
  }
  return out;
}

/** Formats milliseconds for a table cell. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 100
    ? `${x.toFixed(0)} ms`
    : x >= 1
      ? `${x.toFixed(2)} ms`
      : `${(x * 1000).toFixed(1)} µs`;
}

/** Formats a ratio "how many times faster" (or slower) with a goal verdict. */
export function verdict(ratio: number, goal: number, higherIsBetter: boolean): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  const met = higherIsBetter ? ratio >= goal : ratio <= goal;
  return `${ratio.toFixed(2)}x (goal ${higherIsBetter ? '>=' : '<='} ${goal}x: ${met ? 'met' : 'NOT met'})`;
}
