/**
 * Contract cases: leases (lease.repo.ts), the primitive several nodes on one store share a
 * user's R session with: one holder at a time, expiry by the document's timestamp.
 */
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.context.ts';

export function leaseCases(ctx: ContractContext): void {
  describe('leases', () => {
    it('takes a free lease, refuses a held one, and extends its own', async () => {
      const leases = ctx.store.leases;
      assert.equal(await leases.holder('u1'), null);
      const now = new Date();
      assert.equal(await leases.take('u1', 'A', 10_000, now), true);
      assert.equal(await leases.take('u1', 'B', 10_000, now), false);
      const held = await leases.holder('u1');
      assert.equal(held?.nodeId, 'A');
      assert.equal(held.expiresAt.getTime(), now.getTime() + 10_000);
      assert.equal(await leases.take('u1', 'A', 20_000, now), true);
      assert.equal((await leases.holder('u1'))?.expiresAt.getTime(), now.getTime() + 20_000);
      // another user's lease is another document
      assert.equal(await leases.take('u2', 'B', 10_000, now), true);
      assert.equal((await leases.holder('u2'))?.nodeId, 'B');
    });

    it('lets another node take an expired lease, judged by its expiry timestamp', async () => {
      const leases = ctx.store.leases;
      const t0 = new Date(Date.now() - 60_000);
      assert.equal(await leases.take('u1', 'A', 5_000, t0), true);
      // expired a minute ago: no holder, and B takes it
      assert.equal(await leases.holder('u1'), null);
      assert.equal(await leases.take('u1', 'B', 5_000), true);
      assert.equal((await leases.holder('u1'))?.nodeId, 'B');
      // A cannot renew nor release what B now holds
      assert.equal(await leases.renew('u1', 'A', 5_000), false);
      await leases.release('u1', 'A');
      assert.equal((await leases.holder('u1'))?.nodeId, 'B');
      // at exactly its expiry a lease is free
      const t1 = new Date(Date.now() + 3_000);
      assert.equal(await leases.take('u1', 'C', 1_000, t1), false);
      const expiry = (await leases.holder('u1'))?.expiresAt ?? new Date(0);
      assert.equal(await leases.take('u1', 'C', 1_000, new Date(expiry.getTime() - 1)), false);
      assert.equal(await leases.take('u1', 'C', 1_000, expiry), true);
    });

    it('renews only its own lease and releases only its own', async () => {
      const leases = ctx.store.leases;
      assert.equal(await leases.renew('u1', 'A', 5_000), false);
      assert.equal(await leases.take('u1', 'A', 1_000), true);
      const before = (await leases.holder('u1'))?.expiresAt.getTime() ?? 0;
      assert.equal(await leases.renew('u1', 'A', 60_000), true);
      const after = (await leases.holder('u1'))?.expiresAt.getTime() ?? 0;
      assert.ok(after >= before + 50_000, `${after} vs ${before}`);
      assert.equal(await leases.renew('u1', 'B', 60_000), false);
      await leases.release('u1', 'B');
      assert.equal((await leases.holder('u1'))?.nodeId, 'A');
      await leases.release('u1', 'A');
      assert.equal(await leases.holder('u1'), null);
      assert.equal(await leases.take('u1', 'B', 1_000), true);
    });

    it('gives a contested lease to exactly one of many nodes at once', async () => {
      const nodes = Array.from({ length: 8 }, (_, i) => `node${i}`);
      const won = await Promise.all(nodes.map((n) => ctx.store.leases.take('u1', n, 10_000)));
      assert.equal(won.filter(Boolean).length, 1);
      const winner = nodes[won.indexOf(true)];
      assert.equal((await ctx.store.leases.holder('u1'))?.nodeId, winner);
    });

    it('refuses a ttl that is not a positive number', async () => {
      await assert.rejects(() => ctx.store.leases.take('u1', 'A', 0), RangeError);
      await assert.rejects(() => ctx.store.leases.renew('u1', 'A', NaN), RangeError);
    });
  });
}
