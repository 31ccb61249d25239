/**
 * The {@link ShareRepository} on the embedded store: table `workspace_share`, unique on
 * (workspace, target). Adding is an insert that does nothing on that conflict, then the
 * read of the share that stands, in one callback of the write batcher.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { ShareDoc, ShareRepository } from '../share.repo.ts';
import { migrateLegacyCollection } from './legacy.ts';
import { msOrNull } from './row.values.ts';
import type { WriteBatcher } from './write.batcher.ts';

interface ShareRow {
  id: string;
  workspace_id: string;
  owner_id: string;
  target: string;
  created_at: number;
}

function docOf(row: ShareRow): ShareDoc {
  return {
    _id: row.id,
    workspaceId: row.workspace_id,
    ownerId: row.owner_id,
    target: row.target,
    createdAt: new Date(row.created_at),
  };
}

/** Shares in the SQLite table `workspace_share`. */
export class SqliteShares implements ShareRepository {
  readonly #batcher: WriteBatcher;
  readonly #insert: Statement;
  readonly #ofTarget: Statement<[string, string], ShareRow>;
  readonly #listOf: Statement<[string], ShareRow>;
  readonly #countOf: Statement<[string], { n: number }>;
  readonly #remove: Statement;
  readonly #findFor: Statement<[string, string], ShareRow>;
  readonly #listFor: Statement<[string], ShareRow>;
  readonly #deleteOfTarget: Statement;
  readonly #deleteOfWorkspace: Statement;

  /** Creates the table when missing and takes over the old `shares` collection. */
  constructor(db: Database, batcher: WriteBatcher) {
    this.#batcher = batcher;
    db.exec(
      `CREATE TABLE IF NOT EXISTS workspace_share (id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL, owner_id TEXT NOT NULL, target TEXT NOT NULL,
        created_at INTEGER NOT NULL, UNIQUE (workspace_id, target)) STRICT;
       CREATE INDEX IF NOT EXISTS workspace_share_target ON workspace_share (target)`,
    );
    this.#insert = db.prepare(
      `INSERT INTO workspace_share (id, workspace_id, owner_id, target, created_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id, target) DO NOTHING`,
    );
    this.#ofTarget = db.prepare<[string, string], ShareRow>(
      `SELECT * FROM workspace_share WHERE workspace_id = ? AND target = ?`,
    );
    this.#listOf = db.prepare<[string], ShareRow>(
      `SELECT * FROM workspace_share WHERE workspace_id = ? ORDER BY created_at, id`,
    );
    this.#countOf = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM workspace_share WHERE workspace_id = ?`,
    );
    this.#remove = db.prepare(`DELETE FROM workspace_share WHERE id = ? AND workspace_id = ?`);
    // the targets arrive as one JSON array: one prepared statement for any number of them
    this.#findFor = db.prepare<[string, string], ShareRow>(
      `SELECT * FROM workspace_share WHERE workspace_id = ?
         AND target IN (SELECT value FROM json_each(?)) LIMIT 1`,
    );
    this.#listFor = db.prepare<[string], ShareRow>(
      `SELECT * FROM workspace_share WHERE target IN (SELECT value FROM json_each(?))
       ORDER BY created_at, id`,
    );
    this.#deleteOfTarget = db.prepare(`DELETE FROM workspace_share WHERE target = ?`);
    this.#deleteOfWorkspace = db.prepare(`DELETE FROM workspace_share WHERE workspace_id = ?`);
    migrateLegacyCollection(db, 'shares', ({ doc }) => {
      this.#insert.run(
        String(doc._id),
        String(doc.workspaceId),
        String(doc.ownerId),
        String(doc.target),
        msOrNull(doc.createdAt) ?? 0,
      );
    });
  }

  /** Nothing to do: the table exists from the constructor on. */
  init(): Promise<void> {
    return Promise.resolve();
  }

  add(share: ShareDoc): Promise<ShareDoc> {
    const { _id, workspaceId, ownerId, target } = share;
    const at = share.createdAt.getTime();
    return this.#batcher.run(() => {
      this.#insert.run(_id, workspaceId, ownerId, target, at);
      return docOf(this.#ofTarget.get(workspaceId, target) as ShareRow);
    });
  }

  listOf(workspaceId: string): Promise<ShareDoc[]> {
    return Promise.resolve(this.#listOf.all(workspaceId).map(docOf));
  }

  countOf(workspaceId: string): Promise<number> {
    return Promise.resolve(this.#countOf.get(workspaceId)?.n ?? 0);
  }

  async remove(shareId: string, workspaceId: string): Promise<boolean> {
    const { changes } = await this.#batcher.run(() => this.#remove.run(shareId, workspaceId));
    return changes === 1;
  }

  findFor(workspaceId: string, targets: readonly string[]): Promise<ShareDoc | null> {
    const row = this.#findFor.get(workspaceId, JSON.stringify(targets));
    return Promise.resolve(row === undefined ? null : docOf(row));
  }

  listFor(targets: readonly string[]): Promise<ShareDoc[]> {
    return Promise.resolve(this.#listFor.all(JSON.stringify(targets)).map(docOf));
  }

  async deleteOfTarget(target: string): Promise<number> {
    const { changes } = await this.#batcher.run(() => this.#deleteOfTarget.run(target));
    return changes;
  }

  async deleteOfWorkspace(workspaceId: string): Promise<number> {
    const { changes } = await this.#batcher.run(() => this.#deleteOfWorkspace.run(workspaceId));
    return changes;
  }
}
