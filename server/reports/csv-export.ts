/**
 * A dataset as the CSV of the workspace export, written so that `read.csv("NAME.csv")` and
 * the r_code set-up (converters/r-code.ts) give back what the server computes on:
 * - the header row holds the variable names as they are (the set-up renames those that
 *   `read.csv` changes);
 * - scalar: numbers in JavaScript's shortest exact form (R reads them back to the same
 *   double), `NaN`, `Inf`, `-Inf` as R writes them; a value listed in `missing` stays as it
 *   is (the set-up turns it into NA); a missing value is an empty cell (`NA` when it is
 *   the whole line: read.csv skips blank lines);
 * - nominal / ordinal: the value's text; a numeric code with a label is written as its label
 *   (the set-up's levels are the labels); every text cell is quoted, `"` doubled;
 * - logical: `TRUE` / `FALSE`; datetime: `YYYY-MM-DD HH:MM:SS[.fff]` in UTC (only the date
 *   when every value is a midnight), as R's `write.csv` writes a POSIXct, which the
 *   server's own CSV reading takes back as datetime.
 */
import { jsonValues, type PanthrDataset, type PanthrVector } from '../../converters/index.ts';

type Cell = (x: unknown) => string;

function quoted(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function scalarCell(x: unknown): string {
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : '';
  return x === 'NaN' || x === 'Inf' || x === '-Inf' ? x : '';
}

const DAY_SECONDS = 86_400;

/**
 * The writer of a datetime column: `YYYY-MM-DD HH:MM:SS[.fff]` in UTC, or only the date when
 * every value is a midnight (as R's `format` of a POSIXct leaves the time out then).
 */
function datetimeCell(values: readonly unknown[]): Cell {
  const dateOnly = values.every(
    (x) => typeof x !== 'number' || !Number.isFinite(x) || x % DAY_SECONDS === 0,
  );
  return (x) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) return '';
    const iso = new Date(x * 1000).toISOString(); // 2020-01-02T03:04:05.678Z
    if (dateOnly) return iso.slice(0, 10);
    const ms = iso.slice(19, 23);
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '.000' ? '' : ms}`;
  };
}

/** The label of a numeric code, when the vector has one. */
function labelOf(v: PanthrVector, code: number): string | undefined {
  const labels = v.labels;
  if (labels === undefined) return undefined;
  if (Array.isArray(labels)) return (labels as readonly string[])[code - 1];
  return (labels as Readonly<Record<string, string>>)[String(code)];
}

function factorCell(v: PanthrVector): Cell {
  return (x) => {
    if (typeof x === 'string') return quoted(x);
    if (typeof x !== 'number') return '';
    const label = labelOf(v, x);
    return label === undefined ? String(x) : quoted(label);
  };
}

/** The writer of the cells of `v`, whose values (as JSON) are `values`. */
function cellWriter(v: PanthrVector, values: readonly unknown[]): Cell {
  switch (v.variableType) {
    case 'scalar':
      return scalarCell;
    case 'datetime':
      return datetimeCell(values);
    case 'logical':
      return (x) => (x === true ? 'TRUE' : x === false ? 'FALSE' : '');
    case 'nominal':
    case 'ordinal':
      return factorCell(v);
  }
}

/** The CSV text of `dataset` (see the module comment); lines end in `\n`. */
export function datasetCsv(dataset: PanthrDataset): string {
  const columns = dataset.variables.map((v) => {
    // Binary values become JSON once, for the writer and the cells alike.
    const values = jsonValues(v.values);
    return { values, cell: cellWriter(v, values) };
  });
  const rows = columns[0]?.values.length ?? 0;
  const lines: string[] = [dataset.variables.map((v) => quoted(v.name)).join(',')];
  for (let i = 0; i < rows; i++) {
    let line = '';
    for (let j = 0; j < columns.length; j++) {
      const col = columns[j] as (typeof columns)[number];
      line += (j === 0 ? '' : ',') + col.cell(col.values[i] ?? null);
    }
    // A missing value of a one-column dataset: read.csv skips an empty line, and a line
    // of `""` too (blank.lines.skip); `NA` is read as missing in a column of any type.
    lines.push(line === '' ? 'NA' : line);
  }
  return `${lines.join('\n')}\n`;
}
