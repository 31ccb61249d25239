/** Formulas and CSV through the converters, with their errors as wire codes. */
import { compileFormula, parseCsv, type PanthrDataset } from '../../converters/index.ts';
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

/**
 * CSV text as the dataset called `name`: `invalid_object` with the line number when it
 * cannot be read, `too_large` past `maxData` cells (refused while parsing, before R).
 */
export function parseCsvDataset(name: string, text: string, maxData: number | null): PanthrDataset {
  const parsed = parseCsv(text, { name, maxCells: maxData });
  if (parsed.ok) return parsed.dataset;
  // The converter gives the line apart; of its messages only the field-count one names it
  // ("line 3 has 1 fields ..."), and a size refusal has no line worth naming.
  const named = parsed.code === 'too_large' || parsed.message.startsWith(`line ${parsed.line} `);
  const where = named ? '' : ` (line ${parsed.line})`;
  throw computeError(parsed.code, `CSV: ${parsed.message}${where}`);
}
