/** The dataset bench/upload.ts uploads, made the same way in the bench and its client child. */
import { normal } from '../../test/fixtures/compute/datasets.ts';

/** Columns of `rows` scalar values each, once as Float64Arrays and once as JSON arrays. */
export interface Columns {
  readonly binary: Float64Array[];
  readonly json: number[][];
}

/**
 * `vars` columns of `rows` seeded normal values (3 decimals). No missing values: a JSON
 * array holding null keeps every number as a separate heap object, which would make the
 * garbage collector, not the upload, the thing measured (missing values cost the same in
 * every path and are covered by the tests).
 */
export function makeColumns(rows: number, vars: number): Columns {
  const rnd = normal(42);
  const binary = Array.from({ length: vars }, () => {
    const col = new Float64Array(rows);
    for (let i = 0; i < rows; i++) col[i] = Math.round(rnd() * 1e6) / 1e3;
    return col;
  });
  return { binary, json: binary.map((c) => Array.from(c)) };
}

/**
 * The dataset message object `upload`; with `asBuffer`, binary values as the Buffers
 * Socket.IO delivers to the server (for timing the server's part alone).
 */
export function uploadMessage(
  values: readonly (Float64Array | number[])[],
  asBuffer = false,
): Record<string, unknown> {
  return {
    type: 'dataset',
    name: 'upload',
    variables: values.map((v, j) => ({
      type: 'vector',
      name: `x${j + 1}`,
      variableType: 'scalar',
      values:
        asBuffer && v instanceof Float64Array
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
          : v,
    })),
  };
}
