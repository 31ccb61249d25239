/**
 * "Keep me logged in" over real HTTP (API.md §1): the cookie logs in and is replaced on
 * each use; a replaced token presented again is theft and ends every session of the user,
 * open Socket.IO connections included.
 */
import assert from 'node:assert/strict';
import { sha256 } from '../../server/auth/tokens.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';
import {
  assertError,
  basic,
  call,
  cookieValue,
  sessionCookieOf,
  setCookieOf,
} from './auth-http.helpers.ts';

const REMEMBER = 'panthr_remember';

describe('accounts: keep me logged in (HTTP)', function () {
  const ts = useTestServer({ remember_days: 7 });
  let user: TestUser;
  let userId: string;
  before(async () => {
    user = await createUser(ts, 'remember');
    userId = (await ts.server.store.accounts.findByEmail(user.email))?._id ?? '';
  });

  async function rememberLogin(): Promise<{ cookie: string; session: string }> {
    const r = await call(ts, 'POST', '/login', {
      email: user.email,
      password: user.password,
      remember: true,
    });
    assert.equal(r.status, 200, r.text);
    const line = setCookieOf(r, REMEMBER) ?? '';
    assert.match(line, /HttpOnly/i);
    assert.match(line, /SameSite=Lax/i);
    assert.match(line, /Max-Age=604800/);
    return {
      cookie: decodeURIComponent(cookieValue(r, REMEMBER) ?? ''),
      session: sessionCookieOf(r),
    };
  }

  const withRemember = (value: string) => ({ cookie: `${REMEMBER}=${encodeURIComponent(value)}` });

  it('logs in with the cookie alone and replaces it on each use; only hashes are stored', async () => {
    const { cookie: first } = await rememberLogin();
    const [selector, validator] = first.split('.');
    const doc = await ts.server.store.tokens.findRememberToken(selector ?? '');
    assert.equal(doc?.validatorHash, sha256(validator ?? ''));
    assert.equal(doc?.userId, userId);

    const r1 = await call(ts, 'GET', '/api/v1/workspaces', undefined, withRemember(first));
    assert.equal(r1.status, 200, r1.text);
    const second = decodeURIComponent(cookieValue(r1, REMEMBER) ?? '');
    assert.notEqual(second, '');
    assert.notEqual(second, first);
    assert.ok(
      (await ts.server.store.tokens.findRememberToken(selector ?? ''))?.replacedAt instanceof Date,
    );
    // The new session works without the remember cookie.
    assert.equal(
      (await call(ts, 'GET', '/api/v1/workspaces', undefined, { cookie: sessionCookieOf(r1) }))
        .status,
      200,
    );

    const r2 = await call(ts, 'GET', '/api/v1/preferences', undefined, withRemember(second));
    assert.equal(r2.status, 200, r2.text);
    assert.notEqual(cookieValue(r2, REMEMBER), undefined);
  });

  it('GET /login?remember=1 sets the cookie too', async () => {
    const r = await call(
      ts,
      'GET',
      '/login?remember=1',
      undefined,
      basic(user.email, user.password),
    );
    assert.equal(r.status, 200, r.text);
    assert.match(setCookieOf(r, REMEMBER) ?? '', /Max-Age=604800/);
  });

  it('a Socket.IO connection carrying only the cookie is logged in by it', async () => {
    const { cookie } = await rememberLogin();
    const client = await connect(ts, `${REMEMBER}=${encodeURIComponent(cookie)}`);
    client.close();
    const [selector] = cookie.split('.');
    assert.ok(
      (await ts.server.store.tokens.findRememberToken(selector ?? ''))?.replacedAt instanceof Date,
    );
  });

  it('a reused token ends every session and token of the user (401), and their open connections', async () => {
    const { cookie: stolen, session: sessionA } = await rememberLogin();
    const other = await call(ts, 'POST', '/login', { email: user.email, password: user.password });
    const sessionB = sessionCookieOf(other);
    const client = await connect(ts, sessionB);

    const owner = await call(ts, 'GET', '/api/v1/workspaces', undefined, withRemember(stolen));
    assert.equal(owner.status, 200);
    const newest = decodeURIComponent(cookieValue(owner, REMEMBER) ?? '');

    const thief = await call(ts, 'GET', '/api/v1/workspaces', undefined, withRemember(stolen));
    assertError(thief, 401, 'unauthorized');
    assert.equal(cookieValue(thief, REMEMBER), '');

    for (const cookie of [sessionA, sessionB, sessionCookieOf(owner)]) {
      assertError(
        await call(ts, 'GET', '/api/v1/workspaces', undefined, { cookie }),
        401,
        'unauthorized',
      );
    }
    // Every token of the user is gone: the newest one now logs nobody in.
    assertError(
      await call(ts, 'GET', '/api/v1/workspaces', undefined, withRemember(newest)),
      401,
      'unauthorized',
    );
    // None was left to delete.
    assert.equal(await ts.server.store.tokens.deleteRememberTokens(userId), 0);
    assert.equal(await ts.server.store.sessions.countOfUser(userId), 0);
    await client.until(() => !client.socket.connected, 10_000, 'the socket to be disconnected');

    // The password still works.
    assert.equal(
      (await call(ts, 'POST', '/login', { email: user.email, password: user.password })).status,
      200,
    );
  });

  it('logout forgets the token; junk cookies are cleared and log nobody in', async () => {
    const { cookie, session } = await rememberLogin();
    const out = await call(ts, 'POST', '/logout', undefined, {
      cookie: `${session}; ${REMEMBER}=${encodeURIComponent(cookie)}`,
    });
    assert.equal(out.status, 204);
    assert.equal(cookieValue(out, REMEMBER), '');
    assert.equal(await ts.server.store.tokens.findRememberToken(cookie.split('.')[0] ?? ''), null);
    const after = await call(ts, 'GET', '/api/v1/workspaces', undefined, withRemember(cookie));
    assertError(after, 401, 'unauthorized');

    for (const junk of [
      'x',
      'a.b',
      `${'A'.repeat(22)}.${'B'.repeat(43)}`,
      '%E0%A4%A',
      '<script>',
    ]) {
      const r = await call(ts, 'GET', '/status', undefined, { cookie: `${REMEMBER}=${junk}` });
      assert.equal(r.status, 200);
      const api = await call(ts, 'GET', '/api/v1/workspaces', undefined, {
        cookie: `${REMEMBER}=${junk}`,
      });
      assertError(api, 401, 'unauthorized');
    }
  });
});
