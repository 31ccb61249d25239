/**
 * Messages the transport refused for size. Engine.IO drops a connection whose message is
 * over its byte limit (a WebSocket frame past `maxPayload` is closed with 1009) before any
 * of it reaches the application, so it cannot be answered on that connection. The refusal
 * is remembered for the user, and their next connection gets, after the workspace, a
 * `too_large` error object that names the limit (docs/api.md, "Messages refused for size").
 */
import { ErrorCode } from '../errors.ts';
import type { ErrorObject } from '../sessions/index.ts';

/** How long a refusal waits for the user's next connection. */
const KEEP_MS = 10 * 60_000;

/** Whether a socket's close `description` is ws's "Max payload size exceeded". */
export function isSizeRefusal(description: unknown): boolean {
  const d = description as { message?: unknown; code?: unknown } | null | undefined;
  return (
    d?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ||
    (typeof d?.message === 'string' && d.message.includes('Max payload size exceeded'))
  );
}

/** Refusals waiting for their user's next connection. */
export class SizeRefusals {
  private readonly pending = new Map<string, number>();

  /** `limitBytes`: the largest message the transport takes after login. */
  constructor(private readonly limitBytes: () => number) {}

  /** A socket of `userId` closed with `description`: remembers a refusal for size. */
  closed(userId: string, description: unknown): void {
    if (isSizeRefusal(description)) this.pending.set(userId, Date.now());
  }

  /** The `too_large` error object for `userId`'s new connection, once; null if none. */
  take(userId: string): ErrorObject | null {
    const at = this.pending.get(userId);
    this.pending.delete(userId);
    if (at === undefined || Date.now() - at > KEEP_MS) return null;
    return {
      type: 'error',
      name: null,
      code: ErrorCode.tooLarge,
      message:
        `a message larger than this server takes in one message (${this.limitBytes()} bytes) ` +
        'was refused and the connection closed; nothing of it was received or run: send ' +
        'less at once (several messages, or scalar values as binary)',
    };
  }
}
