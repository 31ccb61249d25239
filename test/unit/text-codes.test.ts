import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isWireCodes,
  MIN_CODED_VALUES,
  textCodes,
  textValues,
  vectorToR,
  wireCodes,
  wireTextValues,
} from '../../converters/index.ts';
import { NA_INTEGER, rAttrStrings, type RValue } from '../../r/qap1/sexp.ts';
import { jsonValues } from '../../client/src/binary.ts';
import { joinBlobs } from '../../server/store/workspace.blobs.ts';
import type { Store } from '../../server/store/index.ts';

/** `n` values cycling through `strings`, every `gap`-th one missing. */
function column(n: number, strings: readonly string[], gap = 7): (string | null)[] {
  return Array.from({ length: n }, (_, i) =>
    i % gap === 3 ? null : (strings[i % strings.length] as string),
  );
}

/** A factor's codes and levels, for comparing two R values. */
function factorOf(r: RValue): { codes: number[]; levels: unknown } {
  assert.equal(r.kind, 'integer');
  return { codes: r.kind === 'integer' ? [...r.values] : [], levels: rAttrStrings(r, 'levels') };
}

describe('text codes (converters/text-codes.ts)', () => {
  it('codes long text of few strings in order of first appearance, missing as -1', () => {
    const values = column(MIN_CODED_VALUES, ['b', 'a', '', 'c']);
    const coded = textCodes(values);
    assert.ok(coded !== null);
    assert.deepEqual(coded.strings, ['b', 'a', '', 'c']);
    assert.equal(coded.codes[3], -1);
    assert.equal(coded.codes[2], 2, 'the empty string is a string, not a missing value');
    assert.deepEqual(textValues(coded), values);
    assert.equal(textCodes(values), coded, 'made once, then remembered');
  });

  it('leaves short values, numbers, mixed values and mostly distinct strings uncoded', () => {
    assert.equal(textCodes(column(MIN_CODED_VALUES - 1, ['a'])), null);
    assert.equal(textCodes(Array.from({ length: MIN_CODED_VALUES }, (_, i) => i % 3)), null);
    const mixed: unknown[] = column(MIN_CODED_VALUES, ['a', 'b']);
    mixed[MIN_CODED_VALUES - 1] = 1;
    assert.equal(textCodes(mixed), null);
    const ids = Array.from(
      { length: MIN_CODED_VALUES },
      (_, i) => `id${i % (MIN_CODED_VALUES / 2 + 1)}`,
    );
    assert.equal(textCodes(ids), null, 'more than half distinct: an id column');
    assert.equal(textCodes(new Float64Array(MIN_CODED_VALUES)), null);
    assert.equal(textCodes(undefined), null);
  });

  it('uses codes remembered for values (the CSV reader made them), unless mostly distinct', () => {
    const strings = ['x', 'y'];
    const codes = Int32Array.from({ length: MIN_CODED_VALUES }, (_, i) => i % 2);
    const values = textValues({ strings, codes });
    assert.equal(textCodes(values)?.codes, codes);
    const many = Array.from({ length: MIN_CODED_VALUES }, (_, i) => `s${i}`);
    const made = textValues({ strings: many, codes: Int32Array.from(many, (_, i) => i) });
    assert.equal(textCodes(made), null);
  });

  it('goes over the wire as int32 bytes and comes back the same values, at any alignment', () => {
    const values = column(MIN_CODED_VALUES * 2, ['é', 'NA', 'a,b', '"q"']);
    const wire = wireCodes(textCodes(values) ?? assert.fail('coded'));
    assert.ok(isWireCodes(wire));
    assert.deepEqual(wireTextValues(wire), values);
    // As Socket.IO delivers them: an ArrayBuffer in a browser, a Buffer (maybe unaligned) in Node.
    const bytes = Buffer.from(wire.codes);
    const unaligned = Buffer.concat([Buffer.alloc(1), bytes]).subarray(1);
    assert.deepEqual(wireTextValues({ strings: wire.strings, codes: unaligned }), values);
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    assert.deepEqual(wireTextValues({ strings: wire.strings, codes: ab }), values);
  });

  it('takes only the wire form for it, never a Buffer, an array or other objects', () => {
    assert.equal(isWireCodes(Buffer.alloc(64)), false);
    assert.equal(isWireCodes(['strings', 'codes']), false);
    assert.equal(isWireCodes({ strings: ['a'], codes: [0] }), false);
    assert.equal(isWireCodes({ strings: ['a'], codes: new Uint8Array(4), more: 1 }), false);
    assert.equal(isWireCodes(null), false);
  });

  it('is made plain by the browser client; a look-alike it cannot read stays as it is', () => {
    const values = column(MIN_CODED_VALUES, ['a', 'b']);
    const wire = wireCodes(textCodes(values) ?? assert.fail('coded'));
    const codes = Buffer.from(wire.codes);
    const ab = codes.buffer.slice(codes.byteOffset, codes.byteOffset + codes.byteLength);
    const message = {
      objects: [{ type: 'dataset', variables: [{ values: { strings: wire.strings, codes: ab } }] }],
    };
    assert.deepEqual(jsonValues(message).objects[0]?.variables[0]?.values, values);
    const odd = { options: { values: { strings: ['a'], codes: new Uint8Array(3) } } };
    assert.equal(jsonValues(odd).options.values, odd.options.values);
  });

  it('says a stored coded column is damaged when its codes name no string', async () => {
    const chunks = new Map<string, unknown>([
      ['c#0', Buffer.from(Int32Array.from([0, 1, 7]).buffer)],
      ['c#1', ['a', 'b']],
    ]);
    // Only the one read joinBlobs makes: the chunks of the document's references.
    const store = { workspaces: { chunkData: () => Promise.resolve(chunks) } } as unknown as Store;
    const doc = { values: { blob: { chunks: ['c#0', 'c#1'], binary: true, strings: 1 } } };
    await assert.rejects(
      joinBlobs(store, 'w', [doc]),
      /coded text in workspace chunks c#0\.\.\. is damaged: text code 7 out of range/,
    );
  });

  it('refuses codes that are not whole int32s into the strings', () => {
    const codes = (...c: number[]) => new Uint8Array(Int32Array.from(c).buffer);
    assert.throws(() => wireTextValues({ strings: ['a'], codes: codes(0, 1) }), RangeError);
    assert.throws(() => wireTextValues({ strings: ['a'], codes: codes(-2) }), RangeError);
    assert.throws(() => wireTextValues({ strings: ['a'], codes: new Uint8Array(3) }), RangeError);
    assert.throws(() => wireTextValues({ strings: [1], codes: codes(0) }), RangeError);
    assert.deepEqual(wireTextValues({ strings: ['a'], codes: codes(0, -1) }), ['a', null]);
  });

  it('makes the factor R would from codes: levels, labels and missing codes as for plain values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom<string>('a', 'b', 'c', 'd'), { nil: null }), {
          minLength: MIN_CODED_VALUES,
          maxLength: MIN_CODED_VALUES + 50,
        }),
        fc.constantFrom<string[] | undefined>(
          undefined,
          ['c', 'b', 'a', 'd'],
          ['a', 'b', 'c', 'd', 'e'],
        ),
        fc.option(fc.constantFrom<string[]>(['b'], ['a', 'd']), { nil: undefined }),
        fc.boolean(),
        (values, labels, missing, ordered) => {
          assert.ok(textCodes(values) !== null, 'the coded path is the one taken');
          const r = vectorToR({
            type: 'vector',
            name: 'g',
            variableType: ordered ? 'ordinal' : 'nominal',
            values,
            ...(labels === undefined ? {} : { labels }),
            ...(missing === undefined ? {} : { missing }),
          });
          // R's factor(values, levels): labels as given, else the values' own in order of
          // appearance; a missing code or null is NA.
          const isNa = (x: string | null) => x === null || (missing ?? []).includes(x);
          const levels = labels ?? [...new Set(values.filter((x): x is string => !isNa(x)))];
          const codes = values.map((x) => (isNa(x) ? NA_INTEGER : levels.indexOf(x as string) + 1));
          assert.deepEqual(factorOf(r), { codes, levels });
          assert.deepEqual(rAttrStrings(r, 'class'), ordered ? ['ordered', 'factor'] : ['factor']);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('names the first value without a label, coded or not', () => {
    const values = column(MIN_CODED_VALUES, ['a', 'z']);
    textCodes(values);
    assert.throws(
      () =>
        vectorToR({
          type: 'vector',
          name: 'g',
          variableType: 'nominal',
          values,
          labels: ['a'],
        }),
      /g: value 2 has no label/,
    );
  });
});
