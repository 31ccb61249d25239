/**
 * The Rserve supervisor's public types: its options, states, events and start error.
 */

/** One log method of a pino-compatible logger: `(obj, msg?)` or `(msg)`. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/** The logger the R side writes to; a pino `Logger` satisfies it. */
export interface RLogger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}

/** The supervisor's life cycle. `failed` is final: a start or the restarts gave up. */
export type RState = 'starting' | 'ready' | 'restarting' | 'stopping' | 'stopped' | 'failed';

/** Options of {@link RSupervisor}. Paths are admin configuration, never user text. */
export interface RSupervisorOptions {
  /** R files sourced into the Rserve parent before any fork, in order. */
  readonly preload: readonly string[];
  readonly log: RLogger;
  /** Milliseconds from spawn to a QAP1 greeting and a checked preload (default 30000). */
  readonly startTimeoutMs?: number;
  /** The R front-end (default `/usr/bin/R`). */
  readonly rBinary?: string;
  /** Rserve's server binary (default Debian's `/usr/lib/R/site-library/Rserve/libs/Rserve`). */
  readonly rserveBinary?: string;
  /** Where the private directory is created (default `os.tmpdir()`). */
  readonly tmpRoot?: string;
  /** Extra environment for R (for example `R_LIBS`); the rest of R's environment is fixed. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * glibc's allocator and R's vector heap as by default (true), or tuned (false, the
   * default): the allocator keeps large vectors' pages for the next one, R collects later
   * (see the supervisor's R_MALLOC and vectorHeapMb). Benchmarks set it to
   * compare with R as an analyst runs it.
   */
  readonly rDefaults?: boolean;
  /**
   * R's vector heap trigger in MB (`R_VSIZE`: R collects garbage once this much of vectors
   * is in use, and never triggers lower); default `vectorHeapMb(null)` (256); null: R's
   * own (64 MB). Not applied with `rDefaults`.
   */
  readonly vectorHeapMb?: number | null;
  /** First restart delay in ms, doubled per consecutive failure (default 500). */
  readonly restartBaseMs?: number;
  /** Largest restart delay in ms (default 30000). */
  readonly restartMaxMs?: number;
  /** Consecutive failed restarts before giving up with state `failed` (default 10). */
  readonly maxRestartFailures?: number;
  /** Milliseconds `stop()` waits after SIGTERM before SIGKILL of the group (default 2000). */
  readonly stopGraceMs?: number;
  /**
   * The system user R runs as when the server runs as root (Rserve and every session);
   * undefined: R runs as the server's user. Ignored when the server is not root.
   */
  readonly user?: string;
  /** util-linux's setpriv, which starts Rserve without root's groups (default `setpriv`). */
  readonly setpriv?: string;
}

/** Where a ready Rserve listens, and which process group holds it and its sessions. */
export interface RServerInfo {
  /** The Unix socket of this generation. */
  readonly path: string;
  /** The process group (the watchdog's pid): Rserve and every forked session. */
  readonly pgid: number;
  /** Counts the Rserve processes started by this supervisor, from 1. */
  readonly generation: number;
}

/** The supervisor's events. */
export interface RSupervisorEvents {
  /** Rserve answered the handshake and the preload checked out. */
  ready: [info: RServerInfo];
  /** Rserve (generation `info.generation`) went away; `expected` when `stop()` asked for it. */
  exit: [
    info: RServerInfo,
    detail: { code: number | null; signal: string | null; expected: boolean },
  ];
  /** A restart is scheduled in `delayMs` (attempt counts consecutive failures, from 1). */
  restart: [detail: { attempt: number; delayMs: number }];
  /** The supervisor gave up; state is `failed`. */
  failed: [error: Error];
}

/** Why R could not start, with a hint for the administrator; the message says what to do. */
export class RStartError extends Error {
  /** What the administrator should do about it. */
  readonly hint: string;

  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(
      `${message}. ${hint}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'RStartError';
    this.hint = hint;
  }
}

/** The hint for a missing R or Rserve. */
export const INSTALL_HINT = 'Install R and Rserve: apt-get install r-base-core r-cran-rserve';
