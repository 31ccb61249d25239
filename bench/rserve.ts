/**
 * Benchmarks of our QAP1 client, each as a ratio against a baseline measured in the same run:
 * 1. p50 of a trivial eval vs a raw hand-written QAP1 round trip to the same Rserve;
 * 2. decoding 1e6 doubles, 1e6 strings and a 1e6-row data frame vs the npm `rserve-client`
 *    (client side alone, on replayed bytes; and end to end against a real Rserve over TCP);
 * 3. assigning a 1e6 x 10 numeric data frame vs R reading the same numbers with readBin.
 * Run: `npx tsx bench/rserve.ts` (about a minute; starts and stops its own Rserves).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import rserveClient from 'rserve-client';
import type { RValue } from '../r/qap1/index.ts';
import { connectR, decodeSEXP, encodeSEXP, rDataFrame, rDouble } from '../r/qap1/index.ts';
import { rQuote } from '../r/r-quote.ts';
import { startRserve, type RserveProcess } from '../test/fixtures/rserve-process.ts';
import { rawQap1 } from './lib/raw-qap1.ts';
import { spawnReplayServer } from './lib/replay-server.ts';
import { collectGarbage, ms, now, percentile, since, timeRuns, verdict } from './lib/stats.ts';

const median = (xs: readonly number[]): number => percentile(xs, 50);

/** rserve-client's evaluate as a promise. */
function legacyEval(client: rserveClient.RserveClient, code: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    client.evaluate(code, (err, value) => (err ? reject(err) : resolve(value)));
  });
}

function legacyConnect(port: number): Promise<rserveClient.RserveClient> {
  return new Promise((resolve, reject) => {
    rserveClient.connect('127.0.0.1', port, (err, client) => (err ? reject(err) : resolve(client)));
  });
}

async function trivialEval(server: RserveProcess): Promise<void> {
  const conn = await connectR(server.address);
  const raw = await rawQap1(server.address);
  const ours: number[] = [];
  const floor: number[] = [];
  // Interleaved one by one, so that the machine's state (load, CPU wake-ups) hits both alike.
  for (let i = 0; i < 3200; i++) {
    let t = now();
    await raw.roundTrip('1');
    const f = since(t);
    t = now();
    await conn.eval('1');
    const o = since(t);
    if (i >= 200) {
      floor.push(f);
      ours.push(o);
    }
  }
  raw.close();
  await conn.close();
  const ratio = median(ours) / median(floor);
  console.log(
    '\n1. Trivial eval `1` over the Unix socket (p50 of 3000 interleaved round trips each)',
  );
  console.log(
    `   raw QAP1 round trip (floor): p50 ${ms(median(floor))}, p90 ${ms(percentile(floor, 90))}`,
  );
  console.log(
    `   our client eval():           p50 ${ms(median(ours))}, p90 ${ms(percentile(ours, 90))}`,
  );
  console.log(`   ours / floor: ${verdict(ratio, 1.5, false)}`);
}

interface DecodeCase {
  readonly name: string;
  readonly create: string;
  readonly variable: string;
}

const DECODE_CASES: readonly DecodeCase[] = [
  { name: '1e6 doubles', variable: 'bench_d', create: 'bench_d <- seq_len(1e6) / 7' },
  { name: '1e6 strings', variable: 'bench_s', create: 'bench_s <- as.character(seq_len(1e6))' },
  {
    // Kept under 16 MB: rserve-client cannot read larger (XT_LARGE) messages.
    name: '1e6-row data frame (double, factor, logical with NA)',
    variable: 'bench_df',
    create:
      'bench_df <- data.frame(x = seq_len(1e6) / 7, ' +
      'f = factor(rep(c("a", "b", "c", "d"), length.out = 1e6)), ' +
      'b = rep(c(TRUE, NA, FALSE), length.out = 1e6))',
  },
];

async function decoding(tcp: RserveProcess): Promise<void> {
  if (!('port' in tcp.address)) throw new Error('the decoding bench needs a TCP Rserve');
  const port = tcp.address.port;
  console.log('\n2. Decoding vs rserve-client 0.3.5 (both over TCP on 127.0.0.1)');
  const raw = await rawQap1(tcp.address);
  const ours = await connectR(tcp.address);
  const legacy = await legacyConnect(port);
  for (const c of DECODE_CASES) {
    await raw.roundTrip(`${c.create}; 1`);
    await ours.voidEval(c.create);
    await legacyEval(legacy, `${c.create}; 1`);
    const answer = await raw.roundTrip(c.variable);
    console.log(`   ${c.name} (answer ${(answer.length / 1e6).toFixed(1)} MB):`);
    const legacyClientMs = await clientSide(c.variable, answer, c.variable === 'bench_s');
    const oursE2E = await timeRuns(() => ours.eval(c.variable), 5);
    if (legacyClientMs > 5000) {
      // Keeps the run short: its client side alone took seconds, R's share changes nothing.
      console.log(`     end to end with R: ours ${ms(median(oursE2E))}; rserve-client not rerun`);
      continue;
    }
    const legacyE2E = await timeRuns(() => legacyEval(legacy, c.variable), 3, 0, 5000);
    const r = median(legacyE2E) / median(oursE2E);
    console.log(
      `     end to end with R: ours ${ms(median(oursE2E))}, rserve-client ${ms(median(legacyE2E))}: ` +
        `ours ${r.toFixed(1)}x faster`,
    );
  }
  const create = 'bench_df$s <- as.character(seq_len(1e6)); 1';
  await ours.voidEval(create);
  await legacyEval(legacy, create);
  await raw.roundTrip(create);
  const size = (await raw.roundTrip('bench_df')).length / 1e6;
  const bigOurs = await timeRuns(() => ours.eval('bench_df'), 3);
  const bigLegacy = await legacyEval(legacy, 'bench_df').then(
    () => 'read it',
    (e: unknown) => `failed: "${(e as Error).message}"`,
  );
  console.log(
    `   the same data frame plus a 1e6-string column (${size.toFixed(1)} MB, ` +
      `over 16 MB, XT_LARGE): ours ${ms(median(bigOurs))}; rserve-client ${bigLegacy}`,
  );
  raw.close();
  legacy.end();
  await ours.close();
}

/**
 * Client-side cost only: both clients read the same recorded answer from a replay server.
 * Returns rserve-client's median milliseconds.
 */
async function clientSide(variable: string, answer: Buffer, strings: boolean): Promise<number> {
  const replay = await spawnReplayServer(answer);
  const ours = await connectR({ host: '127.0.0.1', port: replay.port });
  const legacy = await legacyConnect(replay.port);
  const oursRuns = await timeRuns(() => ours.eval(variable), 10, 2);
  const legacyRuns = await timeRuns(() => legacyEval(legacy, variable), 3, 0, 5000);
  const payload = answer.subarray(16);
  const decodeOnly = await timeRuns(() => Promise.resolve(decodeSEXP(payload, 4)), 10, 2);
  // The least any decoder into JS strings pays: one UTF-8 decode and one split, same bytes.
  const floor = await timeRuns(
    () => Promise.resolve(payload.toString('utf8', 8).split('\0')),
    10,
    2,
  );
  legacy.end();
  await ours.close();
  await replay.close();
  const ratio = median(legacyRuns) / median(oursRuns);
  console.log(
    `     client side (replayed bytes): ours ${ms(median(oursRuns))} ` +
      `(decodeSEXP alone ${ms(median(decodeOnly))}), rserve-client ${ms(median(legacyRuns))}: ` +
      `ours faster by ${verdict(ratio, 50, true)}`,
  );
  if (strings) {
    console.log(
      `     (JS floor for 1e6 strings, one toString + split of the same bytes: ${ms(median(floor))}; ` +
        `decodeSEXP / floor = ${(median(decodeOnly) / median(floor)).toFixed(2)}x)`,
    );
  }
  return median(legacyRuns);
}

async function assigning(server: RserveProcess): Promise<void> {
  const n = 1_000_000;
  const columns: [string, RValue][] = [];
  for (let j = 0; j < 10; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = Math.random() * 1000 - 500;
    columns.push([`x${j + 1}`, rDouble(v)]);
  }
  const df = rDataFrame(columns, n);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qap1-bench-'));
  const file = path.join(dir, 'numbers.bin');
  await writeFile(
    file,
    Buffer.concat(
      columns.map(([, v]) => Buffer.from((v as { values: Float64Array }).values.buffer)),
    ),
  );
  const conn = await connectR(server.address);
  try {
    const readBin =
      `local({ t0 <- proc.time()[["elapsed"]]; con <- file(${rQuote(file)}, "rb"); ` +
      `cols <- lapply(1:10, function(i) readBin(con, "double", n = ${n})); close(con); ` +
      `names(cols) <- paste0("x", 1:10); bench_rb <<- as.data.frame(cols); ` +
      `(proc.time()[["elapsed"]] - t0) * 1000 })`;
    const baseline: number[] = [];
    for (let i = 0; i < 6; i++) {
      const v = await conn.eval(readBin);
      if (v.kind !== 'double') throw new Error('readBin timing is not a number');
      if (i > 0) baseline.push(v.values[0] ?? NaN);
    }
    const encodeRuns = await timeRuns(() => Promise.resolve(encodeSEXP(df)), 5, 1);
    collectGarbage();
    const oursRuns = await timeRuns(() => conn.assign('bench_df', df), 5, 1);
    const same = await conn.eval('identical(bench_df, bench_rb)');
    assignSummary(baseline, oursRuns, encodeRuns, same);
  } finally {
    await conn.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function assignSummary(baseline: number[], ours: number[], encode: number[], same: RValue): void {
  const identical = same.kind === 'logical' && same.values[0] === 1;
  console.log('\n3. Assigning a 1e6 x 10 numeric data frame (80 MB) over the Unix socket');
  console.log(
    `   R readBin + as.data.frame from a binary file (timed inside R): ${ms(median(baseline))}`,
  );
  console.log(
    `   our assign() end to end: ${ms(median(ours))} (of which encodeSEXP ${ms(median(encode))})`,
  );
  console.log(`   identical(assigned, readBin's) in R: ${identical}`);
  console.log(`   ours / readBin: ${verdict(median(ours) / median(baseline), 3, false)}`);
}

async function main(): Promise<void> {
  const start = now();
  const [unix, tcp] = await Promise.all([startRserve(), startRserve({ tcp: true })]);
  try {
    console.log(`QAP1 client benchmarks (Node ${process.version}, ${os.cpus().length} cores)`);
    await trivialEval(unix);
    await decoding(tcp);
    await assigning(unix);
  } finally {
    await Promise.all([unix.stop(), tcp.stop()]);
  }
  console.log(`\ntotal ${(since(start) / 1000).toFixed(1)} s`);
}

await main();
