/**
 * Writes an old collection table exactly as the store before the repositories did
 * (sqlite.collection.ts: `(_id, doc, files)` of EJSON text, large bytes in blob files named
 * by `files`), for the tests that upgrade such a data directory.
 */
import type { Database } from 'better-sqlite3';
import { encodeDoc, type FileWriter } from '../../server/store/embedded/doc.codec.ts';

/** Creates the old table `name` (when missing) and inserts `docs`; `toFile` takes large bytes. */
export function writeOldCollection(
  db: Database,
  name: string,
  docs: readonly Record<string, unknown>[],
  toFile?: FileWriter,
): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS "${name}" (_id TEXT PRIMARY KEY, doc TEXT NOT NULL, files TEXT) STRICT`,
  );
  const insert = db.prepare(`INSERT INTO "${name}" (_id, doc, files) VALUES (?, ?, ?)`);
  for (const doc of docs) {
    const { text, files } = encodeDoc(doc, toFile);
    insert.run(doc['_id'], text, files === null ? null : JSON.stringify(files));
  }
}
