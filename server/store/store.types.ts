/**
 * The store's contract: one repository per domain (issue 18), each a small interface named
 * for what the server does, implemented twice: over plain SQLite tables (embedded/) and
 * over the MongoDB driver's collections (mongo/). A unique rule broken fails with
 * `code: 11000` (DuplicateKeyError) on both. One contract suite (test/contract/) runs on both.
 */
import type { AccountRepository } from './account.repo.ts';
import type { ConnectionRepository } from './connection.repo.ts';
import type { GroupRepository } from './group.repo.ts';
import type { LeaseRepository } from './lease.repo.ts';
import type { PreferenceRepository } from './preference.repo.ts';
import type { SessionRepository } from './session.repo.ts';
import type { ShareRepository } from './share.repo.ts';
import type { TokenRepository } from './token.repo.ts';
import type { WorkspaceRepository } from './workspace.repository.ts';

// The repositories keep their documents' types beside their interfaces.
export type { ConnectionLogDoc, ConnectionRepository } from './connection.repo.ts';
export type { GroupDoc, GroupRepository } from './group.repo.ts';
export type { LeaseDoc, LeaseRepository } from './lease.repo.ts';
export type { PreferenceDoc, PreferencePut, PreferenceRepository } from './preference.repo.ts';
export type { SessionDoc, SessionRepository } from './session.repo.ts';
export type { ShareDoc, ShareRepository } from './share.repo.ts';

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

/** Every repository of the store. */
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
  /** Workspaces, their counters, objects and chunks (workspace.repository.ts). */
  readonly workspaces: WorkspaceRepository;
  /** The connection log (connection.repo.ts). */
  readonly connections: ConnectionRepository;
  /** Groups of users (group.repo.ts). */
  readonly groups: GroupRepository;
  /** Read-only shares of workspaces (share.repo.ts). */
  readonly shares: ShareRepository;
  /** Which node holds which user's R session (lease.repo.ts). */
  readonly leases: LeaseRepository;
  /** Creates every repository's tables or indexes; idempotent. */
  init(): Promise<void>;
  /** Deletes expired tokens and sessions (the embedded backend has no TTL monitor). */
  sweepExpired(now?: Date): Promise<void>;
  /** Closes the underlying database; idempotent. */
  close(): Promise<void>;
}
