/**
 * The workspace store as a clustered node's sessions see it: every save and removal first
 * checks (and renews) the user's lease, so that a node that lost a user writes nothing more
 * of theirs. Reads are not checked: they change nothing.
 */
import { AppError, ErrorCode } from '../errors.ts';
import type { WorkspacePersistence } from '../sessions/index.ts';
import { LeaseLostError, type LeaseKeeper } from './lease.keeper.ts';

/** Wraps `inner`; `keeper` holds this node's leases. */
export function leasedPersistence(
  inner: WorkspacePersistence,
  keeper: Pick<LeaseKeeper, 'check'>,
): WorkspacePersistence {
  // Workspace -> the user whose session writes it: saves name a workspace, leases a user.
  const writers = new Map<string, string>();
  const check = async (workspaceId: string): Promise<void> => {
    const userId = writers.get(workspaceId);
    if (userId === undefined) return;
    try {
      await keeper.check(userId);
    } catch (err) {
      if (!(err instanceof LeaseLostError)) throw err;
      throw new AppError(ErrorCode.moved, err.message, { status: 503, cause: err });
    }
  };
  return {
    async current(userId) {
      const ws = await inner.current(userId);
      if (ws.readOnly !== true) writers.set(ws.id, userId);
      return ws;
    },
    load: (workspaceId) => inner.load(workspaceId),
    find: (workspaceId, name) => inner.find(workspaceId, name),
    async save(workspaceId, object) {
      await check(workspaceId);
      return inner.save(workspaceId, object);
    },
    async saveRecord(workspaceId, record) {
      await check(workspaceId);
      await inner.saveRecord(workspaceId, record);
    },
    findRecord: (workspaceId, name) => inner.findRecord(workspaceId, name),
    async remove(workspaceId, name) {
      await check(workspaceId);
      await inner.remove(workspaceId, name);
    },
    purge: (userId) => inner.purge(userId),
  };
}
