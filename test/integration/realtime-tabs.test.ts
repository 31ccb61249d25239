/**
 * Several tabs of one user and a workspace switch (API.md "Realtime in API 1.1"): every
 * tab follows a switch made over REST at once, and a `data` that names a workspace that is
 * no longer current is answered with `wrong_workspace` and changes nothing. Real server,
 * R, store and socket.io-client.
 */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient, type TestUser } from '../fixtures/users.ts';
import { call } from './auth-http.helpers.ts';

const dataset = (name: string) => ({
  type: 'dataset',
  name,
  variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: [1, 2, 3, 4] }],
});

/** The id and name of the workspace a client was last sent whole (a `reset` message). */
function shown(c: TestClient): { id: string; name: string } | undefined {
  return c.received.filter((m) => m.reset === true).at(-1)?.workspace;
}

describe('realtime: tabs follow a workspace switch; a stale tab gets wrong_workspace', function () {
  this.timeout(60_000);
  const ts = useTestServer();
  let user: TestUser;
  const open: TestClient[] = [];
  const tab = async (): Promise<TestClient> => {
    const c = await connect(ts, user.cookie);
    open.push(c);
    return c;
  };
  const as = () => ({ cookie: user.cookie });

  before(async () => {
    user = await createUser(ts, 'tabs');
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  it('sends every tab the new workspace at once, and refuses a stale tab', async () => {
    const a = await tab();
    const b = await tab();
    const first = shown(a);
    assert.ok(first !== undefined);
    assert.deepEqual(shown(b), first);

    // Work in the first workspace, naming it: it runs.
    a.socket.emit('data', { seq: 100, workspace: first.id, objects: [dataset('one')] });
    assert.equal((await a.reply(100)).objects[0]?.type, 'dataset');

    const created = await call(ts, 'POST', '/api/v1/workspaces', { name: 'Second' }, as());
    assert.equal(created.status, 201, created.text);
    const second = created.body.id as string;
    const switched = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${second}/current`,
      undefined,
      as(),
    );
    assert.equal(switched.status, 200, switched.text);

    // Both tabs, not only one, are sent the new workspace whole.
    for (const c of [a, b]) {
      const reset = await c.until(
        () => c.received.find((m) => m.reset === true && m.workspace?.id === second),
        10_000,
        'the switch',
      );
      assert.equal(reset.replyTo, null);
      assert.equal(reset.workspace?.name, 'Second');
      assert.deepEqual(reset.objects, []);
    }

    // A tab that still names the first workspace: refused, object by object, nothing runs.
    b.socket.emit('data', {
      seq: 7,
      workspace: first.id,
      objects: [dataset('stale'), { type: 'report', name: 'r1' }],
    });
    const refused = await b.reply(7);
    assert.deepEqual(
      refused.objects.map((o) => [o.type, o.name, o.code]),
      [
        ['error', 'stale', 'wrong_workspace'],
        ['error', 'r1', 'wrong_workspace'],
      ],
    );
    assert.match(String(refused.objects[0]?.message), /Second/);
    // An empty message from a stale tab is refused too, with one error.
    b.socket.emit('data', { seq: 8, workspace: first.id, objects: [] });
    assert.deepEqual(
      (await b.reply(8)).objects.map((o) => [o.name, o.code]),
      [[null, 'wrong_workspace']],
    );

    // Naming the current workspace, or none (API 1.0 clients), runs.
    b.socket.emit('data', { seq: 9, workspace: second, objects: [dataset('fresh')] });
    assert.equal((await b.reply(9)).objects[0]?.type, 'dataset');
    assert.equal((await a.request([dataset('plain')]))[0]?.type, 'dataset');

    // Nothing of the refused message reached either workspace.
    const now = await tab();
    assert.deepEqual(
      now.received[0]?.objects.map((o) => o.name),
      ['fresh', 'plain'],
    );
    await call(ts, 'POST', `/api/v1/workspaces/${first.id}/current`, undefined, as());
    await now.until(() => shown(now)?.id === first.id, 10_000, 'the switch back');
    assert.deepEqual(
      now.received
        .filter((m) => m.reset === true)
        .at(-1)
        ?.objects.map((o) => o.name),
      ['one'],
    );
  });

  it('answers a workspace that is not a string with invalid_message', async () => {
    const c = await tab();
    c.socket.emit('data', { seq: 3, workspace: 42, objects: [dataset('n')] });
    const reply = await c.reply(3);
    assert.equal(reply.objects[0]?.code, 'invalid_message');
  });
});
