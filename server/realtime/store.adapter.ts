/** The sessions layer's store ports over the store's repositories. */
import {
  currentWorkspaceAccess,
  deleteObject,
  findObject,
  forgetHashBlock,
  loadObjects,
  logConnectionClosed,
  logConnectionOpened,
  prepareValues,
  resetWorkspaces,
  saveObject,
  StaleObjectError,
  type Store,
  type WorkspaceObject,
} from '../store/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { ConnectionLog, WorkspacePersistence, WorkspaceRecord } from '../sessions/index.ts';

/** A hidden record as read back; every record has a string `type` (undo.history.ts writes it). */
function asRecord(o: WorkspaceObject): WorkspaceRecord {
  return { ...o, type: typeof o['type'] === 'string' ? o['type'] : '' };
}

/**
 * A save refused because a newer version of the object is stored: on a cluster, another
 * node took the user over and saved meanwhile (API 1.1 `moved`); nothing was kept.
 */
function movedOnStale(error: unknown): never {
  if (!(error instanceof StaleObjectError)) throw error;
  throw new AppError(
    ErrorCode.moved,
    'a newer version of this object was saved by another server meanwhile; this result was not kept',
    { status: 503, cause: error },
  );
}

/** Workspaces of users, as the sessions layer needs them. */
export function storePersistence(store: Store): WorkspacePersistence {
  return {
    // A workspace shared with the user comes back read-only (sharing.repo.ts).
    // A session (re)taking the user saves with new hashes: any this process kept from an
    // earlier session may be older than what another node saved meanwhile.
    async current(userId) {
      const ws = await currentWorkspaceAccess(store, userId);
      forgetHashBlock(store, ws.id);
      return ws;
    },
    // The store returns PanthR objects (StoredObject, workspace.repo.ts).
    load: (workspaceId) => loadObjects(store, workspaceId),
    async save(workspaceId, object) {
      if (object.name === null) throw new Error('only named objects are stored');
      const stored = await saveObject(store, workspaceId, {
        ...object,
        name: object.name,
      }).catch(movedOnStale);
      if (stored === null) {
        throw new AppError(
          ErrorCode.notFound,
          'this workspace was deleted meanwhile; the result was not kept',
        );
      }
      return stored;
    },
    async prepare(workspaceId, object) {
      // Only named objects are stored (save refuses the others): nothing to write ahead.
      if (object.name === null) return { discard: () => Promise.resolve() };
      return prepareValues(store, workspaceId, { ...object, name: object.name });
    },
    find: (workspaceId, name) => findObject(store, workspaceId, name),
    async saveRecord(workspaceId, record) {
      await saveObject(store, workspaceId, record).catch(movedOnStale);
    },
    async findRecord(workspaceId, name) {
      const found = await findObject(store, workspaceId, name);
      return found === null ? null : asRecord(found);
    },
    async remove(workspaceId, name) {
      await deleteObject(store, workspaceId, name);
    },
    async purge(userId) {
      await resetWorkspaces(store, userId);
      await store.accounts.clearCurrentPreferences(userId);
      await store.preferences.deleteOfUser(userId);
      // All that a client created (API.md §4): its groups and access tokens too.
      for (const g of await store.groups.listOwned(userId))
        await store.groups.delete(g._id, userId);
      for (const t of await store.tokens.listAccessTokens(userId, new Date()))
        await store.tokens.deleteAccessToken(t._id, userId);
    },
  };
}

/** The connection log over the store. */
export function storeConnectionLog(store: Store): ConnectionLog {
  return {
    opened: (entry) => logConnectionOpened(store, entry),
    closed: (id, entry) => logConnectionClosed(store, id, entry),
  };
}
