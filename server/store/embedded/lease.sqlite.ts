/**
 * The {@link LeaseRepository} on the embedded store: table `lease`, one row per user.
 * Taking is ONE statement, an insert whose conflict updates the row only when it is ours
 * or expired: SQLite runs it atomically, so of two racing nodes exactly one changes a row.
 */
import type { Database, Statement } from 'better-sqlite3';
import { checkTtl, type LeaseRepository } from '../lease.repo.ts';
import { migrateLegacyCollection } from './legacy.ts';
import { msOf } from './row.values.ts';
import type { WriteBatcher } from './write.batcher.ts';

interface LeaseRow {
  node_id: string;
  expires_at: number;
}

/** Leases in the SQLite table `lease`. */
export class SqliteLeases implements LeaseRepository {
  readonly #batcher: WriteBatcher;
  readonly #take: Statement;
  readonly #renew: Statement;
  readonly #release: Statement;
  readonly #holder: Statement<[string], LeaseRow>;

  /** Creates the table when missing and takes over the old `leases` collection. */
  constructor(db: Database, batcher: WriteBatcher) {
    this.#batcher = batcher;
    db.exec(
      `CREATE TABLE IF NOT EXISTS lease (user_id TEXT PRIMARY KEY, node_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL) STRICT`,
    );
    this.#take = db.prepare(
      `INSERT INTO lease (user_id, node_id, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET node_id = excluded.node_id,
         expires_at = excluded.expires_at
       WHERE lease.node_id = excluded.node_id OR lease.expires_at <= ?`,
    );
    this.#renew = db.prepare(`UPDATE lease SET expires_at = ? WHERE user_id = ? AND node_id = ?`);
    this.#release = db.prepare(`DELETE FROM lease WHERE user_id = ? AND node_id = ?`);
    this.#holder = db.prepare<[string], LeaseRow>(
      `SELECT node_id, expires_at FROM lease WHERE user_id = ?`,
    );
    const copy = db.prepare(
      `INSERT OR REPLACE INTO lease (user_id, node_id, expires_at) VALUES (?, ?, ?)`,
    );
    migrateLegacyCollection(db, 'leases', ({ doc }) => {
      const expires = msOf(doc.expiresAt);
      copy.run(String(doc._id), String(doc.nodeId), Number.isFinite(expires) ? expires : 0);
    });
  }

  /** Nothing to do: the table exists from the constructor on. */
  init(): Promise<void> {
    return Promise.resolve();
  }

  async take(userId: string, nodeId: string, ttlMs: number, now = new Date()): Promise<boolean> {
    checkTtl(ttlMs);
    const at = now.getTime();
    const { changes } = await this.#batcher.run(() =>
      this.#take.run(userId, nodeId, at + ttlMs, at),
    );
    return changes === 1;
  }

  async renew(userId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    const { changes } = await this.#batcher.run(() =>
      this.#renew.run(Date.now() + ttlMs, userId, nodeId),
    );
    return changes === 1;
  }

  async release(userId: string, nodeId: string): Promise<void> {
    await this.#batcher.run(() => this.#release.run(userId, nodeId));
  }

  holder(userId: string): Promise<{ nodeId: string; expiresAt: Date } | null> {
    const row = this.#holder.get(userId);
    if (row === undefined || row.expires_at <= Date.now()) return Promise.resolve(null);
    return Promise.resolve({ nodeId: row.node_id, expiresAt: new Date(row.expires_at) });
  }
}
