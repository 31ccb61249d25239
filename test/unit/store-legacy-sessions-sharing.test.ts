/**
 * An embedded data directory of the version before the repositories (issue 18): the old
 * collection tables of sessions, preference sets, the connection log, groups, shares and
 * leases are written exactly as the old code wrote them, then the store opens and finds
 * every document through its repositories; the old tables are gone.
 */
import { writeOldCollection } from '../contract/legacy-tables.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hasLegacyCollection } from '../../server/store/embedded/legacy.ts';
import { EMBEDDED_FILE, openEmbeddedStore } from '../../server/store/index.ts';

const at = (n: number) => new Date(Date.UTC(2026, 0, n, 12));
const future = new Date(Date.now() + 3_600_000);

/** The old documents, by collection, as the old code inserted them. */
const OLD: Record<string, Record<string, unknown>[]> = {
  sessions: [
    {
      _id: 'sid1',
      session: { cookie: { expires: future.toISOString(), path: '/' }, passport: { user: 'u1' } },
      userId: 'u1',
      expiresAt: future,
    },
  ],
  preferences: [
    {
      _id: 'u1/Print',
      userId: 'u1',
      name: 'Print',
      settings: { colors: ['red'], point: { size: 1.5 } },
      updatedAt: at(1),
    },
  ],
  connections: [
    {
      _id: 'c1',
      userId: 'u1',
      address: '::1',
      openedAt: at(1),
      closedAt: at(2),
      reason: 'client',
      messages: 7,
    },
    { _id: 'c2', userId: null, address: '127.0.0.1', openedAt: at(3) },
  ],
  groups: [{ _id: 'g1', ownerId: 'u1', name: 'Team', memberIds: ['u3', 'u2'], createdAt: at(1) }],
  shares: [
    { _id: 's1', workspaceId: 'w1', ownerId: 'u1', target: 'group:g1', createdAt: at(2) },
    { _id: 's2', workspaceId: 'w1', ownerId: 'u1', target: 'user:u2', createdAt: at(3) },
  ],
  leases: [{ _id: 'u1', nodeId: 'node-a', expiresAt: future }],
};

/** Writes the old tables (and an old expression index) the way sqlite.collection.ts did. */
function writeOldTables(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    for (const [name, docs] of Object.entries(OLD)) {
      writeOldCollection(db, name, docs);
      db.exec(`CREATE INDEX "${name}__userId_1" ON "${name}" (json_extract(doc, '$.userId') ASC)`);
    }
  } finally {
    db.close();
  }
}

describe('embedded store: old tables of sessions, preferences, connections, sharing, leases', function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-legacy-'));
    writeOldTables(join(dir, EMBEDDED_FILE));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every old document through the repositories; the old tables are gone', async () => {
    const store = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    try {
      assert.deepEqual(await store.sessions.find('sid1'), OLD.sessions?.[0]);
      assert.equal(await store.sessions.countOfUser('u1'), 1);
      assert.deepEqual(await store.preferences.get('u1', 'Print'), OLD.preferences?.[0]);
      assert.deepEqual(await store.connections.get('c1'), OLD.connections?.[0]);
      assert.deepEqual(await store.connections.get('c2'), {
        ...OLD.connections?.[1],
        closedAt: null,
        reason: null,
        messages: 0,
      });
      assert.deepEqual(await store.groups.find('g1'), OLD.groups?.[0]);
      assert.deepEqual(await store.groups.idsWithMember('u2'), ['g1']);
      assert.deepEqual(await store.shares.listOf('w1'), OLD.shares);
      assert.deepEqual(await store.leases.holder('u1'), { nodeId: 'node-a', expiresAt: future });
      assert.equal(await store.leases.take('u1', 'node-b', 1000), false, 'the old lease holds');
    } finally {
      await store.close();
    }
    const db = new Database(join(dir, EMBEDDED_FILE), { readonly: true });
    try {
      for (const name of Object.keys(OLD)) assert.equal(hasLegacyCollection(db, name), false, name);
    } finally {
      db.close();
    }
    // A second open copies nothing twice and keeps what the first one copied.
    const again = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    try {
      assert.equal((await again.connections.recent(10)).length, 2);
      assert.equal((await again.shares.listFor(['user:u2'])).length, 1);
    } finally {
      await again.close();
    }
  });
});
