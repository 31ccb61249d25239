/**
 * The account routes of API.md §1: POST /register, GET /verify, GET and POST /login,
 * POST /logout; and our own POST /verify/resend, POST /password/forgot and
 * POST /password/reset. Rate-limited; state-changing ones Origin-checked. (GET /api/v1/me
 * is with the other /api/v1 routes, after their bearer tokens.)
 */
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { currentWorkspaceView, type Store, type StoreSessionStore } from '../store/index.ts';
import {
  checkCredentials,
  register,
  resendVerification,
  verifyEmail,
  type AccountDeps,
} from './accounts.ts';
import { fieldsOf, userOf, type PageRenderer } from '../http/index.ts';
import { readCookie, setCookie } from './cookies.ts';
import { parseBasicAuth } from './credentials.ts';
import type { AuthEventBus } from './events.ts';
import { originCheck } from './origin.ts';
import type { RateLimits } from './rate-limits.ts';
import { changePassword, requestPasswordReset, resetPassword } from './password-reset.ts';
import { answerVerify } from './verify.page.ts';
import { forgetRememberToken, issueRememberToken, REMEMBER_COOKIE } from './remember.ts';
import {
  destroySession,
  endEverySession,
  ISSUED_REMEMBER,
  logIn,
  SESSION_COOKIE,
  sessionUser,
} from './session.ts';

/** What the account routes need. */
export interface AuthRouteDeps {
  accounts: AccountDeps;
  config: Config;
  store: Store;
  sessions: StoreSessionStore;
  log: Logger;
  limits: RateLimits;
  events: AuthEventBus;
  connectedClients: () => number;
  /** Renders the pages a browser is shown outside the client (GET /verify). */
  pages: PageRenderer;
}

/** Where mailed links point: `base_url`, else the address this request was sent to. */
function baseUrlOf(config: Config, req: Request): string {
  if (config.base_url !== null) return config.base_url.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** "Keep me logged in": true, 1, "1" or "true"; false, 0, "0", "false", null or left out. */
function rememberFlag(value: unknown): boolean {
  if ([undefined, null, false, 0, '0', 'false', ''].includes(value as never)) return false;
  if ([true, 1, '1', 'true'].includes(value as never)) return true;
  throw new AppError(ErrorCode.badRequest, '"remember" must be true or false (1 or 0)');
}

/** Credentials of GET /login: the Basic header only; credentials in the URL are refused. */
function credentialsFromGet(req: Request): {
  email: unknown;
  password: unknown;
  remember: boolean;
} {
  const query = req.query as Record<string, unknown>;
  const extra = Object.keys(query).filter((k) => k !== 'remember');
  if (extra.length > 0) {
    throw new AppError(
      ErrorCode.badRequest,
      'GET /login takes only ?remember=1; send credentials in an Authorization: Basic header',
    );
  }
  const remember = rememberFlag(query.remember);
  const basic = parseBasicAuth(req.headers.authorization);
  return { email: basic?.email, password: basic?.password, remember };
}

function credentialsFromPost(req: Request): {
  email: unknown;
  password: unknown;
  remember: boolean;
} {
  const fields = fieldsOf(req.body, ['email', 'password', 'remember']);
  return {
    email: fields.email,
    password: fields.password,
    remember: rememberFlag(fields.remember),
  };
}

/** Creates the router of the account routes. */
export function authRoutes(deps: AuthRouteDeps): Router {
  const router = Router();
  const json = express.json({ limit: '16kb', strict: true });
  const origin = originCheck(deps.config.allowed_origins);
  const { config, store } = deps;

  const login = async (
    req: Request,
    res: Response,
    creds: ReturnType<typeof credentialsFromGet>,
  ) => {
    if (config.max_users !== null && deps.connectedClients() >= config.max_users) {
      throw new AppError(ErrorCode.serverFull, 'the server is full; try again later', {
        status: 503,
      });
    }
    const user = await checkCredentials(deps.accounts, creds.email, creds.password);
    const previous = readCookie(req, REMEMBER_COOKIE);
    if (previous !== null) await forgetRememberToken(store, previous);
    await logIn(req, sessionUser(user));
    if (creds.remember) {
      const cookie = await issueRememberToken(
        store,
        user._id,
        config.remember_days,
        deps.accounts.now(),
      );
      setCookie(req, res, REMEMBER_COOKIE, cookie, config.remember_days * 24 * 3600);
    } else if (previous !== null) {
      setCookie(req, res, REMEMBER_COOKIE, '', 0);
    }
    res.json({ email: user.email, workspace: await currentWorkspaceView(store, user._id) });
  };

  router.post('/register', json, ...deps.limits.register, origin, async (req, res) => {
    const created = await register(deps.accounts, req.body, baseUrlOf(config, req));
    res.status(201).json(created);
  });

  router.post('/verify/resend', json, ...deps.limits.resend, origin, async (req, res) => {
    res.status(202).json(await resendVerification(deps.accounts, req.body, baseUrlOf(config, req)));
  });

  router.get('/verify', ...deps.limits.verify, async (req, res) => {
    await answerVerify(req, res, deps.pages, () => verifyEmail(deps.accounts, req.query.token));
  });

  router.post('/password/forgot', json, ...deps.limits.resend, origin, async (req, res) => {
    const baseUrl = baseUrlOf(config, req);
    res.status(202).json(await requestPasswordReset(deps.accounts, req.body, baseUrl));
  });

  // A new password ends every session and remember-me token of the account, this one too.
  router.post('/password/reset', json, ...deps.limits.verify, origin, async (req, res) => {
    const { userId } = await resetPassword(deps.accounts, req.body);
    await endEverySession(deps, userId, 'password_reset');
    // This request's own session (of whoever is logged in here) must not be saved again.
    await destroySession(req);
    setCookie(req, res, REMEMBER_COOKIE, '', 0);
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax' });
    res.status(204).end();
  });

  // A logged-in user's new password ends their other sessions and every remember-me token.
  router.post('/api/v1/password', json, ...deps.limits.password, origin, async (req, res) => {
    const user = userOf(req);
    await changePassword(deps.accounts, user.id, req.body);
    await endEverySession(deps, user.id, 'password_changed', req.sessionID);
    setCookie(req, res, REMEMBER_COOKIE, '', 0);
    res.status(204).end();
  });

  router.get('/login', ...deps.limits.login, async (req, res) => {
    await login(req, res, credentialsFromGet(req));
  });

  router.post('/login', json, ...deps.limits.login, origin, async (req, res) => {
    await login(req, res, credentialsFromPost(req));
  });

  router.post('/logout', origin, async (req, res) => {
    for (const cookie of [
      readCookie(req, REMEMBER_COOKIE),
      (req as unknown as Record<symbol, string | undefined>)[ISSUED_REMEMBER],
    ]) {
      if (cookie !== null && cookie !== undefined) await forgetRememberToken(store, cookie);
    }
    setCookie(req, res, REMEMBER_COOKIE, '', 0);
    const user = req.user;
    const sessionId = req.sessionID;
    if (user !== undefined) {
      await destroySession(req);
      deps.events.userLoggedOut({ userId: user.id, sessionId, reason: 'logout' });
      deps.log.info({ userId: user.id }, 'logged out');
    }
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax' });
    res.status(204).end();
  });

  return router;
}
