/**
 * Where one request's wall-clock time goes (issue 16, goal 4): a test server in this
 * process, one verified user, a 1,000 x 3 dataset, and `descriptives` requests sent one at a
 * time from a socket.io-client in this process (as bench/roundtrip.ts does). The server's
 * own objects are watched, not replaced: the handler that takes the message, the write of
 * the call to R and its end, R's answer, the save, its group commit, the reply handed to
 * Socket.IO and the `ok`. Prints the median time of each step from the client's send, and
 * the median length of each stretch between steps.
 * `--pause=MS` waits MS between requests (an R process idle that long wakes slower).
 * Run: `npx tsx bench/phases.ts [N] [--pause=MS]` (N measured requests, default 400).
 */
import { Qap1Connection } from '../r/qap1/client.ts';
import { WriteBatcher } from '../server/store/embedded/write.batcher.ts';
import { OutboundQueue } from '../server/sessions/outbound.queue.ts';
import { UserSession } from '../server/sessions/user.session.ts';
import { ClientConnection } from '../server/sessions/client.connection.ts';
import { startTestServer } from '../test/fixtures/server.ts';
import { connect, createUser } from '../test/fixtures/users.ts';
import { benchDataset, descriptivesRequest, timedRequest } from './lib/panthr-bench.ts';
import { firstSteps, printMedianSteps, steps, wallNow, watch } from './lib/watch.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 400);
const PAUSE = Number(
  /^--pause=(\d+)$/.exec(args.find((a) => a.startsWith('--pause=')) ?? '')?.[1] ?? 0,
);
const WARMUP = 50;

watch(UserSession.prototype, 'submit', 'server: message checked and queued');
watch(
  Qap1Connection.prototype,
  'roundTrip',
  'R: call being written',
  'R: answer read',
  'R: write returned',
);
watch(Qap1Connection.prototype, 'onResponse', 'R: answer arrived');
watch(UserSession.prototype, 'persist', 'store: save begins', 'store: save done');
watch(WriteBatcher.prototype, 'run', 'store: write queued', 'store: committed (fsync)');
watch(OutboundQueue.prototype, 'push', 'server: reply handed to Socket.IO');
watch(ClientConnection.prototype, 'flushOks', 'server: ok written');

async function main(): Promise<void> {
  const ts = await startTestServer({ max_data: null });
  try {
    const client = await connect(ts, (await createUser(ts, 'phases')).cookie);
    await timedRequest(client, [benchDataset('d', 1000, ['x', 'y', 'z'])]);
    const request = descriptivesRequest('bench', 'd', ['x', 'y', 'z']);
    const runs: Map<string, number>[] = [];
    for (let i = 0; i < WARMUP + N; i++) {
      if (PAUSE > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE));
      const sent = wallNow();
      await timedRequest(client, [request]);
      const received = wallNow();
      const taken = firstSteps(sent, received);
      steps.length = 0;
      if (i < WARMUP) continue;
      runs.push(taken.set('client: reply received', received - sent));
    }
    printMedianSteps(
      `${N} descriptives requests (1,000 x 3), one at a time, pause ${PAUSE} ms:`,
      runs,
      3,
    );
  } finally {
    await ts.stop();
  }
}

await main();
