/**
 * Accounts over HTTP: sessions (shared with Socket.IO's handshake), passport, remember-me
 * tokens, the verification mail, the account routes and the /api/v1 REST API. The only
 * way into server/auth/.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Router } from 'express';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { pageRenderer, type PageRenderer } from '../http/index.ts';
import { StoreSessionStore, type Store } from '../store/index.ts';
import type { AccountDeps } from './accounts.ts';
import { authRoutes } from './auth.routes.ts';
import { createAuthEvents, type AuthEventBus, type AuthEvents } from './events.ts';
import { createMailer } from './mail.ts';
import { oidcRoutes } from './oidc.routes.ts';
import { createRateLimits } from './rate-limits.ts';
import { TokenFailures, verifyAccessToken, type TokenUser } from './access-tokens.ts';
import { createPassport, sessionMiddleware, type SessionDeps } from './session.ts';

export type {
  AuthEventBus,
  AuthEvents,
  CurrentWorkspaceChanged,
  UserLoggedOut,
  TokenRevoked,
  AccessChanged,
} from './events.ts';
export type { TokenUser, TokenScope } from './access-tokens.ts';
export {
  createAccessToken,
  DEFAULT_TOKEN_DAYS,
  listAccessTokens,
  MAX_TOKEN_DAYS,
  MAX_TOKENS,
  TOKEN_SCOPES,
  TokenFailures,
  tokenView,
  verifyAccessToken,
} from './access-tokens.ts';
export { SESSION_COOKIE } from './session.ts';
export { REMEMBER_COOKIE } from './remember.ts';
export { createOriginPolicy, originCheck } from './origin.ts';
export { USER_VALIDATION_TIMEOUT_MS } from './user-validation.ts';

/** What the accounts layer is built from. */
export interface AuthDeps {
  config: Config;
  store: Store;
  log: Logger;
  /** Signs the session cookie. */
  secret: string;
  /** Clients connected now (Socket.IO), for `server_full` at login. */
  connectedClients: () => number;
  /** The clock (tests); default `() => new Date()`. */
  now?: () => Date;
  /** Time limit of the user_validation script in ms; default 5000. */
  userValidationTimeoutMs?: number;
  /** Renders the pages shown outside the client; default: styled like client/dist. */
  pages?: PageRenderer;
  /** On a cluster: the shared store of each rate limiter (Redis); default: in memory. */
  rateLimitStore?: (prefix: string) => RateLimitStore;
}

/** The accounts layer, ready to be mounted. */
export interface Auth extends AuthEvents {
  /**
   * express-session (store-backed; cookie HttpOnly, SameSite=Lax, Secure over HTTPS) +
   * passport.initialize() + passport.session() + remember-me auto-login, in this order.
   * Also for Socket.IO's engine: `for (const mw of auth.middleware) io.engine.use(mw)`.
   */
  middleware: RequestHandler[];
  /** POST /register, GET /verify, GET/POST /login, POST /logout, GET /login/oidc...; needs JSON errors from the app's handler. */
  routes: Router;
  /**
   * The emitting side of the account events, for the /api/v1 routes (http/api/), which
   * app.ts builds: auth/ does not import the API, so the API may import auth/.
   */
  bus: AuthEventBus;
  /** Failed bearer tokens per address, shared by the API and the Socket.IO handshake. */
  tokenFailures: TokenFailures;
  /** The logged-in user of a request or Socket.IO handshake request (after `middleware`), or null. */
  userOf(req: IncomingMessage): { id: string; email: string } | null;
  /** The session id of a request after `middleware` (to match `UserLoggedOut.sessionId`), or null. */
  sessionIdOf(req: IncomingMessage): string | null;
  /**
   * The user a personal access token (Socket.IO `auth: {"token"}`) speaks for; null when it
   * is wrong (counted against `address`), `limited` when `address` failed too often.
   */
  verifyToken(text: unknown, address: string): Promise<TokenUser | null | 'limited'>;
  /** Stops the rate limiters' timers and the mail transport; idempotent. */
  close(): Promise<void>;
}

/** Builds the accounts layer. Nothing listens; nothing is read from the environment. */
export function createAuth(deps: AuthDeps): Auth {
  const { config, store, log } = deps;
  const now = deps.now ?? (() => new Date());
  const events = createAuthEvents();
  const sessions = new StoreSessionStore(store, {
    // The session carries {id, email}; the store indexes sessions by user id.
    userIdOf: (data) => {
      const user = (data as { passport?: { user?: { id?: unknown } } }).passport?.user;
      return typeof user?.id === 'string' ? user.id : null;
    },
  });
  const mailer = createMailer(config, log.child({ module: 'mail' }));
  const limits = createRateLimits(deps.rateLimitStore);
  const tokenFailures = new TokenFailures();
  const passport = createPassport();
  const accounts: AccountDeps = {
    config,
    store,
    log: log.child({ module: 'auth' }),
    mailer,
    now,
    ...(deps.userValidationTimeoutMs === undefined
      ? {}
      : { validationTimeoutMs: deps.userValidationTimeoutMs }),
  };
  const sessionDeps: SessionDeps = {
    config,
    store,
    sessions,
    log: accounts.log,
    secret: deps.secret,
    events,
    now,
  };
  if (config.mail !== null && config.base_url === null) {
    log.warn(
      'mail is configured but base_url is not: verification links use the Host header of each request',
    );
  }
  let closed = false;
  const pages = deps.pages ?? pageRenderer();
  const routes = authRoutes({
    accounts,
    config,
    store,
    sessions,
    log: accounts.log,
    limits,
    events,
    connectedClients: deps.connectedClients,
    pages,
  });
  routes.use(
    oidcRoutes({
      config,
      accounts,
      log: accounts.log,
      pages,
      limits: limits.login,
      connectedClients: deps.connectedClients,
      baseUrlOf: (req) =>
        config.base_url !== null
          ? config.base_url.replace(/\/+$/, '')
          : `${req.protocol}://${req.get('host') ?? 'localhost'}`,
    }),
  );
  return {
    middleware: sessionMiddleware(sessionDeps, passport),
    routes,
    bus: events,
    tokenFailures,
    async verifyToken(text, address) {
      if (!tokenFailures.allowed(address)) return 'limited';
      const user = await verifyAccessToken(store, text, now());
      if (user === null) {
        tokenFailures.failed(address);
        accounts.log.warn({ address }, 'access token refused (Socket.IO)');
      }
      return user;
    },
    userOf(req) {
      const user = (req as { user?: Express.User }).user;
      return user === undefined ? null : { id: user.id, email: user.email };
    },
    sessionIdOf(req) {
      const id = (req as { sessionID?: unknown }).sessionID;
      return typeof id === 'string' ? id : null;
    },
    onCurrentWorkspaceChanged: events.onCurrentWorkspaceChanged,
    onUserLoggedOut: events.onUserLoggedOut,
    onTokenRevoked: events.onTokenRevoked,
    onAccessChanged: events.onAccessChanged,
    close() {
      if (!closed) {
        closed = true;
        limits.close();
        mailer.close();
      }
      return Promise.resolve();
    },
  };
}
