import assert from 'node:assert/strict';
import { rToJson } from '../../converters/index.ts';
import {
  NA_INTEGER,
  R_NULL,
  rDataFrame,
  rDouble,
  rFactor,
  rInteger,
  rList,
  rLogical,
  rString,
  setNA,
  type RValue,
} from '../../r/qap1/sexp.ts';

function withNA(values: number[], naAt: number): Float64Array {
  const a = Float64Array.from(values);
  setNA(a, naAt);
  return a;
}
const asIs = { class: rString(['AsIs']) };

describe('rToJson: the documented contract', () => {
  const table: [string, RValue, unknown][] = [
    ['NULL', R_NULL, null],
    ['length-1 double -> scalar', rDouble([2.5]), 2.5],
    ['length-1 AsIs -> array', rDouble([2.5], asIs), [2.5]],
    ['length-0 -> []', rDouble([]), []],
    ['double vector', rDouble([1, 2]), [1, 2]],
    [
      'NA, NaN, Inf, -Inf',
      rDouble(withNA([0, NaN, Infinity, -Infinity], 0)),
      [null, 'NaN', 'Inf', '-Inf'],
    ],
    ['integer NA', rInteger([1, null]), [1, null]],
    ['logical', rLogical([true, false, null]), [true, false, null]],
    ['logical scalar', rLogical([true]), true],
    ['string NA', rString(['a', null]), ['a', null]],
    [
      'factor -> labels',
      rFactor(Int32Array.of(2, 1, NA_INTEGER), ['lo', 'hi']),
      ['hi', 'lo', null],
    ],
    ['factor scalar', rFactor(Int32Array.of(1), ['only']), 'only'],
    ['named atomic: names dropped', rDouble([1, 2], { names: rString(['a', 'b']) }), [1, 2]],
    ['raw -> base64', { kind: 'raw', values: Uint8Array.of(104, 105) }, 'aGk='],
    ['complex -> [re, im]', { kind: 'complex', values: Float64Array.of(1, -2) }, [1, -2]],
    ['unnamed list -> array', rList([rDouble([1]), rString(['x'])]), [1, 'x']],
    [
      'named list -> object in order, empty names by position',
      rList([rDouble([1]), rDouble([2]), rDouble([3])], { names: rString(['b', '', 'a']) }),
      { b: 1, V2: 2, a: 3 },
    ],
    [
      '__proto__ as a name stays data',
      rList([rDouble([1])], { names: rString(['__proto__']) }),
      JSON.parse('{"__proto__":1}'),
    ],
    [
      'matrix -> rows (row-major)',
      rInteger([1, 2, 3, 4, 5, 6], {
        dim: rInteger([2, 3]),
        dimnames: rList([R_NULL, rString(['a', 'b', 'c'])]),
      }),
      [
        [1, 3, 5],
        [2, 4, 6],
      ],
    ],
    ['1x1 matrix stays a matrix', rDouble([7], { dim: rInteger([1, 1]) }), [[7]]],
    [
      'data.frame -> columns and rows',
      rDataFrame(
        [
          ['x', rDouble(withNA([1, 0], 1))],
          ['f', rFactor(Int32Array.of(1, 2), ['a', 'b'])],
          ['ok', rLogical([true, null])],
        ],
        2,
      ),
      {
        columns: ['x', 'f', 'ok'],
        rows: [
          [1, 'a', true],
          [null, 'b', null],
        ],
      },
    ],
    ['empty data.frame', rDataFrame([], 3), { columns: [], rows: [[], [], []] }],
    ['symbol', { kind: 'symbol', name: 'x' }, 'x'],
    ['closure', { kind: 'opaque', xt: 18 }, null],
    [
      'nested result list',
      rList(
        [
          rString(['Welch']),
          rDouble([1.5, 2.5], asIs),
          rList([rDouble([0.05])], { names: rString(['p']) }),
        ],
        {
          names: rString(['method', 'conf_int', 'inner']),
        },
      ),
      { method: 'Welch', conf_int: [1.5, 2.5], inner: { p: 0.05 } },
    ],
  ];
  for (const [what, value, want] of table) {
    it(what, () => {
      const got = rToJson(value);
      assert.deepEqual(got, want);
      assert.equal(JSON.stringify(got), JSON.stringify(want), 'key order');
    });
  }
});
