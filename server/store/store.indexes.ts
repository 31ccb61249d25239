/**
 * The indexes every backend creates at `init()`: the unique email, the TTLs on the
 * expiring documents, and the lookups the server makes (a user's workspaces, sessions and
 * tokens; a workspace's objects in order; a user's preference set by name).
 */
import type { CreateIndexesOptions } from 'mongodb';
import type { Store, StoreCollection } from './store.types.ts';

/** The name of one collection of the {@link Store}. */
export type CollectionName = {
  [K in keyof Store]: Store[K] extends StoreCollection<infer _D> ? K : never;
}[keyof Store];

/** The document type of collection `K` (`UserDoc` for `'users'`, ...). */
export type DocOf<K extends CollectionName> = Store[K] extends StoreCollection<infer D> ? D : never;

/** A record over every collection name: the compiler reports one missing from it. */
const EVERY_COLLECTION: { readonly [K in CollectionName]: true } = {
  users: true,
  verifyTokens: true,
  resetTokens: true,
  rememberTokens: true,
  sessions: true,
  preferences: true,
  connections: true,
  groups: true,
  shares: true,
  accessTokens: true,
};

/** The name of every collection of the {@link Store}, for a backend to go over them all. */
export const COLLECTION_NAMES = Object.keys(EVERY_COLLECTION) as readonly CollectionName[];

/** One index of the store's schema. */
export interface IndexDefinition {
  readonly collection: CollectionName;
  readonly key: Readonly<Record<string, 1 | -1>>;
  readonly options: CreateIndexesOptions;
}

/** Expire at `expiresAt` itself (MongoDB's monitor runs about once a minute). */
const ttl: CreateIndexesOptions = { expireAfterSeconds: 0 };

/** Every index of the store, in creation order. */
export const STORE_INDEXES: readonly IndexDefinition[] = [
  { collection: 'users', key: { email: 1 }, options: { unique: true } },
  { collection: 'verifyTokens', key: { expiresAt: 1 }, options: ttl },
  { collection: 'verifyTokens', key: { userId: 1 }, options: {} },
  { collection: 'resetTokens', key: { expiresAt: 1 }, options: ttl },
  { collection: 'resetTokens', key: { userId: 1 }, options: {} },
  { collection: 'rememberTokens', key: { expiresAt: 1 }, options: ttl },
  { collection: 'rememberTokens', key: { userId: 1 }, options: {} },
  { collection: 'sessions', key: { expiresAt: 1 }, options: ttl },
  { collection: 'sessions', key: { userId: 1 }, options: {} },
  { collection: 'preferences', key: { userId: 1, name: 1 }, options: { unique: true } },
  { collection: 'connections', key: { openedAt: 1 }, options: {} },
  { collection: 'groups', key: { ownerId: 1 }, options: {} },
  { collection: 'shares', key: { workspaceId: 1, target: 1 }, options: { unique: true } },
  { collection: 'shares', key: { target: 1 }, options: {} },
  { collection: 'accessTokens', key: { hash: 1 }, options: { unique: true } },
  { collection: 'accessTokens', key: { userId: 1 }, options: {} },
  { collection: 'accessTokens', key: { expiresAt: 1 }, options: ttl },
];

/** The collections with a TTL on `expiresAt`. */
export const EXPIRING_COLLECTIONS = [
  'verifyTokens',
  'resetTokens',
  'rememberTokens',
  'sessions',
  'accessTokens',
] as const;

/**
 * Creates every index of {@link STORE_INDEXES} on `store`; idempotent. (The workspaces
 * repository makes its own, after bringing workspaces of an older version under the
 * unique name index: workspace.mongo.ts.)
 */
export async function createStoreIndexes(store: Store): Promise<void> {
  for (const { collection, key, options } of STORE_INDEXES) {
    await store[collection].createIndex({ ...key }, options);
  }
}
