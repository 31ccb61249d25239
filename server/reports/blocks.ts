/**
 * The content of a report, apart from its format: each output becomes a list of blocks
 * (headings, tables, pictures, text) that the HTML and the Word writers both lay out, so
 * the two reports hold the same tables. Results are walked generically: `{"columns","rows"}`
 * objects are tables, scalar keys a two-column table, nested objects their own tables.
 */
import {
  columnReader,
  confidenceText,
  describeOutput,
  effectSizeText,
  cellNumber,
  readableDf,
  readableNumber,
  readableP,
  withValidPercent,
  type NumberCell,
} from '../../converters/index.ts';
import { noteBlocks } from './markdown.ts';
import { resultOf, titleOf } from './outputs.ts';
import type { StoredObject } from '../store/index.ts';

/** One block of a report. */
export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'code'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly caption: string | null;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
    }
  | { readonly kind: 'image'; readonly mime: string; readonly data: string; readonly alt: string };

/**
 * A field's text: numbers as the browser's cards print them (converters/number-text.ts), a
 * p-value (`p`) as APA writes it; nothing for a missing one. The workspace's CSV and
 * `r_code` carry every digit.
 */
export function cellText(v: unknown, p = false): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return p ? readableP(v) : readableNumber(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  // R's non-finite numbers arrive as the strings "NaN", "Inf", "-Inf".
  if (typeof v === 'string') return cellNumber(v) === null ? v : readableNumber(v);
  if (Array.isArray(v)) return v.map((x) => cellText(x, p)).join(', ');
  return JSON.stringify(v);
}

/** Keys of a result that are its machinery, not what a reader looks at. */
const SKIPPED = new Set([
  'r_code',
  'warnings',
  'format',
  'mime',
  'data',
  'statistic_name',
  'estimate_names',
  'conf_level',
  'null_value',
]);

/** The htest keys every test result has, null when R computes none for the test. */
const UNCOMPUTED = new Set(['statistic', 'df', 'estimate', 'conf_int']);

/** Readers' names of result keys and table columns; others are shown with spaces. */
const LABELS: Readonly<Record<string, string>> = {
  method: 'Method',
  statistic: 'Statistic',
  p_value: 'p',
  estimate: 'Estimate',
  conf_int: 'Confidence interval',
  alternative: 'Alternative',
  n: 'N',
  effect_size: 'Effect size',
  term: 'Term',
  std_error: 'SE',
  t_value: 't',
  z_value: 'z',
  f_value: 'F',
  sum_sq: 'Sum of squares',
  mean_sq: 'Mean square',
  conf_low: 'CI low',
  conf_high: 'CI high',
  eta_sq: 'η²',
  partial_eta_sq: 'η²p',
  omega_sq: 'ω²',
  std_estimate: 'β (standardised)',
  odds_ratio: 'Odds ratio',
  r_squared: 'R²',
  adj_r_squared: 'Adjusted R²',
  sigma: 'Residual SE',
  f_statistic: 'F',
  aic: 'AIC',
  bic: 'BIC',
  durbin_watson: 'Durbin-Watson',
  variable: 'Variable',
  group: 'Group',
  value: 'Value',
  count: 'Count',
  percent: 'Percent',
  valid_percent: 'Valid %',
  missing: 'Missing',
  mean: 'Mean',
  sd: 'SD',
  se: 'SE',
  median: 'Median',
  min: 'Min',
  max: 'Max',
  q1: 'Q1',
  q3: 'Q3',
  // The parts of results, as the browser's cards name them.
  descriptives: 'Descriptives',
  sample: 'Sample',
  table: 'ANOVA',
  coefficients: 'Coefficients',
  posthoc: 'Post hoc comparisons',
  assumptions: 'Assumption checks',
  levene: 'Levene’s test',
  shapiro: 'Shapiro-Wilk test of the residuals',
  matrix: 'Correlations',
  observed: 'Observed counts',
  expected: 'Expected counts',
  residuals: 'Standardised residuals',
  row: 'of each row',
  column: 'of each column',
  total: 'of the total',
  classification: 'Classification (observed by predicted)',
  vif: 'Variance inflation',
  vif_adj: 'GVIF^(1/(2 df))',
  items: 'Items',
  item: 'Item',
  r_drop: 'r (item-rest)',
  alpha_if_dropped: 'α if dropped',
  raw_alpha: 'Cronbach’s α',
  std_alpha: 'Standardised α',
  loadings: 'Loadings',
  uniquenesses: 'Uniquenesses',
  sdev: 'Standard deviations',
  variance_explained: 'Variance explained',
  group1: 'Group 1',
  group2: 'Group 2',
  difference: 'Difference',
  null_value: 'Null value',
  conf_level: 'Confidence level',
  df: 'df',
  r: 'r',
};

function label(key: string): string {
  return LABELS[key] ?? key.replace(/_/g, ' ');
}

/** The row of one scalar key of a result: its reader's name and its text. */
function fieldRow(key: string, v: unknown, value: Record<string, unknown>): string[] {
  if (key === 'statistic' && typeof value['statistic_name'] === 'string')
    return [`Statistic (${value['statistic_name']})`, cellText(v)];
  if (key === 'estimate' && Array.isArray(v) && Array.isArray(value['estimate_names'])) {
    const names = value['estimate_names'] as unknown[];
    return ['Estimate', v.map((x, i) => `${cellText(names[i])}: ${cellText(x)}`).join('; ')];
  }
  if (key === 'conf_int' && Array.isArray(v)) {
    const level = typeof value['conf_level'] === 'number' ? value['conf_level'] : 0.95;
    return [`${confidenceText(level)} CI`, `[${v.map((x) => cellText(x)).join(', ')}]`];
  }
  if (key === 'alternative' && typeof v === 'string') return ['Alternative', v.replace('.', '-')];
  // Degrees of freedom as the cards write them: whole, or Welch's with two decimals.
  if (key === 'df' || key === 'df_residual')
    return [
      label(key),
      Array.isArray(v)
        ? v.map((x) => readableDf(x as NumberCell)).join(', ')
        : readableDf(v as NumberCell),
    ];
  return [label(key), cellText(v, key === 'p_value')];
}

function isTable(v: unknown): v is { columns: unknown[]; rows: unknown[][] } {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as { columns?: unknown }).columns) &&
    Array.isArray((v as { rows?: unknown }).rows)
  );
}

function isEffect(v: unknown): v is { name: string; value: unknown; conf_int?: unknown } {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
}

function isPlain(v: unknown): boolean {
  return (
    v === null ||
    typeof v !== 'object' ||
    (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'))
  );
}

/** A `{"variables", "r": [[...]], ...}` matrix (the `cor` test) as one table per key. */
function matrixBlocks(key: string, m: Record<string, unknown>): Block[] | null {
  const vars = m['variables'];
  if (!Array.isArray(vars)) return null;
  const out: Block[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'variables' || !Array.isArray(v)) continue;
    const rows = v.map((row, i) => [
      cellText(vars[i]),
      ...(row as unknown[]).map((x) => cellText(x, k === 'p_value')),
    ]);
    out.push({
      kind: 'table',
      caption: `${key}: ${label(k)}`,
      columns: ['', ...vars.map((x) => cellText(x))],
      rows,
    });
  }
  return out;
}

/**
 * Result parts whose columns are the data's levels (a contingency table's, a
 * classification's): their headers are shown as they are, and their cells read alike
 * whatever a level is called (a level `p` or `n` is no p-value or count column).
 */
const LEVEL_TABLES = new Set(['observed', 'expected', 'residuals', 'percent', 'classification']);

/**
 * A `{"columns","rows"}` value as a table block; `levels`: its columns are the data's
 * levels ({@link LEVEL_TABLES}).
 */
function tableBlock(
  caption: string | null,
  v: { columns: unknown[]; rows: unknown[] },
  levels = false,
): Block {
  // A frequency table gains its "Valid %" column, as the browser's card shows it.
  const t = withValidPercent({
    columns: v.columns.map((c) => String(c)),
    rows: v.rows.map((r): unknown[] => (Array.isArray(r) ? (r as unknown[]) : [r])),
  });
  const names = t.columns;
  const rows = t.rows as NumberCell[][];
  // Each column as the browser's card reads it (its whole numbers beside fractional ones
  // with decimals too); a missing value's row of frequencies is "(missing)"; a missing
  // cell elsewhere is left blank.
  const readers = names.map((name, j) =>
    columnReader(
      levels ? '' : name,
      rows.map((r) => r[j]),
    ),
  );
  const text = (x: NumberCell, j: number): string =>
    x === null && (levels || (names[j] !== 'value' && names[j] !== 'group'))
      ? ''
      : (readers[j] ?? readableNumber)(x);
  return {
    kind: 'table',
    caption,
    columns: levels ? names : names.map(label),
    rows: rows.map((r) => r.map(text)),
  };
}

/** The blocks of a result object (or a nested part of one, captioned `caption`). */
function valueBlocks(
  caption: string | null,
  value: Record<string, unknown>,
  levels = false,
): Block[] {
  const fields: string[][] = [];
  const nested: Block[] = [];
  // A result that is itself a table (descriptives: `{"columns","rows",...}`) is that table,
  // then its other keys.
  const whole = isTable(value) ? [tableBlock(caption, value)] : [];
  for (const [key, v] of Object.entries(value)) {
    if (caption === null && SKIPPED.has(key)) continue;
    if (whole.length > 0 && (key === 'columns' || key === 'rows')) continue;
    const name = caption === null ? label(key) : `${caption}: ${label(key)}`;
    const ofLevels = levels || LEVEL_TABLES.has(key);
    if (isTable(v)) nested.push(tableBlock(name, v, ofLevels));
    // An htest key R computes none of for this test (Kendall's df) is null: not a row.
    else if (v === null && UNCOMPUTED.has(key)) continue;
    else if (isPlain(v)) fields.push(fieldRow(key, v, value));
    else if (key === 'effect_size' && isEffect(v))
      fields.push(['Effect size', effectSizeText(v) ?? '']);
    else if (Array.isArray(v)) {
      const objs = v.filter(
        (x): x is Record<string, unknown> => typeof x === 'object' && x !== null,
      );
      const cols = [...new Set(objs.flatMap((x) => Object.keys(x)))];
      nested.push({
        kind: 'table',
        caption: name,
        columns: cols,
        rows: objs.map((x) => cols.map((c) => cellText(x[c]))),
      });
    } else {
      const obj = v as Record<string, unknown>;
      nested.push(...(matrixBlocks(name, obj) ?? valueBlocks(name, obj, ofLevels)));
    }
  }
  const head: Block[] =
    fields.length > 0 ? [{ kind: 'table', caption, columns: ['', 'Value'], rows: fields }] : [];
  return [...whole, ...head, ...nested];
}

function graphBlocks(o: StoredObject, r: Readonly<Record<string, unknown>>): Block[] {
  const data = r['data'];
  const mime = r['mime'];
  if (typeof data !== 'string' || typeof mime !== 'string') return [];
  if (mime === 'image/svg+xml')
    return [
      { kind: 'image', mime, data: Buffer.from(data, 'utf8').toString('base64'), alt: titleOf(o) },
    ];
  if (mime === 'image/png') return [{ kind: 'image', mime, data, alt: titleOf(o) }];
  return [{ kind: 'paragraph', text: `(a ${String(r['format'])} graph: see the workspace)` }];
}

/**
 * The blocks of one output: its heading and what it was computed from, then its tables or
 * picture, warnings, R code.
 */
export function outputBlocks(o: StoredObject): Block[] {
  const heading: Block = { kind: 'heading', level: 2, text: titleOf(o) };
  if (o['type'] === 'note') {
    // A note is text among the outputs: headed only when it was given a label.
    const labelled = typeof o['label'] === 'string' && o['label'].trim() !== '';
    return [...(labelled ? [heading] : []), ...noteBlocks(String(o['text']))];
  }
  const r = resultOf(o);
  const body = o['type'] === 'graph' ? graphBlocks(o, r) : valueBlocks(null, r);
  const warnings = Array.isArray(r['warnings']) ? r['warnings'].map(String) : [];
  const tail: Block[] =
    warnings.length > 0 ? [{ kind: 'list', items: warnings.map((w) => `Warning: ${w}`) }] : [];
  const context = describeOutput(o);
  const from: Block[] = context === null ? [] : [{ kind: 'paragraph', text: context }];
  return [heading, ...from, ...body, ...tail];
}
