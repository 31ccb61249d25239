/**
 * Where the machine's CPU goes during bench/load.ts, second by second: the server process,
 * the R sessions (the Rserve process group), the load clients' process, and everything else
 * on the machine (other work shares these cores), with the idle and the hypervisor's steal
 * time from /proc/stat, and how many R processes were running (state R) at each sample.
 * It runs as its own child process (`node --import tsx load-cpu.ts SERVER_PID R_PGID
 * CLIENTS_PID`, one JSON {@link CpuSample} line a second until stdin ends), so reading a few
 * hundred /proc files a second costs the server's event loop nothing; its own CPU is
 * reported as `sampler`.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { percentile } from './stats.ts';

/** One interval's CPU per party, in ms of CPU (all cores together). */
export interface CpuSample {
  /** End of the interval, Date.now(). */
  readonly at: number;
  readonly intervalMs: number;
  readonly server: number;
  readonly r: number;
  readonly clients: number;
  readonly sampler: number;
  /** Busy CPU of every other process and the kernel's own work. */
  readonly other: number;
  readonly idle: number;
  /** Time the hypervisor gave this VM's cores to someone else. */
  readonly steal: number;
  /** R processes in state R (running or runnable) at the end of the interval, of all. */
  readonly rRunning: number;
  readonly rProcesses: number;
  /**
   * Page faults (minor) of the R processes in the interval: mostly copy-on-write of the
   * pages a forked session shares with the Rserve parent, each a trap to this VM's hypervisor.
   */
  readonly rFaults: number;
  /** The other processes that used the most CPU in the interval: command name -> ms. */
  readonly top: Record<string, number>;
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

interface ProcTimes {
  readonly comm: string;
  readonly ticks: number;
  readonly minflt: number;
  readonly pgid: number;
  readonly state: string;
}

function readProc(pid: string): ProcTimes | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
    return {
      comm,
      minflt: Number(f[7]),
      ticks: Number(f[11]) + Number(f[12]),
      pgid: Number(f[2]),
      state: f[0] ?? '?',
    };
  } catch {
    return null; // exited while listed
  }
}

/** /proc/stat's first line: total, idle (with iowait) and steal ticks of all cores. */
function machineTicks(): { total: number; idle: number; steal: number } {
  const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice (guest is in user)
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, idle: (v[3] ?? 0) + (v[4] ?? 0), steal: v[7] ?? 0 };
}

/** Samples the parties every `everyMs` until stdin ends; see the file comment. */
function run(server: number, rPgid: number, clients: number, everyMs: number): void {
  const self = process.pid;
  let last = new Map<number, number>();
  let lastFaults = new Map<number, number>();
  let lastMachine = machineTicks();
  let lastAt = Date.now();
  const sample = (): CpuSample => {
    const now = new Map<number, number>();
    const faults = new Map<number, number>();
    let rFaults = 0;
    const sum = { server: 0, r: 0, clients: 0, sampler: 0 };
    let rRunning = 0;
    let rProcesses = 0;
    const others = new Map<string, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      const p = readProc(entry);
      if (p === null) continue;
      now.set(pid, p.ticks);
      // A process not seen before counts whole: an R session forked during the interval.
      const d = (p.ticks - (last.get(pid) ?? 0)) * TICK_MS;
      if (pid === server) sum.server += d;
      else if (pid === clients) sum.clients += d;
      else if (pid === self) sum.sampler += d;
      else if (p.pgid === rPgid) {
        sum.r += d;
        rProcesses += 1;
        faults.set(pid, p.minflt);
        rFaults += p.minflt - (lastFaults.get(pid) ?? 0);
        if (p.state === 'R') rRunning += 1;
      } else if (d > 0) others.set(p.comm, (others.get(p.comm) ?? 0) + d);
    }
    const m = machineTicks();
    const busy = (m.total - m.idle - (lastMachine.total - lastMachine.idle)) * TICK_MS;
    const at = Date.now();
    const out: CpuSample = {
      at,
      intervalMs: at - lastAt,
      ...sum,
      other: Math.max(0, busy - sum.server - sum.r - sum.clients - sum.sampler),
      idle: (m.idle - lastMachine.idle) * TICK_MS,
      steal: (m.steal - lastMachine.steal) * TICK_MS,
      rRunning,
      rProcesses,
      rFaults,
      top: Object.fromEntries([...others].sort((a, b) => b[1] - a[1]).slice(0, 3)),
    };
    last = now;
    lastFaults = faults;
    lastMachine = m;
    lastAt = at;
    return out;
  };
  sample();
  process.stdout.write('ready\n');
  const timer = setInterval(() => process.stdout.write(`${JSON.stringify(sample())}\n`), everyMs);
  const lines = createInterface({ input: process.stdin });
  lines.once('close', () => {
    clearInterval(timer);
    process.stdout.write(`${JSON.stringify(sample())}\n`);
  });
}

/** The cores the samples share. */
export const CORES = os.availableParallelism();

/** A running sampler: {@link CpuSampler.stop} ends it and gives every interval's sample. */
export interface CpuSampler {
  /**
   * Resolves once the sampler has started (its own start, node and tsx loading, takes about
   * a second of CPU: a load begun before it would pay for it).
   */
  readonly ready: Promise<void>;
  stop(): Promise<CpuSample[]>;
}

/** Starts the sampler child for these parties (see the file comment). */
export function startCpuSampler(server: number, rPgid: number, clients: number): CpuSampler {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, String(server), String(rPgid), String(clients)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const samples: CpuSample[] = [];
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const done = (async (): Promise<CpuSample[]> => {
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'ready') started();
      else if (line.startsWith('{')) samples.push(JSON.parse(line) as CpuSample);
    }
    started();
    return samples;
  })();
  return {
    ready,
    stop: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Totals over the samples, in ms of CPU, and the share of the machine each took. */
export interface CpuTotals {
  readonly wallMs: number;
  readonly server: number;
  readonly r: number;
  readonly clients: number;
  readonly sampler: number;
  readonly other: number;
  readonly idle: number;
  readonly steal: number;
  /** The most R processes seen running at one sample. */
  readonly rRunningMax: number;
  readonly rFaults: number;
  /** The other processes that used the most CPU over the run: command name -> ms. */
  readonly top: [string, number][];
}

/** Sums the samples. */
export function cpuTotals(samples: readonly CpuSample[]): CpuTotals {
  const add = (k: 'server' | 'r' | 'clients' | 'sampler' | 'other' | 'idle' | 'steal'): number =>
    samples.reduce((a, s) => a + s[k], 0);
  return {
    wallMs: samples.reduce((a, s) => a + s.intervalMs, 0),
    server: add('server'),
    r: add('r'),
    clients: add('clients'),
    sampler: add('sampler'),
    other: add('other'),
    idle: add('idle'),
    steal: add('steal'),
    rRunningMax: Math.max(0, ...samples.map((s) => s.rRunning)),
    rFaults: samples.reduce((a, s) => a + s.rFaults, 0),
    top: topOthers(samples),
  };
}

function topOthers(samples: readonly CpuSample[]): [string, number][] {
  const sum = new Map<string, number>();
  for (const s of samples)
    for (const [k, v] of Object.entries(s.top)) sum.set(k, (sum.get(k) ?? 0) + v);
  return [...sum].sort((a, b) => b[1] - a[1]).slice(0, 3);
}

/**
 * The CPU the machine spent per answered request, by party, and what the cores would hold:
 * at one request a second per user, `CORES` x 1,000 ms of CPU a second over the CPU
 * (server + R + clients) per request.
 */
export function cpuLines(samples: readonly CpuSample[], answered: number): string[] {
  const t = cpuTotals(samples);
  const capacity = (CORES * t.wallMs) / 100; // ms of CPU in the run, per 1% of the machine
  const pct = (x: number): string => `${(x / capacity).toFixed(0)}%`;
  const per = (x: number): string => (answered > 0 ? (x / answered).toFixed(2) : '-');
  const work = t.server + t.r + t.clients;
  const holds = answered > 0 ? Math.floor((CORES * 1000 * answered) / work) : NaN;
  return [
    `  CPU during the load (${CORES} cores, ${(t.wallMs / 1000).toFixed(0)} s; ms per answered request, ` +
      `share of the machine): server ${per(t.server)} (${pct(t.server)}), R ${per(t.r)} (${pct(t.r)}), ` +
      `clients ${per(t.clients)} (${pct(t.clients)}), others on the machine ${pct(t.other)}, ` +
      `sampler ${pct(t.sampler)}, idle ${pct(t.idle)}, steal ${pct(t.steal)}; ` +
      `R page faults ${per(t.rFaults).replace(/[.]\d+$/, '')} per request; ` +
      `R processes running at once: at most ${t.rRunningMax}; the busiest others: ` +
      (t.top.map(([k, v]) => `${k} ${pct(v)}`).join(', ') || 'none'),
    `  -> server + R + clients ${per(work)} ms of CPU per request: ${CORES} cores hold ` +
      `${Number.isNaN(holds) ? '-' : holds} users at one request a second, with nothing else running`,
  ];
}

/**
 * The same per request over the second half of the load only (each session's first requests,
 * which cost the most, are then behind it): the samples that began after the half, over the
 * requests sent in that half and answered.
 */
export function steadyLine(
  samples: readonly CpuSample[],
  halfAt: number,
  secondHalfAnswered: number,
): string {
  const half = samples.filter((s) => s.at - s.intervalMs >= halfAt);
  const t = cpuTotals(half);
  const n = secondHalfAnswered;
  if (half.length === 0) return '  second half: no samples';
  if (n === 0) return '  second half: no request sent in it was answered';
  const per = (x: number): string => (x / n).toFixed(2);
  const work = t.server + t.r + t.clients;
  return (
    `  second half only (${half.length} s, ${n} requests): server ${per(t.server)}, R ${per(t.r)}, ` +
    `clients ${per(t.clients)} ms of CPU per request, R page faults ${(t.rFaults / n).toFixed(0)} ` +
    `per request; together ${per(work)} ms: ${CORES} cores hold ${Math.floor((CORES * 1000 * n) / work)} users`
  );
}

/** CPU ms of the server, R and the clients together per answered request; NaN without any. */
export function machineCpuPerRequest(samples: readonly CpuSample[], answered: number): number {
  const t = cpuTotals(samples);
  return answered > 0 && samples.length > 0 ? (t.server + t.r + t.clients) / answered : NaN;
}

/** One line per second: the p50 and p99 of the requests sent in it, each party's share of one core. */
export function cpuTimeline(
  samples: readonly CpuSample[],
  t0: number,
  requests: { readonly startedAt: number; readonly sent: readonly (readonly [number, number])[] },
): string[] {
  const c = (x: number, s: CpuSample): string => ((100 * x) / s.intervalMs).toFixed(0).padStart(4);
  /** p50 and p99 of the requests sent within the sample's interval. */
  const latency = (s: CpuSample): string => {
    const from = s.at - s.intervalMs - requests.startedAt;
    const to = s.at - requests.startedAt;
    const ms = requests.sent.filter(([at]) => at > from && at <= to).map(([, m]) => m);
    if (ms.length === 0) return ' no request sent;';
    return ` sent ${ms.length}, p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms;`;
  };
  return samples.map(
    (s) =>
      `  ${((s.at - t0) / 1000).toFixed(0).padStart(4)} s:${latency(s)} server${c(s.server, s)}% R${c(s.r, s)}% ` +
      `clients${c(s.clients, s)}% other${c(s.other, s)}% idle${c(s.idle, s)}% steal${c(s.steal, s)}% ` +
      `R running ${s.rRunning}/${s.rProcesses}, ${s.rFaults} faults; ` +
      Object.entries(s.top)
        .map(([k, v]) => `${k} ${c(v, s).trim()}%`)
        .join(', '),
  );
}

const invoked = process.argv[1] === undefined ? '' : path.resolve(process.argv[1]);
if (invoked === import.meta.filename) {
  const [server, rPgid, clients] = process.argv.slice(2).map(Number);
  if (server === undefined || rPgid === undefined || clients === undefined)
    throw new Error('usage: load-cpu.ts SERVER_PID R_PGID CLIENTS_PID');
  run(server, rPgid, clients, 1000);
}
