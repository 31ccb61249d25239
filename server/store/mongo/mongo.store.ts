/**
 * The MongoDB backend, through the official driver: each repository works on its own
 * collections (the names and document shapes of earlier versions, so an existing database
 * needs no migration) with single-document atomic operations and unique indexes. TTL
 * indexes expire tokens and sessions (MongoDB's monitor runs about once a minute);
 * {@link MongoStore.sweepExpired} deletes them at once.
 */
import { MongoClient, type Db } from 'mongodb';
import { initRepositories, sweepExpiredRepositories } from '../store.repositories.ts';
import type { Store } from '../store.types.ts';
import { MongoAccounts } from './account.mongo.ts';
import { MongoConnections } from './connection.mongo.ts';
import { MongoGroups } from './group.mongo.ts';
import { MongoLeases } from './lease.mongo.ts';
import { MongoPreferences } from './preference.mongo.ts';
import { MongoSessions } from './session.mongo.ts';
import { MongoShares } from './share.mongo.ts';
import { MongoTokens } from './token.mongo.ts';
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
  readonly accounts: MongoAccounts;
  readonly tokens: MongoTokens;
  readonly sessions: MongoSessions;
  readonly preferences: MongoPreferences;
  readonly workspaces: MongoWorkspaces;
  readonly connections: MongoConnections;
  readonly groups: MongoGroups;
  readonly shares: MongoShares;
  readonly leases: MongoLeases;
  readonly #client: MongoClient;
  #closed = false;

  /** Wraps a connected client's database; see {@link openMongoStore}. */
  constructor(client: MongoClient, db: Db) {
    this.#client = client;
    // The repositories of issue 18: the same collections and documents as before.
    this.accounts = new MongoAccounts(db);
    this.tokens = new MongoTokens(db);
    this.sessions = new MongoSessions(db);
    this.preferences = new MongoPreferences(db);
    this.connections = new MongoConnections(db);
    this.groups = new MongoGroups(db);
    this.shares = new MongoShares(db);
    this.leases = new MongoLeases(db);
    this.workspaces = new MongoWorkspaces(db);
  }

  async init(): Promise<void> {
    await initRepositories(this);
  }

  async sweepExpired(now: Date = new Date()): Promise<void> {
    await sweepExpiredRepositories(this, now);
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
