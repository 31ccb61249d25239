/**
 * A user's lease: which node holds the user's R session. One document per user in the
 * store, `{_id: userId, node, expires}`, taken with one atomic upsert and judged by its
 * expiry timestamp (never by a TTL index, whose monitor runs about once a minute).
 *
 * TEMPORARY implementation: issue 18 gives the store a `leases` repository implementing
 * {@link LeaseRepository}; until it is merged, this file reaches the same MongoDB database
 * through a client of its own. Replace {@link openMongoLeases} by `store.leases` then.
 */
import { MongoClient, type Collection } from 'mongodb';
import { dbNameOf, DEFAULT_DB_NAME } from '../store/mongo/mongo.store.ts';

/** Leases of users, one holder each at a time; every operation is one atomic document write. */
export interface LeaseRepository {
  /**
   * Takes (or keeps) `userId` for `nodeId` until `now + ttlMs`: true when it is now this
   * node's, false when another node holds an unexpired lease.
   */
  take(userId: string, nodeId: string, ttlMs: number, now?: Date): Promise<boolean>;
  /** Extends this node's lease by `ttlMs` from now: false when the node no longer holds it. */
  renew(userId: string, nodeId: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if this node holds it; absent is fine. */
  release(userId: string, nodeId: string): Promise<void>;
  /** The lease as stored (possibly expired: compare `expiresAt` with the clock), or null. */
  holder(userId: string): Promise<{ nodeId: string; expiresAt: Date } | null>;
}

/** A lease repository that owns a connection, closed with the node. */
export interface ClosableLeases extends LeaseRepository {
  close(): Promise<void>;
}

interface LeaseDoc {
  _id: string;
  node: string;
  expires: Date;
}

const DUPLICATE_KEY = 11000;

/** The lease repository over a `leases` collection of the driver. */
export function mongoLeases(leases: Collection<LeaseDoc>): LeaseRepository {
  return {
    async take(userId, nodeId, ttlMs, now = new Date()) {
      const expires = new Date(now.getTime() + ttlMs);
      try {
        // Matches our own lease or an expired one; an unexpired lease of another node
        // does not match, so the upsert inserts `_id` again and fails on the key.
        await leases.findOneAndUpdate(
          { _id: userId, $or: [{ node: nodeId }, { expires: { $lt: now } }] },
          { $set: { node: nodeId, expires } },
          { upsert: true, returnDocument: 'after' },
        );
        return true;
      } catch (err) {
        if ((err as { code?: unknown }).code === DUPLICATE_KEY) return false;
        throw err;
      }
    },
    async renew(userId, nodeId, ttlMs) {
      const expires = new Date(Date.now() + ttlMs);
      const r = await leases.updateOne({ _id: userId, node: nodeId }, { $set: { expires } });
      return r.matchedCount === 1;
    },
    async release(userId, nodeId) {
      await leases.deleteOne({ _id: userId, node: nodeId });
    },
    async holder(userId) {
      const doc = await leases.findOne({ _id: userId });
      return doc === null ? null : { nodeId: doc.node, expiresAt: doc.expires };
    },
  };
}

/** Connects to the store's MongoDB database and returns its leases (temporary, see above). */
export async function openMongoLeases(url: string): Promise<ClosableLeases> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 10_000,
    appName: 'panthr-leases',
  });
  await client.connect();
  const db = client.db(dbNameOf(url) ?? DEFAULT_DB_NAME);
  return { ...mongoLeases(db.collection<LeaseDoc>('leases')), close: () => client.close() };
}
