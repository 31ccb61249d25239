/**
 * Row slices of an upload (docs/api.md, "Uploading in parts"): a dataset part carrying
 * `slice: {from, rows}` holds rows `from` .. of its variables. Slices are put together here,
 * each copied into its column as it arrives (so the work, including the first touch of the
 * column's memory, is spread over the parts and no step holds the event loop long), and
 * the column's checksum (converters/upload-checksum.ts) is carried along. When the last row
 * has come, the whole part (plain or `append`) runs as if it had been sent at once.
 * One upload at a time per workspace runtime, owned by the connection that started it; a
 * slice of its owner that does not continue it (a gap, a repeat, other variables) ends it
 * with `invalid_object`, so a client starts again from row 0; another connection's slice is
 * refused and leaves it alone (only a new `from: 0` replaces it). The client's checksums,
 * sent with the first slice, are compared once the last row has come, before anything runs.
 * An upload is dropped when its owner disconnects, its dataset is removed, or after
 * {@link SLICE_IDLE_MS} without a slice.
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

/** An upload in slices with no slice for this long is dropped (its memory freed). */
export const SLICE_IDLE_MS = 2 * 60_000;

/** A row slice part, as the schema checked it. */
export type SlicePart = PanthrDataset & {
  readonly slice: {
    from: number;
    rows: number;
    checksums?: Readonly<Record<string, string>> | undefined;
  };
};

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
  /** The connection that started it (null: unknown, as in tests of the runtime alone). */
  readonly owner: string | null;
  /** The client's checksums of the group's variables, sent with the first slice. */
  readonly expected: Readonly<Record<string, string>>;
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

/**
 * Each variable's checksum of its values as received (converters/upload-checksum.ts), as
 * the last slice's reply gives them: for a whole dataset sent with `"echoValues": false`.
 */
export function receivedChecksums(
  variables: readonly PanthrVector[],
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const v of variables) out[v.name] = checksumHex(valuesChecksum(v.values, 0, zlibCrc));
  return out;
}

/** Puts the slices of one upload at a time together (see the module comment). */
export class SliceAssembler {
  private pending: Pending | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs = SLICE_IDLE_MS) {}

  /** The name of the upload under way, if any (for tests and diagnostics). */
  get underWay(): string | null {
    return this.pending?.name ?? null;
  }

  /** Forgets an upload under way (its dataset was replaced or deleted, or it failed). */
  drop(name?: string): void {
    if (name === undefined || this.pending?.name === name) this.set(null);
  }

  /** Forgets the upload connection `owner` started (it disconnected). */
  dropOwner(owner: string): void {
    if (this.pending?.owner === owner) this.set(null);
  }

  /**
   * Takes one slice sent by connection `owner`; `invalid_object` when it does not fit (the
   * owner's upload dropped, another's left alone) or, at the last row, when the client's
   * checksums differ from those of what came.
   */
  take(part: SlicePart, owner: string | null = null): SliceProgress {
    const { from, rows } = part.slice;
    const append = part.append === true;
    let p = this.pending;
    if (from === 0) p = start(part, owner);
    else if (p === null || p.name !== part.name || p.append !== append || p.rows !== rows) {
      if (p?.owner === owner) this.set(null);
      throw computeError(
        'invalid_object',
        `no upload of "${part.name}" in slices of ${rows} rows is under way here: send it again from row 0`,
      );
    } else if (p.owner !== owner) {
      throw computeError(
        'invalid_object',
        `the upload of "${part.name}" under way was started by another connection: send it again from row 0`,
      );
    } else if (from !== p.received || !sameVariables(p, part)) {
      this.set(null);
      throw computeError(
        'invalid_object',
        `the slice from row ${from} of "${part.name}" does not follow the ${p.received} rows received (of the same variables): send the upload again from row 0`,
      );
    }
    this.set(p);
    for (const [i, v] of part.variables.entries()) addSlice(p.columns[i] as Column, v, from);
    p.received += datasetRows(part);
    if (p.received < rows) return { done: false, received: p.received };
    this.set(null);
    return finish(p);
  }

  /** Holds `p` as the upload under way, its idle timer (re)started; null drops it. */
  private set(p: Pending | null): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = p;
    if (p === null) return;
    this.timer = setTimeout(() => {
      if (this.pending === p) this.pending = null;
    }, this.idleMs);
    this.timer.unref();
  }
}

function start(part: SlicePart, owner: string | null): Pending {
  const { rows } = part.slice;
  const expected = part.slice.checksums ?? {};
  const unknown = Object.keys(expected).filter((n) => !part.variables.some((v) => v.name === n));
  if (unknown.length > 0) {
    throw computeError(
      'invalid_object',
      `the slice's checksums name variables it does not hold: ${unknown.join(', ')}`,
    );
  }
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
  const append = part.append === true;
  return { name: part.name, owner, expected, append, rows, head, columns, received: 0 };
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
  // Before anything runs: what came is not what the client sent (another tab's slices
  // mixed in, a corrupted transfer), so nothing of it is stored.
  const bad = Object.keys(p.expected).filter((n) => p.expected[n] !== checksums[n]);
  if (bad.length > 0) {
    throw computeError(
      'invalid_object',
      `the values received for ${bad.join(', ')} of "${p.name}" differ from those sent (checksums): nothing was stored; send the upload again`,
    );
  }
  return { done: true, part: { ...p.head, variables }, checksums };
}
