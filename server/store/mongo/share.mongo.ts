/**
 * The {@link ShareRepository} on MongoDB: collection `shares`, documents as before the
 * repositories, unique on (workspaceId, target). Adding is one upsert of that key that sets
 * the rest only when it inserts, so it returns the share that stands.
 */
import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../store.errors.ts';
import type { ShareDoc, ShareRepository } from '../share.repo.ts';

/** Shares in the driver's collection `shares`. */
export class MongoShares implements ShareRepository {
  readonly #docs: Collection<ShareDoc>;

  constructor(db: Db) {
    this.#docs = db.collection<ShareDoc>('shares');
  }

  /** A workspace once per target; the lookup of the shares with a target. */
  async init(): Promise<void> {
    await this.#docs.createIndex({ workspaceId: 1, target: 1 }, { unique: true });
    await this.#docs.createIndex({ target: 1 });
  }

  async add(share: ShareDoc): Promise<ShareDoc> {
    const { workspaceId, target } = share;
    try {
      const stood = await this.#docs.findOneAndUpdate(
        { workspaceId, target },
        { $setOnInsert: { _id: share._id, ownerId: share.ownerId, createdAt: share.createdAt } },
        { upsert: true, returnDocument: 'after' },
      );
      if (stood !== null) return stood;
    } catch (error) {
      // Two upserts at once: the one that lost the unique key finds the winner's share.
      if (!isDuplicateKeyError(error)) throw error;
    }
    const found = await this.#docs.findOne({ workspaceId, target });
    if (found === null) throw new Error(`the share of ${workspaceId} with ${target} vanished`);
    return found;
  }

  listOf(workspaceId: string): Promise<ShareDoc[]> {
    return this.#docs.find({ workspaceId }).sort({ createdAt: 1, _id: 1 }).toArray();
  }

  countOf(workspaceId: string): Promise<number> {
    return this.#docs.countDocuments({ workspaceId });
  }

  async remove(shareId: string, workspaceId: string): Promise<boolean> {
    const { deletedCount } = await this.#docs.deleteOne({ _id: shareId, workspaceId });
    return deletedCount === 1;
  }

  findFor(workspaceId: string, targets: readonly string[]): Promise<ShareDoc | null> {
    return this.#docs.findOne({ workspaceId, target: { $in: [...targets] } });
  }

  listFor(targets: readonly string[]): Promise<ShareDoc[]> {
    return this.#docs
      .find({ target: { $in: [...targets] } })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
  }

  async deleteOfTarget(target: string): Promise<number> {
    const { deletedCount } = await this.#docs.deleteMany({ target });
    return deletedCount;
  }

  async deleteOfWorkspace(workspaceId: string): Promise<number> {
    const { deletedCount } = await this.#docs.deleteMany({ workspaceId });
    return deletedCount;
  }
}
