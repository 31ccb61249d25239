/**
 * What crosses nodes through Socket.IO's Redis adapter: account events raised by a REST
 * request on one node reach the sockets on every node (logout and password change end
 * sockets, a revoked token or share ends its connections, a workspace switch reaches every
 * tab). `serverSideEmit` reaches the other nodes only; the local listeners already ran.
 */
import type {
  AccessChanged,
  AuthEvents,
  CurrentWorkspaceChanged,
  TokenRevoked,
  UserLoggedOut,
} from '../auth/index.ts';

/** The events nodes send each other (Socket.IO's inter-server events). */
export interface NodeEvents {
  workspaceChanged: (e: CurrentWorkspaceChanged) => void;
  userLoggedOut: (e: UserLoggedOut) => void;
  tokenRevoked: (e: TokenRevoked) => void;
  accessChanged: (e: AccessChanged) => void;
}

/** The local handlers of each event (what realtime does when it happens). */
export type NodeRelayHandlers = { [K in keyof NodeEvents]: NodeEvents[K] };

/** The part of a Socket.IO server the relay uses. */
export interface NodeBus {
  serverSideEmit<K extends keyof NodeEvents>(event: K, ...args: Parameters<NodeEvents[K]>): boolean;
  on<K extends keyof NodeEvents>(event: K, listener: NodeEvents[K]): unknown;
}

/** Forwards this node's account events to the others and runs theirs here. */
export function relayAcrossNodes(
  io: NodeBus,
  auth: Pick<
    AuthEvents,
    'onCurrentWorkspaceChanged' | 'onUserLoggedOut' | 'onTokenRevoked' | 'onAccessChanged'
  >,
  handlers: NodeRelayHandlers,
): void {
  auth.onCurrentWorkspaceChanged((e) => io.serverSideEmit('workspaceChanged', e));
  auth.onUserLoggedOut((e) => io.serverSideEmit('userLoggedOut', e));
  auth.onTokenRevoked((e) => io.serverSideEmit('tokenRevoked', e));
  auth.onAccessChanged((e) => io.serverSideEmit('accessChanged', e));
  io.on('workspaceChanged', handlers.workspaceChanged);
  io.on('userLoggedOut', handlers.userLoggedOut);
  io.on('tokenRevoked', handlers.tokenRevoked);
  io.on('accessChanged', handlers.accessChanged);
}
