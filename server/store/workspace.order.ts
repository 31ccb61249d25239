/**
 * Reordering a workspace's objects (docs/api.md, "Reports and export"): the named objects
 * take the places they already hold among the others (their `order` values, sorted), in
 * the new sequence; objects not named keep theirs. New objects still come last (their
 * order is their hash, larger than any before).
 */
import type { Store } from './store.types.ts';
import { objectId } from './workspace.repo.ts';

/**
 * Reorders of one workspace run one at a time in this process, so that one reorder's reads
 * never see another's half-written order. Not a rule across documents: reorders racing on
 * two processes can only leave ties in the order, never lose or duplicate an object.
 */
const reordering = new Map<string, Promise<unknown>>();

async function oneAtATime<R>(key: string, fn: () => Promise<R>): Promise<R> {
  const run = (reordering.get(key) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  reordering.set(key, tail);
  try {
    return await run;
  } finally {
    if (reordering.get(key) === tail) reordering.delete(key);
  }
}

/**
 * Puts the objects `names` of `workspaceId` in that order; the names not found, or null
 * when all were (then the order is stored). `userId` owns the workspace.
 */
export async function reorderObjects(
  store: Store,
  userId: string,
  workspaceId: string,
  names: readonly string[],
): Promise<string[] | null> {
  return oneAtATime(`${userId}/${workspaceId}`, async () => {
    const ids = names.map((n) => objectId(workspaceId, n));
    const docs = await store.workspaces.objectsByIds(ids);
    const found = new Set(docs.map((d) => d.name));
    const missing = names.filter((n) => !found.has(n));
    if (missing.length > 0) return missing;
    const slots = docs.map((d) => d.order).sort((a, b) => a - b);
    for (const [i, id] of ids.entries()) await store.workspaces.setOrder(id, slots[i] as number);
    await store.workspaces.touch(workspaceId, new Date());
    return null;
  });
}
