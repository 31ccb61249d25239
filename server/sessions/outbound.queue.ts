/**
 * One connection's outbound `data` messages (API.md §2): the next is sent only after the
 * client's `ok` for the last. Bounded: past `maxMessages` waiting, `onOverflow` fires once
 * (the caller disconnects the client; its work is already saved).
 */

import type { ReplyObject } from '../../converters/index.ts';

/** A `data` message from the server. */
export interface ServerData {
  readonly seq: number;
  /** The client message these results answer; null for pushes (workspace load, other tabs). */
  readonly replyTo: number | null;
  readonly objects: readonly ReplyObject[];
  /** Set on a message that replaces the whole workspace (on connect, after a switch). */
  readonly workspace?: { readonly id: string; readonly name: string };
  readonly reset?: true;
}

/** The per-connection outbound queue. */
export class OutboundQueue {
  private nextSeq = 1;
  private awaiting: number | null = null;
  private readonly waiting: ServerData[] = [];
  private overflowed = false;

  constructor(
    private readonly send: (message: ServerData) => void,
    private readonly options: { maxMessages: number; onOverflow: () => void },
  ) {}

  /** Messages not yet acknowledged (the one in flight included). */
  get depth(): number {
    return this.waiting.length + (this.awaiting === null ? 0 : 1);
  }

  /** Queues a message; sends it at once when nothing is awaiting an `ok`. */
  push(message: Omit<ServerData, 'seq'>): void {
    if (this.overflowed) return;
    const full: ServerData = { seq: this.nextSeq++, ...message };
    if (this.awaiting === null) {
      this.transmit(full);
      return;
    }
    this.waiting.push(full);
    if (this.waiting.length > this.options.maxMessages) {
      this.overflowed = true;
      this.waiting.length = 0;
      this.options.onOverflow();
    }
  }

  /** The client's `ok {seq}`; returns false for a seq that is not the one awaited. */
  ack(seq: number): boolean {
    if (seq !== this.awaiting) return false;
    this.awaiting = null;
    const next = this.waiting.shift();
    if (next !== undefined) this.transmit(next);
    return true;
  }

  private transmit(message: ServerData): void {
    this.awaiting = message.seq;
    this.send(message);
  }
}
