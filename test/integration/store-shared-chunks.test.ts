/**
 * Large values are written to the store once, whichever documents name them (issue 11): an
 * upload in parts used to write the whole dataset again into the undo record of every part
 * (before and after it), 1.2 GB of chunks for an 80 MB dataset. Documents of a workspace
 * now share chunks, and a chunk is deleted only once no document names it: deleting the
 * dataset keeps what its undo records still need. Real server, R and embedded store.
 */
import assert from 'node:assert/strict';
import { isWireCodes, wireTextValues } from '../../converters/index.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient, type TestUser } from '../fixtures/users.ts';

/** Values per variable: over the store's threshold for chunks (4,096 values). */
const ROWS = 5000;

const column = (j: number): Float64Array => Float64Array.from({ length: ROWS }, (_, i) => i * j);
const scalar = (j: number): Record<string, unknown> => ({
  type: 'vector',
  name: `x${j}`,
  variableType: 'scalar',
  values: column(j),
});

describe('store: chunks shared by the documents of a workspace', function () {
  this.timeout(60_000);
  const ts = useTestServer({ max_data: null });
  let user: TestUser;
  before(async () => {
    user = await createUser(ts, 'chunks');
  });

  const chunkCount = async (): Promise<number> =>
    (await ts.server.store.workspaces.chunkList()).length;

  /** The sum of x`j` as R holds it in dataset `d` (a descriptives report). */
  async function sumInR(c: TestClient, j: number): Promise<unknown> {
    const [report] = await c.request([
      {
        type: 'report',
        name: 'r',
        reportType: 'descriptives',
        dataset: 'd',
        variables: [`x${j}`],
        statistics: ['n', 'mean'],
      },
    ]);
    const row = (report?.result as { rows?: unknown[][] } | undefined)?.rows?.[0];
    return row === undefined ? report : (row[1] as number) * (row[2] as number);
  }

  it('writes each part once, and a deleted dataset comes back whole by undo', async () => {
    const c = await connect(ts, user.cookie);
    try {
      const [first] = await c.request([{ type: 'dataset', name: 'd', variables: [scalar(1)] }]);
      assert.equal(first?.type, 'dataset', JSON.stringify(first).slice(0, 300));
      for (let j = 2; j <= 4; j++) {
        const [part] = await c.request([
          { type: 'dataset', name: 'd', append: true, variables: [scalar(j)] },
        ]);
        assert.deepEqual(part?.result, { rows: ROWS, variables: j });
      }
      // One chunk per variable: the dataset and the four undo records share them (20 before).
      assert.equal(await chunkCount(), 4);

      const [deleted] = await c.request([
        { type: 'command', name: 'del', command: 'delete', target: 'd' },
      ]);
      assert.notEqual(deleted?.type, 'error', JSON.stringify(deleted));
      assert.equal(await chunkCount(), 4, 'the undo records still name the chunks');
      const [undone] = await c.request([{ type: 'command', name: 'u', command: 'undo' }]);
      assert.notEqual(undone?.type, 'error', JSON.stringify(undone));
      const expected = (j: number): number => column(j).reduce((a, b) => a + b, 0);
      for (const j of [1, 4]) assert.equal(await sumInR(c, j), expected(j));
    } finally {
      c.close();
    }
    // A new connection loads the workspace from the store: every value is there.
    const again = await connect(ts, user.cookie, { binaryValues: true });
    try {
      const d = again.received[0]?.objects.find((o) => o.name === 'd');
      const vars = d?.variables as { name: string; values: Uint8Array }[];
      assert.deepEqual(
        vars.map((v) => v.name),
        ['x1', 'x2', 'x3', 'x4'],
      );
      for (const [i, v] of vars.entries()) {
        const got = new Float64Array(new Uint8Array(v.values).buffer);
        assert.deepEqual(got, column(i + 1));
      }
    } finally {
      again.close();
    }
  });

  it('deletes a chunk once no document names it', async () => {
    const other = await createUser(ts, 'chunks2');
    const c = await connect(ts, other.cookie);
    try {
      const before = await chunkCount();
      await c.request([{ type: 'dataset', name: 'e', variables: [scalar(5)] }]);
      assert.equal(await chunkCount(), before + 1);
      // Replaced by small values: the dataset stops naming it, its undo record does not.
      await c.request([
        {
          type: 'dataset',
          name: 'e',
          variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: [1, 2] }],
        },
      ]);
      assert.equal(await chunkCount(), before + 1);
      // 50 more changes push the record naming it out of the history: then it goes.
      for (let i = 0; i < 50; i++) {
        const [r] = await c.request([
          {
            type: 'vector',
            name: `v${i}`,
            variableType: 'scalar',
            values: [i],
          },
        ]);
        assert.notEqual(r?.type, 'error', JSON.stringify(r));
      }
      assert.equal(await chunkCount(), before);
    } finally {
      c.close();
    }
  });

  it("writes an import's values once: ahead, while R takes the dataset, then named", async () => {
    const other = await createUser(ts, 'chunks3');
    const c = await connect(ts, other.cookie, { binaryValues: true });
    try {
      const before = await chunkCount();
      const lines = ['a,b,g'];
      for (let i = 0; i < ROWS; i++) lines.push(`${i},${i / 4},${['n', 's', 'e'][i % 3]}`);
      const [read] = await c.request([
        {
          type: 'command',
          name: 'imp',
          command: 'read',
          format: 'csv',
          data: Buffer.from(`${lines.join('\n')}\n`),
        },
      ]);
      const dataset = (
        read?.result as
          | { dataset?: { type?: string; variables: { name: string; values: Uint8Array }[] } }
          | undefined
      )?.dataset;
      assert.equal(dataset?.type, 'dataset', JSON.stringify(read).slice(0, 300));
      // Two binary columns, one chunk each, and the text one coded (its codes, its strings):
      // all shared with the undo record.
      assert.equal(await chunkCount(), before + 4);
      const ahead = (await ts.server.store.workspaces.chunkList()).filter((ch) =>
        ch._id.includes('/imp@ahead-'),
      );
      assert.equal(ahead.length, 4, 'written ahead of the save (workspace.repo.ts prepareValues)');
      const b = dataset?.variables[1];
      const got = new Float64Array(new Uint8Array(b?.values ?? []).buffer);
      assert.equal(got[ROWS - 1], (ROWS - 1) / 4);
    } finally {
      c.close();
    }
    // The workspace as the store has it, loaded by a new connection.
    const again = await connect(ts, other.cookie, { binaryValues: true });
    try {
      const d = again.received[0]?.objects.find((o) => o.name === 'imp');
      // A client that asked for binary values gets a long text column coded.
      const g = (d?.variables as { name: string; values: unknown }[])[2]?.values;
      assert.ok(isWireCodes(g), 'coded: its strings and int32 codes');
      assert.deepEqual(g.strings, ['n', 's', 'e']);
      const values = wireTextValues(g);
      assert.equal(values.length, ROWS);
      assert.equal(values[ROWS - 1], ['n', 's', 'e'][(ROWS - 1) % 3]);
    } finally {
      again.close();
    }
  });
});
