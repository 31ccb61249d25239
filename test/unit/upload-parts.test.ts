/**
 * Splitting uploads into parts (converters/upload-parts.ts) and the browser client's CSV
 * sending (client/src/upload.ts): a small file is one `read`; a large one is parsed with
 * the server's CSV rules and goes up in parts that, put together, are that dataset.
 */
import assert from 'node:assert/strict';
import { parseCsv } from '../../converters/csv.ts';
import { SINGLE_MESSAGE_BYTES, uploadParts, variableBytes } from '../../converters/upload-parts.ts';
import type { PanthrVector } from '../../converters/schema/vector.schema.ts';
import { sendCsv } from '../../client/src/upload.ts';
import { BINARY_VALUES_AUTH, jsonValues } from '../../client/src/binary.ts';
import { isErrorObject, type PanthrObject, type Reply } from '../../client/src/types.ts';

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

describe('upload parts', () => {
  it('keeps a small dataset whole and cuts a large one between variables, in order', () => {
    const small = { type: 'dataset' as const, name: 'd', variables: [scalar('x', [1, 2])] };
    assert.deepEqual(uploadParts(small), [small]);
    const vars = ['a', 'b', 'c', 'd', 'e'].map((n) => scalar(n, new Float64Array(1000)));
    assert.ok(variableBytes(vars[0] as PanthrVector) >= 8000);
    const parts = uploadParts({ type: 'dataset', name: 'big', variables: vars }, 17_000);
    assert.deepEqual(
      parts.map((p) => [p.append ?? false, p.variables.map((v) => v.name)]),
      [
        [false, ['a', 'b']],
        [true, ['c', 'd']],
        [true, ['e']],
      ],
    );
    assert.ok(parts.every((p) => p.type === 'dataset' && p.name === 'big'));
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
  // Only an error object in a reply stops an upload: an empty reply lets it go on.
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
    const vars = sent.flatMap((m) => partOf(m).variables);
    assert.deepEqual(
      vars.map((v) => v.name),
      expected.dataset.variables.map((v) => v.name),
    );
    for (const [i, v] of vars.entries()) {
      const want = expected.dataset.variables[i] as PanthrVector;
      // Either side may hold a long scalar column in binary form (converters/csv.ts).
      const plain = (values: PanthrVector['values']) =>
        values instanceof Float64Array
          ? Array.from(values, (x) => (Number.isNaN(x) ? null : x))
          : values;
      assert.deepEqual(plain(v.values), plain(want.values), v.name);
      if (v.variableType === 'scalar') assert.ok(v.values instanceof Float64Array, v.name);
    }
    assert.equal(partOf(sent[0]).append, undefined);
    assert.ok(sent.slice(1).every((m) => partOf(m).append === true));
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
