/** Contract cases: groups (group.repo.ts), through the repository only. */
import assert from 'node:assert/strict';
import type { GroupDoc } from '../../server/store/index.ts';
import type { ContractContext } from './contract.context.ts';

export function groupCases(ctx: ContractContext): void {
  describe('group repository', () => {
    const group = (id: string, ownerId: string, n: number, memberIds: string[] = []): GroupDoc => ({
      _id: id,
      ownerId,
      name: `G ${id}`,
      memberIds,
      createdAt: new Date(Date.UTC(2026, 0, n)),
    });

    it('creates, finds (owned or not), lists oldest first, counts and renames', async () => {
      const groups = ctx.store.groups;
      await groups.create(group('g2', 'o', 2, ['m1']));
      await groups.create(group('g1', 'o', 1));
      await groups.create(group('g3', 'other', 3));
      assert.deepEqual(await groups.find('g2'), group('g2', 'o', 2, ['m1']));
      assert.deepEqual(await groups.findOwned('g2', 'o'), group('g2', 'o', 2, ['m1']));
      assert.equal(await groups.findOwned('g2', 'other'), null);
      assert.equal(await groups.find('nope'), null);
      assert.deepEqual(
        (await groups.listOwned('o')).map((g) => g._id),
        ['g1', 'g2'],
      );
      assert.equal(await groups.countOwned('o'), 2);
      assert.equal(await groups.countOwned('nobody'), 0);
      await groups.rename('g1', 'Renamed');
      assert.equal((await groups.find('g1'))?.name, 'Renamed');
    });

    it('keeps members once each, in the order they were added', async () => {
      const groups = ctx.store.groups;
      await groups.create(group('g', 'o', 1));
      for (const m of ['c', 'a', 'b', 'a', 'c']) await groups.addMember('g', m);
      assert.deepEqual((await groups.find('g'))?.memberIds, ['c', 'a', 'b']);
      await groups.removeMember('g', 'a');
      await groups.removeMember('g', 'zz');
      await groups.addMember('g', 'a');
      assert.deepEqual((await groups.find('g'))?.memberIds, ['c', 'b', 'a']);
      await Promise.all([groups.addMember('g', 'd'), groups.addMember('g', 'd')]);
      assert.deepEqual((await groups.find('g'))?.memberIds, ['c', 'b', 'a', 'd']);
      await groups.addMember('no-such-group', 'a');
      assert.equal(await groups.find('no-such-group'), null, 'adding never creates a group');
    });

    it("finds a member's groups; deletes only its owner's group, members and all", async () => {
      const groups = ctx.store.groups;
      await groups.create(group('g1', 'o', 1, ['m']));
      await groups.create(group('g2', 'o', 2, ['m', 'n']));
      await groups.create(group('g3', 'o', 3, ['n']));
      assert.deepEqual((await groups.idsWithMember('m')).sort(), ['g1', 'g2']);
      assert.deepEqual(await groups.idsWithMember('nobody'), []);
      assert.equal(await groups.delete('g2', 'someone else'), false);
      assert.equal(await groups.delete('g2', 'o'), true);
      assert.equal(await groups.delete('g2', 'o'), false);
      assert.equal(await groups.find('g2'), null);
      assert.deepEqual(await groups.idsWithMember('m'), ['g1']);
      assert.deepEqual(await groups.idsWithMember('n'), ['g3']);
    });
  });
}
