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
import { percentile } from './lib/stats.ts';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 400);
const PAUSE = Number(
  /^--pause=(\d+)$/.exec(args.find((a) => a.startsWith('--pause=')) ?? '')?.[1] ?? 0,
);
const WARMUP = 50;

let sent = 0;
let marks = new Map<string, number>();
/** Records the first time `step` happens in the current request. */
const mark = (step: string): void => {
  if (!marks.has(step)) marks.set(step, performance.now() - sent);
};

/**
 * Marks `before` when `name` is called, `returned` when the call returns (a promise may
 * still be pending) and `after` when it returns or its promise settles.
 */
function watch(
  proto: object,
  name: string,
  before: string,
  after?: string,
  returned?: string,
): void {
  const own = Object.getOwnPropertyDescriptor(proto, name);
  const fn = own?.value as (...a: unknown[]) => unknown;
  Object.defineProperty(proto, name, {
    ...own,
    value(this: unknown, ...a: unknown[]) {
      mark(before);
      const out = fn.apply(this, a);
      if (returned !== undefined) mark(returned);
      if (after === undefined) return out;
      if (out instanceof Promise) return out.finally(() => mark(after));
      mark(after);
      return out;
    },
  });
}

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
    const steps = new Map<string, number[]>();
    for (let i = 0; i < WARMUP + N; i++) {
      if (PAUSE > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE));
      marks = new Map();
      sent = performance.now();
      await timedRequest(client, [request]);
      mark('client: reply received');
      if (i < WARMUP) continue;
      for (const [step, t] of marks) steps.set(step, [...(steps.get(step) ?? []), t]);
    }
    const order = [...steps].map(([step, t]) => [step, percentile(t, 50)] as const);
    order.sort((a, b) => a[1] - b[1]);
    console.log(`\n${N} descriptives requests (1,000 x 3), one at a time, pause ${PAUSE} ms:`);
    console.log(
      `  ${'step (median ms after the client sent)'.padEnd(44)} ${'at'.padStart(7)} ${'stretch'.padStart(8)}`,
    );
    let last = 0;
    for (const [step, at] of order) {
      console.log(
        `  ${step.padEnd(44)} ${at.toFixed(3).padStart(7)} ${(at - last).toFixed(3).padStart(8)}`,
      );
      last = at;
    }
  } finally {
    await ts.stop();
  }
}

await main();
