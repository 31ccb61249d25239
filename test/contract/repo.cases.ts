/** Contract cases: the workspace and connection-log repositories. */
import assert from 'node:assert/strict';
import {
  createWorkspace,
  deleteObject,
  deleteWorkspace,
  findObject,
  listWorkspaces,
  loadObjects,
  logConnectionClosed,
  logConnectionOpened,
  prepareValues,
  recentConnections,
  renameWorkspace,
  saveObject,
  StaleObjectError,
  getWorkspace,
  sweepOrphanChunks,
  CHUNK_SWEEP_MIN_AGE_MS,
  type Store,
  type WorkspaceBlobDoc,
} from '../../server/store/index.ts';
import { rejection, user, type ContractContext } from './contract.context.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

/** How many chunks the store holds (of `workspaceId`, when given). */
async function chunkCount(store: Store, workspaceId?: string): Promise<number> {
  return (await store.workspaces.chunkList(workspaceId)).length;
}

export function repoCases(ctx: ContractContext): void {
  describe('workspace repository', () => {
    it('creates, lists, renames workspaces per user', async () => {
      const one = await createWorkspace(ctx.store, 'u1', 'first');
      await tick(); // listWorkspaces orders by createdAt (ms), then by the random id
      const two = await createWorkspace(ctx.store, 'u1', 'second');
      await createWorkspace(ctx.store, 'u2', 'other');
      assert.match(one._id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        (await listWorkspaces(ctx.store, 'u1')).map((w) => w.name),
        ['first', 'second'],
      );
      assert.equal(await renameWorkspace(ctx.store, 'u2', two._id, 'stolen'), null);
      assert.equal(await getWorkspace(ctx.store, 'u2', two._id), null);
      const renamed = await renameWorkspace(ctx.store, 'u1', two._id, 'renamed');
      assert.equal(renamed?.name, 'renamed');
      assert.equal((await getWorkspace(ctx.store, 'u1', two._id))?.name, 'renamed');
    });

    it('deletes a workspace with its objects, never the last one, and moves current', async () => {
      const one = await createWorkspace(ctx.store, 'u1', 'first');
      const two = await createWorkspace(ctx.store, 'u1', 'second');
      await ctx.store.accounts.createUser(
        user('u1', 'a@example.org', { currentWorkspace: two._id }),
      );
      await saveObject(ctx.store, two._id, { name: 'x', type: 'dataset' });
      await saveObject(ctx.store, one._id, { name: 'y', type: 'dataset' });
      assert.equal(await deleteWorkspace(ctx.store, 'u2', two._id), 'not_found');
      assert.equal(await deleteWorkspace(ctx.store, 'u1', two._id), 'deleted');
      assert.deepEqual(await loadObjects(ctx.store, two._id), []);
      assert.equal((await loadObjects(ctx.store, one._id)).length, 1);
      assert.equal((await ctx.store.accounts.findById('u1'))?.currentWorkspace, one._id);
      assert.equal(await deleteWorkspace(ctx.store, 'u1', one._id), 'last_workspace');
      assert.equal((await listWorkspaces(ctx.store, 'u1')).length, 1);
    });

    it('never deletes the last workspace under concurrent deletes', async () => {
      const ids = [];
      for (const name of ['a', 'b', 'c'])
        ids.push((await createWorkspace(ctx.store, 'u1', name))._id);
      const results = await Promise.all(ids.map((id) => deleteWorkspace(ctx.store, 'u1', id)));
      assert.deepEqual(results.sort(), ['deleted', 'deleted', 'last_workspace']);
      assert.equal((await listWorkspaces(ctx.store, 'u1')).length, 1);
    });

    it('saves objects with fresh hashes; a same-name save replaces and keeps its place', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      const a = await saveObject(ctx.store, ws._id, { name: 'a', type: 'dataset', v: 1 });
      const b = await saveObject(ctx.store, ws._id, { name: 'b', type: 'dataset' });
      const a2 = await saveObject(ctx.store, ws._id, { name: 'a', type: 'dataset', v: 2 });
      assert.deepEqual([a?.hash, b?.hash, a2?.hash], [1, 2, 3]);
      const objects = await loadObjects(ctx.store, ws._id);
      assert.deepEqual(objects, [
        { name: 'a', type: 'dataset', v: 2, hash: 3 },
        { name: 'b', type: 'dataset', hash: 2 },
      ]);
      assert.deepEqual(await findObject(ctx.store, ws._id, 'b'), {
        name: 'b',
        type: 'dataset',
        hash: 2,
      });
      assert.equal(await deleteObject(ctx.store, ws._id, 'b'), true);
      assert.equal(await deleteObject(ctx.store, ws._id, 'b'), false);
      assert.equal(await findObject(ctx.store, ws._id, 'b'), null);
      const b2 = await saveObject(ctx.store, ws._id, { name: 'b', type: 'dataset' });
      assert.equal(b2?.hash, 4, 'a hash is never reused');
      assert.deepEqual(
        (await loadObjects(ctx.store, ws._id)).map((o) => o.name),
        ['a', 'b'],
      );
      assert.equal(await saveObject(ctx.store, 'no-such-workspace', { name: 'z' }), null);
    });

    it('keeps large values in chunks: binary stays binary, JSON stays JSON', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      const doubles = Float64Array.from({ length: 700_000 }, (_, i) => (i % 7 === 0 ? NaN : i / 3));
      const bytes = Buffer.from(doubles.buffer);
      const small = new Float64Array([NaN, -0.5]); // stays in the document
      const json = Array.from({ length: 300_000 }, (_, i) => (i % 5 === 0 ? null : `v${i}`));
      const dataset = {
        name: 'd',
        type: 'dataset',
        variables: [
          { name: 'x', variableType: 'scalar', values: bytes },
          { name: 'y', variableType: 'nominal', values: json },
          { name: 'z', variableType: 'scalar', values: [1, 2] },
          { name: 'w', variableType: 'scalar', values: Buffer.from(small.buffer) },
        ],
        options: { values: { blob: { chunks: ['d@1#0'], binary: true } } },
      };
      const saved = await saveObject(ctx.store, ws._id, dataset);
      const chunks = await chunkCount(ctx.store, ws._id);
      assert.ok(chunks >= 3, `${chunks} chunks for 5.6 MB of doubles and 300,000 strings`);
      const [doc] = await ctx.store.workspaces.objectsOf(ws._id);
      assert.ok(JSON.stringify(doc).length < 10_000, 'the object document holds no values');
      for (const loaded of [
        (await loadObjects(ctx.store, ws._id))[0],
        await findObject(ctx.store, ws._id, 'd'),
      ]) {
        const vars = loaded?.variables as { values: unknown }[];
        assert.ok(Buffer.isBuffer(vars[0]?.values));
        assert.ok(bytes.equals(vars[0]?.values), 'bit-exact, NaN included');
        assert.deepEqual(vars[1]?.values, json);
        assert.deepEqual(vars[2]?.values, [1, 2]);
        assert.ok(Buffer.isBuffer(vars[3]?.values));
        assert.ok(Buffer.from(small.buffer).equals(vars[3]?.values));
        assert.deepEqual(loaded?.options, dataset.options, "a client's look-alike stays data");
        assert.equal(loaded?.hash, saved?.hash);
      }
      await saveObject(ctx.store, ws._id, { ...dataset, variables: dataset.variables.slice(2) });
      assert.equal(
        await chunkCount(ctx.store, ws._id),
        0,
        'replacing an object deletes its chunks',
      );
      await saveObject(ctx.store, ws._id, dataset);
      assert.equal(await deleteObject(ctx.store, ws._id, 'd'), true);
      assert.equal(await chunkCount(ctx.store, ws._id), 0);
      await saveObject(ctx.store, ws._id, dataset);
      const other = await createWorkspace(ctx.store, 'u1', 'other');
      assert.equal(await deleteWorkspace(ctx.store, 'u1', ws._id), 'deleted');
      assert.equal(await chunkCount(ctx.store), 0);
      assert.deepEqual(await loadObjects(ctx.store, other._id), []);
    });

    it('keeps long text of few strings coded: int32 bytes, then the strings, in chunks', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      const names = ['north', '', 'Zürich ✓', 'a "quoted" \\ name', 'NA'];
      const groups = Array.from({ length: 300_000 }, (_, i) =>
        i % 11 === 0 ? null : (names[(i * 7) % names.length] as string),
      );
      const ids = Array.from({ length: 20_000 }, (_, i) => `id${i}`);
      const dataset = {
        name: 'd',
        type: 'dataset',
        variables: [
          { name: 'g', variableType: 'nominal', values: groups },
          { name: 'id', variableType: 'string', values: ids },
        ],
      };
      await saveObject(ctx.store, ws._id, dataset);
      const [doc] = await ctx.store.workspaces.objectsOf(ws._id);
      const refs = (doc?.object as { variables: { values: { blob: Record<string, unknown> } }[] })
        .variables;
      assert.ok(JSON.stringify(doc).length < 2_000, 'the document holds neither codes nor strings');
      assert.equal(
        refs[0]?.values.blob.binary,
        true,
        'an older reader fails on it, never misreads',
      );
      assert.equal(refs[0]?.values.blob.strings, 1, 'the last chunk holds the strings');
      assert.equal(refs[1]?.values.blob.strings, undefined, 'distinct ids stay JSON');
      const chunks = refs[0]?.values.blob.chunks as string[];
      const data = await ctx.store.workspaces.chunkData(ws._id, chunks);
      const bytes = chunks.slice(0, -1).reduce((n, id) => {
        // Bytes as either backend reads them back: a Buffer, or a BSON Binary.
        const d = data.get(id) as Uint8Array | { value(): Uint8Array };
        return n + (d instanceof Uint8Array ? d : d.value()).length;
      }, 0);
      assert.equal(bytes, 4 * groups.length, 'one int32 a value');
      const firstSeen = [...new Set(groups.filter((g) => g !== null))];
      assert.equal(firstSeen.length, names.length);
      assert.deepEqual(
        data.get(chunks.at(-1) as string),
        firstSeen,
        'in order of first appearance',
      );
      for (const loaded of [
        (await loadObjects(ctx.store, ws._id))[0],
        await findObject(ctx.store, ws._id, 'd'),
      ]) {
        const vars = loaded?.variables as { values: unknown }[];
        assert.deepEqual(vars[0]?.values, groups, 'the very values, missing ones included');
        assert.deepEqual(vars[1]?.values, ids);
      }
      assert.equal(await deleteObject(ctx.store, ws._id, 'd'), true);
      assert.equal(await chunkCount(ctx.store, ws._id), 0, 'its chunks go with it');
    });

    it('saving an object again writes only values it did not hold (an upload in parts)', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      const column = (k: number): Buffer =>
        Buffer.from(Float64Array.from({ length: 600_000 }, (_, i) => i * k).buffer);
      const x = { name: 'x', variableType: 'scalar', values: column(1) };
      const y = { name: 'y', variableType: 'scalar', values: column(2) };
      const z = { name: 'z', variableType: 'scalar', values: column(3) };
      const ids = async (): Promise<string[]> =>
        (await ctx.store.workspaces.chunkList(ws._id)).map((c) => c._id).sort();
      await saveObject(ctx.store, ws._id, { name: 'd', type: 'dataset', variables: [x] });
      const first = await ids();
      assert.equal(first.length, 2, 'two chunks of 4.8 MB');
      await saveObject(ctx.store, ws._id, { name: 'd', type: 'dataset', variables: [x, y] });
      const second = await ids();
      assert.equal(second.length, 4);
      assert.ok(
        first.every((id) => second.includes(id)),
        'x kept its chunks',
      );
      // y replaced by z: y's chunks go, x's stay.
      await saveObject(ctx.store, ws._id, { name: 'd', type: 'dataset', variables: [x, z] });
      const third = await ids();
      assert.equal(third.length, 4);
      assert.ok(first.every((id) => third.includes(id)));
      assert.ok(second.filter((id) => !first.includes(id)).every((id) => !third.includes(id)));
      const [loaded] = await loadObjects(ctx.store, ws._id);
      const vars = loaded?.variables as { values: Buffer }[];
      assert.ok(vars[0]?.values.equals(x.values) && vars[1]?.values.equals(z.values));
      // Deleted, then saved with the same values: written afresh, nothing dangles.
      assert.equal(await deleteObject(ctx.store, ws._id, 'd'), true);
      await saveObject(ctx.store, ws._id, { name: 'd', type: 'dataset', variables: [x] });
      assert.equal((await ids()).length, 2);
      const [again] = await loadObjects(ctx.store, ws._id);
      assert.ok((again?.variables as { values: Buffer }[])[0]?.values.equals(x.values));
      // Another object with the same values shares their chunks (an undo record of an upload
      // part holds the dataset again), and they stay while one document names them.
      await saveObject(ctx.store, ws._id, { name: 'e', type: 'dataset', variables: [x] });
      assert.equal((await ids()).length, 2);
      await deleteObject(ctx.store, ws._id, 'd');
      assert.equal((await ids()).length, 2);
      const [e] = await loadObjects(ctx.store, ws._id);
      assert.ok((e?.variables as { values: Buffer }[])[0]?.values.equals(x.values));
      await deleteObject(ctx.store, ws._id, 'e');
      assert.equal((await ids()).length, 0, 'deleted once no document names them');
    });

    it('writes values ahead of their save, which only names them; discards them unsaved', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      const column = (k: number): Buffer =>
        Buffer.from(Float64Array.from({ length: 600_000 }, (_, i) => i * k).buffer);
      const text = Array.from({ length: 5000 }, (_, i) => `g${i % 7}`);
      const d = {
        name: 'd',
        type: 'dataset',
        variables: [
          { name: 'x', variableType: 'scalar', values: column(1) },
          { name: 'g', variableType: 'nominal', values: text },
        ],
      };
      const ids = async (): Promise<string[]> =>
        (await ctx.store.workspaces.chunkList(ws._id)).map((c) => c._id).sort();
      const ahead = await prepareValues(ctx.store, ws._id, d);
      const written = await ids();
      assert.equal(written.length, 4, "two chunks of 4.8 MB, the text's codes and its strings");
      await saveObject(ctx.store, ws._id, d);
      assert.deepEqual(await ids(), written, 'the save named them, writing nothing');
      // Discarding what a save named deletes nothing.
      await ahead.discard();
      assert.deepEqual(await ids(), written);
      const [loaded] = await loadObjects(ctx.store, ws._id);
      const vars = loaded?.variables as { values: unknown }[];
      assert.ok((vars[0]?.values as Buffer).equals(d.variables[0]?.values as Buffer));
      assert.deepEqual(vars[1]?.values, text);
      // Values written ahead of a save that never comes are deleted by discard.
      const e = { ...d, name: 'e', variables: [{ ...d.variables[0], values: column(2) }] };
      const unsaved = await prepareValues(ctx.store, ws._id, e);
      assert.equal((await ids()).length, 6);
      await unsaved.discard();
      assert.deepEqual(await ids(), written);
      // And a save of those values afterwards writes them again (none dangles).
      await saveObject(ctx.store, ws._id, e);
      assert.equal((await ids()).length, 6);
      const [, eLoaded] = await loadObjects(ctx.store, ws._id);
      assert.ok(
        ((eLoaded?.variables as { values: Buffer }[])[0]?.values as Buffer).equals(column(2)),
      );
    });

    it('sweeps chunks no object names, and only those', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      const values = Buffer.from(Float64Array.from({ length: 10_000 }, (_, i) => i).buffer);
      const vector = { name: 'v', type: 'vector', variableType: 'scalar', values };
      await saveObject(ctx.store, ws._id, vector);
      await ctx.store.workspaces.insertChunks([
        {
          _id: `${ws._id}/gone@99#0`,
          workspaceId: ws._id,
          data: Buffer.alloc(100_000),
          createdAt: new Date(Date.now() - CHUNK_SWEEP_MIN_AGE_MS - 1000),
        },
      ]);
      assert.equal(await sweepOrphanChunks(ctx.store), 1);
      assert.equal(await sweepOrphanChunks(ctx.store), 0);
      const [loaded] = await loadObjects(ctx.store, ws._id);
      assert.ok(values.equals(loaded?.values as Buffer));
    });

    it('leaves a fresh unnamed chunk (a save in flight elsewhere) to a later sweep', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      const chunk = (id: string, createdAt: Date) =>
        ctx.store.workspaces.insertChunks([
          { _id: id, workspaceId: ws._id, data: [1, 2], createdAt },
        ]);
      const now = Date.now();
      // Another node's save: its chunk is written now, its object not yet.
      await chunk('fresh', new Date(now));
      await chunk('old', new Date(now - CHUNK_SWEEP_MIN_AGE_MS - 1000));
      assert.equal(await sweepOrphanChunks(ctx.store), 1);
      assert.deepEqual(
        (await ctx.store.workspaces.chunkList()).map((c) => c._id),
        ['fresh'],
      );
      // Still unnamed once the bound has passed: a crash's leftover, swept then.
      const later = new Date(now + CHUNK_SWEEP_MIN_AGE_MS + 1000);
      assert.equal(await sweepOrphanChunks(ctx.store, later), 1);
      assert.equal(await chunkCount(ctx.store), 0);
    });

    it('deletes the chunks it wrote when a later chunk cannot be written', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      await saveObject(ctx.store, ws._id, { name: 'v', values: [1, 2] });
      // Two chunks (CHUNK_BYTES is 4 MB); the second fails after the first is written.
      const values = Buffer.from(Float64Array.from({ length: 600_000 }, (_, i) => i).buffer);
      const repo = ctx.store.workspaces;
      // The batch's first chunk is written, then the disk is full.
      const insertChunks = async (docs: readonly WorkspaceBlobDoc[]) => {
        await repo.insertChunks(docs.slice(0, 1));
        throw new Error('no space left on device');
      };
      // Every other method is the real one, called on the real repository.
      const failing = new Proxy(repo, {
        get: (target, key) =>
          key === 'insertChunks'
            ? insertChunks
            : (Reflect.get(target, key) as (...args: unknown[]) => unknown).bind(target),
      });
      const store: Store = { ...ctx.store, workspaces: failing };
      await assert.rejects(saveObject(store, ws._id, { name: 'v', values }), /no space left/);
      assert.equal(await chunkCount(ctx.store, ws._id), 0);
      assert.deepEqual((await findObject(ctx.store, ws._id, 'v'))?.values, [1, 2]);
    });

    it('refuses a save with hashes older than another process saved; then takes new ones', async () => {
      // Two stores over one database: two nodes, each with its own hash blocks.
      const nodeA: Store = { ...ctx.store };
      const nodeB: Store = { ...ctx.store };
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      await saveObject(nodeA, ws._id, { name: 'x', by: 'A' });
      const newer = await saveObject(nodeB, ws._id, { name: 'x', by: 'B' });
      const late = await rejection(() => saveObject(nodeA, ws._id, { name: 'x', by: 'A late' }));
      assert.ok(late instanceof StaleObjectError);
      assert.deepEqual(await findObject(ctx.store, ws._id, 'x'), newer);
      const again = await saveObject(nodeA, ws._id, { name: 'x', by: 'A again' });
      assert.ok((again?.hash ?? 0) > (newer?.hash ?? 0));
      assert.equal((await findObject(ctx.store, ws._id, 'x'))?.['by'], 'A again');
    });

    it('gives distinct hashes to concurrent saves', async () => {
      const ws = await createWorkspace(ctx.store, 'u1', 'w');
      const saved = await Promise.all(
        Array.from({ length: 20 }, (_, i) => saveObject(ctx.store, ws._id, { name: `o${i % 10}` })),
      );
      const hashes = saved.map((o) => o?.hash);
      assert.equal(new Set(hashes).size, 20);
      assert.equal((await loadObjects(ctx.store, ws._id)).length, 10);
    });
  });

  describe('connection log', () => {
    it('records openings and closings, newest first', async () => {
      const first = await logConnectionOpened(ctx.store, { userId: 'u1', address: '127.0.0.1' });
      await tick();
      const second = await logConnectionOpened(ctx.store, { userId: null, address: '::1' });
      await logConnectionClosed(ctx.store, first, { reason: 'client', messages: 7 });
      const recent = await recentConnections(ctx.store, 10);
      assert.deepEqual(
        recent.map((c) => c._id),
        [second, first],
      );
      assert.equal(recent[1]?.reason, 'client');
      assert.equal(recent[1]?.messages, 7);
      assert.ok(recent[1]?.closedAt instanceof Date);
    });
  });
}
