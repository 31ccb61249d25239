/**
 * The compute layer's objects end to end on real R: binary dataset values, vectors,
 * filters, newvar, read, delete, graphs, reloading a stored workspace, and full R.
 */
import assert from 'node:assert/strict';
import {
  jsonValues,
  type PanthrDataset,
  type PanthrVector,
  type StoredPanthrObject,
} from '../../converters/index.ts';
import type { RConnection } from '../../r/qap1/index.ts';
import { checkSvg, type WorkspaceRuntime } from '../../server/compute/index.ts';
import { makeDataset } from '../fixtures/compute/datasets.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { errorOf, resultOf, runRaw } from '../fixtures/compute/run.ts';

/** Names of the compute layer's objects in an R session's global environment. */
async function heldInR(conn: RConnection): Promise<(string | null)[]> {
  const v = await conn.eval(
    // Every generated name (RCaller's pattern), the argument list `.panthr_args1` too.
    'ls(globalenv(), all.names = TRUE, pattern = "^[.]panthr_[a-z]+[0-9]+$")',
  );
  return v.kind === 'string' ? [...v.values] : [];
}

describe('compute: objects on real R', function () {
  this.timeout(60_000);
  let r: PanthrR;
  let conn: RConnection;
  let rt: WorkspaceRuntime;

  before(async () => {
    r = await startPanthrR();
    ({ conn, rt } = await r.session());
    await runRaw(rt, makeDataset('d', 40, 3, true));
  });
  after(async () => r?.stop());

  it('takes binary float64 values (Float64Array, unaligned Buffer) and keeps them binary', async () => {
    const a = new Float64Array([1.5, NaN, 3, Infinity, -2]);
    const bytes = Buffer.alloc(5 * 8 + 3);
    const b = bytes.subarray(3); // Socket.IO may hand over a Buffer at any offset
    [10, 20, NaN, 40, 50].forEach((x, i) => b.writeDoubleLE(x, i * 8));
    const ds = {
      type: 'dataset',
      name: 'bin',
      variables: [
        { type: 'vector', name: 'a', variableType: 'scalar', values: a },
        { type: 'vector', name: 'b', variableType: 'scalar', values: b },
      ],
    };
    const out = await runRaw(rt, ds);
    const stored = out.store[0] as PanthrDataset;
    assert.ok(stored.variables.every((v) => Buffer.isBuffer(v.values)));
    assert.deepEqual(
      stored.variables.map((v) => [...new Uint8Array(v.values as Buffer)]),
      [[...new Uint8Array(a.buffer)], [...b]],
      'the very bytes sent, NaN included',
    );
    assert.deepEqual(
      stored.variables.map((v) => jsonValues(v.values)),
      [
        [1.5, null, 3, 'Inf', -2],
        [10, 20, null, 40, 50],
      ],
    );
    assert.deepEqual((out.reply[0] as { result: unknown }).result, { rows: 5, variables: 2 });
    const res = await resultOf(rt, {
      type: 'report',
      name: 'rb',
      reportType: 'descriptives',
      dataset: 'bin',
      variables: ['b'],
    });
    assert.deepEqual(res.rows?.[0]?.slice(0, 4), ['b', 4, 1, 30]);
  });

  it('keeps long JSON scalar values binary when nothing is lost, and gives the same JSON back', async () => {
    const n = 5000;
    const plain = Array.from({ length: n }, (_, i) =>
      i % 100 === 0 ? null : i === 7 ? 'Inf' : i === 8 ? '-Inf' : i / 4,
    );
    const withNaN = plain.map((x, i) => (i === 9 ? 'NaN' : x));
    const out = await runRaw(rt, {
      type: 'dataset',
      name: 'long',
      variables: [
        { type: 'vector', name: 'p', variableType: 'scalar', values: plain },
        { type: 'vector', name: 'q', variableType: 'scalar', values: withNaN },
      ].map((v) => ({ ...v, values: v.values.slice(0, 4096) })),
    });
    const [p, q] = (out.store[0] as PanthrDataset).variables;
    assert.ok(Buffer.isBuffer(p?.values), 'numbers, null and infinities: binary');
    assert.ok(Array.isArray(q?.values), '"NaN" is not missing: kept as JSON');
    const short = await runRaw(rt, {
      type: 'vector',
      name: 'short',
      variableType: 'scalar',
      values: plain.slice(0, 4095),
    });
    assert.ok(Array.isArray((short.store[0] as PanthrVector).values), 'short ones stay JSON');
    assert.deepEqual(jsonValues(p?.values ?? []), plain.slice(0, 4096));
    const res = await resultOf(rt, {
      type: 'report',
      name: 'rl',
      reportType: 'descriptives',
      dataset: 'long',
      variables: ['p', 'q'],
    });
    assert.deepEqual(
      res.rows?.map((r) => r.slice(0, 3)),
      [
        ['p', 4055, 41],
        ['q', 4054, 42], // R counts its NaN as missing too
      ],
    );
  });

  it('stores a vector without sending it to R', async () => {
    const before = await heldInR(conn);
    const out = await runRaw(rt, {
      type: 'vector',
      name: 'v',
      variableType: 'scalar',
      values: new Float64Array([1, NaN]),
    });
    assert.deepEqual(jsonValues((out.store[0] as PanthrVector).values), [1, null]);
    assert.deepEqual(await heldInR(conn), before);
  });

  it('filters: counts, a non-logical formula, a filter of another dataset', async () => {
    const res = await resultOf(rt, {
      type: 'filter',
      name: 'big',
      dataset: 'bin',
      formula: 'b >= 20',
    });
    assert.deepEqual(res, { selected: 3, rows: 5, missing: 1 });
    const notLogical = await errorOf(rt, {
      type: 'filter',
      name: 'f2',
      dataset: 'bin',
      formula: 'b * 2',
    });
    assert.equal(notLogical.code, 'invalid_object');
    const other = await errorOf(rt, {
      type: 'report',
      name: 'r',
      reportType: 'descriptives',
      dataset: 'd',
      variables: ['y'],
      filter: 'big',
    });
    assert.equal(other.code, 'invalid_object');
    assert.match(other.message, /filter "big" is on dataset "bin"/);
  });

  it('newvar adds and replaces variables, stores the dataset, and filters follow it', async () => {
    const out = await runRaw(rt, {
      type: 'command',
      name: 'n1',
      command: 'newvar',
      dataset: 'bin',
      variable: 'c',
      formula: 'b - mean(b)',
    });
    const reply = out.reply[0] as { result: { variable: { values: unknown[] } } };
    assert.deepEqual(reply.result.variable.values, [-20, -10, null, 10, 20]);
    const ds = out.store.find((o) => o.type === 'dataset') as PanthrDataset;
    assert.deepEqual(
      ds.variables.map((v) => v.name),
      ['a', 'b', 'c'],
    );
    await runRaw(rt, {
      type: 'command',
      name: 'n2',
      command: 'newvar',
      dataset: 'bin',
      variable: 'b',
      formula: 'b / 10',
      replace: true,
    });
    const res = await resultOf(rt, {
      type: 'filter',
      name: 'big2',
      dataset: 'bin',
      formula: 'b >= 2',
    });
    assert.deepEqual(res, { selected: 3, rows: 5, missing: 1 });
    const rep = await resultOf(rt, {
      type: 'report',
      name: 'rc',
      reportType: 'descriptives',
      dataset: 'bin',
      variables: ['b'],
      filter: 'big',
    });
    assert.deepEqual(
      rep.rows?.[0]?.slice(1, 2),
      [0],
      'the cached mask of "big" was recomputed on the new b',
    );
  });

  it('read: CSV into a dataset named after the command; bad CSV names its line', async () => {
    const out = await runRaw(rt, {
      type: 'command',
      name: 'csv',
      command: 'read',
      format: 'csv',
      text: 'x,g\n1,"a, b"\n2,c\n,c\n',
    });
    assert.equal(out.store[0]?.type, 'dataset');
    const res = await resultOf(rt, {
      type: 'report',
      name: 'rf',
      reportType: 'frequency',
      dataset: 'csv',
      variables: ['g'],
    });
    assert.deepEqual(res.rows, [
      ['g', 'a, b', 1, 100 / 3],
      ['g', 'c', 2, 200 / 3],
    ]);
    const bad = await errorOf(rt, {
      type: 'command',
      name: 'csv2',
      command: 'read',
      format: 'csv',
      text: 'x,y\n1,2\n3\n',
    });
    assert.equal(bad.code, 'invalid_object');
    assert.match(bad.message, /line 3/);
    // The line is named whatever the fault, not only where the converter's message says it.
    const unclosed = await errorOf(rt, {
      type: 'command',
      name: 'csv3',
      command: 'read',
      format: 'csv',
      text: 'x,y\n1,2\n"3,4\n',
    });
    assert.equal(unclosed.code, 'invalid_object');
    assert.match(unclosed.message, /quoted field is not closed.*line 3/);
  });

  it('delete removes the object and its data in R; deleting nothing is not_found', async () => {
    await runRaw(rt, makeDataset('gone', 5, 1, false));
    const held = (await heldInR(conn)).length;
    const out = await runRaw(rt, {
      type: 'command',
      name: 'del',
      command: 'delete',
      target: 'gone',
    });
    assert.deepEqual(out.remove, ['gone']);
    assert.equal((await heldInR(conn)).length, held - 1);
    assert.equal(
      (
        await errorOf(rt, {
          type: 'report',
          name: 'r',
          reportType: 'descriptives',
          dataset: 'gone',
          variables: ['y'],
        })
      ).code,
      'not_found',
    );
    assert.equal(
      (await errorOf(rt, { type: 'command', name: 'del', command: 'delete', target: 'gone' })).code,
      'not_found',
    );
  });

  it('graphs: SVG that passes the allow-list, PNG and PDF as base64, settings applied', async () => {
    const settings = {
      colors: ['#ff0000', 'navy'],
      point: { size: 1.5, symbol: 16 },
      'background-color': '#eeeeee',
    };
    for (const graphType of ['hist', 'box', 'scatter', 'bar', 'dot', 'quantile']) {
      const variables =
        graphType === 'scatter' ? ['x', 'y', 'g'] : graphType === 'bar' ? ['g'] : ['y', 'g'];
      const res = await resultOf(rt, {
        type: 'graph',
        name: 'gr',
        graphType,
        dataset: 'd',
        variables,
        settings,
        label: 'T <&> "q"',
        xaxis: { label: 'X' },
      });
      assert.equal(res['mime'], 'image/svg+xml', graphType);
      assert.equal(checkSvg(String(res['data'])), res['data'], graphType);
      assert.match(
        String(res['data']),
        /T &lt;&amp;&gt;/,
        `${graphType}: the title is text, escaped`,
      );
    }
    const png = await resultOf(rt, {
      type: 'graph',
      name: 'gp',
      graphType: 'scatter',
      dataset: 'd',
      variables: ['x', 'y'],
      format: 'png',
      scale: 2,
    });
    assert.equal(Buffer.from(String(png['data']), 'base64').subarray(1, 4).toString(), 'PNG');
    const pdf = await resultOf(rt, {
      type: 'graph',
      name: 'gd',
      graphType: 'box',
      dataset: 'd',
      variables: ['y'],
      format: 'pdf',
    });
    assert.equal(Buffer.from(String(pdf['data']), 'base64').subarray(0, 5).toString(), '%PDF-');
    // CSS color names R's own table lacks (the schema accepts them) reach R as hex.
    const css = await resultOf(rt, {
      type: 'graph',
      name: 'gc',
      graphType: 'bar',
      dataset: 'd',
      variables: ['g'],
      settings: {
        colors: ['aqua', 'crimson'],
        bar: { fill: 'rebeccapurple', border: 'teal' },
        'background-color': 'silver',
      },
    });
    assert.match(String(css['data']), /#663399/i, 'the bars are rebeccapurple');
  });

  it('reloads a stored workspace into a fresh session with the same results', async () => {
    const report = {
      type: 'report',
      name: 'again',
      reportType: 'descriptives',
      dataset: 'bin',
      variables: ['c', 'b'],
      filter: 'big2',
    };
    const first = await resultOf(rt, report);
    // A copy that shares nothing, as from the store (binary values come back as bytes).
    const stored: StoredPanthrObject[] = structuredClone(rt.list());
    const fresh = await r.runtime({}, stored);
    assert.deepEqual(
      fresh.list().map((o) => o.name),
      stored.map((o) => o.name),
    );
    assert.deepEqual(await resultOf(fresh, report), first);
  });

  it('full R: forbidden unless allowed (the code never reaches R), then value and output', async () => {
    const probe = {
      type: 'r',
      name: 'code',
      code: 'assign("reached", TRUE, globalenv()); print(1:3); 6 * 7',
    };
    assert.equal((await errorOf(rt, probe)).code, 'forbidden');
    const seen = await conn.eval('exists("reached")');
    assert.equal(seen.kind === 'logical' && seen.values[0], 0);
    const full = await r.runtime({ allowFullR: true });
    const res = await resultOf(full, probe);
    assert.equal(res['value'], 42);
    assert.match(String(res['output']), /\[1\] 1 2 3/);
  });
});
