/**
 * A quick reconnect (a reload) gets the workspace with the last result its previous
 * connection queued (issue 10, defect 6): the new connection waits for the user's queue.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser } from '../fixtures/users.ts';

const TEST_EXTENSION = path.resolve(import.meta.dirname, '../fixtures/r/test-extension.R');

const dataset = {
  type: 'dataset',
  name: 'd',
  variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: [1, 2, 3] }],
};

describe('realtime: a reconnect waits for the work its previous connection queued', function () {
  this.timeout(60_000);
  const ts = useTestServer({ extensions: { testing: TEST_EXTENSION } });

  it('sends the workspace with the result still running when the last tab left', async () => {
    const user = await createUser(ts, 'reload');
    const a = await connect(ts, user.cookie);
    await a.request([dataset]);
    const seq = a.send([
      {
        type: 'test',
        name: 'late',
        test: 'sleep',
        dataset: 'd',
        variables: ['x'],
        options: { seconds: 1.5 },
      },
    ]);
    await a.until(() => a.oks.includes(seq), 10_000, 'the ok');
    a.close();
    const b = await connect(ts, user.cookie);
    try {
      const first = b.received[0];
      assert.equal(first?.reset, true);
      const late = first?.objects.find((o) => o['name'] === 'late');
      assert.ok(late, 'the result queued by the tab that left is in the workspace');
      assert.deepEqual((late as { result: { slept: number } }).result.slept, 1.5);
    } finally {
      b.close();
    }
  });
});
