/**
 * One collection of the embedded store: a SQLite table `(_id TEXT PRIMARY KEY, doc TEXT)`
 * holding EJSON documents, queried and updated with mingo's MongoDB semantics. Equality on
 * `_id` and on indexed scalar fields is pushed down into SQL so the row set mingo scans
 * stays small; mingo still applies the whole filter, so pushdown never changes a result.
 * Every write runs in its own savepoint (the read that decides it included) of a group
 * commit shared with the other writes of the same event-loop turn (see write.batcher.ts).
 * Large bytes go to files (blob.files.ts) named in the row's `files` column: new files are
 * removed again when their write fails, replaced ones once the replacing write committed.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { Query } from 'mingo';
import type { CreateIndexesOptions, Document, FindOptions, IndexSpecification } from 'mongodb';
import type { StoreCollection } from '../store.types.ts';
import { SqliteCursor } from './sqlite.cursor.ts';
import {
  applyUpdate,
  defaultIndexName,
  DuplicateKeyError,
  isPlainObject,
  findIn,
  normalizeKeys,
  seedFromFilter,
  type Doc,
} from '../mql.ts';
import { BlobFiles, FILE_MIN_BYTES } from './blob.files.ts';
import { decodeDoc, encodeDoc, type RowFiles } from './doc.codec.ts';
import type { WriteBatcher } from './write.batcher.ts';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The SQL expression an index on `field` is built on; queries must use the very same text. */
function fieldExpr(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}

/** The `_id` column value: the embedded store keeps string ids only. */
function idKey(id: unknown): string {
  if (typeof id !== 'string') throw new TypeError('the embedded store needs string _id values');
  return id;
}

/** A value SQL equality finds exactly as MongoDB would (strings, non-zero finite numbers). */
function pushable(value: unknown, idColumn: boolean): value is string | number {
  if (typeof value === 'string') return true;
  return !idColumn && typeof value === 'number' && Number.isFinite(value) && value !== 0;
}

/** A TTL index: documents whose `field` is older than `seconds` ago are swept. */
interface TtlIndex {
  field: string;
  seconds: number;
}

/** Files one write created and made obsolete (removed after it failed or committed). */
interface FileChanges {
  readonly created: string[];
  readonly obsolete: string[];
}

/** The embedded backend's {@link StoreCollection}. */
export class SqliteCollection<T extends Document> implements StoreCollection<T> {
  readonly #db: Database;
  readonly #batcher: WriteBatcher;
  readonly #name: string;
  readonly #indexed = new Set<string>();
  readonly #ttl: TtlIndex[] = [];
  readonly #statements = new Map<string, Statement>();
  readonly #files: BlobFiles | null;

  /**
   * Creates the table when missing (and its `files` column, in a table made before it).
   * `name` is a plain identifier; without `files`, bytes stay in the documents' text.
   */
  constructor(db: Database, name: string, batcher: WriteBatcher, files: BlobFiles | null = null) {
    if (!NAME_RE.test(name)) throw new TypeError(`bad collection name: ${name}`);
    this.#db = db;
    this.#batcher = batcher;
    this.#name = name;
    this.#files = files;
    db.exec(
      `CREATE TABLE IF NOT EXISTS "${name}" (_id TEXT PRIMARY KEY, doc TEXT NOT NULL, files TEXT) STRICT`,
    );
    const columns = db.prepare(`SELECT name FROM pragma_table_info('${name}')`).all() as {
      name: string;
    }[];
    if (!columns.some((c) => c.name === 'files'))
      db.exec(`ALTER TABLE "${name}" ADD COLUMN files TEXT`);
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size < 200) this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs `fn` (the read that decides the write included) in its own savepoint of the next
   * group commit; resolves once that commit is on disk. Unique violations become
   * {@link DuplicateKeyError}.
   */
  async #write<R>(fn: (changes: FileChanges) => R): Promise<R> {
    const changes: FileChanges = { created: [], obsolete: [] };
    try {
      const result = await this.#batcher.run(() => fn(changes));
      this.#files?.remove(changes.obsolete);
      return result;
    } catch (error) {
      this.#files?.remove(changes.created);
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        const message = (error as Error).message;
        const index = /index '([^']+)'/.exec(message)?.[1]?.split('__')[1] ?? '_id_';
        throw new DuplicateKeyError(this.#name, index, { cause: error });
      }
      throw error;
    }
  }

  /**
   * The rows that may match `filter`, in insertion order, parsed; with `withFiles` false, the
   * bytes kept in files are not read (their placeholders stay).
   */
  #candidates(filter: Doc, withFiles = true): Doc[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    for (const [field, condition] of Object.entries(filter)) {
      const isId = field === '_id';
      if (!isId && !this.#indexed.has(field)) continue;
      const column = isId ? '_id' : fieldExpr(field);
      const inList =
        isPlainObject(condition) && Object.keys(condition).length === 1 ? condition.$in : undefined;
      if (pushable(condition, isId)) {
        where.push(`${column} = ?`);
        params.push(condition);
      } else if (Array.isArray(inList) && inList.every((v) => pushable(v, isId))) {
        where.push(inList.length === 0 ? '0' : `${column} IN (${inList.map(() => '?').join(',')})`);
        params.push(...inList);
      }
    }
    const sql =
      `SELECT doc, files FROM "${this.#name}"` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ' ORDER BY rowid';
    const rows = this.#statement(sql).all(...params) as { doc: string; files: string | null }[];
    return rows.map((row) => this.#decode(row.doc, withFiles ? row.files : null));
  }

  #decode(text: string, files: string | null): Doc {
    if (files === null || this.#files === null) return decodeDoc(text);
    const blobs = this.#files;
    return decodeDoc(text, JSON.parse(files) as RowFiles, (name) => blobs.read(name));
  }

  /**
   * Writes the large bytes at the top level of `doc` (a workspace chunk's `data`) to files
   * before the write that names them, off the main thread; the file of each, by identity.
   */
  async #prewrite(doc: Doc): Promise<Map<Uint8Array, string>> {
    const files = new Map<Uint8Array, string>();
    const blobs = this.#files;
    if (blobs === null) return files;
    try {
      for (const value of Object.values(doc)) {
        if (value instanceof Uint8Array && value.byteLength >= FILE_MIN_BYTES && !files.has(value))
          files.set(value, await blobs.writeAsync(value));
      }
    } catch (error) {
      blobs.remove(files.values());
      throw error;
    }
    return files;
  }

  /**
   * The row's text and files column; large bytes written to files (recorded in `changes`),
   * unless {@link #prewrite} wrote them already (those used are taken out of `written`).
   */
  #encode(
    doc: Doc,
    changes: FileChanges,
    written?: Map<Uint8Array, string>,
  ): [string, string | null] {
    const blobs = this.#files;
    const encoded = encodeDoc(
      doc,
      blobs === null
        ? undefined
        : (bytes, subType) => {
            if (subType !== 0 || bytes.byteLength < FILE_MIN_BYTES) return null;
            const done = written?.get(bytes);
            if (done !== undefined) {
              written?.delete(bytes);
              changes.created.push(done);
              return done;
            }
            const name = blobs.write(bytes);
            changes.created.push(name);
            return name;
          },
    );
    return [encoded.text, encoded.files === null ? null : JSON.stringify(encoded.files)];
  }

  /** Records the files of row `id` as obsolete (the row is about to change or go). */
  #retireFiles(id: string, changes: FileChanges): void {
    if (this.#files === null) return;
    const row = this.#statement(`SELECT files FROM "${this.#name}" WHERE _id = ?`).get(id) as
      { files: string | null } | undefined;
    if (typeof row?.files === 'string')
      changes.obsolete.push(...(JSON.parse(row.files) as RowFiles).names);
  }

  /**
   * True when `filter` names only `_id` and indexed fields (plain values the store keeps in
   * the text): deciding whether a row matches then needs no bytes from its files.
   */
  #matchesWithoutFiles(filter: Doc): boolean {
    return Object.keys(filter).every((key) => key === '_id' || this.#indexed.has(key));
  }

  /**
   * The documents matching `filter`, sorted, skipped, limited and projected; with
   * `skipFiles`, bytes kept in files are not read.
   */
  #query(filter: Doc, options: FindOptions = {}, skipFiles = false): Doc[] {
    // Only `_id` filtered and kept: the files' bytes would be read for nothing.
    const projection = options.projection;
    const idsOnly =
      skipFiles ||
      (Object.keys(filter).every((key) => key === '_id') &&
        projection !== undefined &&
        Object.keys(projection).length === 1 &&
        (projection._id === 1 || projection._id === true));
    const candidates = this.#candidates(filter, !idsOnly);
    // `{_id: "..."}` alone: SQL's equality on the primary key is the match, exactly (string
    // ids only); mingo's set-up costs more than the rest of such a lookup.
    if (
      typeof filter._id === 'string' &&
      Object.keys(filter).length === 1 &&
      projection === undefined &&
      options.sort === undefined &&
      !options.skip
    )
      return candidates;
    return findIn(candidates, filter, options);
  }

  #insertRow(doc: Doc, changes: FileChanges, written?: Map<Uint8Array, string>): void {
    const id = idKey(doc._id);
    this.#statement(`INSERT INTO "${this.#name}" (_id, doc, files) VALUES (?, ?, ?)`).run(
      id,
      ...this.#encode(doc, changes, written),
    );
  }

  #replaceRow(doc: Doc, changes: FileChanges): void {
    const id = idKey(doc._id);
    this.#retireFiles(id, changes);
    const [text, files] = this.#encode(doc, changes);
    this.#statement(`UPDATE "${this.#name}" SET doc = ?, files = ? WHERE _id = ?`).run(
      text,
      files,
      id,
    );
  }

  /** Deletes row `id`; the number of rows deleted (0 or 1). */
  #deleteRow(id: string, changes: FileChanges): number {
    this.#retireFiles(id, changes);
    return this.#statement(`DELETE FROM "${this.#name}" WHERE _id = ?`).run(id).changes;
  }

  /** Upsert's insert: the filter's equalities, then the update with `$setOnInsert`. */
  #upsert(filter: Doc, update: Doc, changes: FileChanges): Doc {
    const doc = seedFromFilter(filter);
    applyUpdate(doc, update, true);
    doc._id ??= randomUUID();
    this.#insertRow(doc, changes);
    return doc;
  }

  async insertOne(doc: Parameters<StoreCollection<T>['insertOne']>[0]) {
    const row = doc as Doc;
    // The driver adds a missing _id to the caller's object; so does this backend.
    row._id ??= randomUUID();
    const written = await this.#prewrite(row);
    try {
      await this.#write((changes) => this.#insertRow(row, changes, written));
    } finally {
      // Files written ahead that the row did not name (its text kept the bytes after all).
      this.#files?.remove(written.values());
    }
    return { acknowledged: true, insertedId: row._id };
  }

  async findOne(filter: Parameters<StoreCollection<T>['findOne']>[0], options?: FindOptions) {
    const [doc] = this.#query(filter, { ...options, limit: 1 });
    return Promise.resolve((doc ?? null) as Awaited<ReturnType<StoreCollection<T>['findOne']>>);
  }

  find(filter: Parameters<StoreCollection<T>['find']>[0], options: FindOptions = {}) {
    type Row = Awaited<ReturnType<StoreCollection<T>['findOne']>> & object;
    return new SqliteCursor<Row>((more) => this.#query(filter, { ...options, ...more }) as Row[]);
  }

  async updateOne(
    filter: Parameters<StoreCollection<T>['updateOne']>[0],
    update: Parameters<StoreCollection<T>['updateOne']>[1],
    options: { upsert?: boolean } = {},
  ) {
    return this.#write((changes) => {
      const [doc] = this.#query(filter, { limit: 1 });
      if (doc !== undefined) {
        const changed = applyUpdate(doc, update, false);
        if (changed) this.#replaceRow(doc, changes);
        return {
          acknowledged: true,
          matchedCount: 1,
          modifiedCount: changed ? 1 : 0,
          upsertedCount: 0,
          upsertedId: null,
        };
      }
      if (options.upsert !== true) {
        return {
          acknowledged: true,
          matchedCount: 0,
          modifiedCount: 0,
          upsertedCount: 0,
          upsertedId: null,
        };
      }
      const inserted = this.#upsert(filter, update, changes);
      return {
        acknowledged: true,
        matchedCount: 0,
        modifiedCount: 0,
        upsertedCount: 1,
        upsertedId: inserted._id,
      };
    });
  }

  async updateMany(
    filter: Parameters<StoreCollection<T>['updateMany']>[0],
    update: Parameters<StoreCollection<T>['updateMany']>[1],
  ) {
    return this.#write((changes) => {
      const docs = this.#query(filter);
      let modifiedCount = 0;
      for (const doc of docs) {
        if (applyUpdate(doc, update, false)) {
          this.#replaceRow(doc, changes);
          modifiedCount += 1;
        }
      }
      return { acknowledged: true, matchedCount: docs.length, modifiedCount };
    });
  }

  async findOneAndUpdate(
    filter: Parameters<StoreCollection<T>['findOneAndUpdate']>[0],
    update: Parameters<StoreCollection<T>['findOneAndUpdate']>[1],
    options: { returnDocument: 'before' | 'after'; upsert?: boolean },
  ) {
    type Result = Awaited<ReturnType<StoreCollection<T>['findOneAndUpdate']>>;
    return this.#write((changes): Result => {
      const [doc] = this.#query(filter, { limit: 1 });
      if (doc === undefined) {
        if (options.upsert !== true) return null;
        const inserted = this.#upsert(filter, update, changes);
        return (options.returnDocument === 'after' ? inserted : null) as Result;
      }
      const before = options.returnDocument === 'before' ? structuredClone(doc) : doc;
      if (applyUpdate(doc, update, false)) this.#replaceRow(doc, changes);
      return before as Result;
    });
  }

  async deleteOne(filter: Parameters<StoreCollection<T>['deleteOne']>[0]) {
    return this.#write((changes) => {
      const [doc] = this.#query(filter, { limit: 1 }, this.#matchesWithoutFiles(filter));
      if (doc !== undefined) this.#deleteRow(idKey(doc._id), changes);
      return { acknowledged: true, deletedCount: doc === undefined ? 0 : 1 };
    });
  }

  /**
   * The ids a filter on `_id` alone selects (`{_id: string}` or `{_id: {$in: [strings]}}`),
   * or null for any other filter. SQL finds exactly those rows, so such a delete needs no
   * document to be read and decoded (large workspace blobs are deleted this way).
   */
  #idsOnly(filter: Doc): string[] | null {
    const keys = Object.keys(filter);
    if (keys.length !== 1 || keys[0] !== '_id') return null;
    const condition = filter._id;
    if (typeof condition === 'string') return [condition];
    if (!isPlainObject(condition) || Object.keys(condition).length !== 1) return null;
    const list = condition.$in;
    return Array.isArray(list) && list.every((v) => typeof v === 'string') ? list : null;
  }

  async deleteMany(filter: Parameters<StoreCollection<T>['deleteMany']>[0]) {
    const ids = this.#idsOnly(filter);
    if (ids !== null) {
      return this.#write((changes) => {
        let deletedCount = 0;
        for (const id of new Set(ids)) deletedCount += this.#deleteRow(id, changes);
        return { acknowledged: true, deletedCount };
      });
    }
    return this.#write((changes) => {
      const docs = this.#query(filter, {}, this.#matchesWithoutFiles(filter));
      for (const doc of docs) this.#deleteRow(idKey(doc._id), changes);
      return { acknowledged: true, deletedCount: docs.length };
    });
  }

  async countDocuments(filter: Parameters<StoreCollection<T>['countDocuments']>[0] = {}) {
    if (Object.keys(filter).length === 0) {
      const row = this.#statement(`SELECT count(*) AS n FROM "${this.#name}"`).get() as {
        n: number;
      };
      return Promise.resolve(row.n);
    }
    const query = new Query(filter, {});
    return Promise.resolve(
      this.#candidates(filter as Doc, !this.#matchesWithoutFiles(filter as Doc)).filter((d) =>
        query.test(d),
      ).length,
    );
  }

  /** The names of the files the rows of this collection own. */
  filesInUse(): string[] {
    const rows = this.#statement(
      `SELECT files FROM "${this.#name}" WHERE files IS NOT NULL`,
    ).all() as { files: string }[];
    return rows.flatMap((row) => (JSON.parse(row.files) as RowFiles).names);
  }

  /**
   * A SQL expression index on `json_extract` of each field (UNIQUE when asked; creating it
   * over duplicates fails with code 11000). `expireAfterSeconds` makes it a TTL index that
   * {@link sweepExpired} applies. Fields are plain dotted names; directions 1 or -1.
   */
  async createIndex(spec: IndexSpecification, options: CreateIndexesOptions = {}) {
    const keys = normalizeKeys(spec);
    if (keys.length === 0) throw new TypeError('an index needs at least one field');
    for (const [field] of keys) {
      if (!FIELD_RE.test(field)) throw new TypeError(`unsupported index field: ${field}`);
    }
    const name = options.name ?? defaultIndexName(keys);
    const sqlName = `${this.#name}__${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const columns = keys.map(([f, d]) => `${fieldExpr(f)} ${d === 1 ? 'ASC' : 'DESC'}`);
    await this.#write(() =>
      this.#db.exec(
        `CREATE ${options.unique === true ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${sqlName}" ` +
          `ON "${this.#name}" (${columns.join(', ')})`,
      ),
    );
    for (const [field] of keys) this.#indexed.add(field);
    const [first] = keys;
    if (options.expireAfterSeconds !== undefined && first !== undefined && keys.length === 1) {
      if (!this.#ttl.some((t) => t.field === first[0])) {
        this.#ttl.push({ field: first[0], seconds: options.expireAfterSeconds });
      }
    }
    return name;
  }

  /**
   * Deletes the documents that MongoDB's TTL monitor would: those whose TTL-indexed Date
   * field is more than `expireAfterSeconds` before `now`. Returns how many were deleted.
   */
  async sweepExpired(now: Date): Promise<number> {
    let deleted = 0;
    for (const { field, seconds } of this.#ttl) {
      const limit = new Date(now.getTime() - seconds * 1000);
      const result = await this.deleteMany({ [field]: { $lt: limit } } as Parameters<
        StoreCollection<T>['deleteMany']
      >[0]);
      deleted += result.deletedCount;
    }
    return deleted;
  }
}
