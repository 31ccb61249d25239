/**
 * A large CSV read in two pieces at once (csv.fast.ts's reader, on two threads): the CSV
 * worker cuts the records at the line end nearest the middle, a helper thread
 * (csv.piece.worker.ts) reads a copy of the later piece while the worker reads the earlier
 * one, and the later piece's columns are joined to the earlier's as one pass would have
 * read them. Where the pieces disagree one pass decides (a column of numbers in one piece
 * and text in the other, a text column whose later piece starts with empty cells).
 */
import type { PackedDataset } from './csv.decode.ts';
import {
  countLines,
  crsEndLines,
  joinColumn,
  newColumns,
  pack,
  readRows,
  rowsColumn,
  textColumns,
  type CellRules,
  type Column,
  type CsvLayout,
  type RowsColumn,
} from './csv.fast.ts';

const LF = 10;

/** Files from this size on are read in two pieces at once when the machine has two cores. */
export const PIECES_MIN_BYTES = 4 << 20;

/**
 * The share of the bytes read elsewhere. Half: the copy of its bytes before and of its values
 * after cost little against the read (a few ms per 30 MB once the process has touched that
 * much memory before; about 3 ms per MB of fresh memory on the development VM).
 */
const SECOND_SHARE = 0.5;

/** The later piece of a file, for the helper thread ({@link readPiece}). */
export interface PieceJob {
  /** The piece's bytes: whole records, the file's last line end or none at the end. */
  readonly bytes: Uint8Array;
  readonly rows: number;
  readonly rules: CellRules;
  /**
   * One per column: whether the file's first record made it text (the piece reads it as
   * text from its start).
   */
  readonly text: readonly boolean[];
}

/** What a piece held (null: not for the fast path). */
export type PieceAnswer = { readonly columns: RowsColumn[]; readonly crs: number } | null;

/** Reads the records of one piece (`transfer` receives the buffers to move). */
export function readPiece(job: PieceJob, transfer: ArrayBuffer[]): PieceAnswer {
  const b = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const cols = newColumns(job.text.length, job.rows, job.rules.infer);
  const crs = readRows(b, 0, cols, job.rules, job.rows, job.text);
  if (crs === null) return null;
  return { columns: cols.map((col) => rowsColumn(col, transfer)), crs };
}

/**
 * What reading in pieces gave: the dataset, or what reads it instead: `one pass` (no cut,
 * or pieces that disagree, which one pass decides) or `general` (the file is not for the
 * fast path: one pass would decline it too).
 */
export type PiecesOutcome = PackedDataset | 'one pass' | 'general';

/**
 * The records of a checked file read in two pieces at once: the later rows in a copy of
 * their own by `elsewhere` (another thread), the earlier ones here, then joined as one
 * pass would have read them. Rejects when `elsewhere` does.
 */
export async function readInPieces(
  l: CsvLayout,
  transfer: ArrayBuffer[],
  elsewhere: (job: PieceJob, transfer: ArrayBuffer[]) => Promise<PieceAnswer>,
): Promise<PiecesOutcome> {
  const b = l.bytes;
  const mid = b.indexOf(LF, l.from + Math.floor((b.length - l.from) * SECOND_SHARE));
  if (mid < 0 || mid + 1 >= b.length) return 'one pass';
  const cut = mid + 1;
  const text = textFromFirstRecord(l);
  if (text === null) return 'general';
  const firstRows = countLines(b, l.from, cut);
  const copy = Buffer.allocUnsafeSlow(b.length - cut);
  b.copy(copy, 0, cut);
  const job: PieceJob = {
    text,
    bytes: copy,
    rows: l.rows - firstRows,
    rules: l.rules,
  };
  const later = elsewhere(job, [copy.buffer]);
  // Awaited below, once the first piece is read: not an unhandled rejection meanwhile.
  later.catch(() => undefined);
  const cols = newColumns(l.names.length, l.rows, l.rules.infer);
  // The first piece is read exactly as one pass reads those rows: declined here, declined there.
  const crs = readRows(b.subarray(0, cut), l.from, cols, l.rules, l.rows);
  if (crs === null) return 'general';
  const piece = await later;
  if (piece === null) return 'one pass';
  if (!cols.every((col, k) => joinable(col, piece.columns[k], firstRows))) return 'one pass';
  // Every CR counted in one pass is counted here: the same answer.
  if (!crsEndLines(l, crs + piece.crs)) return 'general';
  return pack(l.name, l.names, cols, transfer);
}

/** `later` joined to `col` ({@link joinColumn}); false when missing or disagreeing. */
function joinable(col: Column, later: RowsColumn | undefined, at: number): boolean {
  return later !== undefined && joinColumn(col, later, at);
}

/**
 * Which columns the first record makes text (read in one pass, they are text from there on,
 * whatever later cells hold: empty, `NA`, numbers); null when that record is not for the
 * fast path.
 */
function textFromFirstRecord(l: CsvLayout): boolean[] | null {
  const lf = l.bytes.indexOf(LF, l.from);
  const first = l.bytes.subarray(0, lf < 0 ? l.bytes.length : lf + 1);
  const cols = newColumns(l.names.length, 1, l.rules.infer);
  return readRows(first, l.from, cols, l.rules, 1) === null ? null : textColumns(cols);
}
