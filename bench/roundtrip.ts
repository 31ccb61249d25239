/**
 * One `descriptives` request on 1,000 rows x 3 variables, p50 and p99, in one run:
 * - the whole PanthR server over Socket.IO (startTestServer, a verified user, the dataset
 *   sent once, then one request at a time, each awaited; the result saved with fsync before
 *   it is sent);
 * - an empty Socket.IO round trip through the same server on the same socket (`echo`,
 *   acknowledged at once: no R, no store);
 * - the bare R computation: our QAP1 client on a throwaway Rserve with PanthR.r sourced,
 *   the data and arguments assigned once, then the same `panthr_run(panthr_report, ...)`
 *   call the compute layer evaluates ("raw QAP1");
 * - the same statistics computed in R directly, without PanthR.r (what the wrapper adds);
 * - plumber (Debian's r-cran-plumber) serving the same call on the data it holds, with a
 *   new connection per request (node:http; the goal's baseline) and with fetch (keep-alive:
 *   httpuv's replies on a kept-alive connection wait ~40 ms for a delayed ACK);
 * - and the store save each request makes before its result is sent (saveObject into the
 *   server's own store).
 * All are interleaved request by request, so the machine's state hits them alike.
 * Goals (issue 16, goal 4): the server's own overhead, server p50 - raw QAP1 p50 - echo
 * p50, at most 1.0 ms with the durable save included; the server's p50 below plumber's
 * (new connection per request).
 * A round takes about 60 ms, most of it plumber's keep-alive wait, so each contender's
 * processes sit idle between two of its requests, as a user's do between two clicks (on
 * this VM a process idle for 10 ms or more runs its next steps about twice as slowly).
 * `--repeat=K` runs each contender K times in a row in every round and counts all but the
 * first: the same figures for a machine kept busy (the keep-alive contender runs once).
 * Run: `npx tsx bench/roundtrip.ts [N] [--repeat=K]` (N measured rounds, default 400; about
 * 60 s).
 */
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { datasetToR, rToJson, validateObject, type PanthrDataset } from '../converters/index.ts';
import { connectR, rString, type RConnection } from '../r/index.ts';
import { createWorkspace, saveObject, type Store } from '../server/store/index.ts';
import { startTestServer, type TestServer } from '../test/fixtures/server.ts';
import { startRserve, type RserveProcess } from '../test/fixtures/rserve-process.ts';
import { connect, createUser, type TestClient } from '../test/fixtures/users.ts';
import { benchDataset, descriptivesRequest, errorCode, timedRequest } from './lib/panthr-bench.ts';
import { startPlumber, type Plumber } from './lib/plumber.ts';
import { ms, now, percentile, since, verdict } from './lib/stats.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const args = process.argv.slice(2);
const unknown = args.filter((a) => !/^\d+$/.test(a) && !/^--repeat=[1-9]\d*$/.test(a));
if (unknown.length > 0)
  throw new Error(`usage: bench/roundtrip.ts [N] [--repeat=K] (K >= 1); not ${unknown.join(' ')}`);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 400);
const REPEAT = Number(
  /^--repeat=(\d+)$/.exec(args.find((a) => a.startsWith('--repeat=')) ?? '')?.[1] ?? 1,
);
const WARMUP = 50;
const ROWS = 1000;
const VARIABLES = ['x', 'y', 'z'] as const;
const PANTHR_LIB = path.resolve(import.meta.dirname, '../r/R/panthr.R');
/** The call the compute layer evaluates for a report without by, filter or options. */
const CALL = 'panthr_run(panthr_report, .panthr_a1, .panthr_d1, .panthr_a3, NULL, NULL, NULL)';
/** The same statistics in R directly (no PanthR.r): the floor of the R side's own work. */
const DIRECT =
  'lapply(.panthr_d1, function(v) { x <- v[!is.na(v)]; c(length(x), length(v) - length(x), ' +
  'mean(x), sd(x), min(x), quantile(x, c(0.25, 0.5, 0.75), names = FALSE), max(x)) })';

type Rows = unknown[][];

/** The statistics rows of a descriptives result, from any of the three. */
function rowsOf(result: unknown): Rows {
  const r = result as { ok?: boolean; value?: { rows?: Rows }; rows?: Rows };
  const rows = r.rows ?? r.value?.rows;
  if (!Array.isArray(rows)) throw new Error(`no rows in ${JSON.stringify(result).slice(0, 300)}`);
  return rows;
}

function sameRows(a: Rows, b: Rows, what: string): void {
  const close = (x: unknown, y: unknown): boolean =>
    typeof x === 'number' && typeof y === 'number'
      ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x))
      : JSON.stringify(x) === JSON.stringify(y);
  const ok = a.length === b.length && a.every((row, i) => row.every((v, j) => close(v, b[i]?.[j])));
  if (!ok) throw new Error(`${what} differs:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
}

interface Contender {
  readonly name: string;
  /** One request; resolves with its result rows, or null when it computes none (echo). */
  run(): Promise<Rows | null>;
  readonly times: number[];
}

async function serverContender(
  ts: TestServer,
  dataset: unknown,
): Promise<{ server: Contender; echo: Contender }> {
  const user = await createUser(ts, 'roundtrip');
  const client: TestClient = await connect(ts, user.cookie);
  const loaded = await timedRequest(client, [dataset]);
  if (errorCode(loaded.objects) !== null) throw new Error(JSON.stringify(loaded.objects));
  const request = descriptivesRequest('bench', 'd', VARIABLES);
  const server: Contender = {
    name: 'PanthR server (Socket.IO)',
    times: [],
    async run() {
      const reply = await timedRequest(client, [request]);
      const report = reply.objects[0] as { result?: unknown } | undefined;
      if (report?.result === undefined) throw new Error(JSON.stringify(reply.objects));
      return rowsOf(report.result);
    },
  };
  let i = 0;
  const echo: Contender = {
    name: 'empty round trip (echo)',
    times: [],
    async run() {
      i += 1;
      const reply = (await client.socket.emitWithAck('echo', { t: i })) as { t?: unknown };
      if (reply.t !== i) throw new Error(`echo: ${JSON.stringify(reply)}`);
      return null;
    },
  };
  return { server, echo };
}

async function rawContender(conn: RConnection, dataset: unknown): Promise<Contender> {
  await conn.voidEval(`source(${JSON.stringify(PANTHR_LIB)})`);
  const checked = validateObject(dataset);
  if (!checked.ok) throw new Error(checked.message);
  await conn.assign('.panthr_d1', datasetToR(checked.object as PanthrDataset));
  await conn.assign('.panthr_a1', rString(['descriptives']));
  await conn.assign('.panthr_a3', rString([...VARIABLES]));
  return {
    name: 'raw QAP1 (the same R call)',
    times: [],
    run: async () => rowsOf(rToJson(await conn.eval(CALL))),
  };
}

/** The statistics in R without PanthR.r, on the data rawContender assigned. */
function directContender(conn: RConnection): Contender {
  return {
    name: '  R directly, no PanthR.r',
    times: [],
    async run() {
      await conn.eval(DIRECT);
      return null;
    },
  };
}

function plumberFetch(plumber: Plumber): Contender {
  return {
    name: 'plumber (fetch, keep-alive)',
    times: [],
    async run() {
      const res = await fetch(plumber.url);
      return rowsOf(await res.json());
    },
  };
}

function plumberFresh(plumber: Plumber): Contender {
  const agent = new Agent({ keepAlive: false });
  return {
    name: 'plumber (new connection)',
    times: [],
    run: () =>
      new Promise<Rows>((resolve, reject) => {
        const req = request(plumber.url, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => {
            try {
              resolve(rowsOf(JSON.parse(body)));
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
        });
        req.on('error', reject);
        req.end();
      }),
  };
}

/** The store save a request makes (its result object), on the server's own store. */
async function storeSave(store: Store, rows: Rows): Promise<Contender> {
  const workspace = await createWorkspace(store, 'bench-scratch', 'scratch');
  const object = { ...descriptivesRequest('bench', 'd', VARIABLES), result: { rows } };
  return {
    name: '  of which: store save',
    times: [],
    async run() {
      await saveObject(store, workspace._id, object as unknown as Parameters<typeof saveObject>[2]);
      return rows;
    },
  };
}

async function measure(contenders: readonly Contender[], keepAlive: Contender): Promise<void> {
  const first: (Rows | null)[] = [];
  for (const c of contenders) first.push(await c.run());
  const reference = first[0] ?? [];
  first.forEach((rows, i) => {
    if (rows !== null) sameRows(reference, rows, contenders[i]?.name ?? '');
  });
  for (let i = 0; i < WARMUP + N; i++) {
    for (const c of contenders) {
      // plumber's keep-alive requests wait out a delayed ACK: the machine idles anyway.
      const times = c === keepAlive ? 1 : REPEAT;
      for (let k = 0; k < times; k++) {
        const t = now();
        await c.run();
        if (i >= WARMUP && (times === 1 || k > 0)) c.times.push(since(t));
      }
    }
  }
}

/** The contenders by role, in the order they run. */
interface Field {
  readonly server: Contender;
  readonly echo: Contender;
  readonly save: Contender;
  readonly raw: Contender;
  readonly direct: Contender;
  readonly fresh: Contender;
  readonly keepAlive: Contender;
}

function report(f: Field, loadBefore: number): void {
  const contenders = [f.server, f.echo, f.save, f.raw, f.direct, f.fresh, f.keepAlive];
  const p50 = (c: Contender): number => percentile(c.times, 50);
  console.log(
    `\ndescriptives of ${VARIABLES.length} variables x ${ROWS} rows: ${N} rounds, ` +
      `contenders interleaved, one request at a time, after ${WARMUP} warm-up rounds; ` +
      (REPEAT === 1
        ? 'one request of each per round\n'
        : `${REPEAT} requests of each in a row per round, the first not counted\n`),
  );
  console.log(
    `  ${'path'.padEnd(32)} ${'p50'.padStart(10)} ${'p90'.padStart(10)} ${'p99'.padStart(10)}`,
  );
  for (const c of contenders) {
    const cells = [50, 90, 99].map((p) => ms(percentile(c.times, p)).padStart(10));
    console.log(`  ${c.name.padEnd(32)} ${cells.join(' ')}`);
  }
  const overhead = p50(f.server) - p50(f.raw) - p50(f.echo);
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  console.log(
    `\n  server's own overhead = server p50 - raw QAP1 p50 - echo p50 = ` +
      `${ms(p50(f.server))} - ${ms(p50(f.raw))} - ${ms(p50(f.echo))} = ${ms(overhead)} ` +
      (REPEAT === 1
        ? `(goal <= 1.0 ms, durable save included: ${met(overhead <= 1)})`
        : `(on a machine kept busy; the goal is judged without --repeat)`),
  );
  console.log(
    `    of which the store save (p50 alone): ${ms(p50(f.save))}; without it: ${ms(overhead - p50(f.save))}`,
  );
  console.log(
    `  plumber p50 (new connection) ${ms(p50(f.fresh))} / server p50 ${ms(p50(f.server))}: ` +
      `${verdict(p50(f.fresh) / p50(f.server), 1, true)}`,
  );
  console.log(`  plumber p50 (keep-alive) ${ms(p50(f.keepAlive))}`);
  console.log(
    `  PanthR.r's own share of the R call: raw QAP1 p50 - R directly p50 = ${ms(p50(f.raw) - p50(f.direct))}`,
  );
  console.log(
    `  load average: ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]?.toFixed(2)} after (1 min)`,
  );
}

async function main(): Promise<void> {
  const dataset = benchDataset('d', ROWS, VARIABLES);
  const columns = Object.fromEntries(
    dataset.variables.map((v) => [v.name as string, v.values as (number | null)[]]),
  );
  let ts: TestServer | undefined;
  let rserve: RserveProcess | undefined;
  let conn: RConnection | undefined;
  let plumber: Plumber | undefined;
  try {
    ts = await startTestServer({ max_data: null });
    rserve = await startRserve();
    conn = await connectR(rserve.address);
    plumber = await startPlumber(PANTHR_LIB, columns);
    const { server, echo } = await serverContender(ts, dataset);
    const rows = await server.run();
    if (rows === null) throw new Error('no result rows');
    const field: Field = {
      server,
      echo,
      save: await storeSave(ts.server.store, rows),
      raw: await rawContender(conn, dataset),
      direct: directContender(conn),
      fresh: plumberFresh(plumber),
      keepAlive: plumberFetch(plumber),
    };
    const loadBefore = os.loadavg()[0] ?? NaN;
    await measure(Object.values(field), field.keepAlive);
    report(field, loadBefore);
  } finally {
    await conn?.close().catch(() => undefined);
    await rserve?.stop();
    await plumber?.stop();
    await ts?.stop();
  }
}

await main();
