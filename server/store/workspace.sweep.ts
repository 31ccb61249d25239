/**
 * Objects of workspaces that no longer exist. Deleting a workspace removes its document
 * first and its objects after (workspace.repo.ts, deleteWorkspace): a process that dies
 * in between, or a save still in flight while it ran, leaves objects no workspace owns.
 * They are removed at the next start, before the server serves.
 */
import type { Store } from './store.types.ts';

/**
 * Deletes the objects and chunks of every workspace id that has no workspace document;
 * returns how many workspace ids were swept. Run it only while nothing saves (at start).
 */
export async function sweepOrphanObjects(store: Store): Promise<number> {
  const gone = await findOrphanWorkspaceIds(store);
  await deleteWorkspaceData(store, gone);
  return gone.length;
}

/** The workspace ids that objects or chunks carry but no workspace document has. */
export async function findOrphanWorkspaceIds(store: Store): Promise<string[]> {
  const owned = new Set(
    (await store.workspaces.find({}, { projection: { _id: 1 } }).toArray()).map((w) => w._id),
  );
  const ids = new Set<string>();
  for (const collection of [store.workspaceObjects, store.workspaceBlobs] as const) {
    const docs = await collection.find({}, { projection: { workspaceId: 1 } }).toArray();
    for (const d of docs) if (!owned.has(d.workspaceId)) ids.add(d.workspaceId);
  }
  return [...ids];
}

/** Deletes the objects and chunks of the workspace ids `gone`. */
export async function deleteWorkspaceData(store: Store, gone: readonly string[]): Promise<void> {
  if (gone.length === 0) return;
  await store.workspaceObjects.deleteMany({ workspaceId: { $in: [...gone] } });
  await store.workspaceBlobs.deleteMany({ workspaceId: { $in: [...gone] } });
}
