/**
 * Groups a user owns (API 1.1): GET/POST /groups, PATCH/DELETE /groups/:id,
 * PUT/DELETE /groups/:id/members/:email. Members are verified accounts named by email.
 * Another user's group is simply not found (404), whatever they try.
 */
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { AuthEventBus } from '../../auth/index.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { createGroup, deleteGroup, type GroupDoc, type Store } from '../../store/index.ts';
import { displayName, fieldsOf, userOf } from '../request.ts';

/** Most groups one user may own. */
export const MAX_GROUPS = 100;
/** Most members of one group. */
export const MAX_GROUP_MEMBERS = 1000;

function notFound(what = 'no such group'): AppError {
  return new AppError(ErrorCode.notFound, what, { status: 404 });
}

/** The email named in a path, trimmed and lower-cased as accounts keep it. */
export function emailParam(value: unknown): string {
  const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (email === '' || email.length > 320 || !email.includes('@'))
    throw new AppError(ErrorCode.invalidEmail, 'not an email address', { status: 422 });
  return email;
}

/** A verified account by email, or 404 `not_found`. */
export async function verifiedUser(store: Store, email: string) {
  const user = await store.accounts.findByEmail(email);
  if (user === null || !user.verified) throw notFound('no verified account with that email');
  return user;
}

/** The group as the API shows it: members by email. */
export async function groupView(store: Store, group: GroupDoc) {
  const users = await store.accounts.findByIds(group.memberIds);
  const emailOf = new Map(users.map((u) => [u._id, u.email]));
  return {
    id: group._id,
    name: group.name,
    members: group.memberIds.flatMap((id) => emailOf.get(id) ?? []),
  };
}

/** The routes, relative to /api/v1. */
export function groupsRoutes(deps: { store: Store; events: AuthEventBus; log: Logger }): Router {
  const { store, events, log } = deps;
  const router = Router();
  const ownGroup = async (req: Request): Promise<GroupDoc> => {
    const group = await store.groups.findOwned(String(req.params.id), userOf(req).id);
    if (group === null) throw notFound();
    return group;
  };
  const nameOf = (req: Request) =>
    displayName(fieldsOf(req.body, ['name']).name, 'the group name', 100);

  router.get('/groups', async (req, res) => {
    const groups = await store.groups.listOwned(userOf(req).id);
    res.json({ groups: await Promise.all(groups.map((g) => groupView(store, g))) });
  });

  router.post('/groups', async (req, res) => {
    const userId = userOf(req).id;
    const name = nameOf(req);
    if ((await store.groups.countOwned(userId)) >= MAX_GROUPS)
      throw new AppError(ErrorCode.conflict, `at most ${MAX_GROUPS} groups`, { status: 409 });
    const group = await createGroup(store, userId, name);
    log.info({ user: userId, group: group._id }, 'group created');
    res.status(201).json(await groupView(store, group));
  });

  router.patch('/groups/:id', async (req, res) => {
    const group = await ownGroup(req);
    const name = nameOf(req);
    await store.groups.rename(group._id, name);
    res.json(await groupView(store, { ...group, name }));
  });

  router.delete('/groups/:id', async (req, res) => {
    const group = await ownGroup(req);
    await deleteGroup(store, group.ownerId, group._id);
    log.info({ user: group.ownerId, group: group._id }, 'group deleted, with its shares');
    events.accessChanged({ workspaceIds: null });
    res.status(204).end();
  });

  router.put('/groups/:id/members/:email', async (req, res) => {
    const group = await ownGroup(req);
    const member = await verifiedUser(store, emailParam(req.params.email));
    if (!group.memberIds.includes(member._id)) {
      if (group.memberIds.length >= MAX_GROUP_MEMBERS)
        throw new AppError(ErrorCode.conflict, `at most ${MAX_GROUP_MEMBERS} members`, {
          status: 409,
        });
      await store.groups.addMember(group._id, member._id);
      group.memberIds.push(member._id);
      log.info({ user: group.ownerId, group: group._id, member: member._id }, 'group member added');
    }
    res.json(await groupView(store, group));
  });

  router.delete('/groups/:id/members/:email', async (req, res) => {
    const group = await ownGroup(req);
    const member = await store.accounts.findByEmail(emailParam(req.params.email));
    if (member === null || !group.memberIds.includes(member._id)) throw notFound('no such member');
    await store.groups.removeMember(group._id, member._id);
    log.info({ user: group.ownerId, group: group._id, member: member._id }, 'group member removed');
    // Whatever the group gave this member ends now, open sockets included.
    events.accessChanged({ workspaceIds: null });
    const memberIds = group.memberIds.filter((id) => id !== member._id);
    res.json(await groupView(store, { ...group, memberIds }));
  });

  return router;
}
