/**
 * Single sign-on with the organization's OpenID Connect provider (config `oidc`):
 * GET /login/oidc sends the browser to the provider (authorization code flow with PKCE,
 * state and nonce); GET /login/oidc/callback checks its answer through openid-client and
 * logs the account in; GET /api/v1/sso tells the client whether to show the button.
 * Failures are pages, not JSON: a browser, not the client's code, follows these links.
 */
import {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { PageRenderer } from '../http/index.ts';
import type { AccountDeps } from './accounts.ts';
import { ssoAccount, type SsoClaims } from './oidc.accounts.ts';
import { signOnClaims } from './oidc.claims.ts';
import { logIn, sessionUser } from './session.ts';

/** What a sign-on in progress keeps in the session until the provider answers. */
interface PendingSignOn {
  state: string;
  nonce: string;
  verifier: string;
}

declare module 'express-session' {
  interface SessionData {
    oidc?: PendingSignOn;
  }
}

type OidcConfig = NonNullable<Config['oidc']>;

/** What the single sign-on routes need. */
export interface OidcRouteDeps {
  config: Config;
  accounts: AccountDeps;
  log: Logger;
  pages: PageRenderer;
  /** Where the provider sends the browser back to: base_url or this request's address. */
  baseUrlOf: (req: Request) => string;
  /** The password login's rate limiters: a sign-on counts against the same address. */
  limits: readonly RequestHandler[];
  /** Clients connected now (Socket.IO), for `server_full` as at password login. */
  connectedClients: () => number;
}

/** Plain http only for a provider on this machine (tests, a local proxy). */
function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Discovery, fetched on first use and again after a failure (a provider that was down). */
function providerOf(settings: OidcConfig): () => Promise<oidc.Configuration> {
  let found: Promise<oidc.Configuration> | null = null;
  return () => {
    if (found !== null) return found;
    const issuer = new URL(settings.issuer);
    const attempt = oidc.discovery(
      issuer,
      settings.client_id,
      { client_secret: settings.client_secret, [oidc.clockTolerance]: settings.clock_tolerance },
      undefined,
      {
        timeout: 5,
        ...(issuer.protocol === 'http:' && isLoopback(issuer)
          ? { execute: [oidc.allowInsecureRequests] }
          : {}),
      },
    );
    found = attempt;
    attempt.catch(() => {
      if (found === attempt) found = null;
    });
    return attempt;
  };
}

/** The single sign-on routes; an empty router when `oidc` is not configured (but /api/v1/sso). */
export function oidcRoutes(deps: OidcRouteDeps): Router {
  const router = Router();
  const settings = deps.config.oidc;
  router.get('/api/v1/sso', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(settings === null ? { name: null } : { name: settings.name, url: '/login/oidc' });
  });
  if (settings === null) return router;
  const provider = providerOf(settings);
  const page = async (res: Response, status: number, title: string, text: string) => {
    res.status(status).type('html');
    res.send(
      await deps.pages({
        title,
        paragraphs: [text, 'You can still log in with your email address and password.'],
        links: [{ href: '/', text: 'Back to the login' }],
        tone: 'error',
      }),
    );
  };
  const unreachable = (res: Response, err: unknown) => {
    deps.log.warn({ err }, 'the OpenID Connect provider is not reachable');
    return page(
      res,
      502,
      `${settings.name} is not reachable`,
      `The sign-in provider ${settings.name} does not answer at the moment; try again later.`,
    );
  };

  // As at password login: 503 `server_full` when max_users clients are connected, checked
  // before the trip to the provider and again before the session is made.
  const notFull: RequestHandler = (_req, _res, next) => {
    const max = deps.config.max_users;
    if (max !== null && deps.connectedClients() >= max)
      throw new AppError(ErrorCode.serverFull, 'the server is full; try again later', {
        status: 503,
      });
    next();
  };
  const guards = [...deps.limits, notFull];

  router.get('/login/oidc', ...guards, async (req, res) => {
    let config: oidc.Configuration;
    try {
      config = await provider();
    } catch (err) {
      await unreachable(res, err);
      return;
    }
    const pending: PendingSignOn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
    };
    req.session.oidc = pending;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${deps.baseUrlOf(req)}/login/oidc/callback`,
      scope: 'openid email',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    res.set('Cache-Control', 'no-store').redirect(303, url.href);
  });

  router.get('/login/oidc/callback', ...guards, async (req, res) => {
    const pending = req.session.oidc;
    // Single use: a replayed or second callback finds nothing pending. Stored before anything
    // is answered: express-session saves as the response ends, after its head and body are
    // out, so a callback sent right after this one's answer could still find it pending.
    delete req.session.oidc;
    if (pending !== undefined)
      await new Promise<void>((resolve, reject) =>
        req.session.save((err?: Error) => (err ? reject(err) : resolve())),
      );
    if (pending === undefined) {
      await page(
        res,
        400,
        'Sign-in not completed',
        'This sign-in link is not valid (already used, or not started here). Start again.',
      );
      return;
    }
    let claims: SsoClaims | undefined;
    try {
      const config = await provider();
      const current = new URL(`${deps.baseUrlOf(req)}${req.originalUrl}`);
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = await signOnClaims(config, tokens);
    } catch (err) {
      if (err instanceof TypeError || (err as { code?: unknown }).code === 'OAUTH_TIMEOUT') {
        await unreachable(res, err);
        return;
      }
      deps.log.warn({ err }, 'an OpenID Connect answer was refused');
      await page(
        res,
        400,
        'Sign-in refused',
        `The answer of ${settings.name} could not be checked (tampered with, or expired). Start again.`,
      );
      return;
    }
    try {
      const user = await ssoAccount(deps.accounts, claims ?? {});
      await logIn(req, sessionUser(user));
    } catch (err) {
      if (!(err instanceof AppError) || !err.expose) throw err;
      await page(res, err.status, 'Sign-in refused', err.message);
      return;
    }
    res.redirect(303, '/');
  });

  // A refusal of the guards (429 with the limiter's Retry-After, 503) as a page for a
  // browser, as the JSON error otherwise. Errors of the routes mounted before this router
  // pass through it too: only the sign-on's own are taken.
  router.use(async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const ours = req.path === '/login/oidc' || req.path === '/login/oidc/callback';
    const browser = req.accepts(['json', 'html']) === 'html';
    if (!ours || !browser || !(err instanceof AppError) || !err.expose) {
      next(err);
      return;
    }
    await page(res, err.status, 'Sign-in not possible now', err.message);
  });
  return router;
}
