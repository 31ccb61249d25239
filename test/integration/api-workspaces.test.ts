/**
 * /api/v1/workspaces over real HTTP (API.md §1): list, create, rename, delete (never the
 * last), make current (the login answer and an open connection follow); bad input is a 4xx
 * and changes nothing.
 */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';
import { MAX_WORKSPACES } from '../../server/http/api/index.ts';
import { createWorkspace } from '../../server/store/index.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';
import { assertError, call } from './auth-http.helpers.ts';

interface WorkspaceView {
  id: string;
  name: string;
  current: boolean;
}

describe('api: workspaces', function () {
  const ts = useTestServer();
  let user: TestUser;
  let other: TestUser;
  const as = (u: TestUser) => ({ cookie: u.cookie });
  const list = async (u: TestUser): Promise<WorkspaceView[]> => {
    const r = await call(ts, 'GET', '/api/v1/workspaces', undefined, as(u));
    assert.equal(r.status, 200, r.text);
    return r.body.workspaces as WorkspaceView[];
  };
  before(async () => {
    user = await createUser(ts, 'ws');
    other = await createUser(ts, 'ws-other');
  });

  it('every user starts with one current workspace, "Workspace 1"', async () => {
    const [only, ...rest] = await list(user);
    assert.equal(rest.length, 0);
    assert.equal(only?.name, 'Workspace 1');
    assert.equal(only.current, true);
  });

  it('creates (201), renames (200), makes current (200), deletes (204), never the last (409)', async () => {
    const [first] = await list(user);
    const created = await call(
      ts,
      'POST',
      '/api/v1/workspaces',
      { name: '  Thesis <b>data</b> & "R" 📊 ' },
      as(user),
    );
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.equal(created.body.name, 'Thesis <b>data</b> & "R" 📊');
    assert.equal(created.body.current, false);

    const renamed = await call(
      ts,
      'PATCH',
      `/api/v1/workspaces/${id}`,
      { name: 'Thesis' },
      as(user),
    );
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.name, 'Thesis');

    const current = await call(ts, 'POST', `/api/v1/workspaces/${id}/current`, undefined, as(user));
    assert.equal(current.status, 200, current.text);
    assert.equal(current.body.current, true);
    const login = await call(ts, 'POST', '/login', { email: user.email, password: user.password });
    assert.deepEqual(login.body.workspace, { id, name: 'Thesis' });

    // Deleting the current one makes the other current.
    assert.equal(
      (await call(ts, 'DELETE', `/api/v1/workspaces/${id}`, undefined, as(user))).status,
      204,
    );
    const after = await list(user);
    assert.deepEqual(
      after.map((w) => [w.id, w.current]),
      [[first?.id, true]],
    );
    assertError(
      await call(ts, 'DELETE', `/api/v1/workspaces/${first?.id}`, undefined, as(user)),
      409,
      'conflict',
    );
    assert.equal((await list(user)).length, 1);
  });

  it('an open connection is told when the current workspace changes over REST', async () => {
    const extra = await call(ts, 'POST', '/api/v1/workspaces', { name: 'Live' }, as(user));
    const client = await connect(ts, user.cookie);
    try {
      const before = client.received.length;
      const r = await call(
        ts,
        'POST',
        `/api/v1/workspaces/${extra.body.id as string}/current`,
        undefined,
        as(user),
      );
      assert.equal(r.status, 200);
      const update = await client.until(
        () => client.received.slice(before).find((m) => m.workspace?.id === extra.body.id),
        10_000,
        'the new workspace',
      );
      assert.equal(update.workspace?.name, 'Live');
    } finally {
      client.close();
    }
  });

  it('404 for workspaces of other users or that do not exist; 409 for a duplicate name', async () => {
    const [mine] = await list(user);
    const id = mine?.id ?? '';
    assertError(
      await call(ts, 'PATCH', `/api/v1/workspaces/${id}`, { name: 'x' }, as(other)),
      404,
      'not_found',
    );
    assertError(
      await call(ts, 'DELETE', `/api/v1/workspaces/${id}`, undefined, as(other)),
      404,
      'not_found',
    );
    assertError(
      await call(ts, 'POST', `/api/v1/workspaces/${id}/current`, undefined, as(other)),
      404,
      'not_found',
    );
    for (const bad of ['nope', '..%2F..%2Fetc', '%00', 'x'.repeat(200)]) {
      assertError(
        await call(ts, 'POST', `/api/v1/workspaces/${bad}/current`, undefined, as(user)),
        404,
        'not_found',
      );
    }
    assertError(
      await call(
        ts,
        'POST',
        '/api/v1/workspaces',
        { name: (mine?.name ?? '').toUpperCase() },
        as(user),
      ),
      409,
      'conflict',
    );
    assert.equal((await list(other)).length, 1);
  });

  it('400 for bad names, unknown fields, non-objects, malformed JSON; 413 for huge bodies; nothing stored', async () => {
    const count = await ts.server.store.workspaces.count();
    const [mine] = await list(user);
    const bodies: unknown[] = [
      {},
      { name: '' },
      { name: '   ' },
      { name: 42 },
      { name: null },
      { name: ['a'] },
      { name: { $ne: '' } },
      { name: 'a'.repeat(101) },
      { name: 'tab\there' },
      { name: 'new\nline' },
      { name: 'bidi\u202Eevil' },
      { name: 'zero\u200Bwidth' },
      { name: 'ok', owner: 'someone-else' },
      '[{"name": "x"}]',
      '{"name": ',
      'null',
    ];
    for (const body of bodies) {
      assertError(await call(ts, 'POST', '/api/v1/workspaces', body, as(user)), 400, 'bad_request');
      assertError(
        await call(ts, 'PATCH', `/api/v1/workspaces/${mine?.id ?? ''}`, body, as(user)),
        400,
        'bad_request',
      );
    }
    const huge = await call(
      ts,
      'POST',
      '/api/v1/workspaces',
      { name: 'x'.repeat(1_000_000) },
      as(user),
    );
    assertError(huge, 413, 'payload_too_large');
    assert.equal(await ts.server.store.workspaces.count(), count);
    assert.equal((await list(user)).find((w) => w.id === mine?.id)?.name, mine?.name);
  });

  it('401 without a session; 403 for a foreign Origin, and nothing changes', async () => {
    assertError(await call(ts, 'GET', '/api/v1/workspaces'), 401, 'unauthorized');
    assertError(await call(ts, 'POST', '/api/v1/workspaces', { name: 'x' }), 401, 'unauthorized');
    const count = await ts.server.store.workspaces.count();
    const r = await call(
      ts,
      'POST',
      '/api/v1/workspaces',
      { name: 'csrf' },
      { ...as(user), origin: 'https://evil.example' },
    );
    assertError(r, 403, 'forbidden_origin');
    assert.equal(await ts.server.store.workspaces.count(), count);
  });

  it(`never lets two concurrent creates pass the cap of ${MAX_WORKSPACES} (409 for one)`, async () => {
    const capped = await createUser(ts, 'ws-cap');
    const { store } = ts.server;
    const userId = (await store.accounts.findByEmail(capped.email))?._id ?? '';
    for (let i = 2; i < MAX_WORKSPACES; i++) await createWorkspace(store, userId, `w${i}`);
    const create = (name: string) => call(ts, 'POST', '/api/v1/workspaces', { name }, as(capped));
    const results = await Promise.all([create('one more'), create('and another')]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    assert.equal(await store.workspaces.count(userId), MAX_WORKSPACES);
  });
});
