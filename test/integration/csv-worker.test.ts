/**
 * `read` of a large CSV (server/compute/csv.parser.ts): files of WORKER_MIN_BYTES or more
 * are decoded and parsed in a worker thread, with the same dataset and the same errors as
 * in place, and the event loop stays free meanwhile (other users are not stalled).
 */
import assert from 'node:assert/strict';
import {
  jsonValues,
  parseCsv,
  type PanthrDataset,
  type PanthrVector,
} from '../../converters/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { WORKER_MIN_BYTES } from '../../server/compute/csv.parser.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';
import { errorOf, resultOf } from '../fixtures/compute/run.ts';

/** A CSV of `rows` rows: numbers, text (some non-ASCII, quoted), logical, date, NaN, gaps. */
function bigCsv(rows: number): string {
  const groups = ['north', 'süd', '"east, far"', 'west', ''];
  const lines = ['id,x,group,flag,day,y'];
  for (let i = 0; i < rows; i++) {
    const x = i % 97 === 0 ? '' : ((i * 7919) % 100_003) / 1000 - 50;
    const y = i === 5 ? 'NaN' : i % 11 === 0 ? 'NA' : `${i / 8}`;
    const day = `2024-01-${String((i % 28) + 1).padStart(2, '0')}`;
    lines.push(`${i + 1},${x},${groups[i % 5]},${i % 3 === 0 ? 'TRUE' : 'false'},${day},${y}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

function values(d: PanthrDataset): [string, string, unknown[]][] {
  return d.variables.map((v: PanthrVector) => [v.name, v.variableType, [...jsonValues(v.values)]]);
}

describe('csv: large files are parsed in a worker thread', function () {
  this.timeout(300_000);
  let r: PanthrR;
  let rt: WorkspaceRuntime;

  before(async () => {
    r = await startPanthrR();
    rt = await r.runtime({ computeTimeoutMs: 300_000 });
  });
  after(async () => r?.stop());

  it('gives the dataset the in-place parse gives, from bytes and from text', async () => {
    const text = bigCsv(60_000);
    const bytes = Buffer.from(text, 'utf8');
    assert.ok(bytes.length >= WORKER_MIN_BYTES, `${bytes.length} bytes is not large`);
    const inPlace = parseCsv(text, { name: 'big' });
    assert.ok(inPlace.ok);
    const want = values(inPlace.dataset);
    for (const input of [{ data: bytes }, { text }]) {
      const res = await resultOf(rt, {
        type: 'command',
        name: 'big',
        command: 'read',
        format: 'csv',
        ...input,
      });
      const d = res['dataset'] as PanthrDataset;
      assert.deepEqual(values(d), want);
      const group = d.variables.find((v) => v.name === 'group');
      assert.deepEqual(group?.labels, ['east, far', 'north', 'süd', 'west']);
    }
    assert.equal(want[5]?.[2][5], 'NaN', 'a NaN cell stays NaN, not missing');
  });

  it('answers the same errors as in place: the bad line, an unknown encoding, max_data', async () => {
    const bad = `${bigCsv(60_000)}1,2,3\r\n`;
    const e1 = await errorOf(rt, {
      type: 'command',
      name: 'bad',
      command: 'read',
      format: 'csv',
      text: bad,
    });
    assert.equal(e1.code, 'invalid_object');
    assert.match(e1.message, /line 60002 has 3 fields where the header has 6/);
    const data = Buffer.from(bigCsv(60_000));
    const e2 = await errorOf(rt, {
      type: 'command',
      name: 'enc',
      command: 'read',
      format: 'csv',
      data,
      encoding: 'no-such',
    });
    assert.deepEqual(e2, { code: 'invalid_object', message: 'unknown encoding "no-such"' });
    const small = await r.runtime({ maxData: 6 * 1000 });
    const e3 = await errorOf(small, {
      type: 'command',
      name: 'big',
      command: 'read',
      format: 'csv',
      data,
    });
    assert.equal(e3.code, 'too_large');
  });

  it('keeps the event loop free while it parses', async () => {
    const text = bigCsv(400_000);
    const data = Buffer.from(text);
    let t0 = performance.now();
    assert.ok(parseCsv(text).ok);
    const inPlace = performance.now() - t0;
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    t0 = performance.now();
    let reply: unknown;
    try {
      // Not through resultOf or runRaw: their assertion messages (JSON dumps of the object,
      // bytes and all) are built before the assertion and would hold the loop themselves.
      const v = rt.validate({
        type: 'command',
        name: 'free',
        command: 'read',
        format: 'csv',
        data,
      });
      if (!v.ok) throw new Error(v.message);
      const out = await rt.run(v.object);
      reply = out.reply[0]?.type;
    } finally {
      clearInterval(timer);
    }
    assert.equal(reply, 'command');
    const total = performance.now() - t0;
    assert.ok(
      longest < inPlace / 3,
      `the event loop was held ${longest.toFixed(0)} ms at once (parse in place: ${inPlace.toFixed(0)} ms; read: ${total.toFixed(0)} ms)`,
    );
  });
});
