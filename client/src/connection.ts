// The Socket.IO connection: the protocol queue on top of it, the periodic ping that
// measures the server's and R's latency, the connection state for the login menu, and
// the reason of a `bye`.
import { BINARY_VALUES_AUTH, jsonValues } from './binary.ts';
import { io, type Socket } from 'socket.io-client';
import { ProtocolQueue, type ServerData } from './protocol.ts';
import type { PObject } from './types.ts';

/** What the login menu shows about the connection. */
export type ConnState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'refused';

/** Latencies from the last ping, in milliseconds (null until measured). */
export interface Latency {
  server: number | null;
  r: number | null;
  rReported: number | null;
}

/** What the connection tells the rest of the client. */
export interface ConnectionEvents {
  onState(state: ConnState, detail: string | null): void;
  onLatency(l: Latency): void;
  /** `first` is true for the first message after (re)connecting: the whole workspace. */
  onData(msg: ServerData, first: boolean): void;
}

const BYE_TEXT: Record<string, string> = {
  timeout: 'You were disconnected after a long time without activity.',
  max_time: 'You were disconnected: the longest time a connection may last has passed.',
  shutdown: 'The server is shutting down for maintenance.',
  backlog: "You were disconnected: this tab stopped taking the server's messages.",
  unavailable: 'The server could not open your workspace just now. Please try again shortly.',
};

/** Milliseconds between pings: 20 to 30 seconds, jittered so tabs do not align. */
function pingInterval(): number {
  return 20_000 + Math.floor(Math.random() * 10_000);
}

/** A live connection to the server; `close()` ends it for good (log out). */
export class Connection {
  private readonly socket: Socket;
  readonly queue: ProtocolQueue;
  private firstPending = true;
  private pingTimer: ReturnType<typeof setTimeout> | null = null;
  private byeReason: string | null = null;
  private readonly latency: Latency = { server: null, r: null, rReported: null };

  constructor(private readonly ev: ConnectionEvents) {
    this.socket = io({
      autoConnect: false,
      reconnectionDelayMax: 10_000,
      auth: BINARY_VALUES_AUTH,
    });
    this.queue = new ProtocolQueue(this.socket, (msg) => {
      const first = this.firstPending && msg.replyTo === undefined;
      if (msg.replyTo === undefined) this.firstPending = false;
      this.ev.onData(msg, first);
    });
    this.wire();
  }

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => {
      this.firstPending = true;
      this.byeReason = null;
      this.queue.setConnected(true);
      this.ev.onState('connected', null);
      this.schedulePing(0);
    });
    s.on('disconnect', (reason) => {
      this.queue.setConnected(false);
      this.stopPing();
      if (this.byeReason !== null) this.ev.onState('disconnected', this.byeReason);
      else if (reason === 'io client disconnect') this.ev.onState('disconnected', null);
      else if (reason === 'io server disconnect')
        this.ev.onState('disconnected', 'The server closed the connection.');
      else this.ev.onState('reconnecting', 'The connection dropped; reconnecting…');
    });
    s.on('connect_error', (err: Error) => {
      if (err.message === 'unauthorized') this.ev.onState('refused', 'unauthorized');
      else if (err.message === 'server_full')
        this.ev.onState('refused', 'The server is full right now; retrying…');
      else this.ev.onState('reconnecting', 'The server cannot be reached; retrying…');
      // Socket.IO does not retry a refusal by a middleware; retry `server_full` ourselves.
      if (err.message === 'server_full') setTimeout(() => s.connect(), 15_000);
    });
    s.on('ok', (p: unknown) => this.queue.handleOk(p));
    s.on('data', (p: unknown) => this.queue.handleData(jsonValues(p)));
    s.on('bye', (p: { reason?: unknown } | null) => {
      const reason = typeof p?.reason === 'string' ? p.reason : '';
      this.byeReason =
        BYE_TEXT[reason] ?? `The server ended the connection (${reason || 'no reason given'}).`;
    });
    s.on('ping', (p: { t?: unknown; from?: unknown; r_ms?: unknown } | null) => this.onPong(p));
  }

  private onPong(p: { t?: unknown; from?: unknown; r_ms?: unknown } | null): void {
    if (typeof p?.t !== 'number') return;
    const ms = Math.round(performance.now() - p.t);
    if (p.from === 'server') this.latency.server = ms;
    else if (p.from === 'r') {
      this.latency.r = ms;
      this.latency.rReported = typeof p.r_ms === 'number' ? Math.round(p.r_ms) : null;
    }
    this.ev.onLatency({ ...this.latency });
  }

  private schedulePing(delay: number): void {
    this.stopPing();
    this.pingTimer = setTimeout(() => {
      if (this.socket.connected) this.socket.emit('ping', { t: performance.now() });
      this.schedulePing(pingInterval());
    }, delay);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) clearTimeout(this.pingTimer);
    this.pingTimer = null;
  }

  /** Opens the connection (after login, or at start when a session may exist). */
  open(): void {
    this.ev.onState('connecting', null);
    this.socket.connect();
  }

  /** Drops and reopens the connection, e.g. after switching workspace, to get it whole. */
  reopen(): void {
    this.socket.disconnect();
    this.open();
  }

  /** Sends objects as one `data` message; resolves with the reply's objects. */
  send(objects: PObject[]): Promise<PObject[]> {
    return this.queue.send(objects);
  }

  /** Ends the connection for good. */
  close(): void {
    this.stopPing();
    this.socket.disconnect();
  }
}
