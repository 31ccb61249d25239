/**
 * Reading and writing the remember-me cookie on plain Node requests, so that the same
 * code serves Express routes and Socket.IO's engine (which has no `res.cookie`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** The value of cookie `name` in the request's Cookie header, or null. */
export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return null; // a malformed escape: treated as no cookie
    }
  }
  return null;
}

/** True when the request reached us over TLS, directly or (Express, trust proxy) via a proxy. */
export function isSecure(req: IncomingMessage): boolean {
  const viaExpress = (req as { secure?: unknown }).secure;
  if (typeof viaExpress === 'boolean') return viaExpress;
  return (req.socket as TLSSocket).encrypted === true;
}

/**
 * Appends a Set-Cookie for `name` (HttpOnly, SameSite=Lax, Path=/, Secure over TLS).
 * `maxAgeSeconds` 0 deletes the cookie.
 */
export function setCookie(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  value: string,
  maxAgeSeconds: number,
): void {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `Max-Age=${Math.floor(maxAgeSeconds)}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (isSecure(req)) parts.push('Secure');
  const fresh = parts.join('; ');
  const prev = res.getHeader('Set-Cookie');
  // A later cookie of the same name replaces an earlier one of this response.
  const kept = (Array.isArray(prev) ? prev : prev === undefined ? [] : [String(prev)]).filter(
    (c) => !c.startsWith(`${name}=`),
  );
  res.setHeader('Set-Cookie', [...kept, fresh]);
}
