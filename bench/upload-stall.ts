/**
 * How long one 1e6 x 10 upload holds the server's main thread (the event loop), which is
 * what every other user waits for: a timer ticking every 10 ms in the server's process
 * records each gap over 50 ms while one client (a child process, bench/lib/upload-client.ts)
 * uploads. Three ways: binary values in one 80 MB message (possible since it is under the
 * 128 MB limit), binary values in parts of 8 MB, JSON values in parts (the browser client
 * sends large CSV files as binary parts). No other load: the gaps are the upload's own
 * (on a busy machine, waiting for a core adds to them).
 * Run: `npx tsx bench/upload-stall.ts` (about 2 minutes; temp dirs only).
 */
import { startTestServer } from '../test/fixtures/server.ts';
import { createUser } from '../test/fixtures/users.ts';
import { prepareUploader, type UploadMode } from './lib/load-upload.ts';
import { UPLOAD_PART_BYTES } from '../converters/index.ts';
import { ms } from './lib/stats.ts';

const TICK_MS = 10;
const GAP_MS = 50;

interface Stalls {
  readonly uploadMs: number;
  readonly gaps: number[];
}

async function measure(mode: UploadMode, partBytes: number): Promise<Stalls> {
  const ts = await startTestServer({ max_data: null, compute_timeout: 600 });
  try {
    const user = await createUser(ts, 'stall');
    const uploader = await prepareUploader(ts.url, user.cookie, mode, partBytes);
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - last > GAP_MS) gaps.push(now - last - TICK_MS);
      last = now;
    }, TICK_MS);
    try {
      const result = await uploader.go();
      return { uploadMs: result.timesMs[0] ?? NaN, gaps };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await ts.stop();
  }
}

const cases: [string, UploadMode, number][] = [
  ['binary, one 80 MB message', 'binary', 128 * 2 ** 20],
  ['binary, parts of 8 MB', 'binary', UPLOAD_PART_BYTES],
  ['JSON, parts (one variable, ~19 MB, each)', 'json', UPLOAD_PART_BYTES],
];
console.log('one 1e6 x 10 upload: the server main thread held for more than 50 ms\n');
console.log('upload | took | stalls > 50 ms | longest | all stalls together');
console.log('--- | --- | --- | --- | ---');
for (const [what, mode, partBytes] of cases) {
  const s = await measure(mode, partBytes);
  const total = s.gaps.reduce((a, b) => a + b, 0);
  const longest = s.gaps.length === 0 ? 0 : Math.max(...s.gaps);
  console.log(`${what} | ${ms(s.uploadMs)} | ${s.gaps.length} | ${ms(longest)} | ${ms(total)}`);
}
