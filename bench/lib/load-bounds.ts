/**
 * What bounds the number of users of bench/load.ts (issue 16, goal 5): from one run's
 * figures, how many users at one request a second the machine's memory, the server's one
 * core (Node's event loop) and the machine's cores (the CPU of the server, R and the load
 * clients together, bench/lib/load-cpu.ts) would hold, and which is the smallest.
 */
import os from 'node:os';

/** One run's figures the bounds are computed from. */
export interface BoundInputs {
  readonly users: number;
  /** Requests answered per second during the load. */
  readonly requestsPerSecond: number;
  /** CPU milliseconds (user + system) the server process spent per answered request. */
  readonly serverCpuMsPerRequest: number;
  /** The R sessions' proportional memory per user, in MB. */
  readonly rPssMbPerUser: number;
  /** The server process's RSS growth per user, in MB. */
  readonly serverMbPerUser: number;
  /** Requests that failed (no reply, error objects). */
  readonly errors: number;
  /** CPU ms of the server, R and the clients together per answered request (NaN: unknown). */
  readonly machineCpuMsPerRequest: number;
}

/** The users each resource would hold, and the smaller of the two. */
export interface Bounds {
  readonly byMemory: number;
  readonly byServerCpu: number;
  readonly byCores: number;
  readonly bound: 'memory' | 'server CPU' | 'the cores' | 'outside the server';
}

/** Below this share of one core, a run with errors was not bounded by the server's CPU. */
const BUSY_CORE = 0.5;

/**
 * Users the machine's memory holds (its total, for R's PSS plus the server's growth per
 * user), and users the server's one event loop holds at one request a second each
 * (1,000 ms of CPU a second over the CPU per request).
 */
export function usersBounds(x: BoundInputs): Bounds {
  const mbPerUser = x.rPssMbPerUser + Math.max(0, x.serverMbPerUser);
  const byMemory = mbPerUser > 0 ? Math.floor(os.totalmem() / 2 ** 20 / mbPerUser) : Infinity;
  const byServerCpu =
    x.serverCpuMsPerRequest > 0 ? Math.floor(1000 / x.serverCpuMsPerRequest) : Infinity;
  // Requests went unanswered while the server's loop was mostly idle: what stalled them was
  // elsewhere (R's processes, the machine's cores), and the CPU per request then counts
  // the server's fixed costs over the few requests answered.
  const byCores =
    x.machineCpuMsPerRequest > 0
      ? Math.floor((os.availableParallelism() * 1000) / x.machineCpuMsPerRequest)
      : Infinity;
  const busy = (x.serverCpuMsPerRequest * x.requestsPerSecond) / 1000;
  const least = Math.min(byMemory, byServerCpu, byCores);
  if (x.errors > 0 && busy < BUSY_CORE && byCores > x.users)
    return { byMemory, byServerCpu, byCores, bound: 'outside the server' };
  const bound = least === byCores ? 'the cores' : least === byMemory ? 'memory' : 'server CPU';
  return { byMemory, byServerCpu, byCores, bound };
}

/** The bounds as one line for the benchmark's report. */
export function boundsLine(x: BoundInputs): string {
  const b = usersBounds(x);
  const gb = (os.totalmem() / 2 ** 30).toFixed(0);
  return (
    `  what bounds the users: server CPU ${x.serverCpuMsPerRequest.toFixed(2)} ms per request ` +
    `(${x.requestsPerSecond.toFixed(0)} req/s used ${((x.serverCpuMsPerRequest * x.requestsPerSecond) / 10).toFixed(0)}% of one core) ` +
    `-> ${b.byServerCpu} users on the server's one event loop; memory ` +
    `${(x.rPssMbPerUser + Math.max(0, x.serverMbPerUser)).toFixed(1)} MB per user (R PSS + server) ` +
    `-> ${b.byMemory} users in ${gb} GB; the cores -> ${Number.isFinite(b.byCores) ? b.byCores : '-'} users ` +
    `(server + R + clients); the bound: ${b.bound}` +
    (b.bound === 'outside the server'
      ? ` (${x.errors} requests failed while the server used under half a core and the cores were not full: load average ${os.loadavg()[0]?.toFixed(0)})`
      : '')
  );
}
