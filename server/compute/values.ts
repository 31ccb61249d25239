/**
 * Dataset sizes and the stored form of values.
 * Clients may send a scalar vector's values as binary float64 (a Float64Array, or a Buffer /
 * Uint8Array of little-endian float64 as Socket.IO delivers it); R gets those bytes in one
 * copy (converters' vectorToR), and the workspace keeps them binary, as a Buffer: the store
 * writes them as binary chunks, and each client receives them in the form it asked for
 * (server/sessions/client.connection.ts).
 */
import {
  isBinaryValues,
  type BinaryValues,
  type PanthrDataset,
  type PanthrVector,
} from '../../converters/index.ts';
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

/** Binary values as a Buffer over the same bytes (no copy). */
export function asBuffer(values: BinaryValues): Buffer {
  return Buffer.isBuffer(values)
    ? values
    : Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** A vector in its stored form: binary values as a Buffer; otherwise unchanged. */
export function storedVector(v: PanthrVector): PanthrVector {
  return isBinaryValues(v.values) && !Buffer.isBuffer(v.values)
    ? { ...v, values: asBuffer(v.values) }
    : v;
}

/** A dataset in its stored form (see {@link storedVector}); the input is not changed. */
export function storedDataset(d: PanthrDataset): PanthrDataset {
  return d.variables.every((v) => !isBinaryValues(v.values) || Buffer.isBuffer(v.values))
    ? d
    : { ...d, variables: d.variables.map(storedVector) };
}
