/**
 * The MongoDB {@link AccountRepository}: the `users` collection with the documents it has
 * always held (an existing database needs no migration), the email unique by an index made
 * in {@link MongoAccounts.init}. Every change is one single-document write.
 */
import type { Collection, Db, Filter } from 'mongodb';
import { emailKey, type AccountRepository, type UserDoc } from '../account.repo.ts';

/** A stored user as the repository returns it: the fields of {@link UserDoc}, no others. */
function toUser(doc: UserDoc): UserDoc {
  return {
    _id: doc._id,
    email: doc.email,
    passwordHash: doc.passwordHash,
    verified: doc.verified,
    createdAt: doc.createdAt,
    currentWorkspace: doc.currentWorkspace,
    // absent in documents written before preference sets were remembered
    currentPreferences: doc.currentPreferences ?? null,
  };
}

/** The MongoDB accounts over database `db`. */
export class MongoAccounts implements AccountRepository {
  readonly #users: Collection<UserDoc>;

  constructor(db: Db) {
    this.#users = db.collection<UserDoc>('users');
  }

  async init(): Promise<void> {
    await this.#users.createIndex({ email: 1 }, { unique: true });
  }

  async createUser(user: UserDoc): Promise<void> {
    const { currentPreferences, ...doc } = toUser(user);
    // The document as registrations always wrote it: no currentPreferences until one is used.
    await this.#users.insertOne({
      ...doc,
      email: emailKey(user.email),
      ...(currentPreferences === null ? {} : { currentPreferences }),
    });
  }

  findById(id: string): Promise<UserDoc | null> {
    return this.#one({ _id: id });
  }

  findByEmail(email: string): Promise<UserDoc | null> {
    return this.#one({ email: emailKey(email) });
  }

  async findByIds(ids: readonly string[]): Promise<UserDoc[]> {
    if (ids.length === 0) return [];
    const docs = await this.#users.find({ _id: { $in: [...ids] } }).toArray();
    return docs.map(toUser);
  }

  countAccounts(): Promise<number> {
    return this.#users.countDocuments({});
  }

  markVerified(id: string): Promise<boolean> {
    return this.#set({ _id: id }, { verified: true });
  }

  setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    return this.#set({ _id: id }, { passwordHash });
  }

  setCurrentWorkspace(id: string, workspaceId: string, onlyIf?: string): Promise<boolean> {
    const filter: Filter<UserDoc> =
      onlyIf === undefined ? { _id: id } : { _id: id, currentWorkspace: onlyIf };
    return this.#set(filter, { currentWorkspace: workspaceId });
  }

  clearCurrentPreferences(id: string, onlyIf?: string): Promise<boolean> {
    const filter: Filter<UserDoc> =
      onlyIf === undefined ? { _id: id } : { _id: id, currentPreferences: onlyIf };
    return this.#set(filter, { currentPreferences: null });
  }

  async deleteUser(id: string): Promise<boolean> {
    return (await this.#users.deleteOne({ _id: id })).deletedCount > 0;
  }

  async #one(filter: Filter<UserDoc>): Promise<UserDoc | null> {
    const doc = await this.#users.findOne(filter);
    return doc === null ? null : toUser(doc);
  }

  /** One conditional `$set`; true when a document matched. */
  async #set(filter: Filter<UserDoc>, fields: Partial<UserDoc>): Promise<boolean> {
    return (await this.#users.updateOne(filter, { $set: fields })).matchedCount > 0;
  }
}
