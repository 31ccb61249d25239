/**
 * The usual large CSV read straight from its bytes, row by row: an ASCII file without
 * quotes, NUL or blank lines, LF or CRLF line ends, every record as long as the header. It
 * gives what converters/csv.ts gives for the same text (the same ColumnReader decides every
 * column's type and reads every cell the fast path does not), but makes no 66 MB string, no
 * table of cell offsets and no string per cell: numbers are read where they stand, and a
 * text column is kept as codes into its distinct strings (the form the worker posts). Any
 * file or cell it is not sure of (a quote, a limit reached, a malformed record, a column
 * that turns to text after its first row) makes it answer null, and the caller parses the
 * file the general way, which also words the errors. A large file's rows may be read in
 * two pieces at once (csv.pieces.ts) with the parts exported here.
 */
import { isAscii } from 'node:buffer';
import {
  ColumnReader,
  csvColumnNames,
  csvSeparator,
  decimalCode,
  eachCsvRecord,
  LIMITS,
  nearDouble,
  POW10 as POWERS_OF_TEN,
  recordFields,
  type ColumnPart,
  type CsvOptions,
  type CsvText,
  type InferOptions,
  type PanthrVector,
} from '../../converters/index.ts';
import type { PackedDataset } from './csv.decode.ts';

const LF = 10;
const CR = 13;
const QUOTE = 34;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
// Module-local copies of what the per-cell loop uses: under tsx every use of an imported
// binding is a getter call (a third of the time of a large read in a profile).
const MAX_CELL = LIMITS.stringValue;
const doubleNear = nearDouble;
const POW10 = POWERS_OF_TEN;

/** ASCII bytes read as the readers' text (a byte is its character's code). */
class AsciiText implements CsvText {
  readonly length: number;

  constructor(readonly bytes: Buffer) {
    this.length = bytes.length;
  }

  charCodeAt(index: number): number {
    return this.bytes[index] ?? NaN;
  }

  slice(start: number, end: number): string {
    return this.bytes.toString('latin1', start, end);
  }
}

/** Gives up the fast path (caught where a read starts: {@link readRows}, {@link csvLayout}). */
class NotFast extends Error {}

/** At most this many distinct cells of a text column share one key of {@link TextCodes}. */
const BUCKET = 8;
/** A text column is looked up by bytes while it has fewer distinct cells than this. */
const BY_BYTES_MAX = 1024;

/** True when b[a, a + length) and b[c, c + length) hold the same bytes. */
function sameBytes(b: Buffer, a: number, c: number, length: number): boolean {
  for (let j = 0; j < length; j++) if (b[a + j] !== b[c + j]) return false;
  return true;
}

/** A text cell's key among its column's distinct cells: its length, first and last byte. */
function cellKey(b: Buffer, start: number, end: number): number {
  const length = end - start;
  return length === 0
    ? 0
    : ((length & 0x3fff) << 16) | ((b[start] as number) << 8) | (b[end - 1] as number);
}

/**
 * A text column's distinct cells by their bytes, each with its code (-1: missing). A cell is
 * looked up by its bytes where they stand (a string made for each cell was most of a text
 * column's read): the last cell's, then those of the few distinct cells that share its
 * length and first and last bytes; only a cell not found so is made a string, and looked up
 * by its text.
 */
class TextCodes {
  readonly codes: Int32Array;
  readonly strings: string[] = [];
  private readonly byText = new Map<string, number>();
  /** By key (length, first and last byte): each cell's offset in the bytes, then its code. */
  private readonly byKey = new Map<number, number[]>();
  /** The last cell's offset, length and code: a text column often repeats itself. */
  private lastStart = 0;
  private lastLength = -1;
  private lastCode = -1;

  constructor(
    rows: number,
    private readonly reader: ColumnReader,
    private readonly text: AsciiText,
  ) {
    this.codes = new Int32Array(rows);
  }

  /** Adds row `row`, the cell text[start, end). */
  add(row: number, start: number, end: number): void {
    const b = this.text.bytes;
    const length = end - start;
    if (length === this.lastLength && sameBytes(b, start, this.lastStart, length)) {
      this.codes[row] = this.lastCode;
      return;
    }
    // A column of many distinct cells (an id) would find few of them by their bytes.
    const key = this.byText.size < BY_BYTES_MAX ? cellKey(b, start, end) : -1;
    let code = key < 0 ? undefined : this.findBytes(key, start, length);
    if (code === undefined) {
      code = this.codeOf(this.text.slice(start, end));
      if (key >= 0) this.rememberBytes(key, start, code);
    }
    this.codes[row] = code;
    this.lastStart = start;
    this.lastLength = length;
    this.lastCode = code;
  }

  /** The code of the distinct cell at b[start, start + length) with `key`, if kept. */
  private findBytes(key: number, start: number, length: number): number | undefined {
    const bucket = this.byKey.get(key) ?? [];
    for (let j = 0; j < bucket.length; j += 2)
      if (sameBytes(this.text.bytes, start, bucket[j] as number, length)) return bucket[j + 1];
    return undefined;
  }

  /** Keeps the cell at b[start] (its `key`, its `code`) to be found by its bytes. */
  private rememberBytes(key: number, start: number, code: number): void {
    const bucket = this.byKey.get(key);
    if (bucket === undefined) this.byKey.set(key, [start, code]);
    else if (bucket.length < 2 * BUCKET) bucket.push(start, code);
  }

  /** The code of the cell `cell` (a new one for a new text; -1 for a missing value). */
  private codeOf(cell: string): number {
    let code = this.byText.get(cell);
    if (code === undefined) {
      const value = this.reader.text(cell);
      code = value === null ? -1 : this.strings.push(value) - 1;
      this.byText.set(cell, code);
    }
    return code;
  }

  /**
   * Adds the codes of a later piece of the column (into `strings`, its own distinct cells,
   * each as written) from row `at` on.
   */
  join(codes: Int32Array, strings: readonly string[], at: number): void {
    const map = strings.map((cell) => {
      let code = this.byText.get(cell);
      if (code === undefined) {
        code = this.strings.push(cell) - 1;
        this.byText.set(cell, code);
      }
      return code;
    });
    const out = this.codes;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i] as number;
      out[at + i] = c < 0 ? -1 : (map[c] as number);
    }
  }
}

/** The header's names (the first line, up to `end`), or NotFast. */
function headerNames(text: AsciiText, end: number, separator: string): string[] {
  const line = text.slice(0, end);
  let fields: string[] = [];
  eachCsvRecord(line, separator, (r) => {
    fields = recordFields(line, r);
    return false;
  });
  if (fields.length === 0 || fields.length > LIMITS.variables) throw new NotFast();
  return csvColumnNames(fields);
}

/** The number of lines in b[from, to) (records, if no line is blank: readRecords checks). */
export function countLines(b: Buffer, from: number, to: number): number {
  let lines = 0;
  for (let at = from; at < to; lines++) {
    const lf = b.indexOf(LF, at);
    at = lf < 0 || lf >= to ? to : lf + 1;
  }
  return lines;
}

/** What one column becomes: a reader of its cells, and its codes once it is text. */
export interface Column {
  readonly reader: ColumnReader;
  codes: TextCodes | null;
}

/** Reads every record of b[from, b.length) into the columns; NotFast when unsure. */
function readRecords(b: Buffer, text: AsciiText, from: number, cols: Column[], o: Settings) {
  const n = b.length;
  const ncol = cols.length;
  let crs = 0;
  const sep = o.sep;
  // A number cell is read as it is scanned ({@link numberCell}) unless the separator can be
  // part of a number (the decimal mark, a minus sign, a digit): then only the field's end
  // tells them apart.
  const inScan = o.plain && sep !== o.decimal && sep !== MINUS && !(sep >= ZERO && sep <= NINE);
  let i = from;
  for (let row = 0; i < n; row++) {
    for (let k = 0; k < ncol; k++) {
      const col = cols[k] as Column;
      if (inScan && col.codes === null && col.reader.numeric) {
        const next = numberCell(b, i, k === ncol - 1 ? LF : sep, o.decimal);
        if (next >= 0) {
          col.reader.addNumber(cell.value);
          if (cell.cr) crs++;
          i = next;
          continue;
        }
      }
      const start = i;
      while (i < n) {
        const c = b[i] as number;
        if (c === sep || c === LF) break;
        i++;
      }
      let end = i;
      const last = i >= n || b[i] === LF;
      if (last !== (k === ncol - 1)) throw new NotFast(); // too few or too many fields
      if (last && end > start && b[end - 1] === CR) {
        end--;
        crs++;
      }
      if (end - start > MAX_CELL) throw new NotFast();
      if (ncol > 1 && k === 0 && last && end === start) throw new NotFast(); // a blank line
      i++; // past the separator or the line end
      addCell(col, row, text, start, end, o);
    }
  }
  return crs;
}

/** What {@link scanNumber} read: the number, and whether a CR ended its line ({@link numberCell}). */
const cell = { value: 0, cr: false };

/**
 * The plain decimal that starts at b[start], read no further than `limit`:
 * `-?digits(.digits)?` (with `decimal` as the mark), at most 19 significant digits. Gives the
 * offset of the first byte after it, with its value in {@link cell}; -1 when the bytes there
 * are not one (no digit, a mark without digits after it, more digits or a smaller scale than
 * held exactly). The digits are read as converters/csv-number.ts's parseNumber reads them,
 * from the bytes themselves (through a CsvText every character would be a method call).
 */
function scanNumber(b: Uint8Array, start: number, limit: number, decimal: number): number {
  let i = start;
  const negative = i < limit && b[i] === MINUS;
  if (negative) i++;
  const first = i;
  // One pass: the significant digits (leading zeros skipped, on either side of the mark) are
  // read as they are found, in integers that V8 keeps in 32 bits: the first 9, the next 6
  // (the first 15 make the mantissa) and at most 4 more (the tail). The loops before and
  // after the mark are written out: one loop that also looks for the mark measured slower.
  let high = 0;
  let middle = 0;
  let tail = 0;
  let digits = 0;
  let c = b[i] as number;
  while (i < limit && c === ZERO) c = b[++i] as number;
  for (; i < limit && c >= ZERO && c <= NINE; c = b[++i] as number) {
    if (digits < 9) high = high * 10 + (c - ZERO);
    else if (digits < 15) middle = middle * 10 + (c - ZERO);
    else if (digits < 19) tail = tail * 10 + (c - ZERO);
    else return -1;
    digits++;
  }
  if (i === first) return -1;
  let scale = 0;
  if (i < limit && c === decimal) {
    const mark = i;
    c = b[++i] as number;
    if (digits === 0) while (i < limit && c === ZERO) c = b[++i] as number;
    for (; i < limit && c >= ZERO && c <= NINE; c = b[++i] as number) {
      if (digits < 9) high = high * 10 + (c - ZERO);
      else if (digits < 15) middle = middle * 10 + (c - ZERO);
      else if (digits < 19) tail = tail * 10 + (c - ZERO);
      else return -1;
      digits++;
    }
    if (i === mark + 1) return -1; // a mark without digits after it
    scale = mark + 1 - i;
    if (scale < -22) return -1;
  }
  const mantissa =
    digits <= 9 ? high : high * (POW10[(digits < 15 ? digits : 15) - 9] as number) + middle;
  let value: number | undefined;
  if (digits <= 15) value = mantissa / (POW10[-scale] as number);
  else value = doubleNear(mantissa, tail, digits - 15, scale);
  if (value === undefined) return -1;
  cell.value = negative ? -value : value;
  return i;
}

/**
 * The plain decimal that is the whole of bytes[start, end) ({@link scanNumber}); undefined
 * for anything else (the column's reader then reads the cell: exponents, spaces, words,
 * missing values).
 */
function plainNumber(b: Uint8Array, start: number, end: number, decimal: number) {
  return scanNumber(b, start, end, decimal) === end ? cell.value : undefined;
}

/**
 * The cell at b[start] read in the one scan that finds its end, when it is a plain decimal
 * ({@link scanNumber}) ended by `ends` (the separator; the last field's LF, CR LF or the end
 * of the bytes): the offset past that end, with the number in {@link cell}. Anything else
 * gives -1, and the cell is scanned and read the general way from `start` (which also words
 * a malformed record).
 */
function numberCell(b: Uint8Array, start: number, ends: number, decimal: number): number {
  const n = b.length;
  const i = scanNumber(b, start, n, decimal);
  if (i < 0 || i - start > MAX_CELL) return -1;
  cell.cr = false;
  if (i >= n) return ends === LF ? n + 1 : -1;
  if (b[i] === ends) return i + 1;
  if (b[i] === CR && ends === LF && (i + 1 >= n || b[i + 1] === LF)) {
    cell.cr = true;
    return i + 2;
  }
  return -1;
}

/** One cell of a column, row `row`. */
function addCell(col: Column, row: number, text: AsciiText, s: number, e: number, o: Settings) {
  if (col.codes !== null) {
    col.codes.add(row, s, e);
    return;
  }
  const r = col.reader;
  if (o.plain && r.numeric) {
    const x = plainNumber(o.bytes, s, e, o.decimal);
    if (x !== undefined) {
      r.addNumber(x);
      return;
    }
  }
  if (r.add(text, s, e)) return;
  // The column turned to text: on its first row the codes start here, later the earlier
  // cells would have to be read again as text.
  if (row > 0) throw new NotFast();
  col.codes = new TextCodes(o.rows, r, text);
  col.codes.add(row, s, e);
}

/** How cells are read: the same for every piece of one file. */
export interface CellRules {
  readonly sep: number;
  readonly decimal: number;
  /** Numbers may be read by {@link plainNumber} (no `na` strings to look for first). */
  readonly plain: boolean;
  /** The column readers' options. */
  readonly infer: InferOptions;
}

interface Settings extends CellRules {
  readonly bytes: Buffer;
  /** Rows of the bytes being read (the columns' length). */
  readonly rows: number;
}

/** A file checked for the fast path: its header, where its records start, how many. */
export interface CsvLayout {
  readonly bytes: Buffer;
  readonly name: string;
  readonly names: string[];
  /** The first record's offset (after the header's line end). */
  readonly from: number;
  readonly rows: number;
  /** The header ends in CR LF. */
  readonly crlf: boolean;
  readonly rules: CellRules;
}

/**
 * The file's layout when it is one for the fast path (see the module comment: ASCII, no
 * quotes or NUL, a header, within the cell limit); null when it must be read the general
 * way. Reads nothing but the header and the line ends.
 */
export function csvLayout(bytes: Uint8Array, opts: CsvOptions): CsvLayout | null {
  const separator = csvSeparator(opts);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sep = separator.charCodeAt(0);
  if (sep > 127 || sep === LF || sep === CR || sep === QUOTE) return null;
  if (b.length > LIMITS.csvText || !isAscii(b) || b.includes(QUOTE) || b.includes(0)) return null;
  const headerEnd = b.indexOf(LF);
  if (headerEnd < 0) return null;
  const crlf = b[headerEnd - 1] === CR;
  let names: string[];
  try {
    names = headerNames(new AsciiText(b), crlf ? headerEnd - 1 : headerEnd, separator);
  } catch (e) {
    if (e instanceof NotFast) return null;
    throw e;
  }
  const from = headerEnd + 1;
  const rows = countLines(b, from, b.length);
  if (rows * names.length > (opts.maxCells ?? Infinity)) return null;
  const rules: CellRules = {
    sep,
    decimal: decimalCode(opts.decimal),
    plain: (opts.na ?? []).length === 0,
    infer: { decimal: opts.decimal, na: opts.na },
  };
  return { bytes: b, name: opts.name ?? 'data', names, from, rows, crlf, rules };
}

/** New columns for `rows` rows. */
export function newColumns(count: number, rows: number, infer: InferOptions): Column[] {
  return Array.from({ length: count }, () => ({
    reader: new ColumnReader(rows, infer),
    codes: null,
  }));
}

/** True when every CR of the file ended a line (a lone CR is a line end to the general reader). */
export function crsEndLines(l: CsvLayout, crs: number): boolean {
  const b = l.bytes;
  let all = 0;
  for (let at = b.indexOf(CR); at >= 0; at = b.indexOf(CR, at + 1)) all++;
  return all === crs + (l.crlf ? 1 : 0);
}

/**
 * The dataset in `bytes` read the fast way in one pass (see the module comment), packed as
 * the worker posts it (`transfer` receives the buffers to move); null when the file is not
 * for it.
 */
export function parseCsvBytes(
  bytes: Uint8Array,
  opts: CsvOptions,
  transfer: ArrayBuffer[],
): PackedDataset | null {
  const l = csvLayout(bytes, opts);
  return l === null ? null : readLayout(l, transfer);
}

/** The records of a checked file read in one pass (as {@link parseCsvBytes}). */
export function readLayout(l: CsvLayout, transfer: ArrayBuffer[]): PackedDataset | null {
  const cols = newColumns(l.names.length, l.rows, l.rules.infer);
  const crs = readRows(l.bytes, l.from, cols, l.rules, l.rows);
  if (crs === null || !crsEndLines(l, crs)) return null;
  return pack(l.name, l.names, cols, transfer);
}

/**
 * Reads the records of bytes[from, end) into `cols` (made by {@link newColumns} for `rows`
 * rows; `text`: columns to read as text from the first row on); the number of records that
 * ended in CR LF, or null when the bytes are not for the fast path.
 */
export function readRows(
  bytes: Buffer,
  from: number,
  cols: Column[],
  rules: CellRules,
  rows: number,
  text: readonly boolean[] = [],
): number | null {
  const ascii = new AsciiText(bytes);
  cols.forEach((col, k) => {
    if (text[k] === true) col.codes = new TextCodes(rows, col.reader, ascii);
  });
  try {
    return readRecords(bytes, ascii, from, cols, { ...rules, bytes, rows });
  } catch (e) {
    if (e instanceof NotFast) return null;
    throw e;
  }
}

/** One column of rows read elsewhere: its values, or codes into its strings once it is text. */
export type RowsColumn =
  { readonly part: ColumnPart } | { readonly codes: Int32Array; readonly strings: string[] };

/** `col` as it is posted to the thread that joins it (`transfer` gets its buffers). */
export function rowsColumn(col: Column, transfer: ArrayBuffer[]): RowsColumn {
  if (col.codes !== null) {
    transfer.push(col.codes.codes.buffer as ArrayBuffer);
    return { codes: col.codes.codes, strings: col.codes.strings };
  }
  const part = col.reader.part() as ColumnPart;
  transfer.push(part.values.buffer as ArrayBuffer);
  return { part };
}

/**
 * Appends `later`, the next rows of the column read elsewhere, to `col` (read up to row
 * `at`); false when the two disagree on the column (one pass would have declined, or made
 * it text at a later row).
 */
export function joinColumn(col: Column, later: RowsColumn, at: number): boolean {
  if ('part' in later) return col.codes === null && col.reader.join(later.part);
  if (col.codes === null) return false;
  col.codes.join(later.codes, later.strings, at);
  return true;
}

/** Which of `cols` became text. */
export function textColumns(cols: Column[]): boolean[] {
  return cols.map((col) => col.codes !== null);
}

/** The columns as the worker posts them. */
export function pack(name: string, names: string[], cols: Column[], transfer: ArrayBuffer[]) {
  const text: PackedDataset['text'] = [];
  const variables = cols.map((col, k): PanthrVector => {
    const vname = names[k] as string;
    if (col.codes !== null) {
      transfer.push(col.codes.codes.buffer as ArrayBuffer);
      text.push({ codes: col.codes.codes, strings: col.codes.strings });
      return { type: 'vector', name: vname, variableType: 'nominal', values: [] };
    }
    text.push(null);
    const v = col.reader.vector(vname, () => []);
    if (v.values instanceof Float64Array) transfer.push(v.values.buffer as ArrayBuffer);
    return v;
  });
  return { dataset: { type: 'dataset' as const, name, variables }, text };
}
