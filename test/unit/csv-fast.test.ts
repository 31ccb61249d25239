/**
 * The fast CSV path (server/compute/csv.fast.ts) against the general one
 * (converters/csv.ts): whenever it answers, its dataset equals the general parse of the same
 * text, value for value (binary values bit for bit); it answers for the usual clean file and
 * declines what it is not for (quotes, blank lines, a lone CR, a bad record, a column that
 * turns to text late), leaving those, and their errors, to the general parse.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCsv, type CsvOptions, type PanthrDataset } from '../../converters/index.ts';
import { unpackDataset } from '../../server/compute/csv.decode.ts';
import { csvLayout, parseCsvBytes } from '../../server/compute/csv.fast.ts';
import {
  readInPieces,
  readPiece,
  type PieceAnswer,
  type PieceJob,
} from '../../server/compute/csv.pieces.ts';

/** The fast path's dataset, unpacked as the main thread does; null when it declined. */
function fast(text: string, opts: CsvOptions = {}): PanthrDataset | null {
  const packed = parseCsvBytes(Buffer.from(text, 'latin1'), opts, []);
  return packed === null ? null : unpackDataset(packed);
}

/** Values compared as stored: binary values bit for bit, NaN equal to NaN. */
function comparable(d: PanthrDataset): unknown {
  return {
    ...d,
    variables: d.variables.map((v) => ({
      ...v,
      values: Array.from(v.values as ArrayLike<unknown>, (x) =>
        typeof x === 'number' ? (Object.is(x, -0) ? '-0' : Number.isNaN(x) ? 'NaN' : x) : x,
      ),
      binary: v.values instanceof Float64Array,
    })),
  };
}

/** A helper thread's side, the job and its answer cloned as postMessage clones them. */
function asHelper(job: PieceJob, transfer: ArrayBuffer[]): Promise<PieceAnswer> {
  const t: ArrayBuffer[] = [];
  const answer = readPiece(structuredClone(job, { transfer }), t);
  return Promise.resolve(structuredClone(answer, { transfer: t }));
}

/**
 * The fast path reading in two pieces, the later one as the helper thread does; what reads
 * the file instead when the pieces do not.
 */
async function inPieces(
  text: string,
  opts: CsvOptions = {},
  helper = asHelper,
): Promise<PanthrDataset | 'one pass' | 'general'> {
  const layout = csvLayout(Buffer.from(text, 'latin1'), opts);
  if (layout === null) return 'general';
  const out = await readInPieces(layout, [], helper);
  return typeof out === 'string' ? out : unpackDataset(out);
}

function parseCsvOk(text: string): PanthrDataset {
  const g = parseCsv(text, {});
  assert.ok(g.ok);
  return g.dataset;
}

function sameAsGeneral(
  text: string,
  opts: CsvOptions = {},
  f: PanthrDataset | string | null = fast(text, opts),
): boolean {
  const g = parseCsv(text, opts);
  if (f === null || typeof f === 'string') return false;
  assert.ok(g.ok, `the fast path read what the general one refuses: ${JSON.stringify(g)}`);
  assert.deepEqual(comparable(f), comparable(g.dataset), JSON.stringify(text.slice(0, 400)));
  return true;
}

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: n });
const cell = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.tuple(fc.constantFrom('', '-'), digits(10), digits(12)).map(([s, a, b]) => `${s}${a}.${b}`),
  fc.tuple(digits(20), fc.constantFrom('', '.', '.5', 'e3', 'E-2')).map(([a, b]) => `${a}${b}`),
  fc.constantFrom('', 'NA', ' 12 ', '-99', 'Inf', '-Inf', 'NaN', 'TRUE', 'false', 'x', 'a b'),
  fc.constantFrom('2024-01-31', '2024-02-30', '2021-03-04T05:06:07Z', '.5', '5.', '+3', '1e400'),
  fc.string({ unit: fc.constantFrom(...'abc 019.-,;'), maxLength: 6 }),
);

describe('csv: the fast path from bytes', () => {
  it('gives what the general parse gives, whenever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 30 }),
        fc.constantFrom(',', ';', '\t', '-', '|'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.constantFrom<CsvOptions['na']>(undefined, ['-99'], ['x', '']),
        (ncol, rows, sep, eol, trailing, na) => {
          const decimal: '.' | ',' = sep === ';' ? ',' : '.';
          const lines = [Array.from({ length: ncol }, (_, k) => `v${k}`).join(sep)];
          for (const r of rows) {
            // Cells holding the separator would make other records: the test keeps the shape.
            lines.push(
              r
                .slice(0, ncol)
                .map((c) => c.replaceAll(sep, ''))
                .join(sep),
            );
          }
          const text = lines.join(eol) + (trailing ? eol : '');
          if (sameAsGeneral(text, { decimal, na, name: 'd' })) answered++;
        },
      ),
      { numRuns: 3000 },
    );
    // Most generated files are clean: the fast path must take a good share of them.
    assert.ok(answered > 300, `the fast path answered only ${answered} of 3000`);
  });

  it('gives the same in two pieces as in one pass, whenever the pieces answer', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 2, maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.constantFrom<CsvOptions['na']>(undefined, ['-99'], ['x', '']),
        async (ncol, rows, eol, trailing, na) => {
          const lines = [Array.from({ length: ncol }, (_, k) => `v${k}`).join(',')];
          for (const r of rows)
            lines.push(
              r
                .slice(0, ncol)
                .map((c) => c.replaceAll(',', ''))
                .join(','),
            );
          const text = lines.join(eol) + (trailing ? eol : '');
          const opts = { na, name: 'd' };
          const pieces = await inPieces(text, opts);
          if (typeof pieces !== 'string') {
            assert.ok(sameAsGeneral(text, opts, pieces));
            answered++;
          }
          // Left to the general parse: one pass declines it too.
          if (pieces === 'general') assert.equal(fast(text, opts), null);
        },
      ),
      { numRuns: 2000 },
    );
    assert.ok(answered > 200, `the pieces answered only ${answered} of 2000`);
  });

  it('joins pieces: text codes, NaN cells, empty cells at the cut; declines disagreement', async () => {
    const rows = (n: number, row: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => row(i)).join('\n');
    const half = (i: number, n: number) => i >= n / 2;
    const n = 400;
    // Text from the first row on, with strings new in the later piece; NaN and Inf cells in
    // the later piece; a column empty in the first piece and numbers in the later one.
    const joinable = `id,g,x,e\n${rows(n, (i) => `${i},${half(i, n) ? `g${i % 7}` : `g${i % 3}`},${i === 350 ? 'NaN' : i === 351 ? '-Inf' : i / 3},${half(i, n) ? i : ''}`)}\n`;
    const p = await inPieces(joinable);
    assert.ok(sameAsGeneral(joinable, {}, p));
    assert.ok(typeof p !== 'string' && (p.variables[2]?.values as unknown[])[350] === 'NaN');
    // A text column whose later piece starts with empty and NA cells, then numbers: text
    // from the file's first record on, as one pass reads it.
    const textLate = `a,b\n${rows(n, (i) => `${i},${i === 0 ? 'x' : i >= n / 2 - 40 && i < n / 2 + 40 ? ['', 'NA'][i % 2] : i}`)}\n`;
    assert.ok(sameAsGeneral(textLate, {}, await inPieces(textLate)));
    // A number column that turns to text, or to logical, late in the later piece: one pass
    // decides (and declines it in turn: the general parse reads it).
    const tail = (i: number) => i >= n * 0.9;
    for (const late of [
      `a,b\n${rows(n, (i) => `${i},${tail(i) ? 'x' : i}`)}\n`,
      `a,b\n${rows(n, (i) => `${i},${tail(i) ? 'TRUE' : i}`)}\n`,
    ]) {
      assert.equal(await inPieces(late), 'one pass');
      assert.deepEqual(comparable(fast(late) ?? parseCsvOk(late)), comparable(parseCsvOk(late)));
    }
    // Numbers in the first piece, text from the later piece's first row on: the pieces
    // disagree (one pass would make the column text at a later row, and decline).
    const numbers = `a,b\n${rows(n, (i) => `${i},${i}`)}\n`;
    const cutRow =
      numbers.slice(0, numbers.indexOf('\n', (numbers.length + 4) / 2)).split('\n').length - 1;
    const atCut = `a,b\n${rows(n, (i) => `${i},${i >= cutRow ? 'x'.repeat(String(i).length) : i}`)}\n`;
    assert.equal(await inPieces(atCut), 'one pass');
    assert.equal(fast(atCut), null);
    // A file without a line end after its middle is not cut.
    assert.equal(await inPieces(`a,b\n1,2\n${'3'.repeat(500)},4`), 'one pass');
  });

  it('leaves a file to the general parse when its first piece is not for the fast path', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => (i === 10 ? `${i}` : `${i},${i}`));
    // A short record early: one pass declines it, so the general parse reads it at once.
    assert.equal(await inPieces(`a,b\n${rows.join('\n')}\n`), 'general');
  });

  it('rejects when the helper thread fails (the worker then reads in one pass)', async () => {
    const text = `a,b\n${Array.from({ length: 300 }, (_, i) => `${i},${i}`).join('\n')}\n`;
    const dead = () => Promise.reject(new Error('the CSV helper thread exited (1)'));
    await assert.rejects(inPieces(text, {}, dead), /exited/);
  });

  it('answers for the usual large file: numbers of up to 17 digits and a text column', () => {
    const lines = ['id,a,b,group'];
    for (let i = 0; i < 5000; i++)
      lines.push(
        `${i + 1},${Math.sin(i) * 100},${(i * 0.37).toFixed(2)},${['n', 's', 'e'][i % 3]}`,
      );
    assert.ok(sameAsGeneral(`${lines.join('\n')}\n`));
    assert.ok(sameAsGeneral(`${lines.join('\r\n')}\r\n`));
  });

  it('reads a text column by its bytes: many distinct cells alike at their ends, NA, empty', async () => {
    // Cells of one length with the same first and last byte share a key in the lookup by
    // bytes; more of them than a key holds are found by their text.
    const cells = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(3, '0')}k`);
    const pick = (i: number) =>
      i % 11 === 0 ? 'NA' : i % 13 === 0 ? '' : (cells[(i * 7) % cells.length] as string);
    for (const eol of ['\n', '\r\n']) {
      const text = `g,x,h${eol}${Array.from({ length: 600 }, (_, i) => `${pick(i + 1)},${i / 7},${pick(i + 3).slice(0, 2)}`).join(eol)}${eol}`;
      assert.ok(sameAsGeneral(text, {}));
      assert.ok(sameAsGeneral(text, {}, await inPieces(text)));
    }
    // Past 1,024 distinct cells a column is looked up by text: the cells seen before still
    // get their codes.
    const ids = Array.from({ length: 3000 }, (_, i) => `id${i < 1500 ? i : (i * 37) % 1500}`);
    assert.ok(sameAsGeneral(`id,x\n${ids.map((id, i) => `${id},${i}`).join('\n')}\n`));
  });

  it('reads number cells as it scans them: ends of lines and files, signs, zeros, digits', () => {
    const numbers = [
      '0',
      '-0',
      '000.000',
      '-007.50',
      '0.0000000000000000000001',
      '0.00000000000000000000001',
      '123456789012345678',
      '1234567890123456789',
      '12345678901234567890',
      '9007199254740993',
      '0.1000000000000000055511151231257827',
      '4.35',
      '-1.7976931348623157',
    ];
    for (const eol of ['\n', '\r\n'])
      for (const end of ['', eol]) {
        const text = `a,b${eol}${numbers.map((x, i) => `${x},${numbers[numbers.length - 1 - i]}`).join(eol)}${end}`;
        assert.ok(sameAsGeneral(text, {}));
      }
    // A separator that can be part of a number (the decimal mark, a minus sign): only the
    // record's fields tell them apart, so an empty field before a negative number is a field.
    for (const [text, opts] of [
      ['a,b\n1,5\n2,25\n', { separator: ',', decimal: ',' }],
      ['a-b-c\n1--5-6\n2-3-4\n', { separator: '-' }],
      ['a-b-c\n-5-6\n1-2-3\n', { separator: '-' }],
      ['a-b\n1-2\n-3-4\n3--4\n', { separator: '-' }],
    ] as const) {
      const g = parseCsv(text, opts);
      const f = fast(text, opts);
      if (g.ok && f !== null) assert.deepEqual(comparable(f), comparable(g.dataset), text);
      else assert.equal(f, null, text);
    }
  });

  it('declines quotes, blank lines, a lone CR, a bad record, a late text column, the limits', () => {
    for (const text of [
      'a,b\n1,"2"\n',
      'a,b\n1,2\n\n3,4\n',
      'a,b\r1,2\r',
      'a,b\n1,2\r3,4\n',
      'a,b\n1,2\n3\n',
      'a,b\n1,2,3\n',
      'a,b\n1,2\nx,3\n',
      'a,b\n1,2\u0000\n',
      'a,b\n1,é\n',
    ])
      assert.equal(fast(text), null, JSON.stringify(text));
    assert.equal(fast('a,b\n1,2\n3,4\n', { maxCells: 3 }), null);
    // A column that is text from its first row is read as codes, not declined.
    assert.ok(sameAsGeneral('a,b\nx,1\ny,2\nx,NA\n,3\n'));
  });
});
