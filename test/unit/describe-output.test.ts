/**
 * What an output was computed from, in words (converters/describe-output.ts): one rule for
 * the browser's cards and the reports.
 */
import assert from 'node:assert/strict';
import { describeOutput } from '../../converters/client.ts';

describe('converters: an output described', () => {
  it('names the analysis, its variables, its grouping, its dataset and its rows', () => {
    const t = { type: 'test', test: 't.test', dataset: 'scores', variables: ['score', 'group'] };
    assert.equal(describeOutput(t), 't.test of score, group in scores, all rows');
    const d = { type: 'report', reportType: 'descriptives', dataset: 'tg', variables: ['len'] };
    assert.equal(
      describeOutput({ ...d, by: 'supp', filter: 'adults' }),
      'descriptives of len by supp in tg, filter adults',
    );
    assert.equal(describeOutput({ type: 'note', name: 'n', text: 'x' }), null);
  });
});
