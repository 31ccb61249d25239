/** Small HTTP helpers shared by the auth-* and api-* integration tests. */
import assert from 'node:assert/strict';
import { SESSION_COOKIE } from '../../server/auth/index.ts';
import type { TestServer } from '../fixtures/server.ts';

/** A response, its JSON body read (or `{}` when it was not JSON). */
export interface Reply {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Headers;
}

/** Sends a request; a non-string `body` is sent as JSON. */
export async function call(
  ts: TestServer,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${ts.url}${url}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (an HTML page, an empty 204): kept in `text`
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** Asserts API.md's error body with this status and code. */
export function assertError(r: Reply, status: number, code: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error, code, r.text);
  assert.equal(typeof r.body.message, 'string');
}

/** The Set-Cookie line of cookie `name`, or undefined. */
export function setCookieOf(r: Reply, name: string): string | undefined {
  return r.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** The value a response sets cookie `name` to ('' when it clears it), or undefined. */
export function cookieValue(r: Reply, name: string): string | undefined {
  const line = setCookieOf(r, name);
  return line === undefined ? undefined : (line.split(';')[0] ?? '').slice(name.length + 1);
}

/** The `Cookie` header value that carries the session a response set ('' when it set none). */
export function sessionCookieOf(r: Reply): string {
  const value = cookieValue(r, SESSION_COOKIE);
  return value === undefined ? '' : `${SESSION_COOKIE}=${value}`;
}

/** An `Authorization: Basic` header. */
export function basic(email: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` };
}

/**
 * Asks `path` (/verify/resend, /password/forgot) to mail each of `emails`, none of which
 * may get a mail: asserts each gets the same 202 `{email}` and that no mail went out.
 */
export async function assertMailsNothing(
  ts: TestServer,
  path: string,
  emails: readonly string[],
): Promise<void> {
  ts.smtp.inbox.length = 0;
  for (const email of emails) {
    const res = await call(ts, 'POST', path, { email });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { email });
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ts.smtp.inbox.length, 0);
}
