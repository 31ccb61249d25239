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
} from '../store/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { ConnectionLog, PanthRObject, WorkspacePersistence } from '../sessions/index.ts';

/** Workspaces of users, as the sessions layer needs them. */
export function storePersistence(store: Store): WorkspacePersistence {
  return {
    // A workspace shared with the user comes back read-only (sharing.repo.ts).
    current: (userId) => currentWorkspaceAccess(store, userId),
    async load(workspaceId) {
      return (await loadObjects(store, workspaceId)) as unknown as PanthRObject[];
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
      return stored as unknown as PanthRObject;
    },
    async find(workspaceId, name) {
      return (await findObject(store, workspaceId, name)) as unknown as PanthRObject | null;
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
