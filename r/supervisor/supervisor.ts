/**
 * RSupervisor owns the Rserve process: it starts it (see launch.ts), knows when it is
 * ready, restarts it with capped exponential backoff when it dies, and stops it with the
 * server leaving no R process behind. The pool listens to its events.
 */
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectR, type RAddress, type RConnection } from '../qap1/index.ts';
import {
  checkFiles,
  describeExit,
  launch,
  teardown,
  type Generation,
  type LaunchParams,
} from './launch.ts';
import { isAlive } from './process-group.ts';
import { isConfSafePath, privateLayout, type PrivateLayout } from './rserve-conf.ts';
import { giveTo, resolveRUser, type RUser } from './r-user.ts';
import {
  RStartError,
  type RServerInfo,
  type RState,
  type RSupervisorEvents,
  type RSupervisorOptions,
} from './supervisor.types.ts';

/**
 * glibc's allocator, tuned for R's large vectors. By default each vector over 128 KB gets
 * fresh pages from mmap and gives them back when R frees it (the threshold grows only after
 * such a free, and the heap's free top is trimmed past twice that), so a computation on
 * 1e6 rows first-touches its every temporary again: ~3 ms per MB on these machines, half of
 * cor.test's 50 ms on 1e6 rows (measured in Rscript: cor.test 98 -> 23 ms, panthr_run
 * cor.test 50 -> 26 ms, median of 9). With these, vectors up to 32 MB (glibc's largest
 * threshold) come from the heap and the freed space is kept for the next one, up to 128 MB
 * of free heap top per session (it counts in `r.session_memory_mb`, the session's address
 * space): a session holds about its peak working memory instead. The `env` option
 * overrides them.
 */
const R_MALLOC: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(128 * 1024 * 1024),
};

/**
 * R's vector heap trigger (`R_VSIZE`, the `vectorHeapMb` option) for sessions under an
 * address-space limit of `sessionMemoryMb` (null: none): 256 MB from a 1 GB limit up, R's
 * own 64 MB below (null). R collects garbage once that much of vectors is in use, and
 * never triggers lower. A session's full collection marks every object of the preloaded
 * library too (its ~66 MB heap: about 65-80 ms a collection, where an analyst's bare R
 * takes a few ms), and
 * work on 1e6 rows crossed the default trigger again and again: an assign of a 33 MB
 * dataset collected fully in half of its runs (70-140 ms, against 22-40 ms without), and
 * `bench/analyses.ts 1000000 5` took t.test 253 -> 186 ms, lm 846 -> 685 ms, aov 326 -> 206
 * ms with it (2026-12-07, run alternately). A session of small data never comes near
 * either trigger (its collections follow SESSION_GC_STEP), so its memory is the same
 * (`bench/r-sessions.ts`: 7.7 MB private either way); a session of large data may hold up
 * to 256 MB of garbage vectors. Below a 1 GB limit that would crowd out C code's own
 * allocations (a sort's buffers, a package's), which get no collection and retry at the
 * limit: a session with the PanthR library takes about 345 MB of address space before any
 * data, and under a 512 MB limit with a 256 MB trigger repeated sorts of 3e6 values failed
 * and crashed the session.
 */
export function vectorHeapMb(sessionMemoryMb: number | null): number | null {
  return sessionMemoryMb === null || sessionMemoryMb >= 1024 ? 256 : null;
}

const DEFAULT_R = '/usr/bin/R';
/** Debian's Rserve server binary (r-cran-rserve). */
export const DEFAULT_RSERVE = '/usr/lib/R/site-library/Rserve/libs/Rserve';
/** A server up this long before it died starts the backoff over. */
const STABLE_MS = 60_000;
/** How long {@link RSupervisor.requestSweep} gathers requests before one sweep. */
const SWEEP_DELAY_MS = 500;

/** Supervises one Rserve (one generation at a time); see the file comment. */
export class RSupervisor extends EventEmitter<RSupervisorEvents> {
  private stateValue: RState = 'stopped';
  private layout: PrivateLayout | undefined;
  private current: Generation | undefined;
  private generationCount = 0;
  private restartCount = 0;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private launching: { controller: AbortController; done: Promise<unknown> } | undefined;
  private started = false;
  private stopped: Promise<void> | undefined;
  private runAs: RUser | undefined;
  private readonly connect: (address: RAddress) => Promise<RConnection>;

  constructor(private readonly options: RSupervisorOptions) {
    super();
    this.connect = (address) => connectR(address, { connectTimeoutMs: this.startTimeoutMs });
  }

  /** The current state. */
  get state(): RState {
    return this.stateValue;
  }

  /** The running generation while `ready`, else undefined. */
  get server(): RServerInfo | undefined {
    return this.stateValue === 'ready' ? this.current?.info : undefined;
  }

  /** Times Rserve was restarted after dying (for /metrics). */
  get restarts(): number {
    return this.restartCount;
  }

  /** The user R runs as when it is not the server's own (the server is root), once started. */
  get rUser(): RUser | undefined {
    return this.runAs;
  }

  /** Rserve's workdir: each session runs in `conn<pid>` under it. */
  get workdir(): string | undefined {
    return this.layout?.work;
  }

  private get startTimeoutMs(): number {
    return this.options.startTimeoutMs ?? 30_000;
  }

  /**
   * Starts Rserve and resolves when it answered the QAP1 handshake and its preload checked
   * out. Rejects with RStartError (state `failed`, nothing left running). Call once.
   */
  async start(): Promise<RServerInfo> {
    if (this.started) throw new Error('RSupervisor.start() may be called once');
    this.started = true;
    this.stateValue = 'starting';
    try {
      await checkFiles(this.params());
      if (this.options.user !== undefined) {
        this.runAs = await resolveRUser(this.options.user);
        if (this.runAs !== undefined) {
          this.options.log.info({ user: this.runAs.name, uid: this.runAs.uid }, 'R runs as user');
        }
      }
      this.layout = await this.makePrivateDir();
      return await this.launchNext();
    } catch (err) {
      if (this.stateValue === 'starting') this.stateValue = 'failed';
      await this.removePrivateDir();
      throw err;
    }
  }

  /**
   * Stops Rserve: SIGTERM to its process group, SIGKILL after `stopGraceMs`, then removes
   * the private directory. Idempotent; resolves when no process of the group is left.
   */
  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  /**
   * Asks for a {@link sweepWorkdirs} soon: requests within {@link SWEEP_DELAY_MS} share one
   * sweep (one directory scan, not one per ended session), and the delay lets a session's
   * R process finish exiting after its connection closed.
   */
  requestSweep(): void {
    if (this.sweepTimer !== undefined || this.stopped !== undefined) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      void this.sweepWorkdirs();
    }, SWEEP_DELAY_MS);
    this.sweepTimer.unref();
  }

  /** Removes the workdirs (`conn<pid>`) of sessions that have exited. Never throws. */
  async sweepWorkdirs(): Promise<void> {
    const work = this.layout?.work;
    if (work === undefined) return;
    try {
      for (const entry of await readdir(work)) {
        const pid = /^conn(\d+)$/.exec(entry)?.[1];
        if (pid !== undefined && !isAlive(Number(pid))) {
          await rm(path.join(work, entry), { recursive: true, force: true });
        }
      }
    } catch (err) {
      this.options.log.debug({ err }, 'could not sweep R session workdirs');
    }
  }

  private async doStop(): Promise<void> {
    const wasState = this.stateValue;
    this.stateValue = 'stopping';
    clearTimeout(this.restartTimer);
    clearTimeout(this.sweepTimer);
    if (this.launching !== undefined) {
      this.launching.controller.abort(new Error('stopping'));
      await this.launching.done.catch(() => undefined);
    }
    const g = this.current;
    this.current = undefined;
    if (g !== undefined) {
      const exit = await teardown(g, this.options.stopGraceMs ?? 2000);
      this.emit('exit', g.info, { ...exit, expected: true });
    }
    await this.removePrivateDir();
    this.stateValue = wasState === 'failed' ? 'failed' : 'stopped';
    this.options.log.info('R stopped');
  }

  private params(): LaunchParams {
    const o = this.options;
    const layout = this.layout ?? privateLayout('/nonexistent');
    const heapMb = o.vectorHeapMb === undefined ? vectorHeapMb(null) : o.vectorHeapMb;
    return {
      layout,
      generation: this.generationCount,
      preload: o.preload,
      rBinary: o.rBinary ?? DEFAULT_R,
      rserveBinary: o.rserveBinary ?? DEFAULT_RSERVE,
      env: {
        PATH: '/usr/local/bin:/usr/bin:/bin',
        ...(o.rDefaults === true ? {} : R_MALLOC),
        ...(o.rDefaults === true || heapMb === null ? {} : { R_VSIZE: `${heapMb}M` }),
        ...o.env,
        HOME: layout.home,
        LANG: 'C.UTF-8',
        TMPDIR: layout.tmp,
      },
      startTimeoutMs: this.startTimeoutMs,
      log: o.log,
      connect: this.connect,
      runAs: this.runAs,
      setpriv: o.setpriv ?? 'setpriv',
    };
  }

  /** Launches the next generation and wires its exit; state becomes `ready`. */
  private async launchNext(): Promise<RServerInfo> {
    this.generationCount++;
    const controller = new AbortController();
    const pending = launch(this.params(), controller.signal);
    this.launching = { controller, done: pending };
    let g: Generation;
    try {
      g = await pending;
    } finally {
      this.launching = undefined;
    }
    if (controller.signal.aborted) {
      await teardown(g, 0);
      throw new RStartError('R was stopped while starting', 'Nothing to do');
    }
    this.current = g;
    this.stateValue = 'ready';
    void g.exited.then(({ code, signal }) => this.onExit(g, code, signal));
    this.options.log.info({ generation: g.info.generation, pgid: g.info.pgid }, 'Rserve is ready');
    this.emit('ready', g.info);
    return g.info;
  }

  /** Rserve went away by itself: clear its group away and schedule a restart. */
  private onExit(g: Generation, code: number | null, signal: string | null): void {
    if (this.current !== g) return;
    this.current = undefined;
    const uptime = Date.now() - g.startedAt;
    this.options.log.error(
      { generation: g.info.generation, code, signal },
      `Rserve exited (${describeExit(code, signal)})`,
    );
    void teardown(g, 0).finally(() => {
      this.emit('exit', g.info, { code, signal, expected: false });
      if (this.stateValue !== 'ready') return;
      if (uptime >= STABLE_MS) this.failures = 0;
      this.scheduleRestart();
    });
  }

  private scheduleRestart(lastError?: unknown): void {
    const o = this.options;
    this.failures++;
    if (this.failures > (o.maxRestartFailures ?? 10)) {
      this.stateValue = 'failed';
      const last = lastError instanceof Error ? `; the last time: ${lastError.message}` : '';
      const error = new RStartError(
        `Rserve could not be restarted ${this.failures - 1} times in a row${last}`,
        'See the log for R errors',
        { cause: lastError },
      );
      this.options.log.error({ err: error }, 'giving up on Rserve');
      this.emit('failed', error);
      return;
    }
    this.stateValue = 'restarting';
    const delayMs = Math.min(
      o.restartMaxMs ?? 30_000,
      (o.restartBaseMs ?? 500) * 2 ** (this.failures - 1),
    );
    this.emit('restart', { attempt: this.failures, delayMs });
    this.restartTimer = setTimeout(() => void this.restart(), delayMs);
  }

  private async restart(): Promise<void> {
    if (this.stateValue !== 'restarting') return;
    this.restartCount++;
    try {
      // A fresh private directory each time: the watchdog of a generation that failed to
      // start deletes its directory when it is let go (process-group.ts), maybe only now.
      await this.removePrivateDir();
      this.layout = undefined;
      this.layout = await this.makePrivateDir();
      await this.launchNext();
    } catch (err) {
      if (this.stateValue !== 'restarting') return;
      this.options.log.error({ err }, 'Rserve restart failed');
      this.scheduleRestart(err);
    }
  }

  private async makePrivateDir(): Promise<PrivateLayout> {
    const root = this.options.tmpRoot ?? os.tmpdir();
    const dir = await mkdtemp(path.join(root, 'panthr-r-'));
    if (!isConfSafePath(dir)) {
      await rm(dir, { recursive: true, force: true });
      throw new RStartError(
        `the temporary directory ${dir} has characters Rserve's configuration cannot hold`,
        'Use a plain temporary directory (letters, digits, / . _ -)',
      );
    }
    const layout = privateLayout(dir);
    for (const sub of [layout.work, layout.tmp, layout.home]) await mkdir(sub, { mode: 0o700 });
    // R's user makes its socket here, its tempdir in tmp, the session workdirs in work.
    if (this.runAs !== undefined) {
      await giveTo(this.runAs, [dir, layout.work, layout.tmp, layout.home]);
    }
    return layout;
  }

  private async removePrivateDir(): Promise<void> {
    if (this.layout !== undefined) await rm(this.layout.dir, { recursive: true, force: true });
  }
}
