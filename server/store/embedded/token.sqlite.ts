/**
 * The embedded {@link TokenRepository}: plain SQLite tables `verify_token`, `reset_token`,
 * `remember_token` and `access_token`. A take or a mark is one conditional statement in
 * one group commit (WriteBatcher), so of two at once exactly one changes the row.
 */
import type { Database, Statement } from 'better-sqlite3';
import type {
  AccessTokenDoc,
  LinkTokenDoc,
  LinkTokenKind,
  RememberTokenDoc,
  TokenRepository,
} from '../token.repo.ts';
import { unique } from './account.sqlite.ts';
import { migrateLegacyCollection } from './legacy.ts';
import type { WriteBatcher } from './write.batcher.ts';

const LINK_TABLES = { verify: 'verify_token', reset: 'reset_token' } as const;
/** The old collection each table takes over. */
const LEGACY = {
  verify_token: 'verifyTokens',
  reset_token: 'resetTokens',
  remember_token: 'rememberTokens',
  access_token: 'accessTokens',
} as const;

const linkSchema = (table: string): string => `
CREATE TABLE IF NOT EXISTS ${table} (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS ${table}_user ON ${table} (user_id);
CREATE INDEX IF NOT EXISTS ${table}_expires ON ${table} (expires_at);
`;

const SCHEMA = `
${linkSchema('verify_token')}
${linkSchema('reset_token')}
CREATE TABLE IF NOT EXISTS remember_token (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  validator_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  replaced_at INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS remember_token_user ON remember_token (user_id);
CREATE INDEX IF NOT EXISTS remember_token_expires ON remember_token (expires_at);
CREATE TABLE IF NOT EXISTS access_token (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS access_token_hash ON access_token (hash);
CREATE INDEX IF NOT EXISTS access_token_user ON access_token (user_id, created_at);
CREATE INDEX IF NOT EXISTS access_token_expires ON access_token (expires_at);
`;

interface LinkRow {
  id: string;
  user_id: string;
  expires_at: number;
}
interface RememberRow extends LinkRow {
  validator_hash: string;
  replaced_at: number | null;
}
interface AccessRow extends LinkRow {
  name: string;
  scopes: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
}

const toLink = (r: LinkRow): LinkTokenDoc => ({
  _id: r.id,
  userId: r.user_id,
  expiresAt: new Date(r.expires_at),
});
const toRemember = (r: RememberRow): RememberTokenDoc => ({
  ...toLink(r),
  validatorHash: r.validator_hash,
  replacedAt: r.replaced_at === null ? null : new Date(r.replaced_at),
});
const toAccess = (r: AccessRow): AccessTokenDoc => ({
  _id: r.id,
  userId: r.user_id,
  name: r.name,
  scopes: JSON.parse(r.scopes) as AccessTokenDoc['scopes'],
  hash: r.hash,
  createdAt: new Date(r.created_at),
  expiresAt: new Date(r.expires_at),
  lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
});

const ms = (d: Date | null | undefined): number | null => (d instanceof Date ? d.getTime() : null);
const linkValues = (t: LinkTokenDoc) => [t._id, t.userId, t.expiresAt.getTime()];
const rememberValues = (t: RememberTokenDoc) => [
  ...linkValues(t),
  t.validatorHash,
  ms(t.replacedAt),
];
const accessValues = (t: AccessTokenDoc) => [
  t._id,
  t.userId,
  t.name,
  JSON.stringify(t.scopes),
  t.hash,
  t.createdAt.getTime(),
  t.expiresAt.getTime(),
  ms(t.lastUsedAt),
];

/** The prepared statements of one link-token table. */
interface LinkStatements {
  readonly table: string;
  readonly insert: Statement;
  readonly find: Statement;
  readonly take: Statement;
  readonly deleteAll: Statement;
  readonly deleteOthers: Statement;
}

function linkStatements(db: Database, table: string): LinkStatements {
  return {
    table,
    insert: db.prepare(`INSERT INTO ${table} (id, user_id, expires_at) VALUES (?, ?, ?)`),
    find: db.prepare(`SELECT * FROM ${table} WHERE id = ?`),
    take: db.prepare(`DELETE FROM ${table} WHERE id = ? RETURNING *`),
    deleteAll: db.prepare(`DELETE FROM ${table} WHERE user_id = ?`),
    deleteOthers: db.prepare(`DELETE FROM ${table} WHERE user_id = ? AND id <> ?`),
  };
}

/** The embedded tokens; built by the embedded store, which owns `db` and `batcher`. */
export class SqliteTokens implements TokenRepository {
  readonly #batcher: WriteBatcher;
  readonly #link: Readonly<Record<LinkTokenKind, LinkStatements>>;
  readonly #remember: Readonly<
    Record<'insert' | 'find' | 'mark' | 'delete' | 'deleteAll', Statement>
  >;
  readonly #access: Readonly<Record<'insert' | 'byHash' | 'list' | 'touch' | 'delete', Statement>>;
  readonly #sweep: readonly Statement[];

  /** Creates the tables when missing and takes over the old token collections' rows. */
  constructor(db: Database, batcher: WriteBatcher) {
    this.#batcher = batcher;
    db.exec(SCHEMA);
    this.#link = {
      verify: linkStatements(db, LINK_TABLES.verify),
      reset: linkStatements(db, LINK_TABLES.reset),
    };
    this.#remember = {
      insert: db.prepare(
        'INSERT INTO remember_token (id, user_id, expires_at, validator_hash, replaced_at) ' +
          'VALUES (?, ?, ?, ?, ?)',
      ),
      find: db.prepare('SELECT * FROM remember_token WHERE id = ?'),
      mark: db.prepare(
        'UPDATE remember_token SET replaced_at = ? WHERE id = ? AND replaced_at IS NULL',
      ),
      delete: db.prepare('DELETE FROM remember_token WHERE id = ?'),
      deleteAll: db.prepare('DELETE FROM remember_token WHERE user_id = ?'),
    };
    this.#access = {
      insert: db.prepare(
        'INSERT INTO access_token (id, user_id, name, scopes, hash, created_at, expires_at, ' +
          'last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      byHash: db.prepare('SELECT * FROM access_token WHERE hash = ?'),
      list: db.prepare(
        'SELECT * FROM access_token WHERE user_id = ? AND expires_at > ? ORDER BY created_at, id',
      ),
      touch: db.prepare('UPDATE access_token SET last_used_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM access_token WHERE id = ? AND user_id = ?'),
    };
    this.#sweep = Object.keys(LEGACY).map((t) =>
      db.prepare(`DELETE FROM ${t} WHERE expires_at < ?`),
    );
    this.#migrate(db);
  }

  /** Copies the old collections' documents into the tables (legacy.ts), once. */
  #migrate(db: Database): void {
    const date = (v: unknown): number | null => (v instanceof Date ? v.getTime() : null);
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    for (const kind of ['verify', 'reset'] as const) {
      const { insert } = this.#link[kind];
      migrateLegacyCollection(db, LEGACY[LINK_TABLES[kind]], ({ doc }) =>
        insert.run(String(doc['_id']), text(doc['userId']), date(doc['expiresAt']) ?? 0),
      );
    }
    migrateLegacyCollection(db, LEGACY.remember_token, ({ doc }) =>
      this.#remember.insert.run(
        String(doc['_id']),
        text(doc['userId']),
        date(doc['expiresAt']) ?? 0,
        text(doc['validatorHash']),
        date(doc['replacedAt']),
      ),
    );
    migrateLegacyCollection(db, LEGACY.access_token, ({ doc }) =>
      this.#access.insert.run(
        String(doc['_id']),
        text(doc['userId']),
        text(doc['name']),
        JSON.stringify(Array.isArray(doc['scopes']) ? doc['scopes'] : []),
        text(doc['hash']),
        date(doc['createdAt']) ?? 0,
        date(doc['expiresAt']) ?? 0,
        date(doc['lastUsedAt']),
      ),
    );
  }

  init(): Promise<void> {
    return Promise.resolve(); // the constructor made the tables: reads work before init
  }

  async addLinkToken(kind: LinkTokenKind, token: LinkTokenDoc): Promise<void> {
    const { table, insert } = this.#link[kind];
    const values = linkValues(token);
    await this.#batcher.run(() => unique(table, () => insert.run(...values)));
  }

  findLinkToken(kind: LinkTokenKind, id: string): Promise<LinkTokenDoc | null> {
    const row = this.#link[kind].find.get(id) as LinkRow | undefined;
    return Promise.resolve(row === undefined ? null : toLink(row));
  }

  async takeLinkToken(kind: LinkTokenKind, id: string): Promise<LinkTokenDoc | null> {
    const { take } = this.#link[kind];
    const row = await this.#batcher.run(() => take.get(id) as LinkRow | undefined);
    return row === undefined ? null : toLink(row);
  }

  async deleteLinkTokens(kind: LinkTokenKind, userId: string, keepId?: string): Promise<number> {
    const { deleteAll, deleteOthers } = this.#link[kind];
    const { changes } = await this.#batcher.run(() =>
      keepId === undefined ? deleteAll.run(userId) : deleteOthers.run(userId, keepId),
    );
    return changes;
  }

  async addRememberToken(token: RememberTokenDoc): Promise<void> {
    const values = rememberValues(token);
    await this.#batcher.run(() =>
      unique('remember_token', () => this.#remember.insert.run(...values)),
    );
  }

  findRememberToken(id: string): Promise<RememberTokenDoc | null> {
    const row = this.#remember.find.get(id) as RememberRow | undefined;
    return Promise.resolve(row === undefined ? null : toRemember(row));
  }

  async markRememberTokenReplaced(id: string, at: Date): Promise<boolean> {
    return (await this.#run(this.#remember.mark, at.getTime(), id)) === 1;
  }

  async deleteRememberToken(id: string): Promise<boolean> {
    return (await this.#run(this.#remember.delete, id)) > 0;
  }

  deleteRememberTokens(userId: string): Promise<number> {
    return this.#run(this.#remember.deleteAll, userId);
  }

  async addAccessToken(token: AccessTokenDoc): Promise<void> {
    const values = accessValues(token);
    await this.#batcher.run(() => unique('access_token', () => this.#access.insert.run(...values)));
  }

  findAccessTokenByHash(hash: string): Promise<AccessTokenDoc | null> {
    const row = this.#access.byHash.get(hash) as AccessRow | undefined;
    return Promise.resolve(row === undefined ? null : toAccess(row));
  }

  listAccessTokens(userId: string, now: Date): Promise<AccessTokenDoc[]> {
    const rows = this.#access.list.all(userId, now.getTime()) as AccessRow[];
    return Promise.resolve(rows.map(toAccess));
  }

  async touchAccessToken(id: string, at: Date): Promise<void> {
    await this.#run(this.#access.touch, at.getTime(), id);
  }

  async deleteAccessToken(id: string, userId: string): Promise<boolean> {
    return (await this.#run(this.#access.delete, id, userId)) > 0;
  }

  async sweepExpired(now: Date): Promise<void> {
    const limit = now.getTime();
    await this.#batcher.run(() => {
      for (const stmt of this.#sweep) stmt.run(limit);
    });
  }

  /** One write in the next group commit; how many rows it changed. */
  async #run(stmt: Statement, ...params: unknown[]): Promise<number> {
    return (await this.#batcher.run(() => stmt.run(...params))).changes;
  }
}
