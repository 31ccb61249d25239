/**
 * PanthR.r on large data (issue 16): R's functions are called with symbols, never with the
 * data itself in the call (t.test, cor.test and hist deparse their argument's expression:
 * 0.9 s for 1e6 values), and a scatter of more than 50,000 points is drawn as PNG unless
 * the request names a format. Untimed: it checks the calls' shape. Runs R through Rscript.
 */
import assert from 'node:assert/strict';
import { obj, runRJson, type Json } from '../fixtures/r/run-r.ts';

describe('PanthR.r on large data', function () {
  this.timeout(300_000);
  let out: { [key: string]: Json } = {};

  before(async () => {
    out = obj(await runRJson('large.R'));
  });

  it('passes no test, effect size or graph function its data inside the call', () => {
    const calls = obj(out['calls']);
    const names = ['t.test', 'wilcox.test', 'cor.test', 'oneway.test', 'binom.test'];
    for (const name of [...names, 'prop.test', 'cohens_d', 'plot', 'dotchart']) {
      const bytes = calls[name];
      assert.ok(typeof bytes === 'number' && bytes > 0, `${name} was not called`);
      // 100,000 doubles are 800 kB; a symbol is 56 bytes.
      assert.ok(bytes < 1000, `${name} got ${bytes} bytes of call`);
    }
  });

  it('draws a scatter of more than 50,000 points as PNG unless a format is named', () => {
    assert.deepEqual(obj(out['formats']), {
      over: 'png',
      over_svg: 'svg',
      over_pdf: 'pdf',
      at_limit: 'svg',
      small: 'svg',
    });
  });
});
