// A CSV preview before import: the header, the first rows, a guess of each column's
// type and the number of data rows. The server does the real parsing (`read` command);
// this only has to agree with it on what a user sees first. RFC 4180: quoted fields,
// "" inside quotes, embedded commas and newlines, CRLF, a UTF-8 BOM. DOM-free.
import { csvColumnNames, inferColumn } from '../../converters/csv-infer.ts';
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
 * Calls `onRecord` for each record of `text` (fields split at `separator`); returns false
 * if a quote is left open.
 */
export function eachRecord(
  text: string,
  onRecord: (fields: string[], line: number) => boolean | void,
  separator = ',',
): boolean {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let recordLine = 1;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === separator) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '') && onRecord(fields, recordLine) === false)
        return true;
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += ch;
    i++;
  }
  if (quoted) return false;
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    onRecord(fields, recordLine);
  }
  return true;
}

/**
 * The type the server will give a column of these strings: its own inference
 * (`converters/csv-infer.ts`): numbers -> scalar, TRUE/FALSE -> logical, ISO dates ->
 * datetime, else nominal; empty and `NA` cells are missing.
 */
export function inferType(values: readonly string[]): VariableType {
  return inferColumn('', values).variableType;
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
  // Types are guessed as the server will read the cells: decimal commas as points.
  const number = (f: string): string =>
    options.decimal === ',' && /^\s*-?\d+,\d+\s*$/.test(f) ? f.replace(',', '.') : f;
  let header: string[] | null = null;
  const rows: string[][] = [];
  const sample: string[][] = [];
  let rowCount = 0;
  let problem: string | null = null;
  const closed = eachRecord(
    text,
    (fields, line) => {
      if (header === null) {
        header = csvColumnNames(fields);
        return;
      }
      rowCount++;
      if (rows.length < maxRows) rows.push(fields);
      if (sample.length < 1000) sample.push(fields.map(number));
      if (problem === null && fields.length !== header.length)
        problem = `Line ${line} has ${fields.length} fields; the header has ${header.length}.`;
    },
    options.separator,
  );
  if (!closed) problem ??= 'A quoted field is not closed before the end of the file.';
  const h: string[] = header ?? [];
  if (h.length === 0) problem ??= 'The file is empty.';
  const types = h.map((_, j) => inferType(sample.map((r) => r[j] ?? '')));
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
