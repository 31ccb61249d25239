/**
 * Byte limits of the realtime transport, per connection (docs/security.md, "Message limits").
 * Engine.IO accepts a transport before anyone logs in and has one buffer limit for every
 * connection; so each connection gets its own: frames (a WebSocket message, a polling POST)
 * of at most {@link PRE_LOGIN_FRAME_BYTES} until its Socket.IO CONNECT is accepted, then
 * one Socket.IO message (its JSON and its binary attachments together) of at most the
 * message limit, which is far below what V8 can hold as one string (~512 MB).
 */
import type { Socket as EngineSocket } from 'engine.io';

/** Largest frame before the connection's CONNECT is accepted (a CONNECT with a token fits). */
export const PRE_LOGIN_FRAME_BYTES = 64 * 1024;
/** Largest Socket.IO message after login: its JSON text plus its binary attachments. */
export const MESSAGE_BYTES = 128 * 2 ** 20;

/** Bytes per cell a JSON dataset may take on the wire (numbers as text, commas, labels). */
const BYTES_PER_CELL = 32;

/**
 * The message limit of a server: {@link MESSAGE_BYTES}, or less when `max_data` makes any
 * larger message useless (32 bytes a cell plus 1 MB).
 */
export function maxMessageBytes(maxData: number | null): number {
  return maxData === null
    ? MESSAGE_BYTES
    : Math.min(MESSAGE_BYTES, Math.max(2 ** 20, maxData * BYTES_PER_CELL + 2 ** 20));
}

/** The parts of Engine.IO's transports that carry a byte limit (see {@link setFrameLimit}). */
interface LimitedTransport {
  readonly name: string;
  /** Polling: checked on every chunk of a POST body (engine.io's own field). */
  maxHttpBufferSize?: number;
  /** WebSocket: the `ws` socket, whose receiver checks each frame's declared length. */
  readonly socket?: { _receiver?: { _maxPayload?: number } | null };
}

/**
 * Sets the largest frame a transport takes now. `ws` has no public way to change one
 * socket's limit after the upgrade, so its receiver's `_maxPayload` is set (ws 8; the
 * integration test realtime-limits.test.ts fails if that field ever stops working).
 */
function setFrameLimit(transport: unknown, bytes: number): void {
  const t = transport as LimitedTransport;
  if (t.name === 'polling') t.maxHttpBufferSize = bytes;
  const receiver = t.socket?._receiver;
  if (t.name === 'websocket' && receiver) receiver._maxPayload = bytes;
}

/** What one connection is allowed now, and how much of the message under way it used. */
interface ConnectionState {
  loggedIn: boolean;
  /** Bytes of the Socket.IO message being received (its JSON and attachments so far). */
  used: number;
  /** Binary attachments still to come for that message. */
  pending: number;
}

/** The attachment count of a Socket.IO binary event or ack (`51-[...]`), else 0. */
function attachmentsOf(text: string): number {
  const m = /^[56](\d{1,6})-/.exec(text);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

/** Per-connection limits on one Engine.IO server; see the module comment. */
export class MessageLimits {
  private readonly states = new WeakMap<EngineSocket, ConnectionState>();

  /** `messageBytes`: the largest message after login, read when a limit is set. */
  constructor(private readonly messageBytes: () => number) {}

  /** Limits a new Engine.IO connection to pre-login frames; call from its `connection` event. */
  attach(conn: EngineSocket): void {
    const state: ConnectionState = { loggedIn: false, used: 0, pending: 0 };
    this.states.set(conn, state);
    this.apply(conn, conn.transport);
    // A transport being upgraded to (polling -> WebSocket) takes the same limit.
    conn.on('upgrading', (transport: unknown) => this.apply(conn, transport));
    conn.on('upgrade', (transport: unknown) => this.apply(conn, transport));
    conn.on('packet', (packet: { type: string; data?: unknown }) => {
      if (packet.type === 'message') this.count(conn, state, packet.data);
    });
  }

  /** The connection's CONNECT was accepted (or its last socket left): its limit changes. */
  setLoggedIn(conn: EngineSocket, loggedIn: boolean): void {
    const state = this.states.get(conn);
    if (state === undefined) return;
    state.loggedIn = loggedIn;
    this.apply(conn, conn.transport);
  }

  /**
   * Counts a received Engine.IO message into its Socket.IO message, and leaves the
   * transport room for what the message may still use: the next attachment cannot carry
   * the message past the limit.
   */
  private count(conn: EngineSocket, state: ConnectionState, data: unknown): void {
    const bytes =
      typeof data === 'string'
        ? Buffer.byteLength(data)
        : data instanceof Uint8Array || data instanceof ArrayBuffer
          ? data.byteLength
          : 0;
    if (typeof data === 'string') {
      state.used = bytes;
      state.pending = attachmentsOf(data);
    } else {
      state.used += bytes;
      state.pending = Math.max(0, state.pending - 1);
    }
    if (state.pending === 0) state.used = 0;
    this.apply(conn, conn.transport);
  }

  private apply(conn: EngineSocket, transport: unknown): void {
    const state = this.states.get(conn);
    if (state === undefined) return;
    const limit = state.loggedIn
      ? Math.max(1, this.messageBytes() - state.used)
      : PRE_LOGIN_FRAME_BYTES;
    setFrameLimit(transport, limit);
  }
}
