/**
 * Dataset sizes and the stored (JSON) form of values, plus JSON arguments as R values.
 * Clients may send a scalar vector's values as binary float64 (a Float64Array, or a Buffer /
 * Uint8Array of little-endian float64 as Socket.IO delivers it); R gets those bytes in one
 * copy (converters' vectorToR), while the workspace keeps numbers and nulls so that a stored
 * dataset is plain JSON (any NaN is missing: null; +-Infinity: "Inf" / "-Inf").
 */
import {
  type JsonValue,
  valuesLength,
  type PanthrDataset,
  type PanthrVector,
  type VectorValue,
} from '../../converters/index.ts';
import { R_NULL, rDouble, rList, rLogical, rString, type RValue } from '../../r/qap1/sexp.ts';
import { computeError } from './compute.types.ts';

/** Rows of a dataset (the length of its first variable; 0 without variables). */
export function datasetRows(d: PanthrDataset): number {
  const first = d.variables[0];
  return first ? valuesLength(first.values) : 0;
}

/**
 * Refuses (`too_large`) a dataset whose rows x variables exceed `maxData`; nothing has
 * reached R when it throws. `maxData` null: no limit.
 */
export function checkSize(
  name: string,
  rows: number,
  variables: number,
  maxData: number | null,
): void {
  if (maxData !== null && rows * variables > maxData) {
    throw computeError(
      'too_large',
      `"${name}" has ${rows} rows x ${variables} variables = ${rows * variables} values, ` +
        `over this server's limit of ${maxData}`,
    );
  }
}

/** Binary float64 values (any alignment) as JSON values. */
function binaryToJson(values: Float64Array | Uint8Array): VectorValue[] {
  let f64: Float64Array;
  if (values instanceof Float64Array) f64 = values;
  else if (values.byteOffset % 8 === 0)
    f64 = new Float64Array(values.buffer, values.byteOffset, values.byteLength / 8);
  // A Buffer's slice() is a view; the Uint8Array constructor copies into a fresh, aligned buffer.
  else f64 = new Float64Array(new Uint8Array(values).buffer);
  const out = new Array<VectorValue>(f64.length);
  for (let i = 0; i < f64.length; i++) {
    const x = f64[i] as number;
    out[i] = Number.isFinite(x) ? x : x !== x ? null : x > 0 ? 'Inf' : '-Inf';
  }
  return out;
}

/** A vector in its stored form: binary values become JSON values; otherwise unchanged. */
export function storedVector(v: PanthrVector): PanthrVector {
  return Array.isArray(v.values)
    ? v
    : { ...v, values: binaryToJson(v.values as Float64Array | Uint8Array) };
}

/** A dataset in its stored form (see {@link storedVector}); the input is not changed. */
export function storedDataset(d: PanthrDataset): PanthrDataset {
  return d.variables.every((v) => Array.isArray(v.values))
    ? d
    : { ...d, variables: d.variables.map(storedVector) };
}

/**
 * A JSON value as an R value, for options and settings: null -> NULL; a number, string or
 * boolean -> a length-1 vector; an array of only numbers (strings, booleans) -> one atomic
 * vector; other arrays -> an unnamed list; an object -> a named list. Assigned, never parsed.
 */
export function jsonToR(v: JsonValue | undefined): RValue {
  if (v === null || v === undefined) return R_NULL;
  if (typeof v === 'number') return rDouble([v]);
  if (typeof v === 'string') return rString([v]);
  if (typeof v === 'boolean') return rLogical([v]);
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'number')) return rDouble(v);
    if (v.length > 0 && v.every((x) => typeof x === 'string')) return rString(v);
    if (v.length > 0 && v.every((x) => typeof x === 'boolean')) return rLogical(v);
    return rList(v.map(jsonToR));
  }
  const keys = Object.keys(v);
  return rList(
    keys.map((k) => jsonToR(v[k])),
    { names: rString(keys) },
  );
}
