/**
 * The watchdog that makes R unable to outlive the server. Rserve runs under a tiny `sh`
 * that leads its own process group (Rserve and every forked session belong to it) and
 * whose stdin is a pipe from the server. When that pipe reaches end of file (the server
 * exited, even by SIGKILL, since the kernel closes its descriptors) a background reader
 * deletes the private directory and SIGKILLs the whole group.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

/**
 * `$1` is the private directory, the rest is the Rserve command line. fd 3 carries the
 * server's pipe to the reader only: POSIX gives an asynchronous list /dev/null as stdin,
 * and Rserve must not hold the pipe. `sh` exits with Rserve's status.
 */
const WATCHDOG_SCRIPT = `dir=$1; shift
exec 3<&0
( cat <&3 >/dev/null 2>&1; rm -rf -- "$dir"; kill -s KILL 0 ) </dev/null >/dev/null 2>&1 &
exec 3<&-
"$@" </dev/null &
wait $!`;

/** The watchdog child: stdin is the life line, stdout/stderr carry R's output. */
export type WatchdogChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** Spawns `command` under the watchdog as the leader of a new process group. */
export function spawnWatchdog(
  dir: string,
  command: readonly string[],
  env: Readonly<Record<string, string>>,
): WatchdogChild {
  return spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'panthr-r-watchdog', dir, ...command], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * The pids of live (not zombie) processes in process group `pgid`, from /proc. Zombies are
 * left out: they hold no memory and their parent (or init) reaps them.
 */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return groupProbe(pgid) ? [pgid] : [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat !== undefined && stat.pgid === pgid && stat.state !== 'Z' && stat.state !== 'X') {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** State and process group of a pid from /proc/PID/stat (the command may hold spaces). */
function readStat(pid: string | number): { state: string; pgid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Whether any process, zombies included, is in the group (for systems without /proc). */
function groupProbe(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to the whole group; a group already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  // kill(-0) or kill(-1) would hit the server's own group or every process.
  if (!Number.isInteger(pgid) || pgid <= 1)
    throw new Error(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Whether a process is alive (and not a zombie). */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  if (stat !== undefined) return stat.state !== 'Z' && stat.state !== 'X';
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when the group has no live member, or false after `timeoutMs`. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM the group, wait up to `graceMs`, then SIGKILL it and wait a little more. */
export async function stopGroup(pgid: number, graceMs: number): Promise<boolean> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitGroupGone(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitGroupGone(pgid, 2000);
}
