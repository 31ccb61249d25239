/**
 * Accounts (issue 18): the registered users, as a repository that speaks the domain. Two
 * repositories serve the account side of the server: this one (`store.accounts`) and the
 * tokens' (token.repo.ts, `store.tokens`), kept apart because a user's row is read on
 * every login and request while tokens come and go with their expiry.
 *
 * Rules the store keeps on both backends: an address belongs to one account (a unique
 * index on the lower-cased email; a second account fails with code 11000), and every
 * change is one single-row (single-document) atomic write, conditional where the caller
 * says what it expects to find.
 */

/** A registered account. `email` is trimmed and lower-cased; it is the username. */
export interface UserDoc {
  _id: string;
  email: string;
  passwordHash: string;
  verified: boolean;
  createdAt: Date;
  /** The workspace restored at the next login. */
  currentWorkspace: string;
  /** The preference set in use, if any (null when none). */
  currentPreferences?: string | null;
}

/** The store's accounts: `store.accounts`. */
export interface AccountRepository {
  /** Creates the tables or indexes (the unique email); idempotent. */
  init(): Promise<void>;
  /**
   * Stores a new account, its email lower-cased. Rejects with a duplicate-key error (code
   * 11000) when the id or the address is taken, as two registrations racing do.
   */
  createUser(user: UserDoc): Promise<void>;
  /** The account with id `id`, or null. */
  findById(id: string): Promise<UserDoc | null>;
  /** The account registered with `email` (compared lower-cased), or null. */
  findByEmail(email: string): Promise<UserDoc | null>;
  /** The accounts among `ids` that exist, in no particular order. */
  findByIds(ids: readonly string[]): Promise<UserDoc[]>;
  /** How many accounts exist (verified or not). */
  countAccounts(): Promise<number>;
  /** Marks the address of `id` verified; false when no such account. */
  markVerified(id: string): Promise<boolean>;
  /** Replaces the password hash of `id`; false when no such account. */
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  /**
   * Makes `workspaceId` the current workspace of `id`; when `onlyIf` is given, only while
   * the current one is still `onlyIf` (so a choice made meanwhile is kept). True when set.
   */
  setCurrentWorkspace(id: string, workspaceId: string, onlyIf?: string): Promise<boolean>;
  /**
   * Forgets the preference set in use by `id`; when `onlyIf` is given, only while that is
   * the one in use. True when an account matched.
   */
  clearCurrentPreferences(id: string, onlyIf?: string): Promise<boolean>;
  /** Deletes the account row (its data goes first, see auth's purgeUser); false when none. */
  deleteUser(id: string): Promise<boolean>;
}

/** The key an address is unique by: lower-cased (the callers also trim and check it). */
export function emailKey(email: string): string {
  return email.toLowerCase();
}
