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
 * Options (API 1.1) change the field separator (`,` by default, `;` with a decimal comma as
 * R's read.csv2 has it; `;` and tab are common), the decimal mark of numbers (`.` or `,`),
 * and add strings read as missing in every column.
 */
import { ColumnReader, csvColumnNames } from './csv-infer.ts';
import {
  cellText,
  type CsvRecord,
  CsvSyntaxError,
  eachCsvRecord,
  isBlankRecord,
  recordFields,
} from './csv-tokenize.ts';
import { LIMITS } from './limits.ts';
import type { PanthrDataset } from './schema/vector.schema.ts';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Largest rows times columns (the configuration's `max_data`); more is `too_large`. */
  readonly maxCells?: number | null;
  /** The dataset's name (default `"data"`). */
  readonly name?: string;
  /** The field separator, one character (default `,`; `;` when `decimal` is `,`). */
  readonly separator?: string;
  /** The decimal mark of numbers (default `.`). */
  readonly decimal?: '.' | ',';
  /** Cells (trimmed) equal to one of these are missing, in every column. */
  readonly na?: readonly string[];
}

/** The field separator of `opts`: as given, else `,`, or `;` with a decimal comma. */
export function csvSeparator(opts: Pick<CsvOptions, 'separator' | 'decimal'>): string {
  return opts.separator ?? (opts.decimal === ',' ? ';' : ',');
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

/**
 * Every data cell as offsets into the text (see `CsvRecord`), row after row: cell k of row
 * i is at `i * columns + k`. One pair of arrays for the whole file, grown by doubling.
 */
class CellOffsets {
  starts = new Int32Array(4096);
  ends = new Int32Array(4096);
  rows = 0;

  constructor(readonly columns: number) {}

  /** Appends the record's fields as the next row (the caller has checked their count). */
  pushRow(r: CsvRecord): void {
    const base = this.rows * this.columns;
    if (base + this.columns > this.starts.length) this.grow(base + this.columns);
    const { starts, ends } = this;
    for (let k = 0; k < this.columns; k++) {
      starts[base + k] = r.starts[k] as number;
      ends[base + k] = r.ends[k] as number;
    }
    this.rows++;
  }

  /** Makes room for `rows` rows in all (a hint: pushRow grows past it if need be). */
  reserve(rows: number): void {
    if (rows * this.columns > this.starts.length) this.grow(rows * this.columns);
  }

  private grow(needed: number): void {
    const size = Math.max(needed, this.starts.length * 2);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}

/** The header's names and the cells; the records checked against the limits. */
function tokenize(text: string, opts: CsvOptions): { names: string[]; cells: CellOffsets } {
  let names: string[] | null = null;
  let cells = new CellOffsets(0);
  const maxCells = opts.maxCells ?? Infinity;
  // One scan of the whole text; the cells are searched only when it holds a NUL.
  const hasNul = text.includes('\0');
  const from = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  eachCsvRecord(
    text,
    csvSeparator(opts),
    (r) => {
      if (hasNul) refuseNul(recordFields(text, r), r.line, names);
      if (names === null) {
        if (r.count > LIMITS.variables)
          throw new CsvError(`more than ${LIMITS.variables} columns`, r.line, 'too_large');
        names = csvColumnNames(recordFields(text, r));
        cells = new CellOffsets(names.length);
        return;
      }
      if (cells.columns > 1 && isBlankRecord(r)) return;
      if (r.count !== cells.columns) {
        throw new CsvError(
          `line ${r.line} has ${r.count} fields where the header has ${cells.columns}`,
          r.line,
        );
      }
      if ((cells.rows + 1) * cells.columns > maxCells)
        throw new CsvError(`more than ${maxCells} cells (rows times columns)`, r.line, 'too_large');
      cells.pushRow(r);
      // Sized once for the whole text from its first rows: doubling 34 MB of offsets for a
      // 66 MB file cost more than the tokenizing.
      if (cells.rows === 1024)
        cells.reserve(
          Math.ceil((text.length / Math.max(1, Math.abs(r.ends[r.count - 1] ?? 1))) * 1024 * 1.05),
        );
    },
    from,
  );
  if (names === null) throw new CsvError('the CSV text has no header row', 1);
  return { names, cells };
}

/** Column k of the cells as a vector (types by `ColumnReader`). */
function column(text: string, name: string, c: CellOffsets, k: number, opts: CsvOptions) {
  const reader = new ColumnReader(c.rows, { decimal: opts.decimal, na: opts.na });
  const { starts, ends, columns, rows } = c;
  for (let i = 0, at = k; i < rows; i++, at += columns) {
    const s = starts[at] as number;
    const e = ends[at] as number;
    if (s >= 0) {
      if (!reader.add(text, s, e)) break;
    } else {
      const t = cellText(text, s, e);
      if (!reader.add(t, 0, t.length)) break;
    }
  }
  return reader.vector(name, () => {
    const values = new Array<string | null>(rows);
    for (let i = 0, at = k; i < rows; i++, at += columns)
      values[i] = reader.text(cellText(text, starts[at] as number, ends[at] as number));
    return values;
  });
}

function parse(text: string, opts: CsvOptions): PanthrDataset {
  if (text.length > LIMITS.csvText)
    throw new CsvError(`the CSV text is longer than ${LIMITS.csvText} characters`, 1, 'too_large');
  let names: string[];
  let cells: CellOffsets;
  try {
    ({ names, cells } = tokenize(text, opts));
  } catch (e) {
    if (e instanceof CsvSyntaxError)
      throw new CsvError(e.message, e.line, e.tooLarge ? 'too_large' : 'invalid_object');
    throw e;
  }
  return {
    type: 'dataset',
    name: opts.name ?? 'data',
    variables: names.map((name, k) => column(text, name, cells, k, opts)),
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
