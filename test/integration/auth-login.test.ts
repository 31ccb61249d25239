/**
 * Login and logout over real HTTP (API.md §1): Basic and JSON, the 401s without a
 * browser pop-up, cookie attributes, session fixation, the Origin check, rate limits,
 * and 503 server_full with a real Socket.IO client connected.
 */
import assert from 'node:assert/strict';
import { startTestServer, useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';
import { assertError, basic, call, sessionCookieOf, setCookieOf } from './auth-http.helpers.ts';

describe('accounts: login and logout (HTTP)', function () {
  const ts = useTestServer();
  let user: TestUser;
  before(async () => {
    user = await createUser(ts, 'login');
  });

  it('GET /login with Basic: 200, the current workspace, an HttpOnly SameSite=Lax session cookie', async () => {
    const r = await call(
      ts,
      'GET',
      '/login',
      undefined,
      basic(user.email.toUpperCase(), user.password),
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.email, user.email);
    const ws = r.body.workspace as { id: string; name: string };
    assert.equal(ws.name, 'Workspace 1');
    const stored = await ts.server.store.accounts.findByEmail(user.email);
    assert.equal(ws.id, stored?.currentWorkspace);
    const cookie = setCookieOf(r, 'panthr.sid') ?? '';
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.equal(setCookieOf(r, 'panthr_remember'), undefined);
    const me = await call(ts, 'GET', '/api/v1/workspaces', undefined, {
      cookie: sessionCookieOf(r),
    });
    assert.equal(me.status, 200);
  });

  it('401 bad_credentials, never with WWW-Authenticate, for every kind of wrong login', async () => {
    const attempts = [
      call(ts, 'GET', '/login'),
      call(ts, 'GET', '/login', undefined, basic(user.email, 'wrong password here')),
      call(ts, 'GET', '/login', undefined, basic('nobody@example.org', user.password)),
      call(ts, 'GET', '/login', undefined, { authorization: 'Basic %%%' }),
      call(ts, 'GET', '/login', undefined, { authorization: 'Bearer abc' }),
      call(ts, 'POST', '/login', { email: user.email, password: 'wrong password here' }),
      call(ts, 'POST', '/login', { email: 'not an address', password: user.password }),
      call(ts, 'POST', '/login', { email: user.email }),
      call(ts, 'POST', '/login', {}),
    ];
    for (const r of await Promise.all(attempts)) {
      assertError(r, 401, 'bad_credentials');
      assert.equal(r.headers.get('www-authenticate'), null);
      assert.equal(setCookieOf(r, 'panthr.sid'), undefined);
    }
  });

  it('400 for credentials in the URL, unknown fields, a bad remember flag, malformed JSON', async () => {
    const q = `?email=${encodeURIComponent(user.email)}&password=${encodeURIComponent(user.password)}`;
    assertError(await call(ts, 'GET', `/login${q}`), 400, 'bad_request');
    assertError(
      await call(ts, 'GET', '/login?remember=maybe', undefined, basic(user.email, user.password)),
      400,
      'bad_request',
    );
    assertError(
      await call(ts, 'POST', '/login', {
        email: user.email,
        password: user.password,
        role: 'admin',
      }),
      400,
      'bad_request',
    );
    assertError(
      await call(ts, 'POST', '/login', {
        email: user.email,
        password: user.password,
        remember: 'yes',
      }),
      400,
      'bad_request',
    );
    // "remember" as JSON numbers and null, as the GET form's remember=1 reads.
    for (const [remember, kept] of [
      [1, true],
      [0, false],
      [null, false],
    ] as const) {
      const r = await call(ts, 'POST', '/login', {
        ...{ email: user.email },
        password: user.password,
        remember,
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(setCookieOf(r, 'panthr_remember') !== undefined, kept, String(remember));
    }
    assertError(await call(ts, 'POST', '/login', '{"email":'), 400, 'bad_request');
    assertError(await call(ts, 'POST', '/login', 'x'.repeat(300_000)), 413, 'payload_too_large');
  });

  it('a login replaces the session (no fixation): the old session id stops working', async () => {
    const first = await call(ts, 'POST', '/login', { email: user.email, password: user.password });
    const old = sessionCookieOf(first);
    const second = await call(
      ts,
      'POST',
      '/login',
      { email: user.email, password: user.password },
      { cookie: old },
    );
    assert.equal(second.status, 200);
    const fresh = sessionCookieOf(second);
    assert.notEqual(fresh, '');
    assert.notEqual(fresh, old);
    assertError(
      await call(ts, 'GET', '/api/v1/workspaces', undefined, { cookie: old }),
      401,
      'unauthorized',
    );
    assert.equal(
      (await call(ts, 'GET', '/api/v1/workspaces', undefined, { cookie: fresh })).status,
      200,
    );
  });

  it('POST /logout ends the session (204); a foreign Origin is refused (403) and changes nothing', async () => {
    const r = await call(
      ts,
      'POST',
      '/login',
      { email: user.email, password: user.password },
      { origin: ts.url },
    );
    assert.equal(r.status, 200);
    const cookie = sessionCookieOf(r);
    const evil = await call(ts, 'POST', '/logout', undefined, {
      cookie,
      origin: 'https://evil.example',
    });
    assertError(evil, 403, 'forbidden_origin');
    const evilReferer = await call(ts, 'POST', '/logout', undefined, {
      cookie,
      referer: 'https://evil.example/page',
    });
    assertError(evilReferer, 403, 'forbidden_origin');
    assertError(
      await call(
        ts,
        'POST',
        '/login',
        { email: user.email, password: user.password },
        { origin: 'null' },
      ),
      403,
      'forbidden_origin',
    );
    assert.equal((await call(ts, 'GET', '/api/v1/workspaces', undefined, { cookie })).status, 200);
    const out = await call(ts, 'POST', '/logout', undefined, { cookie, origin: ts.url });
    assert.equal(out.status, 204);
    assert.match(setCookieOf(out, 'panthr.sid') ?? '', /Expires=Thu, 01 Jan 1970/);
    assertError(
      await call(ts, 'GET', '/api/v1/workspaces', undefined, { cookie }),
      401,
      'unauthorized',
    );
    assert.equal((await call(ts, 'POST', '/logout')).status, 204);
  });

  it('429 too_many_requests after 10 failed logins for one account, even with the right password then; others unaffected', async () => {
    const victim = await createUser(ts, 'victim');
    // From elsewhere (through a proxy that names the client): this machine is not limited.
    const away = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 10; i++) {
      assertError(
        await call(
          ts,
          'POST',
          '/login',
          { email: victim.email, password: `wrong guess ${i}` },
          away,
        ),
        401,
        'bad_credentials',
      );
    }
    assertError(
      await call(ts, 'POST', '/login', { email: victim.email, password: victim.password }, away),
      429,
      'too_many_requests',
    );
    assertError(
      await call(ts, 'GET', '/login', undefined, {
        ...basic(victim.email, victim.password),
        ...away,
      }),
      429,
      'too_many_requests',
    );
    assert.equal(
      (await call(ts, 'POST', '/login', { email: user.email, password: user.password }, away))
        .status,
      200,
    );
    // A script or a test suite on this machine itself is not held back.
    for (let i = 0; i < 12; i++) {
      const wrong = { email: victim.email, password: `local guess ${i}` };
      assertError(await call(ts, 'POST', '/login', wrong), 401, 'bad_credentials');
    }
  });

  it('a store that fails answers 500 internal, and does not count as failed logins once it is back', async () => {
    const victim = await createUser(ts, 'store-down');
    const users = ts.server.store.accounts;
    users.findByEmail = () => Promise.reject(new Error('the store is down'));
    try {
      for (let i = 0; i < 10; i++) {
        assertError(
          await call(ts, 'POST', '/login', { email: victim.email, password: victim.password }),
          500,
          'internal',
        );
      }
    } finally {
      delete (users as Partial<typeof users>).findByEmail; // the prototype's method again
    }
    const back = await call(ts, 'POST', '/login', {
      email: victim.email,
      password: victim.password,
    });
    assert.equal(back.status, 200, back.text);
  });
});

describe('accounts: 503 server_full', function () {
  it('refuses a login while max_users clients are connected, and accepts it once one left', async () => {
    const ts = await startTestServer({ max_users: 1 });
    try {
      const a = await createUser(ts, 'full-a');
      const b = await createUser(ts, 'full-b');
      const client = await connect(ts, a.cookie);
      const refused = await call(ts, 'POST', '/login', { email: b.email, password: b.password });
      assertError(refused, 503, 'server_full');
      assert.equal(setCookieOf(refused, 'panthr.sid'), undefined);
      // Retrying while it is full is no password guessing: it must not lock the account.
      for (let i = 0; i < 9; i++) {
        const again = await call(ts, 'POST', '/login', { email: b.email, password: b.password });
        assertError(again, 503, 'server_full');
      }
      client.close();
      for (;;) {
        const status = await call(ts, 'GET', '/status');
        if (status.body.no_users === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const ok = await call(ts, 'POST', '/login', { email: b.email, password: b.password });
      assert.equal(ok.status, 200, ok.text);
      assert.notEqual(sessionCookieOf(ok), '');
    } finally {
      await ts.stop();
    }
  });
});
