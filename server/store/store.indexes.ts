/**
 * The indexes every backend creates at `init()`: the unique email, the TTLs on the
 * expiring documents, and the lookups the server makes (a user's workspaces, sessions and
 * tokens; a workspace's objects in order; a user's preference set by name).
 */
import type { CreateIndexesOptions } from 'mongodb';
import type { Store, StoreCollection } from './store.types.ts';
import { adoptOldWorkspaces } from './workspace.rules.ts';

/** The name of one collection of the {@link Store}. */
export type CollectionName = {
  [K in keyof Store]: Store[K] extends StoreCollection<infer _D> ? K : never;
}[keyof Store];

/** The document type of collection `K` (`UserDoc` for `'users'`, ...). */
export type DocOf<K extends CollectionName> = Store[K] extends StoreCollection<infer D> ? D : never;

/** A record over every collection name: the compiler reports one missing from it. */
const EVERY_COLLECTION: { readonly [K in CollectionName]: true } = {
  workspaces: true,
  workspaceCounts: true,
  workspaceObjects: true,
  workspaceBlobs: true,
};

/** The name of every collection of the {@link Store}, for a backend to go over them all. */
export const COLLECTION_NAMES = Object.keys(EVERY_COLLECTION) as readonly CollectionName[];

/** One index of the store's schema. */
export interface IndexDefinition {
  readonly collection: CollectionName;
  readonly key: Readonly<Record<string, 1 | -1>>;
  readonly options: CreateIndexesOptions;
}

/** Every index of the store, in creation order. */
export const STORE_INDEXES: readonly IndexDefinition[] = [
  { collection: 'workspaces', key: { userId: 1 }, options: {} },
  // a name once per user without case (workspace.rules.ts)
  { collection: 'workspaces', key: { userId: 1, nameKey: 1 }, options: { unique: true } },
  { collection: 'workspaceObjects', key: { workspaceId: 1, order: 1 }, options: {} },
  { collection: 'workspaceBlobs', key: { workspaceId: 1 }, options: {} },
];

/**
 * Creates every index of {@link STORE_INDEXES} on `store`, after bringing workspaces of
 * an older version under the unique name index; idempotent.
 */
export async function createStoreIndexes(store: Store): Promise<void> {
  await adoptOldWorkspaces(store);
  for (const { collection, key, options } of STORE_INDEXES) {
    await store[collection].createIndex({ ...key }, options);
  }
}
