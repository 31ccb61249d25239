// The shapes of the Analyze and Graph menus' catalogue (analyses.ts and analysis-tests.ts):
// slots that take variables by role, options, and the help text of each dialog. DOM-free.
import type { VariableType } from './types.ts';

/** A place in a dialog that takes variables, named by its role (dependent, grouping...). */
export interface Slot {
  key: string;
  label: string;
  accepts: readonly VariableType[];
  /** `many`: one or more; `any`: zero or more; `one`: exactly one; `optional`: zero or one. */
  count: 'one' | 'many' | 'any' | 'optional';
  /** For group slots: the variable must have exactly this many levels. */
  levels?: number;
  /** For `many` slots: the fewest variables the analysis needs. */
  min?: number;
}

/** A choice in a dialog's options. */
export interface OptionSpec {
  key: string;
  label: string;
  /**
   * `numbers`: a comma-separated list sent as an array; `text`: a string; `variable` and
   * `variables`: names of the dataset's variables that fit `accepts`; `choices`: any of
   * `choices` (none: the option is left out). A report's options are keys of the request
   * itself (descriptives' `statistics`), a test's go in its `options`.
   */
  kind: 'number' | 'select' | 'boolean' | 'numbers' | 'text' | 'variable' | 'variables' | 'choices';
  /** `select`'s and `choices`' values (`choices`: any number of them, sent as an array). */
  choices?: readonly string[];
  /** The words shown for `choices`' values (the value itself where none). */
  choiceLabels?: Readonly<Record<string, string>>;
  default: string | number | boolean | string[];
  /** The value that leaves the option out of the request, so R's own default applies. */
  omit?: string;
  /** A select whose choices are sent as numbers (`ss_type`). */
  numeric?: boolean;
  accepts?: readonly VariableType[];
  hint?: string;
  /**
   * A number option's range, as the server checks it (said in the dialog before sending):
   * `open` ends are excluded, `integer` asks for a whole number.
   */
  range?: { min?: number; max?: number; open?: boolean; integer?: boolean };
}

/** What a dialog's help says: what the analysis answers, its assumptions, how to read it. */
export interface Help {
  answers: string;
  assumptions: string;
  reading: string;
}

/** One entry of the Analyze and Graph menus. */
export interface Analysis {
  id: string;
  label: string;
  kind: 'report' | 'test' | 'graph';
  /** The Analyze menu's section. */
  group?: string;
  /** `reportType`, `test` or `graphType` on the wire. */
  wire: string;
  slots: readonly Slot[];
  options: readonly OptionSpec[];
  /** Options always sent with these values (a paired t-test's `paired: true`). */
  fixed?: Readonly<Record<string, string | number | boolean>>;
  help?: Help;
}

/** Numeric variables. */
export const NUM: readonly VariableType[] = ['scalar'];
/** Categorical variables: factors in R. */
export const CAT: readonly VariableType[] = ['nominal', 'ordinal', 'logical'];

/** The `alternative` option of R's htests. */
export const ALT: OptionSpec = {
  key: 'alternative',
  label: 'Alternative hypothesis',
  kind: 'select',
  choices: ['two.sided', 'less', 'greater'],
  choiceLabels: {
    'two.sided': 'two-sided (differs)',
    less: 'less (one-sided)',
    greater: 'greater (one-sided)',
  },
  default: 'two.sided',
};

/** The `conf.level` option of R's htests. */
export const CONF: OptionSpec = {
  key: 'conf.level',
  label: 'Confidence level',
  kind: 'number',
  default: 0.95,
  hint: 'Between 0 and 1: 0.95 for a 95% interval.',
  range: { min: 0, max: 1, open: true },
};
