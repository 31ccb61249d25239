/**
 * Reports, tests and models, graphs and full R: each is one fixed call of a PanthR.r
 * function on assigned arguments; the result is the request with `result` added.
 */
import {
  ConversionError,
  graphSettingsForR,
  jsonToR,
  rCodeContext,
  rToJson,
  type JsonValue,
  type PanthrExtensionGraph,
  type PanthrExtensionReport,
  type PanthrExtensionTest,
  type PanthrGraph,
  type PanthrR,
  type PanthrReport,
  type PanthrTest,
  type StoredPanthrObject,
} from '../../converters/index.ts';
import { rList, rString, type RValue } from '../../r/index.ts';
import { computeError, type RunOutcome } from './compute.types.ts';
import type { DatasetEntry, RunContext } from './context.ts';
import type { RArg } from './r.caller.ts';
import { checkSvg, UnsafeSvgError } from './svg.sanitize.ts';

type Report = PanthrReport | PanthrExtensionReport;
type Test = PanthrTest | PanthrExtensionTest;
type Graph = PanthrGraph | PanthrExtensionGraph;

/** The object with `result` added, stored and sent back. */
function answered(object: StoredPanthrObject, result: unknown): RunOutcome {
  const out = { ...object, result };
  return { store: [out], remove: [], reply: [out] };
}

function requireKind(kinds: ReadonlySet<string>, kind: string, what: string): void {
  if (!kinds.has(kind))
    throw computeError('unknown_type', `unknown ${what} ${JSON.stringify(kind)}`);
}

/** `not_found` for the first named variable the dataset lacks (checked before R). */
function requireVariables(
  entry: DatasetEntry,
  datasetName: string,
  names: readonly string[],
): void {
  const have = new Set(entry.dataset.variables.map((v) => v.name));
  const missing = names.find((n) => !have.has(n));
  if (missing !== undefined) {
    throw computeError('not_found', `variable "${missing}" not found in dataset "${datasetName}"`);
  }
}

/** The data, variables, row mask and r_code context arguments of reports, tests and graphs. */
async function dataArgs(
  ctx: RunContext,
  o: { dataset: string; variables: readonly string[]; filter?: string | undefined },
  extra: readonly string[] = [],
): Promise<{ data: RArg; variables: RArg; rows: RArg; code: RArg }> {
  const entry = ctx.dataset(o.dataset);
  requireVariables(entry, o.dataset, [...o.variables, ...extra]);
  const rows = o.filter === undefined ? null : { value: await ctx.filterRows(o.filter, o.dataset) };
  const code = codeArg(ctx, entry, [...o.variables, ...extra], o.filter);
  return { data: { ref: entry.rVar }, variables: { value: rString([...o.variables]) }, rows, code };
}

/**
 * The `code` argument of the dispatchers (r/R/rcode.R): the data frame's name and the set-up
 * lines for the variables used and the filter (converters/r-code.ts). The filter was already
 * evaluated, so it exists and its formula parses.
 */
function codeArg(
  ctx: RunContext,
  entry: DatasetEntry,
  variables: readonly string[],
  filterName: string | undefined,
): RArg {
  const f = filterName === undefined ? undefined : ctx.object(filterName);
  try {
    const c = rCodeContext({
      dataset: entry.dataset,
      variables,
      filter: f?.type === 'filter' ? f.formula : undefined,
    });
    return {
      value: rList([rString([c.data]), rString(c.setup)], { names: rString(['data', 'setup']) }),
    };
  } catch (e) {
    if (e instanceof ConversionError) throw computeError(e.code, e.message, e);
    throw e;
  }
}

function options(o: unknown): RArg {
  return o === undefined ? null : { value: jsonToR(o as JsonValue) };
}

/** A report's options for R: an extension's `options`, or descriptives' `statistics`. */
function reportOptions(o: Report): RArg {
  if ('options' in o) return options(o.options);
  if ('statistics' in o && o.statistics !== undefined) return options({ statistics: o.statistics });
  return null;
}

/** A report: `panthr_report(kind, data, variables, by, rows, options, code)`. */
export async function runReport(ctx: RunContext, o: Report): Promise<RunOutcome> {
  requireKind(ctx.kinds.reports, o.reportType, 'reportType');
  const a = await dataArgs(ctx, o, o.by === undefined ? [] : [o.by]);
  const by = o.by === undefined ? null : { value: rString([o.by]) };
  const opts = reportOptions(o);
  const value = await ctx.r.call(
    'panthr_report',
    [{ value: rString([o.reportType]) }, a.data, a.variables, by, a.rows, opts, a.code],
    ctx.call,
  );
  return answered(o, rToJson(value));
}

/**
 * The variable a built-in test names in its options (shapiro.test's `by`): checked like the
 * others, and set up in its r_code (factor levels in the workspace's order).
 */
function optionVariables(o: Test): string[] {
  if (o.test !== 'shapiro.test' || o.options === undefined) return [];
  const by = (o.options as Record<string, unknown>)['by'];
  return typeof by === 'string' ? [by] : [];
}

/** A test or model: `panthr_test(kind, data, variables, options, rows, code)`. */
export async function runTest(ctx: RunContext, o: Test): Promise<RunOutcome> {
  requireKind(ctx.kinds.tests, o.test, 'test');
  const a = await dataArgs(ctx, o, optionVariables(o));
  const value = await ctx.r.call(
    'panthr_test',
    [{ value: rString([o.test]) }, a.data, a.variables, options(o.options), a.rows, a.code],
    ctx.call,
  );
  return answered(o, rToJson(value));
}

/** The graph options PanthR.r reads, taken from the request as they are. */
const GRAPH_OPTION_KEYS = [
  'format',
  'width',
  'height',
  'scale',
  'label',
  'xaxis',
  'yaxis',
  'settings',
  // An extension graph's own options (the R side passes them to the kind as o$options).
  'options',
] as const;

/**
 * A graph: `panthr_graph(kind, data, variables, options, rows, code)`. SVG is checked again here
 * against a strict allow-list ({@link checkSvg}); one that fails is an `r_error`.
 */
export async function runGraph(ctx: RunContext, o: Graph): Promise<RunOutcome> {
  requireKind(ctx.kinds.graphs, o.graphType, 'graphType');
  const a = await dataArgs(ctx, o);
  const picked: Record<string, JsonValue> = {};
  // Built-in graphs have no `options` key; an extension graph may: read both as JSON fields.
  const fields = o as Partial<Record<(typeof GRAPH_OPTION_KEYS)[number], JsonValue>>;
  for (const k of GRAPH_OPTION_KEYS) {
    const v = fields[k];
    if (v !== undefined) picked[k] = v;
  }
  if (o.settings !== undefined) picked['settings'] = graphSettingsForR(o.settings);
  const value = await ctx.r.call(
    'panthr_graph',
    [
      { value: rString([o.graphType]) },
      a.data,
      a.variables,
      { value: jsonToR(picked) },
      a.rows,
      a.code,
    ],
    ctx.call,
  );
  const result = rToJson(value) as Record<string, JsonValue>;
  if (result['format'] === 'svg') {
    try {
      const svg = result['data'];
      if (typeof svg !== 'string') throw new UnsafeSvgError('R gave no SVG text');
      checkSvg(svg);
    } catch (e) {
      if (e instanceof UnsafeSvgError) throw computeError('r_error', e.message, e);
      throw e;
    }
  }
  return answered(o, result);
}

/** Full R, only when `allow_full_r` is set; otherwise `forbidden` and R never sees the code. */
export async function runR(ctx: RunContext, o: PanthrR): Promise<RunOutcome> {
  if (!ctx.options.allowFullR) {
    throw computeError('forbidden', 'full R is not allowed on this server (allow_full_r is false)');
  }
  const value: RValue = await ctx.r.call('panthr_eval_r', [{ value: rString([o.code]) }], ctx.call);
  return answered(o, rToJson(value));
}
