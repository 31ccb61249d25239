/**
 * A node cut off the store (a network partition, not a refusal) sees its requests hang, not
 * fail: the driver waits on a connection whose packets are dropped. So every lease operation
 * gets a deadline, and the node tracks when the store last answered. Silent for a whole TTL,
 * the node holds no lease any more (another node may take its users), so it is fenced: it
 * refuses new TCP connections until the store answers again, which makes nginx
 * (`proxy_next_upstream error`) send its users to another node.
 */
import { MongoServerError } from 'mongodb';

/**
 * Whether `err` is a reply of the store (the server refused the operation: it is reachable),
 * as opposed to no reply: a deadline, a network or server-selection failure, or a check the
 * driver or the repository made before sending anything. Only MongoDB's server errors are
 * replies; a cluster runs on MongoDB alone.
 */
export function storeReplied(err: unknown): boolean {
  return err instanceof MongoServerError;
}

/** A lease operation that did not answer within its deadline. */
export class StoreSilentError extends Error {
  constructor(what: string, ms: number) {
    super(`the store did not answer ${what} within ${ms} ms`);
    this.name = 'StoreSilentError';
  }
}

/** `work`, or a {@link StoreSilentError} after `ms` (the work goes on, its answer ignored). */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreSilentError(what, Math.round(ms))), Math.max(0, ms));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** When the store last answered, and whether the node is fenced for its silence. */
export class StoreSilence {
  private seenAt = Date.now();
  private fenced = false;

  constructor(
    private readonly ttlMs: number,
    /** Called when the node becomes fenced (true) or serves again (false). */
    private readonly onFence: (fenced: boolean) => void,
  ) {}

  /**
   * The store answered a request sent at `sentAt`, a result or an error it replied with: the
   * node serves. Counted from the sending, so that silence since a lease's last renewal was
   * sent is a TTL exactly when that lease runs out (the fence then comes with the loss).
   */
  answered(sentAt = Date.now()): void {
    this.seenAt = Math.max(this.seenAt, sentAt);
    this.set(false);
  }

  /**
   * Fences the node when the store has been silent a whole TTL; returns whether fenced. The
   * only way to fence: a lease lost while the store answers (its renewal stuck on one dead
   * connection) is that user's loss, not the node's.
   */
  check(now = Date.now()): boolean {
    if (now - this.seenAt >= this.ttlMs) this.set(true);
    return this.fenced;
  }

  private set(fenced: boolean): void {
    if (fenced === this.fenced) return;
    this.fenced = fenced;
    this.onFence(fenced);
  }
}
