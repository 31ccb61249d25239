/**
 * Uploading a dataset in parts (docs/api.md, "Uploading in parts"): a `dataset` with
 * `"append": true` adds or replaces variables of the stored dataset. Real server, R, store.
 */
import assert from 'node:assert/strict';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';

const scalar = (name: string, values: unknown): Record<string, unknown> => ({
  type: 'vector',
  name,
  variableType: 'scalar',
  values,
});

describe('realtime: a dataset uploaded in parts', function () {
  this.timeout(60_000);
  const ts = useTestServer({ max_data: 100 });
  let user: TestUser;
  before(async () => {
    user = await createUser(ts, 'parts');
  });

  it('appends variables across messages; R, the reply and the stored workspace agree', async () => {
    const c = await connect(ts, user.cookie);
    try {
      const [first] = await c.request([
        { type: 'dataset', name: 'd', variables: [scalar('x', [1, 2, 3, 4])] },
      ]);
      assert.deepEqual(first?.result, { rows: 4, variables: 1 });
      const [part] = await c.request([
        {
          type: 'dataset',
          name: 'd',
          append: true,
          variables: [
            scalar('y', new Float64Array([10, 20, 30, NaN])),
            { type: 'vector', name: 'g', variableType: 'nominal', values: ['a', 'b', 'a', 'b'] },
          ],
        },
      ]);
      assert.equal(part?.type, 'dataset');
      assert.equal(part?.append, true);
      assert.deepEqual(
        (part?.variables as { name: string }[]).map((v) => v.name),
        ['y', 'g'],
        'the reply holds the part, not the whole dataset',
      );
      assert.deepEqual(part?.result, { rows: 4, variables: 3 });
      assert.equal(typeof part?.hash, 'number');
      // R holds the appended columns: descriptives of y by g.
      const [report] = await c.request([
        {
          type: 'report',
          name: 'r',
          reportType: 'descriptives',
          dataset: 'd',
          variables: ['x', 'y'],
        },
      ]);
      const rows = (report?.result as { rows: unknown[][] }).rows;
      assert.deepEqual(
        rows.map((r) => r.slice(0, 4)),
        [
          ['x', 4, 0, 2.5],
          ['y', 3, 1, 20],
        ],
      );
    } finally {
      c.close();
    }
    // The stored workspace holds the whole dataset, once.
    const again = await connect(ts, user.cookie);
    try {
      const objects = again.received[0]?.objects ?? [];
      const d = objects.filter((o) => o.name === 'd');
      assert.equal(d.length, 1);
      assert.equal(d[0]?.append, undefined);
      const vars = d[0]?.variables as { name: string; values: unknown[] }[];
      assert.deepEqual(
        vars.map((v) => v.name),
        ['x', 'y', 'g'],
      );
      assert.deepEqual(vars[1]?.values, [10, 20, 30, null]);
    } finally {
      again.close();
    }
  });

  it('refuses a part for a missing dataset, of other rows, or past max_data', async () => {
    const c = await connect(ts, user.cookie);
    try {
      await c.request([{ type: 'dataset', name: 'e', variables: [scalar('x', [1, 2, 3])] }]);
      const [missing, rows, big] = await c.request([
        { type: 'dataset', name: 'nope', append: true, variables: [scalar('x', [1])] },
        { type: 'dataset', name: 'e', append: true, variables: [scalar('y', [1, 2])] },
        {
          type: 'dataset',
          name: 'e',
          append: true,
          variables: Array.from({ length: 40 }, (_, i) => scalar(`v${i}`, [1, 2, 3])),
        },
      ]);
      assert.equal(missing?.code, 'not_found');
      assert.equal(rows?.code, 'invalid_object');
      assert.match(String(rows?.message), /2 rows where dataset "e" has 3/);
      assert.equal(big?.code, 'too_large');
      // Nothing of the refused parts was kept.
      const [report] = await c.request([
        { type: 'report', name: 'r2', reportType: 'descriptives', dataset: 'e', variables: ['y'] },
      ]);
      assert.equal(report?.code, 'not_found');
    } finally {
      c.close();
    }
  });
});
