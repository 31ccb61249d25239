/**
 * The Word report's worker thread (started by report-docx.ts for one report): lays out
 * the document with docx off the event loop that serves every user, answers, and ends.
 */
import { parentPort } from 'node:worker_threads';
import { buildDocx, type DocxAnswer, type DocxJob } from './report-docx.ts';

parentPort?.once('message', (job: DocxJob) => {
  buildDocx(job).then(
    (docx) => parentPort?.postMessage({ docx } satisfies DocxAnswer),
    (err: unknown) =>
      parentPort?.postMessage({
        failed: err instanceof Error ? (err.stack ?? err.message) : String(err),
      } satisfies DocxAnswer),
  );
});
