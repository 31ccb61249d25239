/**
 * Replies that carry no values (docs/api.md, "Uploading in parts"): those to the row slices
 * of an upload, and to a dataset or part sent with `"echoValues": false` (answered with
 * checksums). The tab that sent them has the values already. Another tab of the same user
 * has not, so it gets the dataset as stored once it is stored (a slice's: once the last
 * slice is in), and nothing before.
 */
import type { ErrorObject, StoredPanthrObject } from './ports.ts';

/** Whether `r` answers a row slice or a dataset sent with `"echoValues": false`. */
export function isLeanReply(r: StoredPanthrObject | ErrorObject): boolean {
  if (r.type !== 'dataset') return false;
  const { slice, result } = r as { slice?: unknown; result?: { checksums?: unknown } };
  return slice !== undefined || result?.checksums !== undefined;
}

/** The stored dataset behind each answered lean reply, for the user's other tabs. */
export class LeanReplies {
  private readonly whole = new WeakMap<object, StoredPanthrObject>();

  /** The reply to a part whose run stored `stored`: the reply with its hash. */
  answer(reply: StoredPanthrObject, stored: StoredPanthrObject): StoredPanthrObject {
    const out = { ...reply, hash: stored.hash } as StoredPanthrObject;
    this.whole.set(out, stored);
    return out;
  }

  /** What the user's other tabs get of `replies` (errors left out by the caller). */
  forOtherTabs(replies: readonly StoredPanthrObject[]): StoredPanthrObject[] {
    return replies.flatMap((r) => (isLeanReply(r) ? (this.whole.get(r) ?? []) : [r]));
  }
}
