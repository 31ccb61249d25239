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
      assert.equal(await ctx.store.users.findOne({ _id: 'nobody' }), null);
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
      await ctx.store.connections.insertOne({
        _id: 'c',
        userId: null,
        address: '::1',
        openedAt: new Date(),
      });
      await ctx.store.connections.updateOne({ _id: 'c' }, { $push: { tags: 'x' } });
      await ctx.store.connections.updateOne({ _id: 'c' }, { $push: { tags: 'y' } });
      const u = await ctx.store.users.findOne({ _id: 'u1' });
      assert.equal(u?.verified, true);
      assert.equal('currentPreferences' in (u ?? {}), false);
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

    it('createIndex is idempotent, returns the name, and enforces unique indexes', async () => {
      assert.equal(await ctx.store.users.createIndex({ email: 1 }, { unique: true }), 'email_1');
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
        await ctx.store.sessions.insertOne({ _id: id, session: {}, userId: 'u', expiresAt });
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
