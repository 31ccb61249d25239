/**
 * Data written before the repositories (issue 18). Each collection was then one table
 * `"<name>" (_id TEXT PRIMARY KEY, doc TEXT, files TEXT)` of EJSON documents, large bytes
 * in blob files named by the row's `files`. A repository that finds its old table when it
 * opens copies the documents into its own tables and drops the old one, in one transaction
 * (see {@link migrateLegacyCollection}); an upgraded data directory loses nothing.
 */
import type { Database } from 'better-sqlite3';
import { decodeDoc, type RowFiles } from './doc.codec.ts';

/** Rows of an old table read at once while copying it. */
export const PAGE = 500;

/** One document of an old collection table, with the blob files its row named. */
export interface LegacyRow {
  readonly doc: Record<string, unknown>;
  /** The blob file names the row's `files` column held (empty when none). */
  readonly files: readonly string[];
}

/** True when the old collection table `name` is still in `db`. */
export function hasLegacyCollection(db: Database, name: string): boolean {
  return (
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !==
    undefined
  );
}

/**
 * Copies the old collection table `name` (when there is one) row by row through `copy`,
 * then drops it: all in one transaction, so a crash leaves either the old table or the
 * copied rows, never both or neither. `read` reads a blob file the row names (its bytes
 * then stand in the document as they did); without it, the placeholders stay and the
 * caller takes the files over by name. Returns how many documents were copied.
 */
export function migrateLegacyCollection(
  db: Database,
  name: string,
  copy: (row: LegacyRow) => void,
  read?: (file: string) => Uint8Array,
): number {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`bad collection name: ${name}`);
  const run = db.transaction((): number => {
    if (!hasLegacyCollection(db, name)) return 0;
    const columns = db.prepare(`SELECT name FROM pragma_table_info('${name}')`).all() as {
      name: string;
    }[];
    const hasFiles = columns.some((c) => c.name === 'files');
    // In pages by rowid: a large instance's upgrade never holds every row in memory.
    const page = db.prepare(
      `SELECT rowid AS at, doc${hasFiles ? ', files' : ', NULL AS files'} FROM "${name}"
       WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE}`,
    );
    let copied = 0;
    for (let after = -Infinity; ;) {
      const rows = page.all(after) as { at: number; doc: string; files: string | null }[];
      for (const row of rows) {
        try {
          const files = row.files === null ? null : (JSON.parse(row.files) as RowFiles);
          copy({ doc: decodeDoc(row.doc, files, read), files: files?.names ?? [] });
        } catch (error) {
          // What an admin reads when the server will not start: which row, and that nothing
          // was lost (the transaction rolls back, the old table stays for the next start).
          throw new Error(
            `upgrading the store: row ${row.at} of the old table "${name}" could not be ` +
              `copied (${(error as Error).message}); nothing was changed, the old data is ` +
              `kept: fix the cause and start again`,
            { cause: error },
          );
        }
      }
      copied += rows.length;
      if (rows.length < PAGE) break;
      after = (rows[rows.length - 1] as { at: number }).at;
    }
    db.exec(`DROP TABLE "${name}"`);
    return copied;
  });
  return run();
}
