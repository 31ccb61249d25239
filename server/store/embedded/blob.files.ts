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
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Bytes values of at least this size are kept as files. */
export const FILE_MIN_BYTES = 64 * 1024;

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
