# Hypothesis tests: t.test, chisq.test, cor.test (API.md §3 "Tests and models"). Each
# calls R's own function on the columns, so the numbers are R's.

# The common keys of an "htest" result.
.panthr_htest <- function(h) {
  list(method = trimws(h$method),
       statistic = .panthr_num(h$statistic),
       df = if (length(h$parameter) > 1L) .panthr_arr(h$parameter) else .panthr_num(h$parameter),
       p_value = .panthr_num(h$p.value),
       estimate = .panthr_arr(h$estimate),
       estimate_names = I(if (is.null(h$estimate)) character() else names(h$estimate)),
       conf_int = .panthr_arr(h$conf.int),
       conf_level = .panthr_num(attr(h$conf.int, "conf.level")),
       alternative = h$alternative,
       null_value = .panthr_num(h$null.value))
}

#' Student's / Welch's t test.
#' @param data data.frame; @param variables character: [y] (one sample), [y, group] (group
#'   a nominal column with exactly two levels present: first level minus second) or [y, y2]
#'   (y2 scalar: two columns, for example paired measurements).
#' @param options named list: mu (number, 0), alternative ("two.sided" | "less" |
#'   "greater"), paired (flag, FALSE; needs [y, y2] or equal group sizes), var.equal (flag,
#'   FALSE), conf.level (probability, 0.95).
#' @return list(method, statistic, df, p_value, estimate = I(num), estimate_names,
#'   conf_int = I(num[2]), conf_level, alternative, null_value).
panthr_t_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("mu", "alternative", "paired", "var.equal", "conf.level"))
  .panthr_vars(data, variables, 1L, 2L)
  args <- list(mu = panthr_option(options, "mu", 0, "number"),
               alternative = panthr_option(options, "alternative", "two.sided", "choice",
                                           c("two.sided", "less", "greater")),
               conf.level = panthr_option(options, "conf.level", 0.95, "probability"))
  paired <- panthr_option(options, "paired", FALSE, "flag")
  var_equal <- panthr_option(options, "var.equal", FALSE, "flag")
  y <- panthr_column(data, variables[[1L]], "scalar")
  if (length(variables) == 1L) {
    if (paired) panthr_stop("invalid_object", "paired needs two variables")
    return(.panthr_htest(do.call(stats::t.test, c(list(y), args))))
  }
  second <- panthr_column(data, variables[[2L]])
  present <- NULL  # the two group levels, when the second variable groups y
  if (is.numeric(second) && !is.factor(second)) {
    y2 <- as.double(second)
  } else {
    g <- panthr_column(data, variables[[2L]], "nominal")
    present <- levels(droplevels(g[!is.na(g) & !is.na(y)]))
    if (length(present) != 2L)
      panthr_stop("invalid_object", "the grouping variable ", .panthr_q(variables[[2L]]),
                  " must have exactly 2 levels with data, has ", length(present))
    keep <- !is.na(g)
    y2 <- y[keep & g == present[[2L]]]
    y <- y[keep & g == present[[1L]]]
  }
  out <- .panthr_htest(do.call(stats::t.test,
                               c(list(y, y2, paired = paired, var.equal = var_equal), args)))
  if (!paired && !is.null(present))
    out$estimate_names <- I(paste("mean in group", present))
  out
}

# A contingency table as {columns, rows}: the first column holds the row labels and is
# named after the row variable; the others are the column variable's levels.
.panthr_ctable <- function(m, row_name) {
  rows <- lapply(seq_len(nrow(m)), function(i) c(list(rownames(m)[[i]]), as.list(unname(m[i, ]))))
  list(columns = I(c(row_name, colnames(m))), rows = rows)
}

#' Pearson's chi-squared test of independence of two nominal variables.
#' @param data data.frame; @param variables character: [a, b], nominal/ordinal/logical.
#' @param options named list: correct (flag, TRUE: Yates' continuity correction, 2x2 only).
#' @return list(method, statistic, df, p_value, observed, expected, ...) where observed and
#'   expected are {columns = I(c(a, levels of b)), rows = [[level of a, numbers...], ...]}.
#'   Rows with a missing value and levels with no observations are left out.
panthr_chisq_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, "correct")
  .panthr_vars(data, variables, 2L)
  correct <- panthr_option(options, "correct", TRUE, "flag")
  a <- panthr_column(data, variables[[1L]], "nominal")
  b <- panthr_column(data, variables[[2L]], "nominal")
  keep <- !is.na(a) & !is.na(b)
  tab <- table(droplevels(a[keep]), droplevels(b[keep]))
  if (nrow(tab) < 2L || ncol(tab) < 2L)
    panthr_stop("invalid_object", "chisq.test needs at least 2 levels with data in each variable")
  h <- stats::chisq.test(tab, correct = correct)
  out <- .panthr_htest(h)
  out[c("estimate", "estimate_names", "conf_int", "conf_level", "null_value",
        "alternative")] <- NULL
  out$observed <- .panthr_ctable(unclass(h$observed), variables[[1L]])
  out$expected <- .panthr_ctable(h$expected, variables[[1L]])
  out
}

#' Correlation test.
#' @param data data.frame; @param variables character: [x, y], scalar.
#' @param options named list: method ("pearson" | "spearman" | "kendall"), alternative
#'   ("two.sided" | "less" | "greater"), conf.level (probability, 0.95; Pearson only),
#'   exact (flag or absent: R's default).
#' @return list(method, statistic, df (NA for spearman/kendall), p_value, estimate = I(num[1]),
#'   conf_int = I(num[2]) for Pearson with n >= 4, else I(numeric(0)), ...).
panthr_cor_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("method", "alternative", "conf.level", "exact"))
  .panthr_vars(data, variables, 2L)
  x <- panthr_column(data, variables[[1L]], "scalar")
  y <- panthr_column(data, variables[[2L]], "scalar")
  args <- list(x, y,
               method = panthr_option(options, "method", "pearson", "choice",
                                      c("pearson", "spearman", "kendall")),
               alternative = panthr_option(options, "alternative", "two.sided", "choice",
                                           c("two.sided", "less", "greater")),
               conf.level = panthr_option(options, "conf.level", 0.95, "probability"))
  if (!is.null(options$exact)) args$exact <- panthr_option(options, "exact", NULL, "flag")
  .panthr_htest(do.call(stats::cor.test, args))
}

panthr_register("test", "t.test", panthr_t_test)
panthr_register("test", "chisq.test", panthr_chisq_test)
panthr_register("test", "cor.test", panthr_cor_test)
