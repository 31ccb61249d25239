/**
 * Child-process side of bench/upload.ts (b) and (c): the client that uploads, in a process
 * of its own as a real client is (and as the plumber baseline's server is), so that its
 * work (making the message, WebSocket masking, reading the reply) does not share one event
 * loop with the server's. `node --import tsx upload-client.ts CONFIG_JSON`: builds the same
 * columns as the parent (same seed), or reads the CSV file `csvFile` to send as a `read`,
 * uploads once to warm up, then `runs` times, and prints one JSON line: {@link UploadResult}.
 */
import { readFileSync } from 'node:fs';
import type { TestServer } from '../../test/fixtures/server.ts';
import { connect } from '../../test/fixtures/users.ts';
import {
  checksumHex,
  isWireCodes,
  mapValuesKeys,
  uploadParts,
  valuesChecksum,
  wireTextValues,
  type PanthrVector,
} from '../../converters/index.ts';
import { makeColumns, uploadMessage } from './upload-data.ts';

/** What the parent passes. */
export interface UploadConfig {
  readonly url: string;
  readonly cookie: string;
  readonly rows: number;
  readonly vars: number;
  readonly runs: number;
  /** Send binary values (and ask for binary values back); else JSON values. */
  readonly binary: boolean;
  /** Send in parts of about this many bytes (converters' uploadParts); else one message. */
  readonly partBytes?: number;
  /** Skip the warm-up upload (bench/load.ts times the first one). */
  readonly noWarmup?: boolean;
  /**
   * Send this CSV file's bytes in one `read` (binary values back) instead of the columns
   * (bench/lib/upload-csv.ts); `rows`, `vars` and `binary` are then not used.
   */
  readonly csvFile?: string;
  /**
   * Send the whole dataset with `"echoValues": false` (docs/api.md, "Uploading in parts"):
   * the reply holds checksums in place of the values, and they are compared with the
   * client's own (computed before the timed uploads, as a client knows its data).
   */
  readonly checksumsOnly?: boolean;
  /** Once connected with the data made, print `ready` and wait for a line on stdin. */
  readonly waitForGo?: boolean;
}

/** What the child reports: each timed upload, from emit to the reply, in ms. */
export interface UploadResult {
  readonly timesMs: number[];
  /** Each timed upload's start and end, as Date.now() (to line up with other processes). */
  readonly windows: { start: number; end: number }[];
  /** When each part's reply arrived (Date.now()), over all timed uploads in order. */
  readonly partEnds: number[];
}

/** The columns' upload: one message, or parts of about `partBytes`. */
function columnParts(config: UploadConfig): object[] {
  const cols = makeColumns(config.rows, config.vars);
  const whole = {
    ...uploadMessage(config.binary ? cols.binary : cols.json),
    ...(config.checksumsOnly === true ? { echoValues: false } : {}),
  };
  return config.partBytes === undefined
    ? [whole]
    : uploadParts(whole as Parameters<typeof uploadParts>[0], config.partBytes);
}

/**
 * `read` of the file's bytes (API 1.1), each time under a new name: every import is a
 * dataset R holds beside the ones before (none replaces another whose memory R would reuse).
 */
function csvReads(file: string): () => object[] {
  const data = readFileSync(file);
  let n = 0;
  return () => [{ type: 'command', name: `csv${n++}`, command: 'read', format: 'csv', data }];
}

/** The messages of one upload, made anew for each (a `read` names its dataset anew). */
function uploadsOf(config: UploadConfig): () => object[] {
  if (config.csvFile !== undefined) return csvReads(config.csvFile);
  const parts = columnParts(config);
  return () => parts;
}

/** The checksums a `"echoValues": false` reply must hold: those of the values sent. */
function sentChecksums(parts: readonly object[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parts)
    for (const v of (p as { variables?: PanthrVector[] }).variables ?? [])
      out[v.name] = checksumHex(valuesChecksum(v.values));
  return out;
}

async function run(config: UploadConfig): Promise<UploadResult> {
  const parts = uploadsOf(config);
  const expected = config.checksumsOnly === true ? sentChecksums(parts()) : null;
  // connect() only reads the server's url.
  const ts = { url: config.url } as TestServer;
  const client = await connect(ts, config.cookie, {
    binaryValues: config.binary || config.csvFile !== undefined,
  });
  const partEnds: number[] = [];
  try {
    const upload = async (): Promise<void> => {
      for (const part of parts()) {
        const [sent] = await client.request([part], 600_000);
        // A `read` is answered as the command with the dataset it made in its result; long
        // text columns come coded, and are made plain here as a client would (the
        // browser's client/src/binary.ts).
        const reply = mapValuesKeys(sent, (v) => (isWireCodes(v) ? wireTextValues(v) : v));
        const made =
          reply?.type === 'command'
            ? (reply.result as { dataset?: { type?: unknown; result?: unknown } } | undefined)
                ?.dataset
            : reply;
        if (made?.type !== 'dataset') throw new Error(JSON.stringify(reply).slice(0, 200));
        const sums = (made.result as { checksums?: Record<string, string> } | undefined)?.checksums;
        if (expected !== null && JSON.stringify(sums) !== JSON.stringify(expected))
          throw new Error(`checksums ${JSON.stringify(sums)} differ from the values sent`);
        partEnds.push(Date.now());
      }
    };
    if (config.noWarmup !== true) await upload();
    partEnds.length = 0;
    if (config.waitForGo === true) {
      process.stdout.write('ready\n');
      await new Promise((resolve) => process.stdin.once('data', resolve));
    }
    const timesMs: number[] = [];
    const windows: { start: number; end: number }[] = [];
    for (let i = 0; i < config.runs; i++) {
      const t = performance.now();
      const start = Date.now();
      await upload();
      timesMs.push(performance.now() - t);
      windows.push({ start, end: Date.now() });
    }
    return { timesMs, windows, partEnds };
  } finally {
    client.close();
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as UploadConfig;
process.stdout.write(`${JSON.stringify(await run(config))}\n`);
