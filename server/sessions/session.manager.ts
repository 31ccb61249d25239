/**
 * Who is connected: user <-> clients (tabs) <-> current workspace <-> R session lease.
 * The realtime handlers call it; it owns the limits, the connection log and shutdown.
 */
import type { Logger } from 'pino';
import type { RegisteredKinds } from '../../r/index.ts';
import {
  ClientConnection,
  type ByeReason,
  type ClientSocket,
  type ConnectionLimits,
} from './client.connection.ts';
import type { ErrorObject, StoredPanthrObject, RInspector, WorkspacePersistence } from './ports.ts';
import { UserSession, type UserSessionDeps } from './user.session.ts';

/** The connection log (store), without any data values. */
export interface ConnectionLog {
  opened(entry: { userId: string | null; address: string }): Promise<string>;
  closed(
    id: string,
    entry: { reason: string; messages: number; durationMs: number },
  ): Promise<void>;
}

/** What the session manager is built from. */
export interface SessionManagerDeps extends UserSessionDeps {
  readonly limits: ConnectionLimits;
  readonly persistence: WorkspacePersistence;
  readonly connectionLog: ConnectionLog;
  /** Public server: purge what a user created when their last client leaves. */
  readonly publicMode: boolean;
  readonly log: Logger;
  /**
   * A user's last tab left and their session begins to end; the function returned runs once
   * it ended (work saved, R given back) with no new tab meanwhile. On a cluster the lease is
   * released then, unless a new tab's handshake was admitted after the ending began (its
   * session may register only after the ending finished).
   */
  readonly onUserEnding?: (userId: string) => () => void;
}

/** How long shutdown lets running computations finish before cancelling them. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Tracks every connected client and user session. */
export class SessionManager {
  private readonly users = new Map<string, UserSession>();
  private readonly clients = new Map<ClientConnection, Promise<string | null>>();
  /** Disconnects still logging, releasing R or purging. */
  private readonly leaving = new Set<Promise<void>>();
  /**
   * Users whose last tab left and whose session is still ending, by user: queued work
   * finishing and being saved, R given back, in public mode the purge. A shutdown bounds
   * that work as it bounds the work of users still connected.
   */
  private readonly endings = new Map<string, { session: UserSession; ended: Promise<void> }>();
  private closing = false;

  constructor(private readonly deps: SessionManagerDeps) {}

  /** Clients connected now (`no_users` in /status). */
  get clientCount(): number {
    return this.clients.size;
  }
  /** Whether `userId` has a tab connected, or a session still ending, on this server. */
  hasUser(userId: string): boolean {
    return this.users.has(userId) || this.endings.has(userId);
  }
  /** Users with at least one client. */
  get userCount(): number {
    return this.users.size;
  }
  /** Whether shutdown has begun (new connections are refused). */
  get isClosing(): boolean {
    return this.closing;
  }
  /** Outbound messages awaiting an ok, over all clients. */
  outboundDepth(): number {
    let n = 0;
    for (const c of this.clients.keys()) n += c.outbound.depth;
    return n;
  }
  /** Requests queued or running, over all users. */
  workDepth(): number {
    let n = 0;
    for (const u of this.users.values()) n += u.queueDepth;
    return n;
  }

  /**
   * A client connected: registers it at once (so no message is lost) and starts sending it
   * its workspace; `client.ready` settles when that first `data` is queued.
   */
  connect(socket: ClientSocket, userId: string, address: string): ClientConnection {
    const client = new ClientConnection(socket, userId, address, this.deps.limits, this.deps.log);
    const logId = this.deps.connectionLog
      .opened({ userId: this.deps.publicMode ? null : userId, address })
      .catch((err: unknown) => {
        this.deps.log.error({ err }, 'could not write the connection log');
        return null;
      });
    this.clients.set(client, logId);
    let user = this.users.get(userId);
    if (user === undefined) {
      // Back while the previous session ends: its waiting messages still count.
      user = new UserSession(userId, this.deps, this.endings.get(userId)?.session.waiting);
      this.users.set(userId, user);
    }
    this.deps.log.info({ socket: socket.id, user: userId, address }, 'client connected');
    // A user back at once (a reload) waits for their previous session to end: the
    // workspace they get holds the last result queued before they left, and in public
    // mode nothing of what is being deleted.
    client.ready = user.attach(client, this.endings.get(userId)?.ended);
    return client;
  }

  /**
   * Queues a checked client message of `bytes` on the wire; `workspace` is the id the
   * client's tab shows, or null when it did not say (then the message runs in whichever
   * workspace is current). False when it was refused for too many waiting (and answered).
   */
  submit(
    client: ClientConnection,
    seq: number,
    items: readonly (StoredPanthrObject | ErrorObject)[],
    workspace: string | null = null,
    bytes = 0,
  ): boolean {
    client.touch();
    client.messages += 1;
    return this.users.get(client.userId)?.submit(client, seq, items, workspace, bytes) ?? true;
  }

  /**
   * The kinds the R session of `userId` knows (see UserSession.kinds); null when the user
   * holds none now. Requests are checked against these, not the current Rserve's: a session
   * from before an extensions reload lacks the new kinds until the user reconnects.
   */
  kindsOf(userId: string): RegisteredKinds | null {
    return this.users.get(userId)?.kinds ?? null;
  }

  /** Answers the R half of a ping. */
  pingR(client: ClientConnection, t: unknown): Promise<void> {
    return this.users.get(client.userId)?.pingR(client, t) ?? Promise.resolve();
  }

  /**
   * For tests and diagnostics: looks into the R session of a connected user, in their
   * queue (see UserSession.inspectR); rejects when the user has no client connected.
   */
  inspectR<T>(userId: string, fn: RInspector<T>): Promise<T> {
    const user = this.users.get(userId);
    if (user === undefined) return Promise.reject(new Error(`user ${userId} is not connected`));
    return user.inspectR(fn);
  }

  /** The user's current workspace changed elsewhere (REST): reload it in every tab. */
  workspaceChanged(userId: string): void {
    this.users.get(userId)?.switchWorkspace();
  }

  /** Users who have a workspace of another user open (read-only) now, with its id. */
  readers(): { userId: string; workspaceId: string }[] {
    const out: { userId: string; workspaceId: string }[] = [];
    for (const [userId, user] of this.users) {
      const open = user.openWorkspace;
      if (open?.readOnly === true) out.push({ userId, workspaceId: open.id });
    }
    return out;
  }

  /** Says `bye` with `reason` to every client of `userId`. */
  byeUser(userId: string, reason: ByeReason): void {
    for (const c of [...(this.users.get(userId)?.clients ?? [])]) c.bye(reason);
  }

  /** A client's socket closed: log it; the user's last client releases R (and purges if public). */
  disconnect(client: ClientConnection, why: string): Promise<void> {
    const logId = this.clients.get(client);
    if (logId === undefined) return Promise.resolve();
    this.clients.delete(client);
    // Tracked so that close() waits for it: the store must outlive a public user's purge.
    const left = this.leave(client, why, logId).finally(() => this.leaving.delete(left));
    this.leaving.add(left);
    return left;
  }

  private async leave(
    client: ClientConnection,
    why: string,
    logId: Promise<string | null>,
  ): Promise<void> {
    client.closed();
    // The session ends at once, before anything here waits: a tab of the same user that
    // connects meanwhile then waits for that end (in public mode, the purge) and starts a
    // new session, instead of joining the old one (which then was never purged).
    const ending = this.endSession(client);
    // Awaited below, after the log: not an unhandled rejection meanwhile.
    ending.catch(() => undefined);
    const reason = client.closeReason === 'disconnected' ? why : (client.closeReason ?? why);
    const durationMs = Date.now() - client.openedAt;
    this.deps.log.info(
      {
        socket: client.socket.id,
        user: client.userId,
        reason,
        durationMs,
        messages: client.messages,
      },
      'client disconnected',
    );
    const id = await logId;
    if (id !== null) {
      await this.deps.connectionLog
        .closed(id, { reason, messages: client.messages, durationMs })
        .catch((err: unknown) =>
          this.deps.log.error({ err }, 'could not write the connection log'),
        );
    }
    await ending;
  }

  /** Detaches `client`; when it was its user's last, ends the user's session (resolved then). */
  private endSession(client: ClientConnection): Promise<void> {
    const user = this.users.get(client.userId);
    if (user === undefined || !user.detach(client)) return Promise.resolve();
    const onEnded = this.deps.onUserEnding?.(client.userId);
    this.users.delete(client.userId);
    // Work already queued still runs and is saved (each computation is bounded by
    // compute_timeout, the queue by max_queued); in public mode it stops (see purge).
    const graceMs = this.closing ? SHUTDOWN_GRACE_MS : null;
    const ended = this.deps.publicMode ? this.purge(user) : user.close(graceMs);
    this.endings.set(user.userId, { session: user, ended });
    return ended.finally(() => {
      if (this.endings.get(user.userId)?.ended === ended) this.endings.delete(user.userId);
      if (!this.users.has(user.userId)) onEnded?.();
    });
  }

  /**
   * Public mode: stops the user's work at once (its results would be deleted), then deletes
   * all they created.
   */
  private async purge(user: UserSession): Promise<void> {
    await user.close(0);
    await this.deps.persistence
      .purge(user.userId)
      .catch((err: unknown) => this.deps.log.error({ err }, 'public mode: purge failed'));
  }

  /**
   * Shutdown: refuse new clients, say bye, let work finish (bounded), release every R
   * session; resolves once every disconnect is done (public mode: its purge too).
   */
  async close(): Promise<void> {
    this.closing = true;
    const users = [...this.users.values()];
    // bye disconnects the socket, whose handler calls disconnect() at once (into `leaving`).
    for (const c of this.clients.keys()) c.bye('shutdown');
    // Users who left before: their queued work is bounded alike (a queue of max_queued
    // computations would otherwise hold the shutdown for as long as it takes).
    for (const { session } of this.endings.values()) session.cancelAfter(SHUTDOWN_GRACE_MS);
    await Promise.allSettled([...users.map((u) => u.close(SHUTDOWN_GRACE_MS)), ...this.leaving]);
  }
}
