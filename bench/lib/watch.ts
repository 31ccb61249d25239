/**
 * The server's own steps, timed by watching its own methods in this process (the server of
 * test/fixtures/server.ts runs here): each call of a watched method records a step with the
 * wall-clock time (`performance.timeOrigin + performance.now()`, comparable with another
 * process's). Nothing is replaced: the method runs as before. Used by bench/phases.ts (one
 * request) and bench/upload-phases.ts (a large upload).
 */
import { percentile } from './stats.ts';

/** A recorded step: when, and what. */
export interface Step {
  readonly at: number;
  readonly step: string;
}

/** Wall-clock milliseconds, comparable across processes (Date.now()'s scale, finer). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The steps recorded so far, in order (cleared with `steps.length = 0`). */
export const steps: Step[] = [];

/**
 * Records `before` when `proto[name]` is called, `returned` when the call returns (a promise
 * may still be pending) and `after` when it returns or its promise settles.
 */
export function watch(
  proto: object,
  name: string,
  before: string,
  after?: string,
  returned?: string,
): void {
  const own = Object.getOwnPropertyDescriptor(proto, name);
  const fn = own?.value as ((...a: unknown[]) => unknown) | undefined;
  if (fn === undefined) throw new Error(`bench/lib/watch: no method ${name} to watch`);
  const mark = (step: string): void => {
    steps.push({ at: wallNow(), step });
  };
  Object.defineProperty(proto, name, {
    ...own,
    value(this: unknown, ...a: unknown[]) {
      mark(before);
      const out = fn.apply(this, a);
      if (returned !== undefined) mark(returned);
      if (after === undefined) return out;
      if (out instanceof Promise) return out.finally(() => mark(after));
      mark(after);
      return out;
    },
  });
}

/** Each step's first time in [from, to], as milliseconds after `from`. */
export function firstSteps(from: number, to: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of steps)
    if (s.at >= from && s.at <= to && !out.has(s.step)) out.set(s.step, s.at - from);
  return out;
}

/**
 * Prints each step's median time over `runs` (each a step -> ms map, as {@link firstSteps}
 * gives), in order, with the stretch from the step before.
 */
export function printMedianSteps(
  title: string,
  runs: readonly Map<string, number>[],
  digits: number,
): void {
  const times = new Map<string, number[]>();
  for (const run of runs)
    for (const [step, t] of run) times.set(step, [...(times.get(step) ?? []), t]);
  const order = [...times].map(([step, t]) => [step, percentile(t, 50)] as const);
  order.sort((a, b) => a[1] - b[1]);
  console.log(`\n${title}`);
  console.log(
    `  ${'step (median ms after the client sent)'.padEnd(48)} ${'at'.padStart(9)} ${'stretch'.padStart(9)}`,
  );
  let last = 0;
  for (const [step, at] of order) {
    console.log(
      `  ${step.padEnd(48)} ${at.toFixed(digits).padStart(9)} ${(at - last).toFixed(digits).padStart(9)}`,
    );
    last = at;
  }
}
