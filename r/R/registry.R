# The registry of report, test and graph kinds and the three dispatchers the server calls.
# Built-in kinds are registered through the same panthr_register() as extensions, so the
# server validates every kind against one list (panthr_registered()).

.panthr_registry <- new.env(parent = emptyenv())
.panthr_registry$report <- list()
.panthr_registry$test <- list()
.panthr_registry$graph <- list()

#' Register a report, test or graph kind (built-in or extension); a later registration of
#' the same kind and name replaces the earlier one.
#' @param kind character(1): "report", "test" or "graph".
#' @param name character(1) matching ^[A-Za-z][A-Za-z0-9_.]{0,63}$ (the value of the
#'   request's reportType / test / graphType).
#' @param fun function. report: fun(data, variables, by, options) -> list(columns, rows, ...);
#'   test: fun(data, variables, options) -> named list; graph: fun(data, variables, options)
#'   draws on the open device (options$style holds the applied graph settings). `data` is
#'   already filtered; `variables` a character vector; `options` a named list (maybe empty).
#' @return invisible(name).
panthr_register <- function(kind, name, fun) {
  if (!is.character(kind) || length(kind) != 1L || !(kind %in% c("report", "test", "graph")))
    stop("panthr_register: kind must be \"report\", \"test\" or \"graph\"", call. = FALSE)
  if (!is.character(name) || length(name) != 1L || is.na(name) ||
      !grepl("^[A-Za-z][A-Za-z0-9_.]{0,63}$", name))
    stop("panthr_register: name must match ^[A-Za-z][A-Za-z0-9_.]{0,63}$", call. = FALSE)
  if (!is.function(fun)) stop("panthr_register: fun must be a function", call. = FALSE)
  reg <- .panthr_registry[[kind]]
  # Byte-compiled here, in the Rserve parent, so no forked session compiles it again.
  reg[[name]] <- compiler::cmpfun(fun)
  assign(kind, reg, envir = .panthr_registry)
  invisible(name)
}

#' The registered kinds, for the server to show and validate.
#' @return list(reports = I(character), tests = I(character), graphs = I(character)),
#'   each in registration order.
panthr_registered <- function() {
  list(reports = I(names(.panthr_registry$report)),
       tests = I(names(.panthr_registry$test)),
       graphs = I(names(.panthr_registry$graph)))
}

.panthr_lookup <- function(kind, name) {
  if (!is.character(name) || length(name) != 1L || is.na(name))
    panthr_stop("invalid_object", kind, " kind must be one string")
  fun <- .panthr_registry[[kind]][[name]]
  if (is.null(fun)) panthr_stop("unknown_type", "unknown ", kind, " ", .panthr_q(name))
  fun
}

# Run a registered function, collecting its warnings into the result's `warnings`.
# The kind is called directly on the dispatcher's arguments: its call holds their symbols
# (d, variables, ...), never the data, as panthr_do_call's does, without building a frame
# for them (15 us of a descriptives call's ~400).
.panthr_call <- function(fun, ...) {
  got <- panthr_collect_warnings(fun(...))
  value <- got$value
  if (!is.list(value) || (length(value) > 0L && is.null(names(value))))
    panthr_stop("r_error", "a kind must return a named list")
  value$warnings <- I(unique(c(as.character(value$warnings), got$warnings)))
  value
}

#' Compute a report.
#' @param kind character(1): a registered report ("descriptives", "frequency", ...).
#' @param data data.frame: the dataset, columns named as the user wrote them.
#' @param variables character vector of column names.
#' @param by NULL or character(1): a nominal column, one row per level.
#' @param rows NULL or logical(nrow(data)): the filter (NA = FALSE).
#' @param options NULL or a named list (reserved for extensions).
#' @param code NULL or list(data = character(1), setup = character): the r_code context
#'   (rcode.R).
#' @return list(columns = I(character), rows = list of lists, warnings = I(character)).
panthr_report <- function(kind, data, variables, by = NULL, rows = NULL, options = NULL,
                          code = NULL) {
  fun <- .panthr_lookup("report", kind)
  d <- panthr_filter_rows(data, rows)
  old <- .panthr_code_enter(code)
  on.exit(.panthr_code_leave(old))
  .panthr_call(fun, d, variables, by, .panthr_or(options, list()))
}

#' Run a test or fit a model.
#' @param kind character(1): a registered test ("t.test", "chisq.test", "cor.test", "lm", "aov").
#' @param data data.frame; @param variables character vector of column names.
#' @param options NULL or a named list of the test's options (API.md §3).
#' @param rows NULL or logical(nrow(data)): the filter.
#' @param code NULL or list(data = character(1), setup = character): the r_code context
#'   (rcode.R).
#' @return a named list of result keys (API.md §3) plus warnings = I(character).
panthr_test <- function(kind, data, variables, options = NULL, rows = NULL, code = NULL) {
  fun <- .panthr_lookup("test", kind)
  d <- panthr_filter_rows(data, rows)
  old <- .panthr_code_enter(code)
  on.exit(.panthr_code_leave(old))
  .panthr_call(fun, d, variables, .panthr_or(options, list()))
}

#' Run f(...) and report success or a coded failure, never an R error; interrupts (a
#' cancelled computation) still propagate.
#' @param f a function (for example panthr_report).
#' @param ... its arguments.
#' @return list(ok = TRUE, value = f(...)) or list(ok = FALSE, code = "invalid_object" |
#'   "not_found" | "unknown_type" | "r_error", message = character(1)).
panthr_run <- function(f, ...) {
  tryCatch(list(ok = TRUE, value = f(...)), error = function(e) {
    code <- if (inherits(e, "panthr_error")) e$code else "r_error"
    list(ok = FALSE, code = code, message = conditionMessage(e))
  })
}
