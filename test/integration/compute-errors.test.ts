/**
 * Every error code of API.md that the compute layer answers (invalid_object, unknown_type,
 * not_found, too_large, forbidden, r_error, timeout), on real R, and extension kinds taken
 * from R's registry.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { LIMITS, type PanthrObject, type StoredPanthrObject } from '../../converters/index.ts';
import type { RConnection } from '../../r/qap1/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { makeDataset } from '../fixtures/compute/datasets.ts';
import { PANTHR_R, startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { errorOf, resultOf, runRaw } from '../fixtures/compute/run.ts';

const NORMALITY = path.resolve(path.dirname(PANTHR_R), '../../extensions/normality.R');

/** Every object of the R session's global environment, hidden ones included. */
async function globals(conn: RConnection): Promise<number> {
  const v = await conn.eval('length(ls(globalenv(), all.names = TRUE))');
  return v.kind === 'integer' ? (v.values[0] ?? -1) : -1;
}

describe('compute: error codes', function () {
  this.timeout(60_000);
  let r: PanthrR;
  let conn: RConnection;
  let rt: WorkspaceRuntime;

  before(async () => {
    r = await startPanthrR([NORMALITY]);
    ({ conn, rt } = await r.session({ maxData: 100 }));
    await runRaw(rt, makeDataset('d', 14, 7, true));
  });
  after(async () => r?.stop());

  it('invalid_object: a bad formula names its position; a variable of the wrong type', async () => {
    const unknownFn = await errorOf(rt, {
      type: 'filter',
      name: 'f',
      dataset: 'd',
      formula: 'x > 1 & system("ls")',
    });
    assert.equal(unknownFn.code, 'invalid_object');
    assert.match(unknownFn.message, /unknown function "system" at 9/);
    const unknownVar = await errorOf(rt, {
      type: 'command',
      name: 'n',
      command: 'newvar',
      dataset: 'd',
      variable: 'w',
      formula: 'nope * 2',
    });
    assert.equal(unknownVar.code, 'invalid_object');
    assert.match(unknownVar.message, /unknown variable "nope" at 1/);
    const wrongType = await errorOf(rt, {
      type: 'report',
      name: 'r',
      reportType: 'descriptives',
      dataset: 'd',
      variables: ['g'],
    });
    assert.equal(wrongType.code, 'invalid_object');
    assert.match(wrongType.message, /"g" is not scalar/);
  });

  it('unknown_type: kinds come from R’s registry, extensions included', async () => {
    assert.ok(rt.kinds.tests.has('shapiro.test') && rt.kinds.graphs.has('qqnorm'));
    const res = await resultOf(rt, {
      type: 'test',
      name: 's',
      test: 'shapiro.test',
      dataset: 'd',
      variables: ['y'],
    });
    assert.equal(res['method'], 'Shapiro-Wilk normality test');
    const invalid = rt.validate({
      type: 'graph',
      name: 'g',
      graphType: 'pie',
      dataset: 'd',
      variables: ['y'],
    });
    assert.ok(!invalid.ok && invalid.code === 'unknown_type');
    // An object validated elsewhere against a larger list is still refused here.
    const stale = await errorOf(rt, {
      type: 'test',
      name: 't',
      test: 'stale.test',
      dataset: 'd',
      variables: ['y'],
    });
    assert.equal(stale.code, 'unknown_type');
  });

  it('not_found: a dataset, a variable, a filter', async () => {
    const base = { type: 'report', name: 'r', reportType: 'descriptives' };
    assert.equal(
      (await errorOf(rt, { ...base, dataset: 'nope', variables: ['y'] })).code,
      'not_found',
    );
    const v = await errorOf(rt, { ...base, dataset: 'd', variables: ['y', 'nope'] });
    assert.deepEqual(v, { code: 'not_found', message: 'variable "nope" not found in dataset "d"' });
    assert.equal(
      (await errorOf(rt, { ...base, dataset: 'd', variables: ['y'], by: 'nope' })).code,
      'not_found',
    );
    assert.equal(
      (await errorOf(rt, { ...base, dataset: 'd', variables: ['y'], filter: 'nope' })).code,
      'not_found',
    );
    assert.equal(
      (await errorOf(rt, { type: 'filter', name: 'f', dataset: 'nope', formula: 'x > 1' })).code,
      'not_found',
    );
  });

  it('not_found: a stored dataset that R could not take says why', async () => {
    const broken = {
      type: 'dataset',
      name: 'broken',
      variables: [
        { type: 'vector', name: 'g', variableType: 'nominal', values: ['a', 'z'], labels: ['a'] },
      ],
    } as unknown as StoredPanthrObject;
    const loaded = await r.runtime({}, [broken]);
    assert.deepEqual(loaded.list(), [broken], 'kept as it is');
    const e = await errorOf(loaded, {
      type: 'report',
      name: 'r',
      reportType: 'frequency',
      dataset: 'broken',
      variables: ['g'],
    });
    assert.deepEqual(e, {
      code: 'not_found',
      message: 'dataset "broken" could not be loaded into R: g: value 2 has no label',
    });
  });

  it('too_large: refused before anything reaches R (dataset, vector, CSV, newvar)', async () => {
    const before = await globals(conn);
    const big = makeDataset('big', 15, 1, false); // 15 x 7 = 105 > 100
    assert.equal((await errorOf(rt, big as unknown as Record<string, unknown>)).code, 'too_large');
    const vector = {
      type: 'vector',
      name: 'v',
      variableType: 'scalar',
      values: new Float64Array(101),
    };
    assert.equal((await errorOf(rt, vector)).code, 'too_large');
    const csv = `a,b\n${'1,2\n'.repeat(51)}`;
    assert.equal(
      (await errorOf(rt, { type: 'command', name: 'c', command: 'read', format: 'csv', text: csv }))
        .code,
      'too_large',
    );
    assert.equal(await globals(conn), before, 'nothing was assigned in R');
    const newvar = {
      type: 'command',
      name: 'n',
      command: 'newvar',
      dataset: 'd',
      variable: 'w',
      formula: '1',
    };
    assert.equal((await errorOf(rt, newvar)).code, 'too_large'); // 14 x 8 = 112 > 100
    const ok = {
      type: 'command',
      name: 'n',
      command: 'newvar',
      dataset: 'd',
      variable: 'x',
      formula: 'x + 1',
      replace: true,
    };
    assert.equal(
      (await runRaw(rt, ok)).reply[0]?.type,
      'command',
      'replacing a variable does not grow the dataset',
    );
  });

  it('forbidden: full R while allow_full_r is false', async () => {
    const e = await errorOf(rt, { type: 'r', name: 'x', code: '1' });
    assert.equal(e.code, 'forbidden');
  });

  it('r_error carries R’s own message; timeout stops R and keeps the session', async () => {
    await runRaw(rt, {
      type: 'command',
      name: 'k',
      command: 'newvar',
      dataset: 'd',
      variable: 'z',
      formula: '3',
      replace: true,
    });
    const constant = await errorOf(rt, {
      type: 'test',
      name: 't',
      test: 't.test',
      dataset: 'd',
      variables: ['z'],
    });
    assert.deepEqual(constant, { code: 'r_error', message: 'data are essentially constant' });
    const full = await r.runtime({ allowFullR: true, computeTimeoutMs: 30_000 });
    const boom = await errorOf(full, { type: 'r', name: 'b', code: 'stop("boom: ", 6 * 7)' });
    assert.deepEqual(boom, { code: 'r_error', message: 'boom: 42' });
    // A condition's message has no length limit in R; the error object's has (API schema).
    const long = await errorOf(full, {
      type: 'r',
      name: 'l',
      code: 'stop(errorCondition(strrep("y", 20000)))',
    });
    assert.equal(long.code, 'r_error');
    assert.ok(long.message.length <= LIMITS.message, `${long.message.length} characters`);
    assert.match(long.message, /^y{9000,}.* \(truncated\)$/);
    const slow = { type: 'r', name: 's', code: 'Sys.sleep(20); 1' } as unknown as PanthrObject;
    const out = await full.run(slow, { timeoutMs: 300 });
    assert.equal(out.reply[0]?.type, 'error');
    assert.equal((out.reply[0] as { code: string }).code, 'timeout');
    assert.equal((await resultOf(full, { type: 'r', name: 'after', code: '6 * 7' }))['value'], 42);
  });
});
