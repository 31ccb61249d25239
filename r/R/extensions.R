# Loading extensions: R files that register report, test or graph kinds with
# panthr_register(). See docs/extensions.md.

#' Load one extension file into its own environment (whose parent is the global
#' environment), after the library. The server calls it once per configured extension in
#' the Rserve parent, so every session has the extension's kinds.
#' @param path character(1): the extension's R file.
#' @return list(file = path, reports = I(character), tests = I(character), graphs =
#'   I(character)): the names this file registered. Errors name the file:
#'   'extension "path": <R's message>', and leave the registry as it was before.
panthr_load_extension <- function(path) {
  if (!is.character(path) || length(path) != 1L || is.na(path))
    stop("panthr_load_extension: path must be one string", call. = FALSE)
  before <- panthr_registered()
  saved <- mget(c("report", "test", "graph"), envir = .panthr_registry)
  env <- new.env(parent = globalenv())
  tryCatch(sys.source(path, envir = env, keep.source = FALSE), error = function(e) {
    # A broken file registers nothing, not the kinds it managed before failing.
    list2env(saved, envir = .panthr_registry)
    stop(sprintf("extension %s: %s", .panthr_q(path), conditionMessage(e)), call. = FALSE)
  })
  after <- panthr_registered()
  added <- function(k) I(setdiff(after[[k]], before[[k]]))
  list(file = path, reports = added("reports"), tests = added("tests"), graphs = added("graphs"))
}
