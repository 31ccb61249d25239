/**
 * bench/load.ts's upload scenario: while the load runs, one more user uploads a 1e6 x 10
 * dataset (bench/lib/upload-client.ts, in a process of its own) the way the browser client
 * does it, in parts (converters' uploadParts). The other users' requests sent while the
 * upload was under way are compared with those of the same run sent outside it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { UPLOAD_PART_BYTES } from '../../converters/index.ts';
import type { LoadResult } from './load-clients.ts';
import type { UploadConfig, UploadResult } from './upload-client.ts';

const CLIENT = path.resolve(import.meta.dirname, 'upload-client.ts');

/** How the uploader sends its values: binary float64 or JSON numbers. */
export type UploadMode = 'binary' | 'json';

/** The uploaded dataset's shape. */
export const UPLOAD_ROWS = 1_000_000;
export const UPLOAD_VARS = 10;

/** An uploader child that has made its data and connected, waiting for `go`. */
export interface Uploader {
  /** Starts the upload; resolves with its timing and window. */
  go(): Promise<UploadResult>;
}

/**
 * Starts the uploader (bench/lib/upload-client.ts) in a process of its own and resolves once
 * it is ready (data made, connected): the upload itself then starts at once on `go`.
 */
export async function prepareUploader(
  url: string,
  cookie: string,
  mode: UploadMode,
  partBytes: number = UPLOAD_PART_BYTES,
): Promise<Uploader> {
  const config: UploadConfig = {
    url,
    cookie,
    rows: UPLOAD_ROWS,
    vars: UPLOAD_VARS,
    runs: 1,
    binary: mode === 'binary',
    partBytes,
    noWarmup: true,
    waitForGo: true,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    void exited.then((code) => reject(new Error(`the uploader failed (exit ${code})`)));
  });
  return {
    async go() {
      child.stdin.end('go\n');
      const code = await exited;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) throw new Error(`the uploader failed (exit ${code})`);
      return JSON.parse(line) as UploadResult;
    },
  };
}

/** Latencies of the other users' requests sent during the upload and outside it. */
export interface SplitLatencies {
  readonly during: number[];
  readonly outside: number[];
}

/** Requests sent this early in the run are left out of both sides. */
const WARMUP_MS = 3000;

/** Splits a load's answered requests by whether they were sent inside an upload window. */
export function splitByUpload(
  load: LoadResult,
  windows: readonly { start: number; end: number }[],
): SplitLatencies {
  const during: number[] = [];
  const outside: number[] = [];
  for (const [atMs, ms] of load.timeline) {
    // Each user's first requests warm its R session up; they measure neither case.
    if (atMs < WARMUP_MS) continue;
    const at = load.startedAt + atMs;
    // A request sent just before the upload but answered during it was delayed by it too.
    const inside = windows.some((w) => at + ms >= w.start && at <= w.end);
    (inside ? during : outside).push(ms);
  }
  return { during, outside };
}
