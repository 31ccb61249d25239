/**
 * The embedded store's large chunk bytes as files beside the database (blob.files.ts):
 * written before the row that names them, read back bit-exact after a reopen, removed once
 * their chunk is deleted, never left behind by a failed write.
 */
import assert from 'node:assert/strict';
import fs, { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createWorkspace,
  findObject,
  openEmbeddedStore,
  openStore,
  saveObject,
  type EmbeddedStore,
} from '../../server/store/index.ts';
import { PARALLEL_WRITES, threadPoolSize } from '../../server/store/embedded/blob.files.ts';

describe('embedded store: large bytes as files', function () {
  this.timeout(30_000);
  let dir: string;
  let store: EmbeddedStore;
  const files = (): string[] => readdirSync(join(dir, 'blobs'));
  const big = (seed: number): Buffer =>
    Buffer.from(Float64Array.from({ length: 20_000 }, (_, i) => i * seed + 0.5).buffer);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-files-'));
    store = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** ENOSPC, as a full disk gives it. */
  const full = (): Error =>
    Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });

  /**
   * Replaces `fs.write` as the store sees it: a write `fails(buffer, offset)` finds the disk
   * full, any other writes at most `most` bytes. The caller puts the real one back.
   */
  function failWrites(fails: (buffer: Uint8Array, offset: number) => boolean, most = Infinity) {
    const { write } = fs;
    fs.write = ((
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: null,
      done: (err: Error | null, n: number) => void,
    ) => {
      if (fails(buffer, offset)) return process.nextTick(() => done(full(), 0));
      write(fd, buffer, offset, Math.min(length, most), position, done);
    }) as typeof fs.write;
    syncBuiltinESMExports();
  }

  const chunk = (_id: string, data: unknown) =>
    store.workspaces.insertChunks([{ _id, workspaceId: 'w', data, createdAt: new Date() }]);
  const read = async (id: string): Promise<unknown> =>
    (await store.workspaces.chunkData('w', [id])).get(id);

  it('writes large bytes to files, reads them back after a reopen, removes deleted ones', async () => {
    const small = Buffer.from([1, 2, 3]);
    await chunk('a', big(1));
    await chunk('b', small);
    await chunk('c', [1, 'two']);
    const first = files();
    assert.equal(first.length, 1, 'one file per large chunk; small bytes and JSON in the row');
    await store.close();
    store = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    assert.ok(big(1).equals((await read('a')) as Buffer));
    assert.ok(small.equals((await read('b')) as Buffer));
    assert.deepEqual(await read('c'), [1, 'two']);
    await store.workspaces.removeChunks(['a', 'b']);
    assert.deepEqual(files(), []);
    assert.equal(await read('a'), undefined);
  });

  it('leaves no file behind when the write fails', async () => {
    await chunk('x', big(1));
    const before = files();
    await assert.rejects(chunk('x', big(2)), (e: { code?: number }) => e.code === 11000);
    assert.deepEqual(files(), before);
    assert.ok(big(1).equals((await read('x')) as Buffer));
  });

  it('leaves no partial file behind when the disk is full', async () => {
    await chunk('x', big(1));
    const before = files();
    const { writeSync, write } = fs;
    // The first bytes land, then the disk is full (the store's `import { writeSync }` sees it,
    // and `write`, with which it writes a workspace chunk off the main thread).
    fs.writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
      if (offset > 0) throw full();
      return writeSync(fd, buffer, offset, Math.min(length, 4096));
    }) as typeof fs.writeSync;
    failWrites((_, offset) => offset > 0, 4096);
    try {
      await assert.rejects(chunk('y', big(2)), { code: 'ENOSPC' });
    } finally {
      fs.writeSync = writeSync;
      fs.write = write;
      syncBuiltinESMExports();
    }
    assert.deepEqual(files(), before);
    assert.equal(await read('y'), undefined);
    assert.ok(big(1).equals((await read('x')) as Buffer));
  });

  it('writes a batch side by side; one failed write leaves none of its files or rows', async () => {
    const batch = [1, 2, 3, 4, 5, 6].map((k) => ({
      _id: `b${k}`,
      workspaceId: 'w',
      data: big(k),
      createdAt: new Date(),
    }));
    await store.workspaces.insertChunks(batch.slice(0, 3));
    assert.equal(files().length, 3);
    for (const c of batch.slice(0, 3)) assert.ok(c.data.equals((await read(c._id)) as Buffer));
    const before = files();
    const { write } = fs;
    const doomed = batch[4]?.data;
    // The fifth file's write finds the disk full, with others written or under way.
    failWrites((buffer) => buffer === doomed);
    try {
      await assert.rejects(store.workspaces.insertChunks(batch.slice(3)), { code: 'ENOSPC' });
    } finally {
      fs.write = write;
      syncBuiltinESMExports();
    }
    assert.deepEqual(files().sort(), before.sort());
    const left = await store.workspaces.chunkData('w', ['b4', 'b5', 'b6']);
    assert.equal(left.size, 0);
  });

  it("writes at most half of libuv's pool in files at once, over every save of the store", async () => {
    const { open, close } = fs;
    const ours = new Set<number>();
    let now = 0;
    let most = 0;
    // Files opened to be written ('wx'), until closed.
    fs.open = ((
      path: string,
      flags: string,
      mode: number,
      done: (e: Error | null, fd: number) => void,
    ) =>
      open(path, flags, mode, (e, fd) => {
        if (e === null && flags === 'wx') {
          ours.add(fd);
          most = Math.max(most, ++now);
        }
        done(e, fd);
      })) as typeof fs.open;
    fs.close = ((fd: number, done: (e: Error | null) => void) => {
      if (ours.delete(fd)) now--;
      close(fd, done);
    }) as typeof fs.close;
    syncBuiltinESMExports();
    const batch = (p: string) =>
      [1, 2, 3, 4].map((k) => ({
        _id: `${p}${k}`,
        workspaceId: 'w',
        data: big(k),
        createdAt: new Date(),
      }));
    try {
      await Promise.all([
        store.workspaces.insertChunks(batch('p')),
        store.workspaces.insertChunks(batch('q')),
      ]);
    } finally {
      fs.open = open;
      fs.close = close;
      syncBuiltinESMExports();
    }
    // 2 with libuv's default pool of 4 (mocha's), 4 with the server's 8 (scripts/start).
    assert.equal(most, PARALLEL_WRITES);
    assert.equal(PARALLEL_WRITES, Math.max(1, Math.floor(threadPoolSize() / 2)));
    assert.equal(files().length, 8);
    // libuv's rule (measured on Node 20's libuv by blocking its threads): atoi, 0 -> 1,
    // negative (read as unsigned) and above 1024 -> 1024, unset -> 4.
    const sizes = ['8', '1', '0', 'x', '', '1e1', '0x10', '8.5', ' 8abc', '-1', '2000', undefined];
    assert.deepEqual(
      sizes.map((n) => threadPoolSize({ UV_THREADPOOL_SIZE: n })),
      [8, 1, 1, 1, 1, 1, 1, 8, 8, 1024, 1024, 4],
    );
    for (const c of [...batch('p'), ...batch('q')])
      assert.ok(c.data.equals((await read(c._id)) as Buffer));
  });

  it('names the missing file when the file of a row is gone', async () => {
    await chunk('x', big(1));
    const [name] = files();
    rmSync(join(dir, 'blobs', name as string));
    await assert.rejects(read('x'), (e: Error) => {
      assert.match(e.message, /blob file .* is missing/);
      assert.ok(e.message.includes(name as string));
      return true;
    });
  });

  it('reads strings that look like file names as the strings they are', async () => {
    await chunk('real', big(1));
    const [name] = files();
    const lookalikes = [`\u0000bytes-00000000-0000-0000-0000-000000000000-${name}`, name];
    await chunk('fake', lookalikes);
    assert.deepEqual(await read('fake'), lookalikes);
  });

  it('removes, when the store opens, files no row owns (a crash before the commit)', async () => {
    // A chunk an object names owns a file (an unnamed old one would be swept).
    const ws = await createWorkspace(store, 'u', 'w');
    await saveObject(store, ws._id, { name: 'kept', type: 'vector', values: big(1) });
    const [kept] = files();
    const stray = '0b0a0b0a-0000-4000-8000-000000000000';
    writeFileSync(join(dir, 'blobs', stray), big(2));
    await store.close();
    const reopened = await openStore({ data_dir: dir, mongodb_url: null });
    try {
      assert.deepEqual(files(), [kept]);
      const found = await findObject(reopened, ws._id, 'kept');
      assert.ok(big(1).equals(found?.values as Buffer));
    } finally {
      await reopened.close();
      store = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    }
  });
});
