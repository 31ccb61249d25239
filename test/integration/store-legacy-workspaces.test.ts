/**
 * An embedded data directory of the version before the repositories (issue 18): its
 * workspace collection tables, written here exactly as SqliteCollection wrote them (EJSON
 * rows by encodeDoc, large bytes in blob files named by the row's `files`), are copied into
 * the plain tables when the store opens; nothing is lost and the blob files are taken over
 * by name, not rewritten.
 */
import { writeOldCollection } from '../contract/legacy-tables.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BlobFiles, FILE_MIN_BYTES } from '../../server/store/embedded/blob.files.ts';
import {
  createWorkspace,
  deleteWorkspace,
  EMBEDDED_FILE,
  listWorkspaces,
  loadObjects,
  openStore,
  WorkspaceRuleError,
  type Store,
} from '../../server/store/index.ts';
import { privateDir } from '../../server/private-files.ts';

/** Writes `docs` as the old collection table `name` did, large bytes to `files`. */
function oldTable(
  db: Database.Database,
  files: BlobFiles,
  name: string,
  docs: Record<string, unknown>[],
): void {
  writeOldCollection(db, name, docs, (bytes, subType) =>
    subType === 0 && bytes.byteLength >= FILE_MIN_BYTES ? files.write(bytes) : null,
  );
}

describe('embedded store: workspaces of the version before the repositories', function () {
  this.timeout(30_000);
  let dir: string;
  let store: Store | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-legacy-ws-'));
  });
  afterEach(async () => {
    await store?.close();
    store = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies workspaces, counters, objects and chunks; keeps blob files by name', async () => {
    privateDir(dir);
    const files = new BlobFiles(join(dir, 'blobs'));
    const db = new Database(join(dir, EMBEDDED_FILE));
    const at = new Date('2026-01-02T03:04:05.678Z');
    const ws = (id: string, userId: string, name: string, key?: string) => ({
      _id: id,
      userId,
      name,
      ...(key === undefined ? {} : { nameKey: key }),
      createdAt: at,
      updatedAt: at,
      nextHash: 70,
    });
    oldTable(db, files, 'workspaces', [
      ws('w1', 'u1', 'Mine', 'mine'),
      // u2's come from before the name rule: no keys, no counter, names equal without case
      ws('w2', 'u2', 'Data'),
      ws('w3', 'u2', 'DATA'),
    ]);
    oldTable(db, files, 'workspaceCounts', [{ _id: 'u1', count: 1 }]);
    const large = Buffer.from(Float64Array.from({ length: 20_000 }, (_, i) => i / 7).buffer);
    const small = Buffer.from([9, 8, 7]);
    const strings = Array.from({ length: 5000 }, (_, i) => `s${i}`);
    oldTable(db, files, 'workspaceBlobs', [
      { _id: 'w1/d@3#0', workspaceId: 'w1', data: large },
      { _id: 'w1/d@3#1', workspaceId: 'w1', data: strings },
    ]);
    const blobsBefore = readdirSync(join(dir, 'blobs'));
    assert.equal(blobsBefore.length, 1, 'the large chunk was a blob file');
    oldTable(db, files, 'workspaceObjects', [
      {
        _id: 'w1/d',
        workspaceId: 'w1',
        name: 'd',
        hash: 3,
        order: 2,
        object: {
          name: 'd',
          type: 'dataset',
          hash: 3,
          variables: [
            { name: 'x', values: { blob: { chunks: ['w1/d@3#0'], binary: true } } },
            { name: 'y', values: { blob: { chunks: ['w1/d@3#1'], binary: false } } },
            { name: 'z', values: small },
          ],
        },
      },
      {
        _id: 'w1/v',
        workspaceId: 'w1',
        name: 'v',
        hash: 5,
        order: 1,
        object: { name: 'v', type: 'vector', hash: 5, values: [1, NaN] },
      },
    ]);
    const mtime = statSync(join(dir, 'blobs', blobsBefore[0] as string)).mtimeMs;
    db.close();

    store = await openStore({ data_dir: dir, mongodb_url: null });
    const mine = await listWorkspaces(store, 'u1');
    assert.deepEqual(
      mine.map((w) => [w._id, w.name, w.nameKey, w.createdAt.getTime(), w.nextHash]),
      [['w1', 'Mine', 'mine', at.getTime(), 70]],
    );
    // objects in their order, chunks joined, bytes bit-exact
    const objects = await loadObjects(store, 'w1');
    assert.deepEqual(
      objects.map((o) => o.name),
      ['v', 'd'],
    );
    assert.deepEqual(objects[0]?.values, [1, NaN]);
    const vars = objects[1]?.variables as { values: unknown }[];
    assert.ok(large.equals(vars[0]?.values as Buffer));
    assert.deepEqual(vars[1]?.values, strings);
    assert.ok(small.equals(vars[2]?.values as Buffer));
    // the blob file kept, by name, untouched; the old tables gone
    assert.deepEqual(readdirSync(join(dir, 'blobs')), blobsBefore);
    assert.equal(statSync(join(dir, 'blobs', blobsBefore[0] as string)).mtimeMs, mtime);
    const raw = new Database(join(dir, EMBEDDED_FILE), { readonly: true });
    const tables = raw
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
      .pluck()
      .all() as string[];
    raw.close();
    for (const old of ['workspaces', 'workspaceCounts', 'workspaceObjects', 'workspaceBlobs'])
      assert.ok(!tables.includes(old), `${old} dropped`);
    // the rules hold for the old workspaces: keys, counters, the last one kept
    const theirs = await listWorkspaces(store, 'u2');
    assert.deepEqual(
      theirs.map((w) => w.name),
      ['Data', 'DATA'],
    );
    assert.equal(theirs[0]?.nameKey, 'data');
    await assert.rejects(
      createWorkspace(store, 'u2', 'data'),
      (e) => e instanceof WorkspaceRuleError && e.rule === 'name_taken',
    );
    assert.equal(await deleteWorkspace(store, 'u2', 'w2'), 'deleted');
    assert.equal(await deleteWorkspace(store, 'u2', 'w3'), 'last_workspace');
    assert.equal(await deleteWorkspace(store, 'u1', 'w1'), 'last_workspace');
    // opened again: nothing to copy, nothing lost
    await store.close();
    store = await openStore({ data_dir: dir, mongodb_url: null });
    assert.equal((await loadObjects(store, 'w1')).length, 2);
  });
  it('copies all workspace tables in one transaction: a failed copy leaves them all', async () => {
    privateDir(dir);
    const files = new BlobFiles(join(dir, 'blobs'));
    const db = new Database(join(dir, EMBEDDED_FILE));
    const at = new Date(0);
    const doc = { _id: 'w1', userId: 'u1', name: 'Old', createdAt: at, updatedAt: at };
    oldTable(db, files, 'workspaces', [{ ...doc, nextHash: 2 }]);
    oldTable(db, files, 'workspaceObjects', []);
    // a row no version could read: its copy fails after the workspaces' copy
    db.prepare(`INSERT INTO "workspaceObjects" (_id, doc) VALUES ('w1/x', 'not json')`).run();
    db.close();
    await assert.rejects(openStore({ data_dir: dir, mongodb_url: null }));
    const raw = new Database(join(dir, EMBEDDED_FILE), { readonly: true });
    const tables = raw
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
      .pluck()
      .all() as string[];
    assert.ok(tables.includes('workspaces'), 'the old workspaces kept');
    assert.equal(raw.prepare(`SELECT count(*) FROM workspace`).pluck().get(), 0);
    assert.equal(raw.prepare(`SELECT count(*) FROM workspace_count`).pluck().get(), 0);
    raw.close();
  });

  it('gives every user with workspaces a counter at each open', async () => {
    store = await openStore({ data_dir: dir, mongodb_url: null });
    await createWorkspace(store, 'u1', 'One');
    await createWorkspace(store, 'u1', 'Two');
    await store.close();
    store = null;
    // as a crash of an earlier version between a copy and its counters left it
    const db = new Database(join(dir, EMBEDDED_FILE));
    db.prepare(`DELETE FROM workspace_count`).run();
    db.close();
    store = await openStore({ data_dir: dir, mongodb_url: null });
    await store.close();
    store = null;
    const raw = new Database(join(dir, EMBEDDED_FILE), { readonly: true });
    const counts = raw.prepare(`SELECT user_id, count FROM workspace_count`).all();
    raw.close();
    assert.deepEqual(counts, [{ user_id: 'u1', count: 2 }]);
  });
});
