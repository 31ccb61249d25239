/**
 * PanthR.r's reports, tests and models equal R's own direct calls on the same data
 * (several datasets with missing values, unbalanced groups and names with spaces), and
 * have the result shapes of API.md §3. Runs R through Rscript; needs no server.
 */
import assert from 'node:assert/strict';
import { arr, assertClose, obj, runRJson, type Json } from '../fixtures/r/run-r.ts';

interface Case {
  name: string;
  ours: { [key: string]: Json };
  ref: { [key: string]: Json };
}

describe('PanthR.r statistics against R itself', function () {
  this.timeout(120_000);
  const cases = new Map<string, Case>();

  before(async () => {
    const out = obj(await runRJson('stats.R'));
    for (const c of arr(out['cases'])) {
      const o = obj(c);
      cases.set(o['name'] as string, {
        name: o['name'] as string,
        ours: obj(o['ours']),
        ref: obj(o['ref']),
      });
    }
  });

  const get = (name: string): Case => {
    const c = cases.get(name);
    assert.ok(c, `case ${name} was not run`);
    return c;
  };

  it('runs every case and each equals R to 1e-9 relative', () => {
    assert.ok(cases.size >= 25, `only ${cases.size} cases`);
    for (const c of cases.values()) assertClose(c.ours, c.ref, c.name);
  });

  it('descriptives: API columns, a group column with by, null for what cannot be computed', () => {
    const plain = get('descriptives d1').ours;
    assert.deepEqual(plain['columns'], [
      'variable',
      'n',
      'missing',
      'mean',
      'sd',
      'min',
      'q1',
      'median',
      'q3',
      'max',
    ]);
    assert.deepEqual(arr(plain['rows'])[0], arr(get('descriptives d1').ref['rows'])[0]);
    const by = get('descriptives airquality by Month').ours;
    assert.deepEqual(arr(by['columns']).slice(0, 3), ['variable', 'group', 'n']);
    // Ozone x 5 months, levels in order May..Sep, then Solar.R, then Wind.
    assert.deepEqual(
      arr(by['rows'])
        .slice(0, 5)
        .map((r) => arr(r)[1]),
      ['May', 'Jun', 'Jul', 'Aug', 'Sep'],
    );
    assert.equal(arr(by['rows']).length, 15);
    assert.deepEqual(by['warnings'], []);
    const sparse = arr(get('descriptives n=1 and empty level').ours['rows']).map(arr);
    assert.equal(sparse[1]?.[5], null, 'sd of one value is null');
    assert.deepEqual(sparse[2]?.slice(2), [0, 0, null, null, null, null, null, null, null]);
  });

  it('frequency: levels in order, missing last as null, percent of all rows', () => {
    const rows = arr(get('frequency d1').ours['rows']).map(arr);
    const group = rows.filter((r) => r[0] === 'group');
    assert.deepEqual(
      group.map((r) => r[1]),
      ['control', 'treated', null],
    );
    assert.equal(
      group.reduce((s, r) => s + (r[3] as number), 0),
      100,
    );
    const flag = rows.filter((r) => r[0] === 'flag');
    assert.deepEqual(
      flag.map((r) => r[1]),
      [false, true, null],
    );
    const x2 = rows.filter((r) => r[0] === 'x2');
    assert.deepEqual(
      x2.map((r) => r[1]),
      ['lo', 'mid', 'hi'],
    );
  });

  it('t.test: estimate and conf_int are arrays, df a number, warnings an array', () => {
    const t = get('t.test Welch unbalanced with NA').ours;
    assert.equal(t['method'], 'Welch Two Sample t-test');
    assert.equal(arr(t['estimate']).length, 2);
    assert.equal(arr(t['conf_int']).length, 2);
    assert.equal(typeof t['df'], 'number');
    assert.deepEqual(t['estimate_names'], ['mean in group control', 'mean in group treated']);
    assert.equal(arr(get('t.test one sample').ours['estimate']).length, 1);
    assert.ok(Array.isArray(t['warnings']));
  });

  it("chisq.test: R's warning comes back, observed/expected tables carry labels", () => {
    const c = get('chisq.test small counts warn').ours;
    assert.deepEqual(c['warnings'], ['Chi-squared approximation may be incorrect']);
    const observed = obj(c['observed']);
    assert.deepEqual(observed['columns'], ['cyl', 'automatic', 'manual']);
    assert.deepEqual(
      arr(observed['rows']).map((r) => arr(r)[0]),
      ['4', '6', '8'],
    );
    assert.equal(
      get('chisq.test 2x2 Yates').ours['method'],
      "Pearson's Chi-squared test with Yates' continuity correction",
    );
    assert.equal(get('chisq.test 2x2 no correction').ours['method'], "Pearson's Chi-squared test");
  });

  it('cor.test: Spearman reports the ties warning, with null df and interval', () => {
    const s = get('cor.test spearman ties').ours;
    assert.deepEqual(s['warnings'], ['Cannot compute exact p-value with ties']);
    assert.ok(s['df'] === null && s['conf_int'] === null && !('conf_level' in s));
    assert.equal(arr(get('cor.test pearson with NA').ours['conf_int']).length, 2);
  });

  it('lm and aov: terms carry the user names, Residuals have null F and p', () => {
    const lm = get('lm d1 factor and spaces').ours;
    const terms = arr(obj(lm['coefficients'])['rows']).map((r) => arr(r)[0]);
    assert.deepEqual(terms, ['(Intercept)', 'my x', 'x2mid', 'x2hi']);
    assert.equal(arr(lm['df']).length, 2);
    const aov = obj(get('aov two factors').ours['table']);
    const rows = arr(aov['rows']).map(arr);
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['group', 'x2', 'Residuals'],
    );
    assert.deepEqual(rows[2]?.slice(4, 6), [null, null]);
  });
});
