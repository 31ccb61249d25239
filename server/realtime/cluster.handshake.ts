/**
 * The handshake on a cluster node: a user another node holds is refused with `moved` and
 * `data: {"node": ID}`, and the refusal's HTTP response (the Engine.IO handshake) sets the
 * `panthr_node` cookie so that nginx sends the next attempt to the holder.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  nodeCookie,
  withDeadline,
  type Admission,
  type LeaseKeeper,
  type ClusterNode,
} from '../cluster/index.ts';
import { ErrorCode } from '../errors.ts';

/** Where the engine-level check left its finding, on the handshake request. */
const HOLDER = Symbol('panthr.holder');
type Marked = IncomingMessage & { [HOLDER]?: string };

/** The `moved` refusal of API 1.1: `connect_error` with message `moved`, `data.node`. */
export function movedError(node: string): Error & { data: { node: string } } {
  return Object.assign(new Error(ErrorCode.moved), { data: { node } });
}

/** Appends a Set-Cookie header to whatever the session middleware already set. */
function appendCookie(
  res: { getHeader(n: string): unknown; setHeader(n: string, v: string[]): unknown },
  cookie: string,
): void {
  const prior = res.getHeader('Set-Cookie');
  const list = Array.isArray(prior)
    ? prior.filter((c): c is string => typeof c === 'string')
    : typeof prior === 'string'
      ? [prior]
      : [];
  res.setHeader('Set-Cookie', [...list, cookie]);
}

/**
 * An Engine.IO middleware (after the session's): for a logged-in user held by another
 * node, sets the affinity cookie and marks the request so the Socket.IO middleware refuses
 * it. Only reads the lease; taking it is the Socket.IO middleware's.
 */
export function affinityCookie(cluster: ClusterNode, log: Logger): RequestHandler {
  return (req, res, next) => {
    const user = (req as { user?: { id?: unknown } }).user;
    if (typeof user?.id !== 'string') return next();
    // Bounded: a store cut off must not hold the handshake (the Socket.IO check then fails).
    withDeadline(cluster.leases.holder(user.id), cluster.leaseTtlMs, 'a lease read').then(
      (h) => {
        if (h !== null && h.nodeId !== cluster.nodeId && h.expiresAt.getTime() > Date.now()) {
          (req as Marked)[HOLDER] = h.nodeId;
          appendCookie(res, nodeCookie(h.nodeId, req.secure));
        }
        next();
      },
      (err: unknown) => {
        log.warn({ err }, 'could not read a lease at the handshake');
        next();
      },
    );
  };
}

/**
 * Decides a handshake of `userId` (its request `req`): held here (the lease is taken or
 * kept), or moved to the node the engine-level check or the store names.
 */
export async function admitToNode(
  keeper: LeaseKeeper,
  req: IncomingMessage,
  userId: string,
): Promise<Admission> {
  const marked = (req as Marked)[HOLDER];
  if (marked !== undefined) return { kind: 'moved', node: marked };
  return keeper.admit(userId);
}
