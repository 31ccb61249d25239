# PanthR.r: the R library behind every report, test, model and graph of PanthR server.
# The server sources this file into the Rserve parent before it forks sessions, so every
# session starts with it. It defines everything in the global environment, public names
# starting with `panthr_`, internal ones with `.panthr_`. Depends on base R, stats,
# graphics, grDevices, utils, jsonlite and svglite only.
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
  parts <- c("util.R", "registry.R", "reports.R", "tests.R", "models.R", "svgsafe.R",
             "graphs.R", "plots.R", "formula.R", "session.R", "extensions.R")
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
