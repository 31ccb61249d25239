/**
 * Read-only shares (API 1.1): GET/POST /workspaces/:id/shares, DELETE
 * /workspaces/:id/shares/:share (the owner only: to anyone else the workspace's shares are
 * not found), GET /shared, and POST /workspaces/:id/copy (the owner or a reader). Removing
 * a share ends that access at once, open sockets included.
 */
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { AuthEventBus } from '../../auth/index.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import {
  accessibleWorkspace,
  addShare,
  copyWorkspace,
  groupTarget,
  listWorkspaces,
  sharedWith,
  userTarget,
  WorkspaceRuleError,
  type ShareDoc,
  type Store,
  type WorkspaceDoc,
} from '../../store/index.ts';
import { displayName, fieldsOf, userOf } from '../request.ts';
import { emailParam, verifiedUser } from './groups.routes.ts';
import { MAX_WORKSPACE_NAME, ruleConflict } from './workspaces.routes.ts';

/** Most shares of one workspace. */
export const MAX_SHARES = 200;

function notFound(what = 'no such workspace'): AppError {
  return new AppError(ErrorCode.notFound, what, { status: 404 });
}

/** What the API shows of a share: `with` as it was given (an email, or `group:ID`). */
async function shareView(store: Store, share: ShareDoc) {
  const [kind, id] = share.target.split(':') as [string, string];
  if (kind === 'group') {
    const group = await store.groups.find(id);
    return { id: share._id, with: share.target, name: group?.name ?? null };
  }
  const user = await store.accounts.findById(id);
  return { id: share._id, with: user?.email ?? null, name: user?.email ?? null };
}

/** A name for a copy that none of `userId`'s workspaces has yet. */
async function copyName(store: Store, userId: string, base: string): Promise<string> {
  const taken = new Set((await listWorkspaces(store, userId)).map((w) => w.name.toLowerCase()));
  const stem = base.slice(0, MAX_WORKSPACE_NAME - 5);
  if (!taken.has(stem.toLowerCase())) return stem;
  for (let i = 2; ; i++) {
    const name = `${stem} (${i})`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/**
 * Copies `source` for `userId` under the first free name from `base`: the name and the cap
 * are store rules (store/workspace.rules.ts), so a name taken meanwhile (another request,
 * on this process or another) means trying the next one; the cap is a 409.
 */
async function copyUnderFreeName(
  store: Store,
  source: WorkspaceDoc,
  userId: string,
  base: string,
): Promise<WorkspaceDoc> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await copyWorkspace(store, source, userId, await copyName(store, userId, base));
    } catch (error) {
      const taken = error instanceof WorkspaceRuleError && error.rule === 'name_taken';
      if (!taken || attempt >= 5) throw ruleConflict(error);
    }
  }
}

/** The routes, relative to /api/v1. */
export function sharesRoutes(deps: { store: Store; events: AuthEventBus; log: Logger }): Router {
  const { store, events, log } = deps;
  const router = Router();
  const owned = async (req: Request): Promise<WorkspaceDoc> => {
    const found = await accessibleWorkspace(store, userOf(req).id, String(req.params.id));
    if (found?.access !== 'owner') throw notFound();
    return found.workspace;
  };

  router.get('/workspaces/:id/shares', async (req, res) => {
    const workspace = await owned(req);
    const shares = await store.shares.listOf(workspace._id);
    res.json({ shares: await Promise.all(shares.map((s) => shareView(store, s))) });
  });

  router.post('/workspaces/:id/shares', async (req, res) => {
    const workspace = await owned(req);
    const body = fieldsOf(req.body, ['with']);
    if (typeof body.with !== 'string')
      throw new AppError(ErrorCode.badRequest, '"with" is an email or "group:ID"');
    let target: string;
    if (body.with.startsWith('group:')) {
      const group = await store.groups.findOwned(body.with.slice(6), workspace.userId);
      if (group === null) throw notFound('no such group of yours');
      target = groupTarget(group._id);
    } else {
      const user = await verifiedUser(store, emailParam(body.with));
      if (user._id === workspace.userId)
        throw new AppError(ErrorCode.badRequest, 'this workspace is already yours');
      target = userTarget(user._id);
    }
    if ((await store.shares.countOf(workspace._id)) >= MAX_SHARES)
      throw new AppError(ErrorCode.conflict, `at most ${MAX_SHARES} shares`, { status: 409 });
    const share = await addShare(store, workspace, target);
    log.info(
      { user: workspace.userId, workspace: workspace._id, share: share._id, target },
      'workspace shared',
    );
    res.status(201).json(await shareView(store, share));
  });

  router.delete('/workspaces/:id/shares/:share', async (req, res) => {
    const workspace = await owned(req);
    const id = String(req.params.share);
    if (!(await store.shares.remove(id, workspace._id))) throw notFound('no such share');
    log.info({ user: workspace.userId, workspace: workspace._id, share: id }, 'share removed');
    events.accessChanged({ workspaceIds: [workspace._id] });
    res.status(204).end();
  });

  router.get('/shared', async (req, res) => {
    const shared = await sharedWith(store, userOf(req).id);
    res.json(
      shared.map(({ workspace, ownerEmail }) => ({
        id: workspace._id,
        name: workspace.name,
        owner: ownerEmail,
      })),
    );
  });

  router.post('/workspaces/:id/copy', async (req, res) => {
    const userId = userOf(req).id;
    const found = await accessibleWorkspace(store, userId, String(req.params.id));
    if (found === null) throw notFound();
    const body = req.body === undefined ? {} : fieldsOf(req.body, ['name']);
    const base =
      body.name === undefined
        ? `Copy of ${found.workspace.name}`
        : displayName(body.name, 'the workspace name', MAX_WORKSPACE_NAME);
    const copy = await copyUnderFreeName(store, found.workspace, userId, base);
    log.info({ user: userId, from: found.workspace._id, workspace: copy._id }, 'workspace copied');
    res.status(201).json({
      id: copy._id,
      name: copy.name,
      current: false,
      createdAt: copy.createdAt.toISOString(),
      updatedAt: copy.updatedAt.toISOString(),
    });
  });

  return router;
}
