/**
 * Child-process side of bench/load.ts, so that the clients' own memory and CPU are not
 * counted as the server's: `node --import tsx load-clients.ts CONFIG_JSON_FILE`.
 * Connects every user (its own Socket.IO client, so its own R session), sends each one's
 * dataset, prints `connected`, then has each user send one request a second (open loop,
 * phases spread over the first second) for the duration; waits for what is in flight
 * (bounded), prints `loaded` and waits for a line on stdin (the parent measures memory
 * then, with every session still open, instead of during the load), disconnects, and
 * prints one JSON line: {@link LoadResult}.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { TestServer } from '../../test/fixtures/server.ts';
import { connect, type TestClient } from '../../test/fixtures/users.ts';
import { errorCode, mapLimit, timedRequest } from './panthr-bench.ts';

/** What the parent passes. */
export interface LoadConfig {
  readonly url: string;
  readonly cookies: readonly string[];
  readonly durationMs: number;
  readonly dataset: unknown;
  readonly request: unknown;
  readonly connectConcurrency: number;
}

/** What the child reports. */
export interface LoadResult {
  readonly sent: number;
  readonly latenciesMs: number[];
  /** The latencies of the requests sent in the second half of the run (steady state). */
  readonly secondHalfMs: number[];
  /** Error kind (an error object's code, `timeout`, `disconnected: REASON`) to count. */
  readonly errors: Record<string, number>;
  readonly connectMs: number;
  readonly elapsedMs: number;
  /** The slowest requests: when sent (ms into the run), by which user, how long. */
  readonly slowest: { atMs: number; user: number; ms: number }[];
  /** Date.now() when the load began: `atMs` + this is when a request was sent. */
  readonly startedAt: number;
  /** Every answered request: [ms into the run when sent, latency in ms]. */
  readonly timeline: [number, number][];
}

/** Milliseconds a request may take before it counts as an error. */
const REQUEST_TIMEOUT_MS = 30_000;

async function run(config: LoadConfig): Promise<LoadResult> {
  const errors: Record<string, number> = {};
  const fail = (kind: string): void => void (errors[kind] = (errors[kind] ?? 0) + 1);
  const started = Date.now();
  // connect() only reads the server's url.
  const ts = { url: config.url } as TestServer;
  // A user who cannot connect or load the dataset is counted (`connect: REASON`) and left
  // out of the load, instead of ending the run: a run that stops near some number of users
  // then says why (with progress every 50 users on stderr).
  let ready = 0;
  const connected = await mapLimit(config.cookies, config.connectConcurrency, async (cookie) => {
    try {
      const c = await connect(ts, cookie);
      const loaded = await timedRequest(c, [config.dataset], REQUEST_TIMEOUT_MS);
      const code = errorCode(loaded.objects);
      if (code !== null) throw new Error(`loading the dataset: ${code}`);
      ready += 1;
      if (ready % 50 === 0)
        process.stderr.write(
          `  ${ready} users ready, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
        );
      return c;
    } catch (err) {
      fail(`connect: ${(err as Error).message.replace(/ within \d+ ms/, '')}`);
      return null;
    }
  });
  const clients = connected.filter((c): c is TestClient => c !== null);
  const connectMs = Date.now() - started;
  process.stdout.write('connected\n');
  // The load starts when the parent says so (once its CPU sampler runs).
  await nextLine();

  const latenciesMs: number[] = [];
  const secondHalfMs: number[] = [];
  const samples: { atMs: number; user: number; ms: number }[] = [];
  const timeline: [number, number][] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const t0 = Date.now();
  const one = (c: TestClient, user: number): void => {
    sent += 1;
    const atMs = Date.now() - t0;
    const p = timedRequest(c, [config.request], REQUEST_TIMEOUT_MS)
      .then((r) => {
        const code = errorCode(r.objects);
        if (code === null) {
          latenciesMs.push(r.ms);
          if (atMs >= config.durationMs / 2) secondHalfMs.push(r.ms);
        } else fail(code);
        samples.push({ atMs, user, ms: Math.round(r.ms) });
        timeline.push([atMs, r.ms]);
      })
      .catch((err: unknown) => fail((err as Error).message.replace(/ within \d+ ms/, '')))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const timers = clients.map((c, i) => {
    const phase = (i * 1000) / clients.length;
    const user = { next: t0 + phase, timer: undefined as NodeJS.Timeout | undefined };
    const tick = (): void => {
      if (Date.now() - t0 >= config.durationMs) return;
      one(c, i);
      user.next += 1000;
      user.timer = setTimeout(tick, Math.max(0, user.next - Date.now()));
    };
    user.timer = setTimeout(tick, phase);
    return user;
  });
  await new Promise((r) => setTimeout(r, config.durationMs));
  for (const t of timers) clearTimeout(t.timer);
  await Promise.allSettled([...inFlight]);
  const elapsedMs = Date.now() - t0;
  process.stdout.write('loaded\n');
  await nextLine();
  for (const c of clients) c.close();
  const slowest = samples.sort((a, b) => b.ms - a.ms).slice(0, 8);
  return {
    sent,
    latenciesMs,
    secondHalfMs,
    errors,
    connectMs,
    elapsedMs,
    slowest,
    startedAt: t0,
    timeline,
  };
}

/** Resolves at the next line on stdin, or when stdin ends. */
function nextLine(): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    const done = (): void => {
      lines.close();
      resolve();
    };
    lines.once('line', done);
    lines.once('close', done);
  });
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: load-clients.ts CONFIG_JSON_FILE');
const result = await run(JSON.parse(await readFile(file, 'utf8')) as LoadConfig);
// Sockets may hold the loop open for a moment after close: leave as soon as the line is
// written. Not before: stdout to a pipe is asynchronous, and exiting at once cut a result of
// more than the pipe's 64 KB (8,000 requests at 200 users) and failed the run.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
