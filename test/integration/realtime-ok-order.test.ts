/**
 * When the server writes a request's `ok` (issue 16, goal 4): after the request's call to R
 * went out, so that the frame overlaps R's computation, and still before any `data` that
 * follows it (API.md §2). Real server, real R, a real socket.io-client; the order of the
 * server's writes is read from the server's own QAP1 connection and Socket.IO's sockets.
 */
import assert from 'node:assert/strict';
import { Socket } from 'socket.io';
import { Qap1Connection } from '../../r/qap1/client.ts';
import { ClientConnection } from '../../server/sessions/client.connection.ts';
import { silentLogger } from '../../server/log.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient } from '../fixtures/users.ts';

const dataset = {
  type: 'dataset',
  name: 'd',
  variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: [1, 2, 3, 4, 5] }],
};
const report = {
  type: 'report',
  name: 'r',
  reportType: 'descriptives',
  dataset: 'd',
  variables: ['x'],
};

/** A socket that records what is emitted on it. */
function recordingSocket(log: string[]): ConstructorParameters<typeof ClientConnection>[0] {
  return {
    id: 'recording',
    emit(event: string, payload: unknown) {
      log.push(`${event} ${JSON.stringify(payload)}`);
      return true;
    },
    disconnect: () => undefined,
  };
}

describe('realtime: when the ok is written', function () {
  this.timeout(60_000);
  const ts = useTestServer();
  let client: TestClient;

  before(async () => {
    const user = await createUser(ts, 'okorder');
    client = await connect(ts, user.cookie);
    await client.request([dataset]);
  });
  after(() => client.close());

  it("writes a request's ok after its call to R and before its reply", async () => {
    const writes: string[] = [];
    const roundTrip = Object.getOwnPropertyDescriptor(Qap1Connection.prototype, 'roundTrip');
    const spied = roundTrip?.value as (this: Qap1Connection, ...a: unknown[]) => unknown;
    Object.defineProperty(Qap1Connection.prototype, 'roundTrip', {
      ...roundTrip,
      value(this: Qap1Connection, ...a: unknown[]) {
        writes.push('R');
        return spied.apply(this, a);
      },
    });
    const emit = Object.getOwnPropertyDescriptor(Socket.prototype, 'emit');
    const emitted = emit?.value as (this: Socket, event: string, ...a: unknown[]) => boolean;
    Object.defineProperty(Socket.prototype, 'emit', {
      ...emit,
      value(this: Socket, event: string, ...a: unknown[]) {
        if (event === 'ok' || event === 'data') writes.push(event);
        return emitted.call(this, event, ...a);
      },
    });
    try {
      const [result] = await client.request([report]);
      assert.equal(result?.type, 'report');
    } finally {
      if (emit !== undefined) Object.defineProperty(Socket.prototype, 'emit', emit);
      if (roundTrip !== undefined)
        Object.defineProperty(Qap1Connection.prototype, 'roundTrip', roundTrip);
    }
    // Other R connections of the server (the pool starting a spare session) may write in
    // between: what matters is that the ok follows a call to R and precedes the data.
    const ok = writes.indexOf('ok');
    assert.deepEqual(
      writes.filter((w) => w !== 'R'),
      ['ok', 'data'],
    );
    assert.ok(writes.indexOf('R') >= 0 && writes.indexOf('R') < ok, writes.join(' '));
  });

  it('writes pending oks before any data, in order, and the rest on the next turn', async () => {
    const log: string[] = [];
    const limits = { timeoutMs: 60_000, maxTimeMs: null, maxOutbound: 10 };
    const c = new ClientConnection(recordingSocket(log), 'u', '', limits, silentLogger());
    c.acknowledge(1);
    c.acknowledge(2);
    assert.deepEqual(log, [], 'nothing is written in the turn the message came in');
    c.outbound.push({ replyTo: 1, objects: [] });
    assert.deepEqual(log, [
      'ok {"seq":1}',
      'ok {"seq":2}',
      'data {"seq":1,"replyTo":1,"objects":[]}',
    ]);
    c.acknowledge(3);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log.slice(3), ['ok {"seq":3}']);
    c.acknowledge(4);
    c.closed();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(log.length, 4, 'no ok is written to a closed connection');
  });
});
