/**
 * How long one 1e6 x 10 upload holds the server's main thread (the event loop), which is
 * what every other user waits for: a timer ticking every 2 ms in the server's process
 * records each gap over 5 ms while one client (a child process, bench/lib/upload-client.ts)
 * uploads, and each gap is put with the part whose reply came next, so the table says the
 * longest block of the whole upload and of a typical part. Ways: binary values in one 80 MB
 * message (under the 128 MB limit), in parts as `uploadParts` cuts them (the browser
 * client's way for large files), and JSON values in parts. No other load: the gaps are the
 * upload's own (on a busy machine, waiting for a core adds to them).
 * Run: `npx tsx bench/upload-stall.ts [binary-one] [binary-parts] [json-parts]` (all three
 * without arguments, about 2 minutes; temp dirs only).
 */
import { startTestServer } from '../test/fixtures/server.ts';
import { createUser } from '../test/fixtures/users.ts';
import { prepareUploader, type UploadMode } from './lib/load-upload.ts';
import { UPLOAD_PART_BYTES } from '../converters/index.ts';
import { ms, percentile } from './lib/stats.ts';

const TICK_MS = 2;
const GAP_MS = 5;

interface Stalls {
  readonly uploadMs: number;
  /** Each gap over GAP_MS: its length (ms) and when it ended (Date.now()). */
  readonly gaps: { ms: number; at: number }[];
  readonly partEnds: number[];
}

async function measure(mode: UploadMode, partBytes: number): Promise<Stalls> {
  const ts = await startTestServer({ max_data: null, compute_timeout: 600 });
  try {
    const user = await createUser(ts, 'stall');
    const uploader = await prepareUploader(ts.url, user.cookie, mode, partBytes);
    const gaps: { ms: number; at: number }[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - last > GAP_MS + TICK_MS) gaps.push({ ms: now - last - TICK_MS, at: Date.now() });
      last = now;
    }, TICK_MS);
    try {
      const result = await uploader.go();
      return { uploadMs: result.timesMs[0] ?? NaN, gaps, partEnds: result.partEnds };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await ts.stop();
  }
}

/** The longest gap per part: gaps up to a part's reply (and after the previous one). */
function longestPerPart(s: Stalls): number[] {
  const out = s.partEnds.map(() => 0);
  for (const g of s.gaps) {
    let i = s.partEnds.findIndex((end) => g.at <= end);
    if (i < 0) i = out.length - 1;
    if (i >= 0) out[i] = Math.max(out[i] ?? 0, g.ms);
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
  'upload | took | parts | longest block | per part: median, p90 of its longest | blocks > 50 ms | blocks > 10 ms together',
);
console.log('--- | --- | --- | --- | --- | --- | ---');
for (const key of chosen.length > 0 ? chosen : Object.keys(cases)) {
  const [what, mode, partBytes] = cases[key] as [string, UploadMode, number];
  const s = await measure(mode, partBytes);
  const gaps = s.gaps.map((g) => g.ms);
  const longest = gaps.length === 0 ? 0 : Math.max(...gaps);
  const perPart = longestPerPart(s);
  const over50 = gaps.filter((g) => g > 50).length;
  const over10 = gaps.filter((g) => g > 10).reduce((a, b) => a + b, 0);
  console.log(
    `${what} | ${ms(s.uploadMs)} | ${s.partEnds.length} | ${ms(longest)} | ` +
      `${ms(percentile(perPart, 50))}, ${ms(percentile(perPart, 90))} | ${over50} | ${ms(over10)}`,
  );
}
