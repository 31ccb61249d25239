/** Formulas through the converters, with their errors as wire codes. */
import { compileFormula, type PanthrDataset } from '../../converters/index.ts';
import { computeError } from './compute.types.ts';

/** The R name compiled formulas use for the data frame (bound by PanthR.r's panthr_formula_env). */
const DATA_VAR = '.d';

/**
 * The R code of `formula` on `dataset`'s columns (as `.d[["name"]]`), compiled from its
 * syntax tree; `invalid_object` with the position (`unknown function "system" at 1`).
 */
export function compileFormulaFor(formula: string, dataset: PanthrDataset): string {
  // Names with their types: the compiler then refuses, say, arithmetic on a nominal variable.
  const types = new Map(dataset.variables.map((v) => [v.name, v.variableType]));
  const compiled = compileFormula(formula, types, { dataVar: DATA_VAR, mode: 'value' });
  if (!compiled.ok) throw computeError('invalid_object', `formula: ${compiled.message}`);
  return compiled.code;
}
