/**
 * The account flow on the MongoDB backend: the real `mongodb` driver talking to the
 * MongoDB wire-protocol test double of test/fixtures/ (a test double, not MongoDB: it
 * drives the driver code path; its MongoDB semantics are its own, from MongoDB's documentation).
 */
import assert from 'node:assert/strict';
import {
  startMongoWireDouble,
  type MongoWireDouble,
} from '../fixtures/mongo-wire/mongo-wire.double.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { createUser } from '../fixtures/users.ts';
import { assertError, call, cookieValue, sessionCookieOf } from './auth-http.helpers.ts';

describe('accounts on the MongoDB backend (wire-protocol test double)', function () {
  let mongo: MongoWireDouble;
  let ts: TestServer;
  before(async () => {
    mongo = await startMongoWireDouble();
    ts = await startTestServer({ mongodb_url: `${mongo.url}/panthr_accounts` });
  });
  after(async () => {
    await ts.stop();
    await mongo.close();
  });

  it('registers, verifies, logs in, rotates and detects a reused token, edits workspaces and preferences', async () => {
    assert.equal(ts.server.store.kind, 'mongodb');
    const user = await createUser(ts, 'mongo');
    assertError(
      await call(ts, 'POST', '/register', { email: user.email, password: user.password }),
      409,
      'email_taken',
    );

    const login = await call(ts, 'POST', '/login', {
      email: user.email,
      password: user.password,
      remember: true,
    });
    assert.equal(login.status, 200, login.text);
    const first = cookieValue(login, 'panthr_remember') ?? '';
    const used = await call(ts, 'GET', '/api/v1/workspaces', undefined, {
      cookie: `panthr_remember=${first}`,
    });
    assert.equal(used.status, 200, used.text);
    assert.notEqual(cookieValue(used, 'panthr_remember'), first);
    const reused = await call(ts, 'GET', '/api/v1/workspaces', undefined, {
      cookie: `panthr_remember=${first}`,
    });
    assertError(reused, 401, 'unauthorized');
    assertError(
      await call(ts, 'GET', '/api/v1/workspaces', undefined, { cookie: user.cookie }),
      401,
      'unauthorized',
    );

    const again = await call(ts, 'POST', '/login', { email: user.email, password: user.password });
    const cookie = { cookie: sessionCookieOf(again) };
    const created = await call(ts, 'POST', '/api/v1/workspaces', { name: 'Mongo' }, cookie);
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.equal(
      (await call(ts, 'POST', `/api/v1/workspaces/${id}/current`, undefined, cookie)).status,
      200,
    );
    assert.equal(
      (await call(ts, 'PUT', '/api/v1/preferences/p', { colors: ['red'] }, cookie)).status,
      201,
    );
    assert.equal(
      (await call(ts, 'PUT', '/api/v1/preferences/p', { colors: ['blue'] }, cookie)).status,
      200,
    );
    const prefs = await call(ts, 'GET', '/api/v1/preferences/p', undefined, cookie);
    assert.deepEqual(prefs.body, { colors: ['blue'] });
    const relogin = await call(ts, 'POST', '/login', {
      email: user.email,
      password: user.password,
    });
    assert.deepEqual(relogin.body.workspace, { id, name: 'Mongo' });
  });

  it('gives a workspace name to one of concurrent creates or renames (a network between check and write)', async () => {
    const user = await createUser(ts, 'race');
    const as = { cookie: user.cookie };
    const list = async (): Promise<{ id: string; name: string }[]> =>
      (
        (await call(ts, 'GET', '/api/v1/workspaces', undefined, as)).body as {
          workspaces: { id: string; name: string }[];
        }
      ).workspaces;
    // Concurrent creates and renames of one free name: exactly one takes it.
    const before = (await list()).length;
    const creates = await Promise.all(
      ['Race', 'race', 'RACE'].map((name) => call(ts, 'POST', '/api/v1/workspaces', { name }, as)),
    );
    assert.deepEqual(creates.map((r) => r.status).sort(), [201, 409, 409]);
    const pair: string[] = [];
    for (const name of ['Pair one', 'Pair two']) {
      const r = await call(ts, 'POST', '/api/v1/workspaces', { name }, as);
      pair.push((r.body as { id: string }).id);
    }
    const renames = await Promise.all(
      pair.map((id) => call(ts, 'PATCH', `/api/v1/workspaces/${id}`, { name: 'Twin' }, as)),
    );
    assert.deepEqual(renames.map((r) => r.status).sort(), [200, 409]);
    const names = (await list()).map((w) => w.name.toLowerCase());
    assert.equal(names.length, before + 3);
    assert.equal(new Set(names).size, names.length, 'no two workspaces share a name');
  });
});
