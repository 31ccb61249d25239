/**
 * This node's side of the users' leases: takes a user's lease at their first handshake,
 * renews every lease it holds every third of the TTL, checks it before each save, and
 * gives it up when the user's last tab has left (or at shutdown). A lease it fails to
 * renew is lost: the user's sockets end and nothing of theirs is saved here any more. Every
 * lease operation has a deadline (store.silence.ts): a lease the store did not confirm for a
 * whole TTL is lost even while its renewal still hangs. Each lease is renewed on its own (a
 * renewal hanging on one dead pooled connection holds back no other user's), and only the
 * store's silence fences the node, never one lease's loss.
 */
import type { Logger } from 'pino';
import type { LeaseRepository } from '../store/index.ts';
import { StoreSilence, StoreSilentError, storeReplied, withDeadline } from './store.silence.ts';

/** Whether a handshake may stay on this node, or which node holds the user. */
export type Admission =
  { readonly kind: 'held' } | { readonly kind: 'moved'; readonly node: string };

/** What a keeper is built from. */
export interface LeaseKeeperDeps {
  readonly leases: LeaseRepository;
  readonly nodeId: string;
  /** Milliseconds a lease lasts unrenewed (at most 15 s). */
  readonly ttlMs: number;
  readonly log: Logger;
  /** Whether the user has a session on this node now (a lease without one is given up). */
  readonly active: (userId: string) => boolean;
  /** The lease of a user with a session here was lost: end their sockets. */
  readonly onLost: (userId: string) => void;
  /** The store has been silent a whole TTL (true), or answers again (false). */
  readonly onFence?: (fenced: boolean) => void;
}

/** The user id read to learn whether the store answers (no lease has it). */
const PROBE_USER = '~probe';

/** Raised by {@link LeaseKeeper.check} when this node may no longer save for a user. */
export class LeaseLostError extends Error {
  constructor(readonly userId: string) {
    super('another server took over this session; this result was not kept here');
    this.name = 'LeaseLostError';
  }
}

/** A lease this node holds; times in ms since the epoch. */
interface Held {
  /** When a handshake last took (or kept) it. */
  takenAt: number;
  /** When it was last taken or renewed. */
  renewedAt: number;
  /** The number of the last admission that took it (see {@link LeaseKeeper.mark}). */
  admission: number;
}

/** The leases this node holds, by user; see the module comment. */
export class LeaseKeeper {
  /** User -> this node's lease of them (see {@link Held}). */
  private readonly held = new Map<string, Held>();
  /** Counts admissions, for {@link mark}: later admissions have larger numbers. */
  private admissions = 0;
  private timer: NodeJS.Timeout | undefined;
  /** User -> their renewal still running: the next tick skips only them. */
  private readonly renewing = new Map<string, Promise<void>>();
  /** The probe still running, when no lease is held. */
  private probing: Promise<void> | null = null;
  private readonly silence: StoreSilence;

  constructor(private readonly deps: LeaseKeeperDeps) {
    this.silence = new StoreSilence(deps.ttlMs, deps.onFence ?? ((): void => undefined));
  }

  /** Starts renewing every TTL/3. */
  start(): void {
    const every = Math.max(100, Math.floor(this.deps.ttlMs / 3));
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  /**
   * Whether this node may still act for `userId`: it holds the lease and the store confirmed
   * it less than a TTL ago (so no other node can have taken the user yet).
   */
  holds(userId: string): boolean {
    const held = this.held.get(userId);
    return held !== undefined && Date.now() - held.renewedAt < this.deps.ttlMs;
  }

  /**
   * One store operation bounded by `ms`, noting whether the store answered: a result, or an
   * error the store itself replied with (it is reachable), not a deadline or a driver error.
   */
  private async ask<T>(
    work: Promise<T>,
    ms: number,
    what: string,
    sentAt = Date.now(),
  ): Promise<T> {
    try {
      const answer = await withDeadline(work, ms, what);
      this.silence.answered(sentAt);
      return answer;
    } catch (err) {
      if (storeReplied(err)) this.silence.answered(sentAt);
      throw err;
    }
  }

  /**
   * Loses each lease its renewals have not confirmed for a TTL, fences when the store has
   * been silent a TTL (the one reason to fence: a lease can age out while the store answers,
   * behind a renewal stuck on one connection), then renews every lease whose last renewal
   * has ended.
   */
  private tick(): void {
    const now = Date.now();
    for (const [userId, held] of [...this.held]) {
      if (now - held.renewedAt >= this.deps.ttlMs) this.lose(userId);
    }
    this.silence.check(now);
    this.renewAll();
  }

  /** The users whose lease this node holds now. */
  get users(): string[] {
    return [...this.held.keys()];
  }

  /**
   * A handshake of `userId` reached this node: takes the lease (or keeps it), else says
   * which node holds it. Rejects when the store cannot be reached, or when the lease kept
   * changing hands while it looked (then the handshake fails as a store error would: never
   * `moved` to this node itself, which the client would follow back here forever).
   */
  async admit(userId: string): Promise<Admission> {
    const { leases, nodeId, ttlMs } = this.deps;
    for (let attempt = 0; attempt < 2; attempt++) {
      const now = Date.now();
      const take = leases.take(userId, nodeId, ttlMs, new Date(now));
      if (await this.ask(take, ttlMs, 'a take', now)) {
        this.held.set(userId, { takenAt: now, renewedAt: now, admission: ++this.admissions });
        return { kind: 'held' };
      }
      const holder = await this.ask(leases.holder(userId), ttlMs, 'a lease read');
      // Expired or released between the two calls: take it again, once.
      if (holder !== null && holder.expiresAt.getTime() > Date.now() && holder.nodeId !== nodeId) {
        return { kind: 'moved', node: holder.nodeId };
      }
    }
    throw new Error(`the lease of user ${userId} changed hands while this node tried to take it`);
  }

  /**
   * A user's session begins to end here: a mark for {@link release}, which then keeps the
   * lease if a handshake of the user was admitted since (a new tab whose session is not
   * registered yet when the ending finishes).
   */
  mark(): number {
    return this.admissions;
  }

  /**
   * Before a save for `userId`: renews the lease in the store (one atomic write), so that a
   * node that paused past its TTL, or was cut off, never overwrites the new holder's work.
   * Throws {@link LeaseLostError} when the lease is gone.
   */
  async check(userId: string): Promise<void> {
    const held = this.held.get(userId);
    if (held === undefined) throw new LeaseLostError(userId);
    const now = Date.now();
    // Past the lease's end another node may hold the user: wait no longer than that.
    const left = held.renewedAt + this.deps.ttlMs - now;
    let ok: boolean;
    try {
      ok = await this.ask(
        this.deps.leases.renew(userId, this.deps.nodeId, this.deps.ttlMs),
        left,
        'a renewal',
        now,
      );
    } catch (err) {
      // Past its deadline the lease may be another node's: lost. Fenced now if the store was
      // silent all that time (other users' renewals answered: only this lease is lost).
      if (!(err instanceof StoreSilentError)) throw err;
      // (Judged at the lease's end, which the deadline marks: a timer may fire a tick early.)
      this.silence.check(Math.max(Date.now(), held.renewedAt + this.deps.ttlMs));
      ok = false;
    }
    if (!ok) {
      if (this.held.get(userId) === held) this.lose(userId);
      throw new LeaseLostError(userId);
    }
    if (this.held.get(userId) === held) held.renewedAt = now;
  }

  /**
   * The user's last tab left and their work is saved: gives the lease up, unless a
   * handshake of the user was admitted after `since` (a mark from {@link mark}) or the
   * user has a session here again. Without `since`: unconditionally (shutdown, or a lease
   * no session took up).
   */
  async release(userId: string, since?: number): Promise<void> {
    const held = this.held.get(userId);
    if (held === undefined) return;
    if (since !== undefined && (held.admission > since || this.deps.active(userId))) return;
    this.held.delete(userId);
    // Bounded: a silent store must not hold up the renewals or a shutdown (the lease then
    // expires by itself).
    await this.ask(
      this.deps.leases.release(userId, this.deps.nodeId),
      this.deps.ttlMs,
      'a release',
    );
  }

  /**
   * Starts a renewal of every lease held whose last one has ended, each on its own (one
   * hanging renewal must not hold up the others); with none held, asks the store something
   * (a fenced node learns that way that the store is back).
   */
  private renewAll(): void {
    const { leases, ttlMs, log } = this.deps;
    for (const [userId, held] of this.held) {
      if (this.renewing.has(userId)) continue;
      const renewal = this.renewOne(userId, held)
        .catch((err: unknown) => log.warn({ err, user: userId }, 'a renewal failed'))
        .finally(() => this.renewing.delete(userId));
      this.renewing.set(userId, renewal);
    }
    if (this.held.size > 0 || this.probing !== null) return;
    const probe = Math.max(100, Math.floor(ttlMs / 3));
    this.probing = this.ask(leases.holder(PROBE_USER), probe, 'a probe')
      .then(
        () => undefined,
        (err: unknown) => log.debug({ err }, 'the store did not answer a probe'),
      )
      .finally(() => (this.probing = null));
  }

  /** Renews one lease: drops it if its user is no longer here, loses it if refused. */

  private async renewOne(userId: string, held: Held): Promise<void> {
    const { leases, nodeId, ttlMs, log } = this.deps;
    const now = Date.now();
    // A handshake that took the lease but never became a session (refused later, or the
    // client left): renewed only while its session may still register, and given up once
    // one TTL has passed since it was taken (counted from the last renewal, never).
    if (!this.deps.active(userId) && now - held.takenAt > ttlMs) {
      await this.release(userId).catch((err: unknown) => {
        log.warn({ err, user: userId }, 'could not release a lease');
      });
      return;
    }
    if (this.held.get(userId) !== held) return;
    try {
      const left = held.renewedAt + ttlMs - now;
      if (await this.ask(leases.renew(userId, nodeId, ttlMs), left, 'a renewal', now)) {
        if (this.held.get(userId) === held) held.renewedAt = now;
      } else if (this.held.get(userId) === held) this.lose(userId);
    } catch (err) {
      // The store is unreachable or silent: the lease stands until its TTL from the last
      // renewal (the next tick loses it then); past that, another node may hold the user.
      log.warn({ err, user: userId }, 'could not renew a lease');
    }
  }

  private lose(userId: string): void {
    if (!this.held.delete(userId)) return;
    this.deps.log.warn({ user: userId }, 'lease lost: another node holds this user now');
    this.deps.onLost(userId);
  }

  /** Stops renewing and releases every lease still held (SIGTERM hands users over at once). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.renewing.values(), this.probing]);
    const users = [...this.held.keys()];
    await Promise.allSettled(users.map((u) => this.release(u)));
  }
}
