/**
 * Workspaces (API.md §1): GET/POST /workspaces, PATCH/DELETE /workspaces/:id,
 * POST /workspaces/:id/current. Names are display names (any printable text, trimmed,
 * unique per user without case); the last workspace cannot be deleted; making one current
 * tells the realtime layer, which reloads it into the user's open connections.
 */
import { Router, type Request } from 'express';
import type { AuthEventBus } from '../../auth/index.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import {
  accessibleWorkspace,
  createWorkspace,
  deleteWorkspace,
  listWorkspaces,
  MAX_WORKSPACES,
  renameWorkspace,
  WorkspaceRuleError,
  type Store,
  type WorkspaceDoc,
} from '../../store/index.ts';
import { displayName, fieldsOf, userOf } from '../request.ts';

/** Most workspaces one user may have (a store rule: store/workspace.rules.ts). */
export { MAX_WORKSPACES };
/** Longest workspace name, in characters. */
export const MAX_WORKSPACE_NAME = 100;

const ID_RE = /^[A-Za-z0-9-]{1,64}$/;

function idOf(req: Request): string {
  const id = req.params.id;
  // Ids are UUIDs; anything else cannot name a workspace, so it is simply not found.
  if (typeof id !== 'string' || !ID_RE.test(id)) throw notFound();
  return id;
}

function notFound(): AppError {
  return new AppError(ErrorCode.notFound, 'no such workspace', { status: 404 });
}

function nameFrom(req: Request): string {
  const body = fieldsOf(req.body, ['name']);
  return displayName(body.name, 'the workspace name', MAX_WORKSPACE_NAME);
}

function view(w: WorkspaceDoc, currentId: string | undefined) {
  return {
    id: w._id,
    name: w.name,
    current: w._id === currentId,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

/** A refusal by a store rule (a name taken, the cap) as the API's 409 `conflict`. */
export function ruleConflict(error: unknown): unknown {
  if (!(error instanceof WorkspaceRuleError)) return error;
  return new AppError(ErrorCode.conflict, error.message, { status: 409, cause: error });
}

/** The routes, relative to /api/v1. */
export function workspacesRoutes(store: Store, events: AuthEventBus): Router {
  const router = Router();
  const currentOf = async (userId: string) =>
    (await store.accounts.findById(userId))?.currentWorkspace;

  router.get('/workspaces', async (req, res) => {
    const userId = userOf(req).id;
    const current = await currentOf(userId);
    res.json({ workspaces: (await listWorkspaces(store, userId)).map((w) => view(w, current)) });
  });

  router.post('/workspaces', async (req, res) => {
    const userId = userOf(req).id;
    const name = nameFrom(req);
    // The name and the cap are store rules: two requests, on one process or two, cannot
    // both take a free name, nor both the last place under the cap.
    const created = await createWorkspace(store, userId, name).catch((error: unknown) => {
      throw ruleConflict(error);
    });
    res.status(201).json(view(created, await currentOf(userId)));
  });

  router.patch('/workspaces/:id', async (req, res) => {
    const userId = userOf(req).id;
    const id = idOf(req);
    const name = nameFrom(req);
    const renamed = await renameWorkspace(store, userId, id, name).catch((error: unknown) => {
      throw ruleConflict(error);
    });
    if (renamed === null) throw notFound();
    res.json(view(renamed, await currentOf(userId)));
  });

  router.delete('/workspaces/:id', async (req, res) => {
    const userId = userOf(req).id;
    const id = idOf(req);
    const before = await currentOf(userId);
    const result = await deleteWorkspace(store, userId, id);
    if (result === 'not_found') throw notFound();
    if (result === 'last_workspace') {
      throw new AppError(
        ErrorCode.conflict,
        'this is your last workspace; create another one first',
        { status: 409 },
      );
    }
    const after = await currentOf(userId);
    if (after !== undefined && after !== before)
      events.currentWorkspaceChanged({ userId, workspaceId: after });
    // Its shares went with it: readers who have it open lose it at once (API.md 1.1).
    events.accessChanged({ workspaceIds: [id] });
    res.status(204).end();
  });

  router.post('/workspaces/:id/current', async (req, res) => {
    const userId = userOf(req).id;
    const id = idOf(req);
    // A workspace shared with the user opens too, read-only (sharing.repo.ts).
    const found = await accessibleWorkspace(store, userId, id);
    if (found === null) throw notFound();
    await store.accounts.setCurrentWorkspace(userId, id);
    events.currentWorkspaceChanged({ userId, workspaceId: id });
    res.json({ ...view(found.workspace, id), read_only: found.access === 'reader' });
  });

  return router;
}
