/**
 * Personal access tokens (API 1.1): `pat_` and 43 random URL-safe characters, shown once
 * and stored only as their SHA-256, with scopes `read` and `compute` and an expiry.
 * Accepted as `Authorization: Bearer` on /api/v1 and as `auth: {"token"}` in the Socket.IO
 * handshake. Guessing is rate-limited per client address ({@link TokenFailures}).
 */
import { randomUUID } from 'node:crypto';
import type { AccessTokenDoc, Store } from '../store/index.ts';
import { newToken, sha256 } from './tokens.ts';

/** The scopes a token may carry. */
export const TOKEN_SCOPES = ['read', 'compute'] as const;
/** A token scope. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];
/** Most tokens one user may have. */
export const MAX_TOKENS = 50;
/** Longest lifetime of a token, in days. */
export const MAX_TOKEN_DAYS = 366;
/** Lifetime when `expires_in_days` is not given. */
export const DEFAULT_TOKEN_DAYS = 30;

const PREFIX = 'pat_';
const TOKEN_RE = /^pat_[A-Za-z0-9_-]{43}$/;

/** Who a valid token speaks for. */
export interface TokenUser {
  readonly id: string;
  readonly email: string;
  readonly tokenId: string;
  readonly scopes: readonly TokenScope[];
}

/** A token as the API lists it (never its text nor its hash). */
export function tokenView(doc: AccessTokenDoc) {
  return {
    id: doc._id,
    name: doc.name,
    scopes: doc.scopes,
    created: doc.createdAt.toISOString(),
    expires: doc.expiresAt.toISOString(),
    last_used: doc.lastUsedAt?.toISOString() ?? null,
  };
}

/** Creates a token; the text is returned here and never again. */
export async function createAccessToken(
  store: Store,
  userId: string,
  spec: { name: string; scopes: TokenScope[]; days: number },
  now: Date,
): Promise<{ doc: AccessTokenDoc; token: string }> {
  const token = PREFIX + newToken(32);
  const doc: AccessTokenDoc = {
    _id: randomUUID(),
    userId,
    name: spec.name,
    scopes: [...new Set(spec.scopes)],
    hash: sha256(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + spec.days * 86_400_000),
    lastUsedAt: null,
  };
  await store.tokens.addAccessToken(doc);
  return { doc, token };
}

/** The tokens of `userId` that have not expired, oldest first. */
export async function listAccessTokens(
  store: Store,
  userId: string,
  now: Date,
): Promise<AccessTokenDoc[]> {
  return store.tokens.listAccessTokens(userId, now);
}

/**
 * The user a token text speaks for, or null when it is malformed, unknown, expired or its
 * account is gone or unverified. The lookup is by hash (an index), so timing says nothing
 * about how much of a guess was right.
 */
export async function verifyAccessToken(
  store: Store,
  text: unknown,
  now: Date,
): Promise<TokenUser | null> {
  if (typeof text !== 'string' || !TOKEN_RE.test(text)) return null;
  const doc = await store.tokens.findAccessTokenByHash(sha256(text));
  if (doc === null || doc.expiresAt.getTime() <= now.getTime()) return null;
  const user = await store.accounts.findById(doc.userId);
  if (user === null || !user.verified) return null;
  await store.tokens.touchAccessToken(doc._id, now);
  return { id: user._id, email: user.email, tokenId: doc._id, scopes: doc.scopes };
}

/**
 * Failed token attempts per client address, in a fixed window: past `limit` failures the
 * address is refused (429 / a handshake refusal) until the window ends, valid token or not,
 * so that guessing gets nowhere. In memory: one server process.
 */
export class TokenFailures {
  readonly #counts = new Map<string, { n: number; until: number }>();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** True when `address` may try a token now. */
  allowed(address: string, now = Date.now()): boolean {
    const entry = this.#counts.get(address);
    if (entry === undefined || entry.until <= now) return true;
    return entry.n < this.limit;
  }

  /** Counts one failure of `address`. */
  failed(address: string, now = Date.now()): void {
    const entry = this.#counts.get(address);
    if (entry === undefined || entry.until <= now) {
      // Old windows are dropped as new failures come, so the map stays small.
      if (this.#counts.size > 10_000) this.#counts.clear();
      this.#counts.set(address, { n: 1, until: now + this.windowMs });
    } else entry.n += 1;
  }
}
