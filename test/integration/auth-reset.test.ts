/**
 * "Forgot your password?" end to end, with the real SMTP server of the fixtures: the mailed
 * link sets a new password once, ends every session and remember-me login of the account,
 * and asking tells nobody which addresses have accounts.
 */
import assert from 'node:assert/strict';
import { sha256 } from '../../server/auth/tokens.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, cookiesOf, createUser, type TestUser } from '../fixtures/users.ts';
import { assertError, assertMailsNothing, call, cookieValue } from './auth-http.helpers.ts';

const NEW_PASSWORD = 'a much better passphrase';

describe('accounts: password reset', function () {
  this.timeout(60_000);
  const ts = useTestServer();

  /** Asks for a reset of `email` and returns the token of the mailed link. */
  async function mailedToken(email: string): Promise<string> {
    ts.smtp.inbox.length = 0;
    const res = await call(ts, 'POST', '/password/forgot', { email });
    assert.equal(res.status, 202);
    const mail = await ts.smtp.waitForMail(email);
    const link = /https?:\/\/[^\s"<>]+\/#\/reset\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    assert.ok(link, 'the mail holds a reset link');
    assert.match(mail.subject ?? '', /Reset your .* password/);
    return link[1] as string;
  }

  const loginStatus = async (user: TestUser, password: string): Promise<number> =>
    (await call(ts, 'POST', '/login', { email: user.email, password })).status;

  it('sets a new password once, and ends every session and remember-me login', async () => {
    const user = await createUser(ts, 'reset');
    const remembered = await call(ts, 'POST', '/login', {
      email: user.email,
      password: user.password,
      remember: true,
    });
    const rememberValue = cookieValue(remembered, 'panthr_remember');
    assert.ok(rememberValue);
    const rememberCookie = `panthr_remember=${rememberValue}`;
    const socket = await connect(ts, user.cookie);
    const token = await mailedToken(user.email.toUpperCase());

    assertError(
      await call(ts, 'POST', '/password/reset', { token, password: '1234567890' }),
      422,
      'weak_password',
    );
    const done = await call(ts, 'POST', '/password/reset', { token, password: NEW_PASSWORD });
    assert.equal(done.status, 204, 'a refused password did not spend the link');
    assertError(
      await call(ts, 'POST', '/password/reset', { token, password: NEW_PASSWORD }),
      400,
      'invalid_token',
    );

    assert.equal(await loginStatus(user, user.password), 401);
    assert.equal(await loginStatus(user, NEW_PASSWORD), 200);
    const me = await call(ts, 'GET', '/api/v1/me', undefined, { cookie: user.cookie });
    assert.equal(me.body.email, null, 'the old session is over');
    const viaRemember = await call(ts, 'GET', '/api/v1/me', undefined, { cookie: rememberCookie });
    assert.equal(viaRemember.body.email, null, 'the remember-me login is over');
    await socket.until(() => !socket.socket.connected, 10_000, 'the socket to close');
  });

  it('answers the same for unknown and unverified addresses, mailing nothing', async () => {
    const unverified = `unverified.${process.pid}@example.org`;
    const reg = await call(ts, 'POST', '/register', {
      email: unverified,
      password: 'correct horse battery staple',
    });
    assert.equal(reg.status, 201);
    await assertMailsNothing(ts, '/password/forgot', ['nobody@example.org', unverified]);
  });

  it('refuses replaced, expired, malformed and foreign-origin requests, changing nothing', async () => {
    const user = await createUser(ts, 'reset');
    const first = await mailedToken(user.email);
    const second = await mailedToken(user.email);
    assertError(
      await call(ts, 'POST', '/password/reset', { token: first, password: NEW_PASSWORD }),
      400,
      'invalid_token',
    );
    for (const token of ['short', 42, null, `${second}x`]) {
      assertError(
        await call(ts, 'POST', '/password/reset', { token, password: NEW_PASSWORD }),
        400,
        'invalid_token',
      );
    }
    assert.equal(
      (await call(ts, 'POST', '/password/reset', { token: second, password: NEW_PASSWORD, x: 1 }))
        .status,
      400,
    );
    const foreign = await call(
      ts,
      'POST',
      '/password/reset',
      { token: second, password: NEW_PASSWORD },
      { origin: 'https://evil.example' },
    );
    assert.equal(foreign.status, 403);
    // The link expires: stored again with a past expiry.
    const { tokens } = ts.server.store;
    const live = await tokens.takeLinkToken('reset', sha256(second));
    assert.ok(live !== null);
    await tokens.addLinkToken('reset', { ...live, expiresAt: new Date(0) });
    assertError(
      await call(ts, 'POST', '/password/reset', { token: second, password: NEW_PASSWORD }),
      400,
      'expired_token',
    );
    assert.equal(await loginStatus(user, user.password), 200, 'the password is unchanged');
  });

  it('keeps the earlier link working when the mail server refuses the new one', async () => {
    const user = await createUser(ts, 'reset');
    const first = await mailedToken(user.email);
    ts.smtp.refuse(true);
    try {
      assertError(
        await call(ts, 'POST', '/password/forgot', { email: user.email }),
        500,
        'internal',
      );
    } finally {
      ts.smtp.refuse(false);
    }
    const reset = await call(ts, 'POST', '/password/reset', {
      token: first,
      password: NEW_PASSWORD,
    });
    assert.equal(reset.status, 204, reset.text);
  });

  it('mails one address at most 3 times an hour (429 after)', async () => {
    const user = await createUser(ts, 'reset');
    // Asked from elsewhere (a proxy naming its client): this machine is not limited.
    const away = { 'x-forwarded-for': '203.0.113.42' };
    for (let i = 0; i < 3; i++) {
      const ok = await call(ts, 'POST', '/password/forgot', { email: user.email }, away);
      assert.equal(ok.status, 202);
    }
    assertError(
      await call(ts, 'POST', '/password/forgot', { email: user.email }, away),
      429,
      'too_many_requests',
    );
  });

  it('holds back guessing the current password: 429 after 10 failures per user, others unaffected', async () => {
    const user = await createUser(ts, 'guess');
    const other = await createUser(ts, 'guess-other');
    const change = (u: TestUser, current: string) =>
      call(
        ts,
        'POST',
        '/api/v1/password',
        { current, password: NEW_PASSWORD },
        { cookie: u.cookie },
      );
    for (let i = 0; i < 10; i++)
      assertError(await change(user, `wrong password ${i}!`), 403, 'bad_credentials');
    assertError(await change(user, user.password), 429, 'too_many_requests');
    assertError(await change(other, 'wrong password!'), 403, 'bad_credentials');
  });

  it('changes a logged-in password, keeping this session and ending the others', async () => {
    const user = await createUser(ts, 'change');
    const other = await call(ts, 'POST', '/login', { email: user.email, password: user.password });
    const otherCookie = cookiesOf(other);
    const here = await connect(ts, user.cookie);
    const there = await connect(ts, otherCookie);
    const change = (body: unknown, cookie = user.cookie) =>
      call(ts, 'POST', '/api/v1/password', body, { cookie });
    assertError(
      await change({ current: 'wrong password!', password: NEW_PASSWORD }),
      403,
      'bad_credentials',
    );
    assertError(
      await change({ current: user.password, password: '1234567890' }),
      422,
      'weak_password',
    );
    assertError(
      await change({ current: user.password, password: NEW_PASSWORD }, ''),
      401,
      'unauthorized',
    );
    assert.equal((await change({ current: user.password, password: NEW_PASSWORD })).status, 204);
    assert.equal(await loginStatus(user, user.password), 401);
    assert.equal(await loginStatus(user, NEW_PASSWORD), 200);
    const me = async (cookie: string) =>
      (await call(ts, 'GET', '/api/v1/me', undefined, { cookie })).body.email;
    assert.equal(await me(user.cookie), user.email, 'this session goes on');
    assert.equal(await me(otherCookie), null, 'the other session is over');
    await there.until(() => !there.socket.connected, 10_000, 'the other tab to be disconnected');
    assert.equal(here.socket.connected, true);
    assert.equal(
      (await here.request([{ type: 'vector', name: 'v', variableType: 'scalar', values: [1] }]))[0]
        ?.type,
      'vector',
    );
    here.close();
  });
});
