/**
 * Single sign-on, the rest of issue 21 against a real provider (oidc-provider):
 * - a provider that puts the email only in its userinfo answer (OpenID Connect Core 5.4);
 * - a registration is not linked when the provider has not verified the email;
 * - the password login's per-address rate limit covers the sign-on routes (one count);
 * - a full server (max_users) answers the sign-on as it answers a password login: 503
 *   `server_full`, a page for a browser, before the trip to the provider and at the callback;
 * - a provider that goes down during a sign-on gives the clear 502 page at the callback.
 */
import assert from 'node:assert/strict';
import {
  callback,
  Jar,
  me,
  startProvider,
  toCallback,
  type TestProvider,
} from '../fixtures/oidc.ts';
import { PER_ADDRESS } from '../../server/auth/rate-limits.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser } from '../fixtures/users.ts';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

async function withSso(
  accounts: Parameters<typeof startProvider>[0],
  options: Parameters<typeof startProvider>[1],
  overrides: Parameters<typeof startTestServer>[0],
  body: (ts: TestServer, op: TestProvider) => Promise<void>,
): Promise<void> {
  const op = await startProvider(accounts, options);
  const ts = await startTestServer({
    ...overrides,
    oidc: {
      issuer: op.issuer,
      client_id: op.clientId,
      client_secret: op.clientSecret,
      name: 'Example SSO',
    },
  });
  try {
    op.register(`${ts.url}/login/oidc/callback`);
    await body(ts, op);
  } finally {
    await ts.stop();
    await op.stop();
  }
}

describe('single sign-on: email from userinfo, rate limit, max_users', function () {
  this.timeout(90_000);

  it('reads the email from userinfo when the ID token has none', async () => {
    const accounts = {
      una: { email: 'Una@Example.org', email_verified: true },
      vic: { email: 'vic@example.org', email_verified: false },
    };
    await withSso(accounts, { emailInUserinfoOnly: true }, {}, async (ts, op) => {
      const jar = new Jar();
      const res = await callback(await toCallback(ts, op, 'una', jar), jar);
      assert.equal(res.status, 303, await res.text());
      assert.equal(await me(ts, jar), 'una@example.org');
      // userinfo's email_verified is read too: an unverified address is still refused.
      const jar2 = new Jar();
      const refused = await callback(await toCallback(ts, op, 'vic', jar2), jar2);
      assert.equal(refused.status, 403);
      assert.equal(await me(ts, jar2), null);
    });
  });

  it('does not link a registration when the provider has not verified the email', async () => {
    await withSso({}, {}, {}, async (ts, op) => {
      const wes = await createUser(ts, 'wes');
      op.accounts.wes = { email: wes.email, email_verified: false };
      const jar = new Jar();
      const res = await callback(await toCallback(ts, op, 'wes', jar), jar);
      assert.equal(res.status, 403);
      assert.equal(await me(ts, jar), null);
    });
  });

  it('counts sign-ons against the login rate limit of the address (429, a page)', async () => {
    await withSso({}, {}, {}, async (ts) => {
      let status = 303;
      let n = 0;
      // Through a proxy that names its client: this machine's own requests are not counted.
      const proxied = { 'x-forwarded-for': '203.0.113.41' };
      for (; n <= PER_ADDRESS.login + 1 && status === 303; n++)
        status = (await fetch(`${ts.url}/login/oidc`, { redirect: 'manual', headers: proxied }))
          .status;
      assert.equal(status, 429);
      assert.equal(n, PER_ADDRESS.login + 1, 'the login route allows so many requests per address');
      const page = await fetch(`${ts.url}/login/oidc/callback?code=x&state=y`, {
        headers: { ...HTML, ...proxied },
      });
      assert.equal(page.status, 429);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.ok(Number(page.headers.get('retry-after')) > 0);
      assert.match(await page.text(), /too many login attempts/);
      // The same counter as the password login's.
      const pw = await fetch(`${ts.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...proxied },
        body: JSON.stringify({ email: 'a@example.org', password: 'whatever-long' }),
      });
      assert.equal(pw.status, 429);
      assert.equal(((await pw.json()) as { error: string }).error, 'too_many_requests');
    });
  });

  it('a full server refuses the sign-on with 503 server_full, at the start and at the callback', async () => {
    const accounts = { ada: { email: 'ada@example.org', email_verified: true } };
    await withSso(accounts, {}, { max_users: 1 }, async (ts, op) => {
      const user = await createUser(ts, 'full');
      // A sign-on started while there was room...
      const jar = new Jar();
      const url = await toCallback(ts, op, 'ada', jar);
      const client = await connect(ts, user.cookie);
      try {
        // ...is refused at the callback once the server is full: no session is made.
        const late = await fetch(url, {
          redirect: 'manual',
          headers: { ...HTML, cookie: jar.header() },
        });
        assert.equal(late.status, 503);
        assert.match(await late.text(), /the server is full/);
        assert.equal(await me(ts, jar), null);
        // A new one is refused before the trip to the provider, as the password login is.
        const start = await fetch(`${ts.url}/login/oidc`, { redirect: 'manual', headers: HTML });
        assert.equal(start.status, 503);
        assert.equal(start.headers.get('location'), null);
        const json = await fetch(`${ts.url}/login/oidc`, { redirect: 'manual' });
        assert.equal(json.status, 503);
        assert.equal(((await json.json()) as { error: string }).error, 'server_full');
        const pw = await fetch(`${ts.url}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: user.email, password: user.password }),
        });
        assert.equal(pw.status, 503);
      } finally {
        client.close();
      }
      // Room again: the sign-on goes through.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const jar2 = new Jar();
      const ok = await callback(await toCallback(ts, op, 'ada', jar2), jar2);
      assert.equal(ok.status, 303, await ok.text());
      assert.equal(await me(ts, jar2), 'ada@example.org');
    });
  });

  it('a provider gone down before the callback gives the clear page (502), no session', async () => {
    const accounts = { ada: { email: 'ada@example.org', email_verified: true } };
    await withSso(accounts, {}, {}, async (ts, op) => {
      const jar = new Jar();
      const url = await toCallback(ts, op, 'ada', jar);
      await op.stop();
      const res = await callback(url, jar);
      assert.equal(res.status, 502);
      assert.match(await res.text(), /Example SSO is not reachable/);
      assert.equal(await me(ts, jar), null);
    });
  });
});
