/** Contract cases: groups, shares, access tokens and workspace copies (API 1.1). */
import assert from 'node:assert/strict';
import {
  accessibleWorkspace,
  addShare,
  copyWorkspace,
  createGroup,
  createWorkspace,
  currentWorkspaceAccess,
  deleteGroup,
  deleteWorkspace,
  groupTarget,
  loadObjects,
  saveObject,
  sharedWith,
  sweepOrphanChunks,
  userTarget,
} from '../../server/store/index.ts';
import { user, type ContractContext } from './contract.context.ts';

export function sharingCases(ctx: ContractContext): void {
  describe('sharing repository', () => {
    beforeEach(async () => {
      for (const [id, email] of [
        ['owner', 'o@x.org'],
        ['reader', 'r@x.org'],
        ['other', 'z@x.org'],
      ] as const) {
        await ctx.store.accounts.createUser(user(id, email, { verified: true }));
      }
    });

    it('reaches readers directly and through a group, until the group or member goes', async () => {
      const ws = await createWorkspace(ctx.store, 'owner', 'W');
      await createWorkspace(ctx.store, 'owner', 'W2');
      assert.equal((await accessibleWorkspace(ctx.store, 'owner', ws._id))?.access, 'owner');
      assert.equal(await accessibleWorkspace(ctx.store, 'reader', ws._id), null);
      const group = await createGroup(ctx.store, 'owner', 'G');
      await ctx.store.groups.addMember(group._id, 'reader');
      await ctx.store.groups.addMember(group._id, 'reader');
      assert.deepEqual((await ctx.store.groups.find(group._id))?.memberIds, ['reader']);
      await addShare(ctx.store, ws, groupTarget(group._id));
      assert.equal((await accessibleWorkspace(ctx.store, 'reader', ws._id))?.access, 'reader');
      assert.equal(await accessibleWorkspace(ctx.store, 'other', ws._id), null);
      const shared = await sharedWith(ctx.store, 'reader');
      assert.deepEqual(
        shared.map((s) => [s.workspace._id, s.ownerEmail]),
        [[ws._id, 'o@x.org']],
      );
      await ctx.store.groups.removeMember(group._id, 'reader');
      assert.equal(await accessibleWorkspace(ctx.store, 'reader', ws._id), null);
      const direct = await addShare(ctx.store, ws, userTarget('reader'));
      // The same target twice is one share (a unique index backs it).
      assert.equal((await addShare(ctx.store, ws, userTarget('reader')))._id, direct._id);
      const again = await ctx.store.shares.add({ ...direct, _id: 'another' });
      assert.equal(again._id, direct._id);
      assert.equal((await accessibleWorkspace(ctx.store, 'reader', ws._id))?.access, 'reader');
      // A reader's current workspace is read-only; once the share is gone, their own.
      await ctx.store.accounts.setCurrentWorkspace('reader', ws._id);
      assert.deepEqual(await currentWorkspaceAccess(ctx.store, 'reader'), {
        id: ws._id,
        name: 'W',
        readOnly: true,
      });
      assert.ok(await deleteGroup(ctx.store, 'owner', group._id));
      assert.equal(await ctx.store.shares.findFor(ws._id, [groupTarget(group._id)]), null);
      assert.equal(await deleteWorkspace(ctx.store, 'owner', ws._id), 'deleted');
      assert.equal(await ctx.store.shares.countOf(ws._id), 0, 'shares go with the workspace');
      const back = await currentWorkspaceAccess(ctx.store, 'reader');
      assert.equal(back.readOnly, false);
      assert.notEqual(back.id, ws._id);
    });

    it('copies a workspace with its chunks, hashes and order; the copy is independent', async () => {
      const ws = await createWorkspace(ctx.store, 'owner', 'W');
      const doubles = Float64Array.from({ length: 600_000 }, (_, i) => i / 3);
      const bytes = Buffer.from(doubles.buffer);
      const strings = Array.from({ length: 5000 }, (_, i) => `v${i}`);
      await saveObject(ctx.store, ws._id, {
        type: 'dataset',
        name: 'd',
        variables: [
          { name: 'x', variableType: 'scalar', values: bytes },
          { name: 'y', variableType: 'nominal', values: strings },
        ],
        options: { values: { blob: { chunks: ['look-alike'], binary: true } } },
      });
      await saveObject(ctx.store, ws._id, { type: 'note', name: 'n', text: 'hi' });
      const copy = await copyWorkspace(ctx.store, ws, 'reader', 'Copy');
      assert.equal(copy.userId, 'reader');
      const [a, b] = await Promise.all([
        loadObjects(ctx.store, ws._id),
        loadObjects(ctx.store, copy._id),
      ]);
      assert.deepEqual(
        b.map((o) => [o.name, o.hash]),
        a.map((o) => [o.name, o.hash]),
      );
      const vars = b[0]?.variables as { values: unknown }[];
      assert.ok(Buffer.isBuffer(vars[0]?.values) && bytes.equals(vars[0].values));
      assert.deepEqual(vars[1]?.values, strings);
      assert.deepEqual(b[0]?.options, a[0]?.options, "a client's look-alike stays data");
      // Deleting the original leaves the copy whole: it owns chunks of its own.
      await createWorkspace(ctx.store, 'owner', 'keep');
      assert.equal(await deleteWorkspace(ctx.store, 'owner', ws._id), 'deleted');
      assert.equal(await sweepOrphanChunks(ctx.store), 0);
      const after = await loadObjects(ctx.store, copy._id);
      assert.ok(bytes.equals((after[0]?.variables as { values: Buffer }[])[0]!.values));
      // New objects of the copy get hashes never used in it.
      const next = await saveObject(ctx.store, copy._id, { type: 'note', name: 'm', text: '' });
      assert.ok(next !== null && next.hash > Math.max(...a.map((o) => o.hash)));
    });
  });
}
