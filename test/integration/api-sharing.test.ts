/**
 * Groups, read-only shares, /shared and copies over real HTTP (API 1.1): each rule, with a
 * second user trying every route on what is not theirs (IDOR) and a foreign Origin (CSRF).
 */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';
import { saveObject } from '../../server/store/index.ts';
import { createUser, type TestUser } from '../fixtures/users.ts';
import { assertError, call } from './auth-http.helpers.ts';

describe('api: groups, shares, copies', function () {
  const ts = useTestServer();
  let owner: TestUser;
  let reader: TestUser;
  let stranger: TestUser;
  const as = (u: TestUser, extra: Record<string, string> = {}) => ({ cookie: u.cookie, ...extra });
  const idOfCurrent = async (u: TestUser): Promise<string> => {
    const r = await call(ts, 'GET', '/api/v1/workspaces', undefined, as(u));
    const ws = (r.body.workspaces as { id: string; current: boolean }[]).find((w) => w.current);
    return ws!.id;
  };
  before(async () => {
    owner = await createUser(ts, 'share-owner');
    reader = await createUser(ts, 'share-reader');
    stranger = await createUser(ts, 'share-stranger');
  });

  it('groups: create (201, no members), add verified members by email, rename, list, remove', async () => {
    const made = await call(ts, 'POST', '/api/v1/groups', { name: 'Class A' }, as(owner));
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(Object.keys(made.body).sort(), ['id', 'members', 'name']);
    assert.deepEqual(made.body.members, []);
    const id = made.body.id as string;
    const added = await call(
      ts,
      'PUT',
      `/api/v1/groups/${id}/members/${encodeURIComponent(reader.email.toUpperCase())}`,
      undefined,
      as(owner),
    );
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(added.body.members, [reader.email]);
    const unknown = await call(
      ts,
      'PUT',
      `/api/v1/groups/${id}/members/nobody@example.org`,
      undefined,
      as(owner),
    );
    assertError(unknown, 404, 'not_found');
    const renamed = await call(ts, 'PATCH', `/api/v1/groups/${id}`, { name: 'Class B' }, as(owner));
    assert.equal(renamed.body.name, 'Class B');
    const list = await call(ts, 'GET', '/api/v1/groups', undefined, as(owner));
    assert.deepEqual(list.body.groups, [{ id, name: 'Class B', members: [reader.email] }]);
    const removed = await call(
      ts,
      'DELETE',
      `/api/v1/groups/${id}/members/${encodeURIComponent(reader.email)}`,
      undefined,
      as(owner),
    );
    assert.deepEqual(removed.body.members, []);
    assert.equal(
      (await call(ts, 'DELETE', `/api/v1/groups/${id}`, undefined, as(owner))).status,
      204,
    );
    assert.deepEqual(
      (await call(ts, 'GET', '/api/v1/groups', undefined, as(owner))).body.groups,
      [],
    );
  });

  it('a share with a user or a group reaches /shared; removing it ends the access', async () => {
    const ws = await idOfCurrent(owner);
    const direct = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${ws}/shares`,
      { with: reader.email },
      as(owner),
    );
    assert.equal(direct.status, 201, direct.text);
    assert.equal(direct.body.with, reader.email);
    const shared = await call(ts, 'GET', '/api/v1/shared', undefined, as(reader));
    assert.deepEqual(shared.body, [{ id: ws, name: 'Workspace 1', owner: owner.email }]);
    assert.deepEqual((await call(ts, 'GET', '/api/v1/shared', undefined, as(stranger))).body, []);
    const del = await call(
      ts,
      'DELETE',
      `/api/v1/workspaces/${ws}/shares/${direct.body.id as string}`,
      undefined,
      as(owner),
    );
    assert.equal(del.status, 204);
    assert.deepEqual((await call(ts, 'GET', '/api/v1/shared', undefined, as(reader))).body, []);

    const group = await call(ts, 'POST', '/api/v1/groups', { name: 'G' }, as(owner));
    const gid = group.body.id as string;
    await call(
      ts,
      'PUT',
      `/api/v1/groups/${gid}/members/${encodeURIComponent(reader.email)}`,
      undefined,
      as(owner),
    );
    const viaGroup = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${ws}/shares`,
      { with: `group:${gid}` },
      as(owner),
    );
    assert.equal(viaGroup.status, 201, viaGroup.text);
    assert.equal(viaGroup.body.with, `group:${gid}`);
    const listed = await call(ts, 'GET', `/api/v1/workspaces/${ws}/shares`, undefined, as(owner));
    assert.equal((listed.body.shares as unknown[]).length, 1);
    assert.equal(
      (
        (await call(ts, 'GET', '/api/v1/shared', undefined, as(reader)))
          .body as unknown as unknown[]
      ).length,
      1,
    );
    // Out of the group, out of the workspace.
    await call(
      ts,
      'DELETE',
      `/api/v1/groups/${gid}/members/${encodeURIComponent(reader.email)}`,
      undefined,
      as(owner),
    );
    assert.deepEqual((await call(ts, 'GET', '/api/v1/shared', undefined, as(reader))).body, []);
    const copy = await call(ts, 'POST', `/api/v1/workspaces/${ws}/copy`, undefined, as(reader));
    assertError(copy, 404, 'not_found');
  });

  it('bad shares: unknown email or group (404), oneself (400), not a string (400)', async () => {
    const ws = await idOfCurrent(owner);
    const url = `/api/v1/workspaces/${ws}/shares`;
    assertError(
      await call(ts, 'POST', url, { with: 'nobody@example.org' }, as(owner)),
      404,
      'not_found',
    );
    assertError(await call(ts, 'POST', url, { with: 'group:nope' }, as(owner)), 404, 'not_found');
    assertError(await call(ts, 'POST', url, { with: owner.email }, as(owner)), 400, 'bad_request');
    assertError(await call(ts, 'POST', url, { with: 3 }, as(owner)), 400, 'bad_request');
    assertError(
      await call(ts, 'POST', url, { with: reader.email, x: 1 }, as(owner)),
      400,
      'bad_request',
    );
  });

  it('copy: the owner or a reader gets a workspace of their own with every object', async () => {
    const ws = await idOfCurrent(owner);
    // A large dataset (values in chunks) and a result, written through the repository.
    const values = Array.from({ length: 10_000 }, (_, i) => i / 7);
    await saveObject(ts.server.store, ws, {
      type: 'dataset',
      name: 'big',
      variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values }],
    });
    await saveObject(ts.server.store, ws, { type: 'note', name: 'n1', text: 'hello' });
    const share = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${ws}/shares`,
      { with: reader.email },
      as(owner),
    );
    const copied = await call(ts, 'POST', `/api/v1/workspaces/${ws}/copy`, undefined, as(reader));
    assert.equal(copied.status, 201, copied.text);
    assert.equal(copied.body.name, 'Copy of Workspace 1');
    const mine = await call(ts, 'GET', '/api/v1/workspaces', undefined, as(reader));
    assert.ok((mine.body.workspaces as { id: string }[]).some((w) => w.id === copied.body.id));
    // The copy is the reader's own: it opens read-write, and survives the share's removal.
    await call(
      ts,
      'DELETE',
      `/api/v1/workspaces/${ws}/shares/${share.body.id as string}`,
      undefined,
      as(owner),
    );
    const open = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${copied.body.id as string}/current`,
      undefined,
      as(reader),
    );
    assert.equal(open.status, 200, open.text);
    assert.equal(open.body.read_only, false);
    const { loadObjects } = await import('../../server/store/index.ts');
    const objects = await loadObjects(ts.server.store, copied.body.id as string);
    assert.deepEqual(
      objects.map((o) => o.name),
      ['big', 'n1'],
    );
    const big = objects[0] as unknown as { variables: { values: number[] }[] };
    assert.deepEqual(Array.from(big.variables[0]!.values), values);
    const again = await call(ts, 'POST', `/api/v1/workspaces/${ws}/copy`, undefined, as(owner));
    assert.equal(again.body.name, 'Copy of Workspace 1');
    const third = await call(ts, 'POST', `/api/v1/workspaces/${ws}/copy`, undefined, as(owner));
    assert.equal(third.body.name, 'Copy of Workspace 1 (2)');
  });

  it('IDOR: another user can neither see nor touch a group, a share or a workspace', async () => {
    const ws = await idOfCurrent(owner);
    const group = await call(ts, 'POST', '/api/v1/groups', { name: 'Mine' }, as(owner));
    const gid = group.body.id as string;
    const share = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${ws}/shares`,
      { with: reader.email },
      as(owner),
    );
    const sid = share.body.id as string;
    const tries: [string, string, unknown][] = [
      ['PATCH', `/api/v1/groups/${gid}`, { name: 'x' }],
      ['DELETE', `/api/v1/groups/${gid}`, undefined],
      ['PUT', `/api/v1/groups/${gid}/members/${encodeURIComponent(stranger.email)}`, undefined],
      ['DELETE', `/api/v1/groups/${gid}/members/${encodeURIComponent(reader.email)}`, undefined],
      ['GET', `/api/v1/workspaces/${ws}/shares`, undefined],
      ['POST', `/api/v1/workspaces/${ws}/shares`, { with: stranger.email }],
      ['DELETE', `/api/v1/workspaces/${ws}/shares/${sid}`, undefined],
      ['POST', `/api/v1/workspaces/${ws}/copy`, undefined],
      ['POST', `/api/v1/workspaces/${ws}/current`, undefined],
    ];
    for (const [method, url, body] of tries) {
      assertError(await call(ts, method, url, body, as(stranger)), 404, 'not_found');
    }
    // A reader reads, but does not manage the owner's shares.
    for (const [method, url, body] of tries.slice(4, 7)) {
      assertError(await call(ts, method, url, body, as(reader)), 404, 'not_found');
    }
    // A sharing with the stranger's own group is refused too.
    const theirs = await call(ts, 'POST', '/api/v1/groups', { name: 'Theirs' }, as(stranger));
    const viaTheirs = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${ws}/shares`,
      { with: `group:${theirs.body.id as string}` },
      as(owner),
    );
    assertError(viaTheirs, 404, 'not_found');
    const groups = await call(ts, 'GET', '/api/v1/groups', undefined, as(stranger));
    assert.deepEqual(
      (groups.body.groups as { id: string }[]).map((g) => g.id),
      [theirs.body.id],
    );
    assert.equal(
      (await call(ts, 'GET', `/api/v1/workspaces/${ws}/shares`, undefined, as(owner))).body
        .shares instanceof Array,
      true,
    );
  });

  it('CSRF: every state-changing route refuses a foreign Origin (403 forbidden_origin)', async () => {
    const ws = await idOfCurrent(owner);
    const evil = as(owner, { origin: 'https://evil.example' });
    const tries: [string, string, unknown][] = [
      ['POST', '/api/v1/groups', { name: 'x' }],
      ['PATCH', '/api/v1/groups/x', { name: 'x' }],
      ['DELETE', '/api/v1/groups/x', undefined],
      ['PUT', `/api/v1/groups/x/members/${encodeURIComponent(reader.email)}`, undefined],
      ['POST', `/api/v1/workspaces/${ws}/shares`, { with: reader.email }],
      ['DELETE', `/api/v1/workspaces/${ws}/shares/x`, undefined],
      ['POST', `/api/v1/workspaces/${ws}/copy`, undefined],
      ['POST', '/api/v1/tokens', { name: 't', scopes: ['read'] }],
      ['DELETE', '/api/v1/tokens/x', undefined],
    ];
    for (const [method, url, body] of tries) {
      assertError(await call(ts, method, url, body, evil), 403, 'forbidden_origin');
    }
  });

  it('every route needs a login (401)', async () => {
    for (const url of ['/api/v1/groups', '/api/v1/shared', '/api/v1/tokens']) {
      assertError(await call(ts, 'GET', url), 401, 'unauthorized');
    }
  });
});
