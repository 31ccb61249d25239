/**
 * What one user's R session costs (issue 16, goal 5), read from /proc for every session
 * process: forking and setting it up (the Rserve parent's CPU per fork, the session's own),
 * being idle (CPU of every process of the Rserve group over 10 s, and their states), the
 * dataset's assign, the first descriptives request and the steady ones (CPU and page
 * faults per request: a forked session writes into pages it shares with the Rserve parent,
 * and each first write copies the page), and what a full garbage collection in a session
 * costs (it writes the mark bit of every object, so it copies every page of the parent's
 * heap the session can reach), with the requests after it. PanthR.r is preloaded in the
 * Rserve parent as the server does (r/R/panthr.R through the supervisor).
 * Run: `npx tsx bench/r-sessions.ts [SESSIONS] [REQUESTS]` (default 20 sessions, 40
 * requests each, all sessions at once). `PANTHR_R=FILE` preloads another copy of the library
 * (say an older commit's, from `git archive`), `PANTHR_REQUEST=CODE` replaces the call.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rDataFrame, rDouble, startR, type RSession, type RValue } from '../r/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** CPU (ms, from schedstat: nanoseconds) and minor page faults of one process so far. */
function usage(pid: number): { cpuMs: number; faults: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ns = Number(readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ')[0]);
  return { cpuMs: ns / 1e6, faults: Number(f[7]) };
}

/** Private dirty memory of a process, in MB. */
function privateMb(pid: number): number {
  const r = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
  return Number(/^Private_Dirty:\s+(\d+)/m.exec(r)?.[1] ?? 0) / 1024;
}

/** Every process of group `pgid`: pid -> [state, CPU ms (utime + stime, 10 ms ticks)]. */
function group(pgid: number): Map<number, [string, number]> {
  const out = new Map<number, [string, number]>();
  for (const entry of readdirNumeric()) {
    try {
      const s = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid)
        out.set(entry, [f[0] ?? '?', (Number(f[11]) + Number(f[12])) * 10]);
    } catch {
      // exited while listed
    }
  }
  return out;
}

function readdirNumeric(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** A data frame of 100 rows x 2 numeric columns, as the benchmark's users load. */
function frame(): RValue {
  const col = (k: number): RValue =>
    rDouble(Array.from({ length: 100 }, (_, i) => ((i * 7919 + k) % 1000) / 10));
  return rDataFrame(
    [
      ['x', col(1)],
      ['y', col(2)],
    ],
    100,
  );
}

/** The call; PANTHR_REQUEST replaces it (an older library's signature, say). */
const REQUEST =
  process.env.PANTHR_REQUEST ??
  'panthr_run(panthr_report, "descriptives", .d, c("x", "y"), NULL, NULL, NULL, NULL)';

/** Fails unless `panthr_run` answered list(ok = TRUE, ...): an error is cheaper to measure. */
function checkOk(v: RValue): void {
  const ok = v.kind === 'list' ? v.values[0] : undefined;
  if (ok?.kind !== 'logical' || ok.values[0] !== 1)
    throw new Error(`the request failed in R; check it: ${REQUEST}`);
}

/** Runs `step` in every session at once; mean CPU ms and faults per session. */
async function measure(
  sessions: readonly RSession[],
  step: (s: RSession) => Promise<unknown>,
): Promise<{ cpuMs: number; faults: number }> {
  const before = sessions.map((s) => usage(s.pid));
  await Promise.all(sessions.map(step));
  const after = sessions.map((s) => usage(s.pid));
  const n = sessions.length;
  return {
    cpuMs: after.reduce((a, x, i) => a + x.cpuMs - (before[i]?.cpuMs ?? 0), 0) / n,
    faults: after.reduce((a, x, i) => a + x.faults - (before[i]?.faults ?? 0), 0) / n,
  };
}

const fmt = (x: { cpuMs: number; faults: number }): string =>
  `${x.cpuMs.toFixed(2)} ms CPU, ${x.faults.toFixed(0)} page faults`;

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20);
  const k = Number(process.argv[3] ?? 40);
  const r = await startR({
    // PANTHR_R: another copy of the library (say an older commit's, from `git archive`).
    preload: [process.env.PANTHR_R ?? path.join(ROOT, 'r/R/panthr.R')],
    log: quiet,
    warm: 0,
    max: null,
    sessionMemoryMb: null,
    startTimeoutMs: 60_000,
  });
  try {
    const pgid = r.supervisor.server?.pgid ?? 0;
    const parent = [...group(pgid).keys()].find((pid) =>
      readFileSync(`/proc/${pid}/stat`, 'latin1').includes('(Rserve)'),
    );
    const p0 = parent === undefined ? undefined : usage(parent);
    const sessions: RSession[] = [];
    for (let i = 0; i < n; i++) sessions.push(await r.pool.acquire(`user${i}`));
    const p1 = parent === undefined ? undefined : usage(parent);
    const made = sessions.map((s) => usage(s.pid));
    console.log(`R sessions: ${n} at once, ${k} descriptives requests each (100 rows x 2)`);
    if (p0 !== undefined && p1 !== undefined)
      console.log(
        `  fork (the Rserve parent, per session): ${fmt({ cpuMs: (p1.cpuMs - p0.cpuMs) / n, faults: (p1.faults - p0.faults) / n })}`,
      );
    console.log(
      `  set-up (in the session, per session): ${fmt({ cpuMs: made.reduce((a, x) => a + x.cpuMs, 0) / n, faults: made.reduce((a, x) => a + x.faults, 0) / n })}`,
    );
    await idle(pgid, n);
    console.log(
      `  assign the dataset: ${fmt(await measure(sessions, (s) => s.assign('.d', frame())))}`,
    );
    const first = await measure(sessions, async (s) => checkOk(await s.eval(REQUEST)));
    console.log(`  first request: ${fmt(first)}`);
    const steady = { cpuMs: 0, faults: 0 };
    for (let i = 1; i < k; i++) {
      const m = await measure(sessions, (s) => s.eval(REQUEST));
      steady.cpuMs += m.cpuMs / (k - 1);
      steady.faults += m.faults / (k - 1);
    }
    console.log(`  requests 2-${k}, mean: ${fmt(steady)}`);
    const one = sessions.slice(0, 1);
    const pid = sessions[0]?.pid ?? 0;
    const dirty = privateMb(pid);
    const gc = await measure(one, (s) => s.voidEval('invisible(gc(full = TRUE))'));
    console.log(
      `  a full garbage collection in one session: ${fmt(gc)}; its private memory ${dirty.toFixed(1)} -> ${privateMb(pid).toFixed(1)} MB`,
    );
    const after = { cpuMs: 0, faults: 0 };
    for (let i = 0; i < 10; i++) {
      const m = await measure(one, (s) => s.eval(REQUEST));
      after.cpuMs += m.cpuMs / 10;
      after.faults += m.faults / 10;
    }
    console.log(`  then 10 requests in that session, mean: ${fmt(after)}`);
    for (const s of sessions) await r.pool.release(s);
  } finally {
    await r.stop();
  }
}

/** CPU of every process of the group over 10 s of idleness, and their states. */
async function idle(pgid: number, n: number): Promise<void> {
  const a = group(pgid);
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const b = group(pgid);
  let ms = 0;
  const states: Record<string, number> = {};
  for (const [pid, [state, cpu]] of b) {
    states[state] = (states[state] ?? 0) + 1;
    ms += cpu - (a.get(pid)?.[1] ?? cpu);
  }
  console.log(
    `  idle 10 s, all ${b.size} processes of the Rserve group (${n} sessions, the parent): ` +
      `${ms} ms of CPU in all (10 ms ticks); states ${JSON.stringify(states)} (S: asleep)`,
  );
}

await main();
