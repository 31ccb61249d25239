/** Data of an older version: an old collection table is copied out and dropped, at once. */
import { writeOldCollection } from '../contract/legacy-tables.ts';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { encodeDoc } from '../../server/store/embedded/doc.codec.ts';
import {
  hasLegacyCollection,
  migrateLegacyCollection,
  PAGE,
  type LegacyRow,
} from '../../server/store/embedded/legacy.ts';

describe('embedded store: collections of an older version', () => {
  const oldTable = (db: Database.Database, docs: Record<string, unknown>[]): void =>
    writeOldCollection(db, 'users', docs);

  it('copies every document (types kept) in insertion order, then drops the table', () => {
    const db = new Database(':memory:');
    const at = new Date('2026-01-02T03:04:05.678Z');
    oldTable(db, [
      { _id: 'b', email: 'b@x.org', createdAt: at, verified: true },
      { _id: 'a', email: 'a@x.org', createdAt: at, verified: false },
    ]);
    const copied: LegacyRow[] = [];
    assert.equal(
      migrateLegacyCollection(db, 'users', (row) => copied.push(row)),
      2,
    );
    assert.deepEqual(
      copied.map((r) => r.doc),
      [
        { _id: 'b', email: 'b@x.org', createdAt: at, verified: true },
        { _id: 'a', email: 'a@x.org', createdAt: at, verified: false },
      ],
    );
    assert.ok(copied[0]!.doc['createdAt'] instanceof Date);
    assert.equal(hasLegacyCollection(db, 'users'), false);
    assert.equal(
      migrateLegacyCollection(db, 'users', () => assert.fail('no table left')),
      0,
    );
  });

  it('copies a table of more rows than a page, in pages read as the copy goes', () => {
    const db = new Database(':memory:');
    const n = PAGE * 2 + 37;
    oldTable(
      db,
      Array.from({ length: n }, (_, i) => ({ _id: `u${i}`, i })),
    );
    const seen: unknown[] = [];
    const copied = migrateLegacyCollection(db, 'users', ({ doc }) => {
      // A row of a later page changed now is read changed: no page is read ahead.
      if (doc['i'] === 0) {
        const { text } = encodeDoc({ _id: `u${n - 1}`, i: 'changed' });
        db.prepare('UPDATE "users" SET doc = ? WHERE _id = ?').run(text, `u${n - 1}`);
      }
      seen.push(doc['i']);
    });
    assert.equal(copied, n);
    assert.deepEqual(
      seen.slice(0, -1),
      Array.from({ length: n - 1 }, (_, i) => i),
    );
    assert.equal(seen[n - 1], 'changed');
    assert.equal(hasLegacyCollection(db, 'users'), false);
  });

  it('keeps the old table when a copy fails (one transaction)', () => {
    const db = new Database(':memory:');
    oldTable(db, [{ _id: 'a' }, { _id: 'b' }]);
    db.exec('CREATE TABLE account (id TEXT PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO account VALUES (?)');
    assert.throws(
      () =>
        migrateLegacyCollection(db, 'users', ({ doc }) => {
          insert.run(doc['_id']);
          if (doc['_id'] === 'b') throw new Error('disk full');
        }),
      /row 2 of the old table "users" could not be copied \(disk full\); nothing was changed/,
    );
    assert.equal(hasLegacyCollection(db, 'users'), true);
    assert.equal((db.prepare('SELECT count(*) AS n FROM account').get() as { n: number }).n, 0);
  });

  it('refuses a name that is not a plain identifier', () => {
    const db = new Database(':memory:');
    assert.throws(() => migrateLegacyCollection(db, 'x"; DROP TABLE y; --', () => undefined));
  });
});
