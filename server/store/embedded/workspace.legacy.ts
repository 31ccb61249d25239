/**
 * Workspaces written before the repositories (issue 18): the collection tables
 * `workspaces`, `workspaceCounts`, `workspaceObjects` and `workspaceBlobs` of EJSON
 * documents, copied into the plain tables when the store opens (legacy.ts). A chunk's blob
 * file is taken over by name (its bytes are not read); workspaces of a version before the
 * name rule get their `nameKey` and their users a counter, as adoptOldWorkspaces does on
 * MongoDB (workspace.rules.ts).
 */
import type { Database } from 'better-sqlite3';
import { nameKey } from '../workspace.rules.ts';
import type { BlobFiles } from './blob.files.ts';
import { migrateLegacyCollection, type LegacyRow } from './legacy.ts';
import { jsonChunkText, objectText } from './workspace.rows.ts';

/** Milliseconds of a Date read back from an old document (0 when it has none). */
function ms(value: unknown): number {
  return value instanceof Date ? value.getTime() : 0;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * Copies the old workspace tables (when there are any) into the new ones, all in one
 * transaction (each table's copy a savepoint in it): a crash leaves the old tables or the
 * whole copy, counters included. Then gives every user with workspaces and no counter one.
 */
export function migrateWorkspaceTables(db: Database, files: BlobFiles): void {
  db.transaction(() => {
    copyWorkspaceTables(db, files);
    // Every open: a user with workspaces always has a counter (workspace.rules.ts), however
    // an earlier version or a crash left them.
    db.exec(
      `INSERT OR IGNORE INTO workspace_count (user_id, count)
       SELECT user_id, count(*) FROM workspace GROUP BY user_id`,
    );
  }).immediate();
}

/** The copy of {@link migrateWorkspaceTables}, inside its transaction. */
function copyWorkspaceTables(db: Database, files: BlobFiles): void {
  const insertWorkspace = db.prepare(
    `INSERT INTO workspace (id, user_id, name, name_key, created_at, updated_at, next_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  migrateLegacyCollection(db, 'workspaces', ({ doc }: LegacyRow) => {
    const id = str(doc._id);
    const name = str(doc.name);
    const hasKey = typeof doc.nameKey === 'string';
    const key = hasKey ? (doc.nameKey as string) : nameKey(name);
    const row = [str(doc.userId), name];
    const times = [ms(doc.createdAt), ms(doc.updatedAt), Number(doc.nextHash ?? 1)];
    try {
      insertWorkspace.run(id, ...row, key, ...times);
    } catch (error) {
      // Two old names equal without case: the later keeps its name and a key of its own.
      if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      insertWorkspace.run(id, ...row, `${key}\0${id}`, ...times);
    }
  });
  const insertCount = db.prepare(
    `INSERT OR IGNORE INTO workspace_count (user_id, count) VALUES (?, ?)`,
  );
  migrateLegacyCollection(db, 'workspaceCounts', ({ doc }) => {
    insertCount.run(str(doc._id), Number(doc.count));
  });
  // Users whose workspaces came without the rules get their counter after the copy.
  const insertObject = db.prepare(
    `INSERT INTO workspace_object (id, workspace_id, name, hash, position, object)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  // An object's bytes were never large enough for a file; should a row name one, it is read.
  migrateLegacyCollection(
    db,
    'workspaceObjects',
    ({ doc }) => {
      const object = (doc.object ?? {}) as Record<string, unknown>;
      const hash = Number(doc.hash);
      const order = Number(doc.order ?? hash);
      insertObject.run(
        str(doc._id),
        str(doc.workspaceId),
        str(doc.name),
        hash,
        order,
        objectText(object),
      );
    },
    (name) => files.read(name),
  );
  const insertChunk = db.prepare(
    `INSERT INTO workspace_chunk (id, workspace_id, created_at, bytes, json, file)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  migrateLegacyCollection(db, 'workspaceBlobs', ({ doc, files: names }) => {
    const { data } = doc;
    const file = names.find((n) => typeof data === 'string' && data.endsWith(n)) ?? null;
    const binary = data as { _bsontype?: unknown; value?: () => Uint8Array } | null;
    const bytes =
      file === null && binary?._bsontype === 'Binary' && typeof binary.value === 'function'
        ? Buffer.from(binary.value())
        : null;
    const json = file === null && bytes === null ? jsonChunkText(data) : null;
    insertChunk.run(str(doc._id), str(doc.workspaceId), ms(doc.createdAt), bytes, json, file);
  });
}
