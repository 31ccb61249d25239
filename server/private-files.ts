/**
 * Files and folders only the server's user may read: the store, its blobs, logs, the mail
 * outbox and the session secret hold passwords' hashes, tokens and users' data. Modes are
 * set explicitly, not left to the umask (022 on most systems gives 0644 files), and an
 * existing path made by an older version, or by hand, is tightened too.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Mode of a private folder. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of a private file. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes `dir` (and missing parents) with mode 0700, or sets an existing one to 0700 when
 * its group or others may use it. Throws (EPERM) when the folder is not the server's.
 */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes an empty `file` with mode 0600 (SQLite then gives its -wal and -shm the same
 * mode), or sets an existing one to 0600. Never truncates.
 */
export function privateFile(file: string): void {
  const fd = openSync(file, 'a', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** Sets `file` to 0600 when it exists; a missing file is fine. */
export function tightenFile(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
