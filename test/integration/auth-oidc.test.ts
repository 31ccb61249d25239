/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider) started here:
 * login, a refused email, tampered callbacks (state, nonce), an expired ID token, the
 * account linked to a registration, and a provider that is down.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  callback,
  Jar,
  me,
  startProvider,
  toCallback,
  type TestProvider,
} from '../fixtures/oidc.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { createUser } from '../fixtures/users.ts';

describe('single sign-on (a real OpenID Connect provider)', function () {
  this.timeout(60_000);
  let op: TestProvider;
  let ts: TestServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-oidc-'));
    const script = path.join(dir, 'validate.sh');
    await writeFile(
      script,
      '#!/bin/sh\ncase "$1" in\n  *@refused.org) echo 0 ;;\n  *) echo 1 ;;\nesac\n',
    );
    await chmod(script, 0o755);
    op = await startProvider({
      ada: { email: 'Ada@Example.org', email_verified: true },
      bob: { email: 'bob@refused.org', email_verified: true },
      eve: { email: 'eve@example.org', email_verified: false },
      cy: { email: 'cy@example.org', email_verified: true },
      dee: { email: 'dee@example.org', email_verified: true },
    });
    ts = await startTestServer({
      user_validation: script,
      oidc: {
        issuer: op.issuer,
        client_id: op.clientId,
        client_secret: op.clientSecret,
        name: 'Example SSO',
        clock_tolerance: 0,
      },
    });
    op.register(`${ts.url}/login/oidc/callback`);
  });
  after(async () => {
    await ts.stop();
    await op.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells the client the button (GET /api/v1/sso)', async () => {
    const res = await fetch(`${ts.url}/api/v1/sso`);
    assert.deepEqual(await res.json(), { name: 'Example SSO', url: '/login/oidc' });
  });

  it('logs in through the provider and makes the account once', async () => {
    for (let i = 0; i < 2; i++) {
      const jar = new Jar();
      const res = await callback(await toCallback(ts, op, 'ada', jar), jar);
      assert.equal(res.status, 303, await res.text());
      assert.equal(res.headers.get('location'), '/');
      assert.equal(await me(ts, jar), 'ada@example.org');
    }
  });

  it('refuses an email user_validation refuses, and one the provider has not verified', async () => {
    for (const login of ['bob', 'eve']) {
      const jar = new Jar();
      const res = await callback(await toCallback(ts, op, login, jar), jar);
      assert.equal(res.status, 403);
      assert.match(await res.text(), /password/);
      assert.equal(await me(ts, jar), null);
    }
  });

  it('refuses a tampered state, a replayed callback and a foreign nonce', async () => {
    const jar = new Jar();
    const url = await toCallback(ts, op, 'ada', jar);
    const forged = new URL(url);
    forged.searchParams.set('state', 'forged-state');
    assert.equal((await callback(forged, jar)).status, 400);
    assert.equal((await callback(url, jar)).status, 400); // the pending sign-on is spent
    assert.equal(await me(ts, jar), null);
    op.tamperNonce = true;
    try {
      const jar2 = new Jar();
      const res = await callback(await toCallback(ts, op, 'ada', jar2), jar2);
      assert.equal(res.status, 400);
      assert.equal(await me(ts, jar2), null);
    } finally {
      op.tamperNonce = false;
    }
  });

  it('refuses an expired ID token', async () => {
    op.expireIdTokens = true;
    try {
      const jar = new Jar();
      const res = await callback(await toCallback(ts, op, 'ada', jar), jar);
      assert.equal(res.status, 400);
      assert.equal(await me(ts, jar), null);
    } finally {
      op.expireIdTokens = false;
    }
  });

  it('links a verified account; replaces an unverified registration and its password', async () => {
    const cy = await createUser(ts, 'cy');
    op.accounts.cy = { email: cy.email, email_verified: true };
    const jar = new Jar();
    assert.equal((await callback(await toCallback(ts, op, 'cy', jar), jar)).status, 303);
    assert.equal(await me(ts, jar), cy.email);
    const reg = await fetch(`${ts.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'dee@example.org', password: 'a-long-password-2' }),
    });
    assert.equal(reg.status, 201);
    const jar2 = new Jar();
    assert.equal((await callback(await toCallback(ts, op, 'dee', jar2), jar2)).status, 303);
    assert.equal(await me(ts, jar2), 'dee@example.org');
    // Whoever registered the address unverified chose that password: it opens nothing.
    const pw = await fetch(`${ts.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'dee@example.org', password: 'a-long-password-2' }),
    });
    assert.equal(pw.status, 401, await pw.text());
  });
});

describe('single sign-on: the provider is down', function () {
  this.timeout(60_000);
  it('shows a clear page, and password login keeps working', async () => {
    const op = await startProvider({});
    await op.stop();
    const ts = await startTestServer({
      oidc: { issuer: op.issuer, client_id: 'x', client_secret: 'y', name: 'Down SSO' },
    });
    try {
      const res = await fetch(`${ts.url}/login/oidc`, { redirect: 'manual' });
      assert.equal(res.status, 502);
      assert.match(await res.text(), /Down SSO is not reachable/);
      await createUser(ts, 'pw'); // registers, verifies and logs in with a password
    } finally {
      await ts.stop();
    }
  });
});
