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
import { ColumnReader, csvColumnNames } from './csv-infer.ts';
import {
  cellText,
  CsvSyntaxError,
  eachCsvRecord,
  isBlankRecord,
  recordFields,
} from './csv-tokenize.ts';
import { LIMITS } from './limits.ts';
import type { PanthrDataset, PanthrVector } from './schema/vector.schema.ts';

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

class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly code: 'invalid_object' | 'too_large' = 'invalid_object',
  ) {
    super(message);
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

/** The cells of one column as offsets into the text (see `CsvRecord`), grown as needed. */
class CellOffsets {
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  length = 0;

  push(start: number, end: number): void {
    if (this.length === this.starts.length) {
      const starts = new Int32Array(this.length * 2);
      const ends = new Int32Array(this.length * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
  }
}

/** The header's names and each column's cells; the records checked against the limits. */
function tokenize(text: string, opts: CsvOptions): { names: string[]; cells: CellOffsets[] } {
  let names: string[] | null = null;
  let cells: CellOffsets[] = [];
  let rows = 0;
  const maxCells = opts.maxCells ?? Infinity;
  // One scan of the whole text; the cells are searched only when it holds a NUL.
  const hasNul = text.includes('\0');
  const from = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  eachCsvRecord(
    text,
    opts.separator ?? ',',
    (r) => {
      if (hasNul) refuseNul(recordFields(text, r), r.line, names);
      if (names === null) {
        if (r.count > LIMITS.variables)
          throw new CsvError(`more than ${LIMITS.variables} columns`, r.line, 'too_large');
        names = csvColumnNames(recordFields(text, r));
        cells = names.map(() => new CellOffsets());
        return;
      }
      if (cells.length > 1 && isBlankRecord(r)) return;
      if (r.count !== cells.length) {
        throw new CsvError(
          `line ${r.line} has ${r.count} fields where the header has ${cells.length}`,
          r.line,
        );
      }
      rows++;
      if (rows * cells.length > maxCells)
        throw new CsvError(`more than ${maxCells} cells (rows times columns)`, r.line, 'too_large');
      for (let k = 0; k < r.count; k++)
        (cells[k] as CellOffsets).push(r.starts[k] as number, r.ends[k] as number);
    },
    from,
  );
  if (names === null) throw new CsvError('the CSV text has no header row', 1);
  return { names, cells };
}

/** One column's cells as a vector (types by `ColumnReader`). */
function column(text: string, name: string, c: CellOffsets, opts: CsvOptions): PanthrVector {
  const reader = new ColumnReader(c.length, { decimal: opts.decimal, na: opts.na });
  const { starts, ends } = c;
  for (let i = 0; i < c.length; i++) {
    const s = starts[i] as number;
    const e = ends[i] as number;
    if (s >= 0) {
      if (!reader.add(text, s, e)) break;
    } else {
      const t = cellText(text, s, e);
      if (!reader.add(t, 0, t.length)) break;
    }
  }
  return reader.vector(name, () => {
    const values = new Array<string | null>(c.length);
    for (let i = 0; i < c.length; i++)
      values[i] = reader.text(cellText(text, starts[i] as number, ends[i] as number));
    return values;
  });
}

function parse(text: string, opts: CsvOptions): PanthrDataset {
  if (text.length > LIMITS.csvText)
    throw new CsvError(`the CSV text is longer than ${LIMITS.csvText} characters`, 1, 'too_large');
  let names: string[];
  let cells: CellOffsets[];
  try {
    ({ names, cells } = tokenize(text, opts));
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new CsvError(e.message, e.line);
    throw e;
  }
  return {
    type: 'dataset',
    name: opts.name ?? 'data',
    variables: names.map((name, k) => column(text, name, cells[k] as CellOffsets, opts)),
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
