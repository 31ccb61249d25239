/**
 * A large assign's message as segments (r/qap1 encodeSEXPSegments, assignMessageSegments):
 * the same bytes as the one-buffer encoding, with large numeric vectors left where they are
 * (no copy on the main thread, issue 11).
 */
import assert from 'node:assert/strict';
import { encodeSEXP, encodeSEXPSegments, SEGMENT_MIN_BYTES } from '../../r/qap1/encode.ts';
import { assignMessage, assignMessageSegments } from '../../r/qap1/requests.ts';
import { rDataFrame, rDouble, rFactor, rInteger, rString } from '../../r/qap1/sexp.ts';

const ROWS = 20_000;
const big = Float64Array.from({ length: ROWS }, (_, i) => i / 7);
const ints = Int32Array.from({ length: ROWS }, (_, i) => i % 5);
const frame = rDataFrame(
  [
    ['a', rDouble(big)],
    [
      'g',
      rFactor(
        Int32Array.from({ length: ROWS }, (_, i) => (i % 2) + 1),
        ['x', 'y'],
      ),
    ],
    ['s', rString(Array.from({ length: ROWS }, (_, i) => `v${i % 3}`))],
    ['i', rInteger(ints)],
    ['b', rDouble(big.subarray(1))],
  ],
  ROWS,
);

describe('qap1: encoding a large value as segments', () => {
  it('gives the bytes of the one-buffer encoding', () => {
    for (const reserve of [0, 24]) {
      const joined = Buffer.concat(encodeSEXPSegments(frame, reserve)).subarray(reserve);
      assert.ok(joined.equals(encodeSEXP(frame)));
    }
    const small = rDouble([1, 2, 3]);
    assert.equal(encodeSEXPSegments(small).length, 1);
    assert.ok(Buffer.concat(assignMessageSegments('x', frame)).equals(assignMessage('x', frame)));
  });

  it('leaves large numeric vectors in their own memory', () => {
    const parts = encodeSEXPSegments(frame);
    const large = parts.filter((p) => p.length >= SEGMENT_MIN_BYTES);
    assert.ok(large.some((p) => p.buffer === big.buffer && p.byteOffset === 0));
    assert.ok(large.some((p) => p.buffer === big.buffer && p.byteOffset === 8));
    assert.ok(large.some((p) => p.buffer === ints.buffer));
  });
});
