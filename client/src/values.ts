// Turning wire values into text and numbers. R's non-finite numbers arrive as the
// strings "NaN", "Inf", "-Inf"; missing values as null (or as a member of `missing`).
import { cellNumber } from '../../converters/client.ts';
import type { Cell, ResultTable, Vector } from './types.ts';

/** The number a cell stands for, or null when it is missing or not a number. */
export const toNumber = (c: Cell | undefined): number | null => cellNumber(c);

/** Formats a number for tables: up to `digits` significant digits, no trailing noise. */
function formatNumber(n: number, digits = 6): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-4 || a >= 1e15)) return n.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(n.toPrecision(digits)));
}

/** Text for any result cell: numbers formatted, null shown as "NA". */
export function formatCell(c: Cell | undefined, digits = 6): string {
  if (c === null || c === undefined) return 'NA';
  if (typeof c === 'number') return formatNumber(c, digits);
  if (typeof c === 'boolean') return c ? 'TRUE' : 'FALSE';
  return c;
}

/** True when the cell is missing for this variable (null or listed in `missing`). */
export function isMissing(v: Pick<Vector, 'missing'>, c: Cell | undefined): boolean {
  if (c === null || c === undefined) return true;
  return typeof c !== 'boolean' && v.missing !== undefined && v.missing.includes(c);
}

/** The label of a coded value, when the variable has `labels` (array: code 1 is the first). */
function labelOf(v: Pick<Vector, 'labels'>, c: Cell): string | undefined {
  const labels = v.labels;
  if (labels === undefined || c === null) return undefined;
  if (Array.isArray(labels)) {
    if (typeof c === 'number' && Number.isInteger(c)) return labels[c - 1];
    return undefined;
  }
  return labels[String(c)];
}

/** Text of one value of a variable, as the spreadsheet shows it. */
export function formatValue(v: Vector, c: Cell | undefined): string {
  if (c === undefined || isMissing(v, c)) return '';
  const label = labelOf(v, c);
  if (label !== undefined) return label;
  if (v.variableType === 'datetime') {
    const n = toNumber(c);
    // A date (midnight UTC, as a date-only column reads) as the date alone; the cell
    // editor takes either form back.
    if (n !== null && Number.isFinite(n))
      return n % 86400 === 0
        ? new Date(n * 1000).toISOString().slice(0, 10)
        : new Date(n * 1000).toISOString().replace('.000Z', 'Z');
  }
  if (typeof c === 'number' && v.decimals !== undefined && Number.isFinite(c)) {
    return c.toFixed(v.decimals);
  }
  return formatCell(c);
}

/** The distinct non-missing values of a variable, in label order when labels exist. */
export function levelsOf(v: Vector): string[] {
  if (Array.isArray(v.labels)) return [...v.labels];
  const seen = new Set<string>();
  for (const c of v.values) if (!isMissing(v, c)) seen.add(formatValue(v, c));
  return [...seen].sort();
}

/**
 * A date-time variable's summary, computed here (R's descriptives are for numbers): its
 * values and missing values, the earliest and latest, and the days between them.
 */
export function dateSummary(v: Vector): ResultTable {
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const c of v.values as readonly Cell[]) {
    const x = isMissing(v, c) ? null : toNumber(c);
    if (x === null || !Number.isFinite(x)) continue;
    n++;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const when = (x: number): Cell => (n === 0 ? null : formatValue(v, x));
  return {
    columns: ['variable', 'n', 'missing', 'earliest', 'latest', 'days'],
    rows: [
      [v.name, n, v.values.length - n, when(min), when(max), n === 0 ? null : (max - min) / 86400],
    ],
  };
}
