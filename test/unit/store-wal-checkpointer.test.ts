/** WAL checkpoints in a worker thread: the WAL is copied and restarted, never grows without end. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpointer } from '../../server/store/embedded/wal.checkpointer.ts';
import { WriteBatcher } from '../../server/store/embedded/write.batcher.ts';

describe('embedded store: WAL checkpoints in a worker', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'panthr-wal-'));
  const file = path.join(dir, 'w.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const batcher = new WriteBatcher(db);
  const checkpointer = new WalCheckpointer(db, file, batcher);
  const autoCheckpoint = (): number => db.pragma('wal_autocheckpoint', { simple: true }) as number;
  /** Frames in the WAL (a checkpoint itself: call it only to look at the end). */
  const walFrames = (): number =>
    (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
  let next = 0;
  const writeMany = (n: number): Promise<unknown> =>
    Promise.all(
      Array.from({ length: n }, () =>
        batcher.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run(next++, 'x'.repeat(2000))),
      ),
    );

  after(async () => {
    await checkpointer.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns the main connection`s automatic checkpoint off once the worker runs', async () => {
    await checkpointer.ready;
    assert.equal(autoCheckpoint(), 0);
  });

  it('copies the WAL and makes the next commit start it over', async () => {
    // Hundreds of frames, none copied yet: the automatic checkpoint is off.
    for (let i = 0; i < 20; i++) await writeMany(50);
    await checkpointer.checkpoint();
    await writeMany(1);
    const frames = walFrames();
    assert.ok(frames < 10, `the WAL started over: ${frames} frames in it`);
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, next);
  });

  it('runs one more checkpoint when asked while one is under way', async () => {
    // The timer's checkpoint may be running when a caller asks: the caller's commits came
    // after it began, so the answer must wait for a checkpoint that copies them too.
    for (let i = 0; i < 10; i++) await writeMany(50);
    const first = checkpointer.checkpoint();
    await writeMany(100);
    const second = checkpointer.checkpoint();
    assert.equal(checkpointer.checkpoint(), second, 'callers meanwhile share the one that follows');
    await Promise.all([first, second]);
    await writeMany(1);
    const frames = walFrames();
    assert.ok(frames < 10, `the WAL started over: ${frames} frames in it`);
  });

  it('turns the automatic checkpoint back on when stopped', async () => {
    await checkpointer.stop();
    assert.equal(autoCheckpoint(), 1000);
    await checkpointer.checkpoint(); // a no-op once stopped
  });
});
