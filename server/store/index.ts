/**
 * The store: every document the server keeps, on the embedded SQLite backend by default or
 * on MongoDB when `mongodb_url` is set. The only way into server/store/.
 */
import type { Logger } from 'pino';
import { openEmbeddedStore } from './embedded/embedded.store.ts';
import { openMongoStore } from './mongo/mongo.store.ts';
import type { Store } from './store.types.ts';

export type * from './store.types.ts';
export { DuplicateKeyError, isDuplicateKeyError, DUPLICATE_KEY } from './mql.ts';
export { STORE_INDEXES, EXPIRING_COLLECTIONS, createStoreIndexes } from './store.indexes.ts';
export { openEmbeddedStore, EmbeddedStore, EMBEDDED_FILE } from './embedded/embedded.store.ts';
export { openMongoStore, MongoStore } from './mongo/mongo.store.ts';
export * from './workspace.repo.ts';
export * from './connection.repo.ts';
export { StoreSessionStore, type StoreSessionStoreOptions } from './session.store.ts';

/** The configuration keys the store reads. */
export interface StoreConfig {
  readonly data_dir: string;
  readonly mongodb_url: string | null;
}

/**
 * Opens the store the configuration asks for: MongoDB at `mongodb_url` when set, else the
 * embedded store in `data_dir`. Indexes are created; the store is ready to use. Rejects
 * when the database cannot be opened or reached.
 */
export async function openStore(config: StoreConfig, log?: Logger): Promise<Store> {
  if (config.mongodb_url !== null) {
    const store = await openMongoStore(config.mongodb_url);
    log?.info({ store: 'mongodb' }, 'store opened');
    return store;
  }
  const store = await openEmbeddedStore(config.data_dir, log === undefined ? {} : { log });
  log?.info({ store: 'embedded', data_dir: config.data_dir }, 'store opened');
  return store;
}
