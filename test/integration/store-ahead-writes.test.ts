/**
 * Values written to the store ahead of their save (sessions/ahead.writes.ts over the real
 * embedded store): the save that stores them only names them, and whenever no save stored
 * them (R refused the dataset, the run or the save failed) they are deleted, unless a save
 * named them after all; nothing is written ahead into a workspace that is not the user's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { StoredPanthrObject } from '../../converters/index.ts';
import { storePersistence } from '../../server/realtime/store.adapter.ts';
import { AheadWrites } from '../../server/sessions/ahead.writes.ts';
import { createWorkspace, loadObjects, openStore, type Store } from '../../server/store/index.ts';

/** A dataset of one 600,000-value column: two chunks of the store's 4 MB. */
function dataset(name: string, k: number): StoredPanthrObject {
  const values = Buffer.from(Float64Array.from({ length: 600_000 }, (_, i) => i * k).buffer);
  return {
    type: 'dataset',
    name,
    variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values }],
  } as unknown as StoredPanthrObject;
}

describe('store: values written ahead of their save', function () {
  this.timeout(60_000);
  let dir: string;
  let store: Store;
  let workspaceId: string;
  const log = pino({ level: 'silent' });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-ahead-'));
    store = await openStore({ data_dir: dir, mongodb_url: null });
    workspaceId = (await createWorkspace(store, 'u1', 'w'))._id;
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const chunks = async (): Promise<number> =>
    (await store.workspaces.chunkList(workspaceId)).length;
  /** One run's writes ahead; `own` false: the workspace is another user's (read-only). */
  const run = (own = true): AheadWrites =>
    new AheadWrites(
      storePersistence(store),
      () => Promise.resolve(own ? workspaceId : undefined),
      log,
    );
  const prepare = async (ahead: AheadWrites, object: StoredPanthrObject): Promise<void> => {
    const option = ahead.option().prepare;
    assert.ok(option, 'the embedded store writes ahead');
    await option(object);
  };

  it('deletes what was written ahead when no save stored it', async () => {
    const ahead = run();
    await prepare(ahead, dataset('refused', 1));
    assert.equal(await chunks(), 2);
    await ahead.settle([]);
    assert.equal(await chunks(), 0);
  });

  it('lets the save name what was written ahead, and keeps it', async () => {
    const ahead = run();
    const d = dataset('d', 2);
    await prepare(ahead, d);
    const ids = (await store.workspaces.chunkList(workspaceId)).map((c) => c._id).sort();
    await storePersistence(store).save(workspaceId, d);
    await ahead.settle([d]);
    assert.deepEqual((await store.workspaces.chunkList(workspaceId)).map((c) => c._id).sort(), ids);
    const [loaded] = await loadObjects(store, workspaceId);
    const values = (loaded?.variables as { values: Buffer }[])[0]?.values;
    assert.ok(
      values?.equals(
        (d as unknown as { variables: { values: Buffer }[] }).variables[0]?.values as Buffer,
      ),
    );
  });

  it('keeps what a save named even when a later step of the run failed', async () => {
    const ahead = run();
    const e = dataset('e', 3);
    await prepare(ahead, e);
    await storePersistence(store).save(workspaceId, e);
    // The undo record failed after the save, say: the session settles with nothing stored.
    await ahead.settle([]);
    assert.equal(await chunks(), 4, "d's and e's chunks");
    const names = (await loadObjects(store, workspaceId)).map((o) => o.name);
    assert.deepEqual(names, ['d', 'e']);
    const [, loaded] = await loadObjects(store, workspaceId);
    assert.equal((loaded?.variables as { values: Buffer }[])[0]?.values.length, 600_000 * 8);
  });

  it("writes nothing ahead into a workspace that is not the user's own", async () => {
    const before = await chunks();
    const ahead = run(false);
    await prepare(ahead, dataset('shared', 4));
    assert.equal(await chunks(), before);
    await ahead.settle([]);
  });
});
