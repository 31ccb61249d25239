// The menus' catalogue: which reports, tests and graphs exist, which variables fit each
// of their slots (a t-test's group must be nominal, etc.), and how a dialog's choices
// become the request object of API.md section 3. DOM-free.
import { DESCRIPTIVE_STATISTICS } from '../../converters/client.ts';
import { MODEL_TESTS } from './analysis-models.ts';
import { CAT, NUM, type Analysis, type OptionSpec, type Slot } from './analysis-spec.ts';
import { MEAN_TESTS } from './analysis-tests.ts';
import type { AnalysisSpec, Dataset, Vector } from './types.ts';
import { levelsOf } from './values.ts';

export type { Analysis, OptionSpec, Slot } from './analysis-spec.ts';

const GROUP: Slot = { key: 'group', label: 'By group', accepts: CAT, count: 'optional' };
/** A report's optional `by` (API.md: one table or row per level). */
const BY: Slot = { key: 'by', label: 'By group', accepts: CAT, count: 'optional' };
/** The one numeric variable most graphs draw. */
const X_NUM: Slot = { key: 'x', label: 'Variable', accepts: NUM, count: 'one' };

/** A graph menu entry: no options, its own slots, then the optional group every graph has. */
function graph(id: string, label: string, slots: readonly Slot[]): Analysis {
  return { id, label, kind: 'graph', wire: id, options: [], slots: [...slots, GROUP] };
}

/** Descriptives' columns (API 1.1 `statistics`); none chosen: API 1.0's nine. */
const STATISTICS: OptionSpec = {
  key: 'statistics',
  label: 'Statistics (none chosen: n, missing, mean, sd, min, quartiles, max)',
  kind: 'choices',
  choices: DESCRIPTIVE_STATISTICS,
  choiceLabels: {
    n: 'n (values)',
    missing: 'missing',
    mean: 'mean',
    sd: 'standard deviation (sd)',
    se: 'standard error of the mean (se)',
    variance: 'variance',
    min: 'minimum',
    q1: 'first quartile (q1)',
    median: 'median',
    q3: 'third quartile (q3)',
    max: 'maximum',
    iqr: 'interquartile range (iqr)',
    range: 'range',
    skewness: 'skewness',
    kurtosis: 'kurtosis (excess)',
    ci_low: '95% CI of the mean, low',
    ci_high: '95% CI of the mean, high',
  },
  default: [],
};

/** Every analysis the client offers, in menu order. */
export const ANALYSES: readonly Analysis[] = [
  {
    id: 'descriptives',
    label: 'Descriptives',
    kind: 'report',
    wire: 'descriptives',
    options: [STATISTICS],
    slots: [{ key: 'variables', label: 'Variables', accepts: NUM, count: 'many' }, BY],
  },
  {
    id: 'frequency',
    label: 'Frequencies',
    kind: 'report',
    wire: 'frequency',
    options: [],
    slots: [{ key: 'variables', label: 'Variables', accepts: CAT, count: 'many' }, BY],
  },
  ...MEAN_TESTS,
  ...MODEL_TESTS,
  graph('hist', 'Histogram', [X_NUM]),
  graph('box', 'Box plot', [X_NUM]),
  graph('scatter', 'Scatter plot', [
    { key: 'x', label: 'X', accepts: NUM, count: 'one' },
    { key: 'y', label: 'Y', accepts: NUM, count: 'one' },
  ]),
  graph('bar', 'Bar chart', [{ key: 'x', label: 'Variable', accepts: CAT, count: 'one' }]),
  graph('dot', 'Dot plot', [X_NUM]),
  graph('quantile', 'Normal quantile plot', [X_NUM]),
];

/** The analysis with this id, or undefined. */
export function analysisById(id: string): Analysis | undefined {
  return ANALYSES.find((a) => a.id === id);
}

/** The variables of `ds` that fit `slot` (type, and level count for group slots). */
export function fittingVariables(ds: Dataset, slot: Pick<Slot, 'accepts' | 'levels'>): Vector[] {
  return ds.variables.filter(
    (v) =>
      slot.accepts.includes(v.variableType) &&
      (slot.levels === undefined || levelsOf(v).length === slot.levels),
  );
}

const required = (s: Slot): boolean => s.count === 'one' || s.count === 'many';

/** True when at least one choice can be made for every required slot of `a` on `ds`. */
export function isApplicable(a: Analysis, ds: Dataset): boolean {
  return a.slots.every((s) => !required(s) || fittingVariables(ds, s).length >= (s.min ?? 1));
}

/** A value of a dialog's option: text as typed, a checkbox, or chosen variables. */
export type OptionValue = string | number | boolean | string[];

/** A dialog's choices: variable names per slot, option values, an optional filter. */
export interface Choices {
  slots: Record<string, string[]>;
  options: Record<string, OptionValue>;
  filter?: string;
  settings?: Record<string, unknown>;
  /** A graph's title (`label`). */
  label?: string;
  /** A graph's size in CSS pixels (`width`, `height`): drawn at the size it is shown. */
  size?: { width: number; height: number };
}

/** Narrowest and widest graph drawn for the outputs panel, in CSS pixels. */
const GRAPH_WIDTH = { min: 360, max: 960 } as const;

/**
 * The size to draw a graph at for a panel whose cards have `available` CSS pixels inside:
 * that width (within {@link GRAPH_WIDTH}), 4:3. Drawn at the size it is shown, R's 12-point
 * text reads as 12 points; a 640-pixel graph shrunk into a 340-pixel card read as 6.
 */
export function graphSize(available: number): { width: number; height: number } {
  const width = Math.round(
    Math.min(
      GRAPH_WIDTH.max,
      Math.max(GRAPH_WIDTH.min, Number.isFinite(available) ? available : 0),
    ),
  );
  return { width, height: Math.round((width * 3) / 4) };
}

/** The numbers of a comma- or space-separated list ("0.5, 0.3"), or null if one is not. */
export function parseNumbers(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter((t) => t !== '');
  const nums = parts.map(Number);
  return nums.every(Number.isFinite) ? nums : null;
}

/** What `x` must be when it is outside `range` ("between 0 and 1"), or null. */
function outOfRange(x: number, range: NonNullable<OptionSpec['range']>): string | null {
  const { min, max, open = false, integer = false } = range;
  const low = min !== undefined && (open ? x <= min : x < min);
  const high = max !== undefined && (open ? x >= max : x > max);
  if (!low && !high && (!integer || Number.isInteger(x))) return null;
  const whole = integer ? 'a whole number ' : '';
  if (min !== undefined && max !== undefined)
    return `${whole}${open ? 'strictly ' : ''}between ${min} and ${max}`;
  if (min !== undefined) return `${whole}${open ? 'above' : 'at least'} ${min}`;
  return `${whole}${open ? 'below' : 'at most'} ${String(max)}`;
}

/** The first problem with `choices` for `a`, in plain words, or null. */
export function validateChoices(a: Analysis, choices: Choices): string | null {
  for (const s of a.slots) {
    const n = choices.slots[s.key]?.length ?? 0;
    if (required(s) && n === 0) return `Choose a variable for "${s.label}".`;
    if ((s.count === 'one' || s.count === 'optional') && n > 1)
      return `Choose only one variable for "${s.label}".`;
    if (s.min !== undefined && n < s.min)
      return `Choose at least ${s.min} variables for "${s.label}".`;
  }
  const chosen = Object.values(choices.slots).flat();
  if (new Set(chosen).size < chosen.length) return 'A variable can fill only one role.';
  for (const o of a.options) {
    const v = choices.options[o.key] ?? o.default;
    if (o.omit !== undefined && v === o.omit) continue;
    if (o.kind === 'number' && (String(v).trim() === '' || !Number.isFinite(Number(v))))
      return `"${o.label}" must be a number.`;
    const outside = o.kind === 'number' && o.range ? outOfRange(Number(v), o.range) : null;
    if (outside !== null) return `"${o.label}" must be ${outside}.`;
    if (o.kind === 'numbers' && parseNumbers(String(v)) === null)
      return `"${o.label}" must be numbers separated by commas.`;
  }
  return null;
}

/** The wire value of one option, or undefined when it is left out (R's default applies). */
function optionValue(o: OptionSpec, v: OptionValue): unknown {
  if (o.omit !== undefined && v === o.omit) return undefined;
  if (Array.isArray(v)) return v.length > 0 ? v : undefined;
  switch (o.kind) {
    case 'number':
      return Number(v);
    case 'numbers':
      return parseNumbers(String(v)) ?? undefined;
    case 'select':
      if (o.numeric === true) return Number(v);
      return v === 'true' ? true : v === 'false' ? false : v;
    case 'boolean':
    case 'text':
    case 'variable':
    case 'variables':
    case 'choices':
      return v;
  }
}

/** A test's `options`: every option (or its default) on the wire, then the fixed ones. */
function testOptions(a: Analysis, choices: Choices): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const o of a.options) {
    const v = optionValue(o, choices.options[o.key] ?? o.default);
    if (v !== undefined) options[o.key] = v;
  }
  return { ...options, ...a.fixed };
}

/** Builds the request object of API.md section 3 for `a` on `dataset`, named `name`. */
export function buildRequest(
  a: Analysis,
  dataset: string,
  name: string,
  choices: Choices,
): AnalysisSpec {
  const vars = a.slots.flatMap((s) => (s.key === 'by' ? [] : (choices.slots[s.key] ?? [])));
  const filter = choices.filter ? { filter: choices.filter } : {};
  if (a.kind === 'report') {
    const by = choices.slots['by']?.[0];
    // A report's options are keys of the request itself (descriptives' `statistics`).
    return {
      type: 'report',
      name,
      reportType: a.wire,
      dataset,
      variables: vars,
      ...(by ? { by } : {}),
      ...testOptions(a, choices),
      ...filter,
    };
  }
  if (a.kind === 'graph') {
    const settings = choices.settings ? { settings: choices.settings } : {};
    const label = choices.label ? { label: choices.label } : {};
    return {
      type: 'graph',
      name,
      graphType: a.wire,
      dataset,
      variables: vars,
      format: 'svg',
      ...(choices.size ?? {}),
      ...label,
      ...settings,
      ...filter,
    };
  }
  const options = testOptions(a, choices);
  return { type: 'test', name, test: a.wire, dataset, variables: vars, options, ...filter };
}
