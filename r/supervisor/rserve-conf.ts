/**
 * The files Rserve starts from: its configuration and the boot R script that preloads the
 * PanthR library and the extensions into the Rserve parent, before any session is forked.
 */
import path from 'node:path';
import { rQuote } from '../r-quote.ts';

/** The global R variable holding preload failures: a character vector named by file. */
export const BOOT_ERRORS_VAR = '.panthr_boot_errors';
/** The global R variable the boot script sets last; its absence means the boot never ran. */
export const BOOT_DONE_VAR = '.panthr_boot_done';

/**
 * Whether a path can stand in Rserve's configuration file, which has no quoting: Rserve
 * pastes `source` paths into R code and reads values up to the end of the line.
 */
export function isConfSafePath(p: string): boolean {
  return path.isAbsolute(p) && /^[A-Za-z0-9_./+-]+$/.test(p);
}

/** The layout of the private directory (mode 0700) that holds everything of one supervisor. */
export interface PrivateLayout {
  readonly dir: string;
  readonly conf: string;
  readonly boot: string;
  /** Rserve's `workdir`: each session runs in `work/conn<pid>`. */
  readonly work: string;
  /** TMPDIR of the Rserve parent. */
  readonly tmp: string;
  /** R's HOME, empty: no user profile or user library sneaks in. */
  readonly home: string;
}

/** The private directory's layout. */
export function privateLayout(dir: string): PrivateLayout {
  return {
    dir,
    conf: path.join(dir, 'rserve.conf'),
    boot: path.join(dir, 'boot.R'),
    work: path.join(dir, 'work'),
    tmp: path.join(dir, 'tmp'),
    home: path.join(dir, 'home'),
  };
}

/** The socket of one Rserve generation: a fresh path, so a dead server's file never collides. */
export function socketPath(dir: string, generation: number): string {
  return path.join(dir, `rserve-${generation}.sock`);
}

/**
 * Rserve's configuration: foreground, Unix socket 0600, no file or shutdown commands, files
 * private to R's user (umask 077). With `runAs`, Rserve turns into that user before R
 * starts (`su now`), so the preload, the parent and every forked session run as it.
 */
export function rserveConf(
  layout: PrivateLayout,
  socket: string,
  runAs?: { readonly uid: number; readonly gid: number },
): string {
  const su = runAs === undefined ? [] : [`uid ${runAs.uid}`, `gid ${runAs.gid}`, 'su now'];
  return [
    ...su,
    'umask 077',
    'daemon disable',
    `socket ${socket}`,
    'sockmod 0600',
    'fileio disable',
    'shutdown disable',
    'interactive no',
    'encoding utf8',
    `workdir ${layout.work}`,
    `source ${layout.boot}`,
    '',
  ].join('\n');
}

/**
 * The boot script. Each file is sourced into the global environment inside `tryCatch`; a
 * failure is recorded under the file's path in {@link BOOT_ERRORS_VAR} and the next file
 * still loads (the supervisor then refuses to start, naming every failed file).
 *
 * Last, the parent's `tempdir()` is deleted: forked sessions would otherwise share it, and
 * one session dying mid-write (R's fatal clean-up) would delete it under all the others.
 * Each session makes its own with `tempdir(check = TRUE)` (see the pool's session init).
 */
export function bootScript(files: readonly string[]): string {
  const list = files.length === 0 ? 'character(0)' : `c(${files.map(rQuote).join(', ')})`;
  return `local({
  files <- ${list}
  errors <- character(0)
  for (f in files) {
    message <- tryCatch({
      source(f, local = globalenv(), echo = FALSE, encoding = "UTF-8")
      NULL
    }, error = function(e) conditionMessage(e))
    if (!is.null(message)) errors[[f]] <- message
  }
  assign(${rQuote(BOOT_ERRORS_VAR)}, errors, envir = globalenv())
})
unlink(tempdir(), recursive = TRUE)
assign(${rQuote(BOOT_DONE_VAR)}, TRUE, envir = globalenv())
`;
}

/**
 * R code a fresh session runs first: its own tempdir inside its own Rserve workdir
 * (`work/conn<pid>`), so it never shares one and goes away with the workdir.
 */
export const SESSION_TEMPDIR_CODE =
  'invisible(Sys.setenv(TMPDIR = getwd())); invisible(tempdir(check = TRUE))';
