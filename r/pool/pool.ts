/**
 * RSessionPool: R sessions forked ahead of demand and leased one per user (like tarn.js).
 * A used session is never leased again (R state would leak between users): it is closed
 * and a fresh one forked. Sessions that die are replaced; leases are checked first.
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { connectR, RError } from '../qap1/index.ts';
import type { RServerInfo } from '../supervisor/index.ts';
import {
  closeConnection,
  createSession,
  DEFAULT_SESSION_INIT,
  type SessionFactoryOptions,
} from './session-factory.ts';
import { lostError, RSession } from './session.ts';
import type {
  AcquireOptions,
  DrainOptions,
  PoolMetrics,
  PoolState,
  ReleaseOptions,
  RSessionPoolEvents,
  RSessionPoolOptions,
} from './pool.types.ts';

interface Waiter {
  readonly ownerId: string;
  readonly resolve: (session: RSession) => void;
  readonly reject: (error: Error) => void;
}

/** Delay before forking again after a failed session set-up, so a broken R does not spin. */
const RETRY_MS = 1000;

/** The session pool; see the file comment. Call {@link start} once, {@link drain} at shutdown. */
export class RSessionPool extends EventEmitter<RSessionPoolEvents> {
  private stateValue: PoolState = 'running';
  private readonly idle: RSession[] = [];
  private readonly leased = new Set<RSession>();
  private readonly closing = new Set<Promise<void>>();
  private readonly waiters: Waiter[] = [];
  private starting = 0;
  private counts = { leases: 0, replacements: 0, created: 0, startFailures: 0 };
  private retryTimer: NodeJS.Timeout | undefined;
  private drained: Promise<void> | undefined;
  private releasedOne: (() => void) | undefined;
  private readonly factory: SessionFactoryOptions;
  private readonly maxStarting: number;

  constructor(private readonly options: RSessionPoolOptions) {
    super();
    this.factory = {
      connect:
        options.connect ??
        ((address) => connectR(address, { interruptGraceMs: options.interruptGraceMs ?? 10_000 })),
      sessionMemoryMb: options.sessionMemoryMb,
      initCode: options.initCode ?? DEFAULT_SESSION_INIT,
      initTimeoutMs: options.initTimeoutMs ?? 10_000,
      prlimit: options.prlimit ?? 'prlimit',
      rUser: () => options.supervisor.rUser,
    };
    this.maxStarting = options.maxStarting ?? Math.max(2, 2 * os.availableParallelism());
    const sup = options.supervisor;
    sup.on('ready', () => this.fill());
    sup.on('exit', (info) => this.dropGeneration(info));
    sup.on('failed', (error) =>
      this.rejectWaiters(new RError('closed', `R is not available: ${error.message}`)),
    );
  }

  /** The pool's state. */
  get state(): PoolState {
    return this.stateValue;
  }

  /**
   * Forks the first session and resolves when it is ready (so a broken set-up, say a
   * missing prlimit, fails at start), then keeps the warm reserve filled.
   */
  async start(): Promise<void> {
    const server = this.readyServer();
    if (server === undefined) throw new RError('closed', 'R is not ready');
    const first = await this.create(server);
    this.addIdle(first);
    this.fill();
  }

  /**
   * Leases a session to `ownerId`: an idle one that passes a quick check, else a fresh one
   * (waiting while `max` sessions exist or Rserve restarts). Rejects with RError('closed')
   * when the pool is draining or R gave up, or with the signal's reason when aborted.
   */
  async acquire(ownerId: string, options: AcquireOptions = {}): Promise<RSession> {
    const { signal } = options;
    for (;;) {
      signal?.throwIfAborted();
      if (this.stateValue !== 'running') throw new RError('closed', 'the R pool is shutting down');
      const r = this.options.supervisor.state;
      if (r === 'failed' || r === 'stopping' || r === 'stopped')
        throw new RError('closed', `R is not available (${r})`);
      const session = this.idle.shift();
      if (session === undefined) break;
      this.lease(session, ownerId);
      if (await this.validate(session)) {
        if (!signal?.aborted) return this.grant(session);
        await this.release(session);
        signal.throwIfAborted();
      }
    }
    return this.wait(ownerId, signal);
  }

  /**
   * Gives a leased session back. Used sessions (or any, with `recycle: false`) are closed,
   * cancelling running work, and replaced; unused ones return to the idle reserve.
   * Releasing a session that is not leased does nothing.
   */
  async release(session: RSession, options: ReleaseOptions = {}): Promise<void> {
    if (!this.leased.delete(session)) return;
    session.ownerId = undefined;
    this.releasedOne?.();
    const reusable = options.recycle !== false && !session.used && !session.closed;
    if (
      reusable &&
      this.stateValue === 'running' &&
      session.generation === this.readyServer()?.generation
    ) {
      this.addIdle(session);
      return;
    }
    await this.retire(session);
    this.fill();
  }

  /**
   * Shuts the pool down: no more leases (waiters are rejected), idle sessions closed,
   * leased ones given `timeoutMs` to be released, then closed (their lessees see onLost).
   * Idempotent; resolves when every session is closed.
   */
  drain(options: DrainOptions = {}): Promise<void> {
    this.drained ??= this.doDrain(options.timeoutMs ?? 10_000);
    return this.drained;
  }

  /** Current sizes and counters. */
  metrics(): PoolMetrics {
    return {
      idle: this.idle.length,
      leased: this.leased.size,
      starting: this.starting,
      closing: this.closing.size,
      waiting: this.waiters.length,
      ...this.counts,
    };
  }

  private async doDrain(timeoutMs: number): Promise<void> {
    this.stateValue = 'draining';
    clearTimeout(this.retryTimer);
    this.rejectWaiters(new RError('closed', 'the R pool is shutting down'));
    await Promise.all(this.idle.splice(0).map((s) => this.retire(s)));
    const deadline = Date.now() + timeoutMs;
    while (this.leased.size > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.releasedOne = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.releasedOne = undefined;
    const left = [...this.leased];
    this.leased.clear();
    for (const s of left) this.reportLost(s, lostError('the server is shutting down'));
    await Promise.all(left.map((s) => this.retire(s)));
    while (this.starting > 0 || this.closing.size > 0) {
      await Promise.all([...this.closing]);
      if (this.starting > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.stateValue = 'drained';
  }

  private readyServer(): RServerInfo | undefined {
    return this.options.supervisor.server;
  }

  /** Takes a session out of the reserve for `ownerId` (maybe still to be checked). */
  private lease(session: RSession, ownerId: string): void {
    session.ownerId = ownerId;
    this.leased.add(session);
    this.fill();
  }

  /** Counts a lease when the lessee gets the session, not when it failed its check. */
  private grant(session: RSession): RSession {
    this.counts.leases++;
    return session;
  }

  /** A quick eval proves the session answers; a dead or stuck one is dropped and replaced. */
  private async validate(session: RSession): Promise<boolean> {
    try {
      await session.connection.voidEval('NULL', {
        timeoutMs: this.options.validateTimeoutMs ?? 2000,
      });
      return true;
    } catch (err) {
      this.options.log.warn({ err, pid: session.pid }, 'R session failed its check; replacing it');
      if (this.leased.delete(session)) this.counts.replacements++;
      await this.retire(session);
      return false;
    }
  }

  private wait(ownerId: string, signal: AbortSignal | undefined): Promise<RSession> {
    return new Promise<RSession>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        const reason: unknown = signal?.reason;
        reject(
          reason instanceof Error
            ? reason
            : new RError('cancelled', 'waiting for an R session was aborted'),
        );
      };
      const waiter: Waiter = {
        ownerId,
        resolve: (s) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(s);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.fill();
    });
  }

  /** Hands an idle-ready session to the first waiter, or keeps it idle. */
  private addIdle(session: RSession): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.idle.push(session);
      return;
    }
    this.lease(session, waiter.ownerId);
    waiter.resolve(this.grant(session));
  }

  private rejectWaiters(error: RError): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  /**
   * Forks sessions until the warm reserve (plus one per waiter) is met, within `max` and at
   * most `maxStarting` at once (each finished start calls this again).
   */
  private fill(): void {
    const server = this.readyServer();
    if (this.stateValue !== 'running' || server === undefined || this.retryTimer !== undefined)
      return;
    const { warm, max } = this.options;
    while (
      this.idle.length + this.starting < warm + this.waiters.length &&
      this.starting < this.maxStarting
    ) {
      const total = this.idle.length + this.leased.size + this.starting + this.closing.size;
      if (max !== null && total >= max) return;
      void this.startOne(server);
    }
  }

  private async startOne(server: RServerInfo): Promise<void> {
    let session: RSession;
    try {
      session = await this.create(server);
    } catch (err) {
      this.options.log.error({ err }, 'could not start an R session');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.fill();
      }, RETRY_MS);
      return;
    }
    if (this.stateValue !== 'running' || session.generation !== this.readyServer()?.generation) {
      await this.retire(session);
      this.fill();
      return;
    }
    this.addIdle(session);
    this.fill();
  }

  private async create(server: RServerInfo): Promise<RSession> {
    this.starting++;
    try {
      const session = await createSession(this.factory, server.path, server.generation);
      this.counts.created++;
      session.connection.onClose((error) => this.onSessionClosed(session, error));
      return session;
    } catch (err) {
      this.counts.startFailures++;
      throw err;
    } finally {
      this.starting--;
    }
  }

  /** A session's connection closed: if the pool did not close it, it was lost. */
  private onSessionClosed(session: RSession, error: RError | undefined): void {
    if (session.retiring) return;
    session.retiring = true;
    const i = this.idle.indexOf(session);
    if (i >= 0) this.idle.splice(i, 1);
    const wasLeased = this.leased.delete(session);
    if (i < 0 && !wasLeased) return;
    this.counts.replacements++;
    this.options.log.warn({ pid: session.pid, err: error }, 'an R session died; replacing it');
    if (wasLeased) {
      this.releasedOne?.();
      this.reportLost(session, lostError(error?.message ?? 'the R process ended', error));
    }
    this.options.supervisor.requestSweep();
    this.fill();
  }

  private reportLost(session: RSession, error: RError): void {
    const ownerId = session.ownerId ?? '';
    session.ownerId = undefined;
    session.notifyLost(error, (err) => this.options.log.error({ err }, 'an onLost listener threw'));
    this.emit('lost', session, ownerId, error);
  }

  /** Closes a session on purpose (bounded), then sweeps its workdir. */
  private retire(session: RSession): Promise<void> {
    session.retiring = true;
    session.markUsed();
    const closing = closeConnection(session.connection, this.options.closeTimeoutMs ?? 5000)
      .then(() => this.options.supervisor.requestSweep())
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
    return closing;
  }

  /** Rserve went away: its idle sessions are gone too (leased ones report through onClose). */
  private dropGeneration(info: RServerInfo): void {
    for (const s of this.idle.filter((x) => x.generation === info.generation)) {
      this.idle.splice(this.idle.indexOf(s), 1);
      void this.retire(s);
    }
  }
}
