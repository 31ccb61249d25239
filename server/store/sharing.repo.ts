/**
 * Sharing (API 1.1): groups a user owns, read-only shares of a workspace with a user or a
 * group, who may read a workspace, and copying one into a workspace of one's own. Used by
 * the REST routes and by the realtime layer alike.
 */
import { randomUUID } from 'node:crypto';
import type { GroupDoc, ShareDoc, Store, WorkspaceDoc } from './store.types.ts';
import { bytesOrJson, renameBlobRefs } from './workspace.blobs.ts';
import { createWorkspace, currentWorkspace, objectId } from './workspace.repo.ts';

/** How a user may use a workspace. */
export type WorkspaceAccess = 'owner' | 'reader';

/** The share target of a user. */
export function userTarget(userId: string): string {
  return `user:${userId}`;
}

/** The share target of a group. */
export function groupTarget(groupId: string): string {
  return `group:${groupId}`;
}

/** Every share target that reaches `userId`: the user and each group they belong to. */
async function targetsOf(store: Store, userId: string): Promise<string[]> {
  const groupIds = await store.groups.idsWithMember(userId);
  return [userTarget(userId), ...groupIds.map(groupTarget)];
}

/** The workspace with `userId`'s access to it (owner, or reader through a share), or null. */
export async function accessibleWorkspace(
  store: Store,
  userId: string,
  workspaceId: string,
): Promise<{ workspace: WorkspaceDoc; access: WorkspaceAccess } | null> {
  const workspace = await store.workspaces.byId(workspaceId);
  if (workspace === null) return null;
  if (workspace.userId === userId) return { workspace, access: 'owner' };
  const targets = await targetsOf(store, userId);
  const share = await store.shares.findFor(workspaceId, targets);
  return share === null ? null : { workspace, access: 'reader' };
}

/** The workspaces shared with `userId`, directly or through a group, oldest share first. */
export async function sharedWith(
  store: Store,
  userId: string,
): Promise<{ workspace: WorkspaceDoc; ownerEmail: string }[]> {
  const shares = await store.shares.listFor(await targetsOf(store, userId));
  const seen = new Set<string>();
  const out: { workspace: WorkspaceDoc; ownerEmail: string }[] = [];
  for (const share of shares) {
    if (seen.has(share.workspaceId) || share.ownerId === userId) continue;
    seen.add(share.workspaceId);
    const workspace = await store.workspaces.byId(share.workspaceId);
    const owner = await store.accounts.findById(share.ownerId);
    if (workspace !== null && owner !== null) out.push({ workspace, ownerEmail: owner.email });
  }
  return out;
}

/** Creates a group owned by `ownerId`. */
export async function createGroup(store: Store, ownerId: string, name: string): Promise<GroupDoc> {
  const group: GroupDoc = {
    _id: randomUUID(),
    ownerId,
    name,
    memberIds: [],
    createdAt: new Date(),
  };
  await store.groups.create(group);
  return group;
}

/** Deletes a group of `ownerId` and every share made with it; true when there was one. */
export async function deleteGroup(
  store: Store,
  ownerId: string,
  groupId: string,
): Promise<boolean> {
  const deleted = await store.groups.delete(groupId, ownerId);
  if (deleted) await store.shares.deleteOfTarget(groupTarget(groupId));
  return deleted;
}

/** Deletes every share of `workspaceId` (the workspace is being deleted). */
export async function deleteSharesOf(store: Store, workspaceId: string): Promise<void> {
  await store.shares.deleteOfWorkspace(workspaceId);
}

/** Adds a read-only share; an existing one of the same target is returned as it is. */
export async function addShare(
  store: Store,
  workspace: WorkspaceDoc,
  target: string,
): Promise<ShareDoc> {
  return store.shares.add({
    _id: randomUUID(),
    workspaceId: workspace._id,
    ownerId: workspace.userId,
    target,
    createdAt: new Date(),
  });
}

/**
 * Copies workspace `source` (every object, results included) into a new workspace of
 * `userId` named `name`. One object document and one chunk at a time: large values are
 * never all in memory. Objects keep their hashes and order; the copy's `nextHash` follows.
 */
export async function copyWorkspace(
  store: Store,
  source: WorkspaceDoc,
  userId: string,
  name: string,
): Promise<WorkspaceDoc> {
  const copy = await createWorkspace(store, userId, name);
  const docs = await store.workspaces.objectsOf(source._id);
  let maxHash = 0;
  for (const doc of docs) {
    const _id = objectId(copy._id, doc.name);
    let n = 0;
    const renamed = new Map<string, string>();
    const object = renameBlobRefs(doc.object, (old) => {
      const id = `${_id}@${doc.hash}#${n++}`;
      renamed.set(old, id);
      return id;
    });
    // Chunks before the document that names them (workspace.blobs.ts).
    for (const [old, id] of renamed) {
      const data = (await store.workspaces.chunkData(source._id, [old])).get(old);
      if (data !== undefined)
        await store.workspaces.insertChunks([
          { _id: id, workspaceId: copy._id, data: bytesOrJson(data), createdAt: new Date() },
        ]);
    }
    await store.workspaces.insertObject({ ...doc, _id, workspaceId: copy._id, object });
    maxHash = Math.max(maxHash, doc.hash);
  }
  const nextHash = Math.max(source.nextHash, maxHash + 1);
  await store.workspaces.setNextHash(copy._id, nextHash);
  return { ...copy, nextHash };
}

/**
 * The current workspace of `userId` with `readOnly` set when it is another user's, shared
 * with them. A shared workspace they can no longer read is forgotten: their own current
 * one (as {@link currentWorkspace} finds it) takes its place.
 */
export async function currentWorkspaceAccess(
  store: Store,
  userId: string,
): Promise<{ id: string; name: string; readOnly: boolean }> {
  const user = await store.accounts.findById(userId);
  if (user !== null) {
    const found = await accessibleWorkspace(store, userId, user.currentWorkspace);
    if (found !== null) {
      const { workspace, access } = found;
      return { id: workspace._id, name: workspace.name, readOnly: access === 'reader' };
    }
  }
  return { ...(await currentWorkspace(store, userId)), readOnly: false };
}

/**
 * {@link currentWorkspaceAccess} as the HTTP answers show it (a login, `/api/v1/me`):
 * `read_only: true` only on a workspace shared with the user.
 */
export async function currentWorkspaceView(
  store: Store,
  userId: string,
): Promise<{ id: string; name: string; read_only?: true }> {
  const { id, name, readOnly } = await currentWorkspaceAccess(store, userId);
  return readOnly ? { id, name, read_only: true } : { id, name };
}
