/**
 * The CSV worker thread (started by csv.parser.ts): decodes and parses one CSV at a time,
 * so that a 66 MB file does not hold the event loop that serves every other user; the
 * usual file straight from its bytes (csv.fast.ts), a large one in two pieces at once
 * (the later rows by a helper thread, csv.piece.worker.ts) when the machine has two
 * cores, any other file the general way.
 */
import { availableParallelism } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { parseCsv } from '../../converters/index.ts';
import { KeptWorker, workerFile } from '../worker-thread.ts';
import { decodeCsv, packDataset, readsAsciiAsAscii, UnknownEncodingError } from './csv.decode.ts';
import { csvLayout, readLayout, type CsvLayout } from './csv.fast.ts';
import {
  PIECES_MIN_BYTES,
  readInPieces,
  type PieceAnswer,
  type PieceJob,
  type PiecesOutcome,
} from './csv.pieces.ts';
import type { CsvJob, CsvJobAnswer } from './csv.parser.ts';
import type { NumberedAnswer, NumberedPiece } from './csv.piece.worker.ts';

/** The helper thread, started on the first large file and kept. */
const helper = new KeptWorker<NumberedAnswer>(
  workerFile(import.meta.url, 'csv.piece.worker'),
  'CSV helper thread',
);

/** Reads a piece in the helper thread. */
async function elsewhere(job: PieceJob, transfer: ArrayBuffer[]): Promise<PieceAnswer> {
  const a = await helper.run((id) => ({ id, job }) satisfies NumberedPiece, transfer);
  if ('failed' in a) throw new Error(a.failed);
  return a.answer;
}

/**
 * A checked file's records: in two pieces when large, else (or when the pieces leave it to
 * one pass) in one pass; `packed` null when the file is for the general parse; `pieces`
 * tells which answered, `helperFailure` why the helper thread could not help.
 */
async function readFast(l: CsvLayout, transfer: ArrayBuffer[]) {
  let helperFailure: string | undefined;
  if (l.bytes.length >= PIECES_MIN_BYTES && availableParallelism() > 1) {
    const outcome: PiecesOutcome = await readInPieces(l, transfer, elsewhere).catch(
      (e: unknown) => {
        // A helper that could not start or died costs the time of one pass; it is reported.
        helperFailure = e instanceof Error ? e.message : String(e);
        return 'one pass' as const;
      },
    );
    if (outcome === 'general') return { packed: null };
    if (outcome !== 'one pass') return { packed: outcome, pieces: true };
  }
  const packed = readLayout(l, transfer);
  return { packed, pieces: false, ...(helperFailure === undefined ? {} : { helperFailure }) };
}

async function run(job: CsvJob, transfer: ArrayBuffer[]): Promise<CsvJobAnswer> {
  try {
    if (typeof job.input !== 'string' && readsAsciiAsAscii(job.encoding)) {
      const layout = csvLayout(job.input, job.options);
      const read = layout === null ? null : await readFast(layout, transfer);
      if (read?.packed != null) return { id: job.id, ...read, packed: read.packed };
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
