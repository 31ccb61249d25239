/** Contract cases: every write method of StoreCollection, duplicates, indexes, expiry. */
import assert from 'node:assert/strict';
import { isDuplicateKeyError, EXPIRING_COLLECTIONS } from '../../server/store/index.ts';
import { rejection, user, type ContractContext } from './contract.context.ts';

export function collectionCases(ctx: ContractContext): void {
  describe('documents', () => {
    it('round-trips a document with Dates, nulls and nested values', async () => {
      const doc = user('u1', 'a@example.org', { currentPreferences: null });
      await ctx.store.users.insertOne(doc);
      const found = await ctx.store.users.findOne({ _id: 'u1' });
      assert.deepEqual(found, doc);
      assert.ok(found?.createdAt instanceof Date);
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
      assert.equal(await ctx.store.users.findOne({ _id: 'nobody' }), null);
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

    it('refuses a duplicate _id and a duplicate email with code 11000', async () => {
      await ctx.store.users.insertOne(user('u1', 'a@example.org'));
      const sameId = await rejection(() => ctx.store.users.insertOne(user('u1', 'b@example.org')));
      assert.ok(isDuplicateKeyError(sameId), String(sameId));
      const sameEmail = await rejection(() =>
        ctx.store.users.insertOne(user('u2', 'a@example.org')),
      );
      assert.equal((sameEmail as { code?: unknown }).code, 11000);
      assert.equal(await ctx.store.users.countDocuments(), 1);
      assert.equal((await ctx.store.users.findOne({ _id: 'u1' }))?.email, 'a@example.org');
    });

    it('refuses an update or upsert that would duplicate a unique key', async () => {
      await ctx.store.users.insertOne(user('u1', 'a@example.org'));
      await ctx.store.users.insertOne(user('u2', 'b@example.org'));
      const update = await rejection(() =>
        ctx.store.users.updateOne({ _id: 'u2' }, { $set: { email: 'a@example.org' } }),
      );
      assert.ok(isDuplicateKeyError(update));
      const upsert = await rejection(() =>
        ctx.store.users.updateOne(
          { _id: 'u3' },
          { $set: { email: 'b@example.org' } },
          { upsert: true },
        ),
      );
      assert.ok(isDuplicateKeyError(upsert));
      assert.equal((await ctx.store.users.findOne({ _id: 'u2' }))?.email, 'b@example.org');
      assert.equal(await ctx.store.users.countDocuments(), 2);
    });

    it('updateOne: $set, $unset, $inc, $push and the counts', async () => {
      await ctx.store.users.insertOne(user('u1', 'a@example.org', { currentPreferences: 'p' }));
      const set = await ctx.store.users.updateOne(
        { email: 'a@example.org' },
        { $set: { verified: true }, $unset: { currentPreferences: '' } },
      );
      assert.deepEqual([set.matchedCount, set.modifiedCount, set.upsertedCount], [1, 1, 0]);
      const same = await ctx.store.users.updateOne({ _id: 'u1' }, { $set: { verified: true } });
      assert.deepEqual([same.matchedCount, same.modifiedCount], [1, 0]);
      const none = await ctx.store.users.updateOne({ _id: 'zz' }, { $set: { verified: true } });
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
      const u = await ctx.store.users.findOne({ _id: 'u1' });
      assert.equal(u?.verified, true);
      assert.equal('currentPreferences' in (u ?? {}), false);
      assert.equal((await ctx.store.workspaces.findOne({ _id: 'w' }))?.nextHash, 42);
    });

    it('updateMany, deleteOne, deleteMany and countDocuments report counts', async () => {
      for (const i of [1, 2, 3, 4]) {
        await ctx.store.users.insertOne(
          user(`u${i}`, `${i}@example.org`, { verified: i % 2 === 0 }),
        );
      }
      const many = await ctx.store.users.updateMany(
        { verified: false },
        { $set: { verified: true } },
      );
      assert.deepEqual([many.matchedCount, many.modifiedCount], [2, 2]);
      assert.equal(await ctx.store.users.countDocuments({ verified: true }), 4);
      assert.equal((await ctx.store.users.deleteOne({ verified: true })).deletedCount, 1);
      assert.equal((await ctx.store.users.deleteOne({ _id: 'none' })).deletedCount, 0);
      assert.equal(
        (await ctx.store.users.deleteMany({ _id: { $in: ['u3', 'u4', 'zz'] } })).deletedCount,
        2,
      );
      assert.equal(await ctx.store.users.countDocuments(), 1);
      assert.equal((await ctx.store.users.deleteMany({})).deletedCount, 1);
      assert.equal(await ctx.store.users.countDocuments({}), 0);
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

    it('createIndex is idempotent and returns the name', async () => {
      assert.equal(await ctx.store.users.createIndex({ email: 1 }, { unique: true }), 'email_1');
    });

    it('keeps every write across a close and reopen', async () => {
      await ctx.store.users.insertOne(user('u1', 'a@example.org'));
      await ctx.store.users.updateOne({ _id: 'u1' }, { $set: { verified: true } });
      await ctx.store.close();
      await ctx.store.close(); // idempotent
      ctx.store = (await ctx.backend.open(ctx.place)).store;
      assert.equal((await ctx.store.users.findOne({ email: 'a@example.org' }))?.verified, true);
      const dup = await rejection(() => ctx.store.users.insertOne(user('u2', 'a@example.org')));
      assert.ok(isDuplicateKeyError(dup), 'the unique index is there after a reopen');
    });

    it('sweepExpired deletes expired tokens and sessions, and only those', async () => {
      const now = new Date('2026-06-01T00:00:00Z');
      const past = new Date(now.getTime() - 1000);
      const future = new Date(now.getTime() + 60_000);
      for (const [id, expiresAt] of [
        ['old', past],
        ['new', future],
      ] as const) {
        await ctx.store.verifyTokens.insertOne({ _id: id, userId: 'u', expiresAt });
        await ctx.store.resetTokens.insertOne({ _id: id, userId: 'u', expiresAt });
        await ctx.store.rememberTokens.insertOne({
          _id: id,
          userId: 'u',
          validatorHash: 'h',
          expiresAt,
        });
        await ctx.store.accessTokens.insertOne({
          _id: id,
          userId: 'u',
          name: 't',
          scopes: ['read'],
          hash: `h-${id}`,
          createdAt: past,
          expiresAt,
        });
      }
      await ctx.store.users.insertOne(user('u', 'a@example.org', { createdAt: past }));
      await ctx.store.sweepExpired(now);
      for (const name of EXPIRING_COLLECTIONS) {
        const left = await ctx.store[name].find({}).toArray();
        assert.deepEqual(
          left.map((d) => d._id),
          ['new'],
          name,
        );
      }
      assert.equal(await ctx.store.users.countDocuments(), 1);
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
      const users = await ctx.backend.indexes(ctx.place, 'users');
      assert.equal(users?.find((i) => keyOf(i.key).email === 1)?.unique, true);
    });
  });
}

/** An index key as a plain object (the driver types it as an object or a Map). */
function keyOf(key: Record<string, unknown> | Map<string, unknown>): Record<string, unknown> {
  return key instanceof Map ? Object.fromEntries(key) : key;
}
