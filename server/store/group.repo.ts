/**
 * Groups (API 1.1): a user owns groups of other users to share workspaces with. A group's
 * members are kept in the order they were added, each once. Embedded:
 * embedded/group.sqlite.ts; MongoDB: mongo/group.mongo.ts.
 */

/** A group of users, owned by one user (MongoDB: collection `groups`). */
export interface GroupDoc {
  _id: string;
  ownerId: string;
  name: string;
  /** The members' user ids (verified accounts), in the order they were added. */
  memberIds: string[];
  createdAt: Date;
}

/** The groups; `store.groups`. */
export interface GroupRepository {
  /** Stores a new group (its `memberIds` included). */
  create(group: GroupDoc): Promise<void>;
  /** The group `groupId`, whoever owns it, or null. */
  find(groupId: string): Promise<GroupDoc | null>;
  /** The group `groupId` when `ownerId` owns it, else null. */
  findOwned(groupId: string, ownerId: string): Promise<GroupDoc | null>;
  /** Every group `ownerId` owns, oldest first. */
  listOwned(ownerId: string): Promise<GroupDoc[]>;
  /** How many groups `ownerId` owns. */
  countOwned(ownerId: string): Promise<number>;
  /** Renames the group `groupId`. */
  rename(groupId: string, name: string): Promise<void>;
  /** Adds `userId` last to the group's members, unless a member already (or no group). */
  addMember(groupId: string, userId: string): Promise<void>;
  /** Removes `userId` from the group's members (nothing when not a member). */
  removeMember(groupId: string, userId: string): Promise<void>;
  /** Deletes the group `groupId` of `ownerId`; false when `ownerId` owns no such group. */
  delete(groupId: string, ownerId: string): Promise<boolean>;
  /** The ids of the groups `userId` is a member of. */
  idsWithMember(userId: string): Promise<string[]>;
}
