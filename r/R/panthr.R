# PanthR.r: the R library behind every report, test, model and graph of PanthR server.
# The server sources this file into the Rserve parent before it forks sessions, so every
# session starts with it. It defines everything in the global environment, public names
# starting with `panthr_`, internal ones with `.panthr_`. Depends on base R, stats,
# graphics, grDevices, utils, jsonlite and svglite, and for some kinds on the Debian R
# packages effectsize (effect sizes of the tests) and psych (alpha).
#
# The parts live beside this file; the directory is found from source()'s `ofile`, or from
# the environment variable PANTHR_R_DIR when the file is loaded some other way.

#' The library's version; the server checks it exists in a session (a sentinel).
panthr_version <- "1.0.0"

local({
  here <- NULL
  for (i in rev(seq_len(sys.nframe()))) {
    f <- sys.frame(i)$ofile
    if (is.character(f) && length(f) == 1L) {
      here <- dirname(normalizePath(f))
      break
    }
  }
  if (is.null(here)) here <- Sys.getenv("PANTHR_R_DIR", "r/R")
  # The library's folder, for the data files beside it (svg-allow.json).
  assign(".panthr_dir", here, envir = globalenv())
  # The helpers and the registry first, the session set-up and extension loader last, and
  # between them every other part (the kinds: each registers itself) in C-locale order.
  first <- c("util.R", "rcode.R", "registry.R")
  last <- c("session.R", "extensions.R")
  all <- sort(method = "radix", list.files(here, pattern = "[.]R$"))
  parts <- c(first, setdiff(all, c(first, last, "panthr.R")), last)
  for (p in parts) sys.source(file.path(here, p), envir = globalenv(), keep.source = FALSE)
})

# Byte-compile the library once, here in the Rserve parent: every forked session then starts
# with byte code instead of compiling each function on its first calls (measured: the first
# report of a fresh session took ~140 ms, later ones ~3 ms).
local({
  for (n in ls(globalenv(), all.names = TRUE, pattern = "^[.]?panthr_")) {
    f <- get(n, envir = globalenv())
    if (is.function(f)) assign(n, compiler::cmpfun(f), envir = globalenv())
  }
})

# Run every built-in report, test and graph once on a small data set, here in the parent too:
# what they use from stats and utils is then loaded (lazy-load promises forced) before the
# fork, so a session's first request does not load it itself (measured: the first
# descriptives of a fresh session took ~6 ms, later ones ~1.5 ms; with this, ~2-3 ms). The
# graphs load svglite and the fonts and set up cairo once for every session (a fresh
# session of Rserve drew its first SVG in ~50 ms, PNG ~26 ms, PDF ~7 ms; with this, ~20, ~15
# and ~5 ms, for ~0.15 s more at start-up).
# The random number state is left as it was, so that forked sessions do not all share one seed.
local({
  had_seed <- exists(".Random.seed", envir = globalenv(), inherits = FALSE)
  d <- data.frame(x = c(1.5, 2, 3.25, 4, 5, 6.5, 7, 8), y = c(2, 1, 4, 3, 6, 5, 8, 7),
                  g = factor(c("a", "b", "a", "b", "a", "b", "a", "b")),
                  h = factor(c("u", "u", "v", "v", "u", "v", "u", "v")))
  k <- panthr_registered()
  # Each kind with numbers, with factors, and with both: whichever it accepts.
  vars <- list(c("x", "y"), c("g", "h"), c("x", "g"))
  suppressWarnings(suppressMessages(utils::capture.output({
    for (v in vars) {
      for (r in k$reports) panthr_run(panthr_report, r, d, v, NULL, NULL, NULL)
      for (t in k$tests) panthr_run(panthr_test, t, d, v, NULL, NULL)
      for (g in k$graphs) panthr_run(panthr_graph, g, d, v, NULL, NULL)
    }
    for (f in c("png", "pdf")) panthr_run(panthr_graph, "hist", d, "x", list(format = f), NULL)
  })))
  if (!had_seed && exists(".Random.seed", envir = globalenv(), inherits = FALSE))
    rm(".Random.seed", envir = globalenv())
})
