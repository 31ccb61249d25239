/**
 * Rate limits on the account routes (express-rate-limit): in memory on one server process,
 * in Redis on a cluster (so that a second node is not a second chance).
 * Two keys each: the client address, generous because a whole class may sit behind one
 * NAT address, and the account or address concerned, strict, against guessing one
 * account's password from many addresses. Over a limit: 429 `too_many_requests`. Requests
 * from this machine that name no other client ({@link isLocalClient}) are not limited.
 */
import type { Request, RequestHandler } from 'express';
import { MemoryStore, rateLimit, type Store } from 'express-rate-limit';
import { AppError, ErrorCode } from '../errors.ts';
import { parseBasicAuth } from './credentials.ts';

const MINUTE = 60_000;

/**
 * Requests one client address may make: logins and sign-ons per 15 minutes, registrations
 * and mail requests per hour, verifications per 15 minutes. Generous, because a whole class
 * may sit behind one NAT address. Guessing is held back per account (10 failed logins per
 * 15 minutes) and by the tokens' length.
 */
export const PER_ADDRESS = { login: 300, register: 60, verify: 60, resend: 30 } as const;

/**
 * A request from this machine itself that names no other client (no `X-Forwarded-For` or
 * `Forwarded` header): an admin's script or a test suite, not a visitor. The per-address
 * limits leave it alone; a reverse proxy on this machine names its clients, so theirs count
 * (per client with `trust_proxy`, else together as the proxy's address).
 */
export function isLocalClient(req: Request): boolean {
  const a = req.socket.remoteAddress ?? '';
  const loopback = a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
  return (
    loopback && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined
  );
}

/** The limiters of each account route, plus a way to stop their timers. */
export interface RateLimits {
  login: RequestHandler[];
  /** A logged-in user's password change: the login's address limit, failures per user. */
  password: RequestHandler[];
  register: RequestHandler[];
  verify: RequestHandler[];
  resend: RequestHandler[];
  close(): void;
}

/** The logged-in user's id, or null. */
function userIdOf(req: Request): string | null {
  const id = (req.user as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : null;
}

/** The account a request is about: the email of its body or Basic header, normalised. */
function accountOf(req: Request): string | null {
  const body: unknown = req.body;
  const fromBody =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>).email : undefined;
  const email =
    typeof fromBody === 'string' ? fromBody : parseBasicAuth(req.headers.authorization)?.email;
  return typeof email === 'string' && email.trim() !== ''
    ? email.trim().toLowerCase().slice(0, 320)
    : null;
}

/**
 * Creates fresh limiters: one memory store each (two servers never share counts), or, with
 * `shared`, the store it makes for each limiter's prefix (Redis on a cluster).
 */
export function createRateLimits(shared?: (prefix: string) => Store): RateLimits {
  const stores: MemoryStore[] = [];
  let made = 0;
  const limiter = (
    windowMs: number,
    limit: number,
    what: string,
    opts: {
      byAccount?: boolean;
      byUser?: boolean;
      onlyFailures?: boolean;
      onlySuccesses?: boolean;
    } = {},
  ): RequestHandler => {
    // The limiters are made in the same order on every node, so a number names each alike.
    const prefix = String(made++);
    let store: Store;
    if (shared === undefined) {
      const memory = new MemoryStore();
      stores.push(memory);
      store = memory;
    } else store = shared(prefix);
    return rateLimit({
      windowMs,
      limit,
      store,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      skipSuccessfulRequests: opts.onlyFailures ?? false,
      skipFailedRequests: opts.onlySuccesses ?? false,
      // A refusal is a failure; a 5xx (the store down, the server full) is the server's,
      // and counting it would lock out whoever retried until it was back.
      requestWasSuccessful: (_req, res) => res.statusCode < 400 || res.statusCode >= 500,
      // A request without an account in it is not counted against any account; one from
      // this machine that names no other client is not counted against an address or an
      // account (its logged-in user's failed password changes still count).
      ...(opts.byAccount === true
        ? {
            keyGenerator: (req: Request) => `acct:${accountOf(req) ?? ''}`,
            skip: (req: Request) => accountOf(req) === null || isLocalClient(req),
          }
        : opts.byUser === true
          ? {
              keyGenerator: (req: Request) => `user:${userIdOf(req) ?? ''}`,
              skip: (req: Request) => userIdOf(req) === null,
            }
          : { skip: isLocalClient }),
      handler: (_req, _res, next) => {
        next(
          new AppError(ErrorCode.tooManyRequests, `too many ${what}; try again later`, {
            status: 429,
          }),
        );
      },
    });
  };
  const loginByAddress = limiter(
    15 * MINUTE,
    PER_ADDRESS.login,
    'login attempts from this address',
  );
  const limits = {
    login: [
      loginByAddress,
      limiter(15 * MINUTE, 10, 'failed login attempts for this account', {
        byAccount: true,
        onlyFailures: true,
      }),
    ],
    register: [
      limiter(60 * MINUTE, PER_ADDRESS.register, 'registrations from this address'),
      // Those that mail the address (a 201): a refused attempt sends nothing.
      limiter(60 * MINUTE, 5, 'registrations of this email address', {
        byAccount: true,
        onlySuccesses: true,
      }),
    ],
    verify: [limiter(15 * MINUTE, PER_ADDRESS.verify, 'verification attempts from this address')],
    resend: [
      limiter(60 * MINUTE, PER_ADDRESS.resend, 'mail requests from this address'),
      limiter(60 * MINUTE, 3, 'mails to this address', { byAccount: true }),
    ],
  };
  // Made last: the limiters before it keep their numbers (their prefixes in Redis).
  const password = [
    loginByAddress,
    limiter(15 * MINUTE, 10, 'failed password changes for this account', {
      byUser: true,
      onlyFailures: true,
    }),
  ];
  return { ...limits, password, close: () => stores.forEach((s) => s.shutdown()) };
}
