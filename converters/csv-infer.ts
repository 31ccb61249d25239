/**
 * Column names and types for CSV columns (see `csv.ts` for the rules as a whole).
 */
import { LIMITS } from './limits.ts';
import type { PanthrVector, VectorValue } from './schema/vector.schema.ts';

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE: Readonly<Record<string, string>> = {
  Inf: 'Inf',
  '+Inf': 'Inf',
  '-Inf': '-Inf',
  NaN: 'NaN',
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

type Kind = 'scalar' | 'logical' | 'datetime';
type Parser = (s: string) => VectorValue | undefined;

const scalar: Parser = (s) =>
  NUMBER_RE.test(s) ? Number(s) : Object.hasOwn(NON_FINITE, s) ? NON_FINITE[s] : undefined;
/** Numbers written with a decimal comma: `1,5`; a `.` makes the cell text (as R's dec = ","). */
const scalarComma: Parser = (s) => (s.includes('.') ? undefined : scalar(s.replace(',', '.')));
const PARSERS: Readonly<Record<Kind, Parser>> = {
  scalar,
  logical: (s) => (Object.hasOwn(LOGICAL, s) ? LOGICAL[s] : undefined),
  datetime: (s) => isoSeconds(s) ?? undefined,
};

/** Options of {@link inferColumn}. */
export interface InferOptions {
  /** The decimal mark of numbers (default `.`). */
  readonly decimal?: '.' | ',' | undefined;
  /** Cells (trimmed) read as missing in every column, besides the empty cell. */
  readonly na?: readonly string[] | undefined;
}

/** A cell trimmed (only when needed: most cells have no surrounding space). */
function trimmed(c: string): string {
  return c.charCodeAt(0) <= 32 || c.charCodeAt(c.length - 1) <= 32 ? c.trim() : c;
}

/** The cells of one column as `kind`, or null if some cell is not of that kind. */
function tryKind(cells: readonly (string | null)[], parse: Parser): VectorValue[] | null {
  const out = new Array<VectorValue>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] ?? null;
    const t = c === null ? 'NA' : trimmed(c);
    if (t === 'NA' || t === '') {
      out[i] = null;
      continue;
    }
    const v = parse(t);
    if (v === undefined) return null;
    out[i] = v;
  }
  return out;
}

/**
 * One column as a vector: numbers -> `scalar`, true/false/TRUE/FALSE -> `logical`, ISO dates
 * and date-times -> `datetime`, else `nominal` (strings as written). Cells are trimmed to
 * decide; in a scalar, logical or datetime column the cell `NA` is missing too, and so are
 * the `na` strings in every column. A column with no values at all is `scalar`.
 */
export function inferColumn(
  name: string,
  raw: readonly (string | null)[],
  opts: InferOptions = {},
): PanthrVector {
  const na = opts.na && opts.na.length > 0 ? new Set(opts.na) : null;
  const cells = na ? raw.map((c) => (c === null || na.has(trimmed(c)) ? null : c)) : raw;
  for (const kind of ['scalar', 'logical', 'datetime'] as const) {
    const parse = kind === 'scalar' && opts.decimal === ',' ? scalarComma : PARSERS[kind];
    const values = tryKind(cells, parse);
    if (values) return { type: 'vector', name, variableType: kind, values };
  }
  return {
    type: 'vector',
    name,
    variableType: 'nominal',
    values: cells,
  };
}

/** The longest cell a CSV may hold. */
export const MAX_CELL = LIMITS.stringValue;
