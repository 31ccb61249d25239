/** Group commit: writes of one turn share a transaction, fail alone, and settle after commit. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WriteBatcher } from '../../server/store/embedded/write.batcher.ts';

describe('embedded store: group commit', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-batch-'));
  const file = path.join(dir, 'b.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const reader = new Database(file, { readonly: true });
  const batcher = new WriteBatcher(db);
  const insert = (id: number, v: string) => () =>
    db.prepare('INSERT INTO t VALUES (?, ?)').run(id, v);
  const count = (): number =>
    (reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;

  after(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one turn together; a failing one rolls back alone', async () => {
    const writes = [
      batcher.run(insert(1, 'a')),
      batcher.run(insert(2, 'b')),
      batcher.run(insert(1, 'duplicate')),
      batcher.run(insert(3, 'c')),
    ];
    assert.equal(count(), 0, 'nothing is written before the group commits');
    const settled = await Promise.allSettled(writes);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    const failed = settled[2] as PromiseRejectedResult;
    assert.equal((failed.reason as { code?: string }).code, 'SQLITE_CONSTRAINT_PRIMARYKEY');
    assert.equal(count(), 3, 'an acknowledged write is visible to another connection');
  });

  it('hands each write its own result, and flushes what is queued', async () => {
    const result = batcher.run(
      () => db.prepare('UPDATE t SET v = ? WHERE id <= 2').run('z').changes,
    );
    await batcher.flush();
    assert.equal(await result, 2);
  });

  it('rejects a job that throws any error alone', async () => {
    const before = count();
    const settled = await Promise.allSettled([
      batcher.run(insert(20, 'a')),
      batcher.run(() => {
        throw new TypeError('not SQLite');
      }),
      batcher.run(insert(21, 'b')),
    ]);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.ok((settled[1] as PromiseRejectedResult).reason instanceof TypeError);
    assert.equal(count(), before + 2);
  });

  it('runs a write alone in a transaction of its own: a failure leaves none of it', async () => {
    const before = count();
    await assert.rejects(
      batcher.run(() => {
        insert(60, 'a')();
        insert(60, 'duplicate')();
      }),
      (e: { code?: string }) => e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    );
    assert.equal(count(), before, 'the failed write left nothing');
    assert.equal(db.inTransaction, false);
    assert.equal(await batcher.run(() => insert(61, 'b')().changes), 1);
    assert.equal(count(), before + 1);
  });

  it('rejects the whole batch, and commits none of it, when SQLite ends the transaction', async () => {
    const before = count();
    const settled = await Promise.allSettled([
      batcher.run(insert(30, 'a')),
      // What SQLite does itself on a full disk or an I/O error.
      batcher.run(() => db.exec('ROLLBACK')),
      batcher.run(insert(31, 'b')),
    ]);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['rejected', 'rejected', 'rejected'],
    );
    assert.equal(count(), before, 'no rejected write is on disk');
  });

  it('holds commits until released, without losing or reordering the writes queued', async () => {
    const before = count();
    const release = batcher.hold();
    const writes = [batcher.run(insert(50, 'a')), batcher.run(insert(51, 'b'))];
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(count(), before, 'nothing commits while held');
    const flushed = batcher.flush();
    release();
    await flushed;
    assert.equal(count(), before + 2, 'flush waits for the held writes');
    await Promise.all(writes);
    const commits = batcher.commits;
    await batcher.run(insert(52, 'c'));
    assert.equal(batcher.commits, commits + 1);
  });

  it('flushes a write issued while the batch being flushed committed', async () => {
    const before = count();
    const first = batcher.run(insert(40, 'a'));
    const second = first.then(() => batcher.run(insert(41, 'b')));
    await batcher.flush();
    assert.equal(count(), before + 2, 'both writes are on disk once flush resolves');
    await second;
  });
});
