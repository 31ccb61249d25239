/**
 * The processes an R session started and still parents (a `system()` it waits in, a
 * `pipe()`): a session's children outlive it otherwise, reparented to init when the session ends, and a `system("sleep
 * 117")` cut by `compute_timeout` kept running (and holding its memory) until Rserve ended.
 * Read from Linux's /proc/PID/task/TID/children (a few small files, not a scan of every
 * process); elsewhere, or for a process already gone, there are none to find.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A process: its pid and its start time (to tell it from a later process given its pid). */
export interface ProcessId {
  readonly pid: number;
  readonly start: string;
}

/** The start time field of /proc/PID/stat, or null when the process is gone. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (in parentheses, which may hold spaces): state is field 3,
    // the start time field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** The direct children of `pid`, of all its threads. */
function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
      for (const p of text.split(' ')) if (/^\d+$/.test(p)) out.push(Number(p));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/**
 * Every descendant of `pid` (children, theirs...), at most `max` of them; none for pid 1 or
 * less (init's descendants are every process). A program that left its parent (`system(cmd,
 * wait = FALSE)`, `cmd &`, a daemon) is init's child by then, not found here.
 */
export function descendants(pid: number, max = 1000): ProcessId[] {
  if (pid <= 1) return [];
  const out: ProcessId[] = [];
  const queue = childrenOf(pid);
  while (queue.length > 0 && out.length < max) {
    const p = queue.shift() as number;
    const start = startTime(p);
    if (start === null) continue;
    out.push({ pid: p, start });
    queue.push(...childrenOf(p));
  }
  return out;
}

/** SIGKILLs each of `procs` that is still the process it was (its start time unchanged). */
export function killAll(procs: readonly ProcessId[]): void {
  for (const { pid, start } of procs) {
    if (startTime(pid) !== start) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile, or not ours to kill: nothing left to do.
    }
  }
}
