/**
 * Read-only shares of a workspace (API 1.1) with a user (`user:ID`) or a group
 * (`group:ID`): one per workspace and target, a store rule (a unique key on both backends).
 * Embedded: embedded/share.sqlite.ts; MongoDB: mongo/share.mongo.ts.
 */

/** A read-only share of a workspace with one target (MongoDB: collection `shares`). */
export interface ShareDoc {
  _id: string;
  workspaceId: string;
  ownerId: string;
  /** `user:USERID` or `group:GROUPID`. */
  target: string;
  createdAt: Date;
}

/** The shares; `store.shares`. Lists are oldest share first. */
export interface ShareRepository {
  /**
   * Stores `share`, unless its workspace is shared with its target already: then that
   * share is returned as it is (two adds at once store one share).
   */
  add(share: ShareDoc): Promise<ShareDoc>;
  /** The shares of `workspaceId`. */
  listOf(workspaceId: string): Promise<ShareDoc[]>;
  /** How many shares `workspaceId` has. */
  countOf(workspaceId: string): Promise<number>;
  /** Deletes the share `shareId` of `workspaceId`; false when it has none such. */
  remove(shareId: string, workspaceId: string): Promise<boolean>;
  /** A share of `workspaceId` with any of `targets`, or null. */
  findFor(workspaceId: string, targets: readonly string[]): Promise<ShareDoc | null>;
  /** Every share with any of `targets`. */
  listFor(targets: readonly string[]): Promise<ShareDoc[]>;
  /** Deletes every share with `target` (a group deleted); returns how many. */
  deleteOfTarget(target: string): Promise<number>;
  /** Deletes every share of `workspaceId` (the workspace deleted); returns how many. */
  deleteOfWorkspace(workspaceId: string): Promise<number>;
}
