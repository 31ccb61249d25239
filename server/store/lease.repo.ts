/**
 * Leases (for several nodes on one store, issue 19): which node holds a user's R session.
 * One document per user, `{_id: userId, nodeId, expiresAt}`, taken with ONE atomic upsert
 * when free or expired, so two nodes racing for one user cannot both win: the loser's
 * upsert collides with the winner's `_id` (a duplicate key, on both backends). Expiry is
 * judged by the `expiresAt` in the document, never by a TTL index (MongoDB's monitor runs
 * once a minute, far too late for a lease of seconds).
 */
import { isDuplicateKeyError } from './mql.ts';
import type { StoreCollection } from './store.types.ts';

/** A user's lease as the store keeps it. */
export interface LeaseDoc {
  /** The user whose R session the lease places. */
  _id: string;
  nodeId: string;
  expiresAt: Date;
}

/** Who holds which user's R session, with expiry; `store.leases`. */
export interface LeaseRepository {
  /**
   * Takes (or extends) `userId`'s lease for `nodeId` for `ttlMs` from `now`, when it is free,
   * expired at `now`, or already `nodeId`'s; false when another node holds it.
   */
  take(userId: string, nodeId: string, ttlMs: number, now?: Date): Promise<boolean>;
  /**
   * Extends the lease to `ttlMs` from now while it still names `nodeId` (even just expired,
   * as long as no other node took it since); false when it does not.
   */
  renew(userId: string, nodeId: string, ttlMs: number): Promise<boolean>;
  /** Gives up `nodeId`'s lease of `userId`; nothing when another node holds it. */
  release(userId: string, nodeId: string): Promise<void>;
  /** The node holding `userId`'s lease and until when, or null when none holds it now. */
  holder(userId: string): Promise<{ nodeId: string; expiresAt: Date } | null>;
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(`a lease's ttlMs must be a positive number, not ${ttlMs}`);
}

/**
 * The {@link LeaseRepository} over one collection of either backend: every operation is a
 * single-document write or read, atomic on both.
 */
export class CollectionLeases implements LeaseRepository {
  constructor(private readonly docs: StoreCollection<LeaseDoc>) {}

  async take(userId: string, nodeId: string, ttlMs: number, now = new Date()): Promise<boolean> {
    checkTtl(ttlMs);
    try {
      // Matches only a lease that is ours or expired; when none matches, the upsert inserts
      // `_id: userId`, which fails as a duplicate if another node's live lease exists.
      await this.docs.updateOne(
        { _id: userId, $or: [{ nodeId }, { expiresAt: { $lte: now } }] },
        { $set: { nodeId, expiresAt: new Date(now.getTime() + ttlMs) } },
        { upsert: true },
      );
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async renew(userId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    const { matchedCount } = await this.docs.updateOne(
      { _id: userId, nodeId },
      { $set: { expiresAt: new Date(Date.now() + ttlMs) } },
    );
    return matchedCount === 1;
  }

  async release(userId: string, nodeId: string): Promise<void> {
    await this.docs.deleteOne({ _id: userId, nodeId });
  }

  async holder(userId: string): Promise<{ nodeId: string; expiresAt: Date } | null> {
    const doc = await this.docs.findOne({ _id: userId });
    if (doc === null || doc.expiresAt.getTime() <= Date.now()) return null;
    return { nodeId: doc.nodeId, expiresAt: doc.expiresAt };
  }
}
