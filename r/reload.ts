/**
 * R whose preload can change on a live server (extensions on SIGHUP). Rserve loads its
 * preload once, in the parent, before it forks any session, so new extensions need a new
 * Rserve parent. {@link startReloadableR} keeps one current generation (Rserve, its
 * supervisor and pool) that every new lease comes from; `reload` starts a new generation
 * and, once it is ready, makes it current. The old one drains: its leased sessions (users
 * connected before the reload) keep working on it, no one new is given one of its sessions,
 * and it stops when its last session is released, or after `drainLimitMs` at the latest.
 */
import { isDeepStrictEqual } from 'node:util';
import { startR, type RMetrics, type RService, type StartROptions } from './index.ts';

/** How often a draining generation is checked for leased sessions. */
const DRAIN_POLL_MS = 1000;

/** R that can take a new preload without dropping anyone. */
export interface ReloadableR extends RService {
  /**
   * Starts a new Rserve with `preload` for the sessions leased from now on; the old one
   * drains. Resolves once the new one serves; rejects (the old one stays current, nothing
   * new left running) when it cannot start. Reloads run one at a time; the same preload is
   * a no-op.
   */
  reload(preload: readonly string[]): Promise<void>;
  /** Calls `listener` when the supervisor of the current generation gives up on R. */
  onFailed(listener: (error: Error) => void): void;
  /** Generations still draining (each with its own Rserve parent). */
  readonly draining: number;
}

/**
 * Starts R (see {@link startR}) as a reloadable service. `drainLimitMs` is read at each
 * reload: how long an old generation may wait for its sessions (the longest a connection
 * may last, `max_time`).
 */
export async function startReloadableR(
  options: StartROptions,
  drainLimitMs: () => number,
): Promise<ReloadableR> {
  let current = await startR(options);
  let preload = [...options.preload];
  let restartsBefore = 0;
  let queue: Promise<void> = Promise.resolve();
  let stopped: Promise<void> | undefined;
  const draining = new Map<RService, NodeJS.Timeout>();
  const failedListeners: ((error: Error) => void)[] = [];

  const watchFailed = (r: RService): void => {
    r.supervisor.once('failed', (error) => {
      // A draining generation giving up ends its own sessions, not the server.
      if (r === current) for (const listener of failedListeners) listener(error);
    });
  };
  watchFailed(current);

  const retire = (old: RService): void => {
    const clear = (): void => {
      clearInterval(draining.get(old));
      draining.delete(old);
      void old.stop({ drainTimeoutMs: 0 }).catch((err: unknown) => {
        options.log.warn({ err }, 'an old Rserve generation did not stop cleanly');
      });
      options.log.info('the Rserve of before the reload has no session left and stopped');
    };
    const deadline = Date.now() + drainLimitMs();
    const check = (): void => {
      if (old.pool.metrics().leased === 0 || Date.now() >= deadline) clear();
    };
    draining.set(old, setInterval(check, DRAIN_POLL_MS).unref());
    check();
  };

  const swap = async (next: readonly string[]): Promise<void> => {
    if (stopped !== undefined || isDeepStrictEqual(next, preload)) return;
    const fresh = await startR({ ...options, preload: next });
    if (stopped !== undefined) {
      await fresh.stop({ drainTimeoutMs: 0 });
      return;
    }
    const old = current;
    restartsBefore += old.metrics().restarts;
    current = fresh;
    preload = [...next];
    watchFailed(fresh);
    options.log.info(
      { sessions: old.pool.metrics().leased },
      'a new Rserve serves new sessions; the old one stops when its last session ends',
    );
    retire(old);
  };

  return {
    get pool() {
      return current.pool;
    },
    get supervisor() {
      return current.supervisor;
    },
    get registered() {
      return current.registered;
    },
    get draining() {
      return draining.size;
    },
    metrics(): RMetrics {
      const m = current.metrics();
      return { ...m, restarts: restartsBefore + m.restarts };
    },
    reload(next) {
      const run = queue.then(() => swap(next));
      queue = run.catch(() => undefined);
      return run;
    },
    onFailed(listener) {
      failedListeners.push(listener);
    },
    stop(stopOptions) {
      stopped ??= (async () => {
        await queue;
        const all = [current, ...draining.keys()];
        for (const timer of draining.values()) clearInterval(timer);
        draining.clear();
        await Promise.all(all.map((r) => r.stop(stopOptions)));
      })();
      return stopped;
    },
  };
}
