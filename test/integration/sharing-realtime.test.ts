/**
 * A reader over Socket.IO with real R (API 1.1): opening a shared workspace gives it
 * read-only (data and outputs arrive; every `data` object is `forbidden`); removing the
 * share or the group member ends that access at once (`bye` `revoked`), after which the
 * reader is back in their own workspace; a password change says `bye` `password_changed`.
 */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';
import { call } from './auth-http.helpers.ts';

const CSV = 'y,g\n1.5,a\n2.5,a\n3.1,a\n4.2,b\n5.9,b\n7.3,b\n';

describe('realtime: shared workspaces are read-only for readers', function () {
  const ts = useTestServer();
  let owner: TestUser;
  let reader: TestUser;
  let ws: string;
  const as = (u: TestUser) => ({ cookie: u.cookie });
  before(async () => {
    owner = await createUser(ts, 'rt-owner');
    reader = await createUser(ts, 'rt-reader');
    const list = await call(ts, 'GET', '/api/v1/workspaces', undefined, as(owner));
    ws = (list.body.workspaces as { id: string }[])[0]!.id;
    const c = await connect(ts, owner.cookie);
    await c.request([{ type: 'command', name: 'd', command: 'read', format: 'csv', text: CSV }]);
    const [t] = await c.request([
      { type: 'test', name: 't1', test: 't.test', dataset: 'd', variables: ['y', 'g'] },
    ]);
    assert.equal(t?.type, 'test', JSON.stringify(t));
    c.close();
  });

  /** Shares `ws` with `target`, opens it as the reader; returns the share id and the socket. */
  async function openAsReader(target: string) {
    const share = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${ws}/shares`,
      { with: target },
      as(owner),
    );
    assert.equal(share.status, 201, share.text);
    const open = await call(ts, 'POST', `/api/v1/workspaces/${ws}/current`, undefined, as(reader));
    assert.equal(open.status, 200, open.text);
    assert.equal(open.body.read_only, true);
    const client = await connect(ts, reader.cookie);
    return { shareId: share.body.id as string, client };
  }

  it('the reader sees data and outputs; every object is forbidden; the owner is unaffected', async () => {
    const { shareId, client } = await openAsReader(reader.email);
    const names = client.received[0]!.objects.map((o) => o.name);
    assert.deepEqual(names, ['d', 't1']);
    const answers = await client.request([
      { type: 'test', name: 't2', test: 't.test', dataset: 'd', variables: ['y', 'g'] },
      {
        type: 'command',
        name: 'e',
        command: 'newvar',
        dataset: 'd',
        variable: 'z',
        formula: 'y * 2',
      },
      { type: 'command', name: 'x', command: 'delete', target: 't1' },
    ]);
    assert.deepEqual(
      answers.map((a) => [a.type, a.code]),
      [
        ['error', 'forbidden'],
        ['error', 'forbidden'],
        ['error', 'forbidden'],
      ],
    );
    const { loadObjects } = await import('../../server/store/index.ts');
    assert.deepEqual(
      (await loadObjects(ts.server.store, ws)).map((o) => o.name),
      ['d', 't1'],
    );
    // Removing the share ends the access at once, open socket included.
    await call(ts, 'DELETE', `/api/v1/workspaces/${ws}/shares/${shareId}`, undefined, as(owner));
    await client.until(() => client.byes.length > 0, 10_000, 'bye');
    assert.deepEqual(client.byes, [{ reason: 'revoked' }]);
    // Reconnecting, the reader is in a workspace of their own, which they may change.
    const back = await connect(ts, reader.cookie);
    assert.deepEqual(back.received[0]!.objects, []);
    const [made] = await back.request([
      { type: 'command', name: 'mine', command: 'read', format: 'csv', text: CSV },
    ]);
    assert.notEqual(made?.type, 'error', JSON.stringify(made));
    back.close();
  });

  it('removing the reader from the group ends the access the group gave (bye revoked)', async () => {
    const group = await call(ts, 'POST', '/api/v1/groups', { name: 'class' }, as(owner));
    const gid = group.body.id as string;
    const member = `/api/v1/groups/${gid}/members/${encodeURIComponent(reader.email)}`;
    await call(ts, 'PUT', member, undefined, as(owner));
    const { client } = await openAsReader(`group:${gid}`);
    assert.deepEqual(
      client.received[0]!.objects.map((o) => o.name),
      ['d', 't1'],
    );
    await call(ts, 'DELETE', member, undefined, as(owner));
    await client.until(() => client.byes.length > 0, 10_000, 'bye');
    assert.deepEqual(client.byes, [{ reason: 'revoked' }]);
  });

  it('logging in again and asking who is logged in keep the reader in the shared workspace', async () => {
    const { shareId, client } = await openAsReader(reader.email);
    client.close();
    const res = await fetch(`${ts.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: reader.email, password: reader.password }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { workspace: Record<string, unknown> };
    assert.deepEqual(body.workspace, { id: ws, name: 'Workspace 1', read_only: true });
    const cookie = (res.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
    const me = await call(ts, 'GET', '/api/v1/me', undefined, { cookie });
    assert.deepEqual(me.body.workspace, { id: ws, name: 'Workspace 1', read_only: true });
    const again = await connect(ts, cookie);
    assert.deepEqual(
      again.received[0]!.objects.map((o) => o.name),
      ['d', 't1'],
    );
    await call(ts, 'DELETE', `/api/v1/workspaces/${ws}/shares/${shareId}`, undefined, as(owner));
    await again.until(() => again.byes.length > 0, 10_000, 'bye');
    // The share gone, the reader's own workspace is theirs again, without read_only.
    const after = await call(ts, 'GET', '/api/v1/me', undefined, { cookie });
    assert.notEqual((after.body.workspace as { id: string }).id, ws);
    assert.equal((after.body.workspace as { read_only?: boolean }).read_only, undefined);
  });

  it('the owner deleting a shared workspace ends the access of a reader who has it open', async () => {
    const made = await call(ts, 'POST', '/api/v1/workspaces', { name: 'to delete' }, as(owner));
    assert.equal(made.status, 201, made.text);
    const id = made.body.id as string;
    const share = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${id}/shares`,
      { with: reader.email },
      as(owner),
    );
    assert.equal(share.status, 201, share.text);
    const open = await call(ts, 'POST', `/api/v1/workspaces/${id}/current`, undefined, as(reader));
    assert.equal(open.status, 200, open.text);
    const client = await connect(ts, reader.cookie);
    const gone = await call(ts, 'DELETE', `/api/v1/workspaces/${id}`, undefined, as(owner));
    assert.equal(gone.status, 204, gone.text);
    await client.until(() => client.byes.length > 0, 10_000, 'bye');
    assert.deepEqual(client.byes, [{ reason: 'revoked' }]);
  });

  it('a password change ends the other connections with bye password_changed', async () => {
    const other = await connect(ts, reader.cookie);
    const { login } = await import('../fixtures/users.ts');
    const second = await login(ts, reader.email, reader.password);
    const r = await call(
      ts,
      'POST',
      '/api/v1/password',
      { current: reader.password, password: 'a brand new long password 42' },
      { cookie: second },
    );
    assert.equal(r.status, 204, r.text);
    await other.until(() => other.byes.length > 0, 10_000, 'bye');
    assert.deepEqual(other.byes, [{ reason: 'password_changed' }]);
  });
});
