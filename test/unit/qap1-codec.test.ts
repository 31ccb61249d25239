import assert from 'node:assert/strict';
import { decodeStrings } from '../../r/qap1/decode.ts';
import type { RValue } from '../../r/qap1/index.ts';
import {
  decodeSEXP,
  DecodeError,
  encodeSEXP,
  encodedLength,
  EncodeError,
  isNA,
  NA_INTEGER,
  NA_LOGICAL,
  rDataFrame,
  rDouble,
  rFactor,
  rInteger,
  rList,
  rLogical,
  rString,
  setNA,
} from '../../r/qap1/index.ts';
import { readItemHeader, writeItemHeader, XT } from '../../r/qap1/protocol.ts';

/** A SEXP as Rserve writes it: small header (type, 24-bit length) and payload. */
function sexp(type: number, payload: Uint8Array | number[]): Buffer {
  const body = Buffer.from(payload);
  const h = Buffer.alloc(4);
  h.writeUInt32LE((type | (body.length << 8)) >>> 0);
  return Buffer.concat([h, body]);
}

function le32(...values: number[]): number[] {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeInt32LE(v, i * 4));
  return [...b];
}

function bits(values: Float64Array): string[] {
  const w = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const out: string[] = [];
  for (let i = 0; i < values.length; i++)
    out.push(`${w[2 * i + 1]?.toString(16)}:${w[2 * i]?.toString(16)}`);
  return out;
}

describe('QAP1 codec (hand-built buffers)', () => {
  it('decodes doubles keeping R NA distinct from NaN, bit for bit', () => {
    const payload = Buffer.alloc(40);
    payload.writeDoubleLE(1.5, 0);
    payload.writeUInt32LE(1954, 8); // NA: 0x7FF00000000007A2
    payload.writeUInt32LE(0x7ff00000, 12);
    payload.writeUInt32LE(0, 16); // NaN: 0x7FF8000000000000
    payload.writeUInt32LE(0x7ff80000, 20);
    payload.writeDoubleLE(Infinity, 24);
    payload.writeDoubleLE(-Infinity, 32);
    const v = decodeSEXP(sexp(XT.arrayDouble, payload));
    assert.equal(v.kind, 'double');
    assert.equal(v.values[0], 1.5);
    assert.equal(isNA(v.values, 1), true);
    assert.equal(isNA(v.values, 2), false);
    assert.ok(Number.isNaN(v.values[2]));
    assert.deepEqual(bits(v.values).slice(1, 3), ['7ff00000:7a2', '7ff80000:0']);
    assert.equal(v.values[3], Infinity);
    assert.equal(v.values[4], -Infinity);
  });

  it('decodes integers (INT_MIN is NA) and logicals (2 is NA, 0xFF padding ignored)', () => {
    const i = decodeSEXP(sexp(XT.arrayInt, le32(-1, NA_INTEGER, 7)));
    assert.deepEqual(i, rInteger([-1, null, 7]));
    const l = decodeSEXP(sexp(XT.arrayBool, [...le32(3), 1, 0, 2, 0xff]));
    assert.deepEqual(l, rLogical([true, false, null]));
    assert.equal(l.kind === 'logical' && l.values[2], NA_LOGICAL);
  });

  it('decodes strings: NA, doubled 0xFF, empty, invalid bytes, BOM, a literal U+FFFD', () => {
    const bytes = [
      ...Buffer.from('a\0'),
      0xff,
      0, // NA
      0xff,
      0xff,
      0x41,
      0, // "\xFFA" (leading 0xFF doubled)
      0, // ""
      0x62,
      0x80,
      0x63,
      0, // "b\x80c": invalid byte
      ...Buffer.from('\uFEFFx\0'), // a BOM stays
      ...Buffer.from('\uFFFD\0'), // a real U+FFFD is not NA
      ...Buffer.from('é日😀\0'),
    ];
    while (bytes.length % 4 !== 0) bytes.push(1);
    const v = decodeSEXP(sexp(XT.arrayStr, bytes));
    assert.deepEqual(
      v,
      rString(['a', null, '\uFFFDA', '', 'b\uFFFDc', '\uFEFFx', '\uFFFD', 'é日😀']),
    );
  });

  it('decodes strings split into several blocks the same as in one', () => {
    const strings = Array.from({ length: 200 }, (_, i) =>
      i % 7 === 0 ? null : `s${i}-${'é'.repeat(i % 5)}`,
    );
    const enc = encodeSEXP(rString(strings));
    const h = readItemHeader(enc, 0);
    for (const block of [1, 5, 13, 64, 1 << 20]) {
      assert.deepEqual(
        decodeStrings(enc, h.start, h.start + h.length, block),
        strings,
        `block ${block}`,
      );
    }
    assert.deepEqual(decodeStrings(enc, h.start, h.start, 8), []);
  });

  it('decodes attributes, lists, pairlists, calls and symbols', () => {
    const names = sexp(XT.arrayStr, [...Buffer.from('x\0y\0'), 1, 1, 1, 1].slice(0, 4));
    const attr = sexp(XT.listTag, [
      ...names,
      ...sexp(XT.symname, [...Buffer.from('names'), 0, 0, 0]),
    ]);
    const vec = sexp(XT.arrayInt | XT.hasAttr, [...attr, ...le32(1, 2)]);
    assert.deepEqual(decodeSEXP(vec), rInteger([1, 2], { names: rString(['x', 'y']) }));
    const call = sexp(XT.langNoTag, [
      ...sexp(XT.symname, [...Buffer.from('f'), 0, 0, 0]),
      ...sexp(XT.null, []),
    ]);
    assert.deepEqual(decodeSEXP(call), {
      kind: 'language',
      values: [{ kind: 'symbol', name: 'f' }, { kind: 'null' }],
      tags: [null, null],
    });
    assert.deepEqual(decodeSEXP(sexp(XT.clos, [...sexp(XT.null, []), ...sexp(XT.null, [])])), {
      kind: 'opaque',
      xt: XT.clos,
    });
  });

  it('reads and writes large (8-byte) headers above 0xfffff0', () => {
    const buf = Buffer.alloc(16);
    assert.equal(writeItemHeader(buf, 0, XT.arrayDouble | XT.hasAttr, 0x1234567890), 8);
    assert.deepEqual(readItemHeader(buf, 0), {
      type: XT.arrayDouble | XT.hasAttr,
      length: 0x1234567890,
      start: 8,
    });
    assert.equal(writeItemHeader(buf, 0, XT.arrayInt, 0xfffff0), 4);
    assert.deepEqual(readItemHeader(buf, 0), { type: XT.arrayInt, length: 0xfffff0, start: 4 });
  });

  it('rejects truncated SEXPs with DecodeError', () => {
    const good = sexp(XT.arrayInt, le32(1, 2, 3));
    assert.throws(() => decodeSEXP(good.subarray(0, 10)), DecodeError);
    assert.throws(() => decodeSEXP(good.subarray(0, 2)), DecodeError);
  });
});

describe('QAP1 codec round trips', () => {
  const na = new Float64Array([1, 0, NaN, Infinity, -Infinity, -0]);
  setNA(na, 1);
  const cases: [string, RValue][] = [
    ['NULL', { kind: 'null' }],
    ['doubles with NA and NaN', rDouble(na)],
    ['integers', rInteger([1, null, -5])],
    ['logicals', rLogical([true, null, false, true, false])],
    ['strings', rString(['', null, 'NA', 'é日😀', 'x'.repeat(1000)])],
    ['raw', { kind: 'raw', values: Uint8Array.of(0, 255, 7) }],
    ['complex', { kind: 'complex', values: Float64Array.of(1, -2, 0.5, 3) }],
    ['symbol', { kind: 'symbol', name: 'x' }],
    ['factor', rFactor(Int32Array.of(1, NA_INTEGER, 2), ['a', 'b'], true)],
    ['matrix', rInteger([1, 2, 3, 4, 5, 6], { dim: rInteger([2, 3]) })],
    [
      'data frame',
      rDataFrame(
        [
          ['x', rDouble(na)],
          ['f', rFactor(Int32Array.of(1, 2, 1, NA_INTEGER, 2, 1), ['lo', 'hi'])],
          ['s', rString(['a', null, '', 'b', 'c', 'd'])],
        ],
        6,
      ),
    ],
    ['named list', rList([rDouble([1]), rList([])], { names: rString(['a', '']) })],
    ['pairlist', { kind: 'pairlist', values: [rDouble([1]), rString(['z'])], tags: ['a', null] }],
    [
      'call',
      {
        kind: 'language',
        values: [{ kind: 'symbol', name: 'sum' }, rDouble([1]), rDouble([2])],
        tags: [null, null, 'na.rm'],
      },
    ],
  ];
  for (const [name, value] of cases) {
    it(`${name} survives encode then decode`, () => {
      const enc = encodeSEXP(value);
      assert.equal(enc.length, encodedLength(value));
      assert.equal(enc.length % 4, 0);
      assert.deepEqual(decodeSEXP(enc), value);
    });
  }

  it('keeps the NA payload through the round trip', () => {
    const back = decodeSEXP(encodeSEXP(rDouble(na)));
    assert.equal(back.kind, 'double');
    assert.deepEqual(bits(back.values), bits(na));
  });

  it('uses the large header for a SEXP above 0xfffff0 bytes', () => {
    const big = rDouble(new Float64Array(0x200000 + 3));
    const enc = encodeSEXP(big);
    assert.equal(enc[0], XT.arrayDouble | XT.large);
    const back = decodeSEXP(enc);
    assert.equal(back.kind === 'double' && back.values.length, 0x200000 + 3);
  });

  it('refuses opaque values and strings holding NUL', () => {
    assert.throws(() => encodeSEXP({ kind: 'opaque', xt: XT.clos }), EncodeError);
    assert.throws(() => encodeSEXP(rString(['a\0b'])), EncodeError);
  });
});
