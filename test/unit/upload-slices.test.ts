/**
 * Putting row slices together on the server (server/compute/upload-slices.ts): an upload
 * belongs to the connection that started it, the client's checksums are compared before
 * the group is given back to run, and an upload nobody finishes is dropped.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { checksumHex, valuesChecksum } from '../../converters/upload-checksum.ts';
import {
  SLICE_IDLE_MS,
  SliceAssembler,
  type SlicePart,
} from '../../server/compute/upload-slices.ts';

const ROWS = 6;
const values = (from: number, n: number): Float64Array =>
  new Float64Array(n).map((_, i) => from + i);
const sum = checksumHex(valuesChecksum(values(0, ROWS)));

function part(from: number, n: number, checksums?: Record<string, string>): SlicePart {
  return {
    type: 'dataset',
    name: 'd',
    slice: checksums === undefined ? { from, rows: ROWS } : { from, rows: ROWS, checksums },
    variables: [{ type: 'vector', name: 'x', variableType: 'scalar', values: values(from, n) }],
  };
}

const code = (e: unknown): string => (e as { code: string }).code;

describe('upload slices: ownership, checksums, dropping', () => {
  it('gives the group back when the checksums sent agree', () => {
    const a = new SliceAssembler();
    assert.deepEqual(a.take(part(0, 3, { x: sum }), 's1'), { done: false, received: 3 });
    const got = a.take(part(3, 3), 's1');
    assert.ok(got.done);
    assert.deepEqual(got.checksums, { x: sum });
    assert.equal(a.underWay, null);
  });

  it('refuses a group whose values differ from the checksums sent, naming the variable', () => {
    const a = new SliceAssembler();
    a.take(part(0, 3, { x: sum }), 's1');
    const other = part(3, 3);
    (other.variables[0]?.values as Float64Array)[0] = 99;
    assert.throws(
      () => a.take(other, 's1'),
      (e) => code(e) === 'invalid_object' && /values received for x of "d"/.test(String(e)),
    );
    assert.equal(a.underWay, null);
    assert.throws(() => a.take(part(0, 3, { y: sum }), 's1'), /do(es)? not hold: y/);
  });

  it("never continues another connection's upload, and leaves it alone", () => {
    const a = new SliceAssembler();
    a.take(part(0, 3), 's1');
    assert.throws(
      () => a.take(part(3, 3), 's2'),
      (e) => code(e) === 'invalid_object' && /another connection/.test(String(e)),
    );
    assert.equal(a.underWay, 'd');
    assert.ok(a.take(part(3, 3), 's1').done);
    // A new start from another connection replaces it; the first one's next slice is refused.
    a.take(part(0, 3), 's1');
    a.take(part(0, 2), 's2');
    assert.throws(() => a.take(part(3, 3), 's1'), /another connection/);
    assert.deepEqual(a.take(part(2, 1), 's2'), { done: false, received: 3 });
  });

  it('drops an upload when its connection leaves, its dataset goes, or it is idle', async () => {
    assert.equal(SLICE_IDLE_MS, 120_000);
    const a = new SliceAssembler(200);
    a.take(part(0, 3), 's1');
    a.dropOwner('s2');
    assert.equal(a.underWay, 'd');
    a.dropOwner('s1');
    assert.equal(a.underWay, null);
    a.take(part(0, 3), 's1');
    a.drop('d');
    assert.equal(a.underWay, null);
    a.take(part(0, 3), 's1');
    await sleep(100);
    a.take(part(3, 1), 's1'); // a slice restarts the idle time
    await sleep(120);
    assert.equal(a.underWay, 'd');
    await sleep(200);
    assert.equal(a.underWay, null);
    assert.throws(() => a.take(part(4, 2), 's1'), /send it again from row 0/);
  });
});
