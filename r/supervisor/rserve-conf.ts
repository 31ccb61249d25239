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
 * Then the heap is readied for forking ({@link FORK_READY_CODE}), and last the parent's
 * `tempdir()` is deleted: forked sessions would otherwise share it, and one session dying
 * mid-write (R's fatal clean-up) would delete it under all the others. Each session makes
 * its own with `tempdir(check = TRUE)` ({@link SESSION_START_CODE}).
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
${FORK_READY_CODE}
unlink(tempdir(), recursive = TRUE)
assign(${rQuote(BOOT_DONE_VAR)}, TRUE, envir = globalenv())
`;
}

/**
 * How many allocations a session makes between two garbage collections (R's own
 * collections, mostly of the young generation only, started by `gctorture2`'s counter
 * instead of by the heap filling up). A session is a fork of the Rserve parent and shares
 * its heap copy-on-write; left to R's trigger, its first collection comes only once it has
 * used the ~33 MB of free cells it inherits, so every request until then writes its new
 * objects into pages the session has not touched yet (a page fault each, 45-55 us on these
 * machines: 2.5 ms of a 3 ms descriptives request, for 150-300 requests) and the session
 * keeps ~49 MB private. Collecting every 50,000 allocations (about 16 small requests)
 * reuses the same few MB (0.45 ms a request, 8 MB private after 2,500 requests); the
 * first collection comes at once (`gctorture2`'s wait of 1) and the second during the
 * library's warm-up (`panthr_session_warm`), so a user's requests find their memory ready.
 * Measured with `bench/r-sessions.ts`; see docs/operations.md ("What bounds the number of
 * users").
 */
export const SESSION_GC_STEP = 50_000;

/**
 * R code a fresh session runs first: its own tempdir inside its own Rserve workdir
 * (`work/conn<pid>`), so it never shares one and goes away with the workdir; and its
 * collections every {@link SESSION_GC_STEP} allocations.
 */
export const SESSION_START_CODE =
  'invisible(Sys.setenv(TMPDIR = getwd())); invisible(tempdir(check = TRUE)); ' +
  `invisible(gctorture2(${SESSION_GC_STEP}L, 1L))`;

/**
 * R code the Rserve parent runs after the preload, before any fork, so that a session's
 * frequent collections ({@link SESSION_GC_STEP}) leave the pages it shares with the parent
 * alone but for a few (R's string table, the global environment; each first write copies
 * a page):
 * - R decides a collection's depth by counters (every 21st collection takes the middle
 *   generation too, every 6th of those is full), and a session inherits the parent's: left
 *   as the preload happens to leave them, a session's first full collection came after ~36
 *   collections (1,100 small requests); they are restarted here by running collections of
 *   the young generation (one every 5,000 allocations, each loop step with its check
 *   allocating fewer, so no step holds two) until R's schedule makes one full (at most
 *   126 collections; the loop gives up well past that), and stopping right there: a
 *   session's next middle collection is then its 21st, its first full one its 126th
 *   (about 2,000 small requests). A full collection in a session writes the mark bit of
 *   every object and so copies the parent's whole heap (~55 MB, 0.35 s of faults), once.
 * - Two full collections then put every object of the parent (the library, its packages,
 *   the warm-up's results) in R's oldest generation, which only a full collection visits.
 * The depth of each collection is read from `gcinfo`'s report, written to a file and
 * read back whole at each step (not a text connection: that would allocate inside the
 * collector; a second connection reading the file as it grows stopped seeing new lines).
 * A failure here costs only speed: it is written to R's stderr (the server's log) and the
 * boot goes on, every setting put back.
 */
const FORK_READY_CODE = `local({
  log <- tempfile("gc-")
  con <- NULL
  sunk <- FALSE
  was <- NULL
  failed <- tryCatch({
    con <- file(log, "w")
    sink(con, type = "message")
    sunk <- TRUE
    was <- gcinfo(TRUE)
    gctorture2(5000L, 5000L)
    for (i in seq_len(1000L)) {
      x <- lapply(seq_len(500L), function(j) j)
      flush(con)
      l <- readLines(log)
      if (any(grepl("(level 2)", l, fixed = TRUE)) || length(l) > 1000L) break
    }
    NULL
  }, error = function(e) e, finally = {
    try(gctorture2(0L), silent = TRUE)
    if (!is.null(was)) try(gcinfo(was), silent = TRUE)
    if (sunk) try(sink(type = "message"), silent = TRUE)
    if (!is.null(con)) try(close(con), silent = TRUE)
    unlink(log)
  })
  # Said once the message sink is R's stderr again.
  if (!is.null(failed))
    message("readying R's heap for forking failed (sessions will run slower): ",
            conditionMessage(failed))
})
invisible(gc(full = TRUE))
invisible(gc(full = TRUE))`;
