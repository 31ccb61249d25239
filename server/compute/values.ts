/**
 * Dataset sizes and the stored (JSON) form of values.
 * Clients may send a scalar vector's values as binary float64 (a Float64Array, or a Buffer /
 * Uint8Array of little-endian float64 as Socket.IO delivers it); R gets those bytes in one
 * copy (converters' vectorToR), while the workspace keeps numbers and nulls so that a stored
 * dataset is plain JSON (converters' jsonValues: any NaN is missing, null; +-Infinity is
 * "Inf" / "-Inf").
 */
import { jsonValues, type PanthrDataset, type PanthrVector } from '../../converters/index.ts';
import { computeError } from './compute.types.ts';

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

/** A vector in its stored form: binary values become JSON values (`jsonValues`); otherwise unchanged. */
export function storedVector(v: PanthrVector): PanthrVector {
  return Array.isArray(v.values) ? v : { ...v, values: jsonValues(v.values) };
}

/** A dataset in its stored form (see {@link storedVector}); the input is not changed. */
export function storedDataset(d: PanthrDataset): PanthrDataset {
  return d.variables.every((v) => Array.isArray(v.values))
    ? d
    : { ...d, variables: d.variables.map(storedVector) };
}
