/** Contract cases: shares (share.repo.ts), through the repository only. */
import assert from 'node:assert/strict';
import type { ShareDoc } from '../../server/store/index.ts';
import type { ContractContext } from './contract.context.ts';

export function shareCases(ctx: ContractContext): void {
  describe('share repository', () => {
    const share = (id: string, workspaceId: string, target: string, n: number): ShareDoc => ({
      _id: id,
      workspaceId,
      ownerId: 'o',
      target,
      createdAt: new Date(Date.UTC(2026, 0, n)),
    });

    it('adds a share once per workspace and target; the first one stands', async () => {
      const shares = ctx.store.shares;
      assert.deepEqual(
        await shares.add(share('s1', 'w', 'user:a', 1)),
        share('s1', 'w', 'user:a', 1),
      );
      assert.deepEqual(
        await shares.add(share('s2', 'w', 'user:a', 2)),
        share('s1', 'w', 'user:a', 1),
      );
      assert.equal((await shares.add(share('s3', 'w2', 'user:a', 3)))._id, 's3');
      assert.equal(await shares.countOf('w'), 1);
    });

    it('two adds of one target at once store one share, and both get it', async () => {
      const shares = ctx.store.shares;
      const got = await Promise.all(
        ['x', 'y', 'z'].map((id, i) => shares.add(share(id, 'w', 'group:g', i + 1))),
      );
      assert.equal(new Set(got.map((s) => s._id)).size, 1);
      assert.equal(await shares.countOf('w'), 1);
    });

    it('lists and finds by workspace and by targets, oldest first', async () => {
      const shares = ctx.store.shares;
      await shares.add(share('s2', 'w1', 'user:b', 2));
      await shares.add(share('s1', 'w1', 'user:a', 1));
      await shares.add(share('s3', 'w2', 'group:g', 3));
      await shares.add(share('s4', 'w3', 'user:a', 4));
      assert.deepEqual(
        (await shares.listOf('w1')).map((s) => s._id),
        ['s1', 's2'],
      );
      assert.deepEqual(
        (await shares.listFor(['user:a', 'group:g'])).map((s) => s._id),
        ['s1', 's3', 's4'],
      );
      assert.deepEqual(await shares.listFor([]), []);
      assert.equal((await shares.findFor('w2', ['user:a', 'group:g']))?._id, 's3');
      assert.equal(await shares.findFor('w2', ['user:a']), null);
      assert.equal(await shares.findFor('w1', []), null);
    });

    it('removes one share of its workspace, those of a target, those of a workspace', async () => {
      const shares = ctx.store.shares;
      await shares.add(share('s1', 'w1', 'user:a', 1));
      await shares.add(share('s2', 'w1', 'group:g', 2));
      await shares.add(share('s3', 'w2', 'group:g', 3));
      await shares.add(share('s4', 'w2', 'user:b', 4));
      assert.equal(await shares.remove('s1', 'w2'), false, 'not a share of that workspace');
      assert.equal(await shares.remove('s1', 'w1'), true);
      assert.equal(await shares.remove('s1', 'w1'), false);
      assert.equal(await shares.deleteOfTarget('group:g'), 2);
      assert.deepEqual(
        (await shares.listOf('w2')).map((s) => s._id),
        ['s4'],
      );
      assert.equal(await shares.deleteOfWorkspace('w2'), 1);
      assert.equal(await shares.countOf('w2'), 0);
    });
  });
}
