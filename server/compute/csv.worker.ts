/**
 * The CSV worker thread (started by csv.parser.ts): decodes and parses one CSV at a time,
 * so that a 66 MB file does not hold the event loop that serves every other user; the
 * usual file straight from its bytes (csv.fast.ts), a large one in two pieces at once
 * (the later rows by a helper thread, csv.piece.worker.ts) when the machine has two
 * cores, any other file the general way.
 */
import { availableParallelism } from 'node:os';
import { parentPort, type Worker } from 'node:worker_threads';
import { parseCsv } from '../../converters/index.ts';
import { startWorker, workerFile } from '../worker-thread.ts';
import { decodeCsv, packDataset, readsAsciiAsAscii, UnknownEncodingError } from './csv.decode.ts';
import {
  csvLayout,
  PIECES_MIN_BYTES,
  readInPieces,
  readLayout,
  type CsvLayout,
  type PieceAnswer,
  type PieceJob,
} from './csv.fast.ts';
import type { CsvJob, CsvJobAnswer } from './csv.parser.ts';
import type { NumberedAnswer, NumberedPiece } from './csv.piece.worker.ts';

const PIECE_WORKER_FILE = workerFile(import.meta.url, 'csv.piece.worker');

/** The helper thread, started on the first large file and kept (unreferenced). */
let helper: Worker | null = null;
const waiting = new Map<number, (a: PieceAnswer | Error) => void>();
let nextPiece = 1;

function pieceWorker(): Worker {
  if (helper) return helper;
  const w = startWorker(PIECE_WORKER_FILE);
  w.unref();
  w.on('message', (m: NumberedAnswer) => {
    const done = waiting.get(m.id);
    waiting.delete(m.id);
    done?.('answer' in m ? m.answer : new Error(m.failed));
  });
  const fail = (err: Error): void => {
    if (helper === w) helper = null;
    for (const done of waiting.values()) done(err);
    waiting.clear();
  };
  w.on('error', fail);
  w.on('messageerror', (err) => {
    fail(err);
    void w.terminate();
  });
  w.on('exit', (code) => fail(new Error(`the CSV helper thread exited (${code})`)));
  helper = w;
  return w;
}

/** Reads a piece in the helper thread. */
function elsewhere(job: PieceJob, transfer: ArrayBuffer[]): Promise<PieceAnswer> {
  return new Promise((resolve, reject) => {
    const id = nextPiece++;
    waiting.set(id, (a) => (a instanceof Error ? reject(a) : resolve(a)));
    pieceWorker().postMessage({ id, job } satisfies NumberedPiece, transfer);
  });
}

/**
 * A checked file's records: in two pieces when large, else (or if that declines) in one
 * pass; `pieces` tells which answered.
 */
async function readFast(l: CsvLayout, transfer: ArrayBuffer[]) {
  if (l.bytes.length >= PIECES_MIN_BYTES && availableParallelism() > 1) {
    // The helper's failure (a thread that could not start or died) costs only the time.
    const packed = await readInPieces(l, transfer, elsewhere).catch(() => null);
    if (packed !== null) return { packed, pieces: true };
  }
  const packed = readLayout(l, transfer);
  return packed === null ? null : { packed, pieces: false };
}

async function run(job: CsvJob, transfer: ArrayBuffer[]): Promise<CsvJobAnswer> {
  try {
    if (typeof job.input !== 'string' && readsAsciiAsAscii(job.encoding)) {
      const layout = csvLayout(job.input, job.options);
      const read = layout === null ? null : await readFast(layout, transfer);
      if (read !== null) return { id: job.id, ...read };
    }
    const text = typeof job.input === 'string' ? job.input : decodeCsv(job.input, job.encoding);
    const r = parseCsv(text, job.options);
    if (!r.ok) return { id: job.id, result: r };
    return { id: job.id, packed: packDataset(r.dataset, transfer) };
  } catch (e) {
    if (e instanceof UnknownEncodingError) return { id: job.id, encoding: e.encoding };
    return { id: job.id, failed: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

// One file at a time: the next job waits for the one before (the helper reads one piece).
let queue: Promise<unknown> = Promise.resolve();
parentPort?.on('message', (job: CsvJob) => {
  queue = queue
    .then(async () => {
      const transfer: ArrayBuffer[] = [];
      const answer = await run(job, transfer);
      parentPort?.postMessage(answer, transfer);
    })
    .catch((e: unknown) => {
      const failed = e instanceof Error ? (e.stack ?? e.message) : String(e);
      parentPort?.postMessage({ id: job.id, failed } satisfies CsvJobAnswer);
    });
});
