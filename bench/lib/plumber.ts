/**
 * A plumber (Debian's r-cran-plumber) baseline: Rscript serving GET /descriptives on
 * 127.0.0.1, computing PanthR.r's descriptives of a dataset it holds in memory, as
 * unboxed JSON. Started in its own process group and stopped by killing that group.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './panthr-bench.ts';

/** A running plumber server. */
export interface Plumber {
  /** `http://127.0.0.1:PORT/descriptives`. */
  readonly url: string;
  /** Kills the process group and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const SCRIPT = `
suppressMessages(library(plumber))
source(Sys.getenv("PANTHR_LIB"))
d <- as.data.frame(jsonlite::fromJSON(Sys.getenv("BENCH_DATA")))
vars <- jsonlite::fromJSON(Sys.getenv("BENCH_VARS"))
pr <- pr_get(pr(), "/descriptives", function() {
  panthr_run(panthr_report, "descriptives", d, vars, NULL, NULL, NULL)
}, serializer = serializer_unboxed_json(na = "null", digits = NA))
pr_run(pr, host = "127.0.0.1", port = as.integer(Sys.getenv("BENCH_PORT")), docs = FALSE,
       quiet = TRUE)
`;

/**
 * Starts plumber with `columns` (name -> values, null for NA) as its data frame and
 * resolves once /descriptives answers 200 (within `readyTimeoutMs`).
 */
export async function startPlumber(
  panthrLib: string,
  columns: Record<string, (number | null)[]>,
  readyTimeoutMs = 30_000,
): Promise<Plumber> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'panthr-plumber-'));
  const script = path.join(dir, 'serve.R');
  const data = path.join(dir, 'data.json');
  await writeFile(script, SCRIPT);
  await writeFile(data, JSON.stringify(columns));
  const port = await freePort();
  const child = spawn('Rscript', ['--vanilla', script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PANTHR_LIB: panthrLib,
      BENCH_DATA: data,
      BENCH_VARS: JSON.stringify(Object.keys(columns)),
      BENCH_PORT: String(port),
      LANG: 'C.UTF-8',
    },
  });
  let output = '';
  const keep = (d: Buffer): void => void (output = (output + d.toString()).slice(-10_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const plumber: Plumber = {
    url: `http://127.0.0.1:${port}/descriptives`,
    stop: () =>
      (stopping ??= (async () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
        await rm(dir, { recursive: true, force: true });
      })()),
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await plumber.stop();
      throw new Error(`plumber exited (${child.exitCode}):\n${output}`);
    }
    try {
      const res = await fetch(plumber.url);
      await res.arrayBuffer();
      if (res.status === 200) return plumber;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await plumber.stop();
      throw new Error(`plumber did not answer within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
