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
import { isStoredPanthrObject } from '../../converters/index.ts';
import type {
  ConnectionLog,
  StoredPanthrObject,
  WorkspacePersistence,
  WorkspaceRecord,
} from '../sessions/index.ts';

/**
 * A stored object as the PanthR object it is, or null for a record of another kind. The
 * store keeps objects as plain records (server/store knows no PanthR types); the only
 * writers of object records are {@link storePersistence}'s `save` (objects the compute layer
 * made from requests validateObject accepted) and the store's copy of a whole workspace
 * (sharing.repo.ts copyWorkspace), whose objects came from here, so the check is shallow
 * (isStoredPanthrObject). Hidden records (`~` names) go through `saveRecord`/`findRecord`,
 * and loadObjects leaves them out.
 */
function asPanthr(o: WorkspaceObject): StoredPanthrObject | null {
  return isStoredPanthrObject(o) ? o : null;
}

/** The PanthR objects among stored records (a record of another kind is left out). */
function panthrObjects(records: readonly WorkspaceObject[]): StoredPanthrObject[] {
  return records.flatMap((o) => asPanthr(o) ?? []);
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
      return panthrObjects(await loadObjects(store, workspaceId));
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
      const saved = asPanthr(stored);
      if (saved === null) throw new Error(`the store gave back "${stored.name}" as another kind`);
      return saved;
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
      await store.users.updateOne({ _id: userId }, { $set: { currentPreferences: null } });
      await store.preferences.deleteMany({ userId });
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
