/**
 * One user's queue for R is bounded: past `max_queued` waiting messages a message is
 * answered `too_many_requests` at once, and the waiting ones still run.
 */
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { io } from 'socket.io-client';
import { extensionTest, oneColumn, TEST_EXTENSION } from '../fixtures/test-extension.ts';
import { connect, createUser, TestClient } from '../fixtures/users.ts';

const names = (objects: readonly Record<string, unknown>[]) => objects.map((o) => o['name']);

describe('realtime: the queue of one user', function () {
  this.timeout(90_000);
  let ts: TestServer;
  const clients: TestClient[] = [];

  before(async () => {
    ts = await startTestServer({
      extensions: { testing: TEST_EXTENSION },
      max_queued: 5,
      compute_timeout: 60,
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await ts?.stop();
  });

  it('answers too_many_requests past max_queued waiting messages, and runs those waiting', async () => {
    const user = await createUser(ts, 'queue-bound');
    const client = await connect(ts, user.cookie);
    clients.push(client);
    await client.request([oneColumn]);
    const busy = client.send([extensionTest('busy', 'sleep', { seconds: 3 })]);
    // The sleep has begun (it is no longer waiting) well before this.
    await new Promise((r) => setTimeout(r, 700));
    const waiting = [1, 2, 3, 4, 5].map((i) => client.send([extensionTest(`w${i}`, 'pid')]));
    const over = client.send([
      extensionTest('over', 'pid'),
      { type: 'note', name: 'n1', text: 'x' },
    ]);

    const refused = await client.reply(over, 2500);
    assert.equal(
      client.received.some((m) => m.replyTo === busy),
      false,
      'the refusal came while R was still busy',
    );
    assert.deepEqual(names(refused.objects), ['over', 'n1']);
    for (const o of refused.objects) {
      assert.equal(o['type'], 'error');
      assert.equal(o['code'], 'too_many_requests', JSON.stringify(o));
      assert.match(String(o['message']), /5 earlier messages .*at most 5 may wait/);
    }
    assert.ok(client.oks.includes(over), 'the refused message was acknowledged');

    const [slept] = (await client.reply(busy, 20_000)).objects;
    assert.equal((slept?.['result'] as { slept?: unknown } | undefined)?.slept, 3);
    for (const [i, seq] of waiting.entries()) {
      const [o] = (await client.reply(seq, 20_000)).objects;
      assert.equal(o?.['name'], `w${i + 1}`);
      assert.equal(typeof (o?.['result'] as { pid?: unknown } | undefined)?.pid, 'number');
    }
    // Room again: the message refused before now runs.
    const [again] = await client.request([extensionTest('over', 'pid')]);
    assert.equal(typeof (again?.['result'] as { pid?: unknown } | undefined)?.pid, 'number');
  });

  it('counts what a tab left waiting when the user is back at once', async () => {
    const user = await createUser(ts, 'queue-back');
    const first = await connect(ts, user.cookie);
    clients.push(first);
    await first.request([oneColumn]);
    first.send([extensionTest('busy', 'sleep', { seconds: 4 })]);
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 1; i <= 5; i++) first.send([extensionTest(`w${i}`, 'pid')]);
    await first.until(() => first.oks.length >= 7, 5000, 'the oks');
    first.close();
    // Back at once: the workspace comes once the old queue ran; a message sent before
    // then still finds five waiting.
    const again = new TestClient(
      io(ts.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { cookie: user.cookie },
      }),
    );
    clients.push(again);
    await new Promise<void>((resolve) => again.socket.once('connect', () => resolve()));
    const [refused] = await again.request([extensionTest('more', 'pid')], 20_000);
    assert.equal(refused?.['code'], 'too_many_requests', JSON.stringify(refused));
    const held = again.received[0]?.objects.map((o) => o['name']) ?? [];
    assert.ok(held.includes('w5'), `the workspace came first, with w5: ${JSON.stringify(held)}`);
  });

  it('a shutdown stops the queued work of a user who left, within its grace', async () => {
    const own = await startTestServer({
      extensions: { testing: TEST_EXTENSION },
    });
    let stopped = false;
    try {
      const user = await createUser(own, 'queue-shutdown');
      const client = await connect(own, user.cookie);
      await client.request([oneColumn]);
      // 40 s of work, queued; the tab leaves, then the server is stopped.
      const sleeps = Array.from({ length: 400 }, (_, i) =>
        client.send([extensionTest(`s${i}`, 'sleep', { seconds: 0.1 })]),
      );
      await client.until(() => client.oks.length > sleeps.length, 10_000, 'the oks');
      client.close();
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await own.stop();
      stopped = true;
      const took = Date.now() - started;
      // The shutdown grace is 5 s; the queue alone would hold it for about 40.
      assert.ok(took < 20_000, `the shutdown took ${took} ms`);
    } finally {
      if (!stopped) await own.stop();
    }
  });
});
