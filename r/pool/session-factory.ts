/**
 * Making and ending pooled sessions: fork one (connect), cap its memory with prlimit,
 * give it its own tempdir and run the session init; close one within a bound.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { descendants, killAll, type RAddress, type RConnection } from '../qap1/index.ts';
import { SESSION_START_CODE } from '../supervisor/index.ts';
import { RSession } from './session.ts';

const run = promisify(execFile);

/**
 * R code a fresh session runs after its start code, when the pool is not told otherwise:
 * the library's set-up and warm-up (`panthr_session_init()`, `panthr_session_warm()`), each
 * when the preload defines it.
 */
export const DEFAULT_SESSION_INIT =
  'local({ if (exists("panthr_session_init", mode = "function")) panthr_session_init(); ' +
  'if (exists("panthr_session_warm", mode = "function")) panthr_session_warm() })';

/** How sessions are made. */
export interface SessionFactoryOptions {
  readonly connect: (address: RAddress) => Promise<RConnection>;
  /** Address-space limit (RLIMIT_AS) of each session in MB; null: none. */
  readonly sessionMemoryMb: number | null;
  /** R code run once in each fresh session; its value is ignored. */
  readonly initCode: string;
  /** Milliseconds the set-up may take. */
  readonly initTimeoutMs: number;
  /** The prlimit binary (util-linux). */
  readonly prlimit: string;
  /**
   * The user R runs as, when not the server's own (see RSupervisor.rUser): prlimit then runs
   * as that user too, since root may lack CAP_SYS_RESOURCE (containers drop it) and an owner
   * may lower its own process's limits without it.
   */
  readonly rUser?: () => { readonly uid: number; readonly gid: number } | undefined;
  /** util-linux's setpriv, to run prlimit as `rUser`. */
  readonly setpriv?: string;
}

/** Forks and prepares one session of Rserve generation `generation` at `path`. */
export async function createSession(
  o: SessionFactoryOptions,
  path: string,
  generation: number,
): Promise<RSession> {
  const conn = await o.connect({ path });
  try {
    if (o.sessionMemoryMb !== null) await limitMemory(o, conn.pid, o.sessionMemoryMb);
    await conn.voidEval(SESSION_START_CODE, { timeoutMs: o.initTimeoutMs });
    await conn.voidEval(o.initCode, { timeoutMs: o.initTimeoutMs });
    return new RSession(conn, generation);
  } catch (err) {
    await closeConnection(conn, 1000);
    throw err;
  }
}

/** Caps the address space of `pid`: R then fails allocations with "cannot allocate vector". */
async function limitMemory(o: SessionFactoryOptions, pid: number, mb: number): Promise<void> {
  const bytes = mb * 1024 * 1024;
  const args = [o.prlimit, '--pid', String(pid), `--as=${bytes}`];
  const user = o.rUser?.();
  const command =
    user === undefined
      ? args
      : [
          o.setpriv ?? 'setpriv',
          `--reuid=${user.uid}`,
          `--regid=${user.gid}`,
          '--clear-groups',
          ...args,
        ];
  try {
    await run(command[0] ?? o.prlimit, command.slice(1), { timeout: 5000 });
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new Error(`prlimit could not cap R session ${pid} at ${mb} MB: ${detail}`, {
      cause: err,
    });
  }
}

/**
 * Closes a connection, cancelling any running evaluation (close never cuts one: that would
 * delete R's tempdir). If R does not stop within `timeoutMs` (C code ignoring SIGINT), the
 * process is killed.
 */
export async function closeConnection(conn: RConnection, timeoutMs: number): Promise<void> {
  // What the session started (system(), pipe()) ends with it: listed while it is still their
  // parent, killed once it is gone (descendants.ts).
  const started = conn.pid > 1 ? descendants(conn.pid) : [];
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([
      conn.close({ cancel: true }).then(() => 'closed' as const),
      timedOut,
    ]);
    if (outcome === 'timeout' && conn.pid > 1) killQuietly(conn.pid);
  } catch {
    // close() failing means the connection is already broken; make sure R is gone too.
    if (conn.pid > 1) killQuietly(conn.pid);
  } finally {
    clearTimeout(timer);
    killAll(started);
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
