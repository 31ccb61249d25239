/**
 * The benchmarks run the server in their own process, and run it as production does
 * (scripts/start, deploy/panthr.service): with libuv's pool of 8 threads. libuv reads
 * UV_THREADPOOL_SIZE once, when its pool first starts (before a module runs), so a
 * benchmark started without it runs itself again with it (same node flags and arguments,
 * same output) and exits as that run does. Call first, before the server starts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** The pool size production runs with. */
export const SERVER_THREADPOOL_SIZE = '8';

/** Signals a benchmark's run passes on to the run of itself it started (and dies of). */
const PASSED_ON: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function asProductionRuns(): Promise<void> {
  if (process.env.UV_THREADPOOL_SIZE !== undefined) return;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, UV_THREADPOOL_SIZE: SERVER_THREADPOOL_SIZE },
    stdio: 'inherit',
  });
  // A kill of this process (not only Ctrl-C, which reaches the whole group) ends the run
  // that holds the server and its R processes.
  const pass = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of PASSED_ON) process.on(s, pass);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  for (const s of PASSED_ON) process.off(s, pass);
  // Dying of the child's signal, as the child did, tells the caller which one it was.
  if (signal !== null) process.kill(process.pid, signal);
  process.exit(code ?? 1);
}
