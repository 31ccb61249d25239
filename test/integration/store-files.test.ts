/**
 * The embedded store's large bytes as files beside the database (blob.files.ts): written
 * with the document, read back bit-exact after a reopen, removed once replaced or deleted,
 * never left behind by a failed write, and never read for a string that only looks like a
 * reference.
 */
import assert from 'node:assert/strict';
import fs, { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore, openStore, type EmbeddedStore } from '../../server/store/index.ts';

const bytesOf = (data: unknown): Buffer => {
  const binary = data as { _bsontype?: string; value(): Uint8Array };
  assert.equal(binary._bsontype, 'Binary');
  return Buffer.from(binary.value());
};

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

  it('writes large bytes to files, reads them back after a reopen, removes replaced ones', async () => {
    const small = Buffer.from([1, 2, 3]);
    await store.workspaceBlobs.insertOne({
      _id: 'a',
      workspaceId: 'w',
      data: { big: big(1), small, also: [big(2)] },
    });
    const first = files();
    assert.equal(first.length, 2, 'one file per large value; small bytes stay in the row');
    await store.close();
    store = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    const doc = await store.workspaceBlobs.findOne({ _id: 'a' });
    const data = doc?.data as { big: unknown; small: unknown; also: unknown[] };
    assert.ok(bytesOf(data.big).equals(big(1)));
    assert.ok(bytesOf(data.small).equals(small));
    assert.ok(bytesOf(data.also[0]).equals(big(2)));

    await store.workspaceBlobs.updateOne({ _id: 'a' }, { $set: { data: big(3) } });
    const second = files();
    assert.equal(second.length, 1);
    assert.ok(!first.includes(second[0] as string), 'the replaced files are gone');
    const updated = await store.workspaceBlobs.findOne({ _id: 'a' });
    assert.ok(bytesOf(updated?.data).equals(big(3)));
    assert.equal((await store.workspaceBlobs.deleteMany({ _id: { $in: ['a'] } })).deletedCount, 1);
    assert.deepEqual(files(), []);
  });

  it('leaves no file behind when the write fails', async () => {
    await store.workspaceBlobs.insertOne({ _id: 'x', workspaceId: 'w', data: big(1) });
    const before = files();
    await assert.rejects(
      store.workspaceBlobs.insertOne({ _id: 'x', workspaceId: 'w', data: big(2) }),
      (e: { code?: number }) => e.code === 11000,
    );
    assert.deepEqual(files(), before);
    assert.ok(bytesOf((await store.workspaceBlobs.findOne({ _id: 'x' }))?.data).equals(big(1)));
  });

  it('leaves no partial file behind when the disk is full', async () => {
    await store.workspaceBlobs.insertOne({ _id: 'x', workspaceId: 'w', data: big(1) });
    const before = files();
    const { writeSync, write } = fs;
    const full = (): Error =>
      Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    // The first bytes land, then the disk is full (the store's `import { writeSync }` sees it,
    // and `write`, with which it writes a workspace chunk off the main thread).
    fs.writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
      if (offset > 0) throw full();
      return writeSync(fd, buffer, offset, Math.min(length, 4096));
    }) as typeof fs.writeSync;
    fs.write = ((
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: null,
      done: (err: Error | null, n: number) => void,
    ) => {
      if (offset > 0) return process.nextTick(() => done(full(), 0));
      write(fd, buffer, offset, Math.min(length, 4096), position, done);
    }) as typeof fs.write;
    syncBuiltinESMExports();
    try {
      await assert.rejects(
        store.workspaceBlobs.insertOne({ _id: 'y', workspaceId: 'w', data: big(2) }),
        { code: 'ENOSPC' },
      );
    } finally {
      fs.writeSync = writeSync;
      fs.write = write;
      syncBuiltinESMExports();
    }
    assert.deepEqual(files(), before);
    assert.equal(await store.workspaceBlobs.findOne({ _id: 'y' }), null);
    assert.ok(bytesOf((await store.workspaceBlobs.findOne({ _id: 'x' }))?.data).equals(big(1)));
  });

  it('names the missing file when the file of a row is gone', async () => {
    await store.workspaceBlobs.insertOne({ _id: 'x', workspaceId: 'w', data: big(1) });
    const [name] = files();
    rmSync(join(dir, 'blobs', name as string));
    await assert.rejects(store.workspaceBlobs.findOne({ _id: 'x' }), (e: Error) => {
      assert.match(e.message, /blob file .* is missing/);
      assert.ok(e.message.includes(name as string));
      return true;
    });
  });

  it('reads a string that names a file of another row as the string it is', async () => {
    await store.workspaceBlobs.insertOne({ _id: 'real', workspaceId: 'w', data: big(1) });
    const [name] = files();
    const lookalikes = [`\u0000bytes-00000000-0000-0000-0000-000000000000-${name}`, name];
    await store.workspaceBlobs.insertOne({
      _id: 'fake',
      workspaceId: 'w',
      data: { lookalikes, big: big(2) },
    });
    const doc = await store.workspaceBlobs.findOne({ _id: 'fake' });
    assert.deepEqual((doc?.data as { lookalikes: unknown }).lookalikes, lookalikes);
  });

  it('removes, when the store opens, files no row owns (a crash before the commit)', async () => {
    // A document that owns a file (a chunk would be swept: no object names it), in a
    // workspace that exists (objects of a deleted workspace are swept too).
    const now = new Date();
    await store.workspaces.insertOne({
      _id: 'w',
      userId: 'u',
      name: 'w',
      nameKey: 'w',
      createdAt: now,
      updatedAt: now,
      nextHash: 2,
    });
    await store.workspaceObjects.insertOne({
      _id: 'w/kept',
      workspaceId: 'w',
      name: 'kept',
      hash: 1,
      order: 1,
      object: { bytes: big(1) },
    });
    const [kept] = files();
    const stray = '0b0a0b0a-0000-4000-8000-000000000000';
    writeFileSync(join(dir, 'blobs', stray), big(2));
    await store.close();
    const reopened = await openStore({ data_dir: dir, mongodb_url: null });
    try {
      assert.deepEqual(files(), [kept]);
      const doc = await reopened.workspaceObjects.findOne({ _id: 'w/kept' });
      assert.ok(bytesOf(doc?.object.bytes).equals(big(1)));
    } finally {
      await reopened.close();
      store = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    }
  });
});
