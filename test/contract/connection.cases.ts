/** Contract cases: the connection log (connection.repo.ts), through the repository only. */
import assert from 'node:assert/strict';
import type { ConnectionLogDoc } from '../../server/store/index.ts';
import type { ContractContext } from './contract.context.ts';

export function connectionCases(ctx: ContractContext): void {
  describe('connection repository', () => {
    const t = (n: number) => new Date(Date.UTC(2026, 0, n));
    const open = (id: string, n: number, userId: string | null = null): ConnectionLogDoc => ({
      _id: id,
      userId,
      address: '::1',
      openedAt: t(n),
      closedAt: null,
      reason: null,
      messages: 0,
    });

    it('inserts, closes and gets a connection', async () => {
      const log = ctx.store.connections;
      await log.insert(open('c1', 1, 'u1'));
      assert.deepEqual(await log.get('c1'), open('c1', 1, 'u1'));
      await log.close('c1', { closedAt: t(2), reason: 'client', messages: 7 });
      assert.deepEqual(await log.get('c1'), {
        ...open('c1', 1, 'u1'),
        closedAt: t(2),
        reason: 'client',
        messages: 7,
      });
      assert.equal(await log.get('nothing'), null);
      await log.close('nothing', { closedAt: t(2), reason: 'x', messages: 1 });
      assert.equal(await log.get('nothing'), null, 'closing an unknown id creates nothing');
    });

    it('lists the most recent first, up to a limit', async () => {
      const log = ctx.store.connections;
      for (const [id, n] of [
        ['b', 2],
        ['c', 3],
        ['a', 1],
      ] as const) {
        await log.insert(open(id, n));
      }
      assert.deepEqual(
        (await log.recent(10)).map((c) => c._id),
        ['c', 'b', 'a'],
      );
      assert.deepEqual(
        (await log.recent(2)).map((c) => c._id),
        ['c', 'b'],
      );
    });
  });
}
