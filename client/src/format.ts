// Numbers of results for reading, APA-like (the rules in converters/number-text.ts, which the
// reports share): p as "< .001" or ".043", three decimals, df whole or with two; column
// names in words; a test's APA line. DOM-free; the exact values stay in the exported CSV
// and the R code.
import { readableDf, readableNumber, readableP } from '../../converters/client.ts';
import { str, type Cell } from './types.ts';

/** A p-value as APA writes it: "< .001", ".043", "> .999"; "–" when missing. */
export const formatP = (c: Cell | undefined): string => readableP(c);

/** A p-value in a sentence: "p < .001" or "p = .043". */
export function pClause(c: Cell | undefined): string {
  const s = formatP(c);
  return s.startsWith('<') || s.startsWith('>') ? `p ${s}` : `p = ${s}`;
}

/**
 * A number for reading: whole numbers as they are, tiny and huge ones in scientific
 * notation with 3 significant digits, others with `decimals` decimals.
 * The reports print numbers by the same rule (converters/number-text.ts).
 */
export const formatNum = (c: Cell | undefined, decimals = 3): string => readableNumber(c, decimals);

/** Degrees of freedom: whole numbers as they are, Welch's with two decimals. */
export const formatDf = (c: Cell | undefined): string => readableDf(c);

const COLUMN_NAMES: Record<string, string> = {
  term: 'Term',
  df: 'df',
  sum_sq: 'Sum of squares',
  mean_sq: 'Mean square',
  f_value: 'F',
  t_value: 't',
  z_value: 'z',
  p_value: 'p',
  eta_sq: 'η²',
  partial_eta_sq: 'η²p',
  omega_sq: 'ω²',
  estimate: 'Estimate',
  std_error: 'SE',
  conf_low: 'CI low',
  conf_high: 'CI high',
  std_estimate: 'β (standardised)',
  odds_ratio: 'Odds ratio',
  group1: 'Group 1',
  group2: 'Group 2',
  difference: 'Difference',
  vif: 'VIF',
  vif_adj: 'GVIF^(1/(2 df))',
  item: 'Item',
  r_drop: 'r (item-rest)',
  alpha_if_dropped: 'α if dropped',
  mean: 'Mean',
  sd: 'SD',
  se: 'SE',
  sample: 'Sample',
  missing: 'Missing',
  earliest: 'Earliest',
  latest: 'Latest',
  days: 'Days between',
  variable: 'Variable',
  statistic: 'Statistic',
  group: 'Group',
  value: 'Value',
  count: 'Count',
  percent: 'Percent',
  valid_percent: 'Valid %',
  check: 'Check',
  reading: 'Reading',
};

/** A result column's name in words ("p_value" -> "p"); unknown names as they are. */
export function columnTitle(column: string): string {
  return COLUMN_NAMES[column] ?? column;
}

const STAT_SYMBOL: Record<string, string> = {
  't.test': 't',
  'wilcox.test': 'W',
  'kruskal.test': 'H',
  'friedman.test': 'χ²',
  'oneway.test': 'F',
  'levene.test': 'F',
  'bartlett.test': 'K²',
  'chisq.test': 'χ²',
  'mcnemar.test': 'χ²',
  'prop.test': 'χ²',
  'binom.test': 'successes',
  'shapiro.test': 'W',
  factanal: 'χ²',
};

/** R's name of an htest's statistic, from the test and R's method text. */
function symbolOf(test: string, method: string, name: unknown): string {
  if (method.startsWith('Wilcoxon signed')) return 'V';
  if (test === 'cor.test')
    // Kendall's statistic is T when exact, z (the normal approximation) otherwise.
    return method.startsWith('Pearson')
      ? 't'
      : method.startsWith('Spearman')
        ? 'S'
        : name === 'z'
          ? 'z'
          : 'T';
  return STAT_SYMBOL[test] ?? 'statistic';
}

/**
 * The one-line APA summary of an htest result ("t(9) = −4.06, p = .003"), or null when the
 * result has no statistic and p-value.
 */
export function apaSummary(test: string, r: Record<string, unknown>): string | null {
  if (r['p_value'] === undefined) return null;
  const stat = r['statistic'] as Cell | undefined;
  const p = pClause(r['p_value'] as Cell);
  if (stat === undefined || stat === null) return p;
  const df = r['df'];
  const dfText = Array.isArray(df)
    ? `(${df.map((d) => formatDf(d as Cell)).join(', ')})`
    : typeof df === 'number' && test !== 'binom.test'
      ? `(${formatDf(df)})`
      : '';
  const correlation = test === 'cor.test' ? correlationClause(r, df) : null;
  if (correlation !== null) return `${correlation}, ${p}`;
  const sym = symbolOf(test, str(r['method']), r['statistic_name']);
  return `${sym}${dfText} = ${formatNum(stat, 2)}, ${p}`;
}

/**
 * A correlation as APA writes it: its coefficient, two decimals without the leading zero
 * (it is at most 1): Pearson's "r(54) = .11", Spearman's "rₛ = .11", Kendall's "τ = .11";
 * null when the result holds no coefficient.
 */
function correlationClause(r: Record<string, unknown>, df: unknown): string | null {
  const raw = r['estimate'];
  const est = Array.isArray(raw) ? (raw[0] as unknown) : raw;
  if (typeof est !== 'number' || !Number.isFinite(est)) return null;
  const method = str(r['method']);
  const sym = /spearman/i.test(method) ? 'rₛ' : /kendall/i.test(method) ? 'τ' : 'r';
  const dfText = sym === 'r' && typeof df === 'number' ? `(${formatDf(df)})` : '';
  return `${sym}${dfText} = ${formatNum(est, 2).replace(/^([−-]?)0\./, '$1.')}`;
}

/**
 * The APA lines of a model: per ANOVA term "group: F(2, 42) = 15.36, p < .001, η²p = .42";
 * for `lm` "R² = .84, F(3, 28) = 48.08, p < .001"; none for other results.
 */
export function modelSummary(test: string, r: Record<string, unknown>): string[] {
  const t = r['table'] as { columns?: unknown; rows?: unknown } | undefined;
  if (test === 'aov' && Array.isArray(t?.columns) && Array.isArray(t.rows)) {
    const cols = t.columns as string[];
    const rows = t.rows as Cell[][];
    const at = (row: Cell[], c: string): Cell | undefined => row[cols.indexOf(c)];
    const resid = rows.find((row) => at(row, 'term') === 'Residuals');
    return rows
      .filter((row) => row !== resid && at(row, 'f_value') !== null)
      .map((row) => {
        const eta = at(row, 'partial_eta_sq');
        // APA: two decimals, three below .01 (η²p = .004), never an exponent.
        const e = typeof eta === 'number' ? eta : null;
        const etaText =
          e === null
            ? formatNum(eta ?? null)
            : e >= 0.01 || e === 0
              ? e.toFixed(2)
              : e < 0.001
                ? '< .001'
                : e.toFixed(3);
        const effect =
          eta === undefined
            ? ''
            : `, η²p ${etaText.startsWith('<') ? '' : '= '}${etaText.replace(/^0/, '')}`;
        return `${str(at(row, 'term'))}: F(${formatDf(at(row, 'df'))}, ${formatDf(resid ? at(resid, 'df') : null)}) = ${formatNum(at(row, 'f_value'), 2)}, ${pClause(at(row, 'p_value'))}${effect}`;
      });
  }
  const lr = r['lr_test'] as Record<string, unknown> | undefined;
  if (test === 'glm' && typeof lr === 'object' && lr !== null) {
    const r2 = formatNum(r['pseudo_r2'] as Cell, 2).replace(/^(−?)0\./, '$1.');
    return [
      `χ²(${formatDf(lr['df'] as Cell)}) = ${formatNum(lr['statistic'] as Cell, 2)}, ${pClause(lr['p_value'] as Cell)}, R²McF = ${r2}`,
    ];
  }
  if (test === 'lm' && typeof r['r_squared'] === 'number' && Array.isArray(r['df'])) {
    const [d1, d2] = r['df'] as Cell[];
    const r2 = formatNum(r['r_squared'], 2).replace(/^0\./, '.');
    return [
      `R² = ${r2}, F(${formatDf(d1)}, ${formatDf(d2)}) = ${formatNum(r['f_statistic'] as Cell, 2)}, ${pClause(r['p_value'] as Cell)}`,
    ];
  }
  return [];
}
