/**
 * The embedded default backend: one SQLite file `panthr.sqlite` in `data_dir`, in WAL mode
 * with `synchronous=FULL`, so that a write is on disk (fsynced) before it is acknowledged
 * and survives a `kill -9` or a power loss. No server to install.
 */
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { initRepositories, sweepExpiredRepositories } from '../store.repositories.ts';
import type { Store } from '../store.types.ts';
import { privateDir, privateFile, tightenFile } from '../../private-files.ts';
import { SqliteAccounts } from './account.sqlite.ts';
import { BlobFiles } from './blob.files.ts';
import { SqliteConnections } from './connection.sqlite.ts';
import { SqliteGroups } from './group.sqlite.ts';
import { SqliteLeases } from './lease.sqlite.ts';
import { SqlitePreferences } from './preference.sqlite.ts';
import { SqliteSessions } from './session.sqlite.ts';
import { SqliteShares } from './share.sqlite.ts';
import { SqliteTokens } from './token.sqlite.ts';
import { SqliteWorkspaces } from './workspace.sqlite.ts';
import { WalCheckpointer } from './wal.checkpointer.ts';
import { WriteBatcher } from './write.batcher.ts';

/** The database file's name inside `data_dir`. */
export const EMBEDDED_FILE = 'panthr.sqlite';

/** Options of {@link openEmbeddedStore}. */
export interface EmbeddedStoreOptions {
  /** Milliseconds between automatic {@link Store.sweepExpired} runs; 0 turns them off. */
  sweepEveryMs?: number;
  /** Where a failed automatic sweep is reported. */
  log?: Pick<Logger, 'error'>;
}

/** The embedded {@link Store}. */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded';
  readonly accounts: SqliteAccounts;
  readonly tokens: SqliteTokens;
  readonly sessions: SqliteSessions;
  readonly preferences: SqlitePreferences;
  readonly workspaces: SqliteWorkspaces;
  readonly connections: SqliteConnections;
  readonly groups: SqliteGroups;
  readonly shares: SqliteShares;
  readonly leases: SqliteLeases;
  readonly #db: Database.Database;
  readonly #batcher: WriteBatcher;
  readonly #files: BlobFiles;
  readonly #checkpointer: WalCheckpointer;
  #timer: NodeJS.Timeout | null = null;

  /**
   * Opens (creating when missing) `file`; see {@link openEmbeddedStore}. WAL checkpoints run
   * in a worker thread (wal.checkpointer.ts); `log` hears of their failures.
   */
  constructor(file: string, log?: Pick<Logger, 'error'>) {
    // SQLite creates a database 0644 (less the umask), and its -wal and -shm with the
    // database's mode: made 0600 first, all three are private.
    privateFile(file);
    tightenFile(`${file}-wal`);
    tightenFile(`${file}-shm`);
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    const batcher = new WriteBatcher(db);
    this.#batcher = batcher;
    this.#checkpointer = new WalCheckpointer(db, file, batcher, log);
    // Large bytes (dataset values) are files beside the database, in `blobs/`.
    const files = new BlobFiles(join(dirname(file), 'blobs'));
    this.#files = files;
    try {
      // The repositories of issue 18: plain tables (each takes over its old collection table).
      this.accounts = new SqliteAccounts(db, batcher);
      this.tokens = new SqliteTokens(db, batcher);
      this.sessions = new SqliteSessions(db, batcher);
      this.preferences = new SqlitePreferences(db, batcher);
      this.connections = new SqliteConnections(db, batcher);
      this.groups = new SqliteGroups(db, batcher);
      this.shares = new SqliteShares(db, batcher);
      this.leases = new SqliteLeases(db, batcher);
      this.workspaces = new SqliteWorkspaces(db, batcher, files);
    } catch (error) {
      // A copy of old tables that fails leaves them as they were (one transaction each).
      void this.#checkpointer.stop();
      db.close();
      throw error;
    }
  }

  async init(): Promise<void> {
    await initRepositories(this);
  }

  /** Removes the blob files no row owns (see BlobFiles.sweep); only while nothing writes. */
  sweepOrphanFiles(): number {
    const inUse = new Set<string>();
    for (const file of this.workspaces.filesInUse()) inUse.add(file);
    return this.#files.sweep(inUse);
  }

  /** Starts the periodic sweep (unref'd: it never keeps the process alive). */
  startSweeping(everyMs: number, log?: Pick<Logger, 'error'>): void {
    if (everyMs <= 0 || this.#timer !== null) return;
    this.#timer = setInterval(() => {
      this.sweepExpired().catch((error: unknown) =>
        log?.error({ err: error }, 'store sweep failed'),
      );
    }, everyMs);
    this.#timer.unref();
  }

  async sweepExpired(now: Date = new Date()): Promise<void> {
    if (!this.#db.open) return;
    await sweepExpiredRepositories(this, now);
  }

  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    // Writes already issued are committed before the database closes.
    await this.#batcher.flush();
    // The worker's connection closes first, so that this last one checkpoints and removes the WAL.
    await this.#checkpointer.stop();
    if (this.#db.open) this.#db.close();
  }
}

/**
 * Opens the embedded store in `dataDir` (created, mode 0700, when missing), creates its
 * indexes and starts the expiry sweep (every minute by default, like MongoDB's TTL monitor).
 */
export async function openEmbeddedStore(
  dataDir: string,
  options: EmbeddedStoreOptions = {},
): Promise<EmbeddedStore> {
  privateDir(dataDir);
  privateDir(join(dataDir, 'blobs'));
  const store = new EmbeddedStore(join(dataDir, EMBEDDED_FILE), options.log);
  try {
    await store.init();
  } catch (error) {
    await store.close();
    throw error;
  }
  store.startSweeping(options.sweepEveryMs ?? 60_000, options.log);
  return store;
}
