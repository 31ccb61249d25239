/**
 * Hooks for the realtime layer: what happened to a user's account over REST that its
 * open connections must follow (reload the current workspace, disconnect).
 */
import { EventEmitter } from 'node:events';

/** The current workspace of `userId` is now `workspaceId` (changed over REST). */
export interface CurrentWorkspaceChanged {
  userId: string;
  workspaceId: string;
}

/**
 * A user was logged out: `logout` ends one session (`sessionId`); `theft` (a reused
 * remember-me token) and `password_reset` ended every session of the user (`sessionId` is
 * null).
 */
export interface UserLoggedOut {
  userId: string;
  sessionId: string | null;
  /** With `sessionId` null: the one session that stays (a password changed in it). */
  exceptSessionId?: string;
  reason: 'logout' | 'theft' | 'password_reset' | 'password_changed';
}

/** A personal access token was revoked: its connections end (`bye` `revoked`). */
export interface TokenRevoked {
  userId: string;
  tokenId: string;
}

/**
 * Shares or group members were removed: whoever reads a workspace they may no longer
 * read loses it at once (`bye` `revoked`).
 */
export interface AccessChanged {
  /** The workspaces concerned, or null for any (a group changed). */
  workspaceIds: readonly string[] | null;
}

/** Subscribe to account events; each returns a function that unsubscribes. */
export interface AuthEvents {
  onCurrentWorkspaceChanged: (listener: (e: CurrentWorkspaceChanged) => void) => () => void;
  onUserLoggedOut: (listener: (e: UserLoggedOut) => void) => () => void;
  onTokenRevoked: (listener: (e: TokenRevoked) => void) => () => void;
  onAccessChanged: (listener: (e: AccessChanged) => void) => () => void;
}

/** The emitting side, kept inside auth and the REST routes. */
export interface AuthEventBus extends AuthEvents {
  currentWorkspaceChanged: (e: CurrentWorkspaceChanged) => void;
  userLoggedOut: (e: UserLoggedOut) => void;
  tokenRevoked: (e: TokenRevoked) => void;
  accessChanged: (e: AccessChanged) => void;
}

/** Creates the bus; a listener that throws is the listener's bug and propagates. */
export function createAuthEvents(): AuthEventBus {
  const ee = new EventEmitter();
  const on = <T>(name: string, listener: (e: T) => void): (() => void) => {
    ee.on(name, listener);
    return () => ee.off(name, listener);
  };
  return {
    onCurrentWorkspaceChanged: (l) => on('workspace', l),
    onUserLoggedOut: (l) => on('logout', l),
    currentWorkspaceChanged: (e) => ee.emit('workspace', e),
    userLoggedOut: (e) => ee.emit('logout', e),
    onTokenRevoked: (l) => on('token', l),
    onAccessChanged: (l) => on('access', l),
    tokenRevoked: (e) => ee.emit('token', e),
    accessChanged: (e) => ee.emit('access', e),
  };
}
