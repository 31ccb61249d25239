/**
 * The formula compiler's real output (converters/formula, dataVar ".d") evaluated by
 * PanthR.r's restricted evaluator, panthr_eval_formula, gives exactly (identical()) what
 * the same code gives evaluated directly in R; code outside the language is refused by
 * the evaluator even when it is shaped like the compiler's wrappers. Runs R via Rscript.
 */
import assert from 'node:assert/strict';
import { compileFormula } from '../../converters/formula/index.ts';
import { arr, obj, runRJson } from '../fixtures/r/run-r.ts';

const VARIABLES = new Set(['x', 'my "var"', 'g', 'flag']);

const VALUE_FORMULAS = [
  'x + 1',
  '-x * 2 - 3 / x ^ 0.5',
  'log(x) + log(x, 2) + exp(x / 10) + sqrt(x) + abs(-x)',
  'round(x / 3) + round(x / 3, 2) + floor(x / 3) + ceiling(x / 3)',
  'x - mean(x)',
  '(x - mean(x)) / sd(x)',
  'min(x) + max(x) + sum(x)',
  'min(x, 0.25) + max(x, 100) + sum(x, 1, 2)',
  'g != "my \\"var\\""',
  'is.na(x)',
  'x >= 1 & !is.na(x) | flag',
  'x == 4 | x != 1 & x < 10 & x <= 9 & x > 0',
  'g == "a"',
  'g == "\\"); system(\\"true"',
  '1',
];
const FILTER_FORMULAS = ['x > 1', 'is.na(g)', 'g == "b" | x < mean(x)', 'flag', 'x > 0 & flag'];

function compile(text: string, mode: 'value' | 'filter'): string {
  const r = compileFormula(text, VARIABLES, { dataVar: '.d', mode });
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
  return r.code;
}

describe('PanthR.r evaluates the formula compiler’s output in its restricted environment', function () {
  this.timeout(120_000);

  it('gives what R gives for every operator and function, values and filters', async () => {
    const codes = [
      ...VALUE_FORMULAS.map((f) => compile(f, 'value')),
      ...FILTER_FORMULAS.map((f) => compile(f, 'filter')),
    ];
    const out = arr(obj(await runRJson('formula.R', [JSON.stringify(codes)]))['results']).map(obj);
    assert.equal(out.length, codes.length);
    out.forEach((r, i) => {
      const f = [...VALUE_FORMULAS, ...FILTER_FORMULAS][i];
      assert.equal(r['ok'], true, `${f}: ${JSON.stringify(r['message'])}`);
      assert.equal(
        r['same'],
        true,
        `${f}: ${JSON.stringify(r['ours'])} vs ${JSON.stringify(r['direct'])}`,
      );
    });
    // Filters are TRUE/FALSE per row, never null.
    const filters = out.slice(VALUE_FORMULAS.length).map((r) => arr(r['ours']));
    for (const f of filters) assert.ok(f.every((v) => typeof v === 'boolean'));
  });

  it('refuses code outside the language even in the compiler’s shapes', async () => {
    const hostile = [
      'base::system("true")',
      'utils::head(.d)',
      '(function(v, n) { base::system("true") })(1, base::nrow(.d))',
      '(function(...) { base::system("true") })(.d[["x"]])',
      '(function(v, n) { if (!base::is.logical(v)) base::stop("the filter formula must give true or false", call. = FALSE); w <- base::rep_len(v, n); !base::is.na(w) & w })(base::system("true"), base::nrow(.d))',
      'base::mean(.d[["x"]], trim = base::system("true"))',
      '.d[["x"]] + get("system")("true")',
    ];
    const out = arr(obj(await runRJson('formula.R', [JSON.stringify(hostile)]))['results']).map(
      obj,
    );
    out.forEach((r, i) => {
      assert.equal(r['ok'], false, hostile[i]);
      assert.equal(r['code'], 'invalid_object', `${hostile[i]}: ${JSON.stringify(r['message'])}`);
    });
  });
});
