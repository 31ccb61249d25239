/**
 * The stale-tab rule of API 1.1 ("Realtime in API 1.1"): a `data` message may name the
 * workspace its tab shows; when that is not the user's current workspace (a switch made in
 * another tab or over REST that this tab has not followed yet), nothing runs.
 */
import { ErrorCode } from '../errors.ts';
import type { ErrorObject, StoredPanthrObject } from './ports.ts';

/**
 * The reply for a message from a tab that shows workspace `shown` while `current` is the
 * user's current one: a `wrong_workspace` error in place of each object (one with a null
 * name for an empty message). Null when the message may run (`shown` null: not said).
 */
export function wrongWorkspaceReply(
  shown: string | null,
  current: { readonly id: string; readonly name: string },
  items: readonly (StoredPanthrObject | ErrorObject)[],
): ErrorObject[] | null {
  if (shown === null || shown === current.id) return null;
  const message =
    `this tab shows another workspace than your current one ("${current.name}", opened ` +
    'elsewhere); nothing was run';
  const names = items.length === 0 ? [null] : items.map((i) => i.name);
  return names.map((name) => ({ type: 'error', name, code: ErrorCode.wrongWorkspace, message }));
}
