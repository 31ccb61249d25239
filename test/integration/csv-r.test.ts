/**
 * The CSV tokenizer and type inference (converters/csv*.ts) against R's own `read.csv` on
 * random files where the two mean the same: quoted text cells holding separators, quotes
 * and newlines; numbers as JavaScript and R write them, with a decimal point or comma;
 * empty cells; `,` `;` or tab; LF or CRLF. The text reaches R as an assigned string and
 * R's code is fixed.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonValues, parseCsv } from '../../converters/index.ts';
import type { RConnection } from '../../r/qap1/index.ts';
import { isNA, rString, type RValue } from '../../r/qap1/sexp.ts';
import { startPanthrR, type PanthrR } from '../fixtures/compute/panthr-r.ts';

const READ_CSV =
  'local({ d <- utils::read.csv(text = .csv_text, sep = .csv_sep, dec = .csv_dec, ' +
  'na.strings = c("NA", ""), stringsAsFactors = FALSE, check.names = FALSE, encoding = "UTF-8"); ' +
  'lapply(d, function(x) if (is.character(x)) x else as.double(x)) })';

type Cell = string | number | null;

/** R's columns as JSON-like arrays (NA as null). */
function columnsOf(v: RValue): Cell[][] {
  assert.equal(v.kind, 'list');
  if (v.kind !== 'list') return [];
  return v.values.map((col) => {
    if (col.kind === 'string') return [...col.values];
    assert.equal(col.kind, 'double');
    if (col.kind !== 'double') return [];
    return [...col.values].map((x, i) => (isNA(col.values, i) ? null : x));
  });
}

async function readInR(conn: RConnection, text: string, sep: string, dec: string) {
  await conn.assign('.csv_text', rString([text]));
  await conn.assign('.csv_sep', rString([sep]));
  await conn.assign('.csv_dec', rString([dec]));
  return columnsOf(await conn.eval(READ_CSV));
}

/** A column: numbers (some missing) or quoted text (some missing), as cells and values. */
function columnArb(rows: number, sep: string, dec: string) {
  const number = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.integer({ min: -99999, max: 99999 }).map((k) => k / 1000),
  );
  const numbers = fc
    .array(fc.option(number, { freq: 6 }), { minLength: rows, maxLength: rows })
    .map((xs) =>
      xs.map((x) => {
        const written = x === null ? '' : Object.is(x, -0) ? '0' : String(x);
        return { cell: dec === ',' ? written.replace('.', ',') : written, value: x };
      }),
    );
  const chars = fc.constantFrom('a', 'b', 'Z', ' ', ',', ';', '\t', '"', '\n', '1', '.', 'é');
  const text = fc
    .array(fc.option(fc.string({ unit: chars, maxLength: 6 }), { freq: 6 }), {
      minLength: rows,
      maxLength: rows,
    })
    .map((xs) =>
      xs.map((s) =>
        s === null
          ? { cell: '', value: null }
          : { cell: `"s${s.replaceAll('"', '""')}"`, value: `s${s}` },
      ),
    );
  void sep;
  return fc.oneof(numbers, text);
}

describe('csv: the tokenizer agrees with R read.csv (property)', function () {
  this.timeout(300_000);
  let r: PanthrR;
  let conn: RConnection;

  before(async () => {
    r = await startPanthrR();
    conn = await r.connect();
  });
  after(async () => r?.stop());

  it('reads random quoted and separated files as read.csv does', async () => {
    const options = fc
      .record({
        sep: fc.constantFrom(',', ';', '\t'),
        eol: fc.constantFrom('\n', '\r\n'),
        rows: fc.integer({ min: 1, max: 12 }),
        ncol: fc.integer({ min: 1, max: 4 }),
        comma: fc.boolean(),
      })
      .chain((o) => {
        const dec = o.comma && o.sep !== ',' ? ',' : '.';
        return fc.record({
          o: fc.constant({ ...o, dec }),
          columns: fc.array(columnArb(o.rows, o.sep, dec), {
            minLength: o.ncol,
            maxLength: o.ncol,
          }),
          finalEol: fc.boolean(),
        });
      });
    await fc.assert(
      fc.asyncProperty(options, async ({ o, columns, finalEol }) => {
        const header = columns.map((_, k) => `c${k + 1}`).join(o.sep);
        const lines = Array.from({ length: o.rows }, (_, i) =>
          columns.map((c) => c[i]?.cell ?? '').join(o.sep),
        );
        // A one-column row with an empty cell is a blank line, which read.csv skips.
        fc.pre(o.ncol > 1 || lines.every((l) => l !== ''));
        const text = [header, ...lines].join(o.eol) + (finalEol ? o.eol : '');
        const ours = parseCsv(text, { separator: o.sep, decimal: o.dec });
        assert.ok(ours.ok, ours.ok ? '' : ours.message);
        const theirs = await readInR(conn, text, o.sep, o.dec);
        const got = ours.dataset.variables.map((v) => [...jsonValues(v.values)]);
        assert.deepEqual(got, theirs, JSON.stringify(text));
      }),
      { numRuns: 250, seed: 16 },
    );
  });
});
