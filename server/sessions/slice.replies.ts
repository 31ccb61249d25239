/**
 * Replies to the row slices of an upload (docs/api.md, "Uploading in parts") carry no
 * values: the tab that sent them has the values already. Another tab of the same user has
 * not, so it gets the dataset as stored once the last slice is in, and nothing before.
 */
import type { ErrorObject, StoredPanthrObject } from './ports.ts';

/** Whether `r` answers a row slice (a dataset part with `slice`). */
export function isSliceReply(r: StoredPanthrObject | ErrorObject): boolean {
  return r.type === 'dataset' && (r as { slice?: unknown }).slice !== undefined;
}

/** The stored dataset behind each answered last slice, for the user's other tabs. */
export class SliceReplies {
  private readonly whole = new WeakMap<object, StoredPanthrObject>();

  /** The reply to a slice whose run stored `stored`: the reply with its hash. */
  answer(reply: StoredPanthrObject, stored: StoredPanthrObject): StoredPanthrObject {
    const out = { ...reply, hash: stored.hash } as StoredPanthrObject;
    this.whole.set(out, stored);
    return out;
  }

  /** What the user's other tabs get of `replies` (errors left out by the caller). */
  forOtherTabs(replies: readonly StoredPanthrObject[]): StoredPanthrObject[] {
    return replies.flatMap((r) => (isSliceReply(r) ? (this.whole.get(r) ?? []) : [r]));
  }
}
