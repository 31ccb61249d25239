/**
 * Where a large upload's wall-clock time goes (issue 16, goals 2 and 3): a test server in
 * this process, the client in a process of its own (bench/lib/upload-client.ts, as in
 * bench/upload.ts), and the server's own steps timed by watching its methods
 * (bench/lib/watch.ts). `csv`: the 700,000 x 6 CSV of bench/upload.ts (c) sent as bytes to
 * `read`, binary values back; `binary`: a ROWS x 10 dataset (default 1,000,000 rows) with
 * binary values in one message. Prints the median time of each step from the client's emit
 * (one unmeasured upload first, then 5), and the stretch before it. Everything before
 * "message checked and queued" is the client's making and sending of the message (its
 * WebSocket masking included) and Socket.IO's receiving of it; everything after "reply
 * written" is the reply's way to the client and the client's reading of it.
 * Run: `npx tsx bench/upload-phases.ts [csv|binary] [ROWS]` (about 30 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceRuntime } from '../server/compute/runtime.ts';
import { RCaller } from '../server/compute/r.caller.ts';
import { OutboundQueue } from '../server/sessions/outbound.queue.ts';
import { UserSession } from '../server/sessions/user.session.ts';
import { KeptWorker } from '../server/worker-thread.ts';
import { startTestServer } from '../test/fixtures/server.ts';
import { createUser } from '../test/fixtures/users.ts';
import { runUploadClient } from './lib/upload-child.ts';
import { writeCsv } from './lib/upload-csv.ts';
import { firstSteps, printMedianSteps, watch } from './lib/watch.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const MODE = process.argv[2] === 'binary' ? 'binary' : 'csv';
const ROWS = Number(process.argv[3] ?? (MODE === 'csv' ? 700_000 : 1_000_000));
const RUNS = 5;

watch(UserSession.prototype, 'submit', 'server: message checked and queued');
watch(KeptWorker.prototype, 'run', 'CSV: parse begins (worker)', 'CSV: parsed');
watch(
  WorkspaceRuntime.prototype,
  'putDataset',
  'dataset: to R and the store begins',
  'dataset: in R, its values written ahead',
);
watch(RCaller.prototype, 'assign', 'R: assign begins', 'R: assigned');
watch(UserSession.prototype, 'persist', 'store: save begins', 'store: save done');
watch(
  OutboundQueue.prototype,
  'push',
  'server: reply being written',
  undefined,
  'server: reply written',
);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'panthr-upload-phases-'));
  const ts = await startTestServer({ compute_timeout: 600 });
  try {
    const { cookie } = await createUser(ts, 'bench');
    const csvFile = MODE === 'csv' ? writeCsv(dir, ROWS) : undefined;
    const result = await runUploadClient({
      url: ts.url,
      cookie,
      rows: MODE === 'csv' ? 0 : ROWS,
      vars: MODE === 'csv' ? 0 : 10,
      runs: RUNS,
      binary: true,
      ...(csvFile === undefined ? {} : { csvFile }),
    });
    const runs = result.windows.map(({ start, end }) =>
      firstSteps(start, end).set('client: reply received', end - start),
    );
    const what =
      MODE === 'csv'
        ? `read of a ${ROWS} x 6 CSV as bytes, binary values back`
        : `a ${ROWS} x 10 dataset, binary values in one message`;
    printMedianSteps(`${what} (median of ${RUNS}; ms from the client's emit):`, runs, 1);
  } finally {
    await ts.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
