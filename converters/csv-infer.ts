/**
 * Column names and types for CSV columns (see `csv.ts` for the rules as a whole).
 */
import {
  type CsvText,
  decimalCode,
  needsTrim,
  parseNumber,
  trimEnd,
  trimStart,
} from './csv-number.ts';
import type { PanthrVector, VectorValue, VectorValues } from './schema/vector.schema.ts';

const NON_FINITE: Readonly<Record<string, number>> = {
  Inf: Infinity,
  '+Inf': Infinity,
  '-Inf': -Infinity,
  NaN: NaN,
};
const LOGICAL: Readonly<Record<string, boolean>> = {
  true: true,
  TRUE: true,
  false: false,
  FALSE: false,
};
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Header names made valid PanthR names, in order:
 * trimmed; each run of characters other than letters, digits, `_`, `.` becomes `_`; a name
 * not starting with a letter gets a `V` in front; an empty one becomes `V<column number>`;
 * cut to 64 characters; a name already taken gets `_2`, `_3`, ... (the first one keeps it).
 */
export function csvColumnNames(header: readonly string[]): string[] {
  const taken = new Set<string>();
  return header.map((raw, i) => {
    let name = raw.trim().replace(/[^A-Za-z0-9_.]+/g, '_');
    if (name === '' || name === '_') name = `V${i + 1}`;
    else if (!/^[A-Za-z]/.test(name)) name = `V${name}`;
    name = name.slice(0, 64);
    if (taken.has(name)) {
      let k = 2;
      while (taken.has(`${name.slice(0, 64 - String(k).length - 1)}_${k}`)) k++;
      name = `${name.slice(0, 64 - String(k).length - 1)}_${k}`;
    }
    taken.add(name);
    return name;
  });
}

/** Seconds since 1970 UTC of an ISO date or date-time (no zone: UTC), or null if not one. */
export function isoSeconds(s: string): number | null {
  const m = DATETIME_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  const back = new Date(ms);
  const valid =
    back.getUTCDate() === Number(d) &&
    back.getUTCMonth() === Number(mo) - 1 &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(sec) < 60;
  if (!valid) return null;
  let offset = 0;
  if (zone !== 'Z') {
    const z = zone.replace(':', '');
    offset =
      (z.startsWith('-') ? -1 : 1) * (Number(z.slice(1, 3)) * 3600 + Number(z.slice(3, 5)) * 60);
  }
  return ms / 1000 + (frac ? Number(`0${frac}`) : 0) - offset;
}

/** Scalar JSON values at least this long come as binary float64 (as they are stored). */
export const BINARY_VALUES_MIN = 4096;

/** Options of {@link ColumnReader} and {@link inferColumn}. */
export interface InferOptions {
  /** The decimal mark of numbers (default `.`). */
  readonly decimal?: '.' | ',' | undefined;
  /** Cells (trimmed) read as missing in every column, besides the empty cell. */
  readonly na?: readonly string[] | undefined;
}

type Kind = 'none' | 'scalar' | 'logical' | 'datetime' | 'nominal';

/**
 * What a {@link ColumnReader} read of some consecutive rows of a column, while it was not
 * nominal: to be joined to the reader of the rows before them ({@link ColumnReader.join}).
 */
export interface ColumnPart {
  readonly kind: 'none' | 'scalar' | 'logical' | 'datetime';
  /** One value per row (NaN: missing). */
  readonly values: Float64Array;
  /** Rows (of this part) whose cell is the value `NaN`. */
  readonly nan: readonly number[];
}

/**
 * One column's cells, read in one pass (see {@link inferColumn} for the rules): the first
 * cell that is not missing decides the kind (a number, a logical word and an ISO date never
 * look alike), and the first later cell of another kind makes the column nominal. Numbers,
 * logicals (0/1) and date-times go straight into one Float64Array, NaN for missing.
 */
export class ColumnReader {
  private kind: Kind = 'none';
  private readonly values: Float64Array;
  /** Rows whose cell is `NaN` (the value, not a missing one). */
  private readonly nan: number[] = [];
  private n = 0;
  private readonly decimal: number;
  private readonly na: ReadonlySet<string> | null;
  private readonly naLongest: number;

  /** A reader of `rows` cells. */
  constructor(rows: number, opts: InferOptions = {}) {
    this.values = new Float64Array(rows);
    this.decimal = decimalCode(opts.decimal);
    this.na = opts.na && opts.na.length > 0 ? new Set(opts.na) : null;
    this.naLongest = Math.max(0, ...(opts.na ?? []).map((x) => x.length));
  }

  /** True once a cell has made the column nominal (later cells need not be added). */
  get nominal(): boolean {
    return this.kind === 'nominal';
  }

  /**
   * The rows read so far as a part of a longer column (server/compute/csv.fast.ts reads a
   * large file's rows in pieces at once); null once the column is nominal.
   */
  part(): ColumnPart | null {
    const kind = this.kind;
    if (kind === 'nominal') return null;
    return { kind, values: this.values.subarray(0, this.n), nan: this.nan };
  }

  /**
   * Adds `part`, the next rows of the column as another reader read them; false (nothing
   * added) when the two disagree on the kind, which read in one pass would have made the
   * column nominal at a later row.
   */
  join(part: ColumnPart): boolean {
    const kind = this.kind;
    if (kind === 'nominal' || (kind !== 'none' && part.kind !== 'none' && part.kind !== kind))
      return false;
    const at = this.n;
    this.values.set(part.values, at);
    for (const row of part.nan) this.nan.push(at + row);
    this.n += part.values.length;
    if (kind === 'none') this.kind = part.kind;
    return true;
  }

  /** True while every cell so far was a number or missing: {@link addNumber} may be used. */
  get numeric(): boolean {
    return this.kind === 'none' || this.kind === 'scalar';
  }

  /**
   * Adds the next cell, a finite number its caller has read as {@link add} would have (a
   * faster reader of the same grammar, server/compute/csv.fast.ts); only while
   * {@link numeric}, and never for a cell that is one of the `na` strings.
   */
  addNumber(x: number): void {
    this.values[this.n++] = x;
    this.kind = 'scalar';
  }

  /** True when trimmed text[start, end) is one of the `na` strings. */
  private isNa(text: CsvText, start: number, end: number): boolean {
    return this.na !== null && end - start <= this.naLongest && this.na.has(text.slice(start, end));
  }

  /**
   * Adds the next cell, the raw field text[start, end); returns false when it makes the
   * column nominal.
   */
  add(text: CsvText, start: number, end: number): boolean {
    const row = this.n++;
    if (needsTrim(text, start, end)) {
      start = trimStart(text, start, end);
      end = trimEnd(text, start, end);
    }
    const length = end - start;
    if (
      length === 0 ||
      (length === 2 && text.charCodeAt(start) === 78 && text.charCodeAt(start + 1) === 65) ||
      this.isNa(text, start, end)
    ) {
      this.values[row] = NaN;
      return true;
    }
    if (this.kind === 'scalar' || this.kind === 'none') {
      const x = parseNumber(text, start, end, this.decimal);
      if (x !== undefined) {
        this.values[row] = x;
        this.kind = 'scalar';
        return true;
      }
    }
    return this.word(text.slice(start, end), row);
  }

  /** A cell that is not a number in the grammar: a non-finite number, logical or date. */
  private word(cell: string, row: number): boolean {
    const kind = this.kind;
    if ((kind === 'none' || kind === 'scalar') && Object.hasOwn(NON_FINITE, cell)) {
      this.kind = 'scalar';
      const x = NON_FINITE[cell] as number;
      this.values[row] = x;
      if (x !== x) this.nan.push(row);
      return true;
    }
    if ((kind === 'none' || kind === 'logical') && Object.hasOwn(LOGICAL, cell)) {
      this.kind = 'logical';
      this.values[row] = LOGICAL[cell] ? 1 : 0;
      return true;
    }
    if (kind === 'none' || kind === 'datetime') {
      const t = isoSeconds(cell);
      if (t !== null) {
        this.kind = 'datetime';
        this.values[row] = t;
        return true;
      }
    }
    this.kind = 'nominal';
    return false;
  }

  /**
   * A cell of a nominal column: null when empty, `NA` (missing, as `read.csv` reads it) or
   * an `na` string, else as written.
   */
  text(cell: string): string | null {
    if (cell === '') return null;
    const t = trimmed(cell);
    return t === 'NA' || (this.na !== null && this.isNa(t, 0, t.length)) ? null : cell;
  }

  /**
   * The column as a vector, once every cell is added; a nominal column's values come from
   * `nominalValues` (the cells through {@link text}), which only it calls.
   */
  vector(name: string, nominalValues: () => (string | null)[]): PanthrVector {
    const f = this.values;
    switch (this.kind) {
      case 'nominal':
        return { type: 'vector', name, variableType: 'nominal', values: nominalValues() };
      case 'logical':
        return {
          type: 'vector',
          name,
          variableType: 'logical',
          values: mapValues(f, (x) => x === 1),
        };
      case 'datetime':
        return { type: 'vector', name, variableType: 'datetime', values: mapValues(f, (x) => x) };
      case 'none':
      case 'scalar':
        return { type: 'vector', name, variableType: 'scalar', values: this.scalarValues() };
    }
  }

  /** Binary values when long and free of NaN cells (binary cannot tell NaN from missing). */
  private scalarValues(): VectorValues {
    const f = this.values;
    if (f.length >= BINARY_VALUES_MIN && this.nan.length === 0) return f;
    const out: VectorValue[] = mapValues(f, (x) =>
      x === Infinity ? 'Inf' : x === -Infinity ? '-Inf' : x,
    );
    for (const row of this.nan) out[row] = 'NaN';
    return out;
  }
}

/** The values of `f` through `fn`, NaN (missing) as null. */
function mapValues(f: Float64Array, fn: (x: number) => VectorValue): VectorValue[] {
  const out = new Array<VectorValue>(f.length);
  for (let i = 0; i < f.length; i++) {
    const x = f[i] as number;
    out[i] = x !== x ? null : fn(x);
  }
  return out;
}

/** A cell trimmed (only when needed: most cells have no surrounding space). */
function trimmed(c: string): string {
  return needsTrim(c, 0, c.length) ? c.trim() : c;
}

/**
 * One column as a vector: numbers -> `scalar`, true/false/TRUE/FALSE -> `logical`, ISO dates
 * and date-times -> `datetime`, else `nominal` (strings as written). Cells are trimmed to
 * decide; the cell `NA` is missing in every column (as `read.csv` reads it), and so are the
 * `na` strings; an empty cell is missing everywhere. A column with no
 * values at all is `scalar`. Long scalar columns come as binary values
 * ({@link BINARY_VALUES_MIN}), unless they hold `NaN`.
 */
export function inferColumn(
  name: string,
  raw: readonly (string | null)[],
  opts: InferOptions = {},
): PanthrVector {
  const reader = new ColumnReader(raw.length, opts);
  for (const c of raw) {
    if (c === null) reader.add('', 0, 0);
    else if (!reader.add(c, 0, c.length)) break;
  }
  return reader.vector(name, () => raw.map((c) => (c === null ? null : reader.text(c))));
}
