/** The sessions layer's store ports over the store's repositories. */
import {
  currentWorkspaceAccess,
  deleteObject,
  findObject,
  loadObjects,
  logConnectionClosed,
  logConnectionOpened,
  resetWorkspaces,
  saveObject,
  type Store,
  type WorkspaceObject,
} from '../store/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type {
  ConnectionLog,
  StoredPanthrObject,
  WorkspacePersistence,
  WorkspaceRecord,
} from '../sessions/index.ts';

/**
 * A stored object as the PanthR object it is. The store keeps objects as plain records
 * (server/store knows no PanthR types); this cast is sound because the only writers of
 * object records are {@link storePersistence}'s `save` (objects the compute layer made from
 * requests validateObject accepted) and the store's copy of a whole workspace
 * (sharing.repo.ts copyWorkspace), whose objects came from here. Hidden records (`~` names)
 * go through `saveRecord`/`findRecord`, and loadObjects leaves them out.
 */
function asPanthr(o: WorkspaceObject): StoredPanthrObject {
  return o as unknown as StoredPanthrObject;
}

/** A hidden record as read back; every record has a string `type` (undo.history.ts writes it). */
function asRecord(o: WorkspaceObject): WorkspaceRecord {
  return { ...o, type: typeof o['type'] === 'string' ? o['type'] : '' };
}

/** Workspaces of users, as the sessions layer needs them. */
export function storePersistence(store: Store): WorkspacePersistence {
  return {
    // A workspace shared with the user comes back read-only (sharing.repo.ts).
    current: (userId) => currentWorkspaceAccess(store, userId),
    async load(workspaceId) {
      return (await loadObjects(store, workspaceId)).map(asPanthr);
    },
    async save(workspaceId, object) {
      if (object.name === null) throw new Error('only named objects are stored');
      const stored = await saveObject(store, workspaceId, { ...object, name: object.name });
      if (stored === null) {
        throw new AppError(
          ErrorCode.notFound,
          'this workspace was deleted meanwhile; the result was not kept',
        );
      }
      return asPanthr(stored);
    },
    async find(workspaceId, name) {
      const found = await findObject(store, workspaceId, name);
      return found === null ? null : asPanthr(found);
    },
    async saveRecord(workspaceId, record) {
      await saveObject(store, workspaceId, record);
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
