/**
 * How long one 1e6 x 10 upload holds the server's main thread (the event loop), which is
 * what every other user waits for: a timer ticking every 2 ms in the server's process
 * records each gap over 5 ms while one client (a child process, bench/lib/upload-client.ts)
 * uploads, and each gap is put with the part whose reply came next, so the table says the
 * longest block of the whole upload and of a typical part. Each gap is measured twice: on
 * the wall clock, and as the main thread's own time on a CPU during it (Linux's
 * /proc/self/task/PID/schedstat, in ns), which leaves out the time it waited for a core:
 * on a machine shared with other work only the second says what the upload itself costs. Ways: binary values in one 80 MB
 * message (under the 128 MB limit), in parts as `uploadParts` cuts them (the browser
 * client's way for large files), and JSON values in parts. No other load: the gaps are the
 * upload's own (on a busy machine, waiting for a core adds to them).
 * Run: `npx tsx bench/upload-stall.ts [binary-one] [binary-parts] [json-parts]` (all three
 * without arguments, about 2 minutes; temp dirs only).
 */
import { readFileSync } from 'node:fs';
import { startTestServer } from '../test/fixtures/server.ts';
import { createUser } from '../test/fixtures/users.ts';
import { prepareUploader, type UploadMode } from './lib/load-upload.ts';
import { UPLOAD_PART_BYTES } from '../converters/index.ts';
import { ms, percentile } from './lib/stats.ts';
import { asProductionRuns } from './lib/server-env.ts';

// The server below runs with libuv's pool as production has it (scripts/start).
await asProductionRuns();

const TICK_MS = 2;
const GAP_MS = 5;

interface Gap {
  /** Wall-clock length (ms). */
  readonly ms: number;
  /** The main thread's time on a CPU during it (ms). */
  readonly cpuMs: number;
  /** When it ended (Date.now()). */
  readonly at: number;
}

interface Stalls {
  readonly uploadMs: number;
  /** Each gap over GAP_MS. */
  readonly gaps: Gap[];
  readonly partEnds: number[];
  /** The main thread's time on a CPU over the whole upload (ms). */
  readonly cpuMs: number;
}

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** The main thread's time on a CPU so far, in ms (the first field of schedstat, ns). */
function mainThreadCpuMs(): number {
  return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
}

async function measure(mode: UploadMode, partBytes: number): Promise<Stalls> {
  const ts = await startTestServer({ max_data: null, compute_timeout: 600 });
  try {
    const user = await createUser(ts, 'stall');
    const uploader = await prepareUploader(ts.url, user.cookie, mode, partBytes);
    const gaps: Gap[] = [];
    let last = performance.now();
    let lastCpu = mainThreadCpuMs();
    const cpuStart = lastCpu;
    const timer = setInterval(() => {
      const now = performance.now();
      const cpu = mainThreadCpuMs();
      if (now - last > GAP_MS + TICK_MS)
        gaps.push({ ms: now - last - TICK_MS, cpuMs: cpu - lastCpu, at: Date.now() });
      last = now;
      lastCpu = cpu;
    }, TICK_MS);
    try {
      const result = await uploader.go();
      const cpuMs = mainThreadCpuMs() - cpuStart;
      return { uploadMs: result.timesMs[0] ?? NaN, gaps, partEnds: result.partEnds, cpuMs };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await ts.stop();
  }
}

/** The longest gap (on a CPU) per part: gaps up to a part's reply, after the previous one. */
function longestPerPart(s: Stalls): number[] {
  const out = s.partEnds.map(() => 0);
  for (const g of s.gaps) {
    let i = s.partEnds.findIndex((end) => g.at <= end);
    if (i < 0) i = out.length - 1;
    if (i >= 0) out[i] = Math.max(out[i] ?? 0, g.cpuMs);
  }
  return out;
}

const cases: Record<string, [string, UploadMode, number]> = {
  'binary-one': ['binary, one 80 MB message', 'binary', 128 * 2 ** 20],
  'binary-parts': ['binary, in parts (uploadParts)', 'binary', UPLOAD_PART_BYTES],
  'json-parts': ['JSON, in parts (uploadParts)', 'json', UPLOAD_PART_BYTES],
};
const chosen = process.argv.slice(2);
for (const c of chosen) if (!(c in cases)) throw new Error(`unknown case ${c}`);
console.log(`one 1e6 x 10 upload: the server's main thread held for more than ${GAP_MS} ms\n`);
console.log(
  'upload | took | parts | longest block: wall, on a CPU | per part, longest on a CPU: median, p90 | blocks > 10 ms on a CPU | main thread on a CPU in all',
);
console.log('--- | --- | --- | --- | --- | --- | ---');
for (const key of chosen.length > 0 ? chosen : Object.keys(cases)) {
  const [what, mode, partBytes] = cases[key] as [string, UploadMode, number];
  const s = await measure(mode, partBytes);
  const max = (xs: number[]): number => (xs.length === 0 ? 0 : Math.max(...xs));
  const perPart = longestPerPart(s);
  const over10 = s.gaps.filter((g) => g.cpuMs > 10).length;
  console.log(
    `${what} | ${ms(s.uploadMs)} | ${s.partEnds.length} | ` +
      `${ms(max(s.gaps.map((g) => g.ms)))}, ${ms(max(s.gaps.map((g) => g.cpuMs)))} | ` +
      `${ms(percentile(perPart, 50))}, ${ms(percentile(perPart, 90))} | ${over10} | ${ms(s.cpuMs)}`,
  );
}
