/**
 * The affinity contract (docs/operations.md): a handshake that reaches a node not holding
 * the user is refused with `moved` and `data: {"node": ID}`; the refusing node sets this
 * cookie, the client sets it too and connects again through the same URL, and nginx maps
 * the cookie to the node.
 */

/** The cookie nginx maps to a node. */
export const NODE_COOKIE = 'panthr_node';

/**
 * The Set-Cookie value naming `nodeId`: not HttpOnly, because the client sets the same
 * cookie itself (a non-browser client may ignore Set-Cookie on a WebSocket upgrade).
 */
export function nodeCookie(nodeId: string, secure: boolean): string {
  return `${NODE_COOKIE}=${encodeURIComponent(nodeId)}; Path=/; SameSite=Lax${secure ? '; Secure' : ''}`;
}
