/**
 * express-session's store over the {@link Store}'s `sessions` repository (session.repo.ts):
 * one class for both backends, each call one statement (a touch on every request too). A
 * session expires with its cookie (MongoDB's TTL index or the embedded sweep deletes it;
 * `get` never returns an expired one meanwhile). The user id is kept with the session, so
 * every session of a user can be ended at once (logout everywhere, theft).
 */
import session from 'express-session';
import type { SessionData } from 'express-session';
import type { SessionDoc } from './session.repo.ts';
import type { Store } from './store.types.ts';

/** Options of {@link StoreSessionStore}. */
export interface StoreSessionStoreOptions {
  /** Lifetime of a session whose cookie has no expiry (a browser-session cookie), in ms. */
  defaultTtlMs?: number;
  /** The user a session belongs to; default: passport's `session.passport.user`. */
  userIdOf?: (data: SessionData) => string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function passportUser(data: SessionData): string | null {
  const passport = (data as { passport?: { user?: unknown } }).passport;
  return typeof passport?.user === 'string' ? passport.user : null;
}

/** Runs `promise` into an express-session callback. */
function settle<R>(promise: Promise<R>, callback?: (err: unknown, value?: R) => void): void {
  promise.then(
    (value) => callback?.(null, value),
    (error: unknown) => callback?.(error),
  );
}

/** The express-session {@link session.Store} of PanthR server. */
export class StoreSessionStore extends session.Store {
  readonly #store: Store;
  readonly #defaultTtlMs: number;
  readonly #userIdOf: (data: SessionData) => string | null;

  /** Keeps sessions in `store.sessions`. */
  constructor(store: Store, options: StoreSessionStoreOptions = {}) {
    super();
    this.#store = store;
    this.#defaultTtlMs = options.defaultTtlMs ?? DAY_MS;
    this.#userIdOf = options.userIdOf ?? passportUser;
  }

  /** When a session with this data expires: its cookie's expiry, else the default TTL. */
  expiryOf(data: SessionData, now = Date.now()): Date {
    const expires = (data.cookie as { expires?: Date | string | null } | undefined)?.expires;
    const at = expires === null || expires === undefined ? NaN : new Date(expires).getTime();
    return new Date(Number.isFinite(at) ? at : now + this.#defaultTtlMs);
  }

  /** The session `sid`, or null when there is none or it has expired. */
  async getSession(sid: string): Promise<SessionData | null> {
    const doc = await this.#store.sessions.find(sid);
    if (doc === null) return null;
    const now = new Date();
    if (doc.expiresAt.getTime() <= now.getTime()) {
      // only while still expired: a request refreshing it meanwhile keeps it
      await this.#store.sessions.destroyIfExpired(sid, now);
      return null;
    }
    return doc.session as unknown as SessionData;
  }

  /** Stores the session `sid` (as plain JSON: the cookie's Date becomes a string). */
  async setSession(sid: string, data: SessionData): Promise<void> {
    const doc: SessionDoc = {
      _id: sid,
      session: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
      userId: this.#userIdOf(data),
      expiresAt: this.expiryOf(data),
    };
    await this.#store.sessions.save(doc);
  }

  /** Extends the session `sid` to its cookie's new expiry. */
  async touchSession(sid: string, data: SessionData): Promise<void> {
    const cookie = JSON.parse(JSON.stringify(data.cookie ?? null)) as unknown;
    await this.#store.sessions.touch(sid, this.expiryOf(data), cookie);
  }

  /** Ends every session of `userId`, except `exceptSid` when given; returns how many. */
  async destroyUserSessions(userId: string, exceptSid?: string): Promise<number> {
    return this.#store.sessions.destroyOfUser(userId, exceptSid);
  }

  override get(sid: string, callback: (err: unknown, data?: SessionData | null) => void): void {
    settle(this.getSession(sid), callback);
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    settle(this.setSession(sid, data), callback);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    settle(this.#store.sessions.destroy(sid), callback);
  }

  override touch(sid: string, data: SessionData, callback?: () => void): void {
    // typed without an error, but express-session's own callback passes one on to next()
    settle(this.touchSession(sid, data), callback);
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    settle(this.#store.sessions.countLive(new Date()), callback);
  }

  override clear(callback?: (err?: unknown) => void): void {
    settle(this.#store.sessions.clear(), callback);
  }
}
