/**
 * `GET /metrics` (Prometheus text format), an admin endpoint: with `metrics_token` set it
 * needs `Authorization: Bearer TOKEN`; without, it answers only requests from loopback.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Config } from '../config/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { Registry } from 'prom-client';

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer /, '') ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** The metrics route over a registry. */
export function metricsRoutes(config: Config, source: { metrics: { registry: Registry } }): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    const allowed =
      config.metrics_token === null
        ? isLoopback(req.socket.remoteAddress)
        : tokenMatches(req.get('authorization'), config.metrics_token);
    if (!allowed) {
      throw new AppError(ErrorCode.unauthorized, 'metrics need the admin token', { status: 401 });
    }
    const { registry } = source.metrics;
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
