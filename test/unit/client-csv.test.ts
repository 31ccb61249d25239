// The CSV preview before import (client/src/csv.ts).
import assert from 'node:assert/strict';
import { eachRecord, inferType, nameFromFile, previewCsv } from '../../client/src/csv.ts';
import { parseCsv } from '../../converters/index.ts';

describe('client CSV preview', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF and a BOM', () => {
    const text =
      '\uFEFFname,note,score\r\n"Smith, J.","said ""hi""",1.5\r\n"Lee","two\nlines",NA\r\n\r\nKim,,3\r\n';
    const p = previewCsv(text);
    assert.deepEqual(p.header, ['name', 'note', 'score']);
    assert.deepEqual(p.rows, [
      ['Smith, J.', 'said "hi"', '1.5'],
      ['Lee', 'two\nlines', 'NA'],
      ['Kim', '', '3'],
    ]);
    assert.equal(p.rowCount, 3);
    assert.deepEqual(p.types, ['nominal', 'nominal', 'scalar']);
    assert.equal(p.problem, null);
  });

  it('counts every row but keeps only the first ones', () => {
    const lines = ['a,b'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},${i % 2 ? 'TRUE' : 'FALSE'}`);
    const p = previewCsv(lines.join('\n'), 5);
    assert.equal(p.rowCount, 5000);
    assert.equal(p.rows.length, 5);
    assert.deepEqual(p.types, ['scalar', 'logical']);
  });

  it('names problems in plain words', () => {
    assert.match(
      previewCsv('a,b\n1,2\n3\n').problem ?? '',
      /Line 3 has 1 fields; the header has 2/,
    );
    assert.match(previewCsv('a,b\n"1,2\n').problem ?? '', /not closed/);
    assert.match(previewCsv('').problem ?? '', /empty/);
  });

  it('reports the line where a record starts', () => {
    const starts: number[] = [];
    eachRecord('h\n"x\ny"\nz\n', (_f, line) => void starts.push(line));
    assert.deepEqual(starts, [1, 2, 4]);
  });

  it("infers types as the server's read command does, ignoring missing values", () => {
    assert.equal(inferType(['1', '-2.5e3', 'NA', '', 'Inf']), 'scalar');
    assert.equal(inferType(['TRUE', 'false', '']), 'logical');
    assert.equal(inferType(['TRUE', 'F']), 'nominal', 'F is not a logical value to the server');
    assert.equal(inferType(['2024-01-31', '2024-02-01 12:30:00Z', 'NA']), 'datetime');
    assert.equal(inferType(['', 'NA']), 'scalar', 'a column with no values');
    assert.equal(inferType(['1', 'x']), 'nominal');
    for (const column of [['1', 'T'], ['2020-13-01'], [' 3 ', '4'], ['true', '1']]) {
      const parsed = parseCsv(`v\n${column.join('\n')}\n`);
      assert.ok(parsed.ok);
      assert.equal(inferType(column), parsed.dataset.variables[0]?.variableType, column.join(','));
    }
  });

  it('makes a valid dataset name from a file name', () => {
    assert.equal(nameFromFile('my data (2).csv'), 'my_data_2');
    assert.equal(nameFromFile('2024-results.csv'), 'data_2024_results');
    assert.equal(nameFromFile('ümlaut.csv'), 'mlaut');
    assert.match(nameFromFile(`${'x'.repeat(100)}.csv`), /^[A-Za-z][A-Za-z0-9_.]{0,63}$/);
  });
});
