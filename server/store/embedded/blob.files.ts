/**
 * Large bytes of the embedded store's documents, kept as files beside the database (as
 * SQLite's own advice has it for blobs over about 100 KB: a file write is several times
 * faster than the same bytes through SQLite's pages, WAL and checkpoint). A file is written
 * and fsynced (with its directory entry) before the transaction that names it commits, and
 * removed only after the transaction that stops naming it committed: a crash leaves at
 * worst an unnamed file, never a document naming a missing one.
 */
import { randomUUID } from 'node:crypto';
import {
  close,
  closeSync,
  fsync,
  fsyncSync,
  open,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  write,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Bytes values of at least this size are kept as files. */
export const FILE_MIN_BYTES = 64 * 1024;

/**
 * The size of libuv's thread pool in this process, by libuv's own rule for
 * UV_THREADPOOL_SIZE (read once, when the pool first starts: in an ES module server, before
 * any of its modules runs): unset, 4; else the number its digits start with (C's `atoi`),
 * 0 or none giving 1, a negative one 1024 (it is read as unsigned), at most 1024.
 */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.UV_THREADPOOL_SIZE;
  if (text === undefined) return 4;
  const n = Number.parseInt(text, 10);
  if (Number.isNaN(n) || n === 0) return 1;
  return n < 0 ? 1024 : Math.min(n, 1024);
}

/**
 * How many files one store's {@link BlobFiles.writeAllAsync} writes at once, over all its
 * calls: half of libuv's pool (and a batch's one directory fsync after its files), the
 * other half staying free for everyone else's file, DNS and argon2 work. The server runs
 * with a pool of 8 (scripts/start, the systemd unit): 4 files at once, which writes a large
 * upload's values about 30 ms sooner than 2 on these machines (80 MB in 20 files: their
 * fsyncs overlap).
 */
export const PARALLEL_WRITES = Math.max(1, Math.floor(threadPoolSize() / 2));

const NAME_RE = /^[0-9a-f-]{36}$/;

/** Writes all of `bytes` to `fd`, fsyncs and closes it (closed even when a write fails). */
function writeAndClose(fd: number, bytes: Uint8Array): void {
  try {
    let at = 0;
    while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A callback of node:fs as a promise (the named imports stay live: tests replace them). */
function call<T>(fn: (done: (err: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, value) => (err === null ? resolve(value) : reject(err)));
  });
}

/** {@link writeAndClose} in libuv's thread pool. */
async function writeAndCloseAsync(fd: number, bytes: Uint8Array): Promise<void> {
  try {
    let at = 0;
    while (at < bytes.byteLength) {
      at += await call<number>((done) => write(fd, bytes, at, bytes.byteLength - at, null, done));
    }
    await call<void>((done) => fsync(fd, (err) => done(err, undefined)));
  } finally {
    await call<void>((done) => close(fd, (err) => done(err, undefined)));
  }
}

/** Fsyncs directory `dir`, so that the entries just made in it are on disk too. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The files of one store, in one directory. */
export class BlobFiles {
  readonly #dir: string;
  /** File writes of {@link writeAllAsync} under way, and those waiting for their turn. */
  #writing = 0;
  readonly #waiting: (() => void)[] = [];

  /** Uses (creating, mode 0700) the directory `dir`. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#dir = dir;
  }

  /**
   * Writes `bytes` to a new file, on disk when this returns; its name. A write that fails
   * (disk full) removes its partial file: it would hold the space until the next open.
   */
  write(bytes: Uint8Array): string {
    const name = randomUUID();
    const path = join(this.#dir, name);
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeAndClose(fd, bytes);
      syncDir(this.#dir);
    } catch (error) {
      rmSync(path, { force: true });
      throw error;
    }
    return name;
  }

  /**
   * Runs `fn` once fewer than {@link PARALLEL_WRITES} file writes of this store are under
   * way (every save's together: two saves at once do not take more of libuv's pool).
   */
  async #inTurn(fn: () => Promise<void>): Promise<void> {
    if (this.#writing < PARALLEL_WRITES) this.#writing++;
    // A write that ends hands its turn on, or gives it back when no one waits.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#writing--;
      else next();
    }
  }

  /**
   * {@link write} of each of `list` off the main thread (libuv's pool writes and fsyncs: a
   * 4 MB chunk held every other user's requests for its write and fsync, issue 11), at most
   * {@link PARALLEL_WRITES} at once in this store, the directory fsynced once for them all
   * (an 80 MB dataset is 20 files: one by one, with a directory fsync each, they took
   * several times the disk's own time); their names, in order. All are on disk, directory
   * entries included, when it resolves; when one fails, none of them is left.
   */
  async writeAllAsync(list: readonly Uint8Array[]): Promise<string[]> {
    const names = list.map(() => randomUUID());
    let failed = false;
    const writes = list.map((bytes, k) =>
      this.#inTurn(async () => {
        // A file of this batch failed: the others not begun are not written.
        if (failed) return;
        const path = join(this.#dir, names[k] as string);
        const fd = await call<number>((done) => open(path, 'wx', 0o600, done));
        await writeAndCloseAsync(fd, bytes);
      }).catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    );
    // Every write has ended before any file is removed (none is made after).
    const failure = (await Promise.allSettled(writes)).find((o) => o.status === 'rejected');
    try {
      if (failure !== undefined) throw failure.reason;
      if (list.length > 0) {
        const dir = await call<number>((done) => open(this.#dir, 'r', done));
        // Nothing to write: the directory is fsynced (its new entries) and closed.
        await writeAndCloseAsync(dir, new Uint8Array(0));
      }
    } catch (error) {
      for (const name of names) rmSync(join(this.#dir, name), { force: true });
      throw error;
    }
    return names;
  }

  /**
   * The bytes of file `name` (a name {@link write} returned). Throws, naming the file and
   * its directory, when the file is gone (removed or lost outside the store).
   */
  read(name: string): Buffer {
    if (!NAME_RE.test(name)) throw new Error(`not a blob file name: ${JSON.stringify(name)}`);
    const path = join(this.#dir, name);
    try {
      return readFileSync(path);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
      throw new Error(`the embedded store's blob file ${path} is missing: a row names it`, {
        cause: error,
      });
    }
  }

  /**
   * Removes every file not in `inUse` (left by a crash between a file's write and its
   * commit, or between a commit and the removal of the files it replaced); how many. Run it
   * only while nothing writes (when the store opens).
   */
  sweep(inUse: ReadonlySet<string>): number {
    let removed = 0;
    for (const name of readdirSync(this.#dir)) {
      if (inUse.has(name)) continue;
      rmSync(join(this.#dir, name), { force: true, recursive: true });
      removed += 1;
    }
    return removed;
  }

  /** Removes files (names {@link write} returned; missing ones are skipped). */
  remove(names: Iterable<string>): void {
    for (const name of names) {
      if (NAME_RE.test(name)) rmSync(join(this.#dir, name), { force: true });
    }
  }
}
