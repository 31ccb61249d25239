/**
 * The API 1.1 commands that change one variable of a held dataset: `edit` (cells),
 * `levels` (order or names of levels) and `settype` (type and missing-value codes). The new
 * vector is built and checked in TypeScript (converters' vector-edit), then replaces the
 * variable in R and in the stored dataset at once (`putVariable`), so both stay equal.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  editCells,
  isBinaryValues,
  jsonValues,
  renameLevels,
  reorderLevels,
  setType,
  type EditCommand,
  type LevelsCommand,
  type PanthrVector,
  type SettypeCommand,
} from '../../converters/index.ts';
import { computeError, type RunOutcome } from './compute.types.ts';
import type { RunContext } from './context.ts';
import { asBuffer } from './values.ts';

/** One of the commands this module runs. */
export type DataCommand = EditCommand | LevelsCommand | SettypeCommand;

function changed(v: PanthrVector, o: DataCommand): PanthrVector {
  switch (o.command) {
    case 'edit':
      return editCells(v, o.rows, o.values);
    case 'levels':
      return o.labels !== undefined ? reorderLevels(v, o.labels) : renameLevels(v, o.rename ?? {});
    case 'settype':
      return setType(v, o.variableType, o.missing, o.decimal);
  }
}

/**
 * Whether two vectors are alike, whichever form their values take: binary (as a stored
 * column of numbers is) or JSON (as the commands build them). Values compare as
 * `Object.is` (-0 is not 0); binary missing values (NaN) read as null.
 */
export function sameVector(a: PanthrVector, b: PanthrVector): boolean {
  const { values: va, ...restA } = a;
  const { values: vb, ...restB } = b;
  if (!isDeepStrictEqual(restA, restB)) return false;
  if (isBinaryValues(va) && isBinaryValues(vb)) return asBuffer(va).equals(asBuffer(vb));
  const ja = jsonValues(va);
  const jb = jsonValues(vb);
  return ja.length === jb.length && ja.every((x, i) => Object.is(x, jb[i]));
}

/**
 * Runs `edit`, `levels` or `settype`: `not_found` for an unknown dataset or variable,
 * `invalid_object` for a change the variable cannot take (nothing changes then). Stores
 * the updated dataset; replies with the command and `result.variable` (the variable as
 * it now is, as for `newvar`). A command that leaves the variable as it was (a cell
 * edited to its own value) stores nothing: it is no change for undo.
 */
export async function runDataCommand(ctx: RunContext, o: DataCommand): Promise<RunOutcome> {
  const entry = ctx.dataset(o.dataset);
  const v = entry.dataset.variables.find((x) => x.name === o.variable);
  if (v === undefined)
    throw computeError('not_found', `variable "${o.variable}" not found in dataset "${o.dataset}"`);
  const next = changed(v, o);
  if (sameVector(next, v))
    return { store: [], remove: [], reply: [{ ...o, result: { variable: v } }] };
  const updated = await ctx.putVariable(o.dataset, next);
  const stored = updated.dataset.variables.find((x) => x.name === o.variable);
  const out = { ...o, result: { variable: stored } };
  return { store: [updated.dataset], remove: [], reply: [out] };
}
