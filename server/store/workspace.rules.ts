/**
 * The rules across a user's workspaces, kept by the store itself so that two server
 * processes sharing one store keep them too (no process lock can):
 * - a name is unique per user without case: each workspace carries `nameKey` (its name
 *   lower-cased) under a unique index on `{userId, nameKey}`;
 * - at most {@link MAX_WORKSPACES} per user, and never deleting the last one: a counter
 *   document per user (`workspaceCounts`) moved only by conditional single-document
 *   updates (`count < MAX` to create, `count > 1` to delete).
 * The counter is kept at most the number of workspaces at every moment: a create counts
 * after its workspace exists, a delete uncounts before it goes. A crash in between leaves it
 * lower (a place under the cap lost, or a delete refused), never higher: so a counter that
 * allows a delete always means another workspace exists.
 */
import { isDuplicateKeyError } from './mql.ts';
import type { Store } from './store.types.ts';

/** Most workspaces one user may have. */
export const MAX_WORKSPACES = 200;

/** Why a workspace could not be created or renamed. */
export type WorkspaceRule = 'name_taken' | 'cap';

/** A create or rename refused by a store rule. */
export class WorkspaceRuleError extends Error {
  constructor(
    readonly rule: WorkspaceRule,
    options?: { cause?: unknown },
  ) {
    super(
      rule === 'cap'
        ? `at most ${MAX_WORKSPACES} workspaces; delete one first`
        : 'you already have a workspace of that name',
      options,
    );
    this.name = 'WorkspaceRuleError';
  }
}

/** The key a workspace name is unique by, per user: the name without case. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * Counts one more workspace of `userId` unless they have {@link MAX_WORKSPACES}: one
 * upsert that matches only below the cap, so at the cap it inserts the user's `_id` again
 * and fails as a duplicate. False at the cap.
 */
export async function countWorkspace(store: Store, userId: string): Promise<boolean> {
  try {
    await store.workspaceCounts.updateOne(
      { _id: userId, count: { $lt: MAX_WORKSPACES } },
      { $inc: { count: 1 } },
      { upsert: true },
    );
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** Counts one workspace fewer of `userId` unless it is their last; false when it is. */
export async function uncountWorkspace(store: Store, userId: string): Promise<boolean> {
  const { matchedCount } = await store.workspaceCounts.updateOne(
    { _id: userId, count: { $gt: 1 } },
    { $inc: { count: -1 } },
  );
  return matchedCount === 1;
}

/** Gives back a place taken by {@link uncountWorkspace} for a delete that found nothing. */
export async function recountWorkspace(store: Store, userId: string): Promise<void> {
  await store.workspaceCounts.updateOne({ _id: userId }, { $inc: { count: 1 } });
}

/**
 * Brings workspaces written before these rules under them, before the unique index is
 * made: each gets its `nameKey`, and each of their users a counter of what they have (the
 * counter first, so a crash in between is finished by the next start). Workspaces written
 * since always have a `nameKey`, so this never counts a user twice. Idempotent.
 */
export async function adoptOldWorkspaces(store: Store): Promise<void> {
  const old = await store.workspaces.find({ nameKey: { $exists: false } }).toArray();
  for (const userId of new Set(old.map((w) => w.userId))) {
    const count = await store.workspaces.countDocuments({ userId });
    await store.workspaceCounts.insertOne({ _id: userId, count }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }
  for (const w of old) {
    const key = nameKey(w.name);
    await store.workspaces
      .updateOne({ _id: w._id }, { $set: { nameKey: key } })
      .catch(async (error: unknown) => {
        // Two old names equal without case (the old process lock never let that happen,
        // but data is data): the later keeps its name and a key of its own.
        if (!isDuplicateKeyError(error)) throw error;
        await store.workspaces.updateOne({ _id: w._id }, { $set: { nameKey: `${key}\0${w._id}` } });
      });
  }
}
