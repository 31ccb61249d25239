/**
 * The Origin check of the Socket.IO handshake: a browser always sends Origin on a
 * cross-origin request and on WebSocket upgrades, so a request whose Origin is neither the
 * server's own host nor a configured origin is refused. No Origin: a same-origin polling
 * request or a non-browser client, which carries no ambient credentials of a victim.
 */
import type { IncomingMessage } from 'node:http';

/** Whether the request's Origin may open a realtime connection. */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
