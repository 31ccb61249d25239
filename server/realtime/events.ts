/** The typed Socket.IO event contract of API.md §2. Payloads from clients are untrusted. */
import type { Server, Socket } from 'socket.io';
import type { ByeReason, ServerData } from '../sessions/index.ts';
import type { NodeEvents } from '../cluster/node.relay.ts';

/** Events a client sends; every payload is checked before use. */
export interface ClientToServerEvents {
  data: (payload: unknown) => void;
  ok: (payload: unknown) => void;
  ping: (payload: unknown) => void;
  /** An extension: answered through the acknowledgement only (realtime/echo.ts). */
  echo: (payload: unknown, ack?: unknown) => void;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  data: (payload: ServerData) => void;
  ok: (payload: { seq: number }) => void;
  ping: (payload: Record<string, unknown>) => void;
  bye: (payload: { reason: ByeReason }) => void;
}

/** Per-socket data kept by the server. */
export interface SocketData {
  userId: string;
  sessionId: string | null;
  /** The personal access token the handshake carried (API 1.1), if any. */
  tokenId?: string;
  /** That token's scopes: without `compute`, every `data` object is `forbidden`. */
  scopes?: readonly string[];
}

/** The Socket.IO server of this contract; nodes of a cluster send each other {@link NodeEvents}. */
export type PanthRServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  NodeEvents,
  SocketData
>;

/** One connected socket of {@link PanthRServer}. */
export type PanthRSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  NodeEvents,
  SocketData
>;

/** Errors a refused handshake carries (`connect_error`'s message). */
export const HandshakeError = {
  unauthorized: 'unauthorized',
  serverFull: 'server_full',
  shuttingDown: 'shutting_down',
  tooManyRequests: 'too_many_requests',
  /** On a cluster: another node holds the user; `data: {"node": ID}`. */
  moved: 'moved',
} as const;
