import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  datasetToR,
  jsonToR,
  jsonValues,
  markedAsNA,
  markNaNsAsNA,
  rToDataset,
  rToVector,
  validateObject,
  vectorToR,
  type PanthrDataset,
  type PanthrVector,
  type VectorValue,
} from '../../converters/index.ts';
import {
  inherits,
  isNA,
  NA_INTEGER,
  rAttr,
  rAttrStrings,
  rDouble,
  rInteger,
  type RValue,
} from '../../r/qap1/sexp.ts';

const v = (
  variableType: PanthrVector['variableType'],
  values: PanthrVector['values'],
  extra: Partial<PanthrVector> = {},
): PanthrVector => ({ type: 'vector', name: 'x', variableType, values, ...extra });

/** Binary values read independently of the converter (DataView, little-endian). */
function binaryDoubles(b: Float64Array | Uint8Array): number[] {
  if (b instanceof Float64Array) return [...b];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.byteLength / 8 }, (_, i) => view.getFloat64(i * 8, true));
}

/** What a vector should look like after PanthR -> R -> PanthR (the documented mapping). */
function expectedBack(x: PanthrVector): PanthrVector {
  const miss = new Set<unknown>(x.missing ?? []);
  const raw: VectorValue[] = Array.isArray(x.values)
    ? [...(x.values as VectorValue[])]
    : Array.from(binaryDoubles(x.values as Float64Array | Uint8Array), (n) =>
        Number.isNaN(n) ? null : n === Infinity ? 'Inf' : n === -Infinity ? '-Inf' : n,
      );
  const vals = raw.map((e) => (e === null || miss.has(e) ? null : e));
  const base = { type: 'vector' as const, name: x.name };
  if (x.variableType !== 'nominal' && x.variableType !== 'ordinal')
    return { ...base, variableType: x.variableType, values: vals };
  let labels: string[];
  let toLabel: (e: VectorValue) => string;
  if (Array.isArray(x.labels)) {
    labels = [...x.labels];
    toLabel = (e) => (typeof e === 'number' ? (labels[e - 1] as string) : String(e));
  } else if (x.labels) {
    const map = x.labels;
    const codes = Object.keys(map).sort((a, b) => Number(a) - Number(b));
    labels = codes.map((c) => map[c] as string);
    toLabel = (e) => map[String(e)] as string;
  } else {
    const seen = [...new Set(vals.filter((e) => e !== null))];
    if (typeof seen[0] === 'number') (seen as number[]).sort((a, b) => a - b);
    labels = seen.map(String);
    toLabel = String;
  }
  return {
    ...base,
    variableType: x.variableType,
    values: vals.map((e) => (e === null ? null : toLabel(e))),
    labels,
  };
}

const nan = new Float64Array([1.5, NaN, -0, Infinity]);
const fixtures: [string, PanthrVector][] = [
  ['scalar with null and missing', v('scalar', [1, null, 99, -2.5, 1e300], { missing: [99] })],
  ['scalar with NaN and Inf strings', v('scalar', ['NaN', 'Inf', '-Inf', 0])],
  ['binary Float64Array', v('scalar', nan)],
  [
    'binary Buffer at an odd offset',
    v(
      'scalar',
      Buffer.from(
        Buffer.concat([
          Buffer.alloc(3),
          Buffer.from(new Float64Array([2, NaN, 7]).buffer),
        ]).subarray(3),
      ),
      { missing: [7] },
    ),
  ],
  ['logical', v('logical', [true, false, null])],
  ['datetime', v('datetime', [0, 1_700_000_000.25, null])],
  [
    'nominal strings, first appearance',
    v('nominal', ['b', 'a', null, 'b', 'NA', ''], { missing: ['NA'] }),
  ],
  [
    'ordinal strings with labels',
    v('ordinal', ['hi', 'lo', 'mid'], { labels: ['lo', 'mid', 'hi', 'unused'] }),
  ],
  [
    'nominal codes with array labels',
    v('nominal', [2, 1, null, 2], { labels: ['male', 'female'] }),
  ],
  [
    'nominal codes with object labels',
    v('nominal', [20, 3, 20, -1], { labels: { '20': 'twenty', '3': 'three', '-1': 'minus one' } }),
  ],
  ['nominal numbers without labels', v('ordinal', [10, 2, 2.5, null, 10])],
  ['unicode strings', v('nominal', ['é', '😀', 'a"b\\c', '\n'])],
  ['empty vector', v('scalar', [])],
];

describe('panthr2r: PanthR vectors -> R values -> PanthR', () => {
  for (const [what, x] of fixtures) {
    it(`round-trips ${what}`, () => {
      assert.ok(validateObject(x).ok, `fixture must be valid: ${what}`);
      assert.deepEqual(rToVector('x', vectorToR(x)), expectedBack(x));
    });
  }

  it('writes R NA bit patterns, not NaN, for missing doubles', () => {
    const r = vectorToR(v('scalar', [null, 'NaN', 1]));
    assert.equal(r.kind, 'double');
    if (r.kind !== 'double') return;
    assert.ok(isNA(r.values, 0));
    assert.ok(!isNA(r.values, 1) && Number.isNaN(r.values[1]));
    const bin = vectorToR(v('scalar', new Float64Array([NaN, 3])));
    assert.ok(bin.kind === 'double' && isNA(bin.values, 0) && bin.values[1] === 3);
  });

  it('takes binary values marked ahead (markNaNsAsNA, an upload in slices) without a copy', () => {
    const f = new Float64Array([NaN, 3, NaN, -Infinity]);
    markNaNsAsNA(f);
    assert.ok(isNA(f, 0) && isNA(f, 2) && f[1] === 3 && f[3] === -Infinity);
    const r = vectorToR(v('scalar', f));
    assert.ok(r.kind === 'double');
    assert.equal(r.kind === 'double' ? r.values : null, f, 'the same memory, not a copy');
    // Said to be marked: taken as it is, a NaN left unmarked or not (no scan).
    const said = new Float64Array([1, NaN]);
    markedAsNA(said);
    const taken = vectorToR(v('scalar', said));
    assert.equal(taken.kind === 'double' ? taken.values : null, said);
    // A value listed in `missing` is still marked on a copy; the caller's stays as sent.
    const m = vectorToR(v('scalar', f, { missing: [3] }));
    assert.ok(m.kind === 'double' && m.values !== f && isNA(m.values, 1) && f[1] === 3);
  });

  it('does not change the caller binary values, aligned or not, marked or not', () => {
    const bytes = (x: Float64Array | Buffer): Buffer =>
      Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    const aligned = Buffer.from(new Float64Array([4, 5, NaN, 6, 7]).buffer);
    const odd = Buffer.concat([Buffer.alloc(1), aligned]).subarray(1);
    for (const values of [new Float64Array([NaN, 1]), new Float64Array([1, 2]), aligned, odd]) {
      const before = bytes(values).toString('hex');
      const doubles = new Float64Array(Uint8Array.from(bytes(values)).buffer);
      for (const missing of [[], [5]]) {
        const r = vectorToR(v('scalar', values, { missing }));
        assert.ok(r.kind === 'double');
        assert.deepEqual(
          Array.from(r.values, (x, i) => (isNA(r.values, i) ? 'NA' : x)),
          Array.from(doubles, (x) => (Number.isNaN(x) || missing.includes(x) ? 'NA' : x)),
        );
      }
      assert.equal(bytes(values).toString('hex'), before);
    }
  });

  it('makes factors, ordered factors and POSIXct as R does', () => {
    const f = vectorToR(v('ordinal', ['b', 'a', null], { labels: ['a', 'b'] }));
    assert.equal(f.kind, 'integer');
    assert.deepEqual(rAttrStrings(f, 'class'), ['ordered', 'factor']);
    assert.deepEqual(rAttrStrings(f, 'levels'), ['a', 'b']);
    assert.deepEqual(f.kind === 'integer' ? [...f.values] : [], [2, 1, NA_INTEGER]);
    const t = vectorToR(v('datetime', [1]));
    assert.deepEqual(rAttrStrings(t, 'class'), ['POSIXct', 'POSIXt']);
    assert.deepEqual(rAttrStrings(t, 'tzone'), ['UTC']);
    const l = vectorToR(v('logical', [true, null]));
    assert.deepEqual(l.kind === 'logical' ? [...l.values] : [], [1, 2]);
  });

  it('makes a data.frame with the names exactly as written', () => {
    const d: PanthrDataset = {
      type: 'dataset',
      name: 'd',
      variables: [v('scalar', [1, 2], { name: 'a.b_C' }), v('nominal', ['x', 'y'], { name: 'Z9' })],
    };
    const r = datasetToR(d);
    assert.deepEqual(rAttrStrings(r, 'names'), ['a.b_C', 'Z9']);
    assert.ok(inherits(r, 'data.frame'));
    const rn = rAttr(r, 'row.names');
    assert.deepEqual(rn?.kind === 'integer' ? [...rn.values] : [], [NA_INTEGER, -2]);
    assert.deepEqual(rToDataset('d', r), { ...d, variables: d.variables.map(expectedBack) });
  });

  it('reads R-only shapes back: integers, Date, characters', () => {
    assert.deepEqual(rToVector('i', rInteger([1, null])).values, [1, null]);
    const date = rDouble([1, 19000], { class: { kind: 'string', values: ['Date'] } });
    assert.deepEqual(rToVector('d', date), {
      type: 'vector',
      name: 'd',
      variableType: 'datetime',
      values: [86400, 19000 * 86400],
    });
    assert.deepEqual(rToVector('s', { kind: 'string', values: ['a', null] }).values, ['a', null]);
    assert.throws(() => rToVector('l', { kind: 'list', values: [] }), { code: 'r_error' });
    assert.throws(() => rToDataset('d', rDouble([1])), { code: 'r_error' });
  });

  it('refuses values without a level even when the schema was skipped', () => {
    assert.throws(() => vectorToR(v('nominal', ['z'], { labels: ['a'] })), {
      code: 'invalid_object',
    });
    assert.throws(() => vectorToR(v('logical', new Float64Array(1))), { code: 'invalid_object' });
  });
});

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,10}$/);
const str = fc.string({ unit: 'grapheme', maxLength: 8 });
const column: fc.Arbitrary<(n: number) => fc.Arbitrary<PanthrVector>> = fc.constantFrom(
  (n: number) =>
    fc
      .array(fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }), {
        minLength: n,
        maxLength: n,
      })
      .map((values) => v('scalar', values)),
  (n: number) =>
    fc
      .array(fc.double(), { minLength: n, maxLength: n })
      .map((a) => v('scalar', Float64Array.from(a))),
  (n: number) =>
    fc
      .array(fc.option(fc.boolean(), { nil: null }), { minLength: n, maxLength: n })
      .map((values) => v('logical', values)),
  (n: number) =>
    fc
      .array(fc.option(fc.integer({ min: -1e10, max: 1e10 }), { nil: null }), {
        minLength: n,
        maxLength: n,
      })
      .map((values) => v('datetime', values)),
  (n: number) =>
    fc
      .array(fc.option(str, { nil: null }), { minLength: n, maxLength: n })
      .map((values) => v('nominal', values)),
  (n: number) =>
    fc
      .array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }), {
        minLength: n,
        maxLength: n,
      })
      .map((values) => v('ordinal', values, { labels: ['lo', 'mid', 'hi'] })),
);
const dataset: fc.Arbitrary<PanthrDataset> = fc
  .tuple(fc.nat({ max: 12 }), fc.uniqueArray(name, { minLength: 0, maxLength: 6 }))
  .chain(([n, names]) =>
    fc
      .tuple(...names.map((nm) => column.chain((make) => make(n)).map((c) => ({ ...c, name: nm }))))
      .map((variables): PanthrDataset => ({ type: 'dataset', name: 'd', variables })),
  );

describe('panthr2r: property', () => {
  it('random valid datasets come back with the same values', () => {
    fc.assert(
      fc.property(dataset, (d) => {
        assert.ok(validateObject(d).ok);
        const back = rToDataset('d', datasetToR(d));
        const want = { ...d, variables: d.variables.map(expectedBack) };
        // -0 and 0 are the same number to JSON; compare as R would print them.
        assert.deepEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(want)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('panthr2r: RValue kinds are exhaustive', () => {
  it('rejects non-vector kinds by name', () => {
    const kinds: RValue[] = [
      { kind: 'null' },
      { kind: 'symbol', name: 's' },
      { kind: 'opaque', xt: 18 },
    ];
    for (const k of kinds) assert.throws(() => rToVector('x', k), new RegExp(k.kind));
  });
});

describe('converters: jsonValues and jsonToR', () => {
  it('gives binary values their stored JSON form, at any alignment', () => {
    const f = new Float64Array([1.5, NaN, Infinity, -Infinity, -2]);
    const bytes = Buffer.alloc(f.byteLength + 3);
    Buffer.from(f.buffer).copy(bytes, 3);
    const want = [1.5, null, 'Inf', '-Inf', -2];
    assert.deepEqual(jsonValues(f), want);
    assert.deepEqual(jsonValues(bytes.subarray(3)), want);
    const json = [1, null, 'NaN'];
    assert.equal(jsonValues(json), json);
  });

  it('maps JSON to R: scalars, atomic arrays, mixed arrays as lists, objects as named lists', () => {
    assert.deepEqual(jsonToR(null), { kind: 'null' });
    assert.deepEqual(jsonToR(undefined), { kind: 'null' });
    const o = jsonToR({ a: 1, b: ['x', 'y'], c: [true], d: [1, 'x'], e: [] });
    assert.equal(o.kind, 'list');
    if (o.kind !== 'list') return;
    assert.deepEqual(rAttrStrings(o, 'names'), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(
      o.values.map((x) => x.kind),
      ['double', 'string', 'logical', 'list', 'list'],
    );
  });
});
