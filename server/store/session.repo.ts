/**
 * HTTP sessions (express-session's data, see session.store.ts): one record per session id,
 * with the user it belongs to (to end every session of a user at once) and its expiry.
 * Embedded: embedded/session.sqlite.ts; MongoDB: mongo/session.mongo.ts.
 */

/** An HTTP session as MongoDB keeps it (collection `sessions`) and the repository returns it. */
export interface SessionDoc {
  _id: string;
  /** express-session's data as plain JSON (the cookie's Date is a string). */
  session: Record<string, unknown>;
  userId?: string | null;
  expiresAt: Date;
}

/** The HTTP sessions; `store.sessions`. Every method is one statement. */
export interface SessionRepository {
  /** The session `sid` as stored, expired or not; null when there is none. */
  find(sid: string): Promise<SessionDoc | null>;
  /** Stores the session (created or replaced). */
  save(doc: SessionDoc): Promise<void>;
  /** Moves the session's expiry and its cookie (nothing when there is no such session). */
  touch(sid: string, expiresAt: Date, cookie: unknown): Promise<void>;
  /** Deletes the session `sid`. */
  destroy(sid: string): Promise<void>;
  /** Deletes the session `sid` if it has expired at `now` (never one refreshed meanwhile). */
  destroyIfExpired(sid: string, now: Date): Promise<boolean>;
  /** Deletes every session of `userId` but `exceptSid`; returns how many. */
  destroyOfUser(userId: string, exceptSid?: string): Promise<number>;
  /** How many sessions `userId` has, expired ones not yet swept included. */
  countOfUser(userId: string): Promise<number>;
  /** How many sessions are still live at `now`. */
  countLive(now: Date): Promise<number>;
  /** Deletes every session. */
  clear(): Promise<void>;
  /** Deletes the sessions expired before `now`; returns how many. */
  sweepExpired(now: Date): Promise<number>;
}
