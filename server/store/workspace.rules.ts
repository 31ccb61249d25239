/**
 * The rules across a user's workspaces, kept by the store itself so that two server
 * processes sharing one store keep them too (no process lock can):
 * - a name is unique per user without case: each workspace carries `nameKey` (its name
 *   lower-cased) under a unique index on `{userId, nameKey}`;
 * - at most {@link MAX_WORKSPACES} per user, and never deleting the last one: a counter
 *   per user (`workspaceCounts`, `workspace_count`) moved only by conditional
 *   single-document updates (`count < MAX` to create, `count > 1` to delete).
 * Workspaces of a version before these rules get their keys and counters when the store
 * opens (workspace.legacy.ts, workspace.mongo.ts).
 * The counter is kept at most the number of workspaces at every moment: a create counts
 * after its workspace exists, a delete uncounts before it goes. A crash in between leaves it
 * lower (a place under the cap lost, or a delete refused), never higher: so a counter that
 * allows a delete always means another workspace exists.
 */
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
 * conditional write of their counter. False at the cap.
 */
export async function countWorkspace(store: Store, userId: string): Promise<boolean> {
  return store.workspaces.countUp(userId, MAX_WORKSPACES);
}

/** Counts one workspace fewer of `userId` unless it is their last; false when it is. */
export async function uncountWorkspace(store: Store, userId: string): Promise<boolean> {
  return store.workspaces.countDown(userId);
}

/** Gives back a place taken by {@link uncountWorkspace} for a delete that found nothing. */
export async function recountWorkspace(store: Store, userId: string): Promise<void> {
  await store.workspaces.countBack(userId);
}
