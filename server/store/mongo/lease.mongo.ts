/**
 * The {@link LeaseRepository} on MongoDB: collection `leases`, one document per user
 * `{_id: userId, nodeId, expiresAt}`. Taking is one upsert matching only a lease that is
 * ours or expired; when none matches, the upsert inserts `_id: userId`, which fails as a
 * duplicate key when another node's live lease exists: that node keeps it.
 */
import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../store.errors.ts';
import { checkTtl, type LeaseDoc, type LeaseRepository } from '../lease.repo.ts';

/** Leases in the driver's collection `leases`. */
export class MongoLeases implements LeaseRepository {
  readonly #docs: Collection<LeaseDoc>;

  constructor(db: Db) {
    this.#docs = db.collection<LeaseDoc>('leases');
  }

  /** Nothing to create: `_id` is the only key. */
  init(): Promise<void> {
    return Promise.resolve();
  }

  async take(userId: string, nodeId: string, ttlMs: number, now = new Date()): Promise<boolean> {
    checkTtl(ttlMs);
    try {
      await this.#docs.updateOne(
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
    const { matchedCount } = await this.#docs.updateOne(
      { _id: userId, nodeId },
      { $set: { expiresAt: new Date(Date.now() + ttlMs) } },
    );
    return matchedCount === 1;
  }

  async release(userId: string, nodeId: string): Promise<void> {
    await this.#docs.deleteOne({ _id: userId, nodeId });
  }

  async holder(userId: string): Promise<{ nodeId: string; expiresAt: Date } | null> {
    const doc = await this.#docs.findOne({ _id: userId });
    if (doc === null || doc.expiresAt.getTime() <= Date.now()) return null;
    return { nodeId: doc.nodeId, expiresAt: doc.expiresAt };
  }
}
