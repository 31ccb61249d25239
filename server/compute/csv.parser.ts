/**
 * CSV parsing for `read` off the event loop: a file of at least {@link WORKER_MIN_BYTES} is
 * decoded and parsed in a worker thread (csv.worker.ts), so that one user's 66 MB import
 * does not stall everyone else's requests for seconds; smaller ones are parsed in place,
 * where a worker's round trip would cost more than the parse. One worker, started on the
 * first large file and kept (unreferenced: it never holds the process open), parses one
 * file at a time; if it dies, the files it held are answered `internal` and the next file
 * starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import { parseCsv, type CsvOptions, type CsvResult } from '../../converters/index.ts';
import {
  decodeCsv,
  unpackDataset,
  UnknownEncodingError,
  type PackedDataset,
} from './csv.decode.ts';
import { startWorker, workerFile } from '../worker-thread.ts';

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

interface Pending {
  resolve(r: CsvResult): void;
  reject(e: Error): void;
}

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;
let workerJobs = 0;
let pieceReads = 0;

/** How many files the worker thread has been given since the process started. */
export function csvWorkerJobs(): number {
  return workerJobs;
}

/** How many of them it read in two pieces at once (csv.worker.ts). */
export function csvPieceReads(): number {
  return pieceReads;
}

let helperFailures = 0;

/**
 * The helper thread failed (large files then take one thread's time): said once as a
 * process warning (standard error: the journal), counted for tests.
 */
function helperFailed(why: string): void {
  if (helperFailures++ === 0)
    process.emitWarning(`the CSV helper thread failed, large files are read on one thread: ${why}`);
}

/** How many reads the helper thread failed since the process started. */
export function csvHelperFailures(): number {
  return helperFailures;
}

/** The worker's file: csv.worker.ts under tsx, csv.worker.js once compiled. */
const WORKER_FILE = workerFile(import.meta.url, 'csv.worker');

function settle(answer: CsvJobAnswer): void {
  const p = pending.get(answer.id);
  if (!p) return;
  pending.delete(answer.id);
  if (pending.size === 0) worker?.unref();
  if ('result' in answer) p.resolve(answer.result);
  else if ('packed' in answer) {
    if (answer.pieces === true) pieceReads++;
    if (answer.helperFailure !== undefined) helperFailed(answer.helperFailure);
    p.resolve({ ok: true, dataset: unpackDataset(answer.packed) });
  } else if ('encoding' in answer) p.reject(new UnknownEncodingError(answer.encoding));
  else p.reject(new Error(`the CSV worker failed: ${answer.failed}`));
}

/** The running worker, started when there is none. */
function csvWorker(): Worker {
  if (worker) return worker;
  const w = startWorker(WORKER_FILE);
  w.on('message', settle);
  const fail = (err: Error): void => {
    if (worker === w) worker = null;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  w.on('error', fail);
  w.on('messageerror', (err) => {
    fail(err);
    void w.terminate();
  });
  w.on('exit', (code) => fail(new Error(`the CSV worker exited (${code})`)));
  worker = w;
  return w;
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
  return new Promise<CsvResult>((resolve, reject) => {
    const w = csvWorker();
    const id = nextId++;
    workerJobs++;
    pending.set(id, { resolve, reject });
    w.ref();
    const transfer: ArrayBuffer[] = [];
    const job = { id, input: moved(input, transfer), encoding, options } satisfies CsvJob;
    w.postMessage(job, transfer);
  });
}
