/**
 * The server process's own CPU per request (issue 16, goals 4 and 5): a test server in this
 * process, one verified user, a 1,000 x 3 dataset, and a client in a child process (its CPU
 * is not counted) sending N `descriptives` requests one at a time, each awaited; then N
 * empty round trips (`echo`, paced within its rate limit) on a new connection, the floor.
 * Prints the CPU time (user + system, `process.cpuUsage()`, every thread of this process)
 * per request and per echo, and of the store's save alone (N saves of a similar result). R runs in Rserve's processes and is not counted; the store's
 * save (SQLite in this process, with its fsync) is. CPU time, unlike wall-clock time, stays
 * meaningful on a loaded machine.
 * With `--profile`, the measured requests also run under V8's sampling profiler and the
 * functions and packages that took the most self time are printed (the profile is written
 * to panthr-bench-cpu.cpuprofile in the temp folder, for Chrome's DevTools). Its samples are wall-clock: a blocking
 * call (the fsync of the save, a socket write) counts its waiting too.
 * With `--strace`, strace(1) counts this process's system calls (every thread) during the
 * measured requests, printed per request (strace slows the process: not with the CPU figure).
 * Run: `npx tsx bench/cpu.ts [N] [--profile] [--strace]` (N measured requests, default 1000).
 */
import { fork, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../test/fixtures/server.ts';
import { createUser, type TestUser } from '../test/fixtures/users.ts';
import { createWorkspace, saveObject } from '../server/store/index.ts';
import { descriptivesRequest } from './lib/panthr-bench.ts';
import { startProfile, summarise } from './lib/cpu-profile.ts';
import { now, since } from './lib/stats.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const args = process.argv.slice(2);
const PROFILE = args.includes('--profile');
const STRACE = args.includes('--strace');
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
const WARMUP = 200;
const PROFILE_FILE = path.join(os.tmpdir(), 'panthr-bench-cpu.cpuprofile');
const CLIENT = path.resolve(import.meta.dirname, 'lib/cpu-client.ts');

type Mode = 'request' | 'echo';

function waitFor(child: ReturnType<typeof fork>, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown): void => {
      if (m !== message) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve();
    };
    const onExit = (code: number | null): void =>
      reject(new Error(`the client exited (${code}) before '${message}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** CPU milliseconds (user, system) and wall milliseconds this process spent per operation. */
interface PerOp {
  readonly user: number;
  readonly system: number;
  readonly wall: number;
}

async function measure(
  ts: TestServer,
  user: TestUser,
  mode: Mode,
  diagnose: boolean,
): Promise<PerOp> {
  const child = fork(CLIENT, [ts.url, user.cookie, String(N), String(WARMUP), mode], {
    execArgv: ['--import', 'tsx'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitFor(child, 'warm');
  const measuring = waitFor(child, 'measure');
  child.send('go');
  await measuring;
  const profiler = diagnose && PROFILE ? await startProfile() : null;
  const strace = diagnose && STRACE ? await startStrace() : null;
  const cpu = process.cpuUsage();
  const t = now();
  await waitFor(child, 'done');
  const used = process.cpuUsage(cpu);
  const wall = since(t);
  if (strace !== null) console.log(await strace());
  if (profiler !== null) {
    const result = await profiler.stop();
    await writeFile(PROFILE_FILE, JSON.stringify(result));
    console.log(`profile written to ${PROFILE_FILE}`);
    console.log(summarise(result, N));
  }
  await exited;
  return { user: used.user / 1000 / N, system: used.system / 1000 / N, wall: wall / N };
}

/** Starts strace -c on this process; the function it returns stops it and gives its table per request. */
async function startStrace(): Promise<() => Promise<string>> {
  const out = `/tmp/panthr-bench-strace-${process.pid}.txt`;
  const child = spawn('strace', ['-f', '-c', '-o', out, '-p', String(process.pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // strace says so on stderr once attached to every thread.
  await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    const rows = (await readFile(out, 'utf8')).split('\n').flatMap((l) => {
      const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/.exec(l);
      return m === null || m[2] === 'total' ? [] : [`${m[2]} ${(Number(m[1]) / N).toFixed(2)}`];
    });
    return `system calls per request (strace -f -c): ${rows.join(', ')}`;
  };
}

/**
 * The store's save alone, as a request makes it (a descriptives result of 3 rows, saved with
 * its fsync), N times into a scratch workspace of the server's store: its CPU per save.
 */
async function measureSave(ts: TestServer): Promise<PerOp> {
  const store = ts.server.store;
  const workspace = await createWorkspace(store, 'bench-cpu-scratch', 'scratch');
  const statistics = ['n', 'missing', 'mean', 'sd', 'min', 'q1', 'median', 'q3', 'max'];
  const rows = ['x', 'y', 'z'].map((v, i) => [
    v,
    990 + i,
    10 - i,
    ...statistics.slice(2).map((_, j) => i * 7.123456789 + j),
  ]);
  const object = {
    ...descriptivesRequest('bench', 'd', ['x', 'y', 'z']),
    result: {
      columns: ['variable', ...statistics],
      rows,
      r_code: 'd <- read.csv("d.csv")\n'.repeat(8),
      warnings: [],
    },
  } as unknown as Parameters<typeof saveObject>[2];
  for (let i = 0; i < WARMUP; i++) await saveObject(store, workspace._id, object);
  const cpu = process.cpuUsage();
  const t = now();
  for (let i = 0; i < N; i++) await saveObject(store, workspace._id, object);
  const used = process.cpuUsage(cpu);
  return { user: used.user / 1000 / N, system: used.system / 1000 / N, wall: since(t) / N };
}

function line(what: string, p: PerOp): string {
  const f = (x: number): string => x.toFixed(3);
  return `  ${what.padEnd(34)} ${f(p.user + p.system).padStart(7)} ms  (user ${f(p.user)}, system ${f(p.system)}; wall ${f(p.wall)})`;
}

async function main(): Promise<void> {
  let ts: TestServer | undefined;
  try {
    ts = await startTestServer({ max_data: null });
    const user = await createUser(ts, 'cpu');
    const request = await measure(ts, user, 'request', true);
    const echo = await measure(ts, user, 'echo', false);
    const save = await measureSave(ts);
    console.log(`\nserver process CPU, ${N} operations one at a time after ${WARMUP} unmeasured:`);
    console.log(line('descriptives request (1,000 x 3)', request));
    console.log(line('empty round trip (echo)', echo));
    console.log(line('the store save alone (saveObject)', save));
    const cpu = (p: PerOp): number => p.user + p.system;
    const own = cpu(request) - cpu(echo);
    console.log(
      `  request - echo: ${own.toFixed(3)} ms of CPU per request; without the save: ${(own - cpu(save)).toFixed(3)} ms`,
    );
  } finally {
    await ts?.stop();
  }
}

await main();
