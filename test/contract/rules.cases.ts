/**
 * Contract cases: the rules across a user's workspaces, kept by the store (a name once per
 * user without case, the cap, never the last one), under concurrent requests.
 */
import assert from 'node:assert/strict';
import {
  createWorkspace,
  deleteWorkspace,
  listWorkspaces,
  MAX_WORKSPACES,
  renameWorkspace,
  resetWorkspaces,
  WorkspaceRuleError,
} from '../../server/store/index.ts';
import { rejection, user, type ContractContext } from './contract.context.ts';

/** The rule a rejection broke, or the rejection itself when it is not a rule's. */
function ruleOf(error: unknown): unknown {
  return error instanceof WorkspaceRuleError ? error.rule : error;
}

export function rulesCases(ctx: ContractContext): void {
  describe('workspace rules', () => {
    it('keeps a name once per user, without case, on create and rename', async () => {
      const alpha = await createWorkspace(ctx.store, 'u1', 'Alpha');
      assert.equal(alpha.nameKey, 'alpha');
      const again = await rejection(() => createWorkspace(ctx.store, 'u1', 'ALPHA'));
      assert.equal(ruleOf(again), 'name_taken');
      await createWorkspace(ctx.store, 'u2', 'alpha');
      const beta = await createWorkspace(ctx.store, 'u1', 'beta');
      const clash = await rejection(() => renameWorkspace(ctx.store, 'u1', beta._id, 'aLpHa'));
      assert.equal(ruleOf(clash), 'name_taken');
      // a workspace may take its own name in another case
      assert.equal((await renameWorkspace(ctx.store, 'u1', alpha._id, 'ALPHA'))?.name, 'ALPHA');
      const names = (await listWorkspaces(ctx.store, 'u1')).map((w) => w.name);
      assert.deepEqual(names, ['ALPHA', 'beta']);
    });

    it('gives one name to exactly one of concurrent creates', async () => {
      const results = await Promise.allSettled(
        ['Same', 'same', 'SAME', 'Same', 'sAme'].map((n) => createWorkspace(ctx.store, 'u1', n)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected') assert.equal(ruleOf(r.reason), 'name_taken');
      assert.equal((await listWorkspaces(ctx.store, 'u1')).length, 1);
    });

    it(`lets exactly one of concurrent creates take the last place under ${MAX_WORKSPACES}`, async () => {
      for (let i = 1; i < MAX_WORKSPACES; i++) await createWorkspace(ctx.store, 'u1', `w${i}`);
      const results = await Promise.allSettled(
        ['x', 'y', 'z'].map((n) => createWorkspace(ctx.store, 'u1', n)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal(ruleOf(r.reason), 'cap');
      assert.equal(await ctx.store.workspaces.count('u1'), MAX_WORKSPACES);
      // a place freed is a place to take again
      const [first] = await listWorkspaces(ctx.store, 'u1');
      assert.equal(await deleteWorkspace(ctx.store, 'u1', first?._id ?? ''), 'deleted');
      await createWorkspace(ctx.store, 'u1', 'again');
      assert.equal(
        ruleOf(await rejection(() => createWorkspace(ctx.store, 'u1', 'one more'))),
        'cap',
      );
    });

    it('deletes of one workspace at once delete it once and keep the count', async () => {
      const a = await createWorkspace(ctx.store, 'u1', 'a');
      await createWorkspace(ctx.store, 'u1', 'b');
      await createWorkspace(ctx.store, 'u1', 'c');
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => deleteWorkspace(ctx.store, 'u1', a._id)),
      );
      // the others find it gone, or (while a place is held by one in flight) are refused
      assert.equal(results.filter((r) => r === 'deleted').length, 1);
      const [b, c] = await listWorkspaces(ctx.store, 'u1');
      assert.equal(await deleteWorkspace(ctx.store, 'u1', b?._id ?? ''), 'deleted');
      assert.equal(await deleteWorkspace(ctx.store, 'u1', c?._id ?? ''), 'last_workspace');
      assert.equal(await ctx.store.workspaces.count('u1'), 1);
    });

    it('brings workspaces of an older version under the rules when the store opens', async () => {
      const old = (id: string, userId: string, name: string) => ({
        _id: id,
        userId,
        name,
        createdAt: new Date(1),
        updatedAt: new Date(1),
        nextHash: 1,
      });
      // written as the previous version did: no nameKey, no counter (one per user: MongoDB's
      // unique index, made already, takes a missing nameKey as null)
      await ctx.store.close();
      await ctx.backend.writeOld(ctx.place, 'workspaces', [
        old('o1', 'u1', 'Old'),
        old('o2', 'u2', 'Other'),
      ]);
      ctx.store = (await ctx.backend.open(ctx.place)).store;
      assert.equal((await ctx.store.workspaces.byId('o1'))?.nameKey, 'old');
      assert.equal(await deleteWorkspace(ctx.store, 'u1', 'o1'), 'last_workspace');
      assert.equal(
        ruleOf(await rejection(() => createWorkspace(ctx.store, 'u1', 'OLD'))),
        'name_taken',
      );
      await createWorkspace(ctx.store, 'u1', 'new');
      assert.equal(await deleteWorkspace(ctx.store, 'u1', 'o1'), 'deleted');
    });

    it('resets a user at the cap, one of whose workspaces has the first name', async () => {
      await ctx.store.accounts.createUser(user('u1', 'a@example.org'));
      await createWorkspace(ctx.store, 'u1', 'Workspace 1');
      for (let i = 2; i <= MAX_WORKSPACES; i++) await createWorkspace(ctx.store, 'u1', `w${i}`);
      const fresh = await resetWorkspaces(ctx.store, 'u1');
      const left = await listWorkspaces(ctx.store, 'u1');
      assert.deepEqual(
        left.map((w) => [w._id, w.name]),
        [[fresh._id, 'Workspace 1']],
      );
      assert.equal((await ctx.store.accounts.findById('u1'))?.currentWorkspace, fresh._id);
      assert.equal(await deleteWorkspace(ctx.store, 'u1', fresh._id), 'last_workspace');
    });
  });
}
