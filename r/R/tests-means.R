# Tests of location: t.test, wilcox.test, oneway.test, kruskal.test, friedman.test (API.md
# "Analyses added in API 1.1"). Each calls R's own function on the complete rows of its
# variables, so the numbers are R's, and returns the code that repeats the call.

.panthr_alternatives <- c("two.sided", "less", "greater")

# The options a location test passes to R as they are, checked; NULL when not given, so
# that the r_code names only what the user set.
.panthr_location_args <- function(options) {
  list(mu = if (!is.null(options$mu)) panthr_option(options, "mu", 0, "number"),
       alternative = if (!is.null(options$alternative))
         panthr_option(options, "alternative", "two.sided", "choice", .panthr_alternatives),
       conf.level = if (!is.null(options[["conf.level"]]))
         panthr_option(options, "conf.level", 0.95, "probability"))
}

# The call of a location test on the samples `s` (.panthr_samples) as code.
.panthr_samples_call <- function(fun, s, args) {
  xy <- if (is.null(s$y)) s$code$x else paste0(s$code$x, ", ", s$code$y)
  s$code$wrap(paste0(fun, "(", xy, .panthr_code_args(args), ")"))
}

# Runs `fun` on the samples with `args` (NULLs left out).
.panthr_samples_run <- function(fun, s, args) {
  args <- args[!vapply(args, is.null, NA)]
  panthr_do_call(fun, c(list(s$x), if (!is.null(s$y)) list(s$y), args))
}

#' Student's / Welch's t test, with Cohen's d.
#' @param data data.frame; @param variables character: [y], [y, group] (two levels present:
#'   first minus second), [y, y2] (two scalar columns) or [y, group, id] (paired by id).
#' @param options named list: mu, alternative, paired, var.equal, conf.level (R's defaults).
#' @return list(method, statistic, df, p_value, estimate, estimate_names, conf_int,
#'   conf_level, alternative, null_value, effect_size = list(name = "cohens_d", value,
#'   conf_int) as effectsize::cohens_d(..., pooled_sd = TRUE, mu, paired), n, r_code).
panthr_t_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("mu", "alternative", "paired", "var.equal", "conf.level"))
  paired <- if (!is.null(options$paired)) panthr_option(options, "paired", FALSE, "flag")
  var_equal <- if (!is.null(options[["var.equal"]]))
    panthr_option(options, "var.equal", FALSE, "flag")
  s <- .panthr_samples(data, variables, paired, "t.test")
  args <- c(.panthr_location_args(options), list(var.equal = var_equal))
  if (s$paired) args$paired <- TRUE
  out <- .panthr_htest(.panthr_samples_run(stats::t.test, s, args))
  if (!s$paired && !is.null(s$groups))
    out$estimate_names <- I(paste("mean in group", s$groups))
  mu <- .panthr_or(args$mu, 0)
  es_args <- list(pooled_sd = TRUE, mu = mu, paired = s$paired)
  out$effect_size <- .panthr_effect("cohens_d", "Cohens_d", function() {
    .panthr_samples_run(effectsize::cohens_d, s, es_args)
  })
  out$n <- s$n
  out$descriptives <- .panthr_sample_stats(s, variables)
  xy <- if (is.null(s$y)) s$code$x else paste0(s$code$x, ", ", s$code$y)
  out$r_code <- panthr_r_code(s$code$pre, .panthr_samples_call("t.test", s, args),
                              .panthr_samples_call("effectsize::cohens_d", s, es_args),
                              s$code$wrap(paste0("sapply(list(", xy, "), function(v) c(n = ",
                                                 "length(v), mean = mean(v), sd = sd(v), ",
                                                 "se = sd(v) / sqrt(length(v))))")))
  out
}

# Each sample's n, mean, sd and standard error of the mean, a row each, named by its group
# (or variable): what the test compares, as jamovi's group descriptives show it.
.panthr_sample_stats <- function(s, variables) {
  xs <- if (is.null(s$y)) list(s$x) else list(s$x, s$y)
  names <- if (!is.null(s$groups)) s$groups else variables[seq_along(xs)]
  stat <- function(x) c(length(x), mean(x), stats::sd(x), stats::sd(x) / sqrt(length(x)))
  m <- matrix(vapply(xs, stat, numeric(4L)), ncol = 4L, byrow = TRUE)
  panthr_table(data.frame(sample = as.character(names), n = as.integer(m[, 1L]),
                          mean = m[, 2L], sd = m[, 3L], se = m[, 4L]))
}

#' Wilcoxon rank sum / signed rank test (conf.int = TRUE), with the rank-biserial correlation.
#' @param variables as panthr_t_test. @param options named list: mu, alternative, paired,
#'   exact, correct, conf.level (R's defaults).
#' @return the htest keys, effect_size = list(name = "rank_biserial", value, conf_int) as
#'   effectsize::rank_biserial(..., mu, paired), n, r_code.
panthr_wilcox_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("mu", "alternative", "paired", "exact", "correct",
                                   "conf.level"))
  flag <- function(k) if (!is.null(options[[k]])) panthr_option(options, k, NULL, "flag")
  s <- .panthr_samples(data, variables, flag("paired"), "wilcox.test")
  args <- c(.panthr_location_args(options),
            list(paired = if (s$paired) TRUE, exact = flag("exact"), correct = flag("correct"),
                 conf.int = TRUE))
  out <- .panthr_htest(.panthr_samples_run(stats::wilcox.test, s, args))
  es_args <- list(mu = .panthr_or(args$mu, 0), paired = s$paired)
  out$effect_size <- .panthr_effect("rank_biserial", "r_rank_biserial", function() {
    .panthr_samples_run(effectsize::rank_biserial, s, es_args)
  })
  out$n <- s$n
  out$r_code <- panthr_r_code(s$code$pre, .panthr_samples_call("wilcox.test", s, args),
                              .panthr_samples_call("effectsize::rank_biserial", s, es_args))
  out
}

# The complete rows of [y, group] (y scalar, group nominal with at least two levels
# present), for the tests of k groups. @return list(y, g (levels present only), n, form).
.panthr_groups <- function(data, variables, test, min_levels = 2L) {
  .panthr_vars(data, variables, 2L)
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  d <- .panthr_complete(data, variables)
  y <- panthr_column(d, variables[[1L]], "scalar")
  g <- droplevels(panthr_column(d, variables[[2L]], "nominal"))
  if (nlevels(g) < min_levels)
    panthr_stop("invalid_object", test, " needs at least ", min_levels, " groups with data in ",
                .panthr_q(variables[[2L]]), ", has ", nlevels(g))
  form <- paste(panthr_code_name(variables[[1L]]), "~", panthr_code_name(variables[[2L]]))
  list(y = y, g = g, n = length(y), form = form)
}

# The code of `fun(y ~ group, data = DATA, args)`.
.panthr_code_formula <- function(fun, s, args = list()) {
  paste0(fun, "(", s$form, ", data = ", panthr_code_data(), .panthr_code_args(args), ")")
}

#' One-way analysis of means (Welch's unless var.equal).
#' @param variables [y, group]. @param options var.equal (flag, FALSE).
#' @return the htest keys (df = I(c(num, denom))), n, r_code.
panthr_oneway_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, "var.equal")
  args <- list(var.equal = if (!is.null(options[["var.equal"]]))
    panthr_option(options, "var.equal", FALSE, "flag"))
  s <- .panthr_groups(data, variables, "oneway.test")
  h <- panthr_do_call(stats::oneway.test, c(list(y ~ g, data = data.frame(y = s$y, g = s$g)),
                                     args[!vapply(args, is.null, NA)]))
  c(.panthr_htest(h), list(n = s$n, r_code = panthr_r_code(
    .panthr_code_formula("oneway.test", s, args))))
}

# Pairs of groups (in level order) and a lower-triangular matrix's p-values as a table
# {columns = group1, group2, p_value; rows}.
.panthr_pairs_table <- function(p) {
  rows <- list()
  for (j in seq_len(ncol(p))) {
    for (i in seq_len(nrow(p))) {
      if (i >= j) rows[[length(rows) + 1L]] <- list(colnames(p)[[j]], rownames(p)[[i]], p[i, j])
    }
  }
  list(columns = I(c("group1", "group2", "p_value")), rows = rows)
}

#' Kruskal-Wallis rank sum test, pairwise Wilcoxon tests and rank epsilon squared.
#' @param variables [y, group]. @param options p.adjust (one of p.adjust.methods, "holm").
#' @return the htest keys, posthoc = {columns = group1, group2, p_value; rows} of
#'   pairwise.wilcox.test(y, group, p.adjust.method), effect_size = list(name =
#'   "rank_epsilon_squared", value = H / (n - 1), conf_int = NULL), n, r_code.
panthr_kruskal_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, "p.adjust")
  method <- panthr_option(options, "p.adjust", "holm", "choice", stats::p.adjust.methods)
  s <- .panthr_groups(data, variables, "kruskal.test")
  out <- .panthr_htest(stats::kruskal.test(s$y, s$g))
  pw <- stats::pairwise.wilcox.test(s$y, s$g, p.adjust.method = method)
  out$posthoc <- .panthr_pairs_table(pw$p.value)
  out$effect_size <- .panthr_effect("rank_epsilon_squared", "rank_epsilon_squared", function() {
    effectsize::rank_epsilon_squared(s$y, s$g, ci = NULL)
  })
  out$n <- s$n
  out$r_code <- panthr_r_code(
    .panthr_code_formula("kruskal.test", s),
    .panthr_code_with(variables, paste0("pairwise.wilcox.test(",
                                        panthr_code_name(variables[[1L]]), ", ",
                                        panthr_code_name(variables[[2L]]),
                                        .panthr_code_args(list(p.adjust.method = method)), ")")),
    # ci = NULL written out: without it effectsize tries a bootstrap interval (needs boot).
    paste0(sub(")$", "", .panthr_code_formula("effectsize::rank_epsilon_squared", s)),
           ", ci = NULL)"))
  out
}

#' Friedman rank sum test of y by group within blocks.
#' @param variables [y, group, block]: y scalar, group nominal, block nominal or scalar.
#'   Blocks lacking a value for some group (after rows with missing values are left out)
#'   are left out, as friedman.test does with its matrix form; a group and block with two
#'   values is an error (not an unreplicated complete block design).
#' @return the htest keys, n (rows used), r_code.
panthr_friedman_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, character())
  .panthr_vars(data, variables, 3L)
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  d <- .panthr_complete(data, variables)
  y <- panthr_column(d, variables[[1L]], "scalar")
  g <- droplevels(panthr_column(d, variables[[2L]], "nominal"))
  b <- factor(d[[variables[[3L]]]])
  counts <- table(b, g)
  if (any(counts > 1L))
    panthr_stop("invalid_object", "friedman.test needs one value per group and block; ",
                "block ", .panthr_q(rownames(counts)[which(rowSums(counts > 1L) > 0L)[[1L]]]),
                " has more")
  m <- tapply(y, list(b, g), mean)
  complete <- stats::complete.cases(m)
  if (sum(complete) < 1L || ncol(m) < 2L)
    panthr_stop("invalid_object", "friedman.test needs at least 2 groups and one block with ",
                "a value in every group")
  if (any(!complete))
    warning(sum(!complete), " blocks without a value in every group were left out", call. = FALSE)
  out <- .panthr_htest(stats::friedman.test(m))
  out$n <- sum(complete) * ncol(m)
  vs <- vapply(variables, panthr_code_name, "")
  call <- paste0("friedman.test(tapply(", vs[[1L]], ", list(", vs[[3L]], ", ", vs[[2L]],
                 "), mean))")
  out$r_code <- panthr_r_code(paste0("with(droplevels(", .panthr_code_cc(variables), "), ",
                                     call, ")"))
  out
}

panthr_register("test", "t.test", panthr_t_test)
panthr_register("test", "wilcox.test", panthr_wilcox_test)
panthr_register("test", "oneway.test", panthr_oneway_test)
panthr_register("test", "kruskal.test", panthr_kruskal_test)
panthr_register("test", "friedman.test", panthr_friedman_test)
