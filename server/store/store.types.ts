/**
 * The store's contract: the documents the server keeps and the subset of the MongoDB
 * driver's `Collection` API the code uses. A real driver collection satisfies
 * {@link StoreCollection} as it is; the embedded backend implements the same subset over
 * SQLite with mingo's query semantics. Duplicate keys fail with `code: 11000` on both.
 */
import type {
  Document,
  Filter,
  FindOptions,
  IndexSpecification,
  CreateIndexesOptions,
  OptionalUnlessRequiredId,
  UpdateFilter,
  WithId,
  Sort,
} from 'mongodb';
import type { ConnectionRepository } from './connection.repo.ts';
import type { GroupRepository } from './group.repo.ts';
import type { LeaseRepository } from './lease.repo.ts';
import type { PreferenceRepository } from './preference.repo.ts';
import type { SessionRepository } from './session.repo.ts';
import type { ShareRepository } from './share.repo.ts';

// The repositories of issue 18 keep their documents' types beside their interfaces.
export type { ConnectionLogDoc, ConnectionRepository } from './connection.repo.ts';
export type { GroupDoc, GroupRepository } from './group.repo.ts';
export type { LeaseDoc, LeaseRepository } from './lease.repo.ts';
export type { PreferenceDoc, PreferencePut, PreferenceRepository } from './preference.repo.ts';
export type { SessionDoc, SessionRepository } from './session.repo.ts';
export type { ShareDoc, ShareRepository } from './share.repo.ts';
import type { AccountRepository } from './account.repo.ts';
import type { TokenRepository } from './token.repo.ts';

/** A cursor over found documents (the driver's FindCursor subset). */
export interface StoreCursor<T> {
  sort(sort: Sort): StoreCursor<T>;
  skip(n: number): StoreCursor<T>;
  limit(n: number): StoreCursor<T>;
  toArray(): Promise<T[]>;
}

/** The subset of the driver's Collection<T> that the server uses. */
export interface StoreCollection<T extends Document> {
  insertOne(doc: OptionalUnlessRequiredId<T>): Promise<{ acknowledged: boolean }>;
  findOne(filter: Filter<T>, options?: FindOptions): Promise<WithId<T> | null>;
  find(filter: Filter<T>, options?: FindOptions): StoreCursor<WithId<T>>;
  updateOne(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options?: { upsert?: boolean },
  ): Promise<{ matchedCount: number; modifiedCount: number; upsertedCount: number }>;
  updateMany(
    filter: Filter<T>,
    update: UpdateFilter<T>,
  ): Promise<{ matchedCount: number; modifiedCount: number }>;
  findOneAndUpdate(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: { returnDocument: 'before' | 'after'; upsert?: boolean },
  ): Promise<WithId<T> | null>;
  deleteOne(filter: Filter<T>): Promise<{ deletedCount: number }>;
  deleteMany(filter: Filter<T>): Promise<{ deletedCount: number }>;
  countDocuments(filter?: Filter<T>): Promise<number>;
  createIndex(spec: IndexSpecification, options?: CreateIndexesOptions): Promise<string>;
}

/** A workspace of one user; its objects live in {@link WorkspaceObjectDoc}s. */
export interface WorkspaceDoc {
  _id: string;
  userId: string;
  name: string;
  /** `name` lower-cased: unique per user (workspace.rules.ts). */
  nameKey: string;
  createdAt: Date;
  updatedAt: Date;
  /** The next `hash` to give an object of this workspace (never reused). */
  nextHash: number;
}

/**
 * How many workspaces one user has, for the cap and "never the last one"
 * (workspace.rules.ts); `_id` is the user's id. Never more than the workspaces that exist.
 */
export interface WorkspaceCountDoc {
  _id: string;
  count: number;
}

/** One PanthR object of a workspace (a request with its result, a dataset, ...). */
export interface WorkspaceObjectDoc {
  /** `${workspaceId}/${name}`: names are unique in a workspace. */
  _id: string;
  workspaceId: string;
  name: string;
  hash: number;
  /** Order of creation, so a workspace reloads in the order it was built. */
  order: number;
  object: Record<string, unknown>;
}

/**
 * One chunk of a large `values` of a workspace object: the object document holds a
 * reference in its place (see workspace.repo.ts), so that no document nears MongoDB's 16 MB
 * limit and replacing an object never rewrites or re-reads its data.
 */
export interface WorkspaceBlobDoc {
  /** `${objectId}@${hash}#${index}`: a new hash, new chunks; chunks are never updated. */
  _id: string;
  workspaceId: string;
  /** Bytes (written as a Buffer, read back as BSON Binary) or a slice of a JSON array. */
  data: unknown;
}

/** Every collection of the store. */
export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  /** The registered accounts (account.repo.ts). */
  readonly accounts: AccountRepository;
  /** Link, remember-me and access tokens of accounts (token.repo.ts). */
  readonly tokens: TokenRepository;
  /** HTTP sessions (session.repo.ts). */
  readonly sessions: SessionRepository;
  /** Named preference sets (preference.repo.ts). */
  readonly preferences: PreferenceRepository;
  readonly workspaces: StoreCollection<WorkspaceDoc>;
  readonly workspaceCounts: StoreCollection<WorkspaceCountDoc>;
  readonly workspaceObjects: StoreCollection<WorkspaceObjectDoc>;
  readonly workspaceBlobs: StoreCollection<WorkspaceBlobDoc>;
  /** The connection log (connection.repo.ts). */
  readonly connections: ConnectionRepository;
  /** Groups of users (group.repo.ts). */
  readonly groups: GroupRepository;
  /** Read-only shares of workspaces (share.repo.ts). */
  readonly shares: ShareRepository;
  /** Which node holds which user's R session (lease.repo.ts). */
  readonly leases: LeaseRepository;
  /** Creates the indexes (unique email, TTLs); idempotent. */
  init(): Promise<void>;
  /** Deletes expired tokens and sessions (the embedded backend has no TTL monitor). */
  sweepExpired(now?: Date): Promise<void>;
  /** Closes the underlying database; idempotent. */
  close(): Promise<void>;
}
