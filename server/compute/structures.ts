/**
 * Vectors, datasets and filters: the data of a workspace. Datasets go to R by binary
 * assign (after the size check); a filter is the row mask its formula gives.
 */
import {
  datasetRows,
  valuesLength,
  type PanthrDataset,
  type PanthrFilter,
  type PanthrVector,
  type StoredPanthrObject,
} from '../../converters/index.ts';
import { NA_LOGICAL, rLogical, type RLogical, type RValue } from '../../r/index.ts';
import { computeError, type RunOutcome } from './compute.types.ts';
import type { RunContext } from './context.ts';
import { checkSize, storedVector } from './values.ts';
import { receivedChecksums, type SlicePart } from './upload-slices.ts';

/** A vector: stored as it is (binary values as a Buffer); nothing goes to R. */
export function runVector(ctx: RunContext, o: PanthrVector): RunOutcome {
  const rows = valuesLength(o.values);
  // Refused before the stored form is built (that may copy millions of values).
  checkSize(o.name, rows, 1, ctx.options.maxData);
  const out = { ...storedVector(o), result: { rows } };
  return { store: [out], remove: [], reply: [out] };
}

/**
 * A dataset: size-checked, assigned to R as a data frame, stored (binary values kept).
 * With `"echoValues": false` (whole datasets and `append` parts) the reply holds no values
 * but each variable's checksum of them as received, as a last slice's reply does (docs/api.md,
 * "Uploading in parts"); the key only shapes the reply and is never stored.
 */
export async function runDataset(ctx: RunContext, sent: PanthrDataset): Promise<RunOutcome> {
  const { echoValues, ...o } = sent;
  if (o.slice !== undefined) return runSlice(ctx, o as SlicePart);
  // A whole dataset of this name ends an upload of it in slices.
  ctx.slices.drop(o.name);
  if (o.append === true) {
    const done = await appendVariables(ctx, o);
    return echoValues === false ? withoutValues(done, receivedChecksums(o.variables)) : done;
  }
  // Computed while the store finishes writing the values, which the run waits for anyway.
  let checksums: Readonly<Record<string, string>> = {};
  const entry = await ctx.putDataset(
    o,
    echoValues === false ? () => (checksums = receivedChecksums(o.variables)) : undefined,
  );
  const out = {
    ...entry.dataset,
    result: { rows: entry.rows, variables: o.variables.length },
  };
  const done = { store: [out], remove: [], reply: [out] };
  return echoValues === false ? withoutValues(done, checksums) : done;
}

/** `done` with its dataset reply answered without values: their checksums in `result`. */
function withoutValues(done: RunOutcome, checksums: Readonly<Record<string, string>>): RunOutcome {
  const reply = done.reply.map((r) =>
    r.type === 'dataset'
      ? { ...r, variables: [], result: { ...(r.result as object), checksums } }
      : r,
  );
  return { ...done, reply };
}

/**
 * A part of an upload (`"append": true`, docs/api.md "Uploading in parts"): its variables
 * are added to the stored dataset of that name, or replace its variables of the same names,
 * one column at a time in R. Every variable must have the dataset's rows. The workspace
 * stores the whole dataset; the reply is the part as sent with `result` saying the rows
 * and the dataset's variables now.
 */
async function appendVariables(ctx: RunContext, o: PanthrDataset): Promise<RunOutcome> {
  const held = ctx.dataset(o.name);
  const rows = datasetRows(o);
  if (o.variables.length > 0 && rows !== held.rows) {
    throw computeError(
      'invalid_object',
      `the variables to append have ${rows} rows where dataset "${o.name}" has ${held.rows}`,
    );
  }
  const total = new Set([...held.dataset.variables, ...o.variables].map((v) => v.name)).size;
  checkSize(o.name, held.rows, total, ctx.options.maxData);
  const entry = await ctx.putColumns(o, true);
  // The part as sent: a JSON client's echo is its own values, not JSON made again from
  // the stored binary form (binaryToJson of every value).
  const out = {
    ...o,
    result: { rows: entry.rows, variables: entry.dataset.variables.length },
  };
  const whole = { ...entry.dataset, result: out.result };
  return { store: [whole], remove: [], reply: [out] };
}

/**
 * A row slice of an upload (docs/api.md, "Uploading in parts"; put together by
 * upload-slices.ts). Checked against the dataset and `max_data` on every slice; answered
 * without its values: `result` `{rows, received}` until the last row, then the part runs
 * whole and `result` is `{rows, variables, checksums}` (variables of the dataset now, one
 * checksum per variable sent). A new dataset goes to R one column per call, so that no
 * single step converts every column at once.
 */
async function runSlice(ctx: RunContext, o: SlicePart): Promise<RunOutcome> {
  const { rows } = o.slice;
  const names = o.variables.map((v) => v.name);
  if (o.append === true) {
    const held = ctx.dataset(o.name);
    if (rows !== held.rows) {
      throw computeError(
        'invalid_object',
        `the variables to append have ${rows} rows where dataset "${o.name}" has ${held.rows}`,
      );
    }
    names.push(...held.dataset.variables.map((v) => v.name));
  }
  checkSize(o.name, rows, new Set(names).size, ctx.options.maxData);
  const got = ctx.slices.take(o, ctx.owner);
  const { variables, ...head } = o;
  const reply = { ...head, variables: [] as PanthrDataset['variables'] };
  if (!got.done) {
    const out = { ...reply, result: { rows, received: got.received } } as StoredPanthrObject;
    return { store: [], remove: [], reply: [out] };
  }
  void variables;
  const done =
    got.part.append === true
      ? await appendVariables(ctx, got.part)
      : await newDataset(ctx, got.part);
  const stored = done.store[0] as StoredPanthrObject & { result: Record<string, unknown> };
  const result = { ...stored.result, checksums: got.checksums };
  return { ...done, reply: [{ ...reply, result }] };
}

/** A dataset put into R one column per call (see runSlice); stored whole. */
async function newDataset(ctx: RunContext, o: PanthrDataset): Promise<RunOutcome> {
  const entry = await ctx.putColumns(o, false);
  const out = {
    ...entry.dataset,
    result: { rows: entry.rows, variables: o.variables.length },
  } as StoredPanthrObject;
  return { store: [out], remove: [], reply: [out] };
}

/**
 * A filter's value as a row mask; `invalid_object` when the formula does not give
 * true/false per row. NA stays NA (PanthR.r counts it as false).
 */
export function toMask(value: RValue, formula: string): RLogical {
  if (value.kind !== 'logical') {
    throw computeError(
      'invalid_object',
      `the filter formula ${JSON.stringify(formula)} must give true or false`,
    );
  }
  // A plain copy without attributes (names, dims) so it can be assigned again as it is.
  return rLogical(value.values);
}

/** The rows a mask keeps and those it leaves NA (which PanthR.r counts as not kept). */
function maskCounts(mask: RLogical): { selected: number; missing: number } {
  let selected = 0;
  let missing = 0;
  for (const x of mask.values) {
    if (x === 1) selected++;
    else if (x === NA_LOGICAL) missing++;
  }
  return { selected, missing };
}

/** A filter: its formula is evaluated on the dataset; result `{selected, rows, missing}`. */
export async function runFilter(ctx: RunContext, o: PanthrFilter): Promise<RunOutcome> {
  const entry = ctx.dataset(o.dataset);
  const mask = toMask(await ctx.evalFormula(entry, o.formula), o.formula);
  const { selected, missing } = maskCounts(mask);
  const out = { ...o, result: { selected, rows: entry.rows, missing } };
  return { store: [out], remove: [], reply: [out] };
}
