// The Socket.IO connection: the protocol queue on top of it, the periodic ping that
// measures the server's and R's latency, the connection state for the login menu, and
// the reason of a `bye`.
import { BINARY_VALUES_AUTH, jsonValues } from './binary.ts';
import { io, type Socket } from 'socket.io-client';
import { ProtocolQueue, type ServerData } from './protocol.ts';
import type { PanthrObject, Reply } from './types.ts';

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
  /**
   * `reset` is true for a message that holds the whole workspace (the first after
   * (re)connecting, and a switch made in any tab): it replaces what the tab shows.
   */
  onData(msg: ServerData, reset: boolean): void;
}

const BYE_TEXT: Record<string, string> = {
  timeout: 'You were disconnected after a long time without activity.',
  max_time: 'You were disconnected: the longest time a connection may last has passed.',
  shutdown: 'The server is restarting; reconnecting as soon as it is back…',
  backlog: "You were disconnected: this tab stopped taking the server's messages.",
  unavailable: 'The server could not open your workspace just now; trying again shortly…',
  password_changed: 'Your password was changed in another session.',
  moved: 'Another server took over your session; reconnecting…',
  revoked:
    'Your access ended: the shared workspace, its share or your access token was removed. Reconnect to go back to your own workspace.',
};

/**
 * `bye` reasons after which the tab stays disconnected until the user asks (the server
 * ended the connection on purpose); after any other server-side close it reconnects.
 */
const FINAL_BYES: ReadonlySet<string> = new Set([
  'timeout',
  'max_time',
  'password_changed',
  'revoked',
]);

/** The affinity cookie nginx maps to a cluster node (server/cluster/affinity.ts). */
const NODE_COOKIE = 'panthr_node';

/** Milliseconds before reconnection attempt `n` (0-based): 1 s doubling to 10 s, jittered. */
export function retryDelay(n: number): number {
  return Math.min(10_000, 1000 * 2 ** n) * (0.5 + Math.random());
}

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
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retries = 0;
  private closed = false;
  private byeReason: string | null = null;
  private byeCode: string | null = null;
  private readonly latency: Latency = { server: null, r: null, rReported: null };

  constructor(private readonly ev: ConnectionEvents) {
    this.socket = io({
      autoConnect: false,
      reconnectionDelayMax: 10_000,
      auth: BINARY_VALUES_AUTH,
    });
    this.queue = new ProtocolQueue(this.socket, (msg) => {
      // A server without `reset` (API 1.0) sends the workspace as the first push.
      const reset = msg.reset === true || (this.firstPending && msg.replyTo === undefined);
      if (msg.replyTo === undefined) this.firstPending = false;
      this.ev.onData(msg, reset);
    });
    this.wire();
  }

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => {
      this.firstPending = true;
      this.retries = 0;
      this.byeReason = null;
      this.byeCode = null;
      this.queue.setConnected(true);
      this.ev.onState('connected', null);
      this.schedulePing(0);
    });
    s.on('disconnect', (reason) => {
      this.queue.setConnected(false);
      this.stopPing();
      if (reason === 'io client disconnect') this.ev.onState('disconnected', null);
      else if (this.byeCode !== null && FINAL_BYES.has(this.byeCode))
        this.ev.onState('disconnected', this.byeReason);
      else if (reason === 'io server disconnect') {
        // Socket.IO does not reconnect after the server closed the socket (a restart's
        // `bye shutdown`, a logout elsewhere): try again; a session that is gone is then
        // refused as `unauthorized`.
        this.ev.onState(
          'reconnecting',
          this.byeReason ?? 'The server closed the connection; reconnecting…',
        );
        this.retryLater();
      } else this.ev.onState('reconnecting', 'The connection dropped; reconnecting…');
    });
    s.on('connect_error', (err: Error) => {
      if (err.message === 'moved') return this.moveTo((err as Error & { data?: unknown }).data);
      if (err.message === 'unauthorized') this.ev.onState('refused', 'unauthorized');
      else if (err.message === 'server_full')
        this.ev.onState('refused', 'The server is full right now; retrying…');
      else if (err.message === 'shutting_down')
        this.ev.onState('reconnecting', 'The server is restarting; reconnecting…');
      else this.ev.onState('reconnecting', 'The server cannot be reached; retrying…');
      // Socket.IO retries a transport that fails by itself, but not a refusal by a
      // middleware: retry these ourselves.
      if (err.message === 'server_full') this.retryLater(15_000);
      if (err.message === 'shutting_down') this.retryLater();
    });
    s.on('ok', (p: unknown) => this.queue.handleOk(p));
    s.on('data', (p: unknown) => this.queue.handleData(jsonValues(p)));
    s.on('bye', (p: { reason?: unknown } | null) => {
      const reason = typeof p?.reason === 'string' ? p.reason : '';
      this.byeCode = reason;
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

  /**
   * A cluster node refused us because another node holds this user (docs/operations.md):
   * set the affinity cookie it names and connect again through the same URL at once; the
   * backoff applies when the move repeats (the holder just died: its lease runs out).
   */
  private moveTo(data: unknown): void {
    const node = (data as { node?: unknown } | null | undefined)?.node;
    if (typeof node === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(node)) {
      document.cookie = `${NODE_COOKIE}=${encodeURIComponent(node)}; path=/; SameSite=Lax`;
    }
    this.ev.onState('reconnecting', 'Moving to the server that holds your session…');
    this.retryLater(this.retries === 0 ? 0 : retryDelay(this.retries));
    this.retries += 1;
  }

  /** Connects again after `delay` ms (default: the next step of the backoff), once. */
  private retryLater(delay = retryDelay(this.retries++)): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && !this.socket.connected) this.socket.connect();
    }, delay);
  }

  /** Opens the connection (after login, or at start when a session may exist). */
  open(): void {
    this.closed = false;
    this.ev.onState('connecting', null);
    this.socket.connect();
  }

  /**
   * Sends objects as one `data` message for `workspace` (the id the tab shows, or null);
   * resolves with the reply's objects.
   */
  send(objects: PanthrObject[], workspace: string | null = null): Promise<Reply[]> {
    return this.queue.send(objects, workspace);
  }

  /** Ends the connection for good. */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopPing();
    this.socket.disconnect();
  }
}
