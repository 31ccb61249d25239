/**
 * The generic mapping of R results (the plain lists the PanthR R library returns) to JSON.
 */
import { inherits, NA_INTEGER, NA_LOGICAL, rAttr, rAttrStrings, type RValue } from '../r/values.ts';
import { doubleToJson } from './r2panthr.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Element i of an atomic vector (or list) as JSON; `levels` for factors. */
function element(value: RValue, i: number, levels: readonly (string | null)[] | null): Json {
  switch (value.kind) {
    case 'double':
      return doubleToJson(value.values, i);
    case 'integer': {
      const x = value.values[i] as number;
      if (x === NA_INTEGER) return null;
      return levels ? (levels[x - 1] ?? null) : x;
    }
    case 'logical': {
      const x = value.values[i];
      return x === NA_LOGICAL ? null : x === 1;
    }
    case 'string':
      return value.values[i] ?? null;
    case 'complex':
      return [doubleToJson(value.values, 2 * i), doubleToJson(value.values, 2 * i + 1)];
    case 'list':
    case 'pairlist':
    case 'language':
      return rToJson(value.values[i] as RValue);
    case 'raw':
    case 'null':
    case 'symbol':
    case 'opaque':
      return null;
  }
}

function dataFrame(value: Extract<RValue, { kind: 'list' }>): Json {
  const columns = rAttrStrings(value, 'names').map((n) => n ?? 'NA');
  const cols = value.values;
  const nrow = cols.length === 0 ? rowNamesLength(value) : lengthOf(cols[0] as RValue);
  const levels = cols.map((c) => (inherits(c, 'factor') ? rAttrStrings(c, 'levels') : null));
  const rows: Json[][] = [];
  for (let r = 0; r < nrow; r++) rows.push(cols.map((c, j) => element(c, r, levels[j] ?? null)));
  return { columns, rows };
}

function rowNamesLength(value: RValue): number {
  const rn = rAttr(value, 'row.names');
  if (rn?.kind === 'integer' && rn.values.length === 2 && rn.values[0] === NA_INTEGER)
    return Math.abs(rn.values[1] as number);
  return rn && 'values' in rn ? rn.values.length : 0;
}

function lengthOf(value: RValue): number {
  if (value.kind === 'complex') return value.values.length / 2;
  return 'values' in value ? value.values.length : 0;
}

function matrix(value: RValue, nrow: number, ncol: number): Json {
  const levels = inherits(value, 'factor') ? rAttrStrings(value, 'levels') : null;
  const rows: Json[][] = [];
  for (let r = 0; r < nrow; r++) {
    const row: Json[] = [];
    for (let c = 0; c < ncol; c++) row.push(element(value, r + c * nrow, levels));
    rows.push(row);
  }
  return rows;
}

function named(
  value: RValue & { values: readonly RValue[] },
  names: readonly (string | null)[],
): Json {
  return Object.fromEntries(value.values.map((v, i) => [names[i] || `V${i + 1}`, rToJson(v)]));
}

/**
 * An R value as JSON. The contract the R library is written against:
 * - `NULL` -> null;
 * - a list with a `names` attribute -> an object, keys in order (an empty or NA name becomes
 *   `V` and the element's 1-based position, e.g. "V2"; of duplicated names the last
 *   wins; JavaScript puts integer-like keys such as "1" before all others);
 *   a list without names -> an array; pairlists alike (tags as names);
 * - a data.frame -> `{"columns": [names], "rows": [[row values], ...]}` (row-major, cells
 *   mapped like vector elements, factors as labels);
 * - a matrix (a `dim` of length 2) -> an array of its rows (row-major); dimnames are
 *   dropped (return them as separate list elements when the client needs them);
 *   other arrays -> a flat array in R's order;
 * - an atomic vector of length 1 -> a scalar, unless it has class "AsIs" (R's `I(x)`),
 *   which is always an array; any other length -> an array (length 0 -> `[]`);
 *   names of atomic vectors are dropped (use `as.list()` for an object);
 * - elements: NA (any type) -> null; NaN -> "NaN"; Inf -> "Inf"; -Inf -> "-Inf" (strings,
 *   as JSON has no such numbers); logical -> true/false; factor -> its labels as strings;
 *   complex -> [re, im]; other classes (Date, POSIXct, ...) -> their underlying numbers;
 * - a raw vector -> one base64 string, whatever its length;
 * - symbols -> their name; functions, environments and other opaque values -> null.
 */
export function rToJson(value: RValue): Json {
  switch (value.kind) {
    case 'null':
    case 'opaque':
      return null;
    case 'symbol':
      return value.name;
    case 'raw':
      return Buffer.from(
        value.values.buffer,
        value.values.byteOffset,
        value.values.byteLength,
      ).toString('base64');
    case 'list':
      if (inherits(value, 'data.frame')) return dataFrame(value);
      return listLike(value, rAttrStrings(value, 'names'), rAttr(value, 'names') !== undefined);
    case 'pairlist':
    case 'language':
      return listLike(
        value,
        value.tags,
        value.tags.some((t) => t !== null),
      );
    case 'double':
    case 'integer':
    case 'logical':
    case 'string':
    case 'complex':
      return atomic(value);
  }
}

function listLike(
  value: RValue & { values: readonly RValue[] },
  names: readonly (string | null)[],
  hasNames: boolean,
): Json {
  return hasNames ? named(value, names) : value.values.map(rToJson);
}

function atomic(value: RValue): Json {
  const dim = rAttr(value, 'dim');
  const n = lengthOf(value);
  if (dim && (dim.kind === 'integer' || dim.kind === 'double') && dim.values.length === 2) {
    return matrix(value, Number(dim.values[0]), Number(dim.values[1]));
  }
  const levels = inherits(value, 'factor') ? rAttrStrings(value, 'levels') : null;
  if (n === 1 && !dim && !inherits(value, 'AsIs')) return element(value, 0, levels);
  const out: Json[] = new Array<Json>(n);
  for (let i = 0; i < n; i++) out[i] = element(value, i, levels);
  return out;
}
