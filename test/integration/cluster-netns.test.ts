/**
 * A cluster node cut off Redis or the store (issue 19): node1 runs in a network namespace
 * (test/fixtures/netns.ts) whose links to Redis and to the store the test cuts and brings
 * back; node2, Redis, the store (the MongoDB test double, or MONGODB_URL) and nginx run on
 * the host as in cluster.test.ts. Skipped, saying why, where network namespaces are refused.
 */
import assert from 'node:assert/strict';
import { startCluster, type LocalCluster, type NodeNetwork } from '../fixtures/cluster.ts';
import {
  dataset,
  datasetsOf,
  newUser,
  openTab,
  PASSWORD,
  type Tab,
} from '../fixtures/cluster-clients.ts';
import { NGINX } from '../fixtures/nginx.ts';
import {
  createNamespace,
  startRelay,
  type Link,
  type NetNamespace,
  type Relay,
} from '../fixtures/netns.ts';

const TTL_S = 6;

/** `url` with its host:port replaced by the relay's. */
function through(url: string, relay: Relay): string {
  return url.replace(/^(\w+:\/\/)[^/]+/, `$1${relay.host}:${relay.port}`);
}

/** The host and port of a `scheme://host:port/...` URL. */
function target(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

/** Waits until `test` holds, polling every 200 ms. */
async function eventually(what: string, test: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('cluster: a node cut off Redis or the store (network namespaces)', function () {
  this.timeout(300_000);
  let ns: NetNamespace | undefined;
  let cluster: LocalCluster | undefined;
  const relays: Relay[] = [];
  let storeLink: Link;
  let redisLink: Link;

  /** node1 inside the namespace: one link each to the store, Redis and the host (nginx). */
  async function inNamespace(
    id: string,
    shared: { mongodbUrl: string; redisUrl: string },
  ): Promise<NodeNetwork | null> {
    if (id !== 'node1' || ns === undefined) return null;
    storeLink = await ns.link();
    redisLink = await ns.link();
    const front = await ns.link();
    const store = await startRelay(storeLink.hostAddress, target(shared.mongodbUrl));
    const redis = await startRelay(redisLink.hostAddress, target(shared.redisUrl));
    relays.push(store, redis);
    return {
      prefix: ns.prefix,
      host: front.nsAddress,
      mongodbUrl: through(shared.mongodbUrl, store),
      redisUrl: through(shared.redisUrl, redis),
      async expose(port) {
        const relay = await startRelay('127.0.0.1', { host: front.nsAddress, port });
        relays.push(relay);
        return relay.port;
      },
    };
  }

  before(async function () {
    if (NGINX === undefined) throw new Error('nginx and redis-server: scripts/setup --test');
    const made = await createNamespace();
    if (typeof made === 'string') {
      console.warn(`      skipped: ${made}`);
      this.skip();
    }
    ns = made;
    cluster = await startCluster({
      nodes: 2,
      leaseTtl: TTL_S,
      logLevel: 'warn',
      networkOf: inNamespace,
    });
  });
  after(async () => {
    await cluster?.stop();
    for (const r of relays) await r.close();
    await ns?.remove();
  });

  const nodeUrl = (i: number): string => cluster?.nodes[i]?.url ?? '';

  it('cut off Redis, a node keeps serving its own users and recovers when Redis is back', async () => {
    const c = cluster!;
    const { cookie, email } = await newUser(c);
    const tab = await openTab(c, cookie, 'node1');
    assert.equal(tab.node, 'node1');
    await redisLink.cut();
    try {
      // Its users compute and save as before: neither needs Redis.
      const [r] = await tab.client.request([dataset('during', 10)], 30_000);
      assert.equal(r?.type, 'dataset', JSON.stringify(r));
      // What degrades: an account event raised on another node (here a workspace switch)
      // does not reach this node's sockets while Redis is cut off.
      const made = await fetch(`${nodeUrl(1)}/api/v1/workspaces`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Elsewhere' }),
      });
      const madeText = await made.text();
      assert.equal(made.status, 201, madeText);
      const { id } = JSON.parse(madeText) as { id: string };
      const switched = await fetch(`${nodeUrl(1)}/api/v1/workspaces/${id}/current`, {
        method: 'POST',
        headers: { cookie },
      });
      assert.equal(switched.status, 200);
      await new Promise((r) => setTimeout(r, 3_000));
      assert.ok(!resetIn(tab), 'the switch does not cross while Redis is cut off');
      // And a login through this node (its rate limits count in Redis) fails at once
      // rather than hang until Redis is back.
      const started = Date.now();
      const login = await fetch(`${nodeUrl(0)}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
        signal: AbortSignal.timeout(20_000),
      });
      assert.equal(login.status, 500, await login.text());
      assert.ok(Date.now() - started < 5_000, `login answered after ${Date.now() - started} ms`);
    } finally {
      await redisLink.restore();
    }
    // Back: the events cross again (the one held back, and new ones: a logout elsewhere).
    await tab.client.until(() => resetIn(tab), 60_000, 'the switch once Redis is back');
    const out = await fetch(`${nodeUrl(1)}/logout`, { method: 'POST', headers: { cookie } });
    assert.ok(out.status < 300, `logout: ${out.status}`);
    await tab.client.until(() => !tab.client.socket.connected, 30_000, 'the logout on node1');
  });

  it('cut off the store, a node saves nothing more; its users move within the TTL with every acknowledged result', async () => {
    const c = cluster!;
    const { cookie } = await newUser(c);
    const tab = await openTab(c, cookie, 'node1');
    const acknowledged: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [r] = await tab.client.request([dataset(`ack${i}`, 20)]);
      assert.equal(r?.type, 'dataset');
      acknowledged.push(`ack${i}`);
    }
    const cut = Date.now();
    await storeLink.cut();
    try {
      // Sent after the cut: acknowledged only if stored, which node1 cannot do any more.
      const late = tab.client.send([dataset('late', 20)]);
      await tab.client.until(
        () => tab.client.byes.length > 0 || !tab.client.socket.connected,
        (TTL_S + 5) * 1000,
        'node1 ends the connection once its lease ran out',
      );
      assert.deepEqual(tab.client.byes, [{ reason: 'moved' }]);
      const reply = tab.client.received.find((m) => m.replyTo === late);
      assert.ok(
        reply === undefined || reply.objects[0]?.type === 'error',
        `no result acknowledged unsaved: ${String(JSON.stringify(reply?.objects[0])).slice(0, 200)}`,
      );
      // The client follows its cookie to node1, which cannot admit anyone without the
      // store: it falls through to node2, which takes the user once the lease expired.
      const moved = await openTab(c, cookie, 'node1', (TTL_S + 10) * 1000);
      const took = Date.now() - cut;
      assert.ok(took <= (TTL_S + 4) * 1000, `on node2 after ${took} ms (TTL ${TTL_S} s)`);
      const sets = datasetsOf(moved.client);
      for (const name of acknowledged) assert.ok(sets.has(name), `${name} survived`);
      assert.ok(!sets.has('late'), 'the result node1 could not store is not there');
      const [again] = await moved.client.request([dataset('after', 5)]);
      assert.equal(again?.type, 'dataset', 'node2 serves the user');
      moved.client.close();
    } finally {
      await storeLink.restore();
    }
    // node1 serves again once the store answers.
    await eventually(
      'node1 ready',
      async () => (await fetch(`${nodeUrl(0)}/ready`)).status === 200,
      60_000,
    );
    const fresh = await newUser(c);
    const back = await openTab(c, fresh.cookie, 'node1');
    assert.equal(back.node, 'node1');
    back.client.close();
  });
});

/** Whether a tab received a workspace switch after its first workspace. */
function resetIn(tab: Tab): boolean {
  return tab.client.received.slice(1).some((m) => (m as { reset?: unknown }).reset === true);
}
