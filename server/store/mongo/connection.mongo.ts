/**
 * The {@link ConnectionRepository} on MongoDB: collection `connections`, documents as before
 * the repositories, indexed by `openedAt` for the most recent ones.
 */
import type { Collection, Db } from 'mongodb';
import type { ConnectionLogDoc, ConnectionRepository } from '../connection.repo.ts';

/** The connection log in the driver's collection `connections`. */
export class MongoConnections implements ConnectionRepository {
  readonly #docs: Collection<ConnectionLogDoc>;

  constructor(db: Db) {
    this.#docs = db.collection<ConnectionLogDoc>('connections');
  }

  /** The index the most recent connections are found by. */
  async init(): Promise<void> {
    await this.#docs.createIndex({ openedAt: 1 });
  }

  async insert(doc: ConnectionLogDoc): Promise<void> {
    await this.#docs.insertOne({ ...doc });
  }

  async close(
    id: string,
    end: { closedAt: Date; reason: string; messages: number },
  ): Promise<void> {
    await this.#docs.updateOne({ _id: id }, { $set: { ...end } });
  }

  get(id: string): Promise<ConnectionLogDoc | null> {
    return this.#docs.findOne({ _id: id });
  }

  recent(limit: number): Promise<ConnectionLogDoc[]> {
    return this.#docs.find({}).sort({ openedAt: -1 }).limit(limit).toArray();
  }
}
