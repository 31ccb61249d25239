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
import type { LeaseRepository } from './lease.repo.ts';
import type { WorkspaceRepository } from './workspace.repository.ts';

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

/** A registered account. `email` is trimmed and lower-cased; it is the username. */
export interface UserDoc {
  _id: string;
  email: string;
  passwordHash: string;
  verified: boolean;
  createdAt: Date;
  /** The workspace restored at the next login. */
  currentWorkspace: string;
  /** The preference set in use, if any. */
  currentPreferences?: string | null;
}

/** A single-use email verification token; `_id` is the token's SHA-256 (hex). */
export interface VerifyTokenDoc {
  _id: string;
  userId: string;
  expiresAt: Date;
}

/** A single-use password-reset token; `_id` is the token's SHA-256 (hex). */
export interface ResetTokenDoc {
  _id: string;
  userId: string;
  expiresAt: Date;
}

/**
 * A "keep me logged in" token: `_id` is the public selector, `validatorHash` the SHA-256 of
 * the secret validator. A replaced token is kept (with `replacedAt`) until it expires, so
 * that presenting it again is recognised as theft.
 */
export interface RememberTokenDoc {
  _id: string;
  userId: string;
  validatorHash: string;
  expiresAt: Date;
  replacedAt?: Date | null;
}

/** An HTTP session (express-session data). */
export interface SessionDoc {
  _id: string;
  session: Record<string, unknown>;
  userId?: string | null;
  expiresAt: Date;
}

/** A named preference set of one user. */
export interface PreferenceDoc {
  _id: string;
  userId: string;
  name: string;
  settings: Record<string, unknown>;
  updatedAt: Date;
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
  /**
   * When it was written: a start-up sweep leaves younger chunks alone, since another node
   * may be saving the object that will name them (workspace.blobs.ts, issue 19).
   */
  createdAt: Date;
}

/** One client connection, for the connection log. Never holds data values. */
export interface ConnectionLogDoc {
  _id: string;
  userId: string | null;
  address: string;
  openedAt: Date;
  closedAt?: Date | null;
  reason?: string | null;
  messages?: number;
}

/** A group of users, owned by one user, to share workspaces with (API 1.1). */
export interface GroupDoc {
  _id: string;
  ownerId: string;
  name: string;
  /** The members' user ids (verified accounts), in the order they were added. */
  memberIds: string[];
  createdAt: Date;
}

/** A read-only share of a workspace with one user (`user:ID`) or a group (`group:ID`). */
export interface ShareDoc {
  _id: string;
  workspaceId: string;
  ownerId: string;
  /** `user:USERID` or `group:GROUPID`. */
  target: string;
  createdAt: Date;
}

/**
 * A personal access token (API 1.1): `hash` is the SHA-256 of the token text, which is
 * shown once and never stored.
 */
export interface AccessTokenDoc {
  _id: string;
  userId: string;
  name: string;
  scopes: ('read' | 'compute')[];
  hash: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt?: Date | null;
}

/** Every collection of the store. */
export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  readonly users: StoreCollection<UserDoc>;
  readonly verifyTokens: StoreCollection<VerifyTokenDoc>;
  readonly resetTokens: StoreCollection<ResetTokenDoc>;
  readonly rememberTokens: StoreCollection<RememberTokenDoc>;
  readonly sessions: StoreCollection<SessionDoc>;
  readonly preferences: StoreCollection<PreferenceDoc>;
  /** Workspaces, their counters, objects and chunks (workspace.repository.ts). */
  readonly workspaces: WorkspaceRepository;
  readonly connections: StoreCollection<ConnectionLogDoc>;
  readonly groups: StoreCollection<GroupDoc>;
  readonly shares: StoreCollection<ShareDoc>;
  readonly accessTokens: StoreCollection<AccessTokenDoc>;
  /** Which node holds which user's R session (lease.repo.ts). */
  readonly leases: LeaseRepository;
  /** Creates the indexes (unique email, TTLs); idempotent. */
  init(): Promise<void>;
  /** Deletes expired tokens and sessions (the embedded backend has no TTL monitor). */
  sweepExpired(now?: Date): Promise<void>;
  /** Closes the underlying database; idempotent. */
  close(): Promise<void>;
}
