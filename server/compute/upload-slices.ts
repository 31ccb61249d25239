/**
 * Row slices of an upload (docs/api.md, "Uploading in parts"): a dataset part carrying
 * `slice: {from, rows}` holds rows `from` .. of its variables. Slices are put together here,
 * each copied into its column as it arrives (so the work, including the first touch of the
 * column's memory, is spread over the parts and no step holds the event loop long), and
 * the column's checksum (converters/upload-checksum.ts) is carried along. When the last row
 * has come, the whole part (plain or `append`) runs as if it had been sent at once.
 * One upload at a time per workspace runtime; a slice that does not continue it (a gap, a
 * repeat, other variables) ends it with `invalid_object`, so a client starts again from row 0.
 */
import zlib from 'node:zlib';
import {
  checksumHex,
  datasetRows,
  isBinaryValues,
  markedAsNA,
  markNaNsAsNA,
  valuesChecksum,
  type PanthrDataset,
  type PanthrVector,
  type VectorValue,
} from '../../converters/index.ts';
import { computeError } from './compute.types.ts';

/** The most bytes of binary columns one upload in slices may announce (`rows` x 8 each). */
export const MAX_SLICED_BYTES = 2 * 2 ** 30;

/** A row slice part, as the schema checked it. */
export type SlicePart = PanthrDataset & { readonly slice: { from: number; rows: number } };

interface Column {
  readonly template: PanthrVector;
  /** Binary columns: the whole column's bytes, filled as slices come. */
  readonly bytes: Buffer | null;
  /** JSON columns: the values so far. */
  readonly json: VectorValue[] | null;
  crc: number;
}

interface Pending {
  readonly name: string;
  readonly append: boolean;
  readonly rows: number;
  /** The first part's keys besides its variables and slice (a dataset's label...). */
  readonly head: Omit<SlicePart, 'variables' | 'slice'>;
  readonly columns: Column[];
  received: number;
}

/** What taking a slice gave: rows so far, or the whole part once every row has come. */
export type SliceProgress =
  | { readonly done: false; readonly received: number }
  | {
      readonly done: true;
      readonly part: PanthrDataset;
      readonly checksums: Readonly<Record<string, string>>;
    };

const zlibCrc = (data: Uint8Array, crc: number): number => zlib.crc32(data, crc);

/** Puts the slices of one upload at a time together (see the module comment). */
export class SliceAssembler {
  private pending: Pending | null = null;

  /** Forgets an upload under way (its dataset was replaced or deleted, or it failed). */
  drop(name?: string): void {
    if (name === undefined || this.pending?.name === name) this.pending = null;
  }

  /** Takes one slice; `invalid_object` (and the upload dropped) when it does not fit. */
  take(part: SlicePart): SliceProgress {
    const { from, rows } = part.slice;
    const append = part.append === true;
    let p = this.pending;
    if (from === 0) p = this.pending = start(part);
    else if (p === null || p.name !== part.name || p.append !== append || p.rows !== rows) {
      this.pending = null;
      throw computeError(
        'invalid_object',
        `no upload of "${part.name}" in slices of ${rows} rows is under way here: send it again from row 0`,
      );
    } else if (from !== p.received || !sameVariables(p, part)) {
      this.pending = null;
      throw computeError(
        'invalid_object',
        `the slice from row ${from} of "${part.name}" does not follow the ${p.received} rows received (of the same variables): send the upload again from row 0`,
      );
    }
    for (const [i, v] of part.variables.entries()) addSlice(p.columns[i] as Column, v, from);
    p.received += datasetRows(part);
    if (p.received < rows) return { done: false, received: p.received };
    this.pending = null;
    return finish(p);
  }
}

function start(part: SlicePart): Pending {
  const { rows } = part.slice;
  const binary = part.variables.filter((v) => isBinaryValues(v.values)).length;
  if (binary * rows * 8 > MAX_SLICED_BYTES) {
    throw computeError(
      'too_large',
      `an upload in slices holds at most ${MAX_SLICED_BYTES} bytes of binary values; "${part.name}" announces ${binary * rows * 8}`,
    );
  }
  const { variables, slice, ...head } = part;
  void slice;
  const columns = variables.map((v): Column => ({
    template: { ...v, values: [] },
    // Not zero-filled: every byte is written by a slice before the column is used.
    bytes: isBinaryValues(v.values) ? Buffer.allocUnsafeSlow(rows * 8) : null,
    json: isBinaryValues(v.values) ? null : [],
    crc: 0,
  }));
  return { name: part.name, append: part.append === true, rows, head, columns, received: 0 };
}

function sameVariables(p: Pending, part: SlicePart): boolean {
  return (
    part.variables.length === p.columns.length &&
    part.variables.every((v, i) => {
      const c = p.columns[i] as Column;
      return (
        v.name === c.template.name &&
        v.variableType === c.template.variableType &&
        isBinaryValues(v.values) === (c.bytes !== null)
      );
    })
  );
}

function addSlice(c: Column, v: PanthrVector, from: number): void {
  const values = v.values;
  c.crc = valuesChecksum(values, c.crc, zlibCrc);
  if (c.bytes !== null && isBinaryValues(values)) {
    c.bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), from * 8);
    // R's NA now, slice by slice, so the column goes to R without a scan-and-copy at the end
    // (values listed in `missing` stay as sent: the stored form keeps them).
    const n = values.byteLength / 8;
    if (c.template.missing === undefined || c.template.missing.length === 0)
      markNaNsAsNA(new Float64Array(c.bytes.buffer, c.bytes.byteOffset + from * 8, n));
  } else if (c.json !== null && Array.isArray(values)) {
    const json: readonly VectorValue[] = values;
    for (const x of json) c.json.push(x);
  }
}

function finish(p: Pending): SliceProgress {
  for (const c of p.columns) {
    if (c.bytes !== null && (c.template.missing === undefined || c.template.missing.length === 0))
      markedAsNA(c.bytes);
  }
  const variables = p.columns.map((c): PanthrVector => ({
    ...c.template,
    values: c.bytes ?? c.json ?? [],
  }));
  const checksums: Record<string, string> = {};
  for (const c of p.columns) checksums[c.template.name] = checksumHex(c.crc);
  return { done: true, part: { ...p.head, variables }, checksums };
}
