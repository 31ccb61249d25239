/** Contract cases: the express-session store over the Store, alone and behind express. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import session, { type SessionData } from 'express-session';
import { StoreSessionStore, type SessionDoc } from '../../server/store/index.ts';
import type { ContractContext } from './contract.context.ts';

function data(userId: string | null, expires: Date | null): SessionData {
  return {
    cookie: { originalMaxAge: null, expires, httpOnly: true, path: '/' },
    ...(userId === null ? {} : { passport: { user: userId } }),
  };
}

export function sessionCases(ctx: ContractContext): void {
  describe('session store', () => {
    it('sets, gets, touches and destroys through the callback API', async () => {
      const sessions = new StoreSessionStore(ctx.store);
      const get = promisify(sessions.get.bind(sessions));
      const set = promisify(sessions.set.bind(sessions));
      const touch = promisify(sessions.touch.bind(sessions));
      const destroy = promisify(sessions.destroy.bind(sessions));
      const length = promisify(sessions.length.bind(sessions));
      const soon = new Date(Date.now() + 60_000);
      await set('s1', data('u1', soon));
      const got = await get('s1');
      assert.equal((got as unknown as { passport: { user: string } }).passport.user, 'u1');
      assert.equal(got?.cookie.expires, soon.toISOString());
      const doc = await ctx.store.sessions.find('s1');
      assert.deepEqual([doc?.userId, doc?.expiresAt], ['u1', soon]);
      const later = new Date(Date.now() + 3_600_000);
      await touch('s1', data('u1', later));
      const touched = await ctx.store.sessions.find('s1');
      assert.deepEqual(touched?.expiresAt, later);
      // the touch rewrote the cookie inside the data too, and kept the rest
      assert.equal((await get('s1'))?.cookie.expires, later.toISOString());
      assert.equal((touched?.session as { passport?: { user?: string } }).passport?.user, 'u1');
      assert.equal(await length(), 1);
      await destroy('s1');
      assert.equal(await get('s1'), null);
      assert.equal(await get('never-existed'), null);
    });

    it('never returns an expired session and gives cookie-less sessions a default life', async () => {
      const sessions = new StoreSessionStore(ctx.store, { defaultTtlMs: 10_000 });
      await sessions.setSession('old', data('u1', new Date(Date.now() - 1)));
      assert.equal(await sessions.getSession('old'), null);
      assert.equal(await ctx.store.sessions.find('old'), null);
      const before = Date.now();
      await sessions.setSession('browser', data(null, null));
      const doc = await ctx.store.sessions.find('browser');
      const life = (doc?.expiresAt.getTime() ?? 0) - before;
      assert.ok(life >= 9_000 && life <= 11_000, String(life));
      assert.equal(doc?.userId, null);
    });

    it('destroys every session of one user, optionally but one', async () => {
      const sessions = new StoreSessionStore(ctx.store);
      const soon = new Date(Date.now() + 60_000);
      for (const [sid, uid] of [
        ['a', 'u1'],
        ['b', 'u1'],
        ['c', 'u1'],
        ['d', 'u2'],
      ] as const) {
        await sessions.setSession(sid, data(uid, soon));
      }
      assert.equal(await sessions.destroyUserSessions('u1', 'c'), 2);
      assert.notEqual(await sessions.getSession('c'), null);
      assert.equal(await sessions.destroyUserSessions('u1'), 1);
      assert.equal(await ctx.store.sessions.countOfUser('u1'), 0);
      assert.equal(await ctx.store.sessions.countOfUser('u2'), 1);
      assert.notEqual(await ctx.store.sessions.find('d'), null);
    });

    it('keeps an express-session session across requests', async () => {
      const app = express();
      app.use(
        session({
          store: new StoreSessionStore(ctx.store),
          secret: 'contract-test-secret',
          resave: false,
          saveUninitialized: false,
          cookie: { maxAge: 60_000, httpOnly: true, sameSite: 'lax' },
        }),
      );
      app.get('/count', (req, res) => {
        const s = req.session as unknown as { n?: number };
        s.n = (s.n ?? 0) + 1;
        res.json({ n: s.n });
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/count`;
        const first = await fetch(url);
        const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
        assert.match(cookie, /^connect\.sid=/);
        assert.deepEqual(await first.json(), { n: 1 });
        const second = await fetch(url, { headers: { cookie } });
        assert.deepEqual(await second.json(), { n: 2 });
        assert.equal(await ctx.store.sessions.countLive(new Date()), 1);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('session repository', () => {
    const doc = (id: string, userId: string | null, expiresAt: Date): SessionDoc => ({
      _id: id,
      session: { cookie: { expires: expiresAt.toISOString() }, n: 1 },
      userId,
      expiresAt,
    });

    it('saves (creating or replacing), finds, and touches only an existing session', async () => {
      const sessions = ctx.store.sessions;
      const t = new Date(Date.now() + 60_000);
      await sessions.save(doc('a', 'u1', t));
      assert.deepEqual(await sessions.find('a'), doc('a', 'u1', t));
      await sessions.save({ ...doc('a', null, t), session: { n: 2 } });
      assert.deepEqual(await sessions.find('a'), { ...doc('a', null, t), session: { n: 2 } });
      const later = new Date(t.getTime() + 1000);
      await sessions.touch('a', later, { expires: later.toISOString() });
      assert.deepEqual((await sessions.find('a'))?.session, {
        n: 2,
        cookie: { expires: later.toISOString() },
      });
      await sessions.touch('ghost', later, null);
      assert.equal(await sessions.find('ghost'), null, 'a touch never creates a session');
    });

    it('destroys an expired session only while it is still expired', async () => {
      const sessions = ctx.store.sessions;
      const now = new Date();
      await sessions.save(doc('a', 'u1', new Date(now.getTime() - 1)));
      // refreshed meanwhile (another request): it stays
      await sessions.touch('a', new Date(now.getTime() + 60_000), null);
      assert.equal(await sessions.destroyIfExpired('a', now), false);
      assert.notEqual(await sessions.find('a'), null);
      assert.equal(await sessions.destroyIfExpired('a', new Date(now.getTime() + 60_000)), true);
      assert.equal(await sessions.find('a'), null);
    });

    it('counts live sessions, sweeps expired ones with the store, and clears', async () => {
      const sessions = ctx.store.sessions;
      const now = new Date('2026-06-01T00:00:00Z');
      await sessions.save(doc('old', 'u1', new Date(now.getTime() - 1000)));
      await sessions.save(doc('new', 'u1', new Date(now.getTime() + 60_000)));
      assert.equal(await sessions.countLive(now), 1);
      assert.equal(await sessions.countOfUser('u1'), 2);
      await ctx.store.sweepExpired(now);
      assert.equal(await sessions.find('old'), null);
      assert.notEqual(await sessions.find('new'), null);
      assert.equal(await sessions.sweepExpired(new Date(now.getTime() + 120_000)), 1);
      await sessions.save(doc('x', null, new Date(now.getTime() + 60_000)));
      await sessions.clear();
      assert.equal(await sessions.countLive(now), 0);
    });

    it('has a TTL index on expiresAt where the server reports indexes', async function () {
      const indexes = await ctx.backend.indexes(ctx.place, 'sessions');
      if (indexes === null) this.skip();
      const ttl = indexes.find((i) => (i.key as Record<string, unknown>).expiresAt === 1);
      assert.equal(ttl?.expireAfterSeconds, 0);
    });
  });
}
