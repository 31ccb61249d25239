/**
 * Splitting a dataset into the parts of an upload (docs/api.md, "Uploading in parts"). A
 * dataset of at most `partBytes` goes whole. A larger one is cut into groups of variables
 * (at most {@link MAX_BINARY_PER_PART} binary ones: Socket.IO's decoder refuses more
 * attachments in one message; past {@link ONE_GROUP_PARTS} parts' worth, those that fit in
 * `partBytes` together, a larger variable alone),
 * and each group into row slices of about `partBytes`: parts
 * `{"type":"dataset","name","slice":{"from","rows"},"variables":[...]}` whose variables hold
 * rows `from` .. `from + k - 1` (0-based) of `rows`. The first group's parts make the
 * dataset (with the dataset's other keys), later groups' carry `"append": true`. The server
 * handles each part as a small piece of work and answers it without its values. The first
 * slice of each group carries `slice.checksums`, the CRC-32 of each of the group's variables
 * (converters/upload-checksum.ts), which the server compares before storing. Slices of
 * binary values are views of the caller's memory (no copy). Pure; the browser client and
 * the benchmarks use it.
 */
import { isBinaryValues } from './binary-values.ts';
import { checksumHex, valuesChecksum } from './upload-checksum.ts';
import type { PanthrDataset, PanthrVector, VectorValues } from './schema/vector.schema.ts';

/**
 * The part size clients aim for: small, because the server's main thread takes in each
 * message at once (about 4 ms a MB on a quiet machine, most of it the first touch of the
 * fresh memory), and every other user waits for that thread.
 */
export const UPLOAD_PART_BYTES = 256 * 1024;

/** CSV text up to this size goes to the server as a `read` (parsed there off the main thread). */
export const SINGLE_MESSAGE_BYTES = 8 * 2 ** 20;

/**
 * A dataset of up to this many parts' worth goes up in slices holding every variable (at
 * most 10 binary), a larger one one large column at a time.
 */
export const ONE_GROUP_PARTS = 32;

/** Binary attachments Socket.IO's decoder takes in one message (its `maxAttachments`). */
export const MAX_BINARY_PER_PART = 10;

/** A dataset as a client holds it before sending (its other keys are kept). */
type DatasetLike = Omit<PanthrDataset, 'variables'> & {
  readonly variables: readonly PanthrVector[];
};

/**
 * Bytes a variable takes in a message: binary values exactly, JSON values estimated from
 * a sample (numbers as text, strings with quotes), plus its keys.
 */
export function variableBytes(v: PanthrVector): number {
  const values = v.values;
  const keys = JSON.stringify({ ...v, values: [] }).length;
  if (isBinaryValues(values)) return keys + values.byteLength;
  const n = values.length;
  const step = Math.max(1, Math.floor(n / 1000));
  let sampled = 0;
  let count = 0;
  for (let i = 0; i < n; i += step) {
    sampled += JSON.stringify(values[i] ?? null).length + 1;
    count += 1;
  }
  return keys + (count === 0 ? 0 : Math.ceil((sampled / count) * n));
}

/** Rows `from` .. `to - 1` of `values`: a view of binary values, a copy of a JSON array. */
export function sliceValues(values: VectorValues, from: number, to: number): VectorValues {
  if (values instanceof Float64Array) return values.subarray(from, to);
  if (values instanceof Uint8Array) return values.subarray(from * 8, to * 8);
  return values.slice(from, to);
}

/**
 * Groups of variables, in order: as many as fit in `partBytes` together, at most
 * MAX_BINARY_PER_PART binary ones; a variable larger than `partBytes` is a group of its own
 * (sent in row slices), so the server assembles one large column at a time.
 */
function groupVariables(
  variables: readonly PanthrVector[],
  sizes: readonly number[],
  partBytes: number,
): PanthrVector[][] {
  const groups: PanthrVector[][] = [];
  let group: PanthrVector[] = [];
  let bytes = 0;
  let binary = 0;
  for (const [i, v] of variables.entries()) {
    const size = sizes[i] ?? 0;
    const isBinary = isBinaryValues(v.values);
    const full = bytes + size > partBytes || (isBinary && binary === MAX_BINARY_PER_PART);
    if (group.length > 0 && full) {
      groups.push(group);
      group = [];
      bytes = 0;
      binary = 0;
    }
    group.push(v);
    bytes += size;
    if (isBinary) binary += 1;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** The parts of `dataset` (see the module comment), in the order they must be sent. */
export function uploadParts(dataset: DatasetLike, partBytes = UPLOAD_PART_BYTES): PanthrDataset[] {
  const sizes = dataset.variables.map(variableBytes);
  const binary = dataset.variables.filter((v) => isBinaryValues(v.values)).length;
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= partBytes && binary <= MAX_BINARY_PER_PART)
    return [{ ...dataset, variables: [...dataset.variables] }];
  const rows = dataset.variables[0] === undefined ? 0 : lengthOf(dataset.variables[0].values);
  const parts: PanthrDataset[] = [];
  // Up to ONE_GROUP_PARTS parts' worth, every variable goes in each slice: one group is one
  // change (one `undo`), and its columns take little memory while they are put together.
  const groupBytes = total <= ONE_GROUP_PARTS * partBytes ? Infinity : partBytes;
  for (const [g, group] of groupVariables(dataset.variables, sizes, groupBytes).entries()) {
    const head: Omit<PanthrDataset, 'variables'> =
      g === 0 ? { ...dataset } : { type: 'dataset', name: dataset.name, append: true };
    // No rows to slice: whole variables (a slice holds at least one row).
    if (rows === 0) {
      parts.push({ ...head, variables: group });
      continue;
    }
    // Each part carries every variable's keys, and values in proportion to its rows.
    const keys = group.reduce((a, v) => a + variableBytes({ ...v, values: [] }), 0);
    const values = group.reduce((a, v) => a + variableBytes(v), 0) - keys;
    const perPart = Math.max(1, Math.floor(((partBytes - keys) * rows) / Math.max(values, 1)));
    const checksums: Record<string, string> = {};
    for (const v of group) checksums[v.name] = checksumHex(valuesChecksum(v.values));
    for (let from = 0; from < rows; from += perPart) {
      const to = Math.min(rows, from + perPart);
      const variables = group.map((v) => ({ ...v, values: sliceValues(v.values, from, to) }));
      const slice = from === 0 ? { from, rows, checksums } : { from, rows };
      parts.push({ ...head, slice, variables });
    }
  }
  return parts;
}

function lengthOf(values: VectorValues): number {
  return values instanceof Uint8Array ? values.byteLength / 8 : values.length;
}
