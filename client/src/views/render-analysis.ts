// A test or model result for reading: the APA line and main table first, then effect
// sizes, assumption checks, post hoc comparisons, further tables, warnings and the R code.
import { columnReader, confidenceText, effectSizeText } from '../../../converters/client.ts';
import { h } from '../dom.ts';
import { apaSummary, columnTitle, formatDf, formatNum, formatP, modelSummary } from '../format.ts';
import { isTable, str, type Cell, type ResultTable } from '../types.ts';
import { renderTable, uncomputed } from './render-result.ts';

type R = Record<string, unknown>;

const table = (t: ResultTable, exportName: string): HTMLElement =>
  renderTable(t, exportName, columnReader, columnTitle);

/**
 * A table whose columns are the data's levels (observed and expected counts, residuals,
 * percentages, a classification): headers as they are, and the cells read alike whatever a
 * level is called (a level `p_value` or `n` is no p-value or count column).
 */
const levelTable = (t: ResultTable, exportName: string): HTMLElement =>
  renderTable(t, exportName, (_, cells) => columnReader('', cells));

function section(title: string, ...body: (HTMLElement | null)[]): HTMLElement | null {
  const parts = body.filter((b): b is HTMLElement => b !== null);
  return parts.length === 0
    ? null
    : h('section', { class: 'result-part' }, h('h4', {}, title), parts);
}

const ci = (v: unknown, level: unknown): string =>
  Array.isArray(v) && v.length === 2
    ? `${confidenceText(typeof level === 'number' ? level : 0.95)} CI [${formatNum(v[0] as Cell)}, ${formatNum(v[1] as Cell)}]`
    : '';

/**
 * What a t test's interval is of, in words, after it: " of the difference in means (A − B)",
 * " of the mean difference", " of the mean"; nothing for other tests (R's estimate says it).
 */
function intervalOf(test: string, r: R): string {
  if (test !== 't.test') return '';
  const names = Array.isArray(r['estimate_names']) ? r['estimate_names'].map((n) => str(n)) : [];
  if (names.length === 2) {
    // Two variables' means are R's "mean of x" and "mean of y": the first minus the second.
    if (names[0] === 'mean of x') return ' of the difference in means (first − second)';
    const [a, b] = names.map((n) => n.replace(/^mean in group /, ''));
    return ` of the difference in means (${a ?? ''} − ${b ?? ''})`;
  }
  return names[0] === 'mean difference' ? ' of the mean difference' : ' of the mean';
}

/** The htest facts (and a model's fit statistics) as a definition list. */
function facts(r: R, test: string): HTMLElement | null {
  const rows: [string, string][] = [];
  const add = (k: string, label: string, f: (v: Cell) => string = (v) => formatNum(v)): void => {
    const v = r[k];
    if (v !== undefined && !Array.isArray(v) && (typeof v !== 'object' || v === null))
      rows.push([label, f(v as Cell)]);
  };
  if (typeof r['method'] === 'string') rows.push(['Method', r['method']]);
  if (!uncomputed(r, 'statistic'))
    add(
      'statistic',
      typeof r['statistic_name'] === 'string' ? `Statistic (${r['statistic_name']})` : 'Statistic',
    );
  if (Array.isArray(r['df'])) rows.push(['df', r['df'].map((d) => formatDf(d as Cell)).join(', ')]);
  // R's "parameter" of a binomial test is its number of trials, not degrees of freedom.
  else if (!uncomputed(r, 'df')) add('df', test === 'binom.test' ? 'Trials' : 'df', formatDf);
  add('p_value', 'p-value', formatP);
  const est = r['estimate'];
  if (Array.isArray(est)) {
    const names = Array.isArray(r['estimate_names']) ? r['estimate_names'] : [];
    const text = est.map((e, i) => `${str(names[i], 'estimate')}: ${formatNum(e as Cell)}`);
    rows.push(['Estimate', text.join('; ')]);
  }
  if (Array.isArray(r['conf_int']))
    rows.push([
      'Confidence interval',
      `${ci(r['conf_int'], r['conf_level'])}${intervalOf(test, r)}`,
    ]);
  if (typeof r['alternative'] === 'string')
    rows.push(['Alternative', r['alternative'].replace('two.sided', 'two-sided')]);
  for (const [k, label] of [
    ['r_squared', 'R²'],
    ['adj_r_squared', 'Adjusted R²'],
    ['sigma', 'Residual SE'],
    ['f_statistic', 'F'],
    ['aic', 'AIC'],
    ['bic', 'BIC'],
    ['deviance', 'Deviance'],
    ['null_deviance', 'Null deviance'],
    ['df_residual', 'Residual df'],
    ['pseudo_r2', 'Pseudo R² (McFadden)'],
    ['percent_correct', '% classified right (at 0.5)'],
    ['raw_alpha', 'Cronbach’s α'],
    ['std_alpha', 'Standardised α'],
  ] as const)
    add(k, label);
  add('n', 'Rows used (n)');
  if (rows.length === 0) return null;
  return h(
    'dl',
    { class: 'stats' },
    rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** A correlation matrix as two tables, r and p. */
function matrixTables(m: R, exportName: string): HTMLElement[] {
  const vars = Array.isArray(m['variables']) ? m['variables'].map((v) => str(v)) : [];
  const grid = (key: string): ResultTable => ({
    columns: ['variable', ...vars],
    rows: vars.map((v, i) => [v, ...((m[key] as Cell[][] | undefined)?.[i] ?? [])]),
  });
  const p = grid('p_value');
  return [
    h('h5', {}, 'Correlation (r)'),
    table(grid('r'), `${exportName}_r`),
    h('h5', {}, 'p-values'),
    renderTable(p, `${exportName}_p`, (c) => (v) => (c === 'variable' ? str(v) : formatP(v))),
  ];
}

/** The main tables of each kind of result. */
function mainTables(r: R, exportName: string): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (isTable(r['descriptives']))
    out.push(h('h5', {}, 'Descriptives'), table(r['descriptives'], `${exportName}_descriptives`));
  for (const k of ['table', 'coefficients', 'items', 'loadings', 'observed'])
    if (isTable(r[k])) {
      if (k === 'observed') out.push(h('h5', {}, 'Observed counts'));
      out.push((k === 'observed' ? levelTable : table)(r[k], `${exportName}_${k}`));
    }
  if (Array.isArray(r['rows'])) {
    const rows = (r['rows'] as R[]).map((x) => [x['group'], x['statistic'], x['p_value'], x['n']]);
    out.push(
      table(
        { columns: ['group', 'statistic', 'p_value', 'n'], rows: rows as Cell[][] },
        exportName,
      ),
    );
  }
  if (typeof r['matrix'] === 'object' && r['matrix'] !== null)
    out.push(...matrixTables(r['matrix'] as R, exportName));
  for (const k of ['sdev', 'variance_explained', 'uniquenesses'] as const)
    if (Array.isArray(r[k]))
      out.push(
        h('p', {}, `${k.replace('_', ' ')}: ${r[k].map((v) => formatNum(v as Cell)).join(', ')}`),
      );
  return out;
}

/** "Cohen’s d = 0.490, 95% CI [−0.020, 1.010]" (converters' effectSizeText, as reports say it). */
function effectSize(r: R): HTMLElement | null {
  const text = effectSizeText(r['effect_size']);
  return text === null ? null : h('p', { class: 'effect' }, text);
}

/** Levene's and Shapiro-Wilk's checks of an ANOVA, with what each p means. */
function assumptions(r: R, exportName: string): HTMLElement | null {
  const a = r['assumptions'] as R | undefined;
  if (typeof a !== 'object' || a === null) return null;
  const row = (label: string, t: R | null | undefined, ok: string, bad: string): Cell[] => {
    if (typeof t !== 'object' || t === null) return [label, null, null, null, 'not computed'];
    const df = Array.isArray(t['df']) ? t['df'].map((d) => formatDf(d as Cell)).join(', ') : null;
    const p = Number(t['p_value']);
    return [label, t['statistic'] as Cell, df, t['p_value'] as Cell, p < 0.05 ? bad : ok];
  };
  const t: ResultTable = {
    columns: ['check', 'statistic', 'df', 'p_value', 'reading'],
    rows: [
      row(
        'Levene (equal variances)',
        a['levene'] as R,
        'variances similar',
        'variances differ: prefer Games-Howell',
      ),
      row(
        'Shapiro-Wilk (normal residuals)',
        a['shapiro'] as R,
        'no evidence against normality',
        'residuals not normal',
      ),
    ],
  };
  return table(t, `${exportName}_assumptions`);
}

const EXTRA: Record<string, string> = {
  expected: 'Expected counts',
  residuals: 'Standardised residuals',
  classification: 'Classification (observed × predicted)',
  vif: 'Collinearity (VIF)',
};

/** Tables that follow the post hoc ones: expected counts, residuals, percentages, VIF... */
function extraTables(r: R, exportName: string): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const [k, title] of Object.entries(EXTRA))
    if (isTable(r[k]))
      out.push(h('h5', {}, title), (k === 'vif' ? table : levelTable)(r[k], `${exportName}_${k}`));
  const pct = r['percent'] as R | undefined;
  if (typeof pct === 'object' && pct !== null)
    for (const [k, t] of Object.entries(pct))
      if (isTable(t))
        out.push(
          h('h5', {}, `Percent of ${k === 'total' ? 'the total' : `each ${k}`}`),
          levelTable(t, `${exportName}_percent_${k}`),
        );
  if (typeof r['durbin_watson'] === 'number')
    out.push(
      h('p', {}, `Durbin-Watson: ${formatNum(r['durbin_watson'])} (near 2: independent residuals)`),
    );
  return out;
}

/** Outputs whose R code the user opened: re-rendering (a new result) keeps it open. */
const codeOpen = new Set<string>();

function rCode(code: string, key: string): HTMLElement {
  // A click on the summary is the user's choice; `toggle` also fires for re-renders.
  const summary = h('summary', {}, 'Show R code');
  const d = h(
    'details',
    { class: 'r-code', open: codeOpen.has(key) },
    summary,
    h('pre', {}, h('code', {}, code)),
  );
  summary.addEventListener('click', () => (d.open ? codeOpen.delete(key) : codeOpen.add(key)));
  return d;
}

/** How the post hoc comparisons of a request were made, in words (none: not said). */
export function posthocMethod(test: string, options: unknown): string | null {
  const o = (typeof options === 'object' && options !== null ? options : {}) as R;
  if (test === 'aov') {
    const names: R = {
      tukey: "Tukey's HSD",
      holm: 'pairwise t tests, Holm-adjusted',
      bonferroni: 'pairwise t tests, Bonferroni-adjusted',
      games_howell: 'Games-Howell',
    };
    const m = names[String(o['posthoc'])];
    return typeof m === 'string' ? m : null;
  }
  if (test === 'kruskal.test')
    return `pairwise Wilcoxon tests, ${typeof o['p.adjust'] === 'string' ? o['p.adjust'] : 'holm'}-adjusted`;
  return null;
}

/** The result of a `test` object, in reading order, with "Show R code". */
export function renderAnalysis(
  test: string,
  r: R,
  warnings: string[],
  exportName: string,
  options?: unknown,
): HTMLElement {
  // A model's own line (R² and F, the likelihood-ratio test) says its p; the htest line
  // would repeat it alone.
  const model = modelSummary(test, r);
  const apa = model.length > 0 ? null : apaSummary(test, r);
  const code = typeof r['r_code'] === 'string' ? r['r_code'] : null;
  const posthoc = isTable(r['posthoc']) ? table(r['posthoc'], `${exportName}_posthoc`) : null;
  const method = posthoc === null ? null : posthocMethod(test, options);
  const extra = extraTables(r, exportName);
  return h(
    'div',
    { class: 'analysis-result' },
    apa ? h('p', { class: 'apa' }, apa) : null,
    model.map((line) => h('p', { class: 'apa' }, line)),
    facts(r, test),
    mainTables(r, exportName),
    section('Effect size', effectSize(r)),
    section('Assumption checks', assumptions(r, exportName)),
    section(method === null ? 'Post hoc comparisons' : `Post hoc comparisons (${method})`, posthoc),
    extra.length ? h('section', { class: 'result-part' }, h('h4', {}, 'More tables'), extra) : null,
    warnings.length
      ? section(
          'Warnings',
          h(
            'ul',
            { class: 'warnings', 'aria-label': 'Warnings' },
            warnings.map((w) => h('li', {}, w)),
          ),
        )
      : null,
    code ? rCode(code, exportName) : null,
  );
}
