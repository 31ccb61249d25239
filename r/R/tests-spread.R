# Tests of normality, equal variances and correlation: shapiro.test, levene.test,
# bartlett.test, cor.test (API.md "Analyses added in API 1.1").

# Shapiro-Wilk of one sample, within R's limits (3 to 5000 values): outside them
# invalid_object saying so, rather than R's terser error.
.panthr_shapiro <- function(x, where = "") {
  if (length(x) < 3L || length(x) > 5000L)
    panthr_stop("invalid_object", "shapiro.test needs 3 to 5000 values (R's limits)", where,
                ", has ", length(x))
  stats::shapiro.test(x)
}

#' Shapiro-Wilk normality test, of all values or of each group.
#' @param variables [y] (scalar). @param options by (a nominal variable: one row per group
#'   with data, in level order).
#' @return list(method, statistic, p_value, n, r_code); with by, list(method, rows = list of
#'   list(group, statistic, p_value, n), n, r_code).
panthr_shapiro_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, "by")
  .panthr_vars(data, variables, 1L)
  by <- options$by
  if (!is.null(by) && (!is.character(by) || length(by) != 1L || is.na(by)))
    panthr_stop("invalid_object", "option by must be one variable name")
  named <- c(variables, by)
  if (!is.null(by)) panthr_column(data, by)  # not_found before the rows are chosen
  if (anyDuplicated(named)) panthr_stop("invalid_object", "a variable is named twice")
  d <- .panthr_complete(data, named)
  y <- panthr_column(d, variables[[1L]], "scalar")
  if (is.null(by)) {
    h <- .panthr_shapiro(y)
    return(c(.panthr_htest(h),
             list(n = length(y), r_code = panthr_r_code(paste0(
               "shapiro.test(", panthr_code_column(variables[[1L]]), ")")))))
  }
  g <- droplevels(panthr_column(d, by, "nominal"))
  if (nlevels(g) < 1L) panthr_stop("invalid_object", "no group of ", .panthr_q(by), " has data")
  rows <- lapply(levels(g), function(l) {
    h <- .panthr_shapiro(y[g == l], paste0(" in each group; group ", .panthr_q(l)))
    list(group = l, statistic = .panthr_num(h$statistic), p_value = h$p.value,
         n = sum(g == l))
  })
  method <- stats::shapiro.test(y[g == levels(g)[[1L]]])$method
  rows_code <- paste0("droplevels(", .panthr_code_cc(named), ")")
  bv <- panthr_code_name(by)
  code <- c(paste0("with(", rows_code, ", lapply(split(", panthr_code_name(variables[[1L]]), ", ",
                   bv, "), shapiro.test))"),
            paste0("with(", rows_code, ", table(", bv, "))"))
  list(method = method, rows = rows, n = length(y), r_code = panthr_r_code(code))
}

#' Levene's test of equal variances, as car::leveneTest computes it (without car): the
#' F test of a one-way ANOVA of the absolute deviations from each group's median (or mean).
#' @param variables [y, group]. @param options center ("median" | "mean").
#' @return list(method, statistic, df = I(c(df_group, df_residual)), p_value, n, r_code).
panthr_levene_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, "center")
  center <- panthr_option(options, "center", "median", "choice", c("median", "mean"))
  s <- .panthr_groups(data, variables, "levene.test")
  dev <- abs(s$y - stats::ave(s$y, s$g, FUN = if (center == "median") stats::median else mean))
  a <- stats::anova(stats::lm(dev ~ s$g))
  yv <- panthr_code_name(variables[[1L]])
  gv <- panthr_code_name(variables[[2L]])
  code <- paste0("anova(lm(abs(", yv, " - ave(", yv, ", ", gv, ", FUN = ", center, ")) ~ ",
                 gv, ", data = ", .panthr_code_cc(variables), "))")
  list(method = paste0("Levene's Test for Homogeneity of Variance (center = ", center, ")"),
       statistic = a[["F value"]][[1L]], df = I(as.double(a[["Df"]])),
       p_value = a[["Pr(>F)"]][[1L]], estimate = NULL, conf_int = NULL, n = s$n,
       r_code = panthr_r_code(code))
}

#' Bartlett's test of equal variances.
#' @param variables [y, group]. @return the htest keys, n, r_code.
panthr_bartlett_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, character())
  s <- .panthr_groups(data, variables, "bartlett.test")
  c(.panthr_htest(stats::bartlett.test(s$y, s$g)),
    list(n = s$n, r_code = panthr_r_code(.panthr_code_formula("bartlett.test", s))))
}

#' Correlation test.
#' @param data data.frame; @param variables character: [x, y], scalar.
#' @param options named list: method ("pearson" | "spearman" | "kendall"), alternative
#'   ("two.sided" | "less" | "greater"), conf.level (probability, 0.95; Pearson only),
#'   exact (flag or absent: R's default).
#' @return list(method, statistic, df (Pearson only), p_value, estimate = I(num[1]),
#'   conf_int = I(num[2]) and conf_level (Pearson with n >= 4 only), ..., n, r_code).
panthr_cor_test <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("method", "alternative", "conf.level", "exact"))
  .panthr_vars(data, variables, 2L)
  d <- .panthr_complete(data, variables)
  x <- panthr_column(d, variables[[1L]], "scalar")
  y <- panthr_column(d, variables[[2L]], "scalar")
  given <- function(k, type, choices = NULL) {
    if (!is.null(options[[k]])) panthr_option(options, k, NULL, type, choices)
  }
  args <- list(method = given("method", "choice", c("pearson", "spearman", "kendall")),
               alternative = given("alternative", "choice", .panthr_alternatives),
               conf.level = given("conf.level", "probability"),
               exact = given("exact", "flag"))
  h <- panthr_do_call(stats::cor.test, c(list(x, y), args[!vapply(args, is.null, NA)]))
  call <- paste0("cor.test(", panthr_code_name(variables[[1L]]), ", ",
                 panthr_code_name(variables[[2L]]), .panthr_code_args(args), ")")
  c(.panthr_htest(h), list(n = length(x),
                           r_code = panthr_r_code(.panthr_code_with(variables, call))))
}

panthr_register("test", "shapiro.test", panthr_shapiro_test)
panthr_register("test", "levene.test", panthr_levene_test)
panthr_register("test", "bartlett.test", panthr_bartlett_test)
panthr_register("test", "cor.test", panthr_cor_test)
