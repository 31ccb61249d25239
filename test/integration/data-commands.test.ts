/**
 * `edit`, `levels` and `settype` (API 1.1) on real R: each changes the stored dataset and
 * R's copy alike (R's data frame is read back and compared), a bad change is refused with
 * nothing changed, and results follow (a t-test's sign follows the level order as R's does).
 */
import assert from 'node:assert/strict';
import {
  datasetToR,
  jsonValues,
  rToDataset,
  type PanthrDataset,
  type PanthrVector,
  type StoredPanthrObject,
} from '../../converters/index.ts';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { rFile, rscriptJson } from '../fixtures/compute/rscript.ts';
import { errorOf, resultOf, runRaw } from '../fixtures/compute/run.ts';

const DATA = {
  type: 'dataset',
  name: 'd',
  variables: [
    { type: 'vector', name: 'x', variableType: 'scalar', values: [1, 2, 3, 4, 99] },
    { type: 'vector', name: 'g', variableType: 'nominal', values: ['b', 'a', 'b', null, 'a'] },
    { type: 'vector', name: 'dose', variableType: 'scalar', values: [0.5, 1, 2, 1, 0.5] },
    {
      type: 'vector',
      name: 'ok',
      variableType: 'logical',
      values: [true, false, null, true, true],
    },
  ],
};

describe('data: edit, levels, settype (API 1.1)', function () {
  this.timeout(120_000);
  let r: PanthrR;
  let conn: RConnection;
  let rt: WorkspaceRuntime;
  let stored: PanthrDataset;

  /** Runs a command on dataset d; returns its variable result and keeps the stored dataset. */
  async function command(o: Record<string, unknown>): Promise<PanthrVector> {
    const out = await runRaw(rt, { type: 'command', name: 'c', dataset: 'd', ...o });
    const reply = out.reply[0] as StoredPanthrObject & { result?: { variable: PanthrVector } };
    assert.notEqual(reply.type, 'error', JSON.stringify(reply));
    stored = out.store.find((s) => s.type === 'dataset') as PanthrDataset;
    return reply.result?.variable as PanthrVector;
  }

  /** R's copy of dataset d (the one data frame the session holds), as PanthR sees it. */
  async function inR(): Promise<PanthrDataset> {
    const v = await conn.eval(
      'get(ls(globalenv(), all.names = TRUE, pattern = "^[.]panthr_d[0-9]+$"))',
    );
    return rToDataset('d', v);
  }

  async function assertSame(): Promise<void> {
    assert.deepEqual(await inR(), rToDataset('d', datasetToR(stored)), 'R and the store agree');
  }

  async function refused(o: Record<string, unknown>, code: string, re: RegExp): Promise<void> {
    const before = await inR();
    const e = await errorOf(rt, { type: 'command', name: 'c', dataset: 'd', ...o });
    assert.equal(e.code, code, e.message);
    assert.match(e.message, re);
    assert.deepEqual(await inR(), before, 'nothing changed in R');
  }

  before(async () => {
    r = await startPanthrR();
    ({ conn, rt } = await r.session());
    await runRaw(rt, DATA);
  });
  after(async () => r?.stop());

  it('edit sets cells (1-based rows) of each type, checked against the type', async () => {
    let v = await command({ command: 'edit', variable: 'x', rows: [1, 5], values: [10, null] });
    assert.deepEqual(jsonValues(v.values), [10, 2, 3, 4, null]);
    await assertSame();
    const desc = await resultOf(rt, {
      type: 'report',
      name: 'r1',
      reportType: 'descriptives',
      dataset: 'd',
      variables: ['x'],
    });
    assert.deepEqual(desc.rows?.[0]?.slice(1, 4), [4, 1, 4.75]);
    v = await command({ command: 'edit', variable: 'g', rows: [4], values: ['c'] });
    assert.deepEqual(
      [jsonValues(v.values), v.labels],
      [
        ['b', 'a', 'b', 'c', 'a'],
        ['b', 'a', 'c'],
      ],
    );
    v = await command({ command: 'edit', variable: 'ok', rows: [3], values: [false] });
    assert.deepEqual(jsonValues(v.values), [true, false, false, true, true]);
    await assertSame();
  });

  it('edit refuses a value of the wrong type or a row past the end, changing nothing', async () => {
    await refused(
      { command: 'edit', variable: 'x', rows: [2], values: ['abc'] },
      'invalid_object',
      /"abc" is not a number/,
    );
    await refused(
      { command: 'edit', variable: 'ok', rows: [2], values: [7] },
      'invalid_object',
      /not true or false/,
    );
    await refused(
      { command: 'edit', variable: 'x', rows: [6], values: [1] },
      'invalid_object',
      /past the last row \(5\)/,
    );
    await refused(
      { command: 'edit', variable: 'nope', rows: [1], values: [1] },
      'not_found',
      /variable "nope"/,
    );
  });

  it('levels reorders by a permutation and renames; anything else is refused', async () => {
    let v = await command({ command: 'levels', variable: 'g', labels: ['c', 'a', 'b'] });
    assert.deepEqual(v.labels, ['c', 'a', 'b']);
    await assertSame();
    v = await command({ command: 'levels', variable: 'g', rename: { a: 'A', c: 'C' } });
    assert.deepEqual(
      [jsonValues(v.values), v.labels],
      [
        ['b', 'A', 'b', 'C', 'A'],
        ['C', 'A', 'b'],
      ],
    );
    await assertSame();
    await refused(
      { command: 'levels', variable: 'g', labels: ['C', 'A'] },
      'invalid_object',
      /3 levels/,
    );
    await refused(
      { command: 'levels', variable: 'g', rename: { A: 'b' } },
      'invalid_object',
      /already a level/,
    );
    await refused(
      { command: 'levels', variable: 'g', rename: { z: 'y' } },
      'invalid_object',
      /no level "z"/,
    );
    await refused({ command: 'levels', variable: 'x', labels: [] }, 'invalid_object', /no levels/);
  });

  it('settype turns numeric codes into groups and back, and sets missing-value codes', async () => {
    let v = await command({ command: 'settype', variable: 'dose', variableType: 'nominal' });
    assert.equal(v.variableType, 'nominal');
    await assertSame();
    const freq = await resultOf(rt, {
      type: 'report',
      name: 'r2',
      reportType: 'frequency',
      dataset: 'd',
      variables: ['dose'],
    });
    assert.deepEqual(
      freq.rows?.map((row) => row[1]),
      ['0.5', '1', '2'],
    );
    // API.md's nominal vector: strings, or numbers with labels. With a fraction among the
    // numbers, each is its text, the labels the levels in ascending order.
    assert.deepEqual(
      [jsonValues(v.values), v.labels],
      [
        ['0.5', '1', '2', '1', '0.5'],
        ['0.5', '1', '2'],
      ],
    );
    v = await command({ command: 'settype', variable: 'dose', variableType: 'ordinal' });
    assert.deepEqual(
      [v.variableType, jsonValues(v.values)],
      ['ordinal', ['0.5', '1', '2', '1', '0.5']],
    );
    v = await command({ command: 'settype', variable: 'dose', variableType: 'scalar' });
    assert.deepEqual(jsonValues(v.values), [0.5, 1, 2, 1, 0.5]);
    v = await command({ command: 'settype', variable: 'x', variableType: 'scalar', missing: [10] });
    assert.deepEqual(v.missing, [10]);
    await assertSame();
    // Whole numbers stay codes, each labelled with its own text (a missing code is none).
    v = await command({
      command: 'settype',
      variable: 'x',
      variableType: 'nominal',
      missing: [10],
    });
    assert.deepEqual(
      [jsonValues(v.values), v.labels],
      [[10, 2, 3, 4, null], { 2: '2', 3: '3', 4: '4' }],
    );
    await assertSame();
    v = await command({ command: 'settype', variable: 'x', variableType: 'scalar', missing: [] });
    assert.deepEqual(jsonValues(v.values), [10, 2, 3, 4, null]);
    v = await command({ command: 'settype', variable: 'ok', variableType: 'nominal' });
    assert.deepEqual(
      [jsonValues(v.values), v.labels],
      [
        ['TRUE', 'FALSE', 'FALSE', 'TRUE', 'TRUE'],
        ['FALSE', 'TRUE'],
      ],
    );
    await assertSame();
    await refused(
      { command: 'settype', variable: 'g', variableType: 'scalar' },
      'invalid_object',
      /row 1: "b" is not a number/,
    );
  });

  it('keeps R code in levels, cells and sheet names as data', async () => {
    const code = '"); file.create("/tmp/panthr-t14-pwned"); ("';
    const v = await command({ command: 'levels', variable: 'g', rename: { b: code } });
    assert.ok(Array.isArray(v.labels) && (v.labels as readonly string[]).includes(code));
    await command({ command: 'edit', variable: 'g', rows: [1], values: [`${code}2`] });
    await assertSame();
    const e = await errorOf(rt, {
      type: 'command',
      name: 'xl',
      command: 'read',
      format: 'xlsx',
      data: await rFile('openxlsx::write.xlsx(data.frame(a = 1), path)', 'xlsx'),
      sheet: code,
    });
    assert.equal(e.code, 'invalid_object');
    assert.ok(e.message.includes('no sheet'), e.message);
    const made = await conn.eval('file.exists("/tmp/panthr-t14-pwned")');
    assert.deepEqual(made.kind === 'logical' ? [...made.values] : made, [0]);
  });

  it('makes a t-test follow the level order as R does (ToothGrowth, supp reordered)', async () => {
    const csv = (await rFile('write.csv(ToothGrowth, path, row.names = FALSE)', 'csv')).toString();
    const t = await r.runtime();
    await resultOf(t, { type: 'command', name: 'tg', command: 'read', format: 'csv', text: csv });
    const test = {
      type: 'test',
      name: 't',
      test: 't.test',
      dataset: 'tg',
      variables: ['len', 'supp'],
    };
    const before = (await resultOf(t, test))['statistic'] as number;
    await resultOf(t, {
      type: 'command',
      name: 'l',
      command: 'levels',
      dataset: 'tg',
      variable: 'supp',
      labels: ['VC', 'OJ'],
    });
    const after = (await resultOf(t, test))['statistic'] as number;
    const want = await rscriptJson<number[]>(
      `d <- read.csv(text = ${JSON.stringify(csv)})\n` +
        'd$supp <- factor(d$supp, levels = c("VC", "OJ"))\n' +
        'cat(jsonlite::toJSON(unname(t.test(len ~ supp, data = d)$statistic), digits = NA))',
    );
    assert.ok(before > 0 && after < 0, `the sign follows: ${before} then ${after}`);
    assert.ok(Math.abs(after - (want[0] as number)) < 1e-9);
  });

  it('settype with decimal "," reads levels such as "1,5" as numbers, in R too', async () => {
    const e = {
      type: 'dataset',
      name: 'e',
      variables: [
        { type: 'vector', name: 'w', variableType: 'nominal', values: ['1,5', '2', null, '-0,25'] },
      ],
    };
    await runRaw(rt, e);
    const settype = { type: 'command', name: 'c', dataset: 'e', command: 'settype' };
    const out = await runRaw(rt, {
      ...settype,
      variable: 'w',
      variableType: 'scalar',
      decimal: ',',
    });
    const v = (out.reply[0] as { result?: { variable: PanthrVector } }).result?.variable;
    assert.deepEqual(jsonValues(v?.values ?? []), [1.5, 2, null, -0.25]);
    const desc = await resultOf(rt, {
      type: 'report',
      name: 'r3',
      reportType: 'descriptives',
      dataset: 'e',
      variables: ['w'],
      statistics: ['n', 'mean'],
    });
    assert.deepEqual(desc.rows?.[0]?.slice(1), [3, (1.5 + 2 - 0.25) / 3]);
  });
});
