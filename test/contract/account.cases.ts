/**
 * Contract cases: accounts (account.repo.ts) through the repository interface only: every
 * method, the unique lower-cased email, conditional updates racing (exactly one wins), and
 * what survives a close and reopen.
 */
import assert from 'node:assert/strict';
import { isDuplicateKeyError } from '../../server/store/index.ts';
import { rejection, user, type ContractContext } from './contract.context.ts';

/** How many of `outcomes` are true (or fulfilled). */
function winners(outcomes: PromiseSettledResult<unknown>[]): number {
  return outcomes.filter((o) => o.status === 'fulfilled' && o.value !== false).length;
}

/** An index key as a plain object (the driver types it as an object or a Map). */
export function keyOf(
  key: Record<string, unknown> | Map<string, unknown>,
): Record<string, unknown> {
  return key instanceof Map ? Object.fromEntries(key) : key;
}

export function accountCases(ctx: ContractContext): void {
  describe('accounts', () => {
    it('stores an account and finds it by id and by email (any case), types kept', async () => {
      const { accounts } = ctx.store;
      const doc = user('u1', 'Ada@Example.org', { verified: true });
      await accounts.createUser(doc);
      const stored = { ...doc, email: 'ada@example.org', currentPreferences: null };
      assert.deepEqual(await accounts.findById('u1'), stored);
      assert.deepEqual(await accounts.findByEmail('ada@example.org'), stored);
      assert.deepEqual(await accounts.findByEmail('ADA@EXAMPLE.ORG'), stored);
      assert.ok((await accounts.findById('u1'))?.createdAt instanceof Date);
      assert.equal(await accounts.findById('nobody'), null);
      assert.equal(await accounts.findByEmail('nobody@example.org'), null);
      assert.equal(await accounts.countAccounts(), 1);
    });

    it('refuses a duplicate id and a duplicate email (whatever its case) with code 11000', async () => {
      const { accounts } = ctx.store;
      await accounts.createUser(user('u1', 'a@example.org'));
      const sameId = await rejection(() => accounts.createUser(user('u1', 'b@example.org')));
      assert.ok(isDuplicateKeyError(sameId), String(sameId));
      const sameEmail = await rejection(() => accounts.createUser(user('u2', 'A@example.ORG')));
      assert.equal((sameEmail as { code?: unknown }).code, 11000);
      assert.equal(await accounts.countAccounts(), 1);
      assert.equal((await accounts.findById('u1'))?.email, 'a@example.org');
      assert.equal(await accounts.findById('u2'), null);
    });

    it('lets exactly one of two registrations of one address at once win', async () => {
      const { accounts } = ctx.store;
      const outcomes = await Promise.allSettled([
        accounts.createUser(user('u1', 'race@example.org')),
        accounts.createUser(user('u2', 'race@example.org')),
      ]);
      assert.equal(winners(outcomes), 1);
      const lost = outcomes.find((o) => o.status === 'rejected');
      assert.ok(isDuplicateKeyError(lost?.reason), String(lost?.reason));
      assert.equal(await accounts.countAccounts(), 1);
    });

    it('finds many by id, only those that exist', async () => {
      const { accounts } = ctx.store;
      for (const i of [1, 2, 3]) await accounts.createUser(user(`u${i}`, `${i}@example.org`));
      const found = await accounts.findByIds(['u3', 'zz', 'u1']);
      assert.deepEqual(found.map((u) => u.email).sort(), ['1@example.org', '3@example.org']);
      assert.deepEqual(await accounts.findByIds([]), []);
    });

    it('marks verified, sets the password hash, deletes: false for an unknown id', async () => {
      const { accounts } = ctx.store;
      await accounts.createUser(user('u1', 'a@example.org'));
      assert.equal(await accounts.markVerified('u1'), true);
      assert.equal(await accounts.markVerified('u1'), true); // still matched
      assert.equal(await accounts.setPasswordHash('u1', 'new-hash'), true);
      const changed = await accounts.findById('u1');
      assert.deepEqual([changed?.verified, changed?.passwordHash], [true, 'new-hash']);
      assert.equal(await accounts.markVerified('zz'), false);
      assert.equal(await accounts.setPasswordHash('zz', 'x'), false);
      assert.equal(await accounts.findById('zz'), null, 'nothing upserted');
      assert.equal(await accounts.deleteUser('u1'), true);
      assert.equal(await accounts.deleteUser('u1'), false);
      assert.equal(await accounts.findByEmail('a@example.org'), null);
      // the address is free again
      await accounts.createUser(user('u2', 'a@example.org'));
    });

    it('sets the current workspace, conditionally on the one it replaces', async () => {
      const { accounts } = ctx.store;
      await accounts.createUser(user('u1', 'a@example.org', { currentWorkspace: 'w1' }));
      assert.equal(await accounts.setCurrentWorkspace('u1', 'w2', 'other'), false);
      assert.equal((await accounts.findById('u1'))?.currentWorkspace, 'w1');
      assert.equal(await accounts.setCurrentWorkspace('u1', 'w2', 'w1'), true);
      assert.equal((await accounts.findById('u1'))?.currentWorkspace, 'w2');
      assert.equal(await accounts.setCurrentWorkspace('u1', 'w3'), true);
      assert.equal((await accounts.findById('u1'))?.currentWorkspace, 'w3');
      assert.equal(await accounts.setCurrentWorkspace('zz', 'w3'), false);
    });

    it('lets exactly one of two conditional moves of the current workspace at once win', async () => {
      const { accounts } = ctx.store;
      await accounts.createUser(user('u1', 'a@example.org', { currentWorkspace: 'w1' }));
      const outcomes = await Promise.allSettled([
        accounts.setCurrentWorkspace('u1', 'wA', 'w1'),
        accounts.setCurrentWorkspace('u1', 'wB', 'w1'),
      ]);
      assert.equal(winners(outcomes), 1);
      const now = (await accounts.findById('u1'))?.currentWorkspace;
      assert.ok(now === 'wA' || now === 'wB', now);
    });

    it('forgets the preference set in use, conditionally on its name', async () => {
      const { accounts } = ctx.store;
      await accounts.createUser(user('u1', 'a@example.org', { currentPreferences: 'dark' }));
      assert.equal(await accounts.clearCurrentPreferences('u1', 'light'), false);
      assert.equal((await accounts.findById('u1'))?.currentPreferences, 'dark');
      assert.equal(await accounts.clearCurrentPreferences('u1', 'dark'), true);
      assert.equal((await accounts.findById('u1'))?.currentPreferences, null);
      assert.equal(await accounts.clearCurrentPreferences('u1'), true);
      assert.equal(await accounts.clearCurrentPreferences('zz'), false);
    });

    it('keeps every write across a close and reopen, and the unique email', async () => {
      await ctx.store.accounts.createUser(user('u1', 'a@example.org'));
      await ctx.store.accounts.markVerified('u1');
      await ctx.store.close();
      await ctx.store.close(); // idempotent
      ctx.store = (await ctx.backend.open(ctx.place)).store;
      assert.equal((await ctx.store.accounts.findByEmail('a@example.org'))?.verified, true);
      const dup = await rejection(() => ctx.store.accounts.createUser(user('u2', 'a@example.org')));
      assert.ok(isDuplicateKeyError(dup), 'the unique index is there after a reopen');
    });

    it('has a unique index on users.email where the server reports indexes', async function () {
      const indexes = await ctx.backend.indexes(ctx.place, 'users');
      if (indexes === null) this.skip();
      const email = indexes.find((i) => JSON.stringify(keyOf(i.key)) === '{"email":1}');
      assert.equal(email?.unique, true);
    });
  });
}
