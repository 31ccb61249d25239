/** The {@link ConnectionRepository} on the embedded store: table `connection_log`. */
import type { Database, Statement } from 'better-sqlite3';
import type { ConnectionLogDoc, ConnectionRepository } from '../connection.repo.ts';
import { migrateLegacyCollection } from './legacy.ts';
import { dateOrNull, msOf, msOrNull, textOrNull } from './row.values.ts';
import type { WriteBatcher } from './write.batcher.ts';

interface ConnectionRow {
  id: string;
  user_id: string | null;
  address: string;
  opened_at: number;
  closed_at: number | null;
  reason: string | null;
  messages: number;
}

function docOf(row: ConnectionRow): ConnectionLogDoc {
  return {
    _id: row.id,
    userId: row.user_id,
    address: row.address,
    openedAt: new Date(row.opened_at),
    closedAt: dateOrNull(row.closed_at),
    reason: row.reason,
    messages: row.messages,
  };
}

/** The connection log in the SQLite table `connection_log`. */
export class SqliteConnections implements ConnectionRepository {
  readonly #batcher: WriteBatcher;
  readonly #insert: Statement;
  readonly #close: Statement;
  readonly #get: Statement<[string], ConnectionRow>;
  readonly #recent: Statement<[number], ConnectionRow>;

  /** Creates the table when missing and takes over the old `connections` collection. */
  constructor(db: Database, batcher: WriteBatcher) {
    this.#batcher = batcher;
    db.exec(
      `CREATE TABLE IF NOT EXISTS connection_log (id TEXT PRIMARY KEY, user_id TEXT,
        address TEXT NOT NULL, opened_at INTEGER NOT NULL, closed_at INTEGER, reason TEXT,
        messages INTEGER NOT NULL DEFAULT 0) STRICT;
       CREATE INDEX IF NOT EXISTS connection_log_opened ON connection_log (opened_at)`,
    );
    this.#insert = db.prepare(
      `INSERT INTO connection_log (id, user_id, address, opened_at, closed_at, reason, messages)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#close = db.prepare(
      `UPDATE connection_log SET closed_at = ?, reason = ?, messages = ? WHERE id = ?`,
    );
    this.#get = db.prepare<[string], ConnectionRow>(`SELECT * FROM connection_log WHERE id = ?`);
    // newest first; among connections of the same millisecond, the later inserted first
    this.#recent = db.prepare<[number], ConnectionRow>(
      `SELECT * FROM connection_log ORDER BY opened_at DESC, rowid DESC LIMIT ?`,
    );
    migrateLegacyCollection(db, 'connections', ({ doc }) => {
      this.#insert.run(
        String(doc._id),
        textOrNull(doc.userId),
        textOrNull(doc.address) ?? '',
        msOrNull(doc.openedAt) ?? 0,
        msOrNull(doc.closedAt),
        textOrNull(doc.reason),
        typeof doc.messages === 'number' ? Math.trunc(doc.messages) : 0,
      );
    });
  }

  /** Nothing to do: the table exists from the constructor on. */
  init(): Promise<void> {
    return Promise.resolve();
  }

  async insert(doc: ConnectionLogDoc): Promise<void> {
    const values = [
      doc._id,
      doc.userId,
      doc.address,
      msOf(doc.openedAt),
      doc.closedAt instanceof Date ? doc.closedAt.getTime() : null,
      doc.reason ?? null,
      doc.messages ?? 0,
    ];
    await this.#batcher.run(() => this.#insert.run(...values));
  }

  async close(
    id: string,
    end: { closedAt: Date; reason: string; messages: number },
  ): Promise<void> {
    const at = end.closedAt.getTime();
    await this.#batcher.run(() => this.#close.run(at, end.reason, end.messages, id));
  }

  get(id: string): Promise<ConnectionLogDoc | null> {
    const row = this.#get.get(id);
    return Promise.resolve(row === undefined ? null : docOf(row));
  }

  recent(limit: number): Promise<ConnectionLogDoc[]> {
    return Promise.resolve(this.#recent.all(limit).map(docOf));
  }
}
