// How results look: tables, test results with their warnings, graphs as <img> from a Blob
// URL (an SVG shown through <img> cannot run script), and their exports.
import { base64ToBytes, download, h } from '../dom.ts';
import { isGraphResult, isTable, type Cell, type GraphResult, type ResultTable } from '../types.ts';
import { columnReader, readableNumber } from '../../../converters/client.ts';
import { formatCell } from '../values.ts';

/** A Blob of a graph result (SVG text, or base64 PNG/PDF). */
export function graphBlob(g: GraphResult): Blob {
  return g.format === 'svg'
    ? new Blob([g.data], { type: g.mime || 'image/svg+xml' })
    : new Blob([base64ToBytes(g.data)], { type: g.mime });
}

const urlCache = new Map<string, string>();

/** The size a graph was drawn at, from its request (`width`, `height` in pixels). */
export function drawnSize(o: unknown): { width: number; height: number } | undefined {
  const { width, height } = (o ?? {}) as { width?: unknown; height?: unknown };
  return typeof width === 'number' && typeof height === 'number' ? { width, height } : undefined;
}

/**
 * An <img> of a graph; Blob URLs are cached per object and hash so re-renders reuse them.
 * With `size` (the size it was drawn at) the page keeps its room while the picture decodes,
 * so a re-render of the outputs keeps the reader's place.
 */
export function graphImage(
  key: string,
  g: GraphResult,
  alt: string,
  size?: { width: number; height: number },
): HTMLImageElement {
  const k = `${key}:${g.data.length}`;
  let url = urlCache.get(k);
  if (url === undefined) {
    url = URL.createObjectURL(graphBlob(g));
    urlCache.set(k, url);
  }
  const box = size === undefined ? {} : { width: String(size.width), height: String(size.height) };
  return h('img', { src: url, alt, class: 'graph', decoding: 'async', ...box });
}

/** CSV text of a table (RFC 4180 quoting; NA for missing). */
function tableToCsv(t: ResultTable): string {
  const q = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [t.columns.map(q).join(',')];
  for (const row of t.rows) lines.push(row.map((c) => q(formatCell(c, 15))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * How the cells of a column are shown, given the column's name and cells (default: the
 * rule of the cards and reports, converters' `columnReader`).
 */
export type ColumnFormat = (column: string, cells: readonly Cell[]) => (c: Cell) => string;

/**
 * An HTML table of a result table, with an "Export CSV" button (full precision) when
 * `exportName` is set; `fmt` and `title` format cells and column names for reading.
 */
export function renderTable(
  t: ResultTable,
  exportName?: string,
  fmt: ColumnFormat = columnReader,
  title: (column: string) => string = (c) => c,
): HTMLElement {
  const rows = t.rows.map((r) => (Array.isArray(r) ? r : []));
  const readers = t.columns.map((column, j) =>
    fmt(
      column,
      rows.map((r) => r[j] ?? null),
    ),
  );
  const table = h(
    'table',
    { class: 'result' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        t.columns.map((c) => h('th', { scope: 'col', title: c }, title(c))),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c: Cell, j) =>
            h(
              'td',
              {
                class:
                  typeof c === 'number' || c === 'NaN' || c === 'Inf' || c === '-Inf' ? 'num' : '',
              },
              (readers[j] ?? readableNumber)(c),
            ),
          ),
        ),
      ),
    ),
  );
  if (exportName === undefined) return h('div', { class: 'table-wrap' }, table);
  const btn = h(
    'button',
    {
      type: 'button',
      class: 'small',
      on: {
        click: () => download(new Blob([tableToCsv(t)], { type: 'text/csv' }), `${exportName}.csv`),
      },
    },
    'Export CSV',
  );
  return h('div', { class: 'table-wrap' }, table, h('div', { class: 'actions' }, btn));
}

const TEST_KEYS: Record<string, string> = {
  method: 'Method',
  statistic: 'Statistic',
  df: 'Degrees of freedom',
  p_value: 'p-value',
  estimate: 'Estimate',
  conf_int: 'Confidence interval',
  conf_level: 'Confidence level',
  alternative: 'Alternative',
  null_value: 'Null value',
  r_squared: 'R²',
  adj_r_squared: 'Adjusted R²',
  sigma: 'Residual standard error',
  f_statistic: 'F statistic',
};

const text = (v: unknown): string =>
  Array.isArray(v)
    ? v.map((x) => readableNumber(x as Cell)).join(', ')
    : typeof v === 'object' && v !== null
      ? JSON.stringify(v)
      : readableNumber(v as Cell);

/** Warnings attached to a result or its object: a string or an array of strings. */
export function warningsOf(...sources: unknown[]): string[] {
  for (const s of sources) {
    const w =
      (s as { warnings?: unknown; warning?: unknown } | null)?.warnings ??
      (s as { warning?: unknown } | null)?.warning;
    if (typeof w === 'string') return [w];
    if (Array.isArray(w)) return w.map(String);
  }
  return [];
}

/** The htest keys every test result has, null when R computes none for the test. */
const UNCOMPUTED = new Set(['statistic', 'df', 'estimate', 'conf_int']);

/** Whether key `k` of result `r` is an htest key R computes none of for this test (not shown). */
export function uncomputed(r: Readonly<Record<string, unknown>>, k: string): boolean {
  return r[k] === null && UNCOMPUTED.has(k);
}

/** A test's result: the named statistics, then any tables (coefficients, ANOVA, counts). */
function renderTestResult(result: Record<string, unknown>, exportName: string): HTMLElement {
  const dl = h('dl', { class: 'stats' });
  const tables: HTMLElement[] = [];
  for (const [k, v] of Object.entries(result)) {
    if (k === 'warnings' || k === 'warning' || k === 'estimate_names' || k === 'statistic_name')
      continue;
    if (uncomputed(result, k)) continue;
    const names = result['estimate_names'];
    if (k === 'estimate' && Array.isArray(v) && Array.isArray(names) && names.length === v.length) {
      const parts = v.map((x, i) => `${String(names[i])}: ${readableNumber(x as Cell)}`);
      dl.append(h('dt', {}, 'Estimate'), h('dd', {}, parts.join('; ')));
      continue;
    }
    if (isTable(v)) {
      tables.push(h('h4', {}, k.replace(/_/g, ' ')), renderTable(v, `${exportName}_${k}`));
    } else if (Array.isArray(v) && Array.isArray(v[0])) {
      tables.push(
        h('h4', {}, k),
        renderTable({
          columns: (v[0] as unknown[]).map((_, j) => `[,${j + 1}]`),
          rows: v as Cell[][],
        }),
      );
    } else {
      dl.append(h('dt', {}, TEST_KEYS[k] ?? k), h('dd', {}, text(v)));
    }
  }
  return h('div', {}, dl, tables);
}

/** Any result: graph, table, test statistics, or (for anything else) its JSON. */
export function renderResult(
  key: string,
  title: string,
  result: unknown,
  exportName: string,
): HTMLElement {
  if (isGraphResult(result)) return graphImage(key, result, title);
  if (isTable(result)) return renderTable(result, exportName);
  if (typeof result === 'object' && result !== null)
    return renderTestResult(result as Record<string, unknown>, exportName);
  return h('pre', {}, String(result));
}
