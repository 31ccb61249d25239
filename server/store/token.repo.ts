/**
 * Tokens of accounts (issue 18): single-use email links (verification and password
 * reset), "keep me logged in" tokens and personal access tokens, as one repository
 * (`store.tokens`; the accounts themselves are account.repo.ts's). Only digests are kept:
 * a link token's `_id` and an access token's `hash` are SHA-256s of the text the user holds.
 *
 * Rules the store keeps on both backends, so that two processes sharing one store keep
 * them too: a link token is taken once (two takes at once: exactly one gets it), a
 * remember-me token is marked replaced once (the loser of a race sees theft), an access
 * token's hash is unique (code 11000), and every token is gone after its `expiresAt` once
 * {@link TokenRepository.sweepExpired} (or MongoDB's TTL monitor) has run.
 */

/** The two kinds of single-use link: verify an address, reset a password. */
export type LinkTokenKind = 'verify' | 'reset';

/** A single-use link token; `_id` is the token's SHA-256 (hex). */
export interface LinkTokenDoc {
  _id: string;
  userId: string;
  expiresAt: Date;
}

/** A single-use email verification token; `_id` is the token's SHA-256 (hex). */
export type VerifyTokenDoc = LinkTokenDoc;

/** A single-use password-reset token; `_id` is the token's SHA-256 (hex). */
export type ResetTokenDoc = LinkTokenDoc;

/**
 * A "keep me logged in" token: `_id` is the public selector, `validatorHash` the SHA-256 of
 * the secret validator. A replaced token is kept (with `replacedAt`) until it expires, so
 * that presenting it again is recognised as theft.
 */
export interface RememberTokenDoc {
  _id: string;
  userId: string;
  validatorHash: string;
  expiresAt: Date;
  replacedAt?: Date | null;
}

/**
 * A personal access token (API 1.1): `hash` is the SHA-256 of the token text, which is
 * shown once and never stored.
 */
export interface AccessTokenDoc {
  _id: string;
  userId: string;
  name: string;
  scopes: ('read' | 'compute')[];
  hash: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt?: Date | null;
}

/** The store's tokens: `store.tokens`. */
export interface TokenRepository {
  /** Creates the tables or indexes (unique access-token hash, expiry); idempotent. */
  init(): Promise<void>;

  /** Stores a link token of `kind`; a duplicate `_id` fails with code 11000. */
  addLinkToken(kind: LinkTokenKind, token: LinkTokenDoc): Promise<void>;
  /** The link token `id` of `kind` without spending it (expired or not), or null. */
  findLinkToken(kind: LinkTokenKind, id: string): Promise<LinkTokenDoc | null>;
  /**
   * Deletes and returns the link token `id` of `kind`, expired or not (the caller judges
   * `expiresAt`): of two takes at once exactly one gets it, the other null.
   */
  takeLinkToken(kind: LinkTokenKind, id: string): Promise<LinkTokenDoc | null>;
  /** Deletes `userId`'s link tokens of `kind`, except `keepId` when given; how many went. */
  deleteLinkTokens(kind: LinkTokenKind, userId: string, keepId?: string): Promise<number>;

  /** Stores a remember-me token; a duplicate selector fails with code 11000. */
  addRememberToken(token: RememberTokenDoc): Promise<void>;
  /** The remember-me token with selector `id`, replaced or not, or null. */
  findRememberToken(id: string): Promise<RememberTokenDoc | null>;
  /**
   * Marks the token `id` replaced at `at` if it is not yet: true for the one call that
   * marked it, false for every other (already replaced, racing, or gone).
   */
  markRememberTokenReplaced(id: string, at: Date): Promise<boolean>;
  /** Deletes the remember-me token `id`; false when there was none. */
  deleteRememberToken(id: string): Promise<boolean>;
  /** Deletes every remember-me token of `userId`; how many went. */
  deleteRememberTokens(userId: string): Promise<number>;

  /** Stores an access token; a duplicate `_id` or `hash` fails with code 11000. */
  addAccessToken(token: AccessTokenDoc): Promise<void>;
  /** The access token whose text hashes to `hash` (expired or not), or null. */
  findAccessTokenByHash(hash: string): Promise<AccessTokenDoc | null>;
  /** `userId`'s access tokens not expired at `now`, oldest first (then by id). */
  listAccessTokens(userId: string, now: Date): Promise<AccessTokenDoc[]>;
  /** Records that the access token `id` was used at `at`. */
  touchAccessToken(id: string, at: Date): Promise<void>;
  /** Deletes `userId`'s access token `id`; false when `userId` has no such token. */
  deleteAccessToken(id: string, userId: string): Promise<boolean>;

  /** Deletes every token of every kind whose `expiresAt` is before `now`. */
  sweepExpired(now: Date): Promise<void>;
}
