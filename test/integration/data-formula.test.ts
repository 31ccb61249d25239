/**
 * The formula functions of API 1.1 (`ifelse cut recode z rowmean rowsum rank reverse`)
 * through `newvar` on real R, each against R's own function on the same data (run apart
 * with Rscript), with the documented missing-value rules; and the warnings that make those
 * rules and an all-NaN result visible.
 */
import assert from 'node:assert/strict';
import { jsonValues, type PanthrVector } from '../../converters/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { rscriptJson } from '../fixtures/compute/rscript.ts';
import { errorOf, resultOf, runRaw } from '../fixtures/compute/run.ts';

const DATA = {
  type: 'dataset',
  name: 'd',
  variables: [
    { type: 'vector', name: 'x', variableType: 'scalar', values: [1, 3, null, 2.5, 7, 3] },
    { type: 'vector', name: 'y', variableType: 'scalar', values: [4, null, null, 1, 0.5, 2] },
    { type: 'vector', name: 'k', variableType: 'scalar', values: [1, 5, 2, 4, null, 3] },
    { type: 'vector', name: 'g', variableType: 'nominal', values: ['b', 'a', null, 'c', 'a', 'b'] },
  ],
};
const R_DATA =
  'd <- data.frame(x = c(1, 3, NA, 2.5, 7, 3), y = c(4, NA, NA, 1, 0.5, 2), ' +
  'k = c(1, 5, 2, 4, NA, 3), g = factor(c("b", "a", NA, "c", "a", "b"), levels = c("b", "a", "c")))\n';

/** Formula -> the R expression on `d` it must equal (R's functions, with the documented NA rules). */
const CASES: readonly (readonly [string, string])[] = [
  ['ifelse(x > 2, x, 0)', 'ifelse(d$x > 2, d$x, 0)'],
  ['ifelse(x > 2, "hi", "lo")', 'factor(ifelse(d$x > 2, "hi", "lo"))'],
  ['ifelse(is.na(g), "none", g)', 'factor(ifelse(is.na(d$g), "none", as.character(d$g)))'],
  ['cut(x, 3)', 'cut(d$x, 3)'],
  ['cut(x, 0, 2, 10)', 'cut(d$x, c(0, 2, 10))'],
  ['recode(x, 1, 100, 3, 300)', 'replace(replace(d$x, d$x %in% 1, 100), d$x %in% 3, 300)'],
  ['recode(k, 5, "top")', 'factor(replace(as.character(d$k), d$k %in% 5, "top"))'],
  ['recode(g, "a", "A")', '{ f <- d$g; levels(f)[levels(f) == "a"] <- "A"; f }'],
  ['recode(g, "a", "b")', '{ f <- d$g; levels(f)[levels(f) == "a"] <- "b"; f }'],
  ['z(x)', 'as.vector(scale(d$x))'],
  ['rowmean(x, y)', '{ r <- rowMeans(cbind(d$x, d$y), na.rm = TRUE); r[is.nan(r)] <- NA; r }'],
  ['rowsum(x, y, k)', 'rowSums(cbind(d$x, d$y, d$k), na.rm = TRUE)'],
  ['rank(x)', 'rank(d$x, na.last = "keep")'],
  ['reverse(k, 1, 5)', '1 + 5 - d$k'],
  ['x - mean(x)', 'd$x - mean(d$x, na.rm = TRUE)'],
];

interface RVar {
  levels: string[] | null;
  values: (number | string | null)[];
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  return a === b;
}

describe('data: formula functions (API 1.1) against R', function () {
  this.timeout(120_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;
  let want: RVar[];

  before(async () => {
    r = await startPanthrR();
    rt = await r.runtime();
    await runRaw(rt, DATA);
    const exprs = CASES.map(([, e]) => `(function() ${e.startsWith('{') ? e : `{ ${e} }`})()`);
    want = await rscriptJson<RVar[]>(
      R_DATA +
        `vals <- list(${exprs.join(',\n')})\n` +
        'out <- lapply(vals, function(v) list(levels = if (is.factor(v)) I(levels(v)) else NULL,\n' +
        '  values = I(if (is.factor(v)) as.character(v) else v)))\n' +
        'cat(jsonlite::toJSON(out, auto_unbox = TRUE, null = "null", na = "null", digits = NA))',
    );
  });
  after(async () => r?.stop());

  CASES.forEach(([formula, expr], i) => {
    it(`${formula} equals R's ${expr}`, async () => {
      const res = await resultOf(rt, {
        type: 'command',
        name: `n${i}`,
        command: 'newvar',
        dataset: 'd',
        variable: `v${i}`,
        formula,
      });
      const v = res['variable'] as PanthrVector;
      const w = want[i] as RVar;
      const got = jsonValues(v.values);
      assert.ok(
        got.length === w.values.length && got.every((x, j) => close(x, w.values[j])),
        `${JSON.stringify(got)} != ${JSON.stringify(w.values)}`,
      );
      if (w.levels === null) assert.equal(v.variableType, 'scalar');
      else assert.deepEqual([v.variableType, v.labels], ['nominal', w.levels]);
    });
  });

  it('says in warnings how many missing values a summary left out', async () => {
    const res = await resultOf(rt, {
      type: 'command',
      name: 'w1',
      command: 'newvar',
      dataset: 'd',
      variable: 'w1',
      formula: 'x - mean(x) + rowsum(x, y)',
    });
    assert.deepEqual(res['warnings'], [
      'mean() left out 1 missing value',
      'rowsum() left out missing values in 1 row',
    ]);
  });

  it('warns when every value is NaN: log(x, -1)', async () => {
    const res = await resultOf(rt, {
      type: 'command',
      name: 'w2',
      command: 'newvar',
      dataset: 'd',
      variable: 'w2',
      formula: 'log(x, -1)',
    });
    const warnings = res['warnings'] as string[];
    assert.ok(warnings.includes('NaNs produced'), JSON.stringify(warnings));
    assert.ok(warnings.includes('every value of the result is missing or NaN'));
  });

  it('refuses recode without pairs of literals and functions on text, before R', async () => {
    for (const [formula, re] of [
      ['recode(x, 1)', /at least 3 arguments/],
      ['recode(x, 1, 2, 3)', /pairs "old", "new"/],
      ['recode(x, 1, y)', /numbers or strings at 14/],
      ['z(g)', /z\(\) cannot use a nominal variable/],
      ['rowmean(x, g)', /rowmean\(\) cannot use a nominal variable/],
    ] as const) {
      const e = await errorOf(rt, {
        type: 'command',
        name: 'bad',
        command: 'newvar',
        dataset: 'd',
        variable: 'bad',
        formula,
      });
      assert.equal(e.code, 'invalid_object', formula);
      assert.match(e.message, re);
    }
  });
});
