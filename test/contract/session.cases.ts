/** Contract cases: the express-session store over the Store, alone and behind express. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import session, { type SessionData } from 'express-session';
import { StoreSessionStore } from '../../server/store/index.ts';
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
      const doc = await ctx.store.sessions.findOne({ _id: 's1' });
      assert.deepEqual([doc?.userId, doc?.expiresAt], ['u1', soon]);
      const later = new Date(Date.now() + 3_600_000);
      await touch('s1', data('u1', later));
      assert.deepEqual((await ctx.store.sessions.findOne({ _id: 's1' }))?.expiresAt, later);
      assert.equal(await length(), 1);
      await destroy('s1');
      assert.equal(await get('s1'), null);
      assert.equal(await get('never-existed'), null);
    });

    it('never returns an expired session and gives cookie-less sessions a default life', async () => {
      const sessions = new StoreSessionStore(ctx.store, { defaultTtlMs: 10_000 });
      await sessions.setSession('old', data('u1', new Date(Date.now() - 1)));
      assert.equal(await sessions.getSession('old'), null);
      assert.equal(await ctx.store.sessions.countDocuments({ _id: 'old' }), 0);
      const before = Date.now();
      await sessions.setSession('browser', data(null, null));
      const doc = await ctx.store.sessions.findOne({ _id: 'browser' });
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
      const left = await ctx.store.sessions.find({}).toArray();
      assert.deepEqual(
        left.map((s) => s._id),
        ['d'],
      );
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
        assert.equal(await ctx.store.sessions.countDocuments(), 1);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
}
