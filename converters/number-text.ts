/**
 * Numbers of results for reading, one rule for the browser's cards and the reports (HTML,
 * Word), so that both print the same text for the same value: p as APA writes it (".043",
 * "< .001"), degrees of freedom whole or with two decimals, other numbers with three
 * decimals (whatever their size), tiny and huge ones in exponent form, and within one table
 * column either all whole or all with decimals. The exact values stay in the workspace's
 * CSV, the exported tables and `r_code`. Free of zod and Node (the browser bundle takes it).
 */

/** A result cell as it arrives: R's non-finite numbers are the strings "NaN", "Inf", "-Inf". */
export type NumberCell = number | string | boolean | null | undefined;

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Inf: Infinity, '-Inf': -Infinity };

/** The number a cell stands for, or null when it is missing or not a number. */
export function cellNumber(c: NumberCell): number | null {
  if (typeof c === 'number') return c;
  if (typeof c === 'string' && Object.hasOwn(NON_FINITE, c)) return NON_FINITE[c] ?? null;
  return null;
}

/** The sign of a negative number as typeset (U+2212), not the hyphen. */
const minus = (text: string): string => text.replace(/^-/, '−');

/** A p-value as APA writes it: "< .001", ".043", "> .999"; "–" when missing. */
export function readableP(c: NumberCell): string {
  const p = cellNumber(c);
  if (p === null || Number.isNaN(p)) return '–';
  if (p < 0.001) return '< .001';
  if (p > 0.999) return '> .999';
  return p.toFixed(3).replace(/^0/, '');
}

/**
 * A number for reading: whole numbers as they are (unless `whole` is false: then as any
 * other, "60.000" beside "55.500" in one column), tiny and huge ones in exponent form with
 * 3 significant digits, others with `decimals` decimals whatever their size, so that a
 * column's numbers line up (a sum of squares of 1045.012 beside 3.214). Missing is "–"; text
 * that is no number stays as it is.
 */
export function readableNumber(c: NumberCell, decimals = 3, whole = true): string {
  if (c === null || c === undefined) return '–';
  if (typeof c === 'boolean') return c ? 'TRUE' : 'FALSE';
  const n = cellNumber(c);
  if (n === null) return String(c);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  if (whole && Number.isInteger(n) && Math.abs(n) < 1e7) return minus(String(n));
  const a = Math.abs(n);
  if (a !== 0 && (a >= 1e7 || a < 10 ** -decimals / 2))
    return minus(n.toExponential(2).replace('e+', 'e'));
  return minus(n.toFixed(decimals));
}

/** A confidence level as a percentage: "95%", "99.9%". */
export function confidenceText(level: number): string {
  return `${Number((level * 100).toFixed(2))}%`;
}

/** Degrees of freedom: whole numbers as they are, Welch's with two decimals. */
export function readableDf(c: NumberCell): string {
  return readableNumber(c, 2);
}

/** Whether a column of a result table holds p-values. */
export const isPColumn = (column: string): boolean => /^p(_value|\.value)$/.test(column);

/**
 * How the cells of one table column read: p-values APA-style, counts and df whole (Welch's
 * df with two decimals), any other numbers with three decimals, and a whole number among
 * fractional ones in the same column with decimals too; text as it is; a missing value or
 * group of frequencies "(missing)". `cells`: the
 * column's cells, which decide whether its whole numbers keep their decimals.
 */
export function columnReader(
  column: string,
  cells: readonly NumberCell[],
): (c: NumberCell) => string {
  // Frequencies' row of missing values (by group: its group) is named so.
  if (column === 'value' || column === 'group')
    return (c) => (c === null || c === undefined ? '(missing)' : readableNumber(c));
  if (isPColumn(column))
    return (c) => (cellNumber(c) === null && c != null ? String(c) : readableP(c));
  if (column === 'df' || column === 'n') return (c) => readableDf(c);
  const fractional = cells.some((c) => {
    const n = cellNumber(c);
    return n !== null && Number.isFinite(n) && !Number.isInteger(n);
  });
  return (c) => readableNumber(c, 3, !fractional);
}

/** The effect sizes' names in words, by their `effect_size.name`. */
const EFFECT_NAMES: Readonly<Record<string, string>> = {
  cohens_d: 'Cohen’s d',
  rank_biserial: 'Rank-biserial r',
  rank_epsilon_squared: 'Rank ε²',
  cramers_v: 'Cramér’s V',
  fei: 'Fei',
};

/**
 * Effect sizes whose interval effectsize makes one-sided (its default `alternative =
 * "greater"` for these): the upper bound is fixed at 1, the largest value.
 */
const ONE_SIDED = new Set(['cramers_v', 'fei']);

/**
 * An effect size in words: "Cohen’s d = 0.490, 95% CI [−0.020, 1.010]", "Cramér’s V =
 * 0.216, one-sided 95% CI [0.120, 1]". The interval is 95% whatever the test's level
 * (API.md). Null for anything that is no `{"name","value","conf_int"?}`.
 */
export function effectSizeText(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const {
    name,
    value,
    conf_int: ci,
  } = e as { name?: unknown; value?: unknown; conf_int?: unknown };
  if (typeof name !== 'string') return null;
  const words = EFFECT_NAMES[name] ?? name.replace(/_/g, ' ');
  const text = `${words} = ${readableNumber(value as NumberCell)}`;
  if (!Array.isArray(ci) || ci.length !== 2) return text;
  const [low, high] = (ci as NumberCell[]).map((x) => readableNumber(x));
  return `${text}, ${ONE_SIDED.has(name) ? 'one-sided ' : ''}95% CI [${low}, ${high}]`;
}
