/**
 * /api/v1/preferences over real HTTP (API.md §1): named JSON objects, their graph settings
 * validated, size-capped, stored before the PUT is answered and read back as they were put;
 * bad input gets a 4xx and stores nothing.
 */
import assert from 'node:assert/strict';
import { MAX_PREFERENCE_SETS } from '../../server/http/api/index.ts';
import { useTestServer } from '../fixtures/server.ts';
import { createUser, type TestUser } from '../fixtures/users.ts';
import { assertError, call } from './auth-http.helpers.ts';

const SETTINGS = {
  colors: ['#1b9e77', '#d95f02', 'steelblue'],
  point: { size: 1.5, symbol: 19 },
  line: { width: 2, style: 'dashed' },
  text: { size: 1.1, family: 'serif' },
  bar: { fill: '#cccccc', border: 'black', width: 0.8 },
  'background-color': '#ffffff',
};

describe('api: preference sets', function () {
  const ts = useTestServer();
  let user: TestUser;
  let other: TestUser;
  const as = (u: TestUser) => ({ cookie: u.cookie });
  // The store's preference sets are found by user id (preference.repo.ts).
  const idOf = async (u: TestUser) =>
    (await ts.server.store.accounts.findByEmail(u.email))?._id ?? '';
  before(async () => {
    user = await createUser(ts, 'prefs');
    other = await createUser(ts, 'prefs-other');
  });

  it('PUT stores (201 new, 200 replaced) before answering; GET reads; list; DELETE 204 then 404', async () => {
    const put = await call(ts, 'PUT', '/api/v1/preferences/Print', SETTINGS, as(user));
    assert.equal(put.status, 201, put.text);
    assert.deepEqual(put.body, SETTINGS);
    const stored = await ts.server.store.preferences.get(await idOf(user), 'Print');
    assert.deepEqual(stored?.settings, SETTINGS);

    const again = await call(ts, 'PUT', '/api/v1/preferences/Print', { colors: ['red'] }, as(user));
    assert.equal(again.status, 200);
    const got = await call(ts, 'GET', '/api/v1/preferences/Print', undefined, as(user));
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, { colors: ['red'] });
    assert.ok(Number.isFinite(Date.parse(got.headers.get('last-modified') ?? '')));
    // Any JSON object (table and menu defaults beside graph settings) comes back as put.
    const mixed = { colors: ['red'], table: { decimals: 3, compact: true }, menu: ['t.test'] };
    assert.equal((await call(ts, 'PUT', '/api/v1/preferences/mixed', mixed, as(user))).status, 201);
    const back = await call(ts, 'GET', '/api/v1/preferences/mixed', undefined, as(user));
    assert.deepEqual(back.body, mixed);
    await call(ts, 'DELETE', '/api/v1/preferences/mixed', undefined, as(user));
    assert.equal(
      (await call(ts, 'PUT', '/api/v1/preferences/class work', {}, as(user))).status,
      201,
    );

    const list = await call(ts, 'GET', '/api/v1/preferences', undefined, as(user));
    assert.deepEqual(
      (list.body.preferences as { name: string }[]).map((p) => p.name),
      ['Print', 'class work'],
    );
    // Another user sees none of them.
    assertError(
      await call(ts, 'GET', '/api/v1/preferences/Print', undefined, as(other)),
      404,
      'not_found',
    );
    assert.deepEqual((await call(ts, 'GET', '/api/v1/preferences', undefined, as(other))).body, {
      preferences: [],
    });
    assertError(
      await call(ts, 'DELETE', '/api/v1/preferences/Print', undefined, as(other)),
      404,
      'not_found',
    );

    assert.equal(
      (await call(ts, 'DELETE', '/api/v1/preferences/Print', undefined, as(user))).status,
      204,
    );
    assertError(
      await call(ts, 'DELETE', '/api/v1/preferences/Print', undefined, as(user)),
      404,
      'not_found',
    );
    assertError(
      await call(ts, 'GET', '/api/v1/preferences/Print', undefined, as(user)),
      404,
      'not_found',
    );
  });

  it('400 for unsafe keys, bad names, non-objects, malformed JSON; 413 over 64 KB', async () => {
    const before = await ts.server.store.preferences.count(await idOf(user));
    const bad: unknown[] = [
      { table: { prototype: { polluted: true } } },
      // Keys a MongoDB document cannot hold as they are, and nesting past 32 levels (a
      // body of 5,000 levels overflowed the stack: a 500).
      { 'a\u0000b': 1 },
      { $where: 1 },
      { table: { 'a.b': 2 } },
      `${'{"a":'.repeat(33)}1${'}'.repeat(33)}`,
      `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      '{"__proto__": {"polluted": true}, "colors": ["red"]}',
      JSON.stringify({ constructor: { prototype: { polluted: true } } }),
      '[1, 2, 3]',
      '"a string"',
      '{"colors": [',
    ];
    for (const body of bad) {
      const r = await call(ts, 'PUT', '/api/v1/preferences/bad', body, as(user));
      assertError(r, 400, 'bad_request');
    }
    for (const name of ['a'.repeat(65), 'a%2Fb', '%00', '%20%20', '%E2%80%AE', 'a%C2%85b']) {
      assertError(
        await call(ts, 'PUT', `/api/v1/preferences/${name}`, SETTINGS, as(user)),
        400,
        'bad_request',
      );
    }
    const big = { colors: Array.from({ length: 32 }, () => 'red'), point: { size: 1 } } as Record<
      string,
      unknown
    >;
    big[`x${'y'.repeat(70_000)}`] = 1; // over the cap before validation
    assertError(
      await call(ts, 'PUT', '/api/v1/preferences/big', big, as(user)),
      413,
      'payload_too_large',
    );
    assertError(
      await call(ts, 'PUT', '/api/v1/preferences/big', { s: 'x'.repeat(400_000) }, as(user)),
      413,
      'payload_too_large',
    );
    assert.equal(await ts.server.store.preferences.count(await idOf(user)), before);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('keeps any JSON object under any name a client may give, as it was put', async () => {
    const user = await createUser(ts, 'prefs-any');
    // Values graphs could not take as they are (R and the browser check them when drawing).
    const sets: Record<string, unknown> = {
      'graph:default': { text: { size: 12 }, point: { shape: 'circle', size: 2 }, colors: 'red' },
      Préférences: { theme: 'dark', decimals: 3, nested: { list: [1, null, 'x'] } },
      '.hidden-_x': {},
    };
    for (const [name, set] of Object.entries(sets)) {
      const path = `/api/v1/preferences/${encodeURIComponent(name)}`;
      const put = await call(ts, 'PUT', path, set, as(user));
      assert.equal(put.status, 201, put.text);
      assert.deepEqual((await call(ts, 'GET', path, undefined, as(user))).body, set);
    }
    const list = await call(ts, 'GET', '/api/v1/preferences', undefined, as(user));
    assert.deepEqual(
      (list.body.preferences as { name: string }[]).map((p) => p.name).sort(),
      Object.keys(sets).sort(),
    );
  });

  it('401 unauthorized without a session; 403 forbidden_origin for a foreign Origin', async () => {
    assertError(await call(ts, 'GET', '/api/v1/preferences'), 401, 'unauthorized');
    assertError(await call(ts, 'PUT', '/api/v1/preferences/x', SETTINGS), 401, 'unauthorized');
    const foreign = await call(ts, 'PUT', '/api/v1/preferences/x', SETTINGS, {
      ...as(user),
      origin: 'http://evil.example',
    });
    assertError(foreign, 403, 'forbidden_origin');
    const own = await call(ts, 'PUT', '/api/v1/preferences/x', SETTINGS, {
      ...as(user),
      origin: ts.url,
    });
    assert.equal(own.status, 201);
    assert.notEqual(await ts.server.store.preferences.get(await idOf(user), 'x'), null);
  });

  it(`never lets two concurrent new sets pass the cap of ${MAX_PREFERENCE_SETS} (409 for one)`, async () => {
    const capped = await createUser(ts, 'prefs-cap');
    const put = (name: string) =>
      call(ts, 'PUT', `/api/v1/preferences/${name}`, { colors: ['red'] }, as(capped));
    for (let i = 1; i < MAX_PREFERENCE_SETS; i++) assert.equal((await put(`p${i}`)).status, 201);
    const results = await Promise.all([put('one more'), put('and another')]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    const userId = (await ts.server.store.accounts.findByEmail(capped.email))?._id ?? '';
    assert.equal(await ts.server.store.preferences.count(userId), MAX_PREFERENCE_SETS);
  });
});
