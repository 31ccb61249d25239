/**
 * Splitting uploads into parts (converters/upload-parts.ts) and the browser client's CSV
 * sending (client/src/upload.ts): a small file is one `read`; a large one is parsed with
 * the server's CSV rules and goes up in parts that, put together, are that dataset.
 */
import assert from 'node:assert/strict';
import { parseCsv } from '../../converters/csv.ts';
import zlib from 'node:zlib';
import {
  MAX_BINARY_PER_PART,
  SINGLE_MESSAGE_BYTES,
  UPLOAD_PART_BYTES,
  uploadParts,
  variableBytes,
} from '../../converters/upload-parts.ts';
import { checksumHex, crc32, valuesChecksum } from '../../converters/upload-checksum.ts';
import type { PanthrVector } from '../../converters/schema/vector.schema.ts';
import { sendCsv, sendDataset } from '../../client/src/upload.ts';
import { BINARY_VALUES_AUTH, jsonValues } from '../../client/src/binary.ts';
import {
  isErrorObject,
  type Dataset,
  type PanthrObject,
  type Reply,
} from '../../client/src/types.ts';
import { valuesLength } from '../../converters/schema/vector.schema.ts';

/** The one object of a message the upload sent, which must be a dataset (a part). */
function partOf(message: readonly PanthrObject[] | undefined) {
  const o = message?.[0];
  assert.ok(o?.type === 'dataset', 'a part is a dataset');
  return o;
}

const scalar = (name: string, values: PanthrVector['values']): PanthrVector => ({
  type: 'vector',
  name,
  variableType: 'scalar',
  values,
});

/** Bytes of a part's variables on the wire. */
const variableBytesOf = (p: Record<string, unknown>): number =>
  (p.variables as PanthrVector[]).reduce((a, v) => a + variableBytes(v), 0);

describe('upload parts', () => {
  it('keeps a small dataset whole and cuts a large one into row slices, in order', () => {
    const small = { type: 'dataset' as const, name: 'd', variables: [scalar('x', [1, 2])] };
    assert.deepEqual(uploadParts(small), [small]);
    const cols = ['a', 'b', 'c'].map((n, j) => {
      const f = new Float64Array(1000);
      for (let i = 0; i < f.length; i++) f[i] = i * 10 + j;
      return scalar(n, f);
    });
    const g = {
      type: 'vector' as const,
      name: 'g',
      variableType: 'nominal' as const,
      values: ['a'],
    };
    const variables = [...cols, { ...g, values: Array<string>(1000).fill('a') }];
    // Up to 32 parts' worth: every variable in each slice (one group, one change to undo).
    const whole = uploadParts({ type: 'dataset', name: 'big', label: 'L', variables }, 5000);
    assert.ok(whole.length > 4);
    assert.ok(whole.every((p) => p.variables.length === 4));
    assert.ok(whole.every((p) => p.append === undefined && p.label === 'L'));
    // More: each 8 KB column alone, in slices of about 700 bytes (keys included); the small
    // nominal column in slices of its own.
    const parts = uploadParts({ type: 'dataset', name: 'big', label: 'L', variables }, 700);
    const groups = parts.map(
      (p) => `${p.variables.map((v) => v.name).join()}:${p.append === true}`,
    );
    assert.deepEqual([...new Set(groups)], ['a:false', 'b:true', 'c:true', 'g:true']);
    assert.equal((parts[1]?.slice as { from: number }).from, 79);
    for (const split of [whole, parts]) {
      assert.ok(split.every((p) => (p.slice as { rows: number }).rows === 1000));
      assert.ok(split.every((p) => p.type === 'dataset' && p.name === 'big'));
      // Put together, the slices are the columns; binary ones are views of the caller's memory.
      for (const v of variables) {
        const mine = split.flatMap((p) => p.variables).filter((x) => x.name === v.name);
        const got = mine.flatMap((x) => Array.from(x.values as ArrayLike<unknown>));
        assert.deepEqual(got, Array.from(v.values as ArrayLike<unknown>));
        if (v.values instanceof Float64Array)
          assert.equal((mine[0]?.values as Float64Array).buffer, v.values.buffer);
      }
    }
    assert.ok(whole.every((p) => variableBytesOf(p) <= 5000));
    assert.ok(parts.every((p) => variableBytesOf(p) <= 700));
  });

  it('puts at most 10 binary variables in one part (Socket.IO refuses more attachments)', () => {
    const vars = Array.from({ length: 23 }, (_, j) => scalar(`v${j}`, new Float64Array(50)));
    vars.push({ type: 'vector', name: 'g', variableType: 'nominal', values: Array(50).fill('a') });
    const parts = uploadParts({ type: 'dataset', name: 'wide', variables: vars });
    assert.equal(MAX_BINARY_PER_PART, 10);
    assert.deepEqual(
      parts.map((p) => [p.append ?? false, p.variables.length, p.slice?.from, p.slice?.rows]),
      [
        [false, 10, 0, 50],
        [true, 10, 0, 50],
        [true, 4, 0, 50],
      ],
    );
  });

  it("puts each group's checksums on its first slice, and only there", () => {
    const vars = [1, 2, 3].map((j) =>
      scalar(
        `x${j}`,
        new Float64Array(1000).map((_, i) => i * j),
      ),
    );
    const parts = uploadParts({ type: 'dataset', name: 'c', variables: vars }, 1000);
    assert.ok(parts.length > 6);
    for (const p of parts) {
      const want = Object.fromEntries(
        vars
          .filter((v) => p.variables.some((x) => x.name === v.name))
          .map((v) => [v.name, checksumHex(valuesChecksum(v.values))]),
      );
      assert.deepEqual(p.slice?.checksums, p.slice?.from === 0 ? want : undefined);
    }
  });

  it('cuts 1e6 x 10 binary values into parts of about 256 KB, one column at a time', () => {
    const vars = Array.from({ length: 10 }, (_, j) => scalar(`x${j}`, new Float64Array(1e6)));
    const parts = uploadParts({ type: 'dataset', name: 'big', variables: vars });
    assert.equal(UPLOAD_PART_BYTES, 256 * 1024);
    assert.ok(parts.length >= 310 && parts.length <= 330, `${parts.length} parts`);
    assert.ok(parts.every((p) => p.variables.length === 1));
    assert.ok(parts.every((p) => variableBytesOf(p) <= UPLOAD_PART_BYTES));
  });

  it('checksums: CRC-32 as zlib computes it, the same at once or slice by slice', () => {
    const f = new Float64Array([1.5, NaN, Infinity, -0, 3]);
    const bytes = new Uint8Array(f.buffer);
    assert.equal(crc32(bytes), zlib.crc32(bytes));
    assert.equal(valuesChecksum(f), zlib.crc32(bytes));
    assert.equal(
      valuesChecksum(f.subarray(2), valuesChecksum(f.subarray(0, 2))),
      valuesChecksum(f),
    );
    const json = ['a', null, 'é', 1.25, true];
    assert.equal(valuesChecksum(json), zlib.crc32(Buffer.from('"a"\nnull\n"é"\n1.25\ntrue\n')));
    assert.equal(
      valuesChecksum(json.slice(3), valuesChecksum(json.slice(0, 3))),
      valuesChecksum(json),
    );
    assert.equal(checksumHex(0x1234), '00001234');
  });

  it('estimates JSON values close to their JSON length', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? null : i / 3));
    const v = scalar('x', values);
    const exact = JSON.stringify(v).length;
    const est = variableBytes(v);
    assert.ok(Math.abs(est - exact) / exact < 0.1, `estimate ${est}, exact ${exact}`);
  });
});

describe('client: sending a CSV file', function () {
  // Large files on purpose: parsing and comparing them takes seconds.
  this.timeout(120_000);
  const sent: PanthrObject[][] = [];
  const request = (objects: PanthrObject[]): Promise<Reply[]> => {
    sent.push(objects);
    return Promise.resolve([]);
  };
  beforeEach(() => sent.splice(0));

  it('sends a small file as one read command', async () => {
    await sendCsv(request, 'd', 'x,y\n1,2\n');
    assert.equal(sent.length, 1);
    const first = sent[0]?.[0];
    assert.equal(first?.type === 'command' ? first.command : undefined, 'read');
  });

  it('parses a large file as read would and sends it in parts, scalars binary', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) =>
      [i, i / 7, i % 3 === 0 ? '' : i * 2, `g${i % 4}`, (i * 1.5).toFixed(2), i % 5].join(','),
    );
    const text = ['id,a,b,g,c,e', ...rows].join('\n');
    assert.ok(text.length > SINGLE_MESSAGE_BYTES);
    const progress: number[] = [];
    await sendCsv(request, 'big', text, (done) => progress.push(done));
    assert.ok(sent.length > 1, 'more than one part');
    assert.deepEqual(
      progress,
      sent.map((_, i) => i + 1),
    );
    const expected = parseCsv(text, { name: 'big' });
    assert.ok(expected.ok);
    // Row slices, each column alone (each is over 1 MB): put together, they are the dataset.
    const parts = sent.map((m) => partOf(m));
    assert.ok(parts.every((p) => p.slice !== undefined));
    assert.equal(parts[0]?.append, undefined);
    const names = expected.dataset.variables.map((v) => v.name);
    // Either side may hold a long scalar column in binary form (converters/csv.ts).
    const plain = (values: PanthrVector['values']): unknown[] =>
      values instanceof Float64Array
        ? Array.from(values, (x) => (Number.isNaN(x) ? null : x))
        : [...(values as unknown[])];
    for (const [i, name] of names.entries()) {
      const slices = parts.flatMap((p) => p.variables).filter((v) => v.name === name);
      assert.ok(slices.length > 1, name);
      const want = expected.dataset.variables[i] as PanthrVector;
      assert.deepEqual(
        slices.flatMap((v) => plain(v.values)),
        plain(want.values),
        name,
      );
      if (want.variableType === 'scalar')
        assert.ok(
          slices.every((v) => v.values instanceof Float64Array),
          name,
        );
    }
  });

  it('tells the model what it sends, and refuses checksums the server does not confirm', async () => {
    const dataset = {
      type: 'dataset' as const,
      name: 'big',
      variables: [
        scalar(
          'x',
          Array.from({ length: 200_000 }, (_, i) => i / 4),
        ),
        {
          type: 'vector' as const,
          name: 'g',
          variableType: 'nominal' as const,
          values: Array.from({ length: 200_000 }, (_, i) => `g${i % 3}`),
        },
      ],
    };
    let expected: { dataset: Dataset; checksums: Readonly<Record<string, string>> } | null = null;
    const wrong = (objects: PanthrObject[]): Promise<Reply[]> => {
      const p = partOf(objects);
      assert.ok(p.slice !== undefined, 'a slice');
      const n = valuesLength(p.variables[0]!.values);
      const last = p.slice.from + n === p.slice.rows;
      const result = last
        ? {
            rows: p.slice.rows,
            variables: 2,
            checksums: { x: '00000000', g: expected?.checksums.g },
          }
        : { rows: p.slice.rows, received: p.slice.from + n };
      return Promise.resolve([{ ...p, variables: [], result }]);
    };
    const reply = await sendDataset(wrong, dataset, undefined, (sent, checksums) => {
      expected = { dataset: sent, checksums };
    });
    assert.ok(expected !== null);
    const { dataset: told, checksums } = expected as {
      dataset: Dataset;
      checksums: Record<string, string>;
    };
    const x = told.variables[0]!.values;
    assert.deepEqual(x.slice(0, 3), [0, 0.25, 0.5], 'the model gets JSON values');
    const bin = new Float64Array(200_000).map((_, i) => i / 4);
    assert.equal(checksums.x, checksumHex(zlib.crc32(new Uint8Array(bin.buffer))));
    const refusal = reply[0];
    assert.ok(refusal !== undefined && isErrorObject(refusal));
    assert.equal(refusal.code, 'checksum_mismatch');
    assert.match(refusal.message, /for x:/);
  });

  it('stops at the first part the server refuses', async () => {
    const rows = Array.from({ length: 400_000 }, (_, i) => `${i},${i / 3},${i * 7}`);
    const text = ['a,b,c', ...rows].join('\n');
    let calls = 0;
    const refusing = (objects: PanthrObject[]): Promise<Reply[]> => {
      calls += 1;
      const name = objects[0]?.name ?? null;
      return Promise.resolve([{ type: 'error', name, code: 'too_large', message: 'no' }]);
    };
    const reply = await sendCsv(refusing, 'big', text);
    assert.ok(text.length > SINGLE_MESSAGE_BYTES);
    assert.equal(calls, 1);
    const refusal = reply[0];
    assert.ok(refusal !== undefined && isErrorObject(refusal));
    assert.equal(refusal.code, 'too_large');
  });
});

describe('client: binary values from the server', () => {
  it('turns ArrayBuffers and typed arrays under values into JSON values, nothing else', () => {
    const f = new Float64Array([1.5, NaN, Infinity, -Infinity]);
    const payload = {
      seq: 1,
      objects: [
        { type: 'dataset', name: 'd', variables: [{ name: 'x', values: f.buffer }] },
        { type: 'vector', name: 'v', values: new Uint8Array(f.buffer) },
        { type: 'report', name: 'r', result: { rows: [[1, 'a']] } },
      ],
    };
    const out = jsonValues(payload);
    const want = [1.5, null, 'Inf', '-Inf'];
    assert.deepEqual(out.objects[0]?.variables?.[0]?.values, want);
    assert.deepEqual(out.objects[1]?.values, want);
    assert.equal(out.objects[2], payload.objects[2]);
    assert.deepEqual(BINARY_VALUES_AUTH, { binaryValues: true });
  });
});
