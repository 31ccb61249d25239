/**
 * `GET /metrics` (Prometheus text format), an admin endpoint: with `metrics_token` set it
 * needs `Authorization: Bearer TOKEN`; without, it answers only requests from loopback that
 * did not come through a proxy (a proxy on the same host connects from loopback too).
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Config } from '../config/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { Registry } from 'prom-client';

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * Headers a proxy adds when it forwards a request. Any of them means the request may come
 * from anywhere, whatever address it arrives from and whatever it says (a client sets these
 * headers as easily as a proxy does, so their values are never trusted here).
 */
const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'via',
] as const;

function cameThroughProxy(headers: Record<string, unknown>): boolean {
  return FORWARDING_HEADERS.some((name) => headers[name] !== undefined);
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
    // The socket's own address, never req.ip: with trust_proxy, req.ip is what
    // X-Forwarded-For claims.
    const allowed =
      config.metrics_token === null
        ? isLoopback(req.socket.remoteAddress) && !cameThroughProxy(req.headers)
        : tokenMatches(req.get('authorization'), config.metrics_token);
    if (!allowed) {
      throw new AppError(ErrorCode.unauthorized, 'metrics need the admin token (metrics_token)', {
        status: 401,
      });
    }
    const { registry } = source.metrics;
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
