/**
 * The store: every document the server keeps, on the embedded SQLite backend by default or
 * on MongoDB when `mongodb_url` is set. The only way into server/store/.
 */
import type { Logger } from 'pino';
import { EmbeddedStore, openEmbeddedStore } from './embedded/embedded.store.ts';
import { openMongoStore } from './mongo/mongo.store.ts';
import type { Store } from './store.types.ts';
import { sweepOrphanChunks } from './workspace.blobs.ts';
import { sweepOrphanObjects } from './workspace.sweep.ts';

export type * from './store.types.ts';
export type * from './account.repo.ts';
export type * from './token.repo.ts';
export {
  DuplicateKeyError,
  isDuplicateKeyError,
  DUPLICATE_KEY,
  StaleObjectError,
} from './store.errors.ts';
export { openEmbeddedStore, EmbeddedStore, EMBEDDED_FILE } from './embedded/embedded.store.ts';
export { openMongoStore, MongoStore } from './mongo/mongo.store.ts';
export * from './workspace.repo.ts';
export {
  MAX_WORKSPACES,
  nameKey,
  WorkspaceRuleError,
  type WorkspaceRule,
} from './workspace.rules.ts';
export { reorderObjects } from './workspace.order.ts';
export * from './sharing.repo.ts';
export {
  sweepOrphanChunks,
  findOrphanChunks,
  deleteBlobs,
  CHUNK_SWEEP_MIN_AGE_MS,
} from './workspace.blobs.ts';
export type { WorkspaceRepository, ChunkInfo, ObjectWrite } from './workspace.repository.ts';
export {
  sweepOrphanObjects,
  findOrphanWorkspaceIds,
  deleteWorkspaceData,
} from './workspace.sweep.ts';
export * from './connection.repo.ts';
export { checkTtl } from './lease.repo.ts';
export { preferenceId } from './preference.repo.ts';
export { StoreSessionStore, type StoreSessionStoreOptions } from './session.store.ts';

/** The configuration keys the store reads. */
export interface StoreConfig {
  readonly data_dir: string;
  readonly mongodb_url: string | null;
  /**
   * Sweep unreferenced data at open (default true). False on a cluster node: another node
   * may be saving, and cluster/sweep.ts sweeps only what stays unreferenced for a while.
   */
  readonly sweep?: boolean;
}

/**
 * Removes what an earlier crash left unreferenced: objects of deleted workspaces,
 * workspace chunks no object names, and (embedded) blob files no row owns. Space only: a
 * crash never leaves a reference to something missing. Runs before the server serves,
 * when nothing saves.
 */
async function sweepOrphans(store: Store, log?: Logger): Promise<void> {
  const workspaces = await sweepOrphanObjects(store);
  const chunks = await sweepOrphanChunks(store);
  const files = store instanceof EmbeddedStore ? store.sweepOrphanFiles() : 0;
  if (workspaces + chunks + files > 0)
    log?.warn(
      { workspaces, chunks, files },
      'removed workspace data an earlier crash left unreferenced',
    );
}

/**
 * Opens the store the configuration asks for: MongoDB at `mongodb_url` when set, else the
 * embedded store in `data_dir`. Indexes are created and unreferenced data swept; the store
 * is ready to use. Rejects when the database cannot be opened or reached.
 */
export async function openStore(config: StoreConfig, log?: Logger): Promise<Store> {
  const store =
    config.mongodb_url !== null
      ? await openMongoStore(config.mongodb_url)
      : await openEmbeddedStore(config.data_dir, log === undefined ? {} : { log });
  try {
    if (config.sweep !== false) await sweepOrphans(store, log);
  } catch (error) {
    await store.close();
    throw error;
  }
  log?.info(
    config.mongodb_url !== null
      ? { store: 'mongodb' }
      : { store: 'embedded', data_dir: config.data_dir },
    'store opened',
  );
  return store;
}
