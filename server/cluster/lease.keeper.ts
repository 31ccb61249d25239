/**
 * This node's side of the users' leases: takes a user's lease at their first handshake,
 * renews every lease it holds every third of the TTL, checks it before each save, and
 * gives it up when the user's last tab has left (or at shutdown). A lease it fails to
 * renew is lost: the user's sockets end and nothing of theirs is saved here any more. Every
 * lease operation has a deadline (store.silence.ts): a lease the store did not confirm for a
 * whole TTL is lost even while the renewal still hangs, and the node is fenced.
 */
import type { Logger } from 'pino';
import type { LeaseRepository } from '../store/index.ts';
import { StoreSilence, StoreSilentError, withDeadline } from './store.silence.ts';

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
  private renewing: Promise<void> | null = null;
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

  /** One store operation bounded by `ms`, noting whether the store answered. */
  private async ask<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
    const answer = await withDeadline(work, ms, what);
    this.silence.answered();
    return answer;
  }

  /**
   * Loses (and fences for) leases the store has not confirmed for a TTL, fences when it has
   * been silent a TTL, then renews, unless the renewals of the last tick still run.
   */
  private tick(): void {
    const now = Date.now();
    for (const [userId, held] of [...this.held]) {
      if (now - held.renewedAt < this.deps.ttlMs) continue;
      this.silence.lostForSilence();
      this.lose(userId);
    }
    this.silence.check(now);
    if (this.renewing !== null) return;
    this.renewing = this.renewAll().finally(() => (this.renewing = null));
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
      if (await this.ask(leases.take(userId, nodeId, ttlMs, new Date(now)), ttlMs, 'a take')) {
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
      );
    } catch (err) {
      if (!(err instanceof StoreSilentError)) throw err;
      this.silence.lostForSilence();
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
   * Renews every lease held, at once (one hanging renewal must not hold up the others);
   * drops those of users no longer here, loses those refused; with none held, asks the
   * store something (a fenced node learns that way that the store is back).
   */
  private async renewAll(): Promise<void> {
    const { leases, ttlMs, log } = this.deps;
    const probe = Math.max(100, Math.floor(ttlMs / 3));
    const users = [...this.held];
    if (users.length === 0) {
      await this.ask(leases.holder(PROBE_USER), probe, 'a probe').catch((err: unknown) => {
        log.debug({ err }, 'the store did not answer a probe');
      });
    }
    await Promise.all(users.map(([userId, held]) => this.renewOne(userId, held)));
  }

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
      if (await this.ask(leases.renew(userId, nodeId, ttlMs), left, 'a renewal')) {
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
    await this.renewing?.catch(() => undefined);
    const users = [...this.held.keys()];
    await Promise.allSettled(users.map((u) => this.release(u)));
  }
}
