/**
 * Splitting a dataset into the parts of an upload (docs/api.md, "Uploading in parts"): the
 * first part is a plain `dataset`, each later one the same name with `"append": true` and
 * more of its variables. Parts are cut between variables, each at most about `partBytes`
 * on the wire, so that no message nears the server's limit and the server handles a large
 * upload as several small pieces of work. Pure; the browser client and the benchmarks use it.
 */
import { isBinaryValues } from './binary-values.ts';
import type { PanthrDataset, PanthrVector } from './schema/vector.schema.ts';

/** The part size clients aim for: far below the 128 MB message limit. */
export const UPLOAD_PART_BYTES = 8 * 2 ** 20;

/** Datasets estimated at most this size go up in one message. */
export const SINGLE_MESSAGE_BYTES = UPLOAD_PART_BYTES;

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

/**
 * The parts of `dataset`: one part when it fits in `partBytes`, else groups of whole
 * variables of at most `partBytes` each (a variable larger than that is a part of its own).
 */
export function uploadParts(dataset: DatasetLike, partBytes = UPLOAD_PART_BYTES): PanthrDataset[] {
  const groups: PanthrVector[][] = [];
  let group: PanthrVector[] = [];
  let bytes = 0;
  for (const v of dataset.variables) {
    const size = variableBytes(v);
    if (group.length > 0 && bytes + size > partBytes) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(v);
    bytes += size;
  }
  if (group.length > 0 || groups.length === 0) groups.push(group);
  return groups.map((variables, i) =>
    i === 0
      ? { ...dataset, variables }
      : { type: 'dataset', name: dataset.name, append: true, variables },
  );
}
