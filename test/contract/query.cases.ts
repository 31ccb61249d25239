/** Contract cases: find and findOne with filters, sort, skip, limit and projection. */
import assert from 'node:assert/strict';
import type { WorkspaceObjectDoc } from '../../server/store/index.ts';
import type { ContractContext } from './contract.context.ts';

function objectDoc(workspaceId: string, name: string, order: number): WorkspaceObjectDoc {
  return {
    _id: `${workspaceId}/${name}`,
    workspaceId,
    name,
    hash: order * 10,
    order,
    object: { name, type: 'dataset', size: order % 3 },
  };
}

/** The `_id`s of `docs`, in their order. */
const ids = (docs: readonly { _id: string }[]): string[] => docs.map((d) => d._id);

/** The names of `docs`, in their order. */
const names = (docs: readonly { name: string }[]): string[] => docs.map((d) => d.name);

export function queryCases(ctx: ContractContext): void {
  describe('queries', () => {
    beforeEach(async () => {
      // inserted out of order, in two workspaces
      for (const [ws, name, order] of [
        ['w1', 'c', 3],
        ['w1', 'a', 1],
        ['w2', 'x', 1],
        ['w1', 'd', 4],
        ['w1', 'b', 2],
      ] as const) {
        await ctx.store.workspaceObjects.insertOne(objectDoc(ws, name, order));
      }
    });

    it('filters on indexed and unindexed fields together', async () => {
      const docs = await ctx.store.workspaceObjects
        .find({ workspaceId: 'w1', 'object.size': { $gte: 1 } })
        .sort({ order: 1 })
        .toArray();
      assert.deepEqual(names(docs), ['a', 'b', 'd']);
      assert.equal(await ctx.store.workspaceObjects.countDocuments({ workspaceId: 'w2' }), 1);
      assert.equal(await ctx.store.workspaceObjects.countDocuments({ workspaceId: 'none' }), 0);
      const ordered = await ctx.store.workspaceObjects
        .find({ workspaceId: 'w1', order: 3 })
        .toArray();
      assert.deepEqual(names(ordered), ['c']);
    });

    it('sorts ascending and descending, skips and limits', async () => {
      const cursor = ctx.store.workspaceObjects.find({ workspaceId: 'w1' });
      const page = await cursor.sort({ order: -1 }).skip(1).limit(2).toArray();
      assert.deepEqual(names(page), ['c', 'b']);
      const byOptions = await ctx.store.workspaceObjects
        .find({}, { sort: { workspaceId: -1, order: 1 }, limit: 3 })
        .toArray();
      assert.deepEqual(ids(byOptions), ['w2/x', 'w1/a', 'w1/b']);
      const first = await ctx.store.workspaceObjects.findOne(
        { workspaceId: 'w1' },
        { sort: { order: -1 } },
      );
      assert.equal(first?.name, 'd');
    });

    it('matches $in, $ne, $exists, $or and ranges on Dates', async () => {
      const some = await ctx.store.workspaceObjects
        .find({ _id: { $in: ['w1/a', 'w2/x', 'w9/z'] } })
        .sort({ _id: 1 })
        .toArray();
      assert.deepEqual(ids(some), ['w1/a', 'w2/x']);
      const notW1 = await ctx.store.workspaceObjects.find({ workspaceId: { $ne: 'w1' } }).toArray();
      assert.deepEqual(names(notW1), ['x']);
      const either = await ctx.store.workspaceObjects
        .find({ $or: [{ name: 'a' }, { order: 4 }] })
        .sort({ name: 1 })
        .toArray();
      assert.deepEqual(names(either), ['a', 'd']);
    });

    it('projects fields', async () => {
      const doc = await ctx.store.workspaceObjects.findOne(
        { _id: 'w1/a' },
        { projection: { name: 1, _id: 0 } },
      );
      assert.deepEqual(doc, { name: 'a' });
      const docs = await ctx.store.workspaceObjects
        .find({ workspaceId: 'w1' }, { projection: { object: 0, hash: 0 } })
        .sort({ order: 1 })
        .limit(1)
        .toArray();
      assert.deepEqual(docs, [{ _id: 'w1/a', workspaceId: 'w1', name: 'a', order: 1 }]);
    });
  });
}
