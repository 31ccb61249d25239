/**
 * The {@link PreferenceRepository} on the embedded store: table `preference_set`, keyed by
 * (user, name) so a name is unique per user; the settings as JSON text. A put decides (the
 * name exists? the cap reached?) and writes in ONE write-batcher callback, so two puts at
 * once never pass the cap together.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  preferenceId,
  type PreferenceDoc,
  type PreferencePut,
  type PreferenceRepository,
} from '../preference.repo.ts';
import { migrateLegacyCollection } from './legacy.ts';
import { msOf } from './row.values.ts';
import type { WriteBatcher } from './write.batcher.ts';

interface PreferenceRow {
  user_id: string;
  name: string;
  settings: string;
  updated_at: number;
}

function docOf(row: PreferenceRow): PreferenceDoc {
  return {
    _id: preferenceId(row.user_id, row.name),
    userId: row.user_id,
    name: row.name,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    updatedAt: new Date(row.updated_at),
  };
}

/** Preference sets in the SQLite table `preference_set`. */
export class SqlitePreferences implements PreferenceRepository {
  readonly #batcher: WriteBatcher;
  readonly #list: Statement<[string], PreferenceRow>;
  readonly #get: Statement<[string, string], PreferenceRow>;
  readonly #count: Statement<[string], { n: number }>;
  readonly #upsert: Statement;
  readonly #delete: Statement;
  readonly #deleteOfUser: Statement;

  /** Creates the table when missing and takes over the old `preferences` collection. */
  constructor(db: Database, batcher: WriteBatcher) {
    this.#batcher = batcher;
    db.exec(
      `CREATE TABLE IF NOT EXISTS preference_set (user_id TEXT NOT NULL, name TEXT NOT NULL,
        settings TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (user_id, name)) STRICT`,
    );
    this.#list = db.prepare<[string], PreferenceRow>(
      `SELECT * FROM preference_set WHERE user_id = ? ORDER BY name`,
    );
    this.#get = db.prepare<[string, string], PreferenceRow>(
      `SELECT * FROM preference_set WHERE user_id = ? AND name = ?`,
    );
    this.#count = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM preference_set WHERE user_id = ?`,
    );
    this.#upsert = db.prepare(
      `INSERT INTO preference_set (user_id, name, settings, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, name) DO UPDATE SET settings = excluded.settings,
         updated_at = excluded.updated_at`,
    );
    this.#delete = db.prepare(`DELETE FROM preference_set WHERE user_id = ? AND name = ?`);
    this.#deleteOfUser = db.prepare(`DELETE FROM preference_set WHERE user_id = ?`);
    migrateLegacyCollection(db, 'preferences', ({ doc }) => {
      const updated = msOf(doc.updatedAt);
      this.#upsert.run(
        String(doc.userId),
        String(doc.name),
        JSON.stringify(doc.settings ?? {}),
        Number.isFinite(updated) ? updated : 0,
      );
    });
  }

  /** Nothing to do: the table exists from the constructor on. */
  init(): Promise<void> {
    return Promise.resolve();
  }

  list(userId: string): Promise<PreferenceDoc[]> {
    return Promise.resolve(this.#list.all(userId).map(docOf));
  }

  get(userId: string, name: string): Promise<PreferenceDoc | null> {
    const row = this.#get.get(userId, name);
    return Promise.resolve(row === undefined ? null : docOf(row));
  }

  count(userId: string): Promise<number> {
    return Promise.resolve(this.#count.get(userId)?.n ?? 0);
  }

  put(
    set: { userId: string; name: string; settings: Record<string, unknown>; updatedAt: Date },
    maxSets: number,
  ): Promise<PreferencePut> {
    const settings = JSON.stringify(set.settings);
    return this.#batcher.run((): PreferencePut => {
      const exists = this.#get.get(set.userId, set.name) !== undefined;
      if (!exists && (this.#count.get(set.userId)?.n ?? 0) >= maxSets) return 'full';
      this.#upsert.run(set.userId, set.name, settings, set.updatedAt.getTime());
      return exists ? 'updated' : 'created';
    });
  }

  async delete(userId: string, name: string): Promise<boolean> {
    const { changes } = await this.#batcher.run(() => this.#delete.run(userId, name));
    return changes === 1;
  }

  async deleteOfUser(userId: string): Promise<number> {
    const { changes } = await this.#batcher.run(() => this.#deleteOfUser.run(userId));
    return changes;
  }
}
