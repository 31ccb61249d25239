/**
 * Contract cases: tokens of accounts (token.repo.ts) through the repository interface only:
 * single-use link tokens (two takes at once: one wins), remember-me tokens replaced once,
 * access tokens unique by hash with lastUsedAt, and the expiry sweep of every kind.
 */
import assert from 'node:assert/strict';
import {
  isDuplicateKeyError,
  type AccessTokenDoc,
  type RememberTokenDoc,
} from '../../server/store/index.ts';
import { keyOf } from './account.cases.ts';
import { rejection, type ContractContext } from './contract.context.ts';

const HOUR = 3_600_000;
const at = (ms: number): Date => new Date(Date.UTC(2026, 5, 1) + ms);

function remember(id: string, userId: string, expiresAt = at(HOUR)): RememberTokenDoc {
  return { _id: id, userId, validatorHash: `v-${id}`, expiresAt, replacedAt: null };
}

function access(id: string, userId: string, hash: string, created: number): AccessTokenDoc {
  return {
    _id: id,
    userId,
    name: `token ${id}`,
    scopes: ['read', 'compute'],
    hash,
    createdAt: at(created),
    expiresAt: at(created + HOUR),
    lastUsedAt: null,
  };
}

/** How many of `outcomes` fulfilled with a value that is not false nor null. */
function winners(outcomes: PromiseSettledResult<unknown>[]): number {
  return outcomes.filter((o) => o.status === 'fulfilled' && o.value !== false && o.value !== null)
    .length;
}

export function tokenCases(ctx: ContractContext): void {
  describe('tokens', () => {
    it('keeps link tokens per kind, finds without spending, takes once', async () => {
      const { tokens } = ctx.store;
      const doc = { _id: 'h1', userId: 'u1', expiresAt: at(HOUR) };
      await tokens.addLinkToken('verify', doc);
      assert.deepEqual(await tokens.findLinkToken('verify', 'h1'), doc);
      assert.ok((await tokens.findLinkToken('verify', 'h1'))?.expiresAt instanceof Date);
      assert.equal(await tokens.findLinkToken('reset', 'h1'), null, 'kinds are apart');
      assert.equal(await tokens.takeLinkToken('reset', 'h1'), null);
      assert.deepEqual(await tokens.takeLinkToken('verify', 'h1'), doc);
      assert.equal(await tokens.takeLinkToken('verify', 'h1'), null, 'single use');
      assert.equal(await tokens.findLinkToken('verify', 'h1'), null);
      // an expired one is still taken: the caller tells expired from unknown
      await tokens.addLinkToken('reset', { ...doc, expiresAt: at(-HOUR) });
      assert.deepEqual(await tokens.takeLinkToken('reset', 'h1'), { ...doc, expiresAt: at(-HOUR) });
    });

    it('lets exactly one of two takes of a link token at once have it', async () => {
      const { tokens } = ctx.store;
      for (const kind of ['verify', 'reset'] as const) {
        await tokens.addLinkToken(kind, { _id: 'race', userId: 'u1', expiresAt: at(HOUR) });
        const outcomes = await Promise.allSettled([
          tokens.takeLinkToken(kind, 'race'),
          tokens.takeLinkToken(kind, 'race'),
        ]);
        assert.equal(winners(outcomes), 1, kind);
      }
    });

    it('refuses a duplicate link token and deletes a user’s others', async () => {
      const { tokens } = ctx.store;
      for (const id of ['a', 'b', 'c']) {
        await tokens.addLinkToken('verify', { _id: id, userId: 'u1', expiresAt: at(HOUR) });
      }
      await tokens.addLinkToken('verify', { _id: 'd', userId: 'u2', expiresAt: at(HOUR) });
      await tokens.addLinkToken('reset', { _id: 'e', userId: 'u1', expiresAt: at(HOUR) });
      const dup = await rejection(() =>
        tokens.addLinkToken('verify', { _id: 'a', userId: 'u2', expiresAt: at(HOUR) }),
      );
      assert.ok(isDuplicateKeyError(dup), String(dup));
      assert.equal(await tokens.deleteLinkTokens('verify', 'u1', 'b'), 2);
      assert.equal(await tokens.findLinkToken('verify', 'a'), null);
      assert.equal((await tokens.findLinkToken('verify', 'b'))?.userId, 'u1');
      assert.equal(await tokens.deleteLinkTokens('verify', 'u1'), 1);
      assert.equal((await tokens.findLinkToken('verify', 'd'))?.userId, 'u2', 'other users');
      assert.equal((await tokens.findLinkToken('reset', 'e'))?.userId, 'u1', 'other kind');
    });

    it('marks a remember-me token replaced once, deletes one or all of a user', async () => {
      const { tokens } = ctx.store;
      await tokens.addRememberToken(remember('s1', 'u1'));
      await tokens.addRememberToken(remember('s2', 'u1'));
      await tokens.addRememberToken(remember('s3', 'u2'));
      assert.deepEqual(await tokens.findRememberToken('s1'), remember('s1', 'u1'));
      const dup = await rejection(() => tokens.addRememberToken(remember('s1', 'u2')));
      assert.ok(isDuplicateKeyError(dup), String(dup));
      assert.equal(await tokens.markRememberTokenReplaced('s1', at(5)), true);
      assert.equal(await tokens.markRememberTokenReplaced('s1', at(6)), false, 'theft');
      assert.deepEqual((await tokens.findRememberToken('s1'))?.replacedAt, at(5));
      assert.equal(await tokens.markRememberTokenReplaced('zz', at(6)), false);
      assert.equal(await tokens.deleteRememberToken('s1'), true);
      assert.equal(await tokens.deleteRememberToken('s1'), false);
      assert.equal(await tokens.deleteRememberTokens('u1'), 1);
      assert.equal(await tokens.findRememberToken('s2'), null);
      assert.equal((await tokens.findRememberToken('s3'))?.userId, 'u2');
    });

    it('lets exactly one of two uses of a remember-me token at once replace it', async () => {
      const { tokens } = ctx.store;
      await tokens.addRememberToken(remember('s1', 'u1'));
      const outcomes = await Promise.allSettled([
        tokens.markRememberTokenReplaced('s1', at(1)),
        tokens.markRememberTokenReplaced('s1', at(2)),
      ]);
      assert.equal(winners(outcomes), 1);
    });

    it('keeps access tokens unique by hash, lists a user’s live ones oldest first', async () => {
      const { tokens } = ctx.store;
      await tokens.addAccessToken(access('b', 'u1', 'h-b', 0));
      await tokens.addAccessToken(access('a', 'u1', 'h-a', 0));
      await tokens.addAccessToken(access('c', 'u1', 'h-c', -2 * HOUR)); // expired
      await tokens.addAccessToken(access('d', 'u1', 'h-d', -HOUR / 2));
      await tokens.addAccessToken(access('e', 'u2', 'h-e', 0));
      const dup = await rejection(() => tokens.addAccessToken(access('f', 'u2', 'h-a', 0)));
      assert.ok(isDuplicateKeyError(dup), String(dup));
      assert.deepEqual(await tokens.findAccessTokenByHash('h-a'), access('a', 'u1', 'h-a', 0));
      assert.equal(await tokens.findAccessTokenByHash('h-f'), null);
      const listed = await tokens.listAccessTokens('u1', at(1));
      assert.deepEqual(
        listed.map((t) => t._id),
        ['d', 'a', 'b'],
      );
      assert.deepEqual(listed[1], access('a', 'u1', 'h-a', 0));
    });

    it('records when an access token was used, and deletes only its owner’s', async () => {
      const { tokens } = ctx.store;
      await tokens.addAccessToken(access('a', 'u1', 'h-a', 0));
      await tokens.touchAccessToken('a', at(7));
      assert.deepEqual((await tokens.findAccessTokenByHash('h-a'))?.lastUsedAt, at(7));
      await tokens.touchAccessToken('a', at(9));
      assert.deepEqual((await tokens.findAccessTokenByHash('h-a'))?.lastUsedAt, at(9));
      assert.equal(await tokens.deleteAccessToken('a', 'u2'), false);
      assert.ok((await tokens.findAccessTokenByHash('h-a')) !== null);
      assert.equal(await tokens.deleteAccessToken('a', 'u1'), true);
      assert.equal(await tokens.findAccessTokenByHash('h-a'), null);
      assert.equal(await tokens.deleteAccessToken('a', 'u1'), false);
    });

    it('sweepExpired deletes the expired tokens of every kind, and only those', async () => {
      const { tokens } = ctx.store;
      const now = at(0);
      for (const [id, ms] of [
        ['old', -1000],
        ['new', 60_000],
      ] as const) {
        const expiresAt = at(ms);
        await tokens.addLinkToken('verify', { _id: id, userId: 'u', expiresAt });
        await tokens.addLinkToken('reset', { _id: id, userId: 'u', expiresAt });
        await tokens.addRememberToken(remember(id, 'u', expiresAt));
        await tokens.addAccessToken({ ...access(id, 'u', `h-${id}`, 0), expiresAt });
      }
      await ctx.store.sweepExpired(now);
      for (const id of ['old', 'new']) {
        const kept = id === 'new';
        assert.equal((await tokens.findLinkToken('verify', id)) !== null, kept, id);
        assert.equal((await tokens.findLinkToken('reset', id)) !== null, kept, id);
        assert.equal((await tokens.findRememberToken(id)) !== null, kept, id);
        assert.equal((await tokens.findAccessTokenByHash(`h-${id}`)) !== null, kept, id);
      }
    });

    it('has TTL indexes on expiresAt and a unique access-token hash, where indexes show', async function () {
      for (const name of ['verifyTokens', 'resetTokens', 'rememberTokens', 'accessTokens']) {
        const indexes = await ctx.backend.indexes(ctx.place, name);
        if (indexes === null) this.skip();
        const ttl = indexes.find((i) => keyOf(i.key).expiresAt === 1);
        assert.equal(ttl?.expireAfterSeconds, 0, name);
      }
      const hashes = await ctx.backend.indexes(ctx.place, 'accessTokens');
      assert.equal(hashes?.find((i) => keyOf(i.key).hash === 1)?.unique, true);
    });
  });
}
