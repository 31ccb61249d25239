/**
 * CSRF defence for cookie-authenticated requests: an Origin check (docs/security.md).
 * Browsers send `Origin` with every cross-site POST/PUT/PATCH/DELETE, so a state-changing
 * request whose Origin (or, lacking it, Referer) is neither the server's own host nor one
 * of `allowed_origins` is refused with 403 `forbidden_origin`. A request with neither
 * header cannot come from a cross-site page in a current browser and is let through
 * (command-line clients, tests). SameSite=Lax cookies are the second layer.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError, ErrorCode } from '../errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null; // not a URL: refused below, like "null"
  }
}

/** Builds the predicate: is the Origin/Referer of this request one we serve? */
export function createOriginPolicy(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins.map((o) => originOf(o)).filter((o) => o !== null));
  /** 'same' | 'allowed': accept; 'absent': no header at all; 'foreign': refuse. */
  return (req: IncomingMessage): 'ok' | 'absent' | 'foreign' => {
    const header = req.headers.origin ?? req.headers.referer;
    if (header === undefined) return 'absent';
    const origin = originOf(header);
    if (origin === null) return 'foreign'; // "null" (sandboxed frames, file://) included
    if (allowed.has(origin)) return 'ok';
    // The server's own origin: same host and port as the request was sent to. The scheme
    // is not compared, because behind a TLS-terminating proxy the server sees plain HTTP.
    const host = req.headers.host;
    return host !== undefined && new URL(origin).host === host.toLowerCase() ? 'ok' : 'foreign';
  };
}

/** Refuses state-changing requests from foreign origins with 403 `forbidden_origin`. */
export function originCheck(allowedOrigins: readonly string[]): RequestHandler {
  const policy = createOriginPolicy(allowedOrigins);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || policy(req) !== 'foreign') {
      next();
      return;
    }
    next(
      new AppError(ErrorCode.forbiddenOrigin, 'this request comes from a page of another site', {
        status: 403,
      }),
    );
  };
}
