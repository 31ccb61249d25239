/**
 * `Authorization: Bearer TOKEN` on /api/v1 (API 1.1): a personal access token stands for its
 * user, within its scopes. `read` reads; `compute` also changes workspaces and preferences;
 * no token manages tokens, shares or groups (403 `forbidden`). A wrong token is 401
 * `unauthorized` and counts against the client address; too many: 429.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { TokenFailures, verifyAccessToken, type TokenScope } from '../../auth/index.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import type { Store } from '../../store/index.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set when the request was authenticated by a personal access token. */
      accessToken?: { id: string; scopes: readonly TokenScope[] };
    }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths no token may use, whatever its scopes (relative to /api/v1). */
const SESSION_ONLY = [/^\/tokens(\/|$)/, /^\/groups(\/|$)/, /^\/workspaces\/[^/]+\/shares(\/|$)/];

/** The token text of an `Authorization: Bearer` header, or null. */
export function bearerOf(header: string | undefined): string | null {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

/** Authenticates requests that carry a bearer token; others pass untouched. */
export function bearerAuth(deps: {
  store: Store;
  failures: TokenFailures;
  log: Logger;
  now: () => Date;
}): RequestHandler {
  return (req, _res, next) => {
    const token = bearerOf(req.headers.authorization);
    if (token === null) {
      next();
      return;
    }
    const address = req.ip ?? 'unknown';
    if (!deps.failures.allowed(address)) {
      next(
        new AppError(ErrorCode.tooManyRequests, 'too many wrong tokens; try again later', {
          status: 429,
        }),
      );
      return;
    }
    verifyAccessToken(deps.store, token, deps.now())
      .then((user) => {
        if (user === null) {
          deps.failures.failed(address);
          deps.log.warn({ address }, 'access token refused');
          next(
            new AppError(ErrorCode.unauthorized, 'the access token is invalid or expired', {
              status: 401,
            }),
          );
          return;
        }
        // The token replaces any session: what it may do is what its scopes say.
        req.user = { id: user.id, email: user.email };
        req.accessToken = { id: user.tokenId, scopes: user.scopes };
        next();
      })
      .catch(next);
  };
}

/** Refuses what a token's scopes do not cover, with 403 `forbidden`. */
export const tokenScopes: RequestHandler = (req, _res, next) => {
  const token = req.accessToken;
  if (token === undefined) {
    next();
    return;
  }
  if (SESSION_ONLY.some((re) => re.test(req.path))) {
    next(
      new AppError(ErrorCode.forbidden, 'access tokens cannot manage tokens, shares or groups', {
        status: 403,
      }),
    );
    return;
  }
  if (!SAFE_METHODS.has(req.method) && !token.scopes.includes('compute')) {
    next(
      new AppError(ErrorCode.forbidden, 'this access token may only read (scope "read")', {
        status: 403,
      }),
    );
    return;
  }
  next();
};
