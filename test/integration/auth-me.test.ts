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
});
