/**
 * Contract cases: the workspaces repository (`store.workspaces`, workspace.repository.ts)
 * itself, every method and rule, on every backend: unique names per user, the counter's
 * conditional updates racing, hashes reserved once, objects replaced in place, chunks.
 */
import assert from 'node:assert/strict';
import {
  isDuplicateKeyError,
  StaleObjectError,
  sweepOrphanChunks,
  type WorkspaceDoc,
  type WorkspaceObjectDoc,
} from '../../server/store/index.ts';
import { bytesOrJson } from '../../server/store/workspace.blobs.ts';
import { rejection, type ContractContext } from './contract.context.ts';

function workspace(id: string, userId: string, name: string, at = 1): WorkspaceDoc {
  return {
    _id: id,
    userId,
    name,
    nameKey: name.toLowerCase(),
    createdAt: new Date(at),
    updatedAt: new Date(at),
    nextHash: 1,
  };
}

function object(workspaceId: string, name: string, hash: number, extra = {}): WorkspaceObjectDoc {
  const obj = { name, type: 'dataset', ...extra };
  return { _id: `${workspaceId}/${name}`, workspaceId, name, hash, order: hash, object: obj };
}

export function workspaceCases(ctx: ContractContext): void {
  describe('workspaces repository', () => {
    const repo = () => ctx.store.workspaces;

    it('inserts, finds and lists workspaces; a name once per user without case', async () => {
      await repo().insert(workspace('b', 'u1', 'Beta', 2));
      await repo().insert(workspace('a', 'u1', 'Alpha', 2));
      await repo().insert(workspace('c', 'u2', 'Beta', 1));
      assert.deepEqual(await repo().byId('a'), workspace('a', 'u1', 'Alpha', 2));
      assert.equal((await repo().byId('a'))?.createdAt instanceof Date, true);
      assert.equal(await repo().byId('zz'), null);
      assert.equal(await repo().ofUser('u2', 'a'), null);
      assert.equal((await repo().ofUser('u1', 'a'))?.name, 'Alpha');
      // oldest first, ties by id
      assert.deepEqual(
        (await repo().listOfUser('u1')).map((w) => w._id),
        ['a', 'b'],
      );
      assert.deepEqual([await repo().count('u1'), await repo().count()], [2, 3]);
      assert.deepEqual((await repo().ids()).sort(), ['a', 'b', 'c']);
      const taken = await rejection(() => repo().insert(workspace('d', 'u1', 'BETA')));
      assert.ok(isDuplicateKeyError(taken));
      const sameId = await rejection(() => repo().insert(workspace('a', 'u3', 'New')));
      assert.ok(isDuplicateKeyError(sameId));
      assert.equal(await repo().count(), 3);
    });

    it('renames, touches, removes; a rename onto a taken name fails with 11000', async () => {
      await repo().insert(workspace('a', 'u1', 'Alpha'));
      await repo().insert(workspace('b', 'u1', 'Beta'));
      const at = new Date(5000);
      const renamed = await repo().rename('u1', 'a', {
        name: 'Gamma',
        nameKey: 'gamma',
        updatedAt: at,
      });
      assert.deepEqual(renamed, { ...workspace('a', 'u1', 'Gamma'), updatedAt: at });
      assert.equal(
        await repo().rename('u2', 'a', { name: 'x', nameKey: 'x', updatedAt: at }),
        null,
      );
      const clash = await rejection(() =>
        repo().rename('u1', 'a', { name: 'BETA', nameKey: 'beta', updatedAt: at }),
      );
      assert.ok(isDuplicateKeyError(clash));
      assert.equal((await repo().byId('a'))?.name, 'Gamma');
      await repo().touch('b', new Date(9000));
      assert.equal((await repo().byId('b'))?.updatedAt.getTime(), 9000);
      assert.equal(await repo().remove('u2', 'b'), false);
      assert.equal(await repo().remove('u1', 'b'), true);
      assert.equal(await repo().remove('u1', 'b'), false);
      await repo().countUp('u1', 10);
      await repo().removeUser('u1');
      assert.equal(await repo().count(), 0);
      // the counter went with them: the user starts again at one
      assert.equal(await repo().countDown('u1'), false);
    });

    it('reserves hashes once each, even at once, and none of a missing workspace', async () => {
      await repo().insert(workspace('a', 'u1', 'A'));
      const firsts = await Promise.all(
        Array.from({ length: 8 }, () => repo().reserveHashes('a', 64, new Date(7))),
      );
      assert.deepEqual(
        firsts.sort((x, y) => (x ?? 0) - (y ?? 0)),
        Array.from({ length: 8 }, (_, i) => 1 + 64 * i),
      );
      const after = await repo().byId('a');
      assert.deepEqual([after?.nextHash, after?.updatedAt.getTime()], [1 + 64 * 8, 7]);
      assert.equal(await repo().reserveHashes('none', 64, new Date()), null);
      await repo().setNextHash('a', 1000);
      assert.equal(await repo().reserveHashes('a', 1, new Date()), 1000);
    });

    it('counts up to a cap and down to one, exactly once each when racing', async () => {
      const ups = await Promise.all(Array.from({ length: 5 }, () => repo().countUp('u1', 3)));
      assert.deepEqual(ups.filter(Boolean).length, 3);
      assert.equal(await repo().countUp('u1', 3), false);
      const downs = await Promise.all(Array.from({ length: 5 }, () => repo().countDown('u1')));
      assert.deepEqual(downs.filter(Boolean).length, 2, 'never below one');
      await repo().countBack('u1');
      assert.equal(await repo().countDown('u1'), true);
      assert.equal(await repo().countDown('u1'), false);
      assert.equal(await repo().countUp('u2', 1), true, 'each user has a counter');
    });

    it('puts objects: a new one ordered by its hash, a replaced one keeps its order', async () => {
      assert.equal(await repo().putObject(object('w', 'a', 5)), null);
      assert.equal(await repo().putObject(object('w', 'b', 6)), null);
      const replaced = await repo().putObject(object('w', 'a', 9, { v: 2 }));
      assert.deepEqual(replaced, object('w', 'a', 5));
      assert.deepEqual(await repo().findObject('w/a'), {
        ...object('w', 'a', 9, { v: 2 }),
        order: 5,
      });
      await repo().insertObject(object('v', 'c', 1));
      assert.ok(
        isDuplicateKeyError(await rejection(() => repo().insertObject(object('v', 'c', 2)))),
      );
      assert.deepEqual(
        (await repo().objectsOf('w')).map((o) => o.name),
        ['a', 'b'],
      );
      await repo().setOrder('w/a', 7);
      assert.deepEqual(
        (await repo().objectsOf('w')).map((o) => o.name),
        ['b', 'a'],
      );
      assert.deepEqual(
        (await repo().objectsByIds(['w/b', 'v/c', 'w/none'])).map((o) => o._id).sort(),
        ['v/c', 'w/b'],
      );
      assert.equal((await repo().everyObject()).length, 3);
      assert.equal(await repo().removeObject('w/a', 5), false, 'not that version any more');
      assert.equal(await repo().removeObject('w/a', 9), true);
      assert.equal(await repo().findObject('w/a'), null);
      assert.deepEqual((await repo().dataWorkspaceIds()).sort(), ['v', 'w']);
    });

    it('round-trips awkward object values: $-text, NaN, Infinity, undefined, Dates, bytes', async () => {
      const awkward = {
        text: '{"$date": "2020-01-01T00:00:00Z"} and "$oid" \u0000bytes-0',
        nan: NaN,
        inf: -Infinity,
        missing: undefined,
        when: [new Date(0)],
        nested: { a: [true, null, 3e100] },
      };
      await repo().putObject(object('w', 'y', 1, awkward));
      const found = (await repo().findObject('w/y'))?.object as Record<string, unknown>;
      assert.deepEqual(found, { name: 'y', type: 'dataset', ...awkward, missing: null });
      const bytes = Buffer.from([1, 2, 3, 250]);
      await repo().putObject(object('w', 'z', 2, { values: bytes }));
      const read = ((await repo().objectsOf('w'))[1]?.object as { values: unknown }).values;
      assert.deepEqual(bytesOrJson(read), bytes, 'bytes read back as bytes');
    });

    it('refuses an object write with an older hash: a newer save is never replaced', async () => {
      assert.equal(await repo().putObject(object('w', 'a', 9, { v: 'newer' })), null);
      for (const hash of [4, 9]) {
        const refused = await rejection(() =>
          repo().putObject(object('w', 'a', hash, { v: 'older' })),
        );
        assert.ok(refused instanceof StaleObjectError, `hash ${hash} refused`);
      }
      assert.deepEqual(await repo().findObject('w/a'), object('w', 'a', 9, { v: 'newer' }));
      const replaced = await repo().putObject(object('w', 'a', 12, { v: 'newest' }));
      assert.deepEqual(replaced, object('w', 'a', 9, { v: 'newer' }));
      assert.equal((await repo().findObject('w/a'))?.hash, 12);
    });

    it('keeps chunks: bytes small and large, JSON slices; by workspace; 11000 on an id', async () => {
      const large = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
      const small = Buffer.from([0, 1, 2]);
      const json = [1, null, 'x', NaN];
      const at = new Date(1234);
      await repo().insertChunks([{ _id: 'w/a@1#0', workspaceId: 'w', data: large, createdAt: at }]);
      await repo().insertChunks([{ _id: 'w/a@1#1', workspaceId: 'w', data: small, createdAt: at }]);
      await repo().insertChunks([{ _id: 'w/b@2#0', workspaceId: 'w', data: json, createdAt: at }]);
      await repo().insertChunks([{ _id: 'v/c@1#0', workspaceId: 'v', data: [2], createdAt: at }]);
      const dup = await rejection(() =>
        repo().insertChunks([{ _id: 'w/a@1#0', workspaceId: 'w', data: small, createdAt: at }]),
      );
      assert.ok(isDuplicateKeyError(dup));
      const data = await repo().chunkData('w', ['w/a@1#0', 'w/a@1#1', 'w/b@2#0', 'v/c@1#0']);
      assert.deepEqual([...data.keys()].sort(), ['w/a@1#0', 'w/a@1#1', 'w/b@2#0']);
      assert.ok(large.equals(bytesOrJson(data.get('w/a@1#0')) as Buffer));
      assert.ok(small.equals(bytesOrJson(data.get('w/a@1#1')) as Buffer));
      assert.deepEqual(data.get('w/b@2#0'), json);
      assert.deepEqual(
        (await repo().chunkList('w'))
          .map((c) => [c._id, c.workspaceId, c.createdAt.getTime()])
          .sort(),
        [
          ['w/a@1#0', 'w', 1234],
          ['w/a@1#1', 'w', 1234],
          ['w/b@2#0', 'w', 1234],
        ],
      );
      await repo().removeChunks(['w/a@1#0', 'w/none']);
      assert.equal((await repo().chunkList()).length, 3);
      await repo().putObject(object('w', 'b', 2));
      await repo().removeData(['w']);
      assert.deepEqual(
        (await repo().chunkList()).map((c) => c._id),
        ['v/c@1#0'],
      );
      assert.deepEqual(await repo().objectsOf('w'), []);
      assert.deepEqual(await repo().dataWorkspaceIds(), ['v']);
    });

    it('keeps a batch of chunks, large and small; a batch with a taken id fails with 11000', async () => {
      const at = new Date(5678);
      const large = (k: number) =>
        Buffer.from(Array.from({ length: 200_000 + k }, (_, i) => (i * k) % 253));
      const batch = [
        { _id: 'w/d@1#0', workspaceId: 'w', data: large(1), createdAt: at },
        { _id: 'w/d@1#1', workspaceId: 'w', data: [1, 'two', null], createdAt: at },
        { _id: 'w/d@1#2', workspaceId: 'w', data: large(2), createdAt: at },
        { _id: 'w/d@1#3', workspaceId: 'w', data: Buffer.from([7, 8]), createdAt: at },
        { _id: 'w/d@1#4', workspaceId: 'w', data: large(3), createdAt: at },
      ];
      await repo().insertChunks(batch);
      await repo().insertChunks([]);
      const ids = batch.map((c) => c._id);
      const data = await repo().chunkData('w', ids);
      for (const c of batch) {
        const got = bytesOrJson(data.get(c._id));
        if (Buffer.isBuffer(c.data)) assert.ok(c.data.equals(got as Buffer), c._id);
        else assert.deepEqual(got, c.data);
      }
      // A taken id, among large bytes or among data kept in rows: refused; the stored chunk
      // stays as it was (the batch's new chunks may have been added: the caller removes them).
      for (const [taken, data] of [
        ['w/d@1#2', large(5)],
        ['w/d@1#3', Buffer.from([9])],
      ] as const) {
        const again = [
          { _id: `w/e@${taken}`, workspaceId: 'w', data: large(4), createdAt: at },
          { _id: taken, workspaceId: 'w', data, createdAt: at },
        ];
        assert.ok(isDuplicateKeyError(await rejection(() => repo().insertChunks(again))));
        const kept = (await repo().chunkData('w', [taken])).get(taken);
        assert.ok(
          (batch.find((c) => c._id === taken)?.data as Buffer).equals(bytesOrJson(kept) as Buffer),
        );
        await repo().removeChunks(again.slice(0, 1).map((c) => c._id));
      }
      assert.deepEqual((await repo().chunkList('w')).map((c) => c._id).sort(), ids);
    });

    it('takes a chunk of an older version (no createdAt) as old: the sweep may take it', async () => {
      await ctx.store.close();
      await ctx.backend.writeOld(ctx.place, 'workspaceBlobs', [
        { _id: 'w/old@1#0', workspaceId: 'w', data: [1, 2] },
      ]);
      ctx.store = (await ctx.backend.open(ctx.place)).store;
      const [info] = await repo().chunkList();
      assert.deepEqual([info?._id, info?.createdAt.getTime()], ['w/old@1#0', 0]);
      assert.deepEqual((await repo().chunkData('w', ['w/old@1#0'])).get('w/old@1#0'), [1, 2]);
      assert.equal(await sweepOrphanChunks(ctx.store), 1);
    });
  });
}
