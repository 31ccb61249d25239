# Tests of counts: chisq.test, fisher.test, mcnemar.test, binom.test, prop.test (API.md
# "Analyses added in API 1.1").

# A contingency table as {columns, rows}: the first column holds the row labels and is
# named after the row variable; the others are the column variable's levels.
.panthr_ctable <- function(m, row_name) {
  rows <- lapply(seq_len(nrow(m)), function(i) c(list(rownames(m)[[i]]), as.list(unname(m[i, ]))))
  list(columns = I(c(row_name, colnames(m))), rows = rows)
}

# A one-way table (named numbers) as {columns = [variable, what], rows = [[level, x], ...]}.
.panthr_vtable <- function(x, variable, what) {
  rows <- Map(function(l, v) list(l, v), names(x), unname(as.vector(x)))
  list(columns = I(c(variable, what)), rows = unname(rows))
}

# The table of two nominal variables over their complete rows, levels with data only.
# @return list(tab, n, code = the code of the same table).
.panthr_table2 <- function(data, variables, test) {
  .panthr_vars(data, variables, 2L)
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  d <- .panthr_complete(data, variables)
  a <- droplevels(panthr_column(d, variables[[1L]], "nominal"))
  b <- droplevels(panthr_column(d, variables[[2L]], "nominal"))
  if (nlevels(a) < 2L || nlevels(b) < 2L)
    panthr_stop("invalid_object", test, " needs at least 2 levels with data in each variable")
  list(tab = table(a, b, dnn = NULL), n = nrow(d),
       code = paste0("table(droplevels(", .panthr_code_cc(variables), "))"))
}

#' Pearson's chi-squared test: of independence ([a, b]) or goodness of fit ([a], against
#' the proportions p, equal by default, over all of a's levels).
#' @param variables [a] or [a, b], nominal/ordinal/logical.
#' @param options correct (flag, TRUE: Yates' correction, 2x2 only), p ([a] only: one
#'   proportion per level, summing to 1).
#' @return the htest keys, observed, expected, residuals (standardised), percent (list(row,
#'   column, total) tables for [a, b]; list(total) for [a]) as {columns, rows} tables,
#'   effect_size (Cramér's V, uncorrected, for [a, b]; Fei for [a]), n, r_code.
panthr_chisq_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("correct", "p"))
  .panthr_vars(data, variables, 1L, 2L)
  if (length(variables) == 1L) return(.panthr_chisq_gof(data, variables, options))
  if (!is.null(options$p)) panthr_stop("invalid_object", "option p is for [a] (goodness of fit) only")
  correct <- if (!is.null(options$correct)) panthr_option(options, "correct", TRUE, "flag")
  t2 <- .panthr_table2(data, variables, "chisq.test")
  h <- stats::chisq.test(t2$tab, correct = .panthr_or(correct, TRUE))
  out <- .panthr_htest(h)
  a <- variables[[1L]]
  out$observed <- .panthr_ctable(unclass(h$observed), a)
  out$expected <- .panthr_ctable(h$expected, a)
  out$residuals <- .panthr_ctable(h$stdres, a)
  pct <- function(m) .panthr_ctable(100 * unclass(m), a)
  out$percent <- list(row = pct(prop.table(t2$tab, 1L)), column = pct(prop.table(t2$tab, 2L)),
                      total = pct(prop.table(t2$tab)))
  out$effect_size <- .panthr_effect("cramers_v", "Cramers_v", function() {
    effectsize::cramers_v(t2$tab, adjust = FALSE)
  })
  out$n <- t2$n
  args <- .panthr_code_args(list(correct = correct))
  out$r_code <- panthr_r_code(
    paste0(".t <- ", t2$code), ".t", paste0("chisq.test(.t", args, ")"),
    paste0("chisq.test(.t", args, ")$expected"), paste0("chisq.test(.t", args, ")$stdres"),
    "prop.table(.t, 1) * 100", "prop.table(.t, 2) * 100", "prop.table(.t) * 100",
    "effectsize::cramers_v(.t, adjust = FALSE)")
  out
}

# Goodness of fit of one nominal variable: every level counts, also those without data.
.panthr_chisq_gof <- function(data, variables, options) {
  # R's chisq.test takes `correct` for one variable too, and uses it only for a 2 x 2
  # table: checked as a flag, then without effect, as in R.
  panthr_option(options, "correct", TRUE, "flag")
  d <- .panthr_complete(data, variables)
  a <- panthr_column(d, variables[[1L]], "nominal")
  tab <- table(a, dnn = NULL)
  if (length(tab) < 2L) panthr_stop("invalid_object", "chisq.test of [a] needs at least 2 levels")
  p <- options$p
  if (!is.null(p)) {
    p <- unlist(p)
    if (!is.numeric(p) || anyNA(p) || any(p < 0) || length(p) != length(tab))
      panthr_stop("invalid_object", "option p must be ", length(tab),
                  " proportions, one per level of ", .panthr_q(variables[[1L]]))
    if (abs(sum(p) - 1) > sqrt(.Machine$double.eps))
      panthr_stop("invalid_object", "option p must sum to 1, sums to ", sum(p))
    p <- as.double(p)
  }
  h <- if (is.null(p)) stats::chisq.test(tab) else stats::chisq.test(tab, p = p)
  out <- .panthr_htest(h)
  v <- variables[[1L]]
  out$observed <- .panthr_vtable(h$observed, v, "observed")
  out$expected <- .panthr_vtable(h$expected, v, "expected")
  out$residuals <- .panthr_vtable(h$stdres, v, "residual")
  out$percent <- list(total = .panthr_vtable(100 * prop.table(tab), v, "percent"))
  out$effect_size <- .panthr_effect("fei", "Fei", function() {
    if (is.null(p)) effectsize::fei(tab) else effectsize::fei(tab, p = p)
  })
  out$n <- nrow(d)
  pa <- .panthr_code_args(list(p = p))
  out$r_code <- panthr_r_code(paste0(".t <- table(", panthr_code_column(v), ")"), ".t",
                              paste0("chisq.test(.t", pa, ")"),
                              paste0("chisq.test(.t", pa, ")$expected"),
                              paste0("chisq.test(.t", pa, ")$stdres"),
                              "prop.table(.t) * 100",
                              paste0("effectsize::fei(.t", pa, ")"))
  out
}

#' Fisher's exact test of two nominal variables.
#' @param variables [a, b]. @param options alternative, conf.level (2x2 only, R's defaults).
#' @return the htest keys (no statistic or df; estimate and conf_int for 2x2), n, r_code.
panthr_fisher_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("alternative", "conf.level"))
  args <- .panthr_location_args(options)[c("alternative", "conf.level")]
  t2 <- .panthr_table2(data, variables, "fisher.test")
  h <- panthr_do_call(stats::fisher.test, c(list(t2$tab), args[!vapply(args, is.null, NA)]))
  c(.panthr_htest(h), list(n = t2$n, r_code = panthr_r_code(
    paste0("fisher.test(", t2$code, .panthr_code_args(args), ")"))))
}

#' McNemar's test of two paired nominal variables (the same categories before and after):
#' the square table over the levels either variable has, matched by label. Two variables
#' whose categories differ (ctl/trt against FALSE/TRUE) are paired by position, as R's
#' `mcnemar.test(a, b)` pairs them (each with the levels it uses): they need as many.
#' @param variables [a, b]. @param options correct (flag, TRUE).
#' @return the htest keys, n (pairs), r_code.
panthr_mcnemar_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, "correct")
  correct <- if (!is.null(options$correct)) panthr_option(options, "correct", TRUE, "flag")
  .panthr_vars(data, variables, 2L)
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  d <- .panthr_complete(data, variables)
  fa <- panthr_column(d, variables[[1L]], "nominal")
  fb <- panthr_column(d, variables[[2L]], "nominal")
  la <- .panthr_present(fa)
  lb <- .panthr_present(fb)
  va <- panthr_code_name(variables[[1L]])
  vb <- panthr_code_name(variables[[2L]])
  args <- .panthr_code_args(list(correct = correct))
  if (!setequal(la, lb)) {
    if (length(la) != length(lb) || length(la) < 2L)
      panthr_stop("invalid_object", "mcnemar.test needs the same categories twice, or as many: ",
                  .panthr_q(variables[[1L]]), " has ", length(la), " and ",
                  .panthr_q(variables[[2L]]), " has ", length(lb))
    h <- stats::mcnemar.test(droplevels(fa), droplevels(fb), correct = .panthr_or(correct, TRUE))
    return(c(.panthr_htest(h), list(n = nrow(d), r_code = panthr_r_code(.panthr_code_with(
      variables, paste0("mcnemar.test(droplevels(factor(", va, ")), droplevels(factor(", vb,
                        "))", args, ")"))))))
  }
  lev <- unique(c(la, lb))
  if (length(lev) < 2L)
    panthr_stop("invalid_object", "mcnemar.test needs at least 2 categories with data")
  tab <- table(factor(as.character(fa), levels = lev), factor(as.character(fb), levels = lev))
  h <- stats::mcnemar.test(tab, correct = .panthr_or(correct, TRUE))
  code <- .panthr_code_with(variables, paste0(
    "mcnemar.test(table(factor(", va, ", .l), factor(", vb, ", .l))", args, ")"))
  c(.panthr_htest(h), list(n = nrow(d), r_code = panthr_r_code(
    paste0(".l <- ", .panthr_code_with(variables, paste0(
      "unique(c(as.character(", va, "), as.character(", vb, ")))"))),
    code)))
}

# The level counted as a success: the option `success` (a level, or true/false for a
# logical variable), else TRUE for logical and the first level otherwise.
# @return list(hit = logical (is x the success?), value = the success as R code's value).
.panthr_success <- function(d, variable, options) {
  raw <- panthr_column(d, variable)
  x <- panthr_column(d, variable, "nominal")
  s <- options$success
  if (is.logical(raw)) {
    s <- if (is.null(s)) TRUE else if (is.logical(s) && length(s) == 1L && !is.na(s)) s
         else if (identical(s, "TRUE") || identical(s, "FALSE")) as.logical(s)
         else panthr_stop("invalid_object", "option success must be true or false for ",
                          "the logical variable ", .panthr_q(variable))
    return(list(hit = raw == s, value = s))
  }
  if (is.null(s)) s <- levels(x)[[1L]]
  if (!is.character(s) || length(s) != 1L || !(s %in% levels(x)))
    panthr_stop("invalid_object", "option success must be a level of ", .panthr_q(variable))
  list(hit = !is.na(x) & x == s, value = s)
}

#' Exact binomial test of the share of one level (success) among all values.
#' @param variables [x] nominal or logical. @param options success, p (0.5), alternative,
#'   conf.level.
#' @return the htest keys (statistic = successes; df = R's parameter, the number of trials;
#'   estimate = probability of success), n, r_code.
panthr_binom_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("success", "p", "alternative", "conf.level"))
  .panthr_vars(data, variables, 1L)
  args <- c(list(p = if (!is.null(options$p)) panthr_option(options, "p", 0.5, "probability")),
            .panthr_location_args(options)[c("alternative", "conf.level")])
  d <- .panthr_complete(data, variables)
  s <- .panthr_success(d, variables[[1L]], options)
  if (!nrow(d)) panthr_stop("invalid_object", "binom.test: no values")
  h <- panthr_do_call(stats::binom.test, c(list(sum(s$hit), nrow(d)), args[!vapply(args, is.null, NA)]))
  x <- panthr_code_column(variables[[1L]])
  code <- paste0("binom.test(sum(", x, " == ", panthr_code_value(s$value), ", na.rm = TRUE), ",
                 "sum(!is.na(", x, "))", .panthr_code_args(args), ")")
  c(.panthr_htest(h), list(n = nrow(d), r_code = panthr_r_code(code)))
}

#' Test of one proportion ([x]) or of equal proportions across groups ([x, group]).
#' @param variables [x] or [x, group]: x nominal or logical, group nominal.
#' @param options success, p (a number for [x]; one per group with data for [x, group]),
#'   alternative, correct, conf.level.
#' @return the htest keys, n, r_code.
panthr_prop_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("success", "p", "alternative", "correct", "conf.level"))
  .panthr_vars(data, variables, 1L, 2L)
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  d <- .panthr_complete(data, variables)
  s <- .panthr_success(d, variables[[1L]], options)
  p <- options$p
  if (!is.null(p)) {
    p <- unlist(p)
    if (!is.numeric(p) || anyNA(p) || any(p <= 0 | p >= 1))
      panthr_stop("invalid_object", "option p must hold numbers between 0 and 1")
    p <- as.double(p)
  }
  args <- c(list(p = p), .panthr_location_args(options)[c("alternative", "conf.level")],
            list(correct = if (!is.null(options$correct))
              panthr_option(options, "correct", TRUE, "flag")))
  hit <- factor(s$hit, levels = c(TRUE, FALSE))
  xv <- panthr_code_name(variables[[1L]])
  hit_code <- paste0("factor(", xv, " == ", panthr_code_value(s$value),
                     ", levels = c(TRUE, FALSE))")
  if (length(variables) == 1L) {
    if (length(p) > 1L) panthr_stop("invalid_object", "option p must be one number for [x]")
    counts <- table(hit)
    call <- paste0("prop.test(table(", hit_code, ")", .panthr_code_args(args), ")")
  } else {
    g <- droplevels(panthr_column(d, variables[[2L]], "nominal"))
    if (!is.null(p) && length(p) != nlevels(g))
      panthr_stop("invalid_object", "option p must hold one number per group with data (",
                  nlevels(g), ")")
    counts <- table(g, hit)
    call <- paste0("prop.test(table(", panthr_code_name(variables[[2L]]), ", ", hit_code, ")",
                   .panthr_code_args(args), ")")
  }
  if (!nrow(d)) panthr_stop("invalid_object", "prop.test: no values")
  h <- panthr_do_call(stats::prop.test, c(list(counts), args[!vapply(args, is.null, NA)]))
  c(.panthr_htest(h), list(n = nrow(d), r_code = panthr_r_code(
    paste0("with(droplevels(", .panthr_code_cc(variables), "), ", call, ")"))))
}

panthr_register("test", "chisq.test", panthr_chisq_test)
panthr_register("test", "fisher.test", panthr_fisher_test)
panthr_register("test", "mcnemar.test", panthr_mcnemar_test)
panthr_register("test", "binom.test", panthr_binom_test)
panthr_register("test", "prop.test", panthr_prop_test)
