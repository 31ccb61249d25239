/**
 * The shared CSV tokenizer (converters/csv-tokenize.ts) and the in-place number parser
 * (converters/csv-number.ts): numbers equal `Number()` of the cell (correctly rounded) and
 * follow the grammar exactly; the client's preview reports what `read` reports.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { previewCsv } from '../../client/src/csv.ts';
import { parseNumber } from '../../converters/csv-number.ts';
import { cellText, eachCsvRecord } from '../../converters/csv-tokenize.ts';
import { parseCsv } from '../../converters/index.ts';

const GRAMMAR = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

describe('csv: numbers read where they stand', () => {
  it('equals Number() on any decimal number, and refuses what the grammar refuses', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 22 });
    const written = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc
        .tuple(
          fc.constantFrom('', '+', '-'),
          digits,
          fc.constantFrom('', '.'),
          digits,
          fc.constantFrom('', 'e', 'E-', 'e+'),
          fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 4 }),
        )
        .map((parts) => parts.join('')),
      fc.string({ unit: fc.constantFrom(...'0123456789.,eE+- x'), maxLength: 8 }),
    );
    fc.assert(
      fc.property(written, fc.constantFrom('', ' ', ';'), (s, after) => {
        // The cell sits in a longer text: the parser must not read past its end.
        const text = `${s}${after}9`;
        const got = parseNumber(text, 0, s.length);
        if (!GRAMMAR.test(s)) assert.equal(got, undefined, s);
        else assert.ok(Object.is(got, Number(s)), `${s}: ${got} != ${Number(s)}`);
        if (!GRAMMAR.test(s)) return;
        // With the decimal comma the same number is read from its comma form.
        const comma = s.replace('.', ',');
        const withComma = parseNumber(`${comma}${after}9`, 0, comma.length, 44);
        assert.ok(Object.is(withComma, Number(s)), `${comma} (decimal comma)`);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the hard cases exactly', () => {
    for (const s of [
      '9007199254740993',
      '0.1',
      '1e23',
      '2.2250738585072011e-308',
      '5e-324',
      '1e400',
      '-0',
      '123456789012345678901234567890',
      '0.30000000000000004',
    ])
      assert.ok(Object.is(parseNumber(s, 0, s.length), Number(s)), s);
  });

  it('rounds 16- to 19-digit numbers exactly, at and beside the midpoints between doubles', () => {
    // Exact midpoints between neighbouring doubles (and one unit either side), written with
    // 16 to 20 digits: where double-double arithmetic alone could round the wrong way.
    const cells: string[] = [];
    fc.assert(
      fc.property(
        fc.integer({ min: 53, max: 63 }),
        fc.bigInt({ min: 0n, max: 2n ** 52n - 1n }),
        fc.integer({ min: 0, max: 7 }),
        (e, m, k) => {
          const ulp = 2n ** BigInt(e - 52);
          const mid = 2n ** BigInt(e) + m * ulp + ulp / 2n;
          for (const d of [-1n, 0n, 1n]) {
            const v = (mid + d).toString();
            cells.push(v, `${v.slice(0, 5)}.${v.slice(5)}`, `0.${v}`, `${v}e-${k}`);
          }
          // A double's midpoint below 1e4 with k binary fraction digits, in decimal.
          const odd = (m * 2n + 1n) * 5n ** BigInt(k);
          const t = odd.toString();
          if (t.length > k) cells.push(`${t.slice(0, t.length - k)}.${t.slice(t.length - k)}`);
        },
      ),
      { numRuns: 20_000 },
    );
    for (const s of cells) assert.ok(Object.is(parseNumber(s, 0, s.length), Number(s)), s);
  });
});

describe('csv: one tokenizer', () => {
  it('gives fields as offsets; a quoted field with "" is unescaped only when asked', () => {
    const text = 'a,"b ""q""",c\r\n"x\ny",,z';
    const rows: string[][] = [];
    const lines: number[] = [];
    eachCsvRecord(text, ',', (r) => {
      lines.push(r.line);
      rows.push(
        Array.from({ length: r.count }, (_, k) => cellText(text, r.starts[k] ?? 0, r.ends[k] ?? 0)),
      );
    });
    assert.deepEqual(rows, [
      ['a', 'b "q"', 'c'],
      ['x\ny', '', 'z'],
    ]);
    assert.deepEqual(lines, [1, 2]);
  });

  it("makes the client's preview report read's own syntax errors, at the same line", () => {
    for (const text of [
      'a,b\n1,2\n3,x"y\n',
      'a\n"open\n\n',
      'a\n"ab"c\n',
      `a\n${'x'.repeat(70_000)}\n`,
    ]) {
      const server = parseCsv(text);
      assert.ok(!server.ok);
      const preview = previewCsv(text);
      assert.equal(preview.problem, `Line ${server.line}: ${server.message}.`, text.slice(0, 20));
    }
  });
});
