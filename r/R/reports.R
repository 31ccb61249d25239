# Reports: descriptives and frequency tables (API.md §3 "Reports").

# The statistics descriptives can show (API.md 1.1), and the 1.0 columns shown by default.
.panthr_desc_all <- c("n", "missing", "mean", "sd", "se", "variance", "min", "q1", "median",
                      "q3", "max", "iqr", "range", "skewness", "kurtosis", "ci_low", "ci_high")
.panthr_desc_default <- c("n", "missing", "mean", "sd", "min", "q1", "median", "q3", "max")

# Skewness and kurtosis with bias correction (type 2, as SPSS, e1071 and psych give them):
# G1 = g1 sqrt(n (n - 1)) / (n - 2), G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2) (n - 3)), from
# the moments m_k = mean((x - mean)^k); NA below 3 (4) values or without spread.
.panthr_moments <- function(x, n, m) {
  if (n < 3L) return(c(NA_real_, NA_real_))
  d <- x - m
  m2 <- mean(d^2)
  if (m2 == 0) return(c(NA_real_, NA_real_))
  g1 <- mean(d^3) / m2^1.5
  g2 <- mean(d^4) / m2^2 - 3
  c(g1 * sqrt(n * (n - 1)) / (n - 2),
    if (n < 4L) NA_real_ else ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))
}

# Quantiles of type 7 (R's default) of numbers without NA, n = length(x) > 0: the arithmetic
# of stats:::quantile.default for type 7, so the same bits, without its checks of the
# arguments (factors, NA, probs in [0, 1], pmin/pmax): they were half of its time, and the
# quantiles half of a descriptives report's on 1,000 values.
.panthr_q7 <- function(x, n, probs) {
  index <- 1 + (n - 1) * probs
  lo <- floor(index)
  hi <- ceiling(index)
  x <- sort.int(x, partial = unique(c(lo, hi)))
  qs <- x[lo]
  i <- which(index > lo & x[hi] != qs)
  h <- (index - lo)[i]
  qs[i] <- (1 - h) * qs[i] + h * x[hi[i]]
  qs
}
# The variance of numbers without NA: the C routine stats::var ends in, called as var calls
# it for a vector (use = "everything"), so the same bits without var's R-level checks of
# its arguments (12 of a 1,000-value variable's 65 us). stats::var where R has no C_cov.
.panthr_var <- local({
  cov <- if (exists("C_cov", envir = asNamespace("stats"), inherits = FALSE))
    get("C_cov", envir = asNamespace("stats"))
  if (is.null(cov)) stats::var else function(x) .Call(cov, x, NULL, 4L, FALSE)
})
.panthr_qt <- stats::qt
# Which statistics need the quantiles (a sort) or the moments.
.panthr_desc_sorted <- c("q1", "median", "q3", "iqr")
.panthr_desc_moments <- c("skewness", "kurtosis")

# The chosen statistics of one numeric vector, in order; NA where there is nothing to compute.
.panthr_describe <- function(x, stats) {
  ok <- if (anyNA(x)) x[!is.na(x)] else x  # no copy when nothing is missing
  n <- length(ok)
  if (n == 0L) {
    v <- list(n = n, missing = length(x))
    return(lapply(stats, function(k) .panthr_or(v[[k]], NA_real_)))
  }
  # One pass per statistic, each done once: sd is sqrt(var) as stats::sd computes it, the
  # IQR q3 - q1 as stats::IQR does (type 7), the quantiles only when shown (a sort: on
  # 1e6 values each quantile, IQR or var was 20-90 ms of a 600 ms report).
  m <- mean(ok)
  va <- if (n > 1L) .panthr_var(ok) else NA_real_
  s <- sqrt(va)
  q <- if (any(.panthr_desc_sorted %in% stats)) .panthr_q7(ok, n, c(0.25, 0.5, 0.75))
       else rep(NA_real_, 3L)
  lo <- min(ok)
  hi <- max(ok)
  half <- if (n > 1L) .panthr_qt(0.975, n - 1L) * s / sqrt(n) else NA_real_
  sk <- if (any(.panthr_desc_moments %in% stats)) .panthr_moments(ok, n, m) else c(NA, NA)
  v <- list(n = n, missing = length(x) - n, mean = m, sd = s, se = s / sqrt(n), variance = va,
            min = lo, q1 = q[[1L]], median = q[[2L]], q3 = q[[3L]], max = hi,
            iqr = q[[3L]] - q[[1L]], range = hi - lo, skewness = sk[[1L]],
            kurtosis = sk[[2L]], ci_low = m - half, ci_high = m + half)
  # Every statistic is in v: picking by name keeps them in the order asked.
  unname(v[stats])
}

#' Descriptive statistics of scalar variables.
#' @param data data.frame; @param variables character vector of scalar column names.
#' @param by NULL or character(1): a nominal column; rows per variable and level (levels in
#'   order; rows whose group is missing are left out).
#' @param rows NULL or logical(nrow(data)): the filter.
#' @param statistics character: columns from .panthr_desc_all, in the order wanted
#'   (default the 1.0 nine). n = non-missing values, missing = NA count; quantiles type 7;
#'   se = sd / sqrt(n); skewness, kurtosis type 2; ci_low, ci_high the 95% t interval of the
#'   mean; sd, se, variance, ci NA for n < 2; all statistics but n, missing NA for n = 0.
#' @return list(columns = I(c("variable", ["group",] statistics...)), rows = list of lists).
panthr_descriptives <- function(data, variables, by = NULL, rows = NULL,
                                statistics = .panthr_desc_default) {
  data <- panthr_filter_rows(data, rows)
  .panthr_vars(data, variables, 1L, Inf)
  xs <- lapply(variables, function(v) panthr_column(data, v, "scalar"))
  if (is.null(by)) {
    out <- Map(function(v, x) c(list(v), .panthr_describe(x, statistics)), variables, xs)
    return(list(columns = I(c("variable", statistics)), rows = unname(out)))
  }
  g <- panthr_column(data, by, "nominal")
  out <- list()
  for (i in seq_along(variables)) {
    for (lev in levels(g)) {
      keep <- !is.na(g) & g == lev
      out[[length(out) + 1L]] <- c(list(variables[[i]], lev),
                                   .panthr_describe(xs[[i]][keep], statistics))
    }
  }
  list(columns = I(c("variable", "group", statistics)), rows = out)
}

# The statistics option of descriptives, checked (the converters' schema checks it first).
.panthr_desc_statistics <- function(options) {
  s <- options$statistics
  if (is.null(s)) return(.panthr_desc_default)
  if (!is.character(s) || !length(s) || anyNA(s) || anyDuplicated(s) || !all(s %in% .panthr_desc_all))
    panthr_stop("invalid_object", "statistics must be distinct names from ",
                paste(.panthr_desc_all, collapse = ", "))
  s
}

#' Frequency tables of nominal, ordinal or logical variables.
#' @param data data.frame; @param variables character vector of nominal/ordinal/logical
#'   (or character) column names. @param rows NULL or logical(nrow(data)): the filter.
#' @param by NULL or character(1): a nominal column; a table per variable and level (levels
#'   in order; rows whose group is missing are left out, as descriptives leaves them).
#' @return list(columns = I(c("variable", ["group",] "value", "count", "percent")), rows =
#'   list of lists): one row per level in level order (zero counts included; logical values
#'   are booleans FALSE then TRUE), then one row with value NA (null) for the missing values
#'   when there are any. percent = 100 * count / all rows (of the group; missing values
#'   included), NaN for no rows.
panthr_frequency <- function(data, variables, rows = NULL, by = NULL) {
  data <- panthr_filter_rows(data, rows)
  .panthr_vars(data, variables, 1L, Inf)
  g <- if (!is.null(by)) panthr_column(data, by, "nominal")
  groups <- if (is.null(g)) list(NULL) else as.list(levels(g))
  out <- list()
  for (v in variables) {
    raw <- panthr_column(data, v)
    x <- panthr_column(data, v, "nominal")
    vals <- if (is.logical(raw)) list(FALSE, TRUE) else as.list(levels(x))
    for (lev in groups) {
      xs <- if (is.null(lev)) x else x[!is.na(g) & g == lev]
      head <- if (is.null(lev)) list(v) else list(v, lev)
      total <- length(xs)
      counts <- tabulate(as.integer(xs), nbins = nlevels(x))
      for (i in seq_along(counts))
        out[[length(out) + 1L]] <- c(head, list(vals[[i]], counts[[i]], 100 * counts[[i]] / total))
      n_na <- sum(is.na(xs))
      if (n_na > 0L) out[[length(out) + 1L]] <- c(head, list(NA, n_na, 100 * n_na / total))
    }
  }
  list(columns = I(c("variable", if (!is.null(by)) "group", "value", "count", "percent")),
       rows = out)
}

panthr_register("report", "descriptives", function(data, variables, by, options) {
  .panthr_known_options(options, "statistics")
  statistics <- .panthr_desc_statistics(options)
  out <- panthr_descriptives(data, variables, by, statistics = statistics)
  c(out, list(r_code = .panthr_descriptives_code(data, variables, by, statistics)))
})
panthr_register("report", "frequency", function(data, variables, by, options) {
  .panthr_known_options(options, character())
  c(panthr_frequency(data, variables, by = by),
    list(r_code = .panthr_frequency_code(data, variables, by)))
})
