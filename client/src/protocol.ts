// The client half of API.md section 2: `data` goes out one message at a time (the next
// only after the server's `ok` for the previous one), every server `data` is acked with
// `ok {seq}`, and replies are matched to requests by `replyTo`. DOM-free and
// transport-agnostic so that it can be tested without a browser or a server.
import { isPObject, type PanthrObject, type Reply } from './types.ts';

/** A client `data` message; `workspace` is the id of the workspace the tab shows (API 1.1). */
export interface ClientData {
  seq: number;
  objects: PanthrObject[];
  workspace?: string;
}

/** The two things the queue sends; a Socket.IO socket satisfies it. */
export interface Transport {
  emit(event: 'data', payload: ClientData): unknown;
  emit(event: 'ok', payload: { seq: number }): unknown;
}

/** A server `data` message: results for the client's message `replyTo`, or a push. */
export interface ServerData {
  seq: number;
  replyTo?: number;
  objects: Reply[];
  /** True on a message that replaces the whole workspace (on connect, after a switch). */
  reset?: true;
  /** The workspace a `reset` message holds; `readOnly` when it is shared with this user. */
  workspace?: { id: string; name: string; readOnly?: boolean };
}

/** Raised to a waiting caller when the connection drops before its reply came. */
export class DisconnectedError extends Error {
  constructor(message = 'The connection dropped before the result came back.') {
    super(message);
    this.name = 'DisconnectedError';
  }
}

/**
 * Sends of one message that may end in a dropped connection before it is given up. The
 * server drops the connection on a message over its size limit instead of answering it;
 * sent again forever, such a message would hold up every later one.
 */
export const MAX_SENDS = 3;

interface Outgoing {
  seq: number;
  objects: PanthrObject[];
  /** The workspace the tab showed when the request was made; null: not said. */
  workspace: string | null;
  /** Times it was put on the wire. */
  sends: number;
}

interface Waiter {
  resolve(objects: Reply[]): void;
  reject(e: Error): void;
}

/** Parses an incoming `data` payload; null when it is not `{seq: int, objects: [...]}`. */
export function parseServerData(payload: unknown): ServerData | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  if (!Number.isInteger(p['seq']) || !Array.isArray(p['objects'])) return null;
  const objects = (p['objects'] as unknown[]).filter(isPObject);
  const replyTo = Number.isInteger(p['replyTo']) ? (p['replyTo'] as number) : undefined;
  const ws = p['workspace'] as
    { id?: unknown; name?: unknown; readOnly?: unknown } | null | undefined;
  const workspace =
    typeof ws?.id === 'string' && typeof ws.name === 'string'
      ? { id: ws.id, name: ws.name, ...(ws.readOnly === true ? { readOnly: true } : {}) }
      : undefined;
  return {
    seq: p['seq'] as number,
    objects,
    ...(replyTo === undefined ? {} : { replyTo }),
    ...(p['reset'] === true ? { reset: true as const } : {}),
    ...(workspace === undefined ? {} : { workspace }),
  };
}

/**
 * The outbound queue and reply matcher. Call `setConnected` on connect/disconnect,
 * `handleOk` and `handleData` with the server's events; `send` returns the reply's objects.
 */
export class ProtocolQueue {
  private nextSeq = 1;
  private readonly waiting: Outgoing[] = [];
  private inFlight: Outgoing | null = null;
  private readonly waiters = new Map<number, Waiter>();
  private connected = false;

  /** `onData` sees every server message (pushes and replies) after it was acked. */
  constructor(
    private readonly transport: Transport,
    private readonly onData: (msg: ServerData) => void,
  ) {}

  /**
   * Queues `objects` as one `data` message; resolves with the objects of its reply.
   * `workspace` (the id of the workspace the tab shows) goes with it, also when it is sent
   * again after a reconnect: a switch meanwhile makes the server refuse it, not run it
   * elsewhere.
   */
  send(objects: PanthrObject[], workspace: string | null = null): Promise<Reply[]> {
    const seq = this.nextSeq++;
    this.waiting.push({ seq, objects, workspace, sends: 0 });
    const p = new Promise<Reply[]>((resolve, reject) => this.waiters.set(seq, { resolve, reject }));
    this.pump();
    return p;
  }

  /** Messages not yet acknowledged by the server (queued or in flight). */
  get pending(): number {
    return this.waiting.length + (this.inFlight === null ? 0 : 1);
  }

  /** Messages acknowledged but still waiting for their reply. */
  get awaitingReplies(): number {
    return this.waiters.size - this.pending;
  }

  /**
   * Tells the queue whether the transport is up. On a drop, the unacked message goes back
   * to the front of the queue (it is sent again on reconnect) unless it was sent
   * {@link MAX_SENDS} times already, and callers whose messages were already acked get a
   * DisconnectedError: their reply went to the old connection.
   */
  setConnected(up: boolean): void {
    this.connected = up;
    if (!up) {
      const dropped = this.inFlight;
      this.inFlight = null;
      if (dropped !== null && dropped.sends < MAX_SENDS) this.waiting.unshift(dropped);
      else if (dropped !== null) this.giveUp(dropped.seq);
      const queued = new Set(this.waiting.map((m) => m.seq));
      for (const [seq, w] of this.waiters) {
        if (queued.has(seq)) continue;
        this.waiters.delete(seq);
        w.reject(new DisconnectedError());
      }
      return;
    }
    this.pump();
  }

  /** The server's `ok {seq}`: the in-flight message was received; send the next one. */
  handleOk(payload: unknown): void {
    const seq = (payload as { seq?: unknown } | null)?.seq;
    if (this.inFlight !== null && seq === this.inFlight.seq) {
      this.inFlight = null;
      this.pump();
    }
  }

  /** The server's `data`: ack it at once, hand it to `onData`, settle its caller. */
  handleData(payload: unknown): void {
    const msg = parseServerData(payload);
    if (msg === null) {
      const seq = (payload as { seq?: unknown } | null)?.seq;
      if (Number.isInteger(seq)) this.transport.emit('ok', { seq: seq as number });
      return;
    }
    this.transport.emit('ok', { seq: msg.seq });
    if (msg.replyTo !== undefined && this.inFlight?.seq === msg.replyTo) {
      // A reply implies the message was received even if its `ok` was lost.
      this.inFlight = null;
    }
    this.onData(msg);
    if (msg.replyTo !== undefined) {
      const w = this.waiters.get(msg.replyTo);
      this.waiters.delete(msg.replyTo);
      w?.resolve(msg.objects);
    }
    this.pump();
  }

  /** Fails the caller of a message the server kept dropping the connection on. */
  private giveUp(seq: number): void {
    const message =
      `The server closed the connection each time this was sent (${MAX_SENDS} times); ` +
      'it may be larger than the server accepts.';
    this.waiters.get(seq)?.reject(new DisconnectedError(message));
    this.waiters.delete(seq);
  }

  private pump(): void {
    if (!this.connected || this.inFlight !== null) return;
    const next = this.waiting.shift();
    if (next === undefined) return;
    this.inFlight = next;
    next.sends++;
    this.transport.emit('data', {
      seq: next.seq,
      objects: next.objects,
      ...(next.workspace === null ? {} : { workspace: next.workspace }),
    });
  }
}
