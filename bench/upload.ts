/**
 * Uploading a dataset of ROWS x 10 scalar variables (default 1,000,000 rows) into an R data
 * frame, each figure against a baseline measured in the same run:
 * (a) the server's part, from the received message object (as Socket.IO hands it over) to
 *     the data frame in R (validation, converters, binary assign, the stored form), with
 *     JSON `values` and with binary float64 `values`, against R's own readBin of the same
 *     numbers from files (the floor; timed inside R). Goal: within 3x of the floor.
 * (b) the whole path from a socket.io-client in a child process to the reply (a server from
 *     test/fixtures/server.ts: login, Socket.IO, validation, R, the store, the reply), JSON
 *     and binary (each on a fresh server), against POSTing the same dataset as JSON to a
 *     plumber endpoint that parses it with jsonlite into a data frame (what a plumber user
 *     would write). Goal: >= 5x. JSON values go in parts of 8 MB (docs/api.md, "Uploading
 *     in parts": one message may not pass 128 MB); binary values (80 MB) in one message.
 *     The binary whole path is also given against (a)'s readBin floor (R as by default, and
 *     with the allocator and heap tuned as the server runs R, r/supervisor). Goal (issue
 *     16): within 4x. Both with the values echoed back (API.md's default: 80 MB down again)
 *     and sent with `"echoValues": false` (answered with checksums, as row slices are).
 * (c) a 700,000 x 6 CSV sent as bytes to `read`, binary values back, against
 *     data.table::fread of the same file (bench/lib/upload-csv.ts). Goal: within 5x. It
 *     runs in a process of its own (`upload.ts csv`), after (b)'s JSON upload has gone.
 * Run: `npx tsx bench/upload.ts [ROWS]` (about 3 minutes at 1e6 rows; temp dirs only);
 * `npx tsx bench/upload.ts csv [ROWS]` runs (c) alone; `npx tsx bench/upload.ts binary [ROWS]`
 * runs (a) and the binary whole path against readBin (about 1 minute).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetToR, UPLOAD_PART_BYTES, validateObject } from '../converters/index.ts';
import { rString } from '../r/qap1/sexp.ts';
import { startPanthrR } from '../test/fixtures/compute/panthr-r.ts';
import { startTestServer } from '../test/fixtures/server.ts';
import { createUser } from '../test/fixtures/users.ts';
import { freePort } from './lib/panthr-bench.ts';
import { csvCase } from './lib/upload-csv.ts';
import { runUploadClient } from './lib/upload-child.ts';
import type { UploadConfig } from './lib/upload-client.ts';
import { makeColumns, uploadMessage, type Columns } from './lib/upload-data.ts';
import { ms, percentile, timeRuns, verdict } from './lib/stats.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const CSV_ONLY = process.argv[2] === 'csv';
const BINARY_ONLY = process.argv[2] === 'binary';
const ROWS = Number((CSV_ONLY || BINARY_ONLY ? process.argv[3] : process.argv[2]) ?? 1_000_000);
const VARS = 10;
const RUNS = 5;
const median = (xs: readonly number[]): number => percentile(xs, 50);

/**
 * R's `readBin` of the same numbers from files, timed in R: the floor. `rDefaults`: in
 * an R as an analyst runs it (glibc's allocator and R's heap as by default: the goals'
 * baseline), or with both tuned as the server runs its sessions (printed beside it).
 */
async function readBinFloor(cols: Columns, dir: string, rDefaults: boolean): Promise<number> {
  const r = await startPanthrR([], { rDefaults });
  try {
    const conn = await r.connect();
    const files = cols.binary.map((c, j) => {
      const f = join(dir, `x${j + 1}.bin`);
      writeFileSync(f, c);
      return f;
    });
    await conn.assign('.bench_files', rString(files));
    const floor: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t = await conn.eval(
        `{ gc(); t0 <- proc.time()[[3]]; d <- as.data.frame(lapply(.bench_files, readBin, what = "double", n = ${ROWS})); ` +
          'names(d) <- paste0("x", seq_along(d)); t <- proc.time()[[3]] - t0; rm(d); t * 1000 }',
      );
      if (i > 0 && t.kind === 'double') floor.push(t.values[0] ?? NaN);
    }
    return median(floor);
  } finally {
    await r.stop();
  }
}

/** The readBin floor (ms) in R as by default, and with the server's R settings. */
interface Floor {
  readonly f: number;
  readonly tuned: number;
}

/** "X against (a)'s readBin": the ratio to the floor, and to the tuned floor beside it. */
function againstFloor(x: number, floor: Floor): string {
  return (
    `against (a)'s readBin ${ms(floor.f)}: ${verdict(x / floor.f, 4, false)}` +
    ` (readBin with the server's R settings ${ms(floor.tuned)}: ${(x / floor.tuned).toFixed(2)}x)`
  );
}

/** (a): prints its figures; resolves with the readBin floors (ms). */
async function serverPart(cols: Columns, dir: string): Promise<Floor> {
  const floor = {
    f: await readBinFloor(cols, dir, true),
    tuned: await readBinFloor(cols, dir, false),
  };
  const r = await startPanthrR();
  try {
    const conn = await r.connect();
    const rt = await r.runtime();
    const through = (msg: Record<string, unknown>) => async (): Promise<void> => {
      const v = rt.validate(msg);
      if (!v.ok) throw new Error(v.message);
      const out = await rt.run(v.object);
      if (out.reply[0]?.type !== 'dataset')
        throw new Error(JSON.stringify(out.reply[0]).slice(0, 200));
    };
    const jsonMsg = uploadMessage(cols.json);
    const binMsg = uploadMessage(cols.binary, true);
    const ours = {
      json: median(await timeRuns(through(jsonMsg), RUNS)),
      binary: median(await timeRuns(through(binMsg), RUNS)),
      assignOnly: median(
        await timeRuns(async () => {
          const v = validateObject(binMsg);
          if (v.ok && v.object.type === 'dataset')
            await conn.assign('.bench_df', datasetToR(v.object));
        }, RUNS),
      ),
    };
    const f = floor.f;
    console.log(`(a) server part, ${ROWS} x ${VARS} into an R data frame (median of ${RUNS})`);
    console.log(
      `    floor: R readBin from files, timed in R   ${ms(f)} (with the server's R settings ${ms(floor.tuned)})`,
    );
    console.log(
      `    binary values: validate + converters + assign only  ${ms(ours.assignOnly)}  ${verdict(ours.assignOnly / f, 3, false)}`,
    );
    console.log(
      `    binary values: runtime.run (also the stored form)  ${ms(ours.binary)}  ${verdict(ours.binary / f, 3, false)}`,
    );
    console.log(
      `    JSON values:   runtime.run                  ${ms(ours.json)}  ${verdict(ours.json / f, 3, false)}`,
    );
    return floor;
  } finally {
    await r.stop();
  }
}

const PLUMBER_API = `
#* Parse a PanthR dataset posted as JSON into a data frame, as a plumber user would:
#* plumber's own JSON body parser (jsonlite), then the columns into a data.frame.
#* @post /upload
function(req) {
  d <- req$body
  cols <- lapply(d$variables$values, as.double)
  names(cols) <- d$variables$name
  df <- as.data.frame(cols)
  list(rows = nrow(df), variables = ncol(df))
}
`;

/** Starts plumber on a free port; resolves with its URL and a stop function. */
async function startPlumber(dir: string): Promise<{ url: string; stop: () => void }> {
  const file = join(dir, 'plumber.R');
  writeFileSync(file, PLUMBER_API);
  const port = await freePort();
  const child = spawn(
    'Rscript',
    [
      '-e',
      `plumber::pr_run(plumber::pr(${JSON.stringify(file)}), host = "127.0.0.1", port = ${port}, docs = FALSE, quiet = TRUE)`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${url}/upload`, { method: 'GET' }).then(
      () => true,
      () => false,
    );
    if (up) return { url, stop: () => child.kill('SIGTERM') };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`plumber did not start: ${err}`);
}

/**
 * Median time of RUNS uploads of the columns (binary or JSON values) to a server of its own
 * (a fresh process state for each form, as plumber is a fresh R process), from a client in
 * a child process (bench/lib/upload-client.ts): the client's work does not share the
 * server's event loop, as plumber's server does not share the bench's. `checksumsOnly`: the
 * dataset goes with `"echoValues": false`, answered with checksums instead of its values.
 */
async function viaSocket(binary: boolean, checksumsOnly = false): Promise<number> {
  const ts = await startTestServer({ compute_timeout: 600 });
  try {
    const { cookie } = await createUser(ts, 'bench');
    // JSON values (191 MB at 1e6 rows) are over the 128 MB message limit: they go in parts.
    const config: UploadConfig = {
      url: ts.url,
      cookie,
      rows: ROWS,
      vars: VARS,
      runs: 3,
      binary,
      checksumsOnly,
      ...(binary ? {} : { partBytes: UPLOAD_PART_BYTES }),
    };
    return median((await runUploadClient(config)).timesMs);
  } finally {
    await ts.stop();
  }
}

async function wholePath(cols: Columns, dir: string, floor: Floor): Promise<void> {
  const plumber = await startPlumber(dir);
  let p: number;
  try {
    const viaPlumber = async (): Promise<void> => {
      const res = await fetch(`${plumber.url}/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(uploadMessage(cols.json)),
      });
      const body = (await res.json()) as { rows: number[] };
      if (body.rows[0] !== ROWS) throw new Error(`plumber answered ${JSON.stringify(body)}`);
    };
    p = median(await timeRuns(viaPlumber, 3));
  } finally {
    plumber.stop();
  }
  const binary = await viaSocket(true);
  const lean = await viaSocket(true, true);
  const json = await viaSocket(false);
  console.log(`(b) whole path from a client, ${ROWS} x ${VARS} (median of 3)`);
  console.log(`    plumber + jsonlite, JSON POST              ${ms(p)}`);
  console.log(
    `    PanthR over Socket.IO, JSON values         ${ms(json)}  ${verdict(p / json, 5, true)}`,
  );
  console.log(
    `    PanthR over Socket.IO, binary values       ${ms(binary)}  ${verdict(p / binary, 5, true)}`,
  );
  console.log(`    binary values ${againstFloor(binary, floor)}`);
  console.log(`    binary values, answered with checksums ${againstFloor(lean, floor)}`);
}

/** `upload.ts csv` run as a child of this process, its output shown as it comes. */
async function csvInItsOwnProcess(): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', 'csv'], {
    stdio: 'inherit',
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the CSV case failed (exit ${code})`);
}

const dir = mkdtempSync(join(tmpdir(), 'panthr-bench-upload-'));
try {
  if (CSV_ONLY) {
    await csvCase(dir, Number(process.argv[3] ?? 700_000));
  } else if (BINARY_ONLY) {
    const cols = makeColumns(ROWS, VARS);
    const floor = await serverPart(cols, dir);
    const binary = await viaSocket(true);
    const lean = await viaSocket(true, true);
    console.log(`(b) whole path from a client, binary values, ${ROWS} x ${VARS} (median of 3)`);
    console.log(
      `    values echoed (API.md):            ${ms(binary)} ${againstFloor(binary, floor)}`,
    );
    console.log(
      `    "echoValues": false, checksums back: ${ms(lean)} ${againstFloor(lean, floor)}`,
    );
  } else {
    const cols = makeColumns(ROWS, VARS);
    const floor = await serverPart(cols, dir);
    await wholePath(cols, dir, floor);
    // (c) in a process of its own, as `csv` alone runs it: the JSON upload of (b) leaves a
    // heap of millions of numbers that slows every later collection of this one (the
    // import took 742 ms here against 599 ms alone).
    await csvInItsOwnProcess();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
