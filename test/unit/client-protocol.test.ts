// The client's protocol queue (client/src/protocol.ts): one `data` in flight until its
// `ok`, every server `data` acked, replies matched by `replyTo`, resend after a drop.
import assert from 'node:assert/strict';
import {
  DisconnectedError,
  MAX_SENDS,
  ProtocolQueue,
  parseServerData,
  type ServerData,
  type Transport,
} from '../../client/src/protocol.ts';
import { isErrorObject, type PanthrObject, type Reply } from '../../client/src/types.ts';
import { report } from '../fixtures/client-objects.ts';

type Sent = { event: 'data' | 'ok'; payload: { seq: number; objects?: PanthrObject[] } };

function setup(): { q: ProtocolQueue; sent: Sent[]; seen: ServerData[] } {
  const sent: Sent[] = [];
  const seen: ServerData[] = [];
  const transport: Transport = {
    emit: (event: 'data' | 'ok', payload: { seq: number; objects?: PanthrObject[] }) =>
      sent.push({ event, payload }),
  };
  const q = new ProtocolQueue(transport, (m) => seen.push(m));
  return { q, sent, seen };
}

const obj = report;
const resultOf = (o: Reply): unknown => (isErrorObject(o) ? undefined : o.result);
const dataSent = (sent: Sent[]) => sent.filter((s) => s.event === 'data').map((s) => s.payload.seq);

describe('client protocol queue', () => {
  it('sends nothing before it is connected, then one message at a time, the next after ok', () => {
    const { q, sent } = setup();
    void q.send([obj('a')]);
    void q.send([obj('b')]);
    void q.send([obj('c')]);
    assert.deepEqual(dataSent(sent), []);
    q.setConnected(true);
    assert.deepEqual(dataSent(sent), [1]);
    q.handleOk({ seq: 99 });
    assert.deepEqual(dataSent(sent), [1], 'an ok for another seq releases nothing');
    q.handleOk({ seq: 1 });
    assert.deepEqual(dataSent(sent), [1, 2]);
    q.handleOk({ seq: 2 });
    assert.deepEqual(dataSent(sent), [1, 2, 3]);
    assert.equal(q.pending, 1);
  });

  it('acks every server data with its seq and resolves the caller by replyTo', async () => {
    const { q, sent, seen } = setup();
    q.setConnected(true);
    const p1 = q.send([obj('a')]);
    q.handleOk({ seq: 1 });
    const p2 = q.send([obj('b')]);
    q.handleOk({ seq: 2 });
    q.handleData({ seq: 10, objects: [{ type: 'dataset', name: 'ws', variables: [] }] });
    q.handleData({ seq: 11, replyTo: 2, objects: [{ ...obj('b'), result: 2 }] });
    q.handleData({ seq: 12, replyTo: 1, objects: [{ ...obj('a'), result: 1 }] });
    assert.deepEqual(
      sent.filter((s) => s.event === 'ok').map((s) => s.payload.seq),
      [10, 11, 12],
    );
    assert.deepEqual((await p1).map(resultOf), [1]);
    assert.deepEqual((await p2).map(resultOf), [2]);
    assert.deepEqual(
      seen.map((m) => m.replyTo),
      [undefined, 2, 1],
    );
    assert.equal(q.awaitingReplies, 0);
  });

  it('treats a reply as an ok when the ok was lost', () => {
    const { q, sent } = setup();
    q.setConnected(true);
    void q.send([obj('a')]);
    void q.send([obj('b')]);
    q.handleData({ seq: 5, replyTo: 1, objects: [] });
    assert.deepEqual(dataSent(sent), [1, 2]);
  });

  it('acks a malformed message that has a seq, and ignores it otherwise', () => {
    const { q, sent, seen } = setup();
    q.handleData({ seq: 3, objects: 'nope' });
    q.handleData('garbage');
    assert.deepEqual(sent, [{ event: 'ok', payload: { seq: 3 } }]);
    assert.equal(seen.length, 0);
  });

  it('resends the unacked message after a reconnect and fails the acked ones', async () => {
    const { q, sent } = setup();
    q.setConnected(true);
    const acked = q.send([obj('a')]);
    q.handleOk({ seq: 1 });
    const inFlight = q.send([obj('b')]);
    const queued = q.send([obj('c')]);
    q.setConnected(false);
    await assert.rejects(acked, DisconnectedError);
    assert.equal(q.pending, 2);
    q.setConnected(true);
    assert.deepEqual(dataSent(sent), [1, 2, 2], 'message 2 goes again, before 3');
    q.handleOk({ seq: 2 });
    assert.deepEqual(dataSent(sent), [1, 2, 2, 3]);
    q.handleData({ seq: 1, replyTo: 2, objects: [obj('b')] });
    q.handleData({ seq: 2, replyTo: 3, objects: [obj('c')] });
    assert.equal((await inFlight).length, 1);
    assert.equal((await queued).length, 1);
  });

  it('gives up on a message the connection dropped on at each of its MAX_SENDS sends', async () => {
    const { q, sent } = setup();
    q.setConnected(true);
    const big = q.send([obj('big')]);
    const next = q.send([obj('next')]);
    for (let i = 0; i < MAX_SENDS; i++) {
      q.setConnected(false);
      q.setConnected(true);
    }
    await assert.rejects(big, (e: unknown) => {
      assert.ok(e instanceof DisconnectedError);
      assert.match(e.message, /larger than the server accepts/);
      return true;
    });
    assert.deepEqual(dataSent(sent), [...Array<number>(MAX_SENDS).fill(1), 2], 'the next one goes');
    q.handleOk({ seq: 2 });
    q.handleData({ seq: 1, replyTo: 2, objects: [obj('next')] });
    assert.equal((await next).length, 1);
  });

  it('parses server data: keeps objects with type and name, drops the rest', () => {
    assert.equal(parseServerData({ seq: 1.5, objects: [] }), null);
    assert.equal(parseServerData({ seq: 1 }), null);
    const m = parseServerData({ seq: 2, replyTo: 7, objects: [obj('a'), { name: 'x' }, 3, null] });
    assert.deepEqual(m, { seq: 2, replyTo: 7, objects: [obj('a')] });
    // A reset keeps its workspace, and says when it is another user's, read-only.
    const shared = { id: 'w1', name: 'Lab', readOnly: true };
    assert.deepEqual(parseServerData({ seq: 3, objects: [], reset: true, workspace: shared }), {
      seq: 3,
      objects: [],
      reset: true,
      workspace: shared,
    });
    const own = parseServerData({ seq: 4, objects: [], workspace: { id: 'w2', name: 'Mine' } });
    assert.deepEqual(own?.workspace, { id: 'w2', name: 'Mine' });
  });
});
