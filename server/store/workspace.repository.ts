/**
 * The workspaces domain's seam in the store (issue 18): `store.workspaces`, one repository
 * for a user's workspaces, their counters (the cap and "never the last one"), their objects
 * and the chunks of large values. workspace.repo.ts (and the rules, blobs, order and sweep
 * modules beside it) build the server's operations on it; each backend implements it: plain
 * SQLite tables (embedded/workspace.sqlite.ts) or the driver's collections
 * `workspaces`, `workspaceCounts`, `workspaceObjects`, `workspaceBlobs`
 * (mongo/workspace.mongo.ts). Every write is a single atomic statement or document
 * operation; a name taken (unique per user by `nameKey`) fails with code 11000.
 */
import type { WorkspaceBlobDoc, WorkspaceDoc, WorkspaceObjectDoc } from './store.types.ts';

/** What an object save writes: the document without its `order` (kept, or its hash). */
export type ObjectWrite = Omit<WorkspaceObjectDoc, 'order'>;

/** A chunk as the sweeps see it: no data. */
export interface ChunkInfo {
  readonly _id: string;
  readonly workspaceId: string;
  /** When it was written; chunks of older versions count as written at time 0. */
  readonly createdAt: Date;
}

/** The workspaces, counters, objects and chunks of every user; `store.workspaces`. */
export interface WorkspaceRepository {
  /** Creates tables or indexes (and adopts data of older versions); idempotent. */
  init(): Promise<void>;

  /** Adds a workspace; a duplicate `_id` or `{userId, nameKey}` fails with code 11000. */
  insert(doc: WorkspaceDoc): Promise<void>;
  /** The workspace `id`, whoever owns it. */
  byId(id: string): Promise<WorkspaceDoc | null>;
  /** The workspace `id` if `userId` owns it. */
  ofUser(userId: string, id: string): Promise<WorkspaceDoc | null>;
  /** The workspaces of `userId`, oldest first (ties by id). */
  listOfUser(userId: string): Promise<WorkspaceDoc[]>;
  /** How many workspaces `userId` has (everyone's when undefined). */
  count(userId?: string): Promise<number>;
  /** Every workspace id (the sweeps). */
  ids(): Promise<string[]>;
  /** Renames a workspace of `userId`; it renamed, or null. A name taken fails with 11000. */
  rename(
    userId: string,
    id: string,
    change: { name: string; nameKey: string; updatedAt: Date },
  ): Promise<WorkspaceDoc | null>;
  /** Sets `updatedAt`. */
  touch(id: string, at: Date): Promise<void>;
  /** Adds `n` to `nextHash` (and sets `updatedAt`); the value before, or null: no workspace. */
  reserveHashes(id: string, n: number, at: Date): Promise<number | null>;
  /** Sets `nextHash` (a copy's, sharing.repo.ts). */
  setNextHash(id: string, nextHash: number): Promise<void>;
  /** Deletes workspace `id` of `userId` (not its objects); false when there was none. */
  remove(userId: string, id: string): Promise<boolean>;
  /** Deletes every workspace of `userId` and their counter (not the objects). */
  removeUser(userId: string): Promise<void>;

  /** Counts one more workspace of `userId` unless it has `max`; false at `max`. */
  countUp(userId: string, max: number): Promise<boolean>;
  /** Counts one fewer unless it is the last one; false when it is. */
  countDown(userId: string): Promise<boolean>;
  /** Gives back a place taken by {@link countDown}. */
  countBack(userId: string): Promise<void>;

  /** The object document `id`. */
  findObject(id: string): Promise<WorkspaceObjectDoc | null>;
  /** The object documents of `workspaceId`, by `order`. */
  objectsOf(workspaceId: string): Promise<WorkspaceObjectDoc[]>;
  /** The object documents among `ids`. */
  objectsByIds(ids: readonly string[]): Promise<WorkspaceObjectDoc[]>;
  /** The `object` of every object document (which chunks are named: the sweeps). */
  everyObject(): Promise<unknown[]>;
  /**
   * Writes an object document: a new one gets `order` = its hash, a replaced one keeps its
   * order. The document it replaced, or null. Only a larger hash replaces a stored object:
   * otherwise it rejects with a StaleObjectError and changes nothing.
   */
  putObject(doc: ObjectWrite): Promise<WorkspaceObjectDoc | null>;
  /** Adds an object document as it is (a copy); a duplicate `_id` fails with 11000. */
  insertObject(doc: WorkspaceObjectDoc): Promise<void>;
  /** Deletes object `id` while its hash is `hash`; false when it was not (any more). */
  removeObject(id: string, hash: number): Promise<boolean>;
  /** Sets the `order` of object `id`. */
  setOrder(id: string, order: number): Promise<void>;

  /**
   * Adds chunks, all on disk when this resolves (the embedded store writes large bytes side
   * by side and commits their rows together). When it rejects (a duplicate `_id` fails with
   * 11000) any of them may have been added: the caller removes them by id.
   */
  insertChunks(chunks: readonly WorkspaceBlobDoc[]): Promise<void>;
  /** The data of the chunks `ids` of `workspaceId` found, by id (bytes, or a JSON array). */
  chunkData(workspaceId: string, ids: readonly string[]): Promise<Map<string, unknown>>;
  /** Every chunk, without its data (of `workspaceId` only, when given). */
  chunkList(workspaceId?: string): Promise<ChunkInfo[]>;
  /** Deletes the chunks `ids`. */
  removeChunks(ids: readonly string[]): Promise<void>;
  /** Deletes every object and chunk of the workspaces `workspaceIds`. */
  removeData(workspaceIds: readonly string[]): Promise<void>;
  /** The workspace ids that objects or chunks carry. */
  dataWorkspaceIds(): Promise<string[]>;
}
