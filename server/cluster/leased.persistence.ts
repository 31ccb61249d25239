/**
 * The workspace store as a clustered node's sessions see it: every save and removal first
 * checks (and renews) the user's lease, so that a node that lost a user writes nothing more
 * of theirs; a write whose user is unknown is refused. Reads are not checked: they change
 * nothing.
 */
import { AppError, ErrorCode } from '../errors.ts';
import type { WorkspacePersistence } from '../sessions/index.ts';
import { LeaseLostError, type LeaseKeeper } from './lease.keeper.ts';

/** Wraps `inner`; `keeper` holds this node's leases. */
export function leasedPersistence(
  inner: WorkspacePersistence,
  keeper: Pick<LeaseKeeper, 'check' | 'holds'>,
): WorkspacePersistence {
  // Workspace -> the user whose session writes it: saves name a workspace, leases a user.
  const writers = new Map<string, string>();
  const checkUser = async (userId: string): Promise<void> => {
    try {
      await keeper.check(userId);
    } catch (err) {
      if (!(err instanceof LeaseLostError)) throw err;
      throw new AppError(ErrorCode.moved, err.message, { status: 503, cause: err });
    }
  };
  // Fails closed: a write to a workspace no session here opened as its own (unknown, or
  // another user's read-only one) has no lease to check, so it is refused.
  const prepare = inner.prepare?.bind(inner);
  const check = async (workspaceId: string): Promise<string> => {
    const userId = writers.get(workspaceId);
    if (userId === undefined) {
      throw new AppError(ErrorCode.internal, 'no session of this node writes this workspace', {
        status: 500,
        expose: false,
      });
    }
    await checkUser(userId);
    return userId;
  };
  // A write that hung (the store cut off) and ended after the lease did may sit beside the
  // new holder's work: it is never acknowledged as done.
  const stillHeld = (userId: string): void => {
    if (keeper.holds(userId)) return;
    throw new AppError(
      ErrorCode.moved,
      'this result was saved after another server may have taken over your session; send it again there',
      { status: 503 },
    );
  };
  return {
    async current(userId) {
      const ws = await inner.current(userId);
      if (ws.readOnly !== true) writers.set(ws.id, userId);
      return ws;
    },
    load: (workspaceId) => inner.load(workspaceId),
    find: (workspaceId, name) => inner.find(workspaceId, name),
    // Chunks only, named by nothing until a save; refused, as any write, once the user's
    // session has moved to another node.
    ...(prepare === undefined
      ? {}
      : {
          prepare: async (workspaceId, object) => {
            await check(workspaceId);
            return prepare(workspaceId, object);
          },
        }),
    async save(workspaceId, object) {
      const userId = await check(workspaceId);
      const saved = await inner.save(workspaceId, object);
      stillHeld(userId);
      return saved;
    },
    async saveRecord(workspaceId, record) {
      const userId = await check(workspaceId);
      await inner.saveRecord(workspaceId, record);
      stillHeld(userId);
    },
    findRecord: (workspaceId, name) => inner.findRecord(workspaceId, name),
    async remove(workspaceId, name) {
      const userId = await check(workspaceId);
      await inner.remove(workspaceId, name);
      stillHeld(userId);
    },
    async purge(userId) {
      await checkUser(userId);
      await inner.purge(userId);
    },
  };
}
