/**
 * The bound on one user's messages waiting for R (`max_queued`, and their bytes): counted
 * from the message's `ok` to the start of its turn. One count per user, over their tabs
 * and over a session still ending when the user is back (its queue runs first).
 */

/** Bytes of waiting messages when `max_queued` is not reached first (256 MiB). */
export const MAX_WAITING_BYTES = 256 * 2 ** 20;

/** Messages and bytes waiting; see the module comment. */
export class WaitingBound {
  private messages = 0;
  private bytes = 0;

  /** `maxMessages` is read at each message (a configuration reload changes it). */
  constructor(
    private readonly maxMessages: () => number,
    private readonly maxBytes = MAX_WAITING_BYTES,
  ) {}

  /** Messages waiting now. */
  get waiting(): number {
    return this.messages;
  }

  /**
   * Counts a message of `bytes` as waiting, or says why it may not wait, in words for the
   * user (then nothing is counted). One message may always wait, whatever its size: the
   * transport bounds that.
   */
  admit(bytes: number): string | null {
    const max = this.maxMessages();
    const again = 'send this again once their results have come';
    if (this.messages >= max) {
      const what = this.messages === 1 ? 'message' : 'messages';
      return `${this.messages} earlier ${what} of yours already wait for R (at most ${max} may wait): ${again}`;
    }
    if (this.messages > 0 && this.bytes + bytes > this.maxBytes) {
      const mib = (n: number): number => Math.ceil(n / 2 ** 20);
      return `${mib(this.bytes)} MiB of earlier messages of yours already wait for R (at most ${mib(this.maxBytes)} MiB may wait): ${again}`;
    }
    this.messages += 1;
    this.bytes += bytes;
    return null;
  }

  /** A message admitted with `bytes` has its turn now. */
  started(bytes: number): void {
    this.messages -= 1;
    this.bytes -= bytes;
  }
}
