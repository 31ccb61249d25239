/**
 * `echo` (docs/api.md "Empty round trip", an extension): acknowledged at once with the same
 * `t` for any logged-in socket (a session cookie or a read-only token), never touching R or
 * the workspace; a malformed one is answered, never fatal; past the per-socket rate the
 * acknowledgement says `too_many_requests` and the socket keeps working. Real server, real
 * socket.io-client.
 */
import assert from 'node:assert/strict';
import { ECHO_BURST, ECHO_PER_SECOND, TokenBucket } from '../../server/realtime/echo.ts';
import { useTestServer } from '../fixtures/server.ts';
import { io } from 'socket.io-client';
import { connect, createUser, TestClient, type TestUser } from '../fixtures/users.ts';
import { call } from './auth-http.helpers.ts';

/** Emits `echo` with `payload` and resolves with the acknowledgement. */
function echo(c: TestClient, payload: unknown): Promise<Record<string, unknown>> {
  return c.socket.timeout(5_000).emitWithAck('echo', payload) as Promise<Record<string, unknown>>;
}

describe('realtime: echo, the empty round trip', function () {
  this.timeout(60_000);
  const ts = useTestServer();
  let user: TestUser;
  const open: TestClient[] = [];

  before(async () => {
    user = await createUser(ts, 'echo');
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  it('acknowledges with the same t at once, and changes nothing', async () => {
    const c = await connect(ts, user.cookie);
    open.push(c);
    const t = { n: 1, s: 'é', a: [true, null] };
    assert.deepEqual(await echo(c, { t }), { t });
    // Nothing was sent as data, nothing was stored: a new tab gets an empty workspace.
    assert.equal(c.received.length, 1);
    const other = await connect(ts, user.cookie);
    open.push(other);
    assert.deepEqual(other.received[0]?.objects, []);
  });

  it('answers a read-only token socket too', async () => {
    const made = await call(
      ts,
      'POST',
      '/api/v1/tokens',
      { name: 'echo', scopes: ['read'], expires_in_days: 1 },
      { cookie: user.cookie },
    );
    assert.equal(made.status, 201, made.text);
    const socket = io(ts.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: made.body.token },
    });
    const c = new TestClient(socket);
    open.push(c);
    await c.until(() => c.received.length > 0, 20_000, 'the workspace');
    assert.deepEqual(await echo(c, { t: 7 }), { t: 7 });
  });

  it('answers a malformed echo with invalid_message; one without an ack is ignored', async () => {
    const c = await connect(ts, user.cookie);
    open.push(c);
    assert.deepEqual(await echo(c, 'not an object'), { t: null, error: 'invalid_message' });
    c.socket.emit('echo', { t: 1 });
    assert.deepEqual(await echo(c, { t: 2 }), { t: 2 });
    assert.equal(c.socket.connected, true);
  });

  it('refuses past the rate with too_many_requests, then answers again', async () => {
    const c = await connect(ts, user.cookie);
    open.push(c);
    // Far more than the burst plus what the bucket refills while they arrive, however slow
    // the machine: refusals then come whatever the timing.
    const n = ECHO_BURST * 6;
    const replies = await Promise.all(Array.from({ length: n }, (_, i) => echo(c, { t: i })));
    const refused = replies.filter((r) => r.error === 'too_many_requests');
    // The bucket refills while the burst arrives: a few more than the burst may pass.
    assert.ok(refused.length > 0 && refused.length <= n - ECHO_BURST, `${refused.length}`);
    assert.ok(replies.every((r, i) => r.t === i));
    // Another socket has its own bucket.
    const other = await connect(ts, user.cookie);
    open.push(other);
    assert.deepEqual(await echo(other, { t: 'x' }), { t: 'x' });
    await new Promise((r) => setTimeout(r, (1000 / ECHO_PER_SECOND) * 5));
    assert.deepEqual(await echo(c, { t: 'again' }), { t: 'again' });
    assert.equal(c.socket.connected, true);
  });
});

describe('realtime: echo token bucket', () => {
  it('allows a burst, then the rate', () => {
    let t = 0;
    const b = new TokenBucket(3, 10, () => t);
    assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
    t += 100; // one token back at 10 a second
    assert.deepEqual([b.take(), b.take()], [true, false]);
    t += 10_000; // never more than the burst
    assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
  });
});
