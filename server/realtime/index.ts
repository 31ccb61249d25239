/**
 * The realtime layer: Socket.IO on the HTTP server, sharing the HTTP session, with the
 * handshake checks of API.md §2 (session, Origin, max_users) and one SessionManager.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Socket as EngineSocket } from 'engine.io';
import type { Logger } from 'pino';
import type { RequestHandler } from 'express';
import type { Config } from '../config/index.ts';
import { accessibleWorkspace, type Store } from '../store/index.ts';
import {
  createMetrics,
  SessionManager,
  type ClientConnection,
  type RInspector,
  type SessionMetrics,
  type WorkspacePersistence,
} from '../sessions/index.ts';
import type { RService } from '../../r/index.ts';
import {
  createOriginPolicy,
  type AccessChanged,
  type Auth,
  type CurrentWorkspaceChanged,
  type TokenRevoked,
  type UserLoggedOut,
} from '../auth/index.ts';
import { createPorts } from './adapters.ts';
import { HandshakeError, type PanthRServer, type PanthRSocket } from './events.ts';
import { bindHandlers } from './handlers.ts';
import { forgivingParser } from './forgiving-parser.ts';
import { boundPacketDepth } from './packet-depth.ts';
import { maxMessageBytes, MessageLimits, PRE_LOGIN_FRAME_BYTES } from './message-limits.ts';
import { SizeRefusals } from './size-refusals.ts';
import {
  leasedPersistence,
  relayAcrossNodes,
  type ClusterNode,
  type LeaseKeeper,
} from '../cluster/index.ts';
import { admitToNode, affinityCookie, movedError } from './cluster.handshake.ts';

/** What the realtime layer is built from. */
export interface RealtimeDeps {
  readonly config: Config;
  readonly store: Store;
  readonly log: Logger;
  readonly r: RService;
  readonly auth: Pick<
    Auth,
    | 'middleware'
    | 'userOf'
    | 'sessionIdOf'
    | 'onCurrentWorkspaceChanged'
    | 'onUserLoggedOut'
    | 'verifyToken'
    | 'onTokenRevoked'
    | 'onAccessChanged'
  >;
  /** This node's part of a cluster; null or absent: a single server. */
  readonly cluster?: ClusterNode | null;
}

/** The running realtime layer. */
export interface Realtime {
  readonly io: PanthRServer;
  readonly metrics: SessionMetrics;
  /** Clients connected now (`no_users`). */
  connectedClients(): number;
  /** For tests and diagnostics: looks into a connected user's R session (never a client's). */
  inspectR<T>(userId: string, fn: RInspector<T>): Promise<T>;
  /** Says `bye` to every client, lets work finish (bounded), releases R, closes Socket.IO. */
  close(): Promise<void>;
}

/** Outbound `data` messages a client may leave unacknowledged before it is disconnected. */
const MAX_OUTBOUND = 256;
export { maxMessageBytes } from './message-limits.ts';

/** Runs an express middleware only on the first request of an Engine.IO handshake. */
function onHandshake(mw: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const sid = (req as unknown as { _query?: { sid?: string } })._query?.sid;
    if (sid === undefined) mw(req, res, next);
    else next();
  };
}

/** Creates the realtime layer on an HTTP server. */
export function createRealtime(http: HttpServer, deps: RealtimeDeps): Realtime {
  const { config, log } = deps;
  const ports = createPorts(deps);
  const cluster = deps.cluster ?? null;
  // On a cluster: a lease per user, checked before each save (nothing of it runs otherwise).
  const keeper: LeaseKeeper | null =
    cluster?.keeper({
      active: (userId): boolean => manager.hasUser(userId),
      onLost: (userId): void => manager.byeUser(userId, 'moved'),
    }) ?? null;
  // The metrics read the manager only when scraped, after it exists.
  const metrics = createMetrics({
    connectedClients: () => manager.clientCount,
    connectedUsers: () => manager.userCount,
    outboundDepth: () => manager.outboundDepth(),
    workDepth: () => manager.workDepth(),
    rSessions: () => ports.rSessions(),
    rRestarts: () => ports.rRestarts(),
    rState: () => ports.rState(),
  });
  // Public mode deletes a user's workspaces when they leave, shares included: readers who
  // have one open lose it then, as when its owner deletes it.
  const persistence: WorkspacePersistence = {
    ...ports.persistence,
    async purge(userId) {
      await ports.persistence.purge(userId);
      onAccessChanged({ workspaceIds: null });
    },
  };
  const manager = new SessionManager({
    ...ports,
    persistence,
    ...(keeper === null
      ? {}
      : {
          persistence: leasedPersistence(persistence, keeper),
          onUserEnding: (userId: string) => {
            // Admissions from now on are new tabs: their lease must outlive this ending.
            const mark = keeper.mark();
            return () => {
              keeper.release(userId, mark).catch((err: unknown) => {
                log.warn({ err, user: userId }, 'could not release a lease');
              });
            };
          },
        }),
    metrics,
    log,
    // Getters: a configuration reload (SIGHUP) changes them for what comes next.
    get computeTimeoutMs() {
      return config.compute_timeout * 1000;
    },
    get maxQueued() {
      return config.max_queued;
    },
    publicMode: config.public,
    limits: {
      get timeoutMs() {
        return config.timeout * 1000;
      },
      get maxTimeMs() {
        return config.max_time === null ? null : config.max_time * 1000;
      },
      maxOutbound: MAX_OUTBOUND,
    },
  });

  const originPolicy = createOriginPolicy(config.allowed_origins);
  const io: PanthRServer = new Server(http, {
    serveClient: false,
    // A packet that cannot be read is refused as a malformed message; Socket.IO's own
    // parser ended the whole connection (forgiving-parser.ts).
    parser: forgivingParser,
    // Every new transport starts at the pre-login limit; `limits` raises it after CONNECT.
    maxHttpBufferSize: PRE_LOGIN_FRAME_BYTES,
    ...(cluster === null ? {} : { adapter: cluster.adapter }),
    // The one Origin rule of the REST API (auth/origin.ts): the server's own host or an
    // allowed_origins entry; no Origin (a non-browser client) is let through.
    allowRequest: (req: IncomingMessage, callback) => {
      const allowed = originPolicy(req) !== 'foreign';
      callback(allowed ? null : 'forbidden_origin', allowed);
    },
  });
  for (const mw of deps.auth.middleware) io.engine.use(onHandshake(mw));
  if (cluster !== null) io.engine.use(onHandshake(affinityCookie(cluster, log)));
  const limits = new MessageLimits(() => maxMessageBytes(config.max_data));
  io.engine.on('connection', (conn: EngineSocket) => {
    limits.attach(conn);
    // After the limits (they count the message as sent): a packet nested too deeply is
    // never parsed (packet-depth.ts).
    boundPacketDepth(conn);
  });

  // A personal access token in `auth: {"token"}` (API 1.1) comes first: it stands for its
  // user whatever cookie the request also carries.
  io.use((socket, next) => {
    const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    if (token === undefined) return next();
    deps.auth.verifyToken(token, socket.handshake.address).then((user) => {
      if (user === 'limited') return next(new Error(HandshakeError.tooManyRequests));
      if (user === null) return next(new Error(HandshakeError.unauthorized));
      socket.data.userId = user.id;
      socket.data.sessionId = null;
      socket.data.tokenId = user.tokenId;
      socket.data.scopes = user.scopes;
      next();
    }, next);
  });

  // The count is exact without a reservation: Socket.IO connects a socket on the next tick
  // after its middleware (and skips it if the client left meanwhile), and every other
  // handshake arrives on an I/O event of its own, after that tick; the connection handler
  // registers the client synchronously.
  io.use((socket, next) => {
    if (socket.data.tokenId !== undefined) return admit(next);
    const user = deps.auth.userOf(socket.request);
    if (user === null) return next(new Error(HandshakeError.unauthorized));
    socket.data.userId = user.id;
    socket.data.sessionId = deps.auth.sessionIdOf(socket.request);
    admit(next);
  });

  function admit(next: (err?: Error) => void): void {
    if (manager.isClosing) return next(new Error(HandshakeError.shuttingDown));
    if (config.max_users !== null && manager.clientCount >= config.max_users) {
      return next(new Error(HandshakeError.serverFull));
    }
    next();
  }
  if (keeper !== null) {
    // Last: a refused handshake (unauthorized, full) never takes a lease.
    io.use((socket, next) => {
      admitToNode(keeper, socket.request, socket.data.userId).then((a) => {
        if (a.kind === 'held') next();
        else next(movedError(a.node));
      }, next);
    });
    keeper.start();
  }

  /** The connection of each socket, to say `bye` to it. */
  const clients = new Map<PanthRSocket, ClientConnection>();
  io.on('connection', onConnection);
  const sizeRefusals = new SizeRefusals(() => maxMessageBytes(config.max_data));

  function onConnection(socket: PanthRSocket): void {
    limits.setLoggedIn(socket.conn, true);
    // A client that leaves the namespace but keeps the transport is back to pre-login.
    socket.on('disconnect', () => limits.setLoggedIn(socket.conn, false));
    const client = manager.connect(socket, socket.data.userId, socket.handshake.address);
    clients.set(socket, client);
    socket.once('disconnect', () => clients.delete(socket));
    const scopes = socket.data.scopes;
    bindHandlers(socket, client, {
      sessions: manager,
      validate: ports.validate,
      metrics,
      log,
      sizeRefusals,
      readOnly: scopes !== undefined && !scopes.includes('compute'),
    });
    client.ready.then(
      () => {
        // After the workspace: what the transport refused on this user's last connection.
        const notice = sizeRefusals.take(socket.data.userId);
        if (notice !== null) client.outbound.push({ replyTo: null, objects: [notice] });
      },
      (err: unknown) => {
        log.error({ err, user: socket.data.userId }, 'could not open the session');
        client.bye('unavailable');
      },
    );
  }

  const onWorkspaceChanged = ({ userId }: CurrentWorkspaceChanged): void =>
    manager.workspaceChanged(userId);
  const onUserLoggedOut = ({ userId, sessionId, exceptSessionId, reason }: UserLoggedOut): void => {
    for (const s of io.sockets.sockets.values()) {
      if (s.data.userId !== userId || s.data.sessionId === exceptSessionId) continue;
      if (sessionId !== null && s.data.sessionId !== sessionId) continue;
      // A new password ends the user's other connections, token ones included, saying why.
      const client = clients.get(s);
      if (reason === 'password_changed' && client !== undefined) client.bye('password_changed');
      else s.disconnect(true);
    }
  };
  const onTokenRevoked = ({ tokenId }: TokenRevoked): void => {
    for (const [s, client] of clients) if (s.data.tokenId === tokenId) client.bye('revoked');
  };
  const onAccessChanged = ({ workspaceIds }: AccessChanged): void => {
    void revokeLostAccess(workspaceIds).catch((err: unknown) => {
      log.error({ err }, 'could not recheck shared workspaces');
    });
  };
  deps.auth.onCurrentWorkspaceChanged(onWorkspaceChanged);
  deps.auth.onUserLoggedOut(onUserLoggedOut);
  deps.auth.onTokenRevoked(onTokenRevoked);
  deps.auth.onAccessChanged(onAccessChanged);
  // On a cluster the same events, raised on another node, reach this node's sockets.
  if (cluster !== null) {
    relayAcrossNodes(io, deps.auth, {
      workspaceChanged: onWorkspaceChanged,
      userLoggedOut: onUserLoggedOut,
      tokenRevoked: onTokenRevoked,
      accessChanged: onAccessChanged,
    });
  }

  /** Ends the connections of every reader who may no longer read the workspace they have open. */
  async function revokeLostAccess(workspaceIds: readonly string[] | null): Promise<void> {
    for (const { userId, workspaceId } of manager.readers()) {
      if (workspaceIds !== null && !workspaceIds.includes(workspaceId)) continue;
      if ((await accessibleWorkspace(deps.store, userId, workspaceId)) !== null) continue;
      log.info({ user: userId, workspace: workspaceId }, 'shared workspace access ended');
      manager.byeUser(userId, 'revoked');
    }
  }

  let closing: Promise<void> | undefined;
  return {
    io,
    metrics,
    connectedClients: () => manager.clientCount,
    inspectR: (userId, fn) => manager.inspectR(userId, fn),
    close() {
      closing ??= (async () => {
        await manager.close();
        await io.close();
      })();
      return closing;
    },
  };
}
