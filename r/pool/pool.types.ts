/**
 * The session pool's public types.
 */
import type { RAddress, RConnection, RError } from '../qap1/index.ts';
import type { RLogger, RSupervisor } from '../supervisor/index.ts';
import type { RSession } from './session.ts';

/** Options of {@link RSessionPool}. */
export interface RSessionPoolOptions {
  /** The supervisor whose Rserve forks the sessions. */
  readonly supervisor: RSupervisor;
  readonly log: RLogger;
  /** Idle sessions kept forked ahead of demand. */
  readonly warm: number;
  /** Sessions at most (idle, leased, starting and closing together); null: no limit. */
  readonly max: number | null;
  /** Address-space limit of each session in MB (prlimit --as); null: none. */
  readonly sessionMemoryMb: number | null;
  /**
   * R code each fresh session runs once (default: `panthr_session_init()` then
   * `panthr_session_warm()`, each when defined).
   */
  readonly initCode?: string;
  /** Milliseconds a fresh session's set-up may take (default 10000). */
  readonly initTimeoutMs?: number;
  /**
   * Sessions set up at once, at most (default twice the machine's cores, at least 2): a
   * set-up takes ~0.1 s of CPU (the warm-up), so a crowd logging in together would
   * otherwise share the cores among hundreds of set-ups and see each run past its time
   * limit; the others wait their turn.
   */
  readonly maxStarting?: number;
  /** Milliseconds the check before a lease may take (default 2000). */
  readonly validateTimeoutMs?: number;
  /** Milliseconds a close may take before the R process is killed (default 5000). */
  readonly closeTimeoutMs?: number;
  /**
   * Milliseconds an interrupted evaluation may take to stop before its R process is killed
   * (default 10000); used by the default `connect` only.
   */
  readonly interruptGraceMs?: number;
  /** The prlimit binary (default `prlimit`, from util-linux). */
  readonly prlimit?: string;
  /** Opens a connection (default the QAP1 client's `connectR`). */
  readonly connect?: (address: RAddress) => Promise<RConnection>;
}

/** Options of {@link RSessionPool.acquire}. */
export interface AcquireOptions {
  /** Aborting gives up waiting; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Options of {@link RSessionPool.release}. */
export interface ReleaseOptions {
  /**
   * `false` closes the session even if it was never used. By default an unused session
   * (no request went through it) goes back to the idle reserve; a used one is always closed.
   */
  readonly recycle?: boolean;
}

/** Options of {@link RSessionPool.drain}. */
export interface DrainOptions {
  /** Milliseconds to wait for leased sessions to be released before closing them (default 10000). */
  readonly timeoutMs?: number;
}

/** A snapshot of the pool, for /metrics and logs. */
export interface PoolMetrics {
  readonly idle: number;
  readonly leased: number;
  readonly starting: number;
  readonly closing: number;
  /** Callers waiting for a session. */
  readonly waiting: number;
  /** Leases granted since start. */
  readonly leases: number;
  /** Sessions that died or failed their check and were replaced. */
  readonly replacements: number;
  /** Sessions forked since start. */
  readonly created: number;
  /** Session set-ups that failed. */
  readonly startFailures: number;
}

/** The pool's life cycle. */
export type PoolState = 'running' | 'draining' | 'drained';

/** The pool's events. */
export interface RSessionPoolEvents {
  /** A leased session was lost (see RSession.onLost); `ownerId` held it. */
  lost: [session: RSession, ownerId: string, error: RError];
}
