/**
 * The {@link SessionRepository} on MongoDB: collection `sessions`, documents
 * `{_id, session, userId, expiresAt}` as before the repositories. A TTL index expires them
 * (MongoDB's monitor runs about once a minute; `find` callers check the expiry themselves).
 */
import type { Collection, Db } from 'mongodb';
import type { SessionDoc, SessionRepository } from '../session.repo.ts';

/** HTTP sessions in the driver's collection `sessions`. */
export class MongoSessions implements SessionRepository {
  readonly #docs: Collection<SessionDoc>;

  constructor(db: Db) {
    this.#docs = db.collection<SessionDoc>('sessions');
  }

  /** The TTL index on `expiresAt` and the index of a user's sessions. */
  async init(): Promise<void> {
    await this.#docs.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await this.#docs.createIndex({ userId: 1 });
  }

  find(sid: string): Promise<SessionDoc | null> {
    return this.#docs.findOne({ _id: sid });
  }

  async save(doc: SessionDoc): Promise<void> {
    const { _id, ...fields } = doc;
    await this.#docs.updateOne({ _id }, { $set: fields }, { upsert: true });
  }

  async touch(sid: string, expiresAt: Date, cookie: unknown): Promise<void> {
    await this.#docs.updateOne(
      { _id: sid },
      { $set: { expiresAt, 'session.cookie': cookie ?? null } },
    );
  }

  async destroy(sid: string): Promise<void> {
    await this.#docs.deleteOne({ _id: sid });
  }

  async destroyIfExpired(sid: string, now: Date): Promise<boolean> {
    const { deletedCount } = await this.#docs.deleteOne({ _id: sid, expiresAt: { $lte: now } });
    return deletedCount === 1;
  }

  async destroyOfUser(userId: string, exceptSid?: string): Promise<number> {
    const filter = exceptSid === undefined ? { userId } : { userId, _id: { $ne: exceptSid } };
    const { deletedCount } = await this.#docs.deleteMany(filter);
    return deletedCount;
  }

  countOfUser(userId: string): Promise<number> {
    return this.#docs.countDocuments({ userId });
  }

  countLive(now: Date): Promise<number> {
    return this.#docs.countDocuments({ expiresAt: { $gt: now } });
  }

  async clear(): Promise<void> {
    await this.#docs.deleteMany({});
  }

  async sweepExpired(now: Date): Promise<number> {
    const { deletedCount } = await this.#docs.deleteMany({ expiresAt: { $lt: now } });
    return deletedCount;
  }
}
