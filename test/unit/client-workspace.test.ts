// The client's half of "Realtime in API 1.1" (client/src/protocol.ts): each `data` names
// the workspace its tab shows, also when it is sent again after a reconnect, and the
// server's `reset` messages keep their workspace. Plus the reconnection backoff.
import assert from 'node:assert/strict';
import { retryDelay } from '../../client/src/connection.ts';
import {
  ProtocolQueue,
  parseServerData,
  type ClientData,
  type Transport,
} from '../../client/src/protocol.ts';
import { report } from '../fixtures/client-objects.ts';

function setup(): { q: ProtocolQueue; sent: ClientData[] } {
  const sent: ClientData[] = [];
  const transport: Transport = {
    emit: (event: 'data' | 'ok', payload: ClientData | { seq: number }) => {
      if (event === 'data') sent.push(payload as ClientData);
    },
  };
  return { q: new ProtocolQueue(transport, () => undefined), sent };
}

describe('client: the workspace a tab shows', () => {
  it('sends the workspace with each message, and the same one again after a drop', () => {
    const { q, sent } = setup();
    q.setConnected(true);
    void q.send([report('a')], 'ws-1');
    assert.deepEqual(sent[0], {
      seq: 1,
      objects: [report('a')],
      workspace: 'ws-1',
    });
    // Dropped before its ok: sent again on reconnect, still naming the workspace it was for.
    q.setConnected(false);
    q.setConnected(true);
    assert.equal(sent[1]?.seq, 1);
    assert.equal(sent[1]?.workspace, 'ws-1');
    q.handleOk({ seq: 1 });
    // Without a workspace (not known yet) the key is left out, as in API 1.0.
    void q.send([report('b')]);
    assert.equal(sent[2]?.seq, 2);
    assert.equal('workspace' in (sent[2] ?? {}), false);
  });

  it('keeps reset and workspace of a server message, and drops malformed ones', () => {
    assert.deepEqual(
      parseServerData({
        seq: 4,
        replyTo: null,
        objects: [],
        reset: true,
        workspace: { id: 'w', name: 'W' },
      }),
      { seq: 4, objects: [], reset: true, workspace: { id: 'w', name: 'W' } },
    );
    assert.deepEqual(parseServerData({ seq: 5, objects: [], reset: 'yes', workspace: { id: 3 } }), {
      seq: 5,
      objects: [],
    });
  });

  it('waits 0.5 to 1.5 s before the first reconnection, doubling up to 10 s (jittered)', () => {
    for (let i = 0; i < 50; i++) {
      const first = retryDelay(0);
      assert.ok(first >= 500 && first <= 1500, String(first));
      const late = retryDelay(12);
      assert.ok(late >= 5000 && late <= 15_000, String(late));
    }
  });
});
