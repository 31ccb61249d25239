/**
 * "Keep me logged in" tokens (API.md §1): a cookie `selector.validator`; the store keeps the
 * selector as `_id` and only the SHA-256 of the validator. Each use replaces the token; the
 * replaced one is kept, marked, until it expires, so that presenting it again is recognised
 * as theft (the thief or the owner used it first: either way the account must log in again).
 */
import type { Store } from '../store/index.ts';
import { isTokenShaped, newToken, sameDigest, sha256 } from './tokens.ts';

/** Name of the remember-me cookie. */
export const REMEMBER_COOKIE = 'panthr_remember';

const SELECTOR_BYTES = 16;
const VALIDATOR_BYTES = 32;
const DAY_MS = 24 * 3600 * 1000;

/** What a presented remember-me cookie turned out to be. */
export type RememberOutcome =
  | { kind: 'valid'; userId: string; cookie: string }
  | { kind: 'invalid' }
  | { kind: 'theft'; userId: string };

/** Creates a token for `userId` valid `days` days; resolves to the cookie value. */
export async function issueRememberToken(
  store: Store,
  userId: string,
  days: number,
  now: Date,
): Promise<string> {
  const selector = newToken(SELECTOR_BYTES);
  const validator = newToken(VALIDATOR_BYTES);
  await store.tokens.addRememberToken({
    _id: selector,
    userId,
    validatorHash: sha256(validator),
    expiresAt: new Date(now.getTime() + days * DAY_MS),
    replacedAt: null,
  });
  return `${selector}.${validator}`;
}

function parse(cookie: string): { selector: string; validator: string } | null {
  const [selector, validator, extra] = cookie.split('.');
  if (extra !== undefined || !isTokenShaped(selector, SELECTOR_BYTES)) return null;
  if (!isTokenShaped(validator, VALIDATOR_BYTES)) return null;
  return { selector, validator };
}

/**
 * Uses a presented token: a valid one is marked replaced (atomically, so two requests
 * racing with the same token cannot both win) and a new cookie value is issued. A token
 * that was already replaced is `theft`; the caller ends every session of that user.
 */
export async function useRememberToken(
  store: Store,
  cookie: string,
  days: number,
  now: Date,
): Promise<RememberOutcome> {
  const parts = parse(cookie);
  if (parts === null) return { kind: 'invalid' };
  const doc = await store.tokens.findRememberToken(parts.selector);
  if (doc === null || !sameDigest(doc.validatorHash, sha256(parts.validator))) {
    return { kind: 'invalid' };
  }
  if (doc.expiresAt.getTime() <= now.getTime()) {
    await store.tokens.deleteRememberToken(parts.selector);
    return { kind: 'invalid' };
  }
  if (doc.replacedAt != null) return { kind: 'theft', userId: doc.userId };
  const won = await store.tokens.markRememberTokenReplaced(parts.selector, now);
  if (!won) return { kind: 'theft', userId: doc.userId };
  return {
    kind: 'valid',
    userId: doc.userId,
    cookie: await issueRememberToken(store, doc.userId, days, now),
  };
}

/** Deletes the token a cookie names (at logout), whatever its state; ignores junk. */
export async function forgetRememberToken(store: Store, cookie: string): Promise<void> {
  const parts = parse(cookie);
  if (parts === null) return;
  const doc = await store.tokens.findRememberToken(parts.selector);
  // Only the holder of the validator may delete it, or a selector alone could log anyone out.
  if (doc !== null && sameDigest(doc.validatorHash, sha256(parts.validator))) {
    await store.tokens.deleteRememberToken(parts.selector);
  }
}

/** Ends every remember-me token of a user (theft, or a password change). */
export async function forgetAllRememberTokens(store: Store, userId: string): Promise<void> {
  await store.tokens.deleteRememberTokens(userId);
}
