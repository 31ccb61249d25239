/**
 * Personal access tokens (API 1.1) over real HTTP and Socket.IO with real R: created and
 * shown once, stored as a hash, Bearer on REST and `auth: {"token"}` on Socket.IO within
 * their scopes, never managing tokens, shares or groups; revoked (bye `revoked`); guessing
 * rate-limited.
 */
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { useTestServer, type TestServer } from '../fixtures/server.ts';
import { createUser, TestClient, type TestUser } from '../fixtures/users.ts';
import { assertError, call } from './auth-http.helpers.ts';

/** Connects with a token in the handshake; resolves once the workspace arrived. */
export async function connectWithToken(ts: TestServer, token: string): Promise<TestClient> {
  const socket = io(ts.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token },
  });
  const client = new TestClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  await client.until(() => client.received.length > 0, 20_000, 'the workspace');
  return client;
}

/** Creates a token for `u` over its session; returns the API's answer. */
export async function newToken(
  ts: TestServer,
  u: TestUser,
  scopes: string[],
  name = 'script',
): Promise<{ id: string; token: string; scopes: string[]; expires: string; name: string }> {
  const r = await call(
    ts,
    'POST',
    '/api/v1/tokens',
    { name, scopes, expires_in_days: 7 },
    {
      cookie: u.cookie,
    },
  );
  assert.equal(r.status, 201, r.text);
  return r.body as never;
}

const CSV = 'y,g\n1.5,a\n2.5,a\n3.1,a\n4.2,b\n5.9,b\n7.3,b\n';

describe('api: personal access tokens', function () {
  const ts = useTestServer();
  let user: TestUser;
  const bearer = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    ...extra,
  });
  before(async () => {
    user = await createUser(ts, 'tokens');
  });

  it('creates (201, text once, hash stored), lists without text, expires as asked', async () => {
    const made = await newToken(ts, user, ['read']);
    assert.deepEqual(Object.keys(made).sort(), ['expires', 'id', 'name', 'scopes', 'token']);
    assert.match(made.token, /^pat_[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(made.expires) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, String(days));
    const listed = await call(ts, 'GET', '/api/v1/tokens', undefined, { cookie: user.cookie });
    assert.ok(!listed.text.includes(made.token));
    assert.ok((listed.body.tokens as { id: string }[]).some((t) => t.id === made.id));
    const { accounts, tokens } = ts.server.store;
    const owner = (await accounts.findByEmail(user.email))?._id ?? '';
    const doc = (await tokens.listAccessTokens(owner, new Date())).find((t) => t._id === made.id);
    assert.ok(doc !== undefined && !JSON.stringify(doc).includes(made.token));
    for (const bad of [
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['admin'] },
      { name: 'x', scopes: ['read'], expires_in_days: 0 },
      { name: 'x', scopes: ['read'], expires_in_days: 1.5 },
      { name: '', scopes: ['read'] },
    ]) {
      const r = await call(ts, 'POST', '/api/v1/tokens', bad, { cookie: user.cookie });
      assertError(r, 400, 'bad_request');
    }
  });

  it('Bearer: read reads, compute changes; no token manages tokens, shares or groups', async () => {
    const read = await newToken(ts, user, ['read']);
    const compute = await newToken(ts, user, ['read', 'compute']);
    const list = await call(ts, 'GET', '/api/v1/workspaces', undefined, bearer(read.token));
    assert.equal(list.status, 200, list.text);
    const ws = (list.body.workspaces as { id: string }[])[0]!.id;
    assertError(
      await call(ts, 'POST', '/api/v1/workspaces', { name: 'R' }, bearer(read.token)),
      403,
      'forbidden',
    );
    const made = await call(ts, 'POST', '/api/v1/workspaces', { name: 'C' }, bearer(compute.token));
    assert.equal(made.status, 201, made.text);
    for (const token of [read.token, compute.token]) {
      for (const [method, url, body] of [
        ['GET', '/api/v1/tokens', undefined],
        ['POST', '/api/v1/tokens', { name: 'x', scopes: ['compute'] }],
        ['DELETE', `/api/v1/tokens/${read.id}`, undefined],
        ['GET', '/api/v1/groups', undefined],
        ['POST', '/api/v1/groups', { name: 'g' }],
        ['GET', `/api/v1/workspaces/${ws}/shares`, undefined],
        ['POST', `/api/v1/workspaces/${ws}/shares`, { with: 'a@b.org' }],
      ] as const) {
        assertError(await call(ts, method, url, body, bearer(token)), 403, 'forbidden');
      }
      // Never the password either (that route only takes a session).
      const pw = await call(
        ts,
        'POST',
        '/api/v1/password',
        { current: user.password, password: 'another long password 123' },
        bearer(token),
      );
      assert.ok(pw.status === 401 || pw.status === 403 || pw.status === 400, pw.text);
    }
    assertError(
      await call(ts, 'GET', '/api/v1/workspaces', undefined, bearer(`pat_${'A'.repeat(43)}`)),
      401,
      'unauthorized',
    );
  });

  it('Socket.IO: a compute token runs a t-test; a read token gets forbidden for every object', async () => {
    const compute = await newToken(ts, user, ['compute']);
    const c = await connectWithToken(ts, compute.token);
    const [read] = await c.request([
      { type: 'command', name: 'd', command: 'read', format: 'csv', text: CSV },
    ]);
    assert.ok(read !== undefined && read.type !== 'error', JSON.stringify(read));
    const [t] = await c.request([
      { type: 'test', name: 't1', test: 't.test', dataset: 'd', variables: ['y', 'g'] },
    ]);
    assert.equal(t?.type, 'test', JSON.stringify(t));
    assert.equal(typeof (t?.result as { p_value: number }).p_value, 'number');
    c.close();

    const readOnly = await newToken(ts, user, ['read']);
    const r = await connectWithToken(ts, readOnly.token);
    // It receives the workspace, results included.
    assert.ok(r.received[0]!.objects.some((o) => o.name === 't1'));
    const answers = await r.request([
      { type: 'test', name: 't2', test: 't.test', dataset: 'd', variables: ['y', 'g'] },
      { type: 'command', name: 'x', command: 'delete', target: 't1' },
    ]);
    assert.deepEqual(
      answers.map((a) => [a.type, a.code, a.name]),
      [
        ['error', 'forbidden', 't2'],
        ['error', 'forbidden', 'x'],
      ],
    );
    r.close();
    await assert.rejects(connectWithToken(ts, `pat_${'B'.repeat(43)}`), /unauthorized/);
  });

  it('revoking a token ends its connections (bye revoked) and its REST access', async () => {
    const made = await newToken(ts, user, ['compute']);
    const c = await connectWithToken(ts, made.token);
    const del = await call(ts, 'DELETE', `/api/v1/tokens/${made.id}`, undefined, {
      cookie: user.cookie,
    });
    assert.equal(del.status, 204);
    await c.until(() => c.byes.length > 0, 10_000, 'bye');
    assert.deepEqual(c.byes, [{ reason: 'revoked' }]);
    assertError(
      await call(ts, 'GET', '/api/v1/workspaces', undefined, bearer(made.token)),
      401,
      'unauthorized',
    );
    assertError(
      await call(ts, 'DELETE', `/api/v1/tokens/${made.id}`, undefined, { cookie: user.cookie }),
      404,
      'not_found',
    );
  });

  it('another user cannot list or revoke a token (IDOR)', async () => {
    const made = await newToken(ts, user, ['read']);
    const other = await createUser(ts, 'tokens-other');
    const theirs = await call(ts, 'GET', '/api/v1/tokens', undefined, { cookie: other.cookie });
    assert.deepEqual(theirs.body.tokens, []);
    assertError(
      await call(ts, 'DELETE', `/api/v1/tokens/${made.id}`, undefined, { cookie: other.cookie }),
      404,
      'not_found',
    );
  });

  it('guessing is rate-limited per address, on REST and on Socket.IO', async () => {
    const good = await newToken(ts, user, ['read']);
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    let limited = 0;
    for (let i = 0; i < 25; i++) {
      const guess = `pat_${String(i).padStart(43, 'x')}`;
      const r = await call(ts, 'GET', '/api/v1/workspaces', undefined, bearer(guess, headers));
      if (r.status === 429) limited += 1;
      else assertError(r, 401, 'unauthorized');
    }
    assert.ok(limited >= 5, `limited ${limited}`);
    // Once limited, even the right token waits.
    assertError(
      await call(ts, 'GET', '/api/v1/workspaces', undefined, bearer(good.token, headers)),
      429,
      'too_many_requests',
    );
    // The Socket.IO handshake counts against the same address.
    await assert.rejects(connectWithToken(ts, good.token), /too_many_requests/);
  });
});
