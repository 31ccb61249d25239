/**
 * bench/upload.ts (c): a ROWS x 6 CSV file (default 700,000 rows, about 66 MB) sent as
 * the file's bytes (`read` with `data`, API 1.1) to a test server, with binary values
 * back, from the emit to the reply in a client process of its own, against
 * data.table::fread of the same file timed in R (Debian's r-cran-data.table,
 * `scripts/setup --bench`). Goal: within 5x of fread.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rString } from '../../r/qap1/sexp.ts';
import { normal } from '../../test/fixtures/compute/datasets.ts';
import { startPanthrR } from '../../test/fixtures/compute/panthr-r.ts';
import { startTestServer } from '../../test/fixtures/server.ts';
import { createUser } from '../../test/fixtures/users.ts';
import { runUploadClient } from './upload-child.ts';
import type { UploadConfig } from './upload-client.ts';
import { ms, percentile, verdict } from './stats.ts';

const RUNS = 3;
const GOAL = 5;

/**
 * Writes the CSV: an integer id, four numeric columns written as JavaScript writes a double
 * (up to 17 significant digits, as most exports do), a text group; returns its path.
 */
export function writeCsv(dir: string, rows: number): string {
  const rnd = normal(700);
  const groups = ['north', 'south', 'east', 'west', 'centre'];
  const lines = ['id,a,b,c,d,group'];
  for (let i = 0; i < rows; i++) {
    const num = (): string => (rnd() * 100).toString();
    lines.push(`${i + 1},${num()},${num()},${num()},${num()},${groups[i % 5] ?? ''}`);
  }
  const file = join(dir, 'bench.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * fread's median milliseconds on `file`, timed inside R. `rDefaults`: in an R as an
 * analyst runs it (glibc's allocator and R's heap as by default: the goal's baseline), or
 * with both tuned as the server runs its sessions (printed beside it).
 */
async function fread(file: string, rDefaults: boolean): Promise<number> {
  const r = await startPanthrR([], { rDefaults });
  try {
    const conn = await r.connect();
    await conn.assign('.bench_file', rString([file]));
    const times: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t = await conn.eval(
        '{ gc(); t0 <- proc.time()[[3]]; d <- data.table::fread(.bench_file, nThread = 1L); ' +
          'stopifnot(ncol(d) == 6L); (proc.time()[[3]] - t0) * 1000 }',
        { timeoutMs: 600_000 },
      );
      if (i > 0 && t.kind === 'double') times.push(t.values[0] ?? NaN);
    }
    return percentile(times, 50);
  } finally {
    await r.stop();
  }
}

/**
 * The server's median milliseconds for `read` of the file's bytes, binary values back, from
 * a client in a process of its own (bench/lib/upload-client.ts, as a browser is), after one
 * unmeasured read.
 */
async function viaServer(file: string): Promise<number> {
  const ts = await startTestServer({ compute_timeout: 600 });
  try {
    const { cookie } = await createUser(ts, 'bench');
    const config: UploadConfig = {
      url: ts.url,
      cookie,
      rows: 0,
      vars: 0,
      runs: RUNS,
      binary: true,
      csvFile: file,
    };
    return percentile((await runUploadClient(config)).timesMs, 50);
  } finally {
    await ts.stop();
  }
}

/** Runs case (c) and prints its figures. */
export async function csvCase(dir: string, rows = 700_000): Promise<void> {
  const file = writeCsv(dir, rows);
  const mb = readFileSync(file).length / 1e6;
  const f = await fread(file, true);
  const tuned = await fread(file, false);
  const s = await viaServer(file);
  console.log(`(c) CSV import, ${rows} x 6 (${mb.toFixed(0)} MB) as bytes (median of ${RUNS})`);
  console.log(
    `    data.table::fread (one thread), timed in R  ${ms(f)} (with the server's R settings ${ms(tuned)})`,
  );
  console.log(
    `    PanthR read, bytes in, binary values back  ${ms(s)}  ${verdict(s / f, GOAL, false)}` +
      ` (${(s / tuned).toFixed(2)}x the tuned fread)`,
  );
}
