/**
 * The REST API under /api/v1 (API.md §1): preference sets and workspaces of the logged-in
 * user. Every route needs a session (401 `unauthorized`); state-changing ones pass the
 * Origin check (403 `forbidden_origin`).
 */
import express, { Router } from 'express';
import { originCheck, type AuthEventBus, type TokenFailures } from '../../auth/index.ts';
import type { Logger } from 'pino';
import { currentWorkspaceView, type Store } from '../../store/index.ts';
import { requireUser } from '../request.ts';
import { exportRoutes } from './export.routes.ts';
import { bearerAuth, tokenScopes } from './bearer.auth.ts';
import { groupsRoutes } from './groups.routes.ts';
import { sharesRoutes } from './shares.routes.ts';
import { tokensRoutes } from './tokens.routes.ts';
import { MAX_PREFERENCE_BYTES, preferencesRoutes } from './preferences.routes.ts';
import { workspacesRoutes } from './workspaces.routes.ts';

export { MAX_PREFERENCE_BYTES, MAX_PREFERENCE_SETS } from './preferences.routes.ts';
export { MAX_WORKSPACES, MAX_WORKSPACE_NAME } from './workspaces.routes.ts';

/** What the API needs. */
export interface ApiDeps {
  store: Store;
  events: AuthEventBus;
  allowedOrigins: readonly string[];
  log: Logger;
  /** Failed bearer tokens per address (shared with the Socket.IO handshake). */
  tokenFailures: TokenFailures;
  now: () => Date;
}

/** The /api/v1 router (mount it at /api/v1, after the session middleware). */
export function apiRoutes(deps: ApiDeps): Router {
  const router = Router();
  // A little over the preference cap, so that the cap itself answers with a clear 413.
  router.use(express.json({ limit: MAX_PREFERENCE_BYTES * 2, strict: true }));
  router.use(originCheck(deps.allowedOrigins));
  router.use(bearerAuth({ ...deps, failures: deps.tokenFailures }));
  // Who is logged in (a session or a personal access token of any scope); 200 when nobody
  // is, so that a client can ask before login without an error.
  router.get('/me', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const user = req.user;
    if (user === undefined) res.json({ email: null, workspace: null });
    else
      res.json({ email: user.email, workspace: await currentWorkspaceView(deps.store, user.id) });
  });
  router.use(requireUser);
  router.use(tokenScopes);
  router.use(preferencesRoutes(deps.store));
  router.use(workspacesRoutes(deps.store, deps.events));
  router.use(exportRoutes(deps.store));
  router.use(groupsRoutes(deps));
  router.use(sharesRoutes(deps));
  router.use(tokensRoutes(deps));
  return router;
}
