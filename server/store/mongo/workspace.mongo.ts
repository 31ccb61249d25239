/**
 * The MongoDB backend's {@link WorkspaceRepository}: the driver's collections `workspaces`,
 * `workspaceCounts`, `workspaceObjects` and `workspaceBlobs`, with the document shapes of
 * earlier versions (an existing database needs no migration). Every write is one
 * single-document atomic operation or a delete by a filter; the unique `{userId, nameKey}`
 * index is made in {@link MongoWorkspaces.init}, after workspaces of an older version got
 * their keys (adoptOldWorkspaces).
 */
import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, StaleObjectError } from '../store.errors.ts';
import type {
  WorkspaceBlobDoc,
  WorkspaceCountDoc,
  WorkspaceDoc,
  WorkspaceObjectDoc,
} from '../store.types.ts';
import type { ChunkInfo, ObjectWrite, WorkspaceRepository } from '../workspace.repository.ts';
import { nameKey } from '../workspace.rules.ts';

/** Ids per `$in` of one read. */
const BATCH = 256;

/** The workspaces domain on MongoDB. */
export class MongoWorkspaces implements WorkspaceRepository {
  readonly #workspaces: Collection<WorkspaceDoc>;
  readonly #counts: Collection<WorkspaceCountDoc>;
  readonly #objects: Collection<WorkspaceObjectDoc>;
  readonly #chunks: Collection<WorkspaceBlobDoc>;

  constructor(db: Db) {
    this.#workspaces = db.collection<WorkspaceDoc>('workspaces');
    this.#counts = db.collection<WorkspaceCountDoc>('workspaceCounts');
    this.#objects = db.collection<WorkspaceObjectDoc>('workspaceObjects');
    this.#chunks = db.collection<WorkspaceBlobDoc>('workspaceBlobs');
  }

  async init(): Promise<void> {
    await this.#adoptOld();
    await this.#workspaces.createIndex({ userId: 1 });
    // a name once per user without case (workspace.rules.ts)
    await this.#workspaces.createIndex({ userId: 1, nameKey: 1 }, { unique: true });
    await this.#objects.createIndex({ workspaceId: 1, order: 1 });
    await this.#chunks.createIndex({ workspaceId: 1 });
  }

  /**
   * Brings workspaces written before the rules under them, before the unique index is
   * made: each gets its `nameKey`, and each of their users a counter of what they have (the
   * counter first, so a crash in between is finished by the next start). Workspaces written
   * since always have a `nameKey`, so this never counts a user twice. Idempotent.
   */
  async #adoptOld(): Promise<void> {
    const old = await this.#workspaces.find({ nameKey: { $exists: false } }).toArray();
    for (const userId of new Set(old.map((w) => w.userId))) {
      const count = await this.#workspaces.countDocuments({ userId });
      await this.#counts.insertOne({ _id: userId, count }).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
    }
    for (const w of old) {
      const key = nameKey(w.name);
      await this.#workspaces
        .updateOne({ _id: w._id }, { $set: { nameKey: key } })
        .catch(async (error: unknown) => {
          // Two old names equal without case (the old process lock never let that happen,
          // but data is data): the later keeps its name and a key of its own.
          if (!isDuplicateKeyError(error)) throw error;
          await this.#workspaces.updateOne(
            { _id: w._id },
            { $set: { nameKey: `${key}\0${w._id}` } },
          );
        });
    }
  }

  async insert(doc: WorkspaceDoc): Promise<void> {
    await this.#workspaces.insertOne({ ...doc });
  }

  byId(id: string): Promise<WorkspaceDoc | null> {
    return this.#workspaces.findOne({ _id: id });
  }

  ofUser(userId: string, id: string): Promise<WorkspaceDoc | null> {
    return this.#workspaces.findOne({ _id: id, userId });
  }

  listOfUser(userId: string): Promise<WorkspaceDoc[]> {
    return this.#workspaces.find({ userId }).sort({ createdAt: 1, _id: 1 }).toArray();
  }

  count(userId?: string): Promise<number> {
    return this.#workspaces.countDocuments(userId === undefined ? {} : { userId });
  }

  async ids(): Promise<string[]> {
    const docs = await this.#workspaces.find({}, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => d._id);
  }

  rename(
    userId: string,
    id: string,
    change: { name: string; nameKey: string; updatedAt: Date },
  ): Promise<WorkspaceDoc | null> {
    return this.#workspaces.findOneAndUpdate(
      { _id: id, userId },
      { $set: change },
      { returnDocument: 'after' },
    );
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.#workspaces.updateOne({ _id: id }, { $set: { updatedAt: at } });
  }

  async reserveHashes(id: string, n: number, at: Date): Promise<number | null> {
    const before = await this.#workspaces.findOneAndUpdate(
      { _id: id },
      { $inc: { nextHash: n }, $set: { updatedAt: at } },
      { returnDocument: 'before' },
    );
    return before === null ? null : before.nextHash;
  }

  async setNextHash(id: string, nextHash: number): Promise<void> {
    await this.#workspaces.updateOne({ _id: id }, { $set: { nextHash } });
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const { deletedCount } = await this.#workspaces.deleteOne({ _id: id, userId });
    return deletedCount === 1;
  }

  async removeUser(userId: string): Promise<void> {
    await this.#workspaces.deleteMany({ userId });
    await this.#counts.deleteOne({ _id: userId });
  }

  async countUp(userId: string, max: number): Promise<boolean> {
    const below = { _id: userId, count: { $lt: max } };
    try {
      // Matches only below the cap; at the cap it inserts the user's `_id` again: 11000.
      await this.#counts.updateOne(below, { $inc: { count: 1 } }, { upsert: true });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // At the cap, or another first count made the counter meanwhile: now it exists.
      const { matchedCount } = await this.#counts.updateOne(below, { $inc: { count: 1 } });
      return matchedCount === 1;
    }
  }

  async countDown(userId: string): Promise<boolean> {
    const { matchedCount } = await this.#counts.updateOne(
      { _id: userId, count: { $gt: 1 } },
      { $inc: { count: -1 } },
    );
    return matchedCount === 1;
  }

  async countBack(userId: string): Promise<void> {
    await this.#counts.updateOne({ _id: userId }, { $inc: { count: 1 } });
  }

  findObject(id: string): Promise<WorkspaceObjectDoc | null> {
    return this.#objects.findOne({ _id: id });
  }

  objectsOf(workspaceId: string): Promise<WorkspaceObjectDoc[]> {
    return this.#objects.find({ workspaceId }).sort({ order: 1 }).toArray();
  }

  async objectsByIds(ids: readonly string[]): Promise<WorkspaceObjectDoc[]> {
    const found: WorkspaceObjectDoc[] = [];
    for (let at = 0; at < ids.length; at += BATCH)
      found.push(
        ...(await this.#objects.find({ _id: { $in: ids.slice(at, at + BATCH) } }).toArray()),
      );
    return found;
  }

  async everyObject(): Promise<unknown[]> {
    const docs = await this.#objects.find({}, { projection: { object: 1 } }).toArray();
    return docs.map((d) => d.object);
  }

  async putObject(doc: ObjectWrite): Promise<WorkspaceObjectDoc | null> {
    const { _id, workspaceId, name, hash, object } = doc;
    // Matches only an older version; when a newer one is stored, the upsert inserts `_id`
    // again and fails with 11000: refused.
    const write = () =>
      this.#objects.findOneAndUpdate(
        { _id, hash: { $lt: hash } },
        // hashes only grow, so the first hash of a name is its place in creation order
        { $set: { workspaceId, name, hash, object }, $setOnInsert: { order: hash } },
        { upsert: true, returnDocument: 'before' },
      );
    try {
      return await write();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // A concurrent upsert of one new _id won, or a newer version is stored: once more, as
    // an update of an older version; a second 11000 is a newer version.
    try {
      return await write();
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new StaleObjectError(_id, hash);
      throw error;
    }
  }

  async insertObject(doc: WorkspaceObjectDoc): Promise<void> {
    await this.#objects.insertOne({ ...doc });
  }

  async removeObject(id: string, hash: number): Promise<boolean> {
    const { deletedCount } = await this.#objects.deleteOne({ _id: id, hash });
    return deletedCount === 1;
  }

  async setOrder(id: string, order: number): Promise<void> {
    await this.#objects.updateOne({ _id: id }, { $set: { order } });
  }

  async insertChunks(chunks: readonly WorkspaceBlobDoc[]): Promise<void> {
    // One by one: each is up to 4 MB, so a batch would save little but round trips.
    for (const chunk of chunks) await this.#chunks.insertOne({ ...chunk });
  }

  async chunkData(workspaceId: string, ids: readonly string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    for (let at = 0; at < ids.length; at += BATCH) {
      const batch = ids.slice(at, at + BATCH);
      const docs = await this.#chunks.find({ _id: { $in: batch }, workspaceId }).toArray();
      for (const doc of docs) found.set(doc._id, doc.data);
    }
    return found;
  }

  async chunkList(workspaceId?: string): Promise<ChunkInfo[]> {
    const docs = await this.#chunks
      .find(workspaceId === undefined ? {} : { workspaceId }, {
        projection: { _id: 1, workspaceId: 1, createdAt: 1 },
      })
      .toArray();
    // Chunks written before `createdAt` existed are as old as can be.
    return docs.map((d) => ({
      _id: d._id,
      workspaceId: d.workspaceId,
      createdAt: d.createdAt instanceof Date ? d.createdAt : new Date(0),
    }));
  }

  async removeChunks(ids: readonly string[]): Promise<void> {
    for (let at = 0; at < ids.length; at += BATCH)
      await this.#chunks.deleteMany({ _id: { $in: ids.slice(at, at + BATCH) } });
  }

  async removeData(workspaceIds: readonly string[]): Promise<void> {
    if (workspaceIds.length === 0) return;
    await this.#objects.deleteMany({ workspaceId: { $in: [...workspaceIds] } });
    await this.#chunks.deleteMany({ workspaceId: { $in: [...workspaceIds] } });
  }

  async dataWorkspaceIds(): Promise<string[]> {
    const ids = new Set<string>();
    const projection = { projection: { workspaceId: 1 } };
    for (const d of await this.#objects.find({}, projection).toArray()) ids.add(d.workspaceId);
    for (const d of await this.#chunks.find({}, projection).toArray()) ids.add(d.workspaceId);
    return [...ids];
  }
}
