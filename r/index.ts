/**
 * The R side: the only way into `r/`. `startR` starts Rserve under the supervisor with the
 * PanthR library preloaded and fills the session pool; the QAP1 client and the R value
 * types are re-exported for the layers above.
 */
import { connectR, rAttrStrings, type RValue } from './qap1/index.ts';
import { RSessionPool, type PoolMetrics } from './pool/index.ts';
import {
  RStartError,
  RSupervisor,
  vectorHeapMb,
  type RLogger,
  type RState,
} from './supervisor/index.ts';

export * from './qap1/index.ts';
export * from './supervisor/index.ts';
export * from './pool/index.ts';
export { startReloadableR, type ReloadableR } from './reload.ts';

/** Options of {@link startR} (the configuration's `r` keys, in ms and MB). */
export interface StartROptions {
  /** R files preloaded into Rserve: the PanthR library entry file, then each extension. */
  readonly preload: readonly string[];
  readonly log: RLogger;
  /** Idle sessions kept ready. */
  readonly warm: number;
  /** Sessions at most; null: no limit. */
  readonly max: number | null;
  /** Address-space limit per session in MB; null: none. */
  readonly sessionMemoryMb: number | null;
  /** Milliseconds Rserve may take to become ready. */
  readonly startTimeoutMs: number;
  /** The R front-end (default `/usr/bin/R`). */
  readonly binary?: string;
  /** Rserve's binary (default Debian's). */
  readonly rserveBinary?: string;
  /** Where the private directory goes (default the OS temp dir). */
  readonly tmpRoot?: string;
  /** The system user R runs as when the server is root; undefined: the server's user. */
  readonly user?: string;
  /** Milliseconds an interrupted evaluation may take before its session is killed (default 10000). */
  readonly interruptGraceMs?: number;
  /** Failed restarts in a row before the supervisor gives up (default 10). */
  readonly maxRestartFailures?: number;
}

/**
 * The report, test and graph kinds R knows (`panthr_registered()`: built in and registered
 * by extensions). The one definition: validation (converters/), the compute layer and the
 * realtime layer all use it.
 */
export interface RegisteredKinds {
  readonly reports: ReadonlySet<string>;
  readonly tests: ReadonlySet<string>;
  readonly graphs: ReadonlySet<string>;
}

/** What the R side counts, for /metrics. */
export interface RMetrics {
  readonly state: RState;
  readonly restarts: number;
  readonly pool: PoolMetrics;
}

/** R, running: Rserve under its supervisor and the session pool. */
export interface RService {
  readonly pool: RSessionPool;
  readonly supervisor: RSupervisor;
  /** What `panthr_registered()` answered at start; undefined when the preload lacks it. */
  readonly registered: RegisteredKinds | undefined;
  /** Counters and sizes for /metrics. */
  metrics(): RMetrics;
  /**
   * Drains the pool (leased sessions get `drainTimeoutMs`, default 5000, to be released,
   * then are cancelled and closed), then stops Rserve. Idempotent; leaves no R process.
   */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}

/**
 * Starts Rserve, checks the preload, reads the registered kinds and fills the pool.
 * Rejects with RStartError (nothing left running) when R cannot start.
 */
export async function startR(options: StartROptions): Promise<RService> {
  const supervisor = new RSupervisor({
    preload: options.preload,
    log: options.log,
    vectorHeapMb: vectorHeapMb(options.sessionMemoryMb),
    startTimeoutMs: options.startTimeoutMs,
    ...(options.binary === undefined ? {} : { rBinary: options.binary }),
    ...(options.rserveBinary === undefined ? {} : { rserveBinary: options.rserveBinary }),
    ...(options.tmpRoot === undefined ? {} : { tmpRoot: options.tmpRoot }),
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.maxRestartFailures === undefined
      ? {}
      : { maxRestartFailures: options.maxRestartFailures }),
  });
  const server = await supervisor.start();
  const pool = new RSessionPool({
    supervisor,
    log: options.log,
    warm: options.warm,
    max: options.max,
    sessionMemoryMb: options.sessionMemoryMb,
    ...(options.interruptGraceMs === undefined
      ? {}
      : { interruptGraceMs: options.interruptGraceMs }),
  });
  let registered: RegisteredKinds | undefined;
  try {
    registered = await readRegistered(server.path).catch((err: unknown) => {
      throw new RStartError(
        `panthr_registered() could not be read: ${(err as Error).message}`,
        'Check the PanthR library and the extensions in the configuration',
        { cause: err },
      );
    });
    await pool.start().catch((err: unknown) => {
      throw new RStartError(
        `the first R session could not be set up: ${(err as Error).message}`,
        'Check that prlimit (util-linux) is installed and r.session_memory_mb is large enough for R',
        { cause: err },
      );
    });
  } catch (err) {
    await pool.drain({ timeoutMs: 0 });
    await supervisor.stop();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    pool,
    supervisor,
    registered,
    metrics: () => ({
      state: supervisor.state,
      restarts: supervisor.restarts,
      pool: pool.metrics(),
    }),
    stop: (stopOptions) => {
      stopped ??= pool
        .drain({ timeoutMs: stopOptions?.drainTimeoutMs ?? 5000 })
        .finally(() => supervisor.stop());
      return stopped;
    },
  };
}

async function readRegistered(path: string): Promise<RegisteredKinds | undefined> {
  const conn = await connectR({ path });
  try {
    const value = await conn.eval(
      'if (exists("panthr_registered", mode = "function")) lapply(panthr_registered(), as.character) else NULL',
      { timeoutMs: 10_000 },
    );
    if (value.kind !== 'list') return undefined;
    const names = rAttrStrings(value, 'names');
    const field = (name: string): ReadonlySet<string> => {
      const v: RValue | undefined = value.values[names.indexOf(name)];
      return new Set(v?.kind === 'string' ? v.values.filter((s): s is string => s !== null) : []);
    };
    return { reports: field('reports'), tests: field('tests'), graphs: field('graphs') };
  } finally {
    await conn.close({ cancel: true });
  }
}
