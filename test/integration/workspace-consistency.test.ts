/**
 * What the grid shows is what R holds (issue 10, defect 1): the browser client's own model,
 * fed by a real server, against the data frames read back from the user's R session; after
 * the reproduction, and after random sequences of uploads, replacements, new
 * variables, filters and deletions (fast-check), both live and from the workspace sent on
 * a new connection.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import type { PanthrObject } from '../../client/src/types.ts';
import {
  connectModel,
  datasetsInR,
  modelDatasets,
  userIdOf,
  type ModelClient,
} from '../fixtures/client-model.ts';
import { useTestServer } from '../fixtures/server.ts';
import { createUser } from '../fixtures/users.ts';

const read = (name: string, text: string): PanthrObject => ({
  type: 'command',
  name,
  command: 'read',
  format: 'csv',
  text,
});

/** Sends objects and fails on an error object in the reply. */
async function ok(c: ModelClient, objects: PanthrObject[]): Promise<void> {
  const reply = await c.send(objects);
  const err = reply.find((o) => o.type === 'error');
  assert.equal(err, undefined, JSON.stringify(err));
}

describe('workspace: the client model equals what R holds', function () {
  this.timeout(120_000);
  const ts = useTestServer();
  let toothGrowth: string;

  before(() => {
    toothGrowth = execFileSync(
      'Rscript',
      ['--vanilla', '-e', 'write.csv(ToothGrowth, stdout(), row.names = FALSE)'],
      { encoding: 'utf8' },
    );
  });

  it('after newvar len = len * 2, importing the CSV again and reloading (the issue)', async () => {
    const user = await createUser(ts, 'tg');
    const id = await userIdOf(ts, user.email);
    const a = await connectModel(ts, user.cookie);
    await ok(a, [read('tg', toothGrowth)]);
    await ok(a, [
      {
        type: 'command',
        name: 'cmd.newvar.tg.len',
        command: 'newvar',
        dataset: 'tg',
        variable: 'len',
        formula: 'len * 2',
        replace: true,
      },
    ]);
    const doubled = modelDatasets(a.model).get('tg');
    assert.deepEqual(
      doubled?.map((v) => v.name),
      ['len', 'supp', 'dose'],
      'replaced in place, live',
    );
    assert.equal(Math.max(...(doubled?.[0]?.values as number[])), 67.8);
    await ok(a, [read('tg', toothGrowth)]);
    a.close();

    const b = await connectModel(ts, user.cookie);
    try {
      const tg = modelDatasets(b.model).get('tg');
      assert.deepEqual(
        tg?.map((v) => v.name),
        ['len', 'supp', 'dose'],
      );
      assert.equal(Math.max(...(tg?.[0]?.values as number[])), 33.9, 'the values R holds');
      assert.deepEqual(modelDatasets(b.model), await datasetsInR(ts, id));
    } finally {
      b.close();
    }
  });

  it('after random sequences of uploads, replacements, new variables, filters and deletions', async () => {
    const user = await createUser(ts, 'prop');
    const id = await userIdOf(ts, user.email);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(sequence, async (steps) => {
        run += 1;
        const c = await connectModel(ts, user.cookie);
        try {
          // Each run starts from an empty workspace.
          const names = [...new Set(c.model.datasets().map((d) => d.name))];
          for (const o of [...names, ...OTHER_NAMES].filter((n) => c.model.has(n)))
            await c.send([{ type: 'command', name: `del${run}`, command: 'delete', target: o }]);
          for (const s of steps) await c.send([s]);
          assert.deepEqual(modelDatasets(c.model), await datasetsInR(ts, id), 'live');
        } finally {
          c.close();
        }
        const again = await connectModel(ts, user.cookie);
        try {
          assert.deepEqual(
            modelDatasets(again.model),
            await datasetsInR(ts, id),
            'from the workspace sent on connect',
          );
        } finally {
          again.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});

/** Names a step may give an object besides the datasets `a` and `b` (so names collide). */
const OTHER_NAMES = ['n1', 'n2', 'f1'];
const dsName = fc.constantFrom('a', 'b');
const anyName = fc.constantFrom('a', 'b', ...OTHER_NAMES);
const cell = fc.oneof(fc.integer({ min: -9, max: 9 }), fc.constant(null));

/** An upload: CSV text (read) or a dataset object, with x and maybe y, 1 to 5 rows. */
const upload = fc
  .record({
    name: dsName,
    rows: fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 5 }),
    withY: fc.boolean(),
    asCsv: fc.boolean(),
  })
  .map(({ name, rows, withY, asCsv }): PanthrObject => {
    const cols = withY ? ['x', 'y'] : ['x'];
    if (asCsv) {
      const lines = rows.map((r) => r.slice(0, cols.length).map((v) => (v === null ? 'NA' : v)));
      return read(name, [cols.join(','), ...lines.map((l) => l.join(','))].join('\n') + '\n');
    }
    return {
      type: 'dataset',
      name,
      variables: cols.map((col, i) => ({
        type: 'vector',
        name: col,
        variableType: 'scalar',
        values: rows.map((r) => r[i] ?? null),
      })),
    };
  });

const newvar = fc
  .record({
    name: anyName,
    dataset: dsName,
    variable: fc.constantFrom('x', 'y', 'w'),
    formula: fc.constantFrom('x * 2', 'x + 1', 'abs(x)', 'w - x'),
    replace: fc.constantFrom(true, false, undefined),
  })
  .map(({ replace, ...o }): PanthrObject => ({
    type: 'command',
    command: 'newvar',
    ...o,
    ...(replace === undefined ? {} : { replace }),
  }));

const filter = fc
  .record({ name: anyName, dataset: dsName, formula: fc.constantFrom('x > 0', 'y < 1') })
  .map((o): PanthrObject => ({ type: 'filter', ...o }));

const del = fc
  .record({ name: fc.constantFrom('d1', 'd2'), target: anyName })
  .map((o): PanthrObject => ({ type: 'command', command: 'delete', ...o }));

const report = fc.record({ name: anyName, dataset: dsName }).map((o): PanthrObject => ({
  type: 'report',
  reportType: 'descriptives',
  variables: ['x'],
  ...o,
}));

const step = fc.oneof(
  { arbitrary: upload, weight: 3 },
  { arbitrary: newvar, weight: 5 },
  { arbitrary: filter, weight: 1 },
  { arbitrary: del, weight: 2 },
  { arbitrary: report, weight: 1 },
);

/** Up to 8 steps, the first an upload (most steps need a dataset). */
const sequence = fc
  .tuple(upload, fc.array(step, { minLength: 1, maxLength: 7 }))
  .map(([first, rest]) => [first, ...rest]);
