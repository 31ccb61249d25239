/**
 * CSV parsing for `read` off the event loop: a file of at least {@link WORKER_MIN_BYTES} is
 * decoded and parsed in a worker thread (csv.worker.ts), so that one user's 66 MB import
 * does not stall everyone else's requests for seconds; smaller ones are parsed in place,
 * where a worker's round trip would cost more than the parse. One worker, started on the
 * first large file and kept (server/worker-thread.ts, KeptWorker: it holds the process open
 * only while it parses), parses one file at a time; if it dies, the files it held are
 * answered `internal` and the next file starts a new one.
 */
import { parseCsv, type CsvOptions, type CsvResult } from '../../converters/index.ts';
import {
  decodeCsv,
  unpackDataset,
  UnknownEncodingError,
  type PackedDataset,
} from './csv.decode.ts';
import { KeptWorker, workerFile } from '../worker-thread.ts';

/** Files (bytes, or characters of text) from this size on are parsed in the worker. */
export const WORKER_MIN_BYTES = 1 << 20;

/** One file for the worker. */
export interface CsvJob {
  readonly id: number;
  readonly input: string | Uint8Array;
  readonly encoding: string | undefined;
  readonly options: CsvOptions;
}

/** The worker's answer: a parse result, the dataset packed, or why it could not parse. */
export type CsvJobAnswer =
  | { readonly id: number; readonly result: CsvResult }
  | {
      readonly id: number;
      readonly packed: PackedDataset;
      /** Read in two pieces at once (csv.pieces.ts). */
      readonly pieces?: boolean;
      /** Why the helper thread could not read its piece (the file was read in one pass). */
      readonly helperFailure?: string;
    }
  | { readonly id: number; readonly encoding: string }
  | { readonly id: number; readonly failed: string };

/** The worker: csv.worker.ts under tsx, csv.worker.js once compiled. */
const worker = new KeptWorker<CsvJobAnswer>(
  workerFile(import.meta.url, 'csv.worker'),
  'CSV worker',
);
let workerJobs = 0;
let pieceReads = 0;
let helperWarned = false;

/** How many files the worker thread has been given since the process started. */
export function csvWorkerJobs(): number {
  return workerJobs;
}

/** How many of them it read in two pieces at once (csv.worker.ts). */
export function csvPieceReads(): number {
  return pieceReads;
}

/** The worker's answer as `parseCsvInput` resolves or rejects. */
function settle(answer: CsvJobAnswer): CsvResult {
  if ('result' in answer) return answer.result;
  if ('encoding' in answer) throw new UnknownEncodingError(answer.encoding);
  if ('failed' in answer) throw new Error(`the CSV worker failed: ${answer.failed}`);
  if (answer.pieces === true) pieceReads++;
  // Large files then take one thread's time: said once, as a process warning (the journal).
  if (answer.helperFailure !== undefined && !helperWarned) {
    helperWarned = true;
    process.emitWarning(
      `the CSV helper thread failed, large files are read on one thread: ${answer.helperFailure}`,
    );
  }
  return { ok: true, dataset: unpackDataset(answer.packed) };
}

/**
 * The input as it goes to the worker: text is copied (strings are), bytes are moved. Moving
 * the caller's buffer costs nothing, where copying 66 MB costs ~0.2 s of the event loop on
 * these machines (fresh pages); the caller's view is left empty, which is fine because
 * `read` never looks at its bytes again (its reply leaves them out). A view onto part of a
 * larger or shared buffer is copied into a buffer of its own first, so that nothing else
 * is moved with it.
 */
function moved(input: string | Uint8Array, transfer: ArrayBuffer[]): string | Uint8Array {
  if (typeof input === 'string') return input;
  const whole =
    input.buffer instanceof ArrayBuffer &&
    input.byteOffset === 0 &&
    input.byteLength === input.buffer.byteLength;
  const own = whole ? input : input.slice();
  transfer.push(own.buffer as ArrayBuffer);
  return own;
}

/**
 * Parses a CSV file given as text or bytes (decoded in `encoding`, default UTF-8), in the
 * worker when it is large (then the bytes are moved there: `input` is left empty).
 * Resolves with converters' `CsvResult`; rejects with {@link UnknownEncodingError}, or an
 * Error when the worker failed.
 */
export async function parseCsvInput(
  input: string | Uint8Array,
  encoding: string | undefined,
  options: CsvOptions,
): Promise<CsvResult> {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size < WORKER_MIN_BYTES) {
    return parseCsv(typeof input === 'string' ? input : decodeCsv(input, encoding), options);
  }
  workerJobs++;
  const transfer: ArrayBuffer[] = [];
  const bytes = moved(input, transfer);
  const answer = await worker.run(
    (id) => ({ id, input: bytes, encoding, options }) satisfies CsvJob,
    transfer,
  );
  return settle(answer);
}
