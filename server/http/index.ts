/**
 * http/: the routes outside /api/v1 (status, health, metrics, the static client, the
 * pages shown outside it), the one error handler, and the request helpers the accounts
 * and API routes share. The only way into server/http/ from outside; the /api/v1 router
 * has its own entry file (http/api/index.ts), kept out of this one because it depends on
 * auth/, which depends on this file.
 */
export { clientRoutes, DEFAULT_CLIENT_DIR } from './client.static.ts';
export { errorHandler, notFound } from './errors.middleware.ts';
export { healthRoutes, notReadyReason, type ReadinessDeps } from './health.routes.ts';
export { metricsRoutes } from './metrics.routes.ts';
export { pageRenderer, type PageContent, type PageRenderer } from './pages.ts';
export { displayName, fieldsOf, objectBody, onlyFields, requireUser, userOf } from './request.ts';
export {
  API_VERSION,
  SERVER_VERSION,
  statusBody,
  statusRoutes,
  type StatusBody,
} from './status.routes.ts';
