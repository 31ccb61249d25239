/**
 * Extensions on a live server (issue 17): a reload with a new extension starts a new Rserve
 * parent whose sessions know it, while a user connected before the reload keeps working on
 * the old parent, which stops once that user's session ends.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseConfig } from '../../server/config/index.ts';
import { silentLogger } from '../../server/log.ts';
import { reloadExtensions } from '../../server/server.ts';
import { groupProcesses, waitUntil } from '../fixtures/r-process-check.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient } from '../fixtures/users.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXTENSION = path.join(ROOT, 'extensions/normality.R');

/** Sends a vector and waits for the server's answer naming it. */
async function roundTrip(client: TestClient, name: string): Promise<void> {
  client.send([{ type: 'vector', name, variableType: 'scalar', values: [1, 2, 3] }]);
  await client.until(
    () => client.received.some((m) => m.objects.some((o) => o['name'] === name)),
    20_000,
    `the answer for ${name}`,
  );
}

describe('extensions reloaded live (SIGHUP)', function () {
  this.timeout(120_000);
  const ts = useTestServer();

  it('serves new sessions from a new Rserve with the extension; the old one drains', async () => {
    const r = ts.server.r;
    assert.equal(r.registered?.graphs.has('qqnorm'), false);
    const before = await connect(ts, (await createUser(ts, 'before')).cookie);
    await roundTrip(before, 'v1');
    const oldGroup = r.supervisor.server!.pgid;

    const next = parseConfig({ ...ts.config, extensions: { normality: EXTENSION } });
    assert.equal(await reloadExtensions(ts.server, next, silentLogger()), true);
    assert.equal(r.registered?.graphs.has('qqnorm'), true, 'the new kinds validate requests');
    assert.notEqual(r.supervisor.server!.pgid, oldGroup, 'a new Rserve parent');
    assert.equal(r.draining, 1);

    // A session from the new parent has the extension loaded.
    const fresh = await r.pool.acquire('probe');
    const has = await fresh.eval('"qqnorm" %in% panthr_registered()$graphs');
    assert.deepEqual(has.kind === 'logical' ? [...has.values] : null, [1], 'TRUE');
    await r.pool.release(fresh);
    const after = await connect(ts, (await createUser(ts, 'after')).cookie);
    await roundTrip(after, 'v2');

    // The user of before the reload was not dropped and still computes on the old parent.
    await roundTrip(before, 'v3');
    assert.ok(groupProcesses(oldGroup).length > 0, 'the old Rserve still runs');
    assert.equal(r.draining, 1);

    before.socket.disconnect();
    assert.ok(
      await waitUntil(() => r.draining === 0 && groupProcesses(oldGroup).length === 0, 20_000),
      'the old Rserve stops when its last session ends',
    );
    await roundTrip(after, 'v4');
    after.socket.disconnect();
  });

  it('a session keeps the kinds of the Rserve it came from until the user reconnects', async () => {
    const r = ts.server.r;
    const reload = async (extensions: Record<string, string>): Promise<void> => {
      const next = parseConfig({ ...ts.config, extensions });
      assert.equal(await reloadExtensions(ts.server, next, silentLogger()), true);
    };
    const reconnect = async (tab: TestClient, cookie: string): Promise<TestClient> => {
      tab.socket.disconnect();
      // The session ends and its Rserve (no one else's) stops: the next one is current.
      assert.ok(await waitUntil(() => r.draining === 0, 20_000), 'the old Rserve stopped');
      return connect(ts, cookie);
    };
    const qq = (name: string) => ({
      type: 'graph',
      name,
      graphType: 'qqnorm',
      dataset: 'd',
      variables: ['x'],
    });
    await reload({});
    const { cookie } = await createUser(ts, 'kinds');
    let tab = await connect(ts, cookie);
    const x = { type: 'vector', name: 'x', variableType: 'scalar', values: [3, 1, 4, 1, 5, 9] };
    const [stored] = await tab.request([{ type: 'dataset', name: 'd', variables: [x] }]);
    assert.equal(stored?.type, 'dataset', JSON.stringify(stored));

    // Added by a reload: not offered to the session forked before it (its R lacks the
    // function), with a message that says how to get it; offered once the user reconnects.
    await reload({ normality: EXTENSION });
    const [refused] = await tab.request([qq('qq1')]);
    assert.equal(refused?.code, 'unknown_type', JSON.stringify(refused));
    assert.match(String(refused?.message), /qqnorm.*reconnect/);
    tab = await reconnect(tab, cookie);
    assert.ok(!tab.received[0]?.objects.some((o) => o['name'] === 'qq1'), 'nothing was stored');
    const [drawn] = await tab.request([qq('qq2')]);
    assert.equal((drawn?.result as { format?: string } | undefined)?.format, 'svg');

    // Removed by a reload: the session that has it in its R keeps it until it reconnects.
    await reload({});
    const [kept] = await tab.request([qq('qq3')]);
    assert.equal((kept?.result as { format?: string } | undefined)?.format, 'svg');
    tab = await reconnect(tab, cookie);
    const [gone] = await tab.request([qq('qq4')]);
    assert.equal(gone?.code, 'unknown_type', JSON.stringify(gone));
    assert.doesNotMatch(String(gone?.message), /reconnect/);
    tab.socket.disconnect();
  });

  it('keeps the running R when the new extensions cannot start', async () => {
    const r = ts.server.r;
    const group = r.supervisor.server!.pgid;
    const broken = parseConfig({ ...ts.config, extensions: { gone: '/nonexistent/ext.R' } });
    assert.equal(await reloadExtensions(ts.server, broken, silentLogger()), false);
    assert.equal(r.supervisor.server!.pgid, group);
    assert.equal(r.supervisor.state, 'ready');
    assert.equal(r.draining, 0);
  });
});
