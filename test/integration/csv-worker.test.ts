/**
 * `read` of a large CSV (server/compute/csv.parser.ts): files of WORKER_MIN_BYTES or more
 * are decoded and parsed in a worker thread, with the same dataset and the same errors as
 * in place, and the event loop stays free meanwhile (other users are not stalled).
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import {
  jsonValues,
  parseCsv,
  type PanthrDataset,
  type PanthrVector,
} from '../../converters/index.ts';
import type { WorkspaceRuntime } from '../../server/compute/index.ts';
import { PIECES_MIN_BYTES } from '../../server/compute/csv.pieces.ts';
import { csvPieceReads, csvWorkerJobs, WORKER_MIN_BYTES } from '../../server/compute/csv.parser.ts';
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

/**
 * A clean CSV of `rows` rows (the fast path's file: ASCII, no quotes): numbers of up to 17
 * digits, text whose later rows bring new strings, logical, date, a NaN and an -Inf late in
 * the file, missing cells.
 */
function cleanCsv(rows: number): string {
  const lines = ['id,x,group,flag,day,y'];
  for (let i = 0; i < rows; i++) {
    const x = i % 97 === 0 ? '' : Math.sin(i) * 100;
    const group = i > rows * 0.8 ? `late${i % 3}` : ['north', 'south', 'NA', 'west', ''][i % 5];
    const y = i === rows - 7 ? 'NaN' : i === rows - 3 ? '-Inf' : i % 11 === 0 ? 'NA' : `${i / 8}`;
    const day = `2024-01-${String((i % 28) + 1).padStart(2, '0')}`;
    lines.push(`${i + 1},${x},${group},${i % 3 === 0 ? 'TRUE' : 'false'},${day},${y}`);
  }
  return `${lines.join('\n')}\n`;
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

  it('reads a large clean file in two pieces at once, as one pass reads it', async () => {
    const text = cleanCsv(120_000);
    assert.ok(text.length >= PIECES_MIN_BYTES, `${text.length} bytes is not large`);
    const inPlace = parseCsv(text, { name: 'clean' });
    assert.ok(inPlace.ok);
    const before = csvPieceReads();
    const res = await resultOf(rt, {
      type: 'command',
      name: 'clean',
      command: 'read',
      format: 'csv',
      data: Buffer.from(text),
    });
    // On one core the file is read in one pass: the same dataset either way.
    if (availableParallelism() > 1) assert.equal(csvPieceReads(), before + 1, 'read in pieces');
    const d = res['dataset'] as PanthrDataset;
    assert.deepEqual(values(d), values(inPlace.dataset));
    const y = d.variables.find((v) => v.name === 'y');
    const late = [...jsonValues(y?.values ?? [])];
    assert.deepEqual([late[120_000 - 7], late[120_000 - 3]], ['NaN', '-Inf']);
    const group = d.variables.find((v) => v.name === 'group');
    // Every string of both pieces, in R's order (the session's sort decides it).
    // (`NA` is a missing value, as read.csv reads it.)
    assert.deepEqual([...((group?.labels as string[] | undefined) ?? [])].sort(), [
      'late0',
      'late1',
      'late2',
      'north',
      'south',
      'west',
    ]);
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
    // The worker takes a request's bytes (they are moved, not copied): each request its own.
    const csv = bigCsv(60_000);
    const e2 = await errorOf(rt, {
      type: 'command',
      name: 'enc',
      command: 'read',
      format: 'csv',
      data: Buffer.from(csv),
      encoding: 'no-such',
    });
    assert.deepEqual(e2, { code: 'invalid_object', message: 'unknown encoding "no-such"' });
    const small = await r.runtime({ maxData: 6 * 1000 });
    const e3 = await errorOf(small, {
      type: 'command',
      name: 'big',
      command: 'read',
      format: 'csv',
      data: Buffer.from(csv),
    });
    assert.equal(e3.code, 'too_large');
  });

  it('parses a large file in the worker, a small one in place', async () => {
    // Whether the event loop stays free is a matter of where the parse runs; how long it is
    // held is measured by bench/upload.ts, never asserted here.
    const read = async (text: string): Promise<unknown> => {
      // Not through resultOf or runRaw: their assertion messages (JSON dumps of the object,
      // bytes and all) are built before the assertion and would take seconds here.
      const v = rt.validate({
        type: 'command',
        name: 'free',
        command: 'read',
        format: 'csv',
        data: Buffer.from(text),
      });
      if (!v.ok) throw new Error(v.message);
      return (await rt.run(v.object)).reply[0]?.type;
    };
    const before = csvWorkerJobs();
    assert.equal(await read(bigCsv(400_000)), 'command');
    assert.equal(csvWorkerJobs(), before + 1, 'the large file went to the worker');
    assert.equal(await read(bigCsv(100)), 'command');
    assert.equal(csvWorkerJobs(), before + 1, 'the small one was parsed in place');
  });
});
