/**
 * The {@link PreferenceRepository} on MongoDB: collection `preferences`, documents
 * `{_id: 'USER/NAME', userId, name, settings, updatedAt}` as before the repositories, with
 * the unique index on (userId, name).
 */
import type { Collection, Db } from 'mongodb';
import {
  preferenceId,
  type PreferenceDoc,
  type PreferencePut,
  type PreferenceRepository,
} from '../preference.repo.ts';

/** Preference sets in the driver's collection `preferences`. */
export class MongoPreferences implements PreferenceRepository {
  readonly #docs: Collection<PreferenceDoc>;

  constructor(db: Db) {
    this.#docs = db.collection<PreferenceDoc>('preferences');
  }

  /** A name once per user. */
  async init(): Promise<void> {
    await this.#docs.createIndex({ userId: 1, name: 1 }, { unique: true });
  }

  list(userId: string): Promise<PreferenceDoc[]> {
    return this.#docs.find({ userId }).sort({ name: 1 }).toArray();
  }

  get(userId: string, name: string): Promise<PreferenceDoc | null> {
    return this.#docs.findOne({ _id: preferenceId(userId, name) });
  }

  count(userId: string): Promise<number> {
    return this.#docs.countDocuments({ userId });
  }

  async put(
    set: { userId: string; name: string; settings: Record<string, unknown>; updatedAt: Date },
    maxSets: number,
  ): Promise<PreferencePut> {
    const _id = preferenceId(set.userId, set.name);
    // Replacing never grows the count; only a new name is checked against the cap.
    const exists = (await this.#docs.findOne({ _id }, { projection: { _id: 1 } })) !== null;
    if (!exists && (await this.count(set.userId)) >= maxSets) return 'full';
    const { upsertedCount } = await this.#docs.updateOne(
      { _id },
      { $set: { ...set } },
      { upsert: true },
    );
    if (upsertedCount !== 1) return 'updated';
    // Two new sets at once (in one process or two) may both have counted below the cap: a
    // new one that finds the cap passed takes itself back, so the cap holds as a rule (of
    // two racing at the cap, both may be refused; never both kept).
    if ((await this.count(set.userId)) > maxSets) {
      await this.#docs.deleteOne({ _id });
      return 'full';
    }
    return 'created';
  }

  async delete(userId: string, name: string): Promise<boolean> {
    const { deletedCount } = await this.#docs.deleteOne({ _id: preferenceId(userId, name) });
    return deletedCount === 1;
  }

  async deleteOfUser(userId: string): Promise<number> {
    const { deletedCount } = await this.#docs.deleteMany({ userId });
    return deletedCount;
  }
}
