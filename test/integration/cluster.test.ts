/**
 * Several nodes (issue 19): Debian's redis-server and nginx, the store (the MongoDB test
 * double, or real MongoDB with MONGODB_URL) and two server processes, through
 * test/fixtures/cluster.ts (what scripts/cluster runs). Clients follow the affinity
 * contract as a browser's does: on `moved` they set `panthr_node` and connect again
 * through nginx. Cutting a node off Redis or the store: cluster-netns.test.ts.
 */
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { dbNameOf } from '../../server/store/mongo/mongo.store.ts';
import { openStore, type LeaseRepository, type Store } from '../../server/store/index.ts';
import { NGINX } from '../fixtures/nginx.ts';
import { REDIS_SERVER, startCluster, type LocalCluster } from '../fixtures/cluster.ts';
import { dataset, datasetsOf, newUser, openTab, status } from '../fixtures/cluster-clients.ts';

const TTL_S = 8;

describe('cluster: two nodes behind nginx, Redis and one store', function () {
  this.timeout(240_000);
  let cluster: LocalCluster;
  let store: Store | undefined;
  let leases: LeaseRepository;
  let mongo: MongoClient;
  /** The id of the account `email`, read from the store. */
  const userIdOf = async (email: string): Promise<string> => {
    const user = await mongo
      .db(dbNameOf(cluster.mongodbUrl) ?? '')
      .collection('users')
      .findOne({ email });
    return String(user?._id);
  };

  before(async function () {
    if (NGINX === undefined || REDIS_SERVER === undefined) {
      throw new Error('nginx and redis-server are needed: scripts/setup --test');
    }
    cluster = await startCluster({ nodes: 2, leaseTtl: TTL_S, logLevel: 'warn' });
    store = await openStore({ data_dir: '', mongodb_url: cluster.mongodbUrl, sweep: false });
    leases = store.leases;
    mongo = await new MongoClient(cluster.mongodbUrl).connect();
  });
  after(async () => {
    await store?.close();
    await mongo?.close();
    await cluster?.stop();
  });

  const node = (i: number) => {
    const n = cluster.nodes[i];
    if (n === undefined) throw new Error(`no node ${i}`);
    return n;
  };

  it('two tabs reaching different nodes converge on the holder and see each other', async () => {
    const { cookie, email } = await newUser(cluster);
    const a = await openTab(cluster, cookie, 'node1');
    assert.deepEqual(a.moves, []);
    const b = await openTab(cluster, cookie, 'node2');
    assert.deepEqual(b.moves, ['node1'], 'the second tab was sent to the holder');
    assert.equal(b.node, 'node1');
    assert.equal((await status(node(0).url)).no_users, 2);
    assert.equal((await status(node(1).url)).no_users, 0);
    // A change in one tab reaches the other.
    const [stored] = await a.client.request([dataset('shared', 10)]);
    assert.equal(stored?.type, 'dataset', JSON.stringify(stored));
    await b.client.until(
      () => b.client.received.some((m) => m.objects.some((o) => o.name === 'shared')),
      20_000,
      'the other tab sees the dataset',
    );
    // A workspace switch made on the other node (REST) reaches both tabs through Redis.
    const made = await fetch(`${node(1).url}/api/v1/workspaces`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Second' }),
    });
    const madeText = await made.text();
    assert.equal(made.status, 201, madeText);
    const { id } = JSON.parse(madeText) as { id: string };
    const switched = await fetch(`${node(1).url}/api/v1/workspaces/${id}/current`, {
      method: 'POST',
      headers: { cookie },
    });
    assert.equal(switched.status, 200, await switched.text());
    for (const t of [a, b]) {
      await t.client.until(
        () => t.client.received.some((m) => (m as { reset?: unknown }).reset === true),
        20_000,
        'the switch in every tab',
      );
    }
    // Logging out on the other node ends the sockets on the holder.
    const out = await fetch(`${node(1).url}/logout`, { method: 'POST', headers: { cookie } });
    assert.ok(out.status < 300, `logout: ${out.status}`);
    for (const t of [a, b]) {
      await t.client.until(() => !t.client.socket.connected, 20_000, 'the logout everywhere');
    }
    // The user's last tab left: the holder gave the lease up.
    const userId = await userIdOf(email);
    const deadline = Date.now() + 10_000;
    while ((await leases.holder(userId)) !== null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await leases.holder(userId), null);
  });

  // Issue 18's store rule (a unique lower-cased name key per user) keeps this across nodes.
  it('the same workspace name created at once on both nodes gives exactly one 201', async () => {
    const { cookie } = await newUser(cluster);
    const post = (url: string) =>
      fetch(`${url}/api/v1/workspaces`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Twins' }),
      });
    const statuses = (await Promise.all([post(node(0).url), post(node(1).url)])).map(
      (r) => r.status,
    );
    assert.deepEqual(statuses.sort(), [201, 409]);
  });

  it('a node started while the other saves large datasets loses no chunk', async () => {
    const { cookie } = await newUser(cluster);
    const tab = await openTab(cluster, cookie, 'node1');
    const rows = 30_000;
    const saved: string[] = [];
    let starting = true;
    const third = cluster.addNode('node3').finally(() => (starting = false));
    // Saves one large dataset after another for the whole start of node3 (its store opens
    // in the first second; a sweep then would take the chunks of a save in flight).
    while ((starting && saved.length < 12) || saved.length < 3) {
      const name = `big${saved.length}`;
      const [r] = await tab.client.request([dataset(name, rows)], 60_000);
      assert.equal(r?.type, 'dataset', JSON.stringify(r).slice(0, 300));
      saved.push(name);
    }
    await third;
    tab.client.close();
    const again = await openTab(cluster, cookie, 'node1');
    const sets = datasetsOf(again.client);
    for (const name of saved) {
      const ds = sets.get(name);
      assert.ok(ds !== undefined, `${name} is in the workspace`);
      const vars = ds.variables as { values: number[] }[];
      assert.equal(vars[0]?.values.length, rows, `${name}: every value of x`);
      assert.equal(vars[1]?.values[rows - 1], ((rows - 1) * 7) % 1000, `${name}: y intact`);
    }
    again.client.close();
    await cluster.nodes.find((n) => n.id === 'node3')?.stop();
  });

  it('SIGTERM of the holder hands its users to the other node at once', async () => {
    const { cookie, email } = await newUser(cluster);
    const tab = await openTab(cluster, cookie, 'node1');
    const [r] = await tab.client.request([dataset('kept', 20)]);
    assert.equal(r?.type, 'dataset');
    const stopped = Date.now();
    await node(0).stop('SIGTERM');
    assert.deepEqual(tab.client.byes, [{ reason: 'shutdown' }]);
    const moved = await openTab(cluster, cookie, 'node1', TTL_S * 1000);
    const took = Date.now() - stopped;
    assert.ok(took < TTL_S * 1000, `moved after ${took} ms, within less than the TTL`);
    assert.ok(datasetsOf(moved.client).has('kept'));
    assert.equal((await leases.holder(await userIdOf(email)))?.nodeId, 'node2');
    moved.client.close();
    cluster.nodes[0] = await node(0).restart();
  });

  it('kill -9 of the holder moves its users within the TTL with every acknowledged result', async () => {
    const { cookie, email } = await newUser(cluster);
    const tab = await openTab(cluster, cookie, 'node2');
    const acknowledged: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [r] = await tab.client.request([dataset(`ack${i}`, 50)]);
      assert.equal(r?.type, 'dataset');
      acknowledged.push(`ack${i}`);
    }
    const killed = Date.now();
    await node(1).stop('SIGKILL');
    // Refused (moved to the dead holder) until its lease runs out, then taken by node1.
    const moved = await openTab(cluster, cookie, 'node2', (TTL_S + 10) * 1000);
    const took = Date.now() - killed;
    assert.ok(took <= (TTL_S + 2) * 1000, `moved after ${took} ms (TTL ${TTL_S} s)`);
    const sets = datasetsOf(moved.client);
    for (const name of acknowledged) assert.ok(sets.has(name), `${name} survived`);
    assert.equal((await leases.holder(await userIdOf(email)))?.nodeId, 'node1');
    moved.client.close();
  });
});
