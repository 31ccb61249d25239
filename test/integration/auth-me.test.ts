/** GET /api/v1/me: who is logged in, answered 200 whether or not anyone is. */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';
import { createUser } from '../fixtures/users.ts';

describe('accounts: GET /api/v1/me', function () {
  this.timeout(60_000);
  const ts = useTestServer();

  it('says nobody is logged in without a session, without an error status', async () => {
    const res = await fetch(`${ts.url}/api/v1/me`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { email: null, workspace: null });
  });

  it('gives the email and the current workspace of the session', async () => {
    const user = await createUser(ts, 'me');
    const res = await fetch(`${ts.url}/api/v1/me`, { headers: { cookie: user.cookie } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { email: string; workspace: { id: string; name: string } };
    assert.equal(body.email, user.email);
    assert.equal(body.workspace.name, 'Workspace 1');
    const list = (await (
      await fetch(`${ts.url}/api/v1/workspaces`, { headers: { cookie: user.cookie } })
    ).json()) as { workspaces: { id: string; current: boolean }[] };
    assert.equal(list.workspaces.find((w) => w.current)?.id, body.workspace.id);
  });

  it('answers for a personal access token too, and 401 for a wrong one', async () => {
    const user = await createUser(ts, 'me-token');
    const made = await fetch(`${ts.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { cookie: user.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'me', scopes: ['read'], expires_in_days: 1 }),
    });
    assert.equal(made.status, 201);
    const { token } = (await made.json()) as { token: string };
    const res = await fetch(`${ts.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { email: string; workspace: { name: string } };
    assert.equal(body.email, user.email);
    assert.equal(body.workspace.name, 'Workspace 1');
    const wrong = await fetch(`${ts.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${'x'.repeat(43)}` },
    });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: string }).error, 'unauthorized');
  });
});
