/**
 * Workspaces and their objects, on top of the store's workspaces repository
 * (workspace.repository.ts); used by the accounts
 * routes and by the realtime handlers alike. Ids are random UUIDs. An object's `hash` comes
 * from an atomic `$inc` of the workspace's `nextHash`, so it is never reused, even after
 * the object is deleted or replaced.
 */
import { randomUUID } from 'node:crypto';
import type { StoredPanthrObject } from '../../converters/index.ts';
import { isDuplicateKeyError, StaleObjectError } from './store.errors.ts';
import {
  countWorkspace,
  nameKey,
  recountWorkspace,
  uncountWorkspace,
  WorkspaceRuleError,
} from './workspace.rules.ts';
import type { Store, WorkspaceBlobDoc, WorkspaceDoc } from './store.types.ts';
import {
  blobIds,
  CHUNK_SWEEP_MIN_AGE_MS,
  ChunkMemory,
  deleteBlobs,
  joinBlobs,
  splitBlobs,
  unnamedChunks,
} from './workspace.blobs.ts';

/** A PanthR object as the workspace keeps it (API.md §3): at least a `name`. */
export type WorkspaceObject = Record<string, unknown> & { name: string };

/**
 * A stored object as the store returns it: the converters' PanthR object (its index entry)
 * with the `hash` the store gave it, still readable as a plain record (the store keeps
 * objects as records and validates nothing). Sound because the only writers of object
 * records are the realtime layer's `save` (objects the compute layer made from requests
 * validateObject accepted) and the store's copy of a whole workspace (sharing.repo.ts),
 * whose objects came from there. Hidden records ({@link HIDDEN_PREFIX}) are the server's
 * own, saved and found by name, and {@link loadObjects} leaves them out.
 */
export type StoredObject = StoredPanthrObject & WorkspaceObject & { hash: number };

/** What {@link deleteWorkspace} did. */
export type DeleteWorkspaceResult = 'deleted' | 'not_found' | 'last_workspace';

/**
 * Creates an empty workspace named `name` for `userId` and returns it. Throws
 * {@link WorkspaceRuleError} when they have a workspace of that name (without case) or
 * {@link MAX_WORKSPACES} of them: store rules, kept across processes (workspace.rules.ts).
 */
export async function createWorkspace(
  store: Store,
  userId: string,
  name: string,
): Promise<WorkspaceDoc> {
  const now = new Date();
  const doc: WorkspaceDoc = {
    _id: randomUUID(),
    userId,
    name,
    nameKey: nameKey(name),
    createdAt: now,
    updatedAt: now,
    nextHash: 1,
  };
  try {
    await store.workspaces.insert(doc);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new WorkspaceRuleError('name_taken', { cause: error });
    throw error;
  }
  // Counted once it exists (the counter never exceeds what exists); over the cap, undone.
  if (!(await countWorkspace(store, userId))) {
    await store.workspaces.remove(userId, doc._id);
    throw new WorkspaceRuleError('cap');
  }
  return doc;
}

/** Name of the workspace every account starts with. */
export const FIRST_WORKSPACE_NAME = 'Workspace 1';

/**
 * The current workspace of `userId`. Every user has one: when the recorded one is gone
 * (deleted elsewhere), the oldest remaining becomes current, or a new one is created.
 */
export async function currentWorkspace(
  store: Store,
  userId: string,
): Promise<{ id: string; name: string }> {
  const user = await store.accounts.findById(userId);
  const current = user === null ? null : await getWorkspace(store, userId, user.currentWorkspace);
  if (current !== null) return { id: current._id, name: current.name };
  const workspace =
    (await listWorkspaces(store, userId))[0] ?? (await createFirstWorkspace(store, userId));
  await store.accounts.setCurrentWorkspace(userId, workspace._id);
  return { id: workspace._id, name: workspace.name };
}

/** A user's first workspace; when another request made it at once, that one. */
async function createFirstWorkspace(store: Store, userId: string): Promise<WorkspaceDoc> {
  try {
    return await createWorkspace(store, userId, FIRST_WORKSPACE_NAME);
  } catch (error) {
    const made = (await listWorkspaces(store, userId))[0];
    if (!(error instanceof WorkspaceRuleError) || made === undefined) throw error;
    return made;
  }
}

/** The workspaces of `userId`, oldest first. */
export async function listWorkspaces(store: Store, userId: string): Promise<WorkspaceDoc[]> {
  return store.workspaces.listOfUser(userId);
}

/** The workspace `workspaceId` if it belongs to `userId`, else null. */
export async function getWorkspace(
  store: Store,
  userId: string,
  workspaceId: string,
): Promise<WorkspaceDoc | null> {
  return store.workspaces.ofUser(userId, workspaceId);
}

/**
 * Renames a workspace of `userId`; returns it renamed, or null when it is not theirs.
 * Throws {@link WorkspaceRuleError} `name_taken` when another of theirs has that name.
 */
export async function renameWorkspace(
  store: Store,
  userId: string,
  workspaceId: string,
  name: string,
): Promise<WorkspaceDoc | null> {
  try {
    return await store.workspaces.rename(userId, workspaceId, {
      name,
      nameKey: nameKey(name),
      updatedAt: new Date(),
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new WorkspaceRuleError('name_taken', { cause: error });
    throw error;
  }
}

/**
 * Deletes a workspace of `userId` with its objects, unless it is their last one (a store
 * rule: workspace.rules.ts). When it was the user's current workspace, the most recently
 * updated remaining one becomes current. The document goes first, then the objects: a
 * process that dies in between leaves objects no workspace owns, which the next start
 * sweeps (workspace.sweep.ts).
 */
export async function deleteWorkspace(
  store: Store,
  userId: string,
  workspaceId: string,
): Promise<DeleteWorkspaceResult> {
  if ((await getWorkspace(store, userId, workspaceId)) === null) return 'not_found';
  // Uncounted before it goes, so that the counter never exceeds what exists.
  if (!(await uncountWorkspace(store, userId))) return 'last_workspace';
  const rest = (await listWorkspaces(store, userId)).filter((w) => w._id !== workspaceId);
  const next = rest.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
  if (next !== undefined) await store.accounts.setCurrentWorkspace(userId, next._id, workspaceId);
  blocksOf(store).delete(workspaceId);
  if (!(await store.workspaces.remove(userId, workspaceId))) {
    // Deleted meanwhile by another request, which uncounted it too.
    await recountWorkspace(store, userId);
    return 'not_found';
  }
  await deleteWorkspaceObjects(store, [workspaceId]);
  // Its shares go with it (sharing.repo.ts): nobody keeps a way to a deleted workspace.
  await store.shares.deleteOfWorkspace(workspaceId);
  return 'deleted';
}

/**
 * Replaces every workspace of `userId` with one empty {@link FIRST_WORKSPACE_NAME}, made
 * current (a purge of the user's data). Works at the cap and when a workspace has that name:
 * the others go first, the new one is made under a passing name and takes its name last.
 */
export async function resetWorkspaces(store: Store, userId: string): Promise<WorkspaceDoc> {
  const [keep, ...others] = await listWorkspaces(store, userId);
  for (const w of others) await deleteWorkspace(store, userId, w._id);
  const fresh = await createWorkspace(store, userId, `${FIRST_WORKSPACE_NAME} ${randomUUID()}`);
  await store.accounts.setCurrentWorkspace(userId, fresh._id);
  if (keep !== undefined) await deleteWorkspace(store, userId, keep._id);
  return (await renameWorkspace(store, userId, fresh._id, FIRST_WORKSPACE_NAME)) ?? fresh;
}

/**
 * Hashes are reserved from a workspace's `nextHash` in blocks, so that most saves are one
 * write, not two. A block's unused hashes are skipped, never reused (a restart, or two
 * processes on one MongoDB, just leave gaps). The workspace's `updatedAt` moves with each
 * reservation.
 */
const HASH_BLOCK = 64;
/** Per workspace: the unused hashes of this process's block, and its blocks' ranges. */
interface HashBlocks {
  next: number;
  end: number;
  /** The `[first, end)` of the blocks reserved since the last forget, the latest few. */
  ranges: [number, number][];
}
/** How many block ranges a workspace remembers (saves racing each reserve one). */
const KEPT_RANGES = 32;
const hashBlocks = new WeakMap<Store, Map<string, HashBlocks>>();

function blocksOf(store: Store): Map<string, HashBlocks> {
  let blocks = hashBlocks.get(store);
  if (blocks === undefined) {
    blocks = new Map();
    hashBlocks.set(store, blocks);
  }
  return blocks;
}

/** The next hash of `workspaceId`, or null when the workspace does not exist. */
async function nextHash(store: Store, workspaceId: string): Promise<number | null> {
  const blocks = blocksOf(store);
  const block = blocks.get(workspaceId);
  if (block !== undefined && block.next < block.end) return block.next++;
  const first = await store.workspaces.reserveHashes(workspaceId, HASH_BLOCK, new Date());
  if (first === null) {
    blocks.delete(workspaceId);
    return null;
  }
  const end = first + HASH_BLOCK;
  const ranges = [...(blocks.get(workspaceId)?.ranges ?? []), [first, end] as [number, number]];
  blocks.set(workspaceId, { next: first + 1, end, ranges: ranges.slice(-KEPT_RANGES) });
  return first;
}

/** True when `hash` came from a block this process reserved for `workspaceId`. */
function issuedHere(store: Store, workspaceId: string, hash: number): boolean {
  const ranges = blocksOf(store).get(workspaceId)?.ranges ?? [];
  return ranges.some(([first, end]) => hash >= first && hash < end);
}

/**
 * Drops this process's unused hashes of `workspaceId`: a session that (re)takes a user on a
 * cluster reserves a new block, above whatever another node saved while it held the user
 * (an older hash would be refused, StaleObjectError).
 */
export function forgetHashBlock(store: Store, workspaceId: string): void {
  blocksOf(store).delete(workspaceId);
}

/** The `_id` of the object named `name` in `workspaceId`. */
export function objectId(workspaceId: string, name: string): string {
  return `${workspaceId}/${name}`;
}

/** Deletes every object of the workspaces `workspaceIds` (their chunks included). */
export async function deleteWorkspaceObjects(
  store: Store,
  workspaceIds: readonly string[],
): Promise<void> {
  if (workspaceIds.length === 0) return;
  for (const id of workspaceIds) chunkMemory(store).forgetWorkspace(id);
  await store.workspaces.removeData(workspaceIds);
}

/**
 * Deletes every workspace of `userId` with its objects, and their counter (the user is
 * being deleted: no rule holds for them any more).
 */
export async function purgeUserWorkspaces(store: Store, userId: string): Promise<void> {
  const workspaces = await store.workspaces.listOfUser(userId);
  for (const w of workspaces) blocksOf(store).delete(w._id);
  await deleteWorkspaceObjects(
    store,
    workspaces.map((w) => w._id),
  );
  await store.workspaces.removeUser(userId);
}

/**
 * Stores `object` in `workspaceId` with a fresh `hash` and returns it with that hash. An
 * object with the same name is replaced and keeps its place in the creation order. Large
 * values go to chunks of their own (workspace.blobs.ts): written before the document (or
 * shared with another document of the workspace holding the very same values), and the
 * replaced object's chunks that no document names any more deleted after it. Returns null when the workspace does not
 * exist.
 */
export async function saveObject(
  store: Store,
  workspaceId: string,
  object: WorkspaceObject,
): Promise<StoredObject | null> {
  const hash = await nextHash(store, workspaceId);
  if (hash === null) return null;
  const stored = { ...object, hash } as StoredObject;
  const _id = objectId(workspaceId, object.name);
  // Values saved before in this workspace (under this object or another) keep their chunks.
  const memory = chunkMemory(store);
  const { doc, blobs, placed } = splitBlobs(
    stored,
    workspaceId,
    `${_id}@${hash}`,
    memory.reuseFor(workspaceId),
  );
  await insertChunks(store, blobs);
  // A new name's place in creation order is its first hash (hashes only grow).
  const before = await store.workspaces
    .putObject({ _id, workspaceId, name: object.name, hash, object: doc })
    .catch(async (error: unknown) => {
      if (!(error instanceof StaleObjectError)) throw error;
      if (await refused(store, workspaceId, blobs, _id)) throw error;
      return undefined;
    });
  // Replaced at once by a newer save of this process (concurrent saves of one name).
  if (before === undefined) return stored;
  memory.remember(workspaceId, placed);
  const kept = new Set(blobIds(doc));
  if (before !== null)
    await deleteUnnamed(
      store,
      workspaceId,
      blobIds(before.object).filter((id) => !kept.has(id)),
    );
  return stored;
}

/** How long after they are written chunks written ahead may still be named by a save. */
const AHEAD_REUSE_MS = CHUNK_SWEEP_MIN_AGE_MS / 2;

/**
 * Writes the chunks of `object`'s large values ahead of its save (while R takes the same
 * dataset: RunOptions.prepare), so that {@link saveObject} of the very same values (by
 * identity: {@link ChunkMemory}) within a few minutes only names them. `discard` deletes
 * those no document names (call it whenever the save did not happen; after it, it deletes
 * nothing); should the process stop first, they are unnamed chunks the start-up sweep
 * removes.
 */
export async function prepareValues(
  store: Store,
  workspaceId: string,
  object: WorkspaceObject,
): Promise<{ discard(): Promise<void> }> {
  const memory = chunkMemory(store);
  const until = Date.now() + AHEAD_REUSE_MS;
  const prefix = `${objectId(workspaceId, object.name)}@ahead-${randomUUID()}`;
  const { blobs, placed } = splitBlobs(object, workspaceId, prefix, memory.reuseFor(workspaceId));
  await insertChunks(store, blobs);
  const written = new Set(blobs.map((b) => b._id));
  const own = placed.filter(([, chunks]) => chunks.some((c) => written.has(c)));
  memory.rememberAhead(workspaceId, own, until);
  return {
    async discard() {
      if (written.size === 0) return;
      memory.dropAhead(own);
      // A save may have named them meanwhile (then they stay, alive).
      await deleteUnnamed(store, workspaceId, [...written]);
    },
  };
}

/**
 * After a save refused for a newer version (StaleObjectError); its own chunks are named by
 * nothing. When a block of this process issued the stored version, the save only lost
 * a race with a newer one of its own (as if written and replaced at once): false. Otherwise
 * another node saved meanwhile, with hashes above this block (it held the user since): the
 * next save reserves a new block, and this one fails: true.
 */
async function refused(
  store: Store,
  workspaceId: string,
  blobs: readonly WorkspaceBlobDoc[],
  _id: string,
): Promise<boolean> {
  await deleteBlobs(
    store,
    blobs.map((b) => b._id),
  ).catch(() => undefined);
  const stored = await store.workspaces.findObject(_id);
  if (stored !== null && issuedHere(store, workspaceId, stored.hash)) return false;
  forgetHashBlock(store, workspaceId);
  return true;
}

const memories = new WeakMap<Store, ChunkMemory>();

/** The chunk memory of one store. */
function chunkMemory(store: Store): ChunkMemory {
  let m = memories.get(store);
  if (m === undefined) memories.set(store, (m = new ChunkMemory()));
  return m;
}

/** Deletes those of `candidates` that no document of the workspace names any more. */
async function deleteUnnamed(
  store: Store,
  workspaceId: string,
  candidates: readonly string[],
): Promise<void> {
  if (candidates.length === 0) return;
  const unnamed = await unnamedChunks(store, workspaceId, candidates);
  chunkMemory(store).forget(workspaceId, unnamed);
  await deleteBlobs(store, unnamed);
}

/**
 * Writes every chunk of `blobs`, or rejects (with the first failure, once no write is in
 * flight) having deleted those written: no document names them yet, and their space (a
 * full disk?) is freed now rather than at the next start, whose sweep still removes them
 * should the deletion fail too. Not so after a failed document write: on MongoDB that may
 * have been applied all the same, and its chunks must stay.
 */
async function insertChunks(store: Store, blobs: readonly WorkspaceBlobDoc[]): Promise<void> {
  try {
    await store.workspaces.insertChunks(blobs);
  } catch (error) {
    await deleteBlobs(
      store,
      blobs.map((b) => b._id),
    ).catch(() => undefined);
    throw error;
  }
}

/** Deletes the object named `name` from `workspaceId`; true when there was one. */
export async function deleteObject(
  store: Store,
  workspaceId: string,
  name: string,
): Promise<boolean> {
  const _id = objectId(workspaceId, name);
  // The version read is the one deleted (so its chunks are the ones to delete); when a
  // concurrent save replaced it in between, the newer version is read and deleted.
  for (;;) {
    const doc = await store.workspaces.findObject(_id);
    if (doc === null) return false;
    if (await store.workspaces.removeObject(_id, doc.hash)) {
      await deleteUnnamed(store, workspaceId, blobIds(doc.object));
      await store.workspaces.touch(workspaceId, new Date());
      return true;
    }
  }
}

/** The object named `name` in `workspaceId`, or null. */
export async function findObject(
  store: Store,
  workspaceId: string,
  name: string,
): Promise<StoredObject | null> {
  const doc = await store.workspaces.findObject(objectId(workspaceId, name));
  if (doc === null) return null;
  const [object] = await joinBlobs(store, workspaceId, [doc.object]);
  return object as StoredObject;
}

/**
 * Names starting with this are the server's own records kept beside a workspace's objects
 * (its undo history, sessions/undo.history.ts); no PanthR name starts with it, and
 * {@link loadObjects} leaves them out. They are deleted with their workspace.
 */
export const HIDDEN_PREFIX = '~';

/**
 * Every object of `workspaceId`, in creation order (a replaced object keeps its place);
 * hidden records ({@link HIDDEN_PREFIX}) left out.
 */
export async function loadObjects(store: Store, workspaceId: string): Promise<StoredObject[]> {
  const docs = await store.workspaces.objectsOf(workspaceId);
  return (await joinBlobs(
    store,
    workspaceId,
    docs.filter((doc) => !doc.name.startsWith(HIDDEN_PREFIX)).map((doc) => doc.object),
  )) as StoredObject[];
}
