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

/** The files of one store, in one directory. */
export class BlobFiles {
  readonly #dir: string;

  /** Uses (creating, mode 0700) the directory `dir`. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#dir = dir;
  }

  /** Writes `bytes` to a new file, on disk when this returns; its name. */
  write(bytes: Uint8Array): string {
    const name = randomUUID();
    const fd = openSync(join(this.#dir, name), 'wx', 0o600);
    try {
      let at = 0;
      while (at < bytes.byteLength) at += writeSync(fd, bytes, at, bytes.byteLength - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const dir = openSync(this.#dir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return name;
  }

  /** The bytes of file `name` (a name {@link write} returned). */
  read(name: string): Buffer {
    if (!NAME_RE.test(name)) throw new Error(`not a blob file name: ${JSON.stringify(name)}`);
    return readFileSync(join(this.#dir, name));
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
