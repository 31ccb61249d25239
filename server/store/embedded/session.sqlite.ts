/**
 * The {@link SessionRepository} on the embedded store: table `http_session`, the session's
 * data as JSON text (opaque to queries), the user and the expiry in columns of their own.
 * A touch (on every request of a rolling session) is one UPDATE that sets the expiry and
 * rewrites the cookie inside the JSON with `json_set`, without reading the row first.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SessionDoc, SessionRepository } from '../session.repo.ts';
import { migrateLegacyCollection } from './legacy.ts';
import { msOf, textOrNull } from './row.values.ts';
import type { WriteBatcher } from './write.batcher.ts';

interface SessionRow {
  id: string;
  data: string;
  user_id: string | null;
  expires_at: number;
}

function docOf(row: SessionRow): SessionDoc {
  return {
    _id: row.id,
    session: JSON.parse(row.data) as Record<string, unknown>,
    userId: row.user_id,
    expiresAt: new Date(row.expires_at),
  };
}

/** HTTP sessions in the SQLite table `http_session`. */
export class SqliteSessions implements SessionRepository {
  readonly #batcher: WriteBatcher;
  readonly #find: Statement<[string], SessionRow>;
  readonly #save: Statement;
  readonly #touch: Statement;
  readonly #destroy: Statement;
  readonly #destroyIfExpired: Statement;
  readonly #destroyOfUser: Statement;
  readonly #destroyOfUserBut: Statement;
  readonly #countOfUser: Statement<[string], { n: number }>;
  readonly #countLive: Statement<[number], { n: number }>;
  readonly #clear: Statement;
  readonly #sweep: Statement;

  /** Creates the table when missing and takes over the old `sessions` collection. */
  constructor(db: Database, batcher: WriteBatcher) {
    this.#batcher = batcher;
    db.exec(
      `CREATE TABLE IF NOT EXISTS http_session (id TEXT PRIMARY KEY, data TEXT NOT NULL,
        user_id TEXT, expires_at INTEGER NOT NULL) STRICT;
       CREATE INDEX IF NOT EXISTS http_session_user ON http_session (user_id);
       CREATE INDEX IF NOT EXISTS http_session_expiry ON http_session (expires_at)`,
    );
    const prepare = (sql: string) => db.prepare(sql);
    this.#find = db.prepare<[string], SessionRow>(`SELECT * FROM http_session WHERE id = ?`);
    this.#save = prepare(
      `INSERT INTO http_session (id, data, user_id, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, user_id = excluded.user_id,
         expires_at = excluded.expires_at`,
    );
    this.#touch = prepare(
      `UPDATE http_session SET expires_at = ?, data = json_set(data, '$.cookie', json(?))
       WHERE id = ?`,
    );
    this.#destroy = prepare(`DELETE FROM http_session WHERE id = ?`);
    this.#destroyIfExpired = prepare(`DELETE FROM http_session WHERE id = ? AND expires_at <= ?`);
    this.#destroyOfUser = prepare(`DELETE FROM http_session WHERE user_id = ?`);
    this.#destroyOfUserBut = prepare(`DELETE FROM http_session WHERE user_id = ? AND id <> ?`);
    this.#countOfUser = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM http_session WHERE user_id = ?`,
    );
    this.#countLive = db.prepare<[number], { n: number }>(
      `SELECT count(*) AS n FROM http_session WHERE expires_at > ?`,
    );
    this.#clear = prepare(`DELETE FROM http_session`);
    this.#sweep = prepare(`DELETE FROM http_session WHERE expires_at < ?`);
    migrateLegacyCollection(db, 'sessions', ({ doc }) => {
      const expires = msOf(doc.expiresAt);
      this.#save.run(
        String(doc._id),
        JSON.stringify(doc.session ?? {}),
        textOrNull(doc.userId),
        Number.isFinite(expires) ? expires : 0,
      );
    });
  }

  /** Nothing to do: the table exists from the constructor on. */
  init(): Promise<void> {
    return Promise.resolve();
  }

  find(sid: string): Promise<SessionDoc | null> {
    const row = this.#find.get(sid);
    return Promise.resolve(row === undefined ? null : docOf(row));
  }

  async save(doc: SessionDoc): Promise<void> {
    const data = JSON.stringify(doc.session);
    const at = doc.expiresAt.getTime();
    await this.#batcher.run(() => this.#save.run(doc._id, data, doc.userId ?? null, at));
  }

  async touch(sid: string, expiresAt: Date, cookie: unknown): Promise<void> {
    const json = JSON.stringify(cookie ?? null);
    const at = expiresAt.getTime();
    await this.#batcher.run(() => this.#touch.run(at, json, sid));
  }

  async destroy(sid: string): Promise<void> {
    await this.#batcher.run(() => this.#destroy.run(sid));
  }

  async destroyIfExpired(sid: string, now: Date): Promise<boolean> {
    const at = now.getTime();
    const { changes } = await this.#batcher.run(() => this.#destroyIfExpired.run(sid, at));
    return changes === 1;
  }

  async destroyOfUser(userId: string, exceptSid?: string): Promise<number> {
    const { changes } = await this.#batcher.run(() =>
      exceptSid === undefined
        ? this.#destroyOfUser.run(userId)
        : this.#destroyOfUserBut.run(userId, exceptSid),
    );
    return changes;
  }

  countOfUser(userId: string): Promise<number> {
    return Promise.resolve(this.#countOfUser.get(userId)?.n ?? 0);
  }

  countLive(now: Date): Promise<number> {
    return Promise.resolve(this.#countLive.get(now.getTime())?.n ?? 0);
  }

  async clear(): Promise<void> {
    await this.#batcher.run(() => this.#clear.run());
  }

  async sweepExpired(now: Date): Promise<number> {
    const at = now.getTime();
    const { changes } = await this.#batcher.run(() => this.#sweep.run(at));
    return changes;
  }
}
