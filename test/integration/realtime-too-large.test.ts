/**
 * Every message refused for size is answered `too_large`, with the limit in its message
 * (issue 10, defect 6): too many objects, a value or text past the converters' limits, and
 * a message past the transport's byte limit (a CSV with long text cells within `max_data`),
 * which closes its connection and is answered on the user's next one.
 */
import assert from 'node:assert/strict';
import { maxMessageBytes } from '../../server/realtime/index.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient, type TestUser } from '../fixtures/users.ts';

const MAX_DATA = 1000;

describe('realtime: messages refused for size get too_large', function () {
  this.timeout(60_000);
  const ts = useTestServer({ max_data: MAX_DATA });
  let user: TestUser;
  const open: TestClient[] = [];
  const client = async (): Promise<TestClient> => {
    const c = await connect(ts, user.cookie);
    open.push(c);
    return c;
  };

  before(async () => {
    user = await createUser(ts, 'big');
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  it('answers too_large for more objects than a message may hold, naming the limit', async () => {
    const c = await client();
    const objects = Array.from({ length: 1001 }, (_, i) => ({
      type: 'vector',
      name: `v${i}`,
      variableType: 'scalar',
      values: [1],
    }));
    const [err] = await c.request(objects);
    assert.equal(err?.['code'], 'too_large');
    assert.match(String(err?.['message']), /at most 1000 objects/);
  });

  it('answers too_large for a value or text over its limit, naming the limit', async () => {
    const c = await client();
    const long = 'x'.repeat(70_000);
    const [value, label] = await c.request([
      { type: 'vector', name: 'v', variableType: 'nominal', values: ['a', long] },
      { type: 'vector', name: 'w', variableType: 'scalar', values: [1], label: long },
    ]);
    assert.equal(value?.['code'], 'too_large');
    assert.match(String(value?.['message']), /65536 characters/);
    assert.equal(label?.['code'], 'too_large');
    assert.match(String(label?.['message']), /<=1000 characters/);
  });

  it('answers a CSV over the byte limit (long text cells) with too_large on the next connection', async () => {
    const limit = maxMessageBytes(MAX_DATA);
    const cell = 'long text '.repeat(6000); // 60,000 characters: a valid cell
    const rows = Math.ceil(limit / cell.length) + 1; // a few cells, far below max_data
    const text = ['note', ...Array.from({ length: rows }, () => cell)].join('\n') + '\n';
    const a = await client();
    a.send([{ type: 'command', name: 'notes', command: 'read', format: 'csv', text }]);
    await a.until(() => !a.socket.connected, 10_000, 'the transport to close the connection');
    const b = await client();
    const notice = await b.until(
      () => b.received.flatMap((m) => m.objects).find((o) => o['code'] === 'too_large'),
      10_000,
      'the too_large notice',
    );
    assert.equal(notice['name'], null);
    assert.match(String(notice['message']), new RegExp(`\\(${limit} bytes\\)`));
    assert.equal(b.received[0]?.reset, true, 'after the workspace');
    const again = await client();
    assert.equal(
      again.received.flatMap((m) => m.objects).some((o) => o['code'] === 'too_large'),
      false,
      'told once',
    );
  });
});
