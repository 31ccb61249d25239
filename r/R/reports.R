# Reports: descriptives and frequency tables (API.md §3 "Reports").

.panthr_desc_cols <- c("variable", "n", "missing", "mean", "sd", "min", "q1", "median",
                       "q3", "max")

# The nine statistics of one numeric vector; NA (null) where there is nothing to compute.
.panthr_describe <- function(x) {
  ok <- x[!is.na(x)]
  n <- length(ok)
  if (n == 0L) return(list(0L, length(x), NA_real_, NA_real_, NA_real_, NA_real_,
                           NA_real_, NA_real_, NA_real_))
  q <- unname(stats::quantile(ok, c(0.25, 0.5, 0.75), type = 7, names = FALSE))
  list(n, length(x) - n, mean(ok), if (n > 1L) stats::sd(ok) else NA_real_,
       min(ok), q[1L], q[2L], q[3L], max(ok))
}

#' Descriptive statistics of scalar variables.
#' @param data data.frame; @param variables character vector of scalar column names.
#' @param by NULL or character(1): a nominal column; rows per variable and level (levels in
#'   order; rows whose group is missing are left out).
#' @param rows NULL or logical(nrow(data)): the filter.
#' @return list(columns = I(c("variable", ["group",] "n", "missing", "mean", "sd", "min",
#'   "q1", "median", "q3", "max")), rows = list of lists). n = non-missing values, missing
#'   = NA count; quantiles type 7; sd NA for n < 2; all statistics NA for n = 0.
panthr_descriptives <- function(data, variables, by = NULL, rows = NULL) {
  data <- panthr_filter_rows(data, rows)
  .panthr_vars(data, variables, 1L, Inf)
  xs <- lapply(variables, function(v) panthr_column(data, v, "scalar"))
  if (is.null(by)) {
    out <- Map(function(v, x) c(list(v), .panthr_describe(x)), variables, xs)
    return(list(columns = I(.panthr_desc_cols), rows = unname(out)))
  }
  g <- panthr_column(data, by, "nominal")
  out <- list()
  for (i in seq_along(variables)) {
    for (lev in levels(g)) {
      keep <- !is.na(g) & g == lev
      out[[length(out) + 1L]] <- c(list(variables[[i]], lev), .panthr_describe(xs[[i]][keep]))
    }
  }
  list(columns = I(append(.panthr_desc_cols, "group", after = 1L)), rows = out)
}

#' Frequency tables of nominal, ordinal or logical variables.
#' @param data data.frame; @param variables character vector of nominal/ordinal/logical
#'   (or character) column names. @param rows NULL or logical(nrow(data)): the filter.
#' @return list(columns = I(c("variable", "value", "count", "percent")), rows = list of
#'   lists): one row per level in level order (zero counts included; logical values are
#'   booleans FALSE then TRUE), then one row with value NA (null) for the missing values
#'   when there are any. percent = 100 * count / all rows (missing included), NaN for no rows.
panthr_frequency <- function(data, variables, rows = NULL) {
  data <- panthr_filter_rows(data, rows)
  .panthr_vars(data, variables, 1L, Inf)
  total <- nrow(data)
  out <- list()
  for (v in variables) {
    raw <- panthr_column(data, v)
    x <- panthr_column(data, v, "nominal")
    counts <- tabulate(as.integer(x), nbins = nlevels(x))
    vals <- if (is.logical(raw)) list(FALSE, TRUE) else as.list(levels(x))
    for (i in seq_along(counts))
      out[[length(out) + 1L]] <- list(v, vals[[i]], counts[[i]], 100 * counts[[i]] / total)
    n_na <- sum(is.na(x))
    if (n_na > 0L) out[[length(out) + 1L]] <- list(v, NA, n_na, 100 * n_na / total)
  }
  list(columns = I(c("variable", "value", "count", "percent")), rows = out)
}

panthr_register("report", "descriptives", function(data, variables, by, options) {
  .panthr_known_options(options, character())
  panthr_descriptives(data, variables, by)
})
panthr_register("report", "frequency", function(data, variables, by, options) {
  .panthr_known_options(options, character())
  if (!is.null(by)) panthr_stop("invalid_object", "frequency does not take by")
  panthr_frequency(data, variables)
})
