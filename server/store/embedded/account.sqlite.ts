/**
 * The embedded {@link AccountRepository}: one plain SQLite table `account`, the email
 * unique (lower-cased by the repository). Reads are synchronous statements; every write
 * goes through the store's {@link WriteBatcher}, so it resolves once on disk.
 */
import type { Database, Statement } from 'better-sqlite3';
import { emailKey, type AccountRepository, type UserDoc } from '../account.repo.ts';
import { DuplicateKeyError } from '../store.errors.ts';
import { migrateLegacyCollection } from './legacy.ts';
import type { WriteBatcher } from './write.batcher.ts';

/** A row of `account` as SQLite returns it. */
interface AccountRow {
  id: string;
  email: string;
  password_hash: string;
  verified: number;
  created_at: number;
  current_workspace: string;
  current_preferences: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS account (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  verified INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  current_workspace TEXT NOT NULL,
  current_preferences TEXT
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS account_email ON account (email);
`;

/**
 * Runs `fn` and turns SQLite's unique and primary-key violations into the store's
 * {@link DuplicateKeyError} (code 11000), which callers handle alike on both backends.
 */
export function unique<R>(table: string, fn: () => R): R {
  try {
    return fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      // SQLite names the columns: "UNIQUE constraint failed: account.email".
      const index = /failed: (.*)$/.exec((error as Error).message)?.[1] ?? 'unknown';
      throw new DuplicateKeyError(table, index, { cause: error });
    }
    throw error;
  }
}

function toUser(row: AccountRow): UserDoc {
  return {
    _id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    verified: row.verified === 1,
    createdAt: new Date(row.created_at),
    currentWorkspace: row.current_workspace,
    currentPreferences: row.current_preferences,
  };
}

/** The columns of `user`, in {@link SCHEMA}'s order. */
function columns(user: UserDoc): unknown[] {
  return [
    user._id,
    emailKey(user.email),
    user.passwordHash,
    user.verified ? 1 : 0,
    user.createdAt.getTime(),
    user.currentWorkspace,
    user.currentPreferences ?? null,
  ];
}

/** A document of the old `users` collection as a {@link UserDoc}, defaults where absent. */
function legacyUser(doc: Record<string, unknown>): UserDoc {
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    _id: String(doc['_id']),
    email: text(doc['email']),
    passwordHash: text(doc['passwordHash']),
    verified: doc['verified'] === true,
    createdAt: doc['createdAt'] instanceof Date ? doc['createdAt'] : new Date(0),
    currentWorkspace: text(doc['currentWorkspace']),
    currentPreferences:
      typeof doc['currentPreferences'] === 'string' ? doc['currentPreferences'] : null,
  };
}

/** The embedded accounts; built by the embedded store, which owns `db` and `batcher`. */
export class SqliteAccounts implements AccountRepository {
  readonly #batcher: WriteBatcher;
  readonly #insert: Statement;
  readonly #byId: Statement;
  readonly #byEmail: Statement;
  readonly #byIds: Statement;
  readonly #count: Statement;
  readonly #verify: Statement;
  readonly #password: Statement;
  readonly #workspace: Statement;
  readonly #workspaceIf: Statement;
  readonly #prefs: Statement;
  readonly #prefsIf: Statement;
  readonly #delete: Statement;

  /** Creates the table when missing and takes over the old `users` collection's rows. */
  constructor(db: Database, batcher: WriteBatcher) {
    this.#batcher = batcher;
    db.exec(SCHEMA);
    this.#insert = db.prepare('INSERT INTO account VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#byId = db.prepare('SELECT * FROM account WHERE id = ?');
    this.#byEmail = db.prepare('SELECT * FROM account WHERE email = ?');
    // One statement for any number of ids: the list goes in as a JSON array.
    this.#byIds = db.prepare('SELECT * FROM account WHERE id IN (SELECT value FROM json_each(?))');
    this.#count = db.prepare('SELECT count(*) FROM account').pluck();
    this.#verify = db.prepare('UPDATE account SET verified = 1 WHERE id = ?');
    this.#password = db.prepare('UPDATE account SET password_hash = ? WHERE id = ?');
    this.#workspace = db.prepare('UPDATE account SET current_workspace = ? WHERE id = ?');
    this.#workspaceIf = db.prepare(
      'UPDATE account SET current_workspace = ? WHERE id = ? AND current_workspace = ?',
    );
    this.#prefs = db.prepare('UPDATE account SET current_preferences = NULL WHERE id = ?');
    this.#prefsIf = db.prepare(
      'UPDATE account SET current_preferences = NULL WHERE id = ? AND current_preferences = ?',
    );
    this.#delete = db.prepare('DELETE FROM account WHERE id = ?');
    migrateLegacyCollection(db, 'users', ({ doc }) =>
      unique('account', () => this.#insert.run(...columns(legacyUser(doc)))),
    );
  }

  init(): Promise<void> {
    return Promise.resolve(); // the constructor made the table: reads work before init
  }

  async createUser(user: UserDoc): Promise<void> {
    const values = columns(user);
    await this.#batcher.run(() => unique('account', () => this.#insert.run(...values)));
  }

  findById(id: string): Promise<UserDoc | null> {
    return Promise.resolve(this.#one(this.#byId, id));
  }

  findByEmail(email: string): Promise<UserDoc | null> {
    return Promise.resolve(this.#one(this.#byEmail, emailKey(email)));
  }

  findByIds(ids: readonly string[]): Promise<UserDoc[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const rows = this.#byIds.all(JSON.stringify(ids)) as AccountRow[];
    return Promise.resolve(rows.map(toUser));
  }

  countAccounts(): Promise<number> {
    return Promise.resolve(this.#count.get() as number);
  }

  markVerified(id: string): Promise<boolean> {
    return this.#write(this.#verify, id);
  }

  setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    return this.#write(this.#password, passwordHash, id);
  }

  setCurrentWorkspace(id: string, workspaceId: string, onlyIf?: string): Promise<boolean> {
    return onlyIf === undefined
      ? this.#write(this.#workspace, workspaceId, id)
      : this.#write(this.#workspaceIf, workspaceId, id, onlyIf);
  }

  clearCurrentPreferences(id: string, onlyIf?: string): Promise<boolean> {
    return onlyIf === undefined
      ? this.#write(this.#prefs, id)
      : this.#write(this.#prefsIf, id, onlyIf);
  }

  deleteUser(id: string): Promise<boolean> {
    return this.#write(this.#delete, id);
  }

  #one(stmt: Statement, key: string): UserDoc | null {
    const row = stmt.get(key) as AccountRow | undefined;
    return row === undefined ? null : toUser(row);
  }

  /** One write in the next group commit; true when it changed a row. */
  async #write(stmt: Statement, ...params: unknown[]): Promise<boolean> {
    const { changes } = await this.#batcher.run(() => stmt.run(...params));
    return changes > 0;
  }
}
