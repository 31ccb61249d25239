/**
 * Leases (for several nodes on one store, issue 19): which node holds a user's R session.
 * One record per user, taken with ONE atomic statement (an upsert) when free or expired, so
 * two nodes racing for one user cannot both win. Expiry is judged by the record's own
 * `expiresAt`, never by a TTL index (MongoDB's monitor runs once a minute, far too late for
 * a lease of seconds). Embedded: embedded/lease.sqlite.ts; MongoDB: mongo/lease.mongo.ts.
 */

/** A user's lease as the MongoDB backend keeps it (collection `leases`). */
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

/** Refuses a lease time that is not a positive number (RangeError). */
export function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(`a lease's ttlMs must be a positive number, not ${ttlMs}`);
}
