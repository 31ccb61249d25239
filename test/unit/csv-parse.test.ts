import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  csvColumnNames,
  isoSeconds,
  parseCsv,
  validateObject,
  type PanthrDataset,
} from '../../converters/index.ts';

function ok(text: string, maxCells?: number): PanthrDataset {
  const r = parseCsv(text, { name: 'd', maxCells });
  assert.ok(r.ok, r.ok ? '' : `${r.message} (line ${r.line})`);
  assert.ok(validateObject(r.dataset).ok, 'the dataset passes the schema');
  return r.dataset;
}
const columns = (d: PanthrDataset) => d.variables.map((v) => [v.name, v.variableType, v.values]);

describe('csv: parsing', () => {
  it('reads RFC 4180 fields: quotes, commas, newlines, CRLF, BOM', () => {
    const d = ok('\uFEFFname,text\r\n"Smith, J","say ""hi""\r\nnext"\r\nplain,\r\n');
    assert.deepEqual(columns(d), [
      ['name', 'nominal', ['Smith, J', 'plain']],
      ['text', 'nominal', ['say "hi"\r\nnext', null]],
    ]);
  });

  it('infers column types', () => {
    const d = ok(
      'n,b,t,s,e,mixed\n' +
        '1,true,2024-01-02,a,,1\n' +
        '-2.5e3,FALSE,2024-01-02T03:04:05Z,NA,,true\n' +
        ' 3 ,NA,2024-01-02 03:04:05.5+01:00,,,x\n' +
        'NA,false,,b,,\n',
    );
    assert.deepEqual(columns(d), [
      ['n', 'scalar', [1, -2500, 3, null]],
      ['b', 'logical', [true, false, null, false]],
      ['t', 'datetime', [1704153600, 1704164645, 1704161045.5, null]],
      // `NA` is missing in a text column too, as read.csv reads it.
      ['s', 'nominal', ['a', null, null, 'b']],
      ['e', 'scalar', [null, null, null, null]],
      ['mixed', 'nominal', ['1', 'true', 'x', null]],
    ]);
  });

  it('keeps Inf and NaN in numeric columns as their strings', () => {
    assert.deepEqual(columns(ok('x\n1\nInf\n-Inf\nNaN\n')), [
      ['x', 'scalar', [1, 'Inf', '-Inf', 'NaN']],
    ]);
  });

  it('handles a header only, no final newline, LF, CR and blank lines', () => {
    assert.deepEqual(columns(ok('a,b')), [
      ['a', 'scalar', []],
      ['b', 'scalar', []],
    ]);
    assert.deepEqual(columns(ok('a,b\n1,2')), [
      ['a', 'scalar', [1]],
      ['b', 'scalar', [2]],
    ]);
    assert.deepEqual(columns(ok('a,b\r1,2\r3,4\r')), [
      ['a', 'scalar', [1, 3]],
      ['b', 'scalar', [2, 4]],
    ]);
    assert.deepEqual(columns(ok('a,b\n1,2\n\n3,4\n\n')), [
      ['a', 'scalar', [1, 3]],
      ['b', 'scalar', [2, 4]],
    ]);
    assert.deepEqual(columns(ok('a\n1\n\n2\n')), [['a', 'scalar', [1, null, 2]]]);
  });

  it('makes header names valid and unique', () => {
    assert.deepEqual(csvColumnNames(['a', 'a', '', ' x y ', '1st', 'é', 'a_2', '_', 'A.b']), [
      'a',
      'a_2',
      'V3',
      'x_y',
      'V1st',
      'V6',
      'a_2_2',
      'V8',
      'A.b',
    ]);
    const long = 'x'.repeat(80);
    const names = csvColumnNames([long, long]);
    assert.deepEqual(
      names.map((n) => n.length),
      [64, 64],
    );
    assert.notEqual(names[0], names[1]);
    assert.ok(names[1]?.endsWith('_2'));
  });

  it('parses ISO dates strictly', () => {
    assert.equal(isoSeconds('1970-01-01'), 0);
    assert.equal(isoSeconds('2000-02-29T00:00:01Z'), 951782401);
    assert.equal(isoSeconds('2024-01-01T01:00:00+01:00'), 1704067200);
    assert.equal(isoSeconds('2024-01-01T00:00-0130'), 1704067200 + 5400);
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-01-01T24:00',
      '2024-1-1',
      '01/02/2024',
      '2024-01-01T10:61',
    ]) {
      assert.equal(isoSeconds(bad), null, bad);
    }
  });
});

describe('csv: errors name the line', () => {
  const table: [string, RegExp, number][] = [
    ['a,b\n1,2\n3\n', /line 3 has 1 fields where the header has 2/, 3],
    ['a,b\n"multi\nline",2\n1,2,3\n', /line 4 has 3 fields/, 4],
    ['a\n"open\n\n', /quoted field is not closed/, 2],
    ['a\nab"c\n', /quote inside a field/, 2],
    ['a\n"ab"c\n', /closing quote is followed/, 2],
    ['', /no header row/, 1],
  ];
  for (const [text, message, line] of table) {
    it(JSON.stringify(text), () => {
      const r = parseCsv(text);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.code, 'invalid_object');
      assert.match(r.message, message);
      assert.equal(r.line, line);
    });
  }

  it('stops at maxCells with too_large', () => {
    const text = 'a,b\n' + '1,2\n'.repeat(100);
    assert.ok(parseCsv(text, { maxCells: 200 }).ok);
    const r = parseCsv(text, { maxCells: 199 });
    assert.ok(!r.ok && r.code === 'too_large' && r.line === 101);
  });

  it('refuses an oversized cell, quoted or not, with too_large (a size limit, docs/api.md)', () => {
    for (const cell of ['x'.repeat(70_000), `"${'x'.repeat(70_000)}"`]) {
      const r = parseCsv(`a\n1\n${cell}\n`);
      assert.ok(!r.ok && /longer than/.test(r.message) && r.code === 'too_large' && r.line === 3);
    }
    const broken = parseCsv('a\n"x"y\n');
    assert.ok(!broken.ok && broken.code === 'invalid_object');
  });
});

describe('csv: property', () => {
  const cell = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.constantFrom(',', '"', '\n', '\r\n', ' , ', '""'),
  );
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  it('reads back any table written with quoted cells', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 6 }),
        fc.infiniteStream(cell),
        (ncol, nrow, cells) => {
          const rows = Array.from({ length: nrow }, () =>
            Array.from({ length: ncol }, () => `s${cells.next().value as string}`),
          );
          const header = Array.from({ length: ncol }, (_, i) => `c${i}`);
          const text = [header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n');
          const d = ok(text);
          assert.deepEqual(
            d.variables.map((v) => v.values),
            header.map((_, j) => rows.map((r) => r[j])),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
