/**
 * The browser client: `client/dist` built by `npm run build`. Hashed assets are cached for
 * a year; index.html is revalidated on every load so a new build is picked up at once.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { PROJECT_ROOT } from '../paths.ts';

/** Where `npm run build` writes the client. */
export const DEFAULT_CLIENT_DIR = path.join(PROJECT_ROOT, 'client/dist');

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PanthR server</title></head>
<body><h1>PanthR server</h1><p>The browser client is not built. Run <code>npm run build</code>
(scripts/start does it) and reload.</p></body></html>`;

/** Serves the built client at `/`, or a page saying how to build it. */
export function clientRoutes(dir: string = DEFAULT_CLIENT_DIR): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  router.use(express.static(dir, { index: false, maxAge: '1h' }));
  router.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    if (existsSync(index)) res.sendFile(index);
    else res.type('html').send(PLACEHOLDER);
  });
  return router;
}
