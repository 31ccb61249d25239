/**
 * The {@link GroupRepository} on MongoDB: collection `groups`, documents as before the
 * repositories; members change with `$addToSet`/`$pull`, atomic on the one document.
 */
import type { Collection, Db } from 'mongodb';
import type { GroupDoc, GroupRepository } from '../group.repo.ts';

/** Groups in the driver's collection `groups`. */
export class MongoGroups implements GroupRepository {
  readonly #docs: Collection<GroupDoc>;

  constructor(db: Db) {
    this.#docs = db.collection<GroupDoc>('groups');
  }

  /** The lookups: a user's groups, and the groups a user is a member of. */
  async init(): Promise<void> {
    await this.#docs.createIndex({ ownerId: 1 });
    await this.#docs.createIndex({ memberIds: 1 });
  }

  async create(group: GroupDoc): Promise<void> {
    await this.#docs.insertOne({ ...group, memberIds: [...group.memberIds] });
  }

  find(groupId: string): Promise<GroupDoc | null> {
    return this.#docs.findOne({ _id: groupId });
  }

  findOwned(groupId: string, ownerId: string): Promise<GroupDoc | null> {
    return this.#docs.findOne({ _id: groupId, ownerId });
  }

  listOwned(ownerId: string): Promise<GroupDoc[]> {
    return this.#docs.find({ ownerId }).sort({ createdAt: 1, _id: 1 }).toArray();
  }

  countOwned(ownerId: string): Promise<number> {
    return this.#docs.countDocuments({ ownerId });
  }

  async rename(groupId: string, name: string): Promise<void> {
    await this.#docs.updateOne({ _id: groupId }, { $set: { name } });
  }

  async addMember(groupId: string, userId: string): Promise<void> {
    await this.#docs.updateOne({ _id: groupId }, { $addToSet: { memberIds: userId } });
  }

  async removeMember(groupId: string, userId: string): Promise<void> {
    await this.#docs.updateOne({ _id: groupId }, { $pull: { memberIds: userId } });
  }

  async delete(groupId: string, ownerId: string): Promise<boolean> {
    const { deletedCount } = await this.#docs.deleteOne({ _id: groupId, ownerId });
    return deletedCount === 1;
  }

  async idsWithMember(userId: string): Promise<string[]> {
    const docs = await this.#docs.find({ memberIds: userId }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => d._id);
  }
}
