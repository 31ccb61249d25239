/** The commands of API.md §3: `newvar` and `delete` (`read` is in read.ts). */
import { type PanthrCommand, rToVector } from '../../converters/index.ts';
import { rAttrStrings } from '../../r/index.ts';
import { computeError, type RunOutcome } from './compute.types.ts';
import type { RunContext } from './context.ts';

type Command<K extends PanthrCommand['command']> = Extract<PanthrCommand, { command: K }>;

/**
 * `newvar`: the formula's value becomes variable `variable` of the dataset (added, or with
 * `replace: true` replacing one of that name, in its place; without it an existing name is
 * `invalid_object`). Stores the updated dataset and the command as the record of how the
 * variable was made, without its result: the dataset holds the values, and a result sent
 * again on connect would be applied again by a client (docs/api.md, "The workspace sent on
 * connect"). Replies with the command, `result.variable` and `result.warnings` (R's and the
 * formula language's: see converters/formula/to-r.ts).
 */
export async function runNewvar(ctx: RunContext, o: Command<'newvar'>): Promise<RunOutcome> {
  const entry = ctx.dataset(o.dataset);
  if (o.replace !== true && entry.dataset.variables.some((v) => v.name === o.variable)) {
    throw computeError(
      'invalid_object',
      `dataset "${o.dataset}" already has a variable "${o.variable}": send "replace": true to replace it`,
    );
  }
  const value = await ctx.evalFormula(entry, o.formula);
  const variable = rToVector(o.variable, value);
  const updated = await ctx.putVariable(o.dataset, variable);
  // The variable in its stored form (long scalar values binary, as the dataset keeps them).
  const stored = updated.dataset.variables.find((x) => x.name === variable.name) ?? variable;
  // R's warnings and PanthR.r's own (missing values a summary left out, an all-NaN result).
  const warnings = rAttrStrings(value, 'panthr_warnings').filter((w) => w !== null);
  const out = { ...o, result: { variable: stored, warnings } };
  // A command named like its dataset must not replace the dataset in the workspace.
  const store = o.name === o.dataset ? [] : [{ ...o }];
  return { store: [...store, updated.dataset], remove: [], reply: [out] };
}

/** `delete`: removes `target` from the workspace (and its data from R); `not_found` if absent. */
export function runDelete(ctx: RunContext, o: Command<'delete'>): RunOutcome {
  if (ctx.object(o.target) === undefined) {
    throw computeError('not_found', `there is no object "${o.target}" in the workspace`);
  }
  return { store: [], remove: [o.target], reply: [{ ...o, result: { deleted: o.target } }] };
}
