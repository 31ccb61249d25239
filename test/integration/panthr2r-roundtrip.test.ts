/**
 * PanthR datasets converted by panthr2r, assigned into a real R over QAP1 (binary, never
 * parsed), checked by R itself, and read back.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {
  datasetToR,
  rToDataset,
  rToJson,
  validateObject,
  type PanthrDataset,
  type PanthrVector,
} from '../../converters/index.ts';
import { connectR, type RConnection } from '../../r/qap1/index.ts';
import { startRserve, type RserveProcess } from '../fixtures/rserve-process.ts';

const vec = (
  name: string,
  variableType: PanthrVector['variableType'],
  values: PanthrVector['values'],
  extra: Partial<PanthrVector> = {},
): PanthrVector => ({ type: 'vector', name, variableType, values, ...extra });

const FIXTURE: PanthrDataset = {
  type: 'dataset',
  name: 'd',
  variables: [
    vec('x', 'scalar', [1.5, null, 'NaN', 'Inf', 99], { missing: [99] }),
    vec('f', 'nominal', ['b', 'a', null, 'b', 'c']),
    vec('o', 'ordinal', [3, 1, 2, null, 3], { labels: ['lo', 'mid', 'hi'] }),
    vec('t', 'datetime', [0, 1_700_000_000, null, -86400, 0.5]),
    vec('l', 'logical', [true, null, false, true, false]),
    vec('my.var_2', 'nominal', ['é', '😀', '"); file.create("pwned"); ("', '\\', 'a\nb']),
    vec('b', 'scalar', Buffer.from(new Float64Array([1, NaN, -0, 1e-310, 2]).buffer)),
  ],
};

/** R-side checks of the fixture, written here (trusted test code), evaluated as one logical vector. */
const R_CHECKS = [
  'identical(names(d), c("x", "f", "o", "t", "l", "my.var_2", "b"))',
  'is.data.frame(d) && nrow(d) == 5',
  'identical(is.na(d$x), c(FALSE, TRUE, TRUE, FALSE, TRUE)) && identical(is.nan(d$x), c(FALSE, FALSE, TRUE, FALSE, FALSE))',
  'd$x[1] == 1.5 && d$x[4] == Inf',
  'is.factor(d$f) && !is.ordered(d$f) && identical(levels(d$f), c("b", "a", "c"))',
  'identical(as.character(d$f), c("b", "a", NA, "b", "c"))',
  'is.ordered(d$o) && identical(levels(d$o), c("lo", "mid", "hi")) && d$o[2] < d$o[1]',
  'inherits(d$t, "POSIXct") && identical(attr(d$t, "tzone"), "UTC")',
  'identical(format(d$t[2], "%Y-%m-%d %H:%M:%S"), "2023-11-14 22:13:20") && identical(format(d$t[4], "%Y-%m-%d"), "1969-12-31")',
  'identical(d$l, c(TRUE, NA, FALSE, TRUE, FALSE))',
  'is.factor(d$my.var_2) && identical(as.character(d$my.var_2[1]), "\\u00e9") && identical(as.character(d$my.var_2[3]), "\\"); file.create(\\"pwned\\"); (\\"") && nchar(as.character(d$my.var_2[2])) == 1',
  'identical(Encoding(levels(d$my.var_2)[1]), "UTF-8") && identical(as.character(d$my.var_2[5]), "a\\nb")',
  'is.na(d$b[2]) && !is.nan(d$b[2]) && d$b[4] == 1e-310 && identical(1 / d$b[3], -Inf)',
];

describe('panthr2r round trip through a real R', function () {
  this.timeout(60_000);
  let server: RserveProcess | undefined;
  let r: RConnection | undefined;
  let workdir = '';
  const R = (): RConnection => r as RConnection;

  before(async () => {
    server = await startRserve();
    r = await connectR(server.address);
    workdir = mkdtempSync(path.join(os.tmpdir(), 'panthr2r-rt-'));
    await R().voidEval(`setwd(${JSON.stringify(workdir)})`);
  });
  after(async () => {
    await r?.close();
    await server?.stop();
    rmSync(workdir, { recursive: true, force: true });
  });

  it('R sees the fixture as PanthR means it', async () => {
    assert.ok(validateObject(FIXTURE).ok);
    await R().assign('d', datasetToR(FIXTURE));
    const checks = await R().eval(`c(${R_CHECKS.join(',\n')})`);
    assert.equal(checks.kind, 'logical');
    if (checks.kind !== 'logical') return;
    R_CHECKS.forEach((c, i) => assert.equal(checks.values[i], 1, `R check failed: ${c}`));
    assert.equal(existsSync(path.join(workdir, 'pwned')), false);
  });

  it('what R gives back is what was sent', async () => {
    await R().assign('d', datasetToR(FIXTURE));
    assert.deepEqual(rToDataset('d', await R().eval('d')), rToDataset('d', datasetToR(FIXTURE)));
  });

  it('a large binary column keeps its values and its missing values', async () => {
    const n = 200_000;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = i % 97 === 0 ? NaN : Math.sin(i) * 1e6;
    let sum = 0;
    let missing = 0;
    for (const v of values)
      if (Number.isNaN(v)) missing++;
      else sum += v;
    const d: PanthrDataset = {
      type: 'dataset',
      name: 'big',
      variables: [vec('v', 'scalar', Buffer.from(values.buffer))],
    };
    await R().assign('big', datasetToR(d));
    const got = rToJson(
      await R().eval(
        'list(n = nrow(big), na = sum(is.na(big$v)), nan = sum(is.nan(big$v)), s = sum(big$v, na.rm = TRUE), v = big$v[2])',
      ),
    );
    // R sums in long double, so the last bits may differ from a double sum here.
    const { s: rSum, ...rest } = got as { s: number };
    assert.deepEqual(rest, { n, na: missing, nan: 0, v: values[1] });
    assert.ok(Math.abs(rSum - sum) <= 1e-9 * Math.abs(sum), `${rSum} vs ${sum}`);
  });

  it('values R made come back as PanthR vectors', async () => {
    const back = rToDataset(
      'e',
      await R().eval(
        'data.frame(i = c(1L, NA), dt = as.Date(c("2024-01-02", NA)), ch = c("a", NA), stringsAsFactors = FALSE)',
      ),
    );
    assert.deepEqual(back.variables, [
      vec('i', 'scalar', [1, null]),
      vec('dt', 'datetime', [1704153600, null]),
      vec('ch', 'nominal', ['a', null]),
    ]);
    const json = rToJson(
      await R().eval(
        'list(a = 1, b = I(2), m = matrix(1:4, 2), s = c(NaN, Inf, -Inf, NA), f = factor("z"), df = data.frame(x = c(1, NA)))',
      ),
    );
    assert.deepEqual(json, {
      a: 1,
      b: [2],
      m: [
        [1, 3],
        [2, 4],
      ],
      s: ['NaN', 'Inf', '-Inf', null],
      f: 'z',
      df: { columns: ['x'], rows: [[1], [null]] },
    });
  });

  it('random datasets survive the trip (property)', async () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,8}$/);
    const col = (n: number): fc.Arbitrary<PanthrVector> =>
      fc.oneof(
        fc
          .array(fc.option(fc.double({ noNaN: true }), { nil: null }), {
            minLength: n,
            maxLength: n,
          })
          .map((v) =>
            vec(
              'c',
              'scalar',
              v.map((x) => (x === null || Number.isFinite(x) ? x : x > 0 ? 'Inf' : '-Inf')),
            ),
          ),
        fc
          .array(fc.double(), { minLength: n, maxLength: n })
          .map((v) => vec('c', 'scalar', Float64Array.from(v))),
        fc
          .array(fc.option(fc.boolean(), { nil: null }), { minLength: n, maxLength: n })
          .map((v) => vec('c', 'logical', v)),
        fc
          .array(fc.option(fc.string({ unit: 'grapheme', maxLength: 6 }), { nil: null }), {
            minLength: n,
            maxLength: n,
          })
          .map((v) => vec('c', 'nominal', v)),
        fc
          .array(fc.option(fc.integer({ min: 1, max: 2 }), { nil: null }), {
            minLength: n,
            maxLength: n,
          })
          .map((v) => vec('c', 'ordinal', v, { labels: ['no', 'yes'] })),
        fc
          .array(fc.option(fc.integer({ min: -1e9, max: 1e9 }), { nil: null }), {
            minLength: n,
            maxLength: n,
          })
          .map((v) => vec('c', 'datetime', v)),
      );
    const dataset = fc
      .tuple(fc.nat({ max: 20 }), fc.uniqueArray(name, { minLength: 1, maxLength: 5 }))
      .chain(([n, names]) =>
        fc
          .tuple(...names.map((nm) => col(n).map((c) => ({ ...c, name: nm }))))
          .map((variables): PanthrDataset => ({ type: 'dataset', name: 'p', variables })),
      );
    await fc.assert(
      fc.asyncProperty(dataset, async (d) => {
        assert.ok(validateObject(d).ok);
        const sent = datasetToR(d);
        await R().assign('p', sent);
        assert.deepEqual(rToDataset('p', await R().eval('p')), rToDataset('p', sent));
      }),
      { numRuns: 60 },
    );
  });
});
