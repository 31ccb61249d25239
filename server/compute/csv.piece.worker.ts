/**
 * The CSV worker's helper thread (started by csv.worker.ts): reads the later rows of a large
 * file while the CSV worker reads the earlier ones (csv.fast.ts, readInPieces).
 */
import { parentPort } from 'node:worker_threads';
import { readPiece, type PieceAnswer, type PieceJob } from './csv.pieces.ts';

/** A job as posted: the piece and its number. */
export interface NumberedPiece {
  readonly id: number;
  readonly job: PieceJob;
}

/** The answer as posted back. */
export type NumberedAnswer =
  | { readonly id: number; readonly answer: PieceAnswer }
  | { readonly id: number; readonly failed: string };

parentPort?.on('message', ({ id, job }: NumberedPiece) => {
  const transfer: ArrayBuffer[] = [];
  let out: NumberedAnswer;
  try {
    out = { id, answer: readPiece(job, transfer) };
  } catch (e) {
    out = { id, failed: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort?.postMessage(out, transfer);
});
