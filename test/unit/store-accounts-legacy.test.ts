/**
 * An embedded data directory of the version before the repositories (issue 18): accounts
 * and tokens written as the old collection tables are found through store.accounts and
 * store.tokens after the store opens, and the old tables are gone.
 */
import { writeOldCollection } from '../contract/legacy-tables.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hasLegacyCollection } from '../../server/store/embedded/legacy.ts';
import { EMBEDDED_FILE, openEmbeddedStore } from '../../server/store/index.ts';

const OLD = ['users', 'verifyTokens', 'resetTokens', 'rememberTokens', 'accessTokens'];

/** Writes `docs` into the old collection table `name`, as SqliteCollection did. */
const oldTable = writeOldCollection;

describe('embedded store: accounts and tokens of an older version', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-legacy-accounts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies every account and token into the new tables when the store opens', async () => {
    const created = new Date('2025-03-04T05:06:07.890Z');
    const expires = new Date(Date.now() + 3_600_000);
    const replaced = new Date('2026-01-01T00:00:00.000Z');
    const db = new Database(join(dir, EMBEDDED_FILE));
    oldTable(db, 'users', [
      {
        _id: 'u1',
        email: 'ada@example.org',
        passwordHash: '$argon2id$x',
        verified: true,
        createdAt: created,
        currentWorkspace: 'w1',
        currentPreferences: 'dark',
      },
      // written before preference sets were remembered: no currentPreferences
      {
        _id: 'u2',
        email: 'bob@example.org',
        passwordHash: 'h',
        verified: false,
        createdAt: created,
        currentWorkspace: 'w2',
      },
    ]);
    oldTable(db, 'verifyTokens', [{ _id: 'v1', userId: 'u2', expiresAt: expires }]);
    oldTable(db, 'resetTokens', [{ _id: 'r1', userId: 'u1', expiresAt: expires }]);
    oldTable(db, 'rememberTokens', [
      { _id: 's1', userId: 'u1', validatorHash: 'vh', expiresAt: expires, replacedAt: replaced },
      { _id: 's2', userId: 'u1', validatorHash: 'vh2', expiresAt: expires, replacedAt: null },
    ]);
    oldTable(db, 'accessTokens', [
      {
        _id: 't1',
        userId: 'u1',
        name: 'ci',
        scopes: ['read', 'compute'],
        hash: 'th',
        createdAt: created,
        expiresAt: expires,
        lastUsedAt: replaced,
      },
    ]);
    db.close();

    const store = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    try {
      assert.deepEqual(await store.accounts.findByEmail('ada@example.org'), {
        _id: 'u1',
        email: 'ada@example.org',
        passwordHash: '$argon2id$x',
        verified: true,
        createdAt: created,
        currentWorkspace: 'w1',
        currentPreferences: 'dark',
      });
      assert.equal((await store.accounts.findById('u2'))?.currentPreferences, null);
      assert.equal(await store.accounts.countAccounts(), 2);
      const verify = await store.tokens.takeLinkToken('verify', 'v1');
      assert.deepEqual(verify, { _id: 'v1', userId: 'u2', expiresAt: expires });
      assert.equal((await store.tokens.findLinkToken('reset', 'r1'))?.userId, 'u1');
      assert.deepEqual((await store.tokens.findRememberToken('s1'))?.replacedAt, replaced);
      assert.equal(await store.tokens.markRememberTokenReplaced('s1', new Date()), false);
      assert.equal(await store.tokens.markRememberTokenReplaced('s2', new Date()), true);
      const token = await store.tokens.findAccessTokenByHash('th');
      assert.deepEqual(
        [token?.name, token?.scopes, token?.createdAt, token?.lastUsedAt],
        ['ci', ['read', 'compute'], created, replaced],
      );
      // the unique rules hold on the copied rows
      await assert.rejects(
        store.accounts.createUser({ ...(await store.accounts.findById('u2'))!, _id: 'u3' }),
        (error: { code?: unknown }) => error.code === 11000,
      );
    } finally {
      await store.close();
    }

    const after = new Database(join(dir, EMBEDDED_FILE), { readonly: true });
    try {
      for (const name of OLD) assert.equal(hasLegacyCollection(after, name), false, name);
    } finally {
      after.close();
    }
    // Reopened: the copies stay, nothing is copied twice.
    const again = await openEmbeddedStore(dir, { sweepEveryMs: 0 });
    try {
      assert.equal(await again.accounts.countAccounts(), 2);
      assert.equal((await again.tokens.findAccessTokenByHash('th'))?._id, 't1');
    } finally {
      await again.close();
    }
  });
});
