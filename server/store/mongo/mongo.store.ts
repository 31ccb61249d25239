/**
 * The MongoDB backend, through the official driver: the driver's collections are the
 * {@link StoreCollection}s as they are. TTL indexes expire tokens and sessions (MongoDB's
 * monitor runs about once a minute); {@link MongoStore.sweepExpired} deletes them at once.
 */
import { MongoClient, type Db } from 'mongodb';
import type { Store } from '../store.types.ts';
import {
  createStoreIndexes,
  EXPIRING_COLLECTIONS,
  type CollectionName,
  type DocOf,
} from '../store.indexes.ts';
import { CollectionLeases, type LeaseDoc } from '../lease.repo.ts';
import { MongoWorkspaces } from './workspace.mongo.ts';

/** The database used when the URL names none. */
export const DEFAULT_DB_NAME = 'panthr';

/** Options of {@link openMongoStore}. */
export interface MongoStoreOptions {
  /** The database; default: the one in the URL's path, else {@link DEFAULT_DB_NAME}. */
  dbName?: string;
  /** How long to look for a server before failing, in milliseconds (driver default 30 s). */
  serverSelectionTimeoutMS?: number;
}

/** The database named in a `mongodb://host[,host]/NAME?...` URL, if any. */
export function dbNameOf(url: string): string | null {
  const name = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(url)?.[1];
  return name === undefined || name === '' ? null : decodeURIComponent(name);
}

/** The MongoDB {@link Store}. */
export class MongoStore implements Store {
  readonly kind = 'mongodb';
  readonly users;
  readonly verifyTokens;
  readonly resetTokens;
  readonly rememberTokens;
  readonly sessions;
  readonly preferences;
  readonly workspaces;
  readonly connections;
  readonly groups;
  readonly shares;
  readonly accessTokens;
  readonly leases;
  readonly #client: MongoClient;
  #closed = false;

  /** Wraps a connected client's database; see {@link openMongoStore}. */
  constructor(client: MongoClient, db: Db) {
    this.#client = client;
    // Each collection's document type is the Store's for its name (DocOf).
    const collection = <K extends CollectionName>(name: K) => db.collection<DocOf<K>>(name);
    this.users = collection('users');
    this.verifyTokens = collection('verifyTokens');
    this.resetTokens = collection('resetTokens');
    this.rememberTokens = collection('rememberTokens');
    this.sessions = collection('sessions');
    this.preferences = collection('preferences');
    this.workspaces = new MongoWorkspaces(db);
    this.connections = collection('connections');
    this.groups = collection('groups');
    this.shares = collection('shares');
    this.accessTokens = collection('accessTokens');
    this.leases = new CollectionLeases(db.collection<LeaseDoc>('leases'));
  }

  async init(): Promise<void> {
    await createStoreIndexes(this);
    await this.workspaces.init();
  }

  async sweepExpired(now: Date = new Date()): Promise<void> {
    for (const name of EXPIRING_COLLECTIONS) {
      await this[name].deleteMany({ expiresAt: { $lt: now } });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }
}

/**
 * Connects to `url`, checks the server answers (ping) and creates the indexes. Rejects
 * when no server is reachable within `serverSelectionTimeoutMS`.
 */
export async function openMongoStore(
  url: string,
  options: MongoStoreOptions = {},
): Promise<MongoStore> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 30_000,
    appName: 'panthr-server',
  });
  try {
    await client.connect();
    const db = client.db(options.dbName ?? dbNameOf(url) ?? DEFAULT_DB_NAME);
    await db.command({ ping: 1 });
    const store = new MongoStore(client, db);
    await store.init();
    return store;
  } catch (error) {
    await client.close();
    throw error;
  }
}
