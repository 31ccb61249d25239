/** Contract cases: every write method of StoreCollection, duplicates, indexes, expiry. */
import assert from 'node:assert/strict';
import { isDuplicateKeyError, EXPIRING_COLLECTIONS } from '../../server/store/index.ts';
import { rejection, type ContractContext } from './contract.context.ts';

export function collectionCases(ctx: ContractContext): void {
  describe('documents', () => {
    it('round-trips a document with nulls and nested values', async () => {
      const object = { type: 'dataset', values: [1.5, -2, 3e100], nested: { a: [true, null] } };
      await ctx.store.workspaceObjects.insertOne({
        _id: 'w/x',
        workspaceId: 'w',
        name: 'x',
        hash: 1,
        order: 1,
        object,
      });
      assert.deepEqual((await ctx.store.workspaceObjects.findOne({ _id: 'w/x' }))?.object, object);
      assert.equal(await ctx.store.workspaceObjects.findOne({ _id: 'nobody' }), null);
    });

    it('round-trips bytes as BSON Binary, and deletes by _id lists', async () => {
      const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
      const tricky = '\u0000bytes-0 "quoted" {"$binary": 1}';
      await ctx.store.workspaceBlobs.insertOne({ _id: 'b1', workspaceId: 'w', data: bytes });
      await ctx.store.workspaceBlobs.insertOne({
        _id: 'b2',
        workspaceId: 'w',
        data: { text: tricky, part: bytes.subarray(3, 11), when: new Date(5) },
      });
      await ctx.store.workspaceBlobs.insertOne({ _id: 'b3', workspaceId: 'w', data: [1, null] });
      const read = (await ctx.store.workspaceBlobs.findOne({ _id: 'b1' }))?.data as {
        _bsontype?: string;
        value(): Uint8Array;
      };
      assert.equal(read._bsontype, 'Binary');
      assert.deepEqual(Buffer.from(read.value()), bytes);
      const mixed = (await ctx.store.workspaceBlobs.findOne({ _id: 'b2' }))?.data as {
        text: string;
        part: { value(): Uint8Array };
        when: Date;
      };
      assert.equal(mixed.text, tricky);
      assert.deepEqual(Buffer.from(mixed.part.value()), bytes.subarray(3, 11));
      assert.deepEqual(mixed.when, new Date(5));
      const gone = await ctx.store.workspaceBlobs.deleteMany({ _id: { $in: ['b1', 'b3', 'b9'] } });
      assert.equal(gone.deletedCount, 2);
      assert.deepEqual(
        (await ctx.store.workspaceBlobs.find({}).toArray()).map((d) => d._id),
        ['b2'],
      );
      assert.equal((await ctx.store.workspaceBlobs.deleteMany({ _id: 'b2' })).deletedCount, 1);
    });

    it('round-trips awkward values: $-text, NaN, Infinity, undefined as null', async () => {
      const object = {
        text: '{"$date": "2020-01-01T00:00:00Z"} and "$oid"',
        nan: NaN,
        inf: -Infinity,
        missing: undefined,
        when: [new Date(0)],
      };
      await ctx.store.workspaceObjects.insertOne({
        _id: 'w/y',
        workspaceId: 'w',
        name: 'y',
        hash: 1,
        order: 1,
        object,
      });
      const found = (await ctx.store.workspaceObjects.findOne({ _id: 'w/y' }))?.object;
      assert.deepEqual(found, { ...object, missing: null });
    });

    it('updateOne: $set, $unset, $inc, $push and the counts', async () => {
      await ctx.store.connections.insertOne({
        _id: 'u1',
        userId: 'a',
        address: 'x',
        openedAt: new Date(),
        reason: 'p',
      });
      const set = await ctx.store.connections.updateOne(
        { address: 'x' },
        { $set: { messages: 1 }, $unset: { reason: '' } },
      );
      assert.deepEqual([set.matchedCount, set.modifiedCount, set.upsertedCount], [1, 1, 0]);
      const same = await ctx.store.connections.updateOne({ _id: 'u1' }, { $set: { messages: 1 } });
      assert.deepEqual([same.matchedCount, same.modifiedCount], [1, 0]);
      const none = await ctx.store.connections.updateOne({ _id: 'zz' }, { $set: { messages: 1 } });
      assert.deepEqual([none.matchedCount, none.modifiedCount, none.upsertedCount], [0, 0, 0]);
      await ctx.store.workspaces.insertOne({
        _id: 'w',
        userId: 'u1',
        name: 'W',
        nameKey: 'w',
        createdAt: new Date(),
        updatedAt: new Date(),
        nextHash: 1,
      });
      await ctx.store.workspaces.updateOne({ _id: 'w' }, { $inc: { nextHash: 41 } });
      await ctx.store.connections.insertOne({
        _id: 'c',
        userId: null,
        address: '::1',
        openedAt: new Date(),
      });
      await ctx.store.connections.updateOne({ _id: 'c' }, { $push: { tags: 'x' } });
      await ctx.store.connections.updateOne({ _id: 'c' }, { $push: { tags: 'y' } });
      const u = await ctx.store.connections.findOne({ _id: 'u1' });
      assert.equal(u?.messages, 1);
      assert.equal('reason' in (u ?? {}), false);
      assert.equal((await ctx.store.workspaces.findOne({ _id: 'w' }))?.nextHash, 42);
      const c = (await ctx.store.connections.findOne({ _id: 'c' })) as unknown as {
        tags: string[];
      };
      assert.deepEqual(c.tags, ['x', 'y']);
    });

    it('upserts from the filter equality fields and $setOnInsert, only on insert', async () => {
      const first = await ctx.store.preferences.updateOne(
        { _id: 'p1', userId: 'u1', name: 'dark' },
        { $set: { settings: { color: 'black' } }, $setOnInsert: { updatedAt: new Date(7) } },
        { upsert: true },
      );
      assert.deepEqual([first.matchedCount, first.upsertedCount], [0, 1]);
      assert.deepEqual(await ctx.store.preferences.findOne({ _id: 'p1' }), {
        _id: 'p1',
        userId: 'u1',
        name: 'dark',
        settings: { color: 'black' },
        updatedAt: new Date(7),
      });
      const again = await ctx.store.preferences.updateOne(
        { _id: 'p1', userId: 'u1', name: 'dark' },
        { $set: { settings: { color: 'grey' } }, $setOnInsert: { updatedAt: new Date(9) } },
        { upsert: true },
      );
      assert.deepEqual([again.matchedCount, again.modifiedCount, again.upsertedCount], [1, 1, 0]);
      const doc = await ctx.store.preferences.findOne({ _id: 'p1' });
      assert.deepEqual([doc?.settings, doc?.updatedAt], [{ color: 'grey' }, new Date(7)]);
    });

    it('updateMany, deleteOne, deleteMany and countDocuments report counts', async () => {
      const logs = ctx.store.connections;
      for (const i of [1, 2, 3, 4]) {
        await logs.insertOne({
          _id: `u${i}`,
          userId: null,
          address: i % 2 === 0 ? 'b' : 'a',
          openedAt: new Date(i),
        });
      }
      const many = await logs.updateMany({ address: 'a' }, { $set: { address: 'b' } });
      assert.deepEqual([many.matchedCount, many.modifiedCount], [2, 2]);
      assert.equal(await logs.countDocuments({ address: 'b' }), 4);
      assert.equal((await logs.deleteOne({ address: 'b' })).deletedCount, 1);
      assert.equal((await logs.deleteOne({ _id: 'none' })).deletedCount, 0);
      assert.equal((await logs.deleteMany({ _id: { $in: ['u3', 'u4', 'zz'] } })).deletedCount, 2);
      assert.equal(await logs.countDocuments(), 1);
      assert.equal((await logs.deleteMany({})).deletedCount, 1);
      assert.equal(await logs.countDocuments({}), 0);
    });

    it('findOneAndUpdate returns the document before or after, and upserts', async () => {
      await ctx.store.workspaces.insertOne({
        _id: 'w',
        userId: 'u',
        name: 'W',
        nameKey: 'w',
        createdAt: new Date(1),
        updatedAt: new Date(1),
        nextHash: 1,
      });
      const before = await ctx.store.workspaces.findOneAndUpdate(
        { _id: 'w' },
        { $inc: { nextHash: 1 } },
        { returnDocument: 'before' },
      );
      assert.equal(before?.nextHash, 1);
      const after = await ctx.store.workspaces.findOneAndUpdate(
        { _id: 'w' },
        { $inc: { nextHash: 1 } },
        { returnDocument: 'after' },
      );
      assert.equal(after?.nextHash, 3);
      assert.ok(after?.createdAt instanceof Date);
      const missing = await ctx.store.workspaces.findOneAndUpdate(
        { _id: 'none' },
        { $inc: { nextHash: 1 } },
        { returnDocument: 'after' },
      );
      assert.equal(missing, null);
      const upsertBefore = await ctx.store.workspaces.findOneAndUpdate(
        { _id: 'w2', userId: 'u' },
        { $set: { name: 'two', nameKey: 'two' }, $setOnInsert: { nextHash: 5 } },
        { returnDocument: 'before', upsert: true },
      );
      assert.equal(upsertBefore, null);
      const upsertAfter = await ctx.store.workspaces.findOneAndUpdate(
        { _id: 'w3', userId: 'u' },
        { $set: { name: 'three', nameKey: 'three' }, $setOnInsert: { nextHash: 5 } },
        { returnDocument: 'after', upsert: true },
      );
      assert.deepEqual(upsertAfter, {
        _id: 'w3',
        userId: 'u',
        name: 'three',
        nameKey: 'three',
        nextHash: 5,
      });
      assert.equal(await ctx.store.workspaces.countDocuments({ userId: 'u' }), 3);
    });

    it('createIndex is idempotent, returns the name, and enforces unique indexes', async () => {
      assert.equal(await ctx.store.connections.createIndex({ openedAt: 1 }), 'openedAt_1');
      assert.equal(
        await ctx.store.connections.createIndex({ address: 1, openedAt: -1 }),
        'address_1_openedAt_-1',
      );
      await ctx.store.preferences.insertOne({
        _id: 'a',
        userId: 'u1',
        name: 'n',
        settings: {},
        updatedAt: new Date(),
      });
      await ctx.store.preferences.insertOne({
        _id: 'b',
        userId: 'u2',
        name: 'n',
        settings: {},
        updatedAt: new Date(),
      });
      const dup = await rejection(() =>
        ctx.store.preferences.insertOne({
          _id: 'c',
          userId: 'u1',
          name: 'n',
          settings: {},
          updatedAt: new Date(),
        }),
      );
      assert.ok(isDuplicateKeyError(dup));
      await ctx.store.connections.insertOne({
        _id: 'c1',
        userId: null,
        address: 'x',
        openedAt: new Date(),
      });
      await ctx.store.connections.insertOne({
        _id: 'c2',
        userId: null,
        address: 'x',
        openedAt: new Date(),
      });
      const over = await rejection(() =>
        ctx.store.connections.createIndex({ address: 1 }, { unique: true, name: 'address_unique' }),
      );
      assert.ok(isDuplicateKeyError(over), String(over));
    });

    it('sweepExpired deletes expired sessions, and only those', async () => {
      const now = new Date('2026-06-01T00:00:00Z');
      const past = new Date(now.getTime() - 1000);
      const future = new Date(now.getTime() + 60_000);
      for (const [id, expiresAt] of [
        ['old', past],
        ['new', future],
      ] as const) {
        await ctx.store.sessions.insertOne({ _id: id, session: {}, userId: 'u', expiresAt });
      }
      await ctx.store.sweepExpired(now);
      for (const name of EXPIRING_COLLECTIONS) {
        const left = await ctx.store[name].find({}).toArray();
        assert.deepEqual(
          left.map((d) => d._id),
          ['new'],
          name,
        );
      }
    });

    it('has TTL indexes on expiresAt where the server reports indexes', async function () {
      // The embedded store has no index listing: its TTL is sweepExpired (tested above).
      // The test double lists the indexes it was asked to create but deletes nothing by itself.
      for (const name of EXPIRING_COLLECTIONS) {
        const indexes = await ctx.backend.indexes(ctx.place, name);
        if (indexes === null) this.skip();
        const ttl = indexes.find((i) => keyOf(i.key).expiresAt === 1);
        assert.equal(ttl?.expireAfterSeconds, 0, name);
      }
    });
  });
}

/** An index key as a plain object (the driver types it as an object or a Map). */
function keyOf(key: Record<string, unknown> | Map<string, unknown>): Record<string, unknown> {
  return key instanceof Map ? Object.fromEntries(key) : key;
}
