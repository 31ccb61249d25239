/**
 * One `descriptives` request on 1,000 rows, p50 and p99, three ways in one run:
 * - the whole PanthR server over Socket.IO (startTestServer, a verified user, the dataset
 *   sent once, then one request at a time, each awaited);
 * - the raw Rserve round trip of the same R computation: our QAP1 client on a throwaway
 *   Rserve with PanthR.r sourced, the data and arguments assigned once, then the same
 *   `panthr_run(panthr_report, ...)` call the compute layer evaluates;
 * - plumber (Debian's r-cran-plumber) serving the same call on the data it holds: with fetch
 *   (keep-alive), and with a new connection per request (node:http), because httpuv's
 *   replies on a kept-alive connection wait ~40 ms for a delayed ACK; the faster counts;
 * - and, to explain the server's figure, the store save each request makes before its
 *   result is sent (saveObject into the server's own store).
 * All are interleaved request by request, so the machine's state hits them alike.
 * Goals: server p50 within 2x of raw Rserve, and faster than plumber.
 * Run: `npx tsx bench/roundtrip.ts [N]` (N measured requests each, default 400; about 60 s).
 */
import { Agent, request } from 'node:http';
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

const N = Number(process.argv[2] ?? 400);
const WARMUP = 50;
const ROWS = 1000;
const VARIABLES = ['x', 'y', 'z'] as const;
const PANTHR_LIB = path.resolve(import.meta.dirname, '../r/R/panthr.R');
/** The call the compute layer evaluates for a report without by, filter or options. */
const CALL = 'panthr_run(panthr_report, .panthr_a1, .panthr_d1, .panthr_a3, NULL, NULL, NULL)';

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
  /** One request; resolves with its result rows. */
  run(): Promise<Rows>;
  readonly times: number[];
}

async function serverContender(ts: TestServer, dataset: unknown): Promise<Contender> {
  const user = await createUser(ts, 'roundtrip');
  const client: TestClient = await connect(ts, user.cookie);
  const loaded = await timedRequest(client, [dataset]);
  if (errorCode(loaded.objects) !== null) throw new Error(JSON.stringify(loaded.objects));
  const request = descriptivesRequest('bench', 'd', VARIABLES);
  return {
    name: 'PanthR server (Socket.IO)',
    times: [],
    async run() {
      const reply = await timedRequest(client, [request]);
      const report = reply.objects[0] as { result?: unknown } | undefined;
      if (report?.result === undefined) throw new Error(JSON.stringify(reply.objects));
      return rowsOf(report.result);
    },
  };
}

async function rawContender(conn: RConnection, dataset: unknown): Promise<Contender> {
  await conn.voidEval(`source(${JSON.stringify(PANTHR_LIB)})`);
  const checked = validateObject(dataset);
  if (!checked.ok) throw new Error(checked.message);
  await conn.assign('.panthr_d1', datasetToR(checked.object as PanthrDataset));
  await conn.assign('.panthr_a1', rString(['descriptives']));
  await conn.assign('.panthr_a3', rString([...VARIABLES]));
  return {
    name: 'raw Rserve (our QAP1 client)',
    times: [],
    run: async () => rowsOf(rToJson(await conn.eval(CALL))),
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

async function measure(contenders: readonly Contender[]): Promise<void> {
  const first: Rows[] = [];
  for (const c of contenders) first.push(await c.run());
  const reference = first[0] ?? [];
  first.forEach((rows, i) => sameRows(reference, rows, contenders[i]?.name ?? ''));
  for (let i = 0; i < WARMUP + N; i++) {
    for (const c of contenders) {
      const t = now();
      await c.run();
      if (i >= WARMUP) c.times.push(since(t));
    }
  }
}

function report(contenders: readonly Contender[]): void {
  const [server, save, raw, keepAlive, fresh] = contenders;
  if (!server || !save || !raw || !keepAlive || !fresh) return;
  const p50 = (c: Contender): number => percentile(c.times, 50);
  const plumber = p50(keepAlive) <= p50(fresh) ? keepAlive : fresh;
  console.log(
    `\ndescriptives of ${VARIABLES.length} variables x ${ROWS} rows: ${N} requests each, ` +
      `interleaved, one at a time, after ${WARMUP} warm-up requests\n`,
  );
  console.log(
    `  ${'path'.padEnd(30)} ${'p50'.padStart(10)} ${'p90'.padStart(10)} ${'p99'.padStart(10)}`,
  );
  for (const c of contenders) {
    const cells = [50, 90, 99].map((p) => ms(percentile(c.times, p)).padStart(10));
    console.log(`  ${c.name.padEnd(30)} ${cells.join(' ')}`);
  }
  console.log(`\n  server p50 / raw Rserve p50: ${verdict(p50(server) / p50(raw), 2, false)}`);
  console.log(`  plumber p50 / server p50:    ${verdict(p50(plumber) / p50(server), 1, true)}`);
  console.log(
    `  server p50 without its store save / raw Rserve p50: ${((p50(server) - p50(save)) / p50(raw)).toFixed(2)}x`,
  );
  console.log(
    `  server p99 / raw Rserve p99: ${(percentile(server.times, 99) / percentile(raw.times, 99)).toFixed(2)}x`,
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
    const server = await serverContender(ts, dataset);
    const contenders = [
      server,
      await storeSave(ts.server.store, await server.run()),
      await rawContender(conn, dataset),
      plumberFetch(plumber),
      plumberFresh(plumber),
    ];
    await measure(contenders);
    report(contenders);
  } finally {
    await conn?.close().catch(() => undefined);
    await rserve?.stop();
    await plumber?.stop();
    await ts?.stop();
  }
}

await main();
