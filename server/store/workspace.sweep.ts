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
  // Data first: a workspace created after this read owns nothing read here.
  const carried = await store.workspaces.dataWorkspaceIds();
  const owned = new Set(await store.workspaces.ids());
  return carried.filter((id) => !owned.has(id));
}

/** Deletes the objects and chunks of the workspace ids `gone`. */
export async function deleteWorkspaceData(store: Store, gone: readonly string[]): Promise<void> {
  if (gone.length === 0) return;
  await store.workspaces.removeData(gone);
}
