/**
 * createApp(deps): the HTTP and Socket.IO server with every route, not listening. It never
 * reads the environment; `main.ts` (or a test) gives it its dependencies.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Config } from './config/index.ts';
import type { Store } from './store/index.ts';
import type { RService } from '../r/index.ts';
import { createAuth } from './auth/index.ts';
import type { ClusterNode } from './cluster/index.ts';
import { createRealtime, type Realtime } from './realtime/index.ts';
import {
  clientRoutes,
  errorHandler,
  healthRoutes,
  metricsRoutes,
  notFound,
  pageRenderer,
  statusRoutes,
} from './http/index.ts';
import { apiRoutes } from './http/api/index.ts';

/** What the application is built from. */
export interface AppDeps {
  readonly config: Config;
  readonly store: Store;
  readonly log: Logger;
  readonly r: RService;
  /** Signs session cookies. */
  readonly secret: string;
  /** The built client; defaults to client/dist. */
  readonly clientDir?: string;
  /** This node's part of a cluster (config `cluster`); null or absent: a single server. */
  readonly cluster?: ClusterNode | null;
}

/** The running application. */
export interface App {
  readonly http: HttpServer;
  readonly realtime: Realtime;
  /** Orderly shutdown: io (bye) -> sessions -> auth; the caller then stops R and the store. */
  close(): Promise<void>;
}

/** Security headers: a strict CSP (no inline script or style), no framing. */
function securityHeaders(): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        'font-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    // Plain-HTTP deployments (a lab server on port 80) must not be pinned to HTTPS.
    strictTransportSecurity: false,
  });
}

/** Builds the application; call `http.listen()` to serve it. */
export function createApp(deps: AppDeps): App {
  const { config, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trust_proxy);
  app.set('json replacer', null);
  const http = createServer(app);

  // Auth asks for the client count only while serving requests, after `realtime` exists.
  const connectedClients = (): number => realtime.connectedClients();
  const auth = createAuth({
    config,
    store: deps.store,
    log,
    secret: deps.secret,
    connectedClients,
    pages: pageRenderer(deps.clientDir),
    ...(deps.cluster == null ? {} : { rateLimitStore: deps.cluster.rateLimitStore }),
  });
  const realtime = createRealtime(http, {
    config,
    store: deps.store,
    log,
    r: deps.r,
    auth,
    cluster: deps.cluster ?? null,
  });

  app.use(securityHeaders());
  app.use(statusRoutes(config, connectedClients));
  app.use(healthRoutes({ store: deps.store, r: deps.r }));
  app.use(metricsRoutes(config, realtime));
  // No app-wide body parser: each router parses JSON with its own limit (accounts 16 KB,
  // /api/v1 sized to preference sets), and a global one would run first and override them.
  app.use(auth.middleware);
  app.use(auth.routes);
  app.use(
    '/api/v1',
    apiRoutes({
      store: deps.store,
      events: auth.bus,
      allowedOrigins: config.allowed_origins,
      log: log.child({ module: 'auth' }),
      tokenFailures: auth.tokenFailures,
      now: () => new Date(),
    }),
  );
  app.use(clientRoutes(deps.clientDir));
  app.use(notFound);
  app.use(errorHandler(log));

  let closing: Promise<void> | undefined;
  return {
    http,
    realtime,
    close() {
      closing ??= (async () => {
        await realtime.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        await auth.close();
      })();
      return closing;
    },
  };
}
