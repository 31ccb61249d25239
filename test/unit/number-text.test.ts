/**
 * How result numbers read (converters/number-text.ts): one rule for the browser's cards and
 * the reports, so both print the same text for the same value.
 */
import assert from 'node:assert/strict';
import {
  columnReader,
  confidenceText,
  effectSizeText,
  readableNumber,
  readableP,
} from '../../converters/client.ts';
import { outputBlocks } from '../../server/reports/blocks.ts';
import type { StoredObject } from '../../server/store/index.ts';

describe('converters: result numbers for reading', () => {
  it('writes a column of whole and fractional numbers alike, and counts and p-values apart', () => {
    const percent = columnReader('percent', [55, 60, 1 / 6]);
    assert.deepEqual([55, 60, 1 / 6].map(percent), ['55.000', '60.000', '0.167']);
    const counts = columnReader('count', [3, 12, null]);
    assert.deepEqual([3, 12, null].map(counts), ['3', '12', '–']);
    assert.equal(columnReader('df', [55.3127])(55.3127), '55.31');
    assert.equal(columnReader('p_value', [3.55e-10])(3.55e-10), '< .001');
    assert.equal(columnReader('value', [null, 2])(null), '(missing)');
    assert.equal(columnReader('term', ['group'])('group'), 'group');
    // Tiny and huge values in exponent form; R's non-finite strings as symbols.
    assert.equal(readableNumber(3.53048e-16), '3.53e-16');
    assert.equal(readableNumber(-1168785725.2), '−1.17e9');
    assert.equal(readableNumber(0, 3, false), '0.000');
    assert.equal(readableNumber('-Inf'), '−∞');
    assert.equal(readableP(0.9996), '> .999');
    assert.equal(confidenceText(0.999), '99.9%');
    assert.equal(confidenceText(0.95), '95%');
  });

  it('says when an effect size interval is one-sided (Cramér’s V, Fei: the upper bound is 1)', () => {
    assert.equal(
      effectSizeText({ name: 'cramers_v', value: 0.2159, conf_int: [0.0413, 1] }),
      'Cramér’s V = 0.216, one-sided 95% CI [0.041, 1]',
    );
    assert.equal(
      effectSizeText({ name: 'cohens_d', value: 0.49, conf_int: [-0.02, 1.01] }),
      'Cohen’s d = 0.490, 95% CI [−0.020, 1.010]',
    );
    assert.equal(
      effectSizeText({ name: 'rank_epsilon_squared', value: 0.1, conf_int: null }),
      'Rank ε² = 0.100',
    );
    assert.equal(effectSizeText('x'), null);
  });

  it('gives a report the text of the browser’s card: its tables, fields and effect size', () => {
    const o = {
      name: 'chi1',
      hash: 1,
      type: 'test',
      test: 'chisq.test',
      dataset: 'd',
      variables: ['a', 'b'],
      result: {
        statistic: 4.51234,
        df: 55.3127,
        f_statistic: 'Inf',
        p_value: 0.0337,
        effect_size: { name: 'cramers_v', value: 0.2159, conf_int: [0.0413, 1] },
        observed: { columns: ['a', 'p_value', 'total'], rows: [['u', 3, 12]] },
        percent: {
          row: {
            columns: ['a', 'x', 'y'],
            rows: [
              ['u', 55, 45],
              ['v', 60.5, 39.5],
            ],
          },
        },
        frequencies: {
          columns: ['value', 'count'],
          rows: [
            ['u', 3],
            [null, 1],
          ],
        },
      },
    } as unknown as StoredObject;
    const blocks = outputBlocks(o);
    const tables = blocks.flatMap((b) => (b.kind === 'table' ? [b] : []));
    const rows = tables.flatMap((t) => t.rows.map((r) => r.join(' | ')));
    assert.ok(rows.includes('Statistic | 4.512'), rows.join('\n'));
    assert.ok(rows.includes('p | .034'), rows.join('\n'));
    // Welch's df with two decimals, R's non-finite strings as symbols, as on the cards.
    assert.ok(rows.includes('df | 55.31'), rows.join('\n'));
    assert.ok(rows.includes('F | ∞'), rows.join('\n'));
    assert.ok(rows.includes('Effect size | Cramér’s V = 0.216, one-sided 95% CI [0.041, 1]'));
    assert.ok(rows.includes('u | 55.000 | 45.000'), rows.join('\n'));
    // A contingency table's columns are levels: named p_value or total, they stay data.
    const observed = tables.find((t) => t.caption === 'Observed counts');
    assert.deepEqual(observed?.columns, ['a', 'p_value', 'total']);
    assert.deepEqual(observed?.rows, [['u', '3', '12']]);
    assert.ok(rows.includes('(missing) | 1'), rows.join('\n'));
  });

  it('gives a frequency report the card’s Valid % column (count over the non-missing count)', () => {
    const o = {
      name: 'f1',
      hash: 1,
      type: 'report',
      reportType: 'frequency',
      dataset: 'd',
      variables: ['g'],
      result: {
        columns: ['variable', 'value', 'count', 'percent'],
        rows: [
          ['g', 'a', 3, 50],
          ['g', 'b', 1, 100 / 6],
          ['g', null, 2, 100 / 3],
        ],
      },
    } as unknown as StoredObject;
    const [table] = outputBlocks(o).flatMap((b) => (b.kind === 'table' ? [b] : []));
    assert.deepEqual(table?.columns, ['Variable', 'Value', 'Count', 'Percent', 'Valid %']);
    assert.deepEqual(table?.rows, [
      ['g', 'a', '3', '50.000', '75'],
      ['g', 'b', '1', '16.667', '25'],
      ['g', '(missing)', '2', '33.333', ''],
    ]);
  });
});
