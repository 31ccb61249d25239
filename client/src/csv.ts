// A CSV preview before import: the header, the first rows, a guess of each column's
// type and the number of data rows. The server does the real parsing (`read` command);
// this only has to agree with it on what a user sees first, so it uses the server's own
// tokenizer and type inference (converters/csv-tokenize.ts, csv-infer.ts). DOM-free.
import {
  csvColumnNames,
  CsvSyntaxError,
  eachCsvRecord,
  inferColumn,
  isBlankRecord,
  recordFields,
} from '../../converters/client.ts';
import type { VariableType } from './types.ts';

/** What the import dialog shows before sending. */
export interface CsvPreview {
  header: string[];
  rows: string[][];
  types: VariableType[];
  /** Data rows in the whole text (header excluded, blank lines ignored). */
  rowCount: number;
  /** A plain-words problem (ragged rows, open quote), or null. */
  problem: string | null;
}

/**
 * Calls `onRecord` for each record of `text` (fields split at `separator`, blank lines
 * included) with the server's own tokenizer (converters/csv-tokenize.ts); stops when it
 * returns false. Returns the first syntax problem in plain words, or null.
 */
export function eachRecord(
  text: string,
  onRecord: (fields: string[], line: number, blank: boolean) => boolean | void,
  separator = ',',
): string | null {
  try {
    eachCsvRecord(
      text,
      separator,
      (r) => onRecord(recordFields(text, r), r.line, isBlankRecord(r)),
      text.charCodeAt(0) === 0xfeff ? 1 : 0,
    );
    return null;
  } catch (e) {
    if (e instanceof CsvSyntaxError) return `Line ${e.line}: ${e.message}.`;
    throw e;
  }
}

/**
 * The type the server will give a column of these strings: its own inference
 * (`converters/csv-infer.ts`): numbers -> scalar, TRUE/FALSE -> logical, ISO dates ->
 * datetime, else nominal; empty and `NA` cells are missing.
 */
export function inferType(values: readonly string[], decimal: '.' | ',' = '.'): VariableType {
  return inferColumn('', values, { decimal }).variableType;
}

/**
 * Previews `text`: the header as the server will name the variables (`csvColumnNames`),
 * the first `maxRows` rows, column types from up to 1000 rows.
 */
export function previewCsv(
  text: string,
  maxRows = 10,
  options: { separator?: string; decimal?: string } = {},
): CsvPreview {
  let header: string[] | null = null;
  const rows: string[][] = [];
  const sample: string[][] = [];
  let rowCount = 0;
  let problem: string | null = null;
  const syntax = eachRecord(
    text,
    (fields, line, blank) => {
      if (header === null) {
        header = csvColumnNames(fields);
        return;
      }
      // As the server: a blank line is skipped, unless the file has one column (a missing value).
      if (blank && header.length > 1) return;
      rowCount++;
      if (rows.length < maxRows) rows.push(fields);
      if (sample.length < 1000) sample.push(fields);
      if (problem === null && fields.length !== header.length)
        problem = `Line ${line} has ${fields.length} fields; the header has ${header.length}.`;
    },
    options.separator,
  );
  problem ??= syntax;
  const h: string[] = header ?? [];
  if (h.length === 0) problem ??= 'The file is empty.';
  const decimal = options.decimal === ',' ? ',' : '.';
  const types = h.map((_, j) =>
    inferType(
      sample.map((r) => r[j] ?? ''),
      decimal,
    ),
  );
  return { header: h, rows, types, rowCount, problem };
}

/**
 * A valid object name (API.md: `^[A-Za-z][A-Za-z0-9_.]{0,63}$`) made from a file name,
 * e.g. "my data (2).csv" -> "my_data_2".
 */
export function nameFromFile(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, '');
  let s = base.replace(/[^A-Za-z0-9_.]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z]/.test(s)) s = `data_${s}`;
  return s.slice(0, 64).replace(/_+$/, '') || 'data';
}
