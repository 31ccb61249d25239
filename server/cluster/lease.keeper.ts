/**
 * This node's side of the users' leases: takes a user's lease at their first handshake,
 * renews every lease it holds every third of the TTL, checks it before each save, and
 * gives it up when the user's last tab has left (or at shutdown). A lease it fails to
 * renew is lost: the user's sockets end and nothing of theirs is saved here any more.
 */
import type { Logger } from 'pino';
import type { LeaseRepository } from '../store/index.ts';

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
}

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
  private renewing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LeaseKeeperDeps) {}

  /** Starts renewing every TTL/3. */
  start(): void {
    const every = Math.max(100, Math.floor(this.deps.ttlMs / 3));
    this.timer = setInterval(() => {
      this.renewing = this.renewAll();
    }, every);
    this.timer.unref();
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
      if (await leases.take(userId, nodeId, ttlMs, new Date(now))) {
        this.held.set(userId, { takenAt: now, renewedAt: now, admission: ++this.admissions });
        return { kind: 'held' };
      }
      const holder = await leases.holder(userId);
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
    if (!this.held.has(userId)) throw new LeaseLostError(userId);
    const now = Date.now();
    const ok = await this.deps.leases.renew(userId, this.deps.nodeId, this.deps.ttlMs);
    if (!ok) {
      this.lose(userId);
      throw new LeaseLostError(userId);
    }
    const held = this.held.get(userId);
    if (held !== undefined) held.renewedAt = now;
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
    await this.deps.leases.release(userId, this.deps.nodeId);
  }

  /** Renews every lease held; drops those of users no longer here, loses those refused. */
  private async renewAll(): Promise<void> {
    const { leases, nodeId, ttlMs, log } = this.deps;
    for (const [userId, held] of [...this.held]) {
      const now = Date.now();
      // A handshake that took the lease but never became a session (refused later, or the
      // client left): renewed only while its session may still register, and given up once
      // one TTL has passed since it was taken (counted from the last renewal, never).
      if (!this.deps.active(userId) && now - held.takenAt > ttlMs) {
        await this.release(userId).catch((err: unknown) => {
          log.warn({ err, user: userId }, 'could not release a lease');
        });
        continue;
      }
      try {
        if (await leases.renew(userId, nodeId, ttlMs)) {
          if (this.held.get(userId) === held) held.renewedAt = now;
        } else if (this.held.get(userId) === held) this.lose(userId);
      } catch (err) {
        // The store is unreachable: the lease stands until its TTL from the last renewal;
        // past that, another node may have taken the user.
        log.warn({ err, user: userId }, 'could not renew a lease');
        if (now - held.renewedAt >= ttlMs && this.held.get(userId) === held) this.lose(userId);
      }
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
    await this.renewing.catch(() => undefined);
    const users = [...this.held.keys()];
    await Promise.allSettled(users.map((u) => this.release(u)));
  }
}
