# Models: lm and aov. The formula is built from symbols of internal column names (V1, V2,
# ...), never from user text, and the user's names are put back on the terms afterwards,
# so any name ("my var", "a`b", ".") is safe and R never parses it.

# A model frame of the chosen columns under internal names, plus its formula.
.panthr_model_data <- function(data, variables, kinds) {
  cols <- Map(function(v, k) panthr_column(data, v, k), variables, kinds)
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  inner <- paste0("V", seq_along(variables))
  d <- structure(unname(cols), names = inner, class = "data.frame",
                 row.names = .set_row_names(nrow(data)))
  rhs <- Reduce(function(a, b) call("+", a, b), lapply(inner[-1L], as.name))
  f <- stats::as.formula(call("~", as.name(inner[[1L]]), rhs), env = baseenv())
  list(data = d, formula = f, inner = inner, outer = variables)
}

# User-facing names of model-matrix columns or terms: internal prefix -> user's name.
.panthr_term_names <- function(names, assign, term_labels, md) {
  out <- names
  for (j in seq_along(names)) {
    a <- assign[[j]]
    if (a == 0L) next
    label <- term_labels[[a]]
    user <- md$outer[[match(label, md$inner)]]
    out[[j]] <- paste0(user, substring(names[[j]], nchar(label) + 1L))
  }
  out
}

#' Linear regression, lm(y ~ x1 + x2 + ...), rows with a missing value left out.
#' @param data data.frame; @param variables character: [y, x1, ...]: y scalar, each x
#'   scalar, nominal (treatment contrasts: term "name" + level) or logical.
#' @param options ignored keys are refused (none are defined).
#' @return list(coefficients = {columns = I(c("term", "estimate", "std_error", "t_value",
#'   "p_value")), rows}, r_squared, adj_r_squared, sigma, df = I(c(numdf, dendf)),
#'   f_statistic, p_value, n). Aliased (NA) coefficients are left out of the table, as in
#'   summary.lm.
panthr_lm <- function(data, variables, options = list()) {
  .panthr_known_options(options, character())
  .panthr_vars(data, variables, 2L, Inf)
  md <- .panthr_model_data(data, variables, c("scalar", rep("any", length(variables) - 1L)))
  for (v in variables[-1L]) {
    x <- panthr_column(data, v)
    if (!is.numeric(x) && !is.factor(x) && !is.logical(x))
      panthr_stop("invalid_object", "variable ", .panthr_q(v), " cannot be a model term")
  }
  fit <- stats::lm(md$formula, data = md$data)
  s <- summary(fit)
  mm_assign <- attr(stats::model.matrix(fit), "assign")[!is.na(stats::coef(fit))]
  co <- s$coefficients
  terms <- .panthr_term_names(rownames(co), mm_assign,
                              attr(stats::terms(fit), "term.labels"), md)
  table <- data.frame(term = terms, estimate = co[, 1L], std_error = co[, 2L],
                      t_value = co[, 3L], p_value = co[, 4L])
  fs <- s$fstatistic
  list(coefficients = panthr_table(table),
       r_squared = s$r.squared, adj_r_squared = s$adj.r.squared, sigma = s$sigma,
       df = .panthr_arr(fs[c("numdf", "dendf")]),
       f_statistic = .panthr_num(fs[["value"]]),
       p_value = if (is.null(fs)) NA_real_ else
         stats::pf(fs[["value"]], fs[["numdf"]], fs[["dendf"]], lower.tail = FALSE),
       n = length(fit$residuals))
}

#' Analysis of variance, aov(y ~ group [+ group2 ...]), sequential (type I) sums of squares.
#' @param data data.frame; @param variables character: [y, group, ...]: y scalar, the
#'   others nominal (a character or logical column is made a factor).
#' @return list(table = {columns = I(c("term", "df", "sum_sq", "mean_sq", "f_value",
#'   "p_value")), rows}): one row per term then "Residuals" (whose f_value and p_value are
#'   NA, null).
panthr_aov <- function(data, variables, options = list()) {
  .panthr_known_options(options, character())
  .panthr_vars(data, variables, 2L, Inf)
  md <- .panthr_model_data(data, variables, c("scalar", rep("nominal", length(variables) - 1L)))
  fit <- stats::aov(md$formula, data = md$data)
  tab <- summary(fit)[[1L]]
  labels <- trimws(rownames(tab))
  terms <- ifelse(labels %in% md$inner, md$outer[match(labels, md$inner)], labels)
  table <- data.frame(term = terms, df = tab[["Df"]], sum_sq = tab[["Sum Sq"]],
                      mean_sq = tab[["Mean Sq"]],
                      f_value = if (is.null(tab[["F value"]])) NA_real_ else tab[["F value"]],
                      p_value = if (is.null(tab[["Pr(>F)"]])) NA_real_ else tab[["Pr(>F)"]])
  list(table = panthr_table(table), n = length(fit$residuals))
}

panthr_register("test", "lm", panthr_lm)
panthr_register("test", "aov", panthr_aov)
