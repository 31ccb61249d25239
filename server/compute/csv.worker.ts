/**
 * The CSV worker thread (started by csv.parser.ts): decodes and parses one CSV at a time,
 * so that a 66 MB file does not hold the event loop that serves every other user; the
 * usual file straight from its bytes (csv.fast.ts), any other the general way.
 */
import { parentPort } from 'node:worker_threads';
import { parseCsv } from '../../converters/index.ts';
import { decodeCsv, packDataset, readsAsciiAsAscii, UnknownEncodingError } from './csv.decode.ts';
import { parseCsvBytes } from './csv.fast.ts';
import type { CsvJob, CsvJobAnswer } from './csv.parser.ts';

function run(job: CsvJob, transfer: ArrayBuffer[]): CsvJobAnswer {
  try {
    if (typeof job.input !== 'string' && readsAsciiAsAscii(job.encoding)) {
      const packed = parseCsvBytes(job.input, job.options, transfer);
      if (packed !== null) return { id: job.id, packed };
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

parentPort?.on('message', (job: CsvJob) => {
  const transfer: ArrayBuffer[] = [];
  const answer = run(job, transfer);
  parentPort?.postMessage(answer, transfer);
});
