/** CSV options of API 1.1: separator, decimal comma and `na` strings (converters/csv). */
import assert from 'node:assert/strict';
import { parseCsv, type PanthrDataset } from '../../converters/index.ts';

function parsed(text: string, opts: Parameters<typeof parseCsv>[1]): PanthrDataset {
  const r = parseCsv(text, opts);
  assert.ok(r.ok, JSON.stringify(r));
  return r.dataset;
}

const columns = (d: PanthrDataset) => d.variables.map((v) => [v.name, v.variableType, v.values]);

describe('CSV options (API 1.1)', () => {
  it('splits on the separator, quotes still holding it', () => {
    const d = parsed('a;b\n1;"x;y"\n2;z\n', { separator: ';' });
    assert.deepEqual(columns(d), [
      ['a', 'scalar', [1, 2]],
      ['b', 'nominal', ['x;y', 'z']],
    ]);
    const tab = parsed('a\tb\n1,5\t2\n', { separator: '\t' });
    assert.deepEqual(columns(tab)[0], ['a', 'nominal', ['1,5']]);
  });

  it('reads decimal commas, and a "." then makes the column text (as R dec = ",")', () => {
    const d = parsed('x;y\n1,5;1.5\n-2;3\n1e3;x\n', { separator: ';', decimal: ',' });
    assert.deepEqual(columns(d), [
      ['x', 'scalar', [1.5, -2, 1000]],
      ['y', 'nominal', ['1.5', '3', 'x']],
    ]);
    // A decimal comma without a separator: ";" as R's read.csv2 (a "," would split numbers).
    assert.deepEqual(columns(parsed('x;y\n1,5;2\n', { decimal: ',' })), [
      ['x', 'scalar', [1.5]],
      ['y', 'scalar', [2]],
    ]);
  });

  it('reads the na strings as missing in every column, trimmed', () => {
    const d = parsed('n,t\n1,a\n n/a ,n/a\n-,b\n', { na: ['n/a', '-'] });
    assert.deepEqual(columns(d), [
      ['n', 'scalar', [1, null, null]],
      ['t', 'nominal', ['a', null, 'b']],
    ]);
    // Without na, one "n/a" makes the column text (API 1.0 behaviour kept).
    assert.equal(parsed('n\n1\nn/a\n', {}).variables[0]?.variableType, 'nominal');
  });
});
