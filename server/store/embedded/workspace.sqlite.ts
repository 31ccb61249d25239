/**
 * The embedded backend's {@link WorkspaceRepository}: plain SQLite tables `workspace`,
 * `workspace_count`, `workspace_object` and `workspace_chunk`. Reads are synchronous
 * statements; every write goes through the store's group commit (write.batcher.ts), a
 * read-decide-write inside one callback. An object is JSON text (EJSON where it holds bytes
 * or other non-JSON values): opaque to queries. A chunk's bytes of at least FILE_MIN_BYTES
 * are a blob file beside the database, written off the main thread before the row that
 * names it and removed after the commit that stops naming it (blob.files.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import { StaleObjectError } from '../store.errors.ts';
import type { WorkspaceBlobDoc, WorkspaceDoc, WorkspaceObjectDoc } from '../store.types.ts';
import type { ChunkInfo, ObjectWrite, WorkspaceRepository } from '../workspace.repository.ts';
import { FILE_MIN_BYTES, type BlobFiles } from './blob.files.ts';
import { decodeDoc } from './doc.codec.ts';
import { migrateWorkspaceTables } from './workspace.legacy.ts';
import {
  duplicateKey,
  idList,
  jsonChunkText,
  objectText,
  SCHEMA,
  toObject,
  toWorkspace,
  type ChunkRow,
  type ObjectRow,
  type WorkspaceRow,
} from './workspace.rows.ts';
import type { WriteBatcher } from './write.batcher.ts';

/** The workspaces domain on SQLite. */
export class SqliteWorkspaces implements WorkspaceRepository {
  readonly #db: Database;
  readonly #batcher: WriteBatcher;
  readonly #files: BlobFiles;
  readonly #statements = new Map<string, Statement>();

  /** Creates the tables when missing and copies the old collection tables into them. */
  constructor(db: Database, batcher: WriteBatcher, files: BlobFiles) {
    this.#db = db;
    this.#batcher = batcher;
    this.#files = files;
    db.exec(SCHEMA);
    migrateWorkspaceTables(db, files);
  }

  /** A prepared statement, kept for the next call. */
  #sql(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  }

  /** Runs `fn` in the next group commit; unique violations become 11000. */
  async #write<R>(table: string, fn: () => R): Promise<R> {
    try {
      return await this.#batcher.run(fn);
    } catch (error) {
      throw duplicateKey(error, table);
    }
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  async insert(doc: WorkspaceDoc): Promise<void> {
    await this.#write('workspaces', () =>
      this.#sql(
        `INSERT INTO workspace (id, user_id, name, name_key, created_at, updated_at, next_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        doc._id,
        doc.userId,
        doc.name,
        doc.nameKey,
        doc.createdAt.getTime(),
        doc.updatedAt.getTime(),
        doc.nextHash,
      ),
    );
  }

  byId(id: string): Promise<WorkspaceDoc | null> {
    const row = this.#sql(`SELECT * FROM workspace WHERE id = ?`).get(id) as
      WorkspaceRow | undefined;
    return Promise.resolve(row === undefined ? null : toWorkspace(row));
  }

  ofUser(userId: string, id: string): Promise<WorkspaceDoc | null> {
    const row = this.#sql(`SELECT * FROM workspace WHERE id = ? AND user_id = ?`).get(
      id,
      userId,
    ) as WorkspaceRow | undefined;
    return Promise.resolve(row === undefined ? null : toWorkspace(row));
  }

  listOfUser(userId: string): Promise<WorkspaceDoc[]> {
    const rows = this.#sql(`SELECT * FROM workspace WHERE user_id = ? ORDER BY created_at, id`).all(
      userId,
    ) as WorkspaceRow[];
    return Promise.resolve(rows.map(toWorkspace));
  }

  count(userId?: string): Promise<number> {
    const row = (
      userId === undefined
        ? this.#sql(`SELECT count(*) AS n FROM workspace`).get()
        : this.#sql(`SELECT count(*) AS n FROM workspace WHERE user_id = ?`).get(userId)
    ) as { n: number };
    return Promise.resolve(row.n);
  }

  ids(): Promise<string[]> {
    return Promise.resolve(this.#sql(`SELECT id FROM workspace`).pluck().all() as string[]);
  }

  async rename(
    userId: string,
    id: string,
    change: { name: string; nameKey: string; updatedAt: Date },
  ): Promise<WorkspaceDoc | null> {
    const row = await this.#write('workspaces', () =>
      this.#sql(
        `UPDATE workspace SET name = ?, name_key = ?, updated_at = ?
         WHERE id = ? AND user_id = ? RETURNING *`,
      ).get(change.name, change.nameKey, change.updatedAt.getTime(), id, userId),
    );
    return row === undefined ? null : toWorkspace(row as WorkspaceRow);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.#write('workspaces', () =>
      this.#sql(`UPDATE workspace SET updated_at = ? WHERE id = ?`).run(at.getTime(), id),
    );
  }

  async reserveHashes(id: string, n: number, at: Date): Promise<number | null> {
    const row = await this.#write('workspaces', () =>
      this.#sql(
        `UPDATE workspace SET next_hash = next_hash + ?, updated_at = ? WHERE id = ?
         RETURNING next_hash`,
      ).get(n, at.getTime(), id),
    );
    return row === undefined ? null : (row as { next_hash: number }).next_hash - n;
  }

  async setNextHash(id: string, nextHash: number): Promise<void> {
    await this.#write('workspaces', () =>
      this.#sql(`UPDATE workspace SET next_hash = ? WHERE id = ?`).run(nextHash, id),
    );
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const { changes } = await this.#write('workspaces', () =>
      this.#sql(`DELETE FROM workspace WHERE id = ? AND user_id = ?`).run(id, userId),
    );
    return changes === 1;
  }

  async removeUser(userId: string): Promise<void> {
    await this.#write('workspaces', () => {
      this.#sql(`DELETE FROM workspace WHERE user_id = ?`).run(userId);
      this.#sql(`DELETE FROM workspace_count WHERE user_id = ?`).run(userId);
    });
  }

  async countUp(userId: string, max: number): Promise<boolean> {
    // One statement: a new counter, or one more below `max`; at `max` nothing changes.
    const { changes } = await this.#write('workspaceCounts', () =>
      this.#sql(
        `INSERT INTO workspace_count (user_id, count) VALUES (?, 1)
         ON CONFLICT (user_id) DO UPDATE SET count = count + 1 WHERE count < ?`,
      ).run(userId, max),
    );
    return changes === 1;
  }

  async countDown(userId: string): Promise<boolean> {
    const { changes } = await this.#write('workspaceCounts', () =>
      this.#sql(`UPDATE workspace_count SET count = count - 1 WHERE user_id = ? AND count > 1`).run(
        userId,
      ),
    );
    return changes === 1;
  }

  async countBack(userId: string): Promise<void> {
    await this.#write('workspaceCounts', () =>
      this.#sql(`UPDATE workspace_count SET count = count + 1 WHERE user_id = ?`).run(userId),
    );
  }

  findObject(id: string): Promise<WorkspaceObjectDoc | null> {
    const row = this.#sql(`SELECT * FROM workspace_object WHERE id = ?`).get(id) as
      ObjectRow | undefined;
    return Promise.resolve(row === undefined ? null : toObject(row));
  }

  objectsOf(workspaceId: string): Promise<WorkspaceObjectDoc[]> {
    const rows = this.#sql(
      `SELECT * FROM workspace_object WHERE workspace_id = ? ORDER BY position, rowid`,
    ).all(workspaceId) as ObjectRow[];
    return Promise.resolve(rows.map(toObject));
  }

  objectsByIds(ids: readonly string[]): Promise<WorkspaceObjectDoc[]> {
    const rows = this.#sql(
      `SELECT * FROM workspace_object WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
    ).all(idList(ids)) as ObjectRow[];
    return Promise.resolve(rows.map(toObject));
  }

  everyObject(): Promise<unknown[]> {
    const texts = this.#sql(`SELECT object FROM workspace_object`).pluck().all() as string[];
    return Promise.resolve(texts.map((text) => decodeDoc(text)));
  }

  async putObject(doc: ObjectWrite): Promise<WorkspaceObjectDoc | null> {
    // Encoded before the commit: the shared transaction does only the statements.
    const text = objectText(doc.object);
    return this.#write('workspaceObjects', () => {
      const before = this.#sql(`SELECT * FROM workspace_object WHERE id = ?`).get(doc._id) as
        ObjectRow | undefined;
      // Only an older version is replaced: a newer one (a larger hash) stays.
      const { changes } = this.#sql(
        `INSERT INTO workspace_object (id, workspace_id, name, hash, position, object)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET workspace_id = excluded.workspace_id,
           name = excluded.name, hash = excluded.hash, object = excluded.object
         WHERE workspace_object.hash < excluded.hash`,
      ).run(doc._id, doc.workspaceId, doc.name, doc.hash, doc.hash, text);
      if (changes === 0) throw new StaleObjectError(doc._id, doc.hash);
      return before === undefined ? null : toObject(before);
    });
  }

  async insertObject(doc: WorkspaceObjectDoc): Promise<void> {
    const text = objectText(doc.object);
    await this.#write('workspaceObjects', () =>
      this.#sql(
        `INSERT INTO workspace_object (id, workspace_id, name, hash, position, object)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(doc._id, doc.workspaceId, doc.name, doc.hash, doc.order, text),
    );
  }

  async removeObject(id: string, hash: number): Promise<boolean> {
    const { changes } = await this.#write('workspaceObjects', () =>
      this.#sql(`DELETE FROM workspace_object WHERE id = ? AND hash = ?`).run(id, hash),
    );
    return changes === 1;
  }

  async setOrder(id: string, order: number): Promise<void> {
    await this.#write('workspaceObjects', () =>
      this.#sql(`UPDATE workspace_object SET position = ? WHERE id = ?`).run(order, id),
    );
  }

  async insertChunks(chunks: readonly WorkspaceBlobDoc[]): Promise<void> {
    const large: WorkspaceBlobDoc[] = [];
    const inRow: WorkspaceBlobDoc[] = [];
    for (const c of chunks)
      (c.data instanceof Uint8Array && c.data.byteLength >= FILE_MIN_BYTES ? large : inRow).push(c);
    // Large bytes: files, written and fsynced in libuv's pool before the rows that name them
    // commit, in one transaction.
    const files = await this.#files.writeAllAsync(large.map((c) => c.data as Uint8Array));
    try {
      if (large.length > 0)
        await this.#write('workspaceBlobs', () =>
          large.forEach((chunk, k) => this.#insertChunkRow(chunk, null, null, files[k] as string)),
        );
    } catch (error) {
      this.#files.remove(files);
      throw error;
    }
    // The others in their rows, one chunk a write: a JSON slice is up to 4 MB of text to
    // make and commit, never several in one turn of the event loop (issue 11).
    for (const chunk of inRow) {
      const { data } = chunk;
      const bytes =
        data instanceof Uint8Array
          ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
          : null;
      const json = bytes === null ? jsonChunkText(data) : null;
      await this.#write('workspaceBlobs', () => this.#insertChunkRow(chunk, bytes, json, null));
    }
  }

  /** The row of `chunk`: its data as bytes, JSON text or a file's name. */
  #insertChunkRow(
    chunk: WorkspaceBlobDoc,
    bytes: Buffer | null,
    json: string | null,
    file: string | null,
  ): void {
    this.#sql(
      `INSERT INTO workspace_chunk (id, workspace_id, created_at, bytes, json, file)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(chunk._id, chunk.workspaceId, chunk.createdAt.getTime(), bytes, json, file);
  }

  chunkData(workspaceId: string, ids: readonly string[]): Promise<Map<string, unknown>> {
    const rows = this.#sql(
      `SELECT id, bytes, json, file FROM workspace_chunk
       WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?))`,
    ).all(workspaceId, idList(ids)) as ChunkRow[];
    const found = new Map<string, unknown>();
    for (const row of rows) {
      if (row.file !== null) found.set(row.id, this.#files.read(row.file));
      else if (row.bytes !== null) found.set(row.id, row.bytes);
      else found.set(row.id, decodeDoc(row.json ?? '{"d":[]}').d);
    }
    return Promise.resolve(found);
  }

  chunkList(workspaceId?: string): Promise<ChunkInfo[]> {
    const rows = (
      workspaceId === undefined
        ? this.#sql(`SELECT id, workspace_id, created_at FROM workspace_chunk`).all()
        : this.#sql(
            `SELECT id, workspace_id, created_at FROM workspace_chunk WHERE workspace_id = ?`,
          ).all(workspaceId)
    ) as { id: string; workspace_id: string; created_at: number }[];
    return Promise.resolve(
      rows.map((r) => ({
        _id: r.id,
        workspaceId: r.workspace_id,
        createdAt: new Date(r.created_at),
      })),
    );
  }

  async removeChunks(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const files = await this.#write('workspaceBlobs', () => {
      const list = idList(ids);
      const names = this.#sql(
        `SELECT file FROM workspace_chunk
         WHERE file IS NOT NULL AND id IN (SELECT value FROM json_each(?))`,
      )
        .pluck()
        .all(list) as string[];
      this.#sql(`DELETE FROM workspace_chunk WHERE id IN (SELECT value FROM json_each(?))`).run(
        list,
      );
      return names;
    });
    // Only once no committed row names them.
    this.#files.remove(files);
  }

  async removeData(workspaceIds: readonly string[]): Promise<void> {
    if (workspaceIds.length === 0) return;
    const files = await this.#write('workspaceObjects', () => {
      const list = idList(workspaceIds);
      const inList = `workspace_id IN (SELECT value FROM json_each(?))`;
      this.#sql(`DELETE FROM workspace_object WHERE ${inList}`).run(list);
      const names = this.#sql(
        `SELECT file FROM workspace_chunk WHERE file IS NOT NULL AND ${inList}`,
      )
        .pluck()
        .all(list) as string[];
      this.#sql(`DELETE FROM workspace_chunk WHERE ${inList}`).run(list);
      return names;
    });
    this.#files.remove(files);
  }

  dataWorkspaceIds(): Promise<string[]> {
    return Promise.resolve(
      this.#sql(
        `SELECT workspace_id FROM workspace_object UNION SELECT workspace_id FROM workspace_chunk`,
      )
        .pluck()
        .all() as string[],
    );
  }

  /** The blob files the chunks name (the embedded store's sweep of files keeps them). */
  filesInUse(): string[] {
    return this.#sql(`SELECT file FROM workspace_chunk WHERE file IS NOT NULL`)
      .pluck()
      .all() as string[];
  }
}
