/**
 * Dataset sizes and the stored form of values.
 * Clients may send a scalar vector's values as binary float64 (a Float64Array, or a Buffer /
 * Uint8Array of little-endian float64 as Socket.IO delivers it); R gets those bytes in one
 * copy (converters' vectorToR), and the workspace keeps them binary, as a Buffer: the store
 * writes them as binary chunks, and each client receives them in the form it asked for
 * (server/sessions/client.connection.ts). Long JSON scalar values are kept binary too when
 * that loses nothing (numbers, null, "Inf", "-Inf"; not "NaN", which binary cannot tell
 * from missing): JSON clients get the very same JSON back, and the store writes 8 bytes a
 * value instead of millions of JSON numbers.
 */
import {
  BINARY_VALUES_MIN,
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

/**
 * Scalar JSON values at least this long are kept binary (shorter ones stay readable JSON);
 * the CSV reader makes long number columns binary from the same rule.
 */
const BINARY_STORE_MIN = BINARY_VALUES_MIN;

/** Long scalar JSON values as float64 bytes, or null when they are short or hold "NaN". */
function jsonAsBinary(values: readonly unknown[]): Buffer | null {
  if (values.length < BINARY_STORE_MIN) return null;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'number') out[i] = x;
    else if (x === null) out[i] = NaN;
    else if (x === 'Inf') out[i] = Infinity;
    else if (x === '-Inf') out[i] = -Infinity;
    else return null;
  }
  return Buffer.from(out.buffer);
}

/**
 * A vector in its stored form: binary values as a Buffer, long scalar JSON values as one
 * when nothing is lost (see the module comment); otherwise unchanged.
 */
export function storedVector(v: PanthrVector): PanthrVector {
  if (isBinaryValues(v.values))
    return Buffer.isBuffer(v.values) ? v : { ...v, values: asBuffer(v.values) };
  const binary = v.variableType === 'scalar' ? jsonAsBinary(v.values) : null;
  return binary === null ? v : { ...v, values: binary };
}

/** A dataset in its stored form (see {@link storedVector}); the input is not changed. */
export function storedDataset(d: PanthrDataset): PanthrDataset {
  const variables = d.variables.map(storedVector);
  return variables.every((v, i) => v === d.variables[i]) ? d : { ...d, variables };
}
