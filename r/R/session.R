# Per-session set-up and full R evaluation (only when the server allows it).

#' Prepare a freshly forked R session; the server calls it once when it opens a session.
#' Re-creates tempdir() if a crashed sibling removed it, gives the session a private
#' directory for graph files, makes the character locale UTF-8, prints warnings at once
#' (warn = 1) rather than holding them, uses plain quotes in messages, and makes R's
#' default graphics device a file-less pdf(NULL) so user code never writes Rplots.pdf.
#' @return integer(1): Sys.getpid(), the pid to send SIGINT to when cancelling.
panthr_session_init <- function() {
  tempdir(check = TRUE)
  options(panthr.tmpdir = NULL)
  .panthr_tmpdir()
  if (!isTRUE(l10n_info()[["UTF-8"]])) {
    suppressWarnings(Sys.setlocale("LC_CTYPE", "C.UTF-8"))
  }
  options(warn = 1L, useFancyQuotes = FALSE, encoding = "UTF-8",
          device = function(...) grDevices::pdf(NULL))
  Sys.getpid()
}

#' Warm a freshly forked session before anyone uses it; the pool runs it once per session.
#' Runs a small descriptives report until R has collected garbage once: the first use of the
#' library's functions writes into pages the session shares with the Rserve parent, and until
#' its second collection the session's new objects land in pages it has never touched (R
#' collects every 50,000 allocations in a session, see the pool's start code); each is a
#' page fault, 45-55 us on the development machines: without this a user's first request
#' took 20 ms and the next ~15 about 3 ms each instead of 0.5 (`bench/r-sessions.ts`).
#' @return NULL, invisibly.
panthr_session_warm <- function() {
  collected <- FALSE
  d <- data.frame(x = seq(0.5, 50, by = 0.5), y = (seq_len(100L) * 37L) %% 101L + 0.25)
  for (i in seq_len(100L)) {
    # A fresh sentinel each time: one that a collection caught before its finalizer was
    # registered would live on into an older generation and report far too late.
    reg.finalizer(new.env(), function(e) collected <<- TRUE)
    panthr_run(panthr_report, "descriptives", d, c("x", "y"), NULL, NULL, NULL)
    if (collected) break
  }
  # Sessions doing the same work at the same pace (a class following one lesson, a load
  # benchmark) would otherwise all collect at the same request, a burst of every session's
  # collection at once (measured: 500 sessions stalled every request for 2-4 s every 21 s).
  # The next collection comes after a share of the step that differs by session: a hash of
  # the pid (R's random numbers are the user's and stay untouched).
  step <- gctorture2(0L)
  if (step > 0L) gctorture2(step, as.integer((Sys.getpid() * 40503) %% step) + 1L)
  invisible(NULL)
}

#' Turn any R value into one the JSON converter maps: NULL, atomic vectors (names dropped),
#' factors, data frames, and lists of those (names kept); dates and times become their
#' formatted strings; matrices become data frames; anything else (functions, models,
#' environments, S4 objects, tables) becomes its printed form, one string.
#' @param v any R value. @param depth internal recursion depth.
#' @return a value made only of the shapes above.
panthr_simplify <- function(v, depth = 0L) {
  printed <- function(x) paste(utils::capture.output(print(x)), collapse = "\n")
  if (is.null(v) || is.factor(v)) return(v)
  if (inherits(v, c("Date", "POSIXt"))) return(format(v))
  if (is.data.frame(v)) {
    cols <- lapply(v, function(x) {
      if (is.factor(x) || (is.atomic(x) && !is.object(x))) x else as.character(x)
    })
    return(structure(cols, names = names(v), class = "data.frame",
                     row.names = .set_row_names(nrow(v))))
  }
  if (is.matrix(v) && is.atomic(v) && !is.object(v)) return(panthr_simplify(as.data.frame(v)))
  if (is.atomic(v) && !is.object(v) && is.null(dim(v)) && !is.complex(v)) {
    return(as.vector(v))
  }
  if (is.list(v) && !is.object(v) && depth < 20L) {
    out <- lapply(v, panthr_simplify, depth = depth + 1L)
    names(out) <- names(v)
    return(out)
  }
  printed(v)
}

#' Evaluate R code in the session's global environment, as the R console would.
#' @param code character(1): R source.
#' @return list(value = panthr_simplify(value of the last expression), output = character(1):
#'   everything printed, including auto-printed values and messages, warnings =
#'   I(character)). A parse or evaluation error is an R error (r_error through panthr_run).
panthr_eval_r <- function(code) {
  if (!is.character(code) || length(code) != 1L || is.na(code))
    panthr_stop("invalid_object", "code must be one string")
  exprs <- parse(text = code, keep.source = FALSE)
  out <- character()
  con <- textConnection("out", "w", local = TRUE)
  depth <- sink.number()
  sink(con)
  open <- TRUE
  on.exit({
    while (sink.number() > depth) sink()
    if (open) close(con)
  })
  value <- NULL
  got <- panthr_collect_warnings(withCallingHandlers({
    for (e in exprs) {
      res <- withVisible(eval(e, globalenv()))
      value <- res$value
      if (res$visible) print(res$value)
    }
  }, message = function(m) {
    cat(conditionMessage(m), file = con)
    invokeRestart("muffleMessage")
  }))
  while (sink.number() > depth) sink()
  close(con)  # flushes an unfinished last line into `out`
  open <- FALSE
  list(value = panthr_simplify(value), output = paste(out, collapse = "\n"),
       warnings = I(got$warnings))
}
