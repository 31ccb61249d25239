/**
 * Sessions: express-session over the store (one session store for both backends),
 * passport on top, and the remember-me auto-login. The same middleware chain runs for
 * Express routes and for Socket.IO's handshake, so both see the same `req.user`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, RequestHandler } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { Store, StoreSessionStore, UserDoc } from '../store/index.ts';
import { readCookie, setCookie } from './cookies.ts';
import type { AuthEventBus, UserLoggedOut } from './events.ts';
import { forgetAllRememberTokens, REMEMBER_COOKIE, useRememberToken } from './remember.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** The logged-in user as a session carries it. */
    interface User {
      id: string;
      email: string;
    }
  }
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'panthr.sid';

/** What the session layer needs. */
export interface SessionDeps {
  config: Config;
  store: Store;
  sessions: StoreSessionStore;
  log: Logger;
  secret: string;
  events: AuthEventBus;
  now: () => Date;
}

/** The user a session should carry: only the id and the email, never the hash. */
export function sessionUser(user: UserDoc): Express.User {
  return { id: user._id, email: user.email };
}

/** A fresh passport instance (not the global one: two servers in one process must not share it). */
export function createPassport(): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, { id: user.id, email: user.email }));
  passport.deserializeUser((data: unknown, done) => {
    const d = data as Partial<Express.User> | null;
    // A session from an older format simply is not logged in.
    done(
      null,
      typeof d?.id === 'string' && typeof d.email === 'string'
        ? { id: d.id, email: d.email }
        : false,
    );
  });
  return passport;
}

/** `err` itself when it is an Error, else an Error describing it (callback APIs pass anything). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Logs `user` in on this request; passport regenerates the session first (no fixation). */
export function logIn(req: IncomingMessage, user: Express.User): Promise<void> {
  return new Promise((resolve, reject) => {
    (req as unknown as Express.Request).logIn(user, (err?: unknown) =>
      err === undefined || err === null ? resolve() : reject(asError(err)),
    );
  });
}

/** Ends this request's session in the store, so that it is not saved again. */
export function destroySession(req: Express.Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.destroy((err: unknown) => (err ? reject(asError(err)) : resolve())),
  );
}

/**
 * Ends every session and remember-me token of a user but the session `keepSessionId` (a
 * password changed in it), and tells the realtime layer, which disconnects their sockets.
 */
export async function endEverySession(
  deps: Pick<SessionDeps, 'store' | 'sessions' | 'events'>,
  userId: string,
  reason: UserLoggedOut['reason'],
  keepSessionId?: string,
): Promise<void> {
  await forgetAllRememberTokens(deps.store, userId);
  await deps.sessions.destroyUserSessions(userId, keepSessionId);
  deps.events.userLoggedOut({ userId, sessionId: null, exceptSessionId: keepSessionId, reason });
}

/** Symbol under which a request keeps the remember-me cookie value issued while serving it. */
export const ISSUED_REMEMBER = Symbol('panthr.issuedRemember');

/**
 * Logs a request in from its remember-me cookie when it has no session user. A valid token
 * is replaced by a new one; an invalid one is cleared; a reused one ends every session of
 * its user and the request gets 401 `unauthorized`.
 */
function rememberMe(
  deps: SessionDeps,
): (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void {
  const maxAge = deps.config.remember_days * 24 * 3600;
  const run = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const cookie = readCookie(req, REMEMBER_COOKIE);
    if (cookie === null || (req as unknown as Express.Request).user !== undefined) return;
    const outcome = await useRememberToken(
      deps.store,
      cookie,
      deps.config.remember_days,
      deps.now(),
    );
    if (outcome.kind !== 'valid') setCookie(req, res, REMEMBER_COOKIE, '', 0);
    if (outcome.kind === 'invalid') return;
    if (outcome.kind === 'theft') {
      deps.log.warn(
        { userId: outcome.userId },
        'a replaced remember-me token was used again: every session ended',
      );
      await endEverySession(deps, outcome.userId, 'theft');
      throw new AppError(
        ErrorCode.unauthorized,
        'this login was already used elsewhere; log in again',
        {
          status: 401,
        },
      );
    }
    const user = await deps.store.accounts.findById(outcome.userId);
    if (user === null || !user.verified) return;
    await logIn(req, sessionUser(user));
    setCookie(req, res, REMEMBER_COOKIE, outcome.cookie, maxAge);
    (req as unknown as Record<symbol, string>)[ISSUED_REMEMBER] = outcome.cookie;
  };
  return (req, res, next) => {
    // Socket.IO's WebSocket upgrade has no response to carry a cookie: nothing to do there.
    if (typeof res.setHeader !== 'function' || res.headersSent) {
      next();
      return;
    }
    run(req, res).then(() => next(), next);
  };
}

/**
 * The middleware chain, in order: express-session (the store-backed session, cookie
 * HttpOnly, SameSite=Lax, Secure over HTTPS), passport.initialize(), passport.session(),
 * remember-me auto-login.
 */
export function sessionMiddleware(
  deps: SessionDeps,
  passport: InstanceType<typeof Passport>,
): RequestHandler[] {
  const sessionMw = session({
    name: SESSION_COOKIE,
    secret: deps.secret,
    store: deps.sessions,
    resave: false,
    saveUninitialized: false, // no session (and no store write) for anonymous visitors
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/' },
  });
  const passportSession = passport.session() as RequestHandler;
  return [sessionMw, passport.initialize(), passportSession, rememberMe(deps) as RequestHandler];
}
