/**
 * Personal access tokens (API 1.1): POST/GET /tokens, DELETE /tokens/:id. Only a logged-in
 * session manages them (bearer.auth.ts refuses tokens here). Creating and revoking are
 * logged, never the token text; revoking ends the token's open connections.
 */
import { Router } from 'express';
import type { Logger } from 'pino';
import {
  createAccessToken,
  DEFAULT_TOKEN_DAYS,
  listAccessTokens,
  MAX_TOKEN_DAYS,
  MAX_TOKENS,
  TOKEN_SCOPES,
  tokenView,
  type AuthEventBus,
  type TokenScope,
} from '../../auth/index.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { displayName, fieldsOf, userOf } from '../request.ts';

function scopesOf(value: unknown): TokenScope[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((s) => (TOKEN_SCOPES as readonly unknown[]).includes(s))
  ) {
    throw new AppError(
      ErrorCode.badRequest,
      'scopes must be a non-empty list of "read", "compute"',
    );
  }
  return value as TokenScope[];
}

function daysOf(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_TOKEN_DAYS;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_TOKEN_DAYS) {
    throw new AppError(
      ErrorCode.badRequest,
      `expires_in_days must be a whole number from 1 to ${MAX_TOKEN_DAYS}`,
    );
  }
  return value as number;
}

/** The routes, relative to /api/v1. */
export function tokensRoutes(deps: {
  store: Store;
  events: AuthEventBus;
  log: Logger;
  now: () => Date;
}): Router {
  const { store, log, now } = deps;
  const router = Router();

  router.get('/tokens', async (req, res) => {
    const tokens = await listAccessTokens(store, userOf(req).id, now());
    res.json({ tokens: tokens.map(tokenView) });
  });

  router.post('/tokens', async (req, res) => {
    const user = userOf(req);
    const body = fieldsOf(req.body, ['name', 'scopes', 'expires_in_days']);
    const name = displayName(body.name, 'the token name', 100);
    const scopes = scopesOf(body.scopes);
    const days = daysOf(body.expires_in_days);
    if ((await listAccessTokens(store, user.id, now())).length >= MAX_TOKENS) {
      throw new AppError(ErrorCode.conflict, `at most ${MAX_TOKENS} tokens; revoke one first`, {
        status: 409,
      });
    }
    const { doc, token } = await createAccessToken(store, user.id, { name, scopes, days }, now());
    log.info({ user: user.id, token: doc._id, scopes: doc.scopes }, 'access token created');
    res.status(201).json({
      id: doc._id,
      name: doc.name,
      scopes: doc.scopes,
      expires: doc.expiresAt.toISOString(),
      token,
    });
  });

  router.delete('/tokens/:id', async (req, res) => {
    const user = userOf(req);
    const id = String(req.params.id);
    if (!(await store.tokens.deleteAccessToken(id, user.id)))
      throw new AppError(ErrorCode.notFound, 'no such token', { status: 404 });
    log.info({ user: user.id, token: id }, 'access token revoked');
    deps.events.tokenRevoked({ userId: user.id, tokenId: id });
    res.status(204).end();
  });

  return router;
}
