/**
 * Contract cases: the rules of sessions, preference sets, groups, shares and leases hold
 * between two stores opened on one place (two SQLite connections on one file; two driver
 * clients on one database), as between two server processes: store rules, no process lock.
 */
import assert from 'node:assert/strict';
import type { Store } from '../../server/store/index.ts';
import type { ContractContext } from './contract.context.ts';

export function twoStoresCases(ctx: ContractContext): void {
  describe('two stores on one place', () => {
    let other: Store;
    beforeEach(async () => {
      other = (await ctx.backend.open(ctx.place)).store;
    });
    afterEach(async () => {
      await other.close();
    });

    it('gives a contested lease to exactly one of them', async () => {
      const won = await Promise.all([
        ctx.store.leases.take('u1', 'A', 10_000),
        other.leases.take('u1', 'B', 10_000),
      ]);
      assert.equal(won.filter(Boolean).length, 1);
      const holder = (await other.leases.holder('u1'))?.nodeId;
      assert.equal(holder, won[0] === true ? 'A' : 'B');
    });

    it('stores one share of a workspace with a target added on both at once', async () => {
      const share = (id: string) => ({
        _id: id,
        workspaceId: 'w',
        ownerId: 'o',
        target: 'user:r',
        createdAt: new Date(),
      });
      const [a, b] = await Promise.all([
        ctx.store.shares.add(share('a')),
        other.shares.add(share('b')),
      ]);
      assert.equal(a._id, b._id);
      assert.equal(await ctx.store.shares.countOf('w'), 1);
    });

    it('stores one preference set of a name put on both at once', async () => {
      const set = (color: string) => ({
        userId: 'u1',
        name: 'n',
        settings: { colors: [color] },
        updatedAt: new Date(),
      });
      const outcomes = await Promise.all([
        ctx.store.preferences.put(set('red'), 10),
        other.preferences.put(set('blue'), 10),
      ]);
      assert.ok(outcomes.includes('created'), outcomes.join());
      assert.equal(await ctx.store.preferences.count('u1'), 1);
    });

    it("keeps a member once when both add it at once, and sees the other's sessions", async () => {
      await ctx.store.groups.create({
        _id: 'g',
        ownerId: 'o',
        name: 'G',
        memberIds: [],
        createdAt: new Date(),
      });
      await Promise.all([ctx.store.groups.addMember('g', 'm'), other.groups.addMember('g', 'm')]);
      assert.deepEqual((await other.groups.find('g'))?.memberIds, ['m']);
      const expiresAt = new Date(Date.now() + 60_000);
      await other.sessions.save({ _id: 's', session: {}, userId: 'u1', expiresAt });
      assert.equal(await ctx.store.sessions.destroyOfUser('u1'), 1);
      assert.equal(await other.sessions.find('s'), null);
    });
  });
}
