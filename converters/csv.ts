/**
 * CSV text -> a PanthR dataset, for the `read` command.
 *
 * Rules: RFC 4180 fields (a quoted field may hold commas, newlines and `""` for a quote);
 * CRLF, LF or CR line ends; a leading UTF-8 BOM is dropped; the first record is the header
 * (names made valid and unique by `csvColumnNames`); every record must have as many fields
 * as the header, else an error with the line where the record starts; blank lines are
 * skipped when there is more than one column (in a one-column file a blank line is a
 * missing value); empty cells, quoted or not, are missing (null); column types are
 * inferred by `inferColumn`. Lines are 1-based and count the newlines inside quoted fields.
 * Options (API 1.1) change the field separator (`,` by default; `;` and tab are common), the
 * decimal mark of numbers (`.` or `,`), and add strings read as missing in every column.
 */
import { csvColumnNames, inferColumn, MAX_CELL } from './csv-infer.ts';
import { LIMITS } from './limits.ts';
import type { PanthrDataset } from './schema/vector.schema.ts';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Largest rows times columns (the configuration's `max_data`); more is `too_large`. */
  readonly maxCells?: number | null;
  /** The dataset's name (default `"data"`). */
  readonly name?: string;
  /** The field separator, one character (default `,`). */
  readonly separator?: string;
  /** The decimal mark of numbers (default `.`). */
  readonly decimal?: '.' | ',';
  /** Cells (trimmed) equal to one of these are missing, in every column. */
  readonly na?: readonly string[];
}

/** The outcome of {@link parseCsv}; `line` is 1-based. */
export type CsvResult =
  | { readonly ok: true; readonly dataset: PanthrDataset }
  | {
      readonly ok: false;
      readonly code: 'invalid_object' | 'too_large';
      readonly message: string;
      readonly line: number;
    };

const QUOTE = 34;
const LF = 10;
const CR = 13;

class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly code: 'invalid_object' | 'too_large' = 'invalid_object',
  ) {
    super(message);
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Reads the records of `text`, calling `onRecord(fields, line)` for each (`fields` is reused);
 * `sep` is the separator's character code.
 */
function readRecords(
  text: string,
  sep: number,
  onRecord: (fields: string[], line: number) => void,
): void {
  const n = text.length;
  let i = 0;
  let line = 1;
  // One array reused for every record: onRecord copies what it keeps.
  const fields: string[] = [];
  while (i < n) {
    const start = line;
    fields.length = 0;
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        let q = text.indexOf('"', i + 1);
        while (q >= 0 && text.charCodeAt(q + 1) === QUOTE) q = text.indexOf('"', q + 2);
        if (q < 0) throw new CsvError('a quoted field is not closed', line);
        value = text.slice(i + 1, q);
        if (value.includes('""')) value = value.replaceAll('""', '"');
        line += countNewlines(value);
        i = q + 1;
        const c = text.charCodeAt(i);
        if (i < n && c !== sep && c !== LF && c !== CR)
          throw new CsvError('a closing quote is followed by more text in the same field', line);
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === sep || c === LF || c === CR) break;
          if (c === QUOTE)
            throw new CsvError('a quote inside a field that does not start with a quote', line);
        }
        value = text.slice(i, j);
        i = j;
      }
      if (value.length > MAX_CELL)
        throw new CsvError(`a cell is longer than ${MAX_CELL} characters`, line);
      fields.push(value);
      const c = text.charCodeAt(i);
      if (c === sep) {
        i++;
        continue;
      }
      if (c === CR || c === LF) {
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
      }
      break;
    }
    onRecord(fields, start);
  }
}

/** Throws naming the first cell of the record that holds a NUL (R's text cannot). */
function refuseNul(fields: readonly string[], line: number, names: readonly string[] | null): void {
  const k = fields.findIndex((f) => f.includes('\0'));
  if (k < 0) return;
  const column = names === null ? 'of the header' : `(${JSON.stringify(names[k] ?? '')})`;
  throw new CsvError(
    `line ${line} column ${k + 1} ${column} holds a NUL character (U+0000), which is not allowed in text`,
    line,
  );
}

function parse(text: string, opts: CsvOptions): PanthrDataset {
  if (text.length > LIMITS.csvText)
    throw new CsvError(`the CSV text is longer than ${LIMITS.csvText} characters`, 1, 'too_large');
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let names: string[] | null = null;
  let columns: (string | null)[][] = [];
  let rows = 0;
  const maxCells = opts.maxCells ?? Infinity;
  // One scan of the whole text; the cells are searched only when it holds a NUL.
  const hasNul = body.includes('\0');
  readRecords(body, (opts.separator ?? ',').charCodeAt(0), (fields, line) => {
    if (hasNul) refuseNul(fields, line, names);
    if (names === null) {
      if (fields.length > LIMITS.variables)
        throw new CsvError(`more than ${LIMITS.variables} columns`, line, 'too_large');
      names = csvColumnNames(fields);
      columns = names.map(() => []);
      return;
    }
    if (fields.length === 1 && fields[0] === '' && columns.length > 1) return;
    if (fields.length !== columns.length) {
      throw new CsvError(
        `line ${line} has ${fields.length} fields where the header has ${columns.length}`,
        line,
      );
    }
    rows++;
    if (rows * columns.length > maxCells)
      throw new CsvError(`more than ${maxCells} cells (rows times columns)`, line, 'too_large');
    for (let k = 0; k < fields.length; k++)
      (columns[k] as (string | null)[]).push(fields[k] || null);
  });
  if (names === null) throw new CsvError('the CSV text has no header row', 1);
  const header: string[] = names;
  return {
    type: 'dataset',
    name: opts.name ?? 'data',
    variables: header.map((name, k) =>
      inferColumn(name, columns[k] ?? [], { decimal: opts.decimal, na: opts.na }),
    ),
  };
}

/**
 * Parses CSV text into a dataset (see the module comment for the rules). Never throws for
 * bad input: `invalid_object` for malformed text, `too_large` over `maxCells` or the limits.
 */
export function parseCsv(text: string, opts: CsvOptions = {}): CsvResult {
  try {
    return { ok: true, dataset: parse(text, opts) };
  } catch (e) {
    if (e instanceof CsvError) return { ok: false, code: e.code, message: e.message, line: e.line };
    throw e;
  }
}
