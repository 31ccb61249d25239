// The menus' catalogue: which reports, tests and graphs exist, which variables fit each
// of their slots (a t-test's group must be nominal, etc.), and how a dialog's choices
// become the request object of API.md section 3. DOM-free.
import type { Dataset, PObject, VariableType, Vector } from './types.ts';
import { levelsOf } from './values.ts';

/** A place in a dialog that takes variables. */
export interface Slot {
  key: string;
  label: string;
  accepts: readonly VariableType[];
  /** `many`: one or more; `one`: exactly one; `optional`: zero or one. */
  count: 'one' | 'many' | 'optional';
  /** For group slots: the variable must have exactly this many levels. */
  levels?: number;
}

/** A choice in a dialog's options. */
export interface OptionSpec {
  key: string;
  label: string;
  kind: 'number' | 'select' | 'boolean';
  choices?: readonly string[];
  default: string | number | boolean;
}

/** One entry of the Analyze and Graph menus. */
export interface Analysis {
  id: string;
  label: string;
  kind: 'report' | 'test' | 'graph';
  /** `reportType`, `test` or `graphType` on the wire. */
  wire: string;
  slots: readonly Slot[];
  options: readonly OptionSpec[];
}

const NUM: readonly VariableType[] = ['scalar'];
const CAT: readonly VariableType[] = ['nominal', 'ordinal', 'logical'];
const ALT: OptionSpec = {
  key: 'alternative',
  label: 'Alternative',
  kind: 'select',
  choices: ['two.sided', 'less', 'greater'],
  default: 'two.sided',
};

const GROUP: Slot = { key: 'group', label: 'By group', accepts: CAT, count: 'optional' };
/** The one numeric variable most graphs draw. */
const X_NUM: Slot = { key: 'x', label: 'Variable', accepts: NUM, count: 'one' };

/** A graph menu entry: no options, its own slots, then the optional group every graph has. */
function graph(id: string, label: string, slots: readonly Slot[]): Analysis {
  return { id, label, kind: 'graph', wire: id, options: [], slots: [...slots, GROUP] };
}

/** Every analysis the client offers, in menu order. */
export const ANALYSES: readonly Analysis[] = [
  {
    id: 'descriptives',
    label: 'Descriptives',
    kind: 'report',
    wire: 'descriptives',
    options: [],
    slots: [
      { key: 'variables', label: 'Variables', accepts: NUM, count: 'many' },
      { key: 'by', label: 'By group', accepts: CAT, count: 'optional' },
    ],
  },
  {
    id: 'frequency',
    label: 'Frequencies',
    kind: 'report',
    wire: 'frequency',
    options: [],
    slots: [{ key: 'variables', label: 'Variables', accepts: CAT, count: 'many' }],
  },
  {
    id: 't.test',
    label: 't-test',
    kind: 'test',
    wire: 't.test',
    slots: [
      { key: 'y', label: 'Variable', accepts: NUM, count: 'one' },
      { key: 'group', label: 'Group (two levels)', accepts: CAT, count: 'optional', levels: 2 },
    ],
    options: [
      { key: 'mu', label: 'Hypothesized mean (mu)', kind: 'number', default: 0 },
      ALT,
      { key: 'var.equal', label: 'Assume equal variances', kind: 'boolean', default: false },
      { key: 'conf.level', label: 'Confidence level', kind: 'number', default: 0.95 },
    ],
  },
  {
    id: 'chisq.test',
    label: 'Chi-squared test',
    kind: 'test',
    wire: 'chisq.test',
    slots: [
      { key: 'a', label: 'Rows', accepts: CAT, count: 'one' },
      { key: 'b', label: 'Columns', accepts: CAT, count: 'one' },
    ],
    options: [{ key: 'correct', label: 'Continuity correction', kind: 'boolean', default: true }],
  },
  {
    id: 'cor.test',
    label: 'Correlation test',
    kind: 'test',
    wire: 'cor.test',
    slots: [
      { key: 'x', label: 'X', accepts: NUM, count: 'one' },
      { key: 'y', label: 'Y', accepts: NUM, count: 'one' },
    ],
    options: [
      {
        key: 'method',
        label: 'Method',
        kind: 'select',
        choices: ['pearson', 'spearman', 'kendall'],
        default: 'pearson',
      },
      ALT,
    ],
  },
  {
    id: 'lm',
    label: 'Linear regression',
    kind: 'test',
    wire: 'lm',
    options: [],
    slots: [
      { key: 'y', label: 'Response', accepts: NUM, count: 'one' },
      { key: 'x', label: 'Predictors', accepts: [...NUM, ...CAT], count: 'many' },
    ],
  },
  {
    id: 'aov',
    label: 'One-way ANOVA',
    kind: 'test',
    wire: 'aov',
    options: [],
    slots: [
      { key: 'y', label: 'Response', accepts: NUM, count: 'one' },
      { key: 'group', label: 'Group', accepts: CAT, count: 'one' },
    ],
  },
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
export function fittingVariables(ds: Dataset, slot: Slot): Vector[] {
  return ds.variables.filter(
    (v) =>
      slot.accepts.includes(v.variableType) &&
      (slot.levels === undefined || levelsOf(v).length === slot.levels),
  );
}

/** True when at least one choice can be made for every required slot of `a` on `ds`. */
export function isApplicable(a: Analysis, ds: Dataset): boolean {
  return a.slots.every((s) => s.count === 'optional' || fittingVariables(ds, s).length > 0);
}

/** A dialog's choices: variable names per slot, option values, an optional filter. */
export interface Choices {
  slots: Record<string, string[]>;
  options: Record<string, string | number | boolean>;
  filter?: string;
  settings?: Record<string, unknown>;
  /** A graph's title (`label`). */
  label?: string;
}

/** The first problem with `choices` for `a`, in plain words, or null. */
export function validateChoices(a: Analysis, choices: Choices): string | null {
  for (const s of a.slots) {
    const n = choices.slots[s.key]?.length ?? 0;
    if (s.count !== 'optional' && n === 0) return `Choose a variable for "${s.label}".`;
    if (s.count !== 'many' && n > 1) return `Choose only one variable for "${s.label}".`;
  }
  for (const o of a.options)
    if (o.kind === 'number' && !Number.isFinite(Number(choices.options[o.key] ?? o.default)))
      return `"${o.label}" must be a number.`;
  return null;
}

/** Builds the request object of API.md section 3 for `a` on `dataset`, named `name`. */
export function buildRequest(
  a: Analysis,
  dataset: string,
  name: string,
  choices: Choices,
): PObject {
  const vars = a.slots.flatMap((s) => (s.key === 'by' ? [] : (choices.slots[s.key] ?? [])));
  const filter = choices.filter ? { filter: choices.filter } : {};
  if (a.kind === 'report') {
    const by = choices.slots['by']?.[0];
    return {
      type: 'report',
      name,
      reportType: a.wire,
      dataset,
      variables: vars,
      ...(by ? { by } : {}),
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
      ...label,
      ...settings,
      ...filter,
    };
  }
  const options: Record<string, string | number | boolean> = {};
  for (const o of a.options) {
    const v = choices.options[o.key] ?? o.default;
    options[o.key] = o.kind === 'number' ? Number(v) : v;
  }
  return { type: 'test', name, test: a.wire, dataset, variables: vars, options, ...filter };
}
