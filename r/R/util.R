# PanthR.r helpers shared by every report, test, model and graph: errors with wire codes,
# column access by exact name, option checking, row filters, warning capture and the
# {columns, rows} table shape. Internal helpers start with `.panthr_`; the ones extension
# authors may use start with `panthr_`.

#' Signal an error carrying a wire code of API.md.
#' @param code character(1): "invalid_object", "not_found", "unknown_type", "too_large" or
#'   "r_error".
#' @param ... character pieces pasted (no separator) into the message.
#' @return never returns; signals a condition of class c("panthr_error", "error", "condition")
#'   with fields `message` and `code`.
panthr_stop <- function(code, ...) {
  msg <- paste0(..., collapse = "")
  stop(structure(class = c("panthr_error", "error", "condition"),
                 list(message = msg, call = NULL, code = code)))
}

# `a`, or `b` when `a` is NULL (an absent key or option).
.panthr_or <- function(a, b) if (is.null(a)) b else a

# Quote a user-given name for a message: never evaluated, only shown.
.panthr_q <- function(x) paste0("\"", encodeString(as.character(x)), "\"")

#' One column of a data frame by its exact name, checked for a kind.
#' @param data data.frame.
#' @param name character(1): the column name exactly as the user wrote it.
#' @param kind character(1): "any"; "scalar" (double or integer, not a factor); "nominal"
#'   (factor, character or logical; returned as a factor, logical as levels FALSE, TRUE).
#' @return the column (a factor for "nominal"); `not_found` / `invalid_object` errors.
panthr_column <- function(data, name, kind = "any") {
  if (!is.character(name) || length(name) != 1L || is.na(name))
    panthr_stop("invalid_object", "a variable name must be one string")
  if (!(name %in% names(data)))
    panthr_stop("not_found", "variable ", .panthr_q(name), " not found in the dataset")
  x <- data[[name]]
  switch(kind,
    any = x,
    scalar = {
      if (!is.numeric(x) || is.factor(x))
        panthr_stop("invalid_object", "variable ", .panthr_q(name), " is not scalar (numeric)")
      as.double(x)
    },
    nominal = {
      if (is.factor(x)) x
      else if (is.logical(x)) factor(x, levels = c(FALSE, TRUE))
      else if (is.character(x)) factor(x, levels = unique(x[!is.na(x)]))
      else panthr_stop("invalid_object", "variable ", .panthr_q(name),
                       " is not nominal, ordinal or logical")
    },
    panthr_stop("r_error", "unknown column kind ", kind))
}

# Check the variables argument: a character vector of n_min..n_max names, all present.
.panthr_vars <- function(data, variables, n_min, n_max = n_min) {
  if (!is.character(variables) || anyNA(variables))
    panthr_stop("invalid_object", "variables must be a character vector of names")
  if (length(variables) < n_min || length(variables) > n_max)
    panthr_stop("invalid_object", "expected ",
                if (n_min == n_max) n_min else paste0(n_min, " to ", n_max),
                " variables, got ", length(variables))
  # The first missing name, as panthr_column would say it, in one vectorised match.
  missing <- match(FALSE, variables %in% names(data), 0L)
  if (missing > 0L)
    panthr_stop("not_found", "variable ", .panthr_q(variables[[missing]]), " not found in the dataset")
  variables
}

#' Keep the rows of a filter.
#' @param data data.frame.
#' @param rows NULL (all rows) or a logical vector of nrow(data); NA counts as FALSE.
#' @return data.frame with the kept rows (factor levels unchanged).
panthr_filter_rows <- function(data, rows = NULL) {
  if (!is.data.frame(data)) panthr_stop("invalid_object", "data must be a data frame")
  if (is.null(rows)) return(data)
  if (!is.logical(rows) || length(rows) != nrow(data))
    panthr_stop("invalid_object", "the filter must give one logical value per row (",
                nrow(data), "), got ", length(rows))
  data[!is.na(rows) & rows, , drop = FALSE]
}

#' One option from a named list of options, checked.
#' @param options NULL or a named list.
#' @param name character(1).
#' @param default the value when absent (or NULL).
#' @param type "number", "probability", "flag" or "choice".
#' @param choices character vector for "choice".
#' @return the option's value; `invalid_object` when it has the wrong type.
panthr_option <- function(options, name, default, type, choices = NULL) {
  v <- options[[name]]
  if (is.null(v)) return(default)
  bad <- function(what) panthr_stop("invalid_object", "option ", name, " must be ", what)
  switch(type,
    number = if (!is.numeric(v) || length(v) != 1L || !is.finite(v)) bad("a finite number"),
    probability = if (!is.numeric(v) || length(v) != 1L || !is.finite(v) || v <= 0 || v >= 1)
      bad("a number between 0 and 1"),
    flag = if (!is.logical(v) || length(v) != 1L || is.na(v)) bad("true or false"),
    choice = if (!is.character(v) || length(v) != 1L || !(v %in% choices))
      bad(paste0("one of ", paste(choices, collapse = ", "))),
    stop("unknown option type ", type))
  if (type == "number" || type == "probability") as.double(v) else v
}

# Refuse option names a kind does not know: a typo must not silently fall back to a default.
.panthr_known_options <- function(options, known) {
  if (is.null(options)) return(invisible())
  if (!is.list(options) || (length(options) > 0L && is.null(names(options))))
    panthr_stop("invalid_object", "options must be a named object")
  unknown <- setdiff(names(options), known)
  if (length(unknown))
    panthr_stop("invalid_object", "unknown option ", .panthr_q(unknown[1L]))
  invisible()
}

#' Evaluate an expression, collecting R's warnings instead of losing them.
#' @param expr any R expression (lazily evaluated).
#' @return list(value = the value, warnings = character vector of warning messages).
panthr_collect_warnings <- function(expr) {
  warnings <- character()
  value <- withCallingHandlers(expr, warning = function(w) {
    warnings <<- c(warnings, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = unique(warnings))
}

#' A {columns, rows} table from a data.frame, row-major, for the JSON converter.
#' @param df data.frame; factors become their labels.
#' @return list(columns = I(character), rows = unnamed list of unnamed lists of scalars).
panthr_table <- function(df) {
  cols <- lapply(df, function(x) if (is.factor(x)) as.character(x) else x)
  rows <- lapply(seq_len(nrow(df)), function(i) {
    unname(lapply(cols, function(x) x[[i]]))
  })
  list(columns = I(names(df)), rows = rows)
}

# A finite-or-NA number: R's NULL (an absent statistic) becomes NA, so the key stays (null).
.panthr_num <- function(x) if (is.null(x) || length(x) == 0L) NA_real_ else unname(x[[1L]])

# A numeric vector as a JSON array always (I()), names dropped.
.panthr_arr <- function(x) I(if (is.null(x)) numeric() else unname(as.vector(x)))
