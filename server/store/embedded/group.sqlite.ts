/**
 * The {@link GroupRepository} on the embedded store: table `user_group`, and its members in
 * `user_group_member` (one row per member, so "each once" is the primary key; the rowid
 * keeps the order they were added in). A group and its members change in one callback of
 * the write batcher, so they change together.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { GroupDoc, GroupRepository } from '../group.repo.ts';
import { migrateLegacyCollection } from './legacy.ts';
import { msOrNull, textOrNull } from './row.values.ts';
import type { WriteBatcher } from './write.batcher.ts';

interface GroupRow {
  id: string;
  owner_id: string;
  name: string;
  created_at: number;
  /** JSON array of the member ids, in the order they were added. */
  members: string;
}

function docOf(row: GroupRow): GroupDoc {
  return {
    _id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    memberIds: JSON.parse(row.members) as string[],
    createdAt: new Date(row.created_at),
  };
}

const SELECT = `SELECT g.id, g.owner_id, g.name, g.created_at,
  (SELECT json_group_array(m.user_id ORDER BY m.rowid) FROM user_group_member m
    WHERE m.group_id = g.id) AS members
  FROM user_group g`;

/** Groups in the SQLite tables `user_group` and `user_group_member`. */
export class SqliteGroups implements GroupRepository {
  readonly #batcher: WriteBatcher;
  readonly #insert: Statement;
  readonly #addMember: Statement;
  readonly #find: Statement<[string], GroupRow>;
  readonly #findOwned: Statement<[string, string], GroupRow>;
  readonly #listOwned: Statement<[string], GroupRow>;
  readonly #countOwned: Statement<[string], { n: number }>;
  readonly #rename: Statement;
  readonly #removeMember: Statement;
  readonly #delete: Statement;
  readonly #deleteMembers: Statement;
  readonly #idsWithMember: Statement<[string], { group_id: string }>;

  /** Creates the tables when missing and takes over the old `groups` collection. */
  constructor(db: Database, batcher: WriteBatcher) {
    this.#batcher = batcher;
    db.exec(
      `CREATE TABLE IF NOT EXISTS user_group (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL,
        name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
       CREATE INDEX IF NOT EXISTS user_group_owner ON user_group (owner_id, created_at, id);
       CREATE TABLE IF NOT EXISTS user_group_member (group_id TEXT NOT NULL,
        user_id TEXT NOT NULL, PRIMARY KEY (group_id, user_id)) STRICT;
       CREATE INDEX IF NOT EXISTS user_group_member_user ON user_group_member (user_id)`,
    );
    this.#insert = db.prepare(
      `INSERT INTO user_group (id, owner_id, name, created_at) VALUES (?, ?, ?, ?)`,
    );
    this.#addMember = db.prepare(
      `INSERT OR IGNORE INTO user_group_member (group_id, user_id)
       SELECT ?, ? WHERE EXISTS (SELECT 1 FROM user_group WHERE id = ?)`,
    );
    this.#find = db.prepare<[string], GroupRow>(`${SELECT} WHERE g.id = ?`);
    this.#findOwned = db.prepare<[string, string], GroupRow>(
      `${SELECT} WHERE g.id = ? AND g.owner_id = ?`,
    );
    this.#listOwned = db.prepare<[string], GroupRow>(
      `${SELECT} WHERE g.owner_id = ? ORDER BY g.created_at, g.id`,
    );
    this.#countOwned = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM user_group WHERE owner_id = ?`,
    );
    this.#rename = db.prepare(`UPDATE user_group SET name = ? WHERE id = ?`);
    this.#removeMember = db.prepare(
      `DELETE FROM user_group_member WHERE group_id = ? AND user_id = ?`,
    );
    this.#delete = db.prepare(`DELETE FROM user_group WHERE id = ? AND owner_id = ?`);
    this.#deleteMembers = db.prepare(`DELETE FROM user_group_member WHERE group_id = ?`);
    this.#idsWithMember = db.prepare<[string], { group_id: string }>(
      `SELECT group_id FROM user_group_member WHERE user_id = ?`,
    );
    migrateLegacyCollection(db, 'groups', ({ doc }) => this.#store(legacyGroup(doc)));
  }

  /** Nothing to do: the tables exist from the constructor on. */
  init(): Promise<void> {
    return Promise.resolve();
  }

  /** The group and its members, in order (inside a batcher callback or a migration). */
  #store(group: GroupDoc): void {
    this.#insert.run(group._id, group.ownerId, group.name, group.createdAt.getTime());
    for (const member of group.memberIds) this.#addMember.run(group._id, member, group._id);
  }

  async create(group: GroupDoc): Promise<void> {
    const copy = { ...group, memberIds: [...group.memberIds] };
    await this.#batcher.run(() => this.#store(copy));
  }

  find(groupId: string): Promise<GroupDoc | null> {
    const row = this.#find.get(groupId);
    return Promise.resolve(row === undefined ? null : docOf(row));
  }

  findOwned(groupId: string, ownerId: string): Promise<GroupDoc | null> {
    const row = this.#findOwned.get(groupId, ownerId);
    return Promise.resolve(row === undefined ? null : docOf(row));
  }

  listOwned(ownerId: string): Promise<GroupDoc[]> {
    return Promise.resolve(this.#listOwned.all(ownerId).map(docOf));
  }

  countOwned(ownerId: string): Promise<number> {
    return Promise.resolve(this.#countOwned.get(ownerId)?.n ?? 0);
  }

  async rename(groupId: string, name: string): Promise<void> {
    await this.#batcher.run(() => this.#rename.run(name, groupId));
  }

  async addMember(groupId: string, userId: string): Promise<void> {
    await this.#batcher.run(() => this.#addMember.run(groupId, userId, groupId));
  }

  async removeMember(groupId: string, userId: string): Promise<void> {
    await this.#batcher.run(() => this.#removeMember.run(groupId, userId));
  }

  delete(groupId: string, ownerId: string): Promise<boolean> {
    return this.#batcher.run(() => {
      if (this.#delete.run(groupId, ownerId).changes === 0) return false;
      this.#deleteMembers.run(groupId);
      return true;
    });
  }

  idsWithMember(userId: string): Promise<string[]> {
    return Promise.resolve(this.#idsWithMember.all(userId).map((r) => r.group_id));
  }
}

/** A group document of the old `groups` collection. */
function legacyGroup(doc: Record<string, unknown>): GroupDoc {
  const members = Array.isArray(doc.memberIds) ? doc.memberIds : [];
  return {
    _id: String(doc._id),
    ownerId: String(doc.ownerId),
    name: textOrNull(doc.name) ?? '',
    memberIds: members.filter((m): m is string => typeof m === 'string'),
    createdAt: new Date(msOrNull(doc.createdAt) ?? 0),
  };
}
